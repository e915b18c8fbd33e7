"""`workbench bench`'s `llm_translator` entry: the LLM translator on each engine, on a real model shape with
random weights.

Shapes: Qwen3-1.7B on CPU (the smallest catalogued translation LLM with a CTranslate2 loader), EuroLLM-9B (the
`llm` profile's model, a Llama) on CUDA; `tiny` for tests. Random weights cost what trained ones cost once lengths
are fixed, so every prompt is `PROMPT_TOKENS` long (a translation prompt with its template, the segment, three
preceding segments with their translations and a few glossary terms) and every answer exactly `output_tokens`
tokens (the run's `--output-tokens`). Measured per engine, as the workbench runs it (left-padded batches,
confidence from the decoding scores): prefill (one new token) and the full answer, giving prefill and decode
tokens per second, seconds per segment, and seconds for a 20-segment article; and one segment alone, for the gain
of wider batches (`batch_speedup`: what several articles per call, `articles_per_batch`, buys per segment).
"""

from __future__ import annotations

import gc
import json
import math
import shutil
from pathlib import Path
from typing import Any

from ..models.llm import LLMOptions

PROMPT_TOKENS = 400
ARTICLE_SEGMENTS = 20  # the sample articles have 10 to 40 translatable segments
SHAPES: dict[str, dict[str, Any]] = {
    "qwen3-1.7b": {"family": "qwen3", "config": dict(
        hidden_size=2048, intermediate_size=6144, num_hidden_layers=28, num_attention_heads=16, num_key_value_heads=8,
        head_dim=128, vocab_size=151936, tie_word_embeddings=True, max_position_embeddings=40960)},
    "eurollm-9b": {"family": "llama", "config": dict(
        hidden_size=4096, intermediate_size=12288, num_hidden_layers=42, num_attention_heads=32, num_key_value_heads=8,
        vocab_size=128000, tie_word_embeddings=False, max_position_embeddings=4096)},
    "tiny": {"family": "qwen3", "config": {}},  # the tests' tiny Qwen3 as it is
}


def shape_for(s: Any, device: str) -> str:
    """The shape to measure: the settings' `llm_shape` when set, else EuroLLM-9B on CUDA and Qwen3-1.7B on CPU."""
    chosen = getattr(s, "llm_shape", None)
    if chosen:
        return str(chosen)
    return "eurollm-9b" if device.startswith("cuda") else "qwen3-1.7b"


def build_shape(name: str, root: Path) -> Path:
    """A random-weight model of the shape with the tiny chat tokenizer of its family (built once, cached)."""
    from ..testing.tiny import build_tiny

    spec = SHAPES[name]
    tiny = build_tiny(spec["family"], root)
    if not spec["config"]:
        return tiny
    folder = root / f"bench-llm-{name}-v2"
    if (folder / "config.json").exists():
        return folder
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    staging = folder.with_name(folder.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    AutoTokenizer.from_pretrained(tiny).save_pretrained(staging)
    base = json.loads((tiny / "config.json").read_text(encoding="utf-8"))
    config = AutoConfig.for_model(base["model_type"], **{**{k: base[k] for k in ("eos_token_id", "pad_token_id",
                                                                              "bos_token_id") if k in base},
                                                        **spec["config"]}, dtype="bfloat16")
    torch.manual_seed(0)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model = model.to_empty(device="cpu")
    for p in model.parameters():  # random weights, cheaply (a full init of billions of parameters takes long)
        torch.nn.init.normal_(p, std=0.02)
    model.tie_weights()  # to_empty gave the tied output layer its own tensor: one matrix again, as in the real model
    model.generation_config = GenerationConfig.from_pretrained(tiny)
    model.save_pretrained(staging)
    for name_ in ("README.md", "chat_template.jinja"):
        if (tiny / name_).exists():
            shutil.copyfile(tiny / name_, staging / name_)
    staging.rename(folder)
    return folder


def _prompts(translator: Any, count: int) -> list[list[int]]:
    """`count` prompts of exactly PROMPT_TOKENS ids: a real rendered prompt's ids, repeated to length."""
    from ..models.llm import Request

    _, ids = translator.prompt_ids(Request("قال وزير الخارجية الروسي سيرغي لافروف إن مستوى الثقة المتبادلة مرتفع."))
    return [(ids * math.ceil(PROMPT_TOKENS / len(ids)))[:PROMPT_TOKENS] for _ in range(count)]


def _measure(translator: Any, device: str, segments: int, output_tokens: int) -> dict[str, Any]:
    from .common import _sync, _time

    prompts = _prompts(translator, segments)

    def answers(length: int) -> tuple[float, int]:
        translator.fixed_length = length

        def call() -> None:
            translator.generate_ids(prompts, [length] * len(prompts))
            _sync(device)

        return _time(call)

    answers(2)  # warm-up
    prefill, _ = answers(1)
    total, peak = answers(output_tokens)
    per_segment = total / segments
    one = prompts[:1]

    def alone_call() -> None:
        translator.generate_ids(one, [output_tokens])
        _sync(device)

    alone, _ = _time(alone_call)  # one segment per call: what a batch of one article's chunk of one would cost
    return {"prompt_tokens": PROMPT_TOKENS, "output_tokens": output_tokens, "segments": segments,
            "seconds_per_segment_alone": round(alone, 3), "batch_speedup": round(alone / max(per_segment, 1e-9), 2),
            "prefill_tok_per_s": round(segments * PROMPT_TOKENS / prefill, 1),
            "decode_tok_per_s": round(segments * (output_tokens - 1) / max(total - prefill, 1e-9), 1),
            "seconds_per_segment": round(per_segment, 3), "article_seconds": round(per_segment * ARTICLE_SEGMENTS, 1),
            "dtype": translator.info.dtype, "peak_rss_mb": round(peak / 2**20)}


def run(s: Any, progress: Any = lambda _: None) -> dict[str, Any]:
    """The `llm_translator` entry: the shape, then per engine its speed (or why it was skipped)."""
    from ..choice.plan import build_translator
    from ..models.ct2 import unavailable
    from ..models.hf import resolve_device

    device = resolve_device(s.device)
    name = shape_for(s, device)
    progress(f"LLM translator ({name})")
    folder = build_shape(name, s.home.tiny)
    segments = max(2, min(s.sentences, 64 if device.startswith("cuda") else 4))
    options = LLMOptions(batch_size=segments, batch_tokens=s.batch_tokens, confidence=True)
    out: dict[str, Any] = {"shape": name, "device": device, "article_segments": ARTICLE_SEGMENTS, "engines": {}}
    hf: Any = build_translator("transformers", str(folder), "ar", "en", options, device=device, home=s.home)
    out["engines"]["transformers"] = _measure(hf, device, segments, s.output_tokens)
    del hf
    gc.collect()
    reason = unavailable(device)
    if reason:
        out["engines"]["ct2"] = {"skipped": reason}
    else:
        ct2: Any = build_translator("ct2", str(folder), "ar", "en", options, device=device, home=s.home)
        out["engines"]["ct2"] = _measure(ct2, device, segments, s.output_tokens)
        out["engines"]["ct2"]["compute_type"] = ct2.compute_type
    return out
