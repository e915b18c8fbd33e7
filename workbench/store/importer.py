"""Import: read files, clean and segment them, write articles to the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportProblem
from ..text.articles import build_article
from ..text.reading import RawArticle, iter_articles
from .database import Store


@dataclass
class Imported:
    article_id: str
    path: str
    outcome: str  # new | updated | unchanged
    segments: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    imported: list[Imported] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return [item.article_id for item in self.imported]

    @property
    def ok(self) -> bool:
        return not self.problems


def import_raw(store: Store, raw: RawArticle) -> Imported:
    article, segments = build_article(raw.text, raw.article_id, path=raw.path, overrides=raw.fields,
                                      encoding=raw.encoding)
    article.warnings = list(raw.warnings)
    outcome = store.upsert_article(article, segments)
    return Imported(article.id, raw.path, outcome, len(segments), list(raw.warnings))


def import_paths(store: Store, paths: Sequence[str | Path],
                 on_item: Callable[[Imported | ImportProblem], None] | None = None) -> ImportReport:
    """Import files and folders; bad inputs are reported and the rest of the batch goes on."""
    report = ImportReport()
    for item in iter_articles(paths):
        if isinstance(item, RawArticle):
            try:
                result: Imported | ImportProblem = import_raw(store, item)
            except ImportProblem as problem:
                result = problem
        else:
            result = item
        if isinstance(result, ImportProblem):
            report.problems.append(result)
        else:
            report.imported.append(result)
        if on_item:
            on_item(result)
    return report
