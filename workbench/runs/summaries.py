"""Summaries of stored articles from prompt templates (of the Arabic original or a reviewed translation)."""

from __future__ import annotations

from ..engines.plan import RunPlan
from ..engines.prompts import default_template_name, load_template
from ..errors import WorkbenchError
from ..languages import LANGUAGE_NAMES, SOURCE_LANG
from ..review import workflow
from ..store import MachineOutputRecord, Store
from ..text.articles import rebuild
from .report import provenance
from .translation import translatable_segments


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


def summarize_article(store: Store, plan: RunPlan, article_id: str, lang: str, *, redo: bool = False,
                      template: str | None = None, replace_edited: bool = False) -> bool:
    """Make the article's summary in `lang` from a prompt template; False when it is already done (by this
    summarizer, or edited by a person: `redo` replaces a person's summary only with `replace_edited`), or when
    the summary changed while it was being made (a person's save, or another run's summary, is kept). The plan
    must carry a summarizer (`ModelSet.plan(..., summarize=True)`)."""
    summarizer = plan.summary_model()
    rev = store.current_revisions(article_id).get(("summary", None, lang))  # what the new summary may replace
    if redo and not replace_edited and rev is not None and rev["origin"] not in ("machine", "memory"):
        return False
    if not redo:
        made = store.latest_machine_outputs(article_id).get(("summary", None, lang))
        if rev is not None and (rev["origin"] != "machine" or (made and made["provenance"].get("model") == summarizer.info.id)):
            return False
    tmpl = load_template(template or plan.templates.get(lang) or default_template_name(lang))
    if tmpl.language != lang:
        raise WorkbenchError(f"prompt template {tmpl.name!r} writes {tmpl.language}, not {lang}")
    article = store.article(article_id)
    reads = SOURCE_LANG if tmpl.input == "source" else lang
    text = article_text_for(store, article_id, None if tmpl.input == "source" else lang)
    prompt = tmpl.render(title=article["title"] or "(none)", text=text, date=article["date"] or article["date_raw"] or "unknown",
                         source=article["source"] or "unknown", language=LANGUAGE_NAMES[lang],
                         source_language=LANGUAGE_NAMES[reads])
    was_cached = summarizer.cached(prompt)
    summary, confidence = summarizer.summarize_scored(prompt)
    flags = ["meaningless_model"] if summarizer.info.meaningless else []  # the summary checks run when it is read
    record = provenance(plan.profile, summarizer, lang, reads, was_cached,
                        template={"name": tmpl.name, "hash": tmpl.hash, "input": tmpl.input},
                        confidence=confidence.to_dict() if confidence else None)
    ids = workflow.record_machine_outputs(store, [MachineOutputRecord(
        article_id, None, "summary", lang, text, summary, flags, record, seen_revision_id=rev["id"] if rev else None)])
    return ids[0] is not None
