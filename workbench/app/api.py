"""The Python API: `Workbench(home=...)`. The CLI and the UI call the same methods.

`Workbench` is wiring and caching: the store, the models (loaded once), the glossary and views (kept until they
change). Every write goes through `review.workflow`, which holds the rules.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import logs
from ..choice.plan import ModelSet
from ..choice.profiles import Selection, select
from ..errors import ArticleNotFound, SegmentNotFound, WorkbenchError
from ..exchange.export import render, select_items, write
from ..exchange.results import article_record, write_results
from ..exchange.xliff_import import XliffImportReport, import_xliff
from ..ids import check_article_id, check_segment_id
from ..languages import TARGETS, check_target
from ..review import workflow
from ..review.glossary import Glossary
from ..review.glossary import load as load_glossary
from ..review.glossary import version as glossary_version
from ..review.memory import TranslationMemory
from ..review.model import ArticleSummary, ArticleView
from ..review.views import article_view, list_view
from ..runs.batch import translate_articles
from ..runs.progress import Progress
from ..runs.report import TranslateReport
from ..runs.risk_view import UnitRisk, article_risk
from ..runs.summaries import summarize_article
from ..runs.translation import translate_segments
from ..settings import Home
from ..store import Store
from ..store.importer import ImportReport, import_paths
from ..text.reading import SUFFIXES
from ..units import UnitRef


class Workbench:
    """One data home: its store, and the models chosen for it (loaded lazily, once)."""

    def __init__(self, home: str | os.PathLike[str] | Home | None = None, *, profile: str | None = None,
                 models: dict[str, str] | None = None, summarizer: str | None = None, device: str | None = None,
                 licence: str | None = None, engine: str | None = None, threads: int | None = None,
                 model_set: ModelSet | None = None):
        self.home = Home.resolve(home).ensure()  # resolved here, once; everything below is handed this Home
        logs.attach(self.home)
        self.store = Store(self.home.database)
        self._selection_args: dict[str, Any] = dict(profile=profile, models=models, summarizer=summarizer, device=device,
                                                    licence=licence, engine=engine, threads=threads)
        self._models = model_set
        self._views: dict[tuple[str, tuple[int, int], str], ArticleView] = {}
        self._glossary: tuple[str, Glossary] | None = None
        self._risks: dict[tuple[str, tuple[int, int], str], dict[str, dict[str, UnitRisk]]] = {}
        try:
            glossary_version(self.store)  # on first open, an earlier version's glossary.csv is imported (once)
        except WorkbenchError as exc:  # e.g. a full disk: every command still runs; the glossary is tried on use
            logs.get("api").error("the glossary could not be set up: %s", exc)
        self._memories: dict[str, tuple[tuple[int, int], TranslationMemory]] = {}

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ models
    def selection(self) -> Selection:
        return self._models.selection if self._models else select(home=self.home, **self._selection_args)

    @property
    def models(self) -> ModelSet:
        if self._models is None:
            self._models = ModelSet(self.selection(), home=self.home)
        return self._models

    # ------------------------------------------------------------------ import and reading
    def import_paths(self, paths: Sequence[str | Path]) -> ImportReport:
        return import_paths(self.store, paths, reopen=workflow.source_changed)

    def articles(self) -> list[ArticleSummary]:
        return list_view(self.store)

    def find_articles(self, query: str = "", status: str = "all") -> list[ArticleSummary]:
        """Articles whose title, Arabic text, id or English/Russian text contains `query` (case-insensitive), with a
        language in `status` ("all": any)."""
        query = query.strip().lower()
        rows = self.articles()
        if query:
            hits = self.store.articles_containing(query)
            rows = [r for r in rows if r.id in hits]
        if status != "all":
            rows = [r for r in rows if status in r.status.values()]
        return rows

    def article(self, article_id: str) -> ArticleView:
        """An article with segments, machine outputs, current revisions, QA flags and summaries (`to_dict()`: the
        `show --json` structure). Views are kept until the store or the glossary changes (the editor asks for the
        same article several times per action); they are frozen."""
        glossary = self.glossary()
        key = (article_id, self.store.version(), self._glossary[0] if self._glossary else "")
        view = self._views.get(key)
        if view is None:
            view = article_view(self.store, article_id, glossary=glossary)
            if len(self._views) >= 16:
                self._views.pop(next(iter(self._views)))
            self._views[key] = view
        return view

    def risk(self, article_id: str) -> dict[str, dict[str, UnitRisk]]:
        """Per language and segment: the translation's risk and why, its fact flags and its names with the entity
        ledger's forms (`runs.risk_view`), kept like the views until the store or the glossary changes."""
        view = self.article(article_id)
        key = (article_id, self.store.version(), self._glossary[0] if self._glossary else "")
        risk = self._risks.get(key)
        if risk is None:
            risk = article_risk(self.store, view, self.glossary())
            if len(self._risks) >= 16:
                self._risks.pop(next(iter(self._risks)))
            self._risks[(article_id, self.store.version(), self._glossary[0] if self._glossary else "")] = risk
        return risk

    def glossary(self) -> Glossary:
        """The store's glossary (the project's starter glossary until it is edited), read again only when a new
        version was saved."""
        current = glossary_version(self.store)
        if self._glossary is None or self._glossary[0] != current:
            self._glossary = (current, load_glossary(self.store))
        return self._glossary[1]

    def memory(self, lang: str) -> TranslationMemory:
        """The translation memory of `lang`, built again only when the store changed (each click on a segment asks
        for it)."""
        version = self.store.version()
        kept = self._memories.get(lang)
        if kept is None or kept[0] != version:
            kept = (version, TranslationMemory.from_store(self.store, lang))
            self._memories[lang] = kept
        return kept[1]

    def resolve(self, items: list[str], *, all_articles: bool = False) -> tuple[list[str], ImportReport]:
        """Article ids for what an operator named on the command line: article ids, and files or folders (imported
        first); every article with `all_articles`. Never call this with input from the network: a path is read
        (the server's operations take ids only, see `check_ids`)."""
        report = ImportReport()
        ids: list[str] = []
        known = set(self.store.article_ids())
        paths = []
        for item in items:
            if item in known:
                ids.append(item)
            elif item.strip() and Path(item).exists():
                paths.append(item)
            else:
                raise _not_found(item)
        if paths:
            report = self.import_paths(paths)
            ids.extend(report.article_ids)
        if all_articles:
            ids = self.store.article_ids()
        return list(dict.fromkeys(ids)), report

    def check_ids(self, article_ids: Sequence[str]) -> list[str]:
        """The ids, each well-formed and of an article in the store (InvalidId / ArticleNotFound otherwise)."""
        for article_id in dict.fromkeys(article_ids):
            if not self.store.has_article(check_article_id(article_id)):
                raise ArticleNotFound(article_id)
        return list(dict.fromkeys(article_ids))

    def unit(self, article_id: str, unit: str, lang: str) -> UnitRef:
        """The unit a request names, checked: a known article, a target language, and "summary" or a segment of
        that article (InvalidId, ArticleNotFound or SegmentNotFound otherwise)."""
        self.check_ids([article_id])
        ref = UnitRef.named(article_id, unit, check_target(lang))
        if ref.segment_id is not None:
            check_segment_id(ref.segment_id, article_id)
            if not self.store.has_segment(article_id, ref.segment_id):
                raise SegmentNotFound(ref.segment_id)
        return ref

    # ------------------------------------------------------------------ translation
    def check_device(self) -> None:
        """`--device cuda` without a usable GPU: one error before anything is imported or loaded (it was one per
        article, after loading)."""
        device = self.selection().device
        if device.startswith("cuda"):
            from ..models.hf import resolve_device

            resolve_device(device)

    def translate(self, items: list[str] | None = None, targets: Sequence[str] = TARGETS, *,
                  summarize: bool = False, redo: bool = False, all_articles: bool = False, replace_edited: bool = False,
                  progress: Progress | None = None, out: str | Path | None = None,
                  article_ids: Sequence[str] | None = None) -> TranslateReport:
        """Import paths if needed, translate every pending segment, optionally summarize, optionally write results.
        `items` are an operator's paths or ids (see `resolve`); `article_ids` are ids only (what the server passes).
        `redo` translates again, but keeps what a person edited unless `replace_edited`."""
        targets = [check_target(lang) for lang in targets]
        self.check_device()
        if article_ids is not None:
            ids, imported = self.check_ids(article_ids), ImportReport()
        else:
            ids, imported = self.resolve(list(items or []), all_articles=all_articles)
        report = translate_articles(self.store, self.models.plan(targets, summarize), ids, summarize=summarize, redo=redo,
                                    replace_edited=replace_edited, progress=progress)
        report.import_problems = [str(p) for p in imported.problems]
        if out:
            self.write_results(ids, targets, out)
        return report

    def translate_on_ray(self, paths: list[str], targets: Sequence[str], out: str | Path, *, summarize: bool = False,
                         options: Any = None) -> Any:
        """Translate files and folders on a Ray cluster into shards in `out` (see `scale.distributed`); the store is
        not touched (`ingest` merges the shards into it)."""
        from ..scale import distributed

        selection = self.selection()
        return distributed.translate(selection, self.home, paths, [check_target(lang) for lang in targets], out,
                                     summarize=summarize, threads=selection.threads, glossary=self.glossary(),
                                     options=options)

    def ingest(self, out: str | Path) -> Any:
        """Merge the shards of a distributed run into the store; running it again changes nothing."""
        from ..scale.ingest import ingest

        return ingest(self.store, out)

    def write_results(self, article_ids: list[str], targets: list[str], out: str | Path) -> str:
        return write_results([article_record(self.article(a), targets) for a in article_ids], out)

    def retranslate(self, article_id: str, lang: str, segment_ids: list[str] | None = None, *,
                    replace_edited: bool = False) -> int:
        """Make new machine output for some (or all) segments of one article, e.g. Russian after the English changed.
        Segments a person edited keep their text unless `replace_edited`."""
        plan = self.models.plan([check_target(lang)])
        done, _, failures = translate_segments(self.store, plan, article_id, lang, segment_ids=segment_ids, redo=True,
                                               replace_edited=replace_edited)
        if failures:
            raise WorkbenchError("; ".join(f"{f.segment_id or f.article_id}: {f.reason}" for f in failures))
        return done

    def summarize(self, article_id: str, lang: str, *, template: str | None = None, replace_edited: bool = False) -> bool:
        """A new summary; a person's summary is kept (False) unless `replace_edited`."""
        plan = self.models.plan([], summarize=True)  # the summarizer only: no translator is built for this
        return summarize_article(self.store, plan, article_id, lang, redo=True, template=template,
                                 replace_edited=replace_edited)

    # ------------------------------------------------------------------ review (the rules: `review.workflow`)
    def save(self, article_id: str, segment_id: str | None, lang: str, text: str, *, author: str,
             base_revision_id: int | None, target: str = "segment", seconds_open: float | None = None,
             reviewed: bool = False) -> int:
        """Save a reviewer's text (ConflictError if someone saved another text since base_revision_id); `reviewed`:
        the reviewer confirms it; `seconds_open`: how long the editor had the unit open (effort). The unit's
        current revision id after it (text equal to the current text adds none). See `workflow.save`."""
        return workflow.save(self.store, _ref(article_id, segment_id, lang, target), text, author=author,
                             base_revision_id=base_revision_id, reviewed=reviewed,
                             seconds_open=seconds_open).revision_id

    def confirm(self, article_id: str, segment_id: str | None, lang: str, *, author: str, base_revision_id: int | None,
                target: str = "segment", seconds_open: float | None = None) -> int:
        """Confirm the text seen at `base_revision_id` as reviewed, unchanged (see `workflow.confirm`)."""
        return workflow.confirm(self.store, _ref(article_id, segment_id, lang, target), author=author,
                                base_revision_id=base_revision_id, seconds_open=seconds_open).revision_id

    def approve(self, article_id: str, lang: str, author: str | None = None, *, override: str | None = None,
                seen: tuple[str, int] | None = None) -> str:
        """Approve an article language: refused (ApprovalRefused, saying what is missing) unless every segment is
        reviewed and no blocking flag remains; `override` (a reason) approves anyway and is recorded. `seen`: the
        source hash and newest revision id the approver saw (refused when the article changed since)."""
        return workflow.approve(self.store, article_id, lang, author, override=override, glossary=self.glossary(),
                                seen=seen)

    def revert(self, article_id: str, segment_id: str | None, lang: str, revision_id: int, *, author: str,
               base_revision_id: int | None, target: str = "segment") -> int:
        """Put an old revision's text back as a new revision (see `workflow.restore`)."""
        return workflow.restore(self.store, _ref(article_id, segment_id, lang, target), revision_id, author=author,
                                base_revision_id=base_revision_id).revision_id

    def history(self, article_id: str, segment_id: str | None, lang: str, target: str = "segment") -> list[dict[str, Any]]:
        return self.store.history(article_id, segment_id, lang, target)

    def set_status(self, article_id: str, lang: str, status: str, author: str | None = None, *,
                   override: str | None = None) -> str:
        """Set a language's status; "approved" goes through the approval rules (see `approve`)."""
        return workflow.mark(self.store, article_id, lang, status, author, override=override, glossary=self.glossary())

    def drafts(self, article_id: str, author: str) -> list[dict[str, Any]]:
        return self.store.drafts(article_id, author)

    def save_draft(self, article_id: str, segment_id: str | None, lang: str, text: str, *, author: str,
                   base_revision_id: int | None, target: str = "segment") -> None:
        """Keep unsaved text (replaces the author's previous draft of the unit; dropped when the unit is saved).
        `base_revision_id` is the revision the text was typed on: one of this unit's, or None."""
        workflow.keep_draft(self.store, _ref(article_id, segment_id, lang, target), text, author=author,
                            base_revision_id=base_revision_id)

    def status(self) -> list[dict[str, Any]]:
        """Per article and language: done / pending / failed, with counts."""
        failures = self.store.failures()
        out = []
        for item in self.articles():
            view = self.article(item.id)
            languages: dict[str, dict[str, Any]] = {}
            for lang in TARGETS:
                prog = view.progress[lang]
                state = "done" if prog.done == prog.total else "pending"
                if (item.id, lang) in failures and state != "done":
                    state = "failed"
                languages[lang] = {
                    "state": state, "done": prog.done, "total": prog.total,
                    "summary": view.summaries[lang] is not None, "review": view.status[lang],
                    "reason": failures.get((item.id, lang)) if state == "failed" else None,
                    "override": view.status_override.get(lang),
                    "reopened": view.status_reopened.get(lang),
                }
            out.append({"id": item.id, "label": item.label, "languages": languages})
        return out

    # ------------------------------------------------------------------ exchange
    def render_export(self, article_ids: list[str], langs: list[str], fmt: str, *, status: str | None = None,
                      source: str = "current") -> tuple[bytes, int]:
        """The export of the articles' languages in `fmt` (see `exchange.registry`) and how many pairs it holds."""
        for article_id in article_ids:
            self.store.article(article_id)  # a clear error for an unknown id
        items = select_items(self.article, article_ids, [check_target(lang) for lang in langs], status)
        return render(items, fmt, source=source, memory=self.memory, status=status)

    def export(self, article_ids: list[str], langs: list[str], fmt: str, out: str | Path, *,
               status: str | None = None, source: str = "current") -> Path:
        """Write the export to `out` atomically and return the path."""
        data, _ = self.render_export(article_ids, langs, fmt, status=status, source=source)
        return write(data, out)

    def import_xliff(self, path: str | Path) -> XliffImportReport:
        """Apply an XLIFF file edited outside as new revisions (conflicts and unknown ids are reported)."""
        return import_xliff(self.store, path)


def _ref(article_id: str, segment_id: str | None, lang: str, target: str) -> UnitRef:
    """The unit a Python caller names by (article, segment id or None, language, "segment" or "summary")."""
    if target not in ("segment", "summary"):
        raise WorkbenchError(f"unknown kind of unit {target!r}; use segment or summary")
    if target == "segment" and segment_id is None:
        raise WorkbenchError("a segment revision needs a segment id")
    return UnitRef(article_id, None if target == "summary" else segment_id, check_target(lang))


def _not_found(item: str) -> WorkbenchError:
    """What an operator's item that is neither a known article id nor an existing file or folder is taken for."""
    if not item.strip():
        return WorkbenchError("an empty name is neither a file nor an article id")
    if "/" in item or "\\" in item or Path(item).suffix.lower() in SUFFIXES:
        return WorkbenchError(f"{item}: no such file or folder")
    return WorkbenchError(f"{item!r} is neither an article id (see `workbench list`) nor a file or folder")
