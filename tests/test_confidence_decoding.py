"""Confidence taken from the decoding (issue 22; no timings here: `workbench bench` checks the speed targets):

- it equals the teacher-forced value within DECODING_TOLERANCE on both engines, greedy and beam, and
  `confidence_detail = "all"` still gives the teacher-forced numbers;
- the least sure words are computed on demand for an output the run left them out of.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from workbench.models.base import DECODING_TOLERANCE, TranslationOptions
from workbench.settings import Home
from workbench.testing.tiny import arabic_corpus

TEXTS = [line for line in arabic_corpus() if len(line) > 10][:40]


def _translator(engine: str, beams: int, detail: str, home: Path, spec: str = "tiny:marian-ar-en", **kw: Any) -> Any:
    from workbench.choice.plan import build_translator

    return build_translator(engine, spec, "ar", "en", TranslationOptions(num_beams=beams, confidence_detail=detail, **kw),
                            home=Home(home))


# --------------------------------------------------------------------------- confidence from the decoding
@pytest.mark.parametrize(("engine", "beams"), [
    ("transformers", 1), ("ct2", 1), ("ct2", 4),
    pytest.param("transformers", 4, marks=pytest.mark.slow),  # ~17 s of CPU: four beams through transformers
])
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

    from workbench.models.hf import seq2seq_logprobs
    from workbench.models.processors import StepLogprobs, no_repeat_ngram

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
    from workbench.models.wrappers import CachedTranslator, TranslationCache

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
    from workbench.models.base import output_settings

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
    from workbench.app.catalog import registry
    from workbench.runs.translation import translatable_segments

    article = translated.articles()[0].id
    seg = translatable_segments(translated.store, article)[0]["id"]
    result = registry()["unit_details"](translated, article_id=article, unit=seg, language="en")
    assert result["ok"] and result["confidence"]["low_tokens"]

