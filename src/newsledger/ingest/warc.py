"""WARC and WARC.gz files (e.g. Common Crawl News): HTML responses only, each as an article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .base import Article, ItemError, valid_date
from .html import extract_html


def read_warc(path: Path, max_item_bytes: int, stream: IO[bytes] | None = None) -> Iterator[Article | ItemError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    label = str(path)
    n = 0
    try:
        handle = stream or path.open("rb")
    except OSError as exc:
        yield ItemError(label, f"cannot open: {exc.strerror or exc}")
        return
    try:
        with handle:
            for record in ArchiveIterator(handle):
                n += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                ctype = (record.http_headers.get_header("Content-Type") or "").lower()
                if status != "200" or "html" not in ctype:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path.name}#{n}"
                where = f"{label}#{n} {uri}"
                data = record.content_stream().read(max_item_bytes + 1)
                if len(data) > max_item_bytes:
                    yield ItemError(where, f"page over the per-item limit of {max_item_bytes:,} bytes")
                    continue
                fallback = valid_date(record.rec_headers.get_header("WARC-Date"))
                yield extract_html(data, uri, where, url=uri, fallback_date=fallback)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield ItemError(label, f"truncated or corrupt WARC after record {n}: {type(exc).__name__}: {exc}")
        return
    if stream is None and _gzip_truncated(path):
        # warcio stops quietly at a cut gzip member; say so, or the lost records go unnoticed
        yield ItemError(label, f"truncated or corrupt WARC after record {n}: the gzip stream ends mid-member")


def _gzip_truncated(path: Path) -> bool:
    """Whether a .gz file ends inside a member (stream-decompressed, constant memory)."""
    import zlib

    with path.open("rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return False
        fh.seek(0)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return not d.eof
            try:
                d.decompress(chunk)
            except zlib.error:
                return True
            while d.eof and d.unused_data:
                rest = d.unused_data
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                try:
                    d.decompress(rest)
                except zlib.error:
                    return True
