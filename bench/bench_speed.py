"""Speed benchmark of issue 13: every figure a ratio measured in one run, stable on a shared VM.

Wall-clock time on a loaded 2-core VM wanders by 40% over hours, so the main figures are CPU
ratios of whole subprocesses run back to back, interleaved (order alternating per round) over
``--rounds`` rounds, reported as the median with the spread (min-max):

(a) analyze into a fresh SQLite store / bare ``nlp.pipe`` of the same model on the same texts, one
    process: CPU seconds of the measured section (model load excluded) and of the whole
    subprocess (user+sys from ``RUSAGE_CHILDREN``), and wall;
(b) analyze ``--n-process 2`` (and Dask ``--workers 2`` with ``--dask``) / one process: wall,
    since using the second core is the point (read it with the load average beside it);
(c) extract (parse + our components, no store) / bare parse: CPU;
(d) store ingest ms per article at 1k and 10k articles (100k with ``--big``): the store part
    alone (``Store.add_articles`` per batch, then stories, story dates and quantities) on
    records extracted once from the corpus, each copy renamed; plus SQL statements per article;
(e) peak RSS of the store ingest at those sizes, and of analyze at ``--rss-sizes``.

The corpus mixes ../shared/corpus (dev_hard, dev_synthetic, dev_articles; skipped with a message
when absent) with generated articles; each copy gets its own id, shifted numbers and renamed
proper nouns, so it is a new article to the store. Not a timed test.

    python bench/bench_speed.py [--articles 600] [--rounds 3] [--json out.json] [--big]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_scale import SYL
from bench_scale import article as generated_article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
REAL_SETS = ("dev_hard.jsonl", "dev_synthetic.jsonl", "dev_articles.jsonl")

# capitalised words that are not names: renaming them would change dates and sentence structure
KEEP = set("""The A An In On At Of For From By To And But Or As If It Its He She They We You I His Her Their
This That These Those There Here When While After Before Since Until About More Most Some Many Several
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr
President Minister Police Officials Reuters Associated Press News Agency Ministry Health According
Meanwhile However Also Only Yet Still Both Each Every Other Another No Not Who What Where Why How""".split())
WARMUP = 50  # articles stored and finished once, untimed, before a store size is measured
CAP = re.compile(r"\b[A-Z][a-z]{2,}\b")
NUM = re.compile(r"\b\d+\b")


def _new_name(word: str, copy: int) -> str:
    """A made-up name for ``word`` in copy ``copy``: the same word gets the same name throughout a
    copy, so speakers and places stay consistent within it."""
    r = random.Random(zlib.crc32(f"{word}/{copy}".encode()))
    return "".join(r.choice(SYL) for _ in range(2 + len(word) // 5)).capitalize()


def _shift(m: re.Match[str], copy: int) -> str:
    n = int(m.group())
    if n < 32 or 1900 <= n <= 2099:  # days of the month and years keep the dates valid
        return m.group()
    return str(n + 3 * copy)


def change(text: str, copy: int) -> str:
    """``text`` with its proper nouns renamed and its larger numbers shifted, for copy ``copy``."""
    text = CAP.sub(lambda m: m.group() if m.group() in KEEP else _new_name(m.group(), copy), text)
    return NUM.sub(lambda m: _shift(m, copy), text)


def real_articles(shared: Path = SHARED) -> list[dict[str, Any]]:
    """The shared dev sets' articles, or none (with a message) when ../shared is absent."""
    if not shared.is_dir():
        print(f"note: {shared} not found; the corpus is generated articles only", file=sys.stderr)
        return []
    rows: list[dict[str, Any]] = []
    for name in REAL_SETS:
        path = shared / name
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def make_corpus(n: int, shared: Path = SHARED) -> list[dict[str, Any]]:
    """``n`` articles: every other one a changed copy of a real dev article (all of them in turn),
    the rest generated; every id distinct."""
    real = real_articles(shared)
    out: list[dict[str, Any]] = []
    for i in range(n):
        if real and i % 2 == 0:
            j = i // 2
            base, copy = real[j % len(real)], 1 + j // len(real)
            a = dict(base)
            a["id"] = f"{base['id']}~{copy}"
            a["text"] = change(str(base["text"]), copy)
            if a.get("title"):
                a["title"] = change(str(a["title"]), copy)
            out.append(a)
        else:
            out.append(generated_article(100_000 + i))
    return out


def write_corpus(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for a in rows:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


# ---- child modes: each runs in its own subprocess, prints one JSON line ----

def _section(fn: Any) -> dict[str, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    extra = fn() or {}
    return {"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0, **extra}


def child(a: argparse.Namespace) -> dict[str, Any]:
    from newsledger.config import Config

    config = Config(n_process=a.n_process)
    corpus = Path(a.corpus)
    if a.child == "bare":
        from newsledger import pipeline

        nlp = pipeline.load_base(config)
        texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]

        def bare() -> dict[str, int]:  # with the BLAS threads analyze uses (Config.blas_threads)
            with pipeline.blas_limit(config):
                return {"docs": sum(1 for _ in nlp.pipe(texts, batch_size=config.batch_size))}
        res = _section(bare)
    elif a.child in ("analyze", "dask"):
        from newsledger import pipeline
        from newsledger.store import analyze

        if config.processes() == 1:  # model load outside the section, as for the bare run (with
            pipeline.load(config)  # worker processes this process loads no model: the workers do)
        if a.child == "dask":
            from newsledger.distributed import analyze_distributed
            res = _section(lambda: {"duplicates": analyze_distributed(
                [corpus], Path(a.db), config, workers=2, chunk_bytes=64_000).duplicates})
        else:
            res = _section(lambda: {"duplicates": analyze([corpus], Path(a.db), config).duplicates})
    elif a.child in ("extract", "dump"):
        from newsledger import pipeline
        from newsledger.extract import iter_processed
        from newsledger.ingest import read_articles

        pipeline.load(config)
        results: list[Any] = []

        def run() -> dict[str, int]:
            n = 0
            for r in iter_processed(read_articles([corpus], config, dedupe_ids=False), config):
                n += 1
                if a.child == "dump":
                    results.append(r)
            return {"docs": n}
        res = _section(run)
        if a.child == "dump":
            Path(a.db).write_bytes(pickle.dumps(results))
    else:  # store
        res = store_ingest(Path(a.corpus), Path(a.db), a.n)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


def variants(base: list[Any], n: int) -> Iterator[Any]:
    """``n`` extraction results made from ``base``: copy k renames ids, texts and record strings
    (so the store sees new articles, near-duplicates only where the text stays alike)."""
    from dataclasses import replace

    def ren(s: str | None, k: int) -> str | None:
        return None if s is None else CAP.sub(lambda m: m.group() if m.group() in KEEP else _new_name(m.group(), k), s)

    for i in range(n):
        r, k = base[i % len(base)], i // len(base)
        if k == 0:
            yield r
            continue
        art = replace(r.article, id=f"{r.article.id}#{k}", text=ren(r.article.text, k), title=ren(r.article.title, k))
        yield replace(r, article=art,
                      figures=[replace(f, doc=art.id, source=ren(f.source, k), place=ren(f.place, k))
                               for f in r.figures],
                      statements=[replace(s, doc=art.id, speaker=ren(s.speaker, k)) for s in r.statements],
                      names=[ren(x, k) or "" for x in r.names])


def store_ingest(dump: Path, db: Path, n: int) -> dict[str, Any]:
    """The store part of analyze alone, on pre-extracted records: CPU and wall of adding ``n``
    articles (in batches, as analyze does) and of finishing the run."""
    import sqlalchemy as sa

    from newsledger.config import Config
    from newsledger.store import Staged, Store, date_from_stories
    from newsledger.util import batched

    base = pickle.loads(dump.read_bytes())

    def add(store: Store, n: int) -> None:  # as analyze writes: a transaction per Config.store_batch articles
        with store.engine.connect() as conn:
            s = store.next_seq(conn)
        for group in batched(variants(base, n), Config().store_batch):
            with store.begin() as conn:
                store.add_articles(conn, [Staged(r.article, r.figures, r.statements, r.names, s + i, r.pub,
                                                 r.features, r.place_aliases) for i, r in enumerate(group)])
            s += len(group)

    def finish_run(store: Store) -> None:
        store.update_stories()
        date_from_stories(store)
        store.refresh_dirty()

    # untimed, on a store of its own: imports and first-use set-up (scipy alone is ~0.6 s of CPU)
    # would otherwise be charged to the articles of the smallest size
    warm = Store(db.with_name(db.name + ".warm"))
    add(warm, min(n, WARMUP))
    finish_run(warm)
    warm.close()
    store = Store(db)
    statements = [0]
    sa.event.listen(store.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    added = _section(lambda: add(store, n))
    added["sql_add"] = statements[0]
    before = statements[0]
    finish = _section(lambda: finish_run(store))
    store.close()
    return {"n": n, "add_cpu": added["cpu"], "add_wall": added["wall"], "finish_cpu": finish["cpu"],
            "finish_wall": finish["wall"], "sql_per_article": added["sql_add"] / n,
            "sql_finish": statements[0] - before}


# ---- parent ----

def run_child(tmp: Path, mode: str, corpus: Path, n_process: int = 1, n: int = 0, db: Path | None = None
              ) -> dict[str, Any]:
    """One child run; adds its whole-process CPU (user+sys, from RUSAGE_CHILDREN deltas)."""
    db = db or tmp / f"{mode}-{time.time_ns()}.db"
    cmd = [sys.executable, __file__, "--child", mode, "--corpus", str(corpus), "--db", str(db),
           "--n-process", str(n_process), "--n", str(n)]
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    # user+sys of the child and of its own children (worker processes), and its whole wall time
    res["proc_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    res["proc_wall"] = time.perf_counter() - started
    for p in tmp.glob(db.name + "*"):
        if mode != "dump":
            p.unlink()
    return res


def spread(xs: list[float]) -> dict[str, float]:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def fmt(s: dict[str, float], digits: int = 3) -> str:
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f}, n={s['n']})"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="minutes")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=600, help="corpus size for (a)-(c)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--store-sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--big", action="store_true", help="also store ingest at 100k articles (long)")
    ap.add_argument("--rss-sizes", type=int, nargs="*", default=[],
                    help="peak RSS of a whole analyze at these corpus sizes (10k takes ~20 min)")
    ap.add_argument("--dask", action="store_true", help="also analyze --workers 2 (Dask) in (b)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["parse", "store"], help="parts to skip")
    ap.add_argument("--json", type=Path, help="save the results here")
    ap.add_argument("--child", choices=["bare", "analyze", "dask", "extract", "dump", "store"],
                    help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--n-process", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a)))
        return
    out: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg()}
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        docs = make_corpus(a.articles)
        corpus = write_corpus(tmp / "corpus.jsonl", docs)
        words = sum(len(str(d["text"]).split()) for d in docs)
        out["corpus"] = {"articles": len(docs), "words": words,
                         "real_copies": sum(1 for d in docs if "~" in str(d["id"]))}
        if "parse" not in a.skip:
            modes = ["bare", "analyze", "extract", "analyze2"] + (["dask"] if a.dask else [])
            runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
            for r in range(a.rounds):
                order = modes if r % 2 == 0 else modes[::-1]  # interleaved, order alternating
                for m in order:
                    child_mode = "analyze" if m == "analyze2" else m
                    runs[m].append(run_child(tmp, child_mode, corpus, n_process=2 if m == "analyze2" else 1))
                    print(f"round {r + 1} {m}: {json.dumps(runs[m][-1])}", file=sys.stderr)
            out["runs"] = runs

            def ratio(num: str, den: str, key: str) -> dict[str, float]:
                return spread([x[key] / y[key] for x, y in zip(runs[num], runs[den], strict=True)])
            # throughput ratio = time of the reference / time of the subject (higher is better)
            out["a_cpu"] = ratio("bare", "analyze", "cpu")
            out["a_proc_cpu"] = ratio("bare", "analyze", "proc_cpu")
            out["a_wall"] = ratio("bare", "analyze", "wall")
            out["b_wall"] = ratio("analyze", "analyze2", "wall")
            out["c_cpu"] = ratio("bare", "extract", "cpu")
            rows += [
                ("(a) analyze / bare parse, throughput by section CPU (1 process)", fmt(out["a_cpu"])),
                ("(a) same, whole-process CPU incl. model load", fmt(out["a_proc_cpu"])),
                ("(a) same, wall", fmt(out["a_wall"])),
                ("(b) analyze --n-process 2 / 1 process, speed-up by wall", fmt(out["b_wall"])),
                ("(b) CPU of the analyze process itself, 2 processes / 1 (well under 1 when the parse "
                 "runs in the workers)", fmt(ratio("analyze2", "analyze", "cpu"))),
                ("(c) extract / bare parse, throughput by section CPU", fmt(out["c_cpu"])),
                ("bare parse CPU s / analyze CPU s (medians)",
                 f"{statistics.median(x['cpu'] for x in runs['bare']):.1f} / "
                 f"{statistics.median(x['cpu'] for x in runs['analyze']):.1f}"),
                ("peak RSS MB bare / analyze / analyze 2 proc (parent only)",
                 " / ".join(f"{statistics.median(x['peak_rss_mb'] for x in runs[m]):.0f}"
                            for m in ("bare", "analyze", "analyze2"))),
                ("near-duplicates found by analyze", str(runs["analyze"][0].get("duplicates"))),
            ]
            if a.dask:
                out["b_dask_wall"] = ratio("analyze", "dask", "wall")
                rows.append(("(b) analyze --workers 2 (Dask) / 1 process, speed-up by wall", fmt(out["b_dask_wall"])))
        if "store" not in a.skip:
            dump = tmp / "records.pickle"
            base = write_corpus(tmp / "store-base.jsonl", docs[: min(len(docs), 500)])
            run_child(tmp, "dump", base, db=dump)
            sizes = a.store_sizes + ([100_000] if a.big else [])
            out["store"] = []
            for n in sizes:
                s = run_child(tmp, "store", dump, n=n)
                out["store"].append(s)
                print(f"store {n}: {json.dumps(s)}", file=sys.stderr)
                rows += [(f"(d) store ingest at {n:,}: add ms/article CPU (wall)",
                          f"{1000 * s['add_cpu'] / n:.2f} ({1000 * s['add_wall'] / n:.2f})"),
                         (f"(d) store finish at {n:,} (stories, dates, quantities): ms/article CPU",
                          f"{1000 * s['finish_cpu'] / n:.2f}"),
                         (f"(d) SQL statements per article added at {n:,}", f"{s['sql_per_article']:.1f}"),
                         (f"(e) peak RSS MB, store ingest at {n:,}", f"{s['peak_rss_mb']:.0f}")]
        for n in a.rss_sizes:
            c = write_corpus(tmp / f"rss-{n}.jsonl", make_corpus(n))
            r = run_child(tmp, "analyze", c)
            out.setdefault("rss", []).append({"n": n, **r})
            rows.append((f"(e) peak RSS MB, analyze at {n:,} articles", f"{r['peak_rss_mb']:.0f}"))
    out["load_after"] = os.getloadavg()
    m = out["machine"]
    print(f"\n## newsledger speed ({m['date']})\n")
    print(f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}. Load average before "
          f"{'/'.join(f'{x:.2f}' for x in out['load_before'])}, after "
          f"{'/'.join(f'{x:.2f}' for x in out['load_after'])}. Corpus: {out['corpus']['articles']} articles "
          f"({out['corpus']['words']:,} words, {out['corpus']['real_copies']} changed copies of dev articles). "
          f"Ratios: median (min–max) over {a.rounds} interleaved rounds; higher is faster.\n")
    print("| measure | value |\n| --- | --- |")
    for k, v in rows:
        print(f"| {k} | {v} |")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
