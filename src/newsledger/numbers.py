"""Turn number expressions as journalists write them into values.

Pure functions over lower-cased word lists, so they are easy to test without a
model: ``["five", "million"]`` -> 5_000_000, ``["thirty", "-", "one"]`` -> 31,
``["half", "a", "million"]`` -> 500_000, ``["1.2", "million"]`` -> 1_200_000.
"""

from __future__ import annotations

import re

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "mln": 1_000_000, "bn": 1_000_000_000, "m": 1_000_000,
          "k": 1_000}
# Words that are numbers only in front of a scale or noun ("a dozen", "a million").
DOZEN = {"dozen": 12}
# Plural vague amounts: value is the lower bound (spec: "hundreds" -> 100).
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
         "billions": 1_000_000_000, "tens": 10}
FRACTIONS = {"half": 50.0, "third": 100 / 3, "thirds": 100 / 3, "quarter": 25.0, "quarters": 25.0,
             "fifth": 20.0, "fifths": 20.0, "tenth": 10.0, "tenths": 10.0}
NUMBER_WORDS = set(ONES) | set(TENS) | set(SCALES) - {"m", "k"}

_DIGITS = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SPACED_THOUSANDS = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+$")


def parse_digits(text: str) -> float | None:
    """``"7,700"`` -> 7700, ``"26.4"`` -> 26.4; None for anything that is not a plain number."""
    t = text.strip().rstrip("+")
    if _SPACED_THOUSANDS.match(t):
        t = re.sub(r"\D", "", t)
    if not _DIGITS.match(t):
        return None
    return float(t.replace(",", ""))


def word_value(word: str) -> float | None:
    """The value of a single number word or digit string (not scales)."""
    w = word.lower()
    if w in ONES:
        return ONES[w]
    if w in TENS:
        return TENS[w]
    if "-" in w:
        parts = w.split("-")
        if len(parts) == 2 and parts[0] in TENS and parts[1] in ONES and 0 < ONES[parts[1]] < 10:
            return TENS[parts[0]] + ONES[parts[1]]
        return None
    return parse_digits(w)


def parse_words(words: list[str]) -> float | None:
    """Value of a run of number words/digits/scales: "five million", "1.2 million", "a dozen",
    "two hundred and fifty", "thirty - one", "half a million". None when not a number."""
    ws = [w.lower() for w in words if w not in {"-", "–", "and"}]
    if not ws:
        return None
    # "half a million" / "a half million"
    if ws[0] == "half" and len(ws) >= 2:
        rest = ws[2:] if ws[1] == "a" else ws[1:]
        sub = parse_words(rest or ["1"]) if rest and all(w in SCALES for w in rest) else None
        return 0.5 * sub if sub else None
    total = 0.0
    current: float | None = None
    for i, w in enumerate(ws):
        joined = w
        if w == "a" and i + 1 < len(ws) and (ws[i + 1] in SCALES or ws[i + 1] in DOZEN):
            current = 1.0 if current is None else current
            continue
        if joined in DOZEN:
            current = (current or 1.0) * DOZEN[joined]
            continue
        if joined in SCALES:
            scale = SCALES[joined]
            base = current if current is not None else 1.0
            if scale == 100:
                current = base * 100
            else:
                total += base * scale
                current = None
            continue
        value = word_value(joined)
        if value is None:
            return None
        if current is not None and value < 100 and current >= 100 and current % 100 == 0:
            current += value  # "two hundred fifty"
        elif current is not None and current in TENS.values() and value < 10:
            current += value  # "thirty one"
        elif current is None:
            current = value
        else:
            return None
    result = total + (current or 0.0)
    return result


def normalize(value: float | None) -> int | float | None:
    """Integers as int for clean JSON; keep real fractions (e.g. 33.33 percent)."""
    if value is None:
        return None
    if abs(value - round(value)) < 1e-9:
        return round(value)
    return round(value, 4)
