"""The store's outbox (tables of migration 009_outbox): the webhook's deliveries, each written in the same
transaction as the change that causes it (an approval, a publication, an arrival), and the arrivals that wait for
`watch` to pre-translate them. A kill never loses either: what a killed process left is still here for the next.

An event is recorded while the data home's config.toml names a webhook with a secret (as before, nothing is kept
for a webhook that is not configured). Its body (`{"event", "delivery", "at", ...payload}`) and delivery id are
fixed when it is recorded, so every try sends the same bytes under the same id. A sender claims a due delivery
with one UPDATE that counts the attempt and sets a lease (its owner and an expiry): of two processes sending, one
gets each row, and the row of a sender that was killed is taken again when its lease runs out. A receiver may
therefore see a delivery twice (a kill after its POST, before it was marked), never lose one.

The folder outbox of earlier versions (`DATA_HOME/outbox/*.json`) is read once, when this migration is applied:
only regular files of the shape the workbench wrote, never a link or a device, each read with a size cap.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import logs
from ..clock import now
from ..errors import WorkbenchError
from ..settings import Home, load_config
from . import migrations
from .database import Store

EVENTS = ("arrived", "approved", "reopened", "published")  # reopened: a changed source took an approval back
MAX_BODY = 1_000_000  # bytes: an old outbox file bigger than any body the workbench writes is not one of ours
MAX_OLD_FILES = 10_000  # old outbox files moved into the table at most
KEEP_DONE_DAYS = 30  # delivered and given-up rows are forgotten after this
_OLD_NAME = re.compile(r"([0-9a-f]{32})\.([0-9]{1,10})\.json")
log = logs.get("newsroom.webhook")


@dataclass(frozen=True)
class Delivery:
    """A delivery claimed for one try."""

    row: int
    id: str  # the delivery id (X-Workbench-Delivery)
    event: str
    body: bytes
    attempts: int  # tries so far, this one included


def body_of(event: str, payload: dict[str, Any], delivery: str) -> bytes:
    """The JSON body of one notification."""
    record = {**payload, "event": event, "delivery": delivery, "at": now()}
    return json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")


def home_of(store: Store) -> Home | None:
    """The data home of a store file (None: an in-memory store)."""
    return None if store.path == ":memory:" else Home(Path(store.path).parent)


def wanted(store: Store) -> bool:
    """Whether events are kept: the data home names a webhook with a secret (a config that cannot be read keeps
    them, so a later fix still sends them)."""
    home = home_of(store)
    if home is None:
        return False
    try:
        table = load_config(home).get("webhook", {})
    except WorkbenchError:
        return True
    return bool(table.get("url")) and bool(table.get("secret"))


def record_event(store: Store, event: str, payload: dict[str, Any]) -> str | None:
    """Record a webhook event in the outbox, inside the caller's transaction when one is open (all or nothing
    with the change that causes it); its delivery id, or None when no webhook is configured."""
    if event not in EVENTS:
        raise WorkbenchError(f"unknown webhook event {event!r}")
    if not wanted(store):
        return None
    delivery = uuid.uuid4().hex
    with store.transaction() as conn:
        conn.execute("INSERT INTO outbox (delivery, event, body, created, due) VALUES (?, ?, ?, ?, ?)",
                     (delivery, event, body_of(event, payload, delivery).decode("utf-8"), now(), time.time()))
    return delivery


def claim(store: Store, owner: str, lease: float) -> Delivery | None:
    """The next due delivery, claimed for `lease` seconds with its attempt counted (one UPDATE: two processes
    never claim the same row while its lease runs); None when none is due."""
    stamp = time.time()
    with store.transaction() as conn:
        row = conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, lease_owner = ?, lease_until = ? WHERE id = ("
            " SELECT id FROM outbox WHERE state = 'pending' AND due <= ? AND (lease_until IS NULL OR lease_until <= ?)"
            " ORDER BY due, id LIMIT 1) RETURNING id, delivery, event, body, attempts",
            (owner, stamp + lease, stamp, stamp)).fetchone()
    if row is None:
        return None
    return Delivery(row["id"], row["delivery"], row["event"], row["body"].encode("utf-8"), row["attempts"])


def finish(store: Store, delivery: Delivery, state: str, error: str | None = None) -> None:
    """A delivery made (`delivered`) or given up (`given_up`, with the reason)."""
    with store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = ?, error = ?, done = ?, lease_owner = NULL, lease_until = NULL"
                     " WHERE id = ? AND state = 'pending'", (state, _short(error), now(), delivery.row))


def retry_at(store: Store, delivery: Delivery, owner: str, due: float, error: str) -> None:
    """A failed try: the delivery waits until `due` (epoch seconds) for its next one, its lease given back."""
    with store.transaction() as conn:
        conn.execute("UPDATE outbox SET due = ?, error = ?, lease_owner = NULL, lease_until = NULL"
                     " WHERE id = ? AND lease_owner = ? AND state = 'pending'", (due, _short(error), delivery.row, owner))


def pending(store: Store) -> int:
    """Deliveries not yet made nor given up."""
    return int(store.query("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][0])


def next_due(store: Store) -> float | None:
    """When the next pending delivery may be tried (epoch seconds; a claimed one when its lease runs out)."""
    row = store.query("SELECT MIN(max(due, coalesce(lease_until, 0))) FROM outbox WHERE state = 'pending'")[0][0]
    return None if row is None else float(row)


def deliveries(store: Store) -> list[dict[str, Any]]:
    """Every delivery kept (id order): delivery, event, state, attempts, error, created, done."""
    return [dict(r) for r in store.query(
        "SELECT delivery, event, state, attempts, error, created, done FROM outbox ORDER BY id")]


def prune(store: Store, days: float = KEEP_DONE_DAYS) -> int:
    """Forget deliveries made or given up more than `days` ago; how many."""
    from datetime import UTC, datetime, timedelta

    cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    with store.transaction() as conn:
        return conn.execute("DELETE FROM outbox WHERE state != 'pending' AND done < ?", (cutoff,)).rowcount


# --------------------------------------------------------------------------- arrivals waiting for pre-translation
def await_translation(store: Store, article_id: str) -> None:
    """An article that arrived (or changed) and waits for `watch` to pre-translate it (inside the caller's
    transaction when one is open)."""
    with store.transaction() as conn:
        conn.execute("INSERT INTO awaiting_translation (article_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     (article_id, now()))


def awaiting_translation(store: Store) -> list[str]:
    """The articles waiting for pre-translation, oldest first."""
    return [r["article_id"] for r in store.query("SELECT article_id FROM awaiting_translation ORDER BY since, article_id")]


def translated(store: Store, article_ids: list[str]) -> None:
    """These articles were pre-translated (their outputs are stored): they wait no more."""
    with store.transaction() as conn:
        conn.executemany("DELETE FROM awaiting_translation WHERE article_id = ?", [(a,) for a in article_ids])


# --------------------------------------------------------------------------- the folder outbox of earlier versions
def move_old_outbox(store: Store) -> int:
    """Move the deliveries an earlier version left in `DATA_HOME/outbox/` into the table (called once, when the
    table is made); how many. Only regular files named as the workbench named them, at most MAX_BODY bytes, holding
    a delivery of a known event whose body names the same delivery; a link, a device, a pipe or anything else is
    left alone and never opened. Never raises."""
    home = home_of(store)
    if home is None:
        return 0
    folder = home.path / "outbox"
    try:
        if not stat.S_ISDIR(folder.lstat().st_mode):
            return 0
        names = sorted(os.listdir(folder))[:MAX_OLD_FILES]
    except OSError:
        return 0
    moved = 0
    for name in names:
        found = _OLD_NAME.fullmatch(name)
        if not found:
            continue
        try:
            record = _read_old(folder / name, found.group(1))
        except (OSError, ValueError, TypeError, KeyError, OverflowError) as exc:
            log.error("webhook outbox: %s is not a delivery (%s); left alone", name, type(exc).__name__)
            continue
        if record is None:
            continue
        event, body, attempts = record
        with store.transaction() as conn:
            moved += conn.execute(
                "INSERT INTO outbox (delivery, event, body, created, attempts, due) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (delivery) DO NOTHING", (found.group(1), event, body, now(), attempts, 0.0)).rowcount
    if moved:
        log.info("webhook outbox: %d waiting notification(s) moved from %s into the store; the folder is no longer "
                 "read", moved, folder)
    return moved


def _read_old(path: Path, delivery: str) -> tuple[str, str, int] | None:
    """(event, body, attempts made) of an old outbox file, or None when it is not a regular file of ours."""
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BODY:
        log.error("webhook outbox: %s is not a delivery file (a link, a folder, a device or too big); left alone",
                  path.name)
        return None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        record = json.loads(fh.read(MAX_BODY + 1).decode("utf-8"))
    if not isinstance(record, dict) or not isinstance(record.get("body"), str) or record.get("id") != delivery:
        raise ValueError("not an outbox record")
    event, attempt = record.get("event"), record.get("attempt")
    if event not in EVENTS or not isinstance(attempt, int) or isinstance(attempt, bool) or not 1 <= attempt <= 100:
        raise ValueError("an unknown event or attempt count")
    body = json.loads(record["body"])
    if not isinstance(body, dict) or body.get("event") != event or body.get("delivery") != delivery:
        raise ValueError("a body that is not this delivery's")
    return str(event), record["body"], attempt - 1


def _short(text: str | None, limit: int = 500) -> str | None:
    return None if text is None else str(text)[:limit]


migrations.AFTER["009_outbox"] = move_old_outbox  # the deliveries an earlier version kept in outbox/, moved in once
