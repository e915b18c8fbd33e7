"""Batch runs over many articles: translate (and summarize) each, report failures, never stop the rest."""

from __future__ import annotations

import time

from ..engines.plan import ModelSet
from ..logs import get as get_logger
from ..review import workflow
from ..store import Store
from .progress import NoProgress, Progress
from .report import Failure, TranslateReport
from .summaries import summarize_article
from .translation import FATAL, pending_segments, translatable_segments, translate_segments

log = get_logger("runs")


def translate_articles(store: Store, models: ModelSet, article_ids: list[str], targets: list[str], *,
                       summarize: bool = False, redo: bool = False, replace_edited: bool = False,
                       progress: Progress | None = None) -> TranslateReport:
    """Translate (and summarize) many articles; one failing article or language never stops the others. With
    `redo`, text a person edited is kept unless `replace_edited`. A unit that a person saved (or another run on
    the same data home stored) while this run worked is kept as it is and counted as skipped."""
    progress = progress or NoProgress()
    started = time.perf_counter()
    plan = models.plan(targets, summarize)
    report = TranslateReport(article_ids=list(article_ids), targets=plan.targets, models=models.selection.to_dict(),
                             meaningless=models.selection.meaningless, engines=models.engines_used())
    total = 0
    for article_id in article_ids:
        every = len(translatable_segments(store, article_id))
        for lang in plan.targets:
            pending = every if redo else len(pending_segments(store, article_id, lang, plan.languages[lang].model_id))
            report.skipped += every - pending
            total += pending
    progress.start(len(article_ids), total)
    tokens_before = plan.tokens_generated()
    for article_id in article_ids:
        for lang in plan.targets:
            kept: list[tuple[str, str]] = []  # a person (or another run) changed these units while this run worked
            try:
                done, cached, failures = translate_segments(store, plan, article_id, lang, redo=redo, progress=progress,
                                                              replace_edited=replace_edited, kept=kept)
                report.translated += done
                report.skipped += len(kept)
                report.cached += cached
                if summarize and not failures:
                    report.summaries += int(summarize_article(store, plan, article_id, lang, redo=redo,
                                                              replace_edited=replace_edited))
            except FATAL:
                raise
            except Exception as exc:
                log.exception("article %s (%s) failed", article_id, lang)
                failures = [Failure(article_id, lang, f"{type(exc).__name__}: {exc}"[:300])]
            report.failures.extend(failures)
            workflow.run_finished(store, article_id, lang, "; ".join(sorted({f.reason for f in failures})) or None)
        progress.article_done(article_id)
    progress.close()
    report.engines = models.engines_used()
    report.tokens = plan.tokens_generated() - tokens_before
    report.seconds = round(time.perf_counter() - started, 3)
    return report
