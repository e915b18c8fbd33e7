"""The article list panel: search, status and source filters, "new since I last looked", the reviewer's name,
the list itself (title, date, source, status), and a field to import one article by URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...languages import TARGETS
from .. import handlers as h
from ..api import Workbench
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


def build(auth_enabled: bool) -> ArticleList:
    gr.Markdown("### Articles")
    search = gr.Textbox(label="Search titles and text", elem_id="search")
    status = choice(list(h.STATUS_FILTERS), value="all", label="Status")
    source = choice([h.ALL_SOURCES], value=h.ALL_SOURCES, label="Source (feed)", elem_id="source-filter")
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


def _rows(wb: Workbench, query: str, status: str, source: str = h.ALL_SOURCES, new_only: bool = False,
          since: str = "") -> tuple[list[list[Any]], list[str]]:
    """Table rows (title, date, source, status per language) and the article id of each."""
    table = h.article_rows(wb, query, status, source, new_only, since)
    return [row[:-1] for row in table], [row[-1] for row in table]


def _visit(wb: Workbench, previous: Any) -> tuple[str, str, Any, Any]:
    """A page load: this browser's previous visit becomes "last looked" (`since`), now is stored for the next one;
    the source filter gets the feeds of this data home."""
    from ...clock import now

    since = h.since_stamp(previous)
    label = f"Only new since I last looked ({since[:16].replace('T', ' ')} UTC)" if since else \
        "Only new since I last looked (first visit: everything is new)"
    return since, now(), gr.update(label=label), gr.update(choices=h.source_choices(wb))


def _import(wb: Workbench, url: str) -> tuple[str, str, str]:
    """The URL field: import the page's article and open it; or say in one line why not."""
    import html

    answer = h.import_by_url(wb, url)
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
