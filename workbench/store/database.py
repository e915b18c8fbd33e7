"""The SQLite store: articles, segments, machine outputs, append-only revisions, status.

Every write happens in a short transaction, so a crash or a kill never leaves half a batch behind. The store keeps
the data and its integrity rules (a save based on an old revision is a conflict, a machine output never covers what
changed since its run looked); which writes happen, and what they do to an article language's status, is decided
by the one write path, `review.workflow` (its callers never call the write methods here themselves).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import logs
from ..clock import now
from ..errors import ArticleNotFound, ConflictError, SegmentNotFound, WorkbenchError
from ..files import remove_stale_temps
from ..languages import STATUSES
from ..text.articles import Article, Segment
from .migrations import AFTER, migrate
from .sqlite import DiskFull, StoreDamaged, check, connect, is_disk_full, opening_error, writable

log = logs.get("store")

Unit = tuple[str, str | None, str]  # (target, segment_id, lang)


def draft_unit(target: str, segment_id: str | None) -> str:
    """How a draft names its unit: the segment id, or "summary"."""
    return "summary" if target == "summary" else str(segment_id)


UNSEEN = -1  # a MachineOutputRecord whose maker did not look at the unit's current revision
PERSON_ORIGINS = ("human", "revert", "xliff")  # revisions a person wrote, restored or imported


@dataclass
class MachineOutputRecord:
    """One machine output to store. `seen_revision_id`: the unit's current revision when the run decided to make
    it (None: the unit had none); it is stored only while that revision is still the current one. UNSEEN: the
    maker did not look; it is stored unless the unit's current text is a person's or is this very output."""

    article_id: str
    segment_id: str | None
    target: str  # segment | summary
    lang: str
    input_text: str
    text: str
    flags: list[str]
    provenance: dict[str, Any]
    seen_revision_id: int | None = UNSEEN


class ReadOnlyStore(WorkbenchError):
    """A write to a store opened read-only."""


def _storage_error(path: str, exc: sqlite3.DatabaseError) -> WorkbenchError:
    """A one-line error for what SQLite says when a write cannot happen (nothing of the write is kept)."""
    text = str(exc)
    if is_disk_full(exc):
        return DiskFull(path, text)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyStore(f"{path} cannot be written ({text}); nothing was saved")
    if "malformed" in text or "not a database" in text:
        return StoreDamaged(path, text)
    if isinstance(exc, sqlite3.IntegrityError):
        return WorkbenchError(f"{path}: refused by the store's rules ({text}); nothing was saved")
    return WorkbenchError(f"{path}: {text}; nothing of this change was saved")


def _remove_copy(path: Path) -> None:
    for part in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
                 path.with_name(path.name + "-shm")):
        with suppress(OSError):
            part.unlink(missing_ok=True)


class Store:
    """A workbench database at `path` (a file, or ":memory:" for tests)."""

    def __init__(self, path: str | Path = ":memory:", *, verify: bool = True):
        """Open (or create) the store. Its integrity is checked first (`verify`); a damaged file is refused with
        StoreDamaged before anything is written. A file that cannot be written is opened read-only (`read_only`):
        reads work, writes raise ReadOnlyStore."""
        self.path = str(path)
        self._lock = threading.RLock()
        self.read_only = self.path != ":memory:" and Path(self.path).exists() and not writable(self.path)
        self.conn = connect(self.path, read_only=self.read_only)
        self.conn.row_factory = sqlite3.Row
        try:
            if verify and self.path != ":memory:":
                check(self.conn, self.path)
            self.conn.execute("PRAGMA foreign_keys = ON")
            with self._lock:
                if self.read_only:
                    self._require_schema()
                else:
                    migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise opening_error(self.path, exc) from exc
        except BaseException:
            self.conn.close()
            raise
        if self.path != ":memory:" and not self.read_only:
            remove_stale_temps(Path(self.path).parent)  # what a killed write left in the data home (an export …)
        if not self.read_only:
            self._after_migrations()

    def _after_migrations(self) -> None:
        """Each step that follows a migration (`migrations.AFTER`: the deliveries an earlier version kept in
        outbox/), marked done only once it finished: a kill or a full disk in between runs it again at the next
        open (the steps are idempotent). A step that fails is logged and the store opens all the same."""
        done = {r[0] for r in self.query("SELECT name FROM after_migrations")}
        applied = {r[0] for r in self.query("SELECT name FROM migrations")}
        for name, step in AFTER.items():
            if name in applied and name not in done:
                try:
                    step(self)
                    with self.transaction() as conn:
                        conn.execute("INSERT OR IGNORE INTO after_migrations (name) VALUES (?)", (name,))
                except WorkbenchError as exc:
                    log.warning("store: the step after migration %s did not finish (%s); it runs again next time",
                                name, exc)

    def _require_schema(self) -> None:
        from .migrations import MIGRATIONS

        done = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        missing = [name for name, _ in MIGRATIONS if name not in done]
        if missing:
            raise ReadOnlyStore(f"{self.path} is read-only and needs an upgrade ({', '.join(missing)}); "
                                "open it once where it can be written")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise ReadOnlyStore(f"{self.path} is read-only (the data home cannot be written): nothing can be saved")
        with self._lock:
            if self.conn.in_transaction:  # this thread's own (it holds the lock): nest, all or nothing with it
                yield from self._savepoint()
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as exc:
                raise _storage_error(self.path, exc) from exc
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise _storage_error(self.path, exc) from exc
                raise

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        """A transaction inside this thread's open one: undone alone on error, committed only with the outer one.
        Where SQLite already rolled the whole transaction back (a full disk can), the error is raised as it was."""
        self.conn.execute("SAVEPOINT nested")
        try:
            yield self.conn
            self.conn.execute("RELEASE nested")
        except BaseException:
            if self.conn.in_transaction:
                with suppress(sqlite3.DatabaseError):
                    self.conn.execute("ROLLBACK TO nested")
                    self.conn.execute("RELEASE nested")
            raise

    def version(self) -> tuple[int, int]:
        """Changes whenever a row changed through this connection (total_changes) or another connection committed
        to the same file (SQLite's data_version): what a cache of views is keyed by."""
        with self._lock:
            return self.conn.total_changes, int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def query(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise _storage_error(self.path, exc) from exc

    def check(self) -> None:
        """SQLite's integrity check; StoreDamaged when it fails."""
        with self._lock:
            check(self.conn, self.path)

    def backup(self, dest: str | Path) -> Path:
        """A consistent copy of the store at `dest` (SQLite's online backup: safe while others write), written
        beside `dest` first and renamed into place. When it fails (a full disk) nothing is left beside `dest` and
        an existing `dest` is unchanged."""
        from ..files import writable_target

        target = writable_target(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        _remove_copy(partial)  # left by a backup that was killed
        try:
            copy = sqlite3.connect(str(partial))
            try:
                with self._lock:
                    self.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                check(copy, str(partial))
            finally:
                copy.close()
            partial.replace(target)
        except BaseException as exc:
            _remove_copy(partial)
            if isinstance(exc, sqlite3.DatabaseError | OSError) and is_disk_full(exc):
                raise DiskFull(str(target), str(exc), "no backup was written") from exc
            if isinstance(exc, sqlite3.DatabaseError):
                raise WorkbenchError(f"{target}: the backup could not be written ({exc}); no backup was written") from exc
            raise
        return target

    # ---------------------------------------------------------------- articles and segments
    def upsert_article(self, article: Article, segments: list[Segment]) -> str:
        """Insert or update an article; returns "new", "updated" or "unchanged".

        Segments keep their ids while their source text is unchanged, so revisions stay attached;
        segments that disappear are retired (kept, inactive), never deleted.
        """
        stamp = now()
        with self.transaction() as conn:
            row = conn.execute("SELECT content_hash FROM articles WHERE id = ?", (article.id,)).fetchone()
            if row and row["content_hash"] == article.content_hash:
                return "unchanged"
            values = {
                "id": article.id, "path": article.path, "title": article.title, "date": article.date,
                "date_raw": article.date_raw, "source": article.source, "source_raw": article.source_raw,
                "photo_credit": article.photo_credit, "publisher": article.publisher, "url": article.url,
                "original_text": article.original_text, "cleaned_text": article.cleaned_text,
                "content_hash": article.content_hash, "encoding": article.encoding,
                "warnings": json.dumps(article.warnings, ensure_ascii=False), "updated_at": stamp,
            }
            if row:
                sets = ", ".join(f"{k} = :{k}" for k in values if k != "id")
                conn.execute(f"UPDATE articles SET {sets} WHERE id = :id", values)
            else:
                values["imported_at"] = stamp
                cols = ", ".join(values)
                conn.execute(f"INSERT INTO articles ({cols}) VALUES ({', '.join(':' + k for k in values)})", values)
            existing = {r["id"] for r in conn.execute("SELECT id FROM segments WHERE article_id = ?", (article.id,))}
            conn.execute("UPDATE segments SET active = 0, position = -1 - position WHERE article_id = ?", (article.id,))
            for seg in segments:
                params = (seg.position, seg.paragraph, seg.kind, seg.role, seg.source_text, seg.start, seg.end, seg.id)
                if seg.id in existing:
                    conn.execute(
                        'UPDATE segments SET position=?, paragraph=?, kind=?, role=?, source_text=?, start=?, "end"=?, '
                        "active=1 WHERE id=?", params)
                else:
                    conn.execute(
                        'INSERT INTO segments (position, paragraph, kind, role, source_text, start, "end", id, article_id)'
                        " VALUES (?,?,?,?,?,?,?,?,?)", (*params, article.id))
            return "updated" if row else "new"

    def article(self, article_id: str) -> dict[str, Any]:
        rows = self.query("SELECT * FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise ArticleNotFound(article_id)
        record = dict(rows[0])
        record["warnings"] = json.loads(record["warnings"])
        return record

    def article_ids(self) -> list[str]:
        return [r["id"] for r in self.query("SELECT id FROM articles ORDER BY id")]

    def has_article(self, article_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def has_segment(self, article_id: str, segment_id: str) -> bool:
        """Whether `segment_id` is an active segment of `article_id`."""
        return bool(self.query("SELECT 1 FROM segments WHERE id = ? AND article_id = ? AND active = 1",
                               (segment_id, article_id)))

    def articles_containing(self, query: str) -> set[str]:
        """Ids of the articles whose Arabic text, title, id or any revision's text contains `query` (lower case;
        case-insensitive for ASCII as SQLite's `lower`)."""
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        hits = {r["article_id"] for r in self.query(
            "SELECT DISTINCT article_id FROM revisions WHERE lower(text) LIKE ? ESCAPE '\\'", (like,))}
        return hits | {r["id"] for r in self.query(
            "SELECT id FROM articles WHERE lower(cleaned_text) LIKE ? ESCAPE '\\' OR lower(coalesce(title, '')) LIKE ?"
            " ESCAPE '\\' OR lower(id) LIKE ? ESCAPE '\\'", (like, like, like))}

    def segments(self, article_id: str, *, include_retired: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT * FROM segments WHERE article_id = ?" + ("" if include_retired else " AND active = 1")
        return [dict(r) for r in self.query(sql + " ORDER BY active DESC, position", (article_id,))]

    def segment(self, segment_id: str) -> dict[str, Any]:
        rows = self.query("SELECT * FROM segments WHERE id = ?", (segment_id,))
        if not rows:
            raise SegmentNotFound(segment_id)
        return dict(rows[0])

    def list_articles(self) -> list[dict[str, Any]]:
        """Every article with its counts of segments (all, body, translatable: what `import`, `list` and `status`
        count) and per-language status, override notes and `review_notes` (`reopened`)."""
        rows = self.query(
            "SELECT a.id, a.title, a.date, a.date_raw, a.source, a.photo_credit, a.path,"
            " substr(a.cleaned_text, 1, 400) AS label_text,"
            " SUM(s.kind = 'body') AS body_segments, SUM(s.kind != 'meta') AS translatable_segments,"
            " COUNT(s.id) AS segments"
            " FROM articles a LEFT JOIN segments s ON s.article_id = a.id AND s.active = 1"
            " GROUP BY a.id ORDER BY a.id")
        statuses: dict[str, dict[str, str]] = {}
        overrides: dict[str, dict[str, str | None]] = {}
        reopened: dict[str, dict[str, str]] = {}
        for r in self.query("SELECT article_id, lang, status, override FROM article_status"):
            statuses.setdefault(r["article_id"], {})[r["lang"]] = r["status"]
            overrides.setdefault(r["article_id"], {})[r["lang"]] = r["override"] if r["status"] == "approved" else None
        for (article_id, lang), note in self.review_notes().items():
            reopened.setdefault(article_id, {})[lang] = note
        out = []
        for r in rows:
            item = dict(r)
            item["status"] = statuses.get(r["id"], {})
            item["override"] = overrides.get(r["id"], {})
            item["reopened"] = reopened.get(r["id"], {})
            out.append(item)
        return out

    # ---------------------------------------------------------------- machine outputs and revisions
    def add_machine_outputs(self, records: list[MachineOutputRecord]) -> list[int | None]:
        """Store machine outputs and make each the current revision of its unit, in one transaction. Returns each
        record's new machine output id, or None where its unit was left alone because it changed since the run
        looked (`seen_revision_id`: a person saved, or another run stored an output); the check is made in the
        same transaction as the write, so no save that landed meanwhile is ever covered."""
        stamp = now()
        ids: list[int | None] = []
        with self.transaction() as conn:
            for rec in records:
                latest = conn.execute(
                    "SELECT id, origin, machine_output_id FROM revisions WHERE article_id = ? AND target = ?"
                    " AND segment_id IS ? AND lang = ? ORDER BY id DESC LIMIT 1",
                    (rec.article_id, rec.target, rec.segment_id, rec.lang)).fetchone()
                if not self._may_write(conn, rec, latest):
                    ids.append(None)
                    continue
                cur = conn.execute(
                    "INSERT INTO machine_outputs (article_id, segment_id, target, lang, input_text, text, flags,"
                    " provenance, created) VALUES (?,?,?,?,?,?,?,?,?)",
                    (rec.article_id, rec.segment_id, rec.target, rec.lang, rec.input_text, rec.text,
                     json.dumps(rec.flags), json.dumps(rec.provenance, ensure_ascii=False), stamp))
                mo_id = int(cur.lastrowid or 0)
                conn.execute(
                    "INSERT INTO revisions (article_id, segment_id, target, lang, text, author, origin,"
                    " machine_output_id, base_revision_id, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (rec.article_id, rec.segment_id, rec.target, rec.lang, rec.text,
                     *self._origin(rec), mo_id, latest["id"] if latest else None, stamp))
                ids.append(mo_id)
        return ids

    @staticmethod
    def _may_write(conn: sqlite3.Connection, rec: MachineOutputRecord, latest: sqlite3.Row | None) -> bool:
        """Whether `rec` may become its unit's current revision, given the unit's current one (`latest`)."""
        if rec.seen_revision_id != UNSEEN:
            return (latest["id"] if latest else None) == rec.seen_revision_id
        if latest is None or latest["machine_output_id"] is None:
            return latest is None or latest["origin"] not in PERSON_ORIGINS
        if latest["origin"] in PERSON_ORIGINS:
            return False
        made = conn.execute("SELECT text, input_text, provenance FROM machine_outputs WHERE id = ?",
                            (latest["machine_output_id"],)).fetchone()
        return not (made is not None and made["text"] == rec.text and made["input_text"] == rec.input_text
                    and json.loads(made["provenance"]).get("model") == rec.provenance.get("model"))

    @staticmethod
    def _origin(rec: MachineOutputRecord) -> tuple[str, str]:
        """(author, origin) of the revision a machine output becomes: a model, or the translation memory."""
        memory = rec.provenance.get("memory")
        if memory:
            return f"memory:{memory['article_id']}", "memory"
        return f"machine:{rec.provenance.get('model', '?')}", "machine"

    @staticmethod
    def _latest_revision_id(conn: sqlite3.Connection, article_id: str, target: str,
                            segment_id: str | None, lang: str) -> int | None:
        row = conn.execute(
            "SELECT MAX(id) FROM revisions WHERE article_id = ? AND target = ? AND segment_id IS ? AND lang = ?",
            (article_id, target, segment_id, lang)).fetchone()
        return row[0]

    def save_revision(self, article_id: str, segment_id: str | None, lang: str, text: str, *, author: str,
                      base_revision_id: int | None, target: str = "segment", origin: str = "human",
                      seconds_open: float | None = None, reviewed: bool = False) -> int:
        """Append a revision; refuse it (ConflictError) when the unit changed since `base_revision_id`.
        `reviewed`: a person confirmed this text. The author's draft of the unit is dropped with the save."""
        if target == "segment" and segment_id is None:
            raise WorkbenchError("a segment revision needs a segment id")
        with self.transaction() as conn:
            if target == "segment":
                seg = conn.execute("SELECT article_id FROM segments WHERE id = ?", (segment_id,)).fetchone()
                if not seg or seg["article_id"] != article_id:
                    raise SegmentNotFound(str(segment_id))
            elif not conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                raise ArticleNotFound(article_id)
            latest = self._latest_revision_id(conn, article_id, target, segment_id, lang)
            if latest != base_revision_id:
                current = conn.execute("SELECT text, author FROM revisions WHERE id = ?", (latest,)).fetchone()
                raise ConflictError(base_revision_id, latest, current["text"] if current else "",
                                    current["author"] if current else None)
            cur = conn.execute(
                "INSERT INTO revisions (article_id, segment_id, target, lang, text, author, origin,"
                " base_revision_id, created, seconds_open, reviewed) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (article_id, segment_id, target, lang, text, author, origin, latest, now(), seconds_open, int(reviewed)))
            conn.execute("DELETE FROM drafts WHERE article_id = ? AND unit = ? AND lang = ? AND author = ?",
                         (article_id, draft_unit(target, segment_id), lang, author))
            return int(cur.lastrowid or 0)

    # ---------------------------------------------------------------- drafts
    def save_draft(self, article_id: str, segment_id: str | None, lang: str, author: str, text: str,
                   base_revision_id: int | None, target: str = "segment") -> None:
        """Keep a reviewer's unsaved text of one unit (one draft per unit, language and author; replaced)."""
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                raise ArticleNotFound(article_id)
            conn.execute(
                "INSERT INTO drafts (article_id, unit, lang, author, text, base_revision_id, updated) VALUES (?,?,?,?,?,?,?)"
                " ON CONFLICT(article_id, unit, lang, author) DO UPDATE SET text=excluded.text,"
                " base_revision_id=excluded.base_revision_id, updated=excluded.updated",
                (article_id, draft_unit(target, segment_id), lang, author, text, base_revision_id, now()))

    def discard_draft(self, article_id: str, segment_id: str | None, lang: str, author: str,
                      target: str = "segment") -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE article_id = ? AND unit = ? AND lang = ? AND author = ?",
                         (article_id, draft_unit(target, segment_id), lang, author))

    def drafts(self, article_id: str, author: str) -> list[dict[str, Any]]:
        """The author's drafts in an article: unit (a segment id, or "summary"), lang, text, base revision, updated."""
        return [dict(r) for r in self.query(
            "SELECT unit, lang, text, base_revision_id, updated FROM drafts WHERE article_id = ? AND author = ?"
            " ORDER BY updated", (article_id, author))]

    def latest_revision(self, article_id: str, target: str, segment_id: str | None, lang: str) -> dict[str, Any] | None:
        """The current revision of one unit (None: it has none)."""
        rows = self.query("SELECT * FROM revisions WHERE article_id = ? AND target = ? AND segment_id IS ? AND lang = ?"
                          " ORDER BY id DESC LIMIT 1", (article_id, target, segment_id, lang))
        return dict(rows[0]) if rows else None

    def latest_machine_output(self, article_id: str, target: str, segment_id: str | None,
                              lang: str) -> dict[str, Any] | None:
        """The latest machine output of one unit, flags and provenance parsed (None: it has none)."""
        rows = self.query("SELECT * FROM machine_outputs WHERE article_id = ? AND target = ? AND segment_id IS ?"
                          " AND lang = ? ORDER BY id DESC LIMIT 1", (article_id, target, segment_id, lang))
        if not rows:
            return None
        item = dict(rows[0])
        item["flags"] = json.loads(item["flags"])
        item["provenance"] = json.loads(item["provenance"])
        return item

    def current_revisions(self, article_id: str) -> dict[Unit, dict[str, Any]]:
        rows = self.query(
            "SELECT * FROM revisions WHERE id IN (SELECT MAX(id) FROM revisions WHERE article_id = ?"
            " GROUP BY target, segment_id, lang)", (article_id,))
        return {(r["target"], r["segment_id"], r["lang"]): dict(r) for r in rows}

    def latest_machine_outputs(self, article_id: str) -> dict[Unit, dict[str, Any]]:
        rows = self.query(
            "SELECT * FROM machine_outputs WHERE id IN (SELECT MAX(id) FROM machine_outputs WHERE article_id = ?"
            " GROUP BY target, segment_id, lang)", (article_id,))
        out = {}
        for r in rows:
            item = dict(r)
            item["flags"] = json.loads(item["flags"])
            item["provenance"] = json.loads(item["provenance"])
            out[(r["target"], r["segment_id"], r["lang"])] = item
        return out

    def history(self, article_id: str, segment_id: str | None, lang: str, target: str = "segment") -> list[dict]:
        """All revisions of one unit, oldest first."""
        return [dict(r) for r in self.query(
            "SELECT * FROM revisions WHERE article_id = ? AND target = ? AND segment_id IS ? AND lang = ? ORDER BY id",
            (article_id, target, segment_id, lang))]

    def revision(self, revision_id: int) -> dict[str, Any]:
        rows = self.query("SELECT * FROM revisions WHERE id = ?", (revision_id,))
        if not rows:
            raise WorkbenchError(f"no revision {revision_id}")
        return dict(rows[0])

    # ---------------------------------------------------------------- checks of a pivot language
    def add_pivot_check(self, article_id: str, segment_id: str, lang: str, via: str, via_revision_id: int,
                        author: str, kind: str) -> None:
        """Record that a person wrote (`kind` "saved") or confirmed ("confirmed") the unit's text while the pivot
        language `via` was at `via_revision_id`."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO pivot_checks (article_id, segment_id, lang, via, via_revision_id, author, kind,"
                         " created) VALUES (?,?,?,?,?,?,?,?)",
                         (article_id, segment_id, lang, via, via_revision_id, author, kind, now()))

    def pivot_checks(self, article_id: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest pivot check of each (segment, language) of an article, with the text of the pivot-language
        revision it was made against (`via_text`)."""
        rows = self.query(
            "SELECT c.segment_id, c.lang, c.via, c.via_revision_id, c.kind, c.author, c.created, r.text AS via_text"
            " FROM pivot_checks c JOIN revisions r ON r.id = c.via_revision_id WHERE c.id IN"
            " (SELECT MAX(id) FROM pivot_checks WHERE article_id = ? GROUP BY segment_id, lang)", (article_id,))
        return {(r["segment_id"], r["lang"]): dict(r) for r in rows}

    # ---------------------------------------------------------------- status and failures
    def statuses(self, article_id: str) -> dict[str, str]:
        return {r["lang"]: r["status"] for r in self.query(
            "SELECT lang, status FROM article_status WHERE article_id = ?", (article_id,))}

    def status_overrides(self, article_id: str) -> dict[str, str | None]:
        """Per language with a status: the override note of its approval (None: not approved, or approved under
        the approval rules)."""
        return {r["lang"]: r["override"] if r["status"] == "approved" else None for r in self.query(
            "SELECT lang, status, override FROM article_status WHERE article_id = ?", (article_id,))}

    def set_status(self, article_id: str, lang: str, status: str, author: str | None = None,
                   *, override: str | None = None, reason: str | None = None) -> str:
        """Set an article language's status (which status follows which event is `review.workflow`'s table); every
        change is logged, with the `override` note when an approval went past the approval rules and the `reason`
        when the workbench took an approval back (kept as the language's `reopened` note until it is approved
        again). An approval is bound to what it saw, in the same transaction: the article's source (its
        `content_hash`) and the language's newest revision; `approval_problem` compares them later."""
        if status not in STATUSES:
            raise WorkbenchError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                raise ArticleNotFound(article_id)
            row = conn.execute("SELECT status, approved_source, approved_revision FROM article_status"
                               " WHERE article_id = ? AND lang = ?", (article_id, lang)).fetchone()
            current = row["status"] if row else "new"
            bound = self._seen(conn, article_id, lang) if status == "approved" else (None, None)
            if current == status and override is None and (
                    status != "approved" or (row["approved_source"], row["approved_revision"]) == bound):
                return status
            stamp = now()
            conn.execute(
                "INSERT INTO article_status (article_id, lang, status, updated, author, override, approved_source,"
                " approved_revision, reopened) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(article_id, lang) DO UPDATE SET status=excluded.status, updated=excluded.updated,"
                " author=excluded.author, override=excluded.override, approved_source=excluded.approved_source,"
                " approved_revision=excluded.approved_revision, reopened=excluded.reopened",
                (article_id, lang, status, stamp, author, override, *bound, reason))
            conn.execute("INSERT INTO status_log (article_id, lang, status, author, override, reason, created)"
                         " VALUES (?,?,?,?,?,?,?)", (article_id, lang, status, author, override, reason, stamp))
            return status

    def approval_view(self, article_id: str, lang: str) -> tuple[str | None, int | None]:
        """What an approval of the language would be bound to now (see `_seen`)."""
        with self._lock:
            return self._seen(self.conn, article_id, lang)

    @staticmethod
    def _seen(conn: sqlite3.Connection, article_id: str, lang: str) -> tuple[str | None, int | None]:
        """What an approval of the language sees now: the article's source hash and the language's newest revision
        id (revisions are append-only, so a later text of any of its units has a higher one)."""
        row = conn.execute("SELECT (SELECT content_hash FROM articles WHERE id = ?),"
                           " (SELECT MAX(id) FROM revisions WHERE article_id = ? AND lang = ?)",
                           (article_id, article_id, lang)).fetchone()
        return row[0], row[1]

    def review_notes(self, article_id: str | None = None) -> dict[tuple[str, str], str]:
        """Per (article, language) that must be reviewed again because of what changed since it was approved:
        why. A language the workbench took back (its `reopened` reason, while it is not approved again), and an
        approved one whose approval no longer matches the stored source or text (`approval_problem`)."""
        rows = self.query(
            "SELECT s.article_id, s.lang, s.status, s.reopened, s.approved_source, s.approved_revision,"
            " a.content_hash, (SELECT MAX(r.id) FROM revisions r WHERE r.article_id = s.article_id"
            " AND r.lang = s.lang) AS revision FROM article_status s JOIN articles a ON a.id = s.article_id"
            + (" WHERE s.article_id = ?" if article_id is not None else ""),
            (article_id,) if article_id is not None else ())
        notes = {}
        for r in rows:
            note = self._approval_note(r) if r["status"] == "approved" else r["reopened"]
            if note:
                notes[(r["article_id"], r["lang"])] = note
        return notes

    @staticmethod
    def _approval_note(row: sqlite3.Row) -> str | None:
        if row["approved_source"] is None:
            return "approved before approvals were bound to revisions, and changed since: approve it again"
        if row["approved_source"] != row["content_hash"]:
            return "the source changed since it was approved"
        if row["approved_revision"] != row["revision"]:
            return "the text changed since it was approved"
        return None

    def approval_problem(self, article_id: str, lang: str) -> str | None:
        """Why the language may not be published as approved (None: it is approved, and its approval matches the
        stored source and the language's current revisions)."""
        if self.statuses(article_id).get(lang) != "approved":
            return "not approved"
        return self.review_notes(article_id).get((article_id, lang))

    def status_log(self, article_id: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.query("SELECT * FROM status_log WHERE article_id = ? ORDER BY id", (article_id,))]

    def record_failure(self, article_id: str, lang: str, reason: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO failures (article_id, lang, reason, created) VALUES (?,?,?,?)",
                         (article_id, lang, reason, now()))

    def clear_failures(self, article_id: str, lang: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM failures WHERE article_id = ? AND lang = ?", (article_id, lang))

    def failures(self) -> dict[tuple[str, str], str]:
        return {(r["article_id"], r["lang"]): r["reason"] for r in self.query(
            "SELECT article_id, lang, reason FROM failures ORDER BY id")}

    def counts(self) -> dict[str, int]:
        tables = ("articles", "segments", "machine_outputs", "revisions", "article_status")
        return {t: self.query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}
