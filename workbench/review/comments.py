"""Comments on units and dismissed flags, as the review layer reads and writes them (records in `store.comments`).

- A **comment** belongs to one unit (a segment or the summary) in one language: author, time, text, resolved or
  not (and by whom). `@name` in its text mentions a reviewer: the mentions list of a reviewer (`mentions_for`)
  holds the unresolved comments that name them, as their whole name with spaces written `_` (`@mona_saleh`) or
  its first word (`@mona`), in any case.
- A **dismissal** says that one flag of one unit is a false positive, with a reason (Weblate's "dismiss check"):
  it is recorded with who and when, shown with the unit, and can be taken back (`restore_flag`). It applies to the
  text it was made on: once the text changes, the flag (if the checks still raise it) counts again. A dismissed
  flag is not among the unit's `flags` and does not block approval (`review.views` applies them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import WorkbenchError
from ..store import Store
from ..store import comments as records
from ..units import UnitRef

MAX_COMMENT_CHARS = 4000
MAX_REASON_CHARS = 500
# names after @: word characters (any script), dots and dashes inside; not inside an e-mail address
MENTION = re.compile(r"(?<![\w@])@(\w(?:[\w.\-]{0,58}\w)?)")
# flags that are not a check's opinion of the text and have their own way out
NOT_DISMISSABLE = {"meaningless_model": "it says which model made the text, a fact, not a check of it",
                   "stale_pivot": "say 'still correct' instead (confirm_pivot)"}


class CommentError(WorkbenchError):
    """A comment or a dismissal that cannot be made (empty, too long, of another article, not flagged …)."""


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment of a unit in one language."""

    id: int
    article_id: str
    unit: str  # a segment id, or "summary"
    lang: str
    author: str
    text: str
    created: str
    resolved: bool
    resolved_by: str | None
    resolved_at: str | None
    mentions: tuple[str, ...]

    @classmethod
    def from_record(cls, r: Mapping[str, Any]) -> Comment:
        return cls(r["id"], r["article_id"], r["unit"], r["lang"], r["author"], r["body"], r["created"],
                   bool(r["resolved"]), r["resolved_by"], r["resolved_at"], tuple(r["mentions"]))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "article_id": self.article_id, "unit": self.unit, "lang": self.lang,
                "author": self.author, "text": self.text, "created": self.created, "resolved": self.resolved,
                "resolved_by": self.resolved_by, "resolved_at": self.resolved_at, "mentions": list(self.mentions)}


@dataclass(frozen=True, slots=True)
class Dismissal:
    """One flag of one unit's current text, dismissed as a false positive."""

    id: int
    flag: str
    reason: str
    author: str
    created: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "flag": self.flag, "reason": self.reason, "author": self.author,
                "created": self.created}


# --------------------------------------------------------------------------- mentions
def mentions_in(text: str) -> list[str]:
    """The names a text mentions with @, lower-case, each once, in order."""
    return list(dict.fromkeys(m.casefold() for m in MENTION.findall(text)))


def handles(name: str) -> list[str]:
    """How `name` can be mentioned: the whole name with spaces as `_`, and its first word (lower-case)."""
    words = name.casefold().split()
    return list(dict.fromkeys(["_".join(words), *words[:1]])) if words else []


def mentions_for(store: Store, name: str, *, include_resolved: bool = False, limit: int = 100) -> list[Comment]:
    """The comments that mention `name` (see `handles`), newest first; unresolved only unless asked."""
    found: dict[int, Comment] = {}
    for handle in handles(name):
        for row in records.mentions_of(store, handle, include_resolved=include_resolved, limit=limit):
            found.setdefault(row["id"], Comment.from_record(row))
    return sorted(found.values(), key=lambda c: -c.id)[:limit]


# --------------------------------------------------------------------------- comments
def _clean(text: str, what: str, limit: int) -> str:
    text = text.strip()
    if not text:
        raise CommentError(f"the {what} is empty")
    if len(text) > limit:
        raise CommentError(f"the {what} is {len(text):,} characters; the limit is {limit:,}")
    return text


def add_comment(store: Store, ref: UnitRef, text: str, *, author: str) -> Comment:
    """A new comment on a unit (checked: `ref` names a unit of its article); mentions are read from the text."""
    body = _clean(text, "comment", MAX_COMMENT_CHARS)
    comment_id = records.add_comment(store, ref.article_id, ref.unit, ref.lang, author, body, mentions_in(body))
    return comment_of(store, ref.article_id, comment_id)


def comment_of(store: Store, article_id: str, comment_id: int) -> Comment:
    """Comment `comment_id`, if it belongs to `article_id` (an id from another article is refused)."""
    row = records.comment(store, comment_id)
    if row is None or row["article_id"] != article_id:
        raise CommentError(f"article {article_id} has no comment {comment_id}")
    return Comment.from_record(row)


def resolve(store: Store, article_id: str, comment_id: int, resolved: bool, *, author: str) -> Comment:
    """Resolve (or reopen) a comment of the article; who did it is recorded."""
    comment_of(store, article_id, comment_id)
    records.set_resolved(store, comment_id, resolved, author)
    return comment_of(store, article_id, comment_id)


def article_comments(store: Store, article_id: str) -> list[Comment]:
    return [Comment.from_record(r) for r in records.comments_of(store, article_id)]


def find(store: Store, query: str, *, limit: int = 100) -> list[Comment]:
    """Comments whose text or author contains `query` (case-insensitive), newest first."""
    query = query.strip()
    if len(query) < 2:
        raise CommentError("search comments for at least 2 characters")
    return [Comment.from_record(r) for r in records.find_comments(store, query, limit=limit)]


# --------------------------------------------------------------------------- dismissals
DismissalIndex = Mapping[tuple[str, str], Sequence[Mapping[str, Any]]]  # (unit, lang) → dismissal records


def dismissal_index(store: Store, article_id: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The article's dismissals in force, by (unit, lang)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in records.dismissals(store, article_id):
        out.setdefault((row["unit"], row["lang"]), []).append(row)
    return out


def dismissed_flags(index: DismissalIndex, ref: UnitRef, text: str, flags: Sequence[str]) -> tuple[Dismissal, ...]:
    """The dismissals that apply to a unit: made on this very text, for a flag the checks still raise."""
    rows = index.get((ref.unit, ref.lang))
    if not rows:
        return ()
    digest = records.text_hash(text)
    latest = {r["flag"]: r for r in rows if r["text_hash"] == digest and r["flag"] in flags}
    return tuple(Dismissal(r["id"], r["flag"], r["reason"], r["author"], r["created"]) for r in latest.values())


def dismiss(store: Store, ref: UnitRef, flag: str, reason: str, *, text: str, revision_id: int | None,
            flags: Sequence[str], dismissed: Sequence[str], author: str) -> int:
    """Dismiss `flag` of a unit whose current text is `text` (with `flags` raised and `dismissed` already
    dismissed), with a reason; refused for a flag the text does not have or one that is not a check's opinion."""
    why = _clean(reason, "reason", MAX_REASON_CHARS)
    if flag in NOT_DISMISSABLE:
        raise CommentError(f"{flag} cannot be dismissed: {NOT_DISMISSABLE[flag]}")
    if flag in dismissed:
        raise CommentError(f"{flag} is already dismissed on this text")
    if flag not in flags:
        raise CommentError(f"this text has no {flag} flag (its flags: {', '.join(flags) or 'none'})")
    return records.add_dismissal(store, ref.article_id, ref.unit, ref.lang, flag, text, revision_id, why, author)


def restore_flag(store: Store, ref: UnitRef, flag: str, *, author: str) -> int:
    """Take a dismissal back: the flag counts again (recorded); how many dismissals were in force."""
    count = records.restore_dismissed(store, ref.article_id, ref.unit, ref.lang, flag, author)
    if not count:
        raise CommentError(f"{flag} is not dismissed on this unit")
    return count
