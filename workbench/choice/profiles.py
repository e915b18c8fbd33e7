"""Model profiles and the per-run model selection (profile, config file, CLI overrides).

`select` decides, once, which model writes each language (directly or through a pivot), which model
summarizes, on which device and engine; `plan.ModelSet` turns that selection into loaded models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkbenchError
from ..languages import SOURCE_LANG, TARGETS
from ..models.base import TINY_PREFIX, SummaryOptions, TranslationOptions
from ..settings import Home, load_config
from ..settings import threads as env_threads

__all__ = ["PROFILES", "SOURCE_LANG", "TARGETS", "Profile", "Route", "Selection", "check_device",
           "check_known_licences", "check_translation_options", "parse_model_overrides", "parse_suggest", "select"]

DEVICE_FORMS = "auto, cpu, cuda or cuda:N"


def check_device(device: str, where: str = "--device") -> str:
    """A device the engines know (auto, cpu, cuda, cuda:N), else one clear line: "gpu" or "banana" once ran on the
    CPU without a word. Whether a GPU is there is checked before the first model is loaded (`plan.ModelSet`)."""
    if not isinstance(device, str) or not re.fullmatch(r"auto|cpu|cuda(:\d{1,3})?", device):
        raise WorkbenchError(f"{where} {device!r}: use {DEVICE_FORMS}")
    return device


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
    threads: int | None = None  # a default thread count; None: the usable cores


# The llm profile's translator: Apache-2.0, translation-focused, Arabic and Russian among its languages, a Llama
# architecture that CTranslate2 converts (int8_float16 on a GPU); see docs/models.md, "LLM translators".
LLM_TRANSLATOR = "utter-project/EuroLLM-9B-Instruct"

PROFILES: dict[str, Profile] = {p.name: p for p in [
    Profile("quality", {"en": Route("Helsinki-NLP/opus-mt-tc-big-ar-en"),
                        "ru": Route("Helsinki-NLP/opus-mt-tc-big-en-zle", via="en")},
            "Qwen/Qwen2.5-1.5B-Instruct", "best open models (default; a GPU helps)"),
    Profile("fast", {"en": Route("Helsinki-NLP/opus-mt-ar-en"), "ru": Route("Helsinki-NLP/opus-mt-en-ru", via="en")},
            "Qwen/Qwen2.5-0.5B-Instruct", "smaller models for CPU", {"num_beams": 2}),
    Profile("tiny", {"en": Route("tiny:marian-ar-en"), "ru": Route("tiny:marian-en-zle", via="en")},
            "tiny:qwen2", "random-weight models built locally: smoke tests only, outputs are meaningless",
            {"max_length_ratio": 1.0}, threads=1),  # models this small run fastest on one thread (5 s vs 13 s)
    # Russian straight from the Arabic (no English errors compounded); `[models.via] ru = "en"` in config.toml
    # makes it from the reviewed English instead.
    Profile("llm", {"en": Route(LLM_TRANSLATOR), "ru": Route(LLM_TRANSLATOR)}, "Qwen/Qwen3-4B-Instruct-2507",
            "an instruction LLM translating with the article as context and the glossary in the prompt (meant for a GPU)"),
    Profile("tiny-llm", {"en": Route("tiny:qwen3"), "ru": Route("tiny:qwen3")}, "tiny:qwen2",
            "random-weight LLM translators built locally: smoke tests only, outputs are meaningless",
            {"max_new_tokens": 24}, threads=1),
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


def parse_suggest(values: list[str] | tuple[str, ...], targets: list[str],
                  home: Home) -> list[tuple[str, str]]:
    """The further translators of a run, as (language, model): `--suggest ID` (every target language) or
    `--suggest LANG=ID` (repeatable), else config.toml's [suggest] table (`en = "ID"`)."""
    if not values:
        return [(lang, model) for lang, model in dict(load_config(home).get("suggest", {})).items() if lang in targets]
    out: list[tuple[str, str]] = []
    for value in values:
        lang, sep, model = value.partition("=")
        if sep and lang in TARGETS:
            if not model:
                raise WorkbenchError(f"--suggest {value!r}: use ID_OR_PATH or LANG=ID_OR_PATH")
            out += [(lang, model)] if lang in targets else []
        else:
            out += [(target, value) for target in targets]
    return list(dict.fromkeys(out))


def _threads(given: int | None, config: dict[str, Any], profile: Profile) -> int | None:
    """--threads, else config.toml's `threads`, else $WORKBENCH_THREADS (None here), else the profile's default."""
    if given is not None:
        return given
    if config.get("threads") is not None:
        return int(config["threads"])
    return None if env_threads() is not None else profile.threads


@dataclass
class Selection:
    profile: str
    routes: dict[str, Route]
    summarizer: str
    device: str = "auto"
    licence: str | None = None
    engine: str = "auto"  # auto | transformers | ct2 (see models.registry)
    engines: dict[str, str] = field(default_factory=dict)  # per role (en, ru, summarizer), overriding `engine`
    threads: int | None = None  # CPU threads for model work; None: every core this process may use
    templates: dict[str, str] = field(default_factory=dict)
    translation_options: dict[str, Any] = field(default_factory=dict)
    summary_options: dict[str, Any] = field(default_factory=dict)

    @property
    def meaningless(self) -> bool:
        specs = [r.model for r in self.routes.values()] + [self.summarizer]
        return any(s.startswith(TINY_PREFIX) for s in specs)

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "summarizer": self.summarizer, "device": self.device,
                "engine": self.engine, "threads": self.threads,
                "routes": {k: {"model": r.model, "via": r.via} for k, r in self.routes.items()}}


def select(profile: str | None = None, models: dict[str, str] | None = None, summarizer: str | None = None,
           device: str | None = None, licence: str | None = None, *, home: Home,
           via: dict[str, str | None] | None = None, engine: str | None = None,
           threads: int | None = None) -> Selection:
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
    explicit = {**cfg_via, **(via or {})}
    for lang, model in {**cfg_models, **(models or {})}.items():
        if lang not in TARGETS:
            raise WorkbenchError(f"config models.{lang}: unknown language; use one of {', '.join(TARGETS)}")
        routes[lang] = Route(model, explicit[lang] if lang in explicit else guess_via(model, lang))
    for lang, pivot in explicit.items():  # a route without a model of its own: the profile's, read from `pivot`
        if lang in routes and lang not in {**cfg_models, **(models or {})}:
            routes[lang] = Route(routes[lang].model, pivot or None)
    for lang, route in routes.items():
        if route.via == lang:
            raise WorkbenchError(f"{lang} cannot be translated from itself (via = {lang!r})")
        if route.via and route.via not in routes:
            raise WorkbenchError(f"{lang} pivots through {route.via}, which has no model")
    options = {**base.options, **config.get("translation", {})}
    check_translation_options(options, "config.toml [translation]")  # bad keys or values are one clear line
    if config.get("summary"):
        SummaryOptions.from_dict(config["summary"], "config.toml [summary]")
    engines = dict(config.get("engines", {}))
    for role in engines:
        if role not in (*TARGETS, "summarizer"):
            raise WorkbenchError(f"config engines.{role}: use one of {', '.join((*TARGETS, 'summarizer'))}")
    if device:
        check_device(device)
    elif config.get("device"):
        check_device(config["device"], "config.toml device")
    selection = Selection(
        profile=name, routes=routes, summarizer=summarizer or chosen_summarizer,
        device=device or config.get("device") or "auto", licence=licence or config.get("licence"),
        templates=dict(config.get("templates", {})), translation_options=options,
        summary_options=dict(config.get("summary", {})),
        engine=engine or config.get("engine") or "auto", engines=engines,
        threads=_threads(threads, config, base),
    )
    check_known_licences(selection)
    return selection


def check_translation_options(options: dict[str, Any], where: str) -> None:
    """The [translation] values checked for both kinds of translator: sentence models (TranslationOptions, without
    the LLM-only keys) and LLM translators (LLMOptions, without the seq2seq-only rules)."""
    from ..models.llm import LLM_ONLY, LLMOptions

    LLMOptions.from_selection(options, where)  # first: it knows every key, so a misspelt one gets its hint
    TranslationOptions.from_dict({k: v for k, v in options.items() if k not in LLM_ONLY}, where)


def check_known_licences(selection: Selection) -> None:
    """Refuse, before anything is loaded, a model whose licence the catalog knows and the policy does not allow
    (models the catalog does not know are checked when they are located)."""
    from .catalog import CATALOG, check_licence, licence_of

    if not selection.licence:
        return
    for spec in [r.model for r in selection.routes.values()] + [selection.summarizer]:
        if spec.startswith(TINY_PREFIX) or spec in CATALOG:
            check_licence(spec, licence_of(spec), selection.licence)
