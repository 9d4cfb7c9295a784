"""The day a figure refers to: a date in its own clause, present tense as publication day, else the day in context."""

from __future__ import annotations

import bisect
import re
from typing import Any

from spacy.tokens import Doc, Token

from ..statements.lexicon import EVIDENCE_VERBS, SPEECH_VERBS
from ..util import doc_text
from ..wordlists import words

# --------------------------------------------------------------------- dates

def _subtree_ids(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def _in_subtree(i: int, tok: Token) -> bool:
    return tok.left_edge.i <= i <= tok.right_edge.i and any(a == tok for a in [tok.doc[i], *tok.doc[i].ancestors])


def _attachment(root: Token) -> Token:
    """The word a date expression modifies: "said on Monday" -> said, "said Monday" -> said."""
    head = root.head
    while head.pos_ == "ADP" and head.head != head:
        head = head.head
    return head


def _in_since_clause(tok: Token) -> bool:
    """Whether ``tok`` is inside a clause opened by "since" ("since the quake struck on Tuesday")."""
    for t in [tok, *tok.ancestors]:
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "since" for c in t.children):
            return True
        if t.dep_ == "prep" and t.lower_ == "since":
            return True
    return False


class DatesByRoot:
    """A document's dates by the token they hang on (``root``), so the dates of a sentence are a
    bisection away: scanning every date of the document for every figure made a long paragraph
    of dated figures quadratic. :meth:`within` keeps the dates' own order."""

    def __init__(self, dates: list[dict[str, Any]]) -> None:
        self.dates = dates
        self.order = sorted(range(len(dates)), key=lambda k: dates[k]["root"])
        self.roots = [dates[k]["root"] for k in self.order]

    def within(self, lo: int, hi: int) -> list[dict[str, Any]]:
        """The dates with ``lo <= root < hi``, in the order of ``dates``."""
        a, b = bisect.bisect_left(self.roots, lo), bisect.bisect_left(self.roots, hi)
        return [self.dates[k] for k in sorted(self.order[a:b])]


def local_date(anchor: Token, noun: Token | None, dates: list[dict[str, Any]],
               cue_date: str | None) -> dict[str, Any] | None:
    """The date of the figure's own clause.

    Only dates that modify a word on the figure's path to the sentence root count, or a clause
    on the counted noun ("46 civilians left ... on Saturday"); dates in other clauses ("when the
    dam failed on Sunday night", "down from 40 a day earlier" for the 31 beside it) do not, and
    a possessive date names an event ("Saturday's attack") rather than dating the figure. When
    the nearest date modifies some other event on the way up and the reporting verb carries
    its own day, the figure is as of the report ("killing at least nine, the ministry said on
    Monday")."""
    sent = anchor.sent
    # a comparison's day dates only the figure compared with ("against 700,000 on March 3")
    cands = [d for d in dates if sent.start <= d["root"] < sent.end and not d.get("possessive")
             and d.get("role") != "since"
             and (d.get("role") != "comparison" or d.get("scope", 0) <= anchor.i < d["start"])]
    if not cands:
        return None
    path = [anchor, *anchor.ancestors]
    rank = {t.i: k for k, t in enumerate(path)}
    own: set[int] = set()
    # a clause on the counted noun, or on the number itself ("the 2.8 million it reported nine
    # days earlier"): its day is the figure's
    for holder in (noun, anchor):
        if holder is not None:
            own.update(c.i for c in holder.children if c.dep_ in ("acl", "relcl"))
    first_verb = next((t for t in path[1:] if t.pos_ in ("VERB", "AUX")), None)
    if first_verb is not None:
        own.add(first_verb.i)
        # a modal or auxiliary chain ("would release", "have been evacuated") is the same clause
        own.update(c.i for c in first_verb.children if c.dep_ in ("xcomp",))
    best: tuple[int, int, dict[str, Any]] | None = None
    for d in cands:
        attach = _attachment(anchor.doc[d["root"]])
        if _in_since_clause(attach):
            continue  # "since the operation began on 8 May": when counting started, not the count's day
        if attach.pos_ in ("NOUN", "PROPN") and attach.i in rank and first_verb is not None and \
                rank[attach.i] > rank[first_verb.i]:
            continue  # "the crush of 29 October, which has claimed 147 lives": the day names the event
        if attach.i in own:
            key = (0, abs(d["root"] - anchor.i))
        elif attach.i in rank:
            key = (rank[attach.i], abs(d["root"] - anchor.i))
        else:
            continue
        if best is None or key < best[:2]:
            best = (*key, d)
    if best is None:
        return None
    d = best[2]
    attach = _attachment(anchor.doc[d["root"]])
    if attach.i not in own and cue_date and d["date"] != cue_date and d["precision"] == "day":
        return {**d, "date": cue_date, "basis": "relative"}
    return d


def is_present(anchor: Token, event: bool = False) -> bool:
    """Present-tense states and running totals ("are displaced", "have been evacuated", "remain").
    For a count of one event (``event``: a crowd) a present-tense estimate is made now about a past
    gathering ("the crowd, which police estimate at 100,000"), so it says nothing of the day."""
    node = anchor
    while node.head != node:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            if event and node.lemma_.lower() in SPEECH_VERBS | EVIDENCE_VERBS:
                return False
            if node.lemma_.lower() in words("future_verbs"):
                return False  # "are expected to take part": ahead, not a present state
            tags = [node.tag_] + [c.tag_ for c in node.children if c.dep_ in ("aux", "auxpass")]
            if node.dep_ == "conj" and node.tag_ in ("VBN", "VBD") and len(tags) == 1 and not any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                # "have pulled 240 out and recovered 90 bodies": the second verb shares the auxiliary
                tags += [c.tag_ for c in node.head.children if c.dep_ in ("aux", "auxpass")]
            if any(t in ("VBZ", "VBP") for t in tags):
                return True
            if node.tag_ in ("VBD",) or any(t == "VBD" for t in tags) or any(c.lower_ in ("will", "would", "had")
                                                                          for c in node.children):
                return False
            if node.tag_ in ("VBN", "VBG") and node.dep_ in ("acl", "amod"):
                continue
            if node.tag_ == "MD":
                return False
    return False



def context_date(doc: Doc, anchor: Token, dates: list[dict[str, Any]], para_starts: list[int],
                  src: dict[str, Any] | None, stmts: list[dict[str, Any]]) -> str | None:
    """The day in context: the same speaker's dated statement next to this one, else the last
    day mentioned earlier in the paragraph."""
    if src is not None:
        # the first statement at each offset, indexed once per document (not a scan per figure)
        cached = doc.user_data.get("newsledger_statement_at")
        if cached is None or cached[0] is not stmts:
            at: dict[int, int] = {}
            for i, s in enumerate(stmts):
                at.setdefault(s["start"], i)
            cached = (stmts, at)
            doc.user_data["newsledger_statement_at"] = cached
        k = cached[1].get(src["start"])
        if k is not None:
            for j in (k + 1, k - 1):
                if 0 <= j < len(stmts) and stmts[j]["speaker"] == src["speaker"] and stmts[j].get("date"):
                    return str(stmts[j]["date"])
    p = bisect.bisect_right(para_starts, anchor.i) - 1
    para_start = para_starts[p] if p >= 0 else 0
    # "the worst since the ferry sank on 14 March 2029": a day after "since" is where a comparison
    # starts, not the day the next sentences tell of
    before = [d for d in dates if para_start <= d["start"] < anchor.i and d["precision"] == "day" and d["date"]
              and not d.get("possessive") and not d.get("role") and not _in_since_clause(doc[d["root"]])]
    if before:
        return str(before[-1]["date"])
    return None


LEAD_MIN_WORDS = 15


def lead_paragraph(doc: Doc, para_starts: list[int]) -> tuple[int, int]:
    """Token bounds of the lead: the first paragraph long enough to be prose (a headline, byline
    or "Updated" line before it is skipped)."""
    bounds = list(zip(para_starts, [*para_starts[1:], len(doc)], strict=True))
    for start, end in bounds:
        if sum(1 for t in doc[start:end] if t.is_alpha) >= LEAD_MIN_WORDS:
            return start, end
    return bounds[0] if bounds else (0, len(doc))


# running tolls: their as-of day is the day they were reported
TOLL_CATEGORIES = {"killed", "injured", "missing"}


def _clause_depth(tok: Token) -> int:
    """Clauses between a date and its sentence's main clause: 0 for "opened fire late on Friday",
    1 for "were killed when a crowd surged late on Saturday", more for a background clause deep
    in the lead ("... as authorities gave accounts of how many died when the dam failed on Sunday")."""
    verbs = [t for t in _attachment(tok).ancestors if t.pos_ in ("VERB", "AUX") and t.dep_ != "aux"]
    return max(0, len(verbs) - 1)


# a live page: entries stamped with a clock time on a line of their own ("16:40", "09:05 — Title")
_LIVE_STAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}\b(?:\s*[—–-].*)?$", re.M)


def is_live_page(text: str) -> bool:
    """Timestamped entries: each is its own report, so no lead tells the page's story."""
    return len(_LIVE_STAMP.findall(text)) >= 2


def lead_date(doc: Doc, para_starts: list[int], toll: bool = False) -> str | None:
    """The day the lead is about, for a figure without a day of its own or in its paragraph.

    A toll is a running total, as of the day the lead reports it ("..., the agency said on
    Sunday"). Any other count belongs to the story the lead tells: the day of its event
    ("opened fire late on Friday", "Saturday's crush", "a day earlier"); the report's day when
    the lead names no other. Computed once per document (and toll or not): it reads the whole
    text and lead, which for every figure of a long article made the cost quadratic."""
    key = (toll, tuple(para_starts))
    cache: dict[Any, str | None] = doc.user_data.setdefault("newsledger_lead_dates", {})
    if key not in cache:
        cache[key] = _lead_date(doc, para_starts, toll)
    return cache[key]


def _lead_date(doc: Doc, para_starts: list[int], toll: bool) -> str | None:
    dates = doc._.dates or []
    stmts = doc._.statements or []
    if is_live_page(doc_text(doc)):
        return None
    start, end = lead_paragraph(doc, para_starts)
    lead = [d for d in dates if start <= d["start"] < end and d["precision"] == "day" and d["date"]
            and not d.get("role") and not _in_since_clause(doc[d["root"]])]
    reported = [str(st["date"]) for st in stmts if st.get("date") and start <= st["tok_start"] < end]
    pub = doc._.pub_date
    events = [d for d in lead if d["date"] not in reported and (pub is None or d["date"] <= pub)
              and _clause_depth(doc[d["root"]]) <= 1]
    if reported and (toll or not events):
        return reported[0]
    if events:
        return str(events[0]["date"])
    return str(lead[0]["date"]) if lead else None


# counts of one event (a convoy, a march, a round of arrests): the event's own day is the count's
PER_EVENT_CATEGORIES = {"evacuated", "detained", "attended"}


def event_day(anchor: Token, dates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The day of the event a per-event count is of, named as a possessive on it: "Saturday's first
    convoy brought out 104 people", "130 had arrived with Saturday's ferry". For a toll the same
    possessive names the incident, not the day of the count (see :func:`local_date`)."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return None
    for d in dates:
        if not d.get("possessive") or d.get("precision") != "day" or not d.get("date"):
            continue
        event = _attachment(anchor.doc[d["root"]])
        if event.i == verb.i or anchor in event.subtree:
            continue
        via = event.head.head if event.head.pos_ == "ADP" else event.head
        if via.i == verb.i and event.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            return d
    return None


def event_date_for(doc: Doc, anchor: Token, noun: Token | None, src: dict[str, Any] | None,
                   para_starts: list[int], category: str, by_root: DatesByRoot) -> tuple[str | None, str | None]:
    """(event_date, basis) of the figure at ``anchor``: a date in its own clause, else present
    tense means the publication day, else the day in context, else the lead's day or publication."""
    dates = doc._.dates or []
    stmts = doc._.statements or []
    pub = doc._.pub_date
    sent = anchor.sent
    in_sentence = by_root.within(sent.start, sent.end)  # the document's index, built once (Incidents)
    d = local_date(anchor, noun, in_sentence, src.get("date") if src else None)
    if d is not None:
        if d["precision"] != "day":
            return None, None
        return d["date"], d["basis"] if d["date"] else None
    d = event_day(anchor, dates) if category in PER_EVENT_CATEGORIES else None
    if d is not None:
        return d["date"], d["basis"]
    if is_present(anchor, category == "attended"):
        return pub, "publication"
    event_date = context_date(doc, anchor, dates, para_starts, src, stmts)
    if event_date is None:
        event_date = lead_date(doc, para_starts, category in TOLL_CATEGORIES) or pub
    return event_date, "context"
