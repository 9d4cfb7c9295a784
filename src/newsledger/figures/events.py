"""Which incident a figure counts: the story's current one, or another the text names.

News compares and recaps: "the 1987 earthquake killed 11,400", "a 2027 tremor near the town
killed 41", "1,400 people have been killed since the war began", "the city had 38,000
residents before the war", "the deadliest since the ferry sank in 2029, leaving 311 dead".
Such figures share category and counted noun with the current toll, so without this mark
they would join it as revisions. :func:`event_key` reads the mark from the figure's own
words only (its clause and the clauses it hangs from, up to the reporting verb) and returns a
stable key, the same in every article that cites that incident:

- ``"1987"``: an incident the text dates to a past year ("the 1987 quake", "in 2016, when...",
  "last year's floods");
- ``"on:2032-06-28"``: a toll of a past day well before the report (``OTHER_DAY_AFTER`` days),
  for the running-toll categories (per-event counts are already keyed by their day);
  ``"on:--06-28"`` when the report's year is unknown (a dateline "Nov 9" with no year: June 28
  is months before it whatever the year, but which June 28 is not known);
- ``"since"``: a running total counted from a past start ("since the war began", "since
  June 28" months ago, "have since been killed" after a sentence naming such a start);
- ``"before"``: a state before a long incident ("before the war", "pre-war population");
- ``"elsewhere"``: the same kind of harm elsewhere ("strikes elsewhere in the province killed 87");
- ``"prior"``: another incident the text names without a year ("that earthquake" with no
  year in reach, "the previous quake", a superlative's comparison "the deadliest since
  a tremor killed 41").

None means the current incident: a figure of this year ("in 2032" in a 2032 article), a
count since a recent day ("since Tuesday") or since the current incident began ("since the
quake struck").
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from spacy.attrs import ORTH
from spacy.tokens import Doc, Token

from ..dates import MONTHS, month_day_of
from ..util import TokenTest, doc_text
from ..wordlists import mapping
from .dating import DatesByRoot
from .lexicon import lemma_of

# a toll dated this many days before the report belongs to an earlier incident, not to a
# running total of the current one (crisis coverage revises a toll for days, rarely for weeks)
OTHER_DAY_AFTER = 30
# the running-toll categories: their quantity is not keyed by day, so an old day must key it
_TOLLS = {"killed", "injured", "missing", "trapped", "displaced"}
_START_VERBS = {"begin", "start", "erupt", "break", "open"}  # "the war began on June 2, killing 640": not its toll
_COMPARE_VERBS = {"compare", "exceed", "surpass", "dwarf", "eclipse", "match", "outstrip", "overtake"}
_PRIOR_WORDS = {"previous", "last", "earlier", "former", "past", "prior"}
_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")
_CLAUSAL = {"relcl", "advcl", "ccomp", "acl", "conj", "parataxis", "xcomp", "csubj", "appos"}


@cache
def _incident_nouns() -> dict[str, str]:
    return mapping("incident_nouns")


def incident_kind(t: Token) -> str | None:
    """"once" or "long" for a noun naming an incident, else None."""
    return _incident_nouns().get(lemma_of(t)) if t.pos_ in ("NOUN", "PROPN") else None


def _pub(doc: Doc) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(doc._.pub_date)[:10]) if doc._.pub_date else None
    except ValueError:
        return None


def _month_day(doc: Doc) -> tuple[int, int] | None:
    """The (month, day) of a dateline whose year is unknown (``doc._.pub_month_day``)."""
    value = doc._.pub_month_day if doc.has_extension("pub_month_day") else None
    try:
        month, day = (int(x) for x in str(value or "").split("-"))
        dt.date(2000, month, day)
    except ValueError:
        return None
    return month, day


def _days_back(day: tuple[int, int], ref: tuple[int, int]) -> int:
    """Days from a month-day back to a later one, the first taken in the same year when not
    after the second, else in the year before (counted in a leap year, so 29 February exists)."""
    gap = (dt.date(2000, *ref) - dt.date(2000, *day)).days
    return gap if gap >= 0 else gap + 365


def _year_token(t: Token) -> int | None:
    """A four-digit year written as a number ("1987"), not a count ("1,987")."""
    return int(t.text) if _is_year_word(t.text) else None


def _is_year_word(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and text[:2] in ("18", "19", "20")


_YEAR_WORD = TokenTest(ORTH, _is_year_word)


class Incidents:
    """The dates and years one document names, against its publication day (built once per
    document and shared by its figures)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.pub = _pub(doc)
        # an article with no known day is taken to be of the latest year it names
        years = [int(y) for y in _YEAR.findall(doc_text(doc))] if self.pub is None else []
        self.year = self.pub.year if self.pub else (max(years) if years else None)
        self.dates: list[dict[str, Any]] = doc._.dates or []
        self.by_root = DatesByRoot(self.dates)
        # the report is at least as late as the latest day it names, when its own day is unknown
        days = [dt.date.fromisoformat(d["date"]) for d in self.dates if d.get("date") and d["precision"] == "day"]
        self.ref = self.pub or (max(days) if days else None)
        # a dateline's month and day without a year ("Nov 9"): how far back a day of the year lies
        # is known all the same (taking a named day not after it to be of the same year)
        self.month_day = _month_day(doc) if self.ref is None else None
        # dates by the word they modify ("killed ... on June 28" -> killed, "the flood of 1987" -> flood)
        self.by_head: dict[int, list[dict[str, Any]]] = {}
        for d in self.dates:
            if d.get("role") in ("since", "comparison"):
                continue
            head = doc[d["root"]].head
            while head.pos_ == "ADP" and head.head != head:
                head = head.head
            if head.i != d["root"]:
                self.by_head.setdefault(head.i, []).append(d)
        # the year of a full date ("December 28, 2032") is that day's, judged by its distance
        self.day_tokens = {i for d in self.dates if d["precision"] == "day" for i in range(d["start"], d["end"])}
        # the past years the document writes, by token: looked up for every word near every figure
        self.past_years: dict[int, int] = {}
        for i in _YEAR_WORD.positions(doc):
            y = _year_token(doc[i])
            if y is not None and i not in self.day_tokens and self.past_year(y):
                self.past_years[i] = y

    def past_year(self, y: int | None) -> bool:
        return y is not None and self.year is not None and 1800 <= y < self.year

    def year_of(self, t: Token) -> int | None:
        """The year ``t`` writes, when before the report's year and not part of a full date."""
        return self.past_years.get(t.i)

    def years_in(self, lo: int, hi: int) -> list[int]:
        """Past years the words ``lo``..``hi`` name: bare years, and the year of an old date."""
        out = [y for y in (self.year_of(t) for t in self.doc[lo: hi + 1]) if y]
        out += [int(k) for d in self.dates_in(lo, hi) if (k := self.date_key(d, False)) and k.isdigit()]
        return out

    def _old(self, d: dict[str, Any]) -> tuple[int | None, bool]:
        """(the year a date names, whether it lies long before the report). A day counts by its
        distance from the report ("December 28" in a 3 January report is recent), a month by its
        last day, a bare year by being before the report's year."""
        m = _YEAR.search(d.get("text") or "")
        written = int(m.group(1)) if m else None
        if self.month_day is not None and not d.get("date") and written is None:
            return None, self._old_in_year(d)
        if d.get("date") and d["precision"] == "day":
            day = dt.date.fromisoformat(d["date"])
            return day.year, self.ref is not None and (self.ref - day).days > OTHER_DAY_AFTER
        month = next((MONTHS[w] for w in re.findall(r"[a-z]+", (d.get("text") or "").lower()) if w in MONTHS), None)
        if d["precision"] == "month" and month and self.ref is not None:
            # "since February" in a May report: in the latest year not after the report
            year = written or (self.ref.year if month <= self.ref.month else self.ref.year - 1)
            end = dt.date(year + month // 12, month % 12 + 1, 1)
            return year, (self.ref - end).days > OTHER_DAY_AFTER
        return written, self.past_year(written)

    def _old_in_year(self, d: dict[str, Any]) -> bool:
        """Whether a year-less day or month lies long before a report known only by its month
        and day: a month the report is in is recent, any other is taken to be the last one
        before the report."""
        assert self.month_day is not None
        if d["precision"] == "day":
            md = month_day_of(d.get("text") or "")
            return md is not None and _days_back(md, self.month_day) > OTHER_DAY_AFTER
        month = next((MONTHS[w] for w in re.findall(r"[a-z]+", (d.get("text") or "").lower()) if w in MONTHS), None)
        if d["precision"] != "month" or month is None or month == self.month_day[0]:
            return False
        last = dt.date(2000, month % 12 + 1, 1) - dt.timedelta(days=1)
        return _days_back((last.month, last.day), self.month_day) - 1 > OTHER_DAY_AFTER

    def date_key(self, d: dict[str, Any], toll: bool) -> str | None:
        """The key of an incident a date names, when that date is not the current story's: its
        year when before the report's year, else (a running toll's) its day ("on:--06-28"
        when the report's year is unknown)."""
        year, old = self._old(d)
        if not old:
            return None
        if self.past_year(year):
            return str(year)
        if toll and d.get("date") and d["precision"] == "day":
            return f"on:{d['date']}"
        if toll and self.month_day is not None and d["precision"] == "day" and \
                (md := month_day_of(d.get("text") or "")) is not None:
            return f"on:--{md[0]:02d}-{md[1]:02d}"
        return None

    def old_start(self, d: dict[str, Any]) -> bool:
        """A "since" date that starts a count long before the report."""
        return self._old(d)[1]

    def dates_in(self, lo: int, hi: int) -> list[dict[str, Any]]:
        """The dates hanging on tokens ``lo`` to ``hi``, both included."""
        return self.by_root.within(lo, hi + 1)

    def attached(self, node: Token) -> list[dict[str, Any]]:
        """Dates that modify ``node`` ("killed ... on June 28", "the flood of 1987")."""
        return self.by_head.get(node.i, [])


def _span_tokens(t: Token) -> list[Token]:
    """The words of a phrase without the clauses hung on it."""
    out = [t]
    for c in t.children:
        if c.dep_ not in _CLAUSAL:
            out += _span_tokens(c)
    return out


def _marks(node: Token, r: Incidents, path_ids: set[int], toll: bool, left_only: bool = False) -> str | None:
    """An incident mark on ``node`` itself: a year ("the 1987 quake", "in 2016", "the one of
    1987", "last year's"), an old date, "the previous quake", "pre-war". ``left_only``: reached
    from a coordinated verb, whose share of this one's words are those before it ("In 2016, 58
    died and 200 were hurt", but not "founded in 1951 and working in 80 countries")."""
    y = r.year_of(node)
    if y and node.dep_ in ("pobj", "npadvmod", "nummod", "compound", "appos"):
        return str(y)  # "in 2016, when 58 persons perished"
    for d in r.attached(node):
        if left_only and d["root"] > node.i:
            continue
        key = r.date_key(d, toll)
        if key:
            return key
    once = incident_kind(node) is not None
    for c in node.children:
        if c.i in path_ids or c.dep_ in _CLAUSAL or (left_only and c.i > node.i):
            continue
        y = r.year_of(c)
        if y and c.dep_ in ("nummod", "compound", "amod", "npadvmod"):
            return str(y)
        if c.dep_ in ("poss", "npadvmod") and c.lower_ == "year" and any(a.lower_ == "last" for a in c.children) \
                and r.year is not None:
            return str(r.year - 1)  # "last year's floods", "Last year, 300 people died"
        if c.dep_ == "advmod" and c.lower_ == "elsewhere":
            return "elsewhere"  # "strikes elsewhere in the province killed 87": not the story's incident
        if c.dep_ == "prep" and c.lower_ in ("in", "of", "during", "from", "on"):
            words = _span_tokens(c)
            for d in r.dates_in(words[0].i, max(w.i for w in words)):
                key = r.date_key(d, toll) if d.get("role") not in ("since", "comparison") else None
                if key:
                    return key  # "860 in the attack of the Front on June 28"
            y = next((v for v in map(r.year_of, words) if v), None)
            if y is not None:
                return str(y)
            if any(w.lower_ == "year" for w in words) and any(w.lower_ == "last" for w in words) and r.year:
                return str(r.year - 1)
            if any(incident_kind(w) and any(a.lower_ in _PRIOR_WORDS for a in w.children if a.dep_ == "amod")
                   for w in words):
                return "prior"  # "compared with 40 in the previous flood"
        if c.dep_ == "prep" and c.lower_ == "before" and any(incident_kind(w) == "long" for w in _span_tokens(c)):
            return "before"  # "had 38,000 residents before the war"
        if once and c.dep_ in ("amod", "det") and c.lower_ in _PRIOR_WORDS:
            return "prior"  # "the previous quake"
    # "a pre-war population" (the parser splits "pre", "-", "war"); the words before ``node`` are
    # joined only when their text holds "pre" at all
    if _PRE.search(doc_text(node.doc), node.left_edge.idx, node.idx) is None:
        return None
    left = " ".join(w.lower_ for w in node.lefts)
    m = re.search(r"\bpre\s*-?\s*(\w+)", left)
    if m and _incident_nouns().get(m.group(1)) == "long":
        return "before"
    return None


_PRE = re.compile("pre", re.I)


def _demonstrative(noun: Token, r: Incidents) -> str | None:
    """"That earthquake left 11,400 dead": an incident named before; its year if a sentence
    just before gives one."""
    if incident_kind(noun) is None or not any(c.lower_ in ("that", "those") and c.dep_ == "det"
                                              for c in noun.children):
        return None
    doc = noun.doc
    sent = noun.sent
    lo = sent.start
    for _ in range(3):
        if lo == 0:
            break
        lo = doc[lo - 1].sent.start
    years = r.years_in(lo, sent.start - 1) if sent.start > lo else []
    return str(max(years)) if years else "prior"


def _when_antecedent(node: Token, r: Incidents, toll: bool) -> str | None:
    """"the one of 1987 in Sarpa, when 11,400 died": a "when" clause is about the time named
    just before it, wherever the parser hung it."""
    if node.dep_ not in ("relcl", "advcl") or not any(
            c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in node.children):
        return None
    left = node.left_edge.i
    lo = max(node.sent.start, left - 8)
    for t in reversed(node.doc[lo:left]):
        y = r.year_of(t)
        if y:
            return str(y)
    for d in r.dates_in(lo, left - 1):
        key = r.date_key(d, toll)
        if key:
            return key
    return None


def _since_phrase(node: Token) -> list[Token] | None:
    """The "since" frame hung on ``node``: "since June 28", "since the war began", or the
    adverb in "have since been killed" (an empty frame)."""
    for c in node.children:
        if c.dep_ == "prep" and c.lower_ == "since":
            return list(c.subtree)
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "since" for m in c.children):
            return list(c.subtree)
        if c.dep_ == "advmod" and c.lower_ == "since" and not list(c.children):
            return []
    return None


def _superlative(node: Token) -> bool:
    """"is the deadliest since 1987": a comparison with the past, not a count's origin."""
    return node.tag_ == "JJS" or any(c.tag_ == "JJS" or c.lower_ in ("worst", "first")
                                     for c in node.children if c.dep_ in ("attr", "acomp", "appos"))


def _origin(words: list[Token], anchor: Token, r: Incidents) -> str | None:
    """"since" when a count starts long before the report; None for a start in the current
    incident ("since Tuesday", "since the quake struck")."""
    if not words:
        # the adverb: what the sentence before names ("The war began on June 28. 14,000 have since ...")
        sent = anchor.sent
        if sent.start == 0:
            return None
        prev = anchor.doc[sent.start - 1].sent
        words = list(prev)
    lo, hi = words[0].i, words[-1].i
    if any(r.old_start(d) for d in r.dates_in(lo, hi)):
        return "since"
    # a bare month the date finder left out ("Since February," opening the sentence)
    months = [w for w in words if w.lower_ in MONTHS and not any(c.like_num for c in w.children)]
    if any(r.old_start({"text": m.text, "precision": "month", "date": None}) for m in months):
        return "since"
    if any(r.year_of(w) for w in words):
        return "since"
    kinds = [incident_kind(w) for w in words]
    if "long" in kinds:
        return "since"
    return None


def _after_comparison(verb: Token, r: Incidents) -> str | None:
    """A participle or "with" phrase right after a comparison's clause belongs to it, wherever
    the parser hung it: "the deadliest since the ferry sank in 2029, leaving 311 dead" ("with
    the loss of 311 lives"). Returns the compared incident's key (its year, else "prior")."""
    if verb.tag_ != "VBG" and not (verb.dep_ == "prep" and verb.lower_ == "with"):
        return None
    doc = verb.doc
    for s in doc[verb.sent.start: verb.i]:
        if s.lower_ != "since" or s.dep_ not in ("prep", "mark"):
            continue
        frame = list(s.subtree) if s.dep_ == "prep" else list(s.head.subtree)
        if frame[-1].i >= verb.i or not any(w.pos_ in ("VERB", "AUX") for w in frame):
            continue
        if not all(w.is_punct for w in doc[frame[-1].i + 1: verb.left_edge.i]):
            continue
        holder = s.head if s.dep_ == "prep" else s.head.head
        ys = r.years_in(frame[0].i, frame[-1].i)
        if ys:
            return str(ys[0])
        if _superlative(holder):
            return "prior"
    return None


def event_key(anchor: Token, noun: Token | None, stop: set[int], category: str,
              incidents: Incidents | None = None) -> str | None:
    """The incident the figure at ``anchor`` counts, as a stable key, or None for the story's
    current one. ``stop`` holds reporting verbs: what they say about their speaker's
    circumstances does not date the figure."""
    r = incidents or Incidents(anchor.doc)
    toll = category in _TOLLS
    path: list[Token] = [anchor]
    said: Token | None = None
    for t in anchor.ancestors:
        if t.i in stop:
            said = t  # "the agency counts 3,120 deaths since the war began": its frame still counts
            break
        path.append(t)
    path_ids = {t.i for t in path}
    if noun is not None and noun.i not in path_ids:
        path.insert(1, noun)
        path_ids.add(noun.i)
    crossed = False  # past a relative clause: the noun it describes counts, its sentence does not
    prev: Token | None = None
    for node in path:
        # a coordinated verb shares only the words before its head; the subject of a comparison
        # ("the toll of 64 compares with 40 in the previous flood") none of what it is compared with
        left_only = prev is not None and (prev.dep_ == "conj" or (
            prev.dep_ in ("nsubj", "nsubjpass") and lemma_of(node) in _COMPARE_VERBS))
        key = _marks(node, r, path_ids, toll, left_only) \
            or _when_antecedent(node, r, toll)
        if key:
            return key
        if node.pos_ in ("VERB", "AUX"):
            for c in node.children:
                if c.dep_ in ("nsubj", "nsubjpass", "agent") and c.i not in path_ids:
                    subj = next((g for g in c.children if g.dep_ == "pobj"), c) if c.dep_ == "agent" else c
                    key = _marks(subj, r, path_ids, toll) or _demonstrative(subj, r)
                    if key:
                        return key
                    if incident_kind(subj) == "long" and lemma_of(node) not in _START_VERBS and \
                            not any(w.lower_ in ("this", "these") for w in subj.children):
                        return "since"  # "the war, now in its 13th year, has killed 310,000": its whole toll
        elif incident_kind(node) is not None:
            key = _demonstrative(node, r)
            if key:
                return key
        if (node.pos_ in ("VERB", "AUX") and node.dep_ in ("advcl", "acl", "conj")) or node.dep_ == "prep":
            key = _after_comparison(node, r)
            if key:
                return key
        in_since = any(m.dep_ == "mark" and m.lower_ == "since" for m in node.children) if node.dep_ == "advcl" \
            else node.dep_ == "pobj" and node.head.lower_ == "since"
        if in_since:
            # the figure is inside a since clause: the past incident a superlative compares with
            if _superlative(node.head if node.dep_ == "advcl" else node.head.head):
                return "prior"
        if not crossed and not _superlative(node):
            # the node's own frame, or that of a participle on it ("the 9,400 people killed since
            # June 2") or on a partitive's whole ("640 of the 9,400 killed since June 2")
            owners = [node] + [c for c in node.children if c.dep_ == "acl"]
            if node.i == anchor.i or (noun is not None and node.i == noun.i):
                whole = [g for c in node.children if c.dep_ == "prep" and c.lower_ == "of"
                         for g in c.children if g.dep_ == "pobj"]
                owners += whole + [a for w in whole for a in w.children if a.dep_ == "acl"]
            for owner in owners:
                frame = _since_phrase(owner)
                key = _origin(frame, anchor, r) if frame is not None else None
                if key:
                    return key
        if node.dep_ == "relcl":
            crossed = True
        prev = node
    if said is not None and not crossed:
        frame = _since_phrase(said)
        if frame:
            return _origin(frame, anchor, r)
    return None


def incident_date(anchor: Token, event: str | None, projection: bool, category: str, event_date: str | None,
                  basis: str | None) -> tuple[str | None, str | None]:
    """The (event_date, basis) that fits the figure's incident: a past year's incident has the
    day its sentence gives in that year, else none; a past day's toll is of that day; a
    forecast of a toll has none (a forecast crowd or convoy keeps the day it is expected on)."""
    if event is not None and event.isdigit():
        if event_date and event_date[:4] == event:
            return event_date, basis
        sent = anchor.sent
        days = [d["date"] for d in anchor.doc._.dates or [] if sent.start <= d["root"] < sent.end
                and d.get("date") and d["precision"] == "day" and d["date"][:4] == event]
        if days:
            return days[0], "explicit"  # "since the ferry sank on 14 March 2029, with the loss of 311 lives"
        return None, None
    if event is not None and event.startswith("on:--"):
        return None, None  # a past day of an unknown year
    if event is not None and event.startswith("on:"):
        return event[3:], basis if event_date == event[3:] else "explicit"
    if projection and category in _TOLLS:
        return None, None
    return event_date, basis
