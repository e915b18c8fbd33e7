"""How a machine output was made, as one type: `Provenance.made(...)` writes it when a run records an output,
`Provenance(stored)` reads it back for the review layer, the exports and the API, `to_dict()` is the JSON kept
in the store (as sacrebleu's `Signature` is one object that both records and reports how a score was made).

The base keys are the model, its revision, licence, family, engine, the profile, the task, the generation
settings, device, dtype, whether the output came from the cache, whether the model is a tiny random-weight one,
the library versions and the time. A run adds what it learns on top, in order (`confidence`, `pivot`, `llm`,
`template`, `memory`, …); outputs made elsewhere (a shard, a translation-memory match) may carry fewer keys, so
every accessor has a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Protocol

from .clock import now

JSON = dict[str, Any]  # a JSON object, as `to_dict()` returns it


def json_copy(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists copied all the way down), so a caller may change what it got."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_copy(v) for v in value]
    return value


_VERSIONS: dict[str, str] = {}


def versions() -> dict[str, str]:
    """Versions of the workbench and of the libraries that made an output (looked up once per process)."""
    if not _VERSIONS:
        for name in ("arabic-news-workbench", "transformers", "torch", "ctranslate2"):
            try:
                _VERSIONS[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                _VERSIONS[name] = "not installed"
        _VERSIONS["workbench"] = _VERSIONS.pop("arabic-news-workbench")
    return dict(_VERSIONS)


class ModelInfo(Protocol):
    """What a loaded model says of itself (`models.base.ModelInfo`)."""

    @property
    def id(self) -> str: ...
    @property
    def revision(self) -> str | None: ...
    @property
    def licence(self) -> str: ...
    @property
    def family(self) -> str | None: ...
    @property
    def engine(self) -> str | None: ...
    @property
    def device(self) -> str | None: ...
    @property
    def dtype(self) -> str | None: ...
    @property
    def meaningless(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class LowToken:
    """One of the output's least sure word pieces and the log-probability the model gave it."""

    token: str
    logprob: float

    def to_dict(self) -> JSON:
        return {"token": self.token, "logprob": self.logprob}


@dataclass(frozen=True, slots=True)
class ModelConfidence:
    """The model's own confidence in a machine output, as `models.base.Confidence.to_dict` recorded it."""

    score: float  # the geometric-mean token probability, 0..1
    mean_logprob: float
    tokens: int
    low_tokens: tuple[LowToken, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ModelConfidence | None:
        if not data:
            return None
        return cls(data["score"], data["mean_logprob"], data["tokens"],
                   tuple(LowToken(t["token"], t["logprob"]) for t in data.get("low_tokens", [])))

    @property
    def least_sure(self) -> list[str]:
        return [t.token for t in self.low_tokens]

    def to_dict(self) -> JSON:
        return {"score": self.score, "mean_logprob": self.mean_logprob, "tokens": self.tokens,
                "low_tokens": [t.to_dict() for t in self.low_tokens]}


@dataclass(frozen=True, slots=True)
class PivotLink:
    """A machine output made from another language's text: which language, and which revision of it."""

    via: str
    input_revision_id: int | None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a machine output came from, as recorded with it (model, revision, licence, profile, device, …)."""

    data: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def model(self) -> str:
        return str(self.data.get("model", ""))

    @property
    def meaningless(self) -> bool:
        """Made by tiny random-weight models."""
        return bool(self.data.get("meaningless"))

    @property
    def pivot(self) -> PivotLink | None:
        link = self.data.get("pivot")
        return PivotLink(link["via"], link.get("input_revision_id")) if link else None

    @property
    def confidence(self) -> ModelConfidence | None:
        return ModelConfidence.from_json(self.data.get("confidence"))

    @classmethod
    def made(cls, profile: str, info: ModelInfo, settings: Mapping[str, Any], lang: str, source_lang: str,
             cached: bool, **extra: Any) -> Provenance:
        """An output just made by a model (or taken from the cache): the base keys, then what the run adds."""
        return cls({
            "model": info.id, "revision": info.revision, "licence": info.licence, "family": info.family,
            "engine": info.engine, "profile": profile, "task": f"{source_lang}→{lang}", "settings": dict(settings),
            "device": info.device, "dtype": info.dtype, "cached": cached, "meaningless": info.meaningless,
            "versions": versions(), "created": now(), **extra,
        })

    @classmethod
    def from_memory(cls, profile: str, match: Mapping[str, Any], lang: str, source_lang: str) -> Provenance:
        """An approved translation reused for an exact translation-memory match (`match`: where it came from)."""
        return cls({"model": "translation-memory", "memory": dict(match), "profile": profile,
                    "task": f"{source_lang}→{lang}", "versions": versions(), "created": now(), "meaningless": False})

    def to_dict(self) -> JSON:
        return dict(json_copy(dict(self.data)))
