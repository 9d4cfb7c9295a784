"""Find date expressions and resolve them to calendar days against the publication date.

The ``newsledger_dates`` component writes ``doc._.dates``: one dict per expression
(``start``/``end`` token indices, ``root`` token index, ``date`` ISO or None,
``precision`` day/month/year, ``basis`` explicit/relative). News rules, not a
generic parser: a weekday means the latest such day on or before publication
(the same weekday is the publication day), a month-day without year is the
occurrence nearest the publication date, and "a day earlier" counts back from
the last day the text mentioned.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .util import doc_text
from .wordlists import words

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "oct": 10, "nov": 11, "dec": 12}
SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("month_day", re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b" + _YEAR)),
    ("day_month", re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + _YEAR)),
    ("weekday", re.compile(r"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Ll]ate|[Ee]arly)\s+(?:on\s+)?)?\b" + _WD
                           + r"(?:'s|’s)?(?:\s+(?:morning|afternoon|evening|night))?\b")),
    ("deictic", re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow|overnight|last night"
                           r"|this (?:morning|afternoon|evening))\b", re.I)),
    ("offset", re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
                          r"|\d{1,2})\s+days?\s+"
                          r"(?P<dir>earlier|before|ago|later|after)\b", re.I)),
    ("offset", re.compile(r"\bthe\s+(?P<dir>previous|following|next)\s+day\b|\bthe\s+day\s+(?P<dir2>before)\b",
                          re.I)),
    ("month", re.compile(r"\b(?:in|since|by|until|during|early|late|mid-?|through)\s+(?:early\s+|late\s+)?"
                         r"(?P<month>January|February|March|April|May|June|July|August|September|October"
                         r"|November|December)" + r"(?:\s+(?P<year>(?:19|20)\d{2}))?\b(?!\s+\d)")),
    ("year", re.compile(r"\b(?:in|since|by|until|during|of|from|as early as|before|after)\s+"
                        r"(?P<year>(?:18|19|20)\d{2})\b")),
]


def month_number(name: str) -> int:
    """1-12 for a month name or abbreviation ("Feb", "Sept.", "february"); KeyError otherwise."""
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBR[key[:4] if key.startswith("sept") else key[:3]]


def month_day_of(text: str) -> tuple[int, int] | None:
    """(month, day) that a "June 28" or "28 June" expression names, whatever its year."""
    for kind, pattern in _PATTERNS:
        if kind in ("month_day", "day_month"):
            m = pattern.search(text)
            if m:
                return month_number(m.group("month")), int(m.group("day"))
    return None


def _nearest(month: int, day: int, pub: dt.date) -> dt.date | None:
    """The occurrence of month/day closest to the publication date."""
    best: dt.date | None = None
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - pub).days) < abs((best - pub).days):
            best = cand
    return best


def shift(day: dt.date, days: int) -> dt.date | None:
    """``day`` moved by ``days``, or None past the calendar's ends (a publication day of
    0001-01-01 and "Monday" must not raise OverflowError)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def resolve(kind: str, m: re.Match[str], pub: dt.date | None, last: dt.date | None
            ) -> tuple[dt.date | None, str, str]:
    """(date, precision, basis) for one match; ``last`` is the last day mentioned before it."""
    g = m.groupdict()
    if kind == "iso":
        try:
            return dt.date(int(g["y"]), int(g["m"]), int(g["d"])), "day", "explicit"
        except ValueError:
            return None, "day", "explicit"
    if kind in ("month_day", "day_month"):
        month, day = month_number(g["month"]), int(g["day"])
        if g.get("year"):
            try:
                return dt.date(int(g["year"]), month, day), "day", "explicit"
            except ValueError:
                return None, "day", "explicit"
        return (_nearest(month, day, pub) if pub else None), "day", "explicit"
    if kind == "weekday":
        if pub is None:
            return None, "day", "relative"
        wd = WEEKDAYS.index(g["wd"].lower())
        mod = (g.get("mod") or "").lower()
        if mod == "next":
            ahead = (wd - pub.weekday()) % 7 or 7
            return shift(pub, ahead), "day", "relative"
        back = (pub.weekday() - wd) % 7
        if mod == "last" and back == 0:
            back = 7
        return shift(pub, -back), "day", "relative"
    if kind == "deictic":
        if pub is None:
            return None, "day", "relative"
        word = g["word"].lower()
        days = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
        return shift(pub, days), "day", "relative"
    if kind == "offset":
        ref = last or pub
        if ref is None:
            return None, "day", "relative"
        n = g.get("n")
        count = 1 if n is None else (int(n) if n.isdigit() else SMALL[n.lower()])
        direction = (g.get("dir") or g.get("dir2") or "").lower()
        sign = 1 if direction in ("later", "after", "following", "next") else -1
        base = pub if direction == "ago" and pub else ref
        return shift(base, sign * count), "day", "relative"
    if kind == "month":
        return None, "month", "explicit"
    return None, "year", "explicit"


_NUMBER = (r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
           r"|forty|fifty|hundred|dozens?|hundreds?|thousands?)")
# "against 700,000 on March 3", "up from 19 on Sunday", "down from 520 a day earlier", "than the
# 40 reported on Monday": the date of a figure compared with, which dates nothing else
_COMPARISON = re.compile(r"\b(?:against|compared\s+(?:with|to)|up\s+from|down\s+from|from|versus|vs\.?"
                         r"|(?<!more )(?<!less )(?<!fewer )than|than(?=\s+the\b))\s+"
                         r"(?:the\s+|an?\s+)?(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|over\s+"
                         r"|more\s+than\s+|at\s+least\s+)?" + _NUMBER + r"(?:\s+(?:million|billion|thousand))?"
                         r"(?:\s+(?!to\b)[\w,'’-]+){0,6}?\s*(?:,\s*)?(?:(?:on|in|at|by|as\s+of)\s+)?$", re.I)
# "since March 2", "since the start of the war on June 28"
_SINCE = re.compile(r"\bsince\s+(?:(?:early\s+|late\s+|mid-?)?|the\s+(?:start|beginning|outbreak)\s+of\s+[^,.;]{0,40}?"
                    r"\b(?:on|in)\s+)$", re.I)


def date_role(text: str, start: int, match: str) -> tuple[str | None, int]:
    """("since", start) for the start of a span ("since January 16": a running count's origin,
    not its day); ("comparison", where the comparison begins) for the day of a figure compared
    with; else (None, start). Offsets are characters."""
    if match.lower().startswith("since") or _SINCE.search(text[max(0, start - 80):start]):
        return "since", start
    before = re.split(r"[.;:!?](?=\s)|\n", text[max(0, start - 80):start])[-1]
    m = _COMPARISON.search(before)
    if m:
        return "comparison", start - len(before) + m.start()
    return None, start


def is_future(span: Span) -> bool:
    """A day the text puts ahead: the verb it modifies (or the one that verb depends on, as in
    "expected to return on Sunday") is planned, expected or in the future tense."""
    future = words("future_verbs")
    node = span.root.head
    while node.pos_ == "ADP" and node.head != node:
        node = node.head
    for verb in (node, node.head):
        if verb.lemma_.lower() in future or any(c.dep_ == "aux" and c.lemma_.lower() in future
                                                  for c in verb.children):
            return True
    return False


def find_dates(doc: Doc, pub: dt.date | None) -> list[dict[str, Any]]:
    """All date expressions in ``doc``, in text order, without overlaps."""
    text = doc_text(doc)
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[dict[str, Any]] = []
    last_end = -1
    last_day: dt.date | None = None
    last_sent = -1
    for start, end, kind, m in found:
        if start < last_end:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        last_end = end
        role, scope = date_role(text, start, m.group(0))
        # "up from 19 a day earlier": a day before the sentence's own day, else the report's
        same_sent = last_day is not None and last_sent == span.sent.start
        base = last_day if role != "comparison" or same_sent else None
        date, precision, basis = resolve(kind, m, pub, base)
        if kind == "weekday" and date is not None and pub is not None and date < pub and not m.group("mod") \
                and is_future(span):
            date = shift(date, 7)
        scope_span = doc.char_span(scope, scope + 1, alignment_mode="expand")
        if date is not None and precision == "day":
            last_day, last_sent = date, span.sent.start
        out.append({"start": span.start, "end": span.end, "root": span.root.i,
                    "date": date.isoformat() if date else None, "precision": precision,
                    "basis": basis, "kind": kind, "text": span.text,
                    "role": role, "scope": scope_span.start if scope_span is not None else span.start,
                    # "Tuesday's earthquake" names an event; it does not date the sentence
                    "possessive": bool(re.search(r"['’]s\b", m.group(0)))})
    return out


def parse_pub_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def register_extensions() -> None:
    # ``pub_month_day`` ("11-09"): the month and day of a dateline whose year is unknown, set
    # only when ``pub_date`` is None (see :class:`newsledger.pubdate.PubDate`)
    for name in ("pub_date", "pub_month_day", "dates"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.component("newsledger_dates", assigns=["doc._.dates"], requires=["token.dep"])
def dates_component(doc: Doc) -> Doc:
    """Writes ``doc._.dates``; reads the publication date from ``doc._.pub_date``."""
    register_extensions()
    doc._.dates = find_dates(doc, parse_pub_date(doc._.pub_date))
    return doc


register_extensions()
