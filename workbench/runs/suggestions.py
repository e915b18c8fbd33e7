"""Suggestions: a second translator's output for every segment, stored beside the text (`store.suggestions`).

`translate --suggest MODEL` runs this after the translation: the reviewer then sees, under the editor, each
machine suggestion with its model, confidence and difference from the current text, and takes one with one key.
A suggestion never becomes a unit's revision by itself. An LLM suggester gets each segment with its context as
the run's translator does (`runs.context`); a model that takes English (a pivot) translates the current English.
A rerun resumes: a segment whose input is what the model's latest suggestion was made from is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from ..choice.plan import LanguagePlan, RunPlan
from ..languages import SOURCE_LANG
from ..models.base import Output
from ..provenance import Provenance
from ..review import workflow
from ..review.glossary import Glossary
from ..store import Store
from ..store.suggestions import SuggestionRecord, made_by
from .context import Input, Snapshot, glossary_for, requests_for
from .progress import NoProgress, Progress
from .report import Failure
from .translation import READ_AHEAD, Job, Step, attempt, run_jobs, width_of


@dataclass
class SuggestReport:
    """What a suggestion run made: the models (language, model, the language it read), how many suggestions were
    stored and how many of them came from the cache."""

    models: list[dict[str, str]] = field(default_factory=list)
    suggested: int = 0
    cached: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out

    def lines(self) -> Iterator[str]:
        models = ", ".join(f"{m['lang']}: {m['model']}" + (f" (from {m['from']})" if m["from"] != SOURCE_LANG else "")
                           for m in self.models)
        yield f"{self.suggested} suggestions stored ({self.cached} from cache) by {models} in {self.seconds:.1f}s"
        for f in self.failures:
            yield f"suggestion failed: {f.article_id} {f.lang}{' ' + f.segment_id if f.segment_id else ''}: {f.reason}"


@dataclass(frozen=True)
class WithSuggestions:
    """A command's result with the suggestion run after it: its JSON gains `suggestions`, its text their line, and
    it succeeded when both did."""

    result: Any  # what the command prints (to_dict, lines, ok)
    suggestions: SuggestReport

    @property
    def ok(self) -> bool:
        return bool(getattr(self.result, "ok", True)) and self.suggestions.ok

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "suggestions": self.suggestions.to_dict()}

    def lines(self) -> Iterator[Any]:
        yield from self.result.lines()
        yield from self.suggestions.lines()


def _inputs(store: Store, snapshot: Snapshot, suggester: LanguagePlan, failures: list[Failure]) -> list[Input]:
    """Each translatable segment's input (the Arabic, or the current text of the model's source language) that
    the model has not made a suggestion from yet."""
    done = made_by(store, snapshot.article_id, suggester.lang, suggester.model_id)
    out: list[Input] = []
    for seg in snapshot.segments:
        if suggester.source_lang == SOURCE_LANG:
            text, rev_id = seg["source_text"], None
        else:
            rev = snapshot.current.get(("segment", seg["id"], suggester.source_lang))
            if rev is None:
                failures.append(Failure(snapshot.article_id, suggester.lang,
                                        f"no {suggester.source_lang} text to suggest from", seg["id"]))
                continue
            text, rev_id = rev["text"], rev["id"]
        if done.get(seg["id"]) != text:
            out.append((seg, text, rev_id))
    return out


def _records(plan: RunPlan, suggester: LanguagePlan, article_id: str, part: list[Input],
             outputs: list[Output | None]) -> list[SuggestionRecord]:
    model = suggester.translator
    records = []
    for (seg, text, rev_id), made in zip(part, outputs, strict=True):
        if made is None:
            continue
        flags = ["meaningless_model"] if model.info.meaningless else []
        flags += made.model_flags()
        extra: dict[str, Any] = {"suggestion": True}
        llm = made.provenance()
        if llm:
            extra["llm"] = llm
        if suggester.via:
            extra["pivot"] = {"via": suggester.via, "input_revision_id": rev_id, "first_model": None}
        records.append(SuggestionRecord(
            article_id, seg["id"], suggester.lang, text, made.text, flags,
            Provenance.made(plan.profile, model.info, model.settings(), suggester.lang, suggester.source_lang, made.cached,
                       confidence=made.confidence.to_dict() if made.confidence else None, **extra).to_dict()))
    return records


def _job(store: Store, plan: RunPlan, suggester: LanguagePlan, step: Step, inputs: list[Input], glossary: Glossary,
         progress: Progress) -> Job:
    """The model work of one article language's suggestions: each chunk stored as it is made."""
    def keep(part: list[Input], outputs: list[Output | None]) -> None:
        records = _records(plan, suggester, step.article_id, part, outputs)
        ids = workflow.record_suggestions(store, records)
        step.stored.translated += sum(1 for i in ids if i is not None)
        step.stored.cached += sum(1 for r, i in zip(records, ids, strict=True) if i is not None and r.provenance["cached"])
        progress.advance(len(part), 0)

    return Job(step, suggester.translator, inputs, lambda part: requests_for(step.snapshot, suggester, part, glossary),
               keep)


def suggest_articles(store: Store, plan: RunPlan, suggesters: list[LanguagePlan], article_ids: list[str],
                     progress: Progress | None = None) -> SuggestReport:
    """Suggestions for many articles, several at a time as for translation (`runs.translation.run_jobs`); one
    failing article never stops the others (a missing model does). A rerun resumes: a segment whose input is what
    the model's latest suggestion was made from is skipped."""
    started = time.perf_counter()
    progress = progress or NoProgress()
    report = SuggestReport(models=[{"lang": s.lang, "model": s.model_id, "from": s.source_lang} for s in suggesters])
    glossaries = {id(s): glossary_for(store, s) for s in suggesters}
    width = width_of(plan, suggesters)
    for at in range(0, len(article_ids), width * READ_AHEAD):
        steps, jobs = [], []
        for article_id in article_ids[at:at + width * READ_AHEAD]:
            snapshot = Snapshot.load(store, article_id)
            for suggester in suggesters:
                step = Step(snapshot, suggester.lang)
                steps.append(step)
                inputs = attempt(step, partial(_inputs, store, snapshot, suggester, step.failures))
                if inputs:
                    jobs.append(_job(store, plan, suggester, step, inputs, glossaries[id(suggester)], progress))
        run_jobs(jobs, progress, width)
        for step in steps:
            report.suggested += step.stored.translated
            report.cached += step.stored.cached
            report.failures.extend([Failure.of(step.article_id, step.lang, step.error)] if step.error else step.failures)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
