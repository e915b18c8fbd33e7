"""Notifications: a small JSON body POSTed to the webhook in config.toml when an article arrives, when a
language is approved or reopened (its source changed) and when a page is published, signed with the shared secret.

The body is `{"event", "delivery", "at", ...payload}` (UTF-8 JSON); the header `X-Workbench-Signature` is
`sha256=` and the hex HMAC-SHA256 of the exact body bytes under the secret (check it with `verify`), and
`X-Workbench-Event` / `X-Workbench-Delivery` repeat the event and the delivery's id (a receiver can drop a
delivery it has seen). A delivery that fails (no answer, a 5xx, 408 or 429) is tried again after `backoff`
seconds, doubling each time, up to `attempts` in all; each failure and a give-up are logged.

Each event is a row of the store's outbox (`store.outbox`), written in the same transaction as the change that
causes it, so a kill loses none. The rows are sent from here: by a background loop in `serve` and `watch`
(`start`), and by a command that ends (`flush`: `publish`, `mark`, `import https://…`, `watch --once`), which also
sends what an earlier, killed process left. A receiver can see a delivery twice (a kill after its POST and before
it was marked), never lose one: drop repeats by `X-Workbench-Delivery`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
import uuid

from .. import logs
from ..errors import WorkbenchError
from ..settings import (
    Home,
    WebhookSettings,
    load_config,
    newsroom_settings,
    webhook_settings,
)
from ..store import Store, outbox
from ..store.outbox import EVENTS, body_of

__all__ = ["DELIVERY", "EVENT", "EVENTS", "SIGNATURE", "Loop", "Sender", "body_of", "config_problem", "flush",
           "sign", "start", "verify"]

SIGNATURE = "X-Workbench-Signature"
EVENT = "X-Workbench-Event"
DELIVERY = "X-Workbench-Delivery"
RETRIED = frozenset({408, 429})
POLL_SECONDS = 1.0  # how often the background loop looks for new deliveries
log = logs.get("newsroom.webhook")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """Whether `signature` (the header's value) is the body's under `secret` (compared in constant time)."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def config_problem(home: Home) -> str | None:
    """A one-line warning when config.toml's [webhook] table cannot send anything (a url without a secret); None
    when it is fine or names no webhook."""
    try:
        table = load_config(home).get("webhook", {})
    except WorkbenchError:
        return None  # the command reports a damaged config.toml itself
    if table.get("url") and not table.get("secret"):
        return (f"warning: {home.config_file}: [webhook] url has no secret, so no notification is sent "
                "(set webhook.secret, the shared secret bodies are signed with)")
    return None


def _settings(home: Home) -> WebhookSettings | None:
    try:
        return webhook_settings(home)
    except WorkbenchError as exc:
        log.error("webhook: %s", exc)
        return None


class Sender:
    """Sends the outbox's due deliveries of one store to the webhook, each try claimed under a lease."""

    def __init__(self, store: Store, settings: WebhookSettings, user_agent: str):
        self.store = store
        self.settings = settings
        self.user_agent = user_agent
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.lease = 2 * settings.timeout + 5  # longer than one try can take; then another process may take it
        self.delivered = 0
        self.given_up = 0

    def step(self) -> bool:
        """Claim one due delivery and try it once; False when none is due."""
        delivery = outbox.claim(self.store, self.owner, self.lease)
        if delivery is None:
            return False
        outcome, reason = self._attempt(delivery)
        if outcome == "delivered":
            self.delivered += 1
            outbox.finish(self.store, delivery, "delivered")
        elif outcome == "retry" and delivery.attempts < self.settings.attempts:
            later = self.settings.backoff * 2 ** (delivery.attempts - 1)
            outbox.retry_at(self.store, delivery, self.owner, time.time() + later, reason)
        else:
            if outcome == "retry":
                log.error("webhook %s: gave up the %s notification after %d attempts", self.settings.url,
                          delivery.event, delivery.attempts)
            self.given_up += 1
            outbox.finish(self.store, delivery, "given_up", reason)
        return True

    def _attempt(self, delivery: outbox.Delivery) -> tuple[str, str]:
        """One try: (delivered | retry | refused, the reason of a failure)."""
        from .fetch import FetchError, post

        headers = {"Content-Type": "application/json; charset=utf-8", EVENT: delivery.event,
                   DELIVERY: delivery.id, SIGNATURE: sign(self.settings.secret, delivery.body)}
        try:
            status = post(self.settings.url, delivery.body, headers, timeout=self.settings.timeout,
                          user_agent=self.user_agent)
        except FetchError as exc:
            log.warning("webhook %s: the %s notification failed (attempt %d): %s", self.settings.url, delivery.event,
                        delivery.attempts, exc.reason)
            return "retry", exc.reason
        except Exception as exc:  # a bug must not stop the deliveries after this one
            log.exception("webhook %s: the %s notification failed", self.settings.url, delivery.event)
            return "retry", f"internal error ({type(exc).__name__})"
        if 200 <= status < 300:
            log.info("webhook %s: %s delivered (attempt %d)", self.settings.url, delivery.event, delivery.attempts)
            return "delivered", ""
        retry = status >= 500 or status in RETRIED
        log.warning("webhook %s: the %s notification got HTTP %d (attempt %d)%s", self.settings.url, delivery.event,
                    status, delivery.attempts, "" if retry else "; not retried")
        return ("retry" if retry else "refused"), f"HTTP {status}"


def _sender(store: Store) -> Sender | None:
    home = outbox.home_of(store)
    if home is None or store.read_only:
        return None
    settings = _settings(home)
    if settings is None:
        return None
    logs.attach(home)
    return Sender(store, settings, newsroom_settings(home).user_agent)


def flush(store: Store, timeout: float = 30.0) -> int:
    """Send the store's due deliveries (this command's and any a stopped process left), waiting for retries up
    to `timeout` seconds in all; how many are still waiting after it (0 when no webhook is configured)."""
    sender = _sender(store)
    if sender is None:
        return 0
    deadline = time.monotonic() + timeout
    try:
        while True:
            while time.monotonic() < deadline and sender.step():
                pass
            left = outbox.pending(store)
            wait = deadline - time.monotonic()
            if not left or wait <= 0:
                return left
            due = outbox.next_due(store)
            time.sleep(min(wait, POLL_SECONDS, max(0.01, (due or 0) - time.time())))
    except WorkbenchError as exc:  # the store refused (a full disk, a read-only home): they wait for the next
        log.error("webhook: the outbox could not be sent now: %s", exc)
        return outbox.pending(store)


class Loop:
    """The background loop of `serve` and `watch`: sends the outbox's deliveries as they fall due, through its
    own connection to the store, until `stop`."""

    def __init__(self, home: Home):
        self.home = home
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="workbench-webhook", daemon=True)

    def start(self) -> Loop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            with Store(self.home.database, verify=False) as store:
                if not store.read_only:
                    outbox.prune(store)
                while not self._stop.is_set():
                    due = None
                    try:
                        sender = _sender(store)  # config.toml is read again each round
                        while sender is not None and not self._stop.is_set() and sender.step():
                            pass
                        due = outbox.next_due(store) if sender is not None else None
                    except WorkbenchError as exc:  # the store refused (a full disk): tried again next round
                        log.error("webhook: the outbox could not be sent now: %s", exc)
                    self._stop.wait(POLL_SECONDS if due is None else min(POLL_SECONDS, max(0.01, due - time.time())))
        except Exception:  # logged, never raised into the server
            log.exception("webhook: the delivery loop stopped")


def start(home: Home) -> Loop | None:
    """Start the background delivery loop for the data home (None when it names no webhook)."""
    if _settings(home) is None:
        return None
    return Loop(home).start()
