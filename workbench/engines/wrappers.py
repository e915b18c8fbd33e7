"""The translation cache and the wrappers that put it in front of a translator or a summarizer."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..clock import now
from ..errors import WorkbenchError
from ..sqlite import DiskFull, StoreDamaged, connect, is_disk_full
from .base import Confidence, Counters, Prompt, Scored, Summarizer, Translator


class TranslationCache:
    """A key → (text, confidence) table in its own SQLite file, shared by every run that uses the same data home.

    The confidence is stored with the text, so an output from the cache carries the very number the model gave
    (entries written before confidence was recorded have none)."""

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

    @staticmethod
    def key(model: dict[str, Any], settings: dict[str, Any], source: str) -> str:
        blob = json.dumps({"model": model, "settings": settings, "source": source}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Scored]:
        out: dict[str, Scored] = {}
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
                    out[key] = (text, Confidence.from_dict(json.loads(conf)) if conf else None)
        return out

    def put_many(self, items: dict[str, Scored]) -> None:
        rows = [(k, text, json.dumps(conf.to_dict(), ensure_ascii=False) if conf else None, now())
                for k, (text, conf) in items.items()]
        with self._lock, self._writing():
            self.conn.executemany("INSERT OR REPLACE INTO cache (key, text, confidence, created) VALUES (?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM cache").fetchone()[0]

    def close(self) -> None:
        self.conn.close()


def cache_error(path: str, exc: sqlite3.DatabaseError) -> WorkbenchError:
    """A full disk stops the run with one line (DiskFull); anything else names the cache, which holds nothing
    that cannot be made again."""
    if is_disk_full(exc):
        return DiskFull(path, str(exc), "nothing more was cached")
    return WorkbenchError(f"the translation cache {path} cannot be used ({exc}); it only holds outputs that can be "
                          "made again: move it away and run again")


def _identity(model: Translator | Summarizer) -> dict[str, Any]:
    return {"id": model.info.id, "revision": model.info.revision}


class _Wrapping:
    """A wrapper reports the wrapped model's identity, settings and token count as its own."""

    inner: Any

    def settings(self) -> dict[str, Any]:
        return self.inner.settings()

    @property
    def tokens_generated(self) -> int:
        return self.inner.tokens_generated


class CachedTranslator(_Wrapping, Translator):
    """Translate only what the cache has not seen for this model, revision and settings."""

    def __init__(self, inner: Translator, cache: TranslationCache):
        self.inner = inner
        self.info = inner.info  # the same object: what loading fills in (device, dtype) shows here too
        self.cache = cache
        self.source, self.target = inner.source, inner.target
        self.options = inner.options
        self.counters = Counters()

    def _keys(self, texts: list[str]) -> list[str]:
        settings = {**self.inner.settings(), "source": self.source, "target": self.target}
        return [self.cache.key(_identity(self.inner), settings, t) for t in texts]

    def translate_scored(self, texts: list[str]) -> list[Scored]:
        keys = self._keys(texts)
        found = self.cache.get_many(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.counters.extra["hits"] = self.counters.extra.get("hits", 0) + len(texts) - len(missing)
        if missing:
            fresh = self.inner.translate_scored([texts[i] for i in missing])
            self.cache.put_many({keys[i]: out for i, out in zip(missing, fresh, strict=True)})
            found.update({keys[i]: out for i, out in zip(missing, fresh, strict=True)})
        return [found[k] for k in keys]

    def cached(self, texts: list[str]) -> list[bool]:
        keys = self._keys(texts)
        found = self.cache.get_many(keys)
        return [k in found for k in keys]

    def score_output(self, text: str, output: str) -> Confidence | None:
        return self.inner.score_output(text, output)


class CachedSummarizer(_Wrapping, Summarizer):
    """Summaries cached by model, settings and the full rendered prompt."""

    def __init__(self, inner: Summarizer, cache: TranslationCache):
        self.inner, self.cache = inner, cache
        self.info = inner.info
        self.options = inner.options

    def _key(self, prompt: Prompt) -> str:
        return self.cache.key(_identity(self.inner), {**self.inner.settings(), "task": "summary"},
                              f"{prompt.system}\n\n{prompt.user}")

    def cached(self, prompt: Prompt) -> bool:
        return self._key(prompt) in self.cache.get_many([self._key(prompt)])

    def summarize_scored(self, prompt: Prompt) -> Scored:
        return self.summarize_many([prompt])[0]

    def summarize_many(self, prompts: list[Prompt]) -> list[Scored]:
        """Cached summaries from the cache; the others made in one batched call of the model."""
        keys = [self._key(p) for p in prompts]
        found = self.cache.get_many(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = self.inner.summarize_many([prompts[i] for i in missing])
            made = {keys[i]: out for i, out in zip(missing, fresh, strict=True)}
            self.cache.put_many(made)
            found.update(made)
        return [found[k] for k in keys]
