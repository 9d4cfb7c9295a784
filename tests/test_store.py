"""The store on real SQLite and real PostgreSQL: ingest, idempotent reruns, incremental adds,
near-duplicates, stories, sources, quantities, conflicts and full-text search."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import newsledger
from newsledger.report import QuantityView, conflict_list, ledger, spec_records
from newsledger.store import (
    SCHEMA_VERSION,
    Staged,
    Store,
    analyze,
    articles_t,
    figures_t,
    quantities_t,
    schema_version,
    sources_t,
    to_url,
)

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger" / "a1.jsonl"


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    opened.clear()
    yield
    for s in opened:
        s.close()


opened: list[Store] = []


def _open(target: str) -> Store:
    s = Store(target)
    opened.append(s)
    return s


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_analyze_builds_the_ledger_and_reruns_change_nothing(db_target: str) -> None:
    first = analyze([DATA], db_target)
    assert (first.added, first.unchanged, first.errors) == (4, 0, [])
    assert first.duplicates == 1
    store = _open(db_target)
    with store.engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        dup = conn.execute(sa.select(articles_t.c.dup_of).where(articles_t.c.id == "north-1-copy")).scalar()
        stories = dict(conn.execute(sa.select(articles_t.c.id, articles_t.c.story_id)).all())
    assert dup == "north-1"
    assert stories["north-1"] == stories["north-2"] != stories["south-1"]
    n_fig, n_src = _count(store, figures_t), _count(store, sources_t)
    records = sorted(map(str, spec_records(store)))

    again = analyze([DATA], db_target)
    assert (again.added, again.unchanged) == (0, 4)
    assert (_count(store, figures_t), _count(store, sources_t)) == (n_fig, n_src)
    assert sorted(map(str, spec_records(store))) == records


def test_running_toll_is_one_quantity_with_revision_and_dispute(db_target: str) -> None:
    analyze([DATA], db_target)
    store = _open(db_target)
    killed = [q for q in ledger(store) if q.category == "killed"]
    assert len(killed) == 1
    q = killed[0]
    assert sorted(f.value for f in q.figures) == [14, 14, 31, 52]
    assert q.n_outlets == 3
    kinds = {(c.a.value, c.b.value, c.kind) for c in conflict_list(store) if c.quantity_id == q.id}
    assert (31, 52, "dispute") in kinds or (52, 31, "dispute") in kinds
    # evacuations and the ferry's missing are other quantities
    others = {f.value for v in ledger(store) if v.id != q.id for f in v.figures}
    assert {2500, 12, 140} <= others


def test_incremental_add_and_changed_article_replaced(db_target: str, tmp_path: Path) -> None:
    analyze([DATA], db_target)
    extra = tmp_path / "more.jsonl"
    extra.write_text('{"id": "north-3", "date": "2030-08-06", "outlet": "Osk Daily", '
                     '"text": "The civil defence agency said on Tuesday that 40 people had been killed in the '
                     'Osk valley earthquake in Norland."}\n', encoding="utf-8")
    r = analyze([DATA, extra], db_target)
    assert (r.added, r.unchanged) == (1, 4)
    changed = tmp_path / "changed.jsonl"
    changed.write_text('{"id": "north-3", "date": "2030-08-06", "outlet": "Osk Daily", '
                       '"text": "The civil defence agency said on Tuesday that 44 people had been killed in the '
                       'Osk valley earthquake in Norland."}\n', encoding="utf-8")
    r = analyze([changed], db_target)
    assert r.replaced == 1
    store = _open(db_target)
    values = [f.value for q in ledger(store) if q.category == "killed" for f in q.figures]
    assert 44 in values and 40 not in values


def test_sources_are_canonical_across_articles(db_target: str) -> None:
    analyze([DATA], db_target)
    store = _open(db_target)
    with store.engine.connect() as conn:
        names = {r[0]: r[1] for r in conn.execute(sa.select(sources_t.c.name, sources_t.c.kind))}
    brel = [n for n in names if "Brel" in n]
    assert brel == ["Tomas Brel"]
    assert names["Tomas Brel"] in ("person", "official", "government")


def test_full_text_search(db_target: str) -> None:
    analyze([DATA], db_target)
    store = _open(db_target)
    assert store.search_articles("ferry") == ["south-1"]
    assert set(store.search_articles("earthquakes")) >= {"north-1", "north-2"}


def test_migrations_upgrade_an_old_store(tmp_path: Path) -> None:
    from newsledger.store import MIGRATIONS, connect, meta_t

    db = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        MIGRATIONS[1](conn)
        meta_t.create(conn, checkfirst=True)
        conn.execute(meta_t.insert().values(key="schema_version", value="1"))
    engine.dispose()
    engine = connect(db)
    with engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.exec_driver_sql("SELECT count(*) FROM ledger").scalar() == 0
    engine.dispose()


def test_the_sqlite_file_opens_in_datasette(tmp_path: Path) -> None:
    import asyncio

    from datasette.app import Datasette

    db = tmp_path / "ledger.db"
    analyze([DATA], db)

    async def browse() -> None:
        ds = Datasette([str(db)])
        tables = (await ds.client.get("/ledger.json")).json()
        names = {t["name"] for t in tables["tables"]}
        assert {"articles", "figures", "statements", "sources", "quantities", "conflicts"} <= names
        rows = (await ds.client.get("/ledger/ledger.json?_shape=array&category=killed")).json()
        assert {r["value"] for r in rows} >= {14.0, 31.0, 52.0}
        fig = (await ds.client.get("/ledger/figures.json?_shape=array&_labels=on&_size=1")).json()[0]
        assert fig["source_id"] is None or "label" in fig["source_id"]

    asyncio.run(browse())


def test_ids_repeated_within_a_run_are_reported(tmp_path: Path) -> None:
    f = tmp_path / "dup.jsonl"
    f.write_text('{"id": "x", "text": "The agency said 3 people died."}\n'
                 '{"id": "x", "text": "The agency said 4 people died."}\n', encoding="utf-8")
    r = analyze([f], tmp_path / "d.db")
    assert r.added == 1 and len(r.errors) == 1 and "duplicate article id" in r.errors[0].message


FLOOD = Path(__file__).parent / "data" / "ledger" / "conflicts.jsonl"


def _killed(store: Store) -> QuantityView:
    return next(q for q in ledger(store) if q.category == "killed")


def test_stored_kinds_follow_days_and_skip_copies_and_parts(db_target: str) -> None:
    from newsledger.report import disagreements

    analyze([FLOOD], db_target)
    store = _open(db_target)
    q = _killed(store)
    # rescue service 20 (4 Mar) -> 35 (5 Mar); governor 48 (5 Mar) -> 60 (6 Mar); 35 vs 48 on 5 Mar
    assert (q.n_disputes, q.n_revisions, q.n_across_days, q.n_undated) == (1, 2, 3, 0)
    groups, more = disagreements(store, quantity_id=q.id)
    assert not more
    pairs = {(c.a.value, c.a.event_date, c.b.value, c.b.event_date, c.kind) for g in groups for c in g.pairs}
    assert (35, "2030-03-05", 48, "2030-03-05", "dispute") in pairs
    assert (20, "2030-03-04", 35, "2030-03-05", "revision") in pairs
    assert (48, "2030-03-05", 60, "2030-03-06", "revision") in pairs
    assert all(k != "dispute" or da == db for _, da, _, db, k in pairs)
    # the wire copy adds no pair, and the parts of the 20 (8 + 12) are no revision of it
    cited = {c.a.citation.article_id for g in groups for c in g.pairs} | {
        c.b.citation.article_id for g in groups for c in g.pairs}
    assert "varn-1-copy" not in cited
    assert not {8, 12} & {v for p in pairs for v in (p[0], p[2])}
    # the newest group comes first
    assert groups[0].newest_day == "2030-03-06"


def test_stored_estimate_has_provenance(db_target: str) -> None:
    analyze([FLOOD], db_target)
    store = _open(db_target)
    e = _killed(store).estimate
    assert e is not None and "latest" in e.rule
    assert [(f.source, f.value, f.event_date) for f in e.latest] == [
        ("Anel Rusk", 60, "2030-03-06"), ("national rescue service", 35, "2030-03-05")]
    assert e.day == "2030-03-06" and e.low is not None and e.low.value == 60
    assert e.conservative is not None and (e.conservative.value, e.conservative.citation.article_id) == (35, "varn-2")
    assert e.highest is not None and e.highest.citation.article_id == "varn-3"


def test_migration_8_upgrades_a_store_without_estimates(db_target: str) -> None:
    from newsledger.store import connect, meta_t, quantities_t

    analyze([FLOOD], db_target)
    engine = connect(db_target)
    with engine.begin() as conn:
        for col in ("n_across_days", "n_undated", "estimate"):
            conn.exec_driver_sql(f"ALTER TABLE quantities DROP COLUMN {col}")
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value="3"))
    engine.dispose()
    store = _open(db_target)
    with store.engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute(sa.select(sa.func.count()).where(quantities_t.c.estimate.is_not(None))).scalar() == 0
    assert store.refresh_dirty() == _count(store, quantities_t)
    assert _killed(store).estimate is not None and _killed(store).n_across_days == 3
UNDATED = [
    {"id": "dated", "date": "2027-03-04", "outlet": "Coast Wire", "url": "https://coastwire.example/floods-cut-road",
     "text": "PORT ELLIS, Tesland (CW) -- Floods cut the coast road on Thursday, killing at least 40 people, "
             "the Tesland civil defence agency said."},
    {"id": "by-url", "outlet": "Daily Tesland", "url": "https://dailytesland.example/news/2027/03/05/floods-toll",
     "text": "The death toll from the floods in Port Ellis rose to 52 on Friday, the Tesland civil defence "
             "agency said."},
    {"id": "by-dateline", "outlet": "Tesland Radio",
     "text": "PORT ELLIS, 6 March 2027 (TR) -- Rescuers found 9 more bodies in Port Ellis on Saturday, the "
             "Tesland civil defence agency said."},
    {"id": "no-date", "outlet": "Tesland Radio",
     "text": "Rescuers in Port Ellis said 12 people were still missing after the floods."},
]


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _pub_rows(store: Store) -> dict[str, tuple[str | None, str | None, str | None]]:
    with store.engine.connect() as conn:
        return {r[0]: (r[1], r[2], r[3]) for r in conn.execute(sa.select(
            articles_t.c.id, articles_t.c.date, articles_t.c.pub_date, articles_t.c.pub_date_basis))}


def test_articles_record_their_publication_day_and_its_basis(db_target: str, tmp_path: Path) -> None:
    from newsledger.ingest import Article
    from newsledger.store import content_hash

    data = _write(tmp_path / "undated.jsonl", UNDATED)
    analyze([data], db_target)
    store = _open(db_target)
    # the input's date stays as given; the effective day and its basis sit beside it
    assert _pub_rows(store) == {"dated": ("2027-03-04", "2027-03-04", "published"),
                                "by-url": (None, "2027-03-05", "url"),
                                "by-dateline": (None, "2027-03-06", "dateline"),
                                "no-date": (None, None, "none")}
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(articles_t.c.content_hash).where(articles_t.c.id == "by-url")).scalar()
        ledger_rows = set(conn.execute(sa.text(
            "SELECT article_id, published, published_basis FROM ledger")).all())
    assert stored == content_hash(Article(**{k: v for k, v in UNDATED[1].items()}))
    assert {("by-url", "2027-03-05", "url"), ("by-dateline", "2027-03-06", "dateline"),
            ("dated", "2027-03-04", "published")} <= ledger_rows
    # the figures of an undated article are dated against the inferred day
    with store.engine.connect() as conn:
        days = set(conn.execute(sa.select(figures_t.c.event_date).where(figures_t.c.article_id == "by-url")).scalars())
    assert days == {"2027-03-05"}
    assert analyze([data], db_target).unchanged == 4


@pytest.mark.parametrize("old_version", ["3", str(SCHEMA_VERSION)])
def test_migration_6_fills_the_publication_day_of_an_old_store(db_target: str, tmp_path: Path,
                                                               old_version: str) -> None:
    """From schema 3, and from a store already past number 6 without it (made by a branch merged
    earlier; a number above the code's own is refused, see test_a_newer_schema_is_refused)."""
    from newsledger.store import LEDGER_VIEW, meta_t

    analyze([_write(tmp_path / "undated.jsonl", UNDATED)], db_target)
    store = _open(db_target)
    # take the store back to schema 3: no publication columns, the old ledger view
    with store.begin() as conn:
        conn.exec_driver_sql("DROP VIEW ledger")
        conn.exec_driver_sql("DROP INDEX ix_articles_pub_date")
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN pub_date")
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN pub_date_basis")
        conn.exec_driver_sql(LEDGER_VIEW)
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value=old_version))
    store.close()
    store = _open(db_target)
    with store.engine.connect() as conn:
        assert schema_version(conn) == max(SCHEMA_VERSION, int(old_version))
        view = dict(conn.execute(sa.text("SELECT article_id, published_basis FROM ledger")).all())
    assert _pub_rows(store)["by-url"] == (None, "2027-03-05", "url")
    assert _pub_rows(store)["dated"] == ("2027-03-04", "2027-03-04", "published")
    assert view["by-dateline"] == "dateline"
def test_a_background_toll_is_stored_with_its_incident_and_keeps_its_own_quantity(
        db_target: str, tmp_path: Path) -> None:
    import json

    src = tmp_path / "flood.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in [
        {"id": "fl-1", "date": "2033-11-04", "title": "Osland flood toll rises",
         "text": "The Osland flood has killed 41 people, the ministry said on Friday. "
                 "A 2030 flood near Kessa killed 27 people."},
        {"id": "fl-2", "date": "2033-11-05", "title": "Osland flood toll rises again",
         "text": "The Osland flood has killed 58 people, the ministry said on Saturday. "
                 "The 2030 flood near Kessa killed 27 people."},
    ]) + "\n", encoding="utf-8")
    analyze([src], db_target)
    store = _open(db_target)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(figures_t.c.article_id, figures_t.c.text, figures_t.c.event,
                                      figures_t.c.quantity_id)).all()
    by = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert by[("fl-1", "27")][0] == by[("fl-2", "27")][0] == "2030"
    assert by[("fl-1", "41")][0] is None
    assert by[("fl-1", "41")][1] == by[("fl-2", "58")][1]  # the current toll's revision
    assert by[("fl-1", "27")][1] == by[("fl-2", "27")][1] != by[("fl-1", "41")][1]
    from newsledger.store import quantities_t

    with store.engine.connect() as conn:
        labels = dict(conn.execute(sa.select(quantities_t.c.id, quantities_t.c.label)).all())
    assert "2030" in labels[by[("fl-1", "27")][1]]  # the ledger says which incident
    assert "2030" not in labels[by[("fl-1", "41")][1]]


def test_migration_4_adds_the_event_column_to_a_version_3_store(db_target: str) -> None:
    from newsledger.store import connect, meta_t

    engine = connect(db_target)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE figures DROP COLUMN event")
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value="3"))
    engine.dispose()
    engine = connect(db_target)
    with engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert "event" in {c["name"] for c in sa.inspect(conn).get_columns("figures")}
    engine.dispose()


# wire copy with a dateline that gives no year (no date, no URL, no year in the text), and two
# dated reports of the same (invented) crisis
YEARLESS = [json.loads(line) for line in (DATA.parent / "yearless.jsonl").read_text(encoding="utf-8").splitlines()]
YEARLESS_WIRE, YEARLESS_DATED = YEARLESS[0], YEARLESS[1:]


def _wire_state(store: Store) -> tuple[tuple[object, ...], dict[str, tuple[object, ...]]]:
    """The wire copy's publication row, and its figures: (event, event_date, quantity) by text."""
    with store.engine.connect() as conn:
        pub = tuple(conn.execute(sa.select(articles_t.c.pub_date, articles_t.c.pub_date_basis,
                                           articles_t.c.pub_month_day)
                                 .where(articles_t.c.id == "kestra-wire")).one())
        figs = {r[0]: tuple(r[1:]) for r in conn.execute(
            sa.select(figures_t.c.text, figures_t.c.event, figures_t.c.event_date, figures_t.c.quantity_id)
            .where(figures_t.c.article_id == "kestra-wire"))}
    return pub, figs


def _quantity_of(store: Store, article: str, text: str) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(sa.select(figures_t.c.quantity_id).where(
            figures_t.c.article_id == article, figures_t.c.text == text)).scalar_one())


def test_a_dateline_without_a_year_takes_the_year_of_its_story(db_target: str, tmp_path: Path) -> None:
    from newsledger.report import ledger

    wire = _write(tmp_path / "wire.jsonl", [YEARLESS_WIRE])
    analyze([wire], db_target)
    store = _open(db_target)
    pub, figs = _wire_state(store)
    # alone, it stays undated but keeps its dateline's month and day: June 28 is months before
    # Nov 9 whatever the year, so that toll is another incident than the current one
    assert pub == (None, "none", "11-09")
    assert figs["310"][:2] == ("on:--06-28", None)
    assert figs["at least 64"][:2] == (None, None)
    with store.engine.connect() as conn:
        label = conn.execute(sa.select(quantities_t.c.label).where(quantities_t.c.id == figs["310"][2])).scalar()
    assert "in the incident of 28 Jun, year unknown" in str(label)

    # a later run brings dated articles of its story: the wire copy takes their year, and its
    # relative days ("on Tuesday") and the old toll's day resolve against it
    assert analyze([_write(tmp_path / "dated.jsonl", YEARLESS_DATED)], db_target).story_dated == 1
    pub, figs = _wire_state(store)
    assert pub == ("2032-11-09", "dateline_story", "11-09")
    assert figs["at least 64"][:2] == (None, "2032-11-09")
    assert figs["310"][:2] == ("on:2032-06-28", "2032-06-28")
    assert figs["310"][2] == _quantity_of(store, "kestra-2", "310")  # the same background toll
    assert figs["at least 64"][2] == _quantity_of(store, "kestra-2", "71")  # the current toll, revised
    assert figs["310"][2] != figs["at least 64"][2]
    with store.engine.connect() as conn:
        basis = conn.execute(sa.text("SELECT published, published_basis FROM ledger "
                                     "WHERE article_id = 'kestra-wire'")).first()
    assert tuple(basis or ()) == ("2032-11-09", "dateline_story")
    shown = {f.citation.published_basis for q in ledger(store) for f in q.figures
             if f.citation.article_id == "kestra-wire"}
    assert shown == {"dateline_story"}

    # reruns change nothing
    records = sorted(map(str, spec_records(store)))
    again = analyze([wire, tmp_path / "dated.jsonl"], db_target)
    assert (again.added, again.unchanged, again.story_dated) == (0, 3, 0)
    assert sorted(map(str, spec_records(store))) == records


def test_the_days_to_redate_are_known_before_the_stories_are_applied(db_target: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """analyze starts the re-dating's parse before the stories are linked, from the plan: the
    days it asks for must be those the applied stories give."""
    seen: list[tuple[dict[str, object], dict[str, object]]] = []
    apply = Store.apply_stories

    def checked(self: Store, plan: object, batch: int = 200) -> int:
        before = self.story_dates(plan)  # type: ignore[arg-type]
        moved = apply(self, plan, batch)  # type: ignore[arg-type]
        seen.append((dict(before), dict(self.story_dates())))
        return moved

    monkeypatch.setattr(Store, "apply_stories", checked)
    analyze([_write(tmp_path / "wire.jsonl", [YEARLESS_WIRE])], db_target)
    assert analyze([_write(tmp_path / "dated.jsonl", YEARLESS_DATED)], db_target).story_dated == 1
    assert seen and all(before == after for before, after in seen)
    assert any("kestra-wire" in before for before, _ in seen)


@pytest.mark.parametrize("order", [1, -1])
def test_a_year_from_the_story_does_not_depend_on_input_order(db_target: str, tmp_path: Path, order: int) -> None:
    from newsledger.extract import process_articles
    from newsledger.ingest import Article

    rows = [YEARLESS_WIRE, *YEARLESS_DATED][::order]
    analyze([_write(tmp_path / "all.jsonl", rows)], db_target)
    store = _open(db_target)
    pub, figs = _wire_state(store)
    assert pub == ("2032-11-09", "dateline_story", "11-09")
    assert {t: f[:2] for t, f in figs.items()} == {"at least 64": (None, "2032-11-09"),
                                                   "310": ("on:2032-06-28", "2032-06-28")}
    assert figs["310"][2] == _quantity_of(store, "kestra-2", "310")
    # extraction without a store gives the wire copy the same days
    result = process_articles([Article(**r) for r in rows])
    assert {f.text: (f.event, f.event_date) for f in result.figures if f.doc == "kestra-wire"} == \
        {t: f[:2] for t, f in figs.items()}


def test_migration_12_keeps_the_month_and_day_of_stored_year_less_datelines(db_target: str, tmp_path: Path) -> None:
    """A store made before migration 12 (its number passed by a branch merged earlier, too): the
    column is added and filled from the stored text, and the next run dates the article."""
    from newsledger.store import meta_t

    analyze([_write(tmp_path / "wire.jsonl", [YEARLESS_WIRE])], db_target)
    store = _open(db_target)
    with store.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN pub_month_day")
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
    store.close()
    store = _open(db_target)
    assert _wire_state(store)[0] == (None, "none", "11-09")
    analyze([_write(tmp_path / "dated.jsonl", YEARLESS_DATED)], db_target)
    assert _wire_state(store)[0] == ("2032-11-09", "dateline_story", "11-09")


def test_migration_10_adds_place_aliases_to_an_old_store(db_target: str, tmp_path: Path) -> None:
    from newsledger.store import connect, meta_t

    src = tmp_path / "capital.jsonl"
    src.write_text('{"id": "c1", "date": "2031-03-08", "text": "Police said 5,000 people marched in the capital '
                   'Velmora on Saturday."}\n', encoding="utf-8")
    analyze([src], db_target)
    engine = connect(db_target)
    with engine.begin() as conn:
        assert conn.execute(sa.select(articles_t.c.place_aliases)).scalar() == '{"capital": "Velmora"}'
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN place_aliases")
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value="8"))
    engine.dispose()
    store = _open(db_target)
    with store.engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute(sa.select(articles_t.c.place_aliases)).scalar() is None
    assert analyze([src], db_target).replaced == 1  # extracted again: the article records its aliases
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(articles_t.c.place_aliases)).scalar() == '{"capital": "Velmora"}'


# ------------------------------------------------------------ concurrent writers (issue 11, item 1)

LEDGER = Path(__file__).parent / "data" / "ledger"
SRC = str(Path(newsledger.__file__).resolve().parents[1])  # the code under test, for subprocesses


def _reset(target: str) -> None:
    """Empty the store at ``target`` (a fresh file, or PostgreSQL's public schema dropped)."""
    from tests.conftest import _reset_pg

    if target.startswith("postgresql"):
        _reset_pg()
    else:
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(target + suffix).unlink(missing_ok=True)


def _snapshot(target: str) -> dict[str, object]:
    """What must not depend on how runs interleave: the exported records, and every link that
    export does not show (each figure's and statement's canonical source by name, stories,
    near-duplicates, quantities)."""
    store = _open(target)
    with store.engine.connect() as conn:
        figs = sorted(conn.exec_driver_sql(
            "SELECT f.article_id, f.start, f.text, s.name, s.kind, f.quantity_id FROM figures f "
            "LEFT JOIN sources s ON s.id = f.source_id").all())
        stmts = sorted(conn.exec_driver_sql(
            "SELECT t.article_id, t.start, s.name FROM statements t LEFT JOIN sources s ON s.id = t.source_id").all())
        arts = sorted(conn.exec_driver_sql("SELECT id, story_id, dup_of FROM articles").all())
        quants = sorted(conn.exec_driver_sql(
            "SELECT id, story_id, n_figures, n_sources, n_conflicts, n_disputes, n_revisions FROM quantities").all())
        counts = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                  for t in ("sources", "stories", "conflicts", "dirty_quantities")}
    store.close()
    return {"records": sorted(json.dumps(r, sort_keys=True) for r in _export(target)), "figures": figs,
            "statements": stmts, "articles": arts, "quantities": quants, "counts": counts}


def _export(target: str) -> list[dict[str, object]]:
    from click.testing import CliRunner

    from newsledger.cli import main

    res = CliRunner().invoke(main, ["export", "--db", target, "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in res.stdout.splitlines()]


def _analyze_proc(inputs: list[Path], target: str) -> subprocess.Popen[str]:
    import subprocess

    # a generous busy timeout: on a loaded 2-core CI machine one SQLite open once waited past the
    # default 60 s for the other writer's transaction (the writer lock itself waits unbounded)
    env = {**os.environ, "PYTHONPATH": SRC, "NEWSLEDGER_LOCK_TIMEOUT": "600"}
    return subprocess.Popen([sys.executable, "-m", "newsledger", "analyze", *map(str, inputs), "--db", target],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapping", "disjoint"])
def test_two_concurrent_analyze_runs_equal_a_sequential_run(db_target: str, overlap: bool) -> None:
    """Two `analyze` processes on one store at once give exactly what one after the other gives
    (the order they end up in is either), with no error and no article counted twice."""
    a = [LEDGER / "a1.jsonl", LEDGER / "conflicts.jsonl"]
    b = [LEDGER / "conflicts.jsonl", LEDGER / "two_countries.jsonl"] if overlap else \
        [LEDGER / "two_countries.jsonl", LEDGER / "protest.jsonl"]
    procs = [_analyze_proc(a, db_target), _analyze_proc(b, db_target)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "duplicate article id" not in err and "Traceback" not in err, err
    added = sum(int(err.split(" added")[0].split()[-1]) for _, err in outs)
    unique = len({json.loads(line)["id"] for f in set(a + b) for line in f.read_text().splitlines()})
    assert added == unique  # an overlapping article is added once, then found unchanged
    together = _snapshot(db_target)
    refs = []
    for first, second in ((a, b), (b, a)):
        _reset(db_target)
        analyze(first, db_target)
        analyze(second, db_target)
        refs.append(_snapshot(db_target))
    assert together in refs


def test_a_waiting_writer_says_so_and_continues(db_target: str) -> None:
    holder = _open(db_target)
    messages: list[str] = []
    with holder.writer_lock():

        done = threading.Event()
        t = threading.Thread(target=lambda: (analyze([LEDGER / "protest.jsonl"], db_target,
                                                     on_wait=messages.append), done.set()))
        t.start()
        assert not done.wait(3)  # blocked behind the holder
        assert messages and "waiting for another writer" in messages[0]
    t.join(120)
    assert done.is_set() and _count(holder, articles_t) == 2


def test_a_fresh_store_opened_by_many_processes_at_once_migrates_once(db_target: str) -> None:
    """Processes opening one fresh store at once: all succeed and the schema is made once."""
    import sys

    code = "import sys; from newsledger.store import Store; Store(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, db_target], stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": SRC}) for _ in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with _open(db_target).engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION


# ------------------------------------------------------------ incremental runs (issue 11, item 4)

NAMELESS = ('{"id": "plain-1", "date": "2031-03-06", "text": "Three people were killed when a bridge fell, '
            'police said.\\n\\nTwelve others were hurt."}\n'
            '{"id": "plain-2", "date": "2031-07-20", "text": "A fire destroyed forty homes overnight, the fire '
            'service said.\\n\\nNine people were injured."}\n')


def test_incremental_runs_merge_no_stories(db_target: str, tmp_path: Path) -> None:
    """Articles added in two runs (including ones without names) end up in exactly the stories
    and records of one run over all of them: no story id is handed out twice."""
    plain = tmp_path / "plain.jsonl"
    plain.write_text(NAMELESS, encoding="utf-8")
    first = [LEDGER / "a1.jsonl", plain]
    second = [LEDGER / "two_countries.jsonl", LEDGER / "protest.jsonl", LEDGER / "conflicts.jsonl"]
    analyze(first, db_target)
    analyze(second, db_target)
    stepwise = _snapshot(db_target)
    _reset(db_target)
    analyze(first + second, db_target)
    assert stepwise == _snapshot(db_target)
    stories: dict[str, set[str]] = {}
    for aid, story, _ in stepwise["articles"]:  # type: ignore[attr-defined]
        stories.setdefault(story, set()).add(aid)
    assert not any({"plain-1", "plain-2"} <= s for s in stories.values())
    assert all(len({a.split("-")[0] for a in s}) == 1 for s in stories.values() if s & {"plain-1", "plain-2"})


# ------------------------------------------------------------ where the store writes (issue 11, item 11)


def _tables(path: Path) -> list[str]:

    with sqlite3.connect(path) as conn:
        return sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master"))


def test_a_foreign_database_is_refused_and_left_untouched(db_target: str) -> None:
    from newsledger.store import StoreError

    engine = sa.create_engine(to_url(db_target))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
        conn.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = sorted(sa.inspect(engine).get_table_names())
    with pytest.raises(StoreError, match="not a newsledger store"):
        Store(db_target)
    with pytest.raises(StoreError, match="not a newsledger store"):
        analyze([LEDGER / "protest.jsonl"], db_target)
    assert sorted(sa.inspect(engine).get_table_names()) == before
    engine.dispose()


def test_a_failing_migration_writes_nothing(tmp_path: Path) -> None:
    """Migrations run in one transaction: one that fails half-way leaves the file as it was
    (here a store stamped version 0 whose `articles` table is someone else's)."""

    db = tmp_path / "half.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
    before = _tables(db)
    with pytest.raises(sa.exc.DBAPIError):
        Store(db)
    assert _tables(db) == before


def test_a_newer_schema_is_refused(db_target: str) -> None:
    from newsledger.store import StoreError, meta_t

    _open(db_target).close()
    engine = sa.create_engine(to_url(db_target))
    with engine.begin() as conn:
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value="99"))
    engine.dispose()
    with pytest.raises(StoreError, match="schema version 99, newer"):
        Store(db_target)
    with pytest.raises(StoreError, match="schema version 99, newer"):
        Store(db_target, create=False)


def test_reading_needs_an_existing_store(db_target: str, tmp_path: Path) -> None:
    from newsledger.store import StoreError

    missing = tmp_path / "mistyped.db"
    with pytest.raises(StoreError, match="no newsledger store at"):
        Store(missing, create=False)
    assert not missing.exists()
    with pytest.raises(StoreError, match="no newsledger store"):
        Store(db_target, create=False)  # an empty database is not made into a store by a read
    engine = sa.create_engine(to_url(db_target))
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_a_read_opens_sqlite_read_only(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    analyze([LEDGER / "protest.jsonl"], db)
    reader = _open(str(db))
    reader.close()
    reader = Store(db, create=False)
    opened.append(reader)
    assert _count(reader, articles_t) == 2
    with pytest.raises(sa.exc.OperationalError, match="readonly"), reader.begin() as conn:
        conn.execute(articles_t.delete())


# ---- per-item isolation (issue 11): no article stops the run, nothing stored is lost

GOOD = "Police said {n} people died in the flood in Aldport on Monday, the mayor said on Tuesday."


def _hostile_batch(path: Path, seed: int = 11) -> tuple[list[str], list[str]]:
    """Well-formed articles between fuzzed ones (surrogates, NULs, control characters, extreme
    and invalid dates, over-long ids); returns (good ids, every id written)."""
    import random

    rnd = random.Random(seed)
    nasty = ["\ud800", "\udfff", "\x00", "\x01", "\u200b", "\ufeff", "\U0001f600", "\u202e", "\r", "\\"]
    dates = ["0001-01-01", "9999-12-31", "0001-01-02", "2022-13-45", "yesterday", "2022-05-01garbage", "",
             "0000-00-00", None, 20220501, "9999-12-31T23:59:59+14:00"]
    good, ids, lines = [], [], []
    for i in range(24):
        if i % 3 == 0:
            aid = f"good{i}"
            good.append(aid)
            rec: dict[str, object] = {"id": aid, "date": "2022-05-0" + str(1 + i % 9), "text": GOOD.format(n=i + 2)}
        else:
            bits = [rnd.choice(nasty) + w for w in GOOD.format(n=i + 2).split()]
            aid = ("h" * (250 + i) if i % 7 == 0 else f"h{i}") + rnd.choice(nasty)
            rec = {"id": aid, "date": rnd.choice(dates), "title": rnd.choice(nasty) * 3, "outlet": rnd.choice(nasty),
                   "text": " ".join(bits) + " Officials said on Sunday that 4 were hurt."}
        ids.append(str(rec["id"]))
        lines.append(json.dumps(rec))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return good, ids


def test_hostile_articles_are_item_errors_and_the_rest_is_stored(db_target: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    good, ids = _hostile_batch(path)
    report = analyze([path], db_target)
    store = _open(db_target)
    with store.engine.connect() as conn:
        stored = set(conn.execute(sa.select(articles_t.c.id)).scalars())
        texts = list(conn.execute(sa.select(articles_t.c.text)).scalars())
    assert set(good) <= stored
    assert all("\x00" not in t for t in texts)
    refused = [e for e in report.errors if "over the limit of 255" in e.message]
    assert len(refused) == sum(len(i) > 255 for i in ids) > 0
    assert len(stored) + len(report.errors) == len(ids)
    assert {w.message.split(" is ")[0] for w in report.warnings} >= {"date '2022-13-45'", "date 'yesterday'"}
    again = analyze([path], db_target)  # a rerun neither dies nor changes anything
    assert (again.added, again.unchanged) == (0, len(stored))


def _poison_trigger(store: Store) -> None:
    """A real database rule that rejects one article, as a constraint or a full column would."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.exec_driver_sql("CREATE TRIGGER poison BEFORE INSERT ON articles WHEN NEW.id = 'poison' "
                                 "BEGIN SELECT RAISE(ABORT, 'poison refused'); END")
        else:
            conn.exec_driver_sql("CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
                                 "IF NEW.id = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF; "
                                 "RETURN NEW; END $$ LANGUAGE plpgsql")
            conn.exec_driver_sql("CREATE TRIGGER poison BEFORE INSERT ON articles FOR EACH ROW "
                                 "EXECUTE FUNCTION poison()")


def test_an_article_the_store_refuses_is_its_error_and_the_run_goes_on(db_target: str, tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps({"id": aid, "date": "2022-05-02", "text": GOOD.format(n=n)}) + "\n"
                            for n, aid in enumerate(["first", "poison", "last"], 2)), encoding="utf-8")
    _poison_trigger(_open(db_target))
    report = analyze([path], db_target)
    assert report.added == 2
    [err] = report.errors
    assert err.where == f"{path}:2" and "could not store article 'poison'" in err.message
    assert "poison refused" in err.message
    with _open(db_target).engine.connect() as conn:
        assert sorted(conn.execute(sa.select(articles_t.c.id)).scalars()) == ["first", "last"]


def _counted(target: str, path: Path) -> tuple[int, int, int]:
    """(articles stored, SQL statements executed, commits) of one analyze run (an executemany
    counts once; the store is created and migrated before counting)."""
    _open(target)
    seen = {"sql": 0, "commit": 0}

    def on_sql(*_: object) -> None:
        seen["sql"] += 1

    def on_commit(*_: object) -> None:
        seen["commit"] += 1

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", on_sql)
    sa.event.listen(sa.engine.Engine, "commit", on_commit)
    try:
        report = analyze([path], target)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", on_sql)
        sa.event.remove(sa.engine.Engine, "commit", on_commit)
    return report.added, seen["sql"], seen["commit"]


def test_the_write_and_link_path_costs_few_statements_per_article(db_target: str, tmp_path: Path) -> None:
    # the store's writes are set-wise and batched: a commit per batch of articles (not per
    # article), and a fixed number of statements per batch to relink, refresh and save sources
    # (this run took 23 statements and 1.4 commits per article before; 10 and 0.2 after, SQLite;
    # 2.5 once a batch is staged and linked with one statement per table)
    towns = ["Aldport", "Brevik", "Corran", "Dunmere", "Elsby", "Farrow", "Galway", "Hollin"]
    words = "river road bridge school market clinic shelter village valley hill boat truck".split()
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(40):
            town = towns[i % len(towns)]
            filler = " ".join(words[(i * 7 + k * 3) % len(words)] + str(i * 13 + k) for k in range(30))
            text = (f"Police said {i + 3} people died in the flood in {town} on Monday, the mayor said on "
                    f"Tuesday. The Red Cross said {100 + i * 11} homes were destroyed. Witnesses saw {filler}.")
            out.write(json.dumps({"id": f"a{i}", "date": "2022-05-02", "text": text}) + "\n")
    added, sql, commits = _counted(db_target, path)
    assert added == 40
    assert sql / added <= 4, f"{sql} statements for {added} articles"
    assert commits / added <= 0.3, f"{commits} commits for {added} articles"


def test_linking_a_batch_equals_linking_one_by_one(db_target: str, tmp_path: Path) -> None:
    """Near-duplicates inside one batch (a copy of a copy) and of an article stored before are
    found as linking the articles one at a time finds them, in the same order."""
    from typing import Any

    from newsledger.ingest import Article
    from newsledger.store import Staged

    base = ("The regional health office said 41 people were killed and 230 injured when the dam above "
            "the valley town of Orvik gave way on Monday night, flooding the lower districts. ")
    filler = " ".join(f"Residents of street {k} waited on roofs for boats from the river brigade." for k in range(12))
    texts = {"a0": base + filler, "b1": base + filler.replace("boats", "rafts"),
             "c2": base + filler.replace("boats", "rafts").replace("roofs", "roofs and hills"),
             "d3": "A different story: the central bank held its rate at 4 percent on Tuesday. " * 6,
             "e4": base.replace("41", "44") + filler}

    def staged(aid: str, seq: int) -> Staged:
        return Staged(Article(id=aid, text=texts[aid], date="2033-05-02"), [], [], [], seq)

    def rows(store: Store) -> list[tuple[Any, ...]]:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.select(articles_t.c.id, articles_t.c.dup_of,
                                                             articles_t.c.similarity, articles_t.c.story_id)
                                                   .order_by(articles_t.c.id))]

    results = []
    for batch in (False, True):
        target = db_target if batch else f"sqlite:///{tmp_path / 'one.db'}"
        store = Store(target)
        try:
            with store.begin() as conn:
                store.add_article(conn, Article(id="a0", text=texts["a0"], date="2033-05-01"), [], [], [], 0)
            later = [staged(aid, i + 1) for i, aid in enumerate(["b1", "c2", "d3", "e4"])]
            with store.begin() as conn:
                if batch:
                    dups = store.add_articles(conn, later)
                else:
                    dups = [store.add_article(conn, s.article, [], [], [], s.seq) for s in later]
            results.append((dups, rows(store)))
        finally:
            store.close()
    (one_dups, one_rows), (batch_dups, batch_rows) = results
    assert batch_dups == one_dups == [True, True, False, True]
    assert batch_rows == one_rows
    dup_of = {r[0]: r[1] for r in batch_rows}
    assert dup_of["c2"] == "a0" and dup_of["e4"] == "a0"  # a copy of a copy points at the original


def test_a_copy_joins_the_story_of_its_originals_original(db_target: str) -> None:
    """An article that copies a near-duplicate is a duplicate of that article's original and
    joins its story, even when the original itself shares no MinHash band with the copy."""
    from newsledger.ingest import Article

    text = " ".join(f"Boats from the river brigade reached street {k} of Orvik on Tuesday." for k in range(20))
    store = Store(db_target)
    try:
        with store.begin() as conn:
            store.add_article(conn, Article(id="x0", text="An unrelated report on the grain harvest. " * 9), [], [],
                              [], 0)
            store.add_article(conn, Article(id="b1", text=text), [], [], [], 1)
            # b1 as a copy of x0 (as an earlier run may have linked it): x0 shares no band with c2
            conn.execute(articles_t.update().where(articles_t.c.id == "b1").values(dup_of="x0"))
        with store.begin() as conn:
            assert store.add_articles(conn, [Staged(Article(id="c2", text=text + " Rain fell."), [], [], [], 2)]) \
                == [True]
        with store.engine.connect() as conn:
            rows = {r[0]: r[1] for r in conn.execute(sa.select(articles_t.c.id, articles_t.c.story_id))}
            dup = conn.execute(sa.select(articles_t.c.dup_of).where(articles_t.c.id == "c2")).scalar()
        assert dup == "x0" and rows["c2"] == rows["x0"]
    finally:
        store.close()
