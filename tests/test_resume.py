"""Killing a run mid-way and running again completes the corpus without duplicates or gaps."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsledger.report import spec_records
from newsledger.store import Store, analyze

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles" / "castavia_quake.jsonl"


def _corpus(path: Path, n: int) -> None:
    base = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a = dict(base[i % len(base)])
            a["id"] = f"{a['id']}-{i}"
            a["text"] = a["text"] + f"\n\nUpdate {i}: officials said {i + 3} more people were evacuated."
            fh.write(json.dumps(a) + "\n")


def _articles(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _snapshot(db: Path) -> tuple[list[str], list[tuple[object, ...]]]:
    with Store(db) as store:
        records = sorted(json.dumps(r, sort_keys=True) for r in spec_records(store))
    with sqlite3.connect(db) as conn:
        quantities = sorted(conn.execute(
            "SELECT id, n_figures, n_sources, n_conflicts, n_disputes, n_revisions FROM quantities").fetchall())
        assert conn.execute("SELECT count(*) FROM dirty_quantities").fetchone()[0] == 0
    return records, quantities


def test_kill_mid_run_then_resume(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 60)
    killed_db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "newsledger", "analyze", str(corpus), "--db", str(killed_db), "--batch-size", "2",
           "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and _articles(killed_db) < 8:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _articles(killed_db)
    assert 0 < partial < 60, "the run must be killed in the middle"

    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert _articles(killed_db) == 60

    clean_db = tmp_path / "clean.db"
    analyze([corpus], clean_db)
    assert _snapshot(killed_db) == _snapshot(clean_db)
