"""cProfile of ``analyze`` into a fresh SQLite store on the bench_speed corpus (model load excluded).

Prints the top entries of newsledger's own code by cumulative and by own (tottime) time, and
the share of the run spent in our code, per top-level area (statements, figures, store, ...),
so a change can be judged by where the time went, before and after. Counts (calls) are
deterministic; times carry the profiler's overhead and the machine's load.

    python bench/profile_analyze.py [--articles 200] [--top 25] [--out analyze.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
from collections import defaultdict
from pathlib import Path

from bench_speed import make_corpus, write_corpus

PACKAGE = f"{os.sep}newsledger{os.sep}"


def area(filename: str) -> str:
    """The area of newsledger a source file belongs to: its subpackage or module."""
    rest = filename.split(PACKAGE, 1)[1]
    return rest.split(os.sep, 1)[0].removesuffix(".py")


def library(filename: str) -> str:
    """The installed package (or ``builtins``/``stdlib``) a source file belongs to."""
    if "site-packages" in filename:
        return filename.split("site-packages" + os.sep, 1)[1].split(os.sep, 1)[0].removesuffix(".py")
    return "builtins" if filename.startswith("~") or filename.startswith("<") else "stdlib"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--out", type=Path, help="save the raw profile (pstats format) here")
    a = ap.parse_args()

    from newsledger import pipeline
    from newsledger.config import Config
    from newsledger.store import analyze

    config = Config()
    pipeline.load(config)
    with tempfile.TemporaryDirectory() as tmpdir:
        corpus = write_corpus(Path(tmpdir) / "corpus.jsonl", make_corpus(a.articles))
        prof = cProfile.Profile()
        prof.enable()
        analyze([corpus], Path(tmpdir) / "store.db", config)
        prof.disable()
    if a.out:
        prof.dump_stats(str(a.out))
    stats = pstats.Stats(prof)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    ours: dict[str, float] = defaultdict(float)
    theirs: dict[str, float] = defaultdict(float)
    calls = 0
    for (filename, _line, _fn), (_cc, nc, tt, _ct, _callers) in raw.items():
        calls += nc
        if PACKAGE in filename:
            ours[area(filename)] += tt
        else:
            theirs[library(filename)] += tt
    print(f"## analyze, {a.articles} articles: {total:.1f} s under the profiler, {calls:,} function calls")
    print(f"own time in newsledger: {sum(ours.values()):.1f} s ({100 * sum(ours.values()) / total:.0f}%); by area:")
    for name, t in sorted(ours.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<14} {t:6.2f} s  {100 * t / total:4.1f}%")
    print("own time elsewhere, by library:")
    for name, t in sorted(theirs.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {name:<14} {t:6.2f} s  {100 * t / total:4.1f}%")
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()  # filtered on the full path (strip_dirs would drop the package name)
        st = pstats.Stats(prof, stream=buf).sort_stats(key)
        st.print_stats(PACKAGE.replace(os.sep, "/"), a.top)
        body = buf.getvalue()
        start = body.find("   ncalls")
        print(f"\n## top {a.top} in newsledger by {key}\n")
        print(body[start:].replace(str(Path(__file__).resolve().parents[1] / "src") + os.sep, "").rstrip())


if __name__ == "__main__":
    main()
