"""Logits processors for transformers' generate() that run on the device, without a host loop per hypothesis.

transformers' own `NoRepeatNGramLogitsProcessor` builds Python dictionaries of n-grams for every hypothesis at
every step: on a GPU batch of hundreds of sentences that host work, not the model, sets the speed. This one
computes the same bans with tensor operations.
"""

from __future__ import annotations

from typing import Any


def no_repeat_ngram(size: int) -> Any:
    """A processor that bans every token which would complete an n-gram of `size` already in the sequence
    (the rule of transformers' `no_repeat_ngram_size`), vectorised over the batch."""
    import torch
    from transformers import LogitsProcessor

    class NoRepeatNGram(LogitsProcessor):
        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
            length = input_ids.shape[1]
            if size < 1 or length < size:
                return scores
            windows = input_ids.unfold(1, size, 1)  # (rows, length - size + 1, size)
            prefix = input_ids[:, length - size + 1:]  # the last size - 1 tokens
            match = (windows[:, :, :-1] == prefix[:, None, :]).all(dim=-1)
            hits = torch.zeros(scores.shape, dtype=torch.int32, device=scores.device)
            hits.scatter_add_(1, windows[:, :, -1], match.to(torch.int32))
            banned = scores.masked_fill(hits > 0, float("-inf"))
            # never ban every token of a row (a forced token such as EOS must stay possible)
            dead = torch.isinf(banned).all(dim=-1, keepdim=True)
            return torch.where(dead, scores, banned)  # type: ignore[return-value]

    return NoRepeatNGram()
