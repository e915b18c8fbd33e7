"""Issue 22's behaviour (no timings here: `workbench bench` checks the speed targets):

- confidence taken from the decoding equals the teacher-forced value within DECODING_TOLERANCE on both engines,
  greedy and beam, and `confidence_detail = "all"` still gives the teacher-forced numbers;
- the least sure words are computed on demand for an output the run left them out of;
- batched summaries equal one-at-a-time summaries (greedy) on both engines, and batch runs batch them across
  article languages, one failing summary costing only its own article language;
- the compute choice: candidates, rules, a cached measurement, and clean fallbacks where a type is missing.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from workbench.engines import compute
from workbench.engines.base import (
    DECODING_TOLERANCE,
    Prompt,
    SummaryOptions,
    TranslationOptions,
    summary_groups,
)
from workbench.engines.tiny import arabic_corpus

from .conftest import SEEDS

TEXTS = [line for line in arabic_corpus() if len(line) > 10][:40]
AMX = {"avx2", "avx512f", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile", "avx512_bf16"}
AVX2 = {"avx", "avx2", "fma"}


def _translator(engine: str, beams: int, detail: str, home: Path, spec: str = "tiny:marian-ar-en", **kw: Any) -> Any:
    from workbench.engines.ct2 import Ct2Translator
    from workbench.engines.hf import Seq2SeqTranslator

    cls = Ct2Translator if engine == "ct2" else Seq2SeqTranslator
    return cls(spec, "ar", "en", TranslationOptions(num_beams=beams, confidence_detail=detail, **kw), home=str(home))


# --------------------------------------------------------------------------- confidence from the decoding
@pytest.mark.parametrize("engine", ["transformers", "ct2"])
@pytest.mark.parametrize("beams", [1, 4])
def test_decoding_confidence_is_the_teacher_forced_value_within_the_tolerance(engine, beams, home):
    decoded = _translator(engine, beams, "none", home).translate_scored(TEXTS)
    forced = _translator(engine, beams, "all", home).translate_scored(TEXTS)  # one teacher-forced pass, as before
    assert [t for t, _ in decoded] == [t for t, _ in forced]
    for (_, a), (_, b) in zip(decoded, forced, strict=True):
        assert a is not None and b is not None and a.tokens == b.tokens
        assert a.mean_logprob == pytest.approx(b.mean_logprob, abs=DECODING_TOLERANCE)
        assert 0 < a.score <= 1 and math.isclose(a.score, math.exp(a.mean_logprob))
    if engine == "transformers" or beams == 1:  # the decoding gives each token's log-probability: words for free
        assert all(c and c.low for _, c in decoded)


def test_ct2_beams_give_the_least_sure_words_of_low_outputs_only_in_the_run(home):
    """With beams CTranslate2 gives a score per output, not per token: "low" scores again only the outputs below
    LOW_CONFIDENCE (every output of a random model), "none" only those cut at the length cap."""
    low = _translator("ct2", 4, "low", home).translate_scored(TEXTS)
    assert all(c and c.is_low and c.low for _, c in low)
    none = _translator("ct2", 4, "none", home).translate_scored(TEXTS)
    assert any(c and not c.low for _, c in none)


def test_the_step_recorder_finds_every_beam_hypothesis(home):
    """transformers beam search: the recorded log-probability of each token of each returned hypothesis is the one
    the decoder chose it with (teacher-forced and renormalised after the n-gram ban: equal within the tolerance),
    the forced end at the cap aside."""
    import torch
    from transformers import LogitsProcessorList

    from workbench.engines.hf import seq2seq_logprobs
    from workbench.engines.processors import StepLogprobs, no_repeat_ngram

    tokenizer, model, _ = _translator("transformers", 4, "none", home).load()
    enc = tokenizer(TEXTS[:12], return_tensors="pt", padding=True)
    recorder = StepLogprobs(4, [0])
    with torch.inference_mode():
        out = model.generate(**enc, num_beams=4, max_length=40, renormalize_logits=True,
                             logits_processor=LogitsProcessorList([no_repeat_ngram(4), recorder.processor()]))
        forced = seq2seq_logprobs(model, enc, out, tokenizer.pad_token_id)
    for got, want in zip(recorder.finish(out, 1), forced, strict=True):
        assert [t for t, _ in got] == [t for t, _ in want] and got
        for (_, a), (_, b) in zip(got[:-1], want[:-1], strict=True):
            assert a == pytest.approx(b, abs=0.05)


def test_cached_outputs_keep_their_confidence(home):
    """An output cached with the teacher-forced number (before issue 22) comes back with that number."""
    from workbench.engines.wrappers import CachedTranslator, TranslationCache

    cache = TranslationCache()
    before = CachedTranslator(_translator("ct2", 4, "all", home), cache).translate_scored(TEXTS[:5])
    after = CachedTranslator(_translator("ct2", 4, "none", home), cache).translate_scored(TEXTS[:5])
    assert [c.to_dict() for _, c in after if c] == [c.to_dict() for _, c in before if c]


def test_the_detail_option_is_checked():
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="confidence_detail"):
        TranslationOptions(confidence_detail="some")
    assert "confidence_detail" not in json.dumps(_output_settings(TranslationOptions(confidence_detail="none")))


def _output_settings(options: TranslationOptions) -> dict[str, Any]:
    from workbench.engines.base import output_settings

    return output_settings(options)  # speed-only options are not part of the cache key


# --------------------------------------------------------------------------- least sure words on demand
def _unit_without_words(wb: Any) -> Any:
    from workbench.runs.translation import translatable_segments

    article = wb.articles()[0].id
    seg = translatable_segments(wb.store, article)[1]["id"]
    unit = wb.article(article).row(seg).unit("en")
    assert unit.confidence.low_tokens  # the tiny models are unsure of everything: the run recorded them
    return replace(unit, confidence=replace(unit.confidence, low_tokens=()))


def test_least_sure_words_are_computed_when_a_segment_is_opened(translated):
    from workbench.review.confidence import least_sure_on_demand

    unit = _unit_without_words(translated)
    got = least_sure_on_demand(unit, lambda: translated.models.translator("en"))
    assert got is not None and got["low_tokens"] and got["score"] == unit.confidence.score
    lows = [t["logprob"] for t in got["low_tokens"]]
    assert lows == sorted(lows)


def test_least_sure_words_need_the_model_that_made_the_output(translated, monkeypatch):
    from collections import OrderedDict

    from workbench.review import confidence
    from workbench.review.confidence import least_sure_on_demand

    monkeypatch.setattr(confidence, "_DETAILS", OrderedDict())  # words computed by an earlier test are kept
    unit = _unit_without_words(translated)
    other = translated.models.translator("ru")  # another model: its words would say nothing about this output
    assert least_sure_on_demand(unit, lambda: other)["low_tokens"] == []

    def broken() -> Any:
        raise RuntimeError("no model here")

    assert least_sure_on_demand(unit, broken) == unit.confidence.to_dict()  # the panel opens all the same
    assert least_sure_on_demand(None, broken) is None


def test_unit_details_carries_the_confidence(translated):
    from workbench.app import operations as ops
    from workbench.runs.translation import translatable_segments

    article = translated.articles()[0].id
    seg = translatable_segments(translated.store, article)[0]["id"]
    result = ops.OPERATIONS["unit_details"](translated, article, seg, "en")
    assert result["ok"] and result["confidence"]["low_tokens"]


# --------------------------------------------------------------------------- batched summaries
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


# --------------------------------------------------------------------------- the compute choice
def test_candidates_follow_the_cpu_and_the_installed_engines(monkeypatch):
    import builtins

    amx = [c.name for c in compute.candidates(AMX)]
    assert "transformers:bfloat16" in amx and "ct2:int8" in amx
    assert "transformers:bfloat16" not in [c.name for c in compute.candidates(AVX2)]
    real_import = builtins.__import__

    def no_ct2(name: str, *a: Any, **k: Any) -> Any:
        if name == "ctranslate2":
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_ct2)
    assert [c.engine for c in compute.candidates(AVX2)] == ["transformers"]


def test_a_type_ctranslate2_does_not_offer_here_is_no_candidate(monkeypatch):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", lambda device: {"int8", "float32"})
    assert [c.name for c in compute.candidates(AVX2)] == ["ct2:int8", "ct2:float32", "transformers:float32"]


def test_the_rules_without_a_measurement(home):
    assert compute.choose("translation", home, flags=AMX).name == "ct2:int8"
    assert compute.choose("summaries", home, flags=AMX).name == "transformers:bfloat16"
    assert compute.choose("summaries", home, flags=AVX2).name == "ct2:int8"
    assert compute.choose("summaries", home, engine="ct2", flags=AMX).name == "ct2:int8"
    assert compute.choose("translation", home, engine="transformers", flags=AMX).name == "transformers:bfloat16"
    assert compute.choose("translation", home, engine="transformers", flags=AVX2).name == "transformers:float32"
    assert compute.source(home) == "rules"


def test_a_cached_measurement_decides_beyond_the_margin(home, monkeypatch):
    monkeypatch.setattr(compute, "cpu_flags", lambda: AVX2)
    rates = {"translation": {"ct2:int8": 500.0, "ct2:int8_float32": 520.0, "transformers:float32": 100.0},
             "llm_prefill": {"ct2:int8": 500.0, "transformers:float32": 150.0},
             "llm_decode": {"ct2:int8": 20.0, "transformers:float32": 60.0}}
    entry = compute.save_measured(rates, home)
    assert compute.source(home) == "measured"
    assert compute.choose("translation", home).name == "ct2:int8"  # 4 % faster is noise: the rule stays
    # 1500/500 + 120/20 = 9 s against 1500/150 + 120/60 = 12 s per typical summary
    assert compute.choose("summaries", home).name == "ct2:int8" and entry["choice"]["summaries"] == "ct2:int8"
    rates["llm_decode"]["transformers:float32"] = 600.0  # 10.2 s against 9 s: still ct2
    compute.save_measured(rates, home)
    assert compute.choose("summaries", home).name == "ct2:int8"
    rates["llm_prefill"]["transformers:float32"] = 1500.0  # 1.2 s
    compute.save_measured(rates, home)
    assert compute.choose("summaries", home).name == "transformers:float32"
    assert compute.choose("summaries", home, engine="ct2").name == "ct2:int8"


def test_another_machine_or_a_damaged_file_falls_back_to_the_rules(home, monkeypatch):
    monkeypatch.setattr(compute, "cpu_flags", lambda: AVX2)
    compute.save_measured({"translation": {"transformers:float32": 9000.0, "ct2:int8": 1.0}}, home)
    assert compute.choose("translation", home).name == "transformers:float32"
    monkeypatch.setattr(compute, "cpu_flags", lambda: AMX)  # another CPU: the measurement is not for it
    assert compute.choose("translation", home).name == "ct2:int8"
    path = Path(home) / "cache" / "compute.json"
    path.write_text("{not json", encoding="utf-8")
    assert compute.choose("summaries", home).name == "transformers:bfloat16" and compute.source(home) == "rules"


def test_auto_prefers_the_stage_choice_but_not_for_the_tiny_models(home):
    assert compute.preferred_engine("tiny:qwen2", "summaries", "cpu", home) is None
    assert compute.preferred_engine("Qwen/Qwen2.5-0.5B-Instruct", "summaries", "cuda", home) is None
    assert compute.preferred_engine("Qwen/Qwen2.5-0.5B-Instruct", "summaries", "cpu", home) in ("ct2", "transformers")


def test_outputs_of_other_compute_types_stay_apart_in_the_cache(home, monkeypatch):
    from workbench.engines.hf import cpu_compute
    from workbench.engines.wrappers import CachedTranslator, TranslationCache

    monkeypatch.setattr(compute, "cpu_flags", lambda: AMX)
    assert cpu_compute("tiny:marian-ar-en", "auto", "translation", str(home)) == "float32"  # the same on every machine
    assert cpu_compute("org/model", "auto", "summaries", str(home)) == "bfloat16"
    assert cpu_compute("org/model", "float32", "summaries", str(home)) == "float32"
    cache = TranslationCache()
    fp32 = _translator("transformers", 1, "low", home)
    bf16 = _translator("transformers", 1, "low", home, compute_type="bfloat16")
    assert "compute_type" not in fp32.settings() and bf16.settings()["compute_type"] == "bfloat16"
    keys = [CachedTranslator(t, cache)._keys(TEXTS[:1])[0] for t in (fp32, bf16)]
    assert keys[0] != keys[1]
    assert _translator("ct2", 1, "low", home).settings()["compute_type"] == "int8"


# --------------------------------------------------------------------------- the pipeline benchmark's articles
def test_the_pipeline_articles_repeat_no_sentence(tmp_path):
    from workbench.app.pipeline_bench import generate_articles
    from workbench.text.articles import build_article

    paths = generate_articles(7, tmp_path)  # five sample articles: the first two come twice
    articles = [{s.source_text for s in build_article(p.read_text(encoding="utf-8"), p.stem)[1] if s.kind != "meta"}
                for p in paths]
    assert len(paths) == 7 and sum(len(a) for a in articles) > 50
    for i, one in enumerate(articles):
        for other in articles[i + 1:]:
            assert not one & other  # no article repeats another's sentence: nothing comes from the cache


def test_bench_has_the_pipeline_switches():
    from click.testing import CliRunner

    from workbench.app.cli import cli

    out = CliRunner().invoke(cli, ["bench", "--help"]).output
    for option in ("--pipeline", "--articles", "--today", "--compute", "--summary-batch", "--batch-new-tokens"):
        assert option in out
