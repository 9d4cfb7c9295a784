"""Display wording shared by the web app, the brief and the CLI: codes in human words, figures as
reported, plurals, days, and titles from URL slugs.

One module so that a page, a brief and a terminal table say the same thing the same way. Nothing
here reads the store: each helper takes plain values and returns words.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# every code a user can meet on a page or in the CLI (source kinds, hedges, categories, kinds of
# disagreement, how a publication date was found), in words; unknown codes fall back to
# themselves with underscores as spaces
CODE_WORDS: dict[str, str] = {
    # source kinds (sources.py)
    "government": "government", "military": "military", "un_ngo": "UN or NGO", "media": "media",
    "official": "official", "person": "person", "body": "organisation",
    # hedges (records.QUALIFIERS)
    "exact": "exact", "approx": "about", "at_least": "at least", "more_than": "more than", "at_most": "up to",
    "less_than": "fewer than", "range": "between", "vague": "vague amount",
    # categories (records.CATEGORIES)
    "killed": "killed", "injured": "injured", "evacuated": "evacuated", "displaced": "displaced",
    "trapped": "trapped", "missing": "missing", "detained": "detained", "attended": "turnout (crowds)",
    "aid": "aid", "other": "other",
    # kinds of disagreement (quantities.KINDS)
    "dispute": "same-day dispute", "revision": "revision", "across_days": "across days", "undated": "undated",
}


def human(code: object) -> str:
    """A stored code in words (``un_ngo`` -> "UN or NGO", ``at_least`` -> "at least")."""
    if code is None:
        return ""
    s = str(code)
    return CODE_WORDS.get(s, s.replace("_", " "))


_IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women",
                      "outlet": "outlets", "story": "stories", "quantity": "quantities", "country": "countries"}


def plural(n: object, singular: str, many: str | None = None) -> str:
    """ "1 source", "2 sources", "1,200 figures": the count with the noun in the right number."""
    try:
        k = int(n)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        k = 0
    word = singular if k == 1 else (many or _IRREGULAR_PLURALS.get(singular) or _plural_of(singular))
    return f"{k:,} {word}"


def _plural_of(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def day_words(day: str | None) -> str:
    """ "2031-02-15" -> "15 Feb 2031"; a month-day without year ("--06-28") -> "28 Jun, year
    unknown"; anything else unchanged."""
    if not day:
        return ""
    if day.startswith("--"):
        try:
            month, d = day[2:].split("-")
            return f"{int(d)} {MONTHS[int(month) - 1]}, year unknown"
        except (ValueError, IndexError):
            return day
    try:
        d8 = dt.date.fromisoformat(day[:10])
    except ValueError:
        return day
    return f"{d8.day} {MONTHS[d8.month - 1]} {d8.year}"


# ---------------------------------------------------------------- figures as reported

_CURRENCY = {"USD": "USD", "EUR": "EUR", "GBP": "GBP", "CHF": "CHF"}


def number(v: float | int | None, unit: str | None = None) -> str:
    """A value in digits with its unit: "16,500", "40%", "2,500,000 USD"."""
    if v is None:
        return ""
    f = float(v)
    s = f"{int(f):,}" if f.is_integer() else f"{f:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return s + "%"
    return f"{s} {unit}" if unit else s


# the words of a vague amount whose record keeps only its floor (the spec: "dozens" -> 12)
_VAGUE_WORDS = {10: "tens", 12: "dozens", 100: "hundreds", 1000: "thousands", 10_000: "tens of thousands",
                100_000: "hundreds of thousands", 1_000_000: "millions", 10_000_000: "tens of millions"}
_HEDGE_WORDS = {"approx": "about", "at_least": "at least", "more_than": "more than", "at_most": "up to",
                "less_than": "fewer than"}
# a span that is only a number ("16,500", "2.5 million"): its hedge, if any, was read around it
_BARE = re.compile(r"[\d.,\s]*\d[\d.,\s]*(?:hundred|thousand|million|billion|[kmb])?", re.I)
MAX_REPORTED = 60  # longer spans are shown in derived words, not as a block of article text


def _reported_span(text: str | None) -> str | None:
    """The record's own number words fit for a label: whitespace collapsed, the sentence-initial
    capital lowered ("Hundreds" -> "hundreds", "More than 300" -> "more than 300"), edge
    punctuation dropped; None when the span is only digits or too long to read as a value."""
    s = " ".join((text or "").split()).strip(" ,;:.")
    if not s or len(s) > MAX_REPORTED or _BARE.fullmatch(s):
        return None
    if s[0].isupper() and (len(s) == 1 or not s[1].isupper()):
        s = s[0].lower() + s[1:]
    return s


def reported(text: str | None, value: float | int, value_high: float | int | None, qualifier: str,
             unit: str | None) -> str:
    """A figure in the words of its report: "hundreds", "more than 16,500", "about 100", "between
    18,000 and 20,000". The hedge comes from the record's own span (it includes the hedge, per the
    spec) when that span carries it; an exact figure is its value in digits ("Fourteen" -> "14");
    a bare span whose hedge was read around it gets the hedge from the record's qualifier."""
    if qualifier == "exact":
        return number(value, unit) if not unit or unit == "percent" else (_reported_span(text) or number(value, unit))
    span = _reported_span(text)
    if span is not None:
        return span
    if qualifier == "vague":
        words = _VAGUE_WORDS.get(int(value)) if float(value).is_integer() else None
        if words is None:
            return f"{number(value, unit)} or more"
        return words + (f" ({unit})" if unit and unit != "percent" else "")
    if qualifier == "range" and value_high is not None:
        return f"between {number(value)} and {number(value_high, unit)}"
    hedge = _HEDGE_WORDS.get(qualifier)
    return f"{hedge} {number(value, unit)}" if hedge else number(value, unit)


def normalised(value: float | int, value_high: float | int | None, qualifier: str, unit: str | None) -> str:
    """What the ledger reads the figure as, for secondary text: "≥ 16,501", "range 18,000–20,000",
    "≈ 100", "vague: 100–1,000", "≤ 20,000"; the spec's allowed interval in symbols."""
    v = float(value)
    whole = v.is_integer() and unit != "percent" and not unit
    if qualifier == "more_than" and whole:
        return f"≥ {number(v + 1, unit)}"
    if qualifier == "range":
        return f"range {number(value)}–{number(value_high if value_high is not None else value, unit)}"
    if qualifier == "vague":
        return f"vague: {number(value)}–{number(10 * v, unit)}"
    sign = {"approx": "≈ ", "at_least": "≥ ", "more_than": "> ", "at_most": "≤ ", "less_than": "< "}.get(qualifier, "")
    return f"{sign}{number(value, unit)}"


# ---------------------------------------------------------------- titles

_SLUG_NOISE = re.compile(r"^(?:\d+|[0-9a-f]{8,}|index|amp|article|story|news|html?|php|aspx?)$", re.I)


def slug_title(url: str | None) -> str | None:
    """A readable title from a URL's last meaningful path part: "/2032/02/quake-toll-rises-to-111"
    -> "Quake toll rises to 111". None when the URL has no word-like slug (ids, dates, index)."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for part in reversed([p for p in unquote(path).split("/") if p]):
        stem = re.sub(r"\.(?:s?html?|php|aspx?)$", "", part, flags=re.I)
        words = [w for w in re.split(r"[-_+\s]+", stem) if w]
        # a trailing id ("...-toll-rises-a1b2c3d4e5") is not part of the title
        while words and len(words) > 1 and re.fullmatch(r"[0-9a-f]{6,}|\d{5,}", words[-1], re.I):
            words.pop()
        if len(words) < 2 or all(_SLUG_NOISE.match(w) for w in words) or not any(w.isalpha() for w in words):
            continue
        text = " ".join(words)[:200]
        return text[0].upper() + text[1:]
    return None


def article_title(title: str | None, url: str | None, article_id: str) -> str:
    """The title to show for an article: its own, else one from its URL slug, else its id."""
    return (title or "").strip() or slug_title(url) or article_id
