"""The translation cache's table (`DATA_HOME/cache/translations.sqlite`, a file of its own, never in backups): a key
→ (text, confidence JSON) table shared by every run that uses the same data home. What the key and the confidence
mean is the engines' (`models/wrappers.py`); this module holds the SQL."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..clock import now
from ..errors import WorkbenchError
from .sqlite import DiskFull, StoreDamaged, connect, is_disk_full

Row = tuple[str, str | None]  # text, confidence as JSON (None: written before confidence was recorded)


class CacheTable:
    """The cache file, opened (and made or upgraded) once; reads and writes are one short statement each."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            self.conn = connect(self.path)
        except StoreDamaged as exc:  # the cache is not in backups: it can simply be made again
            raise WorkbenchError(f"the translation cache {self.path} is damaged ({exc.__cause__}); it only holds "
                                 "outputs that can be made again: move it away and run again") from exc
        try:
            self._upgrade()
        except BaseException:
            self.conn.close()
            raise

    def _upgrade(self) -> None:
        """Create the table, or add the confidence column to one made before it existed. Every process that opens
        the file may do this at once: the look and the change happen in one write transaction (BEGIN IMMEDIATE),
        so a second process waits and then finds the column there."""
        with self._writing():
            self.conn.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, text TEXT NOT NULL,"
                              " created TEXT NOT NULL, confidence TEXT)")
            if "confidence" not in {row[1] for row in self.conn.execute("PRAGMA table_info(cache)")}:
                self.conn.execute("ALTER TABLE cache ADD COLUMN confidence TEXT")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction; what SQLite refuses becomes a typed error (a full disk is not damage)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise cache_error(self.path, exc) from exc

    def get_many(self, keys: list[str]) -> dict[str, Row]:
        out: dict[str, Row] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                try:
                    rows = self.conn.execute(f"SELECT key, text, confidence FROM cache WHERE key IN ({marks})",
                                             chunk).fetchall()
                except sqlite3.DatabaseError as exc:
                    raise cache_error(self.path, exc) from exc
                for key, text, conf in rows:
                    out[key] = (text, conf)
        return out

    def put_many(self, items: dict[str, Row]) -> None:
        rows = [(key, text, conf, now()) for key, (text, conf) in items.items()]
        with self._lock, self._writing():
            self.conn.executemany("INSERT OR REPLACE INTO cache (key, text, confidence, created) VALUES (?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM cache").fetchone()[0])

    def close(self) -> None:
        self.conn.close()


def cache_error(path: str, exc: sqlite3.DatabaseError) -> WorkbenchError:
    """A full disk stops the run with one line (DiskFull); anything else names the cache, which holds nothing
    that cannot be made again."""
    if is_disk_full(exc):
        return DiskFull(path, str(exc), "nothing more was cached")
    return WorkbenchError(f"the translation cache {path} cannot be used ({exc}); it only holds outputs that can be "
                          "made again: move it away and run again")
