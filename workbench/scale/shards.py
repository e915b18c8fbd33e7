"""Result shards of distributed runs: JSONL or Parquet files of `translate --out` records, each written whole.

A shard is written under a temporary name in the same folder and renamed, so a folder holds only complete
shards; the articles in them are done, and a rerun skips them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..files import atomic_write

FORMATS = ("jsonl", "parquet")
PREFIX = "shard-"


def _columns(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Parquet columns: what people query (id, title, date, translations, summaries) and the whole record."""
    langs = sorted({lang for r in records for lang in r.get("translations", {})})
    cols: dict[str, list[Any]] = {k: [r.get(k) for r in records] for k in ("id", "title", "date", "source")}
    for lang in langs:
        cols[f"translation_{lang}"] = [r["translations"].get(lang) for r in records]
        cols[f"summary_{lang}"] = [r["summaries"].get(lang) for r in records]
    cols["record"] = [json.dumps(r, ensure_ascii=False) for r in records]
    return cols


class ShardWriter:
    """Collects records and writes a shard every `size` of them (and the rest on close)."""

    def __init__(self, out: str | Path, fmt: str = "jsonl", size: int = 100):
        if fmt not in FORMATS:
            raise WorkbenchError(f"shard format must be one of {', '.join(FORMATS)}")
        self.folder = Path(out)
        if self.folder.exists() and not self.folder.is_dir():
            raise WorkbenchError(f"{out}: a distributed run writes a folder of shards; give a folder, not a file")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fmt, self.size = fmt, max(1, size)
        self.pending: list[dict[str, Any]] = []
        self.written: list[Path] = []

    def add(self, record: dict[str, Any]) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        path = self.folder / f"{PREFIX}{uuid.uuid4().hex[:12]}.{self.fmt}"
        if self.fmt == "jsonl":
            atomic_write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.pending).encode("utf-8"))
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            partial = path.with_name(f".{path.name}.partial")
            pq.write_table(pa.table(_columns(self.pending)), partial)
            os.replace(partial, path)
        self.written.append(path)
        self.pending = []

    def close(self) -> None:
        self.flush()


def shard_paths(out: str | Path) -> list[Path]:
    folder = Path(out)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix[1:] in FORMATS)


def read_records(out: str | Path) -> Iterator[dict[str, Any]]:
    """Every record of every complete shard in `out`."""
    for path in shard_paths(out):
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)
        else:
            import pyarrow.parquet as pq

            for value in pq.read_table(path, columns=["record"]).column("record").to_pylist():
                yield json.loads(value)


def done_ids(out: str | Path) -> set[str]:
    """The ids of the articles already in a shard of `out` (Parquet shards: their id column only)."""
    ids: set[str] = set()
    for path in shard_paths(out):
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as fh:
                ids.update(json.loads(line)["id"] for line in fh if line.strip())
        else:
            import pyarrow.parquet as pq

            ids.update(pq.read_table(path, columns=["id"]).column("id").to_pylist())
    return ids
