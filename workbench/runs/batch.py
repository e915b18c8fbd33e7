"""Batch runs over many articles: translate (and summarize) each, report failures, never stop the rest."""

from __future__ import annotations

import time

from ..choice.plan import RunPlan
from ..logs import get as get_logger
from ..review import workflow
from ..store import Store
from .context import Snapshot
from .progress import NoProgress, Progress
from .report import Failure, TranslateReport
from .summaries import SummaryJob, summarize_jobs, summary_job
from .translation import FATAL, READ_AHEAD, Choice, Step, Stored, pending, translate_language, width_of

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
    articles are translated together when the translators ask for it (`articles_per_batch`): their chunks share
    model calls (`runs.translation.run_jobs`). With `redo`, text a person edited is kept unless `replace_edited`. A
    unit that a person saved (or another run on the same data home stored) while this run worked is kept as it is
    and counted as skipped. Summaries are made after every translation of the run is stored, in batches across
    article languages (`_Summaries`)."""
    progress = progress or NoProgress()
    started = time.perf_counter()
    report = TranslateReport(article_ids=list(article_ids), targets=plan.targets, models=dict(plan.selection),
                             meaningless=plan.meaningless, engines=dict(plan.engines))
    total = 0
    for article_id in article_ids:  # what is done already: counted as skipped, and the size of the progress bar
        snapshot = Snapshot.load(store, article_id)
        for lang in plan.targets:
            todo = len(snapshot.segments) if redo else len(pending(snapshot, lang, plan.languages[lang].model_id))
            report.skipped += len(snapshot.segments) - todo
            total += todo
    progress.start(len(article_ids), total)
    tokens_before = plan.tokens_generated()
    summaries = _Summaries(store, plan, report, progress)
    width = width_of(plan)
    for at in range(0, len(article_ids), width * READ_AHEAD):
        _translate_group(store, plan, article_ids[at:at + width * READ_AHEAD], report, summaries, summarize,
                         Choice(redo, replace_edited), progress)
    summaries.flush()
    progress.close()
    report.tokens = plan.tokens_generated() - tokens_before
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _translate_group(store: Store, plan: RunPlan, article_ids: list[str], report: TranslateReport,
                     summaries: _Summaries, summarize: bool, choice: Choice, progress: Progress) -> None:
    """Articles translated together (`articles_per_batch` of them per model call): one snapshot each, their
    languages in turn (pivot languages first), then their summaries queued."""
    snapshots = [Snapshot.load(store, article_id) for article_id in article_ids]
    for lang in plan.targets:
        steps = [Step(snapshot, lang, stored=Stored(parent=Stored())) for snapshot in snapshots]
        translate_language(store, plan, steps, progress, choice, width_of(plan))
        for step in steps:
            _finish(store, plan, step, report, summaries if summarize else None, choice)
    for article_id in article_ids:
        summaries.article_done(article_id)


def _finish(store: Store, plan: RunPlan, step: Step, report: TranslateReport, summaries: _Summaries | None,
            choice: Choice) -> None:
    """Count what an article language stored and kept, report its failures; queue its summary, or finish its run
    when there is none to make."""
    job = None
    failures = step.failures
    if step.error is None and summaries is not None and not failures:
        try:
            job = summary_job(store, plan, step.article_id, step.lang, redo=choice.redo,
                              replace_edited=choice.replace_edited)
        except FATAL:
            raise
        except Exception as exc:
            log.exception("article %s (%s) failed", step.article_id, step.lang)
            step.error = exc
    if step.error is not None:
        failures = [Failure.of(step.article_id, step.lang, step.error)]
    counted = step.stored.parent or step.stored  # with the pivot language's segments made for it
    report.translated += counted.translated
    report.cached += counted.cached
    report.skipped += len(step.kept)
    # a pivot segment that failed in its own language's run and again when this one asked for it: reported once
    known = set(report.failures)
    report.failures.extend(f for f in dict.fromkeys(failures) if f not in known)
    if job is not None and summaries is not None:
        summaries.add(job)  # the run is finished once the summary is made
    else:
        workflow.run_finished(store, step.article_id, step.lang, "; ".join(sorted({f.reason for f in failures})) or None)
