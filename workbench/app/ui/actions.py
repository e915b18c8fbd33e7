"""The actions panel: re-translate the whole article (with progress), set a language's review status, download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...exchange.registry import format_names
from ...languages import STATUSES, TARGETS
from .. import handlers as h
from ..api import Workbench
from .articles import ArticleList, refresher
from .common import GradioProgress, Shared, author
from .editor import Editor


@dataclass
class Actions:
    languages: gr.CheckboxGroup
    translate: gr.Button
    status_lang: gr.Radio
    status_value: gr.Dropdown
    set_status: gr.Button
    export_format: gr.Dropdown
    export: gr.Button
    export_file: gr.File


def build() -> Actions:
    with gr.Row():
        languages = gr.CheckboxGroup(list(TARGETS), value=list(TARGETS), label="Languages")
        translate = gr.Button("Re-translate whole article", elem_id="translate-article")
    with gr.Row():
        status_lang = gr.Radio(list(TARGETS), value=TARGETS[0], label="Mark language")
        status_value = gr.Dropdown([s for s in STATUSES if s != "new"], value="approved", label="as")
        set_status = gr.Button("Set status", elem_id="set-status")
    with gr.Row():
        export_format = gr.Dropdown(list(format_names()), value="xliff", label="Download format")
        export = gr.Button("Prepare download", elem_id="download")
        export_file = gr.File(label="Download", interactive=False)
    return Actions(languages, translate, status_lang, status_value, set_status, export_format, export, export_file)


def wire(wb: Workbench, shared: Shared, act: Actions, article_list: ArticleList, edit: Editor,
         reload_article: dict[str, Any]) -> None:
    def translate_whole(article_id: str, langs: list[str], progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 (Gradio injects it)
        if not article_id:
            return "Pick an article first."
        report = h.translate_article(wb, article_id, langs, progress=GradioProgress(progress))
        if report.get("error"):
            return f"Not translated: {report['error']}"
        if report["ok"]:
            return f"Translated {report['translated']} segments ({report['cached']} from cache)."
        return "Some segments failed: " + "; ".join(f"{f['lang']} {f['segment_id'] or ''}: {f['reason']}" for f in report["failures"])

    def mark(article_id: str, lang: str, status: str, name: str, request: gr.Request) -> str:
        if not article_id:
            return "Pick an article first."
        result = h.set_review_status(wb, article_id, lang, status, author(name, request))
        return f"{lang}: {result['status']}" if result["ok"] else str(result["error"])

    def download(article_id: str, fmt: str) -> Any:
        return str(h.export_article(wb, article_id, fmt)) if article_id else None

    act.translate.click(translate_whole, [shared.article, act.languages], edit.message).then(**reload_article)
    act.set_status.click(mark, [shared.article, act.status_lang, act.status_value, article_list.reviewer],
                         edit.message).then(**reload_article).then(**refresher(wb, article_list))
    act.export.click(download, [shared.article, act.export_format], act.export_file)
