"""The glossary panel: the store's glossary as an editable table (ar, en, ru, note), and its API.

Saving is compare-and-write, like the editor: the page sends the version it loaded, and a save without a version
or with a stale one is a conflict, never a silent overwrite. Scripts use the named endpoints `/get_glossary`
(rows and version) and `/save_glossary` (rows, base_version, author); the page's own events are not API endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.glossary import COLUMNS
from .. import handlers as h
from ..api import Workbench
from .common import author

MAX_ROWS = 20_000  # a glossary table sent to a save
MAX_CELL = 2_000  # characters in one cell
NO_BASE = ("no base version given: load the glossary first (its `version`, from /get_glossary or the page) and save "
           "with it, so a save never replaces someone else's without a conflict; nothing was saved")


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


def table_rows(table: Any) -> list[list[str]] | str:
    """The rows of a glossary table as lists of strings (from the page's DataFrame, a Dataframe payload or plain
    lists), or why they cannot be saved."""
    if hasattr(table, "values") and hasattr(table.values, "tolist"):  # the page's pandas DataFrame
        table = table.values.tolist()
    elif isinstance(table, dict):  # a Dataframe payload {"headers": [...], "data": [[...]]}
        table = table.get("data")
    if not isinstance(table, list) or not all(isinstance(row, (list, tuple)) for row in table):
        return "the glossary must be a list of rows (ar, en, ru, note); nothing was saved"
    if len(table) > MAX_ROWS:
        return f"the glossary has {len(table)} rows, more than {MAX_ROWS}; nothing was saved"
    rows = []
    for number, row in enumerate(table, start=1):
        if not all(c is None or isinstance(c, str) or (isinstance(c, float) and c != c) for c in row):
            return f"row {number}: every cell must be text; nothing was saved"
        cells = [c if isinstance(c, str) else "" for c in row]  # None or NaN (c != c): an empty pandas cell
        if any(len(c) > MAX_CELL for c in cells):
            return f"row {number}: a cell is longer than {MAX_CELL} characters; nothing was saved"
        rows.append(cells)
    return rows


def save_table(wb: Workbench, table: Any, base_version: Any, who: str) -> dict[str, Any]:
    """Save a glossary table against the version it was loaded from: `{ok, terms, version}`, or `{ok: false,
    error}` (with `conflict` and `current_version` when there is no base version or it is stale)."""
    rows = table_rows(table)
    if isinstance(rows, str):
        return {"ok": False, "error": rows}
    if not isinstance(base_version, str) or not base_version.strip():
        return {"ok": False, "conflict": True, "error": NO_BASE, "current_version": h.glossary_version(wb)}
    return h.save_glossary(wb, rows, base_version.strip(), who)


def wire(wb: Workbench, app: gr.Blocks, panel: GlossaryPanel, reviewer: gr.Textbox, reload_article: dict[str, Any]) -> None:
    def load() -> tuple[list[list[str]], str]:
        return h.glossary_rows(wb), h.glossary_version(wb)

    def save(rows: Any, base: str, name: str, request: gr.Request) -> tuple[str, str]:
        result = save_table(wb, rows, base, author(name, request))
        if result["ok"]:
            return f"Glossary saved: {result['terms']} terms (the previous version is kept in the history).", result["version"]
        return f"**Not saved**: {result['error']}", base

    app.load(load, None, [panel.table, panel.version], api_visibility="private")
    panel.save.click(save, [panel.table, panel.version, reviewer], [panel.message, panel.version],
                     api_visibility="private").then(**reload_article)
    register_api(wb)


def register_api(wb: Workbench) -> None:
    """The glossary's named endpoints for gradio_client scripts (inside a Blocks context)."""

    def get_glossary() -> dict[str, Any]:
        """The glossary's rows (ar, en, ru, note; variants separated by |) and its version, to save against."""
        return {"ok": True, "rows": h.glossary_rows(wb), "version": h.glossary_version(wb)}

    def save_glossary(rows: list[Any], base_version: str = "", author_name: str = "",
                      request: gr.Request = None) -> dict[str, Any]:  # type: ignore[assignment]
        """Replace the glossary with `rows` (ar, en, ru, note), saved against `base_version` (from /get_glossary):
        {ok, terms, version}, or {ok: false, conflict, current_version} when it was saved by someone else since
        (or no version was given); the replaced version is kept in the history."""
        return save_table(wb, rows, base_version, author((author_name if isinstance(author_name, str) else "") or "api", request))

    gr.api(get_glossary, api_name="get_glossary")
    gr.api(save_glossary, api_name="save_glossary")
