"""The store on real SQLite and real PostgreSQL: ingest, idempotent reruns, incremental adds,
near-duplicates, stories, sources, quantities, conflicts and full-text search."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsledger.report import conflict_list, ledger, spec_records
from newsledger.store import SCHEMA_VERSION, Store, analyze, articles_t, figures_t, schema_version, sources_t

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
