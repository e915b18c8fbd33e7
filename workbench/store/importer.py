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

# What an import does when it replaced an article's source text: `review.workflow.source_changed` (the event that
# takes the article's approvals back, in the import's transaction; this stage cannot import the review rules, so
# every caller in the workbench hands it in, as tests/test_approval_binding.py checks). Given the store and the
# article id, it answers the languages reopened. Without it (a bare store in a test) an approval stays bound to the
# old source, so `publish` refuses it and `status` says why, but nothing reopens it.
Reopen = Callable[[Store, str], list[str]]


@dataclass
class Imported:
    article_id: str
    path: str
    outcome: str  # new | updated | unchanged
    segments: int  # translatable segments (COUNTED_KINDS), the number `list` and `status` show
    warnings: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)  # approved languages this changed source sent back to review


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


def import_raw(store: Store, raw: RawArticle, *, reopen: Reopen | None = None) -> Imported:
    """Store one article; when its source text changed (`updated`), `reopen` takes its approvals back in the same
    transaction, so no approval of the old text outlives it."""
    article, segments = build_article(raw.text, raw.article_id, path=raw.path, overrides=raw.fields,
                                      encoding=raw.encoding)
    article.warnings = list(raw.warnings)
    with store.transaction():
        outcome = store.upsert_article(article, segments)
        reopened = reopen(store, article.id) if reopen and outcome == "updated" else []
    counted = sum(1 for seg in segments if seg.kind in COUNTED_KINDS)
    return Imported(article.id, raw.path, outcome, counted, list(raw.warnings), reopened)


def import_paths(store: Store, paths: Sequence[str | Path],
                 on_item: Callable[[Imported | ImportProblem], None] | None = None, *, reopen: Reopen | None = None,
                 max_file_bytes: int = MAX_FILE_BYTES) -> ImportReport:
    """Import files and folders; bad inputs are reported and the rest of the batch goes on.

    Every input that is not imported is a problem in the report: a file over `max_file_bytes` (read no further
    than that), a JSONL line nested too deep, an id met twice in this run, a skipped link or special file, a folder
    without importable files. `reopen`: see `import_raw`.
    """
    report = ImportReport()
    for item in iter_articles(paths, max_file_bytes):
        if isinstance(item, RawArticle):
            try:
                result: Imported | ImportProblem = import_raw(store, item, reopen=reopen)
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
