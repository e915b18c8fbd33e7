"""Which segments to review first: the model's own confidence in each machine output, with the QA flags.

Confidence is recorded by the engines (see `models.base.Confidence`): the geometric mean of the probabilities
the model gave the tokens of its own output, taken from the decoding itself. Its least sure words are recorded
in the run for outputs below LOW_CONFIDENCE (and whenever the decoding gives them for free); for the others they
are computed when a reviewer opens the segment (`least_sure_on_demand`). Reviewed text has no machine confidence
any more: a person vouches for it, so it goes last.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..logs import get as get_logger
from ..models.base import LOW_CONFIDENCE, Translator
from ..provenance import LowToken, ModelConfidence
from .model import ArticleView, MachineOutput, Unit

__all__ = ["EXPLANATION", "FILTERS", "LOW_CONFIDENCE", "ORDERS", "least_sure_on_demand", "review_rows"]
log = get_logger("review")
EXPLANATION = (
    "Confidence is the model's own certainty about its output: the geometric mean of the probabilities it gave "
    "each word piece it wrote (100% = certain of every piece). It is computed by the translating model itself, "
    f"with no second model. Below {LOW_CONFIDENCE:.0%} the output is marked low confidence: often a rare name, "
    "a number or a construction the model has not seen. The least sure pieces are listed. Edited text has no "
    "model confidence: a person vouches for it. Tiny random-weight models are always near 0%.")
ORDERS = ("document", "review_first")
FILTERS = ("all", "low_confidence", "flagged", "needs_review")


def unit_confidence(machine: MachineOutput | None, edited: bool) -> ModelConfidence | None:
    """The machine output's confidence record while its text is still the machine's; None once a person edited it
    (or for memory matches and outputs made before confidence was recorded)."""
    if machine is None or edited:
        return None
    return machine.provenance.confidence


def is_low(confidence: ModelConfidence | None) -> bool:
    return confidence is not None and confidence.score < LOW_CONFIDENCE


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One translatable segment of one language in review order (`/review_order`'s rows)."""

    segment_id: str
    position: int
    source: str
    text: str
    flags: tuple[str, ...]
    confidence: float | None  # the model's score while the text is the machine's
    low_confidence: bool
    least_sure: tuple[str, ...]
    reviewed: bool  # a person (or an import of a person's work, or the memory) made the current text
    revision_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"segment_id": self.segment_id, "position": self.position, "source": self.source, "text": self.text,
                "flags": list(self.flags), "confidence": self.confidence, "low_confidence": self.low_confidence,
                "least_sure": list(self.least_sure), "reviewed": self.reviewed, "revision_id": self.revision_id}


KEEP: dict[str, Callable[[ReviewRow], bool]] = {
    "all": lambda r: True, "low_confidence": lambda r: r.low_confidence, "flagged": lambda r: bool(r.flags),
    "needs_review": lambda r: not r.reviewed}


def review_rows(view: ArticleView, lang: str, order: str = "review_first", only: str = "all") -> list[ReviewRow]:
    """The article's translatable segments in `lang` with confidence and flags, ordered and filtered.

    `review_first`: segments a person has not touched come first; among them, the flagged ones first, then the
    least confident first. `only`: all, low_confidence, flagged, or needs_review (not yet touched by a person).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}")
    if only not in FILTERS:
        raise ValueError(f"filter must be one of {', '.join(FILTERS)}")
    rows = []
    for seg, unit in view.units(lang):
        if unit is None:
            continue
        conf = unit.confidence
        rows.append(ReviewRow(seg.id, seg.position, seg.source_text, unit.text, unit.flags,
                              conf.score if conf else None, is_low(conf), tuple(conf.least_sure if conf else ()),
                              unit.touched, unit.revision_id))
    rows = [r for r in rows if KEEP[only](r)]
    if order == "review_first":
        rows.sort(key=lambda r: (r.reviewed, not r.flags, r.confidence if r.confidence is not None else 1.0, r.position))
    return rows


# (machine output id, its model, input and text) → its least sure words: the id alone is not unique across stores
_DETAILS: OrderedDict[tuple[int, str, str, str], tuple[LowToken, ...]] = OrderedDict()
_DETAILS_LOCK = threading.Lock()
DETAILS_KEPT = 2048


def least_sure_on_demand(unit: Unit | None, translator: Callable[[], Translator]) -> dict[str, Any] | None:
    """The unit's confidence record for the details panel. When the run did not record the output's least sure
    words (outputs above LOW_CONFIDENCE made with beams), the model that made it scores that output now, teacher-
    forced (`Translator.score_output`, some tens of milliseconds once loaded) and they are kept for the process;
    the recorded score stays as it is. Where that model is not the one the output came from, or cannot run,
    the record is returned without them."""
    conf = unit.confidence if unit is not None else None
    if unit is None or conf is None:
        return None
    machine = unit.machine
    if conf.low_tokens or machine is None or unit.ref.segment_id is None or not machine.input_text:
        return conf.to_dict()
    key = (machine.id, machine.provenance.model, machine.input_text, machine.text)
    with _DETAILS_LOCK:
        low = _DETAILS.get(key)
    if low is None:
        low = _score(machine, translator)
        if low:
            with _DETAILS_LOCK:
                _DETAILS[key] = low
                while len(_DETAILS) > DETAILS_KEPT:
                    _DETAILS.popitem(last=False)
    return replace(conf, low_tokens=low).to_dict() if low else conf.to_dict()


def _score(machine: MachineOutput, translator: Callable[[], Translator]) -> tuple[LowToken, ...]:
    try:
        model = translator()
        if model.info.id != machine.provenance.model:
            return ()
        scored = model.score_output(machine.input_text, machine.text)
    except Exception:  # the details panel must open all the same: say why in the log only
        log.exception("least sure words of machine output %s could not be computed", machine.id)
        return ()
    return tuple(LowToken(t, round(lp, 3)) for t, lp in scored.low) if scored else ()
