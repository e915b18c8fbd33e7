"""Logins for `serve --auth`: USER:PASSWORD pairs checked in constant time, with failed attempts rate-limited.

Gradio's login form gives the checker the user name and password only (not the client's address), so attempts
are limited per user name, and in total: after `MAX_FAILURES` failures for a name within `WINDOW` seconds (or
`MAX_TOTAL_FAILURES` for all names), every attempt for it (or for all) is refused for `LOCKOUT` seconds, the right
password included. 200 guesses then take hours instead of a fraction of a second.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ..errors import WorkbenchError

MAX_FAILURES = 5
MAX_TOTAL_FAILURES = 20
WINDOW = 300.0
LOCKOUT = 60.0


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


class RateLimitedLogin:
    """A Gradio `auth` callable: right pairs pass, unless too many wrong attempts came just before."""

    def __init__(self, pairs: list[tuple[str, str]], clock: Callable[[], float] = time.monotonic):
        self.pairs = {user: password for user, password in pairs}
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        now = self.clock()
        with self._lock:
            if now < max(self._locked_until.get(username, 0.0), self._locked_until.get("*", 0.0)):
                return False
            expected = self.pairs.get(username)
            ok = expected is not None and hmac.compare_digest(expected.encode(), password.encode())
            if ok:
                self._failures.pop(username, None)
                return True
            self._fail(username, now)
            return False

    def _fail(self, username: str, now: float) -> None:
        for key, bucket, limit in ((username, self._failures.setdefault(username, deque()), MAX_FAILURES),
                                   ("*", self._all, MAX_TOTAL_FAILURES)):
            bucket.append(now)
            while bucket and now - bucket[0] > WINDOW:
                bucket.popleft()
            if len(bucket) >= limit:
                self._locked_until[key] = now + LOCKOUT
                bucket.clear()
