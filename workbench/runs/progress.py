"""Progress of batch runs: the protocol the runs report to, and a terminal bar (articles, segments,
tokens per second, time left)."""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol

from . import interrupts


class Progress(Protocol):
    def start(self, articles: int, units: int) -> None: ...
    def advance(self, units: int, tokens: int) -> None: ...
    def article_done(self, article_id: str) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def start(self, articles: int, units: int) -> None: pass
    def advance(self, units: int, tokens: int) -> None: pass
    def article_done(self, article_id: str) -> None: pass
    def close(self) -> None: pass


class TerminalProgress:
    """A tqdm bar on stderr; silent when stderr is not a terminal or when `quiet`."""

    def __init__(self, quiet: bool = False, stream: Any = None):
        self.stream = stream or sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar: Any = None
        self.articles_total = 0
        self.articles_done = 0
        self.tokens = 0
        self.started = time.perf_counter()

    def start(self, articles: int, units: int) -> None:
        self.articles_total = articles
        self.started = time.perf_counter()
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=units, unit="seg", file=self.stream, dynamic_ncols=True, desc="translating")
            self._postfix()

    def _postfix(self) -> None:
        if self.bar is not None:
            elapsed = max(time.perf_counter() - self.started, 1e-6)
            self.bar.set_postfix_str(f"articles {self.articles_done}/{self.articles_total}, {self.tokens / elapsed:.0f} tok/s")

    def advance(self, units: int, tokens: int) -> None:
        interrupts.check()  # a Ctrl-C a finalizer swallowed ends the run here
        self.tokens += tokens
        if self.bar is not None:
            self.bar.update(units)
            self._postfix()

    def article_done(self, article_id: str) -> None:
        interrupts.check()
        self.articles_done += 1
        self._postfix()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
