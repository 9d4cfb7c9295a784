"""Who reports a figure: the statement whose cue dominates it, or an owner inside its noun
phrase ("the police figure of 82,000").
"""

from __future__ import annotations

import bisect
from typing import Any

from spacy.tokens import Token

from ..statements.cues import dominates
from ..statements.speakers import strip_possessive
from ..util import ent_at
from .lexicon import EVIDENCE_LEMMAS, NARRATOR_MARKS, lemma_of

# --------------------------------------------------------------------- component

def source_for(anchor: Token, stmts: list[dict[str, Any]],
               voices: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """The statement (or, failing one, the voice) that reports the figure at ``anchor``."""
    for v in voices or []:
        # what the outlet's reporters saw is theirs, even inside someone else's statement
        if v["kind"] == "eyewitness" and v["tok_start"] <= anchor.i < v["tok_end"] and (
                anchor.doc[v["verb"]] in anchor.ancestors):
            return _voice_source(v)
    prior = _partitioned(anchor)
    if prior is not None:
        # "1.12 million by the ministry's count, 80,000 of them in the capital": the part is
        # reported by whoever reports the whole
        return source_for(prior, stmts, voices)
    found = _statement_for(anchor, stmts)
    if found is not None:
        return found
    for v in voices or []:
        if v["tok_start"] <= anchor.i < v["tok_end"]:
            return _voice_source(v)
    return None


def _partitioned(anchor: Token) -> Token | None:
    """For "N of them" appended to a figure ("1.12 million people, 80,000 of them in X"), the
    number of the whole, when it comes just before in the same sentence."""
    of = next((c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None or not any(g.dep_ == "pobj" and g.lower_ in ("them", "whom", "these", "those")
                             for g in of.children):
        return None
    start = anchor.sent.start
    k = anchor.i - 1
    while k > start and anchor.doc[k].text != ",":
        k -= 1
    if k <= start:
        return None
    for j in range(k - 1, max(start, k - 8) - 1, -1):
        if anchor.doc[j].like_num and anchor.doc[j].ent_type_ not in ("DATE", "TIME"):
            return anchor.doc[j]
    return None


def _voice_source(v: dict[str, Any]) -> dict[str, Any]:
    """A voice in the shape of a statement, so the dating stage reads both alike."""
    return {"speaker": v["speaker"], "role": v["role"], "date": v.get("date"), "start": -1,
            "tok_start": v["tok_start"], "tok_end": v["tok_end"], "seg_start": v["tok_start"],
            "seg_end": v["tok_end"], "cues_all": [], "voice": v["kind"]}


def _covering(anchor: Token, stmts: list[dict[str, Any]], lo: str, hi: str) -> list[dict[str, Any]]:
    """The statements whose tokens [lo, hi) hold the anchor, in list order. The spans are indexed
    once per document (sorted starts, longest span), so each figure looks at its neighbours only
    instead of every statement of a long article."""
    cached: tuple[list[dict[str, Any]], dict[str, tuple[list[int], list[int], int]]] | None = \
        anchor.doc.user_data.get("newsledger_statement_spans")
    if cached is None or cached[0] is not stmts:
        cached = (stmts, {})
        anchor.doc.user_data["newsledger_statement_spans"] = cached
    if lo not in cached[1]:
        order = sorted(range(len(stmts)), key=lambda k: stmts[k][lo])
        cached[1][lo] = (order, [stmts[k][lo] for k in order],
                         max((stmts[k][hi] - stmts[k][lo] for k in order), default=0))
    order, starts, longest = cached[1][lo]
    i = anchor.i
    near = order[bisect.bisect_left(starts, i - longest + 1): bisect.bisect_right(starts, i)]
    return [stmts[k] for k in sorted(near) if stmts[k][lo] <= i < stmts[k][hi]]


def _statement_for(anchor: Token, stmts: list[dict[str, Any]]) -> dict[str, Any] | None:
    covering = _covering(anchor, stmts, "tok_start", "tok_end")
    if not covering:
        # a statement split by clauses may leave the figure in the segment but outside both spans
        covering = _covering(anchor, stmts, "seg_start", "seg_end")
    if not covering:
        return None
    # the cues above the figure, nearest first
    by_token: dict[int, tuple[dict[str, Any], tuple[Any, ...]]] = {}
    for s in covering:
        for ci in s.get("cues_all", []):
            by_token.setdefault(ci[0], (s, ci))
    chain = [t for t in [anchor, *anchor.ancestors] if t.i in by_token]
    # "up from the 14 the ministry reported": a report in a relative clause on the figure is its own
    chain = [c for c in anchor.children if c.dep_ == "relcl" and c.i in by_token] + chain
    best: dict[str, Any] | None = None
    best_cue: Token | None = None
    if chain:
        best_cue = chain[0]
        for higher in chain[1:]:
            # a counting verb reported by a speech verb above it is that speaker's ("Brel said his
            # teams counted 45"); a contrasted report is its own ("..., while X put it at 121")
            if lemma_of(best_cue) in EVIDENCE_LEMMAS and dominates(higher, best_cue):
                best_cue = higher
            else:
                break
        s, ci = by_token[best_cue.i]
        best = {**s, "speaker": ci[1], "role": ci[2]}
    if best is None:
        best = _nearest_phrase_cue(anchor, covering)
    if best is None and any(s.get("cues_all") for s in covering) and all(
            _in_background_clause(anchor.doc[ci[0]], anchor) for s in covering for ci in s.get("cues_all", [])):
        # the only reports beside the figure sit in a background clause ("climbed past 3,400, after
        # the agency said 2,316 had died"): the figure is the narrator's
        return None
    if best_cue is not None and _describes_speaker(anchor, best_cue):
        return None
    if best_cue is not None and best_cue != anchor and best_cue.is_ancestor(anchor):
        # a clause hanging from the cue as an adverbial ("..., he said, as the toll rose to 14")
        # is the narrator's, not the speaker's; reported content ("that 112 had died") never is
        step = anchor
        content = False
        while step.head != best_cue and step.head != step:
            content = content or step.dep_ == "ccomp"
            step = step.head
        if not content and step.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in NARRATOR_MARKS for c in step.children):
            return None
    return best or covering[0]


BACKGROUND_MARKS = {"after", "before", "when", "since", "because", "until", "once"}


def _in_background_clause(cue: Token, anchor: Token) -> bool:
    """Whether a cue sits in a time or reason clause that does not hold the figure."""
    if cue.is_ancestor(anchor):
        return False
    node = cue
    while node.head != node:
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in node.children):
            return not node.is_ancestor(anchor)
        node = node.head
    return False


def _describes_speaker(anchor: Token, cue: Token) -> bool:
    """A figure inside the speaker's own noun phrase describes the speaker, in the narrator's
    voice: "The fire service, which has answered 61,000 call-outs this year, said ..."."""
    subj = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or not (subj.left_edge.i <= anchor.i <= subj.right_edge.i):
        return False
    return anchor in subj.subtree


PHRASE_CUES = {"according", "per", "by", "("}


def _nearest_phrase_cue(anchor: Token, covering: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A figure under no reporting verb takes the prepositional cue that scopes it: a fronted
    "According to X, ..." before it, else the first "according to Y" / "per Y" / "(Y)" after
    it ("1,574 in the south, according to X, and 2,210 in the north, according to Y")."""
    doc = anchor.doc
    found: list[tuple[int, dict[str, Any]]] = []
    for s in covering:
        for ci in s.get("cues_all", []):
            if doc[ci[0]].lower_ in PHRASE_CUES:
                found.append((ci[0], {**s, "speaker": ci[1], "role": ci[2]}))
    if not found:
        return None
    found.sort(key=lambda x: x[0])
    sent = anchor.sent
    before = [(i, s) for i, s in found if i < anchor.i and doc[i].sent == sent]
    after = [(i, s) for i, s in found if i > anchor.i and doc[i].sent == sent]
    if before:
        i, s = before[-1]
        fronted = doc[i].i == sent.start or (doc[i].i > 0 and doc[doc[i].i - 1].is_punct)
        if (fronted and doc[i].head.i > anchor.i) or not after:
            return s
    if after:
        return after[0][1]
    return None


def _antecedent(rel: Token) -> str | None:
    """The name a relative "whose" stands for: "Chief Ana Ruiz, whose estimate of 170 ..." -> Ana Ruiz."""
    node = rel
    while node.dep_ != "relcl" and node.head != node:
        node = node.head
    if node.dep_ != "relcl":
        return None
    head = node.head
    ent = ent_at(head)
    return strip_possessive(ent.text) if ent is not None else head.text


def figure_owner(anchor: Token) -> str | None:
    """A figure credited inside its noun phrase: "the police figure of 82,000", "the unions' 400,000"."""
    def owner_text(tok: Token) -> str | None:
        for c in tok.children:
            if c.dep_ == "poss" and c.lower_ == "whose":
                return _antecedent(c)
            if c.dep_ == "poss" and c.pos_ != "PRON":
                return strip_possessive(tok.doc[c.left_edge.i: c.i + 1].text)
        for c in tok.children:
            if c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN") and c.i < tok.i:
                return strip_possessive(tok.doc[c.left_edge.i: c.i + 1].text)
        return None

    if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and lemma_of(anchor.head.head) in (
            "figure", "count", "estimate", "tally", "toll", "number"):
        return owner_text(anchor.head.head)
    for c in anchor.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            return strip_possessive(anchor.doc[c.left_edge.i: c.i + 1].text)
    return None
