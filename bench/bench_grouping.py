"""Grouping cost per article as the corpus grows (1k -> 20k synthetic articles).

Measures the store's ingest path without NLP: per article, near-duplicate lookup (LSH bands),
story assignment (name index), source resolution, quantity keys and inserts, then the
refresh of dirty quantities and their conflicts. Synthetic stories have a bounded size, as real
crises do, so the number of stories grows with the corpus. Prints ms per article at each size
and the ratio largest/smallest (flat is ~1), after an untimed warm-up run: the first run's
imports would otherwise be charged to the smallest size. Not a timed test.

    python bench/bench_grouping.py [--sizes 1000 5000 20000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from newsledger.config import Config
from newsledger.ingest import Article
from newsledger.records import Figure, Statement
from newsledger.store import Staged, Store

WARMUP = 200  # articles run once, untimed, before the sizes measured
CATEGORIES = ["killed", "injured", "missing", "displaced", "evacuated", "attended", "detained"]
WORDS = ("rescue flood quake strike protest ministry police river town village people houses roads "
         "aid shelter hospital night morning officials said reported according governor mayor union").split()


def synthetic(n: int, story_size: int = 40, seed: int = 7) -> list[tuple[Article, list[Figure], list[Statement],
                                                                          list[str]]]:
    rng = random.Random(seed)
    syll = ["ka", "lo", "mi", "ren", "tas", "vo", "zel", "dri", "mar", "pen", "sor", "ul", "bek", "nia"]

    def word(k: int) -> str:
        r = random.Random(k)
        return "".join(r.choice(syll) for _ in range(3)).capitalize()

    out = []
    for i in range(n):
        story = i // story_size
        names = [f"place{story}", f"region{story}", f"leader{story}", f"agency{story % 7}"]
        date = f"2030-{1 + story % 12:02d}-{1 + (i % story_size) % 28:02d}"
        words = [rng.choice(WORDS) if rng.random() < 0.3 else f"w{rng.randrange(20000)}" for _ in range(150)] + names
        text = " ".join(words) + "."
        art = Article(id=f"a{i}", text=text, date=date, title=f"story {story}", outlet=f"outlet{rng.randrange(50)}")
        figs, stmts = [], []
        for k in range(rng.randrange(2, 7)):
            cat = rng.choice(CATEGORIES)
            src = rng.choice([f"{word(story)} {word(story + 10**6)}", f"Ministry of {word(story + 2 * 10**6)}", None])
            figs.append(Figure(doc=art.id, start=k * 10, end=k * 10 + 2, text="12", value=rng.randrange(5, 500),
                               value_high=None, qualifier=rng.choice(["exact", "approx", "at_least"]), unit=None,
                               counted="people", category=cat, source=src, event_date=date))
            if src:
                stmts.append(Statement(doc=art.id, start=k * 10, end=k * 10 + 40, text="x said y", speaker=src,
                                       direct=False, cue="said"))
        out.append((art, figs, stmts, names))
    return out


def run(n: int) -> tuple[float, float]:
    """Wall and CPU seconds per article of adding ``n`` articles as analyze does (a transaction
    per ``Config.store_batch`` articles), then finishing the run (stories, quantities)."""
    data = synthetic(n)
    batch = Config().store_batch
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(0, n, batch):
            with store.begin() as conn:
                store.add_articles(conn, [Staged(art, figs, stmts, names, i + k)
                                          for k, (art, figs, stmts, names) in enumerate(data[i:i + batch])])
        store.update_stories()
        store.refresh_dirty()
        return (time.perf_counter() - start) / n, (time.process_time() - cpu) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    a = ap.parse_args()
    results = {}
    run(WARMUP)  # imports and first-use set-up (scipy alone is ~0.6 s of CPU) are no per-article cost
    print(f"{'articles':>9} {'ms/article':>11} {'CPU ms/article':>15}")
    for n in a.sizes:
        results[n] = run(n)
        print(f"{n:>9} {results[n][0] * 1000:>11.2f} {results[n][1] * 1000:>15.2f}", flush=True)
    lo, hi = min(a.sizes), max(a.sizes)
    print(f"\nper-article grouping cost ratio {hi}/{lo} = {results[hi][0] / results[lo][0]:.2f} by wall, "
          f"{results[hi][1] / results[lo][1]:.2f} by CPU (1.0 is flat)")


if __name__ == "__main__":
    main()
