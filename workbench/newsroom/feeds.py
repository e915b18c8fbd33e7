"""Polling feeds and taking articles from the web: each new item once, its page fetched and extracted, imported
with its feed as source and its URL kept.

A poll of one feed asks with the ETag and Last-Modified of the last answer (a 304 means nothing new), reads the
feed with feedparser (RSS 0.9x/2.0 and Atom; given the bytes only, never a URL or a file name), takes every item
whose GUID (else link) it has not seen, and then tries again the items whose page failed before, whether or not
the feed changed. An item whose page cannot be fetched or has no article text is reported and kept for the next
poll; the feed's validators are stored only after every item of its answer was recorded. Article ids are made
here from the feed's name and a hash of the item's GUID (`web-HASH` for a URL imported by hand), never taken from
the feed.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import logs
from ..errors import WorkbenchError
from ..ids import make_article_id
from ..review import workflow
from ..settings import newsroom_settings
from ..store import Store
from ..store import feeds as feed_store
from ..store.feeds import Feed, FeedItem
from ..store.importer import Imported
from ..text.cleaning import clean_lines
from ..text.extract import ExtractionFailed, decode_page, extract_article
from ..text.metadata import classify
from ..text.reading import RawArticle
from .fetch import FetchError, FetchFailed, HostLimiter, Policy, check_url, fetch

MAX_ITEMS = 1000  # items taken from one answer of one feed (the rest are seen on the next poll)
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
    home: Path
    policy: Policy
    limiter: HostLimiter
    on_arrival: Callable[[Arrival], None] | None = None

    @classmethod
    def of(cls, store: Store, home: str | Path, policy: Policy | None = None) -> Context:
        policy = policy or Policy.from_settings(newsroom_settings(home))
        return cls(store, Path(home), policy, HostLimiter(policy.host_interval))


def digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def item_article_id(feed_name: str, key: str) -> str:
    """The id of the article an item becomes: the feed's name and a hash of the feed and the item's key."""
    return make_article_id(f"{feed_name}-{digest(feed_name, key)}")


def url_article_id(url: str) -> str:
    return make_article_id(f"web-{digest('', url)}")


# --------------------------------------------------------------------------- reading a feed
def parse_feed(body: bytes, url: str, content_type: str = "") -> list[Entry]:
    """The items of an RSS or Atom feed (FetchFailed when it is neither). Links are resolved against the feed's
    URL and kept only when they are http(s) URLs the fetcher may ask for."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url,
                                                                   "content-type": content_type or "application/xml"},
                              resolve_relative_uris=True, sanitize_html=True)
    if parsed.get("bozo") and not parsed.get("entries"):
        reason = str(parsed.get("bozo_exception", "not a feed"))[:160]
        raise FetchFailed(url, f"not an RSS or Atom feed ({reason})")
    entries = []
    for item in parsed.get("entries", [])[:MAX_ITEMS]:
        entry = _entry(item)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(item: Any) -> Entry | None:
    link = item.get("link") or ""
    try:
        link = check_url(link)
    except FetchError:
        return None
    key = str(item.get("id") or link)[:MAX_KEY]
    stamp = item.get("published_parsed") or item.get("updated_parsed")
    published = time.strftime("%Y-%m-%d", stamp) if stamp else None
    title = " ".join(str(item.get("title") or "").split())[:500] or None
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
                                                   feed=feed, author=found.author, item=item)
    arrival = Arrival(imported.article_id, page.url, title, feed, imported.outcome, imported.segments,
                      tuple(imported.reopened))
    if ctx.on_arrival:
        ctx.on_arrival(arrival)
    return arrival


def import_url(ctx: Context, url: str) -> Arrival:
    """One article by its page's address (`workbench import https://…`, the UI's field)."""
    url = check_url(url)
    return take_page(ctx, url, url_article_id(url))


# --------------------------------------------------------------------------- polling
def _take_item(ctx: Context, feed: Feed, item: FeedItem, report: PollReport) -> None:
    try:
        report.arrived.append(take_page(ctx, item.url, item_article_id(feed.name, item.key), feed=feed.name,
                                        item=item))
    except (FetchError, ExtractionFailed) as exc:
        state = feed_store.item_failed(ctx.store, item, exc.reason)
        report.failures.append(Failure(feed.name, item.url, exc.reason, state))
    except WorkbenchError as exc:  # the store refused (a full disk): the item stays for the next poll
        state = feed_store.item_failed(ctx.store, item, str(exc))
        report.failures.append(Failure(feed.name, item.url, str(exc), state))
    except Exception as exc:  # a page that trips a library: logged, kept for a retry, the poll goes on
        log.exception("taking %s from feed %s failed", item.url, feed.name)
        reason = f"internal error ({type(exc).__name__}); details are in the data home's logs/workbench.log"
        report.failures.append(Failure(feed.name, item.url, reason, feed_store.item_failed(ctx.store, item, reason)))


def poll_feed(ctx: Context, feed: Feed, report: PollReport) -> None:
    """Poll one feed: its new items, then the items waiting for a retry."""
    report.feeds.append(feed.name)
    tried: set[str] = set()
    try:
        answer = fetch(feed.url, ctx.policy, limiter=ctx.limiter, etag=feed.etag, last_modified=feed.last_modified,
                       accept=FEED_TYPES)
        if answer.status == 304:
            report.not_modified.append(feed.name)
            feed_store.record_poll(ctx.store, feed.id, error=None, validators=None)
        else:
            entries = parse_feed(answer.body, answer.url, answer.headers.get("content-type", ""))
            seen = feed_store.known_keys(ctx.store, feed.id, [e.key for e in entries])
            for entry in entries:
                if entry.key in seen or entry.key in tried:
                    continue
                tried.add(entry.key)
                _take_item(ctx, feed, FeedItem(feed.id, entry.key, entry.url, entry.title, entry.published, 0, None),
                           report)
            feed_store.record_poll(ctx.store, feed.id, error=None, validators=(answer.etag, answer.last_modified))
    except FetchError as exc:
        report.failures.append(Failure(feed.name, feed.url, exc.reason, "feed"))
        feed_store.record_poll(ctx.store, feed.id, error=exc.reason, validators=None)
    for item in feed_store.retry_items(ctx.store, feed.id):
        if item.key not in tried:
            _take_item(ctx, feed, item, report)


def poll(ctx: Context, names: list[str] | None = None) -> PollReport:
    """Poll the named feeds (every feed without names), one after the other."""
    chosen = [feed_store.feed(ctx.store, n) for n in names] if names else feed_store.feeds(ctx.store)
    report = PollReport()
    for feed in chosen:
        poll_feed(ctx, feed, report)
    return report
