"""The article list panel: search, status and source filters, "new since I last looked", the reviewer's name,
the list itself (title, date, source, status), and a field to import one article by URL. Its rows come from the
`list_articles` operation (its checks: the filters are reachable over HTTP like any endpoint); `article_rows` is the
list as plain rows, tested without a browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...languages import TARGETS
from ...review.model import ArticleSummary
from ..api import Workbench
from ..catalog import registry
from ..operations import STATUS_FILTERS
from .common import Shared, choice

HEADERS = ["title", "date", "source", " / ".join(TARGETS)]
LAST_LOOKED = "workbench-last-looked"  # the browser's localStorage key of its last visit's time
# The reviewer's name (without --auth) is remembered in this browser: kept as it is typed, put back as the page loads
# (by Gradio's own events, so Gradio never fills the field with its default afterwards). The grid reads the field.
REMEMBER_NAME = "(name) => { localStorage.setItem('workbench.reviewer', String(name || '').trim()); return []; }"
RECALL_NAME = "(name) => localStorage.getItem('workbench.reviewer') || name"
# The list redrawn (a refresh, a filter): the grid marks Arabic titles and the open article's row again.
LIST_DRAWN = "() => { if (window.workbenchGrid) window.workbenchGrid.emit('list'); return []; }"


@dataclass
class ArticleList:
    search: gr.Textbox
    status: gr.Dropdown
    reviewer: gr.Textbox
    table: gr.Dataframe
    ids: gr.State  # the article id of each row of the table
    refresh: gr.Button  # hidden: the review editor clicks it after a save or an approval
    source: gr.Dropdown
    new_only: gr.Checkbox
    since: gr.State  # when this browser last looked (its previous visit), "" the first time
    last_looked: gr.BrowserState
    url: gr.Textbox
    fetch: gr.Button
    fetched: gr.Markdown

    @property
    def filters(self) -> list[Any]:
        return [self.search, self.status, self.source, self.new_only, self.since]


STATUS_SHORT = {"new": "new", "machine": "MT", "in_review": "review", "approved": "✓"}
ALL_SOURCES = "all sources"
NOT_FROM_A_FEED = "not from a feed"


def article_table(rows: list[ArticleSummary]) -> list[list[str]]:
    """Rows for the article list: title (or first words), date, source, "en / ru" status (with why a language is
    to be reviewed again: "review (source changed)", or that it was approved over its blockers: "✓ (override)"),
    id."""
    def short(r: ArticleSummary, lang: str) -> str:
        note = r.status_reopened.get(lang) or ("override" if r.status_override.get(lang) else None)
        return STATUS_SHORT[r.status[lang]] + (f" ({note})" if note else "")

    return [[r.label, r.date or "", r.source or "", f"{short(r, 'en')} / {short(r, 'ru')}", r.id] for r in rows]


def source_choices(wb: Workbench) -> list[str]:
    """The article list's source filter: every source, each feed articles came from or that is followed, and
    articles not from a feed (files, URLs imported by hand)."""
    from ...store.feeds import feed_names

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
    """The article list (title, date, source, "en / ru" status, id) for a query and a status filter (the
    `list_articles` operation's; none for filters it refuses), one source (a feed, `NOT_FROM_A_FEED` or
    `ALL_SOURCES`) and, with `new_only`, only articles imported after `since` (the browser's last visit; none given:
    every article is new)."""
    from ...store.feeds import origins

    found = registry()["list_articles"].attempt(wb, query=query, status=status)
    rows = [] if isinstance(found, dict) else found.articles
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


def build(auth_enabled: bool) -> ArticleList:
    gr.Markdown("### Articles")
    search = gr.Textbox(label="Search titles and text", elem_id="search")
    status = choice(list(STATUS_FILTERS), value="all", label="Status")
    source = choice([ALL_SOURCES], value=ALL_SOURCES, label="Source (feed)", elem_id="source-filter")
    new_only = gr.Checkbox(label="Only new since I last looked", value=False, elem_id="new-only")
    reviewer = gr.Textbox(label="Your name (recorded with every save; remembered in this browser)", value="reviewer",
                          visible=not auth_enabled, elem_id="reviewer")
    table = gr.Dataframe(headers=HEADERS, datatype="str", interactive=False, wrap=True, elem_id="articles",
                         max_height=700, column_widths=["40%", "16%", "18%", "26%"])
    gr.Markdown("status: new · MT (machine) · review · ✓ approved · ✓ (override): approved over its blockers",
                elem_classes=["meta"], elem_id="articles-legend")
    refresh = gr.Button("Refresh list", elem_id="refresh-articles", size="sm", elem_classes=["wb-hidden"])
    with gr.Row(elem_id="import-url"):
        url = gr.Textbox(label="Import an article by URL", placeholder="https://…", scale=4, elem_id="import-url-text")
        fetch = gr.Button("Import", size="sm", scale=1, elem_id="import-url-button")
    fetched = gr.Markdown("", elem_classes=["meta"], elem_id="import-url-result")
    return ArticleList(search, status, reviewer, table, gr.State([]), refresh, source, new_only, gr.State(""),
                       gr.BrowserState("", storage_key=LAST_LOOKED), url, fetch, fetched)


def _rows(wb: Workbench, query: str, status: str, source: str = ALL_SOURCES, new_only: bool = False,
          since: str = "") -> tuple[list[list[Any]], list[str]]:
    """Table rows (title, date, source, status per language) and the article id of each."""
    table = article_rows(wb, query, status, source, new_only, since)
    return [row[:-1] for row in table], [row[-1] for row in table]


def _visit(wb: Workbench, previous: Any) -> tuple[str, str, Any, Any]:
    """A page load: this browser's previous visit becomes "last looked" (`since`), now is stored for the next one;
    the source filter gets the feeds of this data home."""
    from ...clock import now

    since = since_stamp(previous)
    label = f"Only new since I last looked ({since[:16].replace('T', ' ')} UTC)" if since else \
        "Only new since I last looked (first visit: everything is new)"
    return since, now(), gr.update(label=label), gr.update(choices=source_choices(wb))


def _import(wb: Workbench, url: str) -> tuple[str, str, str]:
    """The URL field: import the page's article and open it; or say in one line why not."""
    import html

    answer = registry()["import_url"](wb, url=url)
    if not answer.get("ok"):
        return f"<span class='warning'>{html.escape(str(answer.get('error')))}</span>", url, ""
    title = html.escape(str(answer.get("title") or answer["article_id"]))
    return f"{answer['outcome']}: {title} (<code>{html.escape(answer['article_id'])}</code>)", "", answer["article_id"]


def wire(wb: Workbench, app: gr.Blocks, shared: Shared, panel: ArticleList, reload_article: dict[str, Any]) -> None:
    refresh = refresher(wb, panel)

    def on_select(ids: list[str], evt: gr.SelectData) -> str:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) and evt.index else evt.index
        ok = isinstance(row, int) and not isinstance(row, bool) and 0 <= row < len(ids or [])
        return ids[row] if ok else ""

    def from_url(request: gr.Request) -> str:
        return request.query_params.get("article", "") if request else ""

    def visit(previous: Any) -> tuple[str, str, Any, Any]:
        return _visit(wb, previous)

    def take(url: Any) -> tuple[str, str, str]:
        return _import(wb, url)

    def opened(found: str, current: str) -> str:
        return found or current

    app.load(None, panel.reviewer, panel.reviewer, js=RECALL_NAME, queue=False)
    panel.reviewer.change(None, panel.reviewer, None, js=REMEMBER_NAME, queue=False)
    panel.table.change(None, None, None, js=LIST_DRAWN, queue=False)
    app.load(visit, panel.last_looked, [panel.since, panel.last_looked, panel.new_only, panel.source]).then(
        **refresh).then(from_url, None, shared.article).then(**reload_article)
    panel.search.input(**refresh, trigger_mode="always_last", show_progress="hidden")
    panel.refresh.click(**refresh, show_progress="hidden")
    panel.status.change(**refresh)
    panel.source.change(**refresh)
    panel.new_only.change(**refresh)
    found = gr.State("")
    panel.fetch.click(take, panel.url, [panel.fetched, panel.url, found]).then(**refresh).then(
        opened, [found, shared.article], shared.article).then(**reload_article)
    panel.table.select(on_select, panel.ids, shared.article).then(**reload_article)


def refresher(wb: Workbench, panel: ArticleList) -> dict[str, Any]:
    """Event arguments that refresh the list (after a status change)."""

    def refresh(query: str, status: str, source: str, new_only: bool, since: str) -> tuple[list[list[Any]], list[str]]:
        return _rows(wb, query, status, source, new_only, since)

    return dict(fn=refresh, inputs=panel.filters, outputs=[panel.table, panel.ids])
