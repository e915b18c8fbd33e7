"""Every operation of the review surface, declared once: its arguments with their kinds, its result.

The page's editor (`ui/grid.js`), `gradio_client` scripts (named endpoints registered from `OPERATIONS` in
`ui/endpoints.py`) and Python callers all go through the same `Operation`: each argument is parsed by its kind
(`app/arguments.py`: type, size, id rules) before the operation runs, so an operation only ever sees clean values;
a result is a dict with `ok`; an expected failure is `{"ok": False, "error": one line}`, a refused save also carries
the other text (`conflict`), and an unexpected one is logged with its traceback and reported in one line.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import ConflictError, WorkbenchError
from ..languages import STATUSES, TARGETS
from ..logs import get as get_logger
from ..review import workflow
from ..review.confidence import EXPLANATION, FILTERS, LOW_CONFIDENCE, ORDERS, least_sure_on_demand, review_rows
from ..review.diff import diff_html
from ..review.effort import GROUPS
from ..review.effort import effort as effort_rows
from ..review.qa import FLAG_HELP
from ..review.states import BLOCKING, ApprovalStale, approval_problems, review_counts
from ..review.suggestions import unit_suggestions
from ..units import UnitRef
from . import arguments as a
from .api import Workbench

Result = dict[str, Any]
T = TypeVar("T")
log = get_logger("ui")
STATUS_FILTERS = ("all", *STATUSES)


@dataclass(frozen=True)
class Operation:
    """One operation: `fn(wb, **clean_arguments)`, its argument kinds in order, and its defaults."""

    name: str
    fn: Callable[..., Result]
    kinds: dict[str, a.Kind]
    defaults: dict[str, Any]
    doc: str

    @property
    def takes_author(self) -> bool:
        return "author" in self.kinds

    def __call__(self, wb: Workbench, *args: Any, login: str | None = None, **kwargs: Any) -> Result:
        """Parse the arguments (positional in declared order, or by name), then run; never raises."""
        return guarded(self.name, lambda: self.fn(wb, **self.parse(args, kwargs, login)))

    def parse(self, args: tuple[Any, ...], kwargs: dict[str, Any], login: str | None = None) -> dict[str, Any]:
        names = list(self.kinds)
        if len(args) > len(names):
            raise a.BadArgument(f"{self.name} takes {len(names)} arguments, got {len(args)}")
        given = dict(zip(names, args, strict=False))
        unknown = set(kwargs) - set(names)
        if unknown or set(kwargs) & set(given):
            raise a.BadArgument(f"{self.name}: unknown or repeated arguments {sorted(unknown or set(kwargs) & set(given))}")
        given.update(kwargs)
        clean = {}
        for name, kind in self.kinds.items():
            if name not in given and name not in self.defaults:
                raise a.BadArgument(f"{self.name}: {name} is missing")
            clean[name] = kind.parse(given.get(name, self.defaults.get(name)), name)
        if self.takes_author:
            clean["author"] = login or clean["author"].strip() or "reviewer"
        return clean


OPERATIONS: dict[str, Operation] = {}


def operation(**kinds: a.Kind) -> Callable[[Callable[..., Result]], Operation]:
    """Declare an operation: `fn(wb, ...)` with one kind per argument, in the order of its parameters."""

    def declare(fn: Callable[..., Result]) -> Operation:
        params = list(inspect.signature(fn).parameters.values())[1:]
        if [p.name for p in params] != list(kinds):
            raise TypeError(f"{fn.__name__}: kinds {list(kinds)} do not match parameters {[p.name for p in params]}")
        defaults = {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}
        op = Operation(fn.__name__, fn, dict(kinds), defaults, inspect.getdoc(fn) or "")
        OPERATIONS[op.name] = op
        return op

    return declare


def guarded(name: str, run: Callable[[], T]) -> T | Result:
    """What `run` returns, or the one-line failure result (a conflict, an expected error, an internal one)."""
    try:
        return run()
    except ConflictError as exc:
        return conflict(exc)
    except ApprovalStale as exc:  # the page reloads before anyone may approve (no override prompt)
        return {"ok": False, "error": str(exc), "stale": True}
    except WorkbenchError as exc:
        return {"ok": False, "error": str(exc)}
    except Exception as exc:
        log.exception("operation %s failed", name)
        return {"ok": False, "error": f"internal error ({type(exc).__name__}); details are in the data home's "
                                      "logs/workbench.log"}


def expected_errors(fn: Callable[..., Result]) -> Callable[..., Result]:
    """The same error handling for a page handler that is not an API operation."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        return guarded(fn.__name__, lambda: fn(*args, **kwargs))

    return wrapper


def conflict(exc: ConflictError) -> Result:
    """A refused save: the other reviewer's text and revision, so nothing is overwritten silently."""
    return {"ok": False, "conflict": True, "message": str(exc), "current_text": exc.current_text,
            "current_revision_id": exc.current_revision_id, "current_author": exc.current_author,
            "error": "someone else saved this text since you opened it"}


# --------------------------------------------------------------------------- articles
@operation(query=a.QUERY, status=a.Choice("status", str, values=STATUS_FILTERS))
def list_articles(wb: Workbench, query: str = "", status: str = "all") -> Result:
    """Articles whose title, Arabic text, id or English/Russian text contains `query` (case-insensitive), with a
    language in `status`: id, title, label, date, source, photo credit, segment counts, status per language."""
    return {"ok": True, "articles": [row.to_dict() for row in wb.find_articles(query, status)]}


@operation(article_id=a.ARTICLE)
def get_article(wb: Workbench, article_id: str) -> Result:
    """Metadata, segments (source, machine output, current text and revision id per language), summaries, flags
    (the `show --json` structure)."""
    return {"ok": True, "article": wb.article(article_id).to_dict()}


@operation(article_id=a.ARTICLE, languages=a.LANGS, replace_edited=a.FLAG)
def translate_article(wb: Workbench, article_id: str, languages: list[str], replace_edited: bool = False) -> Result:
    """Translate the whole article again into the given languages, keeping segments a person edited unless
    `replace_edited`; returns the batch report. Only an article id is accepted, never a path."""
    return wb.translate(article_ids=[article_id], targets=languages, redo=True, replace_edited=replace_edited).to_dict()


@operation(article_id=a.ARTICLE, language=a.LANG, order=a.Choice("order", str, values=tuple(ORDERS)),
           only=a.Choice("filter", str, values=tuple(FILTERS)))
def review_order(wb: Workbench, article_id: str, language: str, order: str = "review_first", only: str = "all") -> Result:
    """Segments in review order (untouched, flagged, least confident first) or document order; `only`: all,
    low_confidence, flagged or needs_review. Each row: segment_id, position, text, flags, confidence (0..1)."""
    rows = review_rows(wb.article(article_id), language, order, only)
    return {"ok": True, "segments": [row.to_dict() for row in rows], "low_confidence_below": LOW_CONFIDENCE, "explanation": EXPLANATION}


@operation(by=a.Choice("group", str, values=tuple(GROUPS)))
def effort(wb: Workbench, by: str = "model") -> Result:
    """Post-editing effort per model, lang, reviewer or article: segments, edited share, HTER, seconds."""
    return {"ok": True, "rows": effort_rows(wb.store, by)}


# --------------------------------------------------------------------------- the editor
@operation(article_id=a.ARTICLE, author=a.AUTHOR)
def review_view(wb: Workbench, article_id: str, author: str = "") -> Result:
    """The article for the editor: segments with each language's text, state, flags and confidence; summaries;
    per-language counts and what blocks approval; the author's drafts; what the flags and marks mean."""
    view = wb.article(article_id)
    return {"ok": True, "article": view.to_dict(), "drafts": wb.drafts(article_id, author),
            "counts": {lang: review_counts(view, lang) for lang in TARGETS},
            "approval": {lang: approval_problems(view, lang) for lang in TARGETS},
            "flag_help": FLAG_HELP, "blocking": list(BLOCKING), "confidence_help": EXPLANATION,
            "low_confidence": LOW_CONFIDENCE, "read_only": wb.store.read_only, "author": author}


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG)
def unit_details(wb: Workbench, article_id: str, unit: str, language: str) -> Result:
    """One unit (a segment or "summary") in one language: source, machine output, current text, flags with their
    meaning, memory matches, glossary terms, the machine suggestions (`review.suggestions`) and the full history."""
    ref = wb.unit(article_id, unit, language)
    view = wb.article(article_id)
    current = view.unit(ref)
    source = "" if ref.segment_id is None else view.row(ref.segment_id).source_text
    machine = current.machine.text if current and current.machine else ""
    terms = [{"ar": " | ".join(t.ar), "forms": list(t.targets(language)), "note": t.note}
             for t in wb.glossary().find(source)] if source else []
    history = [{"id": h["id"], "created": h["created"][:19].replace("T", " "), "author": h["author"],
                "origin": h["origin"], "reviewed": bool(h.get("reviewed")), "text": h["text"]}
               for h in reversed(wb.history(article_id, ref.segment_id, language, ref.target))]
    return {"ok": True, "unit": unit, "lang": language, "source": source, "machine": machine,
            "text": current.text if current else "", "revision_id": current.revision_id if current else None,
            "state": current.state if current else "untranslated", "flags": list(current.flags) if current else [],
            "blocking": list(current.blocking) if current else [],
            "qa": list(current.qa) if current else [],
            "confidence": least_sure_on_demand(current, lambda: wb.models.translator(language)),
            "machine_diff_html": diff_html(machine, current.text if current else ""),
            "matches": _matches(wb, source, ref) if source else [], "terms": terms, "history": history,
            "suggestions": unit_suggestions(wb.store, article_id, ref.segment_id, language, current)}


def saved(wb: Workbench, ref: UnitRef, recorded: workflow.Recorded) -> Result:
    """What a save answers, so the page updates one row and the counts instead of reloading the article: the
    unit's current revision (`unchanged`: the save added none, the text was already current), the flags of the
    unit that block approval (`blocking`: the page warns when a confirmed text has one), whether a pivot check was
    recorded, the unit's row as the article view has it (`row`: a segment row, or the summary unit), the article's
    status, counts and approval blockers per language."""
    view = wb.article(ref.article_id)
    unit = view.unit(ref)
    summary = view.summaries.get(ref.lang)
    row = (summary.to_dict() if summary else None) if ref.segment_id is None else view.row(ref.segment_id).to_dict()
    return {"ok": True, "revision_id": recorded.revision_id, "unit": ref.unit, "lang": ref.lang, "row": row,
            "status": dict(view.status), "counts": {lang: review_counts(view, lang) for lang in TARGETS},
            "approval": {lang: approval_problems(view, lang) for lang in TARGETS},
            "unchanged": recorded.unchanged, "blocking": list(unit.blocking) if unit else [],
            "pivot_confirmed": recorded.pivot_confirmed}


def _matches(wb: Workbench, source: str, ref: UnitRef) -> list[dict[str, Any]]:
    """Fuzzy memory matches with the Arabic words that differ from this segment's marked."""
    return [{"score": score, "text": entry.text, "article_id": entry.article_id,
             "source_diff_html": diff_html(entry.source, source)}
            for entry, score in wb.memory(ref.lang).fuzzy(source, exclude_segment=ref.segment_id)]


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, text=a.TEXT, base_revision_id=a.REVISION,
           author=a.AUTHOR, reviewed=a.FLAG, seconds_open=a.SECONDS)
def save_unit(wb: Workbench, article_id: str, unit: str, language: str, text: str, base_revision_id: int | None = None,
              author: str = "", reviewed: bool = True, seconds_open: float | None = None) -> Result:
    """Save a segment's or summary's text (as reviewed unless `reviewed` is false) based on the revision the
    editor opened; a save based on an older revision is refused and returns the other text, unless the text is
    the same (`unchanged`: no new revision)."""
    ref = wb.unit(article_id, unit, language)
    return saved(wb, ref, workflow.save(wb.store, ref, text, author=author, base_revision_id=base_revision_id,
                                        reviewed=reviewed, seconds_open=seconds_open))


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, base_revision_id=a.REVISION, author=a.AUTHOR,
           seconds_open=a.SECONDS)
def confirm_unit(wb: Workbench, article_id: str, unit: str, language: str, base_revision_id: int | None = None,
                 author: str = "", seconds_open: float | None = None) -> Result:
    """Confirm the text seen at `base_revision_id` unchanged as reviewed; a text already reviewed gets no new
    revision (`unchanged`), and one whose pivot language changed since is recorded as still correct."""
    ref = wb.unit(article_id, unit, language)
    return saved(wb, ref, workflow.confirm(wb.store, ref, author=author, base_revision_id=base_revision_id,
                                           seconds_open=seconds_open))


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, author=a.AUTHOR)
def confirm_pivot(wb: Workbench, article_id: str, unit: str, language: str, author: str = "") -> Result:
    """Still correct: the segment's text fits its pivot language's (English's) current text; recorded, so its
    `stale_pivot` is gone until that text changes again. The text and its review state stay as they are."""
    ref = wb.unit(article_id, unit, language)
    return saved(wb, ref, workflow.confirm_pivot(wb.store, ref, author=author))


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, revision_id=a.REVISION, base_revision_id=a.REVISION,
           author=a.AUTHOR)
def restore_unit(wb: Workbench, article_id: str, unit: str, language: str, revision_id: int | None,
                 base_revision_id: int | None = None, author: str = "") -> Result:
    """Put an old revision's text back as a new revision (origin "revert")."""
    ref = wb.unit(article_id, unit, language)
    if revision_id is None:
        raise a.BadArgument("revision_id: which revision to restore is missing")
    recorded = workflow.restore(wb.store, ref, revision_id, author=author, base_revision_id=base_revision_id)
    return {**saved(wb, ref, recorded), "text": wb.store.revision(recorded.revision_id)["text"]}


@operation(old_text=a.OPTIONAL_TEXT, new_text=a.OPTIONAL_TEXT)
def compare(wb: Workbench, old_text: str, new_text: str) -> Result:
    """A word diff of two texts as HTML (each at most the text limit, 100,000 characters unless configured); long,
    very different texts are compared by sentence or as a whole, which the HTML says (bounded work either way)."""
    return {"ok": True, "diff_html": diff_html(old_text, new_text)}


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, text=a.TEXT, base_revision_id=a.REVISION,
           author=a.AUTHOR)
def save_draft(wb: Workbench, article_id: str, unit: str, language: str, text: str,
               base_revision_id: int | None = None, author: str = "") -> Result:
    """Keep unsaved text as the author's draft of the unit, with the revision it was typed on."""
    workflow.keep_draft(wb.store, wb.unit(article_id, unit, language), text, author=author,
                        base_revision_id=base_revision_id)
    return {"ok": True}


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, author=a.AUTHOR)
def discard_draft(wb: Workbench, article_id: str, unit: str, language: str, author: str = "") -> Result:
    """Drop the author's draft of the unit."""
    workflow.drop_draft(wb.store, wb.unit(article_id, unit, language), author=author)
    return {"ok": True}


@operation(article_id=a.ARTICLE, unit=a.UNIT, language=a.LANG, replace_edited=a.FLAG)
def retranslate_unit(wb: Workbench, article_id: str, unit: str, language: str, replace_edited: bool = False) -> Result:
    """New machine text for a segment or summary; a person's text is kept unless `replace_edited`."""
    ref = wb.unit(article_id, unit, language)
    if ref.segment_id is None:
        made = wb.summarize(article_id, language, replace_edited=replace_edited)
    else:
        made = bool(wb.retranslate(article_id, language, [ref.segment_id], replace_edited=replace_edited))
    return {"ok": True, "replaced": made,
            "message": "New machine text stored." if made else "Kept the human text (ask to replace it)."}


@operation(article_id=a.ARTICLE, language=a.LANG, author=a.AUTHOR, override=a.REASON, seen_source=a.SOURCE_HASH,
           seen_revision=a.REVISION)
def approve(wb: Workbench, article_id: str, language: str, author: str = "", override: str = "", seen_source: str = "",
            seen_revision: int | None = None) -> Result:
    """Approve an article language (every segment reviewed, no blocking flag), or with an override reason. With
    `seen_source` (the article's `content_hash`) and `seen_revision` (the language's newest revision id, 0: none)
    as the page shows them, refused when the article changed since (a colleague's save, a new source): the
    approval is of what the reviewer saw."""
    seen = (seen_source, seen_revision or 0) if seen_source else None
    return {"ok": True, "status": wb.approve(article_id, language, author, override=override or None, seen=seen)}
