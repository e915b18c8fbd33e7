"""The glossary panel: the data home's glossary as an editable table (ar, en, ru, note)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.glossary import COLUMNS
from .. import handlers as h
from ..api import Workbench


@dataclass
class GlossaryPanel:
    table: gr.Dataframe
    save: gr.Button
    message: gr.Markdown


def build() -> GlossaryPanel:
    with gr.Accordion("Glossary (ar, en, ru, note; variants separated by |)", open=False):
        table = gr.Dataframe(headers=list(COLUMNS), datatype="str", interactive=True, wrap=True,
                             elem_id="glossary")
        with gr.Row():
            save = gr.Button("Save glossary", elem_id="save-glossary")
            message = gr.Markdown()
    return GlossaryPanel(table, save, message)


def wire(wb: Workbench, app: gr.Blocks, panel: GlossaryPanel, reload_article: dict[str, Any]) -> None:
    def load() -> list[list[str]]:
        return h.glossary_rows(wb)

    def save(rows: Any) -> str:
        values = rows.values.tolist() if hasattr(rows, "values") else rows
        result = h.save_glossary(wb, values)
        return f"Glossary saved: {result['terms']} terms." if result["ok"] else f"Not saved: {result['error']}"

    app.load(load, None, panel.table)
    panel.save.click(save, panel.table, panel.message).then(**reload_article)
