"""Logins for `serve --auth`: USER:PASSWORD pairs checked in constant time, with failed attempts limited so that
guessing stays slow from any number of addresses and no stranger, from any number of addresses, can keep a user
out of an address she logs in from.

The client address comes from `guard.CLIENT_ADDRESS` (set by the server's middleware for each request; Gradio
gives the `auth` callable only the user name and password, so there is no cookie to tell a device by). An address
where a user logged in within `KNOWN_FOR` is *known* for that user (the last `KNOWN_ADDRESSES` of them, kept in
the store when the server has one, so a restart forgets none). Limits:

* per address: `ADDRESS_FAILURES` attempts that failed or were held within `WINDOW` s, under any names, and that
  address waits `LOCKOUT` s for every user it is not known for (a stranger behind a newsroom's NAT never locks
  out who logs in there, and hammering on while held only keeps the address waiting);
* per user and address not known for that user: after `USER_FAILURES` failures within the hour, each further try
  from that address waits a growing delay after its last failure (1 s, 2 s, 4 s … at most `MAX_DELAY`); one
  address guessing slows only itself;
* per user, from anywhere: at `HOURLY_CAP` failures within the hour one WARNING line is logged, and until the
  count falls below it the addresses not known for the user share one checked try per `CAP_INTERVAL` s for that
  user (a botnet with a fresh address per guess gets at most that many guesses; the user at a new address is
  slowed, not refused for good), and a known address waits `CAP_INTERVAL` s after a failure there.

A name that is not a user counts only against the address.
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
from ..store import Store
from .guard import CLIENT_ADDRESS

ADDRESS_FAILURES = 10
WINDOW = 300.0
LOCKOUT = 300.0
USER_FAILURES = 5
MAX_DELAY = 60.0
HOURLY_CAP = 50
CAP_INTERVAL = 10.0
HOUR = 3600.0
KNOWN_FOR = 30 * 86400.0
KNOWN_ADDRESSES = 32
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
    """Recent failure times of one address, and the end of its lock."""

    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0

    def recent(self, now: float, window: float = WINDOW) -> int:
        while self.failures and now - self.failures[0] > window:
            self.failures.popleft()
        return len(self.failures)

    def stale(self, now: float) -> bool:
        return now >= self.locked_until and not self.recent(now)


@dataclass
class _User:
    """One user's failures in the last hour (all, and from addresses not known for the user, in all and per
    address), the addresses known for the user (→ last success) with each one's last failure, the last checked
    try from an unknown address while at the cap, and whether the hourly cap was reported."""

    failures: _Track = field(default_factory=_Track)
    strangers: _Track = field(default_factory=_Track)
    by_address: dict[str, _Track] = field(default_factory=dict)
    known: dict[str, float] = field(default_factory=dict)
    known_failed: dict[str, float] = field(default_factory=dict)
    capped_try: float = float("-inf")
    alerted: bool = False

    def is_known(self, address: str, now: float) -> bool:
        return address in self.known and now - self.known[address] < KNOWN_FOR

    def at_cap(self, now: float) -> bool:
        return self.failures.recent(now, HOUR) >= HOURLY_CAP

    def held(self, address: str, now: float) -> bool:
        """Whether a try for this user from `address` waits (refused unchecked)."""
        if self.is_known(address, now):
            last = self.known_failed.get(address)
            return last is not None and self.at_cap(now) and now - last < CAP_INTERVAL
        mine = self.by_address.get(address)
        over = (mine.recent(now, HOUR) if mine else 0) - USER_FAILURES
        if mine and over >= 0 and now - mine.failures[-1] < min(2.0 ** over, MAX_DELAY):
            return True
        if self.at_cap(now):
            if now - self.capped_try < CAP_INTERVAL:
                return True
            self.capped_try = now  # this try is checked: the next unknown address waits its turn
        return False

    def succeeded(self, address: str, now: float) -> None:
        self.known.pop(address, None)
        self.known[address] = now  # newest last
        while len(self.known) > KNOWN_ADDRESSES:
            self.known.pop(next(iter(self.known)))
        self.known_failed.pop(address, None)
        self.by_address.pop(address, None)

    def failed(self, name: str, address: str, now: float) -> None:
        self.failures.failures.append(now)
        if self.is_known(address, now):
            self.known_failed[address] = now
        else:
            self.strangers.failures.append(now)
            self.by_address.setdefault(address, _Track()).failures.append(now)
        if not self.at_cap(now):
            self.alerted = False
        elif not self.alerted:
            self.alerted = True
            log.warning("login: user %r had %d failed attempts within the hour (the last from %s); until they fall "
                        "below that, addresses %r never logged in from share one try every %.0f s, and one where it "
                        "did waits that long after a failure there", name, HOURLY_CAP, address, name, CAP_INTERVAL)

    def prune(self, now: float) -> None:
        self.failures.recent(now, HOUR)
        self.strangers.recent(now, HOUR)
        self.by_address = {a: t for a, t in self.by_address.items() if t.recent(now, HOUR)}
        self.known = {a: t for a, t in self.known.items() if now - t < KNOWN_FOR}
        self.known_failed = {a: t for a, t in self.known_failed.items() if a in self.known and now - t < HOUR}


class RateLimitedLogin:
    """A Gradio `auth` callable: right pairs pass unless held by the limits in the module's description. `known`
    (user → address → time of the last login there) and `remember` keep the known addresses across restarts."""

    def __init__(self, pairs: list[tuple[str, str]], clock: Callable[[], float] = time.time,
                 known: dict[str, dict[str, float]] | None = None,
                 remember: Callable[[str, str, float], None] | None = None):
        self.pairs = {user: password for user, password in pairs}
        self.clock = clock
        self.remember = remember
        self._addresses: dict[str, _Track] = {}
        self._users = {user: _User() for user in self.pairs}
        for user, addresses in (known or {}).items():
            if user in self._users:
                for address, when in sorted(addresses.items(), key=lambda item: item[1]):
                    self._users[user].succeeded(address, when)
        self._pruned = clock()
        self._dummy = secrets.token_bytes(16)
        self._lock = threading.Lock()

    @classmethod
    def remembering(cls, pairs: list[tuple[str, str]], store: Store) -> RateLimitedLogin:
        """A limiter whose known addresses live in `store` (read now, written at each login)."""
        from ..store.logins import known_logins, remember_login

        return cls(pairs, known=known_logins(store, time.time() - KNOWN_FOR),
                   remember=lambda user, address, when: remember_login(store, user, address, when))

    def __call__(self, username: str, password: str, address: str | None = None) -> bool:
        address = CLIENT_ADDRESS.get() if address is None else address
        now = self.clock()
        with self._lock:
            self._prune(now)
            user = self._users.get(username)
            if self._held(address, user, now):
                if user is None or not user.is_known(address, now):
                    self._count(address, now)  # hammering on while held keeps the address waiting
                return False
            expected = self.pairs[username].encode() if user else self._dummy
            if hmac.compare_digest(expected, password.encode("utf-8", "surrogatepass")) and user:
                user.succeeded(address, now)
                remember = self.remember
            else:
                self._count(address, now)
                if user:
                    user.failed(username, address, now)
                return False
        if remember is not None:
            try:
                remember(username, address, now)
            except WorkbenchError as exc:  # a full disk: the login stands, the address is known until a restart
                log.warning("login: could not remember %s for %r (%s)", address, username, exc)
        return True

    def _held(self, address: str, user: _User | None, now: float) -> bool:
        """Whether this attempt waits (refused unchecked) because of earlier failures."""
        if user is not None and user.is_known(address, now):
            return user.held(address, now)  # the address's own lock does not apply where the user logs in
        source = self._addresses.get(address)
        if source is not None and now < source.locked_until:
            return True
        return user is not None and user.held(address, now)

    def _count(self, address: str, now: float) -> None:
        track = self._addresses.setdefault(address, _Track())
        if now < track.locked_until:
            return  # a user's failure from where they log in, while the address waits for everyone else
        track.failures.append(now)
        if track.recent(now) >= ADDRESS_FAILURES:
            track.locked_until = now + LOCKOUT
            track.failures.clear()
            log.warning("login: address %s waits %.0f s after %d failed attempts (except for users who logged in "
                        "from it before)", address, LOCKOUT, ADDRESS_FAILURES)

    def _prune(self, now: float) -> None:
        """Forget addresses with no recent failure and no lock, and old failures and known addresses (memory stays
        bounded: one entry per configured user, at most KNOWN_ADDRESSES addresses each)."""
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        self._addresses = {k: t for k, t in self._addresses.items() if not t.stale(now)}
        for user in self._users.values():
            user.prune(now)
