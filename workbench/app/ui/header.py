"""The header panel: the article's title and metadata. `reload` opens an article into the header and the grid."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.model import ArticleView
from .. import handlers as h
from ..api import Workbench
from . import grid
from .common import Shared


@dataclass
class Header:
    html: gr.HTML


def build() -> Header:
    return Header(gr.HTML("<p>Pick an article on the left.</p>", elem_id="article-header"))


def reload(wb: Workbench, shared: Shared, top: Header, segments: grid.Grid) -> dict[str, Any]:
    """Event arguments that (re)open the article in `shared.article`: the header, and the grid reloads."""

    def open_article(article_id: str) -> tuple[str, str]:
        if not article_id:
            return "<p>Pick an article on the left.</p>", grid.value("")
        view = h.get_article(wb, article_id)
        if not isinstance(view, ArticleView):
            return f"<p class='warning'>{html.escape(view['error'])}</p>", grid.value("")
        return h.header_markdown(view, wb.store.read_only), grid.value(article_id)

    return dict(fn=open_article, inputs=shared.article, outputs=[top.html, segments.html])
