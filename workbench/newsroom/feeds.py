"""Polling feeds and taking articles from the web: each new item once, its page fetched and extracted, imported
with its feed as source and its URL kept.

A poll of one feed asks with the ETag and Last-Modified of the last answer (a 304 means nothing new), reads the
feed with feedparser (RSS 0.9x/2.0 and Atom; given the bytes only, never a URL or a file name), takes every item
whose GUID (else link) it has not seen (at most MAX_ITEMS a poll: with more, the feed's validators are not kept,
so the next poll reads it whole again and takes the next ones), and then tries again the items whose page failed
before, whether or not the feed changed. An item whose page cannot be fetched or has no article text is reported
and kept for the next poll; the feed's validators are stored only after every item of its answer was recorded.
Article ids are made here from the feed's name and a hash of the item's GUID (`web-HASH` for a URL imported by
hand), never taken from the feed.

Each feed and each item is on its own: whatever goes wrong with one (a network error, a page or a feed that trips
a library, the store refusing) is one problem line in the poll's report and one line in the log, and the rest of
the feed and every other feed are polled. Text from a feed is cleaned before it is kept (no lone surrogates, control
or non-characters), and a character reference to no character (`&#xD800;`, `&#x110000;`) reads as U+FFFD.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import logs
from ..errors import WorkbenchError
from ..ids import make_article_id
from ..review import workflow
from ..settings import Home, newsroom_settings
from ..store import Store
from ..store import feeds as feed_store
from ..store.feeds import Feed, FeedItem
from ..store.importer import Imported
from ..text.cleaning import clean_lines
from ..text.extract import ExtractionFailed, decode_page, extract_article
from ..text.metadata import classify
from ..text.reading import RawArticle
from .fetch import FetchError, FetchFailed, HostLimiter, Policy, check_url, fetch

MAX_ITEMS = 1000  # new items taken from one feed in one poll (the rest on the next polls)
MAX_KEY = 2048
PAGE_TYPES = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
FEED_TYPES = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
NOT_PAGES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip", "application/octet-stream")
log = logs.get("newsroom")


@dataclass(frozen=True)
class Entry:
    """One item of a feed: its key (GUID, else link), its page, its title and date as the feed gives them."""

    key: str
    url: str
    title: str | None
    published: str | None


@dataclass(frozen=True)
class Arrival:
    """An article taken from the web."""

    article_id: str
    url: str
    title: str | None
    feed: str | None
    outcome: str  # new | updated | unchanged | known (the page was imported before)
    segments: int = 0
    reopened: tuple[str, ...] = ()  # approved languages that an updated page sent back to review


@dataclass(frozen=True)
class Failure:
    """A feed or an item that could not be taken now; `state` says what happens next."""

    feed: str | None
    url: str
    reason: str
    state: str  # retry | given_up | feed (the feed itself failed; its retries were still tried)


@dataclass
class PollReport:
    feeds: list[str] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)
    arrived: list[Arrival] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def new_ids(self) -> list[str]:
        """The articles this poll brought in or changed (those to pre-translate)."""
        return [a.article_id for a in self.arrived if a.outcome in ("new", "updated")]

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {"feeds": self.feeds, "not_modified": self.not_modified,
                "arrived": [asdict(a) for a in self.arrived], "failures": [asdict(f) for f in self.failures],
                "new_ids": self.new_ids, "ok": self.ok}


@dataclass
class Context:
    """What one poll or import works with: the store, its data home, the fetch policy and the per-host clock."""

    store: Store
    home: Home
    policy: Policy
    limiter: HostLimiter
    on_arrival: Callable[[Arrival], None] | None = None

    @classmethod
    def of(cls, store: Store, home: Home, policy: Policy | None = None, *, reviewer: bool = False) -> Context:
        """The operator's context (the CLI: `allow_private_feeds` holds), or with `reviewer` the server's, which
        never fetches from a private address whatever the settings say."""
        policy = policy or Policy.from_settings(newsroom_settings(home))
        if reviewer:
            policy = replace(policy, allow_private=False)
        return cls(store, home, policy, HostLimiter(policy.host_interval))

    def for_feed(self, feed: Feed) -> Context:
        """This context for polling `feed`: private addresses allowed when the operator added it so."""
        return replace(self, policy=replace(self.policy, allow_private=True)) if feed.allow_private else self


def digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def item_article_id(feed_name: str, key: str) -> str:
    """The id of the article an item becomes: the feed's name and a hash of the feed and the item's key."""
    return make_article_id(f"{feed_name}-{digest(feed_name, key)}")


def url_article_id(url: str) -> str:
    return make_article_id(f"web-{digest('', url)}")


# --------------------------------------------------------------------------- reading a feed
def parse_feed(body: bytes, url: str, content_type: str = "") -> list[Entry]:
    """The items of an RSS or Atom feed, each key once (FetchFailed when it is neither). Links are resolved
    against the feed's URL and kept only when they are http(s) URLs the fetcher may ask for."""
    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(_valid_references(body)),
                                  response_headers={"content-location": url,
                                                    "content-type": _usable_type(content_type)},
                                  resolve_relative_uris=True, sanitize_html=True)
    except Exception as exc:  # what a hostile feed can make the loose parser raise
        raise FetchFailed(url, f"not a feed that can be read ({type(exc).__name__}: {clean_text(exc, 160)})") from None
    if parsed.get("bozo") and not parsed.get("entries"):
        reason = clean_text(parsed.get("bozo_exception", "not a feed"), 160)
        raise FetchFailed(url, f"not an RSS or Atom feed ({reason})")
    entries: dict[str, Entry] = {}
    for item in parsed.get("entries", []):
        entry = _entry(item)
        if entry is not None and entry.key not in entries:  # a GUID given twice: its first item
            entries[entry.key] = entry
    return list(entries.values())


_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]{1,40})", re.I)


def _usable_type(content_type: str) -> str:
    """The Content-Type feedparser is told: without a charset Python cannot decode with (`undefined`, unknown),
    so the feed's own XML declaration says."""
    found = _CHARSET.search(content_type or "")
    if found:
        try:
            b"<".decode(found.group(1))
        except (LookupError, UnicodeError):
            return content_type.split(";", 1)[0]
    return content_type or "application/xml"


_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,24}));")


def _valid_references(body: bytes) -> bytes:
    """`body` with every numeric character reference to no XML character (a surrogate, a control character, past
    U+10FFFF, twenty digits) made `&#xFFFD;`, so the parser reads the rest of the feed."""

    def one(found: re.Match[bytes]) -> bytes:
        code = int(found.group(1), 16) if found.group(1) else int(found.group(2))
        ok = code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
        return found.group(0) if ok else b"&#xFFFD;"

    return _REFERENCE.sub(one, body)


def clean_text(value: object, limit: int) -> str:
    """Text from a feed as it can be kept and shown: no lone surrogates or non-characters (U+FFFD), no control
    characters (a space), at most `limit` characters."""
    out = []
    for char in str(value)[:limit]:
        kind = unicodedata.category(char)
        if kind == "Cs" or 0xFDD0 <= ord(char) <= 0xFDEF or ord(char) & 0xFFFE == 0xFFFE:
            out.append("\ufffd")
        else:
            out.append(" " if kind == "Cc" else char)
    return "".join(out)


def _entry(item: Any) -> Entry | None:
    link = item.get("link") or ""
    try:
        link = check_url(link)
    except FetchError:
        return None
    key = clean_text(item.get("id") or link, MAX_KEY)
    stamp = item.get("published_parsed") or item.get("updated_parsed")
    try:
        published = time.strftime("%Y-%m-%d", stamp) if stamp else None
    except (TypeError, ValueError, OverflowError):
        published = None
    title = " ".join(clean_text(item.get("title") or "", 2000).split())[:500] or None
    return Entry(key, link, title, published)


# --------------------------------------------------------------------------- taking one article
def _raw(article_id: str, text: str, url: str, title: str | None, date: str | None, source: str | None
         ) -> RawArticle:
    """The article as the importer reads it: the feed's name as its source only when the text names none."""
    fields: dict[str, str] = {"url": url}
    if title:
        fields["title"] = title
    if date:
        fields["date"] = date
    if source and classify(clean_lines(text)).source is None:
        fields["source"] = source
    return RawArticle(article_id, text, url, fields=fields)


def take_page(ctx: Context, url: str, article_id: str, *, feed: str | None = None, item: FeedItem | None = None
              ) -> Arrival:
    """Fetch, extract and import one page (with its feed's item, if any): FetchError or ExtractionFailed when
    it cannot be taken now (nothing is imported then)."""
    known = feed_store.article_by_url(ctx.store, url)
    page = None
    if known is None:
        page = fetch(url, ctx.policy, limiter=ctx.limiter, accept=PAGE_TYPES)
        if page.content_type.startswith(NOT_PAGES):
            raise ExtractionFailed(url, f"is {page.content_type[:60]}, not a web page")
        known = feed_store.article_by_url(ctx.store, page.url)
    if known is not None and item is not None:
        feed_store.link_item(ctx.store, item, known)
        return Arrival(known, url, item.title, feed, "known")
    if page is None:  # a page imported before, asked for again by hand: fetched again, it may have changed
        page = fetch(url, ctx.policy, limiter=ctx.limiter, accept=PAGE_TYPES)
    found = extract_article(decode_page(page.body, page.headers.get("content-type", "")), page.url)
    title = found.title or (item.title if item else None)
    date = (item.published if item else None) or found.date
    raw = _raw(known or article_id, found.text, page.url, title, date, feed)
    imported: Imported = feed_store.import_fetched(ctx.store, raw, url=page.url, reopen=workflow.source_changed,
                                                   feed=feed, author=found.author, item=item,
                                                   described=lambda article_id: arrival_payload(ctx.store, article_id))
    arrival = Arrival(imported.article_id, page.url, title, feed, imported.outcome, imported.segments,
                      tuple(imported.reopened))
    if ctx.on_arrival:
        ctx.on_arrival(arrival)
    return arrival


def arrival_payload(store: Store, article_id: str) -> dict[str, Any]:
    """What an `arrived` webhook says of the article besides its id, title and source: its risk score and top
    reasons as it arrives (`review.risk.arrival_risk`: the names of its Arabic the ledger has not confirmed)."""
    from ..review import ledger
    from ..review.risk import arrival_risk

    risk = arrival_risk((s["source_text"] for s in store.segments(article_id) if s["kind"] != "meta"), ledger.book(store))
    return {"risk": {"score": risk.score, "reasons": list(risk.reasons)}}


def import_url(ctx: Context, url: str) -> Arrival:
    """One article by its page's address (`workbench import https://…`, the UI's field)."""
    url = check_url(url)
    return take_page(ctx, url, url_article_id(url))


# --------------------------------------------------------------------------- polling
KNOWN_TROUBLE = (UnicodeError, ValueError, OverflowError, LookupError, http.client.HTTPException, OSError)


def failure_reason(exc: Exception, what: str) -> str:
    """The one line a failure is reported by; an error the workbench did not expect is also logged, in one line
    (where it came from, no traceback: the page or feed that caused it is hostile and named in the line)."""
    if isinstance(exc, FetchError | ExtractionFailed):
        return exc.reason
    if isinstance(exc, WorkbenchError):
        return clean_text(exc, 300)
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f" at {Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame is not None else ""
    message = clean_text(exc, 160)
    if not isinstance(exc, KNOWN_TROUBLE):
        log.error("%s failed: %s: %s%s", what, type(exc).__name__, message, where)
    return f"could not be read ({type(exc).__name__}: {message})"


def _take_item(ctx: Context, feed: Feed, item: FeedItem, report: PollReport) -> None:
    try:
        report.arrived.append(take_page(ctx, item.url, item_article_id(feed.name, item.key), feed=feed.name,
                                        item=item))
        return
    except Exception as exc:  # whatever one page does, it is this item's problem line: the poll goes on
        reason = failure_reason(exc, f"taking {item.url} from feed {feed.name}")
    try:
        state = feed_store.item_failed(ctx.store, item, reason)
    except Exception as exc:  # the store cannot record it (a full disk): it is tried again as a new item
        log.error("recording the failure of %s from feed %s failed: %s", item.url, feed.name, clean_text(exc, 160))
        state = "retry"
    report.failures.append(Failure(feed.name, item.url, reason, state))


def _take_new(ctx: Context, feed: Feed, report: PollReport, tried: set[str]) -> None:
    """Fetch the feed and take its new items (at most MAX_ITEMS; then the feed is read whole again next time)."""
    answer = fetch(feed.url, ctx.policy, limiter=ctx.limiter, etag=feed.etag, last_modified=feed.last_modified,
                   accept=FEED_TYPES)
    if answer.status == 304:
        report.not_modified.append(feed.name)
        feed_store.record_poll(ctx.store, feed.id, error=None, validators=None)
        return
    entries = parse_feed(answer.body, answer.url, answer.headers.get("content-type", ""))
    seen = feed_store.known_keys(ctx.store, feed.id, [e.key for e in entries])
    fresh = [entry for entry in entries if entry.key not in seen]
    for entry in fresh[:MAX_ITEMS]:
        tried.add(entry.key)
        _take_item(ctx, feed, FeedItem(feed.id, entry.key, entry.url, entry.title, entry.published, 0, None), report)
    later = len(fresh) - MAX_ITEMS
    if later > 0:
        log.info("feed %s: %d more new items are taken on the next polls", feed.name, later)
    validators = (answer.etag, answer.last_modified) if later <= 0 else (None, None)
    feed_store.record_poll(ctx.store, feed.id, error=None, validators=validators)


def poll_feed(ctx: Context, feed: Feed, report: PollReport) -> None:
    """Poll one feed: its new items, then the items waiting for a retry. Whatever fails is a problem line."""
    report.feeds.append(feed.name)
    ctx = ctx.for_feed(feed)
    tried: set[str] = set()
    try:
        _take_new(ctx, feed, report, tried)
    except Exception as exc:
        reason = failure_reason(exc, f"polling feed {feed.name}")
        report.failures.append(Failure(feed.name, feed.url, reason, "feed"))
        try:
            feed_store.record_poll(ctx.store, feed.id, error=reason, validators=None)
        except Exception as store_exc:
            log.error("recording the poll of feed %s failed: %s", feed.name, clean_text(store_exc, 160))
    try:
        waiting = feed_store.retry_items(ctx.store, feed.id)
    except Exception as exc:
        report.failures.append(Failure(feed.name, feed.url, failure_reason(exc, f"reading feed {feed.name}'s retries"),
                                       "feed"))
        return
    for item in waiting:
        if item.key not in tried:
            _take_item(ctx, feed, item, report)


def poll(ctx: Context, names: list[str] | None = None) -> PollReport:
    """Poll the named feeds (every feed without names), one after the other; one failing never stops the next."""
    chosen = [feed_store.feed(ctx.store, n) for n in names] if names else feed_store.feeds(ctx.store)
    report = PollReport()
    for feed in chosen:
        poll_feed(ctx, feed, report)
    return report
