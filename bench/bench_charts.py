"""Time to draw one quantity's chart with many figures (500 by default, 25 sources).

Each run draws afresh (the page's cache of inline charts is cleared): the inline SVG for
desktop and phone, the data for the page (``chart_view``), the SVG and PNG downloads. Prints
median and worst wall and CPU milliseconds. Not a timed test.

    python bench/bench_charts.py [--figures 500] [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from newsledger import charts
from newsledger.report import Citation, FigureView, QuantityView

QUALIFIERS = ["exact"] * 6 + ["approx", "at_least", "more_than", "at_most", "range", "vague"]


def synthetic(n: int) -> QuantityView:
    """A months-long toll: n figures from 8 sources over n / 2 days, every kind of hedge."""
    rnd = random.Random(1)
    figs = []
    for i in range(n):
        q = rnd.choice(QUALIFIERS)
        v = float(rnd.randint(10, 20_000))
        day = f"2032-{1 + (i // 2) // 28 % 12:02d}-{1 + (i // 2) % 28:02d}"
        figs.append(FigureView(i, f"{v:g}", v, v * 1.3 if q == "range" else None, q, None, "people", "killed",
                               f"Source {i % 8} with a rather long official name", None, None, day, "q-bench",
                               0, 1, Citation(f"a{i}", f"Outlet {i % 7}", day, None, None, "quote", 0, 5)))
    return QuantityView("q-bench", "people killed in the long war", None, "killed", None, n, 8, 7, 0, 0, 0,
                        None, None, figs)


def measure(name: str, fn: Callable[[], object], runs: int) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        charts._svg_inline.cache_clear()
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    print(f"{name:<28} wall p50 {statistics.median(walls):6.0f} max {max(walls):6.0f}   "
          f"cpu p50 {statistics.median(cpus):6.0f} max {max(cpus):6.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--figures", type=int, default=500)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    q = synthetic(a.figures)
    data = charts.chart_data(q)
    charts.svg_inline(data)  # fonts and caches loaded once, as in a running server
    print(f"{a.figures} figures, {len(data.marks)} drawn from {len(data.sources)} sources (ms)")
    measure("inline SVG (one chart)", lambda: charts.svg_inline(data), a.runs)
    measure("inline SVG, log scale", lambda: charts.svg_inline(charts.chart_data(q, "log")), a.runs)
    measure("page data (desktop+phone)", lambda: charts.chart_view(q), a.runs)
    measure("SVG download", lambda: charts.svg_file(data), a.runs)
    measure("PNG download", lambda: charts.png(data), a.runs)


if __name__ == "__main__":
    main()
