"""The brief and the conflict views on real stores: same-day disputes only, with days and ids,
and the reconciled estimate with its rule."""

from pathlib import Path

import pytest

from newsledger.report import brief, disagreements
from newsledger.store import Store, analyze

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
FLOOD = ROOT / "tests" / "data" / "ledger" / "conflicts.jsonl"


def _section(markdown: str, heading: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index(heading) + 2
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("- ")), len(lines))
    return lines[start:end]


def test_brief_lists_same_day_disputes_and_the_estimate(db_target: str) -> None:
    analyze([FLOOD], db_target)
    with Store(db_target) as store:
        b = brief(store)
    md = b.markdown
    disputes = _section(md, "Who disputes whom (same day):")
    assert len(disputes) == 1
    line = disputes[0]
    # the reported words, the day of each side, the article and figure ids
    assert "“35” (2030-03-05" in line and "“48” (2030-03-05" in line
    assert "article varn-2" in line and "figure #" in line
    assert "“60”" not in line and "“20”" not in line  # other days are not disputes
    assert "Reconciled estimate:" in md and "_Rule: Each source's latest figure" in md
    assert "Most conservative: 35" in md and "Highest: 60" in md
    assert "Who disputes whom (same day):" in b.html and "Rule:" in b.html


def test_demo_brief_shows_the_agency_governor_same_day_dispute(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    analyze([ROOT / "examples" / "articles"], db)
    with Store(db) as store:
        md = brief(store).markdown
        groups, _ = disagreements(store, kind="dispute")
    lines = _section(md, "Who disputes whom (same day):")
    assert any("“52”" in ln and "“61”" in ln and "Tomas Brel" in ln for ln in lines)
    for g in groups:
        for c in g.pairs:
            assert c.a.event_date is not None and c.a.event_date == c.b.event_date


def test_cli_conflicts_are_grouped_per_source_pair(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from newsledger.cli import main

    db = str(tmp_path / "l.db")
    assert CliRunner().invoke(main, ["analyze", str(FLOOD), "--db", db, "-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["conflicts", "--db", db, "--format", "json"])
    groups = json.loads(r.output)
    keys = [(g["quantity_id"], g["kind"], tuple(sorted(str(s) for s in g["sources"]))) for g in groups]
    assert len(keys) == len(set(keys))
    across = [g for g in groups if g["kind"] == "across_days"]
    assert across and sum(g["n_pairs"] for g in across) == 3 and len(across) < 3
    r = CliRunner().invoke(main, ["conflicts", "--db", db, "--kind", "dispute"])
    assert r.exit_code == 0 and "2030-03-05" in r.output and "across_days" not in r.output
