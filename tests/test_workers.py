"""Worker processes for the parse (workers.py): results in input order from real worker
processes, a bounded number of chunks in flight, item errors carried back, a killed worker
losing nothing, the automatic mode staying in this process for small inputs, and a store built
with two processes equal to one built with one (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
import logging
import os
import signal
import time
from pathlib import Path

import pytest

from newsledger import dedup
from newsledger.config import MAX_AUTO_PROCESSES, Config
from newsledger.extract import iter_processed, process_now, work_chunk
from newsledger.ingest import Article, ItemError
from newsledger.store import analyze
from newsledger.workers import IN_FLIGHT_PER_WORKER, Workers
from tests.test_distributed import DATA, ROOT, _corpus, snapshot

pytestmark = pytest.mark.slow


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", text=f"Officials said {10 + i} people died on Monday in Osk. "
                    f"The Red Cross said {20 + i} were injured.", date="2024-06-14") for i in range(n)]


def _records(results: list) -> list[tuple[str, list[dict[str, object]], list[dict[str, object]]]]:  # type: ignore[type-arg]
    return [(r.article.id, [f.to_dict() for f in r.figures], [s.to_dict() for s in r.statements]) for r in results]


def test_processes_follow_the_cores_unless_given() -> None:
    cores = len(os.sched_getaffinity(0))
    assert Config(n_process=None).processes() == max(1, min(cores, MAX_AUTO_PROCESSES))
    assert Config().processes() == 1  # the library parses in the caller's process unless asked
    assert Config(n_process=3).processes() == 3 and Config(n_process=1).processes() == 1


def test_chunks_come_back_in_order_with_a_bounded_number_in_flight() -> None:
    config = Config(n_process=2)
    read: list[int] = []

    def chunks() -> object:
        for i in range(12):
            read.append(i)
            yield [i]

    out = []
    with Workers(config) as workers:
        for k, res in enumerate(workers.map(sorted, chunks(), fallback=lambda c: ["parent"])):  # type: ignore[arg-type]
            out.append(res)
            # never more chunks read than the results given plus those in flight
            assert len(read) <= k + 1 + IN_FLIGHT_PER_WORKER * workers.n
    assert out == [[i] for i in range(12)]
    assert workers.pids and os.getpid() not in workers.pids


def test_item_errors_come_back_from_the_workers(nlp: object) -> None:
    arts = _articles(5)
    arts[3] = Article(id="table", text="Officials said " + ", ".join(str(i) for i in range(40)) + " died.")
    config = Config(n_process=2, batch_size=2, max_numbers=20)
    errors: list[ItemError] = []
    with Workers(config) as workers:
        done = [r.article.id for r in iter_processed(arts, config, errors=errors, workers=workers)]
    assert done == ["a0", "a1", "a2", "a4"]
    assert [e.where for e in errors] == ["table"] and "over the limit of 20" in errors[0].message
    assert workers.pids and os.getpid() not in workers.pids


def test_workers_send_back_no_article_text_and_results_keep_the_callers_articles(nlp: object) -> None:
    arts = _articles(6)
    config = Config(n_process=2, batch_size=2)
    with Workers(config) as workers:
        raw = list(workers.map(work_chunk, [(arts[:3], {}), (arts[3:], {})], fallback=lambda task: ([], [])))
        got = list(iter_processed(arts, config, workers=workers))
    assert [r.article.id for results, _ in raw for r in results] == [a.id for a in arts]
    assert {r.article.text for results, _ in raw for r in results} == {""}  # the parent has the texts
    # the near-duplicate signature is made beside the parse, where the text is
    assert [r.minhash for results, _ in raw for r in results] == [dedup.to_bytes(dedup.signature(a.text)) for a in arts]
    assert [r.minhash for r in iter_processed(arts[:2], Config(n_process=1))] == [None, None]
    assert len(got) == 6 and all(r.article is a for r, a in zip(got, arts, strict=True))
    assert workers.pids and os.getpid() not in workers.pids


def test_submit_all_starts_every_chunk_before_a_result_is_asked_for(tmp_path: Path) -> None:
    marks = [str(tmp_path / f"m{i}") for i in range(3)]
    with Workers(Config(n_process=2)) as workers:
        results = workers.submit_all(os.makedirs, marks, fallback=lambda path: "parent")  # type: ignore[arg-type]
        deadline = time.monotonic() + 60
        while not all(os.path.isdir(m) for m in marks) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(os.path.isdir(m) for m in marks)  # done in the workers, none of it asked for yet
        assert list(results) == [None, None, None]
    assert workers.pids and os.getpid() not in workers.pids


def test_process_now_gives_what_iter_processed_gives(nlp: object) -> None:
    from newsledger.pubdate import PubDate

    arts = _articles(5)
    pubs = {"a1": PubDate("2031-03-02", "dateline_story", "03-02")}
    config = Config(n_process=2, batch_size=2)
    with Workers(config) as workers:
        lazy = list(process_now(arts, config, pubs, workers))  # no pool yet: processed when asked for
        workers.start()
        now = process_now(arts, config, pubs, workers)
        assert _records(list(now)) == _records(lazy) == _records(iter_processed(arts, config, pubs=pubs))  # type: ignore[arg-type]
    assert workers.pids and os.getpid() not in workers.pids
    assert [r.pub for r in lazy if r.article.id == "a1"] == [pubs["a1"]]


def test_a_killed_worker_loses_no_article(nlp: object, caplog: pytest.LogCaptureFixture) -> None:
    arts = _articles(8)
    one = list(iter_processed(arts, Config(n_process=1)))
    config = Config(n_process=2, batch_size=2)
    with Workers(config) as workers, caplog.at_level(logging.WARNING, logger="newsledger.workers"):
        workers.start()
        os.kill(workers.worker_pids()[0], signal.SIGKILL)
        time.sleep(1)  # let the pool see its worker die (otherwise the chunk may fail later: same path)
        two = list(iter_processed(arts, config, workers=workers))
    assert _records(two) == _records(one)
    assert any("processed again in this process" in r.getMessage() for r in caplog.records)
    assert workers.restarts == 1


def test_automatic_mode_starts_workers_only_for_a_large_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    config = Config(n_process=None, pool_min_articles=4)
    assert config.processes() == 2
    with Workers(config) as workers:
        small = list(iter_processed(_articles(4), config, workers=workers))
        assert not workers.started and len(small) == 4
        large = list(iter_processed(_articles(5), config, workers=workers))
        assert workers.started and workers.pids and os.getpid() not in workers.pids
    assert _records(large)[:4] == _records(small)


def test_a_store_built_by_two_processes_equals_one_built_by_one(db_target: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", 10)
    # yearless.jsonl: dated by its story afterwards, a second pass that goes through the workers too
    inputs: list[str | Path] = [corpus, DATA / "a1.jsonl", ROOT / "examples" / "articles", DATA / "yearless.jsonl"]
    single = tmp_path / "single.db"
    analyze(inputs, single, Config(n_process=1))
    # the re-dating's first parse starts before the stories are linked, and is the one used
    extract = importlib.import_module("newsledger.extract")  # the package's ``extract`` is a function

    used: list[str] = []
    real = extract.process_now

    def counted(*args: object, **kwargs: object) -> object:
        return (used.append(r.article.id) or r for r in real(*args, **kwargs))  # type: ignore[arg-type]

    monkeypatch.setattr(extract, "process_now", counted)
    report = analyze(inputs, db_target, Config(n_process=2, batch_size=4))
    assert report.errors == [] and report.story_dated > 0 and used
    assert snapshot(db_target) == snapshot(str(single))


def test_the_story_pass_and_the_refresh_run_in_the_workers_and_change_nothing(db_target: str, tmp_path: Path) -> None:
    import sqlalchemy as sa

    store_module = importlib.import_module("newsledger.store")
    from newsledger.store import Store, dirty_t, figures_t, quantities_t

    inputs: list[str | Path] = [_corpus(tmp_path / "c.jsonl", 8), ROOT / "examples" / "articles"]
    analyze(inputs, db_target, Config(n_process=1))
    before = snapshot(db_target)
    with Store(db_target) as store:
        with store.begin() as conn:
            # every quantity to be summed up again, and some figures put in a wrong quantity that the
            # story pass must take them out of
            conn.execute(dirty_t.delete())
            conn.execute(dirty_t.insert(), [{"id": q} for q in conn.execute(sa.select(quantities_t.c.id)).scalars()]
                         + [{"id": "q-elsewhere"}])
            wrong = conn.execute(sa.select(figures_t.c.id).order_by(figures_t.c.id).limit(5)).scalars().all()
            conn.execute(figures_t.update().where(figures_t.c.id.in_(wrong)).values(quantity_id="q-elsewhere"))
        with Workers(Config(n_process=2)) as workers:
            workers.start()
            assert store.refresh_dirty(workers=workers) == len(before["quantities"])
    assert snapshot(db_target) == before
    assert workers.pids and os.getpid() not in workers.pids
    assert store_module._READER == {}  # the workers read the store; this process only wrote
