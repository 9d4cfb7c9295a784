"""What happened to what is counted (killed, injured, evacuated, ...): from event nouns, frames
and the words that govern the figure.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .. import numbers as num
from .counted import of_object
from .expressions import Expr
from .lexicon import (
    CATEGORY_LEMMAS,
    COST_WORDS,
    EVENT_NOUNS,
    PEOPLE_CATEGORIES,
    PEOPLE_NOUNS,
    PERCENT_WORDS,
    PHRASES,
    POBJ_CATEGORIES,
    PREDICATE_DEPS,
    THING_NOUNS,
    lemma_of,
)

# --------------------------------------------------------------------- category

def _phrase_category(t: Token) -> str | None:
    for c in t.children:
        key = (lemma_of(t), lemma_of(c))
        if key in PHRASES:
            return PHRASES[key]
    return None


def is_people_noun(noun: Token) -> bool:
    """Whether a counted noun can name people (so people categories such as killed apply).
    Unknown nouns count as people: in crisis news most counted nouns are."""
    lemma = lemma_of(noun)
    if lemma in PEOPLE_NOUNS or lemma in EVENT_NOUNS or noun.ent_type_ in ("NORP", "PERSON"):
        return True
    return lemma not in THING_NOUNS and noun.lower_ not in THING_NOUNS


def _word_category(t: Token) -> str | None:
    """Category a single governing word carries, with the checks its ambiguity needs."""
    phr = _phrase_category(t)
    if phr:
        return phr
    lemma = lemma_of(t)
    cat = CATEGORY_LEMMAS.get(lemma)
    if cat is None and t.lower_ in CATEGORY_LEMMAS:
        lemma = t.lower_  # the lemmatizer mangles rare forms ("unaccounted" -> "unaccounte")
        cat = CATEGORY_LEMMAS[lemma]
    if cat is None:
        return None
    kids = list(t.children)
    if lemma in ("underground",) and t.head.pos_ in ("AUX", "VERB") and any(
            c.lower_ in ("had", "'d") or (c.tag_ == "MD" and c.lower_ != "will") for c in t.head.children):
        return None  # "had been underground when the roof fell": where they were, not who is trapped
    if lemma == "take" and not any(c.dep_ == "prep" and c.lower_ in ("from", "to") for c in kids):
        return None
    if lemma == "bring" and not any(c.lower_ in ("out", "alive") for c in kids):
        return None
    if lemma == "hold" and not any(c.dep_ == "auxpass" for c in kids):
        return None
    if lemma in ("home", "shelter", "body", "life", "toll") and t.pos_ in ("NOUN", "PROPN"):
        return None
    if lemma == "leave":
        if t.pos_ != "VERB":
            return None
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is None:
            obj = next((g for c in kids if c.dep_ == "prep" and c.lower_ == "from" for g in c.children
                        if g.dep_ == "pobj"), None)
        # leaving a town is displacement; leaving a building or area under escort is evacuation
        if obj is None or obj.ent_type_ in ("GPE", "LOC"):
            return "displaced"
        return "evacuated"
    if cat in ("aid", "military") and t.pos_ not in ("VERB", "NOUN"):
        return None
    return cat


def _pobj_category(t: Token) -> str | None:
    for c in t.children:
        if c.dep_ != "prep":
            continue
        for g in c.children:
            if g.dep_ == "pobj":
                key = lemma_of(g)
                if key == "ground" and c.lower_ in ("below", "under", "beneath"):
                    return "trapped"
                if key in POBJ_CATEGORIES:
                    return POBJ_CATEGORIES[key]
            if g.dep_ in ("amod", "acomp", "pobj") and lemma_of(g) in ("missing", "dead", "injured", "wounded"):
                return CATEGORY_LEMMAS.get(lemma_of(g))
    return None


def _governing_path(start: Token, stop: set[int]) -> list[Token]:
    """Words that say what happened to the counted thing, nearest first: the heads up to the
    reporting verb and their predicate children ("were listed as missing", "remain trapped").
    A verb reached through coordination ("killed X and driven Y") is another event: skipped."""
    path: list[Token] = []
    node = start
    came_by_conj = False
    while True:
        if node is not start and not (came_by_conj and node.pos_ in ("VERB", "AUX")):
            path.append(node)
            path.extend(c for c in node.children if c.dep_ in PREDICATE_DEPS and c.i != start.i
                        and c not in path)
        if node.i in stop or node.head == node or (node.dep_ == "ccomp" and node.head.i in stop):
            break
        came_by_conj = node.dep_ == "conj" and node.pos_ in ("VERB", "AUX")
        node = node.head
    return path


def category_for(doc: Doc, e: Expr, anchor: Token, noun: Token | None, stop: set[int],
                 frame: Token | None = None) -> str:
    """What happened to what is counted. Order: an event noun counted ("deaths", "arrests"),
    what the frame counts ("the number of missing", "the death toll"), clauses attached to the
    counted noun ("civilians trapped in..."), the governing words up to the reporting verb,
    their prepositional objects ("sleeping in shelters"), then the counted noun itself."""
    people = noun is None or is_people_noun(noun)
    if noun is not None:
        lemma = lemma_of(noun)
        if lemma in EVENT_NOUNS:
            return EVENT_NOUNS[lemma]
        comp = [lemma_of(c) for c in noun.children if c.dep_ in ("compound", "amod")]
        if lemma == "toll" and "death" in comp:
            return "killed"
        if noun.lower_ == "dead":
            return "killed"
        # the base of a share: "half of the town's 14,000 residents" is the population
        base_of = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
        if base_of is not None and base_of.i != anchor.i and (
                base_of.like_num or base_of.lower_ in num.FRACTIONS or base_of.lower_ in PERCENT_WORDS):
            return "other"
        of = of_object(anchor)
        if of is not None and of.lower_ in ("dead", "injured", "wounded", "missing", "displaced"):
            return CATEGORY_LEMMAS.get(of.lower_, "other")
    if frame is not None:
        inner = of_object(frame)
        for t in (inner, frame):
            if t is not None:
                if t.lower_ in ("dead", "missing", "injured", "wounded", "displaced", "homeless"):
                    return CATEGORY_LEMMAS.get(t.lower_, "displaced")
                if lemma_of(t) in ("toll",):
                    return "killed"
                if lemma_of(t) in ("turnout", "crowd", "attendance"):
                    return "attended"
    start = noun if noun is not None else anchor
    clauses: list[Token] = []
    adjs: list[Token] = []
    for owner in {start, anchor}:
        for c in owner.children:
            if c.i == anchor.i:
                continue
            if c.dep_ in ("acl", "relcl"):
                clauses.append(c)
                clauses.extend(g for g in c.children if g.dep_ in PREDICATE_DEPS)
            elif c.dep_ == "amod":
                adjs.append(c)
    path = _governing_path(start, stop)
    money = e.unit is not None and e.unit != "percent"
    # nouns higher up ("41 arrests among hundreds of thousands of demonstrators") name another count,
    # so only verbs and adjectives on the path speak first; those nouns come after the counted noun
    path_nouns = [t for t in path if t.pos_ in ("NOUN", "PROPN")]
    for t in clauses + [t for t in path if t.pos_ not in ("NOUN", "PROPN")]:
        cat = _word_category(t)
        if cat and (people or cat not in PEOPLE_CATEGORIES) and not (money and cat != "aid"):
            return cat
        if money and lemma_of(t) in COST_WORDS:
            return "other"
    for t in [start, *path]:
        if t.pos_ in ("VERB", "AUX"):
            cat = _pobj_category(t)
            if cat and people:
                return cat
    for t in adjs:
        cat = _word_category(t)
        if cat and people:
            return cat
    if money:
        return "aid"
    if noun is not None:
        lemma = lemma_of(noun)
        cat = CATEGORY_LEMMAS.get(lemma)
        if cat in ("military", "attended", "aid", "detained") and lemma not in ("home", "shelter", "body"):
            return cat
    for t in path_nouns:
        cat = _word_category(t) or EVENT_NOUNS.get(lemma_of(t))
        if cat and (people or cat not in PEOPLE_CATEGORIES) and not (money and cat != "aid"):
            return cat
    return "other"
