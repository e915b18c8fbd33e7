"""The model interface: option objects, what provenance records about a model, and the two capabilities
(translate a batch of sentences, write a summary from a prompt).

An engine's models subclass `EngineTranslator` and `EngineSummarizer`: they only generate (`generate`,
`generate_summary`, each returning its outputs and the tokens it made); the counters and the trace of every call
are kept here, once. Nothing here imports torch, transformers or ctranslate2: engines load them when a model is
first used.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeVar

from ..errors import WorkbenchError

TINY_PREFIX = "tiny:"
OptionsT = TypeVar("OptionsT", bound="Options")
# One model call at a time per process: a server's concurrent requests queue here instead of each spinning up
# every core (saves and reads never wait on it).
model_work = threading.RLock()


@dataclass(frozen=True)
class Located:
    """A model as `choice.locate` resolved it before any engine is built: its files and what provenance records.
    `profile` is the one a pull hint names if the files then fail to load."""

    model_id: str
    path: str  # a local folder, or the hub id when transformers should fetch it
    revision: str | None
    licence: str
    local: bool
    profile: str | None = None

    @property
    def tiny(self) -> bool:
        """A tiny random-weight test model: its outputs are meaningless."""
        return self.model_id.startswith(TINY_PREFIX)


@dataclass(frozen=True)
class Options:
    """Base for typed option objects: unknown keys and values of the wrong type are errors, not ignored."""

    @classmethod
    def from_dict(cls: type[OptionsT], values: dict[str, Any] | None, where: str = "") -> OptionsT:
        values = dict(values or {})
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(fields))
        prefix = f"{where}: " if where else ""
        if unknown:
            import difflib

            hints = [f"{k} (did you mean {m[0]}?)" if (m := difflib.get_close_matches(k, list(fields), 1)) else k
                     for k in unknown]
            raise WorkbenchError(f"{prefix}unknown {cls.__name__} option(s): {', '.join(hints)};"
                                 f" known: {', '.join(sorted(fields))}")
        defaults = cls()
        for key, value in values.items():
            expected = type(getattr(defaults, key))
            ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                values[key] = float(value)
                ok = True
            if not ok:
                raise WorkbenchError(f"{prefix}option {key} must be {expected.__name__}, got {value!r}")
            if expected in (int, float) and values[key] < 0:
                raise WorkbenchError(f"{prefix}option {key} must not be negative, got {value!r}")
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
    batch_size: int = 16  # sentences per batch on CPU; on a GPU batches are sized by `batch_tokens`
    batch_tokens: int = 0  # 0: chosen for the device (see models.hf.token_budget)
    sort_by_length: bool = True  # batches of similar length waste less padding
    articles_per_batch: int = 1  # a batch run's articles translated together: their chunks share model calls
    renormalize_logits: bool = True
    compute_type: str = "auto"  # auto (choice.compute: the fastest measured or known here), float32, int8, bfloat16 …
    confidence: bool = True  # score each output, from the decoding itself (see Confidence)
    confidence_detail: str = "low"  # least sure words in the run: low (outputs below LOW_CONFIDENCE), all, none

    def __post_init__(self) -> None:
        if self.num_beams < 1:
            raise WorkbenchError(f"option num_beams must be at least 1, got {self.num_beams}")
        if self.articles_per_batch < 1:
            raise WorkbenchError(f"option articles_per_batch must be at least 1, got {self.articles_per_batch}")
        if self.confidence_detail not in DETAILS:
            raise WorkbenchError(f"option confidence_detail must be one of {', '.join(DETAILS)}, got {self.confidence_detail!r}")


@dataclass(frozen=True)
class SummaryOptions(Options):
    max_new_tokens: int = 220
    num_beams: int = 1
    do_sample: bool = False
    repetition_penalty: float = 1.1
    no_repeat_ngram_size: int = 0
    max_input_tokens: int = 6000
    compute_type: str = "auto"  # as for translation
    batch_size: int = 16  # prompts per model call at most (summaries of many article-languages at once)
    batch_tokens: int = 0  # padded prompt + new tokens per call at most; 0: chosen for the device (SUMMARY_TOKENS)


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
    engine: str | None = None
    meaningless: bool = False  # random-weight tiny models

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


LOW_CONFIDENCE = 0.5  # below this geometric-mean token probability an output is marked "low confidence"
DETAILS = ("low", "all", "none")
# How far the confidence taken from the decoding may be from the teacher-forced value of the same output (mean
# log-probability per token; tests/test_confidence_decoding.py checks it on the tiny models of both engines). The decoder
# chose each token after its bans (repeated n-grams, the pad token) and renormalised, so its probabilities are a
# little higher; outputs cut at the length cap (no end of sentence chosen) are scored teacher-forced, as before.
DECODING_TOLERANCE = 0.01
CONFIDENCE_METHOD = ("geometric mean of the model's probabilities for the tokens of its own output "
                     "(one teacher-forced pass over the chosen output, end of sentence included)")


@dataclass(frozen=True)
class Confidence:
    """The model's own confidence in one output: its mean token log-probability and its least sure tokens."""

    mean_logprob: float
    tokens: int
    low: tuple[tuple[str, float], ...] = ()  # (token, log-probability), least confident first; () = not computed

    @property
    def is_low(self) -> bool:
        return self.score < LOW_CONFIDENCE

    @property
    def score(self) -> float:
        """exp(mean log-probability): the geometric-mean token probability, 0..1 (1 = certain of every token)."""
        return math.exp(self.mean_logprob)

    def to_dict(self) -> dict[str, Any]:
        mean = round(self.mean_logprob, 6)  # the score follows from the stored mean, so a record read back is equal
        return {"score": float(f"{math.exp(mean):.6g}"), "mean_logprob": mean, "tokens": self.tokens,
                "low_tokens": [{"token": t, "logprob": round(lp, 3)} for t, lp in self.low]}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Confidence | None:
        if not data:
            return None
        return cls(float(data["mean_logprob"]), int(data["tokens"]),
                   tuple((d["token"], float(d["logprob"])) for d in data.get("low_tokens", [])))

    @classmethod
    def of(cls, tokens: list[str], logprobs: list[float], readable: Callable[[str], str] | None = None,
           lowest: int = 3) -> Confidence | None:
        """From per-token log-probabilities (None for an empty output); `readable` turns a vocabulary piece
        (say "ĠØ§ÙĦ" or "▁word") into the text it stands for."""
        if not logprobs:
            return None
        low = sorted(zip(tokens, logprobs, strict=True), key=lambda p: p[1])[:lowest]
        show = readable or (lambda t: t)
        return cls(sum(logprobs) / len(logprobs), len(logprobs), tuple((show(t), float(lp)) for t, lp in low))


def piece_text(tokenizer: Any) -> Callable[[str], str]:
    """A tokenizer's vocabulary piece as text ("</s>" stays as it is)."""

    def show(token: str | None) -> str:
        if token is None:  # an id the model has but its tokenizer does not (padded vocabularies)
            return "<unknown>"
        if token in tokenizer.all_special_tokens:
            return token
        try:
            return str(tokenizer.convert_tokens_to_string([token])).strip() or token
        except (TypeError, ValueError, KeyError):
            return token

    return show


Scored = tuple[str, "Confidence | None"]


@dataclass
class Counters:
    """What a model did in this process: calls, texts translated, tokens generated, seconds spent."""

    calls: int = 0
    texts: int = 0
    tokens: int = 0
    seconds: float = 0.0
    extra: dict[str, int] = field(default_factory=dict)

    def add(self, texts: int, tokens: int, seconds: float) -> None:
        """Count one call."""
        self.calls += 1
        self.texts += texts
        self.tokens += tokens
        self.seconds += seconds


@dataclass(frozen=True)
class Generated:
    """What one generation call of an engine made: the outputs (with confidences) and how many tokens."""

    outputs: list[Scored]
    tokens: int


@dataclass(frozen=True)
class Request:
    """One segment to translate, with what an LLM translator's prompt says around it (a sentence translator reads
    the text only)."""

    text: str
    title: str = ""
    context: tuple[tuple[str, str], ...] = ()  # preceding segments, oldest first: (input text, translation or "")
    terms: tuple[tuple[str, str], ...] = ()  # glossary terms in the segment: (source form, target forms)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "title": self.title, "context": [list(c) for c in self.context],
                "terms": [list(t) for t in self.terms]}


@dataclass(frozen=True)
class Output:
    """One request's translation: the text, the model's confidence in it, and whether it came from the cache. An
    LLM translator's output also says what its answer parser found (`models.llm.LLMOutput`)."""

    text: str
    confidence: Confidence | None
    cached: bool = False

    def model_flags(self) -> list[str]:
        """The flags the output records beside those the read model checks (none for a sentence translator)."""
        return []

    def provenance(self) -> dict[str, Any] | None:
        """What the output's provenance records beside the model's (an LLM's template, context and notes)."""
        return None


class Translator(ABC):
    """Translate requests (segments, an LLM translator with their context) from `source` to `target`.

    `translate` is what runs call. It goes through four steps that the cache wrapper (`wrappers.CachedTranslator`)
    calls apart: `prepare` the requests (an LLM renders and tokenizes its prompt), `key_text` (what the cache key
    is made of), `make` (the model call) and `output` (a made answer back into an `Output`)."""

    source: str
    target: str
    info: ModelInfo
    options: TranslationOptions
    uses_context: bool = False  # told each segment's title, preceding segments and glossary terms (LLM translators)

    def translate(self, requests: list[Request]) -> list[Output]:
        """One output per request, in the same order."""
        prepared = self.prepare(requests)
        return [self.output(p, made) for p, made in zip(prepared, self.make(prepared), strict=True)]

    def translate_texts(self, texts: list[str]) -> list[str]:
        """One output text per input text (no context), in the same order."""
        return [out.text for out in self.translate([Request(t) for t in texts])]

    def prepare(self, requests: list[Request]) -> list[Any]:
        """What the model is given for each request: a sentence translator's input is the text."""
        return [r.text for r in requests]

    def key_text(self, prepared: Any) -> str:
        """What decides a prepared request's output, for the cache key (with the model and its settings)."""
        return str(prepared)

    def make(self, prepared: list[Any]) -> list[Scored]:
        """The model's (answer, confidence) for each prepared request."""
        return self.translate_scored(prepared)

    def output(self, prepared: Any, made: Scored, cached: bool = False) -> Output:
        """A made answer as the request's output."""
        return Output(made[0], made[1], cached)

    @abstractmethod
    def translate_scored(self, texts: list[str]) -> list[Scored]:
        """One (output, the model's confidence in it) per input text, in the same order."""

    def settings(self) -> dict[str, Any]:
        """The generation settings that decide the output (they are part of the cache key and provenance)."""
        return self.options.to_dict()

    def score_output(self, text: str, output: str) -> Confidence | None:
        """The model's teacher-forced confidence in `output` as the translation of `text`, with its least sure
        words (on demand, when a reviewer opens a segment); None where the engine cannot score."""
        return None

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


class EngineTranslator(Translator):
    """A translator an engine runs: the engine implements `generate`; this class counts and traces every call."""

    counters: Counters

    def translate_scored(self, texts: list[str]) -> list[Scored]:
        if not texts:
            return []
        started = time.perf_counter()
        made = self.generate(texts)
        self.counters.add(len(texts), made.tokens, time.perf_counter() - started)
        trace({"event": "translate", "model": self.info.id, "engine": self.info.engine, "target": self.target,
               "texts": texts})
        return made.outputs

    @abstractmethod
    def generate(self, texts: list[str]) -> Generated:
        """One (output, confidence) per input, in the same order, and the number of tokens generated."""

    @property
    def tokens_generated(self) -> int:
        return self.counters.tokens


class Summarizer(ABC):
    """Write a summary from a rendered prompt."""

    info: ModelInfo
    options: SummaryOptions

    def summarize(self, prompt: Prompt) -> str:
        """The summary text."""
        return self.summarize_scored(prompt)[0]

    @abstractmethod
    def summarize_scored(self, prompt: Prompt) -> Scored:
        """The summary text and the model's confidence in it."""

    def settings(self) -> dict[str, Any]:
        """The options (the batch bounds aside: they decide the speed only)."""
        return {k: v for k, v in self.options.to_dict().items() if k not in ("batch_size", "batch_tokens")}

    def cached(self, prompt: Prompt) -> bool:
        """Whether the summary of `prompt` would come from a cache (never, unless wrapped in a cache)."""
        return False

    def summarize_many(self, prompts: list[Prompt]) -> list[Scored]:
        """One (summary, confidence) per prompt, in order; engines make them in batches."""
        return [self.summarize_scored(p) for p in prompts]

    @property
    def tokens_generated(self) -> int:
        return 0


class EngineSummarizer(Summarizer):
    """A summarizer an engine runs: the engine implements `generate_summary`; this class counts and traces."""

    counters: Counters

    def summarize_scored(self, prompt: Prompt) -> Scored:
        return self.summarize_many([prompt])[0]

    def summarize_many(self, prompts: list[Prompt]) -> list[Scored]:
        if not prompts:
            return []
        started = time.perf_counter()
        made = self.generate_summaries(prompts)
        self.counters.add(len(prompts), made.tokens, time.perf_counter() - started)
        for prompt in prompts:
            trace({"event": "summarize", "model": self.info.id, "engine": self.info.engine, "lang": prompt.lang,
                   "template": prompt.template})
        return made.outputs

    def generate_summaries(self, prompts: list[Prompt]) -> Generated:
        """One summary per prompt, in order (engines that batch override this; by default one at a time)."""
        outputs: list[Scored] = []
        tokens = 0
        for prompt in prompts:
            made = self.generate_summary(prompt)
            outputs += made.outputs
            tokens += made.tokens
        return Generated(outputs, tokens)

    @abstractmethod
    def generate_summary(self, prompt: Prompt) -> Generated:
        """The summary (one output, with its confidence) and the number of tokens generated."""

    @property
    def tokens_generated(self) -> int:
        return self.counters.tokens


def trace(event: dict[str, Any]) -> None:
    """Append a model-call record to $WORKBENCH_TRACE (a JSONL file) when it is set; for auditing runs."""
    from ..settings import trace_file

    path = trace_file()
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")


SPEED_ONLY = ("batch_size", "batch_tokens", "sort_by_length", "articles_per_batch", "compute_type", "confidence", "confidence_detail")
GPU_TOKEN_BUDGET = 32768  # padded input tokens per batch on a GPU: hundreds of sentences (H100: 51.5k tok/s greedy)
# padded prompt + new tokens per summary batch: the KV cache of a 0.5B Qwen2.5 is ~24 kB a token in float32, so
# 32k tokens hold ~0.8 GB on a CPU; a GPU takes far more
SUMMARY_TOKENS = {"cpu": 32768, "cuda": 262144}


def output_settings(options: Options) -> dict[str, Any]:
    """The options that decide the output (batching and the engine's number format only decide the speed)."""
    return {k: v for k, v in options.to_dict().items() if k not in SPEED_ONLY}


def token_budget(options: TranslationOptions, device: str) -> int:
    """Padded input tokens per batch: the option when set, else a GPU-sized budget on CUDA, else 0 (use batch_size)."""
    if options.batch_tokens:
        return options.batch_tokens
    return GPU_TOKEN_BUDGET if device.startswith("cuda") else 0


def length_cap(longest: int, options: TranslationOptions) -> int:
    """The most tokens a batch's outputs may have: ratio × its longest input plus extra, within max_new_tokens."""
    return min(options.max_new_tokens, int(longest * options.max_length_ratio) + options.max_length_extra)


def batches(lengths: list[int], options: TranslationOptions, token_budget: int = 0) -> list[list[int]]:
    """Indexes of the inputs grouped into batches: sorted by length when `sort_by_length` (less padding; the
    caller restores the order), at most `batch_size` sentences each, or, with a token budget (GPUs), as many
    sentences as fit `token_budget` padded input tokens."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i]) if options.sort_by_length else list(range(len(lengths)))

    def full(current: list[int], i: int) -> bool:
        longest = max([lengths[j] for j in current] + [lengths[i]])
        return (len(current) + 1) * longest > token_budget if token_budget else len(current) >= max(1, options.batch_size)

    return _fill(order, full)


def summary_groups(lengths: list[int], new_tokens: int, options: SummaryOptions, device: str,
                   spread: int | None = None) -> list[list[int]]:
    """Indexes of prompts grouped into batches by prompt length (shortest first): at most `batch_size` prompts and
    `batch_tokens` padded prompt + new tokens each (SUMMARY_TOKENS for the device when 0); with `spread`, the
    longest prompt of a batch at most that many tokens longer than its shortest."""
    budget = options.batch_tokens or SUMMARY_TOKENS["cuda" if device.startswith("cuda") else "cpu"]

    def full(current: list[int], i: int) -> bool:
        longest = max([lengths[j] for j in current] + [lengths[i]])
        return (len(current) >= max(1, options.batch_size) or (len(current) + 1) * (longest + new_tokens) > budget
                or (spread is not None and lengths[i] - lengths[current[0]] > spread))

    def fits(group: list[int]) -> bool:  # sorted by length: the first is the shortest, the last the longest
        return (len(group) <= max(1, options.batch_size) and len(group) * (lengths[group[-1]] + new_tokens) <= budget
                and (spread is None or lengths[group[-1]] - lengths[group[0]] <= spread))

    groups = _fill(sorted(range(len(lengths)), key=lambda j: lengths[j]), full)
    moved = True
    while moved:  # even the sizes out (5, 5, 5, 1 → 5, 4, 4, 3): a batch of one decodes as slowly as one alone
        moved = False
        for a, b in pairwise(groups):
            if len(a) - len(b) >= 2 and fits([a[-1], *b]):
                b.insert(0, a.pop())
                moved = True
    return groups


def _fill(order: list[int], full: Callable[[list[int], int], bool]) -> list[list[int]]:
    """`order` cut into batches: the next index starts a new batch when the current one is `full` for it."""
    out: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and full(current, i):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out
