"""The LLM translator role: instruction LLMs that translate one segment with its article around it.

What an LLM translator is given (a `Request`): the segment, the article's title, the preceding segments with their
current translations (a person's text where there is one, else the machine's) and the glossary terms that occur in
the segment. A translation template (`prompts/translate-SRC-TGT.toml`) turns that into chat messages; an engine
(`hf_llm`, `ct2_llm`) applies the model's own chat template (thinking switched off where the template has the
switch), decodes greedily up to a cap relative to the segment's length and stops at the model's end-of-turn tokens.

The answer is parsed back into one output per segment (`parse_output`): a preamble ("Here is the translation:"),
wrapping quotes, a reasoning block and a trailing note are removed and said so; an answer that repeats the context
it was given, has more sentences or lines than the segment, or is empty is flagged with a plain-words reason, never
kept silently. The cache (`wrappers.CachedTranslator`) keys each output by the model, its settings, the template's hash
and the very messages sent, so a changed glossary term or a corrected previous segment asks the model again, and
an unchanged request is never translated twice.
"""

from __future__ import annotations

import json
import re
import time
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..languages import LANGUAGE_NAMES
from .base import (
    Confidence,
    EngineTranslator,
    Generated,
    Output,
    Request,
    Scored,
    TranslationOptions,
    batches,
    output_settings,
    trace,
)

__all__ = ["LLM_FLAGS", "LLMOptions", "LLMOutput", "LLMTranslator", "Request", "parse_output", "render"]
from .prompts import Template, load_translation_template, structured_template_name

# Seq2seq decoding rules that LLM translators do not take (they decode greedily, see LLMOptions).
SEQ2SEQ_ONLY = ("num_beams", "no_repeat_ngram_size", "renormalize_logits", "confidence_detail")
# Flags an LLM translator records on an output (shown while the text is the machine's; see review.views).
LLM_FLAGS = {
    "echoed_context": "the model's answer repeats text it was given as context (an earlier segment, the title or "
                      "the prompt) instead of translating only this segment",
    "extra_sentences": "the model's answer has more sentences or lines than the segment: it may have added text or "
                       "run into the next segment",
}


@dataclass(frozen=True)
class LLMOptions(TranslationOptions):
    """How an instruction LLM translates: greedy, at most `max_length_ratio` × the segment's tokens plus
    `max_length_extra` new tokens (within `max_new_tokens`), with `context_segments` preceding segments."""

    num_beams: int = 1
    no_repeat_ngram_size: int = 0  # would also ban repeating the prompt's names: never for LLMs
    renormalize_logits: bool = False
    max_length_ratio: float = 3.0  # LLM vocabularies split Arabic into more pieces than the target text
    max_length_extra: int = 16
    max_new_tokens: int = 256
    batch_size: int = 8
    articles_per_batch: int = 8  # chunks of this many articles share a model call (the engine batches by length)
    context_segments: int = 3  # preceding segments in the prompt (0: none)
    max_input_tokens: int = 2048  # TranslateGemma's input limit; a longer prompt loses its oldest context first
    thinking: bool = False  # the chat template's reasoning switch (`enable_thinking`) where it has one

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.num_beams != 1:
            raise WorkbenchError("LLM translators decode greedily (num_beams 1); num_beams is for Marian models")

    @classmethod
    def from_selection(cls, values: dict[str, Any] | None, where: str = "translation options") -> LLMOptions:
        """The options from a selection's [translation] values, leaving out the seq2seq-only rules."""
        return cls.from_dict({k: v for k, v in (values or {}).items() if k not in SEQ2SEQ_ONLY}, where)


LLM_ONLY = ("context_segments", "max_input_tokens", "thinking")


@dataclass(frozen=True)
class Rendered:
    """A request as chat messages, with what provenance records of it."""

    request: Request
    system: str
    user: str
    template: str
    template_hash: str
    content: str = "text"  # how the user turn is given (prompts.CONTENTS)
    source: str = "ar"
    target: str = "en"

    def messages(self) -> list[dict[str, Any]]:
        if self.content == "translategemma":  # its chat template writes the instruction around the text
            return [{"role": "user", "content": [{"type": "text", "source_lang_code": self.source,
                                                  "target_lang_code": self.target, "text": self.user}]}]
        out = [{"role": "system", "content": self.system}] if self.system.strip() else []
        return [*out, {"role": "user", "content": self.user}]

    def key_text(self) -> str:
        """What the cache key is made of: the template, the messages and the context and terms actually sent."""
        return json.dumps({"template": self.template_hash, "system": self.system, "user": self.user,
                           "context": [list(c) for c in self.request.context],
                           "terms": [list(t) for t in self.request.terms]}, ensure_ascii=False, sort_keys=True)


def render_context(context: Sequence[tuple[str, str]], source: str, target: str) -> str:
    """The preceding segments as the prompt shows them: each source line, then its translation so far."""
    if not context:
        return "(none: this is the first segment)"
    lines = []
    for text, translation in context:
        lines.append(f"- {LANGUAGE_NAMES[source]}: {text}")
        lines.append(f"  {LANGUAGE_NAMES[target]}: {translation or '(not translated yet)'}")
    return "\n".join(lines)


def render_terms(terms: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"- {src} → {tgt}" for src, tgt in terms) if terms else "(no glossary term in this segment)"


def render(template: Template, request: Request, context_segments: int | None = None) -> Rendered:
    """Fill a translation template for one request (the last `context_segments` preceding segments). What the
    template does not show is not part of the request it records (provenance and the cache key say what was sent)."""
    used = template.variables()
    keep = len(request.context) if context_segments is None else context_segments
    keep = keep if "context" in used else 0
    request = Request(request.text, request.title if "title" in used else "",
                      request.context[max(0, len(request.context) - keep):] if keep > 0 else (),
                      request.terms if "terms" in used else ())
    system, user = template.fill(
        segment=request.text, title=request.title or "(none)",
        context=render_context(request.context, template.source, template.language), terms=render_terms(request.terms),
        source_language=LANGUAGE_NAMES[template.source], target_language=LANGUAGE_NAMES[template.language])
    return Rendered(request, system, user, template.name, template.hash, template.content, template.source,
                    template.language)


# --------------------------------------------------------------------------- the answer back into one output
@dataclass(frozen=True)
class Parsed:
    """One output from a model's answer: the text kept, its flags, and what was removed or found, in plain words."""

    text: str
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S)
_PREAMBLE = re.compile(
    r"^\s*(?:(?:sure|certainly|of course|okay|конечно)[,!.]?\s*)?(?:here(?:'s|\s+is)|below\s+is|this\s+is|вот)?"
    r"[^\n:]{0,60}?\b(?:translation|translated|перевод\w*)\b[^\n:]{0,40}:[ \t]*\n?", re.I)
_POLITE = re.compile(r"^\s*(?:sure|certainly|of course|конечно)[!,.]?\s*\n", re.I)
_EXPLANATION = re.compile(
    r"^\s*[(\[*]*\s*(?:notes?|explanation|translator'?s?\s+notes?|translation\s+notes?|примечани[ея]|пояснени[ея]|"
    r"комментари[йи]|i\s+(?:have\s+)?translated|this\s+translation|in\s+this\s+translation)\b", re.I)
_QUOTES = [('"', '"'), ("“", "”"), ("«", "»"), ("'", "'"), ("„", "“"), ("`", "`")]
_SENTENCE_END = re.compile(r"(?<!\b[A-ZА-Я])(?<!\b[A-ZА-Я][a-zа-я])[.!?؟…]+[\"»”')]*(?=\s+[\"«“(]?[A-ZА-ЯЁ\u0621-\u064a])")


def sentence_count(text: str) -> int:
    """Sentences in `text` (ends . ! ? ؟ … followed by a capital or Arabic letter; initials and "Mr." do not end)."""
    text = text.strip()
    return len(_SENTENCE_END.findall(text)) + 1 if text else 0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def _label(lang: str | None) -> re.Pattern[str] | None:
    if lang is None:
        return None
    return re.compile(rf"^\s*{re.escape(LANGUAGE_NAMES[lang])}\s*(?:translation)?\s*:\s*", re.I)


def _strip_wrappers(text: str, notes: list[str], source: str, target: str | None) -> str:
    """The answer without a reasoning block, a preamble, a language label and wrapping quotes or code fences."""
    if "<think>" in text:
        text = _THINK.sub("", text)
        notes.append("removed the model's reasoning (a <think> block)")
    fence = re.fullmatch(r"\s*```\w*\n?(.*?)\n?```\s*", text, re.S)
    if fence:
        text = fence.group(1)
        notes.append("removed a code fence around the answer")
    text = _POLITE.sub("", text)
    for pattern in filter(None, (_PREAMBLE, _label(target))):
        match = pattern.match(text)
        if match and match.end() < len(text.strip()) + 1:
            said = text[:match.end()].strip()
            text = text[match.end():]
            notes.append(f"removed the preamble {said[:60]!r}")
    text = text.strip()
    for left, right in _QUOTES:
        marks = text.count(left) if left == right else text.count(left) + text.count(right)
        if len(text) > 2 and text.startswith(left) and text.endswith(right) and marks == 2 \
                and not source.strip().startswith(left):
            text = text[len(left):-len(right)].strip()
            notes.append(f"removed the quotes {left}…{right} around the answer")
            break
    return text


def _strip_explanation(text: str, notes: list[str]) -> str:
    """The answer up to a trailing note or explanation ("Note: …", "(Translator's note …)")."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i and _EXPLANATION.match(line):
            notes.append(f"removed an explanation after the translation ({line.strip()[:50]!r}…)")
            return "\n".join(lines[:i]).strip()
    inline = re.search(r"\s+\((?:note|примечание)\b[^)]*\)\s*$", text, re.I)
    if inline:
        notes.append(f"removed a note after the translation ({inline.group().strip()[:50]!r})")
        return text[:inline.start()].strip()
    return text


ECHO_CHARS, ECHO_WORDS = 25, 4  # a repeated piece this long is an echo; a name repeated from earlier is not


def _echo(text: str, request: Request) -> str | None:
    """Which piece of the context the answer repeats (a preceding segment, its translation, the title), if any."""
    answer = _norm(text)
    if not answer:
        return None
    pieces = [(f"segment {len(request.context) - i} before this one", part)
              for i, pair in enumerate(request.context) for part in pair]
    pieces.append(("the article's title", request.title))
    for where, piece in pieces:
        norm = _norm(piece)
        if len(norm) >= ECHO_CHARS and len(norm.split()) >= ECHO_WORDS and norm in answer \
                and norm not in _norm(request.text):
            return where
    return None


def parse_output(raw: str, request: Request, target: str | None = None, source: str | None = None) -> Parsed:
    """One output from a model's answer to `request` (see the module's docstring)."""
    notes: list[str] = []
    flags: list[str] = []
    text = _strip_wrappers(raw.replace("\r\n", "\n"), notes, request.text, target)
    text = _strip_explanation(text, notes)
    if source is not None and re.match(rf"^\s*{re.escape(LANGUAGE_NAMES[source])}\s*:", text, re.I):
        flags.append("echoed_context")
        notes.append("the answer repeats the prompt (it starts with the source-language label)")
    echoed = _echo(text, request)
    if echoed and "echoed_context" not in flags:
        flags.append("echoed_context")
        notes.append(f"the answer repeats {echoed}")
    lines = [line for line in text.split("\n") if line.strip()]
    wanted_lines = len([line for line in request.text.split("\n") if line.strip()]) or 1
    sentences, wanted = sentence_count(text), max(1, sentence_count(request.text))
    if len(lines) > wanted_lines or sentences > wanted:
        flags.append("extra_sentences")
        notes.append(f"the answer has {sentences} sentences on {len(lines)} lines where the segment has "
                     f"{wanted} on {wanted_lines}")
    text = "\n".join(line.strip() for line in lines) if len(lines) > 1 else text.strip()
    if not text:
        flags.append("empty")
        notes.append("the model gave no translation" if not raw.strip() else
                      "nothing was left of the answer once its preamble and notes were removed")
    return Parsed(text, tuple(flags), tuple(notes))


# --------------------------------------------------------------------------- what a translation made
@dataclass(frozen=True)
class LLMOutput(Output):
    """One segment's output from an LLM: beside the text, the confidence and whether it came from the cache, the
    parser's flags and notes, the raw answer, and what provenance records (template, context size, terms)."""

    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    raw: str = ""
    template: str = ""
    template_hash: str = ""
    context: int = 0
    terms: tuple[tuple[str, str], ...] = ()

    def model_flags(self) -> list[str]:
        """The flags an output records: what only the answer shows (the read model checks its text, "empty" too)."""
        return [f for f in self.flags if f in LLM_FLAGS]

    def provenance(self) -> dict[str, Any]:
        """The `llm` part of an output's provenance."""
        return {"template": {"name": self.template, "hash": self.template_hash}, "context_segments": self.context,
                "terms": [{"source": s, "target": t} for s, t in self.terms], "notes": list(self.notes),
                "raw": self.raw if self.raw.strip() != self.text else None}


def made(rendered: Rendered, raw: str, confidence: Confidence | None, target: str, source: str,
         cached: bool = False) -> LLMOutput:
    """An output from a raw answer, parsed for the rendered request."""
    parsed = parse_output(raw, rendered.request, target, source)
    return LLMOutput(parsed.text, confidence, cached, parsed.flags, parsed.notes, raw, rendered.template,
                     rendered.template_hash, len(rendered.request.context), rendered.request.terms)


def stop_ids(tokenizer: Any, model_dir: str) -> list[int]:
    """The ids that end an answer: the generation config's EOS ids, the tokenizer's EOS, and the end-of-turn tokens
    of the usual chat formats that this vocabulary has."""
    ends: list[int] = []
    path = Path(model_dir) / "generation_config.json"
    if path.exists():
        value = json.loads(path.read_text(encoding="utf-8")).get("eos_token_id")
        ends += value if isinstance(value, list) else [value] if value is not None else []
    if tokenizer.eos_token_id is not None:
        ends.append(int(tokenizer.eos_token_id))
    vocab = tokenizer.get_vocab()
    ends += [vocab[t] for t in ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>") if t in vocab]
    return list(dict.fromkeys(int(e) for e in ends))


class LLMTranslator(EngineTranslator):
    """An engine's LLM translator: renders, tokenizes with the chat template, batches and parses; the engine
    implements `generate_ids` (prompt token ids in, answer token ids and log-probabilities out)."""

    source: str
    target: str
    options: LLMOptions
    template: Template
    tokenizer: Any
    model_dir: str
    stops: list[int]
    fixed_length: int | None = None  # benchmarks: every answer exactly this many tokens
    uses_context = True

    def setup(self, template_name: str | None = None) -> None:
        """Load the pair's template (a model whose chat template takes TranslateGemma's structured content gets the
        `translategemma-SRC-TGT` one) and the stop tokens (after the tokenizer is there)."""
        if template_name is None and "source_lang_code" in (getattr(self.tokenizer, "chat_template", None) or ""):
            template_name = structured_template_name(self.source, self.target)
        self.template = load_translation_template(self.source, self.target, template_name)
        self.stops = stop_ids(self.tokenizer, self.model_dir)

    def settings(self) -> dict[str, Any]:
        out = output_settings(self.options)
        out.update(template=self.template.name, template_hash=self.template.hash, role="llm_translator",
                   chat_template=_digest(getattr(self.tokenizer, "chat_template", None) or ""))
        return out

    def chat_kwargs(self) -> dict[str, Any]:
        """The chat template's switches: reasoning off where the template has `enable_thinking`."""
        template = getattr(self.tokenizer, "chat_template", None) or ""
        return {"enable_thinking": self.options.thinking} if "enable_thinking" in template else {}

    def prompt_ids(self, request: Request) -> tuple[Rendered, list[int]]:
        """The rendered request and its token ids; older context is dropped until it fits `max_input_tokens`."""
        keep = self.options.context_segments
        while True:
            rendered = render(self.template, request, keep)
            ids = self.tokenizer.apply_chat_template(rendered.messages(), add_generation_prompt=True, tokenize=True,
                                                     return_dict=True, **self.chat_kwargs())["input_ids"]
            if len(ids) <= self.options.max_input_tokens:
                return rendered, list(ids)
            if not rendered.request.context:
                raise WorkbenchError(f"the prompt for this segment has {len(ids)} tokens, more than max_input_tokens="
                                     f"{self.options.max_input_tokens}; split the segment or raise the option")
            keep = len(rendered.request.context) - 1

    def cap(self, request: Request) -> int:
        """The most new tokens for a request's answer: ratio × its segment's tokens plus extra, within the maximum."""
        if self.fixed_length:
            return self.fixed_length
        pieces = len(self.tokenizer(request.text, add_special_tokens=False)["input_ids"])
        return max(1, min(self.options.max_new_tokens,
                          int(pieces * self.options.max_length_ratio) + self.options.max_length_extra))

    def batch_order(self, lengths: list[int]) -> list[list[int]]:
        """Indexes grouped into batches of similar prompt length (see base.batches)."""
        plain = TranslationOptions(batch_size=self.options.batch_size, batch_tokens=self.options.batch_tokens,
                                   sort_by_length=self.options.sort_by_length)
        return batches(lengths, plain, self.token_budget())

    def token_budget(self) -> int:
        return self.options.batch_tokens

    @abstractmethod
    def generate_ids(self, prompts: list[list[int]], caps: list[int]) -> list[tuple[list[int], list[float]]]:
        """Per prompt: the answer's token ids (stop token included when one ended it) and their log-probabilities."""

    def answer(self, ids: list[int], logprobs: list[float]) -> tuple[str, Confidence | None]:
        """The text of an answer (stop token left out) and the confidence over its tokens (stop token included)."""
        from .base import piece_text

        text_ids = [i for i in ids if i not in self.stops]
        text = str(self.tokenizer.decode(text_ids, skip_special_tokens=True))
        conf = Confidence.of(list(self.tokenizer.convert_ids_to_tokens(ids)), logprobs, piece_text(self.tokenizer)) \
            if self.options.confidence else None
        return text, conf

    def generate_raw(self, rendered: list[tuple[Rendered, list[int]]], caps: list[int]) -> list[tuple[str, Confidence | None]]:
        """Raw answers of rendered prompts, in batches of similar length; counts and traces the call."""
        started = time.perf_counter()
        results: list[tuple[str, Confidence | None]] = [("", None)] * len(rendered)
        made_tokens = 0
        for idx in self.batch_order([len(ids) for _, ids in rendered]):
            outs = self.generate_ids([rendered[i][1] for i in idx], [caps[i] for i in idx])
            for i, (ids, lps) in zip(idx, outs, strict=True):
                made_tokens += len(ids)
                results[i] = self.answer(ids, lps)
        self.counters.add(len(rendered), made_tokens, time.perf_counter() - started)
        trace({"event": "translate", "model": self.info.id, "engine": self.info.engine, "target": self.target,
               "role": "llm_translator", "texts": [r.request.text for r, _ in rendered]})
        return results

    def prepare(self, requests: list[Request]) -> list[tuple[Rendered, list[int]]]:
        return [self.prompt_ids(r) for r in requests]

    def key_text(self, prepared: tuple[Rendered, list[int]]) -> str:
        return prepared[0].key_text()

    def make(self, prepared: list[tuple[Rendered, list[int]]]) -> list[Scored]:
        return self.generate_raw(prepared, [self.cap(r.request) for r, _ in prepared]) if prepared else []

    def output(self, prepared: tuple[Rendered, list[int]], made_now: Scored, cached: bool = False) -> LLMOutput:
        return made(prepared[0], made_now[0], made_now[1], self.target, self.source, cached)

    def translate_scored(self, texts: list[str]) -> list[Scored]:
        return [(out.text, out.confidence) for out in self.translate([Request(t) for t in texts])]

    def generate(self, texts: list[str]) -> Generated:
        return Generated(self.translate_scored(texts), 0)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
