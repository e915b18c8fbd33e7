"""Ctrl-C always ends a command. Python raises KeyboardInterrupt wherever the main thread is when SIGINT
arrives; when that is a finalizer (`__del__`, a weakref callback, a generator closed by the garbage collector),
Python prints "Exception ignored in …" and carries on, and a run went on to the end (1 Ctrl-C in 5). Under
`guard()` the handler also remembers the signal: the run's next progress report raises it again (`check`), and
the command's end sees it (`pending`)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_pending = threading.Event()


def _on_sigint(signum: int, frame: Any) -> None:
    _pending.set()
    raise KeyboardInterrupt


@contextmanager
def guard() -> Iterator[None]:
    """SIGINT remembered while the block runs (main thread only; the previous handler is put back after)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is not \
            signal.default_int_handler:  # ignored (nohup, a test harness) or someone else's: left alone
        yield
        return
    _pending.clear()
    previous = signal.signal(signal.SIGINT, _on_sigint)
    hook = sys.unraisablehook

    def quiet(unraisable: Any) -> None:  # the swallowed Ctrl-C: no "Exception ignored … KeyboardInterrupt" traceback
        if not (isinstance(unraisable.exc_value, KeyboardInterrupt) and _pending.is_set()):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = hook


def pending() -> bool:
    """A Ctrl-C arrived under `guard()` (whether or not its KeyboardInterrupt got through)."""
    return _pending.is_set()


def check() -> None:
    """Raise KeyboardInterrupt again when a Ctrl-C arrived and was swallowed (called at every progress step)."""
    if _pending.is_set():
        raise KeyboardInterrupt
