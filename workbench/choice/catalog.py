"""Known models with their task, licence and published quality, and the licence policy.

Translation LLMs (`kind="llm"`) translate every direction the workbench needs (ar→en, ar→ru, en→ru) with the
prompt templates in `prompts/`; their licences are those of the public model cards (late 2026), with a note that
says what a restricted one restricts, so `--licence permissive` can say why it refuses one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import LicenceRefused, WorkbenchError
from ..models.base import TINY_PREFIX

PERMISSIVE = {"apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "cc-by-4.0", "cc0-1.0", "openmdw-1.0"}


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    task: str
    licence: str
    note: str = ""
    size: str = ""
    kind: str = "seq2seq"  # seq2seq (Marian, NLLB, mT5: a sentence in, its translation out) | llm | summary
    licence_note: str = ""  # what a restricted licence restricts (said when a policy refuses it)


LLM_TASK = "translation LLM (ar→en, ar→ru, en→ru)"
GEMMA_TERMS = ("Gemma Terms of Use: a gated download whose prohibited-use policy binds every user and must be passed"
               " on with copies and derivatives; not an open-source licence")
TENCENT_TERMS = ("Tencent HY Community Licence: not valid in the EU, outputs must be labelled, no training of other"
                 " models with it")
LLM_TRANSLATORS = [
    CatalogEntry("utter-project/EuroLLM-9B-Instruct", LLM_TASK, "apache-2.0",
                 "Llama architecture (CTranslate2 converts it); translation-focused, ar and ru among its languages",
                 "~18 GB bf16", "llm"),
    CatalogEntry("utter-project/EuroLLM-1.7B-Instruct", LLM_TASK, "apache-2.0", "Llama; the small EuroLLM, CPU-sized",
                 "~3.4 GB bf16", "llm"),
    CatalogEntry("utter-project/EuroLLM-22B-Instruct-2512", LLM_TASK, "apache-2.0", "Llama; the large EuroLLM",
                 "~44 GB bf16", "llm"),
    CatalogEntry("ByteDance-Seed/Seed-X-PPO-7B", LLM_TASK, "openmdw-1.0",
                 "Mistral architecture (CTranslate2 converts it); a dedicated MT model, 28 languages incl. ar, ru",
                 "~15 GB bf16", "llm"),
    CatalogEntry("Qwen/Qwen3-4B-Instruct-2507", LLM_TASK, "apache-2.0", "Qwen3 (CTranslate2 ≥ 4.6.2); 119 languages",
                 "~8 GB bf16", "llm"),
    CatalogEntry("Qwen/Qwen3-1.7B", LLM_TASK, "apache-2.0",
                 "Qwen3, hybrid thinking (switched off in its chat template); 119 languages", "~4 GB bf16", "llm"),
    CatalogEntry("google/gemma-4-E4B-it", LLM_TASK, "apache-2.0",
                 "Gemma 4 dense; general instruct (CTranslate2 4.8.5 cannot convert it under transformers 5.24)", "", "llm"),
    CatalogEntry("google/gemma-4-E2B-it", LLM_TASK, "apache-2.0", "Gemma 4 dense, the smallest; general instruct",
                 "", "llm"),
    CatalogEntry("google/translategemma-4b-it", LLM_TASK, "gemma",
                 "Gemma 3 (CTranslate2 converts it); 2K-token input; its own chat template (structured content: the"
                 " segment alone, prompts/translategemma-*.toml)", "~8 GB bf16", "llm",
                 GEMMA_TERMS),
    CatalogEntry("google/translategemma-12b-it", LLM_TASK, "gemma", "Gemma 3; 2K-token input; as the 4B", "~24 GB bf16", "llm",
                 GEMMA_TERMS),
    CatalogEntry("tencent/Hunyuan-MT-7B", LLM_TASK, "tencent-hy-community",
                 "HunYuan (no CTranslate2 loader: transformers only); won 30 of 31 WMT25 categories", "~15 GB bf16",
                 "llm", TENCENT_TERMS),
]

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
    *LLM_TRANSLATORS,
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
        entry = CATALOG.get(model_id)
        why = f" ({entry.licence_note})" if entry and entry.licence_note else ""
        raise LicenceRefused(
            f"model {model_id} has licence {licence!r}{why}, which is not permissive (allowed:"
            f" {', '.join(sorted(PERMISSIVE))}); choose another model with --model or drop --licence permissive")
