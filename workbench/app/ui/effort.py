"""The effort panel: post-editing effort per model, language, reviewer or article (see `review.effort`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...review.effort import GROUPS
from ..api import Workbench
from ..catalog import registry
from .common import choice

COLUMNS = ["group", "segments", "edited %", "HTER", "s / segment", "s / word"]


@dataclass
class EffortPanel:
    by: gr.Dropdown
    refresh: gr.Button
    table: gr.Dataframe


def build() -> EffortPanel:
    with gr.Accordion("Effort: how much reviewing changed and how long it took", open=False):
        with gr.Row():
            by = choice(["model", "lang", "reviewer", "article"], value="model", label="Group by")
            refresh = gr.Button("Refresh", elem_id="effort-refresh")
        table = gr.Dataframe(headers=COLUMNS, datatype="str", interactive=False, elem_id="effort")
        gr.Markdown("HTER: TER from the machine output to the reviewed text (0 = unchanged). Times are how long "
                    "each segment was open in this editor before its saves.", elem_classes=["meta"])
    return EffortPanel(by, refresh, table)


def wire(wb: Workbench, panel: EffortPanel) -> None:
    def rows(by: str) -> list[list[Any]]:
        by = by if isinstance(by, str) and by in GROUPS else "model"  # the operation checks it too
        return [[r[by], r["segments"], f"{r['edited_share']:.0%}", r["hter"],
                 r["seconds_per_segment"] if r["seconds_per_segment"] is not None else "—",
                 r["seconds_per_word"] if r["seconds_per_word"] is not None else "—"] for r in registry()["effort"].run(wb, by=by).rows]

    panel.refresh.click(rows, panel.by, panel.table)
    panel.by.change(rows, panel.by, panel.table)
