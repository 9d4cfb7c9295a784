"""RSS and Atom feeds, from files or http(s) URLs; optionally each entry's linked page.

Without ``fetch_linked`` an entry's own content (or summary) is the article text; with it,
the linked page is fetched and its main text extracted. Network errors are per-item errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .base import Article, ItemError, valid_date
from .html import extract_html

USER_AGENT = "newsledger/0.1 (+https://example.invalid/newsledger; research reader)"


def fetch(url: str, timeout: float, max_bytes: int) -> tuple[bytes, str] | ItemError:
    """GET a http(s) URL with a size cap; returns (body, content type) or an error."""
    import httpx

    if not url.lower().startswith(("http://", "https://")):
        return ItemError(url, "only http and https URLs are fetched")
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as resp:
            if resp.status_code != 200:
                return ItemError(url, f"HTTP {resp.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return ItemError(url, f"response over the limit of {max_bytes:,} bytes")
                chunks.append(chunk)
            return b"".join(chunks), resp.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        return ItemError(url, f"fetch failed: {type(exc).__name__}: {exc}")


def looks_like_feed(head: bytes) -> bool:
    h = head[:4096].lower()
    return b"<rss" in h or b"<feed" in h or b"<rdf:rdf" in h


def _text_of(entry: Any) -> str:
    import re

    parts = entry.get("content") or []
    html = parts[0].get("value") if parts else entry.get("summary", "")
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html or "", flags=re.S | re.I)
    text = re.sub(r"</p\s*>|<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    import html as htmlmod

    return "\n\n".join(p.strip() for p in htmlmod.unescape(text).split("\n\n") if p.strip())


def read_feed(data: bytes, where: str, fetch_linked: bool, timeout: float, max_bytes: int
              ) -> Iterator[Article | ItemError]:
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        reason = parsed.get("bozo_exception")
        yield ItemError(where, f"no feed entries found{': ' + str(reason) if reason else ''}")
        return
    outlet = (parsed.get("feed") or {}).get("title")
    for i, entry in enumerate(entries, 1):
        link = entry.get("link")
        eid = entry.get("id") or link or f"{where}#{i}"
        date = None
        for key in ("published_parsed", "updated_parsed"):
            t = entry.get(key)
            if t:
                date = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
                break
        here = f"{where} entry {i}"
        if fetch_linked and link:
            got = fetch(link, timeout, max_bytes)
            if isinstance(got, ItemError):
                yield ItemError(here, got.message + f" ({link})")
                continue
            art = extract_html(got[0], str(eid), here, url=link, fallback_date=date)
            if isinstance(art, Article):
                art = Article(id=art.id, text=art.text, date=art.date or date, title=art.title or entry.get("title"),
                              outlet=art.outlet or outlet, url=link, origin=here, date_basis=art.date_basis)
            yield art
            continue
        text = _text_of(entry)
        if not text.strip():
            yield ItemError(here, "entry has no text (use --fetch-linked to fetch the linked page)")
            continue
        yield Article(id=str(eid), text=text, date=valid_date(date), title=entry.get("title"), outlet=outlet,
                      url=link, origin=here)
