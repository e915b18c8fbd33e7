"""Store access for the CAT editor's own records: comments (with their @mentions), flag dismissals and which
revisions were propagated from a repeated segment (tables of migration `006_cat_comments`).

None of these is text: a unit's text changes only through `review.workflow`. A dismissal names the text it was
made on (`text_hash`), so it stops applying as soon as the text changes; it is never deleted, only restored
(`restored_by`, `restored_at`). Comments are never deleted either; resolving or reopening one is recorded with
who and when. Every write is one short transaction (`Store.transaction`), nested in the caller's when it has one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from ..clock import now
from ..errors import WorkbenchError
from .database import Store

Row = dict[str, Any]


def text_hash(text: str) -> str:
    """What a dismissal remembers of the text it was made on."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- comments
def add_comment(store: Store, article_id: str, unit: str, lang: str, author: str, body: str,
                mentions: Iterable[str] = ()) -> int:
    """A new, unresolved comment on one unit (a segment id or "summary") in one language; its mentions are the
    names it addresses with @ (kept lower-case, for the mentions list). Its id."""
    with store.transaction() as conn:
        if not conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            raise WorkbenchError(f"no article with id {article_id!r}")
        cur = conn.execute("INSERT INTO comments (article_id, unit, lang, author, body, created) VALUES (?,?,?,?,?,?)",
                           (article_id, unit, lang, author, body, now()))
        comment_id = int(cur.lastrowid or 0)
        for name in dict.fromkeys(n.lower() for n in mentions):
            conn.execute("INSERT INTO comment_mentions (comment_id, name) VALUES (?, ?)", (comment_id, name))
        return comment_id


def set_resolved(store: Store, comment_id: int, resolved: bool, author: str) -> None:
    """Resolve or reopen a comment, recording who and when."""
    with store.transaction() as conn:
        conn.execute("UPDATE comments SET resolved = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                     (int(resolved), author, now(), comment_id))


_COMMENT = ("SELECT c.*, (SELECT group_concat(m.name, ' ') FROM comment_mentions m WHERE m.comment_id = c.id)"
            " AS mentions FROM comments c")


def _comment(row: Any) -> Row:
    item = dict(row)
    item["mentions"] = sorted((item.get("mentions") or "").split())
    item["resolved"] = bool(item["resolved"])
    return item


def comment(store: Store, comment_id: int) -> Row | None:
    rows = store.query(f"{_COMMENT} WHERE c.id = ?", (comment_id,))
    return _comment(rows[0]) if rows else None


def comments_of(store: Store, article_id: str) -> list[Row]:
    """Every comment of an article, oldest first, with its mentions."""
    return [_comment(r) for r in store.query(f"{_COMMENT} WHERE c.article_id = ? ORDER BY c.id", (article_id,))]


def find_comments(store: Store, query: str, *, limit: int = 100, scan: int = 20000) -> list[Row]:
    """Comments whose text or author contains `query` (case-insensitive in every script: SQLite's LIKE folds
    ASCII only, so the newest `scan` comments are searched here), newest first."""
    needle = query.casefold()
    rows = store.query(f"{_COMMENT} ORDER BY c.id DESC LIMIT ?", (scan,))
    found = [r for r in rows if needle in r["body"].casefold() or needle in r["author"].casefold()]
    return [_comment(r) for r in found[:limit]]


def mentions_of(store: Store, name: str, *, include_resolved: bool = False, limit: int = 100) -> list[Row]:
    """Comments that mention @`name` (any case), newest first; unresolved ones only unless `include_resolved`."""
    where = "" if include_resolved else " AND c.resolved = 0"
    return [_comment(r) for r in store.query(
        f"{_COMMENT} WHERE c.id IN (SELECT comment_id FROM comment_mentions WHERE name = ?){where}"
        " ORDER BY c.id DESC LIMIT ?", (name.lower(), limit))]


# --------------------------------------------------------------------------- flag dismissals
def add_dismissal(store: Store, article_id: str, unit: str, lang: str, flag: str, text: str,
                  revision_id: int | None, reason: str, author: str) -> int:
    """Dismiss one flag of one unit as a false positive, for the text it has now (`text`). Its id."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO flag_dismissals (article_id, unit, lang, flag, text_hash, revision_id, reason, author, created)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (article_id, unit, lang, flag, text_hash(text), revision_id, reason, author, now()))
        return int(cur.lastrowid or 0)


def restore_dismissed(store: Store, article_id: str, unit: str, lang: str, flag: str, author: str) -> int:
    """Take back the dismissals of one flag of one unit (the flag counts again); how many were in force."""
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE flag_dismissals SET restored_by = ?, restored_at = ? WHERE article_id = ? AND unit = ? AND lang = ?"
            " AND flag = ? AND restored_at IS NULL", (author, now(), article_id, unit, lang, flag))
        return int(cur.rowcount)


def dismissals(store: Store, article_id: str, *, include_restored: bool = False) -> list[Row]:
    """The dismissals of an article (in force only, unless `include_restored`), oldest first. Whether one applies
    to a unit's current text is `text_hash` compared with that text's."""
    where = "" if include_restored else " AND restored_at IS NULL"
    return [dict(r) for r in store.query(
        f"SELECT * FROM flag_dismissals WHERE article_id = ?{where} ORDER BY id", (article_id,))]


# --------------------------------------------------------------------------- propagation marks
def mark_propagated(store: Store, revision_id: int, from_revision_id: int, article_id: str, author: str) -> None:
    """Record that `revision_id` is a copy of `from_revision_id` (a repeated segment's text) that `author` gave it."""
    with store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO propagations (revision_id, from_revision_id, article_id, author, created)"
                     " VALUES (?,?,?,?,?)", (revision_id, from_revision_id, article_id, author, now()))


def propagated(store: Store, article_id: str) -> dict[int, int]:
    """revision id → the revision it was propagated from, for an article's propagated revisions."""
    return {r["revision_id"]: r["from_revision_id"] for r in store.query(
        "SELECT revision_id, from_revision_id FROM propagations WHERE article_id = ?", (article_id,))}
