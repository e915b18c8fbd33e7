"""`workbench eval`: scores and signatures are sacrebleu's on the same strings; the paired test runs; FLORES-style
files work; COMET is skipped cleanly."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER

from workbench.app.cli import cli

from .conftest import ROOT

PAIRS = json.loads((ROOT / "tests" / "data" / "reference_pairs.json").read_text(encoding="utf-8"))


def _refs(tmp_path):
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps({"ar": p["ar"], "en": p["en"], "ru": p["ru"]}, ensure_ascii=False) + "\n"
                            for p in PAIRS if p.get("ru")), encoding="utf-8")
    return path


def test_scores_are_sacrebleus_on_the_same_strings(home, tmp_path):
    refs = _refs(tmp_path)
    trace = tmp_path / "calls.jsonl"
    result = CliRunner(env={"WORKBENCH_TRACE": str(trace)}).invoke(
        cli, ["--home", str(home), "eval", str(refs), "--to", "en", "--profile", "tiny", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = [json.loads(line) for line in refs.read_text().splitlines()]
    from workbench import Workbench
    from workbench.runs.evaluation import translate_sources

    with Workbench(home, profile="tiny") as wb:  # the same cache: the same outputs, no model call needed
        hyps = translate_sources(wb.models, [r["ar"] for r in rows], ["en"])["en"]
    references = [[r["en"] for r in rows]]
    for name, metric in (("bleu", BLEU()), ("chrf++", CHRF(word_order=2)), ("ter", TER())):
        expected = metric.corpus_score(hyps, references)
        got = report["languages"]["en"]["scores"][name]
        assert got["score"] == round(expected.score, 2) and got["signature"] == str(metric.get_signature())
    assert report["sentences"] == len(rows) and "COMET skipped" in report["note"]
    assert report["languages"]["en"]["model"] == "tiny:marian-ar-en"


def test_compare_runs_the_paired_bootstrap_and_pivots(home, tmp_path):
    result = CliRunner().invoke(cli, ["--home", str(home), "eval", str(_refs(tmp_path)), "--profile", "tiny",
                                      "--compare", "tiny:m2m100", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["languages"]) == {"en", "ru"}
    ru = report["languages"]["ru"]
    assert ru["model"] == "tiny:marian-en-zle" and ru["compare"]["model"] == "tiny:m2m100"
    test = ru["compare"]["paired_bootstrap"]
    assert set(test) == {"bleu", "chrf++"} and all(0 <= v["p_value"] <= 1 for v in test.values())
    assert set(test) < set(ru["compare"]["scores"])  # keyed as the scores are (sacrebleu says "BLEU", "chrF2++")
    assert all(type(n) is float for v in test.values() for n in v.values()), test  # "4.3457937" was a string


def test_flores_style_files(home, tmp_path):
    src, ref = tmp_path / "devtest.arb_Arab", tmp_path / "devtest.eng_Latn"
    src.write_text("\n".join(p["ar"] for p in PAIRS) + "\n", encoding="utf-8")
    ref.write_text("\n".join(p["en"] for p in PAIRS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "eval", "--src", str(src), "--ref", str(ref),
                                      "--profile", "tiny", "--json"])
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.output)["languages"]) == ["en"]
    bad = tmp_path / "devtest.txt"
    bad.write_text("x\n")
    result = CliRunner().invoke(cli, ["--home", str(home), "eval", "--src", str(src), "--ref", str(bad), "--profile", "tiny"])
    assert result.exit_code == 1 and "suffix" in result.output


def test_approved_translations_score_the_machine_output(translated):
    from sacrebleu.metrics import CHRF

    article = "000_b2b0b7ef8c4c7ace"
    view = translated.article(article).to_dict()
    body = [s for s in view["segments"] if s["kind"] == "body"][:2]
    for seg, pair in zip(body, PAIRS, strict=False):
        translated.save(article, seg["id"], "en", pair["en"], author="ed", base_revision_id=seg["targets"]["en"]["revision_id"],
                        reviewed=True)
    translated.approve(article, "en", "chief", override="the rest is tiny-model output")  # only the two are references
    result = CliRunner().invoke(cli, ["--home", str(translated.home), "eval", "--approved", "--to", "en", "--json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.output)["approved"]["en"]["tiny:marian-ar-en"]
    machine = [s["targets"]["en"]["machine"]["text"] for s in body]
    expected = CHRF(word_order=2).corpus_score(machine, [[p["en"] for p in PAIRS[:2]]]).score
    assert entry["segments"] == 2 and entry["scores"]["chrf++"]["score"] == round(expected, 2)
