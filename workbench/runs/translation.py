"""Running the models over stored articles: segment translation (direct or through a pivot language).

This is the one place where translations are made; the CLI, the Python API and the UI call it with a
`RunPlan` decided once by the engines layer. Work is committed in small chunks, so an interrupted run
resumes where it stopped. Outputs are stored through the one write path (`review.workflow`). QA flags are not
computed here: the read model checks the current text whenever an article is read; an output records only what
its provenance says of the model (`meaningless_model`) and, from an LLM translator, what its answer parser found
(`engines.llm.LLM_FLAGS`). An LLM translator gets each segment with its context (`runs.context`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Any

from ..clock import now
from ..engines.base import Scored
from ..engines.llm import LLMOutput, Request, RequestTranslator
from ..engines.plan import LanguagePlan, RunPlan
from ..errors import EngineUnavailable, LicenceRefused, ModelNotAvailable, UnknownModelError
from ..languages import SOURCE_LANG
from ..logs import get as get_logger
from ..review import workflow
from ..review.memory import TranslationMemory
from ..store import PERSON_ORIGINS, UNSEEN, MachineOutputRecord, Store
from ..store.database import Unit
from ..store.sqlite import DiskFull
from .context import requests_for, takes_requests
from .progress import NoProgress, Progress
from .report import Failure, provenance, versions

TRANSLATABLE = ("title", "heading", "body")
FATAL = (ModelNotAvailable, LicenceRefused, UnknownModelError, EngineUnavailable, DiskFull)
CHUNK = 8
log = get_logger("runs")


def translatable_segments(store: Store, article_id: str) -> list[dict[str, Any]]:
    return [s for s in store.segments(article_id) if s["kind"] in TRANSLATABLE]


HUMAN_ORIGINS = PERSON_ORIGINS
Current = dict[Unit, dict[str, Any]]  # Store.current_revisions: what a run saw when it decided


def edited_segments(store: Store, article_id: str, lang: str, current: Current | None = None) -> set[str]:
    """Segments whose current `lang` text a person wrote, restored or imported: a re-translation keeps them
    unless told to replace them."""
    current = store.current_revisions(article_id) if current is None else current
    return {seg_id for (target, seg_id, unit_lang), rev in current.items()
            if target == "segment" and unit_lang == lang and rev["origin"] in HUMAN_ORIGINS and seg_id}


def pending_segments(store: Store, article_id: str, lang: str, model_id: str | None = None,
                     current: Current | None = None) -> list[dict[str, Any]]:
    """Segments that still need machine output in `lang`.

    Done are: segments whose current text came from a person, the memory or an XLIFF import (a batch run
    never writes over them), and segments whose machine output came from `model_id` (so a rerun resumes).
    Machine output of another model (say the tiny profile's) is pending again when `model_id` is given.
    """
    current = store.current_revisions(article_id) if current is None else current
    machine = store.latest_machine_outputs(article_id)
    out = []
    for seg in translatable_segments(store, article_id):
        rev = current.get(("segment", seg["id"], lang))
        if rev is None:
            out.append(seg)
        elif rev["origin"] == "machine" and model_id is not None:
            made = machine.get(("segment", seg["id"], lang))
            if made is None or made["provenance"].get("model") != model_id:
                out.append(seg)
    return out


Input = tuple[dict[str, Any], str, int | None]  # (segment, text given to the model, pivot revision id)


def _pivot_inputs(store: Store, plan: RunPlan, article_id: str, lang: LanguagePlan, segs: list[dict[str, Any]],
                  progress: Progress, chunk: int,
                  stored: Stored | None = None) -> Generator[Chunk, Outputs, tuple[list[Input], list[Failure]]]:
    """The current pivot-language text of each segment, translating the pivot language first where missing (its
    chunks are yielded like the run's own)."""
    pivot = plan.languages[lang.source_lang]
    failures: list[Failure] = []
    missing = {s["id"] for s in pending_segments(store, article_id, pivot.lang, pivot.model_id)}
    missing &= {s["id"] for s in segs}
    if missing:
        _, _, failures = yield from segment_work(store, plan, article_id, pivot.lang, segment_ids=missing,
                                                 progress=progress, chunk=chunk, stored=stored)
    current = store.current_revisions(article_id)
    inputs: list[Input] = []
    for s in segs:
        rev = current.get(("segment", s["id"], pivot.lang))
        if rev is not None:
            inputs.append((s, rev["text"], rev["id"]))
        elif not any(f.segment_id == s["id"] for f in failures):
            failures.append(Failure(article_id, lang.lang, f"no {pivot.lang} text to pivot from", s["id"]))
    return inputs, failures


Seen = dict[str, int | None]  # segment id -> the revision of the unit the run saw when it decided to make it
Kept = list[tuple[str, str]]  # (lang, segment id) of units left alone: a person or another run changed them meanwhile


def store_records(store: Store, records: list[MachineOutputRecord], kept: Kept | None = None) -> list[MachineOutputRecord]:
    """Store outputs (each only while its unit is still what the run saw); returns those stored, adds the rest to
    `kept`."""
    ids = workflow.record_machine_outputs(store, records)
    if kept is not None:
        kept.extend((r.lang, str(r.segment_id)) for r, i in zip(records, ids, strict=True) if i is None)
    return [r for r, i in zip(records, ids, strict=True) if i is not None]


def _from_memory(store: Store, plan: RunPlan, article_id: str, lang: str, inputs: list[Input], seen: Seen,
                 kept: Kept | None) -> tuple[list[Input], list[MachineOutputRecord]]:
    """Store approved translations for exact memory matches; return the inputs still needing a model and the
    memory matches stored."""
    memory = TranslationMemory.from_store(store, lang)
    if not len(memory):
        return inputs, []
    records, rest = [], []
    for item in inputs:
        seg = item[0]
        entry = memory.exact(seg["source_text"], exclude_segment=seg["id"])
        if entry is None:
            rest.append(item)
            continue
        records.append(MachineOutputRecord(
            article_id, seg["id"], "segment", lang, seg["source_text"], entry.text, [],
            {"model": "translation-memory", "memory": entry.to_dict(), "profile": plan.profile,
             "task": f"{SOURCE_LANG}→{lang}", "versions": versions(), "created": now(), "meaningless": False},
            seen_revision_id=seen.get(seg["id"], UNSEEN)))
    return rest, store_records(store, records, kept) if records else []


Made = Scored | LLMOutput  # a sentence translator's (text, confidence), or an LLM translator's output


def _translate(lang: LanguagePlan, texts: list[str], requests: list[Request] | None) -> list[Made]:
    if requests is not None and isinstance(lang.translator, RequestTranslator):
        return list(lang.translator.translate_requests(requests))
    return list(lang.translator.translate_scored(texts))


@dataclass
class Chunk:
    """One model call's worth of an article language: its inputs (an LLM translator also gets `requests`: each
    segment with its context) and where its failures go. A run yields it and is sent back its outputs."""

    lang: LanguagePlan
    article_id: str
    part: list[Input]
    requests: list[Request] | None
    failures: list[Failure]


Outputs = list[Made | None]  # one per input of a chunk; None where the segment failed
Work = Generator[Chunk, Outputs, Any]  # a run: yields chunks, is sent their outputs, returns its result


def translate_chunk(lang: LanguagePlan, part: list[Input], article_id: str, failures: list[Failure],
                    requests: list[Request] | None = None) -> Outputs:
    """Outputs for one chunk (an LLM translator gets `requests`: each segment with its context); after a model
    error (or out of memory) each segment is retried alone.

    Every unexpected error is logged with its traceback (DATA_HOME/logs/workbench.log) before the retry,
    and a segment that fails alone is reported with its reason.
    """
    texts = [t for _, t, _ in part]
    try:
        return list(_translate(lang, texts, requests))
    except FATAL:
        raise
    except Exception:
        log.exception("batch of %d segments of %s (%s) failed; retrying one by one", len(texts), article_id, lang.lang)
    outputs: Outputs = []
    for i, (s, text, _) in enumerate(part):
        try:
            outputs.append(_translate(lang, [text], [requests[i]] if requests is not None else None)[0])
        except FATAL:
            raise
        except Exception as exc:
            log.exception("segment %s of %s (%s) failed", s["id"], article_id, lang.lang)
            outputs.append(None)
            failures.append(Failure.of(article_id, lang.lang, exc, s["id"]))
    return outputs


def translate_chunks(chunks: list[Chunk]) -> list[Outputs]:
    """The outputs of several chunks of one language in one model call (the engine batches them by length and
    token budget); after a model error each chunk is retried on its own (`translate_chunk`)."""
    if len(chunks) == 1:
        c = chunks[0]
        return [translate_chunk(c.lang, c.part, c.article_id, c.failures, c.requests)]
    lang = chunks[0].lang
    texts = [t for c in chunks for _, t, _ in c.part]
    requests = [r for c in chunks for r in c.requests or []] if chunks[0].requests is not None else None
    try:
        made: list[Made | None] = list(_translate(lang, texts, requests))
    except FATAL:
        raise
    except Exception:
        log.exception("call of %d segments of %d articles (%s) failed; retrying article by article", len(texts),
                      len(chunks), lang.lang)
        return [translate_chunk(c.lang, c.part, c.article_id, c.failures, c.requests) for c in chunks]
    out, at = [], 0
    for c in chunks:
        out.append(made[at:at + len(c.part)])
        at += len(c.part)
    return out


def drive(work: Work, progress: Progress) -> Any:
    """Run one run to its end, a model call per chunk; returns its result."""
    try:
        chunk = next(work)
        while True:
            before = chunk.lang.translator.tokens_generated
            outputs = translate_chunks([chunk])[0]
            progress.advance(0, chunk.lang.translator.tokens_generated - before)
            chunk = work.send(outputs)
    except StopIteration as finished:
        return finished.value


def output_records(plan: RunPlan, lang: LanguagePlan, article_id: str, part: list[Input], outputs: list[Made | None],
                   cached: list[bool], seen: Seen | None = None) -> list[MachineOutputRecord]:
    """The records of one chunk's outputs; each carries the revision the run saw (`seen`), so that it is stored
    only while that is still the unit's current one."""
    seen = seen or {}
    engine = lang.translator
    records = []
    pivot_of = plan.languages[lang.source_lang] if lang.via else None
    for (s, text, rev_id), scored, was_cached in zip(part, outputs, cached, strict=True):
        if scored is None:
            continue
        llm = scored.provenance() if isinstance(scored, LLMOutput) else None  # template, context, terms, notes
        out, confidence = scored.scored() if isinstance(scored, LLMOutput) else scored
        flags = ["meaningless_model"] if engine.info.meaningless else []
        flags += scored.model_flags() if isinstance(scored, LLMOutput) else []  # the rest is checked when read
        pivot = {"via": lang.via, "input_revision_id": rev_id, "first_model": lang.first_model} if pivot_of else None
        extra = {"llm": llm} if llm else {}
        records.append(MachineOutputRecord(
            article_id, s["id"], "segment", lang.lang, text, out, flags,
            provenance(plan.profile, engine, lang.lang, lang.source_lang, was_cached, pivot=pivot,
                       confidence=confidence.to_dict() if confidence else None, **extra),
            seen_revision_id=seen.get(s["id"], UNSEEN)))
    return records


def _chosen(store: Store, article_id: str, lang: LanguagePlan, current: Current, segment_ids: Iterable[str] | None,
            redo: bool, replace_edited: bool) -> list[dict[str, Any]]:
    """The segments a run makes, decided from one reading of the current revisions (`current`)."""
    if redo:
        segs = translatable_segments(store, article_id)
        if not replace_edited:
            kept = edited_segments(store, article_id, lang.lang, current)
            segs = [s for s in segs if s["id"] not in kept]
    else:
        segs = pending_segments(store, article_id, lang.lang, lang.model_id, current)
    if segment_ids is not None:
        wanted = set(segment_ids)
        segs = [s for s in segs if s["id"] in wanted]
    return segs


def translate_segments(store: Store, plan: RunPlan, article_id: str, lang_code: str, *,
                       segment_ids: Iterable[str] | None = None, redo: bool = False, replace_edited: bool = False,
                       progress: Progress | None = None, chunk: int = CHUNK,
                       kept: Kept | None = None) -> tuple[int, int, list[Failure]]:
    """Translate an article's segments into `lang_code`; returns (translated, cached, failures). See
    `segment_work`; this runs it alone, a model call per chunk."""
    progress = progress or NoProgress()
    work = segment_work(store, plan, article_id, lang_code, segment_ids=segment_ids, redo=redo,
                        replace_edited=replace_edited, progress=progress, chunk=chunk, kept=kept)
    result: tuple[int, int, list[Failure]] = drive(work, progress)
    return result


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


def segment_work(store: Store, plan: RunPlan, article_id: str, lang_code: str, *,
                 segment_ids: Iterable[str] | None = None, redo: bool = False, replace_edited: bool = False,
                 progress: Progress | None = None, chunk: int = CHUNK, kept: Kept | None = None,
                 stored: Stored | None = None) -> Generator[Chunk, Outputs, tuple[int, int, list[Failure]]]:
    """The run translating an article's segments into `lang_code`: yields its chunks (the caller makes their
    outputs, alone or together with other articles' chunks: `runs.together`) and returns (translated, cached,
    failures).

    Without `redo`, finished segments are left alone (see `pending_segments`), so a rerun resumes. With `redo`,
    segments a person edited still keep their text unless `replace_edited` is given. For a
    pivot route the input is the current text of the pivot language, so a reviewed English gives a new
    Russian. Exact translation-memory matches are used instead of the model. Each chunk is committed, and each
    output only while its unit is still the revision the run saw when it started: a person's save (or another
    run's output) that lands meanwhile is kept, and the unit is added to `kept`. An LLM translator's requests
    of a chunk are made once the chunks before it are stored, so each sees the translations before it.
    """
    progress = progress or NoProgress()
    lang = plan.languages[lang_code]
    current = store.current_revisions(article_id)  # read once, before deciding: what every write is checked against
    segs = _chosen(store, article_id, lang, current, segment_ids, redo, replace_edited)
    if not segs:
        return 0, 0, []
    seen: Seen = {s["id"]: (current.get(("segment", s["id"], lang_code)) or {}).get("id") for s in segs}
    failures: list[Failure] = []
    mine = Stored(parent=stored)
    if lang.via:  # the pivot language's missing segments are made first, and counted with the caller's
        inputs, failures = yield from _pivot_inputs(store, plan, article_id, lang, segs, progress, chunk, stored)
    else:
        inputs = [(s, s["source_text"], None) for s in segs]
    rest, memory = _from_memory(store, plan, article_id, lang_code, inputs, seen, kept)
    mine.add(memory)
    progress.advance(len(inputs) - len(rest), 0)
    for start in range(0, len(rest), chunk):
        part = rest[start:start + chunk]
        requests = requests_for(store, plan, article_id, lang, part) if takes_requests(lang) else None
        cached = lang.translator.requests_cached(requests) if requests is not None and \
            isinstance(lang.translator, RequestTranslator) else lang.translator.cached([t for _, t, _ in part])
        outputs = yield Chunk(lang, article_id, part, requests, failures)
        mine.add(store_records(store, output_records(plan, lang, article_id, part, outputs, cached, seen), kept))
        progress.advance(len(part), 0)
    return mine.translated, mine.cached, failures
