"""Batch runs over many articles: translate (and summarize) each, report failures, never stop the rest."""

from __future__ import annotations

import time

from ..engines.plan import RunPlan
from ..logs import get as get_logger
from ..review import workflow
from ..store import Store
from .progress import NoProgress, Progress
from .report import Failure, TranslateReport
from .summaries import SummaryJob, summarize_jobs, summary_job
from .together import run_together, width_of
from .translation import FATAL, Stored, Work, pending_segments, segment_work, translatable_segments

log = get_logger("runs")


class _Summaries:
    """Summaries waiting to be made: the article languages translated so far, made once every translation of the
    run is stored (summaries never hold a translation back: the translation is what a reviewer reads first), in
    batches across article languages (`summarize_jobs`). An article language's run is finished (failures
    recorded) once its summary is made; an article is reported done once all its summaries are."""

    def __init__(self, store: Store, plan: RunPlan, report: TranslateReport, progress: Progress):
        self.store, self.plan, self.report, self.progress = store, plan, report, progress
        self.jobs: list[SummaryJob] = []
        self.waiting: list[str] = []  # articles whose summaries are not made yet, in order

    def add(self, job: SummaryJob) -> None:
        self.jobs.append(job)

    def article_done(self, article_id: str) -> None:
        self.waiting.append(article_id)
        if not self.jobs:  # nothing of the run waits for a summary yet: the article is done
            self.flush()

    def flush(self) -> None:
        jobs, self.jobs = self.jobs, []
        outcomes = summarize_jobs(self.store, self.plan, jobs) if jobs else []
        for job, outcome in zip(jobs, outcomes, strict=True):
            failures = []
            if isinstance(outcome, Exception):
                log.error("summary of article %s (%s) failed: %s", job.article_id, job.lang, outcome)
                failures = [Failure.of(job.article_id, job.lang, outcome)]
            self.report.summaries += outcome is True
            self.report.failures.extend(failures)
            workflow.run_finished(self.store, job.article_id, job.lang, failures[0].reason if failures else None)
        for article_id in self.waiting:
            self.progress.article_done(article_id)
        self.waiting = []


def translate_articles(store: Store, plan: RunPlan, article_ids: list[str], *, summarize: bool = False,
                       redo: bool = False, replace_edited: bool = False,
                       progress: Progress | None = None) -> TranslateReport:
    """Translate (and summarize) many articles; one failing article or language never stops the others. Several
    articles are translated together when the translators ask for it (`articles_per_batch`, `runs.together`). With
    `redo`, text a person edited is kept unless `replace_edited`. A unit that a person saved (or another run on
    the same data home stored) while this run worked is kept as it is and counted as skipped. Summaries are made
    after every translation of the run is stored, in batches across article languages (`_Summaries`)."""
    progress = progress or NoProgress()
    started = time.perf_counter()
    report = TranslateReport(article_ids=list(article_ids), targets=plan.targets, models=dict(plan.selection),
                             meaningless=plan.meaningless, engines=dict(plan.engines))
    total = 0
    for article_id in article_ids:
        every = len(translatable_segments(store, article_id))
        for lang in plan.targets:
            pending = every if redo else len(pending_segments(store, article_id, lang, plan.languages[lang].model_id))
            report.skipped += every - pending
            total += pending
    progress.start(len(article_ids), total)
    tokens_before = plan.tokens_generated()
    summaries = _Summaries(store, plan, report, progress)
    works = (_article(store, plan, article_id, report, summaries, summarize, redo=redo, replace_edited=replace_edited,
                      progress=progress) for article_id in article_ids)
    run_together(works, width_of(plan), progress)
    summaries.flush()
    progress.close()
    report.tokens = plan.tokens_generated() - tokens_before
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _article(store: Store, plan: RunPlan, article_id: str, report: TranslateReport, summaries: _Summaries,
             summarize: bool, *, redo: bool, replace_edited: bool, progress: Progress) -> Work:
    """The run of one article: its languages in turn, then its summaries (queued)."""
    for lang in plan.targets:
        yield from _article_language(store, plan, article_id, lang, report, summaries if summarize else None,
                                     redo=redo, replace_edited=replace_edited, progress=progress)
    summaries.article_done(article_id)


def _article_language(store: Store, plan: RunPlan, article_id: str, lang: str, report: TranslateReport,
                      summaries: _Summaries | None, *, redo: bool, replace_edited: bool, progress: Progress) -> Work:
    """Translate one article language; queue its summary, or finish its run when there is none to make."""
    kept: list[tuple[str, str]] = []  # a person (or another run) changed these units while this run worked
    stored = Stored()  # counted as it goes: a run that fails partway still reports what it stored
    job = None
    try:
        _, _, failures = yield from segment_work(store, plan, article_id, lang, redo=redo, progress=progress,
                                                 replace_edited=replace_edited, kept=kept, stored=stored)
        if summaries is not None and not failures:
            job = summary_job(store, plan, article_id, lang, redo=redo, replace_edited=replace_edited)
    except FATAL:
        raise
    except Exception as exc:
        log.exception("article %s (%s) failed", article_id, lang)
        failures = [Failure.of(article_id, lang, exc)]
    report.translated += stored.translated
    report.cached += stored.cached
    report.skipped += len(kept)
    # a pivot segment that failed in its own language's run and again when this one asked for it: reported once
    known = set(report.failures)
    report.failures.extend(f for f in dict.fromkeys(failures) if f not in known)
    if job is not None and summaries is not None:
        summaries.add(job)  # the run is finished once the summary is made
    else:
        workflow.run_finished(store, article_id, lang, "; ".join(sorted({f.reason for f in failures})) or None)
