"""Records in JSONL (optionally gzipped), JSON arrays and CSV/TSV, with configurable field names.

Each record is read independently: a malformed line or row is reported with its number and
skipped. Files are streamed, so a 50 MB export costs memory for one record at a time: a line
(or CSV field) over the per-item limit is skipped in chunks without being held, and a gzip
stream stops at ``Config.max_decompressed_bytes`` (or ``max_compression_ratio`` times its size).

A CSV row is malformed when a quoted field does not close right before a delimiter or the line
end (strict CSV), or the file ends inside quotes. It is reported with its first line. When such
a row spans several lines and its second line, read alone, has exactly the header's number of
columns, the quote was left open and swallowed the rows after it: those lines are read again as
rows. Otherwise reading resumes after the line where the error was found. A field over the
limit skips its row up to the line where its quotes balance.
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

from ..config import Config
from .base import Article, ItemError, decode_bytes, parse_date

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

    date, warning = parse_date(get("date"))
    return Article(id=article_id, text=text, date=date, title=opt("title"), outlet=opt("outlet"), url=opt("url"),
                   origin=where, warnings=(warning,) if warning else ())


class OverLimit(Exception):
    """Input past a size limit: the rest of that file is skipped (never held in memory)."""


class _Bounded(io.RawIOBase):
    """A (decompressed) stream that raises :class:`OverLimit` past ``limit`` bytes, or past
    ``max_run`` bytes without a line break (a reader looking for a line end, as warcio does,
    would otherwise hold all of it)."""

    def __init__(self, inner: IO[bytes], limit: int | None, max_run: int | None = None,
                 underlying: IO[bytes] | None = None) -> None:
        self.inner, self.limit, self.max_run, self.underlying = inner, limit, max_run, underlying
        self.total = self.run = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        chunk = self.inner.read(len(b))
        n = len(chunk)
        b[:n] = chunk
        self.total += n
        if self.limit is not None and self.total > self.limit:
            raise OverLimit(f"decompressed input over the limit of {self.limit:,} bytes "
                            "(Config.max_decompressed_bytes, Config.max_compression_ratio)")
        if self.max_run is not None and n:
            last = chunk.rfind(b"\n")
            self.run = self.run + n if last < 0 else n - last - 1
            if self.run > self.max_run:
                raise OverLimit(f"over {self.max_run:,} bytes without a line break (Config.max_item_bytes)")
        return n

    def close(self) -> None:
        self.inner.close()
        if self.underlying is not None:  # what a GzipFile(fileobj=...) leaves open
            self.underlying.close()
        super().close()


def decompressed_limit(compressed: int, config: Config) -> int:
    """How far a gzip stream of ``compressed`` bytes may inflate: text inflates 3-10x, a bomb
    1000x, so large real archives pass while a small file cannot become gigabytes."""
    return max(config.max_decompressed_bytes, config.max_compression_ratio * compressed)


def _open(path: Path, config: Config | None = None) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        limit = decompressed_limit(path.stat().st_size, config or Config())
        return io.BufferedReader(_Bounded(gzip.GzipFile(path, "rb"), limit))  # type: ignore[arg-type]
    return path.open("rb")


def _lines(handle: Any, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """(line, size) of each line; a line over ``limit`` is (None, size), read past in chunks."""
    readline = getattr(handle, "readline", None)
    if readline is None:  # a plain iterable of lines
        for line in handle:
            yield (line if len(line) <= limit else None), len(line)
        return
    while line := readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while part := readline(1 << 20):
            size += len(part)
            if part.endswith(b"\n"):
                break
        yield None, size


def read_jsonl(path: Path, fields: dict[str, str], stream: IO[bytes] | None = None,
               name: str | None = None, config: Config | None = None) -> Iterator[Article | ItemError]:
    config = config or Config()
    label = name or str(path)
    stem = Path(label).name.split(".")[0] or "stdin"
    try:
        handle = stream or _open(path, config)
    except OSError as exc:
        yield ItemError(label, f"cannot open: {exc.strerror or exc}")
        return
    lineno = 0
    seen = False
    limit = config.max_item_bytes
    try:
        with handle:
            for lineno, (line, size) in enumerate(_lines(handle, limit), 1):
                where = f"{label}:{lineno}"
                if line is None:
                    seen = True
                    yield ItemError(where, f"line of {size:,} bytes is over the per-item limit of {limit:,} bytes "
                                           "(Config.max_item_bytes); skipped")
                    continue
                if not line.strip():
                    continue
                seen = True
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
    except OverLimit as exc:
        yield ItemError(label, f"{exc} after line {lineno}; the rest of the file is skipped")
        return
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
             name: str | None = None, config: Config | None = None) -> Iterator[Article | ItemError]:
    config = config or Config()
    label = name or str(path)
    try:
        raw = stream or _open(path, config)
    except OSError as exc:
        yield ItemError(label, f"cannot open: {exc.strerror or exc}")
        return
    limit = config.max_item_bytes
    csv.field_size_limit(limit)  # explicit: the module's default (128 KiB) is no article's size
    row_no = 1
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
            stem = Path(label).name.split(".")[0]
            for row_no, row in enumerate(_csv_rows(rest, dialect, limit, label), 2):
                if isinstance(row, ItemError):
                    yield row
                else:
                    yield record_to_article(row, f"{stem}-{row_no}", f"{label}:{row_no}", fields)
    except OverLimit as exc:
        yield ItemError(label, f"{exc} after row {row_no}; the rest of the file is skipped")
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        yield ItemError(label, f"truncated or corrupt compressed file after row {row_no}: {exc}")


class _PhysicalLines:
    """The lines a csv reader consumes, numbered, bounded, with the current row's lines kept
    so that a malformed row can be reported by line and its swallowed lines read again."""

    def __init__(self, text: IO[str], limit: int, quote: str = '"') -> None:
        self.text, self.limit, self.quote = text, limit, quote
        self.no = 0
        self.again: list[tuple[int, str]] = []  # lines to read again, last first
        self.row: list[tuple[int, str]] = []
        self.over: tuple[int, int] | None = None  # (line, size) of a line over the limit in this row

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> str:
        if self.again:
            no, line = self.again.pop()
        else:
            line = self.text.readline(self.limit + 1)
            if not line:
                raise StopIteration
            self.no += 1
            no = self.no
            if len(line) > self.limit and not line.endswith(("\n", "\r")):
                # read past it in chunks; the parser gets only its quote parity, so that a quoted
                # field closed on this line still closes (the row is then reported)
                size, quotes = len(line), line.count(self.quote)
                while part := self.text.readline(1 << 20):
                    size += len(part)
                    quotes += part.count(self.quote)
                    if part.endswith(("\n", "\r")):
                        break
                self.over = (no, size)
                line = self.quote * (quotes % 2) + "\n"
        self.row.append((no, line))
        return line


def _csv_rows(text: IO[str], dialect: Any, limit: int, label: str) -> Iterator[dict[str, Any] | ItemError]:
    """Rows as dicts keyed by the header (like csv.DictReader), malformed rows as errors; see
    the module docstring for how a malformed row is told from the rows it swallowed."""
    quote = getattr(dialect, "quotechar", '"') or '"'
    lines = _PhysicalLines(text, limit, quote)
    # the sniffer guesses doublequote=False when its sample has no "" pair; then a stray quote
    # would not be detected, so quotes are doubled (RFC 4180) unless the file uses an escape
    reader = csv.reader(lines, dialect=dialect, strict=True,
                        doublequote=bool(dialect.doublequote or not dialect.escapechar))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield ItemError(f"{label}:1", f"malformed CSV header: {exc}")
        return
    width = len(header)
    while True:
        lines.row, lines.over = [], None
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            taken = lines.row
            first = taken[0][0] if taken else lines.no
            if "field larger than field limit" in str(exc):
                odd = sum(line.count(quote) for _, line in taken) % 2
                while odd and (line := next(lines, None)) is not None:
                    odd ^= line.count(quote) % 2
                yield ItemError(f"{label}:line {first}", f"field over the per-item limit of {limit:,} characters "
                                                         "(Config.max_item_bytes); row skipped")
                continue
            swallowed = len(taken) > 1 and _width(taken[1][1], dialect) == width
            if swallowed:
                lines.again.extend(reversed(taken[1:]))
            yield ItemError(f"{label}:line {first}", f"malformed CSV row: {exc}" + (
                " (an unclosed quote; the lines after it are read again as rows)" if swallowed else "; row skipped"))
            continue
        if lines.over is not None:
            yield ItemError(f"{label}:line {lines.row[0][0]}", f"line {lines.over[0]} of {lines.over[1]:,} characters "
                                                               f"is over the per-item limit of {limit:,} "
                                                               "(Config.max_item_bytes); row skipped")
            continue
        if not row:
            continue
        record: dict[str, Any] = dict(zip(header, row, strict=False))
        for key in header[len(row):]:
            record.setdefault(key, None)
        yield record


def _width(line: str, dialect: Any) -> int:
    """How many columns one line has, read alone (0 when it is not a complete row by itself)."""
    try:
        rows = list(csv.reader([line], dialect=dialect, strict=True))
    except csv.Error:
        return 0
    return len(rows[0]) if len(rows) == 1 else 0


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
