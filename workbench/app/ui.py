"""The Gradio review app, built by a factory from a Workbench (its store and its models).

All logic lives in `handlers.py`; this module only lays out components and wires events to handlers.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ..exchange.registry import format_names
from ..languages import TARGETS as LANGS
from . import handlers as h
from .api import Workbench

ARTICLE_HEADERS = ["title", "date", "source", "en / ru", "id"]
SEGMENT_HEADERS = ["#", "kind", "Arabic", "English", "Russian", "state"]
HISTORY_HEADERS = ["revision", "time (UTC)", "author", "origin", "text"]

CSS = """
/* Gradio 6 renders table bodies as a virtual grid of [role=gridcell] cells with data-col indexes. */
#segments [role=gridcell][data-col="2"], #segments [role=gridcell][data-col="2"] *, #segments th:nth-child(3),
#articles [role=gridcell][data-col="0"], #articles [role=gridcell][data-col="0"] *, .ar, #source-ar textarea {
  direction: rtl; text-align: right; unicode-bidi: plaintext;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", serif; font-size: 1.05em;
}
#segments [role=gridcell] span, #articles [role=gridcell] span, #history [role=gridcell] span { font-family: var(--font); }
.meta { color: var(--body-text-color-subdued); margin: 2px 0; }
.warning { color: #b45309; font-weight: 600; margin: 4px 0; }
.diff del { background: #fde2e2; text-decoration: line-through; }
.diff ins { background: #dcfce7; text-decoration: none; }
"""

# Ctrl+Enter (Cmd+Enter) in an editor box clicks its save button: #edit-X → #save-X.
HEAD = """
<script>
document.addEventListener('keydown', (e) => {
  if (!(e.key === 'Enter' && (e.ctrlKey || e.metaKey))) return;
  const box = e.target.closest && e.target.closest('[id^="edit-"]');
  if (!box) return;
  const button = document.getElementById('save-' + box.id.slice(5));
  if (button) { e.preventDefault(); button.click(); }
});
</script>
"""


def _author(name: str, request: gr.Request | None) -> str:
    user = getattr(request, "username", None) if request is not None else None
    return user or (name or "").strip() or "reviewer"


class _GradioProgress:
    """Adapts the batch Progress protocol to a gr.Progress bar."""

    def __init__(self, progress: gr.Progress):
        self.progress, self.total, self.done = progress, 0, 0

    def start(self, articles: int, units: int) -> None:
        self.total = max(units, 1)
        self.progress(0, desc="translating")

    def advance(self, units: int, tokens: int) -> None:
        self.done += units
        self.progress(min(self.done / self.total, 1.0), desc=f"{self.done}/{self.total} segments")

    def article_done(self, article_id: str) -> None:
        pass

    def close(self) -> None:
        pass


def build_app(wb: Workbench, *, auth_enabled: bool = False) -> gr.Blocks:
    """The review app for one Workbench. Nothing is built at import time."""

    # ------------------------------------------------------------------ handlers bound to this workbench
    def refresh_list(query: str, status: str) -> list[list[Any]]:
        return h.article_table(h.list_articles(wb, query, status))

    def open_article(article_id: str) -> tuple:
        if not article_id:
            return ("<p>Pick an article on the left.</p>", "", None, "", None, [], [], "", "", "", None, "", "", "", [],
                    gr.update(choices=[]))
        view = h.get_article(wb, article_id)
        en, en_rev = h.summary_text(view, "en")
        ru, ru_rev = h.summary_text(view, "ru")
        return (h.header_markdown(view), en, en_rev, ru, ru_rev, h.segment_rows(view), h.segment_ids(view),
                article_id, "", "", None, "", "", "", [], gr.update(choices=[]))

    def on_article_select(evt: gr.SelectData) -> str:
        row = evt.row_value or []
        return str(row[-1]) if row else ""

    def load_from_url(request: gr.Request) -> str:
        return request.query_params.get("article", "") if request else ""

    def open_segment(article_id: str, seg_id: str, lang: str) -> tuple:
        if not article_id or not seg_id:
            return "", "", None, "", "", [], gr.update(choices=[])
        ed = h.segment_editor(wb, article_id, seg_id, lang)
        choices = [str(r[0]) for r in ed["history"]]
        notes = h.flags_markdown(ed["flags"], ed["qa"], ed["suggestions"])
        return (ed["source"], ed["text"], ed["revision_id"], notes, ed["diff_html"],
                ed["history"], gr.update(choices=choices, value=None))

    def on_segment_select(ids: list[str], evt: gr.SelectData) -> str:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return ids[row] if ids and row is not None and row < len(ids) else ""

    def save(article_id: str, seg_id: str, lang: str, text: str, base: int | None, name: str, request: gr.Request) -> tuple:
        if not seg_id:
            return "Pick a segment first.", gr.skip()
        result = h.save_segment(wb, article_id, seg_id, lang, text, base, _author(name, request))
        if result["ok"]:
            msg = f"Saved as revision {result['revision_id']}."
        elif result.get("conflict"):
            msg = (f"**Not saved: someone else changed this segment.** Their text (revision "
                   f"{result['current_revision_id']} by {result['current_author']}): {result['current_text']}\n\n"
                   "Your text is still in the box: copy it, reopen the segment and merge.")
        else:
            msg = f"Not saved: {result['error']}"
        return msg, h.segment_rows(h.get_article(wb, article_id))

    def save_summary(article_id: str, lang: str, text: str, base: int | None, name: str, request: gr.Request) -> tuple:
        if not article_id:
            return "Pick an article first.", base
        result = h.save_summary(wb, article_id, lang, text, base, _author(name, request))
        if result["ok"]:
            return f"{lang} summary saved as revision {result['revision_id']}.", result["revision_id"]
        return f"**{lang} summary not saved**: {result['message']}", base

    def save_summary_en(article_id: str, text: str, base: int | None, name: str, request: gr.Request) -> tuple:
        return save_summary(article_id, "en", text, base, name, request)

    def save_summary_ru(article_id: str, text: str, base: int | None, name: str, request: gr.Request) -> tuple:
        return save_summary(article_id, "ru", text, base, name, request)

    def revert(article_id: str, seg_id: str, lang: str, target: str | None, base: int | None, name: str,
               request: gr.Request) -> str:
        if not seg_id or not target:
            return "Pick a segment and a revision to revert to."
        result = h.revert_segment(wb, article_id, seg_id, lang, int(target), base, _author(name, request))
        return f"Reverted: revision {result['revision_id']}." if result["ok"] else f"Not reverted: {result.get('message') or result.get('error')}"

    def retranslate_segment(article_id: str, seg_id: str, lang: str) -> str:
        if not seg_id:
            return "Pick a segment first."
        result = h.retranslate_segment(wb, article_id, seg_id, lang)
        return "New machine translation stored." if result["ok"] else f"Failed: {result['error']}"

    def regenerate_russian(article_id: str, seg_id: str) -> str:
        if not article_id:
            return "Pick an article first."
        result = h.regenerate_russian(wb, article_id, [seg_id] if seg_id else None)
        return f"Russian regenerated from the current English ({result['segments']} segments)." if result["ok"] else f"Failed: {result['error']}"

    def regenerate_summary(article_id: str, lang: str) -> str:
        if not article_id:
            return "Pick an article first."
        result = h.regenerate_summary(wb, article_id, lang)
        return f"{lang} summary regenerated." if result["ok"] else f"Failed: {result['error']}"

    def translate_whole(article_id: str, langs: list[str], progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 (Gradio injects it)
        if not article_id:
            return "Pick an article first."
        report = h.translate_article(wb, article_id, langs, progress=_GradioProgress(progress))
        if report.get("error"):
            return f"Not translated: {report['error']}"
        if report["ok"]:
            return f"Translated {report['translated']} segments ({report['cached']} from cache)."
        return "Some segments failed: " + "; ".join(f"{f['lang']} {f['segment_id'] or ''}: {f['reason']}" for f in report["failures"])

    def mark(article_id: str, lang: str, status: str, name: str, request: gr.Request) -> str:
        if not article_id:
            return "Pick an article first."
        result = h.set_review_status(wb, article_id, lang, status, _author(name, request))
        return f"{lang}: {result['status']}" if result["ok"] else result["error"]

    def download(article_id: str, fmt: str) -> Any:
        if not article_id:
            return None
        return str(h.export_article(wb, article_id, fmt))

    def load_glossary() -> list[list[str]]:
        return h.glossary_rows(wb)

    def save_glossary(rows: Any) -> str:
        values = rows.values.tolist() if hasattr(rows, "values") else rows
        result = h.save_glossary(wb, values)
        return f"Glossary saved: {result['terms']} terms." if result["ok"] else f"Not saved: {result['error']}"

    # ------------------------------------------------------------------ API endpoints (gradio_client)
    def list_articles(query: str = "", status: str = "all") -> list[dict]:
        """Articles with id, title, label, date, source, photo credit, segment counts and status per language."""
        return h.list_articles(wb, query, status)

    def get_article(article_id: str) -> dict:
        """Metadata, segments (source, machine output, current text and revision id per language), summaries, flags."""
        return h.get_article(wb, article_id)

    def save_segment(article_id: str, segment_id: str, language: str, text: str, base_revision_id: int | None = None,
                     author: str = "", request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Save a correction; returns {ok, revision_id} or {ok: false, conflict, current_text, ...}."""
        return h.save_segment(wb, article_id, segment_id, language, text, base_revision_id, _author(author or "api", request))

    def translate_article(article_id: str, languages: list[str]) -> dict:
        """Translate the whole article again into the given languages; returns the batch report."""
        return h.translate_article(wb, article_id, languages)

    # ------------------------------------------------------------------ layout
    with gr.Blocks(title="Arabic news workbench") as app:
        article_state = gr.State("")
        seg_ids = gr.State([])
        seg_state = gr.State("")
        base_rev = gr.State(None)
        sum_en_rev = gr.State(None)
        sum_ru_rev = gr.State(None)

        with gr.Row():
            with gr.Column(scale=1, min_width=380):
                gr.Markdown("### Articles")
                search = gr.Textbox(label="Search titles and text", elem_id="search")
                status_filter = gr.Dropdown(list(h.STATUS_FILTERS), value="all", label="Status")
                reviewer = gr.Textbox(label="Your name (recorded with every save)", value="reviewer",
                                      visible=not auth_enabled, elem_id="reviewer")
                articles = gr.Dataframe(headers=ARTICLE_HEADERS, datatype="str", interactive=False, wrap=True,
                                        elem_id="articles", max_height=700,
                                        column_widths=["42%", "17%", "11%", "14%", "16%"])
                gr.Markdown("status: new · MT (machine) · review · ✓ approved", elem_classes=["meta"])
            with gr.Column(scale=4):
                header = gr.HTML("<p>Pick an article on the left.</p>", elem_id="article-header")
                with gr.Row():
                    with gr.Column():
                        sum_en = gr.Textbox(label="English summary (Ctrl+Enter saves)", lines=3, elem_id="edit-summary-en")
                        with gr.Row():
                            save_sum_en = gr.Button("Save English summary", size="sm", elem_id="save-summary-en")
                            regen_sum_en = gr.Button("Regenerate", size="sm")
                    with gr.Column():
                        sum_ru = gr.Textbox(label="Russian summary (Ctrl+Enter saves)", lines=3, elem_id="edit-summary-ru")
                        with gr.Row():
                            save_sum_ru = gr.Button("Save Russian summary", size="sm", elem_id="save-summary-ru")
                            regen_sum_ru = gr.Button("Regenerate", size="sm")
                segments = gr.Dataframe(headers=SEGMENT_HEADERS, datatype="str", interactive=False, wrap=True,
                                        elem_id="segments", max_height=620, column_widths=["4%", "7%", "31%", "25%", "25%", "8%"])
                with gr.Group():
                    source = gr.Textbox(label="Arabic source", interactive=False, rtl=True, elem_id="source-ar", lines=2)
                    lang = gr.Radio(list(LANGS), value="en", label="Language", elem_id="lang")
                    text = gr.Textbox(label="Translation: edit, then Save or Ctrl+Enter", lines=3, elem_id="edit-segment")
                    flags = gr.Markdown(elem_id="flags")
                    with gr.Row():
                        save_btn = gr.Button("Save", variant="primary", elem_id="save-segment")
                        retranslate_btn = gr.Button("Re-translate segment")
                        regen_ru_btn = gr.Button("Russian from corrected English")
                    message = gr.Markdown(elem_id="message")
                    gr.Markdown("**Machine output → current text** (word diff)")
                    diff = gr.HTML(elem_id="diff")
                    history = gr.Dataframe(headers=HISTORY_HEADERS, datatype="str", interactive=False, wrap=True,
                                           label="History", elem_id="history")
                    with gr.Row():
                        revert_to = gr.Dropdown(choices=[], label="Revert to revision", elem_id="revert-to")
                        revert_btn = gr.Button("Revert", elem_id="revert")
                with gr.Row():
                    translate_langs = gr.CheckboxGroup(list(LANGS), value=list(LANGS), label="Languages")
                    translate_btn = gr.Button("Re-translate whole article", elem_id="translate-article")
                with gr.Row():
                    status_lang = gr.Radio(list(LANGS), value="en", label="Mark language")
                    status_value = gr.Dropdown(["in_review", "approved", "machine"], value="approved", label="as")
                    status_btn = gr.Button("Set status", elem_id="set-status")
                with gr.Row():
                    export_fmt = gr.Dropdown(list(format_names()), value="xliff", label="Download format")
                    export_btn = gr.Button("Prepare download", elem_id="download")
                    export_file = gr.File(label="Download", interactive=False)
                with gr.Accordion("Glossary (ar, en, ru, note; variants separated by |)", open=False):
                    glossary = gr.Dataframe(headers=["ar", "en", "ru", "note"], datatype="str", interactive=True,
                                            wrap=True, elem_id="glossary")
                    with gr.Row():
                        glossary_save = gr.Button("Save glossary", elem_id="save-glossary")
                        glossary_msg = gr.Markdown()

        article_outputs = [header, sum_en, sum_en_rev, sum_ru, sum_ru_rev, segments, seg_ids, article_state,
                           seg_state, source, base_rev, text, flags, diff, history, revert_to]
        segment_outputs = [source, text, base_rev, flags, diff, history, revert_to]
        reopen = dict(fn=open_segment, inputs=[article_state, seg_state, lang], outputs=segment_outputs)
        reload_article = dict(fn=open_article, inputs=article_state, outputs=article_outputs)

        app.load(refresh_list, [search, status_filter], articles).then(load_from_url, None, article_state).then(**reload_article)
        search.submit(refresh_list, [search, status_filter], articles)
        status_filter.change(refresh_list, [search, status_filter], articles)
        articles.select(on_article_select, None, article_state).then(**reload_article)
        segments.select(on_segment_select, seg_ids, seg_state).then(**reopen)
        lang.change(**reopen)
        save_btn.click(save, [article_state, seg_state, lang, text, base_rev, reviewer], [message, segments]).then(**reopen)
        revert_btn.click(revert, [article_state, seg_state, lang, revert_to, base_rev, reviewer], message).then(
            **reopen).then(**reload_article)
        retranslate_btn.click(retranslate_segment, [article_state, seg_state, lang], message).then(**reopen)
        regen_ru_btn.click(regenerate_russian, [article_state, seg_state], message).then(**reopen)
        save_sum_en.click(save_summary_en, [article_state, sum_en, sum_en_rev, reviewer], [message, sum_en_rev])
        save_sum_ru.click(save_summary_ru, [article_state, sum_ru, sum_ru_rev, reviewer], [message, sum_ru_rev])
        regen_sum_en.click(lambda a: regenerate_summary(a, "en"), article_state, message).then(**reload_article)
        regen_sum_ru.click(lambda a: regenerate_summary(a, "ru"), article_state, message).then(**reload_article)
        translate_btn.click(translate_whole, [article_state, translate_langs], message).then(**reload_article)
        status_btn.click(mark, [article_state, status_lang, status_value, reviewer], message).then(
            **reload_article).then(refresh_list, [search, status_filter], articles)
        export_btn.click(download, [article_state, export_fmt], export_file)
        app.load(load_glossary, None, glossary)
        glossary_save.click(save_glossary, glossary, glossary_msg).then(**reload_article)

        gr.api(list_articles, api_name="list_articles")
        gr.api(get_article, api_name="get_article")
        gr.api(save_segment, api_name="save_segment")
        gr.api(translate_article, api_name="translate_article")
    return app


def launch(wb: Workbench, *, host: str = "127.0.0.1", port: int = 7860, auth: list[tuple[str, str]] | None = None,
           block: bool = True) -> gr.Blocks:
    """Build and start the app (queue on, so long work never freezes other users)."""
    app = build_app(wb, auth_enabled=bool(auth))
    app.queue(default_concurrency_limit=4)
    app.launch(server_name=host, server_port=port, auth=auth, css=CSS, head=HEAD, prevent_thread_lock=not block,
               show_error=True, footer_links=["api"], ssr_mode=False)
    return app
