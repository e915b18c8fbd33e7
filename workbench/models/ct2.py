"""The CTranslate2 engine: the same models (Marian, M2M100/NLLB translators; Qwen2-style and other causal LMs for
summaries), converted on first use and run by CTranslate2: int8 on CPU, int8_float16 on CUDA.

The Hugging Face model (hub id, folder or bundle) is converted once and the result cached in
`DATA_HOME/cache/ct2/`, keyed by model id, revision and quantization; a conversion is written into a temporary
folder and renamed into place, so an interrupted one never leaves a broken cache. Tokenization, target-language
tokens, length caps, `no_repeat_ngram_size`, cache keys and provenance are those of the transformers engine.
Where CTranslate2 cannot run (not installed, no CUDA 12 libraries for the GPU, a model it cannot convert),
`EngineUnavailable` says why and "auto" uses transformers. On a CPU, "auto" takes the CTranslate2 type
`choice.compute` finds fastest for the stage here (int8 unless measured otherwise).

Confidence comes from the decoding: the hypothesis score (`return_scores`: the mean token log-probability, end of
sentence included) and, in greedy search, each token's log-probability. The teacher-forced pass (`score_batch`)
runs only where it is needed: outputs cut at the length cap, and, with beams, the least sure words of outputs
below LOW_CONFIDENCE (`confidence_detail = "low"`; "all" scores every output so, as before).
Summaries are made in batches of prompts of equal length or, without a repetition penalty, of lengths within
SPREAD tokens: CTranslate2 reads the prompt tail beyond the batch's shortest prompt one token per step, and counts
those tokens as generated for the repetition penalty, which would make a batch's summaries differ from alone.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import EngineUnavailable
from .base import (
    LOW_CONFIDENCE,
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
from .registry import Engine

MARKER = "workbench-ct2.json"
DEFAULT_COMPUTE = {"cpu": "int8", "cuda": "int8_float16"}


def unavailable(device: str) -> str | None:
    """Why CTranslate2 cannot run on `device` here, or None when it can."""
    try:
        import ctranslate2
    except ImportError:
        return "ctranslate2 is not installed (pip install ctranslate2)"
    if device == "cpu":
        return None
    gpus = ctranslate2.get_cuda_device_count()
    if gpus:
        missing = _missing_cuda_library()
        if missing:
            return f"CTranslate2 cannot use the GPU: {missing} (its wheels need the CUDA 12 libraries)"
    if device.startswith("cuda") and gpus == 0:
        return "CTranslate2 sees no CUDA device it can use (its wheels need the CUDA 12 libraries)"
    if device in ("", "auto") and gpus == 0 and _torch_sees_gpu():
        return "a GPU is here but CTranslate2 cannot use it (its wheels need the CUDA 12 libraries); transformers can"
    return None


def _missing_cuda_library() -> str | None:
    """The driver can be there without the CUDA 12 runtime libraries CTranslate2's wheels load when a model is
    loaded (seen on a CUDA 13 machine: the device is listed, then `libcublas.so.12` is not found)."""
    import ctypes

    for name in ("libcublas.so.12", "libcublasLt.so.12"):
        try:
            ctypes.CDLL(name)
        except OSError:
            return f"{name} is not found"
    return None


def _torch_sees_gpu() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def ct2_device(device: str) -> tuple[str, int]:
    """("cpu" | "cuda", device index) for a workbench device string."""
    import ctranslate2

    if device in ("", "auto"):
        return ("cuda", 0) if ctranslate2.get_cuda_device_count() > 0 else ("cpu", 0)
    if device.startswith("cuda"):
        _, _, index = device.partition(":")
        return "cuda", int(index or 0)
    return "cpu", 0


# padded prompt + new tokens per summary batch on a CPU: CTranslate2 reads a batch's prompts together, at no gain
# per prompt over one alone and with memory for every prompt's attention scores (peak RSS 1.4 GB alone, 2.9 GB for
# four 1,500-token prompts, 8.5 GB for sixteen); the decoding steps are what batching speeds up (issue 31).
# Profiled on the 2-core AMD EPYC with AVX2 (Qwen2.5-0.5B shape, int8, 1,500-token prompts, 120 new tokens, CPU
# seconds): reading 4 prompts took 69.6 s against 16.2 s for one; a decoding step for 4 costs 2.0x one for 1 (each
# prompt's attention over its KV cache weighs as much as the weights), so a summary costs 28 s in a batch of 4
# against 37 s alone (1.33x) and at most about 25 s in any batch; the repetition penalty costs nothing (112 against
# 116 s without), and CT2_USE_MKL=1 (MKL instead of oneDNN on this AMD CPU) was over 4x slower
CPU_SUMMARY_TOKENS = 8192
SPREAD = 8  # prompt tokens a summary batch's longest prompt may have beyond its shortest (no repetition penalty)


def fixed_compute(device: str, requested: str, tiny: bool) -> str | None:
    """The CTranslate2 type without measuring: the option, else the device's default on a GPU and for the tiny
    test models; else None: the fastest CTranslate2 type measured here decides (`choice.compute`)."""
    if requested not in ("", "auto"):
        return requested
    kind = ct2_device(device)[0]
    return DEFAULT_COMPUTE[kind] if kind != "cpu" or tiny else None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def _fix_m2m100_vocabulary() -> None:
    """CTranslate2 4.8 reads an M2M100/NLLB vocabulary through `get_vocab()`, which in transformers 5 leaves out
    the language tokens; read it id by id instead, so every id keeps its token."""
    from ctranslate2.converters import transformers as conv

    base = conv._MODEL_LOADERS.get("M2M100Config")
    if base is None or getattr(base, "workbench_fixed", False):
        return

    class M2M100ById(type(base)):  # type: ignore[misc]
        workbench_fixed = True

        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            tokens: list[str] = []
            for i in range(model.config.vocab_size):
                token = tokenizer.convert_ids_to_tokens(i)
                unknown = not isinstance(token, str) or (token == tokenizer.unk_token and i != tokenizer.unk_token_id)
                tokens.append(f"madeupword{i}" if unknown else token)
            return tokens

    conv._MODEL_LOADERS["M2M100Config"] = M2M100ById()


def stored_as(compute_type: str) -> str:
    """The weights a conversion keeps for `compute_type`: CTranslate2 converts stored weights to the compute type as
    it loads them, so one int8 conversion (int8 weights, float32 for the rest) serves int8, int8_float32,
    int8_float16 and int8_bfloat16 alike, with the same values as a conversion to each (the compute probe, which
    loads each in turn, converts a model once for them all)."""
    return "int8" if compute_type.startswith("int8") else compute_type


def converted(located: Located, quantization: str, root: Path) -> Path:
    """The CTranslate2 conversion of a model, made once and cached (atomically) in `root` (the data home's)."""
    folder = root / f"{_safe(located.model_id)}--{_safe(located.revision or 'unknown')[:40]}--{quantization}"
    if (folder / MARKER).exists():
        return folder
    from ctranslate2.converters import TransformersConverter

    _fix_m2m100_vocabulary()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".converting-", dir=root))
    try:
        TransformersConverter(located.path, low_cpu_mem_usage=True).convert(
            str(staging / "model"), quantization=quantization, force=True)
        for item in (staging / "model").iterdir():
            item.rename(staging / item.name)
        (staging / "model").rmdir()
        (staging / MARKER).write_text(json.dumps({"id": located.model_id, "revision": located.revision,
                                                  "quantization": quantization, "source": located.path}))
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / MARKER).exists():
                raise
            shutil.rmtree(staging, ignore_errors=True)  # another process converted it first
    except (ValueError, NotImplementedError, KeyError, AttributeError, TypeError, RuntimeError) as exc:
        # RuntimeError: Gemma 4 under transformers 5.24 (the converter reads a per-layer head_dim); any model kind
        shutil.rmtree(staging, ignore_errors=True)
        if "out of memory" in str(exc).lower():
            raise  # not a model CTranslate2 cannot convert: a machine that could not hold it while converting
        raise EngineUnavailable(f"CTranslate2 cannot convert {located.model_id}: "
                                f"{(str(exc).splitlines() or [''])[0][:200]}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


class _Ct2Model:
    """Locating, converting and loading, shared by the translator and the summarizer."""

    task = "translation"
    stage = "translation"

    def __init__(self, located: Located, options: Any, *, compute_type: str, threads: int, device: str = "auto",
                 conversions: Path):
        from transformers import AutoTokenizer

        self.options = options
        self.located = located
        self.device, self.device_index = ct2_device(device)
        self.compute_type = compute_type  # as choice resolved it
        config = json.loads((Path(located.path) / "config.json").read_text(encoding="utf-8"))
        self.info = ModelInfo(id=located.model_id, path=located.path, revision=located.revision,
                              licence=located.licence, meaningless=located.tiny, engine="ct2",
                              family=config.get("model_type"), device=self.device if not self.device_index
                              else f"{self.device}:{self.device_index}", dtype=self.compute_type)
        self.counters = Counters()
        self.tokenizer = AutoTokenizer.from_pretrained(self.located.path, local_files_only=True)
        self.folder = converted(self.located, stored_as(self.compute_type), conversions)
        self.threads = threads
        self.fixed_length: int | None = None  # benchmarks: every output exactly this many tokens
        self._model: Any = None  # loaded on first use, like the transformers engine

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _open(self, cls: Any) -> Any:
        try:
            return cls(str(self.folder), device=self.device, device_index=self.device_index,
                       compute_type=self.compute_type, intra_threads=self.threads, inter_threads=1)
        except (RuntimeError, ValueError) as exc:  # e.g. libcublas.so.12 missing, or an unsupported compute type
            raise EngineUnavailable(f"CTranslate2 cannot load {self.info.id} on {self.device}: {str(exc)[:200]}") from exc


class Ct2Translator(_Ct2Model, EngineTranslator):
    """Sentence translation with a converted seq2seq model, batched like the transformers engine."""

    def __init__(self, located: Located, source: str, target: str, options: TranslationOptions | None = None,
                 **kw: Any):
        from .hf import target_language

        self.source, self.target = source, target
        self.task = f"{source}→{target} translation"
        super().__init__(located, options or TranslationOptions(), **kw)
        if self.info.family not in ("marian", "m2m_100", "nllb_moe", "bart", "mbart", "t5", "mt5"):
            raise EngineUnavailable(f"CTranslate2 has no translator for model type {self.info.family!r}")
        self.prefix, self.lang_token = target_language(self.tokenizer, self.info.family or "", self.info.id, source, target)
        # the converted model's own token → id table: the same ids as the Hugging Face model's
        vocab_file = next(f for f in ("target_vocabulary.json", "shared_vocabulary.json") if (self.folder / f).exists())
        self.target_ids = {t: i for i, t in enumerate(json.loads((self.folder / vocab_file).read_text(encoding="utf-8")))}
        self.unk_id = int(self.tokenizer.unk_token_id or 0)
        # transformers forces EOS as the last token within the cap; CTranslate2 has no such rule
        self.cap_offset = 1 if self._forced_eos() else 0

    def _forced_eos(self) -> bool:
        for name in ("generation_config.json", "config.json"):
            path = Path(self.located.path) / name
            if path.exists() and json.loads(path.read_text(encoding="utf-8")).get("forced_eos_token_id") is not None:
                return True
        return False

    def settings(self) -> dict[str, Any]:
        """The same settings as the transformers engine, so both share cache keys for the same model."""
        out = output_settings(self.options)
        out["target_prefix"] = self.prefix.strip() or None
        out["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(self.lang_token) if self.lang_token else None
        if self.compute_type != "float32":
            out["compute_type"] = self.compute_type  # quantized output differs slightly: its own cache entries
        return out

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        ids = self.tokenizer([self.prefix + t for t in texts], truncation=True, max_length=512)["input_ids"]
        return [list(self.tokenizer.convert_ids_to_tokens(i)) for i in ids]

    def generate(self, texts: list[str]) -> Generated:
        tokens = self.tokenize(texts)
        made = 0
        results: list[Scored] = [("", None)] * len(texts)
        budget = token_budget(self.options, self.device)
        with model_work:
            for idx in batches([len(t) for t in tokens], self.options, budget):
                source = [tokens[i] for i in idx]
                decoded = self.translate_tokens(source)
                outputs = [d.tokens for d in decoded]
                scores = self.confidences(source, decoded)
                for i, hyp, conf in zip(idx, outputs, scores, strict=True):
                    made += len(hyp) + (1 if self.lang_token else 0)
                    ids = [self.target_ids.get(t, self.unk_id) for t in hyp]
                    results[i] = (str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip(), conf)
        return Generated(results, made)

    @property
    def translator(self) -> Any:
        """The loaded `ctranslate2.Translator` (loaded on first use)."""
        if self._model is None:
            import ctranslate2

            self._model = self._open(ctranslate2.Translator)
        return self._model

    def translate_tokens(self, batch: list[list[str]]) -> list[Decoded]:
        """One batch of tokenized sentences through CTranslate2, with the transformers engine's length cap; each
        output's tokens (language token and end of sentence left out), whether it ended by itself, its score and,
        in greedy search, each token's log-probability."""
        cap = max(1, length_cap(max(len(t) for t in batch), self.options) - self.cap_offset)
        extra: dict[str, Any] = {}
        if self.fixed_length:
            cap = self.fixed_length
            extra["min_decoding_length"] = cap
        steps: list[list[tuple[str, float]]] = [[] for _ in batch]
        greedy = self.options.confidence and self.options.num_beams == 1 and self.options.confidence_detail != "all"
        if greedy:
            extra["callback"] = lambda step: _record(steps[step.batch_id], step)
        results = self.translator.translate_batch(
            batch, target_prefix=[[self.lang_token]] * len(batch) if self.lang_token else None,
            beam_size=self.options.num_beams, max_decoding_length=cap,
            no_repeat_ngram_size=self.options.no_repeat_ngram_size, return_scores=True, return_end_token=True, **extra)
        out = []
        for r, step in zip(results, steps, strict=True):
            hyp = r.hypotheses[0]
            if self.lang_token and hyp[:1] == [self.lang_token]:
                hyp = hyp[1:]
            if self.lang_token and step[:1] and step[0][0] == self.lang_token:
                step = step[1:]
            ended = hyp[-1:] == ["</s>"]
            out.append(Decoded(hyp[:-1] if ended else hyp, ended, float(r.scores[0]), step))
        return out

    def confidences(self, source: list[list[str]], decoded: list[Decoded]) -> list[Confidence | None]:
        """Each output's confidence from its decoding; teacher-forced (`score_tokens`) for outputs cut at the cap,
        for every output with `confidence_detail = "all"`, and with beams for the least sure words of outputs
        below LOW_CONFIDENCE (`"low"`)."""
        if not self.options.confidence:
            return [None] * len(decoded)
        detail = self.options.confidence_detail
        low = math.log(LOW_CONFIDENCE)
        again = [i for i, d in enumerate(decoded) if detail == "all" or (not d.ended and not self.fixed_length)
                 or (detail == "low" and not d.steps and d.score < low)]
        out: list[Confidence | None] = []
        for d in decoded:
            if d.steps:
                out.append(Confidence.of([t for t, _ in d.steps], [lp for _, lp in d.steps], piece_text(self.tokenizer)))
            else:
                count = len(d.tokens) + int(d.ended)  # CTranslate2's score counts the language token too, at 0
                prefix = 1 if self.lang_token else 0
                out.append(Confidence(d.score * (count + prefix) / count, count) if count else None)
        if again:
            redone = self.score_tokens([source[i] for i in again], [decoded[i].tokens for i in again])
            for i, conf in zip(again, redone, strict=True):
                out[i] = conf
        return out

    def score_tokens(self, source: list[list[str]], outputs: list[list[str]]) -> list[Confidence | None]:
        """The model's teacher-forced log-probability of each output token (end of sentence included; the forced
        language token left out), as the transformers engine computes it."""
        prefix = [self.lang_token] if self.lang_token else []
        results = self.translator.score_batch(source, [prefix + hyp for hyp in outputs], offset=len(prefix),
                                              max_input_length=0)
        return [Confidence.of(list(r.tokens), list(r.log_probs), piece_text(self.tokenizer)) for r in results]  # offset leaves out the prefix

    def score_output(self, text: str, output: str) -> Confidence | None:
        """Teacher-forced, with its least sure words: `output` (re-tokenized) as the translation of `text`."""
        ids = self.tokenizer(text_target=[output], truncation=True, max_length=512)["input_ids"][0]
        hyp = [t for t in self.tokenizer.convert_ids_to_tokens(ids) if t != "</s>"]
        with model_work:
            return self.score_tokens(self.tokenize([text]), [hyp])[0]


@dataclass
class Decoded:
    """One output of `translate_tokens`."""

    tokens: list[str]
    ended: bool  # it chose its end of sentence (not cut at the length cap)
    score: float  # the mean log-probability of its tokens, end of sentence included
    steps: list[tuple[str, float]]  # greedy: (token, log-probability) of each, end of sentence included


class Ct2Summarizer(_Ct2Model, EngineSummarizer):
    """Summaries from a converted causal LM (Qwen2.5-Instruct and alike) with its chat template."""

    task = "summaries"
    stage = "summaries"

    def __init__(self, located: Located, options: SummaryOptions | None = None, **kw: Any):
        super().__init__(located, options or SummaryOptions(), **kw)
        self.end_ids = self._end_ids()

    @property
    def generator(self) -> Any:
        """The loaded `ctranslate2.Generator` (loaded on first use)."""
        if self._model is None:
            import ctranslate2

            self._model = self._open(ctranslate2.Generator)
        return self._model

    def settings(self) -> dict[str, Any]:
        out = output_settings(self.options)
        if self.compute_type != "float32":
            out["compute_type"] = self.compute_type
        if self.options.repetition_penalty != 1.0:  # CTranslate2 penalises generated tokens only, not the prompt
            out["repetition_penalty_scope"] = "generated"
        return out

    def _end_ids(self) -> list[int]:
        path = Path(self.located.path) / "generation_config.json"
        ends = json.loads(path.read_text(encoding="utf-8")).get("eos_token_id") if path.exists() else None
        ends = ends if isinstance(ends, list) else [ends] if ends is not None else []
        return [int(e) for e in ends] or [int(self.tokenizer.eos_token_id)]

    def generate_summary(self, prompt: Prompt) -> Generated:
        return self.generate_summaries([prompt])

    def generate_summaries(self, prompts: list[Prompt]) -> Generated:
        """Summaries in batches of prompts of equal length (within SPREAD tokens when neither a repetition penalty
        nor an n-gram ban would see the prompt tail CTranslate2 decodes step by step), each as made alone."""
        tokens = self._prompt_tokens(prompts)
        length = self.fixed_length or self.options.max_new_tokens
        results: list[Scored] = [("", None)] * len(prompts)
        made = 0
        for group in self._groups(tokens):
            for i, (scored, count) in zip(group, self._batch([tokens[i] for i in group], length), strict=True):
                results[i] = scored
                made += count
        return Generated(results, made)

    def batch_groups(self, prompts: list[Prompt]) -> list[list[int]]:
        """The indexes of `prompts` each model call takes (for `workbench bench`)."""
        return self._groups(self._prompt_tokens(prompts))

    def _prompt_tokens(self, prompts: list[Prompt]) -> list[list[str]]:
        from .hf import chat_prompt_ids

        return [list(self.tokenizer.convert_ids_to_tokens(chat_prompt_ids(self.tokenizer, p, self.options.max_input_tokens)))
                for p in prompts]

    def _groups(self, tokens: list[list[str]]) -> list[list[int]]:
        exact = self.options.repetition_penalty != 1.0 or self.options.no_repeat_ngram_size > 0
        length = self.fixed_length or self.options.max_new_tokens
        options = self.options
        if not options.batch_tokens and self.device == "cpu":
            options = replace(options, batch_tokens=CPU_SUMMARY_TOKENS)
        return summary_groups([len(t) for t in tokens], length, options, self.device, 0 if exact else SPREAD)

    def _batch(self, batch: list[list[str]], length: int) -> list[tuple[Scored, int]]:
        steps: list[list[tuple[str, float]]] = [[] for _ in batch]  # (token, log-probability) of each step, per prompt
        with model_work:
            results = self.generator.generate_batch(
                batch, max_length=length, min_length=self.fixed_length or 0, beam_size=self.options.num_beams,
                repetition_penalty=self.options.repetition_penalty, no_repeat_ngram_size=self.options.no_repeat_ngram_size,
                sampling_topk=1, end_token=self.end_ids, include_prompt_in_result=False, return_end_token=True, return_scores=True,
                callback=lambda step: _record(steps[step.batch_id], step))
        out: list[tuple[Scored, int]] = []
        for result, step in zip(results, steps, strict=True):
            ids = [i for i in result.sequences_ids[0] if i not in self.end_ids]
            text = str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()
            conf = (Confidence.of([t for t, _ in step], [lp for _, lp in step], piece_text(self.tokenizer)) if step
                    else Confidence(float(result.scores[0]), len(result.sequences_ids[0])) if result.sequences_ids[0] else None)
            out.append(((text, conf), len(ids)))
        return out


def _record(steps: list[tuple[str, float]], step: Any) -> bool:
    """A generation callback keeping each step's token and log-probability; False: go on decoding."""
    steps.append((step.token, step.log_prob))
    return False


def make_summarizer(located: Located, **kw: Any) -> Summarizer:
    """A causal-LM summarizer; encoder-decoder summarizers (mT5 XL-Sum) stay with transformers."""
    from .hf import is_encoder_decoder

    if is_encoder_decoder(located):
        raise EngineUnavailable("the CTranslate2 engine summarizes with causal LMs only; this model is an encoder-decoder")
    return Ct2Summarizer(located, **kw)


ENGINE = Engine("ct2", "CTranslate2: int8 on CPU, int8_float16 on CUDA, converted on first use",
                make_translator=Ct2Translator, make_summarizer=make_summarizer, unavailable=unavailable,
                fixed_compute=fixed_compute, converts=True)


