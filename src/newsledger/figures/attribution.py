"""Who reports a figure: the statement whose cue dominates it, or an owner inside its noun
phrase ("the police figure of 82,000").
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Token

from ..statements.cues import dominates
from ..statements.speakers import strip_possessive
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
    found = _statement_for(anchor, stmts)
    if found is not None:
        return found
    for v in voices or []:
        if v["tok_start"] <= anchor.i < v["tok_end"]:
            return _voice_source(v)
    return None


def _voice_source(v: dict[str, Any]) -> dict[str, Any]:
    """A voice in the shape of a statement, so the dating stage reads both alike."""
    return {"speaker": v["speaker"], "role": v["role"], "date": v.get("date"), "start": -1,
            "tok_start": v["tok_start"], "tok_end": v["tok_end"], "seg_start": v["tok_start"],
            "seg_end": v["tok_end"], "cues_all": [], "voice": v["kind"]}


def _statement_for(anchor: Token, stmts: list[dict[str, Any]]) -> dict[str, Any] | None:
    covering = [s for s in stmts if s["tok_start"] <= anchor.i < s["tok_end"]]
    if not covering:
        # a statement split by clauses may leave the figure in the segment but outside both spans
        covering = [s for s in stmts if s["seg_start"] <= anchor.i < s["seg_end"]]
    if not covering:
        return None
    # the cues above the figure, nearest first
    by_token: dict[int, tuple[dict[str, Any], tuple[Any, ...]]] = {}
    for s in covering:
        for ci in s.get("cues_all", []):
            by_token.setdefault(ci[0], (s, ci))
    chain = [t for t in [anchor, *anchor.ancestors] if t.i in by_token]
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
    if best_cue is not None and best_cue != anchor:
        # a clause hanging from the cue as an adverbial ("..., he said, as the toll rose to 14")
        # is the narrator's, not the speaker's; reported content ("that 112 had died") never is
        step = anchor
        content = False
        while step.head != best_cue:
            content = content or step.dep_ == "ccomp"
            step = step.head
        if not content and step.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in NARRATOR_MARKS for c in step.children):
            return None
    return best or covering[0]


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


def figure_owner(anchor: Token) -> str | None:
    """A figure credited inside its noun phrase: "the police figure of 82,000", "the unions' 400,000"."""
    def owner_text(tok: Token) -> str | None:
        for c in tok.children:
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
