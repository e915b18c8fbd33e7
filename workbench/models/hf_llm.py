"""The LLM translator on transformers: `AutoModelForCausalLM` with the model's chat template.

Prompts of a batch are left-padded (the answers then start in the same column), decoding is greedy with the
model's stop tokens, each answer is cut at its own length cap (so a batch gives what one prompt at a time gives),
and the confidence is the mean log-probability of the answer's tokens from the decoding scores (no extra pass).
Loading, devices and dtypes are those of the transformers engine (`models.hf`).
"""

from __future__ import annotations

from typing import Any

from .base import Located, ModelInfo, Translator, model_work, token_budget
from .hf import _HFModel
from .llm import LLMOptions, LLMTranslator


def load_tokenizer(located: Located) -> Any:
    """The model's tokenizer (local files only when the model is on this machine)."""
    from transformers import AutoTokenizer

    from ..settings import hub_offline

    return AutoTokenizer.from_pretrained(located.path, local_files_only=located.local or hub_offline())


class CausalTranslator(_HFModel, LLMTranslator):
    """Segment translation by an instruction-tuned causal LM (Qwen3, Llama/EuroLLM, Mistral/Seed-X, Gemma 3/4)."""

    kind = "causal"


    def settings(self) -> dict[str, Any]:
        """The LLM settings, plus the number format when it is not float32 (bfloat16 on AMX CPUs): its outputs
        differ slightly and get their own cache entries."""
        return self.compute_settings(LLMTranslator.settings(self))
    def __init__(self, located: Located, source: str, target: str, options: LLMOptions | None = None,
                 template: str | None = None, **kw: Any):
        self.source, self.target = source, target
        self.options = options or LLMOptions()
        super().__init__(located, f"{source}→{target} translation", **kw)
        self.info: ModelInfo = self.info
        self.model_dir = self.located.path
        self.tokenizer = load_tokenizer(self.located)
        self.setup(template)

    def token_budget(self) -> int:
        return token_budget(self.options, self.info.device or "cpu")

    def generate_ids(self, prompts: list[list[int]], caps: list[int]) -> list[tuple[list[int], list[float]]]:
        _, model, _ = self.load()
        import torch

        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.stops[0]
        longest = max(len(p) for p in prompts)
        ids = torch.tensor([[pad] * (longest - len(p)) + p for p in prompts], device=model.device)
        mask = torch.tensor([[0] * (longest - len(p)) + [1] * len(p) for p in prompts], device=model.device)
        new = max(caps)
        gen: dict[str, Any] = dict(max_new_tokens=new, do_sample=False, num_beams=1, eos_token_id=self.stops,
                                   pad_token_id=pad, repetition_penalty=1.0, temperature=None, top_p=None, top_k=None,
                                   output_scores=True, return_dict_in_generate=True)
        if self.fixed_length:
            gen["min_new_tokens"] = new
        with model_work, torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=mask, **gen)
            answers = out.sequences[:, longest:]
            steps = answers.shape[1]
            scores = torch.stack(out.scores[:steps], dim=0).float().log_softmax(-1)  # steps × batch × vocab
            chosen = scores.gather(-1, answers.T.unsqueeze(-1)).squeeze(-1).T  # batch × steps
        results = []
        for row, lps, cap in zip(answers.tolist(), chosen.tolist(), caps, strict=True):
            end = min(cap, len(row))
            for j, token in enumerate(row[:end]):
                if token in self.stops and not self.fixed_length:
                    end = j + 1
                    break
            results.append((row[:end], lps[:end]))
        return results


def make_translator(located: Located, source: str, target: str, options: LLMOptions | None = None,
                    **kw: Any) -> Translator:
    return CausalTranslator(located, source, target, options, **kw)
