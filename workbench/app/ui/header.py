"""The header panel: the article's title and metadata, and its English and Russian summaries (edit, save,
regenerate). `reload` opens an article into every panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from ...languages import LANGUAGE_NAMES, TARGETS
from .. import handlers as h
from ..api import Workbench
from .common import Shared, author

if TYPE_CHECKING:
    from .articles import ArticleList
    from .editor import Editor


@dataclass
class Summary:
    box: gr.Textbox
    save: gr.Button
    regenerate: gr.Button


@dataclass
class Header:
    html: gr.HTML
    summaries: dict[str, Summary]


def build() -> Header:
    html = gr.HTML("<p>Pick an article on the left.</p>", elem_id="article-header")
    summaries = {}
    with gr.Row():
        for lang in TARGETS:
            name = LANGUAGE_NAMES[lang]
            with gr.Column():
                box = gr.Textbox(label=f"{name} summary (Ctrl+Enter saves)", lines=3, elem_id=f"edit-summary-{lang}")
                with gr.Row():
                    save = gr.Button(f"Save {name} summary", size="sm", elem_id=f"save-summary-{lang}")
                    regenerate = gr.Button("Regenerate", size="sm")
            summaries[lang] = Summary(box, save, regenerate)
    return Header(html, summaries)


def reload(wb: Workbench, shared: Shared, top: Header, edit: Editor) -> dict[str, Any]:
    """Event arguments that (re)open the article in `shared.article`: header, summaries, rows; the editor is cleared."""
    outputs: list[Any] = [top.html, shared.segment_ids, shared.segment, shared.base_revision, edit.table,
                          *edit.cleared()]
    for lang in TARGETS:
        outputs += [top.summaries[lang].box, shared.summary_revisions[lang]]

    def open_article(article_id: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {c: v for c, v in edit.cleared().items()}
        out.update({shared.segment: "", shared.base_revision: None})
        if not article_id:
            out.update({top.html: "<p>Pick an article on the left.</p>", shared.segment_ids: [], edit.table: []})
            for lang in TARGETS:
                out.update({top.summaries[lang].box: "", shared.summary_revisions[lang]: None})
            return out
        view = h.get_article(wb, article_id)
        out.update({top.html: h.header_markdown(view, wb.store.read_only), shared.segment_ids: h.segment_ids(view),
                    edit.table: h.segment_rows(view)})
        for lang in TARGETS:
            text, rev = h.summary_text(view, lang)
            out.update({top.summaries[lang].box: text, shared.summary_revisions[lang]: rev})
        return out

    return dict(fn=open_article, inputs=shared.article, outputs=outputs)


def wire(wb: Workbench, shared: Shared, top: Header, article_list: ArticleList, edit: Editor,
         reload_article: dict[str, Any]) -> None:
    for lang in TARGETS:
        _wire_summary(wb, shared, lang, top.summaries[lang], article_list, edit, reload_article)


def _wire_summary(wb: Workbench, shared: Shared, lang: str, summary: Summary, article_list: ArticleList, edit: Editor,
                  reload_article: dict[str, Any]) -> None:
    rev_state = shared.summary_revisions[lang]

    def save(article_id: str, text: str, base: int | None, name: str, request: gr.Request) -> tuple[str, Any]:
        if not article_id:
            return "Pick an article first.", base
        result = h.save_summary(wb, article_id, lang, text, base, author(name, request))
        if result["ok"]:
            return f"{lang} summary saved as revision {result['revision_id']}.", result["revision_id"]
        return f"**{lang} summary not saved**: {result.get('message') or result.get('error')}", base

    def regenerate(article_id: str) -> str:
        if not article_id:
            return "Pick an article first."
        result = h.regenerate_summary(wb, article_id, lang)
        return f"{lang} summary regenerated." if result["ok"] else f"Failed: {result['error']}"

    summary.save.click(save, [shared.article, summary.box, rev_state, article_list.reviewer], [edit.message, rev_state])
    summary.regenerate.click(regenerate, shared.article, edit.message).then(**reload_article)
