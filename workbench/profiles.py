"""Model profiles and the per-run model selection (profile, config file, CLI overrides).

`ModelSet` holds the models of one selection; each model is located, licence-checked and loaded
once per process, and wrapped in the translation cache.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import WorkbenchError
from .models import (
    TINY_PREFIX,
    Summarizer,
    SummaryOptions,
    TranslationOptions,
    Translator,
    check_licence,
    get_backend,
)
from .settings import cache_dir, load_config

SOURCE_LANG = "ar"
TARGETS = ("en", "ru")


@dataclass(frozen=True)
class Route:
    """How to reach one target language: a model, directly from Arabic or via a pivot language."""

    model: str
    via: str | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    routes: dict[str, Route]
    summarizer: str
    description: str
    options: dict[str, Any] = field(default_factory=dict)


PROFILES: dict[str, Profile] = {p.name: p for p in [
    Profile("quality", {"en": Route("Helsinki-NLP/opus-mt-tc-big-ar-en"),
                        "ru": Route("Helsinki-NLP/opus-mt-tc-big-en-zle", via="en")},
            "Qwen/Qwen2.5-1.5B-Instruct", "best open models (default; a GPU helps)"),
    Profile("fast", {"en": Route("Helsinki-NLP/opus-mt-ar-en"), "ru": Route("Helsinki-NLP/opus-mt-en-ru", via="en")},
            "Qwen/Qwen2.5-0.5B-Instruct", "smaller models for CPU", {"num_beams": 2}),
    Profile("tiny", {"en": Route("tiny:marian-ar-en"), "ru": Route("tiny:marian-en-zle", via="en")},
            "tiny:qwen2", "random-weight models built locally: smoke tests only, outputs are meaningless",
            {"max_length_ratio": 1.0}),
]}

_PIVOT_NAME = re.compile(r"(?:^|[-_/])en-(?:ru|zle|sla|ine|mul)(?:$|[-_/])")


def guess_via(model: str, lang: str) -> str | None:
    """A model named like `opus-mt-en-ru` / `tiny:marian-en-zle` takes English, so it pivots via English."""
    name = model.rstrip("/").lower()
    if lang != "en" and (_PIVOT_NAME.search(name) or name.startswith(TINY_PREFIX + "marian-en-")):
        return "en"
    return None


def parse_model_overrides(values: list[str] | tuple[str, ...]) -> dict[str, str]:
    """`--model en=ID_OR_PATH` pairs into a dict; a clear error for anything else."""
    out = {}
    for value in values:
        lang, sep, model = value.partition("=")
        if not sep or not model or lang not in TARGETS:
            raise WorkbenchError(f"--model {value!r}: use LANG=ID_OR_PATH with LANG one of {', '.join(TARGETS)}")
        out[lang] = model
    return out


@dataclass
class Selection:
    profile: str
    routes: dict[str, Route]
    summarizer: str
    device: str = "auto"
    licence: str | None = None
    templates: dict[str, str] = field(default_factory=dict)
    translation_options: dict[str, Any] = field(default_factory=dict)
    summary_options: dict[str, Any] = field(default_factory=dict)

    @property
    def meaningless(self) -> bool:
        specs = [r.model for r in self.routes.values()] + [self.summarizer]
        return any(s.startswith(TINY_PREFIX) for s in specs)

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "summarizer": self.summarizer, "device": self.device,
                "routes": {k: {"model": r.model, "via": r.via} for k, r in self.routes.items()}}


def select(profile: str | None = None, models: dict[str, str] | None = None, summarizer: str | None = None,
           device: str | None = None, licence: str | None = None, home: str | os.PathLike[str] | None = None,
           via: dict[str, str | None] | None = None) -> Selection:
    """The models to use: the profile's, then the data home's config.toml, then explicit arguments."""
    config = load_config(home)
    name = profile or config.get("profile") or "quality"
    if name not in PROFILES:
        raise WorkbenchError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}")
    base = PROFILES[name]
    routes = dict(base.routes)
    cfg_models = dict(config.get("models", {})) if not profile or profile == config.get("profile") else {}
    cfg_via = dict(cfg_models.pop("via", {}) or {})
    chosen_summarizer = cfg_models.pop("summarizer", None) or base.summarizer
    for lang, model in {**cfg_models, **(models or {})}.items():
        if lang not in TARGETS:
            raise WorkbenchError(f"config models.{lang}: unknown language; use one of {', '.join(TARGETS)}")
        explicit = {**cfg_via, **(via or {})}
        routes[lang] = Route(model, explicit[lang] if lang in explicit else guess_via(model, lang))
    for lang, route in routes.items():
        if route.via and route.via not in routes:
            raise WorkbenchError(f"{lang} pivots through {route.via}, which has no model")
    options = {**base.options, **config.get("translation", {})}
    return Selection(
        profile=name, routes=routes, summarizer=summarizer or chosen_summarizer,
        device=device or config.get("device") or "auto", licence=licence or config.get("licence"),
        templates=dict(config.get("templates", {})), translation_options=options,
        summary_options=dict(config.get("summary", {})),
    )


class ModelSet:
    """The models of one selection, created on first use and kept for the life of the process."""

    def __init__(self, selection: Selection, home: str | os.PathLike[str] | None = None, engine: str = "transformers"):
        from .wrappers import TranslationCache

        self.selection = selection
        self.home = home
        self.backend = get_backend(engine)
        self.cache = TranslationCache(cache_dir(home) / "translations.sqlite")
        self._translators: dict[str, Translator] = {}
        self._direct: dict[tuple[str, str, str], Translator] = {}
        self._summarizer: Summarizer | None = None

    def _direct_translator(self, spec: str, source: str, target: str) -> Translator:
        from .wrappers import CachedTranslator

        key = (spec, source, target)
        if key not in self._direct:
            assert self.backend.make_translator is not None
            options = TranslationOptions.from_dict(self.selection.translation_options)
            inner = self.backend.make_translator(spec, source, target, options, device=self.selection.device,
                                                 home=self.home, profile=self.selection.profile)
            check_licence(inner.info.id, inner.info.licence, self.selection.licence)
            self._direct[key] = CachedTranslator(inner, self.cache)
        return self._direct[key]

    def translator(self, lang: str) -> Translator:
        """The translator for Arabic → `lang`: direct, or a PivotTranslator through its route's pivot language."""
        from .wrappers import PivotTranslator

        if lang not in self.selection.routes:
            raise WorkbenchError(f"no model for target language {lang!r}; known: {', '.join(self.selection.routes)}")
        if lang not in self._translators:
            route = self.selection.routes[lang]
            if route.via:
                second = self._direct_translator(route.model, route.via, lang)
                self._translators[lang] = PivotTranslator(self.translator(route.via), second)
            else:
                self._translators[lang] = self._direct_translator(route.model, SOURCE_LANG, lang)
        return self._translators[lang]

    def model_id(self, lang: str) -> str:
        """The id of the model that writes `lang` (for a pivot route, the second model)."""
        translator = self.translator(lang)
        return getattr(translator, "second", translator).info.id

    def summarizer(self) -> Summarizer:
        from .wrappers import CachedSummarizer

        if self._summarizer is None:
            assert self.backend.make_summarizer is not None
            options = SummaryOptions.from_dict(self.selection.summary_options) if self.selection.summary_options else None
            inner = self.backend.make_summarizer(self.selection.summarizer, options=options, device=self.selection.device,
                                                 home=self.home, profile=self.selection.profile)
            check_licence(inner.info.id, inner.info.licence, self.selection.licence)
            self._summarizer = CachedSummarizer(inner, self.cache)
        return self._summarizer

    def prepare(self, targets: list[str], summarize: bool) -> None:
        """Locate and licence-check every model the run needs before any data is touched."""
        for lang in targets:
            self.translator(lang)
        if summarize:
            self.summarizer()

    def tokens_generated(self) -> int:
        total = sum(t.tokens_generated for t in self._direct.values())
        return total + (self._summarizer.tokens_generated if self._summarizer else 0)
