"""Shared fixtures: the pipeline (loaded once), helpers to run it on text, ../shared paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from newsledger.config import Config
from newsledger.extract import make_doc
from newsledger.ingest import Article
from newsledger.pipeline import load

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load(Config())


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "eval" / "score.py").exists():
        pytest.skip("../shared (dev corpus, gold and scorer) is not present")
    return SHARED


def run(nlp: Language, text: str, date: str | None = "2024-06-14") -> Any:
    """Process one article body published on ``date`` (a Friday by default)."""
    return nlp(make_doc(nlp, Article(id="t", text=text, date=date)))


def figures(nlp: Language, text: str, date: str | None = "2024-06-14") -> list[dict[str, Any]]:
    return list(run(nlp, text, date)._.figures)


def statements(nlp: Language, text: str, date: str | None = "2024-06-14") -> list[dict[str, Any]]:
    return list(run(nlp, text, date)._.statements)


def one(items: list[dict[str, Any]], text: str) -> dict[str, Any]:
    found = [f for f in items if f["text"] == text]
    assert len(found) == 1, f"expected one {text!r} in {[f['text'] for f in items]}"
    return found[0]
