"""The compute choice (`choice/compute.py`): candidates, rules, a cached measurement, clean fallbacks where a type
is missing, and outputs of other compute types kept apart in the cache (issue 22; no timings here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workbench.choice import compute
from workbench.models.base import TranslationOptions
from workbench.settings import Home
from workbench.testing.tiny import arabic_corpus

TEXTS = [line for line in arabic_corpus() if len(line) > 10][:40]
AMX = {"avx2", "avx512f", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile", "avx512_bf16"}
AVX2 = {"avx", "avx2", "fma"}


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """The data home as an entry resolves it: what the compute choice is handed."""
    return Home(tmp_path / "data")


def _translator(engine: str, beams: int, detail: str, home: Home, spec: str = "tiny:marian-ar-en", **kw: Any) -> Any:
    from workbench.choice.plan import build_translator

    return build_translator(engine, spec, "ar", "en", TranslationOptions(num_beams=beams, confidence_detail=detail, **kw),
                            home=home)


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
    path = home.cache / "compute.json"
    path.write_text("{not json", encoding="utf-8")
    assert compute.choose("summaries", home).name == "transformers:bfloat16" and compute.source(home) == "rules"


def test_auto_prefers_the_stage_choice_but_not_for_the_tiny_models(home):
    assert compute.preferred_engine("tiny:qwen2", "summaries", "cpu", home) is None
    assert compute.preferred_engine("Qwen/Qwen2.5-0.5B-Instruct", "summaries", "cuda", home) is None
    assert compute.preferred_engine("Qwen/Qwen2.5-0.5B-Instruct", "summaries", "cpu", home) in ("ct2", "transformers")


def test_outputs_of_other_compute_types_stay_apart_in_the_cache(home, monkeypatch):
    from workbench.models.base import Located, Request
    from workbench.models.registry import get_engine
    from workbench.models.wrappers import CachedTranslator, TranslationCache

    monkeypatch.setattr(compute, "cpu_flags", lambda: AMX)
    hf = get_engine("transformers")

    def chosen(spec: str, requested: str, stage: str) -> str:
        return compute.compute_for(hf, Located(spec, spec, None, "mit", True), requested, stage, "cpu", home)

    assert chosen("tiny:marian-ar-en", "auto", "translation") == "float32"  # the same on every machine
    assert chosen("org/model", "auto", "summaries") == "bfloat16"
    assert chosen("org/model", "float32", "summaries") == "float32"
    cache = TranslationCache()
    fp32 = _translator("transformers", 1, "low", home)
    bf16 = _translator("transformers", 1, "low", home, compute_type="bfloat16")
    assert "compute_type" not in fp32.settings() and bf16.settings()["compute_type"] == "bfloat16"
    keys = [CachedTranslator(t, cache).keys([Request(TEXTS[0])])[0] for t in (fp32, bf16)]
    assert keys[0] != keys[1]
    assert _translator("ct2", 1, "low", home).settings()["compute_type"] == "int8"


def test_the_first_choice_needed_here_is_probed_once_and_cached(home, monkeypatch):
    """Without a measurement the first choice runs the probe (seconds; never for another CPU's flags), and what it
    measured decides from then on, shown as "probe" until `workbench bench` measures the full models."""
    monkeypatch.setattr(compute, "cpu_flags", lambda: AVX2)
    monkeypatch.delenv("WORKBENCH_NO_PROBE")
    calls: list[str | None] = []

    def probe(at):
        calls.append(at)
        compute.save_measured({"translation": {"ct2:int8": 10.0, "transformers:float32": 100.0}}, at, "probe")

    monkeypatch.setattr(compute, "run_probe", probe)
    assert compute.choose("translation", home, flags=AMX).name == "ct2:int8" and calls == []  # another CPU's rules
    assert compute.choose("translation", home).name == "transformers:float32" and len(calls) == 1
    assert compute.choose("summaries", home).name == "ct2:int8" and len(calls) == 1  # cached: not probed again
    assert compute.source(home) == "probe" and compute.choices(home)["stages"]["translation"]["source"] == "probe"
    compute.save_measured({"translation": {"ct2:int8": 10.0, "transformers:float32": 5.0}}, home)  # the bench's
    assert compute.choose("translation", home).name == "ct2:int8" and compute.source(home) == "measured"


def test_a_probe_that_fails_leaves_the_rules(home, monkeypatch):
    monkeypatch.setattr(compute, "cpu_flags", lambda: AVX2)
    monkeypatch.delenv("WORKBENCH_NO_PROBE")
    monkeypatch.setattr(compute, "run_probe", lambda at: (_ for _ in ()).throw(OSError("no memory")))
    assert compute.choose("translation", home).name == "ct2:int8" and compute.source(home) == "rules"


@pytest.mark.slow
def test_the_probe_measures_every_candidate_in_seconds(home, monkeypatch):
    """The real probe in its own process: two-layer models of the benchmark's widths, every candidate of every
    stage, cached for this machine."""
    import time

    monkeypatch.delenv("WORKBENCH_NO_PROBE")
    started = time.perf_counter()
    found = compute.measured(home)
    assert found is not None and set(found["rates"]) == {"translation", "llm_prefill", "llm_decode"}
    assert set(found["rates"]["translation"]) == {c.name for c in compute.candidates()}
    assert compute.source(home) == "probe" and time.perf_counter() - started < compute.PROBE_TIMEOUT


def test_a_decode_without_measurable_time_decides_nothing(home, monkeypatch):
    """One noisy round can time the decoding steps at or under the first token: a rate of 0, never 1e11."""
    from workbench.bench.speed import DECODE_BATCH, DECODE_STEPS, PREFILL_TOKENS, llm_rates

    assert llm_rates([(2.0, 0.5, 0.45)]) == (PREFILL_TOKENS / 2.0, 0.0)
    assert llm_rates([(2.0, 0.5, 1.5), (2.0, 0.6, 1.4)]) == (PREFILL_TOKENS / 2.0, round(DECODE_BATCH * DECODE_STEPS / 0.9, 1))
    monkeypatch.setattr(compute, "cpu_flags", lambda: AVX2)
    rates = {"llm_prefill": {"ct2:int8": 500.0, "transformers:float32": 450.0},
             "llm_decode": {"ct2:int8": 20.0, "transformers:float32": 0.0}}
    assert compute.best("llm_decode", rates).name == "ct2:int8" and compute.best("summaries", rates).name == "ct2:int8"
