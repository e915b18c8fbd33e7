"""The store: the SQLite database (articles, segments, machine outputs, append-only revisions, status),
its named migrations, and importing files into it."""

from . import outbox  # registers the outbox's one-time move of old files (migrations.AFTER)
from .database import PERSON_ORIGINS, UNSEEN, MachineOutputRecord, Store

__all__ = ["PERSON_ORIGINS", "UNSEEN", "MachineOutputRecord", "Store", "outbox"]
