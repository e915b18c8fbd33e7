"""The engine registry: engine names → the module that implements them, loaded on first use.

Adding an engine is one module that defines `ENGINE = Engine(...)` plus one line in `ENGINE_MODULES`; its LLM
translator (an instruction LLM translating a segment with its context, `models.llm`) is one module with
`make_translator` and one line in `LLM_MODULES`. `make_translator` decides which of the two a model gets.
Nothing here imports an engine's heavy libraries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import EngineUnavailable, UnknownModelError
from .base import Located, Summarizer, TranslationOptions, Translator

ENGINE_MODULES: dict[str, str] = {
    "transformers": "workbench.models.hf",
    "ct2": "workbench.models.ct2",
}
ENGINE_CHOICES: tuple[str, ...] = ("auto", *ENGINE_MODULES)
LLM_MODULES: dict[str, str] = {
    "transformers": "workbench.models.hf_llm",
    "ct2": "workbench.models.ct2_llm",
}
DEFAULT_ENGINE = "transformers"  # what "auto" falls back to


def _always(device: str) -> str | None:
    return None


@dataclass(frozen=True)
class Engine:
    """How one engine makes translators and summarizers.

    `unavailable(device)` says why the engine cannot run on `device` ("cpu", "cuda", "cuda:1"), or None when
    it can; "auto" uses it to choose. `fixed_compute(device, requested, tiny)` is the compute type the engine
    takes without measuring (the option, its GPU default), or None where `choice.compute` measures this machine.
    The makers take a `Located` model, the resolved `compute_type` and `threads`, and, when the engine `converts`
    models, `conversions`, the folder its conversions are cached in: an engine looks none of them up.
    """

    name: str
    description: str
    make_translator: Callable[..., Translator]
    make_summarizer: Callable[..., Summarizer]
    fixed_compute: Callable[[str, str, bool], str | None]
    unavailable: Callable[[str], str | None] = _always
    converts: bool = False


def get_engine(name: str) -> Engine:
    """The engine registered under `name`; UnknownModelError for any other name."""
    if name not in ENGINE_MODULES:
        raise UnknownModelError(f"unknown engine {name!r}; known: {', '.join(ENGINE_CHOICES)}")
    module = importlib.import_module(ENGINE_MODULES[name])
    engine: Engine = module.ENGINE
    return engine


def make_translator(engine: Engine, located: Located, source: str, target: str, options: dict[str, Any], *,
                    llm: bool, **kw: Any) -> Translator:
    """`engine`'s translator for `located`: its LLM translator when the model is an instruction LLM (`llm`, as
    `choice.locate.is_llm` found), else its sentence translator; `options` are the selection's [translation]
    values (each kind takes its own)."""
    from .llm import LLM_ONLY, LLMOptions

    if llm:
        if engine.name not in LLM_MODULES:
            raise EngineUnavailable(f"engine {engine.name} has no LLM translator")
        module = importlib.import_module(LLM_MODULES[engine.name])
        made: Translator = module.make_translator(located, source, target, LLMOptions.from_selection(options), **kw)
        return made
    plain = TranslationOptions.from_dict({k: v for k, v in options.items() if k not in LLM_ONLY}, "translation options")
    return engine.make_translator(located, source, target, plain, **kw)
