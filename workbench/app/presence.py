"""Who else has an article open: an in-memory registry in the server process, fed by the page's heartbeat.

Each open page sends a heartbeat about every `HEARTBEAT_S` seconds (and when its open unit changes) naming the
article, the unit being edited (or none) and the language. An entry not renewed within `TTL_S` is gone, so a
closed tab or a dead browser drops out by itself. Nothing is written to the store; a restart forgets everyone
(the pages' next heartbeat brings them back). The registry is bounded: `MAX_TABS` pages per author (a page that
floods it with made-up tab ids only pushes out its own author's stalest tabs), `MAX_CLIENTS` in all (the stalest go).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HEARTBEAT_S = 1.5  # every page learns who else is here within 2 s (issue 29); a beat is one dict update
TTL_S = 5.0  # a closed tab (no more beats) drops out within 5 s
MAX_CLIENTS = 2000
MAX_TABS = 20  # per author: more tabs than a person keeps open


@dataclass
class Seen:
    """One page's last heartbeat."""

    client: str
    article_id: str
    author: str
    unit: str  # a segment id, "summary", or "" (looking, not editing)
    lang: str
    at: float

    def to_dict(self, now: float) -> dict[str, Any]:
        return {"author": self.author, "unit": self.unit or None, "lang": self.lang, "editing": bool(self.unit),
                "seconds_ago": round(max(0.0, now - self.at), 1)}


class Presence:
    """The registry: heartbeat(…) records one page and answers who else is in the same article."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, ttl: float = TTL_S, limit: int = MAX_CLIENTS,
                 tabs: int = MAX_TABS):
        self.clock, self.ttl, self.limit, self.tabs = clock, ttl, limit, tabs
        self._seen: dict[str, Seen] = {}
        self._lock = threading.Lock()

    def heartbeat(self, client: str, article_id: str, author: str, unit: str, lang: str) -> list[dict[str, Any]]:
        """Record that page `client` has `article_id` open (editing `unit` in `lang`, or only looking), and
        return the others in that article now (newest first; the same author in another tab included)."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            self._seen.pop(client, None)
            own = [s for s in self._seen.values() if s.author == author]
            while len(own) >= self.tabs:
                self._seen.pop(own.pop(own.index(min(own, key=lambda s: s.at))).client)
            while len(self._seen) >= self.limit:
                self._seen.pop(min(self._seen.values(), key=lambda s: s.at).client)
            self._seen[client] = Seen(client, article_id, author, unit, lang, now)
            others = [s for s in self._seen.values() if s.article_id == article_id and s.client != client]
        return [s.to_dict(now) for s in sorted(others, key=lambda s: -s.at)]

    def leave(self, client: str) -> None:
        with self._lock:
            self._seen.pop(client, None)

    def _expire(self, now: float) -> None:
        for key in [k for k, s in self._seen.items() if now - s.at > self.ttl]:
            del self._seen[key]

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._seen)


REGISTRY = Presence()  # the server process's
