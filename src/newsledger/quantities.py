"""Group figures that measure the same real-world quantity, across articles, and flag
where they disagree.

A quantity is a block key (see :func:`quantity_key`): the story, what happened
(category), to whom (a class of the counted noun that keeps sub-groups such as
children or police officers apart), the unit, and whether the figure is a forecast.
Running totals (deaths, injured, missing, displaced, ...) keep one quantity across
days, so revisions line up; per-event counts (crowds, arrests, evacuation convoys)
are split by day and crowds also by place. Grouping is a dictionary look-up per
figure: cost grows linearly with the corpus.

Conflicts follow the spec's interval rule; a conflict between two figures of the
same source is a *revision*, between different sources a *dispute*.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from .records import Figure

_IRREGULAR = {"children": "child", "men": "man", "women": "woman", "people": "people", "persons": "person",
              "police": "police", "personnel": "personnel", "troops": "troop", "dead": "dead",
              "feet": "foot", "mice": "mouse", "lives": "life", "others": "other"}

GENERIC_PEOPLE = {"people", "person", "civilian", "resident", "dead", "victim", "individual", "inhabitant",
                  "other", "miner", "worker", "marcher", "demonstrator", "protester", "protestor", "survivor",
                  "citizen", "villager", "local", "life", "body", "death", "fatality", "casualty", "arrest",
                  "detainee", "evacuee", "refugee", "wounded", "injured", "missing", "soul", "family_member",
                  "participant", "striker", "crowd", "turnout", "toll", "number", "figure", "total"}
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
    head = head_noun(f.counted)
    words = [head_noun(w) for w in re.findall(r"[A-Za-z]+", f.counted or "")]
    if "police" in words:
        return "police"
    if head == "man":
        beside = {head_noun(n.counted) for n in neighbours if n is not f}
        return "men" if beside & {"woman", "child"} else "people"
    if head in SUBGROUPS:
        return SUBGROUPS[head]
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
    if f.category in PER_EVENT:
        key.append(f.event_date or "undated")
    else:
        key.append("dated" if f.event_date else "undated")
    if f.category == "attended":
        key.append((f.place or "national").lower())
    if f.category == "displaced":
        # "displaced inside Ukraine" (internally displaced) is not the total uprooted
        key.append((f.place or "any").lower())
    if f.category == "other":
        # "other" is a catch-all: what the number is about comes from its own verb
        key.append(f.predicate or "")
    if f.category == "aid":
        key.append(source_key or (f.source or "").lower())
    return tuple(key)


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
        for i, f in items:
            out[i] = [g for _, g in items if abs(g.start - f.start) <= window]
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


@dataclass(frozen=True)
class Conflict:
    """Two figures of one quantity whose allowed ranges do not overlap."""

    quantity: str
    a: Figure
    b: Figure
    kind: str  # "revision" (same source) or "dispute" (different sources)


def conflict_kind(a: Figure, b: Figure, same_source: bool) -> str:
    """A source changing its own figure is a revision; two sources differing is a dispute."""
    return "revision" if same_source else "dispute"


def conflicts(figures: Iterable[Figure], source_key: dict[str, str] | None = None) -> list[Conflict]:
    """Every disagreeing pair within each quantity."""
    groups: dict[str, list[Figure]] = {}
    for f in figures:
        if f.quantity:
            groups.setdefault(f.quantity, []).append(f)
    out: list[Conflict] = []
    for qid, members in groups.items():
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                a, b = members[i], members[j]
                if disagree(a, b):
                    ka = (source_key or {}).get(a.source or "", (a.source or "").lower())
                    kb = (source_key or {}).get(b.source or "", (b.source or "").lower())
                    out.append(Conflict(qid, a, b, conflict_kind(a, b, ka == kb)))
    return out


# ---------------------------------------------------------------- conflicts at scale

ALL_PAIRS_LIMIT = 60  # up to this many figures, every disagreeing pair is kept
MAX_PAIR_SOURCES = 12


def count_disagreeing(intervals: Sequence[tuple[float, float]]) -> int:
    """Pairs of intervals that do not overlap, in O(k log k): a pair disagrees when one ends
    before the other starts, and each such pair is counted once, from the one that ends first."""
    import bisect

    los = sorted(lo for lo, _ in intervals)
    return sum(len(los) - bisect.bisect_right(los, hi) for _, hi in intervals)


def conflict_summary(figs: Sequence[Figure], source_ids: Sequence[str | None]
                     ) -> tuple[int, int, list[tuple[int, int, str]]]:
    """(disputes, revisions, pairs to keep) for one quantity.

    The counts are exact for any number of figures. The pairs kept are all disagreeing pairs
    for small quantities; for large ones (a toll reported by thousands of articles) they are the
    disagreements between each source's latest figures and the steps of each source's own
    series, which is what a reader needs to see, without storing k^2 rows."""
    ivs = [interval(f.value, f.qualifier, f.value_high) or (float(f.value), float(f.value)) for f in figs]
    by_source: dict[str | None, list[int]] = {}
    for i, sid in enumerate(source_ids):
        by_source.setdefault(sid, []).append(i)
    revisions = sum(count_disagreeing([ivs[i] for i in idx]) for sid, idx in by_source.items() if sid is not None)
    total = count_disagreeing(ivs)
    disputes = total - revisions

    def disagree_ix(i: int, j: int) -> bool:
        return ivs[i][1] < ivs[j][0] or ivs[j][1] < ivs[i][0]

    def kind(i: int, j: int) -> str:
        same = source_ids[i] is not None and source_ids[i] == source_ids[j]
        return "revision" if same else "dispute"

    pairs: list[tuple[int, int, str]] = []
    if len(figs) <= ALL_PAIRS_LIMIT:
        for i in range(len(figs)):
            for j in range(i + 1, len(figs)):
                if disagree_ix(i, j):
                    pairs.append((i, j, kind(i, j)))
        return disputes, revisions, pairs
    order = {i: (figs[i].event_date or "", i) for i in range(len(figs))}
    # the sources that reported most, latest figure each: bounded however many sources there are
    main = sorted(by_source.values(), key=lambda idx: (-len(idx), min(idx)))[:MAX_PAIR_SOURCES]
    latest = [max(idx, key=lambda i: order[i]) for idx in main]
    for a in range(len(latest)):
        for b in range(a + 1, len(latest)):
            i, j = sorted((latest[a], latest[b]))
            if disagree_ix(i, j):
                pairs.append((i, j, kind(i, j)))
    for sid, idx in by_source.items():
        series = sorted(idx, key=lambda i: order[i])
        for i, j in pairwise(series):
            if disagree_ix(i, j):
                a, b = sorted((i, j))
                pairs.append((a, b, "revision" if sid is not None else "dispute"))
    return disputes, revisions, pairs
