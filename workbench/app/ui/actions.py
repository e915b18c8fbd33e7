"""The actions panel: re-translate the whole article (progress in place, can be stopped), download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...errors import WorkbenchError
from ...exchange.registry import format_names
from ...languages import TARGETS
from .. import handlers as h
from ..api import Workbench
from . import grid
from .articles import ArticleList, refresher
from .common import GradioProgress, Shared, choice, choices


@dataclass
class Actions:
    languages: gr.CheckboxGroup
    replace_edited: gr.Checkbox
    summarize: gr.Checkbox
    translate: gr.Button
    stop: gr.Button
    message: gr.Markdown
    export_format: gr.Dropdown
    export: gr.Button
    export_file: gr.File


def build() -> Actions:
    with gr.Accordion("Whole article: re-translate, download", open=False):
        with gr.Row():
            languages = choices(list(TARGETS), value=list(TARGETS), label="Languages")
            replace_edited = gr.Checkbox(False, label="Also replace segments a person edited", elem_id="replace-edited")
            summarize = gr.Checkbox(False, label="New summaries too")
        with gr.Row():
            translate = gr.Button("Re-translate whole article", elem_id="translate-article")
            stop = gr.Button("Stop", variant="stop", elem_id="stop-translate")
        message = gr.Markdown(elem_id="actions-message")
        with gr.Row():
            export_format = choice(list(format_names()), value="xliff", label="Download format")
            export = gr.Button("Prepare download", elem_id="download")
            export_file = gr.File(label="Download", interactive=False)
    return Actions(languages, replace_edited, summarize, translate, stop, message, export_format, export, export_file)


def wire(wb: Workbench, shared: Shared, act: Actions, article_list: ArticleList, segments: grid.Grid) -> None:
    def translate_whole(article_id: str, langs: list[str], replace: bool, summarize: bool,
                        progress: gr.Progress = gr.Progress()) -> tuple[str, str]:  # noqa: B008 (Gradio injects it)
        if not article_id:
            return "Pick an article first.", grid.value("")
        report = h.translate_article(wb, article_id, langs, replace_edited=replace, summarize=summarize,
                                     progress=GradioProgress(progress))
        if report.get("error"):
            return f"Not translated: {report['error']}", grid.value(article_id)
        kept = "" if replace else " Segments a person edited were kept."
        if report["ok"]:
            return (f"Translated {report['translated']} segments ({report['cached']} from cache).{kept}",
                    grid.value(article_id))
        return ("Some segments failed: " + "; ".join(f"{f['lang']} {f['segment_id'] or ''}: {f['reason']}" for f in report["failures"]),
                grid.value(article_id))

    def download(article_id: str, fmt: str) -> tuple[Any, str]:
        if not article_id:
            return None, "Pick an article first."
        try:
            return str(h.export_article(wb, article_id, fmt)), ""
        except WorkbenchError as exc:
            return None, f"Not exported: {exc}"

    job = act.translate.click(translate_whole, [shared.article, act.languages, act.replace_edited, act.summarize],
                              [act.message, segments.html], show_progress_on=[act.message])
    job.then(**refresher(wb, article_list))
    act.stop.click(lambda: "Stopped: what was translated so far is saved.", None, act.message, cancels=[job])
    act.export.click(download, [shared.article, act.export_format], [act.export_file, act.message])
