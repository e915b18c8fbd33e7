"""Opening SQLite files the way every part of the workbench needs them."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ..errors import WorkbenchError


class StoreDamaged(WorkbenchError):
    """The database file is not a workbench database, or fails SQLite's integrity check."""

    def __init__(self, path: str, detail: str):
        super().__init__(
            f"{path} is damaged or not a workbench database ({detail}). Nothing was written to it. "
            "Restore your last backup (`workbench backup` makes one; see docs/safety.md, Data safety) or move the file away "
            "to start a new store.")


class DiskFull(WorkbenchError):
    """SQLite could not write: the disk is full (SQLITE_FULL) or an I/O error (disk I/O error) stopped the write.
    Nothing of the write was kept; the file itself is not damaged."""

    def __init__(self, path: str, detail: str, what: str = "nothing of this change was saved"):
        super().__init__(f"{path}: the disk is full or failing ({detail}); {what}, everything saved before is intact. "
                         "Free some space and run it again")


def is_disk_full(exc: BaseException) -> bool:
    """Whether an SQLite or OS error means the disk is full or failing (not that the file is damaged)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO)
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    return (name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in text or "disk I/O" in text)


def opening_error(path: str, exc: sqlite3.DatabaseError) -> WorkbenchError:
    """What an error while opening or upgrading a file means: a full disk, a file that cannot be opened, or damage."""
    if is_disk_full(exc):
        return DiskFull(path, str(exc), "nothing was written to it")
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
        return WorkbenchError(f"{path}: cannot be opened ({exc})")
    return StoreDamaged(path, str(exc))


def writable(path: str) -> bool:
    """Whether SQLite can write `path` (and its -wal/-shm files beside it)."""
    file = Path(path)
    folder = file.parent if file.parent != Path("") else Path(".")
    if file.exists() and not os.access(file, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def connect(path: str, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), shared across threads behind a lock.

    Files use WAL (readers never block the writer) with `synchronous = FULL`: a commit that returned is on disk
    and survives a kill or a power cut. `read_only` opens an existing file without writing anything to it.
    """
    conn: sqlite3.Connection | None = None
    try:
        if path == ":memory:":
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        elif read_only:
            conn = _open_read_only(path)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA busy_timeout = 30000")
        if path != ":memory:" and not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise opening_error(path, exc) from exc
    return conn


def _open_read_only(path: str) -> sqlite3.Connection:
    """Open without writing. A WAL database in a folder that cannot be written has no -shm file to share, so
    SQLite refuses a plain read-only open; then it is opened as immutable (nobody can write it from here)."""
    base = Path(path).resolve().as_uri()
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        conn = sqlite3.connect(base + query, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if query.endswith("immutable=1"):
                raise
    raise AssertionError("unreachable")


def check(conn: sqlite3.Connection, path: str) -> None:
    """SQLite's quick integrity check (reads every page once; milliseconds for a store of a few MB)."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        raise opening_error(path, exc) from exc
    problems = [r[0] for r in rows if r[0] != "ok"]
    if problems:
        raise StoreDamaged(path, "; ".join(problems)[:300])
