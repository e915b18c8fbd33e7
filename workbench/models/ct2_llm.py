"""The LLM translator on CTranslate2: a converted causal LM run by `ctranslate2.Generator`.

The same prompts (the model's chat template, applied by its tokenizer), stop tokens, greedy decoding, length caps
and answer parsing as the transformers LLM translator (`hf_llm`); the confidence comes from the decoding steps'
log-probabilities. Conversion is that of the CTranslate2 engine (`models.ct2`: once, cached in the data home).
With transformers 5.24, CTranslate2 4.8.5 converts Llama, Mistral, Qwen3 and Gemma 3 (checked on tiny models);
Gemma 4 has a loader but its conversion fails (transformers makes `head_dim` a per-layer attribute) and HunYuan
has none: those are an `EngineUnavailable`, and "auto" then uses transformers.
"""

from __future__ import annotations

from typing import Any

from ..errors import EngineUnavailable
from .base import Located, Translator, model_work, token_budget
from .ct2 import _Ct2Model
from .llm import LLMOptions, LLMTranslator

CAUSAL_FAMILIES = ("llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "gemma3_text", "gemma4",
                   "gemma4_text", "phi3", "falcon", "gpt2", "gpt_neox", "gpt_bigcode", "mpt", "bloom", "opt")


class Ct2LLMTranslator(_Ct2Model, LLMTranslator):
    """Segment translation by a converted instruction LLM, batched like the transformers LLM translator."""

    def __init__(self, located: Located, source: str, target: str, options: LLMOptions | None = None,
                 template: str | None = None, **kw: Any):
        self.source, self.target = source, target
        self.task = f"{source}→{target} translation"
        super().__init__(located, options or LLMOptions(), **kw)  # a model it cannot convert: EngineUnavailable
        if self.info.family not in CAUSAL_FAMILIES:
            raise EngineUnavailable(f"CTranslate2 has no LLM translator for model type {self.info.family!r}")
        self.model_dir = self.located.path
        self.setup(template)

    def settings(self) -> dict[str, Any]:
        """The transformers LLM translator's settings, so both share cache entries in float32."""
        out = LLMTranslator.settings(self)
        if self.compute_type != "float32":
            out["compute_type"] = self.compute_type  # quantized output differs slightly: its own cache entries
        return out

    def token_budget(self) -> int:
        return token_budget(self.options, self.device)

    @property
    def generator(self) -> Any:
        """The loaded `ctranslate2.Generator` (loaded on first use)."""
        if self._model is None:
            import ctranslate2

            self._model = self._open(ctranslate2.Generator)
        return self._model

    def generate_ids(self, prompts: list[list[int]], caps: list[int]) -> list[tuple[list[int], list[float]]]:
        tokens = [list(self.tokenizer.convert_ids_to_tokens(p)) for p in prompts]
        steps: list[list[tuple[int, float]]] = [[] for _ in prompts]
        with model_work:
            self.generator.generate_batch(
                tokens, max_length=max(caps), min_length=self.fixed_length or 0, beam_size=1, sampling_topk=1,
                end_token=self.stops, include_prompt_in_result=False, return_end_token=True, return_scores=True,
                callback=_recorder(steps, list(caps), bool(self.fixed_length)))
        results = []
        for made, cap in zip(steps, caps, strict=True):
            end = min(cap, len(made))
            for j, (token, _) in enumerate(made[:end]):
                if token in self.stops and not self.fixed_length:
                    end = j + 1
                    break
            results.append(([t for t, _ in made[:end]], [lp for _, lp in made[:end]]))
        return results


def _recorder(steps: list[list[tuple[int, float]]], caps: list[int], fixed: bool) -> Any:
    """A generation callback keeping each row's (token id, log-probability) and ending a row at its own cap. It
    holds no reference to the translator: CTranslate2 drops it on one of its own threads, and the last reference
    to a Generator dropped there would destroy it there (a thread joining itself: "Resource deadlock avoided")."""

    def record(step: Any) -> bool:
        steps[step.batch_id].append((int(step.token_id), float(step.log_prob)))
        return len(steps[step.batch_id]) >= caps[step.batch_id] and not fixed

    return record


def make_translator(located: Located, source: str, target: str, options: LLMOptions | None = None,
                    **kw: Any) -> Translator:
    return Ct2LLMTranslator(located, source, target, options, **kw)
