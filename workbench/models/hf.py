"""The transformers engine: seq2seq translators (Marian, M2M100/NLLB, mT5) and summarizers (causal LMs with a chat
template, or seq2seq).

torch and transformers are imported when a model is first used, never at import time. On a GPU the model runs
in bfloat16 (float16 where bf16 is missing) with PyTorch's cuDNN attention switched off (it is slow whenever
shapes are new, which is every decoding step of every new batch), and batches are sized by a token budget. On
a CPU it runs in float32, or in bfloat16 where `choice.compute` finds that fastest for the stage (AMX CPUs).

Confidence comes from the decoding itself (`processors.StepLogprobs` keeps the log-probability of each chosen
token, in greedy and beam search); only outputs cut at the length cap are scored again teacher-forced.
Summaries are made in batches of prompts of similar length (left-padded), with the same output as one at a time.
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
    Located,
    ModelInfo,
    Prompt,
    Scored,
    Summarizer,
    SummaryOptions,
    TranslationOptions,
    batches,
    length_cap,
    model_work,
    output_settings,
    piece_text,
    summary_groups,
    token_budget,
)
from .processors import StepLogprobs, no_repeat_ngram, prompt_repetition_penalty
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
    if device != "cpu" and not device.startswith("cuda"):
        raise WorkbenchError(f"--device {device}: use auto, cpu, cuda or cuda:N")
    index = device.partition(":")[2]
    if index and int(index) >= torch.cuda.device_count():
        raise WorkbenchError(f"--device {device}: this machine has {torch.cuda.device_count()} CUDA GPU(s)")
    return device


TORCH_TYPES = ("float32", "bfloat16", "float16")


def dtype_for(device: str, name: str = "float32") -> Any:
    """The torch dtype: on a GPU bfloat16 (float16 where it is missing); on a CPU the named one."""
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return getattr(torch, name)


def fixed_compute(device: str, requested: str, tiny: bool) -> str | None:
    """The number format without measuring: on a GPU bfloat16 (float16 where it is missing); on a CPU the option
    when it names a torch type, float32 for the tiny test models (the same output on every machine); else None:
    the fastest measured here decides (`choice.compute`)."""
    device = resolve_device(device)
    if device.startswith("cuda"):
        return str(dtype_for(device)).replace("torch.", "")
    if requested in TORCH_TYPES:
        return requested
    return "float32" if tiny else None


def prepare_device(device: str, threads: int) -> None:
    """Per-device settings: torch's thread count on the CPU; on CUDA, no cuDNN attention (slow on new shapes)."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    if device.startswith("cuda") and not cudnn_attention():  # WORKBENCH_CUDNN_ATTENTION=1: measure it on
        torch.backends.cuda.enable_cudnn_sdp(False)


def _load(located: Located, task: str, kind: str, device: str, threads: int,
          dtype: Any = None) -> tuple[Any, Any, Any]:
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    prepare_device(device, threads)
    local_only = located.local or hub_offline()
    loader = AutoModelForCausalLM if kind == "causal" else AutoModelForSeq2SeqLM
    try:
        with _LOAD_LOCK:
            tokenizer = AutoTokenizer.from_pretrained(located.path, local_files_only=local_only)
            model = loader.from_pretrained(located.path, local_files_only=local_only, dtype=dtype or dtype_for(device))
    except (OSError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise ModelNotAvailable(located.model_id, task, located.profile, detail) from exc
    model = model.to(device)  # type: ignore[arg-type]  # transformers types .to() for tensors only
    model.eval()
    return tokenizer, model, model.generation_config


class _HFModel:
    """Shared lazy loading for the transformers-backed models."""

    kind = "seq2seq"
    stage = "translation"  # which stage's compute choice applies (choice.compute)
    options: Any

    def __init__(self, located: Located, task: str, *, compute_type: str, threads: int, device: str = "auto"):
        self.task = task
        self.threads = threads
        self._device_request = device
        self.located = located
        self.compute_type = compute_type  # the number format choice resolved (part of the cache key)
        self.info = ModelInfo(id=located.model_id, path=located.path, revision=located.revision,
                              licence=located.licence, meaningless=located.tiny, engine="transformers")
        self.counters = Counters()
        self._loaded: tuple[Any, Any, Any] | None = None

    def compute_settings(self, out: dict[str, Any]) -> dict[str, Any]:
        """Outputs in another number format than float32 differ slightly: they get their own cache entries."""
        if self.compute_type != "float32":
            out["compute_type"] = self.compute_type
        return out

    def load(self) -> tuple[Any, Any, Any]:
        if self._loaded is None:
            device = resolve_device(self._device_request)
            self._loaded = _load(self.located, self.task, self.kind, device, self.threads, dtype_for(device, self.compute_type))
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

    def __init__(self, located: Located, source: str, target: str, options: TranslationOptions | None = None, **kw: Any):
        self.source, self.target = source, target
        self.options = options or TranslationOptions()
        super().__init__(located, f"{source}→{target} translation", **kw)
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
        return self.compute_settings(out)

    def _generate_kwargs(self, cap: int, recorder: StepLogprobs | None) -> dict[str, Any]:
        from transformers import LogitsProcessorList

        processors = []
        if self.options.no_repeat_ngram_size:  # transformers' rule, computed on the device
            processors.append(no_repeat_ngram(self.options.no_repeat_ngram_size))
        if recorder is not None:  # last: it sees the scores the decoder chooses from
            processors.append(recorder.processor())
        gen: dict[str, Any] = dict(num_beams=self.options.num_beams, max_length=cap + 1,  # incl. the start token
                                   renormalize_logits=self.options.renormalize_logits,
                                   logits_processor=LogitsProcessorList(processors))
        if self.forced_bos is not None:
            gen["forced_bos_token_id"] = self.forced_bos
        if self.fixed_length:
            gen.update(max_length=None, min_new_tokens=self.fixed_length, max_new_tokens=self.fixed_length)
        return gen

    def _scores(self, model: Any, enc: dict[str, Any], out: Any, pad: int, cap: int,
                recorder: StepLogprobs | None) -> list[list[tuple[int, float]]]:
        """Per output, (token id, log-probability) of its tokens: from the decoding, or teacher-forced for every
        output (`confidence_detail = "all"`, the numbers of before) and for outputs cut at the length cap."""
        skip = 1 if self.forced_bos is not None else 0
        if not self.options.confidence:
            return [[] for _ in range(out.shape[0])]
        if recorder is None:
            return seq2seq_logprobs(model, enc, out, pad, skip=skip)
        made = recorder.finish(out, 1)
        again = [i for i, s in enumerate(made) if not s or (len(s) >= cap and not self.fixed_length)]
        scored = [s[skip:] for s in made]
        if again:
            rows = {k: v[again] for k, v in enc.items()}
            for i, redone in zip(again, seq2seq_logprobs(model, rows, out[again], pad, skip=skip), strict=True):
                scored[i] = redone
        return scored

    def generate(self, texts: list[str]) -> Generated:
        tokenizer, model, _ = self.load()
        import torch

        tokens = 0
        encoded = tokenizer([self.prefix + t for t in texts], truncation=True, max_length=512)["input_ids"]
        results: list[Scored] = [("", None)] * len(texts)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        decoding = self.options.confidence and self.options.confidence_detail != "all"
        with model_work, torch.inference_mode():
            for idx in batches([len(ids) for ids in encoded], self.options, token_budget(self.options, self.info.device or "cpu")):
                enc = tokenizer.pad({"input_ids": [encoded[i] for i in idx]}, return_tensors="pt")
                enc = {k: v.to(model.device) for k, v in enc.items()}
                cap = length_cap(max(len(encoded[i]) for i in idx), self.options)
                recorder = StepLogprobs(self.options.num_beams, end_ids(model)) if decoding else None
                out = model.generate(**enc, **self._generate_kwargs(cap, recorder), **self.generate_kwargs)
                tokens += int((out[:, 1:] != pad).sum())
                scores = self._scores(model, enc, out, pad, cap, recorder)
                if self.forced_bos is not None:  # the language token is not text (transformers 5 no longer drops it)
                    out = out[:, 2:]
                texts_out = tokenizer.batch_decode(out, skip_special_tokens=True)
                for i, text, scored in zip(idx, texts_out, scores, strict=True):
                    results[i] = (text.strip(), confidence(tokenizer, scored))
        return Generated(results, tokens)

    def score_output(self, text: str, output: str) -> Confidence | None:
        """Teacher-forced: the model's log-probability of each token of `output` (re-tokenized) given `text`."""
        tokenizer, model, _ = self.load()
        import torch

        enc = tokenizer([self.prefix + text], truncation=True, max_length=512, return_tensors="pt")
        labels = tokenizer(text_target=[output], truncation=True, max_length=512)["input_ids"][0]
        start = [int(model.config.decoder_start_token_id)] + ([self.forced_bos] if self.forced_bos is not None else [])
        out = torch.tensor([start + list(labels)], device=model.device)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else -1
        with model_work, torch.inference_mode():
            scored = seq2seq_logprobs(model, {k: v.to(model.device) for k, v in enc.items()}, out, pad,
                                      skip=1 if self.forced_bos is not None else 0)[0]
        return confidence(tokenizer, scored)


def end_ids(model: Any) -> list[int]:
    """The model's end-of-sequence token ids (its generation config's)."""
    ends = model.generation_config.eos_token_id
    ends = ends if isinstance(ends, list) else [ends] if ends is not None else []
    return [int(e) for e in ends]


def chat_prompt_ids(tokenizer: Any, prompt: Prompt, max_input_tokens: int) -> list[int]:
    """The token ids of a chat prompt (system + user, then the assistant's turn), refused when too long."""
    messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    if len(ids) > max_input_tokens:
        raise WorkbenchError(f"prompt has {len(ids)} tokens, more than max_input_tokens={max_input_tokens}")
    return list(ids)


class CausalSummarizer(_HFModel, EngineSummarizer):
    """Summaries from an instruction-tuned causal LM (Qwen2.5-Instruct and alike) via its chat template, made in
    batches of prompts of similar length: left-padded, with an attention mask, and with a repetition penalty that
    skips the padding, so each summary is the one this prompt gets alone (greedy decoding)."""

    kind = "causal"
    stage = "summaries"

    def settings(self) -> dict[str, Any]:
        return self.compute_settings(output_settings(self.options))

    def __init__(self, located: Located, options: SummaryOptions | None = None, **kw: Any):
        self.options = options or SummaryOptions()
        super().__init__(located, "summaries", **kw)
        self.fixed_length: int | None = None  # benchmarks: exactly this many new tokens

    def generate_summary(self, prompt: Prompt) -> Generated:
        return self.generate_summaries([prompt])

    def generate_summaries(self, prompts: list[Prompt]) -> Generated:
        tokenizer, model, _ = self.load()
        ids = [chat_prompt_ids(tokenizer, p, self.options.max_input_tokens) for p in prompts]
        new = self.fixed_length or self.options.max_new_tokens
        results: list[Scored] = [("", None)] * len(prompts)
        tokens = 0
        for group in summary_groups([len(i) for i in ids], new, self.options, self.info.device or "cpu"):
            made = self._batch(tokenizer, model, [ids[i] for i in group])
            for i, out in zip(group, made.outputs, strict=True):
                results[i] = out
            tokens += made.tokens
        return Generated(results, tokens)

    def _batch(self, tokenizer: Any, model: Any, ids: list[list[int]]) -> Generated:
        """One model call for prompts of similar length."""
        import torch
        from transformers import LogitsProcessorList

        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        width = max(len(i) for i in ids)
        padding = [width - len(i) for i in ids]
        input_ids = torch.tensor([[pad] * p + i for p, i in zip(padding, ids, strict=True)], device=model.device)
        mask = torch.tensor([[0] * p + [1] * len(i) for p, i in zip(padding, ids, strict=True)], device=model.device)
        ends = end_ids(model) or [int(tokenizer.eos_token_id)]
        recorder = StepLogprobs(self.options.num_beams, ends)
        processors = [prompt_repetition_penalty(self.options.repetition_penalty, padding)] \
            if self.options.repetition_penalty != 1.0 else []
        gen: dict[str, Any] = dict(max_new_tokens=self.options.max_new_tokens, num_beams=self.options.num_beams,
                                   do_sample=self.options.do_sample, repetition_penalty=1.0, pad_token_id=pad,
                                   logits_processor=LogitsProcessorList([*processors, recorder.processor()]))
        if self.options.no_repeat_ngram_size:
            gen["no_repeat_ngram_size"] = self.options.no_repeat_ngram_size
        if self.fixed_length:
            gen.update(min_new_tokens=self.fixed_length, max_new_tokens=self.fixed_length)
        with model_work, torch.inference_mode():
            if len(ids) > 1 and self.options.num_beams == 1 and min(len(i) for i in ids) > 1:
                gen["cache"] = prefilled(model, ids, width)
            out = model.generate(input_ids=input_ids, attention_mask=mask, **gen)
        # each token's log-probability as the decoder chose it (after the repetition penalty, as CTranslate2 reports)
        outputs: list[Scored] = []
        tokens = 0
        for scored in recorder.finish(out, width):
            text = str(tokenizer.decode([t for t, _ in scored], skip_special_tokens=True)).strip()
            outputs.append((text, confidence(tokenizer, scored)))
            tokens += len(scored)
        return Generated(outputs, tokens)


def prefilled(model: Any, ids: list[list[int]], width: int) -> Any:
    """The KV cache of a left-padded batch, each prompt (all but its last token) read alone: no padding to compute,
    and the causal attention kernel instead of a masked one that holds prompt² scores (a batch then decodes
    together, each row masked where it is padded, as `generate` would have filled it)."""
    import torch
    from transformers import DynamicCache

    # logits for the last position only: the prompt's other logits are never read (the vocabulary projection over
    # every position was 3/4 of a two-layer Qwen2.5-0.5B's prefill, about a quarter of the whole model's)
    parts = [model(input_ids=torch.tensor([row[:-1]], device=model.device), use_cache=True, logits_to_keep=1).cache
             for row in ids]
    cache = DynamicCache(config=model.config)
    for layer in range(len(parts[0].layers)):
        keys, values = [], []
        for part, row in zip(parts, ids, strict=True):
            k, v = part.layers[layer].keys, part.layers[layer].values
            pad = width - len(row)
            keys.append(torch.nn.functional.pad(k, (0, 0, pad, 0)))
            values.append(torch.nn.functional.pad(v, (0, 0, pad, 0)))
        cache.update(torch.cat(keys), torch.cat(values), layer)
    return cache


class Seq2SeqSummarizer(_HFModel, EngineSummarizer):
    """Summaries from a seq2seq summarizer (mT5 XL-Sum, BART): the prompt's input text goes in as is."""

    stage = "summaries"

    def settings(self) -> dict[str, Any]:
        return self.compute_settings(Summarizer.settings(self))

    def __init__(self, located: Located, options: SummaryOptions | None = None, **kw: Any):
        self.options = options or SummaryOptions(max_new_tokens=84, num_beams=4, no_repeat_ngram_size=2,
                                                 repetition_penalty=1.0, max_input_tokens=512)
        super().__init__(located, "summaries", **kw)

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


def make_summarizer(located: Located, **kw: Any) -> Summarizer:
    """A causal-LM summarizer unless the model's config says it is an encoder-decoder."""
    cls = Seq2SeqSummarizer if is_encoder_decoder(located) else CausalSummarizer
    return cls(located, **kw)


ENGINE = Engine("transformers", "Hugging Face transformers, model classes with generate()",
                make_translator=Seq2SeqTranslator, make_summarizer=make_summarizer, fixed_compute=fixed_compute)
