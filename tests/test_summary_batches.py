"""Batched summaries (`SummaryOptions`, `summary_groups`, both engines' `summarize_many`): they equal one-at-a-time
summaries (greedy) on both engines, batch runs batch them across article languages, and one failing summary costs
only its own article language (issue 22; no timings here: `workbench bench` checks the speed targets)."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.choice import compute
from workbench.choice.pace import Pace, after_alone, after_batch, pace_key
from workbench.choice.plan import build_summarizer
from workbench.models.base import Prompt, SummaryOptions, summary_groups
from workbench.runs import summaries
from workbench.settings import Home
from workbench.testing.tiny import arabic_corpus

from .conftest import SEEDS


def _prompts(count: int = 14) -> list[Prompt]:
    lines = [line for line in arabic_corpus() if len(line) > 10]
    return [Prompt("t", "h", "en", "Summarize.", " ".join(lines[i:i + 1 + i % 5]), "", "source") for i in range(count)]


@pytest.mark.parametrize("penalty", [1.1, 1.0])
def test_transformers_batched_summaries_equal_one_at_a_time(penalty, home):
    summarizer = build_summarizer("transformers", "tiny:qwen2", options=SummaryOptions(max_new_tokens=30, repetition_penalty=penalty),
                                    home=Home(home))
    prompts = _prompts()
    alone = [summarizer.summarize_scored(p) for p in prompts]
    together = summarizer.summarize_many(prompts)
    assert [t for t, _ in together] == [t for t, _ in alone]
    for (_, a), (_, b) in zip(together, alone, strict=True):
        assert a.tokens == b.tokens and a.mean_logprob == pytest.approx(b.mean_logprob, abs=1e-4)


@pytest.mark.parametrize("penalty", [1.1, 1.0])
def test_ct2_batched_summaries_equal_one_at_a_time(penalty, home, monkeypatch):
    """Without a repetition penalty prompts within SPREAD tokens share a call; with one, only prompts of the same
    length do (CTranslate2 would count the longer prompts' tails as generated)."""
    summarizer = build_summarizer("ct2", "tiny:qwen2", options=SummaryOptions(max_new_tokens=30, repetition_penalty=penalty),
                                     home=Home(home))
    prompts = _prompts() + _prompts()[:4]  # the same prompts twice: equal lengths
    alone = [summarizer.summarize_scored(p) for p in prompts]
    calls: list[int] = []
    real = summarizer._batch
    monkeypatch.setattr(summarizer, "_batch", lambda batch, length: calls.append(len(batch)) or real(batch, length))
    together = summarizer.summarize_many(prompts)
    assert [t for t, _ in together] == [t for t, _ in alone]
    assert max(calls) >= 2 and len(calls) < len(prompts)


def test_summary_groups_follow_length_and_memory_bounds():
    lengths = [100, 900, 120, 880, 110, 2000]
    options = SummaryOptions(batch_size=2, batch_tokens=2500)
    # shortest first; two prompts at most; 2 × (2000 + 100) padded tokens would pass the 2,500 bound
    assert summary_groups(lengths, 100, options, "cpu") == [[0, 4], [2, 3], [1], [5]]
    assert summary_groups([10, 11, 30, 30], 5, SummaryOptions(), "cpu", spread=0) == [[0], [1], [2, 3]]
    # sixteen of one length, five to a budget: evened out rather than 5, 5, 5, 1 (a batch of one gains nothing)
    assert [len(g) for g in summary_groups([100] * 16, 20, SummaryOptions(batch_tokens=600), "cpu", spread=0)] == [5, 4, 4, 3]
    assert summary_groups([10, 10, 10, 40], 5, SummaryOptions(batch_size=3), "cpu", spread=8) == [[0, 1, 2], [3]]


def test_a_batch_run_summarizes_across_article_languages(home, monkeypatch):
    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        inner = wb.models.summarizer().inner
        sizes: list[int] = []
        real = inner.summarize_many
        monkeypatch.setattr(inner, "summarize_many", lambda prompts: sizes.append(len(prompts)) or real(prompts))
        report = wb.translate([str(p) for p in sorted(SEEDS.glob("*.txt"))[:3]], ["en", "ru"], summarize=True)
        assert report.ok, report.failures
        # the first call loads the model, the second (alone) is what a batch must beat; then one call for the rest
        # of three articles' two languages, whatever the batch measured (it decides the next batches' size)
        assert report.summaries == 6 and sizes == [1, 1, 4]
        assert len(wb.store.query("SELECT id FROM machine_outputs WHERE target = 'summary'")) == 6
        [pace] = compute.choices(Home(home))["summary_pace"].values()
        assert pace["alone_s"] > 0 and pace["batched_size"] == 4 and pace["batch_size"] in (16, 2)


def test_one_failing_summary_fails_only_its_article_language(home, monkeypatch):
    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        inner = wb.models.summarizer().inner
        real = inner.summarize_many
        russian: list[str] = []

        def some_fail(prompts: list[Prompt]) -> Any:
            """A batch fails; alone, the first Russian prompt fails again, every other one is made."""
            if len(prompts) > 1:
                raise RuntimeError("out of memory")
            if prompts[0].lang == "ru":
                russian.append(prompts[0].user)
                if prompts[0].user == russian[0]:
                    raise RuntimeError("a bad prompt")
            return real(prompts)

        monkeypatch.setattr(inner, "summarize_many", some_fail)
        report = wb.translate([str(p) for p in sorted(SEEDS.glob("*.txt"))[:3]], ["en", "ru"], summarize=True)
        recorded = [tuple(r) for r in wb.store.query("SELECT article_id, lang FROM failures")]
    assert [(f.lang, f.reason) for f in report.failures] == [("ru", "RuntimeError: a bad prompt")]
    assert report.summaries == 5 and report.translated > 0
    assert recorded == [(report.failures[0].article_id, "ru")]


def test_the_pace_keeps_a_batch_that_pays_and_halves_one_that_does_not():
    """The decision on given measurements: seconds per summary in a batch against one made alone."""
    pace = after_alone(Pace(16), 4.0)
    assert after_batch(pace, 16, 16 * 1.5) == Pace(16, 4.0, 1.5, 16)  # 1.5 s a summary against 4 s alone: kept
    slower = after_batch(pace, 16, 16 * 4.4)
    assert slower.batch_size == 8 and slower.batched == pytest.approx(4.4)  # slower than alone: halved
    assert after_batch(Pace(2, 4.0), 2, 2 * 5.0).batch_size == 1  # down to one at a time
    assert after_batch(Pace(16), 4, 40.0).batch_size == 16  # nothing alone to compare with yet: kept
    assert Pace.of({"batch_size": 32, "alone_s": 1.0}, 16) == Pace(16, 1.0)  # never above the summarizer's own


def _slowed_batches(monkeypatch: Any, inner: Any, alone_s: float, batched_s: float) -> list[int]:
    """Every summary made by the real tiny model, its time as measured given by a clock: `alone_s` for one made
    alone, `batched_s` for each one in a batch (a deliberately slow batch path, without wall-clock timing)."""
    clock = [0.0]
    sizes: list[int] = []
    real = inner.summarize_many

    def timed(prompts: list[Prompt]) -> Any:
        sizes.append(len(prompts))
        clock[0] += alone_s if len(prompts) == 1 else batched_s * len(prompts)
        return real(prompts)

    monkeypatch.setattr(summaries, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(inner, "summarize_many", timed)
    return sizes


@pytest.mark.parametrize(("alone_s", "batched_s", "expected"), [
    (1.0, 3.0, [1, 1, 2, 1, 1, 1, 1, 1, 1]),  # a batch costs 3 s a summary against 1 s alone: one at a time
    (3.0, 1.0, [1, 1, 2, 2, 2, 2]),  # a batch pays: batches from then on
])
def test_the_runner_falls_back_to_one_at_a_time_when_a_measured_batch_is_slower(home, monkeypatch, alone_s, batched_s,
                                                                                 expected):
    from dataclasses import replace

    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        summarizer = wb.models.summarizer()
        summarizer.options = replace(summarizer.options, batch_size=2)
        sizes = _slowed_batches(monkeypatch, summarizer.inner, alone_s, batched_s)
        report = wb.translate([str(p) for p in sorted(SEEDS.glob("*.txt"))], ["en", "ru"], summarize=True)
        assert report.ok and report.summaries == 10
        assert sizes == expected  # the first call loads the model (not a measurement), the second is made alone
        pace = compute.choices(Home(home))["summary_pace"][pace_key(summarizer)]
        assert pace["batch_size"] == expected[-1] and pace["alone_s"] == alone_s
        assert summaries.Pacer(summarizer, Home(home)).pace.batch_size == expected[-1]  # the next run starts there


def test_ct2_summary_batches_on_a_cpu_hold_a_token_budget(home, monkeypatch):
    """CTranslate2 reads a batch's prompts together (no gain per prompt, memory for each one's attention), so a
    CPU batch is cut at CPU_SUMMARY_TOKENS padded prompt + new tokens, however many prompts the option allows."""
    from workbench.models import ct2

    summarizer = build_summarizer("ct2", "tiny:qwen2", options=SummaryOptions(max_new_tokens=30), home=Home(home))
    prompts = [_prompts()[3]] * 7  # one length: a single model call without a budget
    assert [len(g) for g in summarizer.batch_groups(prompts)] == [7]
    length = len(summarizer._prompt_tokens(prompts[:1])[0])
    monkeypatch.setattr(ct2, "CPU_SUMMARY_TOKENS", 3 * (length + 30))
    assert [len(g) for g in summarizer.batch_groups(prompts)] == [3, 2, 2]  # evened out: no batch of one
    calls: list[int] = []
    real = summarizer._batch
    monkeypatch.setattr(summarizer, "_batch", lambda batch, new: calls.append(len(batch)) or real(batch, new))
    assert len(summarizer.summarize_many(prompts)) == 7 and calls == [3, 2, 2]
