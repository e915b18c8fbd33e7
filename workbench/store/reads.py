"""The review and run layers' questions to the store that span tables (memory, effort, evaluation, propagation,
QA), each one named function, so that all SQL lives in `store/`."""

from __future__ import annotations

import json
from typing import Any

from .database import MachineOutputRecord, Store

_LATEST_REVISION = ("(SELECT MAX(id) FROM revisions WHERE segment_id = s.id AND lang = ? AND target = 'segment')")


def memory_rows(store: Store, lang: str) -> list[dict[str, Any]]:
    """The current `lang` text of every segment a person confirmed (reviewed), and of every segment of an article
    language approved under the approval rules (not by override), newest first: segment_id, article_id,
    source_text, revision_id, text. Two small starting sets, never a scan of every segment."""
    rows = store.query(
        "SELECT s.id AS segment_id, s.article_id, s.source_text, r.id AS revision_id, r.text"
        " FROM revisions r JOIN segments s ON s.id = r.segment_id"
        f" WHERE r.reviewed = 1 AND r.lang = ? AND r.target = 'segment' AND r.id = {_LATEST_REVISION}"
        " AND s.active = 1 AND s.kind != 'meta'"
        " UNION"
        " SELECT s.id AS segment_id, s.article_id, s.source_text, r.id AS revision_id, r.text"
        " FROM article_status st JOIN segments s ON s.article_id = st.article_id AND s.active = 1 AND s.kind != 'meta'"
        f" JOIN revisions r ON r.id = {_LATEST_REVISION}"
        " WHERE st.lang = ? AND st.status = 'approved' AND st.override IS NULL"
        " ORDER BY revision_id DESC", (lang, lang, lang, lang))
    return [dict(r) for r in rows]


def edited_units(store: Store) -> list[dict[str, Any]]:
    """Every segment unit whose current text is a person's, with the latest machine output it was made from, in
    revision order: article_id, segment_id, lang, text, author, source_text, machine_text, model, seconds (time
    the editor was open over the unit's human revisions) and timed (revisions that recorded a time)."""
    rows = store.query(
        "SELECT r.article_id, r.segment_id, r.lang, r.text, r.author, s.source_text, m.text AS machine_text,"
        " m.provenance, (SELECT SUM(seconds_open) FROM revisions t WHERE t.article_id = r.article_id"
        "   AND t.segment_id = r.segment_id AND t.lang = r.lang AND t.target = 'segment'"
        "   AND t.origin IN ('human', 'revert')) AS seconds,"
        " (SELECT COUNT(seconds_open) FROM revisions t WHERE t.article_id = r.article_id"
        "   AND t.segment_id = r.segment_id AND t.lang = r.lang AND t.target = 'segment') AS timed"
        " FROM revisions r JOIN segments s ON s.id = r.segment_id"
        " JOIN machine_outputs m ON m.id = (SELECT MAX(id) FROM machine_outputs WHERE segment_id = r.segment_id"
        "   AND lang = r.lang AND target = 'segment')"
        " WHERE r.target = 'segment' AND r.origin IN ('human', 'revert') AND r.id = (SELECT MAX(id) FROM revisions"
        "   WHERE article_id = r.article_id AND segment_id = r.segment_id AND lang = r.lang AND target = 'segment')"
        " ORDER BY r.id")
    out = []
    for row in rows:
        item = dict(row)
        item["model"] = json.loads(item.pop("provenance")).get("model", "?")
        out.append(item)
    return out


def unit_revision(store: Store, article_id: str, target: str, segment_id: str | None, lang: str,
                  revision_id: int) -> dict[str, Any] | None:
    """Revision `revision_id` if it belongs to this unit (None otherwise)."""
    rows = store.query("SELECT * FROM revisions WHERE id = ? AND article_id = ? AND target = ? AND segment_id IS ?"
                       " AND lang = ?", (revision_id, article_id, target, segment_id, lang))
    return dict(rows[0]) if rows else None


def articles_with_source(store: Store, source: str, exclude: str, limit: int) -> list[str]:
    """Other articles with an active, translatable segment whose Arabic is exactly `source` (the first `limit` by id)."""
    rows = store.query("SELECT DISTINCT article_id FROM segments WHERE active = 1 AND kind != 'meta' AND source_text = ?"
                       " AND article_id != ? ORDER BY article_id LIMIT ?", (source, exclude, limit))
    return [r["article_id"] for r in rows]


def approved_articles(store: Store, lang: str) -> list[str]:
    """Articles whose `lang` is approved, by id."""
    rows = store.query("SELECT article_id FROM article_status WHERE lang = ? AND status = 'approved'"
                       " ORDER BY article_id", (lang,))
    return [r["article_id"] for r in rows]


def meaningless_articles(store: Store) -> set[str]:
    """Articles whose current machine output of some unit was made by a tiny random-weight model."""
    rows = store.query(
        "SELECT DISTINCT article_id FROM machine_outputs WHERE id IN (SELECT MAX(id) FROM machine_outputs"
        " GROUP BY article_id, target, segment_id, lang) AND json_extract(provenance, '$.meaningless')")
    return {r["article_id"] for r in rows}


def latest_profile(store: Store) -> str | None:
    """The model profile named by the newest machine output that names one."""
    rows = store.query("SELECT json_extract(provenance, '$.profile') AS profile FROM machine_outputs"
                       " WHERE json_extract(provenance, '$.profile') IS NOT NULL ORDER BY id DESC LIMIT 1")
    return str(rows[0]["profile"]) if rows and rows[0]["profile"] else None


def machine_outputs(store: Store, article_id: str | None = None, *, lang: str | None = None,
                    target: str | None = None) -> list[MachineOutputRecord]:
    """Every machine output (of one article, language or target where given), in the order they were made."""
    where, params = [], []
    for column, value in (("article_id", article_id), ("lang", lang), ("target", target)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = ("SELECT article_id, segment_id, target, lang, input_text, text, flags, provenance FROM machine_outputs"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id")
    return [MachineOutputRecord(r["article_id"], r["segment_id"], r["target"], r["lang"], r["input_text"], r["text"],
                                json.loads(r["flags"]), json.loads(r["provenance"]))
            for r in store.query(sql, params)]
