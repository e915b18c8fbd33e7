"""The glossary panel: the data home's glossary as an editable table (ar, en, ru, note)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.glossary import COLUMNS
from .. import handlers as h
from ..api import Workbench
from .common import author


@dataclass
class GlossaryPanel:
    table: gr.Dataframe
    save: gr.Button
    message: gr.Markdown
    version: gr.State  # the version the table was loaded from (conflict detection)


def build() -> GlossaryPanel:
    with gr.Accordion("Glossary (ar, en, ru, note; variants separated by |)", open=False):
        table = gr.Dataframe(headers=list(COLUMNS), datatype="str", interactive=True, wrap=True,
                             elem_id="glossary", column_widths=["24%", "26%", "26%", "24%"])
        with gr.Row():
            save = gr.Button("Save glossary", elem_id="save-glossary")
            message = gr.Markdown()
    return GlossaryPanel(table, save, message, gr.State(""))


def wire(wb: Workbench, app: gr.Blocks, panel: GlossaryPanel, reviewer: gr.Textbox, reload_article: dict[str, Any]) -> None:
    def load() -> tuple[list[list[str]], str]:
        return h.glossary_rows(wb), h.glossary_version(wb)

    def save(rows: Any, base: str, name: str, request: gr.Request) -> tuple[str, str]:
        values = rows.values.tolist() if hasattr(rows, "values") else rows
        result = h.save_glossary(wb, values, base, author(name, request))
        if result["ok"]:
            return f"Glossary saved: {result['terms']} terms (the previous version is kept in the history).", result["version"]
        return f"**Not saved**: {result['error']}", base

    app.load(load, None, [panel.table, panel.version])
    panel.save.click(save, [panel.table, panel.version, reviewer], [panel.message, panel.version]).then(**reload_article)
