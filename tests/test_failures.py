"""Failures reach the user as one actionable line, exit 1, the traceback only with --debug, and
never a password (issue 11, item 10). Through click's runner against real stores."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsledger.cli import main
from newsledger.failures import mask_url
from newsledger.store import Store

from .conftest import PG_URL, _pg_available

DATA = Path(__file__).parent / "data" / "ledger" / "a1.jsonl"


def _fails_in_one_line(args: list[str], *words: str, env: dict[str, str] | None = None) -> str:
    r = CliRunner().invoke(main, args, env=env)
    assert r.exit_code == 1, r.output
    out = r.output.strip()
    assert "Traceback" not in out and len(out.splitlines()) == 1, out
    for w in words:
        assert w in out, out
    return out


def _ledger(db: str) -> str:
    r = CliRunner().invoke(main, ["analyze", str(DATA), "--db", db, "-q"])
    assert r.exit_code == 0, r.output
    return db


def _need_pg() -> None:
    if not _pg_available():
        if os.environ.get("NEWSLEDGER_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required but not reachable at {PG_URL}")
        pytest.skip(f"no PostgreSQL at {PG_URL}")


def test_a_locked_sqlite_store_fails_fast_with_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    try:  # another process's exclusive write lock: no one else may even read
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        started = time.perf_counter()
        _fails_in_one_line(["quantities", "--db", str(db)], "is locked", "NEWSLEDGER_LOCK_TIMEOUT",
                           env={"NEWSLEDGER_LOCK_TIMEOUT": "0.3"})
        assert time.perf_counter() - started < 10
    finally:
        holder.close()


def test_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("shopping list\n" * 500, encoding="utf-8")
    _fails_in_one_line(["quantities", "--db", str(bad)], "not a newsledger store", str(bad))
    r = CliRunner().invoke(main, ["--debug", "quantities", "--db", str(bad)])
    assert r.exit_code == 1 and "file is not a database" in str(r.exception)  # --debug: the real exception


def test_postgresql_down_and_the_password_masked() -> None:
    out = _fails_in_one_line(["quantities", "--db", "postgresql://ledger:s3cr3t-pw@127.0.0.1:1/ledger"],
                             "cannot reach PostgreSQL", "ledger:***@127.0.0.1:1")
    assert "s3cr3t-pw" not in out


def test_a_wrong_postgresql_password() -> None:
    _need_pg()
    user, _, rest = PG_URL.partition("://")[2].partition("@")
    url = f"postgresql://{user.split(':')[0]}:not-the-password-77@{rest}"
    out = _fails_in_one_line(["conflicts", "--db", url], "refused the user or password", ":***@")
    assert "not-the-password-77" not in out


def test_a_postgresql_connection_lost_midway() -> None:
    """The server ends the connection (a restart, an administrator): told as such, not as a traceback."""
    _need_pg()
    import sqlalchemy as sa

    from newsledger.failures import explain
    from newsledger.store import to_url

    engine = sa.create_engine(to_url(PG_URL))
    try:
        with engine.connect() as victim, engine.connect() as admin:
            pid = victim.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            admin.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            with pytest.raises(sa.exc.OperationalError) as lost:
                victim.exec_driver_sql("SELECT 1")
        line = explain(lost.value, PG_URL)
        assert "closed the connection" in line and "rerun" in line and ":***@" in line, line
    finally:
        engine.dispose()


def test_the_summary_line_masks_the_password(tmp_path: Path) -> None:
    _need_pg()
    from .conftest import _reset_pg

    _reset_pg()
    password = PG_URL.partition("://")[2].partition("@")[0].partition(":")[2]
    r = CliRunner().invoke(main, ["analyze", str(DATA), "--db", PG_URL])
    assert r.exit_code == 0, r.output
    # the console may wrap the line anywhere (a long database name): read it without whitespace
    flat = "".join(r.output.split())
    assert "updatedinpostgresql://newsledger:***@" in flat
    assert f":{password}@" not in flat
    assert mask_url("see postgresql+psycopg://a:b@c/d and sqlite:///x.db") == \
        "see postgresql+psycopg://a:***@c/d and sqlite:///x.db"


def test_missing_output_directory(tmp_path: Path) -> None:
    db = _ledger(str(tmp_path / "l.db"))
    _fails_in_one_line(["export", "--db", db, "--format", "jsonl", "-o", str(tmp_path / "nowhere" / "x.jsonl")],
                       str(tmp_path / "nowhere"), "does not exist")
    _fails_in_one_line(["extract", str(DATA), "-q", "-o", str(tmp_path / "nowhere" / "x.jsonl")], "does not exist")


def _under_file_size_limit(db: str, args: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    """Run a CLI command in a process that may write no file over ``limit`` bytes (a disk that
    fills up midway); the store is opened first, so its SQLite side files exist before the limit."""
    script = ("import resource, signal\n"
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
              "from newsledger.cli import main\n"
              "from newsledger.store import Store\n"
              f"held = Store({db!r})\n"
              f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
              f"main({args!r})\n")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


def test_a_full_disk_on_export(tmp_path: Path) -> None:
    db = _ledger(str(tmp_path / "l.db"))
    _fails_in_one_line(["export", "--db", db, "--format", "csv", "-o", "/dev/full"], "no space left", "/dev/full")


def test_an_export_that_fails_midway_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    db = _ledger(str(tmp_path / "l.db"))
    out = tmp_path / "ledger.jsonl"
    r = CliRunner().invoke(main, ["export", "--db", db, "--format", "jsonl", "-o", str(out)])
    assert r.exit_code == 0
    before = out.read_bytes()
    assert len(before) > 4000
    # the same export in a process that may write no file over 2 KB (a disk that fills up midway)
    p = _under_file_size_limit(db, ["export", "--db", db, "--format", "jsonl", "-o", str(out)], 2048)
    assert p.returncode == 1, p.stderr
    assert "file size limit" in p.stderr and "Traceback" not in p.stderr
    assert out.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir() if "ledger.jsonl" in x.name) == ["ledger.jsonl"]


@pytest.mark.parametrize("command", ["extract", "brief"])
def test_extract_and_brief_that_fail_midway_leave_the_previous_file_whole(tmp_path: Path, command: str) -> None:
    db = _ledger(str(tmp_path / "l.db"))
    if command == "extract":
        args, out = ["extract", str(DATA), "-q", "-o", str(tmp_path / "x.jsonl")], tmp_path / "x.jsonl"
    else:
        args, out = ["brief", "--db", db, "-o", str(tmp_path / "b")], tmp_path / "b" / "brief.md"
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    before = out.read_bytes()
    assert len(before) > 1024
    p = _under_file_size_limit(db, args, 512)
    assert p.returncode == 1, p.stderr
    assert out.read_bytes() == before
    assert not [x for x in out.parent.iterdir() if x.name.endswith(".tmp")]
