"""Read articles from crawl-style text files, JSONL files and directories of either.

Every reader yields :class:`Article` or :class:`ItemError`, never raises for bad
input: one broken file or line must not stop a run over thousands of articles.
Offsets in every record index ``Article.text`` (the body), so readers never
alter the body beyond cutting off the crawl header.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text", ""}
# ` date 2022-05-01 Title`: the header line real crawls put before the body.
_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*(.*)$")


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

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "date": self.date, "title": self.title, "outlet": self.outlet,
                "url": self.url, "text": self.text}


@dataclass(frozen=True)
class ItemError:
    """A per-item failure: where (file, optionally line) and a message a person can act on."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _valid_date(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:10]
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def decode_bytes(data: bytes, where: str) -> str | ItemError:
    """Strict UTF-8 (with optional BOM); binary and undecodable input become errors."""
    if not data.strip():
        return ItemError(where, "empty input")
    if b"\x00" in data[:8192]:
        return ItemError(where, "binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ItemError(where, f"invalid UTF-8 at byte {exc.start}: {exc.reason}")


def parse_crawl_text(raw: str, article_id: str, origin: str = "") -> Article | ItemError:
    """The plain-text crawl form: optional ` date YYYY-MM-DD Title` line, blank line, body."""
    date = title = None
    body = raw
    first, sep, rest = raw.partition("\n")
    match = _HEADER.match(first)
    if match and _valid_date(match.group(1)):
        date = match.group(1)
        title = match.group(2).strip() or None
        body = rest.lstrip("\r\n") if sep else ""
    if not body.strip():
        return ItemError(origin or article_id, "no article body")
    return Article(id=article_id, text=body, date=date, title=title, origin=origin)


def article_from_json(obj: object, default_id: str, where: str) -> Article | ItemError:
    """One JSONL record with the fields of the dev corpus (``text`` required)."""
    if not isinstance(obj, dict):
        return ItemError(where, f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return ItemError(where, "missing or empty 'text' field")
    raw_id = obj.get("id")
    article_id = str(raw_id) if raw_id not in (None, "") else default_id

    def opt(key: str) -> str | None:
        value = obj.get(key)
        return value if isinstance(value, str) and value.strip() else None

    return Article(id=article_id, text=text, date=_valid_date(obj.get("date")), title=opt("title"),
                   outlet=opt("outlet"), url=opt("url"), origin=where)


def read_jsonl(path: Path) -> Iterator[Article | ItemError]:
    """Each line independently: a malformed line is reported with its number and skipped."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield ItemError(str(path), f"cannot open: {exc.strerror or exc}")
        return
    with handle:
        seen_any = False
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            seen_any = True
            where = f"{path}:{lineno}"
            decoded = decode_bytes(line, where)
            if isinstance(decoded, ItemError):
                yield decoded
                continue
            try:
                obj = json.loads(decoded)
            except json.JSONDecodeError as exc:
                yield ItemError(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            yield article_from_json(obj, f"{path.stem}-{lineno}", where)
        if not seen_any:
            yield ItemError(str(path), "empty input")


def read_text_file(path: Path) -> Iterator[Article | ItemError]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ItemError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    decoded = decode_bytes(data, str(path))
    if isinstance(decoded, ItemError):
        yield decoded
        return
    yield parse_crawl_text(decoded, path.stem, str(path))


def _files_under(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(directory).parts):
            yield path


def read_path(path: Path) -> Iterator[Article | ItemError]:
    """A file (JSONL by suffix, else crawl text) or a directory of such files."""
    if path.is_dir():
        for child in _files_under(path):
            yield from read_path(child)
    elif not path.exists():
        yield ItemError(str(path), "no such file or directory")
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path)
    else:
        yield from read_text_file(path)


def read_articles(inputs: Iterable[str | Path]) -> Iterator[Article | ItemError]:
    """All articles from all inputs, in order; ids repeated across inputs are reported once."""
    seen: set[str] = set()
    for item in inputs:
        for result in read_path(Path(item)):
            if isinstance(result, Article):
                if result.id in seen:
                    yield ItemError(result.origin or result.id, f"duplicate article id {result.id!r}; skipped")
                    continue
                seen.add(result.id)
            yield result
