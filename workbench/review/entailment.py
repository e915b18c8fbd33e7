"""A natural-language-inference checker for summaries, plugged in when a model is given: each sentence of a summary
is scored for whether the article entails it, and a sentence below the threshold is a claim the article may not
support. The model is loaded the ordinary way (`AutoTokenizer` and `AutoModelForSequenceClassification` from a
folder or a hub id on a connected machine): an MNLI/XNLI classifier (its `entailment` label is read from the config)
or a one-logit consistency model such as AlignScore-style or HHEM-style heads (sigmoid of the logit). Nothing is
downloaded here; tests use a tiny random BERT classifier of the real architecture."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SENTENCES = re.compile(r"[^.!?؟]+[.!?؟]?")
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Unsupported:
    """A summary sentence the checker does not find entailed by the article: where it is and its score (0..1)."""

    text: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "score": round(self.score, 3)}


class EntailmentChecker:
    """Scores how strongly a premise entails each hypothesis (0..1) with a sequence-classification model."""

    def __init__(self, model: str, threshold: float = DEFAULT_THRESHOLD, max_length: int = 512):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model)
        self.model = AutoModelForSequenceClassification.from_pretrained(model).eval()
        self.threshold = threshold
        self.max_length = max_length
        labels = {int(i): str(name).lower() for i, name in (self.model.config.id2label or {}).items()}
        self.index = next((i for i, name in labels.items() if "entail" in name or "consistent" in name), None)
        if self.model.config.num_labels > 1 and self.index is None:
            from ..errors import WorkbenchError

            raise WorkbenchError(f"{model}: no `entailment` label in its config (labels: {sorted(labels.values())})")

    def scores(self, premise: str, hypotheses: list[str]) -> list[float]:
        """The entailment probability of each hypothesis given the premise."""
        import torch

        if not hypotheses:
            return []
        batch = self.tokenizer([premise] * len(hypotheses), hypotheses, truncation="only_first",
                               max_length=self.max_length, padding=True, return_tensors="pt")
        with torch.inference_mode():
            logits = self.model(**batch).logits
        if logits.shape[-1] == 1:
            return [float(v) for v in torch.sigmoid(logits[:, 0])]
        return [float(v) for v in torch.softmax(logits, dim=-1)[:, self.index]]

    def unsupported(self, article: str, summary: str) -> list[Unsupported]:
        """The summary's sentences scored below the threshold against the article."""
        spans = [(m.start(), m.end(), m.group().strip()) for m in _SENTENCES.finditer(summary) if m.group().strip()]
        scores = self.scores(article, [text for _, _, text in spans])
        return [Unsupported(text, start, end, score) for (start, end, text), score in zip(spans, scores, strict=True)
                if score < self.threshold]
