"""Read articles from whatever users have: crawl-style text, saved HTML pages, WARC files,
RSS/Atom feeds (files or URLs), JSONL/JSON/CSV exports, directories of these, and stdin.

Every reader yields :class:`Article` or :class:`ItemError` and never raises for bad input:
one broken file, record or page must not stop a run over thousands of articles. Offsets in
every record index ``Article.text`` (the body), which is what the store keeps.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..config import Config
from .base import Article, ItemError, check_language, clean_article, decode_bytes, valid_date
from .feeds import fetch, looks_like_feed, read_feed
from .html import extract_html, looks_like_html
from .tabular import _Concat, read_csv, read_json_array, read_jsonl, record_to_article
from .text import parse_crawl_text
from .warc import read_warc

__all__ = ["Article", "ItemError", "decode_bytes", "parse_crawl_text", "read_articles", "read_path",
           "record_to_article", "screen", "valid_date"]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".tsv", ".tab", ".csv.gz", ".tsv.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
FEED_SUFFIXES = (".rss", ".atom", ".xml", ".rdf")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for s in (*JSONL_SUFFIXES, *CSV_SUFFIXES, *WARC_SUFFIXES):
        if name.endswith(s):
            return s
    return path.suffix.lower()


def _files_under(directory: Path) -> Iterator[Path | ItemError]:
    """Every non-hidden file below ``directory`` in path order; a directory that cannot be
    listed is an error (os.walk and rglob would skip it silently, as if it were empty)."""
    found: list[Path] = []
    errors: list[ItemError] = []

    def failed(exc: OSError) -> None:
        errors.append(ItemError(str(exc.filename or directory), f"cannot read directory: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(directory, onerror=failed):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root, f) for f in files if not f.startswith("."))
    yield from errors
    yield from sorted(found)


def _not_regular(path: Path) -> ItemError | None:
    """A FIFO, socket or device would block or never end: only regular files are read."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return ItemError(str(path), f"cannot read: {exc.strerror or exc}")
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else \
        "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
    return ItemError(str(path), f"{kind}, not a regular file; refused (use - to read standard input)")


def _guard(where: str, items: Iterable[Article | ItemError]) -> Iterator[Article | ItemError]:
    """A reader's unexpected exception becomes an error for its file; the run goes on."""
    try:
        yield from items
    except Exception as exc:  # per-item isolation: any failure is this input's error
        yield ItemError(where, f"reading failed: {type(exc).__name__}: {exc}")


def _read_bytes(path: Path, limit: int) -> bytes | ItemError:
    try:
        size = path.stat().st_size
        if size > limit:
            return ItemError(str(path), f"file of {size / 1e6:.1f} MB is over the per-item limit of "
                                        f"{limit / 1e6:.0f} MB (Config.max_item_bytes)")
        return path.read_bytes()
    except OSError as exc:
        return ItemError(str(path), f"cannot read: {exc.strerror or exc}")


def read_blob(data: bytes, where: str, article_id: str, config: Config) -> Iterator[Article | ItemError]:
    """One file's or one download's bytes, by sniffing what they are."""
    head = data[:65536]
    if head.startswith(b"WARC/") or (head[:2] == b"\x1f\x8b" and b"WARC" in _peek_gzip(data)):
        import io

        yield from read_warc(Path(where), config.max_item_bytes, io.BytesIO(data), config=config)
    elif looks_like_feed(head) and not looks_like_html(head):
        yield from read_feed(data, where, config.fetch_linked, config.fetch_timeout, config.max_item_bytes)
    elif looks_like_html(head):
        yield extract_html(data, article_id, where)
    elif head.lstrip()[:1] in (b"{", b"["):
        yield from read_json_array(Path(where), data, config.field_map())
    else:
        text = decode_bytes(data, where)
        yield text if isinstance(text, ItemError) else parse_crawl_text(text, article_id, where)


def _peek_gzip(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:4096], 512)
    except zlib.error:
        return b""


def read_path(path: Path, config: Config) -> Iterator[Article | ItemError]:
    """A file by suffix (sniffing when unknown) or a directory of files."""
    if path.is_dir():
        for child in _files_under(path):
            if isinstance(child, ItemError):
                yield child
            else:
                yield from _guard(str(child), read_path(child, config))
        return
    if not path.exists():
        yield ItemError(str(path), "no such file or directory")
        return
    refused = _not_regular(path)
    if refused is not None:
        yield refused
        return
    suffix = _suffix(path)
    fields = config.field_map()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, fields, config=config)
    elif suffix in CSV_SUFFIXES:
        yield from read_csv(path, fields, config=config)
    elif suffix in WARC_SUFFIXES:
        yield from read_warc(path, config.max_item_bytes, config=config)
    else:
        data = _read_bytes(path, config.max_item_bytes)
        if isinstance(data, ItemError):
            yield data
            return
        if suffix == ".json":
            yield from read_json_array(path, data, fields)
        elif suffix in FEED_SUFFIXES and looks_like_feed(data[:65536]):
            yield from read_feed(data, str(path), config.fetch_linked, config.fetch_timeout, config.max_item_bytes)
        elif suffix in HTML_SUFFIXES:
            yield extract_html(data, path.stem, str(path))
        else:
            yield from read_blob(data, str(path), path.stem, config)


def read_url(url: str, config: Config) -> Iterator[Article | ItemError]:
    got = fetch(url, config.fetch_timeout, config.max_item_bytes)
    if isinstance(got, ItemError):
        yield got
        return
    data, ctype = got
    if "html" in ctype and not looks_like_feed(data[:4096]):
        yield extract_html(data, url, url, url=url)
    else:
        yield from read_blob(data, url, url, config)


def read_stdin(config: Config, stream: IO[bytes] | None = None) -> Iterator[Article | ItemError]:
    """Standard input: JSONL streams line by line; anything else is read whole and sniffed."""
    import io

    src = stream or sys.stdin.buffer
    first = src.readline(config.max_item_bytes + 1)
    if first.lstrip().startswith(b"{"):
        rest = io.BufferedReader(_Concat(first, src))
        yield from read_jsonl(Path("stdin"), config.field_map(), rest, name="stdin", config=config)
        return
    data = first + src.read(config.max_item_bytes + 1)
    if len(data) > config.max_item_bytes:
        yield ItemError("stdin", f"input over the per-item limit of {config.max_item_bytes:,} bytes")
        return
    yield from read_blob(data, "stdin", "stdin", config)


def screen(items: Iterable[Article | ItemError], config: Config, dedupe_ids: bool = True
           ) -> Iterator[Article | ItemError]:
    """Repeated ids become errors (with ``dedupe_ids``), non-English articles are skipped with a
    reason unless the config keeps them, and every article's strings are made storable (NUL and
    lone surrogates, ids over the column's length: see :func:`clean_article`)."""
    seen: set[str] = set()
    for result in items:
        if isinstance(result, Article):
            result = clean_article(result)
        if isinstance(result, Article):
            if dedupe_ids:
                if result.id in seen:
                    yield ItemError(result.origin or result.id, f"duplicate article id {result.id!r}; skipped")
                    continue
                seen.add(result.id)
            result = check_language(result, config.skip_non_english)
        yield result


def read_articles(inputs: Iterable[str | Path], config: Config | None = None, dedupe_ids: bool = True
                  ) -> Iterator[Article | ItemError]:
    """All articles from all inputs, in order, screened (see :func:`screen`). The store checks
    repeated ids itself (``dedupe_ids=False``) so that memory stays flat."""
    config = config or Config()

    def raw() -> Iterator[Article | ItemError]:
        for item in inputs:
            text = str(item)
            if text == "-":
                yield from _guard("stdin", read_stdin(config))
            elif text.lower().startswith(("http://", "https://")):
                yield from _guard(text, read_url(text, config))
            else:
                yield from _guard(text, read_path(Path(item), config))

    yield from screen(raw(), config, dedupe_ids)
