"""Running the models over stored articles: segment translation (direct or through a pivot language).

This is the one place where translations are made; the CLI, the Python API and the UI call it with a
`RunPlan` decided once by the engines layer. A run takes a snapshot of each article (`runs.context`), decides from
it which segments of a language to make, and hands the translator requests (`Translator.translate`). Work is
committed in chunks, so an interrupted run resumes where it stopped, and in waves (`run_jobs`): wave k holds the
k-th chunk of every article read, the chunks of one translator go to the model `articles_per_batch` articles
per call, and every chunk is stored before the next wave's requests are made, so an LLM translator sees the translations of the segments before
its chunk as context, whatever the number of articles per call. Outputs are stored through the one write path
(`review.workflow`). QA flags are not computed here: the read model checks the current text whenever an article is
read; an output records only what its provenance says of the model (`meaningless_model`) and, from an LLM
translator, what its answer parser found (`models.llm.LLM_FLAGS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from ..choice.plan import LanguagePlan, RunPlan
from ..errors import EngineUnavailable, LicenceRefused, ModelNotAvailable, UnknownModelError
from ..languages import SOURCE_LANG
from ..logs import get as get_logger
from ..models.base import Output, Request, Translator
from ..provenance import Provenance
from ..review import workflow
from ..review.glossary import Glossary
from ..review.memory import TranslationMemory
from ..store import PERSON_ORIGINS, UNSEEN, MachineOutputRecord, Store
from ..store.sqlite import DiskFull
from .context import Current, Input, Snapshot, glossary_for, requests_for, translatable_segments
from .progress import NoProgress, Progress
from .report import Failure

__all__ = ["CHUNK", "FATAL", "Job", "Step", "edited_segments", "run_jobs", "translatable_segments", "translate_language",
           "translate_segments", "width_of"]

FATAL = (ModelNotAvailable, LicenceRefused, UnknownModelError, EngineUnavailable, DiskFull)
CHUNK = 8
READ_AHEAD = 4  # a batch run reads this many calls' worth of articles at once, so calls stay full as articles end
log = get_logger("runs")


def width_of(plan: RunPlan, languages: Iterable[LanguagePlan] | None = None) -> int:
    """Articles translated together: the most any of the run's translators (or `languages`) asks for
    (`articles_per_batch`)."""
    chosen = plan.languages.values() if languages is None else languages
    return max([1, *(int(getattr(lang.translator.options, "articles_per_batch", 1)) for lang in chosen)])


def edited_segments(store: Store, article_id: str, lang: str, current: Current | None = None) -> set[str]:
    """Segments whose current `lang` text a person wrote, restored or imported: a re-translation keeps them
    unless told to replace them."""
    current = store.current_revisions(article_id) if current is None else current
    return {seg_id for (target, seg_id, unit_lang), rev in current.items()
            if target == "segment" and unit_lang == lang and rev["origin"] in PERSON_ORIGINS and seg_id}


def pending(snapshot: Snapshot, lang: str, model_id: str | None = None) -> list[dict]:
    """Segments that still need machine output in `lang`.

    Done are: segments whose current text came from a person, the memory or an XLIFF import (a batch run
    never writes over them), and segments whose machine output came from `model_id` (so a rerun resumes).
    Machine output of another model (say the tiny profile's) is pending again when `model_id` is given.
    """
    out = []
    for seg in snapshot.segments:
        rev = snapshot.current.get(("segment", seg["id"], lang))
        if rev is None:
            out.append(seg)
        elif rev["origin"] == "machine" and model_id is not None:
            made = snapshot.machine.get(("segment", seg["id"], lang))
            if made is None or made["provenance"].get("model") != model_id:
                out.append(seg)
    return out


Kept = list[tuple[str, str]]  # (lang, segment id) of units left alone: a person or another run changed them meanwhile


@dataclass
class Stored:
    """What a run has stored so far, kept up to date chunk by chunk (so a run that fails partway still says it) and
    added to its `parent` too (the run a pivot language's segments were made for)."""

    translated: int = 0
    cached: int = 0
    parent: Stored | None = None

    def add(self, records: list[MachineOutputRecord]) -> None:
        self.translated += len(records)
        self.cached += sum(1 for r in records if r.provenance.get("cached"))
        if self.parent is not None:
            self.parent.add(records)


@dataclass
class Step:
    """One article language of a run: the segments asked for (`wanted`; None: all), what it stored, the units it
    left alone (`kept`), its failures and the error that stopped it, if one did."""

    snapshot: Snapshot
    lang: str
    wanted: set[str] | None = None
    stored: Stored = field(default_factory=Stored)
    kept: Kept = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    error: Exception | None = None

    @property
    def article_id(self) -> str:
        return self.snapshot.article_id


@dataclass
class Job:
    """The model work of one article language: its inputs in segment order, how a chunk of them becomes requests,
    and where the outputs of a chunk go (`keep`: store them)."""

    step: Step
    translator: Translator
    inputs: list[Input]
    requests: Callable[[list[Input]], list[Request]]
    keep: Callable[[list[Input], list[Output | None]], None]


T = TypeVar("T")


def attempt(step: Step, work: Callable[[], T]) -> T | None:
    """`work()`; an error (not a fatal one) stops the step's article language only: it is logged and becomes the
    step's `error` (None is returned)."""
    try:
        return work()
    except FATAL:
        raise
    except Exception as exc:
        log.exception("article %s (%s) failed", step.article_id, step.lang)
        step.error = exc
        return None


# --------------------------------------------------------------------------- the model calls
def run_jobs(jobs: list[Job], progress: Progress, width: int = 1, chunk: int = CHUNK) -> None:
    """Run jobs in waves (see the module's docstring): wave k is the k-th chunk of every job that has one; the
    chunks of one translator in a wave go to the model `width` articles per call, so that the places of articles
    already done go to the next ones."""
    start = 0
    while True:
        wave = [(job, job.inputs[start:start + chunk]) for job in jobs
                if job.step.error is None and len(job.inputs) > start]
        if not wave:
            return
        by_model: dict[int, list[tuple[Job, list[Input]]]] = {}
        for job, part in wave:
            by_model.setdefault(id(job.translator), []).append((job, part))
        for parts in by_model.values():
            for at in range(0, len(parts), width):
                _call(parts[at:at + width], progress)
        start += chunk


def _call(parts: list[tuple[Job, list[Input]]], progress: Progress) -> None:
    """One model call for the chunks of one translator; each job then stores its outputs."""
    asked: list[tuple[Job, list[Input], list[Request]]] = []
    for job, part in parts:
        requests = attempt(job.step, partial(job.requests, part))
        if requests is not None:
            asked.append((job, part, requests))
    if not asked:
        return
    translator = asked[0][0].translator
    before = translator.tokens_generated
    outputs = translate_chunks(translator, asked)
    progress.advance(0, translator.tokens_generated - before)
    for (job, part, _), made in zip(asked, outputs, strict=True):
        attempt(job.step, partial(job.keep, part, made))


def translate_chunks(translator: Translator, asked: list[tuple[Job, list[Input], list[Request]]]) -> list[list[Output | None]]:
    """The outputs of several chunks in one model call (the engine batches them by length and token budget); after
    a model error each chunk is retried on its own (`translate_chunk`)."""
    if len(asked) == 1:
        return [translate_chunk(translator, *asked[0])]
    requests = [r for _, _, chunk in asked for r in chunk]
    try:
        made: list[Output | None] = list(translator.translate(requests))
    except FATAL:
        raise
    except Exception:
        log.exception("call of %d segments of %d articles (%s) failed; retrying article by article", len(requests),
                      len(asked), translator.target)
        return [translate_chunk(translator, *one) for one in asked]
    out, at = [], 0
    for _, part, _ in asked:
        out.append(made[at:at + len(part)])
        at += len(part)
    return out


def translate_chunk(translator: Translator, job: Job, part: list[Input], requests: list[Request]) -> list[Output | None]:
    """Outputs for one chunk; after a model error (or out of memory) each segment is retried alone.

    Every unexpected error is logged with its traceback (DATA_HOME/logs/workbench.log) before the retry,
    and a segment that fails alone is reported with its reason.
    """
    article_id, lang = job.step.article_id, job.step.lang
    try:
        return list(translator.translate(requests))
    except FATAL:
        raise
    except Exception:
        log.exception("batch of %d segments of %s (%s) failed; retrying one by one", len(part), article_id, lang)
    outputs: list[Output | None] = []
    for (s, _, _), request in zip(part, requests, strict=True):
        try:
            outputs.append(translator.translate([request])[0])
        except FATAL:
            raise
        except Exception as exc:
            log.exception("segment %s of %s (%s) failed", s["id"], article_id, lang)
            outputs.append(None)
            job.step.failures.append(Failure.of(article_id, lang, exc, s["id"]))
    return outputs


# --------------------------------------------------------------------------- what is stored
def store_records(store: Store, records: list[MachineOutputRecord], kept: Kept | None = None) -> list[MachineOutputRecord]:
    """Store outputs (each only while its unit is still what the run saw); returns those stored, adds the rest to
    `kept`."""
    ids = workflow.record_machine_outputs(store, records)
    if kept is not None:
        kept.extend((r.lang, str(r.segment_id)) for r, i in zip(records, ids, strict=True) if i is None)
    return [r for r, i in zip(records, ids, strict=True) if i is not None]


Seen = dict[str, int | None]  # segment id -> the revision of the unit the run saw when it decided to make it


def output_records(plan: RunPlan, lang: LanguagePlan, article_id: str, part: list[Input], outputs: list[Output | None],
                   seen: Seen) -> list[MachineOutputRecord]:
    """The records of one chunk's outputs; each carries the revision the run saw (`seen`), so that it is stored
    only while that is still the unit's current one."""
    engine = lang.translator
    records = []
    for (s, text, rev_id), made in zip(part, outputs, strict=True):
        if made is None:
            continue
        flags = ["meaningless_model"] if engine.info.meaningless else []
        flags += made.model_flags()  # the rest is checked when the text is read
        pivot = {"via": lang.via, "input_revision_id": rev_id, "first_model": lang.first_model} if lang.via else None
        llm = made.provenance()  # an LLM's template, context, terms and notes
        records.append(MachineOutputRecord(
            article_id, s["id"], "segment", lang.lang, text, made.text, flags,
            Provenance.made(plan.profile, engine.info, engine.settings(), lang.lang, lang.source_lang, made.cached, pivot=pivot,
                       confidence=made.confidence.to_dict() if made.confidence else None,
                       **({"llm": llm} if llm else {})).to_dict(),
            seen_revision_id=seen.get(s["id"], UNSEEN)))
    return records


def _from_memory(store: Store, plan: RunPlan, step: Step, memory: TranslationMemory, inputs: list[Input],
                 seen: Seen) -> list[Input]:
    """Store approved translations for exact memory matches; return the inputs still needing a model."""
    records, rest = [], []
    for item in inputs:
        seg = item[0]
        entry = memory.exact(seg["source_text"], exclude_segment=seg["id"])
        if entry is None:
            rest.append(item)
            continue
        records.append(MachineOutputRecord(
            step.article_id, seg["id"], "segment", step.lang, seg["source_text"], entry.text, [],
            Provenance.from_memory(plan.profile, entry.to_dict(), step.lang, SOURCE_LANG).to_dict(),
            seen_revision_id=seen.get(seg["id"], UNSEEN)))
    if records:
        stored = store_records(store, records, step.kept)
        step.stored.add(stored)
        step.snapshot.add(stored)
    return rest


# --------------------------------------------------------------------------- one language of many articles
@dataclass(frozen=True)
class Choice:
    """How a run chooses segments: all of them again (`redo`, a person's text kept unless `replace_edited`), or
    those still pending."""

    redo: bool = False
    replace_edited: bool = False


def _decide(store: Store, step: Step, lang: LanguagePlan, choice: Choice) -> tuple[list[dict], Seen]:
    """The segments to make, decided from one reading of the current revisions, and the revision of each that
    the run saw."""
    current = step.snapshot.decide(store)
    if choice.redo:
        segs = step.snapshot.segments
        if not choice.replace_edited:
            edited = edited_segments(store, step.article_id, lang.lang, current)
            segs = [s for s in segs if s["id"] not in edited]
    else:
        segs = pending(step.snapshot, lang.lang, lang.model_id)
    if step.wanted is not None:
        segs = [s for s in segs if s["id"] in step.wanted]
    return segs, {s["id"]: (current.get(("segment", s["id"], lang.lang)) or {}).get("id") for s in segs}


def translate_language(store: Store, plan: RunPlan, steps: list[Step], progress: Progress, choice: Choice,
                       width: int = 1, chunk: int = CHUNK) -> None:
    """Translate the segments of one language (every step's `lang`) of many articles, their chunks in waves,
    `width` articles per model call (`run_jobs`); what each stored, kept and failed goes to its step.

    With `choice.redo` every segment is made again, those a person edited kept unless `replace_edited`; else only
    pending ones (see `pending`), so a rerun resumes. For a pivot route the input is the current text of the pivot
    language, made first where missing, so a reviewed English gives a new Russian. Exact translation-memory
    matches are used instead of the model. Each output is stored only while its unit is still the revision the run
    saw when it decided: a person's save (or another run's output) that lands meanwhile is kept, and the unit is
    added to the step's `kept`.
    """
    if not steps:
        return
    lang = plan.languages[steps[0].lang]
    chosen: dict[int, tuple[list[dict], Seen]] = {}
    for i, step in enumerate(steps):
        decided = attempt(step, partial(_decide, store, step, lang, choice))
        if decided is not None:
            chosen[i] = decided
    given: dict[int, list[Input]] = _pivot_inputs(store, plan, lang, steps, chosen, progress, (width, chunk)) if lang.via \
        else {i: [(s, s["source_text"], None) for s in segs] for i, (segs, _) in chosen.items()}
    inputs = {i: items for i, items in given.items() if items}
    memory = TranslationMemory.from_store(store, lang.lang) if inputs else None
    glossary = glossary_for(store, lang) if inputs else Glossary([])
    jobs = []
    for i, items in inputs.items():
        step, seen = steps[i], chosen[i][1]
        rest = attempt(step, partial(_from_memory, store, plan, step, memory, items, seen)) \
            if memory is not None and len(memory) else items
        if rest is not None:
            progress.advance(len(items) - len(rest), 0)
            jobs.append(_job(store, plan, lang, step, rest, seen, glossary, progress))
    run_jobs(jobs, progress, width, chunk)


def _job(store: Store, plan: RunPlan, lang: LanguagePlan, step: Step, inputs: list[Input], seen: Seen,
         glossary: Glossary, progress: Progress) -> Job:
    def keep(part: list[Input], outputs: list[Output | None]) -> None:
        stored = store_records(store, output_records(plan, lang, step.article_id, part, outputs, seen), step.kept)
        step.stored.add(stored)
        step.snapshot.add(stored)
        progress.advance(len(part), 0)

    return Job(step, lang.translator, inputs, lambda part: requests_for(step.snapshot, lang, part, glossary), keep)


def _pivot_inputs(store: Store, plan: RunPlan, lang: LanguagePlan, steps: list[Step],
                  chosen: dict[int, tuple[list[dict], Seen]], progress: Progress,
                  pace: tuple[int, int]) -> dict[int, list[Input]]:
    """The current pivot-language text of each chosen segment, translating the pivot language first where missing
    (counted with the steps' own runs; its failures become theirs)."""
    pivot = plan.languages[lang.source_lang]
    firsts: dict[int, Step] = {}
    for i, (segs, _) in chosen.items():
        missing = {s["id"] for s in pending(steps[i].snapshot, pivot.lang, pivot.model_id)} & {s["id"] for s in segs}
        if missing:
            firsts[i] = Step(steps[i].snapshot, pivot.lang, missing, Stored(parent=steps[i].stored.parent),
                             steps[i].kept)
    if firsts:
        translate_language(store, plan, list(firsts.values()), progress, Choice(), *pace)
    out: dict[int, list[Input]] = {}
    for i, (segs, _) in chosen.items():
        step, first = steps[i], firsts.get(i)
        if first is not None:
            step.failures.extend(first.failures)
            if first.error is not None:
                step.error = first.error
                continue
            if attempt(step, partial(step.snapshot.refresh, store)) is None:
                continue
        out[i] = []
        for s in segs:
            rev = step.snapshot.current.get(("segment", s["id"], pivot.lang))
            if rev is not None:
                out[i].append((s, rev["text"], rev["id"]))
            elif not any(f.segment_id == s["id"] for f in step.failures):
                step.failures.append(Failure(step.article_id, lang.lang, f"no {pivot.lang} text to pivot from", s["id"]))
    return out


def translate_segments(store: Store, plan: RunPlan, article_id: str, lang_code: str, *,
                       segment_ids: Iterable[str] | None = None, redo: bool = False, replace_edited: bool = False,
                       progress: Progress | None = None, chunk: int = CHUNK) -> tuple[int, int, list[Failure]]:
    """Translate an article's segments into `lang_code` (see `translate_language`); returns (translated, cached,
    failures) of that language. An error that stops the run is raised."""
    step = Step(Snapshot.load(store, article_id), lang_code, set(segment_ids) if segment_ids is not None else None)
    translate_language(store, plan, [step], progress or NoProgress(), Choice(redo, replace_edited), chunk=chunk)
    if step.error is not None:
        raise step.error
    return step.stored.translated, step.stored.cached, step.failures
