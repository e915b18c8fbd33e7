"""Engines: "auto" picks CTranslate2 and falls back to transformers with a reason; conversions are cached and
never left half-written; CTranslate2 in float32 gives the transformers output; threads are set deliberately."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.errors import EngineUnavailable
from workbench.models.base import Prompt, SummaryOptions, TranslationOptions
from workbench.settings import Home
from workbench.testing.tiny import ENGLISH, arabic_corpus

from .conftest import SEEDS

ARTICLE = str(next(SEEDS.glob("003_*.txt")))


def test_auto_picks_ctranslate2_and_says_so(home):
    result = CliRunner().invoke(cli, ["--home", str(home), "translate", ARTICLE, "--to", "en,ru", "--profile", "tiny", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {role: e["used"] for role, e in report["engines"].items()} == {"en": "ct2", "ru": "ct2"}
    assert all(e["requested"] == "auto" and e["note"] is None for e in report["engines"].values())
    show = json.loads(CliRunner().invoke(cli, ["--home", str(home), "show", "003_70140ed69b948bf5", "--json"]).stdout)
    body = next(s for s in show["segments"] if s["kind"] == "body")
    assert body["targets"]["en"]["machine"]["provenance"]["engine"] == "ct2"


def test_without_ctranslate2_auto_uses_transformers_and_ct2_is_a_clear_error(home, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # as if it were not installed
    result = CliRunner().invoke(cli, ["--home", str(home), "translate", ARTICLE, "--to", "en", "--profile", "tiny", "--json"])
    assert result.exit_code == 0, result.output
    engine = json.loads(result.stdout)["engines"]["en"]
    assert engine["used"] == "transformers" and "ctranslate2 is not installed" in engine["note"]
    forced = CliRunner().invoke(cli, ["--home", str(home), "translate", ARTICLE, "--to", "en", "--profile", "tiny",
                                      "--engine", "ct2", "--redo"])
    assert forced.exit_code == 1
    errors = [line for line in forced.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "engine ct2 cannot run this model: ctranslate2 is not installed" in errors[0]
    assert "Traceback" not in forced.output


def test_a_model_ctranslate2_cannot_convert_falls_back(home, monkeypatch):
    from ctranslate2.converters import TransformersConverter

    def refuse(self, *args, **kwargs):
        raise ValueError("No conversion is registered for the model configuration WeirdConfig")

    monkeypatch.setattr(TransformersConverter, "convert", refuse)
    monkeypatch.setenv("WORKBENCH_CT2_DIR", str(home / "ct2"))  # nothing converted yet
    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        report = wb.translate([ARTICLE], ["en"])
        assert report.ok and report.translated == 10
        assert report.engines["en"]["used"] == "transformers"
        assert "cannot convert tiny:marian-ar-en" in report.engines["en"]["note"]
    assert not list((home / "ct2").glob(".converting-*"))  # the failed conversion left nothing behind


def test_conversion_is_cached_and_an_interrupted_one_leaves_nothing(home, monkeypatch):
    from ctranslate2.converters import TransformersConverter

    from workbench.choice.locate import locate
    from workbench.models import ct2

    root = home / "ct2"
    monkeypatch.setenv("WORKBENCH_CT2_DIR", str(root))
    located = locate("tiny:marian-ar-en", "test", home=Home(home))
    real = TransformersConverter.convert
    calls = []

    def interrupted(self, output_dir, *args, **kwargs):
        real(self, output_dir, *args, **kwargs)  # the files are written …
        raise KeyboardInterrupt  # … and the process is stopped before the conversion is put in place

    monkeypatch.setattr(TransformersConverter, "convert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ct2.converted(located, "int8", root)
    assert not root.exists() or list(root.iterdir()) == []

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TransformersConverter, "convert", counting)
    first = ct2.converted(located, "int8", root)
    again = ct2.converted(located, "int8", root)
    assert first == again and len(calls) == 1
    assert json.loads((first / ct2.MARKER).read_text())["revision"] == located.revision
    assert ct2.converted(located, "float32", root) != first and len(calls) == 2  # quantization is part of the key


def test_one_int8_conversion_serves_every_int8_compute_type_with_the_same_outputs(home, monkeypatch):
    """int8_float32 loaded from the int8 conversion translates exactly as a conversion made for int8_float32."""
    from workbench.choice.plan import build_translator
    from workbench.models import ct2

    monkeypatch.setenv("WORKBENCH_CT2_DIR", str(home / "ct2"))
    texts = _inputs("arabic")[:20]
    made = {c: build_translator("ct2", "tiny:marian-ar-en", "ar", "en", TranslationOptions(num_beams=1, compute_type=c),
                                home=Home(home)) for c in ("int8", "int8_float32")}
    assert made["int8"].folder == made["int8_float32"].folder and made["int8_float32"].info.dtype == "int8_float32"
    shared = made["int8_float32"].translate_texts(texts)
    own = ct2.converted(made["int8"].located, "int8_float32", home / "own")  # as every compute type was converted
    monkeypatch.setattr(ct2, "converted", lambda located, quantization, root: own)
    direct = build_translator("ct2", "tiny:marian-ar-en", "ar", "en", TranslationOptions(num_beams=1, compute_type="int8_float32"),
                              home=Home(home))
    assert direct.folder == own and direct.translate_texts(texts) == shared


PARITY = {  # model, source, target, inputs
    "marian-ar-en": ("tiny:marian-ar-en", "ar", "en", "arabic"),
    "marian-en-zle": ("tiny:marian-en-zle", "en", "ru", "english"),
    "m2m100": ("tiny:m2m100", "ar", "en", "arabic"),
}


def _inputs(kind: str) -> list[str]:
    return [line for line in arabic_corpus() if len(line) > 10][:60] if kind == "arabic" else ENGLISH.splitlines()


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n == "m2m100" else n for n in PARITY])
def test_ctranslate2_in_float32_gives_the_transformers_output(name, home):
    from workbench.choice.plan import build_translator

    spec, source, target, kind = PARITY[name]
    texts = _inputs(kind)
    options = TranslationOptions(num_beams=1, compute_type="float32")
    reference = build_translator("transformers", spec, source, target, options, home=Home(home)).translate_texts(texts)
    fast = build_translator("ct2", spec, source, target, options, home=Home(home))
    same = sum(a == b for a, b in zip(reference, fast.translate_texts(texts), strict=True))
    assert same >= 0.95 * len(texts), f"{same}/{len(texts)} identical"
    assert fast.info.dtype == "float32" and fast.info.engine == "ct2"


def test_ctranslate2_summarizer_in_float32_gives_the_transformers_output(home):
    from workbench.choice.plan import build_summarizer

    # repetition_penalty 1.0: transformers also penalises the prompt's tokens, CTranslate2 only generated ones
    options = SummaryOptions(compute_type="float32", max_new_tokens=40, repetition_penalty=1.0)
    lines = _inputs("arabic")
    prompts = [Prompt("t", "h", "en", "Summarize.", " ".join(lines[i:i + 3]), "", "source") for i in range(20)]
    reference = build_summarizer("transformers", "tiny:qwen2", options=options, home=Home(home))
    fast = build_summarizer("ct2", "tiny:qwen2", options=options, home=Home(home))
    same = sum(reference.summarize(p) == fast.summarize(p) for p in prompts)
    assert same >= 19, f"{same}/20 identical"


@pytest.mark.slow
def test_the_thread_setting_reaches_torch_and_ctranslate2(home, monkeypatch):
    import ctranslate2
    import torch

    from workbench import Workbench

    opened = []
    real = ctranslate2.Translator

    def recording(*args, **kwargs):
        opened.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", recording)
    before = torch.get_num_threads()
    try:
        with Workbench(home, profile="tiny", threads=2) as wb:
            wb.translate([ARTICLE], ["en"])
            assert torch.get_num_threads() == 2
        assert opened and all(k["intra_threads"] == 2 and k["inter_threads"] == 1 for k in opened)
        with Workbench(home, profile="tiny", threads=1, engine="transformers") as wb:
            wb.translate([ARTICLE], ["en"], redo=True)
            assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_engine_and_threads_in_config_are_checked(home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text('engine = "transformers"\nthreads = 1\n')
    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        report = wb.translate([ARTICLE], ["en"])
        assert report.engines["en"]["used"] == "transformers"
    (home / "config.toml").write_text('engine = "fastest"\n')
    result = CliRunner().invoke(cli, ["--home", str(home), "translate", ARTICLE, "--to", "en", "--profile", "tiny"])
    assert result.exit_code == 1 and "unknown engine 'fastest'" in result.output


def test_explicit_engine_that_cannot_run_is_one_line(home, monkeypatch):
    import dataclasses

    from workbench import Workbench
    from workbench.models import ct2

    monkeypatch.setattr(ct2, "ENGINE", dataclasses.replace(ct2.ENGINE, unavailable=lambda device: "no CUDA device (test)"))
    with Workbench(home, profile="tiny", engine="ct2") as wb, pytest.raises(EngineUnavailable, match="no CUDA device"):
        wb.translate([ARTICLE], ["en"])
    with Workbench(home, profile="tiny") as wb:  # auto: the reason is kept, transformers does the work
        report = wb.translate([ARTICLE], ["en"])
        assert report.engines["en"] == {"requested": "auto", "used": "transformers", "note": "ct2: no CUDA device (test)"}


def test_the_device_side_no_repeat_ngram_rule_bans_what_transformers_bans():
    import torch
    from transformers import NoRepeatNGramLogitsProcessor

    from workbench.models.processors import no_repeat_ngram

    generator = torch.Generator().manual_seed(0)
    for _ in range(300):
        size = int(torch.randint(2, 6, (1,), generator=generator))
        length = int(torch.randint(1, 40, (1,), generator=generator))
        ids = torch.randint(0, 9, (5, length), generator=generator)  # a small vocabulary: many repeats
        scores = torch.randn(5, 9, generator=generator)
        theirs = NoRepeatNGramLogitsProcessor(size)(ids, scores.clone())
        ours = no_repeat_ngram(size)(ids, scores.clone())
        every_token_banned = torch.isinf(theirs).all(dim=-1)
        assert torch.equal(torch.isinf(ours)[~every_token_banned], torch.isinf(theirs)[~every_token_banned])
        assert not torch.isinf(ours).all(dim=-1).any()  # a row keeps at least one token
