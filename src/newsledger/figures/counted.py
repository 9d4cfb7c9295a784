"""What a figure counts: the noun it quantifies, a partitive ("five of the dead"), or the frame
of a bare number ("the toll rose to 23").
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Token

from ..wordlists import mapping
from .expressions import Expr
from .lexicon import (
    AT_MOST_VERBS,
    COUNT_NOUNS,
    GROWTH_VERBS,
    MORE_THAN_VERBS,
    PEOPLE_CATEGORIES,
    PEOPLE_NOUNS,
    PERCENT_WORDS,
    THING_NOUNS,
    lemma_of,
)

# --------------------------------------------------------------------- counted thing

GROUP_WORDS: dict[str, str] = mapping("group_words")

def noun_phrase(noun: Token) -> str:
    mods = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i and not c.like_num]
    start = min([noun.i] + [m.i for m in mods])
    return noun.doc[start: noun.i + 1].text


def of_object(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):  # "the number of missing" parses "missing" as pcomp
                    return g
    return None


class Counted:
    def __init__(self, noun: Token | None, text: str | None, implicit: bool) -> None:
        self.noun, self.text, self.implicit = noun, text, implicit


def counted_for(doc: Doc, e: Expr, anchor: Token) -> Counted:
    ids = set(range(e.start, e.end))
    if e.unit and e.unit != "percent":
        return Counted(None, e.unit, False)
    # "46 civilians", "five million people", "dozens of people", "70 percent of trains"
    cands = [anchor] + [t for t in doc[e.start: e.end] if t != anchor]
    for t in cands:
        if t.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and t.head.i not in ids and \
                t.head.pos_ in ("NOUN", "PROPN", "ADJ") and t.head.i > t.i and \
                not any(x.text == "(" or x.tag_ in ("VBD", "VBZ", "VBP") for x in doc[t.i + 1: t.head.i]):
            # "412 (Health Directorate)"; "200 received wounds" is a misparse: a finite verb between
            noun = t.head
            if noun.lower_ in PERCENT_WORDS:
                continue
            if noun.lemma_.lower() in COUNT_NOUNS | {"group"} and of_object(noun) is not None:
                inner = of_object(noun)
                assert inner is not None
                return Counted(inner, noun_phrase(inner), False)
            return Counted(noun, noun_phrase(noun), False)
    # "brought home on Friday 112 citizens": a plural noun right after a number the parse hung elsewhere
    nxt = doc[e.end] if e.end < len(doc) else None
    if nxt is not None and nxt.tag_ == "NNS" and nxt.pos_ == "NOUN" and anchor.head.i < anchor.i and \
            nxt.lower_ not in PERCENT_WORDS and nxt.lower_ not in GROUP_WORDS:
        return Counted(nxt, noun_phrase(nxt), False)
    # "about 170 dead", "61 arrested as ...", "counted 142 injured": a group word right after it
    state = _state_word(doc, e)
    if state is not None:
        return Counted(state, state.text, False)
    # "96 were women", "71 of them are children": what the figure is said to be
    attr = copula_attribute(anchor)
    if attr is not None:
        return Counted(attr, noun_phrase(attr), False)
    for t in cands:
        obj = of_object(t)
        if obj is not None:
            if obj.pos_ == "PRON" and obj.lower_ in ("us", "you"):
                return Counted(None, "people", False)  # "there were 40 of us in the cellar"
            if obj.pos_ == "PRON":
                return Counted(None, None, True)  # "two of them": borrowed later
            if t.lower_ not in PERCENT_WORDS and obj.ent_type_ != "NORP" and (
                    obj.pos_ == "PROPN" or obj.ent_type_ in ("GPE", "LOC")):
                return Counted(None, None, True)  # "five citizens of A, four of B": elided, borrowed later
            return Counted(obj, noun_phrase(obj), False)
    fronted = _fronted_partitive(anchor)
    if fronted is not None:
        return Counted(fronted, noun_phrase(fronted), False)
    label = _line_label(anchor, e)
    if label is not None:
        # "Sheltering in the compound: about 3,000": a label that says what people are doing
        if label.tag_ == "VBG":
            return Counted(None, "people", False)
        return Counted(label, noun_phrase(label), False)
    return Counted(None, None, True)


def copula_attribute(anchor: Token) -> Token | None:
    """ "96 were women": the common noun a bare subject figure is said to be."""
    head = anchor.head
    nxt = anchor.nbor() if anchor.i + 1 < len(anchor.doc) else None
    if nxt is not None and anchor.dep_ == "conj" and lemma_of(nxt) == "be":
        head = nxt  # "94 are women and 52 are men", the second figure parsed as a conjunct
    elif anchor.dep_ != "nsubj" or lemma_of(head) != "be":
        return None
    attr = next((c for c in head.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None)
    if attr is None or any(c.like_num for c in attr.children if c.dep_ == "nummod"):
        return None  # "the toll was 40 people" has its own figure
    return attr


def _fronted_partitive(anchor: Token, pronoun: bool = False) -> Token | None:
    """ "Of the dead, 1,104 were in the province": the group named before the figure's clause
    (with ``pronoun``, also "Of these, 58 had ...", whose group is a pronoun)."""
    if anchor.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = anchor.head
    # "Of the 300, 150 were women and 90 were men": the second clause shares the first's group
    verbs = [verb, verb.head] if verb.dep_ == "conj" else [verb]
    for c in (c for v in verbs for c in v.children):
        if c.dep_ == "prep" and c.lower_ == "of" and c.i < anchor.i:
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None and (pronoun or obj.pos_ != "PRON") and not obj.like_num:
                return obj
    return None


def _state_word(doc: Doc, e: Expr) -> Token | None:
    """ "about 170 dead", "61 arrested", "118 injured": a word naming a group of people by what
    happened to them, right after the number and governing nothing after it."""
    if e.end >= len(doc):
        return None
    tok = doc[e.end]
    if tok.lower_ not in GROUP_WORDS or tok.tag_ not in ("JJ", "VBN", "VBD", "NNS", "NN"):
        return None
    after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if after is not None and after.pos_ in ("NOUN", "PROPN", "NUM", "DET"):
        return None  # "40 wounded soldiers", "40 killed three guards"
    if tok.dep_ == "conj" and tok.head.pos_ == "VERB":
        return None  # "dozens of people were killed and 100 injured": the verb of an elided clause
    return tok


def _line_label(anchor: Token, e: Expr) -> Token | None:
    """A key-figures line "Fatalities: 412 (Health Directorate)", "Injured: 31,800": the word before
    the colon that names what is counted (a noun, or a participle or adjective standing for people).
    The number ends the line or is followed by its source ("(...)"), else the line is a headline
    ("Ministry: 61 arrested as ...")."""
    doc = anchor.doc
    k = e.span_start - 1
    if k < 1 or doc[k].text != ":":
        return None
    if e.end < len(doc) and not (doc[e.end].is_space or doc[e.end].text in ("(", ";", ",", ".")):
        return None
    j = k - 1
    while j > 0 and not ("\n" in doc[j - 1].text or doc[j - 1].text in (":", ";", ".", "•", ")")):
        j -= 1
    label = doc[j:k]
    if not 0 < len(label) <= 12:
        return None
    root = next((t for t in label if t.head.i < j or t.head.i >= k or t.head == t), None)
    if root is not None and root.pos_ == "VERB":  # "Buildings collapsed:"
        subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and j <= c.i < k), None)
        if subj is None and root.i == j and root.tag_ in ("VBN", "VBG"):
            return root  # "Injured:", "Rescued alive from the rubble:", "Sheltering in the school:"
        root = subj
    if root is not None and root.pos_ == "ADJ" and root.i == j:
        return root  # "Missing:"
    if root is None or root.pos_ not in ("NOUN", "PROPN") or lemma_of(root) in PERCENT_WORDS or (
            root.pos_ == "PROPN" and root.lower_ not in GROUP_WORDS):
        return None
    return root


# prepositions that put a bare number as the value of its frame: "rose to 23", "climbed past 3,400"
FRAME_PREPS = {"to", "from", "at", "past", "above", "beyond", "over"}
# frames of "a toll of 412": the count noun whose value the number is (a "figure of 14" is
# anything: it borrows from the sentence before)
OF_FRAMES = {"toll", "tally"}


def frame_content(frame: Token) -> Token:
    """What a frame noun counts: "the number of missing" -> missing. A toll's of-object is the
    event, not the people ("the death toll of the crush"): the toll itself then."""
    inner = of_object(frame)
    if inner is None:
        return frame
    if lemma_of(frame) == "toll" and lemma_of(inner) not in PEOPLE_NOUNS and inner.lower_ not in GROUP_WORDS:
        return frame
    return inner


def _subject(verb: Token) -> Token | None:
    """The subject of a frame verb; of two ("Institute: final toll may top 30,000"), the common noun
    nearest the verb."""
    subjs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    common = [c for c in subjs if c.pos_ not in ("PROPN", "PRON")]
    pick = common or subjs
    return pick[-1] if pick else None


def implicit_counted(anchor: Token) -> Token | None:
    """Counted thing of a bare number from its frame: "put the crowd at 82,000", "the toll rose to 23",
    "the number of people ... rose to 23", "the real number ... was more than 40", "a toll of 412",
    "the number of the wounded it lowered to 342"."""
    head = anchor.head
    if anchor.dep_ == "pobj" and head.lower_ == "of" and lemma_of(head.head) in OF_FRAMES and head.head.i < anchor.i:
        return head.head
    if anchor.dep_ == "pobj" and head.pos_ == "ADP":
        verb = head.head
        if head.lower_ == "at":  # "put the crowd at 82,000" (not "stands at 152 - the worst loss")
            obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < anchor.i), None)
            if obj is not None:
                return frame_content(obj)
        if head.lower_ in FRAME_PREPS and verb.pos_ in ("VERB", "AUX"):
            obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < anchor.i), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                return frame_content(obj)
            if verb.dep_ == "relcl" and lemma_of(verb.head) in COUNT_NOUNS:
                return frame_content(verb.head)  # "the number of the wounded it lowered to 342"
            subj = _subject(verb)
            if subj is not None:
                return frame_content(subj)
        if head.lower_ in FRAME_PREPS and verb.pos_ == "NOUN" and lemma_of(verb) in GROWTH_VERBS:
            # headline misparse: "Quake death toll climbs past 3,400" with "climbs" as a noun
            subj = next((c for c in verb.children if c.dep_ == "compound" and lemma_of(c) in COUNT_NOUNS), None)
            if subj is not None:
                return frame_content(subj)
    if (anchor.dep_ in ("attr", "acomp") and head.pos_ in ("AUX", "VERB")) or (
            anchor.dep_ == "dobj" and lemma_of(head) in MORE_THAN_VERBS | AT_MOST_VERBS | {"exceed", "approach"}):
        subj = _subject(head)
        if subj is not None:
            return frame_content(subj)
    return None



# count nouns whose value a later bare number gives even when the parse loses the link
LOOKBACK_FRAMES = {"number", "toll", "tally", "total", "count"}


def lookback_frame(anchor: Token, start: int) -> tuple[Token, Token] | None:
    """ "the number of the killed amounts to 1,172", "bringing the number of people evacuated since
    the operation began to 622", "the number of dead was in the dozens": a count noun earlier in the
    clause, with no other figure between, whose value the bare number is, and what it counts (the
    of-object, else the count noun itself)."""
    doc = anchor.doc
    for k in range(start - 1, max(anchor.sent.start, start - 20) - 1, -1):
        t = doc[k]
        if t.text in (";", ":") or (t.like_num and t.ent_type_ not in ("DATE", "TIME")):
            return None
        if lemma_of(t) in LOOKBACK_FRAMES and t.pos_ == "NOUN":
            j = k + 1
            if j + 1 < len(doc) and doc[j].lower_ == "of":
                j += 1
                while j + 1 < start and (doc[j].pos_ == "DET" or doc[j + 1].tag_ == "POS"):
                    j += 2 if doc[j + 1].tag_ == "POS" else 1  # "the", "Thursday 's"
                while j + 1 < start and doc[j + 1].pos_ == "NOUN" and doc[j].pos_ in ("NOUN", "ADJ"):
                    j += 1
                if j < start and doc[j].pos_ in ("NOUN", "ADJ", "VERB"):
                    return t, doc[j]
            return t, t
    return None


def within_phrase(tok: Token, head: Token) -> bool:
    """Whether ``tok`` belongs to the noun phrase of ``head`` itself ("the count of Thursday's
    marchers"), not to a clause inside it ("the number of people evacuated since the flood began")."""
    node = tok
    while node != head:
        if node.dep_ in ("acl", "relcl", "advcl", "ccomp", "xcomp") or node.head == node:
            return False
        node = node.head
    return True


def predicate_noun(anchor: Token) -> Token | None:
    """The noun a partitive figure is said to be: "five of the dead were children"."""
    if of_object(anchor) is None:
        return None
    head = anchor.head
    if anchor.dep_ == "nsubj" and head.lemma_ == "be":
        attr = next((c for c in head.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None)
        if attr is not None:
            return attr
    of = of_object(anchor)
    if of is not None and of.pos_ == "PRON":
        nxt = of.nbor() if of.i + 1 < len(of.doc) else None
        if nxt is not None and nxt.pos_ == "NOUN" and nxt.tag_ in ("NNS", "NN"):
            return nxt
    return None


def clause_subject(anchor: Token) -> Token | None:
    node = anchor
    while node.head != node:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None


# --------------------------------------------------------------------- borrowing

# words that open a sub-group of a figure named just before: "126 civilians, including 19 children"
INCLUSION_WORDS = {"including", "among", "incl", "excluding"}
# how far back a bare figure looks for what it continues: its own and the sentence before; a
# partitive or a people figure with nothing there looks a little further back
NEAR_SENTENCES = 1
FAR_SENTENCES = 3


def _last_word(text: str) -> str:
    return text.split()[-1].lower() if text.split() else ""


IRREGULAR_PLURALS = {"children": "child", "men": "man", "women": "woman", "persons": "person"}


def _in_list(text: str, entries: frozenset[str]) -> bool:
    """Whether the head (last word) of a counted phrase, singular or plural, is in a word list."""
    w = _last_word(text)
    return w in entries or IRREGULAR_PLURALS.get(w, "") in entries or w[:-1] in entries or (
        w.endswith("es") and w[:-2] in entries) or (w.endswith("ies") and w[:-3] + "y" in entries)


def inclusion_marker(anchor: Token, start: int) -> Token | None:
    """ "including 19 children", "among them two engineers": the word that makes the figure a
    sub-group of what came before (a few words back, within its clause)."""
    doc = anchor.doc
    for k in range(start - 1, max(anchor.sent.start, start - 8) - 1, -1):
        t = doc[k]
        if t.text in (";", ".", ":", "(") or t.like_num:
            return None
        if t.lower_ in INCLUSION_WORDS:
            return t
    return None


def subgroup(anchor: Token, start: int, noun: Token | None, found: str | None,
             earlier: list[dict[str, Any]], sent_i: int) -> tuple[bool, str | None]:
    """Whether a figure counts a sub-group of a larger count, and that larger count's noun if the
    text names it: "including 19 children" (the figure before), "96 were women" after "Of the 174
    evacuees" (and "Six were nationals" in the sentence after), "1,230 of them children" (what
    "them" stands for). A later bare figure continues the larger count, not the sub-group."""
    if noun is not None and copula_attribute(anchor) == noun:
        partitive = of_object(anchor)
        if partitive is not None:  # "94 of the dead were women", "71 of them are children"
            return True, found if partitive.pos_ == "PRON" else noun_phrase(partitive)
        fronted = _fronted_partitive(anchor)
        if fronted is not None:
            return True, noun_phrase(fronted)
        prev = earlier[-1] if earlier else None
        if prev is not None and prev["_sub"] and sent_i - prev["_sent_i"] <= NEAR_SENTENCES:
            return True, prev["_borrow"]  # the list of sub-groups goes on
        return True, None
    partitive = of_object(anchor)
    if partitive is not None and noun is not None and noun != partitive:
        return True, found if partitive.pos_ == "PRON" else noun_phrase(partitive)
    marker = inclusion_marker(anchor, start)
    if marker is not None:
        obj = next((c for c in marker.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "ADJ") and c != noun
                    and not any(g.like_num for g in c.children)), None)
        if obj is not None:
            return True, noun_phrase(obj)  # "98 women among the dead"
        before = [f for f in earlier if f["_sent_i"] == sent_i and f["_tok"] < marker.i]
        return True, (before[-1]["_borrow"] if before else None)
    return False, None


def borrow(earlier: list[dict[str, Any]], sent_i: int, text: str | None, category: str,
           unit: str | None, wide: bool, elided: bool = False) -> tuple[str | None, str, str | None]:
    """A bare or partitive figure continues an earlier one ("six were confirmed dead", "two of them
    seriously", "the ministry said 245,000"): (counted, category, what was borrowed).

    It looks back over its own and the previous sentence (a few more when ``wide``), within the same
    kind of unit (a sum of money never continues a count of people), and takes the larger count of
    a sub-group ("Of these, 58" after "126 civilians, including 19 children" counts civilians). A
    figure about people does not continue a count of things ("Another 431 died" after "buildings
    collapsed"). Among what is left, one of its own category comes first. A noun elided before a
    place ("five citizens of A, four of B") is the previous figure's own noun, sub-group or not."""
    money = unit not in (None, "percent")
    people = category in PEOPLE_CATEGORIES
    reach = FAR_SENTENCES if wide else NEAR_SENTENCES
    cands: list[tuple[str, str, int]] = []
    for prev in reversed(earlier):
        dist = sent_i - prev["_sent_i"]
        if dist > reach:
            break
        if (prev["unit"] not in (None, "percent")) != money:
            continue
        cand = prev["_text" if elided else "_borrow"]
        prev_cat = str(prev["category"])
        if not isinstance(cand, str):
            if prev["_sub"] and not cands:
                # a sub-group of a group the text does not name: the group is unknown, what happened
                # to it is not
                return text, (prev_cat if category == "other" else category), None
            if prev["_sub"]:
                break
            continue
        if people and not money and (_in_list(cand, THING_NOUNS) or (
                prev_cat == "other" and not _in_list(cand, PEOPLE_NOUNS) and cand.lower() not in GROUP_WORDS)):
            continue
        if not money and dist > NEAR_SENTENCES and not _in_list(cand, PEOPLE_NOUNS) and \
                cand.lower() not in GROUP_WORDS:
            continue  # further back, only a group of people is continued
        cands.append((cand, prev_cat, dist))
    if not cands:
        return text, category, None
    near = [c for c in cands if c[2] <= NEAR_SENTENCES] or cands
    pick = next((c for c in near if c[1] == category), near[0]) if category != "other" else near[0]
    return (text if text is not None else pick[0]), (pick[1] if category == "other" else category), pick[0]
