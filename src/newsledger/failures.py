"""What a failed command tells the user: one line saying what failed and what to do.

The CLI turns any exception that escapes a command into :func:`explain`'s line (exit 1);
``newsledger --debug`` shows the traceback instead. A store URL is shown only through
:func:`mask_url`, so a PostgreSQL password never reaches a terminal or a log.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import lock_timeout

_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]*@")


def mask_url(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _PASSWORD.sub(r"\1***@", text)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _store_failure(msg: str, db: str) -> str | None:
    """The line for a database error, or None when it is not one we can explain."""
    low = msg.lower()
    pg = db.startswith(("postgresql", "postgres:"))
    if "database is locked" in low or "database table is locked" in low:
        return (f"the store {db} is locked by another process (waited {lock_timeout():g} s): let that run "
                "finish and retry, or set NEWSLEDGER_LOCK_TIMEOUT to wait longer")
    if "file is not a database" in low or "malformed" in low:
        return f"{db} is not a newsledger store (not a SQLite database, or damaged): check --db"
    if "unable to open database file" in low:
        return f"cannot open the SQLite store {db}: check that its directory exists and is writable"
    if "database or disk is full" in low or "no space left" in low or "could not extend file" in low:
        return f"the disk holding the store {db} is full: free some space and rerun (stored articles are kept)"
    if "password authentication failed" in low or "no password supplied" in low:
        return f"PostgreSQL refused the user or password in {db}: check the credentials in --db"
    if "database" in low and "does not exist" in low and pg:
        return f"the PostgreSQL database in {db} does not exist: create it (createdb) or fix --db"
    if "connection refused" in low or "could not connect" in low or "could not translate host" in low or (
            "connection to server" in low and "failed" in low) or "timeout expired" in low:
        return f"cannot reach PostgreSQL at {db}: is the server running, and are host and port right?"
    if "server closed the connection" in low or "terminating connection" in low or "connection is closed" in low \
            or "consuming input failed" in low or "connection already closed" in low:
        return (f"the PostgreSQL server at {db} closed the connection (stopped or restarted?): rerun once it is "
                "up; articles already stored are kept")
    return None


def explain(exc: BaseException, db: str | None = None) -> str:
    """One line for a failed command: what failed and what to do (passwords masked)."""
    import sqlalchemy.exc

    shown = mask_url(db or "the store")
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        line = _store_failure(_first_line(exc), shown) or (
            f"the store {shown} failed: {_first_line(exc)} (rerun with --debug for the details)")
        return mask_url(line)
    if isinstance(exc, OSError):
        where = exc.filename or "the output"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return mask_url(f"no space left on the device while writing {where}: free some space and rerun")
        if exc.errno == errno.EFBIG:
            return mask_url(f"{where} grew past the file size limit: write it elsewhere or raise the limit")
        if exc.errno == errno.ENOENT:
            return mask_url(f"{where} does not exist: create it or fix the path")
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return mask_url(f"no permission to write or read {where}: choose another path or fix its permissions")
        return mask_url(f"{where}: {exc.strerror or exc} (rerun with --debug for the details)")
    return mask_url(f"unexpected {type(exc).__name__}: {_first_line(exc)} (rerun with --debug for the traceback)")


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only once fully written, so a full disk
    or a crash never leaves a truncated export; a device or pipe (``/dev/stdout``) is written directly."""
    if path.exists() and not path.is_file():
        with _naming(path):
            yield path
        return
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such directory", str(path.parent))
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # the mode a plain open() would give, not mkstemp's 0600
        with _naming(path):
            yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """A write error names the file the user asked for (a failed write() names none)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None or str(exc.filename).startswith(str(path.parent / f".{path.name}.")):
            exc.filename = str(path)
        raise
