"""A summarizer's pace on this machine: seconds per summary made alone and in a batch, and the batch size that
pays. The runner (`runs.summaries.Pacer`) measures it on real work and `workbench bench` on its batch; the
decision is here, on given measurements, so that it is tested without a clock. Cached per machine in
DATA_HOME/cache/compute.json (`choice.compute.save_pace`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models.base import Summarizer

BATCH_MARGIN = 1.0  # a batch is kept while its seconds per summary are at most this × one summary's alone


@dataclass
class Pace:
    """A summarizer's measured speed on this machine: seconds per summary made alone and in its latest batch, and
    the batch size to use now (1: one at a time, after a batch was measured slower than that)."""

    batch_size: int
    alone: float | None = None  # seconds per summary made alone (the latest warm measurement)
    batched: float | None = None  # seconds per summary in the latest batch
    batched_size: int = 0  # the size of that batch

    def to_dict(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "alone_s": self.alone, "batched_s": self.batched,
                "batched_size": self.batched_size}

    @classmethod
    def of(cls, found: dict[str, Any] | None, batch_size: int) -> Pace:
        """The cached pace (its batch size at most the summarizer's own), or a fresh one of `batch_size`."""
        if not found:
            return cls(batch_size)
        return cls(max(1, min(batch_size, int(found.get("batch_size") or 1))), found.get("alone_s"),
                   found.get("batched_s"), int(found.get("batched_size") or 0))


def after_batch(pace: Pace, size: int, seconds: float) -> Pace:
    """The pace once a batch of `size` summaries took `seconds`: kept while a summary in it costs at most
    BATCH_MARGIN × one made alone, else the batch size halves (down to 1: one at a time from then on)."""
    per = seconds / size
    if pace.alone is not None and per > BATCH_MARGIN * pace.alone:
        return Pace(max(1, min(pace.batch_size, size) // 2), pace.alone, per, size)
    return Pace(pace.batch_size, pace.alone, per, size)


def after_alone(pace: Pace, seconds: float) -> Pace:
    """The pace once one summary made alone took `seconds`."""
    return Pace(pace.batch_size, seconds, pace.batched, pace.batched_size)


def pace_key(summarizer: Summarizer) -> str:
    """What a pace holds for: the engine, the model and its number format (the machine is the cache's own key)."""
    inner = getattr(summarizer, "inner", summarizer)
    return f"{summarizer.info.engine}:{summarizer.info.id}:{getattr(inner, 'compute_type', None) or 'default'}"
