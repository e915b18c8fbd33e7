"""Suggestions: a second translator's output for every segment, stored beside the text (`store.suggestions`).

`translate --suggest MODEL` runs this after the translation: the reviewer then sees, under the editor, each
machine suggestion with its model, confidence and difference from the current text, and takes one with one key.
A suggestion never becomes a unit's revision by itself. An LLM suggester gets each segment with its context as
the run's translator does (`runs.context`); a model that takes English (a pivot) translates the current English.
A rerun resumes: a segment whose input is what the model's latest suggestion was made from is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from ..engines.llm import LLMOutput, RequestTranslator
from ..engines.plan import LanguagePlan, RunPlan
from ..languages import SOURCE_LANG
from ..review import workflow
from ..store import Store
from ..store.suggestions import SuggestionRecord, made_by
from .context import requests_for, takes_requests
from .progress import NoProgress, Progress
from .report import Failure, provenance
from .together import run_together, width_of
from .translation import CHUNK, FATAL, Chunk, Input, Made, Outputs, Work, drive, translatable_segments


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


def _inputs(store: Store, article_id: str, suggester: LanguagePlan, failures: list[Failure]) -> list[Input]:
    """Each translatable segment's input (the Arabic, or the current text of the model's source language) that
    the model has not made a suggestion from yet."""
    done = made_by(store, article_id, suggester.lang, suggester.model_id)
    current = store.current_revisions(article_id)
    out: list[Input] = []
    for seg in translatable_segments(store, article_id):
        if suggester.source_lang == SOURCE_LANG:
            text, rev_id = seg["source_text"], None
        else:
            rev = current.get(("segment", seg["id"], suggester.source_lang))
            if rev is None:
                failures.append(Failure(article_id, suggester.lang, f"no {suggester.source_lang} text to suggest from",
                                        seg["id"]))
                continue
            text, rev_id = rev["text"], rev["id"]
        if done.get(seg["id"]) != text:
            out.append((seg, text, rev_id))
    return out


def _records(plan: RunPlan, suggester: LanguagePlan, article_id: str, part: list[Input], outputs: list[Made | None],
             cached: list[bool]) -> list[SuggestionRecord]:
    model = suggester.translator
    records = []
    for (seg, text, rev_id), made, was_cached in zip(part, outputs, cached, strict=True):
        if made is None:
            continue
        out, confidence = made.scored() if isinstance(made, LLMOutput) else made
        flags = ["meaningless_model"] if model.info.meaningless else []
        extra: dict[str, Any] = {"suggestion": True}
        if isinstance(made, LLMOutput):
            flags += made.model_flags()
            extra["llm"] = made.provenance()
        if suggester.via:
            extra["pivot"] = {"via": suggester.via, "input_revision_id": rev_id, "first_model": None}
        records.append(SuggestionRecord(
            article_id, seg["id"], suggester.lang, text, out, flags,
            provenance(plan.profile, model, suggester.lang, suggester.source_lang, was_cached,
                       confidence=confidence.to_dict() if confidence else None, **extra)))
    return records


def suggest_segments(store: Store, plan: RunPlan, suggester: LanguagePlan, article_id: str,
                     progress: Progress | None = None) -> tuple[int, int, list[Failure]]:
    """The suggestions of one article language; (stored, cached, failures). See `suggestion_work`."""
    progress = progress or NoProgress()
    result: tuple[int, int, list[Failure]] = drive(suggestion_work(store, plan, suggester, article_id, progress),
                                                   progress)
    return result


def suggestion_work(store: Store, plan: RunPlan, suggester: LanguagePlan, article_id: str,
                    progress: Progress) -> Generator[Chunk, Outputs, tuple[int, int, list[Failure]]]:
    """The run making one article language's suggestions: yields its chunks (as `runs.translation.segment_work`
    does, so several articles share a model call) and returns (stored, cached, failures)."""
    failures: list[Failure] = []
    inputs = _inputs(store, article_id, suggester, failures)
    stored = cached_count = 0
    translator = suggester.translator
    for start in range(0, len(inputs), CHUNK):
        part = inputs[start:start + CHUNK]
        requests = requests_for(store, plan, article_id, suggester, part) if takes_requests(suggester) else None
        cached = translator.requests_cached(requests) if requests is not None and \
            isinstance(translator, RequestTranslator) else translator.cached([t for _, t, _ in part])
        outputs = yield Chunk(suggester, article_id, part, requests, failures)
        records = _records(plan, suggester, article_id, part, outputs, cached)
        ids = workflow.record_suggestions(store, records)
        stored += sum(1 for i in ids if i is not None)
        cached_count += sum(1 for r, i in zip(records, ids, strict=True) if i is not None and r.provenance.get("cached"))
        progress.advance(len(part), 0)
    return stored, cached_count, failures


def suggest_articles(store: Store, plan: RunPlan, suggesters: list[LanguagePlan], article_ids: list[str],
                     progress: Progress | None = None) -> SuggestReport:
    """Suggestions for many articles, several at a time as for translation (`runs.together`); one failing article
    never stops the others (a missing model does)."""
    started = time.perf_counter()
    progress = progress or NoProgress()
    report = SuggestReport(models=[{"lang": s.lang, "model": s.model_id, "from": s.source_lang} for s in suggesters])

    def article(article_id: str) -> Work:
        for suggester in suggesters:
            try:
                done, cached, failures = yield from suggestion_work(store, plan, suggester, article_id, progress)
            except FATAL:
                raise
            except Exception as exc:
                failures, done, cached = [Failure.of(article_id, suggester.lang, exc)], 0, 0
            report.suggested += done
            report.cached += cached
            report.failures.extend(failures)

    run_together((article(a) for a in article_ids), width_of(plan, suggesters), progress)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
