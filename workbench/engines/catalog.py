"""Known models with their task, licence and published quality, and the licence policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import LicenceRefused, WorkbenchError
from .base import TINY_PREFIX

PERMISSIVE = {"apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "cc-by-4.0", "cc0-1.0"}


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


def licence_of(model_id: str, path: str | None = None) -> str:
    """A model's licence: the catalog, else the model card's `license:` line, else "unknown"."""
    if model_id.startswith(TINY_PREFIX):
        return "apache-2.0"
    if model_id in CATALOG:
        return CATALOG[model_id].licence
    if path:
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
