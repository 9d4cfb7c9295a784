"""SQL statements and commits per article in ``analyze``, by phase and by statement kind/table,
and (``--profile``) the CPU time of the store's functions under cProfile.

Counts are deterministic (cursor executions seen by a SQLAlchemy ``before_cursor_execute``
listener; an ``executemany`` counts once), so they are comparable across machines and runs.
Analyzes each input into a fresh SQLite store (or ``--db`` PostgreSQL URL, emptied first).

    python bench/bench_store_sql.py ../shared/corpus/dev_hard.jsonl [--profile] [--db URL]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from newsledger import store as store_mod
from newsledger.store import Store, analyze, to_url

PHASE = ["articles"]
STATEMENTS: Counter[tuple[str, str]] = Counter()
COMMITS: Counter[str] = Counter()


def _kind(sql: str) -> str:
    s = " ".join(sql.split()).upper()
    m = re.match(r"(SELECT|INSERT INTO|UPDATE|DELETE FROM|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|\w+)\s*(\w*)", s)
    if not m:
        return s[:20]
    if m.group(1) == "SELECT":
        t = re.search(r"\bFROM\s+(\w+)", s)
        return f"SELECT {t.group(1).lower() if t else ''}"
    return f"{m.group(1).split()[0]} {m.group(2).lower()}"


def _on_execute(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
    STATEMENTS[(PHASE[-1], _kind(statement))] += 1


def _on_commit(conn: Any) -> None:
    COMMITS[PHASE[-1]] += 1


@contextmanager
def _phase(name: str):  # type: ignore[no-untyped-def]
    PHASE.append(name)
    try:
        yield
    finally:
        PHASE.pop()


def _wrap(cls: Any, attr: str, name: str) -> None:
    orig = getattr(cls, attr)

    def wrapped(*a: Any, **k: Any) -> Any:
        with _phase(name):
            return orig(*a, **k)

    setattr(cls, attr, wrapped)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--db", help="PostgreSQL URL (emptied first); default a fresh SQLite file")
    ap.add_argument("--profile", action="store_true", help="cProfile: cumulative CPU of the store functions")
    args = ap.parse_args()
    sa.event.listen(Engine, "before_cursor_execute", _on_execute)
    sa.event.listen(Engine, "commit", _on_commit)
    _wrap(Store, "link_pending", "link_pending")
    _wrap(Store, "update_stories", "update_stories")
    _wrap(store_mod, "date_from_stories", "date_from_stories")
    _wrap(Store, "refresh_dirty", "refresh_dirty")
    from newsledger import pipeline
    from newsledger.config import Config

    pipeline.load(Config())  # the model's load is not the store's cost
    prof = cProfile.Profile(time.process_time) if args.profile else None
    n_articles = 0
    for inp in args.inputs:
        with tempfile.TemporaryDirectory() as d:
            target = args.db or str(Path(d) / "bench.db")
            if args.db:
                eng = sa.create_engine(to_url(args.db))
                with eng.begin() as c:
                    c.exec_driver_sql("DROP SCHEMA public CASCADE")
                    c.exec_driver_sql("CREATE SCHEMA public")
                eng.dispose()
            Store(target).close()  # migrations are not per article
            STATEMENTS.clear()
            COMMITS.clear()
            if prof:
                prof.enable()
            rep = analyze([inp], target)
            if prof:
                prof.disable()
            n = rep.added + rep.replaced
            n_articles += n
            total = sum(STATEMENTS.values())
            print(f"== {Path(inp).name}: {n} articles, {total} statements ({total / max(n, 1):.1f}/article), "
                  f"{sum(COMMITS.values())} commits ({sum(COMMITS.values()) / max(n, 1):.2f}/article)")
            for ph in ("articles", "link_pending", "update_stories", "date_from_stories", "refresh_dirty"):
                c = {k: v for (p, k), v in STATEMENTS.items() if p == ph}
                if c:
                    print(f"  {ph:18s} {sum(c.values()):6d} statements {COMMITS[ph]:5d} commits  "
                          + ", ".join(f"{k}={v}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])))
    if prof:
        st = pstats.Stats(prof)
        total_cpu = max(v[3] for v in st.stats.values())  # type: ignore[attr-defined]
        print(f"== cProfile (process CPU), {n_articles} articles, whole analyze {total_cpu:.2f} s")
        rows = [(v[3], f"{Path(k[0]).name}:{k[2]}") for k, v in st.stats.items()  # type: ignore[attr-defined]
                if k[0].endswith("newsledger/store.py") and k[2] != "analyze" and k[2] != "_analyze_locked"]
        for cum, name in sorted(rows, reverse=True)[:14]:
            print(f"  {cum:7.3f} s  {name}")


if __name__ == "__main__":
    main()
