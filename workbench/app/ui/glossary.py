"""The glossary panel: the store's glossary as an editable table (ar, en, ru, note), and its API.

Saving is compare-and-write, like the editor: the page sends the version it loaded, and a save without a version
or with a stale one is a conflict, never a silent overwrite. Scripts use the operations' named endpoints
`/get_glossary` (rows and version) and `/save_glossary` (rows, base_version, author; `app/operations.py`); the
page's own events are not API endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.glossary import COLUMNS
from ..api import Workbench
from ..catalog import registry
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


def save_table(wb: Workbench, table: Any, base_version: Any, who: str) -> dict[str, Any]:
    """Save a glossary table (the page's DataFrame, a Dataframe payload or rows) against the version it was loaded
    from, through the `save_glossary` operation: `{ok, terms, version}`, or `{ok: false, error}` (with `conflict`
    and `current_version` when there is no base version or it is stale)."""
    return registry()["save_glossary"](wb, rows=table, base_version=base_version, author=who)


def wire(wb: Workbench, app: gr.Blocks, panel: GlossaryPanel, reviewer: gr.Textbox, reload_article: dict[str, Any]) -> None:
    def load() -> tuple[list[list[str]], str]:
        table = registry()["get_glossary"].run(wb)
        return table.rows, table.version

    def save(rows: Any, base: str, name: str, request: gr.Request) -> tuple[str, str]:
        result = save_table(wb, rows, base, author(name, request))
        if result["ok"]:
            return f"Glossary saved: {result['terms']} terms (the previous version is kept in the history).", result["version"]
        return f"**Not saved**: {result['error']}", base

    app.load(load, None, [panel.table, panel.version], api_visibility="private")
    panel.save.click(save, [panel.table, panel.version, reviewer], [panel.message, panel.version],
                     api_visibility="private").then(**reload_article)

