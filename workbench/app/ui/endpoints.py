"""Named API endpoints for gradio_client scripts: the same handlers the page uses."""

from __future__ import annotations

import gradio as gr

from .. import handlers as h
from ..api import Workbench
from .common import author as reviewer_name


def register(wb: Workbench) -> None:
    """Register /list_articles, /get_article, /save_segment, /translate_article, /effort and /review_order (inside a
    Blocks context)."""

    def list_articles(query: str = "", status: str = "all") -> list[dict]:
        """Articles with id, title, label, date, source, photo credit, segment counts and status per language."""
        return h.list_articles(wb, query, status)

    def get_article(article_id: str) -> dict:
        """Metadata, segments (source, machine output, current text and revision id per language), summaries, flags."""
        return h.get_article(wb, article_id)

    def save_segment(article_id: str, segment_id: str, language: str, text: str, base_revision_id: int | None = None,
                     author: str = "", seconds_open: float | None = None,
                     request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Save a correction (with the seconds the segment was open, for the effort report); returns
        {ok, revision_id} or {ok: false, conflict, current_text, ...}."""
        return h.save_segment(wb, article_id, segment_id, language, text, base_revision_id,
                              reviewer_name(author or "api", request), seconds_open)

    def effort(by: str = "model") -> list[dict]:
        """Post-editing effort per model, lang, reviewer or article: segments, edited share, HTER, seconds."""
        return h.effort_rows(wb, by)

    def review_order(article_id: str, language: str, order: str = "review_first", only: str = "all") -> dict:
        """Segments in review order (untouched, flagged, least confident first) or document order; `only`: all,
        low_confidence, flagged or needs_review. Each row: segment_id, position, text, flags, confidence (0..1)."""
        return h.review_order(wb, article_id, language, order, only)

    def translate_article(article_id: str, languages: list[str], replace_edited: bool = False) -> dict:
        """Translate the whole article again into the given languages, keeping segments a person edited unless
        `replace_edited`; returns the batch report."""
        return h.translate_article(wb, article_id, languages, replace_edited=replace_edited)

    gr.api(list_articles, api_name="list_articles")
    gr.api(get_article, api_name="get_article")
    gr.api(save_segment, api_name="save_segment")
    gr.api(translate_article, api_name="translate_article")
    gr.api(effort, api_name="effort")
    gr.api(review_order, api_name="review_order")
