"""Translation throughput of the real opus-mt-ar-en architecture (random weights) on the seed sentences.

    python benchmarks/translate_speed.py [--sentences 48] [--device cpu]

A random-weight model of a real architecture costs the same per token as the trained one when the
output length is fixed, so each sentence is made to stop after round(1.3 × its input tokens) (a logits
processor forces EOS there), which mimics real per-sentence lengths. Everything runs through the
workbench's own Seq2SeqTranslator. Printed: target tokens per second, and ratios against baselines run
in the same process: length-sorted batches vs document order, greedy vs beam 4, a cached second run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from transformers import LogitsProcessor, LogitsProcessorList, MarianConfig, MarianMTModel

from workbench.engines.base import TranslationOptions
from workbench.engines.hf import Seq2SeqTranslator
from workbench.engines.tiny import build_tiny
from workbench.engines.wrappers import CachedTranslator, TranslationCache
from workbench.text.articles import build_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class StopAfter(LogitsProcessor):
    """Force EOS exactly at each row's planned length; one planned-length tensor per generate() call."""

    def __init__(self, eos: int, beams: int, vocab: int):
        self.eos, self.beams, self.vocab, self.plans, self.call = eos, beams, vocab, [], -1

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        step = input_ids.shape[1] - 1
        if step == 0:
            self.call += 1
        wanted = self.plans[self.call].repeat_interleave(self.beams).to(scores.device)
        stop = wanted <= step
        scores[:, self.vocab:] = -1e9  # the full 62,834-way projection is computed; only ids the tokenizer knows are chosen
        scores[~stop, self.eos] = -1e9
        scores[stop] = -1e9
        scores[stop, self.eos] = 0.0
        return scores


def real_architecture(folder: Path) -> Path:
    """opus-mt-ar-en's config (MODELS.md) with random weights and the tiny SentencePiece tokenizer."""
    tiny = build_tiny("marian-ar-en", Path(tempfile.gettempdir()) / "workbench-bench-tiny")
    shutil.copytree(tiny, folder, dirs_exist_ok=True)
    for name in ("model.safetensors", "config.json", "generation_config.json"):
        (folder / name).unlink(missing_ok=True)
    from transformers import AutoTokenizer

    pad = AutoTokenizer.from_pretrained(folder).pad_token_id  # real: 62833 (the last id); same cost either way
    config = MarianConfig(
        d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8, decoder_attention_heads=8,
        encoder_ffn_dim=2048, decoder_ffn_dim=2048, vocab_size=62834, max_position_embeddings=512,
        decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        activation_function="swish", scale_embedding=True, static_position_embeddings=True,
        share_encoder_decoder_embeddings=True)
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(folder)
    return folder


def sentences(limit: int) -> list[str]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        _, segs = build_article(path.read_text(encoding="utf-8"), path.stem)
        out += [s.source_text for s in segs if s.kind != "meta"]
    return out[:limit]


def measure(folder: Path, texts: list[str], beams: int, sort: bool, batch_size: int, device: str) -> tuple[float, int]:
    options = TranslationOptions(num_beams=beams, batch_size=batch_size, no_repeat_ngram_size=0, sort_by_length=sort)
    translator = Seq2SeqTranslator(str(folder), "ar", "en", options, device=device)
    tokenizer, _, _ = translator.load()
    plan = {t: max(2, round(1.3 * len(tokenizer(t)["input_ids"]))) for t in texts}
    order = sorted(texts, key=len) if sort else list(texts)
    stopper = StopAfter(eos=0, beams=beams, vocab=len(tokenizer))
    stopper.plans = [torch.tensor([plan[t] for t in order[i:i + batch_size]]) for i in range(0, len(order), batch_size)]
    translator.generate_kwargs = {"logits_processor": LogitsProcessorList([stopper])}
    started = time.perf_counter()
    translator.translate(texts)
    seconds = time.perf_counter() - started
    return seconds, sum(plan.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=48)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    texts = sentences(args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        folder = real_architecture(Path(tmp) / "opus-mt-ar-en-random")
        measure(folder, texts[:8], 1, True, args.batch_size, args.device)  # warm-up
        rate = {}
        for beams in (4, 1):
            for sort in (False, True):
                seconds, tokens = measure(folder, texts, beams, sort, args.batch_size, args.device)
                rate[(beams, sort)] = tokens / seconds
                print(f"beams={beams} {'length-sorted' if sort else 'document order':14} {tokens:6} target tokens "
                      f"in {seconds:6.2f}s = {tokens / seconds:7.1f} tok/s")
        print(f"length-sorted vs document-order batches, beam 4: {rate[(4, True)] / rate[(4, False)]:.2f}x; "
              f"greedy: {rate[(1, True)] / rate[(1, False)]:.2f}x")
        print(f"greedy vs beam 4 (sorted): {rate[(1, True)] / rate[(4, True)]:.2f}x")
        translator = Seq2SeqTranslator(str(folder), "ar", "en", TranslationOptions(num_beams=1), device=args.device)
        tokenizer, _, _ = translator.load()
        stopper = StopAfter(eos=0, beams=1, vocab=len(tokenizer))
        order = sorted(texts, key=len)
        plan = {t: max(2, round(1.3 * len(tokenizer(t)["input_ids"]))) for t in texts}
        stopper.plans = [torch.tensor([plan[t] for t in order[i:i + 16]]) for i in range(0, len(order), 16)]
        translator.generate_kwargs = {"logits_processor": LogitsProcessorList([stopper])}
        cached = CachedTranslator(translator, TranslationCache(Path(tmp) / "cache.sqlite"))
        started = time.perf_counter()
        cached.translate(texts)
        first = time.perf_counter() - started
        started = time.perf_counter()
        cached.translate(texts)
        second = time.perf_counter() - started
        print(f"cache: first run {first:.2f}s, second run {second * 1000:.1f} ms ({first / second:.0f}x faster), "
              f"model calls {translator.counters.calls}")
        print(json.dumps({"torch_threads": torch.get_num_threads(), "device": args.device, "sentences": len(texts),
                          "batch_size": args.batch_size}))


if __name__ == "__main__":
    main()
