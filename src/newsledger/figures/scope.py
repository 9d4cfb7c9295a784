"""Of what a figure counts a part: the place, side-held area or combined total it applies to, the
sub-count it is of a larger count, the nationality of a group, and whether it is a sighting.

A quantity measures one thing (spec: "the same thing counted, for the same event ... in the same
place"), so a toll for one country, for the areas one side of a civil war holds, and for both
countries together are three quantities, and "17 of the injured were in critical condition" is
not the injured total. Everything here is read from the figure's own words and its clause: the
count noun its verb is about ("Karvelia's death toll rose to ..."), a prepositional phrase ("in
government-held areas", "in both countries"), a partitive ("of the dead"). The quantity key
(:func:`newsledger.quantities.quantity_key`) reads the results through :func:`place_key`.

Generic places ("in the capital", "in the north-west") are read through what the text says they
are (:func:`place_aliases`: "the capital Tarsenne", "the opposition-held north-west"), in the
document and, since many articles never say it, over the story (:func:`story_aliases`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from .. import wordlists
from ..statements.lexicon import EVIDENCE_VERBS, ORG_NOUNS, PERSON_TITLES, SPEECH_VERBS
from ..util import TokenTest, ent_at
from .counted import _fronted_partitive, of_object
from .events import incident_kind
from .lexicon import CATEGORY_LEMMAS, COUNT_NOUNS, NATIONAL_WORDS, PLACE_PREPS, TOTAL_NOUNS, lemma_of

COMBINED = "combined"
CUMULATIVE = "cumulative"
# categories whose figures are running totals a body keeps for its own area
RUNNING_TOTALS = {"killed", "injured", "missing", "trapped", "displaced"}
# "government-held", "rebel-controlled", "opposition-run": areas held by one side of a conflict
_SIDE_HELD = re.compile(r"^([a-z]+)-(held|controlled|run|occupied)$")
_HELD_WORDS = TokenTest(LOWER, frozenset(("held", "controlled", "run", "occupied", "control")).__contains__)


def _held_words(doc: Doc) -> list[int]:
    """Where ``doc`` has a word that says who holds an area, found once per Doc."""
    found: list[int] | None = doc.user_data.get("newsledger_held_words")
    if found is None:
        found = doc.user_data["newsledger_held_words"] = _HELD_WORDS.positions(doc)
    return found
_BOTH = {"both", "two", "all"}
# an area a story names by a definite noun alone ("in the enclave", "in the territory")
_AREA_NOUNS = {"enclave", "territory", "strip", "pocket", "exclave"}
_REGION_NOUNS = {"country", "countries", "nation", "nations", "side", "sides", "state", "states"}
# words that say what kind of place a name is, not which one ("Veshan province" = "Veshan")
PLACE_NOUNS = wordlists.words("place_nouns")
_PLACE_KIND = PLACE_NOUNS | {"itself", "as", "a", "whole", "the", "of", "capital"}
_DIRECTION = re.compile(r"^(north|south|east|west|central|northern|southern|eastern|western)"
                        r"(-?(east|west|eastern|western))?$")
_COMPASS = {"north": "n", "south": "s", "east": "e", "west": "w", "northern": "n", "southern": "s",
            "eastern": "e", "western": "w", "central": "c", "centre": "c", "center": "c"}
MAX_KEY = 32
_NOT_PLACES = ("PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "EVENT", "WORK_OF_ART")


def _side_held(tok: Token) -> str | None:
    """ "government-held areas": the side, from a modifier of ``tok`` or from ``tok`` itself; also
    "areas under the control of the government", "the north-west, which is under opposition control"."""
    # the subtree is read only when the words it can match in (from its left edge to 11 words past
    # ``tok``) hold one of the words looked for: most hold none
    found = _held_words(tok.doc)
    k = bisect.bisect_left(found, tok.left_edge.i)
    for t in tok.subtree if k < len(found) and found[k] < tok.i + 12 else ():
        if t.lower_ in ("held", "controlled", "run", "occupied") and t.dep_ in ("relcl", "acl") and \
                t.head.i == tok.i and t.i - tok.i < 12:
            # "the north-west, which is held by the opposition", "areas controlled by rebels"
            by = next((c for c in t.children if c.dep_ == "agent"), None)
            side = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
            if side is not None:
                return f"held:{side.lower_}"
        if t.lower_ == "control" and t.head.lower_ == "under" and t.i - tok.i < 12:
            of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            side = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            side = side or next((c for c in t.children if c.dep_ in ("compound", "amod")), None)
            if side is not None:
                return f"held:{side.lower_}"
    for t in [tok, *tok.children]:
        text = t.lower_
        m = _SIDE_HELD.match(text)
        if m:
            return f"held:{m.group(1)}"
        # spaCy may split "opposition-held" into three tokens: opposition - held
        if t.lower_ in ("held", "controlled", "run", "occupied") and t.i >= 2 and t.doc[t.i - 1].text == "-":
            return f"held:{t.doc[t.i - 2].lower_}"
    return None


def _place_of_noun(tok: Token) -> str | None:
    """A place named on a noun: "Karvelia's toll", "the toll in X", "areas held by ..."."""
    held = _side_held(tok)
    if held:
        return held
    for c in tok.children:
        if c.dep_ == "amod" and c.lower_ in ("combined", "overall"):
            return COMBINED
        if c.dep_ == "compound" and c.pos_ == "PROPN" and _is_place_name(c):
            return _ent_text(c)  # "the Gravenne march", "the Alcoria crowd"
        if c.dep_ == "poss" and (_is_place_name(c) or (
                c.pos_ == "PROPN" and c.ent_type_ not in _NOT_PLACES)):
            return _ent_text(c)
        if c.dep_ == "prep" and c.lower_ in ("from", "of") and lemma_of(tok) in COUNT_NOUNS:
            # "the toll from Tuesday's earthquake in north-western Mirzavan": the incident's place
            for inc in c.children:
                if inc.dep_ == "pobj" and incident_kind(inc) is not None:
                    for p in inc.children:
                        if p.dep_ == "prep" and p.lower_ in PLACE_PREPS and (found := _place_of_pobj(p)):
                            return found
        if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
            found = _place_of_pobj(c)
            if found:
                return found
            if lemma_of(tok) in COUNT_NOUNS and c.lower_ == "in":
                # "the toll in Mirzavan": a toll is of a place, even when NER took the name for a body
                g = next((g for g in c.children if g.dep_ == "pobj"), None)
                if g is not None and g.pos_ == "PROPN" and g.ent_type_ in ("ORG", "PERSON"):
                    return _ent_text(g)
    return None


def compass(tok: Token) -> str | None:
    """The compass point a direction word names, with the word before it when hyphenated or
    modifying it: "north-west", "north-western", "the north" -> "nw", "nw", "n"."""
    code = _COMPASS.get(tok.lower_)
    if code is None:
        return None
    doc = tok.doc
    first = None
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ in _COMPASS:
        first = doc[tok.i - 2]
    else:
        first = next((c for c in tok.children if c.i < tok.i and c.lower_ in _COMPASS), None)
    return (_COMPASS[first.lower_] + code) if first is not None and _COMPASS[first.lower_] != code else code


def _region(g: Token) -> str | None:
    """A part of a country named by its compass point: "in north-western Mirzavan" -> "north-western
    Mirzavan", "in the north-west" -> "the north-west" (a place of its own, see :func:`place_aliases`)."""
    doc = g.doc
    if g.pos_ == "NOUN" and compass(g) and any(c.lower_ == "the" for c in g.children):
        start = min([c.i for c in g.children if c.dep_ in ("compound", "amod")] + [g.i])
        while start > 0 and doc[start - 1].text == "-":
            start -= 2
        return "the " + doc[start: g.i + 1].text
    if g.pos_ == "PROPN":
        d = next((c for c in g.children if c.dep_ == "amod" and compass(c)), None)
        if d is not None:
            start = min([c.i for c in d.subtree])
            return doc[start: d.i + 1].text + " " + _ent_text(g)
    return None


def _place_of_pobj(prep: Token, depth: int = 0) -> str | None:
    if any(c.dep_ == "conj" and c.pos_ == "ADP" and _is_place(prep) and _is_place(c) for c in prep.children):
        return COMBINED  # "in Velmora and in the villages downstream": more than one place
    for g in prep.children:
        if g.dep_ != "pobj":
            continue
        held = _side_held(g)
        if held:
            return held
        if g.lower_ in _REGION_NOUNS and any(c.lower_ in _BOTH for c in g.children):
            return COMBINED  # "in both countries", "in the two countries"
        if g.lower_ in ("country", "nation") and any(c.lower_ in ("the", "whole", "entire") for c in g.children):
            return "national"
        if g.lower_ in _AREA_NOUNS and prep.lower_ in ("in", "inside", "across", "throughout") and \
                [c.lower_ for c in g.children] == ["the"]:
            return g.lower_  # "killed in the enclave": the one area a story calls so, not the war's total
        region = _region(g)
        if region:
            return region
        if g.lower_ in ("all", "total") and prep.lower_ == "in" and not list(g.children):
            return COMBINED  # "about 8,300 in all": the total over the places just listed
        whole = next((w for c in g.children if c.dep_ == "prep" and c.lower_ == "of"
                      for w in c.children if w.dep_ == "pobj"), None) if g.lower_ == "rest" else None
        if whole is not None:
            # "nearly 5,200 in the rest of the region": the whole less the place named before it
            return "rest:" + (place_key(_ent_text(whole)) if whole.pos_ == "PROPN" else whole.lemma_.lower())
        if incident_kind(g) is not None:
            # "killed in the floods in Port Ellis": the place of the incident, as for "the toll from"
            for p in g.children:
                if p.dep_ == "prep" and p.lower_ in PLACE_PREPS and (found := _place_of_pobj(p)):
                    return found
        if g.lower_ == "capital" and any(c.lower_ == "the" for c in g.children):
            # "in the capital" vs "outside the capital": the capital city, or the rest of the country
            return "outside:capital" if prep.lower_ == "outside" else "capital"
        named = [c for c in g.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if g.pos_ == "NOUN" and named and g.lower_ in PLACE_NOUNS and g.lower_ not in ("areas", "area", "region"):
            return _ent_text(named[0]) + " " + g.text  # "at Tarsenne-Nord station"
        if _is_place_name(g) or (g.pos_ == "PROPN" and g.ent_type_ not in _NOT_PLACES):
            if any(c.dep_ == "conj" and (c.ent_type_ in ("GPE", "LOC") or c.pos_ == "PROPN") for c in g.children):
                return COMBINED  # "in Karvelia and Mirzavan"
            if prep.lower_ in ("across", "throughout"):
                return "national"  # "across Rivia": the whole area, not one town in it
            return _ent_text(g)
        if g.pos_ == "NOUN" and prep.lower_ in ("to", "in", "at", "into") and depth == 0:
            # "taken to hospitals in Valmensk city": the place of the facility people were taken to
            for c in g.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "at"):
                    found = _place_of_pobj(c, depth + 1)
                    if found and found not in (COMBINED, "national"):
                        return found
    return None


def _is_place(prep: Token) -> bool:
    """Whether a preposition's object names a place ("in Velmora", "in the villages"), not a
    state or a setting ("at the scene", "in hospital")."""
    return any(g.dep_ == "pobj" and (g.ent_type_ in ("GPE", "LOC", "FAC") or g.lemma_.lower() in PLACE_NOUNS or (
        g.pos_ == "PROPN" and g.ent_type_ not in _NOT_PLACES)) for g in prep.children)


def _is_place_name(tok: Token) -> bool:
    """A place name: tagged as one here, or elsewhere in the same document (NER labels an
    unfamiliar town a person in one sentence and a place in the next; the document's vote wins)."""
    if tok.ent_type_ in ("GPE", "LOC"):
        return True
    doc = tok.doc
    places = doc.user_data.get("newsledger_places")
    if places is None:
        places = {re.sub(r"^the ", "", e.text, flags=re.I) for e in doc.ents if e.label_ in ("GPE", "LOC")}
        doc.user_data["newsledger_places"] = places
    return tok.text in places


def named_place(tok: Token) -> bool:
    """A proper name the document tags as a place somewhere, compared with its proper-noun
    modifiers ("Quarter" of "the Old Quarter", tagged LOC once and DATE the next time)."""
    if _is_place_name(tok):
        return True
    lefts = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return bool(lefts) and tok.pos_ == "PROPN" and tok.doc[lefts[0].i: tok.i + 1].text in tok.doc.user_data[
        "newsledger_places"]


def _placeish(tok: Token) -> bool:
    """A name that may be a place where the clause has a place's role (the subject of "brought
    60,000 into the streets"): a place name, or a facility (NER often takes a town for one)."""
    return _is_place_name(tok) or tok.ent_type_ == "FAC"


def _ent_text(tok: Token) -> str:
    ent = ent_at(tok)
    text = ent.text if ent is not None else tok.text
    return re.sub(r"['’]s?$", "", text)


def whole_place(noun: Token | None) -> str | None:
    """The place of a partitive's whole, read from the whole's own phrase only ("of the 14,390
    people killed in the enclave, 6,180 ...": the enclave), not from the clause about the part."""
    if noun is None:
        return None
    for h in [noun, *(c for c in noun.children if c.dep_ in ("acl", "relcl"))]:
        found = _place_of_noun(h)
        if found:
            return found
    return None


def clause_place(anchor: Token, noun: Token | None) -> str | None:
    """The place said in the figure's own clause beyond its own phrase: on the count noun its verb
    is about ("Karvelia's death toll rises to 7,108", "put the toll in Mirzavan at 3,784"), a
    side-held area ("in the opposition-held north-west") or a combined total ("in both countries")."""
    gapped = gapped_place(anchor)
    if gapped:
        return gapped
    holders: list[Token] = [anchor]
    if noun is not None:
        holders.append(noun)
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        holders.append(verb)
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and c.i != anchor.i and (
                    lemma_of(c) in COUNT_NOUNS or (noun is not None and c.i == noun.i)):
                holders.append(c)
            elif c.dep_ == "dobj" and anchor.dep_ == "pobj" and anchor.head.lower_ == "at" and \
                    anchor.head.head.i == verb.i and c.i < anchor.head.i:
                holders.append(c)  # "put the Gravenne march at 16,000": what the figure measures
    elif anchor.head.i != anchor.i and (lemma_of(anchor.head) in COUNT_NOUNS or not any(
            ch.isalnum() for ch in anchor.head.text)):
        # "Combined toll in both countries now 9,610" (no verb); "• 870,000 outside the capital"
        # (the parse hangs a bullet line's words on the bullet)
        holders.append(anchor.head)
    if noun is not None:
        # "three people who collapsed in Well Street": the place in the counted noun's own clause
        holders += [c for c in noun.children if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"]
    for h in holders:
        for c in h.children:
            if c.lower_ in NATIONAL_WORDS:
                return "national"
        found = _place_of_noun(h)
        if found:
            return found
    if verb is not None:
        found = _place_subject(verb)
        if found:
            return found
    # a fronted "In the rebel-held north, rescuers said ..." frames the whole sentence
    sent = anchor.sent
    for c in sent.root.children:
        if c.dep_ == "prep" and c.i == sent.start and c.lower_ in PLACE_PREPS:
            return _place_of_pobj(c)
    return None


def gapped_place(anchor: Token) -> str | None:
    """The place of a gapped clause, whose verb is left out after the first: "Port Vandel brought
    60,000 people into the streets and Gravenne 30,000", "in Port Vandel the count was 12,400, and in
    the city of Gravenne 9,100". The parse hangs the number on the name it follows; the clause is
    known gapped by the coordinator before the name and a figure earlier in the sentence."""
    name = anchor.head
    # NER often takes an unfamiliar town for a person, a body or a facility, never for a date or a law
    if anchor.dep_ != "nummod" or name.pos_ != "PROPN" or name.i != anchor.i - 1 or \
            name.ent_type_ not in ("", "GPE", "LOC", "FAC", "PERSON", "ORG"):
        return None
    sent, doc = anchor.sent, anchor.doc
    left = name.i
    while left > sent.start and doc[left - 1].pos_ in ("PROPN", "ADJ", "DET", "NOUN", "ADP") and \
            doc[left - 1].lower_ not in ("and", "while", "but"):
        left -= 1
    before = doc[left - 1] if left > sent.start else None
    if before is None or before.lower_ not in ("and", "while", "but", ",", ";"):
        return None
    if not any(t.like_num and t.i < left and t.ent_type_ in ("CARDINAL", "") for t in sent):
        return None
    # the name is a place: tagged as one in the document, the object of "in", "of" ("the city of
    # X"), or it stands where the first clause has a place ("Port Vandel brought ... and Gravenne")
    verb = name.head if name.dep_ in ("dobj", "nsubj", "conj") else None
    if not (_placeish(name) or (name.dep_ == "pobj" and name.head.lower_ in ("in", "of", "at")) or (
            verb is not None and any(c.dep_ == "nsubj" and c.pos_ == "PROPN" and _placeish(c)
                                     for c in verb.children))):
        return None
    # the name alone: NER may take the number into the entity ("Gravenne 9,100")
    ent = ent_at(name)
    return re.sub(r"['’]s?$", "", name.doc[ent.start if ent is not None else name.i: name.i + 1].text)


def _place_subject(verb: Token) -> str | None:
    """A place as the subject of what happened ("Port Vandel brought 60,000 people into the
    streets", "Gravenne turned out again"), not of a reporting verb ("Olvania said 40 died")."""
    if lemma_of(verb) in SPEECH_VERBS or lemma_of(verb) in EVIDENCE_VERBS:
        return None
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    # one subject only: a dateline ("LISK, Varnia (VW) - Floods ... killed 20") parses as a second one
    if len(subjects) == 1 and _placeish(subjects[0]) and subjects[0].pos_ == "PROPN" and \
            not subjects[0].text.isupper():
        return _ent_text(subjects[0])
    return None


def frame_place(sent_start: Token) -> str | None:
    """The place a sentence sets for the figures after it in its paragraph: a place as the subject
    of its main verb ("Gravenne turned out again on Saturday.")."""
    return _place_subject(sent_start.sent.root) if sent_start.sent.root.pos_ in ("VERB", "AUX") else None


def place_key(place: str | None) -> str:
    """A place name reduced so spellings of one place meet: "Veshan province" and "Veshan" ->
    "veshan"; "Karvelia" and "Karvelian" share a stem. Side-held and combined keys pass through."""
    if not place or place == COMBINED:
        # a total over every place the story covers ("in both countries") is the story's total,
        # which is also what a figure with no place and no source area measures
        return "any"
    p = place.strip().lower()
    if p.startswith(("held:", "outside:", "from:", "rest:")) or p in ("national", "capital"):
        return p
    words = [w for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", p) if w not in _PLACE_KIND]
    # a compass point is part of the place ("north-western Mirzavan" is not Mirzavan)
    words = [_compass_word(w) if _DIRECTION.match(w) else w for w in words]
    if not words:
        return p[:MAX_KEY]
    # each part of a hyphenated name counts: "Tarsenne-Nord" is not "Tarsenne"
    return " ".join(w if w.startswith("dir:") else "-".join(part[:5] for part in w.split("-"))
                    for w in words)[:MAX_KEY]


def _compass_word(word: str) -> str:
    m = _DIRECTION.match(word)
    codes = [_COMPASS.get(w or "", "") for w in ((m.group(1), m.group(3)) if m else ())]
    return "dir:" + "".join(dict.fromkeys(c for c in codes if c))


def framing_place(anchor: Token, noun: Token | None) -> str | None:
    """A place that frames what is coordinated with the figure's clause: on the count noun the
    clause is about ("the toll from the quake in X has risen to 1,622, and 3,905 people have been
    injured", "the number of victims in X has reached 11,950, and ..."), or in a clause on the
    figure's own noun ("the 1,262 people killed in X, and that 2,380 ..."). A place on the verb or
    its object ("detained 38 people in X, and 14 officers had been injured") is its clause's alone."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    # (a dateline may parse as a second subject: the count noun is the one)
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and lemma_of(c) in COUNT_NOUNS),
                None) if verb is not None else None
    preps = [t for t in subj.subtree if t.dep_ == "prep"] if subj is not None else []
    if noun is not None:
        preps += [p for c in noun.children if c.dep_ in ("acl", "relcl") for p in c.children if p.dep_ == "prep"]
    for p in preps:
        if p.lower_ in PLACE_PREPS and (found := _place_of_pobj(p)):
            return found
    return None


def phrase_place(noun: Token | None) -> str | None:
    """The place in a whole's own phrase ("Of the 53,870 people injured in Karvelia, 6,120 ..."):
    the rest of the clause is about the part, but the whole's own words still place it."""
    if noun is None:
        return None
    for c in noun.children:
        preps = [c] if c.dep_ == "prep" else [p for p in c.children if p.dep_ == "prep"] if (
            c.dep_ in ("acl", "relcl") and c.pos_ == "VERB") else []
        for p in preps:
            if p.lower_ in PLACE_PREPS and (found := _place_of_pobj(p)):
                return found
    return None


def partitioned_whole(anchor: Token, noun: Token | None) -> bool:
    """Whether the figure is the whole a partitive divides ("of the 118 injured, 84 are treated in
    Tavrel", "Of the 196, 138 were treated ..."): the words of its clause then describe the part."""
    head = noun if noun is not None and anchor.dep_ == "nummod" and anchor.head.i == noun.i else anchor
    of = head.head
    if head.dep_ != "pobj" or of.lower_ != "of" or of.i == head.i:
        return False
    return of.head.like_num or of.i == anchor.sent.start or (of.i > 0 and anchor.doc[of.i - 1].is_punct)


def part_of(anchor: Token) -> Token | None:
    """The larger group a partitive figure is a part of: "17 of the injured", "Of the dead, 40 ..."."""
    obj = of_object(anchor)
    if obj is None or obj.like_num:
        obj = _fronted_partitive(anchor, pronoun=True)
    # a partitive names a definite group ("of the dead", "of them"); "dozens of people" does not
    if obj is not None and (obj.pos_ == "PRON" or any(
            c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "some", "any") for c in obj.children)):
        return obj
    return None


def destination(anchor: Token) -> str | None:
    """Where the people a movement count is about went: "72 were heading to Zavorne", "buses
    reached Belomir". Read for evacuations, whose parts by destination are separate quantities."""
    verb = next((t for t in anchor.ancestors if t.pos_ == "VERB"), None)
    if verb is None:
        return None
    # "had chosen to stay in Belomir": the place is on the verb the figure's verb governs
    verbs = [verb, *(c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB")]
    # a place they went to comes before the one a verb of leaving names ("had left Brelsk for
    # government-held areas"); a side's areas are one destination however worded
    for objects_too in (False, True):
        for v in verbs:
            stay = lemma_of(v) in ("stay", "remain", "settle", "arrive", "shelter")
            leave = lemma_of(v) in ("leave", "flee", "depart")
            for c in v.children:
                objs = [g for g in c.children if g.dep_ == "pobj"] if (
                    c.dep_ == "prep" and (c.lower_ in ("to", "towards", "into") or (stay and c.lower_ in ("in", "at"))
                                          or (leave and c.lower_ == "for"))
                ) else ([c] if c.dep_ == "dobj" and objects_too else [])
                for g in objs:
                    held = _side_held(g) if c.dep_ == "prep" else None
                    if held:
                        return held
                    if g.ent_type_ in ("FAC",) or _is_place_name(g) or (
                            g.pos_ == "PROPN" and g.ent_type_ not in _NOT_PLACES):
                        return _ent_text(g)
    # "127 of them from the Kordan works and 217 from an assembly point": parts by where they came
    # from; "the other 217 were collected from an assembly point" (the rest of a whole, on its verb)
    holders = [anchor, verb] if is_rest(anchor) or part_of(anchor) is not None else [anchor]
    for c in (c for h in holders for c in h.children):
        if c.dep_ == "prep" and c.lower_ == "from":
            origin = next((g for g in c.children if g.dep_ == "pobj"), None)
            if origin is not None:
                return f"from:{origin.lemma_.lower()}"
    return None


# where the people of an evacuation went after it: "stay" (stayed at a stop) or "onward"
MOVEMENT_PARTS = wordlists.mapping("evacuation_parts")
CHOICE_WORDS = wordlists.words("choice_words")


def movement_part(anchor: Token) -> tuple[str, bool] | None:
    """Which part of an evacuation the figure's people are by what they did after it, and whether
    the text frames it as a choice: ("stay", True) for "32 evacuees had chosen to stay in Belomir",
    "58 expressed a wish to remain"; ("onward", False) for "72 were heading to Zavorne", "the other
    68 were handed over to the committee", "327 people had arrived", "121 are on their way to X".
    The two sides of a war name the same part by different places ("Belomir" / "territory under
    Tarvenian control") or none ("handed over"), so the part, not the place, is the key. Only the
    people moving (the subject), never what a count reached ("the number of evacuees reached 500")."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or not any(c.dep_ in ("nsubj", "nsubjpass") and anchor in c.subtree for c in verb.children):
        return None
    choice = lemma_of(verb) in CHOICE_WORDS
    cands = [verb]
    for c in verb.children:
        if c.dep_ == "xcomp" and c.pos_ == "VERB":
            cands.append(c)  # "had chosen to stay"
        elif c.dep_ == "dobj" and lemma_of(c) in CHOICE_WORDS:
            # "expressed a wish to remain", "expressed the wish to stay" (not "joined a convoy heading
            # for the coast": where the convoy went)
            choice = True
            cands += [g for g in c.children if g.dep_ in ("acl", "relcl") and g.pos_ == "VERB"]
        elif c.dep_ == "prep" and c.lower_ == "on" and any(
                lemma_of(g) in ("way", "road") and any(d.lower_ in ("to", "towards") for d in g.children)
                for g in c.children if g.dep_ == "pobj"):
            return ("onward", False)  # "are on their way to Zavorne"
    for v in cands:
        part = MOVEMENT_PARTS.get(lemma_of(v))
        if part:
            return (part, choice)
    return None


_RESIDENTS = {"resident", "inhabitant", "people", "person", "civilian", "population", "soul"}
_LIVE_VERBS = {"live", "reside", "remain", "stay"}


def population(anchor: Token, noun: Token | None) -> bool:
    """A count of the people who live in a place, whatever the verb: "a pre-war population of
    388,000", "the city had 388,000 residents", "90,000 people remain in the city", "in the city
    still live about 170,000 persons", "is home to 4 million people". Read for figures no category
    claims, whose quantity is otherwise told apart by their verb."""
    if anchor.head.lower_ == "of" and lemma_of(anchor.head.head) == "population":
        return True
    if noun is not None and lemma_of(noun) == "population":
        return True
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or noun is None or lemma_of(noun) not in _RESIDENTS:
        return False
    lemma = lemma_of(verb)
    if lemma in _LIVE_VERBS:
        return any(c.dep_ == "prep" and c.lower_ in ("in", "inside") for c in verb.children)
    if lemma == "have":
        # "the city had 388,000 residents", "Brelsk had 388,000 inhabitants"
        dwellers = lemma_of(noun) in ("resident", "inhabitant")  # only a place has inhabitants
        return any(c.dep_ == "nsubj" and (_is_place_name(c) or lemma_of(c) in PLACE_NOUNS or (
            dwellers and c.pos_ == "PROPN")) for c in verb.children)
    return lemma == "be" and any(c.dep_ == "attr" and c.lower_ == "home" for c in verb.children)


def origin(anchor: Token) -> str | None:
    """Where the people a movement count is about came from, on its verb: "brought 405 people out
    of the plant", "collected from an assembly point" -> "from:plant", "from:point". Read only for
    a part of an evacuation, whose parts by origin are separate quantities (the whole's own origin,
    "evacuated from the city", is the story's place)."""
    verb = next((t for t in anchor.ancestors if t.pos_ == "VERB"), None)
    for c in verb.children if verb is not None else ():
        prep = c if c.dep_ == "prep" and c.lower_ == "from" else next(
            (g for g in c.children if g.dep_ == "prep" and g.lower_ == "of"), None) if (
            c.dep_ == "prep" and c.lower_ == "out") else None
        obj = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep is not None else None
        if obj is not None:
            return f"from:{obj.lemma_.lower()}"
    return None


def number_at(anchor: Token) -> bool:
    """ "put the number at 256", "estimated the number at around 90,000": a bare total noun, of
    nothing named, given a value: the number is the one the text has just been about."""
    prep = anchor.head
    if prep.lower_ != "at" or prep.head.pos_ != "VERB":
        return False
    return any(c.dep_ == "dobj" and lemma_of(c) in TOTAL_NOUNS and not any(g.dep_ == "prep" for g in c.children)
               for c in prep.head.children)


def present_in(anchor: Token) -> bool:
    """ "no more than 60 civilians are in the plant": people said only to be in some place now."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or lemma_of(verb) != "be" or any(c.dep_ == "expl" or (c.dep_ == "aux" and (
            lemma_of(c) == "have" or c.tag_ == "MD")) for c in verb.children):
        return False  # "there are 60", "had been underground when the roof fell", "may be inside"
    if not any(c.dep_ in ("nsubj", "nsubjpass") and anchor in c.subtree for c in verb.children):
        return False
    return any(c.dep_ == "prep" and c.lower_ in ("in", "inside", "within") and any(
        g.dep_ == "pobj" and not g.like_num and g.ent_type_ not in ("DATE", "TIME") for g in c.children)
        for c in verb.children)


def is_rest(anchor: Token) -> bool:
    """ "the other 68", "the remaining 40": the rest of a whole named before."""
    return any(c.dep_ == "amod" and c.lower_ in ("other", "remaining") for c in anchor.children) and any(
        c.dep_ == "det" and c.lower_ == "the" for c in anchor.children)


def part_marker(anchor: Token, noun: Token | None, predicate: str | None) -> str | None:
    """What sets a part apart from its whole when no place or sub-count word does: "Of these, 58
    had expressed a wish to stay" -> "part:express". None when the figure is not a part, or when
    its own noun says which part ("five of the dead were children": the counted class does)."""
    if is_rest(anchor):
        return f"part:{predicate or 'be'}"[:MAX_KEY]  # "the other 68 were handed over": the rest of a whole
    whole = part_of(anchor)
    if whole is None or (noun is not None and noun.i != whole.i and noun.lemma_ != whole.lemma_):
        return None
    return f"part:{predicate or 'be'}"[:MAX_KEY]


# verbs that record, report or state a toll rather than act on the people it counts
_STAT_VERBS = {"count", "record", "report", "confirm", "include", "list", "register", "put", "estimate",
               "number", "tally", "identify", "find", "leave", "say", "have", "see", "claim", "give", "show",
               "kill", "injure", "wound", "hurt", "reach", "rise", "climb", "bring", "raise", "lower", "revise"}


def acted_on(anchor: Token, noun: Token | None, category: str) -> str | None:
    """A toll's people as the object of someone's action: "volunteers helped carry more than 80
    injured people to ambulances", "the hospital received 186 wounded": how many the actor reached,
    a part of the toll ("act:carry"), not the toll. Only when the harm is said by the noun itself
    (an adjective or a noun like "wounded"), not by the verb."""
    if category not in RUNNING_TOTALS:
        return None
    # the harmed people are the object and say the harm themselves ("carry 80 injured people",
    # "received 186 wounded"), unlike "fatalities could exceed 10,000" or "the toll may top 30,000"
    obj = noun if noun is not None and noun.dep_ == "dobj" else anchor if anchor.dep_ == "dobj" else None
    if obj is None or lemma_of(obj) in COUNT_NOUNS or not any(
            CATEGORY_LEMMAS.get(lemma_of(t)) == category for t in [obj, *obj.children]
            if t.dep_ in ("amod", "acl", "compound", "dobj")):
        return None
    verb = obj.head
    lemma = lemma_of(verb)
    if verb.pos_ != "VERB" or lemma in _STAT_VERBS or CATEGORY_LEMMAS.get(lemma) == category or \
            lemma in SPEECH_VERBS or lemma in EVIDENCE_VERBS:
        return None
    actor = verb
    while actor.dep_ in ("xcomp", "conj") and not any(c.dep_ == "nsubj" for c in actor.children):
        actor = actor.head
    subj = next((c for c in actor.children if c.dep_ == "nsubj"), None)
    if subj is None or lemma_of(subj) in COUNT_NOUNS or (subj.pos_ == "PRON" and subj.lower_ in ("it", "this", "that")):
        return None
    return f"act:{lemma}"[:MAX_KEY]


def inherit_places(figs: list[dict[str, Any]], running: set[str]) -> None:
    """A running total given with no place takes the place of its source's nearest earlier figure
    of the same kind in the article (a body reports its own jurisdiction: "the death toll in
    Karvelia rose to 13,204, KAVED said ... its count: 1,762 on Tuesday, 5,430 by Wednesday")."""
    last: dict[tuple[Any, Any], str] = {}  # (source, category) -> the latest place, in one pass
    for f in figs:
        if not (f["place"] is not None or f["category"] not in running or not f["source"] or f.get("subset") or
                f.get("_whole")) and (f["source"], f["category"]) in last:
            f["place"] = last[(f["source"], f["category"])]
        if f["place"] and not f.get("subset"):
            last[(f["source"], f["category"])] = f["place"]


_NATIONALS = {"citizen", "national", "foreigner", "tourist", "subject", "passport-holder"}


def nationality(noun: Token | None, anchor: Token | None = None) -> str | None:
    """The nationality of a group of citizens: "Valtanian citizens", "citizens of Valtania", "22
    foreign nationals", "five from Kaspira" -> "nat:valta" / "nat:foreign" / "nat:kaspi" (a
    demonym and its country share a stem)."""
    for h in (anchor, noun):
        for c in (h.children if h is not None else ()):
            if c.dep_ == "prep" and (c.lower_ == "from" or (c.lower_ == "of" and h is anchor)):
                g = next((g for g in c.children if g.dep_ == "pobj"), None)
                # "six from Norvalia", "four of Lusenia" (a list of citizens by country); NER often
                # takes an unfamiliar country for a person, never for a count noun
                if g is not None and (g.ent_type_ in ("GPE", "NORP") or (
                        g.pos_ == "PROPN" and g.ent_type_ in ("PERSON", "") and not any(
                            k.dep_ == "compound" for k in g.children))):
                    return f"nat:{g.lower_[:5]}"
    if noun is None or lemma_of(noun) not in _NATIONALS:
        return None
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "nmod") and (_demonym(c) or c.lower_ == "foreign"):
            return f"nat:{c.lower_[:5]}"
        if c.dep_ == "prep" and c.lower_ == "of":
            g = next((g for g in c.children if g.dep_ == "pobj"), None)
            if g is not None and (g.ent_type_ in ("GPE", "NORP") or g.pos_ == "PROPN"):
                return f"nat:{g.lower_[:5]}"
        if c.dep_ == "poss" and c.lower_ in ("its", "their"):
            # "the Kaspiran government confirmed the death of its five citizens": the citizens of
            # the country whose body speaks
            owner = _possessor(noun)
            if owner is not None:
                return owner
    return "nat:foreign" if lemma_of(noun) in ("foreigner", "tourist") else None


def _demonym(tok: Token) -> bool:
    """A nationality word before a noun: tagged as one, or a capitalised modifier inside a sentence
    ("two Quilonian citizens"; NER knows few invented or rare demonyms)."""
    return tok.ent_type_ in ("NORP", "GPE") or (
        tok.text[:1].isupper() and not tok.text.isupper() and not tok.is_sent_start and tok.pos_ in ("ADJ", "PROPN"))


def _possessor(noun: Token) -> str | None:
    """The country behind "its"/"their": the subject of the clause the noun sits in, when that is
    a country or a body named by its nationality ("the Kaspiran government", "Lusenia")."""
    for v in noun.ancestors:
        if v.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            continue
        if subj.ent_type_ in ("GPE", "NORP") and subj.pos_ == "PROPN":
            return f"nat:{subj.lower_[:5]}"
        mod = next((c for c in subj.children if c.dep_ in ("amod", "compound") and _demonym(c)), None)
        return f"nat:{mod.lower_[:5]}" if mod is not None else None
    return None


def cumulative(anchor: Token) -> bool:
    """A count of arrests or evacuations phrased as a running total of the operation: counted
    "since" a start ("818 civilians were evacuated since the operation began"), "in total", "so
    far", "to date", "until now", or a new count that brings a total to the figure ("bringing the
    number of people evacuated since the operation began to 622"). Such counts revise one quantity
    across days instead of one per day."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    if anchor.head.lower_ == "to":
        # "bringing the total to 622"; the parse may hang "to 622" on a clause inside the object
        # ("the number of people evacuated since the operation began ... to 622")
        for v in [t for t in anchor.ancestors if t.pos_ == "VERB"][:3]:
            if lemma_of(v) == "bring" and any(c.dep_ == "dobj" and lemma_of(c) in TOTAL_NOUNS for c in v.children):
                return True
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("until", "till", "up") and any(
                g.lower_ == "now" for g in c.subtree):
            return True
        if c.dep_ == "prep" and c.lower_ == "since":
            return True
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "since" for m in c.children):
            return True
        if c.dep_ == "prep" and c.lower_ in ("in", "to") and any(
                g.lower_ in ("total", "date", "all") for g in c.children):
            return True
        if c.lower_ == "far" and any(m.lower_ == "so" for m in c.children):
            return True
        if c.lower_ == "all" and any(m.lower_ == "in" for m in c.children):
            return True  # "nine people are in custody in all"
    return False


_GROWTH_VERBS = {"grow", "rise", "climb", "increase", "reach", "bring", "jump", "swell", "raise"}


def held_total(anchor: Token) -> bool:
    """People held as a standing count rather than one day's arrests: "are in custody", "the
    number of detained has grown to 13", "bringing the number detained to 13"."""
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    if lemma_of(verb) in ("be", "remain") and any(
            c.dep_ == "prep" and c.lower_ == "in" and any(lemma_of(g) == "custody" for g in c.children)
            for c in verb.children):
        return True
    head = anchor.head
    if anchor.dep_ == "pobj" and head.lower_ == "to":
        holder = head.head  # "has grown to 13"; "the number detained to 13" hangs on "detained"
        growth = holder.head.head if holder.dep_ == "acl" else holder
        if lemma_of(growth) in _GROWTH_VERBS:
            return any(c.dep_ in ("nsubj", "dobj") and lemma_of(c) in COUNT_NOUNS for c in growth.children)
    return False


# "the provincial capital Hazrun", "whose capital": a capital of a part of the country, not the capital
_SUB_CAPITAL = wordlists.words("sub_capitals")
_NAME_STOP = ("NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY")


def _name_run(doc: Doc, i: int, step: int, sent_start: int) -> tuple[int, int] | None:
    """The capitalised proper name whose first (``step`` 1) or last (``step`` -1) word is token ``i``."""
    j = i
    while doc[j].pos_ == "PROPN" or (doc[j].text[:1].isupper() and doc[j].pos_ == "NOUN") or (
            doc[j].text == "-" and 0 < j < len(doc) - 1 and doc[j - 1].text[:1].isupper()):
        nxt = j + step
        if nxt < sent_start or nxt >= len(doc) or (doc[nxt].is_sent_start and step > 0):
            break
        if not (doc[nxt].pos_ == "PROPN" or doc[nxt].text == "-"):
            break
        j = nxt
    lo, hi = min(i, j), max(i, j) + 1
    if not doc[lo].text[:1].isupper() or any(doc[k].ent_type_ in _NAME_STOP for k in range(lo, hi)):
        return None
    if lo == sent_start and doc[lo].pos_ != "PROPN" and not _is_place_name(doc[lo]):
        return None  # "However, the capital ...": a sentence opener, not a name
    if any(lemma_of(doc[k]) in PERSON_TITLES or lemma_of(doc[k]) in ORG_NOUNS for k in range(lo, hi)) or (
            hi - lo > 1 and doc[lo].ent_type_ == "PERSON" and not _is_place_name(doc[hi - 1])):
        return None  # "in the capital, Police Chief Ana Roos said": a person or body, not the city
    return lo, hi


_CAPITAL_WORD = TokenTest(LOWER, "capital".__eq__)
_COMPASS_WORD = TokenTest(LOWER, _COMPASS.__contains__)


def capital_names(doc: Doc) -> list[str]:
    """The cities the text calls the capital: "the capital Tarsenne", "the capital, Selvar",
    "Selvar, the capital", "in the capital city of Norvik" is not one (it names the country).
    A province's capital ("whose capital", "the provincial capital") is not the capital."""
    out: list[str] = []
    for i in _CAPITAL_WORD.positions(doc):
        t = doc[i]
        if t.pos_ not in ("NOUN", "PROPN", "ADJ"):
            continue
        k = t.i - 1
        while k >= t.sent.start and (doc[k].pos_ in ("ADJ", "PROPN") or doc[k].ent_type_ == "NORP") and \
                doc[k].lower_ not in _SUB_CAPITAL:
            k -= 1
        if k < t.sent.start or doc[k].lower_ != "the":
            continue  # "whose capital", "its capital", "the provincial capital"
        end = t.i + 1
        if end < len(doc) and doc[end].lower_ in ("city", "town"):
            end += 1
        if end < len(doc) and doc[end].lower_ in ("of", "'s", "’s"):
            continue
        after = end + 1 if end < len(doc) and doc[end].text == "," else end
        found = None
        if after < t.sent.end:
            run = _name_run(doc, after, 1, t.sent.start)
            if run is not None and (run[1] >= len(doc) or doc[run[1]].lower_ not in ("'s", "’s")):
                found = run
        if found is None and k - 2 >= t.sent.start and doc[k - 1].text == ",":
            found = _name_run(doc, k - 2, -1, t.sent.start)
        if found is not None:
            out.append(re.sub(r"['’]s?$", "", doc[found[0]:found[1]].text))
    return out


def place_aliases(doc: Doc) -> dict[str, str]:
    """What the document says its generic places are: the city it calls the capital ("capital" ->
    "Tarsenne"), and the side that holds a part of the country named by its compass point
    ("the opposition-held north-west" -> "dir:nw" -> "held:opposition"). A name given two
    different meanings in one document is left out."""
    cached = doc.user_data.get("newsledger_place_aliases")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: dict[str, set[str]] = {}
    for name in capital_names(doc):
        found.setdefault("capital", set()).add(name)
    # compass() names a point only for a compass word: the nouns among those are all there is to see
    for i in _COMPASS_WORD.positions(doc):
        t = doc[i]
        code = compass(t) if t.pos_ == "NOUN" else None
        held = _side_held(t) if code else None
        if code and held:
            found.setdefault("dir:" + code, set()).add(held)
    out = {k: sorted(v)[0] for k, v in found.items() if len({place_key(x) for x in v}) == 1}
    doc.user_data["newsledger_place_aliases"] = out
    return out


def story_aliases(per_article: Sequence[dict[str, str]]) -> dict[str, str]:
    """The place aliases a story's articles agree on (by place key; the alphabetically first
    spelling, so the result does not depend on the order articles came in)."""
    found: dict[str, set[str]] = {}
    for aliases in per_article:
        for k, v in aliases.items():
            found.setdefault(k, set()).add(v)
    return {k: sorted(v)[0] for k, v in found.items() if len({place_key(x) for x in v}) == 1}


def resolve_place(place: str | None, aliases: dict[str, str]) -> str | None:
    """A generic place read through the aliases: "in the capital" is the city the text or story
    calls the capital ("outside the capital" stays the rest of the country); "in north-western
    Mirzavan" is the side-held area the story says the north-west is."""
    if not place or not aliases:
        return place
    key = place_key(place)
    if key == "capital":
        return aliases.get("capital", place)
    code = next((w for w in key.split(" ") if w.startswith("dir:")), None)
    return aliases.get(code, place) if code else place
