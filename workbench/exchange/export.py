"""Exporting articles: pick the (article, language) pairs, render them in a registered format, write atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import ExportError
from ..files import atomic_write
from ..review.memory import TranslationMemory
from ..review.model import ArticleView
from .registry import ExportOptions, Item, get_format

SOURCES = ("current", "machine")


def select_items(article_view: Callable[[str], ArticleView], article_ids: list[str], langs: list[str],
                 status: str | None = None) -> list[Item]:
    """Each article's view with the languages to export (only those with `status`, when given; an approval that no
    longer matches the stored source or text, `status_reopened`, is not `approved` here, as `publish` refuses it)."""
    items = []
    for article_id in article_ids:
        view = article_view(article_id)
        chosen = [lang for lang in langs if status is None or (
            view.status.get(lang) == status and not (status == "approved" and view.status_reopened.get(lang)))]
        if chosen:
            items.append((view, chosen))
    return items


def render(items: list[Item], fmt: str, *, source: str = "current",
           memory: Callable[[str], TranslationMemory] | None = None, status: str | None = None) -> tuple[bytes, int]:
    """The exported bytes and the number of (article, language) pairs they hold."""
    chosen = get_format(fmt)
    if source not in SOURCES:
        raise ExportError(f"--source must be one of {', '.join(SOURCES)}")
    if not items:
        raise ExportError("nothing to export" + (f": no article has status {status!r} in those languages" if status else ""))
    langs = sorted({lang for _, ls in items for lang in ls})
    opts = ExportOptions(source=source, memories={lang: memory(lang) for lang in langs} if memory and chosen.wants_memory else {})
    return chosen.render(items, opts), sum(len(ls) for _, ls in items)


def write(data: bytes, out: str | Path) -> Path:
    """Write an export atomically (a crash never leaves half a file) and return the path."""
    atomic_write(out, data)
    return Path(out)
