"""Summaries of stored articles from prompt templates (of the Arabic original or a reviewed translation)."""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter  # the pacer's clock (a test gives it measured times)

from ..choice.compute import load_pace, save_pace
from ..choice.pace import Pace, after_alone, after_batch, pace_key
from ..choice.plan import RunPlan
from ..errors import WorkbenchError
from ..languages import LANGUAGE_NAMES, SOURCE_LANG
from ..logs import get as get_logger
from ..models.base import Prompt, Scored, Summarizer
from ..models.prompts import default_template_name, load_template
from ..provenance import Provenance
from ..review import workflow
from ..settings import Home
from ..store import MachineOutputRecord, Store
from ..text.articles import rebuild
from .translation import FATAL, translatable_segments

log = get_logger("runs")


def article_text_for(store: Store, article_id: str, lang: str | None) -> str:
    """The article without meta lines: the Arabic source, or the current text in `lang`."""
    segs = translatable_segments(store, article_id)
    if lang is None:
        return rebuild(segs)
    current = store.current_revisions(article_id)
    texts = []
    for s in segs:
        rev = current.get(("segment", s["id"], lang))
        if rev is None:
            raise WorkbenchError(f"article {article_id} has no {LANGUAGE_NAMES.get(lang, lang)} text for every segment yet; translate it first")
        texts.append(rev["text"])
    return rebuild(segs, texts)


@dataclass
class SummaryJob:
    """One summary to make: its article language, the rendered prompt, what it reads, and the revision of the
    summary it may replace (the summary is stored only while that is still the current one)."""

    article_id: str
    lang: str
    prompt: Prompt
    text: str  # the article text the prompt carries (recorded as the machine output's input)
    reads: str
    template: dict[str, str]
    seen_revision_id: int | None


def summary_job(store: Store, plan: RunPlan, article_id: str, lang: str, *, redo: bool = False,
                template: str | None = None, replace_edited: bool = False) -> SummaryJob | None:
    """The summary to make for the article in `lang`, or None when it is already done (by this summarizer, or
    edited by a person: `redo` replaces a person's summary only with `replace_edited`)."""
    summarizer = plan.summary_model()
    rev = store.current_revisions(article_id).get(("summary", None, lang))  # what the new summary may replace
    if redo and not replace_edited and rev is not None and rev["origin"] not in ("machine", "memory"):
        return None
    if not redo:
        made = store.latest_machine_outputs(article_id).get(("summary", None, lang))
        if rev is not None and (rev["origin"] != "machine" or (made and made["provenance"].get("model") == summarizer.info.id)):
            return None
    tmpl = load_template(template or plan.templates.get(lang) or default_template_name(lang))
    if tmpl.language != lang:
        raise WorkbenchError(f"prompt template {tmpl.name!r} writes {tmpl.language}, not {lang}")
    article = store.article(article_id)
    reads = SOURCE_LANG if tmpl.input == "source" else lang
    text = article_text_for(store, article_id, None if tmpl.input == "source" else lang)
    prompt = tmpl.render(title=article["title"] or "(none)", text=text, date=article["date"] or article["date_raw"] or "unknown",
                         source=article["source"] or "unknown", language=LANGUAGE_NAMES[lang],
                         source_language=LANGUAGE_NAMES[reads])
    return SummaryJob(article_id, lang, prompt, text, reads, {"name": tmpl.name, "hash": tmpl.hash, "input": tmpl.input},
                      rev["id"] if rev else None)


def record_summary(store: Store, plan: RunPlan, job: SummaryJob, scored: Scored, was_cached: bool) -> bool:
    """Store a made summary; False when the summary changed while it was being made (a person's save, or
    another run's summary, is kept)."""
    summarizer = plan.summary_model()
    summary, confidence = scored
    flags = ["meaningless_model"] if summarizer.info.meaningless else []  # the summary checks run when it is read
    record = Provenance.made(plan.profile, summarizer.info, summarizer.settings(), job.lang, job.reads, was_cached, template=job.template,
                        confidence=confidence.to_dict() if confidence else None).to_dict()
    ids = workflow.record_machine_outputs(store, [MachineOutputRecord(
        job.article_id, None, "summary", job.lang, job.text, summary, flags, record,
        seen_revision_id=job.seen_revision_id)])
    return ids[0] is not None


def summarize_jobs(store: Store, plan: RunPlan, jobs: list[SummaryJob]) -> list[bool | Exception]:
    """Make and store many summaries; per job whether it was stored, or the error that stopped it. Cached ones
    come from the cache; the others are made in batches of prompts of similar length, as large as this machine's
    measured `Pace` says pays (one at a time where a batch was measured slower). After a batch fails, each of
    its summaries is made alone, so one bad prompt never costs the others theirs."""
    summarizer = plan.summary_model()
    cached = [summarizer.cached(job.prompt) for job in jobs]
    made: list[Scored | Exception | None] = [None] * len(jobs)
    hits = [i for i, hit in enumerate(cached) if hit]
    if hits:  # from the cache: no model call, nothing to measure
        for i, hit in zip(hits, summarizer.summarize_many([jobs[i].prompt for i in hits]), strict=True):
            made[i] = hit
    todo = sorted((i for i, hit in enumerate(cached) if not hit), key=lambda i: len(jobs[i].prompt.user))
    pacer = Pacer(summarizer, plan.home)
    while todo:
        size = pacer.next_size(len(todo))
        if size == 1 and not pacer.measured_alone:  # what a batch must beat: a prompt of the middle length
            chunk = [todo.pop(len(todo) // 2)]
        else:
            chunk, todo = todo[:size], todo[size:]
        for i, out in zip(chunk, pacer.make([jobs[i].prompt for i in chunk]), strict=True):
            made[i] = out
    return [_stored(store, plan, job, out, was_cached) for job, out, was_cached in zip(jobs, made, cached, strict=True)]


def _stored(store: Store, plan: RunPlan, job: SummaryJob, out: Scored | Exception | None, was_cached: bool) -> bool | Exception:
    if out is None:  # every job is made above; a None would be a bug here, reported as that job's failure
        return WorkbenchError(f"no summary was made for article {job.article_id} ({job.lang})")
    return out if isinstance(out, Exception) else record_summary(store, plan, job, out, was_cached)


class Pacer:
    """Makes a run's summaries at the measured pace: the first warm summary alone (what a batch must beat, measured
    again in every run: the load of a shared machine changes), then batches of the pace's size, each timed; a
    batch slower per summary than one alone halves the size. The pace is cached per machine (CPU model, threads,
    library versions) and summarizer (`choice.compute`), so the next run starts at the size that paid."""

    def __init__(self, summarizer: Summarizer, home: Home):
        self.summarizer, self.home = summarizer, home
        self.key = pace_key(summarizer)
        self.pace = Pace.of(load_pace(self.key, home), max(1, int(getattr(summarizer.options, "batch_size", 1))))
        self.measured_alone = False

    def next_size(self, waiting: int) -> int:
        """How many of the `waiting` summaries the next call makes."""
        if self.pace.batch_size <= 1 or waiting <= 1 or not self.measured_alone:
            return 1
        return min(self.pace.batch_size, waiting)

    def make(self, prompts: list[Prompt]) -> list[Scored | Exception]:
        """The summaries of `prompts` in one call (alone when one), timed into the pace; after a failed batch each
        is made alone."""
        warm = self.summarizer.tokens_generated > 0  # a first call also loads the model: not a measurement
        started = perf_counter()
        try:
            made: list[Scored | Exception] = list(self.summarizer.summarize_many(prompts))
        except FATAL:
            raise
        except Exception as exc:
            if len(prompts) == 1:
                log.exception("summary failed")
                return [exc]
            log.exception("a batch of %d summaries failed; making them one by one", len(prompts))
            return [_alone(self.summarizer, p) for p in prompts]
        seconds = perf_counter() - started
        if warm:
            before = self.pace
            self.measured_alone = self.measured_alone or len(prompts) == 1
            self.pace = after_alone(before, seconds) if len(prompts) == 1 else after_batch(before, len(prompts), seconds)
            if self.pace.batch_size < before.batch_size:
                log.warning("summaries: a batch of %d took %.2f s a summary, one alone %.2f s; batches of %d from now",
                            len(prompts), seconds / len(prompts), before.alone or 0.0, self.pace.batch_size)
            try:
                save_pace(self.key, self.pace.to_dict(), self.home)
            except OSError as exc:  # a cache: a read-only data home still summarizes
                log.warning("the summary pace could not be cached: %s", exc)
        return made


def _alone(summarizer: Summarizer, prompt: Prompt) -> Scored | Exception:
    try:
        return summarizer.summarize_scored(prompt)
    except FATAL:
        raise
    except Exception as exc:
        log.exception("summary failed")
        return exc


def summarize_article(store: Store, plan: RunPlan, article_id: str, lang: str, *, redo: bool = False,
                      template: str | None = None, replace_edited: bool = False) -> bool:
    """Make the article's summary in `lang` from a prompt template; False when it is already done (by this
    summarizer, or edited by a person: `redo` replaces a person's summary only with `replace_edited`), or when
    the summary changed while it was being made (a person's save, or another run's summary, is kept). The plan
    must carry a summarizer (`ModelSet.plan(..., summarize=True)`)."""
    job = summary_job(store, plan, article_id, lang, redo=redo, template=template, replace_edited=replace_edited)
    if job is None:
        return False
    outcome = summarize_jobs(store, plan, [job])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
