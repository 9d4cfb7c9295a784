"""What the ledger keys quantities on beyond the category: sub-counts, projections, place and the predicate."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..statements.speakers import strip_possessive
from ..util import ent_at
from .lexicon import (
    END_VERBS,
    FINAL_WORDS,
    FORECAST_FRAMES,
    FORECAST_NOUNS,
    FORECAST_VERBS,
    GROWTH_VERBS,
    NATIONAL_WORDS,
    OUTCOME_VERBS,
    PLACE_PREPS,
    STATE_VERBS,
    SUBSET_WORDS,
    TOTAL_NOUNS,
    lemma_of,
)
from .scope import _ent_text, frame_place, named_place


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
        # "remain 96 persons, of them 11 in extremely grave condition": a part nested in the counted
        # noun's phrase owns the words after it too
        if noun is not None:
            later += [t.i for t in noun.subtree if t.like_num and t.i > anchor.i and t.dep_ in ("appos", "nummod")
                      and t.i not in {x.i for x in anchor.subtree}]
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
    if noun is not None and lemma_of(noun) == "body" and verb is not None and lemma_of(verb) in BODY_FOUND_VERBS:
        found.add("recover")  # "crews had pulled 29 bodies from the rubble": bodies recovered, not the toll
    # the narrowest state wins: "17 of them in critical condition" after "107 hospitalised"
    return min(found, key=lambda k: (SUBSET_RANK.get(k, len(SUBSET_RANK)), k)) if found else None


# how a state word is keyed: the cumulative admitted count vs those still in hospital vs critical
SUBSET_KEYS = {"hospitalize": "hospitalise", "hospitalised": "hospitalise", "hospitalized": "hospitalise",
               "admit": "hospitalise", "treat": "hospitalise", "hospital": "in hospital", "intensive": "critical",
               "critically": "critical", "serious": "critical", "seriously": "critical"}
SUBSET_RANK = {"critical": 0, "in hospital": 1, "hospitalise": 2}
GRAVE_WORDS = {"grave", "heavy", "life-threatening"}
BODY_FOUND_VERBS = {"pull", "retrieve", "recover", "find", "dig", "bring", "remove", "carry"}


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


def is_projection(anchor: Token, noun: Token | None = None) -> bool:
    """A forecast rather than a count: "could rise to 45,000", "is expected to reach 100", "may
    top 30,000", "could yet claim 160 lives", "expects more than 35,000 marchers", "the final toll
    will end up between 28,000 and 52,000". Not a hedged present count ("up to 100 people could
    be trapped", "may have died") nor a past report ("said 40 had died")."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    lemma = lemma_of(verb)
    kids = list(verb.children)
    modals = {c.lower_ for c in kids if c.tag_ == "MD"}
    perfect = any(c.dep_ == "aux" and lemma_of(c) == "have" for c in kids)
    negated = any(c.dep_ == "neg" for c in kids)
    if perfect or negated:
        return False
    if lemma in FORECAST_VERBS and (verb.tag_ != "VBN" or any(c.dep_ == "auxpass" for c in kids)):
        return True  # "expects 35,000 marchers", "3 million are expected to take part", "warned of 10,000 deaths"
    # "is expected to reach", "expected 350 people to arrive", "is on course to top", "likely to rise"
    head = verb.head if verb.dep_ in ("xcomp", "ccomp") else None
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in kids)
    frame = [head, *head.children, *(g for c in head.children if c.dep_ == "prep" for g in c.children)] \
        if head is not None else []
    if head is not None and infinitive and (lemma_of(head) in FORECAST_VERBS or (
            lemma in GROWTH_VERBS and any(lemma_of(c) in FORECAST_FRAMES for c in frame))):
        return True
    if _future_year(verb):
        return True  # "would run a deficit of 13.5 billion euros a year by 2035"
    final = _final_total(anchor, noun, verb)
    if modals & {"could", "may", "might"}:
        passive = any(c.dep_ == "auxpass" for c in kids)
        # "the toll could be as high as 500": what a total may come to, not who may be somewhere now
        total = lemma == "be" and any(c.dep_ == "nsubj" and lemma_of(c) in TOTAL_NOUNS and anchor not in c.subtree
                                      for c in kids)
        return lemma in GROWTH_VERBS or final or total or (passive and lemma in OUTCOME_VERBS) or (
            not passive and lemma not in STATE_VERBS)
    if modals & {"will", "would", "'ll", "shall"}:
        return lemma in GROWTH_VERBS or lemma in END_VERBS or final
    return any(lemma_of(t) in FORECAST_NOUNS for t in [anchor, *anchor.ancestors] if t.pos_ == "NOUN")


def _future_year(verb: Token) -> bool:
    """The verb is set in a year after the report's ("by 2035", "in 2040")."""
    pub = str(verb.doc._.pub_date or "")[:4]
    if not pub.isdigit():
        return False
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "in", "until"):
            for g in c.children:
                if g.dep_ == "pobj" and len(g.text) == 4 and g.text.isdigit() and int(g.text) > int(pub):
                    return True
    return False


def _final_total(anchor: Token, noun: Token | None, verb: Token) -> bool:
    """"the final toll", "the eventual number of victims": what a forecast is about."""
    cands = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "attr", "dobj")]
    cands += [anchor] + ([noun] if noun is not None else [])
    return any(c.lower_ in FINAL_WORDS for t in cands for c in t.children if c.dep_ == "amod")


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
        # "95,000 people walked ..., the largest demonstration Puerto Veles has seen": the place whose
        # gathering it was
        for a in (c for c in noun.children if c.dep_ == "appos"):
            for rel in (r for r in a.children if r.dep_ == "relcl"):
                subj = next((x for x in rel.children if x.dep_ == "nsubj"), None)
                if subj is not None and subj.pos_ == "PROPN" and named_place(subj):
                    return _ent_text(subj)
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
                            ent = ent_at(g)
                            return strip_possessive(ent.text) if ent is not None else g.text
    # a fronted "In Alcoria," earlier in the paragraph (or opening this sentence) frames what follows
    return _fronted_place(doc, sent.start, sent.end) or (
        _earlier_place(doc, sent.start, para_start) if sent.start > para_start else None)


def _earlier_place(doc: Doc, k: int, para_start: int) -> str | None:
    """The place the nearest earlier sentence of the paragraph sets (fronted or as its subject),
    looking back from token ``k``. Answers are kept per document for every sentence walked
    past, so a paragraph of n sentences costs O(n), not O(n²) (issue 11, item 5)."""
    memo: dict[tuple[int, int], str | None] = doc.user_data.setdefault("newsledger_earlier_place", {})
    walked: list[tuple[int, int]] = []
    place: str | None = None
    while k > para_start:
        if (k, para_start) in memo:
            place = memo[(k, para_start)]
            break
        walked.append((k, para_start))
        prev = doc[k - 1].sent
        place = _fronted_place(doc, prev.start, prev.end) or frame_place(prev[0])
        if place:
            break
        k = prev.start
    for key in walked:
        memo[key] = place
    return place


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
