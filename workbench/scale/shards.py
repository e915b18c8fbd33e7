"""Result shards of distributed runs: JSONL or Parquet files of `translate --out` records, each written whole.

A shard is written under a temporary name in the same folder, synced and renamed, so a folder holds only complete
shards; the articles in them are done, and a rerun skips them. Shards are written every `size` records and at
least every `interval` seconds (a background timer), so a killed run loses at most that much finished work.

A shard that cannot be read (bad JSON, a truncated Parquet file, a record without an id) is `ShardDamaged`:
`scan` names it instead of stopping, and a rerun moves it aside (`set_aside`) and does its articles again.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..files import atomic_write

FORMATS = ("jsonl", "parquet")
PREFIX = "shard-"
DAMAGED = ".damaged"  # the suffix a damaged shard is moved aside with: no longer a shard, kept for a look
INTERVAL = 30.0  # seconds: the most finished work a kill can lose (besides what the actors hold)
MAX_RECORD_CHARS = 64 * 1024 * 1024  # one JSONL line (one article with all its outputs)


class ShardDamaged(WorkbenchError):
    """A shard file that cannot be read whole."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path.name}: damaged shard ({reason})")


def _columns(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Parquet columns: what people query (id, title, date, translations, summaries) and the whole record."""
    langs = sorted({lang for r in records for lang in r.get("translations", {})})
    cols: dict[str, list[Any]] = {k: [r.get(k) for r in records] for k in ("id", "title", "date", "source")}
    for lang in langs:
        cols[f"translation_{lang}"] = [r["translations"].get(lang) for r in records]
        cols[f"summary_{lang}"] = [r["summaries"].get(lang) for r in records]
    cols["record"] = [json.dumps(r, ensure_ascii=False) for r in records]
    return cols


def shard_folder(out: str | Path) -> Path:
    """`out` as a folder shards can be written to (made if missing), checked before any work: else one line."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise WorkbenchError(f"{out}: a distributed run writes a folder of shards; give a folder, not a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise WorkbenchError(f"{out}: shards cannot be written there ({exc.strerror or exc}); "
                             "nothing was translated") from exc
    return folder


class ShardWriter:
    """Collects records and writes a shard every `size` of them, when the oldest waiting one is `interval`
    seconds old (checked on `add`, and by a timer once `start_timer` ran), and the rest on close."""

    def __init__(self, out: str | Path, fmt: str = "jsonl", size: int = 100, interval: float = INTERVAL):
        if fmt not in FORMATS:
            raise WorkbenchError(f"shard format must be one of {', '.join(FORMATS)}")
        self.folder = shard_folder(out)
        self.fmt, self.size, self.interval = fmt, max(1, size), max(0.01, interval)
        self.pending: list[dict[str, Any]] = []
        self.written: list[Path] = []
        self.records = 0  # records in the shards written
        self._oldest = 0.0  # when the oldest pending record arrived (monotonic)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._error: BaseException | None = None  # a failed timed write, raised on the next add or close

    def add(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._raise_timer_error()
            if not self.pending:
                self._oldest = time.monotonic()
            self.pending.append(record)
            if len(self.pending) >= self.size or self._due():
                self.flush()

    def _due(self) -> bool:
        return bool(self.pending) and time.monotonic() - self._oldest >= self.interval

    def tick(self) -> None:
        """Write the waiting records if the oldest has waited `interval` seconds."""
        with self._lock:
            if self._due():
                self.flush()

    def start_timer(self) -> None:
        """Check `tick` in a background thread until `close`: records are written on time even while none
        arrive (the driver waits for a long article)."""
        def run() -> None:
            while not self._stop.wait(min(1.0, self.interval / 4)):
                try:
                    self.tick()
                except BaseException as exc:  # kept and raised in the driver's thread
                    self._error = exc
                    return

        self._timer = threading.Thread(target=run, name="shard-timer", daemon=True)
        self._timer.start()

    def flush(self) -> None:
        with self._lock:
            if not self.pending:
                return
            path = self.folder / f"{PREFIX}{uuid.uuid4().hex[:12]}.{self.fmt}"
            if self.fmt == "jsonl":
                data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.pending).encode("utf-8")
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                buffer = pa.BufferOutputStream()
                pq.write_table(pa.table(_columns(self.pending)), buffer)
                data = buffer.getvalue().to_pybytes()
            batch, self.pending = self.pending, []
            try:
                atomic_write(path, data)
            except BaseException:  # a Ctrl-C or SIGTERM during the write: the batch is written on close, once
                if not path.exists():
                    self.pending = batch + self.pending
                raise
            self.written.append(path)
            self.records += len(batch)

    def close(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join(timeout=30)
        with self._lock:
            self._raise_timer_error()
            self.flush()

    def _raise_timer_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def shard_paths(out: str | Path) -> list[Path]:
    folder = Path(out)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix[1:] in FORMATS)


def _json_line(text: str, path: Path, number: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise ShardDamaged(path, f"record {number} is nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, or a number too long to convert
        raise ShardDamaged(path, f"record {number} is not JSON: {str(exc)[:120]}") from exc
    if not isinstance(value, dict):
        raise ShardDamaged(path, f"record {number} is not a JSON object")
    return value


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as fh:
        number = 0
        while line := fh.readline(MAX_RECORD_CHARS + 1):
            number += 1
            if len(line) > MAX_RECORD_CHARS:
                raise ShardDamaged(path, f"record {number} is longer than {MAX_RECORD_CHARS:,} characters")
            if line.strip():
                yield number, line


def _parquet_column(path: Path, column: str) -> list[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        values = pq.read_table(path, columns=[column]).column(column).to_pylist()
    except (pa.ArrowException, KeyError, ValueError) as exc:
        raise ShardDamaged(path, f"not a readable Parquet shard with a `{column}` column: {str(exc)[:120]}") from exc
    return values


def read_shard(path: Path) -> list[dict[str, Any]]:
    """Every record of one shard, or ShardDamaged (an unreadable file is damaged too)."""
    try:
        if path.suffix == ".jsonl":
            return [_json_line(line, path, n) for n, line in _jsonl_lines(path)]
        values = _parquet_column(path, "record")
        if not all(isinstance(v, str) for v in values):
            raise ShardDamaged(path, "its `record` column is not text")
        return [_json_line(v, path, n) for n, v in enumerate(values, 1)]
    except UnicodeDecodeError as exc:
        raise ShardDamaged(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ShardDamaged(path, f"cannot be read ({exc.strerror or exc})") from exc


def read_records(out: str | Path) -> Iterator[dict[str, Any]]:
    """Every record of every complete shard in `out` (ShardDamaged for one that cannot be read)."""
    for path in shard_paths(out):
        yield from read_shard(path)


def _ids(path: Path) -> set[str]:
    """The article ids in one shard (Parquet: the id column only), or ShardDamaged."""
    if path.suffix == ".jsonl":
        ids = [record.get("id") for record in read_shard(path)]
    else:
        try:
            ids = _parquet_column(path, "id")
        except OSError as exc:
            raise ShardDamaged(path, f"cannot be read ({exc.strerror or exc})") from exc
    found: set[str] = set()
    for value in ids:
        if not isinstance(value, str) or not value:
            raise ShardDamaged(path, "a record has no article id")
        found.add(value)
    return found


@dataclass
class ShardScan:
    done: set[str] = field(default_factory=set)  # ids of the articles in readable shards
    damaged: list[ShardDamaged] = field(default_factory=list)


def scan(out: str | Path) -> ShardScan:
    """The articles already done in `out`, and the shards that cannot be read (named, not fatal)."""
    result = ShardScan()
    for path in shard_paths(out):
        try:
            result.done.update(_ids(path))
        except ShardDamaged as damaged:
            result.damaged.append(damaged)
    return result


def done_ids(out: str | Path) -> set[str]:
    """The ids of the articles already in a readable shard of `out` (Parquet shards: their id column only)."""
    return scan(out).done


def set_aside(path: Path) -> Path:
    """Rename a damaged shard so that it is no longer read as one (`NAME.damaged`, numbered if taken)."""
    target = path.with_name(path.name + DAMAGED)
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}{DAMAGED}.{n}")
    os.replace(path, target)
    return target
