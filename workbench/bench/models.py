"""`workbench bench`: engine speed on the real architectures with random weights, in one process.

A random-weight model of a real architecture costs the same per token as the trained one once output lengths
are fixed, so every engine generates exactly `output_tokens` tokens per sentence (transformers:
min_new_tokens = max_new_tokens; CTranslate2: min = max decoding length). Measured on the same seed sentences:

- `baseline`: transformers, one sentence at a time (the plain way to call generate());
- `transformers`: the workbench's transformers translator, batched as the workbench runs it;
- `ct2`: the workbench's CTranslate2 translator, as the workbench runs it, confidence from the decoding (its
  least sure words on demand: what a run pays for outputs above the low-confidence threshold);
- `ct2_detail_all`: the same with every output's least sure words computed in the run (one teacher-forced pass
  each, as before issue 22: what a run pays for outputs below the threshold; random weights put every output
  there, a trained model few);
- `ct2_raw`: `ctranslate2.Translator.translate_batch` called directly on pre-tokenized input (the ceiling for
  the workbench's CTranslate2 path: the difference is the workbench's own overhead);

and, for summaries, a Qwen2.5-0.5B-shaped model: prefill and decode tokens per second per engine, and a batch of
article-languages against transformers float32 one at a time (`bench_speed`); and each compute candidate per
stage on this CPU (`compute`).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..choice.threads import current_threads
from ..models.base import Prompt, SummaryOptions, TranslationOptions
from ..settings import Home
from .common import _sync, _time, seed_sentences

MARIAN_VOCAB = 62834  # opus-mt-ar-en (MODELS.md)
QWEN_05B: dict[str, Any] = dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                num_key_value_heads=2, vocab_size=151936, max_position_embeddings=32768, tie_word_embeddings=True)


@dataclass
class Settings:
    home: Home  # as the `bench` command resolved it
    device: str = "cpu"
    engine: str = "auto"
    beams: list[int] = field(default_factory=lambda: [4])
    sentences: int = 64
    output_tokens: int = 48
    batch_size: int = 16
    batch_tokens: int = 0  # 0: the engine's choice for the device (a token budget on GPUs)
    baseline_sentences: int = 16
    summarizer: bool = True
    prompt_tokens: int = 1500
    decode_tokens: int = 32
    confidence: bool = True  # the workbench's default: score every output (from the decoding)
    compute: bool = True  # measure each compute candidate per stage (choice.compute) and cache the choice
    llm: bool = False  # measure the LLM translator (issue 20) on each engine: long, behind --llm
    summary_batch: int = 16  # article-languages in the batched summary measurement
    batch_new_tokens: int = 120  # new tokens per summary there (about a real summary's)
    baseline_summaries: int = 2  # transformers float32 summaries made one at a time for the comparison
    rounds: int = 3  # the CTranslate2 rows (workbench, detail, raw) taken in turn this often; the fastest kept


MARIAN_EN_RU_VOCAB = 62518  # opus-mt-en-ru


def marian_ar_en(folder: Path, layers: int = 6) -> Path:
    """opus-mt-ar-en's architecture with random weights: the tiny SentencePiece models, and a vocabulary padded to
    the real 62,834 entries (pad last, as in the real model) so every id the model can emit decodes."""
    return marian_shape(folder, "marian-ar-en", MARIAN_VOCAB, "ar", "en", layers)


def marian_en_ru(folder: Path) -> Path:
    """opus-mt-en-ru's architecture (transformer-base as opus-mt-ar-en, a 62,518-entry vocabulary), random weights."""
    return marian_shape(folder, "marian-en-ru", MARIAN_EN_RU_VOCAB, "en", "ru")


def marian_shape(folder: Path, tiny_kind: str, size: int, source: str, target: str, layers: int = 6) -> Path:
    """A transformer-base Marian model (d512, 6+6 layers or `layers` each, 8 heads, FFN 2048) with a `size`-entry
    vocabulary and random weights, on the tiny model's SentencePiece files (built once in `folder`)."""
    if (folder / "config.json").exists():
        return folder
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    from ..testing.tiny import build_tiny

    tiny = build_tiny(tiny_kind, folder.parent)  # beside the shape: the tiny models' folder
    staging = folder.with_name(folder.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    vocab = {k: v for k, v in json.loads((tiny / "vocab.json").read_text()).items() if k != "<pad>"}
    for i in range(len(vocab), size - 1):
        vocab[f"▁w{i}"] = i
    vocab["<pad>"] = size - 1
    (staging / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    MarianTokenizer(str(tiny / "source.spm"), str(tiny / "target.spm"), str(staging / "vocab.json"),
                    source_lang=source, target_lang=target).save_pretrained(staging)
    pad = size - 1
    config = MarianConfig(
        d_model=512, encoder_layers=layers, decoder_layers=layers, encoder_attention_heads=8, decoder_attention_heads=8,
        encoder_ffn_dim=2048, decoder_ffn_dim=2048, vocab_size=size, max_position_embeddings=512,
        decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True)
    config.static_position_embeddings = True
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=0,
                                               forced_eos_token_id=0, bad_words_ids=[[pad]], num_beams=4)
    model.save_pretrained(staging)
    (staging / "README.md").write_text(f"---\nlicense: apache-2.0\n---\nopus-mt-{source}-{target} architecture, "
                                       "random weights (benchmark).\n")
    staging.rename(folder)
    return folder


def qwen_05b(folder: Path, layers: int = 24) -> Path:
    """A Qwen2.5-0.5B-shaped causal LM (or `layers` of its 24 layers) with random weights and the tiny chat tokenizer."""
    if (folder / "config.json").exists():
        return folder
    import torch
    from transformers import AutoTokenizer, GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    from ..testing.tiny import build_tiny

    tiny = build_tiny("qwen2", folder.parent)
    staging = folder.with_name(folder.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    tokenizer = AutoTokenizer.from_pretrained(tiny)
    tokenizer.save_pretrained(staging)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    config = Qwen2Config(**{**QWEN_05B, "num_hidden_layers": layers}, eos_token_id=eos, pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    with torch.device("meta"):
        model = Qwen2ForCausalLM(config)
    model = model.to_empty(device="cpu")
    for p in model.parameters():  # random weights, cheaply (a full init of 0.5B parameters takes minutes on 2 cores)
        torch.nn.init.normal_(p, std=0.02)
    model.generation_config = GenerationConfig(eos_token_id=[eos], pad_token_id=tokenizer.pad_token_id, do_sample=False)
    model.save_pretrained(staging)
    (staging / "README.md").write_text("---\nlicense: apache-2.0\n---\nQwen2.5-0.5B architecture, random weights (benchmark).\n")
    staging.rename(folder)
    return folder


def default_engine(requested: str, device: str) -> str:
    """What "auto" (or an explicit choice) runs on `device`."""
    if requested != "auto":
        return requested
    from ..models.ct2 import unavailable

    return "ct2" if unavailable(device) is None else "transformers"


def _measure(device: str, run: Callable[[], Any], sentences: int, length: int) -> dict[str, Any]:
    def call() -> None:
        run()
        _sync(device)

    seconds, peak = _time(call)
    return {"tok_per_s": round(sentences * length / seconds, 1), "seconds": round(seconds, 3),
            "sentences": sentences, "peak_rss_mb": round(peak / 2**20)}


def _baseline(s: Settings, folder: Path, options: TranslationOptions, device: str, texts: list[str]) -> dict[str, Any]:
    """transformers generate(), one sentence at a time."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from ..models.hf import dtype_for, prepare_device

    prepare_device(device, current_threads())
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype=dtype_for(device)).to(device).eval()

    def one_at_a_time(items: list[str]) -> None:
        with torch.inference_mode():
            for text in items:
                enc = tokenizer([text], return_tensors="pt").to(device)
                model.generate(**enc, num_beams=options.num_beams, min_new_tokens=s.output_tokens,
                               max_new_tokens=s.output_tokens, no_repeat_ngram_size=options.no_repeat_ngram_size)

    one_at_a_time(texts[:1])
    return _measure(device, lambda: one_at_a_time(texts), len(texts), s.output_tokens)


def _workbench_transformers(s: Settings, folder: Path, options: TranslationOptions, device: str,
                            texts: list[str]) -> dict[str, Any]:
    from ..choice.plan import build_translator

    translator: Any = build_translator("transformers", str(folder), "ar", "en", options, device=device, home=s.home)
    translator.fixed_length = s.output_tokens
    translator.translate_texts(texts[:2])
    return _measure(device, lambda: translator.translate_texts(texts), len(texts), s.output_tokens)


def _workbench_ct2(s: Settings, folder: Path, options: TranslationOptions, device: str,
                   texts: list[str]) -> dict[str, dict[str, Any]]:
    """The workbench's CTranslate2 translator (confidence from the decoding; and, with confidence on, every
    output's least sure words too), then the same loaded model called directly on tokens: taken in turn
    `s.rounds` times and each one's fastest kept, so that a busy moment of a shared machine does not decide a
    ratio of a few per cent."""
    from dataclasses import replace

    from ..choice.plan import build_translator

    fast = replace(options, confidence_detail="none")
    translator: Any = build_translator("ct2", str(folder), "ar", "en", fast, device=device, home=s.home)
    translator.fixed_length = s.output_tokens
    translator.translate_texts(texts[:2])
    tokens = translator.tokenize(texts)

    def with_options(chosen: TranslationOptions) -> Callable[[], Any]:
        def call() -> None:
            translator.options = chosen
            translator.translate_texts(texts)

        return call

    def raw() -> None:
        translator.translator.translate_batch(
            tokens, max_batch_size=s.batch_size, beam_size=options.num_beams, min_decoding_length=s.output_tokens,
            max_decoding_length=s.output_tokens, no_repeat_ngram_size=options.no_repeat_ngram_size)

    runs: dict[str, Callable[[], Any]] = {"ct2": with_options(fast)}
    if options.confidence:
        runs["ct2_detail_all"] = with_options(replace(options, confidence_detail="all"))
    runs["ct2_raw"] = raw
    out: dict[str, dict[str, Any]] = {}
    for _ in range(max(1, s.rounds)):
        for name, run in runs.items():
            measured = _measure(device, run, len(texts), s.output_tokens)
            if name not in out or measured["tok_per_s"] > out[name]["tok_per_s"]:
                out[name] = {**measured, "runs": out.get(name, {}).get("runs", [])}
            out[name]["runs"] = [*out[name]["runs"], measured["tok_per_s"]]
    translator.options = options
    for name in out:
        out[name]["compute_type"] = translator.compute_type
    return out


def _translation_engines(s: Settings, folder: Path, beams: int, texts: list[str]) -> dict[str, dict[str, Any]]:
    import gc

    from ..models.ct2 import unavailable
    from ..models.hf import resolve_device

    device = resolve_device(s.device)
    options = TranslationOptions(num_beams=beams, batch_size=s.batch_size, batch_tokens=s.batch_tokens,
                                 confidence=s.confidence)
    out = {"baseline": _baseline(s, folder, options, device, texts[: s.baseline_sentences])}
    gc.collect()
    out["transformers"] = _workbench_transformers(s, folder, options, device, texts)
    gc.collect()
    reason = unavailable(device)
    if reason:
        out["ct2"] = out["ct2_raw"] = {"skipped": reason}
    else:
        out.update(_workbench_ct2(s, folder, options, device, texts))
    gc.collect()
    return out


def _ratios(engines: dict[str, dict[str, Any]], default: str) -> dict[str, float | None]:
    def ratio(other: str) -> float | None:
        mine, theirs = engines.get(default, {}).get("tok_per_s"), engines.get(other, {}).get("tok_per_s")
        return round(mine / theirs, 2) if mine and theirs else None

    out = {"ratio_vs_baseline": ratio("baseline"), "ratio_vs_hf_batched": ratio("transformers"),
           "ratio_vs_raw_ct2": ratio("ct2_raw")}
    detail, raw = engines.get("ct2_detail_all", {}).get("tok_per_s"), engines.get("ct2_raw", {}).get("tok_per_s")
    if detail and raw:  # not a "ratio_" key: by_beam only (the top level repeats the last beam's ratio_ keys)
        out["detail_all_vs_raw_ct2"] = round(detail / raw, 2)
    return out


def _one_summarizer(s: Settings, folder: Path, engine: str, device: str, compute: str = "auto") -> dict[str, Any]:
    from ..choice.plan import build_summarizer

    options = SummaryOptions(max_new_tokens=s.decode_tokens, max_input_tokens=s.prompt_tokens + 64, compute_type=compute)
    summarizer: Any = build_summarizer(engine, str(folder), options, device=device, home=s.home)
    tokenizer = summarizer.load()[0] if hasattr(summarizer, "load") else summarizer.tokenizer
    ids = tokenizer(" ".join(seed_sentences(400)))["input_ids"][: s.prompt_tokens - 40]
    prompt = Prompt("bench", "", "en", "Summarize the article.", tokenizer.decode(ids), "", "source")
    prompt_tokens = len(tokenizer.apply_chat_template(
        [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
        add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])

    def timed(new_tokens: int) -> tuple[float, int]:
        summarizer.fixed_length = new_tokens
        return _time(lambda: summarizer.summarize(prompt))

    timed(2)  # warm-up
    prefill, _ = timed(1)
    total, peak = timed(s.decode_tokens)
    return {"prompt_tokens": prompt_tokens, "prefill_tok_per_s": round(prompt_tokens / prefill, 1),
            "decode_tok_per_s": round((s.decode_tokens - 1) / max(total - prefill, 1e-9), 1),
            "seconds_per_summary": round(total, 2), "peak_rss_mb": round(peak / 2**20)}


def _summarizer(s: Settings, folder: Path) -> dict[str, Any]:
    import gc

    from ..choice.compute import Candidate, choose, native_bf16
    from ..models.ct2 import unavailable
    from ..models.hf import resolve_device
    from .speed import summarizer_batch

    device = resolve_device(s.device)
    cpu = device == "cpu"
    out: dict[str, Any] = {"transformers": _one_summarizer(s, folder, "transformers", device, "float32" if cpu else "auto")}
    gc.collect()
    if cpu and native_bf16():
        out["transformers_bfloat16"] = _one_summarizer(s, folder, "transformers", device, "bfloat16")
        gc.collect()
    if unavailable(device) is None:
        out["ct2"] = _one_summarizer(s, folder, "ct2", device)
        out["ratio_ct2_vs_transformers"] = round(out["transformers"]["seconds_per_summary"] / out["ct2"]["seconds_per_summary"], 2)
        gc.collect()
    chosen = choose("summaries", s.home) if cpu else Candidate("ct2" if unavailable(device) is None else "transformers", "auto")
    out["batch"] = summarizer_batch(s, folder, device, chosen)
    return out


def machine() -> dict[str, Any]:
    from importlib import metadata

    from ..choice.compute import cpu_model, native_bf16

    info: dict[str, Any] = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                            "cpu": cpu_model(), "native_bfloat16": native_bf16(), "cpus": os.cpu_count(),
                            "threads": current_threads()}
    for name in ("torch", "transformers", "ctranslate2"):
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = None
    try:
        import torch

        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return info


def run(s: Settings, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Build the models (once; cached beside the tiny models), measure every engine, return the report."""
    import time

    from transformers.utils import logging as hf_logging

    started = time.perf_counter()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    root = s.home.tiny
    folder = marian_ar_en(root / "bench-opus-mt-ar-en-v2")
    texts = seed_sentences(s.sentences)
    default = default_engine(s.engine, s.device if s.device != "auto" else "auto")
    by_beam: dict[str, Any] = {}
    for beams in s.beams:
        progress(f"translation, beam {beams}")
        engines = _translation_engines(s, folder, beams, texts)
        by_beam[str(beams)] = {"engines": engines, **_ratios(engines, default)}
    primary = by_beam[str(s.beams[-1])]
    report: dict[str, Any] = {
        "default_engine": default, "engines": primary["engines"],
        **{k: v for k, v in primary.items() if k.startswith("ratio")}, "by_beam": by_beam,
        "settings": {**s.__dict__, "home": str(s.home), "primary_beam": s.beams[-1]}, "machine": machine(),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    qwen = qwen_05b(root / "bench-qwen2.5-0.5b-v1") if s.summarizer else None
    from ..models.hf import resolve_device

    if s.compute and resolve_device(s.device) == "cpu":  # the candidates are CPU number formats
        from .speed import compute_candidates

        report["compute"] = compute_candidates(s, folder, qwen, texts, progress)
    if qwen is not None:
        progress("summarizer")
        report["summarizer"] = _summarizer(s, qwen)
    if s.llm:
        from .llm import run as llm_translator  # issue 20: the LLM translator on each engine

        report["llm_translator"] = llm_translator(s, progress)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]  # a shared machine's other work, at the end
    return report


# ------------------------------------------------------------------------------------------------------ the probe
PROBE_LAYERS = 2  # the probe's models: the real widths (transformer-base Marian, Qwen2.5-0.5B), two layers each


def probe(home: Home) -> dict[str, Any]:
    """The compute candidates of every stage measured in seconds, not minutes: `speed.compute_candidates` on two-layer
    models of the benchmark's widths (built once beside the tiny models) and short outputs. Its rates rank the
    candidates on this CPU (every layer costs alike), they are no model's speed; cached as auto's choice with
    source "probe" until `workbench bench` measures the full models (`choice.compute.measured`)."""
    from dataclasses import dataclass, field

    from .speed import compute_candidates

    @dataclass
    class Short:  # the Settings fields compute_candidates reads: one round, short outputs
        home: Home
        beams: list[int] = field(default_factory=lambda: [1])
        output_tokens: int = 8
        compute_rounds: int = 1

    root = home.tiny
    marian = marian_ar_en(root / f"probe-marian-{PROBE_LAYERS}l-v1", layers=PROBE_LAYERS)
    qwen = qwen_05b(root / f"probe-qwen2.5-0.5b-{PROBE_LAYERS}l-v1", layers=PROBE_LAYERS)
    return compute_candidates(Short(home), marian, qwen, seed_sentences(8), lambda _: None, source="probe")


if __name__ == "__main__":  # `choice.compute.run_probe`: python -m workbench.bench.models [HOME]
    import sys

    from ..choice.threads import apply_threads

    apply_threads()  # $WORKBENCH_THREADS, as the process that started it
    probe(Home.resolve(sys.argv[1] if len(sys.argv) > 1 else None))  # the parent passes the home it resolved
