"""The glossary's tables (migration 013_glossary): every save is one version, written with all its terms in one
transaction and never changed afterwards. The current glossary is the newest version; its id is the glossary's
version, which an editor saves against (compare and write inside the same transaction: no file lock).

What a term means, how its cells are checked and matched, and how an old `glossary.csv` is imported once is
`review.glossary`; this module only keeps and returns the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..clock import now
from ..errors import WorkbenchError
from .database import Store


@dataclass(frozen=True)
class TermRow:
    """One term as its cells (variants separated by `|`), as in the CSV format."""

    ar: str
    en: str
    ru: str
    note: str = ""


@dataclass(frozen=True)
class VersionRow:
    id: int
    created: str
    author: str
    origin: str  # starter | import | save | restore
    problems: str  # warnings shown while this version is current, one a line


@dataclass(frozen=True)
class NewVersion:
    """A version to write: its terms and who made it (`created`: when, if not now, e.g. an imported old file)."""

    terms: Sequence[TermRow]
    author: str
    origin: str
    problems: str = ""
    created: str | None = None


class GlossaryConflict(WorkbenchError):
    """The glossary was saved by someone else since this editor loaded it."""

    def __init__(self, current_version: str):
        self.current_version = current_version
        super().__init__("the glossary was changed by someone else since you opened it; nothing was saved. "
                         "Reload it (your edits are still in the table: copy them first) and save again")


def current(store: Store) -> int | None:
    """The id of the newest version (None: the store has no glossary yet)."""
    value = store.query("SELECT MAX(id) FROM glossary_versions")[0][0]
    return None if value is None else int(value)


def versions(store: Store) -> list[VersionRow]:
    """Every version, newest first."""
    return [VersionRow(int(r["id"]), r["created"], r["author"], r["origin"], r["problems"])
            for r in store.query("SELECT * FROM glossary_versions ORDER BY id DESC")]


def version(store: Store, version_id: int) -> VersionRow | None:
    rows = store.query("SELECT * FROM glossary_versions WHERE id = ?", (version_id,))
    return VersionRow(int(rows[0]["id"]), rows[0]["created"], rows[0]["author"], rows[0]["origin"],
                      rows[0]["problems"]) if rows else None


def terms(store: Store, version_id: int) -> list[TermRow]:
    """The terms of one version, in their order."""
    return [TermRow(r["ar"], r["en"], r["ru"], r["note"]) for r in store.query(
        "SELECT ar, en, ru, note FROM glossary_terms WHERE version_id = ? ORDER BY position", (version_id,))]


def add(store: Store, new: Sequence[NewVersion], *, base: int | None, check: bool = True) -> int:
    """Write `new` versions (oldest first) in one transaction; the id of the last. With `check`, the newest version
    must still be `base` (None: the store has none yet), else GlossaryConflict and nothing is written."""
    with store.transaction() as conn:
        latest = conn.execute("SELECT MAX(id) FROM glossary_versions").fetchone()[0]
        if check and latest != base:
            raise GlossaryConflict(str(latest))
        last = latest
        for item in new:
            last = conn.execute(
                "INSERT INTO glossary_versions (created, author, origin, problems) VALUES (?, ?, ?, ?)",
                (item.created or now(), item.author, item.origin, item.problems)).lastrowid
            conn.executemany("INSERT INTO glossary_terms (version_id, position, ar, en, ru, note) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             [(last, n, t.ar, t.en, t.ru, t.note) for n, t in enumerate(item.terms)])
    if last is None:
        raise WorkbenchError("no glossary version was written")
    return int(last)
