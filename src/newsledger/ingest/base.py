"""What every reader produces: :class:`Article` or :class:`ItemError`, and shared helpers
(decoding with encoding detection, dates, the English check)."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

EN_FUNCTION_WORDS = frozenset("""
the of and to a in is that for on it with as was he she said by at from his her an be have has had are were
this which or but not they their its who will would been after than more about also over into up out when
there one two all we you i our can could may said says told while before during against between
""".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Article:
    """One news article; ``text`` is the body that record offsets index."""

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    origin: str = ""
    # how ``date`` was obtained when the input did not state it: "metadata" for a web page's
    # own metadata (see :mod:`newsledger.pubdate`); None means the input gave it
    date_basis: str | None = None
    # what the reader had to overlook (an unreadable date): reported, the article is still used
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "date": self.date, "title": self.title, "outlet": self.outlet,
                "url": self.url, "text": self.text}


@dataclass(frozen=True)
class ItemError:
    """A per-item failure: where (file, optionally line or record) and a message a person can act on."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def valid_date(value: object) -> str | None:
    """An ISO day from a date or date-time ("2022-05-01", "2022-05-01T10:00:00Z", or an RFC 2822
    stamp as in feeds and mail), else None. The whole string must parse: "2022-05-01garbage"
    is no date, like "2022-13-45" and "yesterday"."""
    return parse_date(value)[0]


def parse_date(value: object) -> tuple[str | None, str | None]:
    """(ISO day, warning): the warning says why a non-empty value is not a date, so every
    reader treats a bad date alike (the article is kept, undated, with that warning)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10], None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    text = str(value).strip()
    shown = repr(text if len(text) <= 40 else text[:40] + "...")
    if not isinstance(value, str):
        return None, f"date {shown} is not a date string; read without a date"
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat(), None
        return dt.datetime.fromisoformat(text.replace("z", "Z")).date().isoformat(), None
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).date().isoformat(), None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, f"date {shown} is not a valid date (YYYY-MM-DD or ISO 8601); read without a date"


# articles.id is VARCHAR(255): a longer id is refused here, before the store, on every store
MAX_ID_CHARS = 255
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Text every store accepts: NUL removed (PostgreSQL rejects it) and lone surrogates (a JSON
    escape such as ``\\ud800``, which cannot be encoded) replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = _SURROGATE.sub("\ufffd", value)
    return value


def clean_article(article: Article) -> Article | ItemError:
    """The article with storable strings, or an error for an id no store can hold."""
    changes: dict[str, Any] = {}
    for name in ("id", "text", "title", "outlet", "url", "origin"):
        value = getattr(article, name)
        if isinstance(value, str) and (cleaned := clean_text(value)) is not value:
            changes[name] = cleaned
    if changes:
        article = replace(article, **changes)
        if "text" in changes and not article.text.strip():  # it held nothing but NUL characters
            return ItemError(article.origin or article.id, "no article text (only NUL characters)")
    if len(article.id) > MAX_ID_CHARS:
        return ItemError(article.origin or article.id[:60] + "...",
                         f"article id of {len(article.id):,} characters is over the limit of {MAX_ID_CHARS} "
                         f"({article.id[:40]!r}...); map a shorter column with --field id=NAME")
    return article


def decode_bytes(data: bytes, where: str, hint: str | None = None) -> str | ItemError:
    """Text from bytes: BOMs, a declared charset, UTF-8, then statistical detection. Binary
    and undecodable input become errors, never exceptions."""
    if not data.strip():
        return ItemError(where, "empty input")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                return ItemError(where, f"invalid {enc} at byte {exc.start}")
    if b"\x00" in data[:8192]:
        return ItemError(where, "binary content (NUL bytes), not text")
    if hint:
        try:
            return data.decode(hint)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None or best.encoding is None:
        return ItemError(where, f"not UTF-8 (invalid byte at {utf8_error.start}) and no encoding could be detected")
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return ItemError(where, f"not UTF-8 and not decodable as the detected {best.encoding}")


def english_share(text: str, sample: int = 3000) -> tuple[float, int]:
    """Share of the first words that are common English function words, and how many words."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return 0.0, 0
    return sum(w in EN_FUNCTION_WORDS for w in words) / len(words), len(words)


def check_language(article: Article, skip_non_english: bool) -> Article | ItemError:
    """English news text has ~30-50% function words; other languages almost none of these."""
    if not skip_non_english:
        return article
    share, n = english_share(article.text)
    if n >= 25 and share < 0.08:
        return ItemError(article.origin or article.id,
                         f"skipped: not English (only {share:.0%} English function words); "
                         "only English is configured")
    return article
