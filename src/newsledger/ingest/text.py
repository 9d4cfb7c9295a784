"""Plain-text articles in the crawl form: optional ` date YYYY-MM-DD Title` line, blank line, body."""

from __future__ import annotations

import re

from .base import Article, ItemError, parse_date

_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*(.*)$")


def parse_crawl_text(raw: str, article_id: str, origin: str = "") -> Article | ItemError:
    date = title = warning = None
    body = raw
    first, sep, rest = raw.partition("\n")
    match = _HEADER.match(first)
    if match:  # an impossible day ("2022-13-45") is still the header: warned, read undated
        date, warning = parse_date(match.group(1))
        title = match.group(2).strip() or None
        body = rest.lstrip("\r\n") if sep else ""
    if not body.strip():
        return ItemError(origin or article_id, "no article body")
    return Article(id=article_id, text=body, date=date, title=title, origin=origin,
                   warnings=(warning,) if warning else ())
