"""Named API endpoints for gradio_client scripts: the same handlers the page uses."""

from __future__ import annotations

import gradio as gr

from .. import handlers as h
from .. import review_api as r
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
    register_editor(wb)


def register_editor(wb: Workbench) -> None:
    """The in-place editor's endpoints (see app/review_api.py); with --auth the login name is the author."""

    def review_view(article_id: str, author: str = "", request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Article, counts per state, approval blockers, the author's drafts, flag meanings."""
        return r.review_view(wb, article_id, reviewer_name(author, request))

    def unit_details(article_id: str, unit: str, language: str) -> dict:
        """One segment (or "summary"): texts, flags, confidence, memory matches, glossary terms, full history."""
        return r.unit_details(wb, article_id, unit, language)

    def save_unit(article_id: str, unit: str, language: str, text: str, base_revision_id: int | None = None,
                  author: str = "", reviewed: bool = True, seconds_open: float | None = None,
                  request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Save a segment's or summary's text (reviewed unless told otherwise); a conflict returns both texts."""
        return r.save_unit(wb, article_id, unit, language, text, base_revision_id, reviewer_name(author, request),
                           reviewed, seconds_open)

    def confirm_unit(article_id: str, unit: str, language: str, base_revision_id: int | None = None, author: str = "",
                     seconds_open: float | None = None, request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Confirm the current text unchanged as reviewed."""
        return r.confirm_unit(wb, article_id, unit, language, base_revision_id, reviewer_name(author, request), seconds_open)

    def restore_unit(article_id: str, unit: str, language: str, revision_id: int, base_revision_id: int | None = None,
                     author: str = "", request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Restore an old revision's text as a new revision."""
        return r.restore_unit(wb, article_id, unit, language, revision_id, base_revision_id, reviewer_name(author, request))

    def compare(old_text: str, new_text: str) -> dict:
        """A word diff of two texts as HTML."""
        return r.compare(wb, old_text, new_text)

    def save_draft(article_id: str, unit: str, language: str, text: str, base_revision_id: int | None = None,
                   author: str = "", request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Keep unsaved text as the author's draft of the unit."""
        return r.save_draft(wb, article_id, unit, language, text, base_revision_id, reviewer_name(author, request))

    def discard_draft(article_id: str, unit: str, language: str, author: str = "",
                      request: gr.Request = None) -> dict:  # type: ignore[assignment]
        return r.discard_draft(wb, article_id, unit, language, reviewer_name(author, request))

    def retranslate_unit(article_id: str, unit: str, language: str, replace_edited: bool = False) -> dict:
        """New machine text for a segment or summary; a person's text is kept unless `replace_edited`."""
        return r.retranslate_unit(wb, article_id, unit, language, replace_edited)

    def approve(article_id: str, language: str, author: str = "", override: str = "",
                request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Approve an article language (every segment reviewed, no blocking flag), or with an override reason."""
        return r.approve(wb, article_id, language, reviewer_name(author, request), override)

    for fn in (review_view, unit_details, save_unit, confirm_unit, restore_unit, compare, save_draft, discard_draft,
               retranslate_unit, approve):
        gr.api(fn, api_name=fn.__name__)
