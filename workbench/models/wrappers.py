"""The translation cache and the wrappers that put it in front of a translator or a summarizer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..store.cache import CacheTable
from .base import Confidence, Counters, Output, Prompt, Request, Scored, Summarizer, Translator


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
    """Translate only the requests the cache has not seen for this model, revision and settings: keyed by what the
    inner translator says decides an output (`Translator.key_text`: a sentence translator's text; an LLM
    translator's template hash and the very messages sent, so a changed glossary term or a corrected previous
    segment asks again). The same request twice in one call is made once."""

    def __init__(self, inner: Translator, cache: TranslationCache):
        self.inner = inner
        self.info = inner.info  # the same object: what loading fills in (device, dtype) shows here too
        self.cache = cache
        self.source, self.target = inner.source, inner.target
        self.options = inner.options
        self.uses_context = inner.uses_context
        self.counters = Counters()

    def keys(self, requests: list[Request]) -> list[str]:
        """The cache key of each request."""
        return self._keys(self.inner.prepare(requests))

    def _keys(self, prepared: list[Any]) -> list[str]:
        settings = {**self.inner.settings(), "source": self.source, "target": self.target}
        return [self.cache.key(_identity(self.inner), settings, self.inner.key_text(p)) for p in prepared]

    def translate(self, requests: list[Request]) -> list[Output]:
        if not requests:
            return []
        prepared = self.inner.prepare(requests)
        keys = self._keys(prepared)
        found = self.cache.get_many(keys)
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key not in found:
                first.setdefault(key, i)  # the same request twice (two articles alike): asked once
        self.counters.extra["hits"] = self.counters.extra.get("hits", 0) + sum(k in found for k in keys)
        fresh: dict[str, Scored] = {}
        if first:
            made = self.inner.make([prepared[i] for i in first.values()])
            fresh = dict(zip(first, made, strict=True))
            self.cache.put_many(fresh)
        return [self.inner.output(p, fresh[k] if k in fresh else found[k], cached=k not in fresh)
                for p, k in zip(prepared, keys, strict=True)]

    def translate_scored(self, texts: list[str]) -> list[Scored]:
        return [(out.text, out.confidence) for out in self.translate([Request(t) for t in texts])]

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
