"""Analyze on a Dask cluster: extraction on workers, grouping after, identical results.

Stages: the inputs are cut into partitions (files; large JSONL files into line-aligned byte
ranges). Each worker loads the NLP pipeline once and, per partition, reads, extracts and
*stages* each article into the shared store in its own transaction, skipping articles
already stored unchanged (content hash). Every article carries a sequence number that
follows the input order. When all partitions are done, one process links the staged
articles in that order (near-duplicates, stories, sources, quantity ids) and refreshes the
quantities; this is exactly what a single-process run does, so the results are the same.
A worker that dies mid-partition loses nothing: Dask reruns the partition elsewhere and the
articles it had staged are skipped by their hash.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config
from .ingest import Article, ItemError, read_path, screen
from .ingest.tabular import read_jsonl
from .store import AnalyzeReport, Staged, Store, content_hash, date_from_stories, to_url

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from .extract import ArticleResult

CHUNK_BYTES = 4 * 1024 * 1024
SEQ_STRIDE = 1 << 24  # articles per partition, at most


@dataclass(frozen=True)
class Partition:
    """A unit of work: one file, or a line-aligned byte range of a large JSONL file."""

    index: int
    path: str
    start: int = 0
    end: int | None = None


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return [p for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)]
    return [path]


def make_partitions(inputs: list[str | Path], chunk_bytes: int = CHUNK_BYTES) -> list[Partition]:
    """Partitions in input order (the order articles are linked in)."""
    out: list[Partition] = []
    for item in inputs:
        text = str(item)
        if text == "-" or text.lower().startswith(("http://", "https://")):
            raise ValueError(f"{text}: distributed runs read files and directories; use a single-process run "
                             "for URLs and stdin")
        for f in _files(Path(item)):
            name = f.name.lower()
            size = f.stat().st_size if f.exists() else 0
            if name.endswith((".jsonl", ".ndjson")) and size > chunk_bytes:
                for start, end in _line_ranges(f, size, chunk_bytes):
                    out.append(Partition(len(out), str(f), start, end))
            else:
                out.append(Partition(len(out), str(f)))
    return out


def _line_ranges(path: Path, size: int, chunk: int) -> Iterator[tuple[int, int]]:
    with path.open("rb") as fh:
        start = 0
        while start < size:
            fh.seek(min(size, start + chunk))
            while (part := fh.readline(1 << 20)) and not part.endswith(b"\n"):
                pass  # move to the next line start, in bounded steps (a line may be huge)
            end = min(size, fh.tell()) if start + chunk < size else size
            yield start, end
            start = end


class _Range:
    """A file read from ``start`` up to ``end`` (line-aligned), as a binary stream."""

    def __init__(self, path: str, start: int, end: int) -> None:
        self.fh = open(path, "rb")  # noqa: SIM115 - closed by the reader's with-block
        self.fh.seek(start)
        self.left = end - start

    def readline(self, size: int = -1) -> bytes:
        """At most ``size`` bytes of the current line, never past the range (the JSONL reader
        reads lines through this with its per-line limit, so a huge line is never held whole)."""
        if self.left <= 0:
            return b""
        line = self.fh.readline(self.left if size < 0 else min(size, self.left))
        self.left -= len(line)
        return line

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def __enter__(self) -> _Range:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def read_partition(part: Partition, config: Config) -> Iterator[Article | ItemError]:
    if part.end is None:
        items = read_path(Path(part.path), config)
    else:
        name = f"{part.path}@{part.start}"
        items = read_jsonl(Path(part.path), config.field_map(), _Range(part.path, part.start, part.end),  # type: ignore[arg-type]
                           name=name, config=config)
    yield from screen(items, config)


def process_partition(part: Partition, target: str, config: Config, seq_base: int) -> dict[str, Any]:
    """Runs on a worker: read, extract and stage one partition (idempotent)."""
    from .extract import iter_processed

    errors: list[ItemError] = []
    staged = unchanged = 0
    seqs: dict[str, int] = {}
    store = Store(target)
    try:
        def fresh() -> Iterator[Article | ItemError]:
            nonlocal unchanged
            for pos, item in enumerate(read_partition(part, config)):
                if isinstance(item, Article):
                    seqs[item.id] = seq_base + part.index * SEQ_STRIDE + pos
                    stored = store.stored_hashes([item.id])
                    if stored.get(item.id) == content_hash(item):
                        unchanged += 1
                        continue
                yield item

        def write(conn: Connection, group: Sequence[ArticleResult]) -> list[None]:
            store.stage_articles(conn, [Staged(r.article, r.figures, r.statements, r.names, seqs[r.article.id], r.pub,
                                               r.features, r.place_aliases, r.minhash) for r in group])
            return [None] * len(group)

        for _ in store.write_batches(iter_processed(fresh(), config, errors=errors), write, config.store_batch,
                                     errors):
            staged += 1
    finally:
        store.close()
    return {"index": part.index, "staged": staged, "unchanged": unchanged,
            "errors": [(e.where, e.message) for e in errors], "pid": os.getpid()}


def _absolute(target: str | Path | None) -> str:
    url = to_url(target)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + str(Path(url[len("sqlite:///"):]).resolve())
    return url


def analyze_distributed(inputs: list[str | Path], target: str | Path | None = None, config: Config | None = None,
                        workers: int = 2, scheduler: str | None = None,
                        on_partition: Callable[[dict[str, Any]], None] | None = None,
                        client: Any = None, chunk_bytes: int = CHUNK_BYTES) -> AnalyzeReport:
    """``analyze`` on Dask: a scheduler address (``tcp://host:8786``) or a local cluster of
    ``workers`` processes on 127.0.0.1. The store should be PostgreSQL for a real cluster
    (SQLite works on one machine)."""
    config = config or Config()
    url = _absolute(target)
    # the coordinator holds the store's writer lock for the whole run (workers only stage, with
    # the sequence numbers it hands out), so no other analyze can take the same numbers or link
    # in between
    with Store(url) as store, store.writer_lock():
        return _run(store, url, inputs, config, workers, scheduler, on_partition, client, chunk_bytes)


def _run(store: Store, url: str, inputs: list[str | Path], config: Config, workers: int, scheduler: str | None,
         on_partition: Callable[[dict[str, Any]], None] | None, client: Any, chunk_bytes: int) -> AnalyzeReport:
    from dask.distributed import Client, LocalCluster, as_completed

    report = AnalyzeReport()
    store.link_pending()  # a previous run killed after staging
    with store.engine.connect() as conn:
        seq_base = store.next_seq(conn)
    parts = make_partitions(list(inputs), chunk_bytes)
    cluster = None
    own_client = client is None
    if client is None:
        if scheduler:
            client = Client(scheduler)
        else:
            # no dashboard, and the scheduler's own HTTP endpoint on a free port: with the default
            # (8787) a second run on the same machine fails with "Port 8787 is already in use"
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=40,
                                   scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
            client = Client(cluster)
    try:
        # a Dask worker parses in its own process: it cannot start worker processes of its own
        futures = client.map(process_partition, parts, target=url, config=config.with_(n_process=1),
                             seq_base=seq_base, pure=False)
        results: dict[int, dict[str, Any]] = {}
        for fut in as_completed(futures):
            res = fut.result()
            results[res["index"]] = res
            if on_partition is not None:
                on_partition(res)
    finally:
        if own_client:
            client.close()
            if cluster is not None:
                cluster.close()
    for i in sorted(results):
        r = results[i]
        report.added += r["staged"]
        report.unchanged += r["unchanged"]
        report.errors.extend(ItemError(w, m) for w, m in r["errors"])
    with store.engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM articles WHERE dup_of IS NOT NULL").scalar() or 0
    store.link_pending()
    with store.engine.connect() as conn:
        after = conn.exec_driver_sql("SELECT count(*) FROM articles WHERE dup_of IS NOT NULL").scalar() or 0
    report.duplicates = int(after) - int(before)
    report.story_dated = date_from_stories(store, config)
    report.quantities_updated = store.refresh_dirty()
    return report
