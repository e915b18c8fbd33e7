"""The article list panel: search, status filter, the reviewer's name, and the list itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...languages import TARGETS
from .. import handlers as h
from ..api import Workbench
from .common import Shared, choice

HEADERS = ["title", "date", " / ".join(TARGETS)]


@dataclass
class ArticleList:
    search: gr.Textbox
    status: gr.Dropdown
    reviewer: gr.Textbox
    table: gr.Dataframe
    ids: gr.State  # the article id of each row of the table
    refresh: gr.Button  # hidden: the review editor clicks it after a save or an approval

    @property
    def filters(self) -> list[Any]:
        return [self.search, self.status]


def build(auth_enabled: bool) -> ArticleList:
    gr.Markdown("### Articles")
    search = gr.Textbox(label="Search titles and text", elem_id="search")
    status = choice(list(h.STATUS_FILTERS), value="all", label="Status")
    reviewer = gr.Textbox(label="Your name (recorded with every save; remembered in this browser)", value="reviewer",
                          visible=not auth_enabled, elem_id="reviewer")
    table = gr.Dataframe(headers=HEADERS, datatype="str", interactive=False, wrap=True, elem_id="articles",
                         max_height=700, column_widths=["60%", "22%", "18%"])
    gr.Markdown("status: new · MT (machine) · review · ✓ approved", elem_classes=["meta"])
    refresh = gr.Button("Refresh list", elem_id="refresh-articles", size="sm", elem_classes=["wb-hidden"])
    return ArticleList(search, status, reviewer, table, gr.State([]), refresh)


def _rows(wb: Workbench, query: str, status: str) -> tuple[list[list[Any]], list[str]]:
    """Table rows (title, date, status per language) and the article id of each."""
    table = h.article_table(h.list_articles(wb, query, status))
    return [[title, date, state] for title, date, _source, state, _id in table], [row[-1] for row in table]


def wire(wb: Workbench, app: gr.Blocks, shared: Shared, panel: ArticleList, reload_article: dict[str, Any]) -> None:
    refresh = refresher(wb, panel)

    def on_select(ids: list[str], evt: gr.SelectData) -> str:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) and evt.index else evt.index
        ok = isinstance(row, int) and not isinstance(row, bool) and 0 <= row < len(ids or [])
        return ids[row] if ok else ""

    def from_url(request: gr.Request) -> str:
        return request.query_params.get("article", "") if request else ""

    app.load(**refresh).then(from_url, None, shared.article).then(**reload_article)
    panel.search.input(**refresh, trigger_mode="always_last", show_progress="hidden")
    panel.refresh.click(**refresh, show_progress="hidden")
    panel.status.change(**refresh)
    panel.table.select(on_select, panel.ids, shared.article).then(**reload_article)


def refresher(wb: Workbench, panel: ArticleList) -> dict[str, Any]:
    """Event arguments that refresh the list (after a status change)."""

    def refresh(query: str, status: str) -> tuple[list[list[Any]], list[str]]:
        return _rows(wb, query, status)

    return dict(fn=refresh, inputs=panel.filters, outputs=[panel.table, panel.ids])
