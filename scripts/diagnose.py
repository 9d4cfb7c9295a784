"""Print every disagreement between predictions and gold, with context (a developer's aid).

Usage: python scripts/diagnose.py GOLD PRED ARTICLES [--only figure|statement|date|category]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path


def load_scorer(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("articles")
    ap.add_argument("--only", default="")
    ap.add_argument("--scorer", default=str(Path(__file__).resolve().parents[2] / "shared/eval/score.py"))
    a = ap.parse_args()
    sc = load_scorer(Path(a.scorer))
    gold = sc.load(a.gold)
    pred = [p for p in sc.load(a.pred) if p.get("field", "text") == "text"]
    with open(a.articles, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    texts = {r["id"]: r["text"] for r in rows}

    def ctx(doc: str, s: int, e: int, w: int = 60) -> str:
        t = texts[doc]
        return (t[max(0, s - w):s] + "[[" + t[s:e] + "]]" + t[e:e + w]).replace("\n", " ")

    gf = [g for g in gold if g["kind"] == "figure"]
    pf = [p for p in pred if p["kind"] == "figure"]
    m = sc.match(gf, pf)
    for gi, g in enumerate(gf):
        if gi not in m:
            if a.only in ("", "figure"):
                print("MISSED FIG", g["doc"], ctx(g["doc"], g["start"], g["end"]))
            continue
        p = pf[m[gi]]
        probs = []
        if not sc.value_ok(p, g):
            probs.append(f"value {g['value']},{g['value_high']} != {p['value']},{p['value_high']}")
        if not sc.counted_ok(p.get("counted"), g["counted"]):
            probs.append(f"counted {g['counted']} != {p.get('counted')!r}")
        if not sc.source_ok(p.get("source"), g["source"]):
            probs.append(f"source {g['source'][:2]} != {p.get('source')!r}")
        if a.only in ("", "figure") and probs:
            print("FIG", g["doc"], "|", "; ".join(probs), "|", ctx(g["doc"], g["start"], g["end"]))
        if a.only in ("", "category") and p.get("category") != g["category"]:
            print("CAT", g["doc"], g["category"], "!=", p.get("category"), "|", ctx(g["doc"], g["start"], g["end"]))
        if a.only in ("", "qualifier") and p.get("qualifier") != g["qualifier"]:
            print("QUAL", g["doc"], g["qualifier"], "!=", p.get("qualifier"), "|", ctx(g["doc"], g["start"], g["end"]))
        if a.only in ("", "date") and g.get("event_date") and p.get("event_date") != g["event_date"]:
            print("DATE", g["doc"], g["event_date"], g.get("date_basis"), "!=", p.get("event_date"),
                  p.get("date_basis"), "|", ctx(g["doc"], g["start"], g["end"]))
    if a.only in ("", "figure"):
        used = set(m.values())
        for pi, p in enumerate(pf):
            if pi not in used:
                print("SPURIOUS FIG", p["doc"], ctx(p["doc"], p["start"], p["end"]))
    gs = [g for g in gold if g["kind"] == "statement"]
    ps = [p for p in pred if p["kind"] == "statement"]
    ms = sc.match(gs, ps)
    if a.only in ("", "statement"):
        for gi, g in enumerate(gs):
            if gi not in ms:
                print("MISSED ST", g["doc"], g["speaker"][:2], ctx(g["doc"], g["start"], g["end"], 0)[:160])
                continue
            p = ps[ms[gi]]
            if not sc.source_ok(p.get("speaker"), g["speaker"]):
                print("SPEAKER", g["doc"], g["speaker"][:2], "!=", repr(p.get("speaker")), "|",
                      texts[g["doc"]][g["start"]:g["end"]][:150].replace("\n", " "))
        used = set(ms.values())
        for pi, p in enumerate(ps):
            if pi not in used:
                print("SPURIOUS ST", p["doc"], repr(p.get("speaker")), p.get("cue"), "|",
                      texts[p["doc"]][p["start"]:p["end"]][:150].replace("\n", " "))


if __name__ == "__main__":
    main()
