"""What a run reports (failures, counts, models) and what every machine output records (provenance)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

from ..clock import now
from ..engines.base import Summarizer, Translator


@dataclass(frozen=True)
class Failure:
    article_id: str
    lang: str
    reason: str
    segment_id: str | None = None

    @classmethod
    def of(cls, article_id: str, lang: str, exc: BaseException, segment_id: str | None = None) -> Failure:
        """The failure an error made: its type and message, cut to 300 characters."""
        return cls(article_id, lang, f"{type(exc).__name__}: {exc}"[:300], segment_id)


@dataclass
class TranslateReport:
    article_ids: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    translated: int = 0
    skipped: int = 0
    cached: int = 0
    summaries: int = 0
    tokens: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    import_problems: list[str] = field(default_factory=list)
    models: dict[str, Any] = field(default_factory=dict)
    engines: dict[str, Any] = field(default_factory=dict)
    meaningless: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.import_problems

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out


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


def provenance(profile: str, model: Translator | Summarizer, lang: str, source_lang: str, cached: bool,
               **extra: Any) -> dict[str, Any]:
    """Everything needed to know how an output was made: model, revision, licence, engine, settings, device."""
    info = model.info
    return {
        "model": info.id, "revision": info.revision, "licence": info.licence, "family": info.family,
        "engine": info.engine, "profile": profile, "task": f"{source_lang}→{lang}", "settings": model.settings(),
        "device": info.device, "dtype": info.dtype, "cached": cached, "meaningless": info.meaningless,
        "versions": versions(), "created": now(), **extra,
    }
