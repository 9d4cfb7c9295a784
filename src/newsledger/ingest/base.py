"""What every reader produces: :class:`Article` or :class:`ItemError`, and shared helpers
(decoding with encoding detection, dates, the English check)."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass

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
    """An ISO day from a date-ish string ("2022-05-01", "2022-05-01T10:00:00Z"), else None."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:10]
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


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
