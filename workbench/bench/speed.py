"""`workbench bench`, the speed parts of issue 22: summaries one at a time and in a batch, and the compute
candidates of each stage (choice.compute) measured on this CPU.

Every summary has a fixed length (min = max new tokens), so a random-weight Qwen2.5-0.5B-shaped model does the
trained model's work. The batch is `summary_batch` article-languages of `prompt_tokens` each (distinct texts of
the same length) writing `batch_new_tokens` each, made by the summary stage's chosen candidate; it is compared
with transformers float32 one at a time at the same lengths (the workbench's CPU summaries before issue 22). The
report gives the model calls the batch took (CTranslate2 holds a CPU batch to CPU_SUMMARY_TOKENS) and the batch
size the runner's pace (`choice.pace`) would keep after these measurements; every rate has the process's CPU
seconds beside the wall clock.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..choice.compute import STAGES, Candidate, candidates, save_measured
from ..choice.pace import Pace, after_alone, after_batch
from ..models.base import Prompt, SummaryOptions, TranslationOptions
from ..settings import Home

PREFILL_TOKENS = 512  # the compute measurement's prompt (prefill) and decode batch: short, still the real shapes
DECODE_BATCH, DECODE_PROMPT, DECODE_STEPS = 8, 128, 16
ROUNDS = 2
LLM_CT2_TYPES = ("int8", "int8_float32")  # CTranslate2 float32 of a 0.5B LLM is slower than both, and 2 GB more


def make_summarizer(candidate: Candidate, folder: Path, options: SummaryOptions, device: str, home: Home) -> Any:
    """The workbench's summarizer of `folder` on one candidate (engine and compute type)."""
    from dataclasses import replace

    from ..choice.plan import build_summarizer

    return build_summarizer(candidate.engine, str(folder), replace(options, compute_type=candidate.compute),
                            device=device, home=home)


def _tokenizer(summarizer: Any) -> Any:
    return summarizer.load()[0] if hasattr(summarizer, "load") else summarizer.tokenizer


def prompts_of(tokenizer: Any, count: int, tokens: int) -> list[Prompt]:
    """`count` prompts of distinct seed text, each exactly `tokens` long once in the chat template (or as close
    as the tokenizer allows)."""
    from .common import seed_sentences

    ids = tokenizer(" ".join(seed_sentences(600)))["input_ids"]
    out = []
    for k in range(count):
        start = (k * 97) % max(1, len(ids) - tokens)
        take = max(8, tokens - 40)
        for _ in range(6):  # adjust the window until the templated prompt has the length asked for
            prompt = Prompt("bench", "", "en", "Summarize the article.", tokenizer.decode(ids[start:start + take]), "", "source")
            length = templated_length(tokenizer, prompt)
            if length == tokens:
                break
            take += tokens - length
        out.append(prompt)
    return out


def templated_length(tokenizer: Any, prompt: Prompt) -> int:
    messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
    return len(tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                             return_dict=True)["input_ids"])


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def summaries_rate(summarizer: Any, prompts: list[Prompt], new_tokens: int, batched: bool) -> dict[str, Any]:
    """Summaries per minute for `prompts` (one model call for all, or one each), and the peak memory."""
    from .common import PeakRSS

    summarizer.fixed_length = 2
    summarizer.summarize_many(prompts[:2]) if batched else summarizer.summarize(prompts[0])  # warm-up
    summarizer.fixed_length = new_tokens
    cpu = time.process_time()  # this process's CPU seconds: steadier than the wall clock on a shared machine
    with PeakRSS() as rss:
        if batched:
            seconds = _timed(lambda: summarizer.summarize_many(prompts))
        else:
            seconds = _timed(lambda: [summarizer.summarize(p) for p in prompts])
    return {"summaries": len(prompts), "seconds": round(seconds, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
            "summaries_per_minute": round(60 * len(prompts) / seconds, 2), "peak_rss_mb": round(rss.peak / 2**20)}


def summarizer_batch(s: Any, folder: Path, device: str, chosen: Candidate) -> dict[str, Any]:
    """The batch (the chosen candidate, `summarize_many`) against transformers float32 one at a time."""
    options = SummaryOptions(max_new_tokens=s.batch_new_tokens, max_input_tokens=s.prompt_tokens + 64,
                             batch_size=s.summary_batch)
    baseline = make_summarizer(Candidate("transformers", "float32"), folder, options, device, s.home)
    prompts = prompts_of(_tokenizer(baseline), s.summary_batch, s.prompt_tokens)
    one = summaries_rate(baseline, prompts[: s.baseline_summaries], s.batch_new_tokens, batched=False)
    del baseline
    gc.collect()
    fast = make_summarizer(chosen, folder, options, device, s.home)
    single = summaries_rate(fast, prompts[:1], s.batch_new_tokens, batched=False)
    batch = summaries_rate(fast, prompts, s.batch_new_tokens, batched=True)
    groups = [len(g) for g in fast.batch_groups(prompts)] if hasattr(fast, "batch_groups") else None
    del fast
    gc.collect()
    # what the runner would do with these measurements (choice.pace): keep batches of this size, or fall back
    pace = after_batch(after_alone(Pace(s.summary_batch), single["seconds"] / single["summaries"]),
                       len(prompts), batch["seconds"])
    return {"engine": chosen.engine, "compute_type": chosen.compute, "prompt_tokens": s.prompt_tokens,
            "new_tokens": s.batch_new_tokens, "batch": batch, "single": single, "model_calls": groups,
            "runner_batch_size": pace.batch_size,
            "transformers_float32_one_at_a_time": one,
            "ratio_batch_vs_one_at_a_time": round(batch["summaries_per_minute"] / one["summaries_per_minute"], 2),
            "ratio_single_vs_one_at_a_time": round(single["summaries_per_minute"] / one["summaries_per_minute"], 2)}


# ------------------------------------------------------------------------------------------- compute candidates
def _translator(candidate: Candidate, folder: Path, beams: int, length: int, home: Home) -> Any:
    """The workbench's translator on one candidate (confidence off: the compute alone), every output `length`."""
    options = TranslationOptions(num_beams=beams, compute_type=candidate.compute, confidence=False)
    from ..choice.plan import build_translator

    translator: Any = build_translator(candidate.engine, str(folder), "ar", "en", options, device="cpu", home=home)
    translator.fixed_length = length
    return translator


def translation_rate(translator: Any, texts: list[str], length: int) -> float:
    """Target tokens per second (after a warm-up call)."""
    translator.translate_texts(texts[:2])
    return round(len(texts) * length / _timed(lambda: translator.translate_texts(texts)), 1)


def _llm(candidate: Candidate, folder: Path, home: Home) -> tuple[Any, list[Prompt], list[Prompt]]:
    options = SummaryOptions(max_new_tokens=DECODE_STEPS + 1, max_input_tokens=PREFILL_TOKENS + 64,
                             batch_size=DECODE_BATCH, repetition_penalty=1.0)
    summarizer = make_summarizer(candidate, folder, options, "cpu", home)
    tokenizer = _tokenizer(summarizer)
    return summarizer, prompts_of(tokenizer, 1, PREFILL_TOKENS), prompts_of(tokenizer, DECODE_BATCH, DECODE_PROMPT)


def llm_times(summarizer: Any, long_prompt: list[Prompt], batch: list[Prompt]) -> tuple[float, float, float]:
    """Seconds of the workbench's summarizer for: one PREFILL_TOKENS prompt and one new token; DECODE_BATCH
    prompts and one new token each; the same prompts and DECODE_STEPS + 1 new tokens each."""
    summarizer.fixed_length = 2
    summarizer.summarize_many(batch[:2])  # warm-up
    summarizer.fixed_length = 1
    prefill = _timed(lambda: summarizer.summarize_many(long_prompt))
    start = _timed(lambda: summarizer.summarize_many(batch))
    summarizer.fixed_length = DECODE_STEPS + 1
    return prefill, start, _timed(lambda: summarizer.summarize_many(batch))


def llm_rates(times: list[tuple[float, float, float]]) -> tuple[float, float]:
    """(prefill, decode) tokens per second from the fastest of each timing over the rounds (a rate taken from a
    difference of two timings is noisy: the fastest of each is steadier than the best of the differences); a decode
    rate of 0 where the steps took no measurable time beyond the first token (a busy moment: no candidate wins by it;
    the probe's one round gave a torch decode of 1.3e11 tokens per second so)."""
    prefill, start, full = (min(t[i] for t in times) for i in range(3))
    decode = full - start
    return round(PREFILL_TOKENS / prefill, 1), round(DECODE_BATCH * DECODE_STEPS / decode, 1) if decode > 0 else 0.0


def _keep_best(rates: dict[str, float], name: str, rate: float) -> None:
    rates[name] = max(rates.get(name, 0.0), rate)


def compute_candidates(s: Any, marian: Path, qwen: Path | None, texts: list[str],
                       progress: Callable[[str], None], source: str = "bench") -> dict[str, Any]:
    """Each candidate's speed per stage on this CPU (the best of ROUNDS rounds, candidates taken in turn, so that
    a busy moment of a shared machine does not decide), the choice, and where it is cached (DATA_HOME/cache)."""
    rates: dict[str, dict[str, float]] = {stage: {} for stage in STAGES}
    rounds = getattr(s, "compute_rounds", ROUNDS)
    here = candidates()
    sample = texts[: min(16, len(texts))]
    progress("compute candidates: translation")
    translators = {c.name: _translator(c, marian, s.beams[-1], s.output_tokens, s.home) for c in here}
    for _ in range(rounds):
        for name, translator in translators.items():
            _keep_best(rates["translation"], name, translation_rate(translator, sample, s.output_tokens))
    translators.clear()
    gc.collect()
    if qwen is not None:
        progress("compute candidates: LLM prefill and decode")
        llms = {c.name: _llm(c, qwen, s.home) for c in here if c.engine != "ct2" or c.compute in LLM_CT2_TYPES}
        times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in llms}
        for _ in range(rounds):
            for name, (summarizer, long_prompt, batch) in llms.items():
                times[name].append(llm_times(summarizer, long_prompt, batch))
        for name, measured in times.items():
            rates["llm_prefill"][name], rates["llm_decode"][name] = llm_rates(measured)
        llms.clear()
        gc.collect()
    rates = {stage: r for stage, r in rates.items() if r}
    entry = save_measured(rates, s.home, source)
    return {"candidates": [c.name for c in here], "tok_per_s": rates, "choice": entry["choice"], "cached_for": entry["cpu"]}

