"""The actions panel: re-translate the whole article (progress in place, can be stopped), download.

Replacing segments a person edited is never one click: the page first says how many (per language) and asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ...errors import WorkbenchError
from ...exchange.registry import format_names
from ...languages import TARGETS
from ...runs.translation import edited_segments
from ..api import Workbench
from ..catalog import registry
from ..service import Result, guarded
from . import grid
from .articles import ArticleList, refresher
from .common import GradioProgress, Shared, choice, choices


@dataclass
class Actions:
    languages: gr.CheckboxGroup
    replace_edited: gr.Checkbox
    summarize: gr.Checkbox
    translate: gr.Button
    confirm_row: gr.Row
    confirm_text: gr.Markdown
    confirm: gr.Button
    cancel: gr.Button
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
        with gr.Row(visible=False, elem_id="replace-confirm") as confirm_row:
            confirm_text = gr.Markdown(elem_id="replace-confirm-text")
            confirm = gr.Button("Replace them", variant="stop", elem_id="replace-confirm-yes")
            cancel = gr.Button("Cancel (keep people's text)", elem_id="replace-confirm-no")
        message = gr.Markdown(elem_id="actions-message")
        with gr.Row():
            export_format = choice(list(format_names()), value="xliff", label="Download format")
            export = gr.Button("Prepare download", elem_id="download")
            export_file = gr.File(label="Download", interactive=False)
    return Actions(languages, replace_edited, summarize, translate, confirm_row, confirm_text, confirm, cancel, stop,
                   message, export_format, export, export_file)


def translate_article(wb: Workbench, article_id: Any, languages: Any, *, summarize: Any = False,
                      replace_edited: Any = False, progress: Any = None) -> Result:
    """The page's whole-article re-translation: the `translate_article` operation's checks, with progress and
    optional summaries; the batch report as a dict (`ok` false and an `error` when refused)."""
    try:
        args = registry()["translate_article"].check({"article_id": article_id, "languages": languages,
                                                      "replace_edited": replace_edited})
        if not isinstance(summarize, bool):
            raise WorkbenchError("summarize: must be true or false")
    except WorkbenchError as exc:
        return {"ok": False, "error": str(exc), "failures": [], "translated": 0, "cached": 0}
    return guarded("translate_article", lambda: wb.translate(
        article_ids=[args["article_id"]], targets=args["languages"], summarize=summarize, redo=True,
        replace_edited=args["replace_edited"], progress=progress).to_dict())


def export_article(wb: Workbench, article_id: str, fmt: str, langs: list[str] | None = None,
                   folder: Path | None = None) -> Path:
    """Write the article's translations to a file in `fmt` in a new temporary folder (or `folder`) and return its
    path (for a download). The id must be a known article's, and the file name stays inside the folder."""
    import tempfile

    from ...exchange.registry import get_format
    from ...ids import file_in

    article_id = wb.check_ids([article_id])[0]
    extension = get_format(fmt).extension
    folder = folder or Path(tempfile.mkdtemp(prefix="workbench-export-"))
    path = file_in(folder, f"{article_id}.{extension}")
    return wb.export([article_id], langs or list(TARGETS), fmt, path)


def people_edited(wb: Workbench, article_id: str, langs: list[str]) -> dict[str, int]:
    """How many segments of each language hold a person's text (what "replace segments a person edited" replaces)."""
    if not article_id or not isinstance(langs, list):
        return {}
    try:
        article_id = wb.check_ids([article_id])[0]
    except WorkbenchError:
        return {}
    current = wb.store.current_revisions(article_id)
    counts = {lang: len(edited_segments(wb.store, article_id, lang, current)) for lang in TARGETS if lang in langs}
    return {lang: n for lang, n in counts.items() if n}


def wire(wb: Workbench, shared: Shared, act: Actions, article_list: ArticleList, segments: grid.Grid) -> None:
    def translate_whole(article_id: str, langs: list[str], replace: bool, summarize: bool,
                        progress: gr.Progress = gr.Progress()) -> tuple[str, str]:  # noqa: B008 (Gradio injects it)
        if not article_id:
            return "Pick an article first.", grid.value("")
        replaced = people_edited(wb, article_id, langs) if replace is True else {}
        report = translate_article(wb, article_id, langs, replace_edited=replace, summarize=summarize,
                                     progress=GradioProgress(progress))
        if report.get("error"):
            return f"Not translated: {report['error']}", grid.value(article_id)
        kept = (f" Replaced {sum(replaced.values())} segments a person edited ({_per_lang(replaced)}); their text is in"
                " the history." if replaced else "" if replace else " Segments a person edited were kept.")
        if report["ok"]:
            return (f"Translated {report['translated']} segments ({report['cached']} from cache).{kept}",
                    grid.value(article_id))
        return ("Some segments failed: " + "; ".join(f"{f['lang']} {f['segment_id'] or ''}: {f['reason']}" for f in report["failures"]),
                grid.value(article_id))

    def ask(article_id: str, langs: list[str], replace: bool) -> tuple[Any, str, bool]:
        """Replacing people's text asks first, saying how many segments (the run waits for the answer)."""
        counts = people_edited(wb, article_id, langs) if replace is True else {}
        if not counts:
            return gr.Row(visible=False), "", True
        text = (f"**This replaces {sum(counts.values())} segments a person edited** ({_per_lang(counts)}) with new "
                "machine text. Their text stays in the history. Replace them?")
        return gr.Row(visible=True), text, False

    def run_if(go: bool, article_id: str, langs: list[str], replace: bool, summarize: bool,
               progress: gr.Progress = gr.Progress()) -> tuple[Any, Any]:  # noqa: B008 (Gradio injects it)
        if go is not True:
            return gr.skip(), gr.skip()
        return translate_whole(article_id, langs, replace, summarize, progress)

    def download(article_id: str, fmt: str) -> tuple[Any, str]:
        if not article_id:
            return None, "Pick an article first."
        try:
            return str(export_article(wb, article_id, fmt)), ""
        except WorkbenchError as exc:
            return None, f"Not exported: {exc}"

    go = gr.State(False)
    inputs = [shared.article, act.languages, act.replace_edited, act.summarize]
    job = act.translate.click(ask, inputs[:3], [act.confirm_row, act.confirm_text, go]).then(
        run_if, [go, *inputs], [act.message, segments.html], show_progress_on=[act.message])
    job.then(**refresher(wb, article_list))
    confirmed = act.confirm.click(lambda: gr.Row(visible=False), None, act.confirm_row).then(
        translate_whole, inputs, [act.message, segments.html], show_progress_on=[act.message])
    confirmed.then(**refresher(wb, article_list))
    act.cancel.click(lambda: (gr.Row(visible=False), "Nothing re-translated: people's text is kept."), None,
                     [act.confirm_row, act.message])
    act.stop.click(lambda: "Stopped: what was translated so far is saved.", None, act.message, cancels=[job, confirmed])
    act.export.click(download, [shared.article, act.export_format], [act.export_file, act.message])


def _per_lang(counts: dict[str, int]) -> str:
    return ", ".join(f"{lang} {n}" for lang, n in counts.items())
