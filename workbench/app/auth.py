"""Logins for `serve --auth`: USER:PASSWORD pairs checked in constant time, with failed attempts limited so that
guessing is slow and no stranger can keep a real user out.

The client address comes from `guard.CLIENT_ADDRESS` (set by the server's middleware for each request; Gradio
gives the `auth` callable only the user name and password). Limits, all within `WINDOW` seconds:

* per address: `ADDRESS_FAILURES` failures under any names, known or not, and that address waits `LOCKOUT` s;
* per address and existing user: `PAIR_FAILURES` failures for one user from one address, and that pair waits;
* per existing user: once a user has `USER_FAILURES` failures from anywhere, an address that failed for that user
  less than `USER_INTERVAL` s ago waits for that long before its next try for the user (slowed, never locked).

A name that is not a user counts only against the address. An address with no recent failures is never held back
by what other addresses did, so the right password from a clean address always gets in. Refused attempts are not
checked and not counted.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbenchError
from ..logs import get as get_logger
from .guard import CLIENT_ADDRESS

ADDRESS_FAILURES = 10
PAIR_FAILURES = 5
USER_FAILURES = 5
USER_INTERVAL = 10.0
WINDOW = 300.0
LOCKOUT = 300.0
PRUNE_EVERY = 60.0

log = get_logger("auth")


def read_auth(auth: str | None, auth_file: str | None) -> list[tuple[str, str]] | None:
    """USER:PASSWORD pairs from --auth and from --auth-file (one pair per line, # comments); an empty or blank
    password is refused."""
    lines = [auth] if auth is not None else []
    if auth_file:
        try:
            lines += [ln.strip() for ln in Path(auth_file).read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkbenchError(f"{auth_file}: cannot read the login file ({exc})") from exc
    pairs = []
    for line in lines:
        if auth_file and (not line or line.startswith("#")):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip():
            raise WorkbenchError("auth entries must look like USER:PASSWORD")
        if not password.strip():
            raise WorkbenchError(f"the password for {user!r} is empty or blank; choose a real one")
        pairs.append((user, password))
    return pairs or None


@dataclass
class _Track:
    """Recent failure times of one address, one (address, user) pair or one user, and a lock's end."""

    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0

    def recent(self, now: float) -> int:
        while self.failures and now - self.failures[0] > WINDOW:
            self.failures.popleft()
        return len(self.failures)

    def stale(self, now: float) -> bool:
        return now >= self.locked_until and not self.recent(now)


class RateLimitedLogin:
    """A Gradio `auth` callable: right pairs pass unless this address (or this address for this user) failed too
    often just before; see the module's description for the limits."""

    def __init__(self, pairs: list[tuple[str, str]], clock: Callable[[], float] = time.monotonic):
        self.pairs = {user: password for user, password in pairs}
        self.clock = clock
        self._addresses: dict[str, _Track] = {}
        self._pairs: dict[tuple[str, str], _Track] = {}
        self._users: dict[str, _Track] = {}
        self._pruned = clock()
        self._dummy = secrets.token_bytes(16)
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str, address: str | None = None) -> bool:
        address = CLIENT_ADDRESS.get() if address is None else address
        now = self.clock()
        with self._lock:
            self._prune(now)
            known = username in self.pairs
            if self._held(address, username, known, now):
                return False
            expected = self.pairs[username].encode() if known else self._dummy
            if hmac.compare_digest(expected, password.encode()) and known:
                self._pairs.pop((address, username), None)
                return True
            self._fail(address, username, known, now)
            return False

    def _held(self, address: str, username: str, known: bool, now: float) -> bool:
        """Whether this attempt waits (refused unchecked) because of earlier failures."""
        source = self._addresses.get(address)
        if source is not None and now < source.locked_until:
            return True
        pair = self._pairs.get((address, username)) if known else None
        if pair is None:
            return False
        if now < pair.locked_until:
            return True
        user = self._users.get(username)
        under_attack = user is not None and user.recent(now) >= USER_FAILURES
        return under_attack and pair.recent(now) > 0 and now - pair.failures[-1] < USER_INTERVAL

    def _fail(self, address: str, username: str, known: bool, now: float) -> None:
        self._count(self._addresses.setdefault(address, _Track()), now, ADDRESS_FAILURES, f"address {address}")
        if known:
            self._count(self._pairs.setdefault((address, username), _Track()), now, PAIR_FAILURES,
                        f"user {username!r} from {address}")
            self._users.setdefault(username, _Track()).failures.append(now)

    @staticmethod
    def _count(track: _Track, now: float, limit: int, what: str) -> None:
        track.failures.append(now)
        if track.recent(now) >= limit:
            track.locked_until = now + LOCKOUT
            track.failures.clear()
            log.warning("login: %s waits %.0f s after %d failed attempts", what, LOCKOUT, limit)

    def _prune(self, now: float) -> None:
        """Forget addresses, pairs and users with no recent failure and no lock (memory stays bounded)."""
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        self._addresses = {k: t for k, t in self._addresses.items() if not t.stale(now)}
        self._pairs = {k: t for k, t in self._pairs.items() if not t.stale(now)}
        self._users = {k: t for k, t in self._users.items() if not t.stale(now)}
