"""`workbench bench`: the command, and how its report reads as text. The benchmarks drive the service, so they
sit above it; `workbench.cli` adds this command to the app's group. The measuring code loads inside the command."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import click

from ..app.cli_base import handle_errors
from ..app.render import emit


def _ints(value: str) -> list[int]:
    try:
        numbers = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) < 1:
        raise click.BadParameter(f"use positive numbers separated by commas, e.g. 1,4 (got {value!r})")
    return numbers


@click.command("bench")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="cpu", show_default=True,
              help="Where to run the engines.")
@click.option("--engine", type=click.Choice(["auto", "transformers", "ct2"]), default="auto", show_default=True,
              help="The engine the ratios are for (auto: what `translate` would pick on this device).")
@click.option("--beams", default="4", show_default=True, help="Beam sizes to measure, e.g. 1,4 (the last one is the headline).")
@click.option("--sentences", type=click.IntRange(min=2), default=64, show_default=True, help="Seed sentences per engine.")
@click.option("--output-tokens", type=click.IntRange(min=1), default=48, show_default=True,
              help="Tokens generated per sentence by every engine (fixed, so all do the same work).")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True, help="Sentences per batch on CPU.")
@click.option("--batch-tokens", type=click.IntRange(min=0), default=0, show_default=True,
              help="Padded input tokens per batch (0: the engine's choice; GPUs use a token budget).")
@click.option("--baseline-sentences", type=click.IntRange(min=1), default=16, show_default=True,
              help="Sentences for the one-at-a-time baseline (it is slow).")
@click.option("--summarizer/--no-summarizer", default=True, show_default=True,
              help="Also measure a Qwen2.5-0.5B-shaped summarizer (prefill and decode).")
@click.option("--prompt-tokens", type=click.IntRange(min=64), default=1500, show_default=True, help="Summarizer prompt length.")
@click.option("--decode-tokens", type=click.IntRange(min=2), default=32, show_default=True, help="Summary tokens generated.")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="CPU threads (default: the usable cores).")
@click.option("--confidence/--no-confidence", default=True, show_default=True,
              help="Score each output as translate does (one teacher-forced pass); --no-confidence measures without it.")
@click.option("--compute/--no-compute", default=True, show_default=True,
              help="Measure each compute type per stage on this CPU (and cache the fastest as `auto`'s choice).")
@click.option("--llm/--no-llm", default=False, show_default=True,
              help="Also measure an LLM translator (Qwen3-1.7B shape on CPU) on each engine (long: 20+ minutes on 2 cores).")
@click.option("--summary-batch", type=click.IntRange(min=1), default=16, show_default=True,
              help="Article-languages in the batched-summaries measurement.")
@click.option("--batch-new-tokens", type=click.IntRange(min=2), default=120, show_default=True,
              help="Tokens per summary in the batch measurement and in --pipeline.")
@click.option("--pipeline", is_flag=True, help="Measure the whole pipeline instead: import, translate en and ru, "
              "summarize both, on generated articles with the fast profile's model shapes.")
@click.option("--articles", type=click.IntRange(min=1), default=8, show_default=True, help="Articles for --pipeline.")
@click.option("--today/--no-today", default=True, show_default=True,
              help="--pipeline: also run it as before issue 22 (summaries one at a time, a scoring pass) for the ratio.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: engines, ratios, summarizer, machine, settings.")
@click.pass_context
@handle_errors
def bench_cmd(ctx: click.Context, device: str, engine: str, beams: str, sentences: int, output_tokens: int,
              batch_size: int, batch_tokens: int, baseline_sentences: int, summarizer: bool, prompt_tokens: int, decode_tokens: int,
              threads: int | None, confidence: bool, compute: bool, llm: bool, summary_batch: int,
              batch_new_tokens: int, pipeline: bool, articles: int, today: bool, as_json: bool) -> None:
    """Measure the engines on the real opus-mt-ar-en architecture (random weights, fixed output lengths) and a
    Qwen2.5-0.5B-shaped summarizer, in one process: tokens per second, peak memory and ratios; with --pipeline,
    articles per minute through the whole pipeline."""
    from ..choice.threads import apply_threads
    from .models import Settings, run

    apply_threads(threads)
    home = ctx.obj["home"].ensure()
    progress = (lambda what: None) if as_json else (lambda what: click.echo(f"measuring {what} …", err=True))
    if pipeline:
        from .pipeline import PipelineSettings, PipelineText
        from .pipeline import run as run_pipeline

        emit(PipelineText(run_pipeline(PipelineSettings(articles=articles, segment_tokens=output_tokens,
                                                        summary_tokens=batch_new_tokens, today=today, home=home),
                                       progress)), as_json)
        return
    settings = Settings(device=device, engine=engine, beams=_ints(beams), sentences=sentences, output_tokens=output_tokens,
                        batch_size=batch_size, batch_tokens=batch_tokens, baseline_sentences=min(baseline_sentences, sentences), summarizer=summarizer,
                        prompt_tokens=prompt_tokens, decode_tokens=decode_tokens, home=home, confidence=confidence,
                        compute=compute, llm=llm, summary_batch=summary_batch, batch_new_tokens=batch_new_tokens)
    emit(BenchText(run(settings, progress=progress)), as_json)


@dataclass(frozen=True)
class BenchText:
    """`bench`: the machine, then per beam size each engine's speed and memory, then the summarizer's."""

    report: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.report)

    def lines(self) -> Iterator[str]:
        report, m = self.report, self.report["machine"]
        yield (f"machine: {m['processor']}, {m['cpus']} CPUs, {m['threads']} threads{', ' + m['gpu'] if m.get('gpu') else ''}; "
               f"torch {m['torch']}, transformers {m['transformers']}, ctranslate2 {m['ctranslate2']}")
        yield f"default engine: {report['default_engine']}"
        for beams, run in report["by_beam"].items():
            yield f"\nbeam {beams}, {report['settings']['output_tokens']} tokens per sentence:"
            yield from (_bench_engine(name, e) for name, e in run["engines"].items())
            yield ("  default engine vs baseline {ratio_vs_baseline}×, vs transformers batched {ratio_vs_hf_batched}×, "
                   "vs raw CTranslate2 {ratio_vs_raw_ct2}×".format(**run))
        yield from _bench_summarizer(report.get("summarizer"))


def _bench_engine(name: str, e: Mapping[str, Any]) -> str:
    if "skipped" in e:
        return f"  {name:13} skipped: {e['skipped']}"
    return (f"  {name:13} {e['tok_per_s']:>10.1f} tok/s  peak RSS {e['peak_rss_mb']:>6} MB  ({e['sentences']} sentences"
            f"{', ' + e['compute_type'] if e.get('compute_type') else ''})")


def _bench_summarizer(summary: Mapping[str, Any] | None) -> Iterator[str]:
    if not summary:
        return
    yield "\nsummarizer (Qwen2.5-0.5B shape):"
    for name in ("transformers", "ct2"):
        if name in summary:
            e = summary[name]
            yield (f"  {name:13} prefill {e['prefill_tok_per_s']:>8.1f} tok/s ({e['prompt_tokens']} tokens), "
                   f"decode {e['decode_tok_per_s']:>6.1f} tok/s, {e['seconds_per_summary']} s per summary")
    if "ratio_ct2_vs_transformers" in summary:
        yield f"  ct2 vs transformers: {summary['ratio_ct2_vs_transformers']}× faster per summary"
    batch = summary.get("batch")
    if batch:
        yield (f"  {batch['batch']['summaries']} summaries on {batch['engine']} {batch['compute_type']}: batched "
               f"{batch['batch']['summaries_per_minute']}/min in calls of {batch.get('model_calls')}, one summary "
               f"{batch['single']['summaries_per_minute']}/min, transformers float32 one at a time "
               f"{batch['transformers_float32_one_at_a_time']['summaries_per_minute']}/min: batch "
               f"{batch['ratio_batch_vs_one_at_a_time']}×, single {batch['ratio_single_vs_one_at_a_time']}×; "
               f"the runner would keep batches of {batch.get('runner_batch_size')}")
