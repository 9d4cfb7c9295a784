"""Numbers that are not figures: dates, years, times, ages, durations, measurements, labels,
addresses, phone numbers, numbers inside names.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Token

from .. import numbers as num
from ..util import newline_tokens
from ..wordlists import words
from .expressions import Expr
from .lexicon import (
    COUNT_NOUNS,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    MEASURE_UNITS,
    NAME_ENTS,
    PERCENT_WORDS,
    STREET_WORDS,
    TIME_UNITS,
    lemma_of,
)

# --------------------------------------------------------------------- exclusions

REFERENCE_NOUNS = words("reference_nouns")
LABEL_WORDS = words("label_words")
CLUTTER_LABELS = words("clutter_labels")
FOREIGN_STREET_WORDS = words("street_words")
DISTANCE_NOUNS = words("distance_nouns")
DURATION_NOUNS = words("duration_nouns")
# determiners that make a small number word part of a reference ("the two countries", "the one place")
DEFINITE = {"the", "these", "those", "both", "its", "their", "our", "his", "her", "this", "that"}
DISTANCE_MARKS = {"from", "away", "down", "up"}

def anchor_token(doc: Doc, e: Expr) -> Token:
    """The token of the expression that the rest of the sentence attaches to."""
    ids = set(range(e.start, e.end))
    best = doc[e.end - 1]
    for t in doc[e.start: e.end]:
        if t.head.i not in ids or t.head == t:
            if t.pos_ in ("NUM", "NOUN", "PROPN", "SYM", "ADJ", "X") or t.like_num:
                best = t
                if t.lower_ not in PERCENT_WORDS and t.lower_ not in CURRENCY_SYMBOLS:
                    break
    if best.lower_ in PERCENT_WORDS or best.lower_ in CURRENCY_WORDS:
        return best
    return best


def _line_start(doc: Doc, i: int) -> int:
    """The first token of token ``i``'s line; the starts are found once per document, so a long
    line costs O(n) in all, not a walk back for every number on it."""
    starts: list[int] | None = doc.user_data.get("newsledger_line_starts")
    if starts is None:
        starts = [0] + [k + 1 for k in newline_tokens(doc)]
        doc.user_data["newsledger_line_starts"] = starts
    return starts[bisect.bisect_right(starts, i) - 1]


def is_clutter(doc: Doc, e: Expr) -> bool:
    """A number on a page-furniture line: "READ MORE: 7 ways to help", "Comments (37)", "Press
    contact: ..., 12 rue des Forges"."""
    a = _line_start(doc, e.start)
    for n in (1, 2):
        if a + n < len(doc) and doc[a + n].text in (":", "(") and \
                " ".join(t.lower_ for t in doc[a: a + n]) in CLUTTER_LABELS and a + n <= e.start:
            return True
    return False


def is_reference(doc: Doc, e: Expr, anchor: Token) -> bool:
    """A small number word that is part of a reference, not a count: "the one place where",
    "in the two countries" (things already named)."""
    first = doc[e.start]
    if e.unit is not None or e.end != e.start + 1 or num.parse_digits(first.text) is not None or e.start == 0:
        return False
    if doc[e.start - 1].lower_ not in DEFINITE and doc[e.start - 1].tag_ != "PRP$":
        return False
    if first.lower_ == "one":
        return True
    head = anchor.head if anchor.dep_ == "nummod" else None
    return head is not None and head.i > anchor.i and lemma_of(head) in REFERENCE_NOUNS and e.value <= 3


def is_label(doc: Doc, e: Expr) -> bool:
    """ "Article 9 of the code", "magnitude 6.1", "Gate 3": a number named by the word before it."""
    if e.start == 0 or e.unit is not None:
        return False
    prev = doc[e.start - 1]
    nxt = doc[e.end] if e.end < len(doc) else None
    return prev.lower_ in LABEL_WORDS and not (nxt is not None and nxt.pos_ == "NOUN" and nxt.tag_ == "NNS")


def is_distance(doc: Doc, e: Expr, anchor: Token) -> bool:
    """ "two blocks from the square", "three doors down": a distance."""
    head = anchor.head
    if anchor.dep_ != "nummod" or head.i != e.end or head.i + 1 >= len(doc):
        return False
    return lemma_of(head) in DISTANCE_NOUNS and doc[head.i + 1].lower_ in DISTANCE_MARKS


def is_rejected_alternative(doc: Doc, e: Expr) -> bool:
    """ "in the dozens, not hundreds": the amount a speaker rules out right after the one they give."""
    if e.start < 2 or doc[e.start - 1].lower_ != "not":
        return False
    k = e.start - 2
    if doc[k].text == ",":
        k -= 1
    return k >= 0 and (doc[k].like_num or doc[k].lower_ in num.VAGUE)


def is_excluded(doc: Doc, e: Expr, date_tokens: set[int], anchor: Token) -> bool:
    toks = doc[e.start: e.end]
    first = doc[e.start]
    if any(t.i in date_tokens for t in toks if not t.is_punct):
        return True
    if is_clutter(doc, e) or is_reference(doc, e, anchor) or is_label(doc, e) or is_distance(doc, e, anchor) \
            or is_rejected_alternative(doc, e):
        return True
    text = toks.text
    digits = [t for t in toks if num.parse_digits(t.text) is not None]
    if e.unit is None and not e.vague and not e.fraction and len(digits) == 1 and e.value_high is None:
        d = digits[0].text
        if len(d) == 4 and d.isdigit() and 1800 <= int(d) <= 2100:
            return True  # a year
        if len(d) > 1 and d.startswith("0") and "." not in d:
            return True  # codes and phone numbers
    n = len(doc)
    nxt = doc[e.end] if e.end < n else None
    prev = doc[e.start - 1] if e.start > 0 else None
    # phone numbers and codes: several bare digit groups in a row
    if nxt is not None and num.parse_digits(nxt.text) is not None and e.unit is None:
        return True
    if prev is not None and num.parse_digits(prev.text) is not None and e.unit is None and not prev.is_punct:
        return True
    # times: "6 p.m.", "10:30"
    if ":" in text or (nxt is not None and nxt.lower_.replace(".", "") in ("am", "pm", "gmt", "utc", "bst",
                                                                          "cet", "oclock")):
        return True
    # ages: "67-year-old", "aged 58", "Goran Ilic, 58,"
    if nxt is not None and nxt.text in ("-", "–") and e.end + 1 < n and doc[e.end + 1].lower_ in (
            "year", "years", "month", "week", "day", "hour", "minute", "storey", "mile", "km", "metre"):
        return True
    if nxt is not None and "-year" in nxt.lower_:
        return True
    if any("-year-old" in t.lower_ or t.lower_.endswith("-day") or t.lower_.endswith("-week") for t in toks):
        return True
    if prev is not None and prev.lower_ in ("aged", "age", "ages"):
        return True
    # the first of a list of ages or durations: "15, 16 years old", "three or four days"
    if e.end + 2 < n and doc[e.end].lower_ in (",", "or", "to", "and") and e.unit is None and \
            num.word_value(doc[e.end + 1].lower_) is not None and (
            lemma_of(doc[e.end + 2]) in TIME_UNITS or "-year" in doc[e.end + 2].lower_):
        return True
    if prev is not None and prev.text == "," and e.start >= 2 and doc[e.start - 2].pos_ == "PROPN" \
            and (nxt is None or nxt.is_punct) and e.unit is None and e.value < 130:
        return True  # "Nadia Ferenc, 34, who ..."
    if e.start >= 3 and prev is not None and prev.lower_ == "and" and doc[e.start - 3].lower_ in ("aged", "ages"):
        return True  # "aged 7 and 10"
    # a person's age as predicate: "He was 23."
    if anchor.dep_ in ("attr", "acomp") and anchor.head.lemma_ == "be" and e.unit is None and e.value < 130 \
            and not any(c.dep_ == "prep" for c in anchor.children):
        subj = next((c for c in anchor.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and (subj.lower_ in ("he", "she", "i") or subj.ent_type_ == "PERSON"):
            return True
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("under", "over") and anchor.head.head.lemma_ == "be" \
            and e.unit is None and e.value < 100:
        subj = next((c for c in anchor.head.head.children if c.dep_ == "nsubj"), None)
        if subj is None or lemma_of(subj) not in COUNT_NOUNS | {"turnout", "crowd"}:
            return True  # "most of those detained were under 25"
    # labels: "Shaft No. 3", "#4", "number 10"
    k = e.start - 1
    while k >= 0 and doc[k].text == ".":
        k -= 1
    if k >= 0 and doc[k].lower_ in ("no", "nos", "#", "number", "num", "nr") and e.unit is None:
        return True
    # addresses: "14 Lipova Street", "12 rue des Forges"
    if nxt is not None and nxt.lower_ in FOREIGN_STREET_WORDS and e.unit is None and not e.vague:
        return True
    if nxt is not None and nxt.pos_ == "PROPN" and e.unit is None:
        j = e.end
        while j < n and doc[j].pos_ == "PROPN":
            if doc[j].lower_ in STREET_WORDS or doc[j].lower_ in FOREIGN_STREET_WORDS:
                return True
            j += 1
    # numbers that are part of a name ("Talk TV 2", "G7", "Route 66")
    if first.ent_type_ in NAME_ENTS and any(t.pos_ == "PROPN" for t in doc[first.i: e.end] if not t.like_num):
        return True
    # (a number with a thousands separator is never part of a name: "the city of Marlow 9,100")
    if prev is not None and prev.pos_ == "PROPN" and prev.ent_type_ in NAME_ENTS and e.unit is None \
            and prev.ent_iob_ != "O" and first.ent_iob_ == "I" and "," not in first.text:
        return True
    # an outlet or brand named with a number: "Lumen 24 reporters", "Radio 7 listeners"
    if prev is not None and prev.pos_ == "PROPN" and prev.ent_type_ not in ("GPE", "LOC", "NORP", "DATE", "TIME") \
            and not prev.is_sent_start and e.unit is None and first.text.isdigit() and e.value < 1000 \
            and anchor.dep_ == "nummod" and anchor.head.i == e.end and anchor.head.tag_ == "NNS":
        return True
    # "compare one march with another"
    if first.lower_ == "one" and any(t.lower_ in ("another", "other") for t in doc[e.end: e.end + 5]):
        return True
    # "one" as a pronoun ("one of the reasons", "no one"); but "two were injured, one of them
    # seriously" counts one of the figure before
    if first.lower_ == "one" and e.end == e.start + 1 and anchor.dep_ != "nummod" and not (
            e.end + 1 < n and doc[e.end].lower_ == "of" and doc[e.end + 1].lower_ in ("them", "whom")
            and any(t.like_num for t in doc[anchor.sent.start: e.start])):
        return True
    # durations and measurements
    head = anchor.head if anchor.dep_ in ("nummod", "quantmod", "compound", "amod") else None
    if head is not None and head.i >= e.end:
        lemma = head.lemma_.lower()
        if lemma in TIME_UNITS or lemma in MEASURE_UNITS or head.lower_ in MEASURE_UNITS or lemma in DURATION_NOUNS:
            return True
    if nxt is not None and (nxt.lemma_.lower() in TIME_UNITS or nxt.lower_ in MEASURE_UNITS) and \
            e.unit is None and not e.fraction:
        return True
    if e.fraction and e.end + 2 < n:
        after = [t.lemma_.lower() for t in doc[e.end + 1: e.end + 4]]
        if any(a in TIME_UNITS for a in after):
            return True
    return False
