"""Several article runs in lockstep, so that one model call translates the chunks of many articles.

Each run (`runs.translation.segment_work`, or a whole article's languages in `runs.batch`) yields its chunks one at
a time and is sent their outputs; it stores them before it makes its next chunk. `run_together` keeps up to
`width` runs going: every round it takes the waiting chunk of each, hands the chunks of one translator to the model
in one call (the engine batches them by length and, on a GPU, by token budget) and sends each run its outputs.

What each segment is given does not change: an article's chunk still waits for the chunks before it (so an LLM
translator sees their translations as context), and every chunk is stored, with the write checks of the one write
path, before the run goes on (so a stopped run resumes as before). Only the batches are wider: greedy decoding
with left padding gives the same outputs as one article at a time (tested). With `width` 1 this is the plain loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..engines.plan import LanguagePlan, RunPlan
from .progress import Progress
from .translation import Chunk, Outputs, Work, translate_chunks


def width_of(plan: RunPlan, languages: Iterable[LanguagePlan] | None = None) -> int:
    """Articles translated together: the most any of the run's translators (or `languages`) asks for
    (`articles_per_batch`)."""
    chosen = plan.languages.values() if languages is None else languages
    return max([1, *(int(getattr(lang.translator.options, "articles_per_batch", 1)) for lang in chosen)])


def run_together(works: Iterator[Work], width: int, progress: Progress) -> None:
    """Run every work of `works` to its end, `width` at a time (see the module's docstring). A work's result is
    its own business (a batch's article runs report as they go); an error a work does not handle stops all."""
    active: list[tuple[Work, Chunk]] = []

    def fill() -> None:
        while len(active) < width:
            for work in works:
                try:
                    active.append((work, next(work)))
                    break
                except StopIteration:
                    continue  # nothing to translate: it finished at once
            else:
                return

    fill()
    while active:
        models: dict[int, list[int]] = {}  # the chunks each translator has waiting (one per language in a run)
        for i, (_, chunk) in enumerate(active):
            models.setdefault(id(chunk.lang.translator), []).append(i)
        outputs: dict[int, Outputs] = {}
        for indexes in models.values():
            translator = active[indexes[0]][1].lang.translator
            before = translator.tokens_generated
            for i, made in zip(indexes, translate_chunks([active[i][1] for i in indexes]), strict=True):
                outputs[i] = made
            progress.advance(0, translator.tokens_generated - before)
        going: list[tuple[Work, Chunk]] = []
        for i, (work, _) in enumerate(active):
            try:
                going.append((work, work.send(outputs[i])))
            except StopIteration:
                pass
        active[:] = going
        fill()
