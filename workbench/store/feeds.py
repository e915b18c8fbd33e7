"""The newsroom's part of the store: feeds and their HTTP validators, the items taken from them, where each
article came from, and what was published where (tables of migration 005_newsroom).

An item is taken once: by its feed's GUID, else its URL (`key`). One that could not be fetched or extracted is
kept as `retry` with the reason and tried again on the next poll (`given_up` after MAX_ATTEMPTS); an imported
one is written with its article and its source in one transaction, so an article is never imported half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..clock import now
from ..errors import WorkbenchError
from ..ids import is_article_id
from ..text.reading import RawArticle
from .database import Store
from .importer import Imported, Reopen, import_raw

MAX_ATTEMPTS = 8  # tries of one item's page before it is given up (each poll tries it once)
MAX_NAME = 60


class FeedError(WorkbenchError):
    """A feed that cannot be added, found or removed as asked."""


@dataclass(frozen=True)
class Feed:
    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    polled: str | None
    error: str | None
    added: str
    allow_private: bool = False  # the operator allows its feed and pages on private addresses (an intranet feed)

    @classmethod
    def of(cls, row: Any) -> Feed:
        return cls(**{**dict(row), "allow_private": bool(row["allow_private"])})


@dataclass(frozen=True)
class FeedItem:
    """An item seen in a feed and not imported yet (state `retry`)."""

    feed_id: int
    key: str
    url: str
    title: str | None
    published: str | None
    attempts: int
    error: str | None


@dataclass(frozen=True)
class Origin:
    """Where an article came from: its feed (None: imported by URL or from a file), its page and when it came."""

    feed: str | None
    url: str | None
    author: str | None
    imported_at: str


@dataclass(frozen=True)
class Publication:
    article_id: str
    lang: str
    format: str
    target: str
    content_hash: str
    published: str  # first published
    updated: str  # last published with other text
    page: str | None = None  # what the page says (JSON), so it stays published while its language is back in review


def check_feed_name(name: object) -> str:
    """A feed's name: letters, digits, `_ . -`, at most 60 characters (it becomes part of article ids)."""
    if not isinstance(name, str) or not is_article_id(name) or len(name) > MAX_NAME:  # it starts its articles' ids
        raise FeedError(f"not a valid feed name: {str(name)[:80]!r} (letters, digits, _ . - only, at most "
                        f"{MAX_NAME} characters, neither first nor last a . or -)")
    return name


# --------------------------------------------------------------------------- feeds
def add_feed(store: Store, name: str, url: str, *, allow_private: bool = False) -> Feed:
    """Add a feed (FeedError when the name or the URL is already one); `allow_private`: its feed and pages may be
    on private addresses (the operator's word, stored with the feed)."""
    check_feed_name(name)
    with store.transaction() as conn:
        clash = conn.execute("SELECT name, url FROM feeds WHERE name = ? OR url = ?", (name, url)).fetchone()
        if clash:
            what = f"the name {name!r}" if clash["name"] == name else f"this URL (as {clash['name']!r})"
            raise FeedError(f"a feed with {what} is already followed (see `workbench feeds list`)")
        conn.execute("INSERT INTO feeds (name, url, added, allow_private) VALUES (?, ?, ?, ?)",
                     (name, url, now(), int(allow_private)))
    return feed(store, name)


def feeds(store: Store) -> list[Feed]:
    return [Feed.of(r) for r in store.query("SELECT * FROM feeds ORDER BY name")]


def item_counts(store: Store) -> dict[tuple[int, str], int]:
    """(feed id, item state) → how many items."""
    rows = store.query("SELECT feed_id, state, COUNT(*) AS n FROM feed_items GROUP BY feed_id, state")
    return {(r["feed_id"], r["state"]): r["n"] for r in rows}


def feed(store: Store, name: str) -> Feed:
    rows = store.query("SELECT * FROM feeds WHERE name = ?", (name,))
    if not rows:
        known = ", ".join(f.name for f in feeds(store)) or "none yet"
        raise FeedError(f"no feed named {name!r} (followed: {known})")
    return Feed.of(rows[0])


def remove_feed(store: Store, name: str) -> int:
    """Stop following a feed; its items are forgotten, the articles imported from it stay. Returns how many
    items were forgotten."""
    found = feed(store, name)
    with store.transaction() as conn:
        items = conn.execute("SELECT COUNT(*) FROM feed_items WHERE feed_id = ?", (found.id,)).fetchone()[0]
        conn.execute("DELETE FROM feed_items WHERE feed_id = ?", (found.id,))
        conn.execute("DELETE FROM feeds WHERE id = ?", (found.id,))
    return int(items)


def record_poll(store: Store, feed_id: int, *, error: str | None, validators: tuple[str | None, str | None] | None
                ) -> None:
    """When the feed was polled and how it went; `validators` (ETag, Last-Modified) replace the stored ones
    when given (only after every item of that answer was recorded)."""
    with store.transaction() as conn:
        conn.execute("UPDATE feeds SET polled = ?, error = ? WHERE id = ?", (now(), _short(error), feed_id))
        if validators is not None:
            conn.execute("UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
                         (_short(validators[0], 1000), _short(validators[1], 200), feed_id))


# --------------------------------------------------------------------------- items
def known_keys(store: Store, feed_id: int, keys: list[str]) -> set[str]:
    """Which of `keys` this feed has seen already (imported, waiting for a retry, or given up)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found |= {r["key"] for r in store.query(f"SELECT key FROM feed_items WHERE feed_id = ? AND key IN ({marks})",
                                                (feed_id, *chunk))}
    return found


def retry_items(store: Store, feed_id: int) -> list[FeedItem]:
    rows = store.query("SELECT feed_id, key, url, title, published, attempts, error FROM feed_items"
                       " WHERE feed_id = ? AND state = 'retry' ORDER BY seen", (feed_id,))
    return [FeedItem(**dict(r)) for r in rows]


def item_failed(store: Store, item: FeedItem, error: str) -> str:
    """One more failed try of an item's page: kept for a retry, or given up after MAX_ATTEMPTS. Its new state."""
    attempts = item.attempts + 1
    state = "given_up" if attempts >= MAX_ATTEMPTS else "retry"
    stamp = now()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO feed_items (feed_id, key, url, title, published, state, attempts, error, seen, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, key) DO UPDATE SET state = excluded.state,"
            " attempts = excluded.attempts, error = excluded.error, updated = excluded.updated",
            (item.feed_id, item.key, item.url, _short(item.title), item.published, state, attempts, _short(error),
             stamp, stamp))
    return state


def _item_imported(conn: Any, item: FeedItem, article_id: str) -> None:
    stamp = now()
    conn.execute(
        "INSERT INTO feed_items (feed_id, key, url, title, published, article_id, state, attempts, error, seen,"
        " updated) VALUES (?, ?, ?, ?, ?, ?, 'imported', ?, NULL, ?, ?) ON CONFLICT (feed_id, key) DO UPDATE SET"
        " article_id = excluded.article_id, state = 'imported', attempts = excluded.attempts, error = NULL,"
        " updated = excluded.updated",
        (item.feed_id, item.key, item.url, _short(item.title), item.published, article_id, item.attempts + 1,
         stamp, stamp))


def link_item(store: Store, item: FeedItem, article_id: str) -> None:
    """An item whose page is an article already in the store (imported by URL or from another feed)."""
    with store.transaction() as conn:
        _item_imported(conn, item, article_id)


# --------------------------------------------------------------------------- articles from the web
def import_fetched(store: Store, raw: RawArticle, *, url: str, reopen: Reopen, feed: str | None = None,
                   author: str | None = None, item: FeedItem | None = None,
                   described: Callable[[str], dict[str, Any]] | None = None) -> Imported:
    """Import an article read from the web, its source (feed, page URL, author) and, for a feed's item, the item
    as imported: all in one transaction, so nothing is imported half. `described(article_id)`: more for the
    `arrived` event's payload (the newsroom's: the article's risk), asked in the same transaction."""
    with store.transaction() as conn:
        imported = import_raw(store, raw, reopen=reopen)
        conn.execute("INSERT INTO article_sources (article_id, feed, url, author, fetched) VALUES (?, ?, ?, ?, ?)"
                     " ON CONFLICT (article_id) DO UPDATE SET feed = coalesce(excluded.feed, feed), url = excluded.url,"
                     " author = excluded.author, fetched = excluded.fetched",
                     (imported.article_id, feed, url, _short(author), now()))
        if item is not None:
            _item_imported(conn, item, imported.article_id)
        _arrived(store, imported, raw, url, feed, item is not None, described)
    return imported


def _arrived(store: Store, imported: Imported, raw: RawArticle, url: str, feed: str | None, from_feed: bool,
             described: Callable[[str], dict[str, Any]] | None = None) -> None:
    """In the import's transaction: the `arrived` event of a new article, and the mark of a feed's new or changed
    article that `watch` pre-translates (kept until it is, so a kill never loses it)."""
    from . import outbox

    if imported.outcome == "new":
        extra = described(imported.article_id) if described is not None and outbox.wanted(store) else {}
        outbox.record_event(store, "arrived", {**extra, "article_id": imported.article_id,
                                               "title": raw.fields.get("title"), "url": url, "feed": feed})
    if from_feed and imported.outcome in ("new", "updated"):
        outbox.await_translation(store, imported.article_id)


def article_by_url(store: Store, url: str) -> str | None:
    """The article imported from this page, if any."""
    rows = store.query("SELECT article_id FROM article_sources WHERE url = ? ORDER BY fetched LIMIT 1", (url,))
    return str(rows[0]["article_id"]) if rows else None


def origins(store: Store) -> dict[str, Origin]:
    """Every article's origin (feed and page for those that came from the web), by article id."""
    rows = store.query("SELECT a.id, a.imported_at, s.feed, s.url, s.author FROM articles a"
                       " LEFT JOIN article_sources s ON s.article_id = a.id")
    return {r["id"]: Origin(r["feed"], r["url"], r["author"], r["imported_at"]) for r in rows}


def origin(store: Store, article_id: str) -> Origin | None:
    rows = store.query("SELECT a.imported_at, s.feed, s.url, s.author FROM articles a"
                       " LEFT JOIN article_sources s ON s.article_id = a.id WHERE a.id = ?", (article_id,))
    return Origin(rows[0]["feed"], rows[0]["url"], rows[0]["author"], rows[0]["imported_at"]) if rows else None


def feed_names(store: Store) -> list[str]:
    """The feeds articles came from or that are followed, sorted."""
    rows = store.query("SELECT name FROM feeds UNION SELECT feed FROM article_sources WHERE feed IS NOT NULL")
    return sorted(r[0] for r in rows)


# --------------------------------------------------------------------------- publications
def publications(store: Store, fmt: str, target: str) -> dict[tuple[str, str], Publication]:
    """What was published in `fmt` to the folder `target`, by (article id, language)."""
    rows = store.query("SELECT * FROM publications WHERE format = ? AND target = ?", (fmt, target))
    return {(r["article_id"], r["lang"]): Publication(**dict(r)) for r in rows}


def record_publications(store: Store, records: list[tuple[Publication, dict[str, Any] | None]]) -> None:
    """Remember what is published where (each record's text, dates and page) and, for each record with a payload,
    its `published` webhook event: all in one transaction, so a page is never recorded without its event."""
    from . import outbox

    with store.transaction() as conn:
        for record, event in records:
            conn.execute(
                "INSERT INTO publications (article_id, lang, format, target, content_hash, published, updated, page)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id, lang, format, target) DO UPDATE SET"
                " content_hash = excluded.content_hash, updated = excluded.updated, page = excluded.page",
                (record.article_id, record.lang, record.format, record.target, record.content_hash, record.published,
                 record.updated, record.page))
            if event is not None:
                outbox.record_event(store, "published", event)


def _short(text: str | None, limit: int = 500) -> str | None:
    return None if text is None else str(text)[:limit]


def approved(store: Store, langs: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """(article id, language) of every approved article language in `langs`, by article id."""
    marks = ",".join("?" * len(langs))
    rows = store.query(f"SELECT article_id, lang FROM article_status WHERE status = 'approved' AND lang IN ({marks})"
                       " ORDER BY article_id, lang", tuple(langs))
    return [(r["article_id"], r["lang"]) for r in rows]
