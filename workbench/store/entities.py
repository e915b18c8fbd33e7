"""The entity ledger's tables (migration 014_entity_ledger): one row per entity, keyed by its normalised Arabic form,
and an append-only log of every change; and the fact checks' learned length models. What an entity means and how its forms are matched is `review.names`;
import, export and confirmation are `review.ledger`; this module only keeps and returns the rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..clock import now
from .database import Store


@dataclass(frozen=True)
class EntityRow:
    """One entity as stored: Arabic forms (`|`-separated), canonical English and Russian forms, kind, status."""

    ar_key: str
    ar: str
    en: str
    ru: str
    kind: str = "name"
    status: str = "new"  # new | confirmed
    note: str = ""
    id: int = 0


def _row(r: object) -> EntityRow:
    return EntityRow(r["ar_key"], r["ar"], r["en"], r["ru"], r["kind"], r["status"], r["note"], int(r["id"]))  # type: ignore[index]


def all_entities(store: Store) -> list[EntityRow]:
    """Every entity, in the order they were added."""
    return [_row(r) for r in store.query("SELECT * FROM entities ORDER BY id")]


def by_key(store: Store, ar_key: str) -> EntityRow | None:
    rows = store.query("SELECT * FROM entities WHERE ar_key = ?", (ar_key,))
    return _row(rows[0]) if rows else None


def save(store: Store, rows: Sequence[EntityRow], author: str) -> list[int]:
    """Add or replace entities by their Arabic key in one transaction, each change logged; their ids."""
    ids = []
    at = now()
    with store.transaction() as conn:
        for row in rows:
            conn.execute(
                "INSERT INTO entities (ar_key, ar, en, ru, kind, status, note, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(ar_key) DO UPDATE SET ar = excluded.ar, en = excluded.en, ru = excluded.ru,"
                " kind = excluded.kind, status = excluded.status, note = excluded.note, updated = excluded.updated",
                (row.ar_key, row.ar, row.en, row.ru, row.kind, row.status, row.note, at))
            entity_id = int(conn.execute("SELECT id FROM entities WHERE ar_key = ?", (row.ar_key,)).fetchone()[0])
            conn.execute("INSERT INTO entity_changes (entity_id, author, at, en, ru, status) VALUES (?, ?, ?, ?, ?, ?)",
                         (entity_id, author, at, row.en, row.ru, row.status))
            ids.append(entity_id)
    return ids


def changes(store: Store, entity_id: int) -> list[dict[str, str]]:
    """The logged changes of one entity, oldest first."""
    return [{"author": r["author"], "at": r["at"], "en": r["en"], "ru": r["ru"], "status": r["status"]}
            for r in store.query("SELECT * FROM entity_changes WHERE entity_id = ? ORDER BY id", (entity_id,))]


def save_length_models(store: Store, models: dict[str, tuple[float, float, int]]) -> None:
    """Keep the learned length models (pair "ar-en" → mean, sd, pairs), replacing the earlier ones."""
    at = now()
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO length_models (pair, mean, sd, pairs, updated) VALUES (?, ?, ?, ?, ?)",
                         [(pair, mean, sd, n, at) for pair, (mean, sd, n) in models.items()])


def length_models(store: Store) -> dict[str, tuple[float, float, int, str]]:
    """The stored length models: pair → mean, sd, pairs, when learned."""
    return {r["pair"]: (float(r["mean"]), float(r["sd"]), int(r["pairs"]), r["updated"])
            for r in store.query("SELECT * FROM length_models ORDER BY pair")}
