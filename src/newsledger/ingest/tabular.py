"""Records in JSONL (optionally gzipped), JSON arrays and CSV/TSV, with configurable field names.

Each record is read independently: a malformed line or row is reported with its number and
skipped. Files are streamed, so a 50 MB export costs memory for one record at a time.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .base import Article, ItemError, decode_bytes, valid_date

FIELDS = ("id", "text", "date", "title", "outlet", "url")
# common names for the same fields in scraper and news-API exports
ALIASES = {"text": ("text", "body", "content", "article", "maintext", "full_text"),
           "id": ("id", "guid", "uuid", "article_id", "doc_id"),
           "date": ("date", "published", "published_at", "pubdate", "date_publish", "publish_date", "datetime"),
           "title": ("title", "headline"),
           "outlet": ("outlet", "source", "site", "sitename", "publisher", "source_domain", "domain"),
           "url": ("url", "link", "uri")}


def record_to_article(obj: Any, default_id: str, where: str, fields: dict[str, str]) -> Article | ItemError:
    """One record (JSON object or CSV row) as an article; ``fields`` maps our names to theirs."""
    if not isinstance(obj, dict):
        return ItemError(where, f"expected an object with a text field, got {type(obj).__name__}")

    def get(name: str) -> Any:
        if name in fields:
            return obj.get(fields[name])
        for alias in ALIASES[name]:
            if obj.get(alias) not in (None, ""):
                return obj[alias]
        return None

    text = get("text")
    if not isinstance(text, str) or not text.strip():
        wanted = fields.get("text", "text")
        return ItemError(where, f"missing or empty text field ({wanted!r}; map another column with --field text=NAME)")
    raw_id = get("id")
    article_id = str(raw_id) if raw_id not in (None, "") else default_id

    def opt(name: str) -> str | None:
        v = get(name)
        if isinstance(v, dict):  # {"source": {"name": "..."}} in some news APIs
            v = v.get("name") or v.get("title")
        return str(v) if isinstance(v, str | int | float) and str(v).strip() else None

    return Article(id=article_id, text=text, date=valid_date(get("date")), title=opt("title"),
                   outlet=opt("outlet"), url=opt("url"), origin=where)


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_jsonl(path: Path, fields: dict[str, str], stream: IO[bytes] | None = None,
               name: str | None = None) -> Iterator[Article | ItemError]:
    label = name or str(path)
    stem = Path(label).name.split(".")[0] or "stdin"
    try:
        handle = stream or _open(path)
    except OSError as exc:
        yield ItemError(label, f"cannot open: {exc.strerror or exc}")
        return
    lineno = 0
    seen = False
    try:
        with handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                seen = True
                where = f"{label}:{lineno}"
                decoded = decode_bytes(line, where)
                if isinstance(decoded, ItemError):
                    yield decoded
                    continue
                try:
                    obj = json.loads(decoded)
                except json.JSONDecodeError as exc:
                    yield ItemError(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
                    continue
                yield record_to_article(obj, f"{stem}-{lineno}", where, fields)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        yield ItemError(label, f"truncated or corrupt compressed file after line {lineno}: {exc}")
        return
    if not seen:
        yield ItemError(label, "empty input")


def read_json_array(path: Path, data: bytes, fields: dict[str, str]) -> Iterator[Article | ItemError]:
    decoded = decode_bytes(data, str(path))
    if isinstance(decoded, ItemError):
        yield decoded
        return
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as exc:
        # maybe it is JSONL with a .json suffix
        if decoded.lstrip().startswith("{") and "\n" in decoded.strip():
            yield from read_jsonl(path, fields, io.BytesIO(data))
            return
        yield ItemError(str(path), f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return
    items = obj if isinstance(obj, list) else obj.get("articles") or obj.get("items") or [obj] \
        if isinstance(obj, dict) else [obj]
    for i, item in enumerate(items, 1):
        yield record_to_article(item, f"{path.stem}-{i}", f"{path}[{i}]", fields)


def read_csv(path: Path, fields: dict[str, str], stream: IO[bytes] | None = None,
             name: str | None = None) -> Iterator[Article | ItemError]:
    label = name or str(path)
    try:
        raw = stream or _open(path)
    except OSError as exc:
        yield ItemError(label, f"cannot open: {exc.strerror or exc}")
        return
    csv.field_size_limit(50_000_000)
    row_no = 0
    try:
        with raw:
            head = raw.read(65536)
            text_head = decode_bytes(head, label) if head else ItemError(label, "empty input")
            if isinstance(text_head, ItemError):
                yield text_head
                return
            rest = io.TextIOWrapper(io.BufferedReader(_Concat(head, raw)), encoding="utf-8", errors="replace",
                                    newline="")
            try:
                dialect: Any = csv.Sniffer().sniff(text_head[:8192], delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel_tab if Path(label).suffix.lower() in (".tsv", ".tab") else csv.excel
            reader = csv.DictReader(rest, dialect=dialect)
            stem = Path(label).name.split(".")[0]
            for row_no, row in enumerate(reader, 2):
                yield record_to_article(row, f"{stem}-{row_no}", f"{label}:{row_no}", fields)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        yield ItemError(label, f"truncated or corrupt compressed file after row {row_no}: {exc}")
    except csv.Error as exc:
        yield ItemError(f"{label}:{row_no + 1}", f"malformed CSV: {exc}")


class _Concat(io.RawIOBase):
    """A stream that first replays bytes already read (for sniffing), then continues the file."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.head:
            n = min(len(b), len(self.head))
            b[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        chunk = self.rest.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)
