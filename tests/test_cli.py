import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsledger.cli import main

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def test_extract_jsonl_to_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["extract", str(EXAMPLES), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kinds = {r["kind"] for r in rows}
    assert kinds == {"figure", "statement"}
    fig = next(r for r in rows if r["kind"] == "figure")
    for key in ("doc", "field", "start", "end", "text", "value", "value_high", "qualifier", "unit", "counted",
                "category", "source", "event_date", "quantity"):
        assert key in fig


def test_extract_table_for_people() -> None:
    res = CliRunner().invoke(main, ["extract", str(EXAMPLES / "2031-04-03_castavia_daily.txt"),
                                    "--format", "table", "-q"])
    assert res.exit_code == 0, res.output
    assert "Figures" in res.output and "Statements" in res.output and "Tomas Brel" in res.output


def test_bad_items_are_reported_and_the_run_continues(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "ok", "date": "2030-02-01", "text": "Police said 12 people were arrested."}\n'
                    "{broken\n", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    huge = tmp_path / "huge.txt"
    huge.write_text("The people said that it was over. " * 7_000, encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(tmp_path)])
    assert res.exit_code == 1
    assert f"{feed}:2: malformed JSON" in res.output
    assert "bin.txt: binary content" in res.output
    assert "over the limit" in res.output
    assert '"doc": "ok"' in res.output


def test_missing_model_is_a_clean_error(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Text.", encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(f), "--model", "no_such_model_xyz"])
    assert res.exit_code != 0
    assert "not installed" in res.output


def test_analyze_then_views_and_exports(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    data = Path(__file__).parent / "data" / "ledger" / "a1.jsonl"
    r = CliRunner().invoke(main, ["analyze", str(data), "--db", db, "-q"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["conflicts", "--db", db])
    assert r.exit_code == 0 and "dispute" in r.output
    r = CliRunner().invoke(main, ["quantities", "--db", db, "--format", "json"])
    ledger = json.loads(r.output)
    assert any(q["category"] == "killed" and q["n_figures"] == 4 for q in ledger)
    r = CliRunner().invoke(main, ["timeline", "--db", db])
    assert r.exit_code == 0 and "2030-08-04" in r.output
    out = tmp_path / "brief"
    r = CliRunner().invoke(main, ["brief", "--db", db, "-o", str(out)])
    assert r.exit_code == 0
    html = (out / "brief.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Northern Wire" in html
    assert "“" in (out / "brief.md").read_text(encoding="utf-8")
    for fmt in ("csv", "jsonl", "parquet"):
        target = tmp_path / f"x.{fmt}"
        r = CliRunner().invoke(main, ["export", "--db", db, "--format", fmt, "-o", str(target)])
        assert r.exit_code == 0, r.output
        assert target.stat().st_size > 0
    rows = [json.loads(x) for x in (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["kind"] for r in rows} == {"figure", "statement"}
    assert set(next(r for r in rows if r["kind"] == "figure")) == {
        "kind", "doc", "field", "start", "end", "text", "value", "value_high", "qualifier", "unit", "counted",
        "category", "source", "event_date", "quantity"}


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"newsledger {name}" in readme, f"README does not show `newsledger {name}`"


READ_COMMANDS = [["quantities"], ["conflicts"], ["timeline"], ["brief", "-o", "{tmp}/brief"],
                 ["export", "--format", "jsonl"], ["serve", "--port", "{busy}"]]


@pytest.mark.parametrize("cmd", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_refuse_a_mistyped_store_and_create_nothing(tmp_path: Path, cmd: list[str]) -> None:
    import socket

    db = tmp_path / "ledgr.db"
    with socket.socket() as busy:  # serve must stop before listening; if it got that far, it fails here
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        args = [a.replace("{tmp}", str(tmp_path)).replace("{busy}", str(busy.getsockname()[1])) for a in cmd]
        r = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert r.exit_code == 1 and f"no newsledger store at {db}" in r.output, r.output
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_read_commands_open_a_read_only_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "ledger.db"
    data = Path(__file__).parent / "data" / "ledger" / "a1.jsonl"
    assert CliRunner().invoke(main, ["analyze", str(data), "--db", str(db), "-q"]).exit_code == 0
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        for cmd in (["quantities"], ["conflicts"], ["timeline"], ["export", "--format", "csv"]):
            r = CliRunner().invoke(main, [*cmd, "--db", str(db)])
            assert r.exit_code == 0, r.output
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before  # opened read-only: not even migrated


def test_analyze_refuses_another_applications_database(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
    data = Path(__file__).parent / "data" / "ledger" / "protest.jsonl"
    r = CliRunner().invoke(main, ["analyze", str(data), "--db", str(db), "-q"])
    assert r.exit_code == 1 and "not a newsledger store" in r.output and "Traceback" not in r.output, r.output
    with sqlite3.connect(db) as conn:
        assert [t for (t,) in conn.execute("SELECT name FROM sqlite_master")] == ["articles"]


@pytest.mark.parametrize("args", [
    ["analyze", "x.jsonl", "--workers", "0"], ["analyze", "x.jsonl", "--workers", "-1"],
    ["analyze", "x.jsonl", "--batch-size", "0"], ["extract", "x.jsonl", "--n-process", "-2"],
    ["quantities", "--limit", "0"], ["quantities", "--limit", "-5"], ["conflicts", "--limit", "0"],
    ["brief", "--top", "0"]])
def test_counts_below_one_are_refused_with_a_reason(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "never.db"
    res = CliRunner().invoke(main, [*args, "--db", str(db)] if args[0] != "extract" else args)
    assert res.exit_code == 2, res.output
    assert "is not in the range x>=1" in res.output
    assert not db.exists()


def test_a_run_with_hostile_articles_stores_the_rest_and_writes_its_report(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    body = "Police said {} people died in the flood in Aldport on Monday, the mayor said on Tuesday."
    rows = [{"id": "ok1", "date": "2022-05-01", "text": body.format(12)},
            {"id": "old", "date": "0001-01-01", "text": body.format(13)},
            {"id": "sur", "date": "2022-05-02", "text": "Officials \ud800 said 3 people died on Monday."},
            {"id": "nul", "date": "2022-05-02", "text": "Officials \u0000 said 4 people died on Monday."},
            {"id": "x" * 300, "date": "2022-05-02", "text": body.format(14)},
            {"id": "bad", "date": "2022-13-45", "text": body.format(15)},
            {"id": "ok2", "date": "2022-05-03", "text": body.format(16)}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db, report = str(tmp_path / "l.db"), tmp_path / "run.json"
    res = CliRunner().invoke(main, ["analyze", str(data), "--db", db, "-q", "--report", str(report)])
    assert res.exit_code == 1, res.output
    assert f"error {data}:5: article id of 300 characters" in res.output
    assert f"warning {data}:6: date '2022-13-45' is not a valid date" in res.output
    got = json.loads(report.read_text(encoding="utf-8"))
    assert got["added"] == 6 and len(got["errors"]) == 1 and len(got["warnings"]) == 1
    out = CliRunner().invoke(main, ["export", "--db", db, "--format", "jsonl"])
    assert out.exit_code == 0 and "4 people died" in out.output


def test_views_show_ids_plurals_undated_figures_and_few_pairs_per_quantity(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "ledger"
    db = str(tmp_path / "w.db")
    assert CliRunner().invoke(main, ["analyze", str(data / "words.jsonl"), "--db", db, "-q"]).exit_code == 0
    ids = [q["id"] for q in json.loads(CliRunner().invoke(
        main, ["quantities", "--db", db, "--format", "json"]).output)]
    r = CliRunner().invoke(main, ["quantities", "--db", db])
    assert r.exit_code == 0 and ids and all(q in r.output for q in ids)  # what timeline --quantity needs
    assert "1 source," in r.output and "1 sources" not in r.output and "1 outlets" not in r.output
    assert "hundreds" in r.output and "vague: 100–1,000" in r.output and "100 (vague)" not in r.output
    assert "UN or NGO" in r.output and "un_ngo" not in r.output
    r = CliRunner().invoke(main, ["timeline", "--db", db])
    lines = r.output.splitlines()
    undated = next(i for i, ln in enumerate(lines) if "undated" in ln)
    assert "more than 300" in lines[undated] and "2031-02-16" not in "".join(lines[undated:])
    r = CliRunner().invoke(main, ["timeline", "--db", db, "--quantity", ids[0], "--format", "json"])
    assert {f["quantity_id"] for d in json.loads(r.output) for f in d["figures"]} == {ids[0]}

    flood = str(tmp_path / "f.db")
    assert CliRunner().invoke(main, ["analyze", str(data / "conflicts.jsonl"), "--db", flood, "-q"]).exit_code == 0
    every = json.loads(CliRunner().invoke(main, ["conflicts", "--db", flood, "--format", "json"]).output)
    qid = max({g["quantity_id"] for g in every}, key=[g["quantity_id"] for g in every].count)
    n = sum(g["quantity_id"] == qid for g in every)
    assert n > 1
    r = CliRunner().invoke(main, ["conflicts", "--db", flood, "--per-quantity", "1", "--format", "json"])
    assert sum(g["quantity_id"] == qid for g in json.loads(r.output)) == 1
    r = CliRunner().invoke(main, ["conflicts", "--db", flood, "--per-quantity", "1"])
    more = "1 more source pair" if n == 2 else f"{n - 1} more source pairs"
    assert r.exit_code == 0 and more in r.output and f"--quantity {qid}" in r.output
    r = CliRunner().invoke(main, ["conflicts", "--db", flood])
    assert "across_days" not in r.output and "across days" in r.output  # kinds in words
    r = CliRunner().invoke(main, ["conflicts", "--db", flood, "--quantity", qid, "--per-quantity", "1",
                                  "--format", "json"])
    assert len(json.loads(r.output)) == n  # one quantity asked for: all its pairs


def test_brief_has_one_section_per_story_newest_first(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "ledger"
    db = str(tmp_path / "l.db")
    runner = CliRunner()
    assert runner.invoke(main, ["analyze", str(data / "story.jsonl"), str(data / "two_countries.jsonl"), "--db", db,
                                "-q"]).exit_code == 0
    for top, sections in ((10, ["Tesmark", "Karsia"]), (1, ["Tesmark"])):
        out = tmp_path / f"brief{top}"
        r = runner.invoke(main, ["brief", "--db", db, "-o", str(out), "--top", str(top)])
        assert r.exit_code == 0, r.output
        md = (out / "brief.md").read_text(encoding="utf-8")
        headings = [ln for ln in md.splitlines() if ln.startswith("## ")]
        assert [next(w for w in sections if w in h) for h in headings] == sections
        assert md.splitlines()[2].startswith("As of 2034-05-04, the newest publication day in the ledger; generated ")
        assert ("about 2 stories, the newest 1 below" in md) == (top == 1)


def test_correct_commands_apply_list_export_and_undo(tmp_path: Path) -> None:
    """`newsledger correct …`: each subcommand records a correction by the figure id the UI shows,
    a rerun of analyze keeps it, `correct list` and `export --format corrections` show it, undo
    restores the automatic value."""
    import getpass

    db = str(tmp_path / "l.db")
    data = Path(__file__).parent / "data" / "ledger" / "a1.jsonl"
    run = CliRunner().invoke
    assert run(main, ["analyze", str(data), "--db", db, "-q"]).exit_code == 0

    def figures() -> dict[str, dict[str, object]]:
        out = run(main, ["quantities", "--db", db, "--format", "json", "--limit", "100"]).output
        return {f"{f['citation']['article_id']}/{f['text']}": f for q in json.loads(out) for f in q["figures"]}

    def spec() -> list[dict[str, object]]:
        r = run(main, ["export", "--db", db, "--format", "jsonl"])
        return [json.loads(x) for x in r.output.splitlines() if x.startswith("{")]

    figs = figures()
    evac, brel, agency = figs["north-1/About 2,500"], figs["north-2/52"], figs["north-2/31"]
    r = run(main, ["correct", "category", str(evac["id"]), "displaced", "--db", db, "--why", "moved to camps",
                   "--by", "ana"])
    assert r.exit_code == 0 and "#1 category set to displaced (was evacuated): applied" in r.output, r.output
    r = run(main, ["correct", "not-a-figure", f"north-2@{brel['start']}-{brel['end']}", "--db", db])
    assert r.exit_code == 0, r.output
    assert run(main, ["analyze", str(data), "--db", db, "-q"]).exit_code == 0  # a rerun keeps both
    rows = spec()
    assert next(x for x in rows if x.get("doc") == "north-1" and x.get("text") == "About 2,500")["category"] == \
        "displaced"
    assert not any(x.get("doc") == "north-2" and x.get("text") == "52" for x in rows)
    listed = run(main, ["correct", "list", "--db", db])
    assert listed.exit_code == 0 and "moved to camps" in listed.output and "ana" in listed.output
    as_json = json.loads(run(main, ["correct", "list", "--db", db, "--format", "json"]).output)
    assert as_json[0]["who"] == getpass.getuser() and as_json[1]["who"] == "ana"  # --by defaults to the OS user
    out = tmp_path / "corrections.jsonl"
    assert run(main, ["export", "--db", db, "--format", "corrections", "-o", str(out)]).exit_code == 0
    exported = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [e["kind"] for e in exported] == ["category", "not-a-figure"]
    assert exported[0]["target"] == f"figure:north-1@{evac['start']}-{evac['end']}"
    r = run(main, ["correct", "undo", "1", "--db", db, "--by", "ben"])
    assert r.exit_code == 0 and "#1 undone" in r.output
    assert next(x for x in spec() if x.get("doc") == "north-1" and x.get("text") == "About 2,500")["category"] == \
        "evacuated"
    again = run(main, ["correct", "undo", "1", "--db", db])
    assert again.exit_code == 1 and "was undone on" in again.output and "by ben" in again.output
    quake = json.loads(run(main, ["quantities", "--db", db, "--format", "json"]).output)[0]["story_id"]
    ferry = next(q["story_id"] for q in json.loads(run(main, ["quantities", "--db", db, "--format", "json",
                                                              "--limit", "100"]).output) if q["story_id"] != quake)
    for args in (["merge-sources", str(agency["source_id"]), str(brel["source_id"])],
                 ["split-source", "--figure", str(agency["id"]), "agency (Monday report)"],
                 ["move-figure", str(figs["north-1/37"]["id"]), str(figs["north-1/more than 80"]["quantity_id"])],
                 ["date", str(agency["id"]), "2030-08-06"],
                 ["rename-story", quake, "Osk valley earthquake"],
                 ["merge-stories", quake, ferry]):
        r = run(main, ["correct", *args, "--db", db, "--why", "test"])
        assert r.exit_code == 0 and ": applied" in r.output, (args, r.output)
    bad = run(main, ["correct", "category", str(evac["id"]), "exploded", "--db", db])
    assert bad.exit_code == 1 and "unknown category 'exploded'" in bad.output
    missing = run(main, ["correct", "list", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 1 and not (tmp_path / "nope.db").exists()
    assert run(main, ["correct", "undo", "3", "--db", str(tmp_path / "nope.db")]).exit_code == 1
    assert not (tmp_path / "nope.db").exists()
