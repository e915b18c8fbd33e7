"""The export-format registry: every module in `exchange/formats/` registers its formats when loaded.

Adding a format is one module there that calls `register(Format(...))`; the CLI's `--format` choices and
the UI's download list come from `format_names()`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExportError
from ..review.glossary import starts_like_formula
from ..review.memory import TranslationMemory
from ..review.model import ArticleView

Item = tuple[ArticleView, list[str]]  # an article view and the languages to export from it
MEANINGLESS_BANNER = "[tiny random-weight models: this output is meaningless]"


@dataclass
class ExportOptions:
    """What every format is given besides the items: which text to export, and memories for fuzzy matches."""

    source: str = "current"  # "current" (reviewed) text or raw "machine" output
    memories: dict[str, TranslationMemory] = field(default_factory=dict)  # lang → memory (XLIFF <alt-trans>)


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    render: Callable[[list[Item], ExportOptions], bytes]
    description: str = ""
    wants_memory: bool = False  # give it the translation memories (costly to build)


def spreadsheet_cell(value: object) -> str:
    """A cell for a CSV/TSV file that a spreadsheet shows as text, never runs as a formula (OWASP "CSV
    Injection"): a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return (also after leading spaces
    or double quotes) gets a leading single quote. Every such value is treated so, numbers like "-5" included:
    telling a number from "-1+cmd|..." is exactly what a spreadsheet gets wrong. The CSV writers also quote
    every cell."""
    text = "" if value is None else str(value)
    return "'" + text if starts_like_formula(text) else text


_FORMATS: dict[str, Format] = {}
_FORMATS_DIR = Path(__file__).resolve().parent / "formats"


def register(fmt: Format) -> Format:
    _FORMATS[fmt.name] = fmt
    return fmt


_loaded: list[bool] = []


def _load() -> None:
    """Import every module of `exchange/formats/` once (each registers its formats)."""
    if not _loaded:
        for module in sorted(m.name for m in pkgutil.iter_modules([str(_FORMATS_DIR)])):
            importlib.import_module(f"{__package__}.formats.{module}")
        _loaded.append(True)


def formats() -> dict[str, Format]:
    """Every registered format by name, in the order of `ORDER` and then by name."""
    _load()
    ordered = [n for n in ORDER if n in _FORMATS] + sorted(n for n in _FORMATS if n not in ORDER)
    return {n: _FORMATS[n] for n in ordered}


def format_names() -> tuple[str, ...]:
    return tuple(formats())


def get_format(name: str) -> Format:
    known = formats()
    if name not in known:
        raise ExportError(f"unknown export format {name!r}; use one of {', '.join(known)}")
    return known[name]


ORDER = ("xliff", "tmx", "docx", "csv", "tsv", "jsonl", "txt")  # how choices are listed
