"""The segments panel: the aligned rows (Arabic | English | Russian | state) and the editor of one segment
(source, language, text, flags and memory suggestions, save, re-translate, diff, history, revert)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from ...languages import TARGETS
from .. import handlers as h
from ..api import Workbench
from .common import Shared, author

if TYPE_CHECKING:
    from .articles import ArticleList

HEADERS = ["#", "kind", "Arabic", "English", "Russian", "state"]
HISTORY_HEADERS = ["revision", "time (UTC)", "author", "origin", "text"]


@dataclass
class Editor:
    table: gr.Dataframe
    source: gr.Textbox
    lang: gr.Radio
    text: gr.Textbox
    flags: gr.Markdown
    save: gr.Button
    retranslate: gr.Button
    regenerate_russian: gr.Button
    message: gr.Markdown
    diff: gr.HTML
    history: gr.Dataframe
    revert_to: gr.Dropdown
    revert: gr.Button

    def cleared(self) -> dict[Any, Any]:
        """The editor's components emptied (no segment open)."""
        return {self.source: "", self.text: "", self.flags: "", self.diff: "", self.history: [],
                self.revert_to: gr.update(choices=[], value=None)}


def build() -> Editor:
    table = gr.Dataframe(headers=HEADERS, datatype="str", interactive=False, wrap=True, elem_id="segments",
                         max_height=620, column_widths=["4%", "7%", "31%", "25%", "25%", "8%"])
    with gr.Group():
        source = gr.Textbox(label="Arabic source", interactive=False, rtl=True, elem_id="source-ar", lines=2)
        lang = gr.Radio(list(TARGETS), value=TARGETS[0], label="Language", elem_id="lang")
        text = gr.Textbox(label="Translation: edit, then Save or Ctrl+Enter", lines=3, elem_id="edit-segment")
        flags = gr.Markdown(elem_id="flags")
        with gr.Row():
            save = gr.Button("Save", variant="primary", elem_id="save-segment")
            retranslate = gr.Button("Re-translate segment")
            regenerate_russian = gr.Button("Russian from corrected English")
        message = gr.Markdown(elem_id="message")
        gr.Markdown("**Machine output → current text** (word diff)")
        diff = gr.HTML(elem_id="diff")
        history = gr.Dataframe(headers=HISTORY_HEADERS, datatype="str", interactive=False, wrap=True, label="History",
                               elem_id="history")
        with gr.Row():
            revert_to = gr.Dropdown(choices=[], label="Revert to revision", elem_id="revert-to")
            revert = gr.Button("Revert", elem_id="revert")
    return Editor(table, source, lang, text, flags, save, retranslate, regenerate_russian, message, diff, history,
                  revert_to, revert)


def _opener(wb: Workbench, shared: Shared, edit: Editor) -> dict[str, Any]:
    def open_segment(article_id: str, seg_id: str, lang: str) -> dict[Any, Any]:
        if not article_id or not seg_id:
            return {**edit.cleared(), shared.base_revision: None}
        ed = h.segment_editor(wb, article_id, seg_id, lang)
        return {edit.source: ed["source"], edit.text: ed["text"], shared.base_revision: ed["revision_id"],
                shared.opened_at: time.monotonic(),
                edit.flags: h.flags_markdown(ed["flags"], ed["qa"], ed["suggestions"]), edit.diff: ed["diff_html"],
                edit.history: ed["history"],
                edit.revert_to: gr.update(choices=[str(r[0]) for r in ed["history"]], value=None)}

    outputs = [edit.source, edit.text, shared.base_revision, shared.opened_at, edit.flags, edit.diff, edit.history,
               edit.revert_to]
    return dict(fn=open_segment, inputs=[shared.article, shared.segment, edit.lang], outputs=outputs)


def wire(wb: Workbench, shared: Shared, edit: Editor, article_list: ArticleList, reload_article: dict[str, Any]) -> None:
    reopen = _opener(wb, shared, edit)

    def on_select(ids: list[str], evt: gr.SelectData) -> str:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return ids[row] if ids and row is not None and row < len(ids) else ""

    def save(article_id: str, seg_id: str, lang: str, text: str, base: int | None, opened: float | None, name: str,
             request: gr.Request) -> tuple[str, Any]:
        if not seg_id:
            return "Pick a segment first.", gr.skip()
        seconds = time.monotonic() - opened if opened else None
        result = h.save_segment(wb, article_id, seg_id, lang, text, base, author(name, request), seconds)
        if result["ok"]:
            msg = f"Saved as revision {result['revision_id']}."
        elif result.get("conflict"):
            msg = (f"**Not saved: someone else changed this segment.** Their text (revision "
                   f"{result['current_revision_id']} by {result['current_author']}): {result['current_text']}\n\n"
                   "Your text is still in the box: copy it, reopen the segment and merge.")
        else:
            msg = f"Not saved: {result['error']}"
        return msg, h.segment_rows(h.get_article(wb, article_id))

    def revert(article_id: str, seg_id: str, lang: str, target: str | None, base: int | None, name: str,
               request: gr.Request) -> str:
        if not seg_id or not target:
            return "Pick a segment and a revision to revert to."
        result = h.revert_segment(wb, article_id, seg_id, lang, int(target), base, author(name, request))
        return f"Reverted: revision {result['revision_id']}." if result["ok"] else f"Not reverted: {result.get('message') or result.get('error')}"

    def retranslate(article_id: str, seg_id: str, lang: str) -> str:
        if not seg_id:
            return "Pick a segment first."
        result = h.retranslate_segment(wb, article_id, seg_id, lang)
        return "New machine translation stored." if result["ok"] else f"Failed: {result['error']}"

    def regenerate_russian(article_id: str, seg_id: str) -> str:
        if not article_id:
            return "Pick an article first."
        result = h.regenerate_russian(wb, article_id, [seg_id] if seg_id else None)
        return f"Russian regenerated from the current English ({result['segments']} segments)." if result["ok"] else f"Failed: {result['error']}"

    edit.table.select(on_select, shared.segment_ids, shared.segment).then(**reopen)
    edit.lang.change(**reopen)
    edit.save.click(save, [shared.article, shared.segment, edit.lang, edit.text, shared.base_revision, shared.opened_at,
                           article_list.reviewer],
                    [edit.message, edit.table]).then(**reopen)
    edit.revert.click(revert, [shared.article, shared.segment, edit.lang, edit.revert_to, shared.base_revision,
                               article_list.reviewer], edit.message).then(**reopen).then(**reload_article)
    edit.retranslate.click(retranslate, [shared.article, shared.segment, edit.lang], edit.message).then(**reopen)
    edit.regenerate_russian.click(regenerate_russian, [shared.article, shared.segment], edit.message).then(**reopen)
