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


class StepLogprobs:
    """Record, while generate() runs, the log-probability the decoder gave each token it chose: the numbers
    `output_scores` and `compute_transition_scores` would give, without keeping every step's scores (for a batch of
    hundreds of hypotheses over a 62k vocabulary that is gigabytes).

    Use `processor()` as the last logits processor. At each step it keeps that step's log-softmax; at the next
    step it reads which token each hypothesis appended (and, in beam search, from which hypothesis it came: the one
    whose tokens are its prefix) and keeps that token's log-probability. `finish(sequences, start)` gives, per
    returned sequence, the (token id, log-probability) of every token from `start` up to its first end token.
    """

    def __init__(self, beams: int, eos: list[int]):
        self.beams = max(1, beams)
        self.eos = list(eos)
        self.seqs: Any = None  # the hypotheses of the last step seen (rows × length)
        self.logprobs: Any = None  # that step's log-softmax (rows × vocabulary)
        self.detail: Any = None  # per row, the log-probability of each token chosen so far (rows × steps)
        self.steps: list[tuple[Any, Any, Any]] = []  # beams: (hypotheses, detail, log-probability of each end token)

    def processor(self) -> Any:
        from transformers import LogitsProcessor

        recorder = self

        class Record(LogitsProcessor):
            def __call__(self, input_ids: Any, scores: Any) -> Any:
                recorder.step(input_ids, scores)
                return scores

        return Record()

    def _parents(self, input_ids: Any) -> Any:
        """Which hypothesis of the previous step each row continues (itself, in greedy search)."""
        import torch

        rows = input_ids.shape[0]
        if self.beams == 1:
            return torch.arange(rows, device=input_ids.device)
        groups = rows // self.beams
        new = input_ids[:, :-1].reshape(groups, self.beams, 1, -1)
        old = self.seqs.reshape(groups, 1, self.beams, -1)
        first = (new == old).all(dim=-1).to(torch.int8).argmax(dim=-1)  # (groups, beams)
        offset = torch.arange(groups, device=input_ids.device)[:, None] * self.beams
        return (first + offset).reshape(-1)

    def _extend(self, input_ids: Any) -> None:
        import torch

        if self.logprobs is None:
            self.detail = torch.zeros((input_ids.shape[0], 0), device=input_ids.device)
            return
        if self.beams > 1:  # hypotheses that ended here left the running rows: keep what their end would score
            self.steps.append((self.seqs, self.detail, self.logprobs[:, self.eos]))
        parent = self._parents(input_ids)
        chosen = self.logprobs[parent].gather(1, input_ids[:, -1:])
        self.detail = torch.cat([self.detail[parent], chosen], dim=1)

    def step(self, input_ids: Any, scores: Any) -> None:
        import torch

        self._extend(input_ids)
        self.seqs = input_ids
        self.logprobs = scores.log_softmax(-1, dtype=torch.float32)

    def finish(self, sequences: Any, start: int) -> list[list[tuple[int, float]]]:
        """Per returned sequence: (token id, log-probability) of its tokens from `start` to its first end token."""
        if self.logprobs is None:
            return [[] for _ in range(sequences.shape[0])]
        lengths = [_length(row[start:], self.eos) for row in sequences.tolist()]
        if self.beams == 1:
            self._extend(sequences[:, : self.seqs.shape[1] + 1])
            values = self.detail.tolist()
            return [list(zip(row[start:start + n], values[i][:n], strict=True))
                    for i, (row, n) in enumerate(zip(sequences.tolist(), lengths, strict=True))]
        return self._finish_beams(sequences, start, lengths)

    def _finish_beams(self, sequences: Any, start: int, lengths: list[int]) -> list[list[tuple[int, float]]]:
        """A returned hypothesis of n tokens chose its last one at step n - 1, from the row of its group whose
        tokens are its first n - 1; an empty list where it cannot be found (the caller then scores it again)."""
        self.steps.append((self.seqs, self.detail, self.logprobs))  # the last step: any token may have ended it
        out: list[list[tuple[int, float]]] = []
        for i, (row, n) in enumerate(zip(sequences.tolist(), lengths, strict=True)):
            found = self._lookup(sequences[i], row, i, start, n) if 0 < n <= len(self.steps) else None
            out.append(found or [])
        return out

    def _lookup(self, sequence: Any, row: list[int], group: int, start: int, n: int) -> list[tuple[int, float]] | None:
        seqs, detail, last = self.steps[n - 1]
        token = row[start + n - 1]
        full = n == len(self.steps)  # the last step kept every token's log-probability, earlier ones the end tokens'
        if not full and token not in self.eos:
            return None
        rows = slice(group * self.beams, (group + 1) * self.beams)
        match = (seqs[rows] == sequence[: start + n - 1]).all(dim=-1)
        if not bool(match.any()):
            return None
        hit = rows.start + int(match.to(dtype=seqs.dtype).argmax())
        end = last[hit, token] if full else last[hit, self.eos.index(token)]
        values = [*detail[hit].tolist(), float(end)]
        return list(zip(row[start:start + n], values, strict=True))


def _length(tokens: list[int], eos: list[int]) -> int:
    """Tokens up to and including the first end token (all of them when none ended the sequence)."""
    for i, token in enumerate(tokens):
        if token in eos:
            return i + 1
    return len(tokens)


def prompt_repetition_penalty(penalty: float, padding: list[int]) -> Any:
    """transformers' `repetition_penalty` rule (every token of the prompt and of the output so far: a positive
    score divided by `penalty`, a negative one multiplied) for a left-padded batch: row r's first `padding[r]`
    positions are padding, not tokens of its prompt, so they are not penalised (transformers' own processor would
    penalise the pad token in padded rows only, and a batch would then write other summaries than one at a time)."""
    import torch
    from transformers import LogitsProcessor

    class PromptRepetitionPenalty(LogitsProcessor):
        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
            ids: Any = input_ids
            if any(padding):  # a padded position repeats its row's first real token: penalised once all the same
                positions = torch.arange(ids.shape[1], device=ids.device)[None, :]
                starts = torch.tensor(padding, device=ids.device)[:, None]
                first = ids.gather(1, starts.clamp(max=ids.shape[1] - 1))
                ids = torch.where(positions < starts, first, ids)
            score = scores.gather(1, ids)
            score = torch.where(score < 0, score * penalty, score / penalty)
            return scores.scatter(1, ids, score)  # type: ignore[return-value]

    return PromptRepetitionPenalty()
