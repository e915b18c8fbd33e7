"""The store: the SQLite database (articles, segments, machine outputs, append-only revisions, status),
its named migrations, and importing files into it."""

from .database import PERSON_ORIGINS, UNSEEN, MachineOutputRecord, Store

__all__ = ["PERSON_ORIGINS", "UNSEEN", "MachineOutputRecord", "Store"]
