"""The translation cache and the wrappers that put it in front of a translator or a summarizer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..store.cache import CacheTable
from .base import Confidence, Counters, Prompt, Scored, Summarizer, Translator


class TranslationCache:
    """A key → (text, confidence) table in its own SQLite file (`store.cache`), shared by every run that uses the
    same data home.

    The confidence is stored with the text, so an output from the cache carries the very number the model gave
    (entries written before confidence was recorded have none)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.table = CacheTable(path)
        self.path = self.table.path

    @staticmethod
    def key(model: dict[str, Any], settings: dict[str, Any], source: str) -> str:
        blob = json.dumps({"model": model, "settings": settings, "source": source}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Scored]:
        return {key: (text, Confidence.from_dict(json.loads(conf)) if conf else None)
                for key, (text, conf) in self.table.get_many(keys).items()}

    def put_many(self, items: dict[str, Scored]) -> None:
        self.table.put_many({key: (text, json.dumps(conf.to_dict(), ensure_ascii=False) if conf else None)
                             for key, (text, conf) in items.items()})

    def __len__(self) -> int:
        return len(self.table)

    def close(self) -> None:
        self.table.close()


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
