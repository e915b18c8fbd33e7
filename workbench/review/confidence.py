"""Which segments to review first: the model's own confidence in each machine output, with the QA flags.

Confidence is recorded by the engines (see `engines.base.Confidence`): the geometric mean of the probabilities
the model gave the tokens of its own output. Reviewed text has no machine confidence any more: a person
vouches for it, so it goes last.
"""

from __future__ import annotations

from typing import Any

LOW_CONFIDENCE = 0.5  # below this geometric-mean token probability an output is marked "low confidence"
EXPLANATION = (
    "Confidence is the model's own certainty about its output: the geometric mean of the probabilities it gave "
    "each word piece it wrote (100% = certain of every piece). It is computed by the translating model itself, "
    f"with no second model. Below {LOW_CONFIDENCE:.0%} the output is marked low confidence: often a rare name, "
    "a number or a construction the model has not seen. The least sure pieces are listed. Edited text has no "
    "model confidence: a person vouches for it. Tiny random-weight models are always near 0%.")
ORDERS = ("document", "review_first")
FILTERS = ("all", "low_confidence", "flagged", "needs_review")


def unit_confidence(unit: dict[str, Any] | None) -> dict[str, Any] | None:
    """The machine output's confidence record while its text is still the machine's; None once a person edited it
    (or for memory matches and outputs made before confidence was recorded)."""
    if not unit or not unit.get("machine") or unit.get("edited"):
        return None
    return (unit["machine"].get("provenance") or {}).get("confidence")


def is_low(confidence: dict[str, Any] | None) -> bool:
    return confidence is not None and confidence["score"] < LOW_CONFIDENCE


def _reviewed(unit: dict[str, Any]) -> bool:
    return unit.get("origin") not in (None, "machine")


def review_rows(view: dict[str, Any], lang: str, order: str = "review_first", only: str = "all") -> list[dict[str, Any]]:
    """The article's translatable segments in `lang` with confidence and flags, ordered and filtered.

    `review_first`: segments a person has not touched come first; among them, the flagged ones first, then the
    least confident first. `only`: all, low_confidence, flagged, or needs_review (not yet touched by a person).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}")
    if only not in FILTERS:
        raise ValueError(f"filter must be one of {', '.join(FILTERS)}")
    rows = []
    for seg in view["segments"]:
        if seg["kind"] == "meta" or not seg["targets"].get(lang):
            continue
        unit = seg["targets"][lang]
        conf = unit_confidence(unit)
        rows.append({"segment_id": seg["id"], "position": seg["position"], "source": seg["source_text"],
                     "text": unit["text"], "flags": unit["flags"], "confidence": conf["score"] if conf else None,
                     "low_confidence": is_low(conf), "least_sure": [t["token"] for t in (conf or {}).get("low_tokens", [])],
                     "reviewed": _reviewed(unit), "revision_id": unit["revision_id"]})
    keep = {"all": lambda r: True, "low_confidence": lambda r: r["low_confidence"], "flagged": lambda r: bool(r["flags"]),
            "needs_review": lambda r: not r["reviewed"]}[only]
    rows = [r for r in rows if keep(r)]
    if order == "review_first":
        rows.sort(key=lambda r: (r["reviewed"], not r["flags"], r["confidence"] if r["confidence"] is not None else 1.0,
                                 r["position"]))
    return rows
