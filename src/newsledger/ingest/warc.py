"""WARC and WARC.gz files (e.g. Common Crawl News): HTML responses only, each as an article."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..config import Config
from .base import Article, ItemError, valid_date
from .html import extract_html
from .tabular import OverLimit, _Bounded, _Concat, decompressed_limit


class _Gunzip(io.RawIOBase):
    """Concatenated gzip members (one per WARC record), inflated at most one read's worth at a
    time. A member cut short ends the stream quietly, as in warcio, so that the records before
    it are kept; :func:`_gzip_truncated` reports the cut."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while True:
            if self.d.unconsumed_tail:
                data = self.d.decompress(self.d.unconsumed_tail, len(b))
            elif self.d.eof:
                rest = self.d.unused_data or self.raw.read(1 << 16)
                if not rest:
                    return 0
                self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = self.d.decompress(rest, len(b))
            else:
                chunk = self.raw.read(1 << 16)
                if not chunk:
                    return 0
                data = self.d.decompress(chunk, len(b))
            if data:
                b[: len(data)] = data
                return len(data)


def _bounded(raw: IO[bytes], compressed: int, max_item_bytes: int, config: Config) -> IO[bytes]:
    """The WARC's records, decompressed here (not by warcio) so that memory stays bounded: at
    most ``decompressed_limit`` bytes in all, and no run of ``max_item_bytes`` without a line
    break (warcio reads header lines whole; a bomb of zeros would be one endless line)."""
    head = raw.read(2)
    stream: IO[bytes] = io.BufferedReader(_Concat(head, raw))
    limit = None
    if head == b"\x1f\x8b":
        stream = io.BufferedReader(_Gunzip(stream))
        limit = decompressed_limit(compressed, config)
    return io.BufferedReader(_Bounded(stream, limit, max_item_bytes, underlying=raw))


def read_warc(path: Path, max_item_bytes: int, stream: IO[bytes] | None = None,
              config: Config | None = None) -> Iterator[Article | ItemError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    config = config or Config()
    label = str(path)
    n = 0
    try:
        raw = stream or path.open("rb")
        compressed = path.stat().st_size if stream is None else len(stream.getbuffer()) \
            if isinstance(stream, io.BytesIO) else 0
        handle = _bounded(raw, compressed, max_item_bytes, config)
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
    except OverLimit as exc:
        yield ItemError(label, f"{exc} after record {n}; the rest of the file is skipped")
        return
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as exc:
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
