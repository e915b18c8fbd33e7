"""Transformers backends: seq2seq translators (Marian, M2M100/NLLB, mT5) and summarizers.

torch and transformers are imported when a model is first used, never at import time.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from typing import Any

from ..errors import ModelNotAvailable, WorkbenchError
from .base import (
    Counters,
    ModelInfo,
    Prompt,
    Summarizer,
    SummaryOptions,
    TranslationOptions,
    Translator,
)
from .locate import Located, locate
from .registry import Engine

# Language codes each model family uses for our languages.
MARIAN_CODES = {"ru": ["rus", "ru"], "en": ["eng", "en"], "uk": ["ukr"], "be": ["bel"]}
NLLB_CODES = {"ar": "arb_Arab", "en": "eng_Latn", "ru": "rus_Cyrl"}
M2M_CODES = {"ar": "ar", "en": "en", "ru": "ru"}
_LOAD_LOCK = threading.Lock()


def resolve_device(device: str | None = "auto") -> str:
    """"auto" → cuda when a GPU is usable, else cpu; anything else is passed to torch as given."""
    import torch

    if device in (None, "", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise WorkbenchError(f"--device {device}: no CUDA GPU is usable on this machine; use --device cpu or auto")
    return device


def dtype_for(device: str) -> Any:
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def trace(event: dict[str, Any]) -> None:
    """Append a model-call record to $WORKBENCH_TRACE (a JSONL file) when it is set; for auditing runs."""
    path = os.environ.get("WORKBENCH_TRACE")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")


def _load(located: Located, task: str, profile: str | None, kind: str, device: str) -> tuple[Any, Any, Any]:
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    local_only = located.local or os.environ.get("HF_HUB_OFFLINE") == "1"
    loader = AutoModelForCausalLM if kind == "causal" else AutoModelForSeq2SeqLM
    try:
        with _LOAD_LOCK:
            tokenizer = AutoTokenizer.from_pretrained(located.path, local_files_only=local_only)
            model = loader.from_pretrained(located.path, local_files_only=local_only, dtype=dtype_for(device))
    except (OSError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise ModelNotAvailable(located.model_id, task, profile, detail) from exc
    model = model.to(device)  # type: ignore[arg-type]  # transformers types .to() for tensors only
    model.eval()
    return tokenizer, model, model.generation_config


class _HFModel:
    """Shared lazy loading for the transformers-backed models."""

    kind = "seq2seq"

    def __init__(self, spec: str, task: str, *, device: str = "auto", home: str | None = None,
                 profile: str | None = None, located: Located | None = None):
        self.spec = spec
        self.task = task
        self.profile = profile
        self.home = home
        self._device_request = device
        self.located = located or locate(spec, task, home=home, profile=profile)
        self.info = ModelInfo(id=self.located.model_id, path=self.located.path, revision=self.located.revision,
                              licence=self.located.licence, meaningless=spec.startswith("tiny:"))
        self.counters = Counters()
        self._loaded: tuple[Any, Any, Any] | None = None
        self._lock = threading.Lock()

    def load(self) -> tuple[Any, Any, Any]:
        if self._loaded is None:
            device = resolve_device(self._device_request)
            self._loaded = _load(self.located, self.task, self.profile, self.kind, device)
            model = self._loaded[1]
            self.info.family = model.config.model_type
            self.info.device = device
            self.info.dtype = str(model.dtype).replace("torch.", "")
            self._after_load()
        return self._loaded

    def _after_load(self) -> None:
        pass

    @property
    def tokens_generated(self) -> int:
        return self.counters.tokens


class Seq2SeqTranslator(_HFModel, Translator):
    """Sentence translation with any seq2seq checkpoint: Marian (incl. multi-target), M2M100, NLLB, mT5."""

    def __init__(self, spec: str, source: str, target: str, options: TranslationOptions | None = None, **kw: Any):
        self.source, self.target = source, target
        self.options = options or TranslationOptions()
        super().__init__(spec, f"{source}→{target} translation", **kw)
        self.prefix = ""
        self.forced_bos: int | None = None
        self.generate_kwargs: dict[str, Any] = {}  # extra generate() arguments (benchmarks, experiments)

    def _after_load(self) -> None:
        tokenizer, model, _ = self._loaded  # type: ignore[misc]
        family = model.config.model_type
        vocab = tokenizer.get_vocab()
        if family == "marian":
            codes = sorted(t for t in vocab if re.fullmatch(r">>\w+<<", t))
            if codes:  # multi-target model: read its target token from the vocabulary
                wanted = [f">>{c}<<" for c in MARIAN_CODES.get(self.target, [self.target])]
                found = [c for c in wanted if c in vocab]
                if not found:
                    raise WorkbenchError(f"model {self.info.id} has no target token for {self.target!r} (it has {', '.join(codes[:12])})")
                self.prefix = found[0] + " "
        elif family in ("m2m_100", "nllb_moe"):
            lang_codes = NLLB_CODES if "arb_Arab" in vocab or "__arb_Arab__" in vocab else M2M_CODES
            tokenizer.src_lang = lang_codes[self.source]
            tgt_token = tokenizer.lang_code_to_id[lang_codes[self.target]] if hasattr(tokenizer, "lang_code_to_id") else None
            if tgt_token is None:
                tgt_token = tokenizer.convert_tokens_to_ids(lang_codes[self.target])
            self.forced_bos = int(tgt_token)

    def settings(self) -> dict[str, Any]:
        out = self.options.to_dict()
        out["target_prefix"] = self.prefix.strip() or None
        out["forced_bos_token_id"] = self.forced_bos
        return out

    def translate(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        tokenizer, model, _ = self.load()
        import torch

        started = time.perf_counter()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i])) if self.options.sort_by_length else list(range(len(texts)))
        results: list[str] = [""] * len(texts)
        size = max(1, self.options.batch_size)
        with self._lock, torch.inference_mode():
            for b in range(0, len(order), size):
                idx = order[b:b + size]
                batch = [self.prefix + texts[i] for i in idx]
                enc = tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=512)
                enc = {k: v.to(model.device) for k, v in enc.items()}
                longest = int(enc["attention_mask"].sum(dim=1).max())
                cap = min(self.options.max_new_tokens, int(longest * self.options.max_length_ratio) + self.options.max_length_extra)
                gen: dict[str, Any] = dict(
                    num_beams=self.options.num_beams, max_length=cap + 1,  # decoder tokens incl. the start token
                    no_repeat_ngram_size=self.options.no_repeat_ngram_size or None,
                    renormalize_logits=self.options.renormalize_logits,
                )
                if self.forced_bos is not None:
                    gen["forced_bos_token_id"] = self.forced_bos
                out = model.generate(**enc, **gen, **self.generate_kwargs)
                self.counters.tokens += int((out != (model.config.pad_token_id if model.config.pad_token_id is not None else -1)).sum())
                decoded = tokenizer.batch_decode(out, skip_special_tokens=True)
                for i, text in zip(idx, decoded, strict=True):
                    results[i] = text.strip()
        self.counters.calls += 1
        self.counters.texts += len(texts)
        self.counters.seconds += time.perf_counter() - started
        trace({"event": "translate", "model": self.info.id, "target": self.target, "texts": texts})
        return results


class CausalSummarizer(_HFModel, Summarizer):
    """Summaries from an instruction-tuned causal LM (Qwen2.5-Instruct and alike) via its chat template."""

    kind = "causal"

    def __init__(self, spec: str, options: SummaryOptions | None = None, **kw: Any):
        self.options = options or SummaryOptions()
        super().__init__(spec, "summaries", **kw)

    def summarize(self, prompt: Prompt) -> str:
        tokenizer, model, _ = self.load()
        import torch

        started = time.perf_counter()
        messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
        enc = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        input_ids = enc["input_ids"]
        if input_ids.shape[1] > self.options.max_input_tokens:
            raise WorkbenchError(
                f"prompt has {input_ids.shape[1]} tokens, more than max_input_tokens={self.options.max_input_tokens}")
        enc = {k: v.to(model.device) for k, v in enc.items()}
        gen: dict[str, Any] = dict(max_new_tokens=self.options.max_new_tokens, num_beams=self.options.num_beams,
                                   do_sample=self.options.do_sample, repetition_penalty=self.options.repetition_penalty)
        if self.options.no_repeat_ngram_size:
            gen["no_repeat_ngram_size"] = self.options.no_repeat_ngram_size
        if tokenizer.pad_token_id is not None:
            gen["pad_token_id"] = tokenizer.pad_token_id
        with self._lock, torch.inference_mode():
            out = model.generate(**enc, **gen)
        new = out[0, input_ids.shape[1]:]
        self.counters.tokens += int(new.shape[0])
        self.counters.calls += 1
        self.counters.seconds += time.perf_counter() - started
        trace({"event": "summarize", "model": self.info.id, "lang": prompt.lang, "template": prompt.template})
        return tokenizer.decode(new, skip_special_tokens=True).strip()


class Seq2SeqSummarizer(_HFModel, Summarizer):
    """Summaries from a seq2seq summarizer (mT5 XL-Sum, BART): the prompt's input text goes in as is."""

    def __init__(self, spec: str, options: SummaryOptions | None = None, **kw: Any):
        self.options = options or SummaryOptions(max_new_tokens=84, num_beams=4, no_repeat_ngram_size=2,
                                                 repetition_penalty=1.0, max_input_tokens=512)
        super().__init__(spec, "summaries", **kw)

    def summarize(self, prompt: Prompt) -> str:
        tokenizer, model, _ = self.load()
        import torch

        enc = tokenizer([prompt.input_text], return_tensors="pt", truncation=True, max_length=self.options.max_input_tokens)
        enc = {k: v.to(model.device) for k, v in enc.items()}
        with self._lock, torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=self.options.max_new_tokens, num_beams=self.options.num_beams,
                                 no_repeat_ngram_size=self.options.no_repeat_ngram_size or None)
        self.counters.tokens += int(out.shape[1])
        self.counters.calls += 1
        trace({"event": "summarize", "model": self.info.id, "lang": prompt.lang, "template": prompt.template})
        return tokenizer.decode(out[0], skip_special_tokens=True).strip()


def make_summarizer(spec: str, **kw: Any) -> Summarizer:
    """A causal-LM summarizer unless the model's config says it is an encoder-decoder."""
    located = locate(spec, "summaries", home=kw.get("home"), profile=kw.get("profile"))
    config_file = os.path.join(located.path, "config.json")
    encoder_decoder = False
    if os.path.exists(config_file):
        with open(config_file, encoding="utf-8") as fh:
            encoder_decoder = bool(json.load(fh).get("is_encoder_decoder"))
    cls = Seq2SeqSummarizer if encoder_decoder else CausalSummarizer
    return cls(spec, located=located, **kw)


ENGINE = Engine("transformers", "Hugging Face transformers, model classes with generate()",
                make_translator=Seq2SeqTranslator, make_summarizer=make_summarizer)
