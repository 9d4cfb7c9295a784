"""Saved web pages: main text, title, publication date and outlet via trafilatura, with the
page's boilerplate (navigation, ads, comments, newsletter prompts) removed."""

from __future__ import annotations

import re
from typing import Any

from .base import Article, ItemError, decode_bytes, valid_date

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


def looks_like_html(head: bytes) -> bool:
    h = head[:2048].lstrip().lower()
    return h.startswith((b"<!doctype html", b"<html")) or (b"<html" in h and b"<body" in head[:65536].lower())


def extract_html(data: bytes, article_id: str, where: str, url: str | None = None,
                 fallback_date: str | None = None) -> Article | ItemError:
    """One page as an article; the body is the extracted main text, paragraphs separated by a
    blank line, without a leading copy of the headline."""
    m = _META_CHARSET.search(data[:4096])
    html = decode_bytes(data, where, hint=m.group(1).decode("ascii", "ignore") if m else None)
    if isinstance(html, ItemError):
        return html
    import trafilatura

    try:
        doc: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True,
            date_extraction_params={"original_date": True, "outputformat": "%Y-%m-%d", "extensive_search": True})
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        return ItemError(where, f"HTML could not be parsed: {type(exc).__name__}: {exc}")
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        return ItemError(where, "no article text found in the HTML page")
    title = getattr(doc, "title", None)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if title and lines and lines[0].strip() == title.strip():
        lines = lines[1:]
    if not lines:
        return ItemError(where, "no article text found in the HTML page")
    body = "\n\n".join(lines)
    page_url = getattr(doc, "url", None) or url
    meta_date = valid_date(getattr(doc, "date", None))
    return Article(id=article_id, text=body, date=meta_date or fallback_date,
                   title=title or None, outlet=getattr(doc, "sitename", None) or None, url=page_url, origin=where,
                   date_basis="metadata" if meta_date else None)
