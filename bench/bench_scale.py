"""Scale benchmarks, each figure a ratio measured in one run on this machine.

1. `analyze` throughput / bare `nlp.pipe` throughput (same texts, same model, one process),
   with thinc's default BLIS ops and with NumpyOps(use_blis=False).
2. `analyze --workers 2` (local Dask) / `analyze` in one process.
3. Peak RSS of `analyze` at growing corpus sizes (flat means memory does not grow with input).

Every mode runs in its own subprocess so peak RSS is that mode's own. Synthetic articles are
generated (fictional places and people, ~300 words each). Not a timed test. Its ratios are
wall-clock, one run each: `make bench` runs bench_speed.py instead (CPU ratios, interleaved
rounds, mixed corpus), which uses this file's article generator.

    python bench/bench_scale.py [--n 400] [--rss-sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYL = ["ka", "lo", "mi", "ren", "tas", "vo", "zel", "dri", "mar", "pen", "sor", "ul", "bek", "nia", "tor", "vel"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# paragraphs without figures, so articles have the length and texture of real news (~300 words)
BACKGROUND = [
    "Residents of {town} described a night of confusion as the water rose faster than anyone had expected. "
    "Many said they had no warning and fled with only what they could carry.",
    "The {org} agency has faced criticism in recent years over the state of flood defences along the river, "
    "and opposition politicians renewed their calls for an independent inquiry.",
    "Engineers warned long ago that the embankments upstream of {town} needed repair, according to local "
    "reports, but the work was repeatedly postponed for lack of funding.",
    "Schools in the region will remain closed until further notice, and the main road to the capital is "
    "expected to stay shut while crews clear debris and inspect the bridges.",
    "Aid groups said the most urgent needs were clean water, blankets and medicine, and appealed for "
    "volunteers with boats to help reach villages cut off by the flooding.",
    "Forecasters expect more rain later in the week, which could complicate the rescue effort and force "
    "further evacuations from low-lying neighbourhoods on the eastern bank.",
]


def _background(r: random.Random, town: str, org: str) -> str:
    """A figure-free paragraph, varied per article so that articles are not near-duplicates."""
    words = "river road bridge school market clinic shelter village valley hill boat truck water rain mud".split()
    base = r.choice(BACKGROUND).format(town=town, org=org)
    extra = " ".join(r.choice(words) if r.random() < 0.5 else name(r, 3).lower() for _ in range(20))
    return f"{base} Witnesses mentioned the {extra}."


def name(r: random.Random, parts: int = 2) -> str:
    return "".join(r.choice(SYL) for _ in range(parts)).capitalize()


def article(i: int) -> dict[str, object]:
    r = random.Random(i)
    story = i // 50
    town, org, person = name(random.Random(story), 3), name(random.Random(story + 7)), name(r) + " " + name(r, 3)
    day = r.choice(DAYS)
    text = (f"{org} officials said on {day} that at least {r.randint(3, 90)} people were killed in {town} after "
            f"the river burst its banks.\n\n{person}, a spokesperson for the {org} agency, told reporters that "
            f"about {r.randint(100, 9000):,} residents had been evacuated and {r.randint(2, 40)} remained missing.\n\n"
            f"\"We are doing everything we can,\" {person.split()[0]} said. Police said {r.randint(1, 30)} people "
            f"were arrested during protests in {town} on {r.choice(DAYS)}.\n\n"
            + "\n\n".join(_background(r, town, org) for _ in range(3)))
    return {"id": f"syn-{i}", "date": f"2030-05-{1 + (story % 28):02d}", "outlet": f"Outlet {i % 17}",
            "title": f"Floods in {town}", "text": text}


def write_corpus(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(article(i)) + "\n")


def mode(args: argparse.Namespace) -> dict[str, float]:
    from newsledger.config import Config

    config = Config(use_blis=not args.numpy)
    corpus = Path(args.corpus)
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    words = sum(len(t.split()) for t in texts)
    if args.mode == "pipe":
        from newsledger.pipeline import load_base

        nlp = load_base(config)
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=config.batch_size):
            pass
    else:
        from newsledger import pipeline

        pipeline.load(config)  # model load outside the timing, as for the bare run
        start = time.perf_counter()
        if args.mode == "analyze":
            from newsledger.store import analyze

            analyze([corpus], Path(args.db), config)
        else:
            from newsledger.distributed import analyze_distributed

            start = time.perf_counter()
            analyze_distributed([corpus], Path(args.db), config, workers=args.workers, chunk_bytes=64_000)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "articles": len(texts), "words": words, "peak_rss_mb": rss}


def run(tmp: Path, corpus: Path, m: str, numpy_ops: bool = False, workers: int = 2) -> dict[str, float]:
    db = tmp / f"{m}-{time.time_ns()}.db"
    cmd = [sys.executable, __file__, "--mode", m, "--corpus", str(corpus), "--db", str(db), "--workers", str(workers)]
    if numpy_ops:
        cmd.append("--numpy")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--rss-sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--mode", choices=["pipe", "analyze", "dask"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--numpy", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--skip", nargs="*", default=[], help="parts to skip: throughput dask rss")
    a = ap.parse_args()
    if a.mode:
        print(json.dumps(mode(a)))
        return
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        corpus = tmp / "corpus.jsonl"
        write_corpus(corpus, a.n)
        if "throughput" not in a.skip:
            print(f"== throughput, {a.n} synthetic articles, 1 process, batch 32")
            print(f"{'ops':<8} {'bare w/s':>9} {'analyze w/s':>12} {'ratio':>6} {'bare MB':>8} {'analyze MB':>11}")
            for numpy_ops in (False, True):
                bare = run(tmp, corpus, "pipe", numpy_ops)
                full = run(tmp, corpus, "analyze", numpy_ops)
                print(f"{'numpy' if numpy_ops else 'blis':<8} {bare['words'] / bare['seconds']:>9.0f} "
                      f"{full['words'] / full['seconds']:>12.0f} {bare['seconds'] / full['seconds']:>6.3f} "
                      f"{bare['peak_rss_mb']:>8.0f} {full['peak_rss_mb']:>11.0f}")
        if "dask" not in a.skip:
            print(f"\n== local Dask, {a.n} articles")
            one = run(tmp, corpus, "analyze")
            two = run(tmp, corpus, "dask", workers=2)
            print(f"1 process {one['seconds']:.1f} s, Dask 2 workers {two['seconds']:.1f} s (incl. cluster start): "
                  f"speed-up {one['seconds'] / two['seconds']:.2f}x")
        if "rss" not in a.skip and a.rss_sizes:
            print("\n== peak RSS of analyze by corpus size (one process)")
            print(f"{'articles':>9} {'peak MB':>8} {'ms/article':>11}")
            for n in a.rss_sizes:
                c = tmp / f"rss-{n}.jsonl"
                write_corpus(c, n)
                r = run(tmp, c, "analyze")
                print(f"{n:>9} {r['peak_rss_mb']:>8.0f} {1000 * r['seconds'] / n:>11.2f}")
                c.unlink()


if __name__ == "__main__":
    main()
