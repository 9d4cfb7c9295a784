"""Throughput of `extract` as a ratio to bare spaCy parsing of the same texts, and peak memory.

Each mode runs in its own subprocess (same texts, same model, same batch size, one process)
so peak RSS is measured per mode. Not a timed test: it prints a table. Wall-clock, one run:
`make bench` runs bench_speed.py instead, whose (c) is this ratio by CPU over interleaved rounds.

    python bench/bench_extract.py [--articles 300]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(n: int) -> list[tuple[str, str]]:
    """(text, date) pairs: the repo's fictional examples plus ../shared's synthetic set if present,
    repeated to ``n`` articles."""
    from newsledger.ingest import Article, read_articles

    sources: list[str | Path] = [ROOT / "examples" / "articles"]
    synthetic = ROOT.parent / "shared" / "corpus" / "dev_synthetic.jsonl"
    if synthetic.exists():
        sources.append(synthetic)
    base = [(a.text, a.date or "") for a in read_articles(sources) if isinstance(a, Article)]
    return [base[i % len(base)] for i in range(n)]


def run_mode(mode: str, n: int, batch_size: int) -> dict[str, float]:
    from newsledger.config import Config
    from newsledger.extract import doc_records
    from newsledger.pipeline import build, load_base

    texts = corpus(n)
    config = Config(batch_size=batch_size)
    nlp = load_base(config) if mode == "bare" else build(config)
    words = sum(len(t.split()) for t, _ in texts)
    start = time.perf_counter()
    if mode == "bare":
        for _doc in nlp.pipe((t for t, _ in texts), batch_size=batch_size):
            pass
    else:
        def docs():  # type: ignore[no-untyped-def]
            for t, d in texts:
                doc = nlp.make_doc(t)
                doc._.pub_date = d
                yield doc
        for i, doc in enumerate(nlp.pipe(docs(), batch_size=batch_size)):
            doc_records(doc, str(i))
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": n, "words": words, "seconds": seconds, "peak_rss_mb": rss_mb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--mode", choices=["bare", "full"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mode:
        print(json.dumps(run_mode(a.mode, a.articles, a.batch_size)))
        return
    results = {}
    for mode in ("bare", "full"):
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--articles", str(a.articles),
                              "--batch-size", str(a.batch_size)], check=True, capture_output=True, text=True)
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{'mode':<6} {'articles':>8} {'words':>8} {'seconds':>8} {'art/s':>7} {'words/s':>8} {'peak MB':>8}")
    for mode, r in results.items():
        print(f"{mode:<6} {r['articles']:>8} {r['words']:>8} {r['seconds']:>8.2f} "
              f"{r['articles'] / r['seconds']:>7.1f} {r['words'] / r['seconds']:>8.0f} {r['peak_rss_mb']:>8.0f}")
    ratio = results["bare"]["seconds"] / results["full"]["seconds"]
    print(f"\nthroughput ratio extract / bare nlp.pipe = {ratio:.3f}  (1 process, batch {a.batch_size})")


if __name__ == "__main__":
    main()
