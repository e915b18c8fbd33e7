"""The segments panel: the in-place review editor.

A `gr.HTML` holds `<div id="review-grid" data-article=… data-stamp=…>`; the page's script (grid.js, loaded in
the page head) renders every row there (Arabic | English | Russian, summaries first), edits a clicked cell where
it stands, and saves through the app's named API endpoints (app/operations.py). Why not a Gradio Dataframe: it
cannot edit one cell in place with its own keys, drafts and conflict view, and its rows and an editor below them
are never on screen together. Python only says which article is open and when it changed as a whole.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

SCRIPT = Path(__file__).with_name("grid.js")


@dataclass
class Grid:
    html: gr.HTML


def value(article_id: str) -> str:
    """The grid's placeholder for `article_id`; a new stamp makes the script reload the article."""
    return (f"<div id='review-grid' data-article='{html.escape(article_id or '', quote=True)}' "
            f"data-stamp='{time.monotonic_ns()}'></div>")


def build() -> Grid:
    return Grid(gr.HTML(value(""), elem_id="grid-host"))


def script() -> str:
    return "<script>\n" + SCRIPT.read_text(encoding="utf-8") + "\n</script>"
