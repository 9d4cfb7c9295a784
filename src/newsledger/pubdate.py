"""Infer an article's publication day when the source gives none.

Pure functions over the URL and the text; :func:`infer_pub_date` tries the signals in order
of trust and returns an ISO day or None:

1. the URL path, as content systems write it (``/2032/02/10/``, ``/2032/feb/10/``,
   ``/2032-02-10/``, ``/20320210/``, a slug ending ``-2032-02-10``, ``?date=2032-02-10``);
2. a dateline opening the text (``CITY, Country, Feb 10 (Agency) --``, ``CITY, 16 February
   (Agency) –``, ``CITY, 12 May 2032 (Agency) –``, ``CITY, Tuesday (Agency) --``);
3. an "Updated"/"Published"/"Posted" stamp carrying a date;
4. a full date (day, month and year) in the opening paragraph.

A dateline without a year takes the year of the URL, else the year of a full date in the
text when that date fits (it is not after the dateline day), else it is inferred: the article
is not older than the latest year it mentions, and the weekdays its lead names fall in the
days just before (or on) the dateline day. A weekday-only dateline is the first such weekday
on or after the latest day the text names, or within the URL's month when that pins it.

Wire copy often gives nothing else ("MORAVEL, Nov 9 (HPA) --", no year anywhere): the month and
day are kept (``PubDate.month_day``), and the store takes the year from the article's story
(:func:`story_year`: the year that puts that day nearest the story's dated articles), recording
the basis ``dateline_story``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .dates import WEEKDAYS, month_number

_MONTH_WORD = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
               r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_MON_URL = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# a date written in a URL: separated numeric, month word, compact, or a query parameter
_URL_PATTERNS = [
    re.compile(r"(?<![0-9])(?P<y>(?:19|20)\d{2})(?P<sep>[/_-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<y>(?:19|20)\d{2})/(?P<mon>" + _MON_URL + r")/(?P<d>\d{1,2})(?![0-9])", re.I),
    re.compile(r"(?<![0-9])(?P<d>\d{1,2})[/_-](?P<mon>" + _MON_URL + r")[/_-](?P<y>(?:19|20)\d{2})(?![0-9])",
               re.I),
    re.compile(r"(?<![0-9])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![0-9])"),
]
_URL_MONTH = [
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<mon>" + _MON_URL + r")/", re.I),
]
_URL_YEAR = re.compile(r"/(?P<y>(?:19|20)\d{2})/")

_DAY_MONTH_YEAR = (r"(?:(?P<mon1>" + _MONTH_WORD + r")\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?"
                   r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>" + _MONTH_WORD + r"))"
                   r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?")
# a place in a dateline: "KYIV", "Port-au-Prince", "SÃO PAULO", "KYIV/LVIV"
_PLACE = r"[A-ZÀ-Þ](?:[^\W\d_]|[.'’/\- ]){1,40}?"
# "CITY, Country, Feb 10 (Agency) --": a capitalised place, optional region, the date, an
# optional agency in brackets, then a dash; the dateline opens the body (after a byline line).
# Wire copy may drop the place ("April 7 (AP) --"); a weekday alone then is too loose to count.
_DATELINE = re.compile(
    r"^(?:(?P<city>" + _PLACE + r")\s*,\s*(?:" + _PLACE + r",\s*)?)?"
    r"(?:(?P<wd>" + _WD + r")|" + _DAY_MONTH_YEAR + r")"
    r"\s*(?:\([^)\n]{1,80}\))?\s*(?:--|[–—-])\s", re.M)
_STAMP = re.compile(r"\b(?:Updated|Published|Posted|Last updated|First published)\b:?\s*(?:on\s+)?"
                    r"(?:" + _WD + r",?\s+)?" + _DAY_MONTH_YEAR, re.I)
_STAMP_ISO = re.compile(r"\b(?:Updated|Published|Posted|Last updated|First published)\b:?\s*(?:on\s+)?"
                        r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})", re.I)
_FULL_DATE = re.compile(r"(?:\b" + _MONTH_WORD + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}\b"
                        r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_WORD + r",?\s+(?:19|20)\d{2}\b)")
_MONTH_DAY = re.compile(r"\b" + _DAY_MONTH_YEAR)
# years a text mentions; a year after "by"/"until" is usually a target, not the past
_YEAR_MENTION = re.compile(r"(?<![\d/-])(?<!\bby )(?<!\buntil )(?<!\bbefore )(?P<y>(?:19|20)\d{2})(?![\d/-])")
_WEEKDAY = re.compile(r"\b(?P<wd>" + _WD + r")\b")
LEAD_CHARS = 600
HEAD_CHARS = 400


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month_of(g: dict[str, str | None]) -> int:
    if g.get("m"):
        return int(g["m"] or 0)
    return month_number(g.get("mon") or g.get("mon1") or g.get("mon2") or "")


def url_date(url: str | None) -> dt.date | None:
    """The day a CMS wrote into the URL path or query, if any."""
    if not url:
        return None
    for pattern in _URL_PATTERNS:
        for m in pattern.finditer(url):
            g = m.groupdict()
            # "/2032/02/10-killed-in-quake": a number opening the slug is no day of the month
            if url[m.start("d") - 1] == "/" and re.match(r"[-_][A-Za-z]", url[m.end():]):
                continue
            try:
                day = _date(int(g["y"]), _month_of(g), int(g["d"]))
            except KeyError:
                continue
            if day is not None:
                return day
    return None


def url_month(url: str | None) -> tuple[int, int | None] | None:
    """(year, month or None) from a URL path that dates only to the month or year."""
    if not url:
        return None
    for pattern in _URL_MONTH:
        m = pattern.search(url)
        if m:
            try:
                month = _month_of(m.groupdict())
            except KeyError:
                continue
            if 1 <= month <= 12:
                return int(m.group("y")), month
    m = _URL_YEAR.search(url)
    return (int(m.group("y")), None) if m else None


def _md(g: dict[str, str | None]) -> tuple[int, int] | None:
    day = g.get("d1") or g.get("d2")
    if not day:
        return None
    try:
        return _month_of(g), int(day)
    except KeyError:
        return None


def full_dates(text: str) -> list[dt.date]:
    """Every day written with its year ("June 28, 2031", "3 May 2030"), in text order."""
    out = []
    for m in _FULL_DATE.finditer(text):
        g = _MONTH_DAY.match(m.group(0))
        if g is None or not g.group("y"):
            continue
        md = _md(g.groupdict())
        if md is not None:
            day = _date(int(g.group("y")), *md)
            if day is not None:
                out.append(day)
    return out


def _lead(text: str) -> str:
    """The opening paragraph with some substance (a headline or byline line is skipped)."""
    for para in re.split(r"\n\s*\n", text):
        if len(para) > 120:
            return para[:LEAD_CHARS]
    return text[:LEAD_CHARS]


def infer_year(text: str, month: int, day: int) -> int | None:
    """The year of a month-day dateline from the other dates in the text.

    Candidate years come from the full dates the text writes (their year, or the one before or
    after), else from the years it mentions (an article is not older than the events it names,
    and rarely more than a decade newer). The weekdays the lead names decide between them: a
    wire lead names the day it reports and the days just before it, so the dateline day falls
    on or just after them. Without a weekday, the year of the latest full date named as past is
    taken (the next year when that date is later in its year than the dateline day); bare years
    alone are too weak and give None."""
    full = full_dates(text)
    years = [int(m.group("y")) for m in _YEAR_MENTION.finditer(text)]
    if full:
        anchor = max(f.year for f in full)
        cands = sorted({y for f in full for y in (f.year - 1, f.year, f.year + 1)})
    elif years:
        anchor = max(years)
        cands = list(range(anchor, anchor + 12))
    else:
        return None
    weekdays = [WEEKDAYS.index(m.group("wd").lower()) for m in _WEEKDAY.finditer(_lead(text))]
    if not weekdays:
        past = past_dates(text)  # a plan ("due to take effect on 1 September 2031") says nothing
        if not past:
            return None
        latest = max(past)
        return latest.year + 1 if (latest.month, latest.day) > (month, day) else latest.year
    best: tuple[int, int, int] | None = None
    for year in cands:
        cand = _date(year, month, day)
        if cand is None:
            continue
        key = (sum((cand.weekday() - wd) % 7 for wd in weekdays), abs(year - anchor), year)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _latest_named_day(text: str, year_hint: tuple[int, int | None] | None) -> dt.date | None:
    full = full_dates(text)
    if full:
        return max(full)
    if year_hint is None:
        return None
    days = []
    for m in _MONTH_DAY.finditer(text):
        md = _md(m.groupdict())
        if md is not None:
            cand = _date(year_hint[0], *md)
            if cand is not None:
                days.append(cand)
    return max(days) if days else None


def dateline(text: str, url: str | None = None) -> tuple[dt.date, bool] | None:
    """The day of a dateline opening the text (within its first lines), and whether its year is
    sure (written in the dateline, or given by the URL) rather than inferred from the text."""
    m = _DATELINE.search(text[:HEAD_CHARS])
    if m is None:
        return None
    g = m.groupdict()
    hint = url_month(url)
    if g.get("wd"):
        if not g.get("city"):
            return None
        wd = WEEKDAYS.index((g["wd"] or "").lower())
        if hint is not None and hint[1] is not None:
            first = dt.date(hint[0], hint[1], 1)
            days = [first + dt.timedelta(days=k) for k in range(31)]
            days = [d for d in days if d.month == hint[1] and d.weekday() == wd]
            if len(days) == 1:
                return days[0], True
        ref = _latest_named_day(text, hint)
        if ref is None:
            return None
        return ref + dt.timedelta(days=(wd - ref.weekday()) % 7), False
    md = _md(g)
    if md is None:
        return None
    if g.get("y"):
        day = _date(int(g["y"] or 0), *md)
        return (day, True) if day else None
    if hint is not None:
        year = hint[0]
        # a December dateline under a January URL (or the reverse) crosses the year
        if hint[1] is not None and abs(hint[1] - md[0]) > 6:
            year += 1 if md[0] < hint[1] else -1
        day = _date(year, *md)
        return (day, True) if day else None
    inferred = infer_year(text, *md)
    day = _date(inferred, *md) if inferred else None
    return (day, False) if day else None


def dateline_month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of a month-day dateline opening the text, whether or not its year is known."""
    m = _DATELINE.search(text[:HEAD_CHARS])
    if m is None or m.group("wd"):
        return None
    md = _md(m.groupdict())
    # a day that exists in some year (29 February only in leap years)
    return md if md is not None and _date(2000, *md) is not None else None


def story_year(month: int, day: int, dated: Iterable[str | dt.date], window: int) -> int | None:
    """The year that puts a year-less dateline's month-day nearest the dated articles of its
    story, when one of them is at most ``window`` days from it; else None.

    Candidate years are those of the dated articles and the years either side (a "Dec 31"
    dateline in a story of early January is of the year before). The nearest article decides;
    a tie goes to the year closer to all of them, then the earlier year, so the choice does not
    depend on the order the articles are given in."""
    days = sorted({d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10]) for d in dated if d})
    best: tuple[int, int, int] | None = None
    for year in sorted({y for d in days for y in (d.year - 1, d.year, d.year + 1)}):
        cand = _date(year, month, day)
        if cand is None:
            continue
        gaps = [abs((cand - d).days) for d in days]
        key = (min(gaps), sum(gaps), year)
        if key[0] <= window and (best is None or key < best):
            best = key
    return best[2] if best else None


def dateline_date(text: str, url: str | None = None) -> dt.date | None:
    """The day of a dateline opening the text, however its year was found."""
    found = dateline(text, url)
    return found[0] if found else None


def stamp_date(text: str) -> dt.date | None:
    """The day of an "Updated ..." / "Published ..." stamp near the top."""
    head = text[:HEAD_CHARS]
    m = _STAMP_ISO.search(head)
    if m:
        return _date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    m = _STAMP.search(head)
    if m and m.group("y"):
        md = _md(m.groupdict())
        return _date(int(m.group("y")), *md) if md else None
    return None


# words before a date that make it a target or a plan, not something past
_AHEAD_BEFORE = re.compile(r"(?:\b(?:by|until|till|before)\s+(?:the\s+end\s+of\s+)?"
                           r"|\b(?:due|scheduled|expected|planned|deadline|will|would|to be|postponed|delayed)\b"
                           r"[^.;:\n]{0,30})$", re.I)
_AHEAD_AFTER = re.compile(r"^[^.;\n]{0,25}\b(?:will|is due|is expected|is scheduled|deadline)\b", re.I)


def past_dates(text: str) -> list[dt.date]:
    """The full dates a text names as past: not after "by", "until", "due", "will" and the like."""
    out = []
    for m in _FULL_DATE.finditer(text):
        if _AHEAD_BEFORE.search(text[max(0, m.start() - 40):m.start()]) or _AHEAD_AFTER.search(text[m.end():]):
            continue
        out.extend(full_dates(m.group(0)))
    return out


def lead_full_date(text: str) -> dt.date | None:
    """The latest past full date in the opening paragraph ("informed on 14 May 2031 that ...")."""
    found = past_dates(_lead(text))
    return max(found) if found else None


# a dateline's month and day with the year its story gives (see :func:`story_year`)
STORY_BASIS = "dateline_story"
BASES = ("published", "metadata", "url", "dateline", "inferred", STORY_BASIS)
_BASIS_LABEL = {"metadata": "from page metadata", "url": "from URL", "dateline": "from dateline",
                "inferred": "inferred from the text", STORY_BASIS: "from dateline, year from its story"}


@dataclass(frozen=True)
class PubDate:
    """An article's effective publication day and how it was obtained (one of :data:`BASES`).

    ``month_day`` ("11-09") is what a year-less dateline gives when nothing in the article gives
    the year: kept so that day-of-year logic works without it (a day named months before it is
    another incident), and so the store can take the year from the article's story."""

    date: str | None
    basis: str | None
    month_day: str | None = None


def publication(text: str, url: str | None = None, given: str | None = None,
                given_basis: str | None = None) -> PubDate:
    """The publication day and its basis, the most reliable signal first.

    A date the input gives wins (``published``, or ``metadata`` when a page's metadata gave
    it); then the URL; a dateline whose year is written or comes from the URL; an "Updated"
    or "Published" stamp; a dateline whose year is inferred from the text; the lead's latest
    past date. A wrong day is worse than none, so a weaker signal never overrides a stronger
    one, and the latest past date of the whole text is not used: a date deep in the text is
    as often a plan or an anniversary as the news of the day."""
    if given:
        return PubDate(given, given_basis if given_basis in BASES else "published")
    found = url_date(url)
    if found is not None:
        return PubDate(found.isoformat(), "url")
    line = dateline(text, url)
    if line is not None and line[1]:
        return PubDate(line[0].isoformat(), "dateline")
    found = stamp_date(text)
    if found is not None:
        return PubDate(found.isoformat(), "metadata")
    if line is not None:
        return PubDate(line[0].isoformat(), "inferred")
    found = lead_full_date(text)
    if found is not None:
        return PubDate(found.isoformat(), "inferred")
    md = dateline_month_day(text)
    return PubDate(None, None, f"{md[0]:02d}-{md[1]:02d}" if md else None)


def from_story(pub: PubDate, dated: Iterable[str | dt.date], window: int) -> PubDate:
    """``pub`` of an article whose dateline lacks a year, dated with the year its story gives
    (the publication days of the story's other articles, ``dated``), else left undated."""
    if not pub.month_day or pub.basis not in (None, STORY_BASIS):
        return pub
    month, day = (int(x) for x in pub.month_day.split("-"))
    year = story_year(month, day, dated, window)
    if year is None:
        return PubDate(None, None, pub.month_day)
    return PubDate(dt.date(year, month, day).isoformat(), STORY_BASIS, pub.month_day)


def describe(day: str | None, basis: str | None) -> str | None:
    """A publication day as shown to people: a day the input gave as is, any other with how it
    was obtained ("2032-02-10 (from URL)")."""
    if not day:
        return None
    label = _BASIS_LABEL.get(basis or "")
    return f"{day} ({label})" if label else day


def infer_pub_date(text: str, url: str | None = None) -> str | None:
    """The publication day (ISO) from the URL, a dateline, a stamp or the text, else None."""
    return publication(text, url).date


STORY_ROUNDS = 3  # re-clustering with a story's year rarely moves an article again; never loop forever


def story_dates(pubs: Mapping[str, PubDate], stories: Mapping[str, str], window: int) -> dict[str, PubDate]:
    """The articles whose publication day their story changes, with the new day: a dateline
    without a year (``month_day``) takes the year that puts it nearest the story's articles
    dated by their own signals (:func:`from_story`); one whose story no longer gives a year is
    undated again. ``pubs`` and ``stories`` map article ids; the result depends on the stories
    only, not on the order articles came in."""
    own: dict[str, list[str]] = {}
    for aid, p in pubs.items():
        if p.date and p.basis != STORY_BASIS and aid in stories:
            own.setdefault(stories[aid], []).append(p.date)
    out = {}
    for aid, p in pubs.items():
        if p.month_day and p.basis in (None, STORY_BASIS) and aid in stories:
            new = from_story(p, own.get(stories[aid], []), window)
            if new != p:
                out[aid] = new
    return out
