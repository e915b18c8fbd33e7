"""Batched summaries (`SummaryOptions`, `summary_groups`, both engines' `summarize_many`): they equal one-at-a-time
summaries (greedy) on both engines, batch runs batch them across article languages, and one failing summary costs
only its own article language (issue 22; no timings here: `workbench bench` checks the speed targets)."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.engines.base import Prompt, SummaryOptions, summary_groups
from workbench.engines.tiny import arabic_corpus

from .conftest import SEEDS


def _prompts(count: int = 14) -> list[Prompt]:
    lines = [line for line in arabic_corpus() if len(line) > 10]
    return [Prompt("t", "h", "en", "Summarize.", " ".join(lines[i:i + 1 + i % 5]), "", "source") for i in range(count)]


@pytest.mark.parametrize("penalty", [1.1, 1.0])
def test_transformers_batched_summaries_equal_one_at_a_time(penalty, home):
    from workbench.engines import hf

    summarizer = hf.make_summarizer("tiny:qwen2", options=SummaryOptions(max_new_tokens=30, repetition_penalty=penalty),
                                    home=str(home))
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
    from workbench.engines import ct2

    summarizer = ct2.make_summarizer("tiny:qwen2", options=SummaryOptions(max_new_tokens=30, repetition_penalty=penalty),
                                     home=str(home))
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


def test_a_batch_run_summarizes_across_article_languages(home, monkeypatch):
    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        inner = wb.models.summarizer().inner
        sizes: list[int] = []
        real = inner.summarize_many
        monkeypatch.setattr(inner, "summarize_many", lambda prompts: sizes.append(len(prompts)) or real(prompts))
        report = wb.translate([str(p) for p in sorted(SEEDS.glob("*.txt"))[:3]], ["en", "ru"], summarize=True)
        assert report.ok, report.failures
        assert report.summaries == 6 and sum(sizes) == 6 and max(sizes) == 6  # one call for three articles' two languages
        assert len(wb.store.query("SELECT id FROM machine_outputs WHERE target = 'summary'")) == 6


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
