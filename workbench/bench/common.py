"""What the benchmarks share: peak memory of a block, the seeds' sentences, timing one call."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from ..resources import seeds_dir
from ..text.articles import build_article


class PeakRSS:
    """The highest resident memory of this process while a block runs (sampled every 10 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(0.01)

    def __enter__(self) -> PeakRSS:
        self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def seed_sentences(count: int) -> list[str]:
    """`count` body sentences of the sample articles (repeated when more are asked for than there are)."""
    out: list[str] = []
    for path in sorted(seeds_dir().glob("*.txt")):
        _, segs = build_article(path.read_text(encoding="utf-8"), path.stem)
        out += [s.source_text for s in segs if s.kind != "meta"]
    return [out[i % len(out)] for i in range(count)]


def _time(fn: Callable[[], Any]) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of one call, after a short warm-up call done by the caller."""
    with PeakRSS() as rss:
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
    return seconds, rss.peak


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()
