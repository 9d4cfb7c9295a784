"""Corrections: each kind applied, kept by a second analyze of the same input, undone back to the
automatic result; a target that is gone is reported "not applied"; on SQLite and PostgreSQL."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsledger.corrections import CorrectionError, correct, export_jsonl, figure_key, list_corrections, undo
from newsledger.report import export, ledger
from newsledger.store import Store, analyze, figures_t, quantities_t, sources_t, stories_t

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger"
INPUT = [DATA / "a1.jsonl"]


def fig(store: Store, article: str, text: str) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(figures_t).where(figures_t.c.article_id == article, figures_t.c.text == text)
                            ).mappings().one()


def snapshot(store: Store) -> dict[str, Any]:
    """What the automatic pipeline decided: every figure's fields, quantity and source (by the
    source's name), the quantities with their counts, the story labels."""
    with store.engine.connect() as conn:
        names = dict(conn.execute(sa.select(sources_t.c.id, sources_t.c.name)).all())
        figs = {(r.article_id, r.start, r.end): (r.category, r.event_date, r.date_basis, r.quantity_id,
                                                 names.get(r.source_id), r.auto)
                for r in conn.execute(sa.select(figures_t))}
        qs = {tuple(r) for r in conn.execute(sa.select(
            quantities_t.c.id, quantities_t.c.label, quantities_t.c.n_figures, quantities_t.c.n_sources,
            quantities_t.c.n_conflicts, quantities_t.c.n_disputes, quantities_t.c.n_revisions,
            quantities_t.c.estimate))}
        stories = {tuple(r) for r in conn.execute(sa.select(stories_t.c.id, stories_t.c.label, stories_t.c.n_articles))}
    return {"figures": figs, "quantities": qs, "stories": stories}


def story_of(store: Store, article: str) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT story_id FROM articles WHERE id = :a"), {"a": article}).scalar())


def quantity(store: Store, qid: str) -> Any:
    return next(iter(ledger(store, quantity_id=qid)), None)


@pytest.fixture
def store(db_target: str) -> Any:
    analyze(INPUT, db_target)
    s = Store(db_target)
    yield s
    s.close()


def rerun(store: Store) -> None:
    """A second analyze of the same input, against the same store (as a user reruns it)."""
    analyze(INPUT, store.engine.url.render_as_string(hide_password=False))


def test_each_kind_is_applied_survives_a_rerun_and_undo_restores_the_automatic_result(store: Store) -> None:
    auto = snapshot(store)
    brel = fig(store, "north-2", "52")
    agency = fig(store, "north-2", "31")
    evac = fig(store, "north-1", "About 2,500")
    missing = fig(store, "north-1", "37")
    injured = fig(store, "north-1", "more than 80")
    quake, ferry = story_of(store, "north-1"), story_of(store, "south-1")

    def check_category() -> None:
        f = fig(store, "north-1", "About 2,500")
        assert f["category"] == "displaced" and json.loads(f["auto"]) == {"category": "evacuated"}
        q = quantity(store, f["quantity_id"])
        assert q is not None and q.category == "displaced" and f["quantity_id"] != evac["quantity_id"]

    def check_date() -> None:
        f = fig(store, "north-2", "31")
        assert f["event_date"] == "2030-08-06" and f["date_basis"] == "corrected"
        q = quantity(store, f["quantity_id"])
        assert q is not None and q.last_date == "2030-08-06"

    def check_not_a_figure() -> None:
        assert fig(store, "north-2", "52")["quantity_id"] is None
        q = quantity(store, brel["quantity_id"])
        assert q is not None and "52" not in [f.text for f in q.figures] and q.n_figures == 3
        out = io.StringIO()
        export(store, "jsonl", out)
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        assert not any(r["kind"] == "figure" and r["doc"] == "north-2" and r["text"] == "52" for r in records)
        assert any(r["kind"] == "figure" and r["doc"] == "north-2" and r["text"] == "31" for r in records)

    def check_move() -> None:
        assert fig(store, "north-1", "37")["quantity_id"] == injured["quantity_id"]
        q = quantity(store, injured["quantity_id"])
        assert q is not None and "37" in [f.text for f in q.figures]

    def check_merge_sources() -> None:
        assert fig(store, "north-2", "52")["source_id"] == agency["source_id"]
        q = quantity(store, brel["quantity_id"])
        assert q is not None and q.n_disputes == 0 and q.n_sources == 1

    def check_split() -> None:
        f = fig(store, "north-2", "31")
        assert f["source_id"] not in (agency["source_id"], None)
        with store.engine.connect() as conn:
            assert conn.execute(sa.select(sources_t.c.name).where(sources_t.c.id == f["source_id"])).scalar() == \
                "civil defence agency (Monday report)"

    def check_rename() -> None:
        with store.engine.connect() as conn:
            assert conn.execute(sa.select(stories_t.c.label).where(stories_t.c.id == quake)).scalar() == \
                "Osk valley earthquake"

    def check_merge_stories() -> None:
        assert story_of(store, "south-1") == quake
        q = quantity(store, fig(store, "south-1", "12")["quantity_id"])
        assert q is not None and q.story_id == quake

    cases = [
        ("category", str(evac["id"]), "displaced", check_category),
        ("date", str(agency["id"]), "2030-08-06", check_date),
        ("not-a-figure", figure_key("north-2", brel["start"], brel["end"]), None, check_not_a_figure),
        ("move-figure", str(missing["id"]), injured["quantity_id"], check_move),
        ("merge-sources", brel["source_id"], agency["source_id"], check_merge_sources),
        ("split-source", str(agency["id"]), "civil defence agency (Monday report)", check_split),
        ("rename-story", quake, "Osk valley earthquake", check_rename),
        ("merge-stories", ferry, quake, check_merge_stories),
    ]
    for kind, target, value, check in cases:
        c = correct(store, kind, target, value, who="ana", why=f"testing {kind}")
        assert c.status == "applied", (kind, c.status)
        check()
        rerun(store)
        check()
        undone = undo(store, c.id, who="ben")
        assert undone.undone_by == "ben" and not undone.active
        assert snapshot(store) == auto, kind
    rows = list_corrections(store)
    assert [c.kind for c in reversed(rows)] == [k for k, *_ in cases]
    assert all(c.undone_at and c.who == "ana" for c in rows)
    out = io.StringIO()
    assert export_jsonl(store, out) == len(cases)
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert exported[0]["kind"] == "category" and exported[0]["why"] == "testing category"
    assert exported[0]["target"] == figure_key("north-1", evac["start"], evac["end"])


def test_corrections_combine_and_a_later_one_on_the_same_figure_wins(store: Store) -> None:
    evac = fig(store, "north-1", "About 2,500")
    first = correct(store, "category", str(evac["id"]), "displaced", who="ana")
    second = correct(store, "category", str(evac["id"]), "other", who="ana")
    assert fig(store, "north-1", "About 2,500")["category"] == "other"
    assert [c.status for c in list_corrections(store)] == ["applied", f"superseded by #{second.id}"]
    undo(store, second.id)
    assert fig(store, "north-1", "About 2,500")["category"] == "displaced"  # the first holds again
    undo(store, first.id)
    f = fig(store, "north-1", "About 2,500")
    assert f["category"] == "evacuated" and f["auto"] is None


def test_a_target_that_is_gone_is_reported_not_applied(store: Store, tmp_path: Path) -> None:
    """Articles replaced with new text: a figure still at its offsets is corrected again in its new
    row (new id); one whose words are gone is kept and reported, and analyze does not fail."""
    brel = fig(store, "north-2", "52")
    agency = fig(store, "north-2", "31")
    kept = correct(store, "category", str(agency["id"]), "injured", who="ana")
    lost = correct(store, "not-a-figure", str(brel["id"]), who="ana")
    rows = [json.loads(line) for line in (DATA / "a1.jsonl").read_text(encoding="utf-8").splitlines()]
    for r in rows:
        if r["id"] == "north-2":
            r["text"] = r["text"].replace("52", "61")  # same length: "31" keeps its offsets
    changed = tmp_path / "a1.jsonl"
    changed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = analyze([changed], store.engine.url.render_as_string(hide_password=False))
    assert report.replaced == 1 and not report.errors
    now = fig(store, "north-2", "31")
    assert now["id"] != agency["id"] and now["category"] == "injured"
    status = {c.id: c.status for c in list_corrections(store)}
    assert status[kept.id] == "applied"
    assert status[lost.id].startswith("not applied: article 'north-2' now says “61”")
    assert fig(store, "north-2", "61")["quantity_id"] is not None
    undo(store, lost.id)  # undoing a correction that is not applied is fine too


def test_bad_corrections_are_refused_and_store_nothing(store: Store) -> None:
    evac = fig(store, "north-1", "About 2,500")
    with pytest.raises(CorrectionError, match="unknown category"):
        correct(store, "category", str(evac["id"]), "exploded")
    with pytest.raises(CorrectionError, match="YYYY-MM-DD"):
        correct(store, "date", str(evac["id"]), "yesterday")
    with pytest.raises(CorrectionError, match="no figure #99999"):
        correct(store, "not-a-figure", "99999")
    ferry_q = fig(store, "south-1", "12")["quantity_id"]
    with pytest.raises(CorrectionError, match="another story"):
        correct(store, "move-figure", str(evac["id"]), ferry_q)
    with pytest.raises(CorrectionError, match="never named"):
        correct(store, "split-source", evac["source_id"], "Somebody Else")
    with pytest.raises(CorrectionError, match="no correction #5"):
        undo(store, 5)
    assert list_corrections(store) == []


def test_a_figure_moved_in_does_not_relabel_the_quantity(store: Store) -> None:
    """The moved figure has a smaller id than the quantity's own figures: the label and category
    still come from the figures linking put there."""
    missing = fig(store, "north-1", "37")
    evac = fig(store, "north-1", "About 2,500")
    assert missing["id"] < evac["id"]
    before = quantity(store, evac["quantity_id"])
    correct(store, "move-figure", str(missing["id"]), evac["quantity_id"], who="ana")
    after = quantity(store, evac["quantity_id"])
    assert before is not None and after is not None
    assert (after.label, after.category, after.n_figures) == (before.label, "evacuated", before.n_figures + 1)
