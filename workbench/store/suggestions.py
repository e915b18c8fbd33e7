"""Alternative machine outputs ("suggestions"): what a second translator (`translate --suggest MODEL`) made for a
segment, kept beside the unit's text with its provenance and never made its revision (table of migration
`007_llm_suggestions`).

A suggestion is not text of the article: the unit's text changes only through `review.workflow`, which is also
what calls `add` (`workflow.record_suggestions`). A model's suggestion made again from the same input with the same
text adds nothing; from a changed input (the English of a pivot route was edited) it is a new row, and readers
take each model's latest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..clock import now
from .database import Store

Row = dict[str, Any]


@dataclass(frozen=True)
class SuggestionRecord:
    """One alternative machine output of one segment in one language."""

    article_id: str
    segment_id: str
    lang: str
    input_text: str
    text: str
    flags: list[str]
    provenance: dict[str, Any]  # the engines' provenance (model, revision, licence, settings, confidence, llm …)

    @property
    def model(self) -> str:
        return str(self.provenance.get("model", "?"))


def add(store: Store, records: list[SuggestionRecord]) -> list[int | None]:
    """Store suggestions in one transaction; each record's new id, or None where the model's latest suggestion of
    that unit already has the same input and text."""
    stamp = now()
    ids: list[int | None] = []
    with store.transaction() as conn:
        for rec in records:
            latest = conn.execute(
                "SELECT input_text, text FROM suggestions WHERE article_id = ? AND segment_id = ? AND lang = ?"
                " AND model = ? ORDER BY id DESC LIMIT 1", (rec.article_id, rec.segment_id, rec.lang, rec.model)).fetchone()
            if latest is not None and latest["input_text"] == rec.input_text and latest["text"] == rec.text:
                ids.append(None)
                continue
            cur = conn.execute(
                "INSERT INTO suggestions (article_id, segment_id, lang, model, input_text, text, flags, provenance,"
                " created) VALUES (?,?,?,?,?,?,?,?,?)",
                (rec.article_id, rec.segment_id, rec.lang, rec.model, rec.input_text, rec.text, json.dumps(rec.flags),
                 json.dumps(rec.provenance, ensure_ascii=False), stamp))
            ids.append(int(cur.lastrowid or 0))
    return ids


def _row(record: Any) -> Row:
    item = dict(record)
    item["flags"] = json.loads(item["flags"])
    item["provenance"] = json.loads(item["provenance"])
    return item


def latest(store: Store, article_id: str, segment_id: str | None = None, lang: str | None = None) -> list[Row]:
    """Each model's latest suggestion of the article's segments (one segment, one language when given), oldest
    model first."""
    where, params = ["article_id = ?"], [article_id]
    if segment_id is not None:
        where.append("segment_id = ?")
        params.append(segment_id)
    if lang is not None:
        where.append("lang = ?")
        params.append(lang)
    rows = store.query(
        f"SELECT * FROM suggestions WHERE id IN (SELECT MAX(id) FROM suggestions WHERE {' AND '.join(where)}"
        " GROUP BY segment_id, lang, model) ORDER BY id", params)
    return [_row(r) for r in rows]


def made_by(store: Store, article_id: str, lang: str, model: str) -> dict[str, str]:
    """segment id → the input text of `model`'s latest suggestion there (a run resumes past what it made)."""
    rows = store.query(
        "SELECT segment_id, input_text FROM suggestions WHERE id IN (SELECT MAX(id) FROM suggestions"
        " WHERE article_id = ? AND lang = ? AND model = ? GROUP BY segment_id)", (article_id, lang, model))
    return {r["segment_id"]: r["input_text"] for r in rows}
