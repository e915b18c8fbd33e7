"""Where each user of `serve --auth` logged in (table `known_logins`, migration `012_known_logins`): the login limits
(`app/auth.py`) never hold a user back at such an address, and a restart must not forget them."""

from __future__ import annotations

from .database import Store

KEEP = 32  # addresses kept per user, the newest


def known_logins(store: Store, since: float) -> dict[str, dict[str, float]]:
    """user → address → time of the last login there, for logins after `since` (seconds since the epoch)."""
    known: dict[str, dict[str, float]] = {}
    for row in store.query("SELECT user, address, last_login FROM known_logins WHERE last_login >= ?", (since,)):
        known.setdefault(str(row["user"]), {})[str(row["address"])] = float(row["last_login"])
    return known


def remember_login(store: Store, user: str, address: str, when: float) -> None:
    """Record a login of `user` from `address` at `when`, keeping the user's newest `KEEP` addresses."""
    with store.transaction() as conn:
        conn.execute("INSERT INTO known_logins (user, address, last_login) VALUES (?, ?, ?) ON CONFLICT (user, address)"
                     " DO UPDATE SET last_login = excluded.last_login", (user[:200], address[:100], when))
        conn.execute("DELETE FROM known_logins WHERE user = ? AND address NOT IN (SELECT address FROM known_logins "
                     "WHERE user = ? ORDER BY last_login DESC LIMIT ?)", (user[:200], user[:200], KEEP))
