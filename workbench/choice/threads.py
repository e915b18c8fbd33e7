"""CPU threads for model work, set deliberately so that two processes on one machine do not fight.

PyTorch and OpenMP default to one thread per core in every process; two such processes on two cores run
many times slower than one. The workbench uses `--threads N` (or `threads` in config.toml, or
$WORKBENCH_THREADS) when given, else the cores this process may run on.
"""

from __future__ import annotations

import os

from .. import settings

_applied: int | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def resolve_threads(threads: int | None = None) -> int:
    """The thread count to use: the argument, else $WORKBENCH_THREADS, else the usable cores."""
    if threads is None:
        threads = settings.threads()
    if threads is None or threads < 1:
        threads = available_cores()
    return threads


def apply_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads (once torch is imported by an engine) and return the count engines use."""
    global _applied
    count = resolve_threads(threads)
    _applied = count
    settings.set_library_default("OMP_NUM_THREADS", str(count))  # OpenMP reads it when torch starts
    import sys

    if "torch" in sys.modules:
        set_torch_threads(count)
    return count


def current_threads() -> int:
    return _applied if _applied is not None else resolve_threads(None)


def set_torch_threads(count: int) -> None:
    import torch

    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
