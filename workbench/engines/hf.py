"""The transformers engine: seq2seq translators (Marian, M2M100/NLLB, mT5) and summarizers (causal LMs with a chat
template, or seq2seq).

torch and transformers are imported when a model is first used, never at import time. On a GPU the model runs
in bfloat16 (float16 where bf16 is missing) with PyTorch's cuDNN attention switched off (it is slow whenever
shapes are new, which is every decoding step of every new batch), and batches are sized by a token budget.
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any

from ..errors import ModelNotAvailable, WorkbenchError
from ..settings import cudnn_attention, hub_offline
from .base import (
    Confidence,
    Counters,
    EngineSummarizer,
    EngineTranslator,
    Generated,
    ModelInfo,
    Prompt,
    Scored,
    Summarizer,
    SummaryOptions,
    TranslationOptions,
    batches,
    length_cap,
    output_settings,
    piece_text,
    token_budget,
)
from .locate import Located, locate
from .processors import no_repeat_ngram
from .registry import Engine
from .threads import model_work, set_torch_threads

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
    if device != "cpu" and not device.startswith("cuda"):
        raise WorkbenchError(f"--device {device}: use auto, cpu, cuda or cuda:N")
    return device


def dtype_for(device: str) -> Any:
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def prepare_device(device: str) -> None:
    """Per-device settings: torch's thread count on the CPU; on CUDA, no cuDNN attention (slow on new shapes)."""
    import torch

    set_torch_threads()
    if device.startswith("cuda") and not cudnn_attention():  # WORKBENCH_CUDNN_ATTENTION=1: measure it on
        torch.backends.cuda.enable_cudnn_sdp(False)


def _load(located: Located, task: str, profile: str | None, kind: str, device: str) -> tuple[Any, Any, Any]:
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    prepare_device(device)
    local_only = located.local or hub_offline()
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
                              licence=self.located.licence, meaningless=spec.startswith("tiny:"), engine="transformers")
        self.counters = Counters()
        self._loaded: tuple[Any, Any, Any] | None = None

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
    def loaded(self) -> bool:
        return self._loaded is not None


def target_language(tokenizer: Any, family: str, model_id: str, source: str, target: str) -> tuple[str, str | None]:
    """How a multilingual model is told the languages: (a source prefix such as ">>rus<< ", the target language
    token that must start the output, e.g. "__en__" or "eng_Latn"). Sets the tokenizer's source language."""
    vocab = tokenizer.get_vocab()
    if family == "marian":
        codes = sorted(t for t in vocab if re.fullmatch(r">>\w+<<", t))
        if not codes:
            return "", None
        wanted = [f">>{c}<<" for c in MARIAN_CODES.get(target, [target])]
        found = [c for c in wanted if c in vocab]
        if not found:
            raise WorkbenchError(f"model {model_id} has no target token for {target!r} (it has {', '.join(codes[:12])})")
        return found[0] + " ", None
    if family in ("m2m_100", "nllb_moe"):
        lang_codes = NLLB_CODES if "arb_Arab" in vocab or "__arb_Arab__" in vocab else M2M_CODES
        tokenizer.src_lang = lang_codes[source]
        if hasattr(tokenizer, "get_lang_token"):
            return "", str(tokenizer.get_lang_token(lang_codes[target]))
        return "", lang_codes[target]
    return "", None


SCORE_ELEMENTS = {"cpu": 1 << 26, "cuda": 1 << 30}  # logits per scoring pass (positions × vocabulary), in float32


def seq2seq_logprobs(model: Any, enc: dict[str, Any], out: Any, pad: int, skip: int = 0) -> list[list[tuple[int, float]]]:
    """Teacher-forced log-probabilities of generated sequences `out` (decoder start token first): per row, the
    (token id, log-probability) of every output token up to and including the end of sentence, after `skip`
    forced tokens (a language token). One model pass, in slices of rows to bound the logits' memory."""
    import torch

    labels = out[:, 1:]
    budget = SCORE_ELEMENTS["cuda" if out.device.type == "cuda" else "cpu"]
    rows = max(1, budget // max(1, labels.shape[1] * model.config.vocab_size))
    result: list[list[tuple[int, float]]] = []
    for start in range(0, out.shape[0], rows):
        part = slice(start, start + rows)
        logits = model(input_ids=enc["input_ids"][part], attention_mask=enc["attention_mask"][part],
                       decoder_input_ids=out[part, :-1]).logits
        logprobs = logits.log_softmax(-1, dtype=torch.float32).gather(-1, labels[part].unsqueeze(-1)).squeeze(-1)
        keep = labels[part] != pad
        keep[:, :skip] = False
        for ids, lps, mask in zip(labels[part].tolist(), logprobs.tolist(), keep.tolist(), strict=True):
            result.append([(i, lp) for i, lp, m in zip(ids, lps, mask, strict=True) if m])
    return result


def confidence(tokenizer: Any, scored: list[tuple[int, float]]) -> Confidence | None:
    return Confidence.of(list(tokenizer.convert_ids_to_tokens([i for i, _ in scored])), [lp for _, lp in scored],
                         piece_text(tokenizer))


class Seq2SeqTranslator(_HFModel, EngineTranslator):
    """Sentence translation with any seq2seq checkpoint: Marian (incl. multi-target), M2M100, NLLB, mT5."""

    def __init__(self, spec: str, source: str, target: str, options: TranslationOptions | None = None, **kw: Any):
        self.source, self.target = source, target
        self.options = options or TranslationOptions()
        super().__init__(spec, f"{source}→{target} translation", **kw)
        self.prefix = ""
        self.forced_bos: int | None = None
        self.fixed_length: int | None = None  # benchmarks: every output exactly this many tokens
        self.generate_kwargs: dict[str, Any] = {}  # extra generate() arguments (experiments)

    def _after_load(self) -> None:
        tokenizer, model, _ = self._loaded  # type: ignore[misc]
        self.prefix, lang_token = target_language(tokenizer, model.config.model_type, self.info.id, self.source, self.target)
        if lang_token is not None:
            self.forced_bos = int(tokenizer.convert_tokens_to_ids(lang_token))

    def settings(self) -> dict[str, Any]:
        out = output_settings(self.options)
        out["target_prefix"] = self.prefix.strip() or None
        out["forced_bos_token_id"] = self.forced_bos
        return out

    def generate(self, texts: list[str]) -> Generated:
        tokenizer, model, _ = self.load()
        import torch
        from transformers import LogitsProcessorList

        tokens = 0
        encoded = tokenizer([self.prefix + t for t in texts], truncation=True, max_length=512)["input_ids"]
        results: list[Scored] = [("", None)] * len(texts)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        with model_work, torch.inference_mode():
            for idx in batches([len(ids) for ids in encoded], self.options, token_budget(self.options, self.info.device or "cpu")):
                enc = tokenizer.pad({"input_ids": [encoded[i] for i in idx]}, return_tensors="pt")
                enc = {k: v.to(model.device) for k, v in enc.items()}
                cap = length_cap(max(len(encoded[i]) for i in idx), self.options)
                gen: dict[str, Any] = dict(
                    num_beams=self.options.num_beams, max_length=cap + 1,  # decoder tokens incl. the start token
                    renormalize_logits=self.options.renormalize_logits,
                )
                if self.options.no_repeat_ngram_size:  # transformers' rule, computed on the device
                    gen["logits_processor"] = LogitsProcessorList([no_repeat_ngram(self.options.no_repeat_ngram_size)])
                if self.forced_bos is not None:
                    gen["forced_bos_token_id"] = self.forced_bos
                if self.fixed_length:
                    gen.update(max_length=None, min_new_tokens=self.fixed_length, max_new_tokens=self.fixed_length)
                out = model.generate(**enc, **gen, **self.generate_kwargs)
                tokens += int((out[:, 1:] != pad).sum())
                scores = (seq2seq_logprobs(model, enc, out, pad, skip=1 if self.forced_bos is not None else 0)
                          if self.options.confidence else [[] for _ in idx])
                if self.forced_bos is not None:  # the language token is not text (transformers 5 no longer drops it)
                    out = out[:, 2:]
                texts_out = tokenizer.batch_decode(out, skip_special_tokens=True)
                for i, text, scored in zip(idx, texts_out, scores, strict=True):
                    results[i] = (text.strip(), confidence(tokenizer, scored))
        return Generated(results, tokens)


def chat_prompt_ids(tokenizer: Any, prompt: Prompt, max_input_tokens: int) -> list[int]:
    """The token ids of a chat prompt (system + user, then the assistant's turn), refused when too long."""
    messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    if len(ids) > max_input_tokens:
        raise WorkbenchError(f"prompt has {len(ids)} tokens, more than max_input_tokens={max_input_tokens}")
    return list(ids)


class CausalSummarizer(_HFModel, EngineSummarizer):
    """Summaries from an instruction-tuned causal LM (Qwen2.5-Instruct and alike) via its chat template."""

    kind = "causal"

    def settings(self) -> dict[str, Any]:
        return output_settings(self.options)

    def __init__(self, spec: str, options: SummaryOptions | None = None, **kw: Any):
        self.options = options or SummaryOptions()
        super().__init__(spec, "summaries", **kw)
        self.fixed_length: int | None = None  # benchmarks: exactly this many new tokens

    def generate_summary(self, prompt: Prompt) -> Generated:
        tokenizer, model, _ = self.load()
        import torch

        ids = chat_prompt_ids(tokenizer, prompt, self.options.max_input_tokens)
        input_ids = torch.tensor([ids], device=model.device)
        gen: dict[str, Any] = dict(max_new_tokens=self.options.max_new_tokens, num_beams=self.options.num_beams,
                                   do_sample=self.options.do_sample, repetition_penalty=self.options.repetition_penalty)
        if self.options.no_repeat_ngram_size:
            gen["no_repeat_ngram_size"] = self.options.no_repeat_ngram_size
        if tokenizer.pad_token_id is not None:
            gen["pad_token_id"] = tokenizer.pad_token_id
        if self.fixed_length:
            gen.update(min_new_tokens=self.fixed_length, max_new_tokens=self.fixed_length)
        with model_work, torch.inference_mode():
            out = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), output_scores=True,
                                 return_dict_in_generate=True, **gen)
        new = out.sequences[0, input_ids.shape[1]:]
        # each step's scores as the decoder chose from them (after the repetition penalty, as CTranslate2 reports)
        logprobs = [float(step[0].float().log_softmax(-1)[int(tok)]) for step, tok in zip(out.scores, new, strict=True)]
        scored = list(zip(new.tolist(), logprobs, strict=True))
        text = str(tokenizer.decode(new, skip_special_tokens=True)).strip()
        return Generated([(text, confidence(tokenizer, scored))], int(new.shape[0]))


class Seq2SeqSummarizer(_HFModel, EngineSummarizer):
    """Summaries from a seq2seq summarizer (mT5 XL-Sum, BART): the prompt's input text goes in as is."""

    def __init__(self, spec: str, options: SummaryOptions | None = None, **kw: Any):
        self.options = options or SummaryOptions(max_new_tokens=84, num_beams=4, no_repeat_ngram_size=2,
                                                 repetition_penalty=1.0, max_input_tokens=512)
        super().__init__(spec, "summaries", **kw)

    def generate_summary(self, prompt: Prompt) -> Generated:
        tokenizer, model, _ = self.load()
        import torch

        enc = tokenizer([prompt.input_text], return_tensors="pt", truncation=True, max_length=self.options.max_input_tokens)
        enc = {k: v.to(model.device) for k, v in enc.items()}
        with model_work, torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=self.options.max_new_tokens, num_beams=self.options.num_beams,
                                 no_repeat_ngram_size=self.options.no_repeat_ngram_size or None)
            pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else -1
            scored = seq2seq_logprobs(model, enc, out, pad)[0]
        text = str(tokenizer.decode(out[0], skip_special_tokens=True)).strip()
        return Generated([(text, confidence(tokenizer, scored))], int(out.shape[1]))


def is_encoder_decoder(located: Located) -> bool:
    config_file = os.path.join(located.path, "config.json")
    if not os.path.exists(config_file):
        return False
    with open(config_file, encoding="utf-8") as fh:
        return bool(json.load(fh).get("is_encoder_decoder"))


def make_summarizer(spec: str, **kw: Any) -> Summarizer:
    """A causal-LM summarizer unless the model's config says it is an encoder-decoder."""
    located = locate(spec, "summaries", home=kw.get("home"), profile=kw.get("profile"))
    cls = Seq2SeqSummarizer if is_encoder_decoder(located) else CausalSummarizer
    return cls(spec, located=located, **kw)


ENGINE = Engine("transformers", "Hugging Face transformers, model classes with generate()",
                make_translator=Seq2SeqTranslator, make_summarizer=make_summarizer)
