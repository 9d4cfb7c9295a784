"""Source resolution per article as stories grow large (issue 13: ingest at 100k <= 1.3x at 1k).

Real crises run to thousands of articles per story, each quoting people already quoted (full
name, surname alone, first name alone, with a title), new people, and bodies (named, generic,
acronyms spelt out in the text). Resolving a name used to scan every source of its story (and,
for a one-word name, every source of the store), so the cost per article grew with the story.

Two modes, both CPU (``time.process_time``) per article, on synthetic stories of
``--story-size`` articles whose cast of speakers grows with the story:

- ``registry`` (default): names straight into a ``SourceRegistry`` (``read_text`` and
  ``resolve`` per article, as ``Store.link_many`` calls them), in one pass up to the largest
  size; prints the ms per article of the last ``--window`` articles before each size.
- ``store``: the same articles as records through the store (``add_articles`` per batch, then
  stories and quantities), a fresh SQLite store per size, after an untimed warm-up run;
  prints ms per article of the whole.

``--compare OLD_SRC`` runs each size in subprocesses with ``PYTHONPATH=OLD_SRC`` and with this
tree's ``src`` alternately (A B A B, ``--rounds`` each) and prints old / new medians with the
spread. The load average is printed with each line. Not a timed test.

    python bench/bench_sources.py [--sizes 1000 10000 100000] [--story-size 2000] [--mode store]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SYL = ["ka", "lo", "mi", "ren", "tas", "vo", "zel", "dri", "mar", "pen", "sor", "ul", "bek", "nia", "gur", "tov",
       "sha", "lin", "dor", "vek", "ar", "ist", "om", "bra"]
TITLES = ["Health Minister", "Governor", "Deputy Mayor", "Police Chief", "spokesman"]
WARMUP = 200  # articles stored once, untimed, before the sizes measured (store mode)
GENERIC = ["authorities", "the ministry", "the health ministry", "police", "local officials", "the agency"]


def _word(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(SYL) for _ in range(k)).capitalize()


def stories(n: int, story_size: int, seed: int = 13) -> list[tuple[str, str, list[tuple[str, str | None]]]]:
    """``n`` articles as (story, text, [(speaker name, role)]): each story has a place, an agency
    with an acronym, and a cast that gains a new person in about a third of the mentions. Each
    text has 40 words of its own, so articles are not near-duplicates of all of their story (a
    story of identical texts measured the near-duplicate look-up of one wire copy's clones)."""
    rng = random.Random(seed)
    words = random.Random(seed + 1)  # each article's own words, apart from ``rng`` (the names)
    out = []
    casts: dict[int, list[tuple[str, str]]] = {}
    for i in range(n):
        s = i // story_size
        srng = random.Random(s)
        place = _word(srng, 2)
        agency = f"{place}n {_word(srng, 2)} Relief Agency"
        acr = "".join(w[0] for w in agency.split() if w[0].isupper())
        cast = casts.setdefault(s, [])
        names: list[tuple[str, str | None]] = []
        for _ in range(rng.randrange(2, 6)):
            r = rng.random()
            if r < 0.35 or not cast:
                cast.append((_word(rng, 2), _word(rng, rng.choice([2, 3]))))
                first, last = cast[-1]
                names.append((f"{first} {last}", rng.choice([None, f"{place} {rng.choice(TITLES).lower()}"])))
                continue
            first, last = rng.choice(cast)
            if r < 0.55:
                names.append((f"{first} {last}", None))
            elif r < 0.68:
                names.append((last, None))
            elif r < 0.72:
                names.append((first, None))
            elif r < 0.78:
                names.append((f"{rng.choice(TITLES[:4])} {first} {last}", None))
            elif r < 0.86:
                names.append((rng.choice(GENERIC), None))
            elif r < 0.9:
                names.append((f"Ministry of {rng.choice(['Health', 'Interior', 'Defence'])} of {place}", None))
            else:
                names.append((rng.choice([acr, agency, f"{place}'s relief agency"]), None))
        text = (f"{place.upper()} — The {agency} ({acr}) said on Monday that rescue work went on. "
                f"Officials in {place} said more people were missing. "
                + " ".join(words.choice(SYL) + words.choice(SYL) for _ in range(40)) + ".")
        out.append((f"story-{s}", text, names))
    return out


def run_registry(sizes: list[int], story_size: int, window: int) -> list[dict[str, Any]]:
    from newsledger.sources import SourceRegistry

    data = stories(max(sizes), story_size)
    reg = SourceRegistry()
    marks, res, start = sorted(set(sizes)), [], 0.0
    for i, (story, text, names) in enumerate(data, 1):
        if i == marks[0] - window + 1 or (window >= marks[0] and i == 1):
            start = time.process_time()
        reg.read_text(text, story)
        for name, role in names:
            reg.resolve(name, role, story=story)
        if i == marks[0]:
            res.append({"n": i, "ms_per_article": 1000 * (time.process_time() - start) / min(window, i),
                        "sources": len(reg.sources)})
            marks.pop(0)
            if not marks:
                break
    return res


def run_store(n: int, story_size: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from newsledger.config import Config
    from newsledger.ingest import Article
    from newsledger.records import Figure, Statement
    from newsledger.store import Staged, Store
    from newsledger.stories import StoryFeatures

    staged = []
    for i, (story, text, names) in enumerate(stories(n, story_size)):
        art = Article(id=f"a{i}", text=text, date=f"2030-03-{1 + (i * 28) // n:02d}", title=f"{story} update",
                      outlet=f"outlet{i % 40}")
        figs = [Figure(doc=art.id, start=k * 10, end=k * 10 + 2, text="12", value=10 + (i + k) % 90, value_high=None,
                       qualifier="exact", unit=None, counted="people", category="missing", source=name,
                       source_role=role, event_date=art.date) for k, (name, role) in enumerate(names[:2])]
        stmts = [Statement(doc=art.id, start=k * 10, end=k * 10 + 40, text="x said y", speaker=name, speaker_role=role,
                           direct=False, cue="said") for k, (name, role) in enumerate(names)]
        place = text.split(" — ")[0].title()
        feats = StoryFeatures(date=art.date, places={place: 3}, names={place: 2, story: 2}, events={"flood": 1})
        staged.append((art, figs, stmts, [place, story], feats))
    batch = Config().store_batch
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        cpu = time.process_time()
        for i in range(0, n, batch):
            with store.begin() as conn:
                store.add_articles(conn, [Staged(a, f, s, nm, i + k, None, ft)
                                          for k, (a, f, s, nm, ft) in enumerate(staged[i:i + batch])])
        store.update_stories()
        store.refresh_dirty()
        cpu = time.process_time() - cpu
        with store.engine.connect() as conn:
            biggest = conn.execute(sa.text("SELECT max(n_articles) FROM stories")).scalar()
            n_sources = conn.execute(sa.text("SELECT count(*) FROM sources")).scalar()
    return {"n": n, "ms_per_article": 1000 * cpu / n, "largest_story": biggest, "sources": n_sources}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_stores(sizes: list[int], story_size: int) -> list[dict[str, Any]]:
    """:func:`run_store` for each size, after an untimed run of ``WARMUP`` articles: imports and
    first-use set-up (scipy alone is ~0.6 s of CPU) would otherwise be charged to the first size."""
    run_store(WARMUP, story_size)
    return [run_store(n, story_size) for n in sizes]


def child(args: argparse.Namespace) -> None:
    if args.mode == "registry":
        out: Any = run_registry(args.sizes, args.story_size, args.window)
    else:
        out = run_stores(args.sizes, args.story_size)
    print(json.dumps(out))


def compare(args: argparse.Namespace) -> None:
    """Each size in subprocesses, old and new source trees alternately; old / new CPU ratios."""
    trees = {"old": str(Path(args.compare).resolve()), "new": str(ROOT / "src")}
    for n in args.sizes:
        runs: dict[str, list[float]] = {"old": [], "new": []}
        for r in range(args.rounds):
            for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
                cmd = [sys.executable, __file__, "--child", "--mode", args.mode, "--sizes", str(n),
                       "--story-size", str(args.story_size), "--window", str(min(args.window, n))]
                env = dict(os.environ, PYTHONPATH=trees[name], PYTHONDONTWRITEBYTECODE="1")
                res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True,
                                                env=env).stdout.strip().splitlines()[-1])
                runs[name].append(res[-1]["ms_per_article"])
        ratios = [o / w for o, w in zip(runs["old"], runs["new"], strict=True)]
        print(f"{args.mode} n={n:>6} story_size={args.story_size}: old {statistics.median(runs['old']):.2f} "
              f"new {statistics.median(runs['new']):.2f} ms/article CPU; old/new {statistics.median(ratios):.2f}x "
              f"({min(ratios):.2f}-{max(ratios):.2f}, {args.rounds} pairs); load {_load()}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--story-size", type=int, default=2000, help="articles per story")
    ap.add_argument("--window", type=int, default=1000, help="registry mode: articles measured before each size")
    ap.add_argument("--mode", choices=["registry", "store"], default="registry")
    ap.add_argument("--compare", metavar="OLD_SRC", help="also run an older tree's src, interleaved")
    ap.add_argument("--rounds", type=int, default=3, help="pairs of runs per size with --compare")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
    elif args.compare:
        compare(args)
    else:
        res = run_registry(args.sizes, args.story_size, args.window) if args.mode == "registry" else run_stores(
            args.sizes, args.story_size)
        for r in res:
            largest = f", largest story {r['largest_story']}" if "largest_story" in r else ""
            print(f"{args.mode} n={r['n']:>6} story_size={args.story_size}: {r['ms_per_article']:.2f} ms/article CPU "
                  f"({r['sources']} sources{largest}); load {_load()}", flush=True)
        print(f"ratio largest/smallest: {res[-1]['ms_per_article'] / res[0]['ms_per_article']:.2f}")


if __name__ == "__main__":
    main()
