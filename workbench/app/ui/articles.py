"""The article list panel: search, status filter, the reviewer's name, and the list itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...languages import TARGETS
from .. import handlers as h
from ..api import Workbench
from .common import Shared

HEADERS = ["title", "date", "source", " / ".join(TARGETS), "id"]


@dataclass
class ArticleList:
    search: gr.Textbox
    status: gr.Dropdown
    reviewer: gr.Textbox
    table: gr.Dataframe

    @property
    def filters(self) -> list[Any]:
        return [self.search, self.status]


def build(auth_enabled: bool) -> ArticleList:
    gr.Markdown("### Articles")
    search = gr.Textbox(label="Search titles and text", elem_id="search")
    status = gr.Dropdown(list(h.STATUS_FILTERS), value="all", label="Status")
    reviewer = gr.Textbox(label="Your name (recorded with every save)", value="reviewer", visible=not auth_enabled,
                          elem_id="reviewer")
    table = gr.Dataframe(headers=HEADERS, datatype="str", interactive=False, wrap=True, elem_id="articles",
                         max_height=700, column_widths=["42%", "17%", "11%", "14%", "16%"])
    gr.Markdown("status: new · MT (machine) · review · ✓ approved", elem_classes=["meta"])
    return ArticleList(search, status, reviewer, table)


def wire(wb: Workbench, app: gr.Blocks, shared: Shared, panel: ArticleList, reload_article: dict[str, Any]) -> None:
    def refresh(query: str, status: str) -> list[list[Any]]:
        return h.article_table(h.list_articles(wb, query, status))

    def on_select(evt: gr.SelectData) -> str:
        row = evt.row_value or []
        return str(row[-1]) if row else ""

    def from_url(request: gr.Request) -> str:
        return request.query_params.get("article", "") if request else ""

    app.load(refresh, panel.filters, panel.table).then(from_url, None, shared.article).then(**reload_article)
    panel.search.submit(refresh, panel.filters, panel.table)
    panel.status.change(refresh, panel.filters, panel.table)
    panel.table.select(on_select, None, shared.article).then(**reload_article)


def refresher(wb: Workbench, panel: ArticleList) -> dict[str, Any]:
    """Event arguments that refresh the list (after a status change)."""

    def refresh(query: str, status: str) -> list[list[Any]]:
        return h.article_table(h.list_articles(wb, query, status))

    return dict(fn=refresh, inputs=panel.filters, outputs=panel.table)
