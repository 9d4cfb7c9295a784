"""What happened to what is counted (killed, injured, evacuated, ...): from event nouns, frames
and the words that govern the figure.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .. import numbers as num
from .. import wordlists
from ..dates import MONTHS, WEEKDAYS
from .counted import GROUP_WORDS, copula_attribute, implicit_counted, of_object
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
from .scope import named_place

# --------------------------------------------------------------------- category

# verbs of going somewhere, whose destination says the category
MOTION_VERBS = {"go", "come", "flock", "stream", "pour", "converge"}
ENCLOSING_PREPS = {"in", "inside", "under", "beneath", "below", "within", "underneath"}
SETTLEMENTS = {"city", "town", "village", "country", "region", "province", "area", "capital", "district"}
# what evacuees join or board
CARRIERS = {"convoy", "bus", "train", "flight", "evacuation", "boat", "ship", "column", "plane", "ferry", "coach",
            "ambulance", "vehicle", "minibus"}
# signs that a paragraph is about an evacuation, for the buses and vehicles it counts
EVACUATION_MARKS = ("evacuat", "convoy")
# verbs and nouns of which "lives" are the toll: "claimed 70 lives", "the loss of 311 lives"
LIFE_TAKERS = {"claim", "cost", "take", "lose", "loss", "end"}
GROUP_PREPS = {"among", "amongst", "between"}
# verbs that say a group consists of the figure: "the victims included three children"
MEMBERSHIP_VERBS = {"include", "comprise", "number"}

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
    kids = list(t.children)
    if lemma_of(t) == "walk":
        if any(c.dep_ in ("prt", "advmod") and c.lower_ == "out" for c in kids):
            # "walked out through an emergency exit" is an escape; "walked out" alone a strike
            return "evacuated" if any(c.dep_ == "prep" and c.lower_ in ("through", "of", "from") for c in kids) \
                else "attended"
        if any(c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ in ("from", "along", "down")) for c in kids):
            return "attended"  # "walked the route", "walked from the harbour to city hall"
        return None
    phr = _phrase_category(t)
    if phr:
        return phr
    lemma = lemma_of(t)
    cat = CATEGORY_LEMMAS.get(lemma)
    if cat is None and t.lower_ in CATEGORY_LEMMAS:
        lemma = t.lower_  # the lemmatizer mangles rare forms ("unaccounted" -> "unaccounte")
        cat = CATEGORY_LEMMAS[lemma]
    if lemma in MOTION_VERBS and t.pos_ == "VERB":
        return _motion_category(t)
    if cat is None:
        return None
    if lemma == "arrive":
        return _pobj_category(t) or "evacuated"  # "arrived in hospital" says more than "arrived"
    if lemma == "head" and (t.pos_ != "VERB" or not any(
            c.dep_ == "prep" and c.lower_ in ("to", "for", "towards", "toward") for c in kids)):
        return None
    if lemma == "carry" and not any(lemma_of(x) in CARRIERS for x in [t.head, *kids]
                                    if x.dep_ in ("nsubj", "nsubjpass") or t.dep_ == "acl"):
        return None  # "a convoy carrying 38 patients", not "carrying signs"
    if lemma == "join" and any(lemma_of(o) in CARRIERS for o in _objects(t)):
        return "evacuated"  # "joined the convoy", "joined the evacuation flight"
    if lemma in ("shelter", "hide", "take", "bring") and _pobj_category(t) in ("trapped", "injured", "attended"):
        # "sheltering in the tunnels", "taken to hospital", "brought onto the streets"
        return _pobj_category(t)
    if lemma in ("underground",) and t.head.pos_ in ("AUX", "VERB") and any(
            c.lower_ in ("had", "'d") or (c.tag_ == "MD" and c.lower_ != "will") for c in t.head.children):
        return None  # "had been underground when the roof fell": where they were, not who is trapped
    if lemma == "take" and not any(c.dep_ == "prep" and c.lower_ in ("from", "to") for c in kids):
        return None
    if lemma == "bring" and not any(c.lower_ in ("out", "alive") for c in kids):
        return None
    if lemma == "hold" and not any(c.dep_ == "auxpass" for c in kids):
        return None
    if lemma == "life" and t.pos_ == "NOUN":
        return "killed" if lives_lost(t) else None
    if lemma in ("home", "shelter", "body", "toll") and t.pos_ in ("NOUN", "PROPN"):
        return None
    if lemma == "leave":
        if t.pos_ != "VERB":
            return None
        # "left 200 people dead", "left 1,000 homeless"
        objs = [c for c in kids if c.dep_ == "dobj"]
        for c in kids + [g for o in objs for g in o.children if g.dep_ == "amod" and g.i > o.i]:
            if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "amod") and c.lower_ in GROUP_WORDS:
                return GROUP_WORDS[c.lower_]
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is None:
            obj = next((g for c in kids if c.dep_ == "prep" and c.lower_ == "from" for g in c.children
                        if g.dep_ == "pobj"), None)
        # leaving for somewhere or by some means is a departure under way ("left for the crossing",
        # "left on foot and by tram"); leaving a town for good is displacement; leaving a building
        # or area under escort is evacuation
        if any(c.dep_ == "prep" and c.lower_ in ("for", "by", "on", "aboard") for c in kids):
            return "evacuated"
        if obj is None or obj.ent_type_ in ("GPE", "LOC"):
            return "displaced"
        return "evacuated"
    if cat in ("aid", "military") and t.pos_ not in ("VERB", "NOUN"):
        return None
    return cat


def _evacuation_context(anchor: Token) -> bool:
    """Whether the figure's sentence or the one before speaks of an evacuation or a convoy."""
    sent = anchor.sent
    start = anchor.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    return any(t.lower_.startswith(EVACUATION_MARKS) for t in anchor.doc[start: sent.end])


PUBLIC_PLACES = wordlists.words("public_places")


def _objects(t: Token) -> list[Token]:
    """Direct objects and prepositional objects of ``t``."""
    out = [c for c in t.children if c.dep_ == "dobj"]
    out += [g for c in t.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return out


def _motion_category(t: Token) -> str | None:
    """Going or coming to a gathering: "went to the rallies", "came to lay flowers", "flocked to
    the square". Going to hospital or to a shelter says that instead; going to a country is travel."""
    where = _pobj_category(t)
    if where:
        return where
    if lemma_of(t) == "come" and any(c.dep_ in ("xcomp", "advcl") and c.pos_ == "VERB" for c in t.children):
        return "attended"
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ in ("to", "into", "onto"):
            for g in c.children:  # a named square or hall, not a country or an ordinary shop
                if g.dep_ == "pobj" and (g.ent_type_ == "FAC" or (g.pos_ == "PROPN" and g.ent_type_ not in (
                        "GPE", "LOC", "NORP", "PERSON", "ORG"))):
                    return "attended"
    return None


def _misdated_name(tok: Token) -> bool:
    """A proper name NER took for a date ("the Old Quarter"): tagged as a place elsewhere, or no
    month, weekday or number in its words."""
    if named_place(tok):
        return True
    words = [c for c in tok.lefts if c.dep_ == "compound"] + [tok]
    return not any(w.like_num or w.lower_ in MONTHS or w.lower_ in WEEKDAYS for w in words)


def presence_category(verb: Token) -> str | None:
    """People said only to be somewhere: "4,000 people were at the square" is a crowd;
    "300 were still in the plant", "about 300 civilians remain" are people trapped there."""
    lemma = lemma_of(verb)
    if lemma not in ("be", "remain", "wait"):
        return None
    kids = list(verb.children)
    if lemma == "wait":  # "were waiting there", "waiting at the station" (not "waiting for news")
        return "attended" if any(c.lower_ in ("there", "here", "at", "outside") for c in kids) else None
    if any(c.dep_ == "expl" or (c.dep_ == "aux" and (lemma_of(c) == "have" or c.tag_ == "MD")) or
           (c.dep_ in ("acomp", "attr", "oprd") and not c.like_num) for c in kids):
        return None  # "there are 40 victims", "had been underground", "may have been in the mine"
    still = any(c.lower_ == "still" for c in verb.children)
    places = [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("at", "in", "on", "inside")
              for g in c.children if g.dep_ == "pobj" and not g.like_num and (
                  g.ent_type_ not in ("DATE", "TIME") or (g.pos_ == "PROPN" and _misdated_name(g)))]
    if lemma == "remain" or still:
        # still in a town is where people live (population), not where they are caught
        if any(g.ent_type_ in ("GPE", "LOC") or lemma_of(g) in SETTLEMENTS for g in places):
            return None
        return "trapped" if (places or lemma == "remain") else None
    # a crowd is somewhere people gather: a named place or a public space, not "in the bus"
    public = [g for g in places if g.pos_ == "PROPN" or g.ent_type_ in ("FAC", "GPE", "LOC")
              or lemma_of(g) in PUBLIC_PLACES
              or any(m.dep_ == "compound" and lemma_of(m) in PUBLIC_PLACES for m in g.children)]
    return "attended" if public else None


def lives_lost(t: Token) -> bool:
    """ "claimed 70 lives", "cost the lives of 200 people", "with the loss of 311 lives"."""
    head = t.head.head if t.head.lower_ == "of" else t.head
    return lemma_of(t) == "life" and lemma_of(head) in LIFE_TAKERS


def _pobj_category(t: Token) -> str | None:
    for c in t.children:
        if c.dep_ != "prep":
            continue
        for g in c.children:
            if g.dep_ == "pobj":
                key = lemma_of(g)
                if key in ("way", "road") and c.lower_ == "on" and any(
                        d.dep_ == "prep" and d.lower_ in ("to", "towards") for d in g.children):
                    return "evacuated"  # "on their way to the border", "on the road to the capital"
                if key in ("condition", "state") and any(
                        lemma_of(a) in ("critical", "serious", "stable", "heavy", "grave") for a in g.children):
                    return "injured"  # "in critical condition"
                if key == "ground" and c.lower_ in ("below", "under", "beneath"):
                    return "trapped"
                if POBJ_CATEGORIES.get(key) == "trapped" and c.lower_ not in ENCLOSING_PREPS:
                    continue  # "out through a tunnel" is a way out, not where people are caught
                if key in POBJ_CATEGORIES:
                    return POBJ_CATEGORIES[key]
                # "in the basement car park": a place named by its compound
                comp = next((lemma_of(m) for m in g.children if m.dep_ == "compound"
                             and POBJ_CATEGORIES.get(lemma_of(m)) == "trapped"), None)
                if comp:
                    return POBJ_CATEGORIES[comp]
            if g.dep_ in ("amod", "acomp", "pobj") and lemma_of(g) in ("missing", "dead", "injured", "wounded"):
                return CATEGORY_LEMMAS.get(lemma_of(g))
    return None


def conjuncts(tok: Token) -> list[Token]:
    """The coordinated phrases ``tok`` belongs to, first conjunct first ("64 women and 41 men")."""
    first = tok
    while first.dep_ == "conj" and first.head != first:
        first = first.head
    out = [first]
    todo = [first]
    while todo:
        node = todo.pop()
        for c in node.children:
            if c.dep_ == "conj" and c not in out:
                out.append(c)
                todo.append(c)
    return out


def group_word_category(t: Token) -> str | None:
    """Category of a word naming a group by its fate: "dead", "perished", "victims", "arrested"."""
    cat = GROUP_WORDS.get(t.lower_) or GROUP_WORDS.get(lemma_of(t))
    if cat:
        return cat
    if t.dep_ in ("relcl", "acl"):  # "those who fled", "those killed"
        return _word_category(t) or _pobj_category(t)
    if t.dep_ == "pobj" and t.head.lower_ in ("in", "under") and lemma_of(t) in POBJ_CATEGORIES:
        return POBJ_CATEGORIES[lemma_of(t)]  # "those in hospital"
    return None


def _nominal_category(n: Token) -> str | None:
    """What happened to the group a nominal names ("the deceased", "the interpellated persons")."""
    for t in [n, *(c for c in n.children if c.dep_ in ("amod", "relcl", "acl", "prep"))]:
        if t.dep_ == "prep":
            t = next((g for g in t.children if g.dep_ == "pobj"), t)
        cat = group_word_category(t)
        if cat:
            return cat
    return None


def _scan_group(prep: Token, stop: Token) -> str | None:
    """The words right after "among"/"of" up to the first break: "among [those who left]"."""
    doc = prep.doc
    for t in doc[prep.i + 1: min(prep.i + 7, prep.sent.end)]:
        if t.is_punct or t.i == stop.i:
            break
        cat = group_word_category(t)
        if cat:
            return cat
    return None


def _context_group(anchor: Token) -> str | None:
    """The group a bare "N were X" sub-count continues: the last "among the dead" / "of the
    evacuees" frame earlier in its sentence or in the sentence before."""
    doc = anchor.doc
    sent = anchor.sent
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    found = None
    for t in doc[start: anchor.i]:
        if t.lower_ in GROUP_PREPS or t.lower_ == "of":
            found = _scan_group(t, anchor) or found
    return found


def group_category(anchor: Token, noun: Token | None) -> str | None:
    """Category of the group a figure is said to belong to or to make up: "64 women and 41 men
    among the dead", "Among the injured were three officers", "Of the dead, 300 were in the
    north", "The deceased are four women", "the victims included three children". Coordinated
    figures share the frame."""
    base = noun if noun is not None else anchor
    members = conjuncts(base)
    first = members[0]
    preps = [c for m in [*members, anchor] for c in m.children if c.dep_ == "prep" and c.lower_ in GROUP_PREPS]
    verb = first.head if first.dep_ in ("nsubj", "nsubjpass", "attr", "dobj") and \
        first.head.pos_ in ("VERB", "AUX") else None
    if verb is not None:
        # "Among the dead are ...", and a fronted partitive: "Of the dead, 300 were ..."
        preps += [c for c in verb.children if c.dep_ == "prep" and (
            c.lower_ in GROUP_PREPS or (c.lower_ == "of" and c.i < first.i and c.i < verb.i))]
    for a in base.ancestors:  # a misparse puts the figure inside the group phrase
        if a.pos_ in ("VERB", "AUX"):
            break
        if a.lower_ in GROUP_PREPS:
            preps.append(a)
    for p in preps:
        cat = _scan_group(p, base)
        if cat:
            return cat
    of = of_object(anchor)
    if of is not None and of.pos_ != "PRON" and _nominal_category(of):  # "17 of the rescued miners"
        return _nominal_category(of)
    if verb is not None and (lemma_of(verb) == "be" or lemma_of(verb) in MEMBERSHIP_VERBS):
        dep = ("nsubj",) if first.dep_ != "nsubj" else ("attr",)
        other = next((c for c in verb.children if c.dep_ in dep and c.i != first.i), None)
        if other is not None and (lemma_of(verb) == "be" or first.dep_ == "dobj"):
            return _nominal_category(other)
    return None


def _in_list(noun: Token) -> bool:
    """ "a list of 284 victims": victim lists name the dead and the injured together."""
    return noun.dep_ == "pobj" and noun.head.lower_ == "of" and lemma_of(noun.head.head) in ("list", "register")


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
        if node.dep_ in ("ccomp", "parataxis") and node.pos_ in ("VERB", "AUX") and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
            break  # a clause with its own subject: the verb above it is about something else
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
    carrier = noun is not None and lemma_of(noun) in CARRIERS
    if noun is not None:
        lemma = lemma_of(noun)
        if lemma in EVENT_NOUNS:
            return EVENT_NOUNS[lemma]
        comp = [lemma_of(c) for c in noun.children if c.dep_ in ("compound", "amod")]
        if lemma == "toll" and "death" in comp:
            return "killed"
        if noun.lower_ in GROUP_WORDS and (noun.pos_ != "NOUN" or noun.lower_ == "dead"):  # "160,000 homeless"
            return GROUP_WORDS[noun.lower_]
        if lives_lost(noun):  # "claimed 70 lives"
            return "killed"
        # the base of a share: "half of the town's 14,000 residents" is the population
        base_of = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
        own_clause = any(c.dep_ in ("acl", "relcl") and _word_category(c) for c in noun.children)
        if base_of is not None and base_of.i != anchor.i and not own_clause and (
                base_of.like_num or base_of.lower_ in num.FRACTIONS or base_of.lower_ in PERCENT_WORDS):
            return "other"
        of = of_object(anchor)
        if of is not None and of.lower_ in GROUP_WORDS and of.pos_ != "NOUN":  # "five of the dead"
            return GROUP_WORDS[of.lower_]
    for c in anchor.children:  # "... and 90,000 homeless" parsed as the number's modifier
        if c.dep_ in ("amod", "acomp", "oprd") and c.i > anchor.i and c.lower_ in GROUP_WORDS:
            return GROUP_WORDS[c.lower_]
    if frame is None and noun is not None:
        frame = implicit_counted(noun)  # "the death toll rose to 14,300 people"
    if frame is not None:
        inner = of_object(frame)
        for t in (inner, frame):
            if t is not None:
                if t.lower_ in GROUP_WORDS and not _in_list(t):
                    return GROUP_WORDS[t.lower_]
                if t is inner and t.pos_ == "NOUN" and _nominal_category(t):  # "the number of citizens who died"
                    return _nominal_category(t) or "other"
                if lemma_of(t) in ("toll",):
                    return "killed"
                if t is frame and lemma_of(t) in ("number", "count", "total", "tally"):
                    # "the real number still underground", "the number missing"
                    for c in t.children:
                        if c.dep_ in ("amod", "acl") and c.i > t.i and _word_category(c):
                            return _word_category(c) or "other"
                if lemma_of(t) in ("turnout", "crowd", "attendance"):
                    return "attended"
    start = noun if noun is not None else anchor
    clauses: list[Token] = []
    adjs: list[Token] = []
    owners = {start, anchor}
    if noun is not None and noun.dep_ == "pobj" and noun.head.lower_ == "of" and \
            lemma_of(noun.head.head) in ("number", "count", "total", "tally"):
        owners.add(noun.head.head)  # "the number of citizens who lost their lives": the clause may hang on "number"
    for owner in owners:
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
        if cat and (people or cat not in PEOPLE_CATEGORIES or (carrier and cat == "evacuated")) and \
                not (money and cat != "aid"):
            return cat
        if money and lemma_of(t) in COST_WORDS:
            return "other"
    group = group_category(anchor, noun) if not money else None
    if group and people:
        return group
    for t in [start, *path]:
        if t.pos_ in ("VERB", "AUX"):
            cat = _pobj_category(t)
            if cat and people:
                return cat
    for t in adjs:
        cat = _word_category(t)
        if cat and people:
            return cat
    if noun is not None and any(CATEGORY_LEMMAS.get(lemma_of(c)) == "military" for c in noun.children
                                if c.dep_ in ("amod", "compound")):
        return "military"  # "three armoured vehicles"
    if money:
        frame = implicit_counted(anchor)  # "put the day's lost sales at 30 million euros"
        if frame is not None and any(lemma_of(x) in COST_WORDS for x in [frame, *frame.children]):
            return "other"
        near = path_nouns[:3]
        if any(lemma_of(t) in COST_WORDS for t in near) and not any(
                CATEGORY_LEMMAS.get(lemma_of(t)) == "aid" for t in near):
            return "other"  # "a deficit of 2 billion euros", not "aid in the value of 2 million"
        return "aid"
    if carrier and _evacuation_context(anchor):
        return "evacuated"  # the buses and vehicles of an evacuation
    if noun is not None:
        lemma = lemma_of(noun)
        cat = CATEGORY_LEMMAS.get(lemma)
        if cat in ("military", "attended", "aid", "detained") and lemma not in ("home", "shelter", "body"):
            return cat
    if noun is not None and noun.lower_ in GROUP_WORDS and not _in_list(noun):
        return GROUP_WORDS[noun.lower_]  # "the ministry communicated 23 victims"
    verb = next((t for t in path if t.pos_ in ("VERB", "AUX")), None)
    pres = presence_category(verb) if verb is not None and people and not money and noun is not None else None
    if pres:
        return pres
    if copula_attribute(anchor) is not None and people:
        cat = _context_group(anchor)  # "... among the dead. Twenty-two were foreign nationals"
        if cat:
            return cat
    for t in path_nouns:
        cat = _word_category(t) or EVENT_NOUNS.get(lemma_of(t))
        if cat and (people or cat not in PEOPLE_CATEGORIES) and not (money and cat != "aid"):
            return cat
    return "other"
