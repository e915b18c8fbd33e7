"""The model interface, model options, the catalog of known models and the backend registry.

Nothing here imports torch or transformers: backends load them when a model is first used.
"""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import LicenceRefused, UnknownModelError, WorkbenchError

LANGUAGE_NAMES = {"ar": "Arabic", "en": "English", "ru": "Russian"}
PERMISSIVE = {"apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "cc-by-4.0", "cc0-1.0"}

OptionsT = TypeVar("OptionsT", bound="Options")


@dataclass(frozen=True)
class Options:
    """Base for typed option objects: unknown keys are an error, not silently ignored."""

    @classmethod
    def from_dict(cls: type[OptionsT], values: dict[str, Any] | None) -> OptionsT:
        values = dict(values or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise WorkbenchError(f"unknown {cls.__name__} option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TranslationOptions(Options):
    num_beams: int = 4
    no_repeat_ngram_size: int = 4
    max_length_ratio: float = 2.0  # output tokens at most ratio × longest input in the batch, plus extra
    max_length_extra: int = 10
    max_new_tokens: int = 512
    batch_size: int = 16
    sort_by_length: bool = True  # batches of similar length waste less padding
    renormalize_logits: bool = True


@dataclass(frozen=True)
class SummaryOptions(Options):
    max_new_tokens: int = 220
    num_beams: int = 1
    do_sample: bool = False
    repetition_penalty: float = 1.1
    no_repeat_ngram_size: int = 0
    max_input_tokens: int = 6000


@dataclass
class ModelInfo:
    """What provenance records about a loaded model."""

    id: str
    path: str | None = None
    revision: str | None = None
    licence: str = "unknown"
    family: str | None = None
    device: str | None = None
    dtype: str | None = None
    meaningless: bool = False  # random-weight tiny models

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Translator(ABC):
    """Translate a batch of sentences from `source` to `target`."""

    source: str
    target: str
    info: ModelInfo
    options: TranslationOptions

    @abstractmethod
    def translate(self, texts: list[str]) -> list[str]:
        """One output per input, in the same order."""

    def settings(self) -> dict[str, Any]:
        return self.options.to_dict()

    @property
    def tokens_generated(self) -> int:
        return 0


@dataclass
class Prompt:
    """A rendered prompt: chat messages for instruction models, raw input for seq2seq summarizers."""

    template: str
    template_hash: str
    lang: str
    system: str
    user: str
    input_text: str
    input_kind: str  # source | translation


class Summarizer(ABC):
    """Write a summary from a rendered prompt."""

    info: ModelInfo
    options: SummaryOptions

    @abstractmethod
    def summarize(self, prompt: Prompt) -> str:
        """The summary text."""

    def settings(self) -> dict[str, Any]:
        return self.options.to_dict()

    @property
    def tokens_generated(self) -> int:
        return 0


# --------------------------------------------------------------------------- catalog
@dataclass(frozen=True)
class CatalogEntry:
    id: str
    task: str
    licence: str
    note: str = ""
    size: str = ""


CATALOG: dict[str, CatalogEntry] = {e.id: e for e in [
    CatalogEntry("Helsinki-NLP/opus-mt-tc-big-ar-en", "ar→en", "cc-by-4.0", "Marian transformer-big, FLORES chrF 0.672", "603 MB"),
    CatalogEntry("Helsinki-NLP/opus-mt-tc-big-en-zle", "en→ru (>>rus<<)", "cc-by-4.0", "Marian transformer-big, en→ru chrF 0.597", "~600 MB"),
    CatalogEntry("Helsinki-NLP/opus-mt-ar-en", "ar→en", "apache-2.0", "Marian base, FLORES chrF 0.610", "308 MB"),
    CatalogEntry("Helsinki-NLP/opus-mt-en-ru", "en→ru", "apache-2.0", "Marian base, newstest2019 BLEU 27.1", "~300 MB"),
    CatalogEntry("Helsinki-NLP/opus-mt-ar-ru", "ar→ru", "apache-2.0", "Marian base, direct, FLORES chrF 0.469", "~300 MB"),
    CatalogEntry("facebook/nllb-200-distilled-600M", "multilingual", "cc-by-nc-4.0", "NLLB, ar→en chrF 0.630", "2.46 GB"),
    CatalogEntry("facebook/m2m100_418M", "multilingual", "mit", "M2M100", "1.94 GB"),
    CatalogEntry("Qwen/Qwen2.5-1.5B-Instruct", "summary", "apache-2.0", "instruction LLM", "3.1 GB"),
    CatalogEntry("Qwen/Qwen2.5-0.5B-Instruct", "summary", "apache-2.0", "instruction LLM, CPU-friendly", "1.0 GB"),
    CatalogEntry("csebuetnlp/mT5_multilingual_XLSum", "summary", "cc-by-nc-sa-4.0", "mT5-base XL-Sum, one sentence", "2.33 GB"),
    CatalogEntry("sshleifer/distilbart-cnn-12-6", "summary (en only)", "apache-2.0", "DistilBART CNN/DM", "1.2 GB"),
]}

TINY_PREFIX = "tiny:"


def licence_of(model_id: str, path: str | None = None) -> str:
    """A model's licence: the catalog, else the model card's `license:` line, else "unknown"."""
    if model_id.startswith(TINY_PREFIX):
        return "apache-2.0"
    if model_id in CATALOG:
        return CATALOG[model_id].licence
    if path:
        from pathlib import Path

        card = Path(path) / "README.md"
        if card.exists():
            match = re.search(r"^license:\s*([\w.\-]+)", card.read_text(encoding="utf-8", errors="replace"), re.M)
            if match:
                return match.group(1).lower()
    return "unknown"


def check_licence(model_id: str, licence: str, policy: str | None) -> None:
    """Refuse a model whose licence does not meet `policy` ("permissive" or None)."""
    if policy in (None, "", "any"):
        return
    if policy != "permissive":
        raise WorkbenchError(f"unknown licence policy {policy!r}; use 'permissive' or 'any'")
    if licence not in PERMISSIVE:
        raise LicenceRefused(
            f"model {model_id} has licence {licence!r}, which is not permissive (allowed: {', '.join(sorted(PERMISSIVE))});"
            " choose another model with --model or drop --licence permissive")


# --------------------------------------------------------------------------- registry
@dataclass
class Backend:
    name: str
    make_translator: Callable[..., Translator] | None = None
    make_summarizer: Callable[..., Summarizer] | None = None
    description: str = ""


_BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend) -> None:
    _BACKENDS[backend.name] = backend


def get_backend(name: str) -> Backend:
    """The backend registered under `name`; UnknownModelError for any other name."""
    _ensure_builtin_backends()
    try:
        return _BACKENDS[name]
    except KeyError:
        raise UnknownModelError(f"unknown engine {name!r}; known: {', '.join(sorted(_BACKENDS))}") from None


def _ensure_builtin_backends() -> None:
    if "transformers" not in _BACKENDS:
        from . import hf  # noqa: F401  (registers itself; imports no torch until a model loads)


@dataclass
class Counters:
    calls: int = 0
    texts: int = 0
    tokens: int = 0
    seconds: float = 0.0
    extra: dict[str, int] = field(default_factory=dict)
