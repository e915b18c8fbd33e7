"""Running the models over stored articles: segment translation (direct or pivot) and summaries.

This is the one place where machine outputs are made; the CLI, the Python API and the UI call it.
Work is committed in small chunks, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any, Protocol

from .articles import rebuild
from .errors import LicenceRefused, ModelNotAvailable, UnknownModelError, WorkbenchError
from .memory import TranslationMemory
from .migrations import now
from .models import LANGUAGE_NAMES, Translator
from .profiles import SOURCE_LANG, ModelSet
from .prompts import default_template_name, load_template
from .qa import check_output, flag_arabic, flag_empty, flag_repetition, unique
from .store import MachineOutputRecord, Store
from .wrappers import CachedTranslator, PivotTranslator

TRANSLATABLE = ("title", "heading", "body")
FATAL = (ModelNotAvailable, LicenceRefused, UnknownModelError)
CHUNK = 8


class Progress(Protocol):
    def start(self, articles: int, units: int) -> None: ...
    def advance(self, units: int, tokens: int) -> None: ...
    def article_done(self, article_id: str) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def start(self, articles: int, units: int) -> None: pass
    def advance(self, units: int, tokens: int) -> None: pass
    def article_done(self, article_id: str) -> None: pass
    def close(self) -> None: pass


@dataclass
class Failure:
    article_id: str
    lang: str
    reason: str
    segment_id: str | None = None


@dataclass
class TranslateReport:
    article_ids: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    translated: int = 0
    skipped: int = 0
    cached: int = 0
    summaries: int = 0
    tokens: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    import_problems: list[str] = field(default_factory=list)
    models: dict[str, Any] = field(default_factory=dict)
    meaningless: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.import_problems

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out


def versions() -> dict[str, str]:
    out = {}
    for name in ("arabic-news-workbench", "transformers", "torch"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    out["workbench"] = out.pop("arabic-news-workbench")
    return out


def _provenance(models: ModelSet, engine: Any, lang: str, source_lang: str, cached: bool, **extra: Any) -> dict[str, Any]:
    info = engine.info
    return {
        "model": info.id, "revision": info.revision, "licence": info.licence, "family": info.family,
        "profile": models.selection.profile, "task": f"{source_lang}→{lang}", "settings": engine.settings(),
        "device": info.device, "dtype": info.dtype, "cached": cached, "meaningless": info.meaningless,
        "versions": versions(), "created": now(), **extra,
    }


def translatable_segments(store: Store, article_id: str) -> list[dict[str, Any]]:
    return [s for s in store.segments(article_id) if s["kind"] in TRANSLATABLE]


def pending_segments(store: Store, article_id: str, lang: str, model_id: str | None = None) -> list[dict[str, Any]]:
    """Segments that still need machine output in `lang`.

    Done are: segments whose current text came from a person, the memory or an XLIFF import (a batch run
    never writes over them), and segments whose machine output came from `model_id` (so a rerun resumes).
    Machine output of another model (say the tiny profile's) is pending again when `model_id` is given.
    """
    machine = store.latest_machine_outputs(article_id)
    current = store.current_revisions(article_id)
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


def _pivot_inputs(store: Store, models: ModelSet, article_id: str, lang: str, pivot_lang: str,
                  segs: list[dict[str, Any]], progress: Progress, chunk: int) -> tuple[list[Input], list[Failure]]:
    """The current pivot-language text of each segment, translating the pivot language first where missing."""
    failures: list[Failure] = []
    missing = {s["id"] for s in pending_segments(store, article_id, pivot_lang, models.model_id(pivot_lang))}
    missing &= {s["id"] for s in segs}
    if missing:
        _, _, failures = translate_segments(store, models, article_id, pivot_lang, segment_ids=missing,
                                            progress=progress, chunk=chunk)
    current = store.current_revisions(article_id)
    inputs: list[Input] = []
    for s in segs:
        rev = current.get(("segment", s["id"], pivot_lang))
        if rev is not None:
            inputs.append((s, rev["text"], rev["id"]))
        elif not any(f.segment_id == s["id"] for f in failures):
            failures.append(Failure(article_id, lang, f"no {pivot_lang} text to pivot from", s["id"]))
    return inputs, failures


def _from_memory(store: Store, models: ModelSet, article_id: str, lang: str, inputs: list[Input]) -> list[Input]:
    """Store approved translations for exact memory matches; return the inputs still needing a model."""
    memory = TranslationMemory.from_store(store, lang)
    if not len(memory):
        return inputs
    records, rest = [], []
    for item in inputs:
        seg = item[0]
        entry = memory.exact(seg["source_text"], exclude_segment=seg["id"])
        if entry is None:
            rest.append(item)
            continue
        records.append(MachineOutputRecord(
            article_id, seg["id"], "segment", lang, seg["source_text"], entry.text,
            check_output(seg["source_text"], entry.text, SOURCE_LANG, lang),
            {"model": "translation-memory", "memory": entry.to_dict(), "profile": models.selection.profile,
             "task": f"{SOURCE_LANG}→{lang}", "versions": versions(), "created": now(), "meaningless": False}))
    if records:
        store.add_machine_outputs(records)
    return rest


def _translate_chunk(engine: Translator, part: list[Input], article_id: str, lang: str,
                     failures: list[Failure]) -> list[str | None]:
    """Outputs for one chunk; after a model error (or out of memory) each segment is retried alone."""
    texts = [t for _, t, _ in part]
    try:
        return list(engine.translate(texts))
    except FATAL:
        raise
    except Exception:
        outputs: list[str | None] = []
        for s, text, _ in part:
            try:
                outputs.append(engine.translate([text])[0])
            except FATAL:
                raise
            except Exception as exc:
                outputs.append(None)
                failures.append(Failure(article_id, lang, f"{type(exc).__name__}: {exc}"[:300], s["id"]))
        return outputs


def translate_segments(store: Store, models: ModelSet, article_id: str, lang: str, *,
                       segment_ids: Iterable[str] | None = None, redo: bool = False,
                       progress: Progress | None = None, chunk: int = CHUNK) -> tuple[int, int, list[Failure]]:
    """Translate an article's segments into `lang`; returns (translated, cached, failures).

    Without `redo`, finished segments are left alone (see `pending_segments`), so a rerun resumes. For a
    pivot route the input is the current text of the pivot language, so a reviewed English gives a new
    Russian. Exact translation-memory matches are used instead of the model. Each chunk is committed.
    """
    progress = progress or NoProgress()
    translator = models.translator(lang)
    pivot_lang = translator.pivot if isinstance(translator, PivotTranslator) else None
    engine = translator.second if isinstance(translator, PivotTranslator) else translator
    segs = translatable_segments(store, article_id) if redo else pending_segments(store, article_id, lang, engine.info.id)
    if segment_ids is not None:
        wanted = set(segment_ids)
        segs = [s for s in segs if s["id"] in wanted]
    if not segs:
        return 0, 0, []
    failures: list[Failure] = []
    if pivot_lang:
        inputs, failures = _pivot_inputs(store, models, article_id, lang, pivot_lang, segs, progress, chunk)
    else:
        inputs = [(s, s["source_text"], None) for s in segs]
    rest = _from_memory(store, models, article_id, lang, inputs)
    translated = len(inputs) - len(rest)
    progress.advance(translated, 0)
    source_lang = pivot_lang or SOURCE_LANG
    cached_count = 0
    for start in range(0, len(rest), chunk):
        part = rest[start:start + chunk]
        before = models.tokens_generated()
        cached = engine.cached([t for _, t, _ in part]) if isinstance(engine, CachedTranslator) else [False] * len(part)
        outputs = _translate_chunk(engine, part, article_id, lang, failures)
        records = []
        for (s, text, rev_id), out, was_cached in zip(part, outputs, cached, strict=True):
            if out is None:
                continue
            flags = check_output(text, out, source_lang, lang)
            if engine.info.meaningless:
                flags.append("meaningless_model")
            pivot = {"via": pivot_lang, "input_revision_id": rev_id, "first_model": translator.first.info.id} if pivot_lang else None
            records.append(MachineOutputRecord(article_id, s["id"], "segment", lang, text, out, unique(flags),
                                               _provenance(models, engine, lang, source_lang, was_cached, pivot=pivot)))
            cached_count += was_cached
        store.add_machine_outputs(records)
        translated += len(records)
        progress.advance(len(part), models.tokens_generated() - before)
    return translated, cached_count, failures


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


def summarize_article(store: Store, models: ModelSet, article_id: str, lang: str, *, redo: bool = False,
                      template: str | None = None) -> bool:
    """Make the article's summary in `lang` from a prompt template; False when it is already done (by this
    summarizer, or edited by a person)."""
    summarizer = models.summarizer()
    if not redo:
        made = store.latest_machine_outputs(article_id).get(("summary", None, lang))
        rev = store.current_revisions(article_id).get(("summary", None, lang))
        if rev is not None and (rev["origin"] != "machine" or (made and made["provenance"].get("model") == summarizer.info.id)):
            return False
    tmpl = load_template(template or models.selection.templates.get(lang) or default_template_name(lang))
    if tmpl.language != lang:
        raise WorkbenchError(f"prompt template {tmpl.name!r} writes {tmpl.language}, not {lang}")
    article = store.article(article_id)
    text = article_text_for(store, article_id, None if tmpl.input == "source" else lang)
    prompt = tmpl.render(title=article["title"] or "(none)", text=text, date=article["date"] or article["date_raw"] or "unknown",
                         source=article["source"] or "unknown", language=LANGUAGE_NAMES[lang],
                         source_language=LANGUAGE_NAMES[SOURCE_LANG if tmpl.input == "source" else lang])
    cache_key_seen = models.tokens_generated()
    summary = summarizer.summarize(prompt)
    flags = [f for f in (flag_empty(text, summary), flag_arabic(text, summary, lang), flag_repetition(text, summary)) if f]
    if summarizer.info.meaningless:
        flags.append("meaningless_model")
    provenance = _provenance(models, summarizer, lang, SOURCE_LANG if tmpl.input == "source" else lang,
                             models.tokens_generated() == cache_key_seen,
                             template={"name": tmpl.name, "hash": tmpl.hash, "input": tmpl.input})
    store.add_machine_outputs([MachineOutputRecord(article_id, None, "summary", lang, text, summary, flags, provenance)])
    return True


def order_targets(models: ModelSet, targets: list[str]) -> list[str]:
    """Pivot languages first, so that English exists before Russian is made from it."""
    ordered: list[str] = []

    def add(lang: str) -> None:
        route = models.selection.routes.get(lang)
        if route and route.via and route.via in targets:
            add(route.via)
        if lang not in ordered:
            ordered.append(lang)

    for lang in targets:
        add(lang)
    return ordered


def translate_articles(store: Store, models: ModelSet, article_ids: list[str], targets: list[str], *,
                       summarize: bool = False, redo: bool = False, progress: Progress | None = None) -> TranslateReport:
    """Translate (and summarize) many articles; one failing article or language never stops the others."""
    progress = progress or NoProgress()
    started = time.perf_counter()
    targets = order_targets(models, targets)
    report = TranslateReport(article_ids=list(article_ids), targets=targets, models=models.selection.to_dict(),
                             meaningless=models.selection.meaningless)
    models.prepare(targets, summarize)
    total = 0
    for article_id in article_ids:
        for lang in targets:
            pending = len(translatable_segments(store, article_id) if redo
                          else pending_segments(store, article_id, lang, models.model_id(lang)))
            report.skipped += len(translatable_segments(store, article_id)) - pending
            total += pending
    progress.start(len(article_ids), total)
    tokens_before = models.tokens_generated()
    for article_id in article_ids:
        for lang in targets:
            try:
                done, cached, failures = translate_segments(store, models, article_id, lang, redo=redo, progress=progress)
                report.translated += done
                report.cached += cached
                if summarize and not failures:
                    report.summaries += int(summarize_article(store, models, article_id, lang, redo=redo))
            except FATAL:
                raise
            except Exception as exc:
                failures = [Failure(article_id, lang, f"{type(exc).__name__}: {exc}"[:300])]
            if failures:
                report.failures.extend(failures)
                store.record_failure(article_id, lang, "; ".join(sorted({f.reason for f in failures}))[:500])
            else:
                store.clear_failures(article_id, lang)
                store.set_status(article_id, lang, "machine", "workbench", only_if=("new",))
        progress.article_done(article_id)
    progress.close()
    report.tokens = models.tokens_generated() - tokens_before
    report.seconds = round(time.perf_counter() - started, 3)
    return report
