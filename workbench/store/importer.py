"""Import: read files, clean and segment them, write articles to the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportProblem
from ..text.articles import build_article
from ..text.reading import MAX_FILE_BYTES, RawArticle, iter_articles
from .database import Store

# The segments an article is counted by everywhere (import, list, status): those that are translated and reviewed,
# i.e. the title, headings and body; the date, source and photo lines ("meta") are kept but not counted.
COUNTED_KINDS = ("title", "heading", "body")


@dataclass
class Imported:
    article_id: str
    path: str
    outcome: str  # new | updated | unchanged
    segments: int  # translatable segments (COUNTED_KINDS), the number `list` and `status` show
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
    counted = sum(1 for seg in segments if seg.kind in COUNTED_KINDS)
    return Imported(article.id, raw.path, outcome, counted, list(raw.warnings))


def import_paths(store: Store, paths: Sequence[str | Path],
                 on_item: Callable[[Imported | ImportProblem], None] | None = None, *,
                 max_file_bytes: int = MAX_FILE_BYTES) -> ImportReport:
    """Import files and folders; bad inputs are reported and the rest of the batch goes on.

    Every input that is not imported is a problem in the report: a file over `max_file_bytes` (read no further
    than that), a JSONL line nested too deep, an id met twice in this run, a skipped link or special file, a folder
    without importable files.
    """
    report = ImportReport()
    for item in iter_articles(paths, max_file_bytes):
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
