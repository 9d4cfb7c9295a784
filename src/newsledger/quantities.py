"""Group figures that measure the same real-world quantity, across articles, and flag
where they disagree.

A quantity is a block key (:func:`quantity_key`): the story, what happened (category), to
whom (a class of the counted noun that keeps sub-groups such as children or police apart), the
unit, count or forecast, the sub-count (a state, a sighting, a nationality, a part of a named
whole), the incident when it is not the story's own (``Figure.event``), and where
(``figures/scope.place_key``: a country, a side's areas, a city; a combined total is the
story's total). Running totals keep one quantity across days, so revisions line up; per-event
counts (crowds, arrests, evacuation convoys) are split by day. A story-level step
(:func:`source_places`, run by the store over a whole story) gives an unplaced running total
the area its source reports. The README's "What a quantity is" lists every dimension.

Conflicts follow the spec's interval rule; see :func:`conflict_kind` for what a pair means.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from .figures.scope import CUMULATIVE, RUNNING_TOTALS, place_key
from .records import Figure
from .util import MEMO_LIMIT

_IRREGULAR = {"children": "child", "men": "man", "women": "woman", "people": "people", "persons": "person",
              "police": "police", "personnel": "personnel", "troops": "troop", "dead": "dead",
              "feet": "foot", "mice": "mouse", "lives": "life", "others": "other"}

GENERIC_PEOPLE = {"people", "person", "civilian", "resident", "dead", "victim", "individual", "inhabitant",
                  "other", "miner", "worker", "marcher", "demonstrator", "protester", "protestor", "survivor",
                  "citizen", "national", "villager", "local", "life", "body", "death", "fatality", "casualty", "arrest",
                  "detainee", "evacuee", "refugee", "wounded", "injured", "missing", "soul", "family_member",
                  "participant", "striker", "crowd", "turnout", "toll", "number", "figure", "total",
                  # what happened to them or the gathering they formed, not who they are
                  "killed", "deceased", "perished", "detained", "arrested", "suspect", "manifestant", "march", "rally",
                  "protest", "demonstration", "gathering", "attendee", "spectator", "reveller",
                  "hospitalised", "hospitalized", "admitted", "evacuated", "rescued", "displaced", "homeless",
                  "trapped"}
GATHERINGS = {"march", "rally", "protest", "demonstration", "gathering", "vigil", "strike"}
SUBGROUPS = {"child": "children", "kid": "children", "minor": "children", "girl": "children", "boy": "children",
             "baby": "children", "infant": "children", "schoolchild": "children", "woman": "women",
             "officer": "police", "policeman": "police", "policewoman": "police", "police": "police",
             "soldier": "military", "troop": "military", "serviceman": "military", "journalist": "journalists",
             "medic": "medics", "doctor": "medics", "nurse": "medics", "rescuer": "rescuers",
             "firefighter": "rescuers", "teacher": "teachers", "student": "students", "pupil": "students",
             "foreigner": "foreigners", "tourist": "foreigners", "man": "men"}
# categories where later figures revise the same total; the rest are counted per event (day)
RUNNING = {"killed", "injured", "missing", "trapped", "displaced", "other", "aid"}
PER_EVENT = {"attended", "detained", "evacuated", "military"}
# in practice "trapped" and "missing" are one unaccounted-for total
MERGED_CATEGORY = {"trapped": "unaccounted", "missing": "unaccounted"}


@lru_cache(maxsize=MEMO_LIMIT)  # a pure function of a short phrase, asked for every figure at every pass
def head_noun(counted: str | None) -> str:
    """The singular head word of a counted phrase ("police officers" -> "officer")."""
    words = re.findall(r"[A-Za-z$]+", counted or "")
    if not words:
        return ""
    w: str = str(words[-1]).lower()
    if w in _IRREGULAR:
        return str(_IRREGULAR[w])
    for suf, rep in (("ies", "y"), ("ses", "s"), ("s", "")):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            return w[: -len(suf)] + rep
    return w


def counted_class(f: Figure, neighbours: Sequence[Figure] = ()) -> str:
    """Generic people collapse into "people"; sub-groups (children, women, police...) stay apart.
    "Men" is a sub-group only beside women or children ("18 men, 14 women and 8 children")."""
    if f.unit and f.unit != "percent":
        return f.unit
    cls = _phrase_class(f.counted)
    if cls is None:  # "men"
        beside = {head_noun(n.counted) for n in neighbours if n is not f}
        return "men" if beside & {"woman", "child"} else "people"
    return cls


@lru_cache(maxsize=MEMO_LIMIT)
def _phrase_class(counted: str | None) -> str | None:
    """:func:`counted_class` of a counted phrase, None for "men" (which depends on the figures
    beside it); memoized, as every pass of the ledger asks it for every figure."""
    head = head_noun(counted)
    words = [head_noun(w) for w in re.findall(r"[A-Za-z]+", counted or "")]
    if "police" in words:
        return "police"
    if head == "man":
        return None
    if head in SUBGROUPS:
        return SUBGROUPS[head]
    last = (re.findall(r"[A-Za-z]+", counted or "") or [""])[-1].lower()
    if head in GATHERINGS and last != head:
        return "gatherings"  # "214 rallies" counts events; "put the Tarsenne march at 300,000" counts people
    if head in GENERIC_PEOPLE or not head:
        return "people"
    return head


def quantity_key(f: Figure, story: str, neighbours: Sequence[Figure] = (),
                 source_key: str | None = None) -> tuple[str, ...]:
    """The block a figure belongs to; figures with equal keys measure the same quantity."""
    category = MERGED_CATEGORY.get(f.category, f.category)
    key = [story, category, counted_class(f, neighbours), f.unit or "", "forecast" if f.projection else "count",
           f.subset or "all"]
    key.append(f.event or "")  # another incident than the story's current one (figures/events.py)
    if f.category in PER_EVENT and f.subset != CUMULATIVE:
        # one quantity per day, unless the words make it a running total ("since the operation began")
        key.append(f.event_date or "undated")
    # where: a country, a region, a side's areas, or both countries together (figures/scope.py)
    key.append(place_key(f.place or ("national" if f.category == "attended" else None)))
    if f.category == "other":
        # "other" is a catch-all: what the number is about comes from its own verb
        key.append(f.predicate or "")
    if f.category == "aid":
        key.append(source_key or (f.source or "").lower())
    return tuple(key)


def source_places(figs: Sequence[Figure], source_ids: Sequence[str | None]) -> dict[tuple[str, str], str]:
    """(source id, category, forecast or not) -> the place a source gives its running totals in one story, when one
    place is named more often than any other (and at least twice): a body keeps the toll of its
    own area ("KAVED: 13,204 killed in Karvelia"), so its unplaced totals ("KAVED said 1,762 had
    been killed") are that area's. Read over the whole story, so the result is order-independent."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for f, sid in zip(figs, source_ids, strict=True):
        if sid is None or not f.place or not _inheritable(f):
            continue
        key = place_key(f.place)
        if key in ("any", "national"):
            continue
        for kind in (_kind(f), "" if not f.projection else None):
            if kind is not None:  # "": all of the source's counts, whatever they count
                bucket = counts.setdefault((sid, kind), {})
                bucket[key] = bucket.get(key, 0) + 1
    out: dict[tuple[str, str], str] = {}
    for k, bucket in counts.items():
        ranked = sorted(bucket.items(), key=lambda kv: (-kv[1], kv[0]))
        if ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            out[k] = ranked[0][0]
    return out


def _inheritable(f: Figure) -> bool:
    """Running totals: tolls, and counts of an operation kept since it began (CUMULATIVE)."""
    return ((f.category in RUNNING_TOTALS and not f.subset) or f.subset == CUMULATIVE) and not f.event


def _kind(f: Figure) -> str:
    """A source's counts and its forecasts may cover different areas (a modelling institute
    forecasts the combined toll of two countries): places are learnt for each apart."""
    return f.category + (":forecast" if f.projection else "")


HOME_TITLE_SHARE = 0.8  # a place named in this share of a story's headlines is where the story happens
HOME_MIN_ARTICLES = 3


def home_places(figs: Sequence[Figure], titles: dict[str, str | None]) -> set[str]:
    """Place keys of where a story happens: a place its figures name that nearly every headline of
    the story names too ("Brelsk: third convoy ...", "Brelsk evacuation live", "second Brelsk
    convoy"). A figure there counts what the story's unplaced figures count ("In Brelsk itself,
    the toll rose to five" and "the shelling killed three"; "Brelsk had 388,000 inhabitants" and
    "the city had 388,000 residents"), while other places stay apart. A sub-count placed there
    ("84 of the injured are treated in Tavrel") is a breakdown by place and keeps it (the store's
    story pass). Order-independent: read over the whole story."""
    heads = [t.lower() for t in titles.values() if t]
    if len(titles) < HOME_MIN_ARTICLES or len(heads) < HOME_TITLE_SHARE * len(titles):
        return set()
    names: dict[str, set[str]] = {}
    for f in figs:
        key = place_key(f.place)
        if f.place and key not in ("any", "national", "capital") and ":" not in key:
            names.setdefault(key, set()).add(f.place.lower())
    home = set()
    need = HOME_TITLE_SHARE * len(titles)
    for key, spellings in names.items():
        # counted until the share is out of reach (a story's many places would otherwise each be
        # searched in every headline); a spelling is looked for as a word only where it occurs
        hits, left = 0, len(heads)
        for t in heads:
            left -= 1
            hits += any(sp in t and re.search(rf"\b{re.escape(sp)}\b", t) for sp in spellings)
            if hits + left < need:
                break
        if hits >= need:
            home.add(key)
    return home


def story_place(f: Figure, source_id: str | None, places: dict[tuple[str, str], str]) -> str | None:
    """The figure's place, or, for an unplaced running total, its source's place in the story."""
    # "in the country" is the source's own country when the source reports one area
    if (f.place and place_key(f.place) != "national") or source_id is None or not _inheritable(f):
        return f.place
    # a body that gives its death toll for one area gives its injured for that area too
    return places.get((source_id, _kind(f))) or (None if f.projection else places.get((source_id, ""))) or f.place


def quantity_id(key: tuple[str, ...]) -> str:
    """A stable id for a block key, so ids survive reruns and incremental ingest."""
    return "q-" + hashlib.sha1("\x1f".join(key).encode("utf-8")).hexdigest()[:12]


def _neighbours(figures: Sequence[Figure], window: int = 120) -> dict[int, list[Figure]]:
    """Figures close together in the same article (to see "18 men, 14 women and 8 children")."""
    out: dict[int, list[Figure]] = {}
    by_doc: dict[str, list[tuple[int, Figure]]] = {}
    for i, f in enumerate(figures):
        by_doc.setdefault(f.doc, []).append((i, f))
    for items in by_doc.values():
        # sorted starts and a bisect per figure: linear in the figures of an article, not quadratic
        order = sorted(range(len(items)), key=lambda k: items[k][1].start)
        starts = [items[k][1].start for k in order]
        for i, f in items:
            lo = bisect.bisect_left(starts, f.start - window)
            hi = bisect.bisect_right(starts, f.start + window)
            out[i] = [items[k][1] for k in sorted(order[lo:hi])]
    return out


def assign_quantities(figures: Iterable[Figure], stories: dict[str, str] | None = None,
                      source_keys: dict[str, str] | None = None) -> list[Figure]:
    """Give every figure the id of its quantity. ``stories`` maps article id -> story id
    (default: one story for the whole run); ``source_keys`` maps source names to canonical keys."""
    figs = list(figures)
    near = _neighbours(figs)
    out = []
    for i, f in enumerate(figs):
        story = (stories or {}).get(f.doc, "s-0")
        sk = (source_keys or {}).get(f.source or "", None)
        out.append(replace(f, quantity=quantity_id(quantity_key(f, story, near.get(i, ()), sk))))
    return out


# ---------------------------------------------------------------- conflicts

def interval(value: float | None, qualifier: str, value_high: float | None = None) -> tuple[float, float] | None:
    """The range of true values a reported figure allows (the spec's rule)."""
    if value is None:
        return None
    v = float(value)
    return {
        "exact": (v, v),
        "approx": (0.85 * v, 1.15 * v),
        "at_least": (v, math.inf),
        "more_than": (v, math.inf),
        "at_most": (0.0, v),
        "less_than": (0.0, v),
        "range": (v, float(value_high) if value_high is not None else v),
        "vague": (v, 10 * v),
    }.get(qualifier, (v, v))


def disagree(a: Figure, b: Figure) -> bool:
    ia, ib = interval(a.value, a.qualifier, a.value_high), interval(b.value, b.qualifier, b.value_high)
    if ia is None or ib is None:
        return False
    return ia[1] < ib[0] or ib[1] < ia[0]


KINDS = ("dispute", "revision", "across_days", "undated")


@dataclass(frozen=True)
class Conflict:
    """Two figures of one quantity whose allowed ranges do not overlap; ``a`` is the earlier."""

    quantity: str
    a: Figure
    b: Figure
    kind: str  # one of KINDS


def conflict_kind(a: Figure, b: Figure, same_source: bool) -> str:
    """What a disagreement means depends on who and when. One source's successive figures are a
    *revision*; two sources differing about the same day are a *dispute*; two sources on
    different days are neither (``across_days``: a toll that grew is not a quarrel); a figure
    without a day can never be shown to disagree about the same day (``undated``)."""
    if same_source:
        return "revision"
    if a.event_date and b.event_date:
        return "dispute" if a.event_date == b.event_date else "across_days"
    return "undated"


MAX_BREAKDOWN = 12  # figures of one source in one article searched for parts that add up


def breakdown_parts(figs: Sequence[Figure], source_ids: Sequence[str | None]) -> set[int]:
    """Figures that are parts of a total the same source gives in the same article for the same
    day ("8 died when the bridge fell and 12 more drowned ... 20 in all"): two or three of them add
    up to another. Parts measure a piece of the quantity, so they are neither revisions of the
    total nor disagreements with other sources' totals. Groups are one article's figures, so the
    search is small and the whole pass linear in the number of articles."""
    by_group: dict[tuple[object, ...], list[int]] = {}
    for i, f in enumerate(figs):
        by_group.setdefault((f.doc, source_ids[i] if source_ids[i] is not None else f.source, f.event_date),
                            []).append(i)
    parts: set[int] = set()
    for idx in by_group.values():
        if not 3 <= len(idx) <= MAX_BREAKDOWN:
            continue
        totals: dict[float, list[int]] = {}
        for i in idx:
            totals.setdefault(float(figs[i].value), []).append(i)
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                a, b = idx[x], idx[y]
                pair = float(figs[a].value) + float(figs[b].value)
                if any(t not in (a, b) for t in totals.get(pair, ())):
                    parts.update((a, b))
                for z in range(y + 1, len(idx)) if len(idx) >= 4 else ():
                    c = idx[z]
                    if any(t not in (a, b, c) for t in totals.get(pair + float(figs[c].value), ())):
                        parts.update((a, b, c))
    return parts


@dataclass(frozen=True)
class ConflictSummary:
    """Exact counts per kind, and the pairs worth storing (figure indices, earlier first)."""

    disputes: int
    revisions: int
    across_days: int
    undated: int
    pairs: list[tuple[int, int, str]]

    @property
    def total(self) -> int:
        return self.disputes + self.revisions + self.across_days + self.undated


ALL_PAIRS_LIMIT = 60  # up to this many distinct claims, every disagreeing pair is kept
MAX_PAIR_SOURCES = 12


def count_disagreeing(intervals: Sequence[tuple[float, float]]) -> int:
    """Pairs of intervals that do not overlap, in O(k log k): a pair disagrees when one ends
    before the other starts, and each such pair is counted once, from the one that ends first."""
    import bisect

    los = sorted(lo for lo, _ in intervals)
    return sum(len(los) - bisect.bisect_right(los, hi) for _, hi in intervals)


def _claims(figs: Sequence[Figure], source_ids: Sequence[str | None]) -> tuple[list[int], list[int]]:
    """Collapse figures into claims: the same source saying the same thing about the same day,
    however many articles (wire copies, re-reports) repeat it. Returns the representative figure
    of each claim (the first, so an original before its copies) and each figure's claim."""
    seen: dict[tuple[object, ...], int] = {}
    reps: list[int] = []
    of: list[int] = []
    for i, f in enumerate(figs):
        key = (source_ids[i], f.source if source_ids[i] is None else "", float(f.value),
               None if f.value_high is None else float(f.value_high), f.qualifier, f.event_date)
        c = seen.get(key)
        if c is None:
            c = seen[key] = len(reps)
            reps.append(i)
        of.append(c)
    return reps, of


def conflict_summary(figs: Sequence[Figure], source_ids: Sequence[str | None],
                     published: Sequence[str | None] | None = None) -> ConflictSummary:
    """Counts per kind and the pairs to keep for one quantity.

    Disagreements are between *claims* (see :func:`_claims`), so a wire copy never adds a second
    copy of a pair its original gives. One source's figures in one article for one day are not a
    revision of each other: they are parts or breakdowns ("3 died at the scene and 9 in
    hospital"); a revision inside one article needs the text to date the figures to different
    days ("rose to 61 on Friday from 52 on Thursday"). Two sources set side by side in one
    sentence ("the government put it at 34, while the governor counted 45") still disagree.
    Figures that add up to a total of the same article (:func:`breakdown_parts`) are left out.
    ``published`` (the article's date) orders undated figures within a source's series.

    Counts are exact for any size, in O(k log k); the pairs kept are all of them for small
    quantities and, for large ones, the steps of each source's series, each day's disputes between
    the main sources, and the disagreements between the main sources' latest figures, never k^2
    rows."""
    skip = breakdown_parts(figs, source_ids)
    kept = [i for i in range(len(figs)) if i not in skip]
    sub_reps, of = _claims([figs[i] for i in kept], [source_ids[i] for i in kept])
    reps = [kept[i] for i in sub_reps]
    doc_of = [figs[i].doc for i in kept]
    m = len(reps)
    ivs = [interval(figs[i].value, figs[i].qualifier, figs[i].value_high)
           or (float(figs[i].value), float(figs[i].value)) for i in reps]
    day = [figs[i].event_date for i in reps]
    # an unattributed claim is its own source: two of them are never one source's revision
    src: list[object] = [source_ids[i] if source_ids[i] is not None else ("none", c) for c, i in enumerate(reps)]
    when = [(figs[i].event_date or (published[i] if published else None) or "", i) for i in reps]

    def groups(members: Iterable[int], key: Callable[[int], object]) -> list[list[int]]:
        out: dict[object, list[int]] = {}
        for c in members:
            out.setdefault(key(c), []).append(c)
        return list(out.values())

    def count(members: Sequence[int]) -> int:
        return count_disagreeing([ivs[c] for c in members]) if len(members) > 1 else 0

    def within_sources(members: Sequence[int]) -> int:
        return sum(count(g) for g in groups(members, lambda c: src[c]))

    every = list(range(m))
    revisions = within_sources(every)
    different = count(every) - revisions
    dated = [c for c in every if day[c]]
    different_dated = count(dated) - within_sources(dated)
    disputes = sum(count(g) - within_sources(g) for g in groups(dated, lambda c: day[c]))
    tally = {"revision": revisions, "dispute": disputes, "across_days": different_dated - disputes,
             "undated": different - different_dated}

    def disagree_c(c: int, d: int) -> bool:
        return ivs[c][1] < ivs[d][0] or ivs[d][1] < ivs[c][0]

    def kind(c: int, d: int) -> str:
        return conflict_kind(figs[reps[c]], figs[reps[d]], src[c] == src[d])

    # one source's claims met together in one article, for one day: parts, not a revision (the
    # article's own unattributed figures likewise)
    parts: set[tuple[int, int]] = set()
    for members in groups(range(len(kept)), lambda i: doc_of[i]):
        cs = sorted({of[i] for i in members})
        if len(cs) > MAX_BREAKDOWN * 4:
            continue
        for x in range(len(cs)):
            for y in range(x + 1, len(cs)):
                c, d = cs[x], cs[y]
                if source_ids[reps[c]] != source_ids[reps[d]] or (day[c] and day[d] and day[c] != day[d]):
                    continue
                if (c, d) not in parts and disagree_c(c, d):
                    parts.add((c, d))
                    tally[kind(c, d)] -= 1

    picked: set[tuple[int, int]] = set()

    def keep(c: int, d: int) -> None:
        c, d = min(c, d), max(c, d)
        if c != d and (c, d) not in parts and disagree_c(c, d):
            picked.add((c, d))

    if m <= ALL_PAIRS_LIMIT:
        for c in range(m):
            for d in range(c + 1, m):
                keep(c, d)
    else:
        by_src = groups(every, lambda c: src[c])
        main = {src[g[0]] for g in sorted(by_src, key=lambda g: (-len(g), g[0]))[:MAX_PAIR_SOURCES]}
        for g in by_src:
            for c, d in pairwise(sorted(g, key=lambda c: when[c])):
                keep(c, d)
        latest = [max(g, key=lambda c: when[c]) for g in by_src if src[g[0]] in main]
        for x in range(len(latest)):
            for y in range(x + 1, len(latest)):
                keep(latest[x], latest[y])
        for g in groups([c for c in dated if src[c] in main], lambda c: day[c]):
            last = [max(s, key=lambda c: when[c]) for s in groups(g, lambda c: src[c])]
            for x in range(len(last)):
                for y in range(x + 1, len(last)):
                    keep(last[x], last[y])
    pairs = []
    for c, d in sorted(picked):
        first, second = sorted((c, d), key=lambda c: when[c])
        pairs.append((reps[first], reps[second], kind(c, d)))
    return ConflictSummary(tally["dispute"], tally["revision"], tally["across_days"], tally["undated"], pairs)


def conflicts(figures: Iterable[Figure], source_key: dict[str, str] | None = None) -> list[Conflict]:
    """The disagreements within each quantity, classified and collapsed as :func:`conflict_summary`
    does (no article text here, so no same-sentence exemption)."""
    groups: dict[str, list[Figure]] = {}
    for f in figures:
        if f.quantity:
            groups.setdefault(f.quantity, []).append(f)
    out: list[Conflict] = []
    for qid, members in groups.items():
        sids = [(source_key or {}).get(f.source or "", (f.source or "").lower() or None) for f in members]
        for i, j, kind in conflict_summary(members, sids).pairs:
            out.append(Conflict(qid, members[i], members[j], kind))
    return out


# ---------------------------------------------------------------- reconciled estimate

ESTIMATE_RULE = ("Each source's latest figure; the range across sources on the most recent day with any "
                 "figure; the most conservative is the lowest lower bound among the sources' latest figures, "
                 "the highest the largest value among them.")


@dataclass(frozen=True)
class Estimate:
    """A reconciled reading of one quantity, as casualty infoboxes give it: every part points at
    a figure (index into the list given), which carries its source, article and day."""

    latest: tuple[int, ...]  # each source's latest figure, newest first
    day: str | None  # the most recent day with any figure
    low: int | None  # lowest figure of that day across sources
    high: int | None  # highest figure of that day across sources
    conservative: int | None  # lowest lower bound among the latest figures
    highest: int | None  # largest value among the latest figures
    rule: str = ESTIMATE_RULE


def _top(f: Figure) -> float:
    return float(f.value_high if f.value_high is not None else f.value)


def _bottom(f: Figure) -> float:
    iv = interval(f.value, f.qualifier, f.value_high)
    return iv[0] if iv else float(f.value)


def estimate(figs: Sequence[Figure], source_ids: Sequence[str | None],
             published: Sequence[str | None] | None = None) -> Estimate | None:
    """The reconciled estimate (see ``ESTIMATE_RULE``) in one pass over the figures. A figure's
    time is its day, else its article's publication date (``published``), else input order;
    unattributed figures count as one source; parts of a total (:func:`breakdown_parts`) are not
    readings of the quantity."""
    if not figs:
        return None

    def when(i: int) -> tuple[str, int]:
        return (figs[i].event_date or (published[i] if published else None) or "", i)

    skip = breakdown_parts(figs, source_ids)
    usable = [i for i in range(len(figs)) if i not in skip] or list(range(len(figs)))
    # one figure per claim, the original article's rather than a wire copy's
    reps, _of = _claims([figs[i] for i in usable], [source_ids[i] for i in usable])
    usable = [usable[r] for r in reps]
    latest: dict[str | None, int] = {}
    for i in usable:
        sid = source_ids[i]
        if sid not in latest or when(i) > when(latest[sid]):
            latest[sid] = i
    newest = sorted(latest.values(), key=when, reverse=True)
    days = [d for i in usable if (d := figs[i].event_date)]
    last_day = max(days) if days else None
    on_day: dict[str | None, int] = {}
    for i in usable:
        f = figs[i]
        if last_day and f.event_date == last_day:
            sid = source_ids[i]
            if sid not in on_day or when(i) > when(on_day[sid]):
                on_day[sid] = i
    that_day = list(on_day.values())

    def lowest(idx: Sequence[int]) -> int | None:
        return min(idx, key=lambda i: (_bottom(figs[i]), float(figs[i].value), i)) if idx else None

    def largest(idx: Sequence[int]) -> int | None:
        return max(idx, key=lambda i: (_top(figs[i]), -i)) if idx else None

    return Estimate(tuple(newest), last_day, lowest(that_day), largest(that_day), lowest(newest), largest(newest))
