"""A Dask LocalCluster with 2 workers on 127.0.0.1: the distributed run equals the single-process
run, and killing a worker mid-run still gives the full, duplicate-free result."""

import json
import threading
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsledger.distributed import analyze_distributed, make_partitions
from newsledger.report import spec_records
from newsledger.store import Store, analyze, articles_t, quantities_t, sources_t

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ledger"


def _corpus(path: Path, n: int) -> Path:
    base = [json.loads(line) for line in (ROOT / "examples" / "articles" / "castavia_quake.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a = dict(base[i % len(base)])
            a["id"] = f"{a['id']}-{i}"
            a["text"] += f"\n\nUpdate {i}: the agency said {i + 2} more people were evacuated on Sunday."
            fh.write(json.dumps(a) + "\n")
    return path


def snapshot(target: str) -> dict[str, Any]:
    with Store(target) as store:
        records = sorted(json.dumps(r, sort_keys=True) for r in spec_records(store))
        with store.engine.connect() as conn:
            arts = sorted(tuple(r) for r in conn.execute(sa.select(
                articles_t.c.id, articles_t.c.story_id, articles_t.c.dup_of)))
            srcs = sorted(tuple(r) for r in conn.execute(sa.select(sources_t.c.id, sources_t.c.name, sources_t.c.kind)))
            qs = sorted(tuple(r) for r in conn.execute(sa.select(
                quantities_t.c.id, quantities_t.c.n_figures, quantities_t.c.n_conflicts, quantities_t.c.n_disputes)))
    return {"records": records, "articles": arts, "sources": srcs, "quantities": qs}


def test_partitions_cover_every_line_once(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", 40)
    parts = make_partitions([corpus, DATA], chunk_bytes=4000)
    ranges = [(p.start, p.end) for p in parts if p.path == str(corpus)]
    assert len(ranges) > 3 and ranges[0][0] == 0 and ranges[-1][1] == corpus.stat().st_size
    assert all(a[1] == b[0] for a, b in pairwise(ranges))
    assert [p.index for p in parts] == list(range(len(parts)))


def test_distributed_equals_single_process(db_target: str, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", 24)
    # yearless.jsonl: wire copy whose dateline gives no year, dated by its story once all are staged
    inputs: list[str | Path] = [corpus, DATA / "a1.jsonl", ROOT / "examples" / "articles", DATA / "yearless.jsonl"]
    single = tmp_path / "single.db"
    analyze(inputs, single)
    report = analyze_distributed(inputs, db_target, workers=2, chunk_bytes=6000)
    assert report.errors == []
    assert snapshot(db_target) == snapshot(str(single))
    with Store(db_target) as store, store.engine.connect() as conn:
        assert conn.execute(sa.select(articles_t.c.pub_date_basis)
                            .where(articles_t.c.id == "kestra-wire")).scalar() == "dateline_story"
    again = analyze_distributed(inputs, db_target, workers=2, chunk_bytes=6000)
    assert again.added == 0 and again.unchanged == report.added
    assert snapshot(db_target) == snapshot(str(single))


def test_killing_a_worker_mid_run_loses_nothing(tmp_path: Path) -> None:
    from dask.distributed import Client, LocalCluster

    corpus = _corpus(tmp_path / "c.jsonl", 48)
    target = str(tmp_path / "dist.db")
    single = tmp_path / "single.db"
    analyze([corpus], single)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=50)
    client = Client(cluster)
    try:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["report"] = analyze_distributed([corpus], target, client=client, chunk_bytes=3000)
            except Exception as exc:  # reported below
                outcome["error"] = exc

        t = threading.Thread(target=run)
        t.start()
        deadline = time.time() + 120
        staged = 0
        while time.time() < deadline and staged < 4:
            time.sleep(0.1)
            try:
                with Store(target) as store, store.engine.connect() as conn:
                    staged = conn.execute(sa.select(sa.func.count()).select_from(articles_t)).scalar() or 0
            except sa.exc.OperationalError:
                pass
        pids = client.run(lambda: __import__("os").getpid())
        victim = sorted(pids.values())[0]
        __import__("os").kill(victim, 9)
        t.join(timeout=300)
        assert "error" not in outcome, outcome.get("error")
        assert 0 < staged < 48
    finally:
        client.close()
        cluster.close()
    assert snapshot(target) == snapshot(str(single))


def test_an_article_the_store_refuses_is_its_error_on_a_worker_too(tmp_path: Path) -> None:
    """Per-item isolation in the distributed path: the staging of one article fails (a real
    database rule refuses it) and the partition's other articles are stored."""
    from tests.test_store import _poison_trigger

    path = tmp_path / "batch.jsonl"
    text = "The ministry said {n} people were killed in the floods in Port Ellis on Monday."
    path.write_text("".join(json.dumps({"id": aid, "date": "2022-05-02", "text": text.format(n=n)}) + "\n"
                            for n, aid in enumerate(["first", "poison", "last"], 2)), encoding="utf-8")
    target = str(tmp_path / "dist.db")
    with Store(target) as store:
        _poison_trigger(store)
    report = analyze_distributed([path], target, workers=1)
    [err] = report.errors
    assert "could not store article 'poison'" in err.message and "poison refused" in err.message
    with Store(target) as store, store.engine.connect() as conn:
        assert sorted(conn.execute(sa.select(articles_t.c.id)).scalars()) == ["first", "last"]


def test_a_partition_reads_past_a_line_over_the_limit_in_bounded_steps(tmp_path: Path) -> None:
    """The distributed reader applies the per-line limit too: a huge line is an item error, read
    past in chunks, and the partition's other lines are articles."""
    from dataclasses import replace as dc_replace

    from newsledger.config import Config
    from newsledger.distributed import read_partition
    from newsledger.ingest import Article, ItemError

    path = tmp_path / "big.jsonl"
    good = json.dumps({"id": "ok-N", "text": "The ministry said 12 people died on Monday."})
    huge = json.dumps({"id": "huge", "text": "x" * 3_000_000})
    path.write_text("\n".join([good.replace("N", "1"), huge, good.replace("N", "2")]) + "\n", encoding="utf-8")
    config = dc_replace(Config(), max_item_bytes=100_000)
    items = [i for p in make_partitions([path], chunk_bytes=1_000_000) for i in read_partition(p, config)]
    assert [a.id for a in items if isinstance(a, Article)] == ["ok-1", "ok-2"]
    [err] = [e for e in items if isinstance(e, ItemError)]
    assert "over the per-item limit" in err.message or "limit" in err.message
