"""Page latency of the web app over a large store (20k synthetic articles by default).

Builds the store through the same ingest path as analyze (without NLP, like
bench_grouping), starts the real server (uvicorn) in a subprocess and requests each page
and JSON twin repeatedly over HTTP; prints p50/p95 in milliseconds. Not a timed test.

    python bench/bench_web.py [--articles 20000] [--requests 40] [--db EXISTING.db] [--only search]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_grouping import synthetic
from newsledger.store import Store


def build(db: Path, n: int) -> None:
    with Store(db) as store:
        for art, figs, stmts, names in synthetic(n):
            with store.begin() as conn:
                store.add_article(conn, art, figs, stmts, names)
        store.update_stories()
        store.refresh_dirty()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--db", type=Path, help="an existing store to serve instead of building one")
    ap.add_argument("--only", default="", help="only the pages whose name starts with this")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = a.db or Path(tmp) / "big.db"
        if a.db is None:
            t = time.perf_counter()
            build(db, a.articles)
            print(f"built a store of {a.articles} articles in {time.perf_counter() - t:.0f} s")
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "newsledger", "serve", "--db", str(db), "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=60) as c:
                for _ in range(100):
                    try:
                        c.get("/index.json")
                        break
                    except httpx.TransportError:
                        time.sleep(0.2)
                q = c.get("/quantities.json").json()["items"][0]["id"]
                art = c.get("/articles.json").json()["items"][0]["id"]
                src = c.get("/sources.json").json()["items"][0]["id"]
                pages = {"overview": "/", "quantities": "/quantities", "quantity": f"/quantities/{q}",
                         "conflicts": "/conflicts", "articles": "/articles", "article": f"/articles/{art}",
                         "sources": "/sources", "source": f"/sources/{src}", "search": "/search?q=flood",
                         "search+filters": "/search?q=rescue&category=killed&date_from=2030-03-01",
                         "quantity.json": f"/quantities/{q}.json", "search.json": "/search.json?q=flood",
                         # search of the ledger: category words (quantities, figures, statements
                         # holding one), a source's name, and every filter at once
                         "search:deaths": "/search.json?q=death+toll", "search:source": "/search.json?q=Ministry",
                         "search:filters": "/search.json?q=injured&source=Ministry&outlet=outlet1"
                                           "&date_from=2030-01-01&date_to=2030-06-30&category=injured",
                         "quantity log": f"/quantities/{q}?scale=log", "chart.svg": f"/quantities/{q}/chart.svg",
                         "chart.png": f"/quantities/{q}/chart.png", "chart.csv": f"/quantities/{q}/chart.csv"}
                print(f"\n{'page':<16} {'p50 ms':>8} {'p95 ms':>8}")
                for name, url in pages.items():
                    if not name.startswith(a.only):
                        continue
                    times = []
                    for _ in range(a.requests):
                        t0 = time.perf_counter()
                        r = c.get(url)
                        times.append((time.perf_counter() - t0) * 1000)
                        r.raise_for_status()
                    times.sort()
                    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
                    print(f"{name:<16} {statistics.median(times):>8.1f} {p95:>8.1f}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
