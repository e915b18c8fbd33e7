"""What the page's own panels call besides the operations (`app/service.py`): the article list's rows, the
header, the glossary table, downloads. Plain functions over a `Workbench`, tested without a browser.

Their events are reachable over HTTP like any endpoint, so each checks what it is given with the operation's own
declaration (`OPERATIONS[name].check`).
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..exchange.registry import get_format
from ..ids import file_in
from ..languages import TARGETS
from ..review.model import ArticleSummary, ArticleView
from .api import Workbench
from .catalog import registry
from .operations import STATUS_FILTERS, store_glossary
from .service import Result, expected_errors, guarded

__all__ = ["STATUS_FILTERS", "Result", "expected_errors"]


# --------------------------------------------------------------------------- article list
def list_articles(wb: Workbench, query: Any = "", status: Any = "all") -> list[ArticleSummary]:
    """The article list's rows for a query and a status filter, checked as `operations.list_articles` checks
    them; nothing for a request the operation refuses."""
    op = registry()["list_articles"]
    rows = guarded(op.name, lambda: wb.find_articles(**op.check({"query": query, "status": status})))
    return rows if isinstance(rows, list) else []


STATUS_SHORT = {"new": "new", "machine": "MT", "in_review": "review", "approved": "✓"}


def article_table(rows: list[ArticleSummary]) -> list[list[str]]:
    """Rows for the article list: title (or first words), date, source, "en / ru" status (with why a language is
    to be reviewed again: "review (source changed)", or that it was approved over its blockers: "✓ (override)"),
    id."""
    def short(r: ArticleSummary, lang: str) -> str:
        note = r.status_reopened.get(lang) or ("override" if r.status_override.get(lang) else None)
        return STATUS_SHORT[r.status[lang]] + (f" ({note})" if note else "")

    return [[r.label, r.date or "", r.source or "", f"{short(r, 'en')} / {short(r, 'ru')}", r.id] for r in rows]


ALL_SOURCES = "all sources"
NOT_FROM_A_FEED = "not from a feed"


def source_choices(wb: Workbench) -> list[str]:
    """The article list's source filter: every source, each feed articles came from or that is followed, and
    articles not from a feed (files, URLs imported by hand)."""
    from ..store.feeds import feed_names

    return [ALL_SOURCES, *feed_names(wb.store), NOT_FROM_A_FEED]


def since_stamp(value: Any) -> str:
    """A browser's "last looked" timestamp as the store writes them (UTC ISO), or "" for anything else."""
    import datetime as dt

    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return ""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat(timespec="microseconds")


def article_rows(wb: Workbench, query: Any = "", status: Any = "all", source: Any = ALL_SOURCES, new_only: Any = False,
                 since: Any = "") -> list[list[str]]:
    """The article list (title, date, source, "en / ru" status, id) for a query and a status filter (checked as
    `list_articles` checks them), one source (a feed, `NOT_FROM_A_FEED` or `ALL_SOURCES`) and, with `new_only`,
    only articles imported after `since` (the browser's last visit; none given: every article is new)."""
    from ..store.feeds import origins

    rows = list_articles(wb, query, status)
    source = source if isinstance(source, str) and len(source) <= 200 else ALL_SOURCES
    stamp = since_stamp(since) if new_only is True else ""
    came = origins(wb.store)
    table = []
    for row, line in zip(rows, article_table(rows), strict=True):
        origin = came.get(row.id)
        feed = origin.feed if origin else None
        if (source == NOT_FROM_A_FEED and feed) or (source not in (ALL_SOURCES, NOT_FROM_A_FEED) and feed != source):
            continue
        if stamp and (origin is None or origin.imported_at <= stamp):
            continue
        line[2] = " · ".join(dict.fromkeys(part for part in (row.source, feed) if part)) or "—"
        table.append(line)
    return table


def import_by_url(wb: Workbench, url: Any) -> Result:
    """The page's "import by URL" field: the `import_url` operation (its checks, one line when refused)."""
    return registry()["import_url"](wb, url=url)


# --------------------------------------------------------------------------- one article
def get_article(wb: Workbench, article_id: Any) -> ArticleView | Result:
    """The article view, or `{"ok": False, "error": …}` for an id that is not a known article's (checked as
    `operations.get_article` checks it)."""
    op = registry()["get_article"]
    return guarded(op.name, lambda: wb.article(op.check({"article_id": article_id})["article_id"]))


def header_markdown(view: ArticleView, read_only: bool = False) -> str:
    """Title and metadata (meta lines shown apart from the text), escaped so article text shows as text."""
    esc = html.escape
    meta = view.meta
    lines = [f"<h2 dir='rtl' lang='ar' class='ar'>{esc(meta.title or meta.label)}</h2>"]
    facts = [("id", meta.id), ("date", meta.date or meta.date_raw or "—"), ("source", meta.source or "—"),
             ("photo", meta.photo_credit or "—"), ("publisher", meta.publisher or "—")]
    lines.append("<div class='meta'>" + " · ".join(f"<b>{k}</b>: <bdi>{esc(str(v))}</bdi>" for k, v in facts) + "</div>")
    if read_only:
        lines.append("<div class='warning'>Read-only: the data home cannot be written, so nothing can be saved here.</div>")
    if view.meaningless:
        lines.append("<div class='warning'>Made by tiny random-weight models: these outputs are meaningless.</div>")
    if meta.warnings:
        lines.append("<div class='warning'>" + esc("; ".join(meta.warnings)) + "</div>")
    return "\n".join(lines)


def effort_rows(wb: Workbench, by: Any = "model") -> list[dict[str, Any]]:
    """The effort report (see `review.effort`) grouped by model, lang, reviewer or article (else by model)."""
    from ..review.effort import effort

    op = registry()["effort"]
    rows = guarded(op.name, lambda: effort(wb.store, op.check({"by": by})["by"]))
    return rows if isinstance(rows, list) else effort(wb.store, "model")


def glossary_rows(wb: Workbench) -> list[list[str]]:
    return wb.glossary().to_rows()


def glossary_version(wb: Workbench) -> str:
    """The version of the glossary an editor loads; saving with it detects a save by someone else meanwhile."""
    from ..review.glossary import version

    return version(wb.store)


@expected_errors
def save_glossary(wb: Workbench, rows: list[list[Any]], base_version: str | None = None, author: str = "") -> Result:
    """Save the edited glossary table (as the `save_glossary` operation, but a trusted caller may leave out
    `base_version`: then nothing is compared); a conflict when someone else saved since `base_version`."""
    return store_glossary(wb, rows, base_version or None, author)


# --------------------------------------------------------------------------- models and status
def translate_article(wb: Workbench, article_id: Any, languages: Any, *, summarize: Any = False,
                      replace_edited: Any = False, progress: Any = None) -> Result:
    """The page's whole-article re-translation: the `translate_article` operation's checks, with progress and
    optional summaries; the batch report as a dict (`ok` false and an `error` when refused)."""
    try:
        args = registry()["translate_article"].check({"article_id": article_id, "languages": languages,
                                                      "replace_edited": replace_edited})
        if not isinstance(summarize, bool):
            raise WorkbenchError("summarize: must be true or false")
    except WorkbenchError as exc:
        return {"ok": False, "error": str(exc), "failures": [], "translated": 0, "cached": 0}
    return expected_errors(lambda: wb.translate(
        article_ids=[args["article_id"]], targets=args["languages"], summarize=summarize, redo=True,
        replace_edited=args["replace_edited"], progress=progress).to_dict())()


def export_article(wb: Workbench, article_id: str, fmt: str, langs: list[str] | None = None,
                   folder: Path | None = None) -> Path:
    """Write the article's translations to a file in `fmt` in a new temporary folder (or `folder`) and return its
    path (for a download). The id must be a known article's, and the file name stays inside the folder."""
    article_id = wb.check_ids([article_id])[0]
    extension = get_format(fmt).extension
    folder = folder or Path(tempfile.mkdtemp(prefix="workbench-export-"))
    path = file_in(folder, f"{article_id}.{extension}")
    return wb.export([article_id], langs or list(TARGETS), fmt, path)
