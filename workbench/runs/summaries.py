"""Summaries of stored articles from prompt templates (of the Arabic original or a reviewed translation)."""

from __future__ import annotations

from dataclasses import dataclass

from ..engines.base import Prompt, Scored, Summarizer
from ..engines.plan import RunPlan
from ..engines.prompts import default_template_name, load_template
from ..errors import WorkbenchError
from ..languages import LANGUAGE_NAMES, SOURCE_LANG
from ..logs import get as get_logger
from ..provenance import Provenance
from ..review import workflow
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
    """Make and store many summaries with batched model calls (`Summarizer.summarize_many`: prompts of similar
    length together, each summary as made alone); per job whether it was stored, or the error that stopped it.
    After a batch fails, each summary is made alone, so one bad prompt never costs the others theirs."""
    summarizer = plan.summary_model()
    cached = [summarizer.cached(job.prompt) for job in jobs]
    try:
        made: list[Scored | Exception] = ([summarizer.summarize_scored(jobs[0].prompt)] if len(jobs) == 1
                                          else list(summarizer.summarize_many([job.prompt for job in jobs])))
    except FATAL:
        raise
    except Exception:
        if len(jobs) == 1:
            raise
        log.exception("a batch of %d summaries failed; making them one by one", len(jobs))
        made = [_alone(summarizer, job.prompt) for job in jobs]
    return [out if isinstance(out, Exception) else record_summary(store, plan, job, out, was_cached)
            for job, out, was_cached in zip(jobs, made, cached, strict=True)]


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
