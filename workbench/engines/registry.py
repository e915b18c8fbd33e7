"""The engine registry: engine names → the module that implements them, loaded on first use.

Adding an engine is one module that defines `ENGINE = Engine(...)` plus one line in `ENGINE_MODULES`.
Nothing here imports an engine's heavy libraries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import UnknownModelError
from .base import Summarizer, Translator

ENGINE_MODULES: dict[str, str] = {
    "transformers": "workbench.engines.hf",
    "ct2": "workbench.engines.ct2",
}
ENGINE_CHOICES: tuple[str, ...] = ("auto", *ENGINE_MODULES)
DEFAULT_ENGINE = "transformers"  # what "auto" falls back to


def _always(device: str) -> str | None:
    return None


@dataclass(frozen=True)
class Engine:
    """How one engine makes translators and summarizers.

    `unavailable(device)` says why the engine cannot run on `device` ("cpu", "cuda", "cuda:1"), or None when
    it can; "auto" uses it to choose.
    """

    name: str
    description: str
    make_translator: Callable[..., Translator]
    make_summarizer: Callable[..., Summarizer]
    unavailable: Callable[[str], str | None] = _always


def get_engine(name: str) -> Engine:
    """The engine registered under `name`; UnknownModelError for any other name."""
    if name not in ENGINE_MODULES:
        raise UnknownModelError(f"unknown engine {name!r}; known: {', '.join(ENGINE_CHOICES)}")
    module = importlib.import_module(ENGINE_MODULES[name])
    engine: Engine = module.ENGINE
    return engine
