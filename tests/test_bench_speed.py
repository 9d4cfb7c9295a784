"""The speed benchmark's corpus (bench/bench_speed.py): every copy of a dev article is a new
article to the store (own id, renamed names, shifted numbers, same dates), and the benchmark
falls back to generated articles when ../shared is absent. Nothing here is timed."""

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from newsledger.extract import ArticleResult
from newsledger.ingest import Article
from newsledger.records import Figure, Statement

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("bench_speed")
    finally:
        sys.path.remove(str(BENCH))


TEXT = ("KARVEL, Feb 10 -- Officials in Karvelia said on Tuesday that 2,700 people died in Hazrun, "
        "and Amira Tolvan of the Red Crescent said 150 were missing since 4 February 2024.")


def shared(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [{"id": f"a{i}", "date": "2024-02-10", "title": "Quake in Hazrun", "text": TEXT.replace("150", str(150 + i))}
            for i in range(3)]
    (corpus / "dev_hard.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return corpus


def test_change_renames_names_and_shifts_numbers_but_keeps_dates(bench: ModuleType) -> None:
    out = bench.change(TEXT, 1)
    assert "Karvelia" not in out and "Hazrun" not in out and "Tolvan" not in out
    assert "Feb 10" in out and "Tuesday" in out and "4 February 2024" in out
    assert "153 were missing" in out  # 150 + 3 per copy; 2,700 is two numbers below 32 and above
    assert bench.change(TEXT, 1) == out and bench.change(TEXT, 2) != out


def test_corpus_mixes_changed_copies_and_generated_articles(bench: ModuleType, tmp_path: Path) -> None:
    rows = bench.make_corpus(20, shared(tmp_path))
    assert len(rows) == 20
    assert len({r["id"] for r in rows}) == 20
    copies = [r for r in rows if "~" in r["id"]]
    assert len(copies) == 10
    assert len({r["text"] for r in copies}) == 10 and not {r["text"] for r in copies} & {TEXT}
    assert all(r["date"] == "2024-02-10" for r in copies)


def test_corpus_without_shared_is_generated_only(bench: ModuleType, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rows = bench.make_corpus(5, tmp_path / "absent")
    assert len(rows) == 5 and not any("~" in r["id"] for r in rows)
    assert "not found" in capsys.readouterr().err


def test_store_variants_are_new_articles_with_their_records(bench: ModuleType) -> None:
    art = Article(id="a1", text=TEXT, date="2024-02-10", title="Quake in Hazrun")
    fig = Figure(doc="a1", start=0, end=5, text="2,700", value=2700, value_high=None, qualifier="exact",
                 unit=None, counted="people", category="killed", source="Amira Tolvan", event_date=None,
                 place="Hazrun")
    st = Statement(doc="a1", start=0, end=10, text="said", speaker="Amira Tolvan", direct=False, cue="said")
    base = [ArticleResult(art, [fig], [st], ["Hazrun"])]
    out = list(bench.variants(base, 3))
    assert [r.article.id for r in out] == ["a1", "a1#1", "a1#2"]
    for r in out[1:]:
        assert r.figures[0].doc == r.article.id and r.statements[0].doc == r.article.id
        assert r.figures[0].source == r.statements[0].speaker != "Amira Tolvan"
        assert r.figures[0].place == r.names[0] != "Hazrun"
