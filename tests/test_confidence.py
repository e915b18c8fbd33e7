"""Per-output confidence: recorded by both engines for every machine output, the same number from the cache,
the model's own probability, and used to order an article for review and in exports."""

from __future__ import annotations

import csv
import io
import math

import pytest

from workbench.app import operations as ops
from workbench.models.base import DECODING_TOLERANCE, Confidence, TranslationOptions
from workbench.review.confidence import LOW_CONFIDENCE
from workbench.settings import Home
from workbench.testing.tiny import arabic_corpus

from .conftest import SEEDS

ARTICLE = "003_70140ed69b948bf5"


def _machine_outputs(wb) -> list[dict]:
    rows = wb.store.query("SELECT target, provenance FROM machine_outputs")
    import json

    return [{"target": r["target"], **json.loads(r["provenance"])} for r in rows]


@pytest.mark.parametrize("engine", ["transformers", "ct2"])
def test_every_machine_output_of_both_engines_stores_its_confidence(home, engine):
    from workbench import Workbench

    with Workbench(home, profile="tiny", engine=engine) as wb:
        report = wb.translate([str(next(SEEDS.glob("003_*.txt")))], ["en", "ru"], summarize=True)
        assert report.ok, report.failures
        outputs = _machine_outputs(wb)
    assert {o["target"] for o in outputs} == {"segment", "summary"} and len(outputs) == 22
    for o in outputs:
        assert o["engine"] == engine
        conf = o["confidence"]
        assert 0 < conf["score"] <= 1 and conf["tokens"] > 0 and conf["low_tokens"]
        assert math.isclose(conf["score"], math.exp(conf["mean_logprob"]), rel_tol=1e-3)
        # the least sure tokens are listed least sure first, and none is surer than the mean
        lows = [t["logprob"] for t in conf["low_tokens"]]
        assert lows == sorted(lows) and lows[0] <= conf["mean_logprob"] + 1e-6


def test_confidence_from_the_cache_is_the_same_number(home):
    from workbench import Workbench

    article = str(next(SEEDS.glob("003_*.txt")))
    with Workbench(home, profile="tiny") as wb:
        wb.translate([article], ["en"], summarize=True)
        first = _machine_outputs(wb)
        view = wb.article(wb.store.article_ids()[0]).to_dict()
        for seg in [s for s in view["segments"] if s["targets"].get("en")]:  # a person's text on every unit: the
            wb.save(view["id"], seg["id"], "en", "A person's text.", author="mona",  # same text again writes nothing
                    base_revision_id=seg["targets"]["en"]["revision_id"])
        summary = view["summaries"]["en"]
        wb.save(view["id"], None, "en", "A person's summary.", author="mona", base_revision_id=summary["revision_id"],
                target="summary")
        wb.translate([article], ["en"], summarize=True, redo=True, replace_edited=True)
        again = _machine_outputs(wb)[len(first):]
    assert len(again) == len(first) == 11 and not any(o["cached"] for o in first) and all(o["cached"] for o in again)
    assert [o["confidence"] for o in again] == [o["confidence"] for o in first]


def test_confidence_is_the_models_probability_of_its_output(home):
    """The transformers engine's number equals the model's own loss on its output, computed independently; the
    CTranslate2 engine (float32) gives the same number within rounding."""
    import torch

    from workbench.choice.plan import build_translator

    texts = [line for line in arabic_corpus() if len(line) > 10][:6]
    options = TranslationOptions(num_beams=1, compute_type="float32")
    hf = build_translator("transformers", "tiny:marian-ar-en", "ar", "en", options, home=Home(home))
    tokenizer, model, _ = hf.load()
    generated = []
    generate = model.generate
    model.generate = lambda *a, **k: generated.append(generate(*a, **k)) or generated[-1]
    scored = [hf.translate_scored([text])[0] for text in texts]
    for text, (_, conf), out in zip(texts, scored, generated, strict=True):
        with torch.no_grad():  # the model's own mean loss on the tokens it generated (start token aside)
            loss = model(**tokenizer([text], return_tensors="pt"), labels=out[:, 1:]).loss
        assert conf is not None and conf.tokens == out.shape[1] - 1
        # taken from the decoding: within the documented tolerance of the teacher-forced value (base.py)
        assert conf.mean_logprob == pytest.approx(-float(loss), abs=DECODING_TOLERANCE)
    fast = build_translator("ct2", "tiny:marian-ar-en", "ar", "en", options, home=Home(home)).translate_scored(texts)
    for (a, ca), (b, cb) in zip(scored, fast, strict=True):
        assert a == b and ca and cb and ca.tokens == cb.tokens
        assert cb.mean_logprob == pytest.approx(ca.mean_logprob, abs=0.01)


def test_confidence_record_round_trips():
    conf = Confidence.of(["a", "b", "c", "d"], [-0.1, -2.0, -0.5, -1.0], readable=str.upper)
    assert conf is not None and conf.low == (("B", -2.0), ("D", -1.0), ("C", -0.5))
    assert Confidence.from_dict(conf.to_dict()).mean_logprob == pytest.approx(conf.mean_logprob, abs=1e-4)
    assert Confidence.of([], []) is None


def test_review_order_puts_untouched_flagged_and_least_confident_first(translated):
    view = translated.article(ARTICLE).to_dict()
    body = [s for s in view["segments"] if s["kind"] != "meta"]
    edited = body[0]
    translated.save(ARTICLE, edited["id"], "en", "Lavrov met Tokayev.", author="t",
                    base_revision_id=edited["targets"]["en"]["revision_id"])
    result = ops.review_order(translated, article_id=ARTICLE, language="en")
    assert result["ok"] and "geometric mean" in result["explanation"]
    rows = result["segments"]
    assert len(rows) == len(body) and rows[-1]["segment_id"] == edited["id"]
    assert rows[-1]["reviewed"] and rows[-1]["confidence"] is None
    untouched = [r for r in rows if not r["reviewed"]]
    keys = [(not r["flags"], r["confidence"]) for r in untouched]
    assert keys == sorted(keys) and all(r["confidence"] is not None for r in untouched)
    # tiny random models are never confident: every untouched output is marked, with the flag's meaning
    assert all(r["low_confidence"] and "low_confidence" in r["flags"] for r in untouched)
    assert all(r["confidence"] < LOW_CONFIDENCE for r in untouched)
    low = ops.review_order(translated, article_id=ARTICLE, language="en", order="document", only="low_confidence")["segments"]
    assert [r["segment_id"] for r in low] == [s["id"] for s in body[1:]]
    assert ops.review_order(translated, article_id=ARTICLE, language="de")["ok"] is False
    assert ops.review_order(translated, article_id=ARTICLE, language="en", order="sideways")["ok"] is False


def test_exports_carry_the_confidence(translated, tmp_path):
    view = translated.article(ARTICLE).to_dict()
    score = {s["id"]: s["targets"]["en"]["confidence"]["score"] for s in view["segments"] if s["kind"] != "meta"}
    data = translated.render_export([ARTICLE], ["en"], "csv")[0].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert {r["segment_id"]: float(r["confidence"]) for r in rows} == pytest.approx(score, abs=1e-4)
    xliff = translated.render_export([ARTICLE], ["en"], "xliff")[0].decode("utf-8")
    assert xliff.count('from="workbench-confidence"') == len(score)
