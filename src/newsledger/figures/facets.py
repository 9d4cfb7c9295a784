"""What the ledger keys quantities on beyond the category: sub-counts, projections, place and the predicate."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..statements.speakers import strip_possessive
from .lexicon import FORECAST_VERBS, GROWTH_VERBS, NATIONAL_WORDS, PLACE_PREPS, SUBSET_WORDS, lemma_of
from .scope import frame_place


def subset_marker(anchor: Token, noun: Token | None) -> str | None:
    """The word that marks a sub-count ("admitted 46", "16 of them in a critical condition"),
    looked for in the figure's own phrase and its own verb, not in other clauses."""
    clausal = {"advcl", "ccomp", "conj", "relcl", "parataxis", "xcomp", "csubj"}
    # the figure's own phrase, not another figure's nested in it ("107 ..., 17 of them in critical condition")
    nested = {t.i for c in anchor.subtree if c.i != anchor.i and c.like_num for t in c.subtree}
    near: list[Token] = [t for t in anchor.subtree if t.i != anchor.i and t.i not in nested]
    if noun is not None:
        near += [c for c in noun.children if c.dep_ in ("amod", "acl", "compound")]
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        near.append(verb)
        # words of the verb after a later figure hanging on it are that figure's ("107 people had been
        # hospitalised, 17 of them in critical condition")
        later = [c.i for c in verb.children if c.like_num and c.i > anchor.i and c.i not in
                 {t.i for t in anchor.subtree}]
        cut = min(later) if later else len(anchor.doc)
        own = [c for c in verb.children if c.i < cut]
        near += [c for c in own if c.dep_ not in clausal and c.dep_ not in ("nsubj", "nsubjpass")]
        # "were in critical condition", "remain in a serious state": the state is on the prep's object
        for p in (c for c in own if c.dep_ == "prep" and c.lower_ == "in"):
            for g in (g for g in p.children if g.dep_ == "pobj"):
                near.append(g)
                near += [m for m in g.children if m.dep_ == "amod"]
    found = set()
    for t in near:
        lemma = lemma_of(t)
        if lemma in SUBSET_WORDS:
            found.add(SUBSET_KEYS.get(lemma, lemma))
        elif lemma in GRAVE_WORDS and lemma_of(t.head) in ("condition", "state"):
            found.add("critical")  # "in extremely grave condition"
    # the narrowest state wins: "17 of them in critical condition" after "107 hospitalised"
    return min(found, key=lambda k: (SUBSET_RANK.get(k, len(SUBSET_RANK)), k)) if found else None


# how a state word is keyed: the cumulative admitted count vs those still in hospital vs critical
SUBSET_KEYS = {"hospitalize": "hospitalise", "hospitalised": "hospitalise", "hospitalized": "hospitalise",
               "admit": "hospitalise", "treat": "hospitalise", "hospital": "in hospital", "intensive": "critical",
               "critically": "critical", "serious": "critical", "seriously": "critical"}
SUBSET_RANK = {"critical": 0, "in hospital": 1, "hospitalise": 2}
GRAVE_WORDS = {"grave", "heavy", "life-threatening"}


def predicate_lemma(anchor: Token, noun: Token | None, stop: set[int]) -> str | None:
    """What the figure is about when no category says it: the lemma of its own verb, or of the
    complement of "be" ("employs 1,400" -> employ, "had been underground" -> underground)."""
    for t in [anchor, *anchor.ancestors]:
        if t.pos_ not in ("VERB", "AUX") or t.i in stop:
            continue
        if t.lemma_ == "be":
            comp = next((c for c in t.children if c.dep_ in ("acomp", "attr", "advmod", "oprd")), None)
            return comp.lemma_.lower() if comp is not None else "be"
        return t.lemma_.lower()
    return noun.lemma_.lower() if noun is not None else None


def is_projection(anchor: Token) -> bool:
    """A forecast rather than a count: "could rise to 45,000", "is expected to reach 100"."""
    for t in anchor.ancestors:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        lemma = lemma_of(t)
        modal = any(c.tag_ == "MD" and c.lower_ not in ("can",) for c in t.children)
        forecast = t.dep_ == "xcomp" and lemma_of(t.head) in FORECAST_VERBS
        return lemma in GROWTH_VERBS and (modal or forecast)
    return False


def figure_place(anchor: Token, noun: Token | None, para_start: int) -> str | None:
    """Where the figure applies, when the text says: "nationwide", "in Alcoria", or a fronted
    "In Alcoria, ..." earlier in the paragraph. None when the text gives no place."""
    doc = anchor.doc
    sent = anchor.sent
    holders = [anchor] + ([noun] if noun is not None else [])
    if noun is not None:
        # "the Alcoria crowd": a place name compounded onto what is counted
        for c in noun.children:
            if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ not in ("ORG", "NORP"):
                return strip_possessive(doc[c.left_edge.i: c.i + 1].text)
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        holders.append(verb)
    for h in holders:
        for c in h.children:
            if c.lower_ in NATIONAL_WORDS:
                return "national"
            if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                for g in c.children:
                    if g.dep_ == "pobj":
                        if g.lower_ in ("country", "nation") and any(x.lower_ in ("the", "whole") for x in g.children):
                            return "national"
                        if g.ent_type_ in ("GPE", "LOC", "FAC") or (
                                g.pos_ == "PROPN" and g.ent_type_ not in ("PERSON", "ORG", "NORP", "DATE")):
                            if c.lower_ in ("across", "throughout"):
                                return "national"  # "across Serrania": the whole area, not one town
                            ent = next((e for e in doc.ents if e.start <= g.i < e.end), None)
                            return strip_possessive(ent.text) if ent is not None else g.text
    # a fronted "In Alcoria," earlier in the paragraph (or opening this sentence) frames what follows
    k = sent.end
    while k > para_start:
        prev = doc[k - 1].sent
        place = _fronted_place(doc, prev.start, prev.end) or (frame_place(prev[0]) if prev.start < sent.start else None)
        if place:
            return place
        k = prev.start
    return None


def _fronted_place(doc: Doc, start: int, end: int) -> str | None:
    """"In Alcoria, ..." at a sentence start: the capitalised name before the comma."""
    if end - start < 3 or doc[start].lower_ != "in":
        return None
    j = start + 1
    while j < end and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper():
        j += 1
    if j == start + 1 or j >= end or doc[j].text != ",":
        return None
    return strip_possessive(doc[start + 1: j].text)
