"""UI event handlers as plain functions over a `Workbench`: what the Gradio app (and its API) calls.

They take and return plain data, so they are tested without a browser; `ui.py` only wires them up.
"""

from __future__ import annotations

import functools
import html
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ConflictError, WorkbenchError
from ..exchange.registry import get_format
from ..languages import STATUSES, TARGETS, check_target
from ..logs import get as get_logger
from .api import Workbench

STATUS_FILTERS = ("all", *STATUSES)
Result = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Result])
log = get_logger("ui")


def expected_errors(fn: F) -> F:
    """Turn the errors a user can act on into results: a conflict keeps both texts, any other expected error
    becomes `{"ok": False, "error": message}`. Unexpected errors are logged with their traceback and reported
    in one line, so the UI never shows a stack trace and nothing is lost from the log."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        try:
            return fn(*args, **kwargs)
        except ConflictError as exc:
            return _conflict(exc)
        except WorkbenchError as exc:
            return {"ok": False, "error": str(exc)}
        except (ValueError, TypeError) as exc:  # bad values from the API (a non-numeric revision id, …)
            log.info("bad request to %s", fn.__name__, exc_info=True)  # kept in the log, should it be a bug
            return {"ok": False, "error": f"bad request: {exc}"}
        except Exception as exc:
            log.exception("handler %s failed", fn.__name__)
            return {"ok": False, "error": f"internal error ({type(exc).__name__}); details are in the data home's logs/workbench.log"}

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- article list
def list_articles(wb: Workbench, query: str = "", status: str = "all") -> list[dict[str, Any]]:
    """Articles whose title, Arabic text or English/Russian text contains `query` (case-insensitive), with a
    language in `status`."""
    query = (query or "").strip().lower()
    rows = wb.articles()
    if query:
        texts = {r["id"]: (r["title"] or "") + "\n" + wb.store.article(r["id"])["cleaned_text"] for r in rows}
        translated = {r["article_id"] for r in wb.store.query(
            "SELECT DISTINCT article_id FROM revisions WHERE lower(text) LIKE ?", (f"%{query}%",))}
        rows = [r for r in rows if query in texts[r["id"]].lower() or query in r["id"].lower() or r["id"] in translated]
    if status and status != "all":
        rows = [r for r in rows if status in r["status"].values()]
    return rows


STATUS_SHORT = {"new": "new", "machine": "MT", "in_review": "review", "approved": "✓"}


def article_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows for the article list: title (or first words), date, source, "en / ru" status, id."""
    return [[r["label"], r["date"] or "", r["source"] or "",
             f"{STATUS_SHORT[r['status']['en']]} / {STATUS_SHORT[r['status']['ru']]}", r["id"]] for r in rows]


# --------------------------------------------------------------------------- one article
def get_article(wb: Workbench, article_id: str) -> Result:
    """The article view: metadata, summaries, and segments with source, machine output, current text and
    revision id per language, with flags."""
    return wb.article(article_id)


def header_markdown(view: dict[str, Any], read_only: bool = False) -> str:
    """Title and metadata (meta lines shown apart from the text), escaped so article text shows as text."""
    esc = html.escape
    title = view["title"] or view["label"]
    lines = [f"<h2 dir='rtl' class='ar'>{esc(title)}</h2>"]
    facts = [("id", view["id"]), ("date", view["date"] or view["date_raw"] or "—"), ("source", view["source"] or "—"),
             ("photo", view["photo_credit"] or "—"), ("publisher", view["publisher"] or "—")]
    lines.append("<div class='meta'>" + " · ".join(f"<b>{k}</b>: <bdi>{esc(str(v))}</bdi>" for k, v in facts) + "</div>")
    if read_only:
        lines.append("<div class='warning'>Read-only: the data home cannot be written, so nothing can be saved here.</div>")
    if view["meaningless"]:
        lines.append("<div class='warning'>Made by tiny random-weight models: these outputs are meaningless.</div>")
    if view["warnings"]:
        lines.append("<div class='warning'>" + esc("; ".join(view["warnings"])) + "</div>")
    return "\n".join(lines)


# --------------------------------------------------------------------------- editing
@expected_errors
def save_segment(wb: Workbench, article_id: str, segment_id: str, lang: str, text: str,
                 base_revision_id: int | None, author: str, seconds_open: float | None = None) -> Result:
    """Save at once as a new revision; a save based on an older revision is refused and shows the other text.
    `seconds_open` (how long the segment was open in the editor) is recorded for the effort report."""
    if lang not in TARGETS:
        return {"ok": False, "error": f"unknown language {lang!r}"}
    rev = wb.save(article_id, segment_id, lang, text, author=author or "reviewer", base_revision_id=as_revision(base_revision_id),
                  seconds_open=as_seconds(seconds_open))
    return {"ok": True, "revision_id": rev}


def _conflict(exc: ConflictError) -> Result:
    """A refused save: the other reviewer's text and revision, so nothing is overwritten silently."""
    return {"ok": False, "conflict": True, "message": str(exc), "current_text": exc.current_text,
            "current_revision_id": exc.current_revision_id, "current_author": exc.current_author}


@expected_errors
def review_order(wb: Workbench, article_id: str, lang: str, order: str = "review_first", only: str = "all") -> Result:
    """The article's segments in `lang` ordered for review (untouched, flagged and least confident first; see
    `review.confidence`), with what the confidence mark means."""
    from ..review.confidence import EXPLANATION, LOW_CONFIDENCE, review_rows

    rows = review_rows(wb.article(article_id), check_target(lang), order, only)
    return {"ok": True, "segments": rows, "low_confidence_below": LOW_CONFIDENCE, "explanation": EXPLANATION}


def effort_rows(wb: Workbench, by: str = "model") -> list[dict[str, Any]]:
    """The effort report (see `review.effort`), grouped by model, lang, reviewer or article."""
    from ..review.effort import GROUPS, effort

    return effort(wb.store, by if by in GROUPS else "model")


def glossary_rows(wb: Workbench) -> list[list[str]]:
    return wb.glossary().to_rows()


def glossary_version(wb: Workbench) -> str:
    """The version of the glossary an editor loads; saving with it detects a save by someone else meanwhile."""
    from ..review.glossary import version

    return version(wb.home)


@expected_errors
def save_glossary(wb: Workbench, rows: list[list[Any]], base_version: str | None = None, author: str = "") -> Result:
    """Validate and save the edited glossary table (QA flags use it at once); a conflict when someone else saved
    since `base_version`; the replaced version is kept in the history."""
    from ..review.glossary import GlossaryConflict, save_rows, version

    try:
        glossary = save_rows(wb.home, rows, base_version=base_version or None, author=author)
    except GlossaryConflict as exc:
        return {"ok": False, "conflict": True, "error": str(exc), "current_version": exc.current_version}
    return {"ok": True, "terms": len(glossary), "version": version(wb.home)}


def as_seconds(value: Any) -> float | None:
    """Seconds a unit was open in the editor, from a request ("" and None: not timed; never negative)."""
    return None if value in (None, "") else max(0.0, float(value))


def as_revision(value: Any) -> int | None:
    """A revision id from a request ("", 0 and None: none)."""
    if value in (None, "", 0):
        return None
    return int(value)


# --------------------------------------------------------------------------- models and status
@expected_errors
def translate_article(wb: Workbench, article_id: str, languages: list[str], *, summarize: bool = False,
                      redo: bool = True, replace_edited: bool = False, progress: Any = None) -> Result:
    """Translate (again) a whole article into `languages`, keeping what a person edited unless `replace_edited`;
    returns the batch report as a dict (with `ok` false and an `error` when, say, a model is not available)."""
    unknown = [lang for lang in languages if lang not in TARGETS]
    if unknown or not languages:
        return {"ok": False, "error": f"unknown or no languages {unknown or languages!r}; use {', '.join(TARGETS)}",
                "failures": [], "translated": 0, "cached": 0}
    report = wb.translate([article_id], [lang for lang in TARGETS if lang in languages], summarize=summarize,
                          redo=redo, replace_edited=replace_edited, progress=progress)
    return report.to_dict()


@expected_errors
def set_review_status(wb: Workbench, article_id: str, lang: str, status: str, author: str, override: str = "") -> Result:
    """Set a language's status; approving follows the approval rules unless an `override` reason is given."""
    return {"ok": True, "status": wb.set_status(article_id, lang, status, author or "reviewer", override=override or None)}


def export_article(wb: Workbench, article_id: str, fmt: str, langs: list[str] | None = None,
                   folder: Path | None = None) -> Path:
    """Write the article's translations to a file in `fmt` and return its path (for a download)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="workbench-export-"))
    path = folder / f"{article_id}.{get_format(fmt).extension}"
    return wb.export([article_id], langs or list(TARGETS), fmt, path)
