"""Shared fixtures: the pipeline (loaded once), helpers to run it on text, ../shared paths."""

from __future__ import annotations

import os
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


PG_URL = os.environ.get("NEWSLEDGER_TEST_PG", "postgresql://newsledger:newsledger@127.0.0.1:5432/newsledger_test")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def _reset_pg() -> None:
    import sqlalchemy as sa

    from newsledger.store import to_url

    engine = sa.create_engine(to_url(PG_URL))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def store_target(kind: str, tmp: Path) -> str:
    """A fresh, empty store target of ``kind``: a SQLite file in ``tmp``, or the real PostgreSQL
    database, emptied. CI sets NEWSLEDGER_REQUIRE_PG=1 so a missing server fails instead of skipping."""
    if kind == "sqlite":
        return str(tmp / "ledger.db")
    if not _pg_available():
        if os.environ.get("NEWSLEDGER_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required but not reachable at {PG_URL}")
        pytest.skip(f"no PostgreSQL at {PG_URL}")
    _reset_pg()
    return PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store target on each store (see ``store_target``)."""
    return store_target(request.param, tmp_path)
