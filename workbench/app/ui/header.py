"""The header panel: the article's title and metadata. `reload` opens an article into the header and the grid."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.model import ArticleView
from ..api import Workbench
from ..catalog import registry
from . import grid
from .common import Shared


@dataclass
class Header:
    html: gr.HTML


def build() -> Header:
    return Header(gr.HTML("<p>Pick an article on the left.</p>", elem_id="article-header"))


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


def reload(wb: Workbench, shared: Shared, top: Header, segments: grid.Grid) -> dict[str, Any]:
    """Event arguments that (re)open the article in `shared.article`: the header, and the grid reloads."""

    def open_article(article_id: str) -> tuple[str, str]:
        if not article_id:
            return "<p>Pick an article on the left.</p>", grid.value("")
        found = registry()["get_article"].attempt(wb, article_id=article_id)
        if isinstance(found, dict):
            return f"<p class='warning'>{html.escape(found['error'])}</p>", grid.value("")
        return header_markdown(found.article, wb.store.read_only), grid.value(article_id)

    return dict(fn=open_article, inputs=shared.article, outputs=[top.html, segments.html])
