"""Number expressions: digits, number words, vague amounts, fractions, ranges, currency,
percent and the hedge in front ("at least", "nearly").
"""

from __future__ import annotations

import re

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from .. import numbers as num
from ..util import TokenTest
from .lexicon import (
    AT_MOST_VERBS,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    MAX_QUALIFIER_WORDS,
    MODALS,
    MORE_THAN_VERBS,
    PERCENT_WORDS,
    PREFIX_QUALIFIERS,
    SPAN_QUALIFIERS,
    VAGUE_PREFIX,
    lemma_of,
)

# --------------------------------------------------------------------- number expressions

def _is_number_word(tok: Token) -> bool:
    low = tok.lower_
    if low in num.ONES or low in num.TENS or (low in num.SCALES and low not in ("m", "k")):
        return True
    if "-" in low and num.word_value(low) is not None:
        return True
    return num.parse_digits(tok.text) is not None


def _is_scale(tok: Token) -> bool:
    return (tok.lower_ in num.SCALES and tok.lower_ not in ("m", "k")) or tok.lower_ in ("bn", "mln")


class Expr:
    """A number expression found in the text, before we decide whether it is a figure."""

    def __init__(self, start: int, end: int, value: float, qualifier: str = "exact",
                 value_high: float | None = None, unit: str | None = None, vague: bool = False,
                 fraction: bool = False) -> None:
        self.start, self.end = start, end  # token range of the number (and unit)
        self.span_start = start  # includes qualifier words
        self.value, self.value_high = value, value_high
        self.qualifier, self.unit, self.vague, self.fraction = qualifier, unit, vague, fraction


def _run_end(doc: Doc, i: int) -> int:
    """End of a run of number words starting at i ("five million", "thirty - one")."""
    j = i + 1
    n = len(doc)
    while j < n:
        t = doc[j]
        prev = doc[j - 1].lower_
        after = doc[j + 1] if j + 1 < n else None
        if _is_scale(t) or t.lower_ == "dozen":
            j += 1
        elif t.text in ("-", "–") and after is not None and prev in num.TENS and after.lower_ in num.ONES:
            j += 2  # "thirty - one"
        elif t.lower_ == "and" and after is not None and prev == "hundred" and _is_number_word(after) \
                and after.lower_ not in num.SCALES:
            j += 2  # "two hundred and fifty"
        elif _is_number_word(t) and num.parse_digits(t.text) is None and (
                (prev in num.TENS and t.lower_ in num.ONES) or prev == "hundred"):
            j += 1  # "thirty one", "two hundred fifty"
        else:
            break
    return j


def _words(doc: Doc, a: int, b: int) -> list[str]:
    return [t.lower_ for t in doc[a:b]]


# the words that can begin an expression below (a number word, a vague amount, a fraction, "a",
# "half"); any other token begins one only with a digit in it or as a hyphenated number word
_START_WORDS = frozenset(num.VAGUE) | VAGUE_PREFIX | frozenset(num.FRACTIONS) | frozenset(num.ONES) | \
    frozenset(num.TENS) | frozenset(num.SCALES) | {"a", "half", "tens"}
_DIGIT = re.compile(r"\d")


def _may_start(low: str) -> bool:
    return low in _START_WORDS or "-" in low or _DIGIT.search(low) is not None


_STARTS = TokenTest(LOWER, _may_start)


def _starts(doc: Doc) -> list[int]:
    """The tokens that can begin an expression, in order."""
    return _STARTS.positions(doc)


def find_expressions(doc: Doc) -> list[Expr]:
    out: list[Expr] = []
    i = 0
    n = len(doc)
    # only the tokens that can begin an expression are visited; the words between them cannot
    for c in _starts(doc):
        if c < i:
            continue  # inside the expression just found
        i = c
        tok = doc[i]
        low = tok.lower_
        expr: Expr | None = None
        # vague amounts: "hundreds", "tens of thousands", "hundreds of thousands", "dozens"
        if (low in num.VAGUE and low != "tens") or (low == "tens" and i + 2 < n and doc[i + 1].lower_ == "of"
                                                 and doc[i + 2].lower_ in ("thousands", "millions")):
            value = float(num.VAGUE[low])
            end = i + 1
            if end + 1 < n and doc[end].lower_ == "of" and doc[end + 1].lower_ in ("thousands", "millions"):
                value *= num.VAGUE[doc[end + 1].lower_]
                end += 2
            expr = Expr(i, end, value, "vague", vague=True)
        # "a few dozen", "several hundred", "a dozen"
        elif low in VAGUE_PREFIX and i + 1 < n:
            k = i + 1
            if doc[k].lower_ == "few" and k + 1 < n:
                k += 1
            if doc[k].lower_ in ("dozen", "hundred", "thousand", "million") and (low != "a" or k > i + 1 or
                                                                                doc[k].lower_ == "dozen"):
                base = num.DOZEN.get(doc[k].lower_) or num.SCALES[doc[k].lower_]
                if low == "a" and k == i + 1:
                    expr = Expr(i, k + 1, float(base))  # "a dozen" is exact
                else:
                    expr = Expr(i, k + 1, float(base * (2 if doc[k].lower_ == "dozen" else 1)), "vague",
                                vague=True)
        # fractions of a group: "almost half of the people", "a third of homes"
        elif low in num.FRACTIONS and i + 1 < n and doc[i + 1].lower_ == "of" and tok.pos_ != "VERB":
            start = i - 1 if i > 0 and doc[i - 1].lower_ in ("a", "one") else i
            value = num.FRACTIONS[low]
            before = num.word_value(doc[i - 1].lower_) if i > 0 else None
            if before and doc[i - 1].lower_ not in ("a", "one"):
                start = i - 1
                value *= before
            expr = Expr(start, i + 1, value, unit="percent", fraction=True)
        elif low == "half" and i + 2 < n and doc[i + 1].lower_ == "a" and _is_scale(doc[i + 2]):
            expr = Expr(i, i + 3, 0.5 * num.SCALES[doc[i + 2].lower_])
        elif (low == "a" and i + 1 < n and _is_scale(doc[i + 1]) and doc[i + 1].lower_ != "hundred") or \
                (_is_number_word(tok) and low not in num.SCALES):
            end = _run_end(doc, i)
            parsed = num.parse_words(_words(doc, i, end))
            if parsed is not None and not (low == "a" and end == i + 1):
                expr = Expr(i, end, parsed)
        if expr is None:
            continue
        _extend(doc, expr)
        out.append(expr)
        i = max(expr.end, i + 1)
    return out


def _extend(doc: Doc, e: Expr) -> None:
    """Ranges, currency, percent, "30+" and qualifiers around a number expression."""
    n = len(doc)
    # range "20 to 30", "20-30", "between 20 and 30"
    j = e.end
    if not e.vague and j + 1 < n and doc[j].lower_ in ("to", "-", "–") and _is_number_word(doc[j + 1]):
        k = _run_end(doc, j + 1)
        high = num.parse_words(_words(doc, j + 1, k))
        if high is not None and high > e.value:
            if high >= 1000 > e.value and e.value < 1000 and _is_scale(doc[k - 1]):
                e.value *= num.SCALES[doc[k - 1].lower_]
            e.value_high, e.qualifier, e.end = high, "range", k
    if e.start >= 1 and doc[e.start - 1].lower_ == "between" and e.end + 1 < n and doc[e.end].lower_ == "and" \
            and _is_number_word(doc[e.end + 1]):
        k = _run_end(doc, e.end + 1)
        high = num.parse_words(_words(doc, e.end + 1, k))
        if high is not None:
            e.value_high, e.qualifier, e.end = high, "range", k
            e.span_start = e.start = e.start - 1
    # single-token ranges such as "18,000-20,000"
    tok = doc[e.start]
    if "-" in tok.text and e.end == e.start + 1 and num.word_value(tok.lower_) is None:
        parts = tok.text.split("-")
        vals = [num.parse_digits(p) for p in parts]
        if len(vals) == 2 and vals[0] is not None and vals[1] is not None:
            e.value, e.value_high, e.qualifier = vals[0], vals[1], "range"
    # currency before / after, percent after
    if e.start >= 1 and doc[e.start - 1].lower_ in CURRENCY_SYMBOLS:
        e.unit = CURRENCY_SYMBOLS[doc[e.start - 1].lower_]
        e.start -= 1
        if e.start >= 1 and doc[e.start - 1].text == "US":
            e.start -= 1
    if e.end < n:
        nxt = doc[e.end].lower_
        if nxt in PERCENT_WORDS:
            e.unit, e.end = "percent", e.end + 1
        elif nxt == "per" and e.end + 1 < n and doc[e.end + 1].lower_ == "cent":
            e.unit, e.end = "percent", e.end + 2
        elif nxt in CURRENCY_WORDS and e.unit is None:
            e.unit, e.end = CURRENCY_WORDS[nxt], e.end + 1
        elif e.end + 1 < n and doc[e.end].pos_ in ("ADJ", "PROPN") and doc[e.end + 1].lower_ in CURRENCY_WORDS \
                and e.unit is None:
            e.unit, e.end = CURRENCY_WORDS[doc[e.end + 1].lower_], e.end + 2
        elif nxt == "+":
            e.qualifier, e.end = "more_than", e.end + 1
    if doc[e.end - 1].text.endswith("+") and e.qualifier == "exact":
        e.qualifier = "more_than"
    e.span_start = e.start
    # qualifier words in front (the longest phrase that ends right before the number)
    before = tuple(t.lower_ for t in doc[max(0, e.start - MAX_QUALIFIER_WORDS): e.start])
    if e.qualifier == "exact":
        for phrase, qual in PREFIX_QUALIFIERS:
            if len(phrase) > len(before) or before[len(before) - len(phrase):] != phrase:
                continue
            a = e.start - len(phrase)
            if phrase == ("some",) and doc[e.start].lower_ in ("of",):
                continue
            word = doc[a]
            if len(phrase) == 1 and word.dep_ == "prep" and word.head.pos_ in ("VERB", "AUX") and \
                    word.head.i < word.i:
                break  # a preposition, not a hedge: "talking about 23", "fell under 10"
            e.qualifier = qual
            if phrase in SPAN_QUALIFIERS:
                e.span_start = a
            break
    elif e.vague and e.start >= 1:
        for phrase, _qual in PREFIX_QUALIFIERS:
            if len(phrase) <= len(before) and before[len(before) - len(phrase):] == phrase and \
                    phrase in SPAN_QUALIFIERS:
                e.span_start = e.start - len(phrase)
                break


def final_qualifier(e: Expr, anchor: Token) -> str:
    if e.qualifier != "exact":
        return e.qualifier
    head = anchor.head
    if anchor.dep_ in ("dobj", "pobj") and head.pos_ == "ADP":
        head = head.head
    if anchor.dep_ in ("dobj", "pobj", "attr") or anchor.head.pos_ == "ADP":
        lemma = lemma_of(head)
        if lemma in MORE_THAN_VERBS:
            return "more_than"
        if lemma in AT_MOST_VERBS and any(c.lower_ in MODALS for c in head.children):
            return "at_most"
    return e.qualifier
