"""Notifications: a small JSON body POSTed to the webhook in config.toml when an article arrives, when a
language is approved or reopened (its source changed) and when a page is published, signed with the shared secret.

The body is `{"event", "delivery", "at", ...payload}` (UTF-8 JSON); the header `X-Workbench-Signature` is
`sha256=` and the hex HMAC-SHA256 of the exact body bytes under the secret (check it with `verify`), and
`X-Workbench-Event` / `X-Workbench-Delivery` repeat the event and the delivery's id (a receiver can drop a
delivery it has seen). A delivery that fails (no answer, a 5xx, 408 or 429) is tried again after `backoff`
seconds, doubling each time, up to `attempts` in all; each failure and a give-up are logged. Deliveries run in one
background thread per process: `notify` never blocks and never raises, so the review is never held up; a command
that ends calls `flush` to give the last deliveries their time.

A queued delivery is also a file in the data home's outbox (`DATA_HOME/outbox/DELIVERY.PID.json`, written
atomically before it is queued, removed once delivered or given up), so a process killed with deliveries still
waiting loses none: the next process on that data home that notifies, serves or watches (`recover`) takes over the
files of processes that are gone (renaming one to its own pid, so two processes never both take it) and delivers
them with their own delivery ids, their attempts counted on. A receiver can therefore see a delivery twice (a kill
after its POST and before the file's removal), never lose one: drop repeats by `X-Workbench-Delivery`.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import os
import stat
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import logs
from ..clock import now
from ..errors import WorkbenchError

try:
    import fcntl
except ImportError:  # not on Unix: an outbox file's owner is told by its pid alone
    fcntl = None  # type: ignore[assignment]
from ..settings import WebhookSettings, newsroom_settings, webhook_settings

EVENTS = ("arrived", "approved", "reopened", "published")  # reopened: a changed source took an approval back
SIGNATURE = "X-Workbench-Signature"
EVENT = "X-Workbench-Event"
DELIVERY = "X-Workbench-Delivery"
RETRIED = frozenset({408, 429})
MAX_PENDING = 10_000  # deliveries waiting in one process; past it a new one is logged and dropped
log = logs.get("newsroom.webhook")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """Whether `signature` (the header's value) is the body's under `secret` (compared in constant time)."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def body_of(event: str, payload: dict[str, Any], delivery: str) -> bytes:
    """The JSON body of one notification."""
    record = {**payload, "event": event, "delivery": delivery, "at": now()}
    return json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")


OUTBOX = "outbox"
MAX_OUTBOX_FILE = 1_000_000  # bytes: a file bigger than any body the workbench writes is not ours; left alone


@dataclass
class _Delivery:
    event: str
    body: bytes
    id: str
    attempt: int = 1
    file: Path | None = None  # its outbox file (None: not kept, e.g. the outbox could not be written)

    def keep(self) -> None:
        """Write (or rewrite, with the attempt count) the delivery's outbox file; a failure is logged, not raised
        (the notification is still sent; a file left from before is removed once it is done)."""
        if self.file is None:
            return
        from ..files import atomic_write

        record = {"event": self.event, "id": self.id, "attempt": self.attempt, "body": self.body.decode("utf-8")}
        try:
            _hold_owner_lock(self.file.parent)
            atomic_write(self.file, json.dumps(record, ensure_ascii=False).encode("utf-8"))
            with _lock:
                _mine.add(self.id)
        except (OSError, WorkbenchError) as exc:
            log.error("webhook: could not keep the %s notification in the outbox (%s); a kill now would lose it",
                      self.event, exc)

    def done(self) -> None:
        with _lock:
            _mine.discard(self.id)
        if self.file is None:
            return
        try:
            self.file.unlink(missing_ok=True)
        except OSError as exc:
            log.error("webhook: could not remove %s from the outbox (%s); it may be delivered again", self.file.name,
                      exc)


class Sender:
    """The deliveries to one webhook, made in a background thread, retried with backoff."""

    def __init__(self, settings: WebhookSettings, user_agent: str):
        self.settings = settings
        self.user_agent = user_agent
        self._due: list[tuple[float, int, _Delivery]] = []
        self._order = itertools.count()
        self._pending = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.delivered = 0
        self.given_up = 0

    def submit(self, delivery: _Delivery) -> bool:
        with self._cond:
            if self._pending >= MAX_PENDING:
                log.error("webhook %s: %d deliveries waiting; dropped the %s notification", self.settings.url,
                          self._pending, delivery.event)
                delivery.done()
                return False
            self._pending += 1
            heapq.heappush(self._due, (time.monotonic(), next(self._order), delivery))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="workbench-webhook", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        return True

    def flush(self, timeout: float) -> bool:
        """Wait until every delivery was made or given up, at most `timeout` seconds; whether none is left."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            return self._pending == 0

    @property
    def pending(self) -> int:
        return self._pending

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._due:
                    self._cond.wait()
                due, _, delivery = self._due[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._due)
            done = self._attempt(delivery)
            again = not done and delivery.attempt < self.settings.attempts
            if again:
                delivery.attempt += 1
                delivery.keep()  # the attempts so far, for a process that takes it over
            else:
                if not done:
                    log.error("webhook %s: gave up the %s notification after %d attempts", self.settings.url,
                              delivery.event, delivery.attempt)
                delivery.done()
            with self._cond:
                if again:
                    later = self.settings.backoff * 2 ** (delivery.attempt - 2)
                    heapq.heappush(self._due, (time.monotonic() + later, next(self._order), delivery))
                else:
                    self.given_up += not done
                    self._pending -= 1
                    self._cond.notify_all()

    def _attempt(self, delivery: _Delivery) -> bool:
        """One try; True when it is done (delivered, or refused in a way a retry will not change)."""
        from .fetch import FetchError, post

        headers = {"Content-Type": "application/json; charset=utf-8", EVENT: delivery.event,
                   DELIVERY: delivery.id, SIGNATURE: sign(self.settings.secret, delivery.body)}
        try:
            status = post(self.settings.url, delivery.body, headers, timeout=self.settings.timeout,
                          user_agent=self.user_agent)
        except FetchError as exc:
            log.warning("webhook %s: the %s notification failed (attempt %d): %s", self.settings.url, delivery.event,
                        delivery.attempt, exc.reason)
            return False
        except Exception:  # a bug must not kill the thread that makes every later delivery
            log.exception("webhook %s: the %s notification failed", self.settings.url, delivery.event)
            return False
        if 200 <= status < 300:
            self.delivered += 1
            log.info("webhook %s: %s delivered (attempt %d)", self.settings.url, delivery.event, delivery.attempt)
            return True
        retry = status >= 500 or status in RETRIED
        log.warning("webhook %s: the %s notification got HTTP %d (attempt %d)%s", self.settings.url, delivery.event,
                    status, delivery.attempt, "" if retry else "; not retried")
        if not retry:
            self.given_up += 1
        return not retry


_senders: dict[tuple[str, str], Sender] = {}
_lock = threading.Lock()


def sender(settings: WebhookSettings, user_agent: str) -> Sender:
    """This process's sender for the webhook (one per URL and secret)."""
    with _lock:
        key = (settings.url, settings.secret)
        if key not in _senders or _senders[key].settings != settings:
            _senders[key] = Sender(settings, user_agent)
        return _senders[key]


def notify(home: str | os.PathLike[str], event: str, payload: dict[str, Any]) -> bool:
    """Queue a notification to the data home's webhook (kept in its outbox first); False when none is configured or
    it could not be queued. Never raises, never waits for the network."""
    try:
        settings = webhook_settings(home)
        if settings is None:
            return False
        logs.attach(home)
        recover(home)
        delivery = _Delivery(event, b"", uuid.uuid4().hex)
        delivery.body = body_of(event, payload, delivery.id)
        delivery.file = outbox_dir(home) / f"{delivery.id}.{os.getpid()}.json"
        delivery.keep()
        return sender(settings, newsroom_settings(home).user_agent).submit(delivery)
    except Exception:
        log.exception("the %s notification could not be queued", event)
        return False


def outbox_dir(home: str | os.PathLike[str]) -> Path:
    from ..settings import home_dir

    return Path(home_dir(home)) / OUTBOX


_recovered: set[str] = set()


def recover(home: str | os.PathLike[str]) -> int:
    """Take over the outbox files of processes that are gone and queue them again (once per data home and
    process); how many were taken. Never raises."""
    key = str(outbox_dir(home))
    with _lock:
        if key in _recovered:
            return 0
        _recovered.add(key)
    try:
        settings = webhook_settings(home)
        folder = outbox_dir(home)
        if settings is None or not folder.is_dir():
            return 0
        logs.attach(home)
        taken = 0
        for path in sorted(folder.glob("*.json")):
            try:
                delivery = _take(path, settings.attempts)
            except Exception:  # one odd file never stops the others
                log.exception("webhook outbox: %s could not be read", path.name)
                continue
            if delivery is not None:
                taken += sender(settings, newsroom_settings(home).user_agent).submit(delivery)
        if taken:
            log.info("webhook %s: %d notification(s) left by a stopped process queued again", settings.url, taken)
        return taken
    except Exception:
        log.exception("the webhook outbox could not be read")
        return 0


def _take(path: Path, attempts: int) -> _Delivery | None:
    """The delivery in an outbox file whose process is gone (or an earlier process with this pid), renamed to this
    process; None when it is not such a file (a live process's, one another process took first, not one of ours).
    A file that is not a regular one, too big, or not a delivery the workbench wrote is moved aside, never sent."""
    parts = path.name.split(".")
    if len(parts) != 3 or not (parts[1].isascii() and parts[1].isdigit() and len(parts[1]) <= 10):
        return None
    pid = int(parts[1])
    with _lock:
        ours = parts[0] in _mine
    if ours or (pid != os.getpid() and _alive(path.parent, pid)):
        return None
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OUTBOX_FILE:
            log.error("webhook outbox: %s is not a delivery file (a link, a folder, a device or too big); left alone",
                      path.name)
            return None
        mine = path.with_name(f"{parts[0]}.{os.getpid()}.json")
        path.rename(mine)  # atomic: of two processes taking it over, one wins
    except OSError:
        return None
    try:
        fd = os.open(mine, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            record = json.loads(fh.read(MAX_OUTBOX_FILE + 1).decode("utf-8"))
        delivery = _delivery_of(record, parts[0], mine, attempts)
    except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:
        log.error("webhook outbox: %s is not a delivery (%s); moved aside", mine.name, type(exc).__name__)
        try:
            mine.rename(mine.with_suffix(".damaged"))
        except OSError:
            pass
        return None
    with _lock:
        _mine.add(delivery.id)
    return delivery


def _delivery_of(record: Any, name: str, file: Path, attempts: int) -> _Delivery:
    """A delivery from an outbox record, checked to be one the workbench wrote: its body a JSON object naming the
    same event and delivery id (the file's name); ValueError otherwise."""
    if not isinstance(record, dict) or not isinstance(record.get("body"), str) or record.get("id") != name:
        raise ValueError("not an outbox record")
    event, attempt = record.get("event"), record.get("attempt")
    if event not in EVENTS or not isinstance(attempt, int) or isinstance(attempt, bool) or not 1 <= attempt <= attempts:
        raise ValueError("an unknown event or attempt count")
    body = json.loads(record["body"])
    if not isinstance(body, dict) or body.get("event") != event or body.get("delivery") != name:
        raise ValueError("a body that is not this delivery's")
    return _Delivery(str(event), record["body"].encode("utf-8"), name, attempt, file)


# Which process owns an outbox file: its pid in the name, and a lock file `.PID.lock` it holds (flock) while it
# lives; the kernel releases it when the process dies, even by SIGKILL, so a reused pid or another container's
# process is never mistaken for the owner.
_mine: set[str] = set()  # delivery ids this process queued or took over
_owner_locks: dict[str, Any] = {}


def _hold_owner_lock(folder: Path) -> None:
    key = str(folder)
    with _lock:
        if key in _owner_locks:
            return
        folder.mkdir(parents=True, exist_ok=True)
        fh = (folder / f".{os.getpid()}.lock").open("a+b")
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _owner_locks[key] = fh


def _alive(folder: Path, pid: int) -> bool:
    """Whether the process that wrote outbox files under `pid` still runs: it holds `.PID.lock` (without a lock
    file, whether a process of that pid exists)."""
    lock = folder / f".{pid}.lock"
    try:
        if fcntl is None:
            raise FileNotFoundError(lock)
        fd = os.open(lock, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except (PermissionError, OverflowError):
            return True
        return True
    except OSError:
        return True  # cannot tell: leave its files alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return True
    lock.unlink(missing_ok=True)  # its owner is gone
    os.close(fd)
    return False


def notify_store(store_path: str, event: str, payload: dict[str, Any]) -> bool:
    """`notify` for the data home of the store at `store_path` (nothing for an in-memory store)."""
    if store_path == ":memory:":
        return False
    return notify(Path(store_path).parent, event, payload)


def flush(timeout: float = 30.0) -> int:
    """Give every queued delivery up to `timeout` seconds in all; how many are still waiting after it."""
    deadline = time.monotonic() + timeout
    with _lock:
        senders = list(_senders.values())
    for one in senders:
        one.flush(max(0.0, deadline - time.monotonic()))
    return sum(one.pending for one in senders)
