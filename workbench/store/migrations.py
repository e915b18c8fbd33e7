"""Named schema migrations, each applied once in a transaction and recorded in the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from ..clock import now

# what runs after the store that applied a migration is open (a step that reads files beside the database), until
# it has finished once (table after_migrations): migration name -> an idempotent function of the Store, registered
# by the module that owns the step (store.outbox)
AFTER: dict[str, Callable[[Any], object]] = {}

MIGRATIONS: list[tuple[str, str]] = [
    ("001_initial", """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    path TEXT,
    title TEXT,
    date TEXT,
    date_raw TEXT,
    source TEXT,
    source_raw TEXT,
    photo_credit TEXT,
    publisher TEXT,
    url TEXT,
    original_text TEXT NOT NULL,
    cleaned_text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    encoding TEXT NOT NULL DEFAULT 'utf-8',
    warnings TEXT NOT NULL DEFAULT '[]',
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('title', 'heading', 'body', 'meta')),
    role TEXT,
    source_text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX segments_article ON segments(article_id, active, position);
CREATE TABLE machine_outputs (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    segment_id TEXT REFERENCES segments(id),
    target TEXT NOT NULL CHECK (target IN ('segment', 'summary')),
    lang TEXT NOT NULL,
    input_text TEXT NOT NULL,
    text TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]',
    provenance TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX machine_outputs_unit ON machine_outputs(article_id, target, segment_id, lang);
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    segment_id TEXT REFERENCES segments(id),
    target TEXT NOT NULL CHECK (target IN ('segment', 'summary')),
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('machine', 'human', 'revert', 'xliff', 'memory')),
    machine_output_id INTEGER REFERENCES machine_outputs(id),
    base_revision_id INTEGER REFERENCES revisions(id),
    created TEXT NOT NULL
);
CREATE INDEX revisions_unit ON revisions(article_id, target, segment_id, lang, id);
CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_append_only_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TABLE article_status (
    article_id TEXT NOT NULL REFERENCES articles(id),
    lang TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'machine', 'in_review', 'approved')),
    updated TEXT NOT NULL,
    author TEXT,
    PRIMARY KEY (article_id, lang)
);
CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    lang TEXT NOT NULL,
    reason TEXT NOT NULL,
    created TEXT NOT NULL
);
"""),
    ("002_review_time", """
ALTER TABLE revisions ADD COLUMN seconds_open REAL;
"""),
    ("003_review_states", """
ALTER TABLE revisions ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE article_status ADD COLUMN override TEXT;
CREATE TABLE status_log (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    author TEXT,
    override TEXT,
    created TEXT NOT NULL
);
CREATE TABLE drafts (
    article_id TEXT NOT NULL REFERENCES articles(id),
    unit TEXT NOT NULL,
    lang TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    base_revision_id INTEGER,
    updated TEXT NOT NULL,
    PRIMARY KEY (article_id, unit, lang, author)
);
"""),
    ("004_pivot_checks", """
CREATE TABLE pivot_checks (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    segment_id TEXT NOT NULL REFERENCES segments(id),
    lang TEXT NOT NULL,
    via TEXT NOT NULL,
    via_revision_id INTEGER NOT NULL REFERENCES revisions(id),
    author TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('saved', 'confirmed')),
    created TEXT NOT NULL
);
CREATE INDEX pivot_checks_unit ON pivot_checks(article_id, segment_id, lang, id);
"""),
    # the newsroom (workbench/store/feeds.py): feeds and their HTTP validators, the items taken from them (each
    # once, by GUID else URL; a failed one is retried), where an article came from, what was published where
    ("005_newsroom", """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL UNIQUE,
    etag TEXT,
    last_modified TEXT,
    polled TEXT,
    error TEXT,
    added TEXT NOT NULL
);
CREATE TABLE feed_items (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    published TEXT,
    article_id TEXT REFERENCES articles(id),
    state TEXT NOT NULL CHECK (state IN ('imported', 'retry', 'given_up')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (feed_id, key)
);
CREATE INDEX feed_items_state ON feed_items(feed_id, state);
CREATE TABLE article_sources (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    feed TEXT,
    url TEXT NOT NULL,
    author TEXT,
    fetched TEXT NOT NULL
);
CREATE INDEX article_sources_url ON article_sources(url);
CREATE TABLE publications (
    article_id TEXT NOT NULL REFERENCES articles(id),
    lang TEXT NOT NULL,
    format TEXT NOT NULL,
    target TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (article_id, lang, format, target)
);
"""),
    ("006_cat_comments", """
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    unit TEXT NOT NULL,
    lang TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    resolved_by TEXT,
    resolved_at TEXT
);
CREATE INDEX comments_unit ON comments(article_id, unit, lang, id);
CREATE TABLE comment_mentions (
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    name TEXT NOT NULL,
    PRIMARY KEY (comment_id, name)
);
CREATE INDEX comment_mentions_name ON comment_mentions(name, comment_id);
CREATE TABLE flag_dismissals (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    unit TEXT NOT NULL,
    lang TEXT NOT NULL,
    flag TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    revision_id INTEGER REFERENCES revisions(id),
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    created TEXT NOT NULL,
    restored_by TEXT,
    restored_at TEXT
);
CREATE INDEX flag_dismissals_unit ON flag_dismissals(article_id, unit, lang, flag, id);
CREATE TABLE propagations (
    revision_id INTEGER PRIMARY KEY REFERENCES revisions(id),
    from_revision_id INTEGER NOT NULL REFERENCES revisions(id),
    article_id TEXT NOT NULL REFERENCES articles(id),
    author TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX propagations_article ON propagations(article_id);
"""),
    # issue 20: a second translator's outputs (store/suggestions.py), kept beside a unit's text and never made its
    # revision; one row per output, so a suggestion made again from a changed input is a new row
    ("007_llm_suggestions", """
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    segment_id TEXT NOT NULL REFERENCES segments(id),
    lang TEXT NOT NULL,
    model TEXT NOT NULL,
    input_text TEXT NOT NULL,
    text TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]',
    provenance TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX suggestions_unit ON suggestions(article_id, segment_id, lang, model, id);
"""),
    # issue 23: what a published page says, so it stays published (and in the index and feeds) as it was approved
    # while its language is back in review
    ("008_newsroom_pages", """
ALTER TABLE publications ADD COLUMN page TEXT;
"""),
    # issue 27: the outbox (store/outbox.py): webhook deliveries written in the same transaction as the event that
    # causes them, claimed by a lease; and the arrivals that wait for `watch` to pre-translate them
    ("009_outbox", """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    delivery TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    created TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'given_up')),
    attempts INTEGER NOT NULL DEFAULT 0,
    due REAL NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL,
    error TEXT,
    done TEXT
);
CREATE INDEX outbox_due ON outbox(state, due);
CREATE TABLE awaiting_translation (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    since TEXT NOT NULL
);
CREATE TABLE after_migrations (
    name TEXT PRIMARY KEY
);
"""),
    # issue 27: an approval is bound to what it saw, the article's source (`content_hash`) and the language's newest
    # revision (revisions are append-only, so any later text has a higher id); publish compares them. `reopened`:
    # why the workbench took an approval back (a changed source), until the language is approved again. Approvals
    # made before are bound to what is stored now, unless the source or the text changed after them (then they are
    # left unbound, and are not published until approved again).
    ("010_approval_binding", """
ALTER TABLE article_status ADD COLUMN approved_source TEXT;
ALTER TABLE article_status ADD COLUMN approved_revision INTEGER;
ALTER TABLE article_status ADD COLUMN reopened TEXT;
ALTER TABLE status_log ADD COLUMN reason TEXT;
UPDATE article_status SET
    approved_source = (SELECT a.content_hash FROM articles a WHERE a.id = article_status.article_id),
    approved_revision = (SELECT MAX(r.id) FROM revisions r WHERE r.article_id = article_status.article_id
                         AND r.lang = article_status.lang)
WHERE status = 'approved'
    AND (SELECT a.updated_at FROM articles a WHERE a.id = article_status.article_id) <= updated
    AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = article_status.article_id
                    AND r.lang = article_status.lang AND r.created > article_status.updated);
"""),
    # issue 27: the operator allows private addresses per feed (an intranet feed), never the whole server
    ("011_private_feeds", """
ALTER TABLE feeds ADD COLUMN allow_private INTEGER NOT NULL DEFAULT 0;
"""),
    # issue 27: where each user of `serve --auth` logged in (store/logins.py), so a restart keeps the addresses the
    # login limits never hold back for that user
    ("012_known_logins", """
CREATE TABLE known_logins (
    user TEXT NOT NULL,
    address TEXT NOT NULL,
    last_login REAL NOT NULL,
    PRIMARY KEY (user, address)
);
"""),
    # issue 28: the glossary in the store (store/glossary.py): every save is one version, its terms written with it
    # in one transaction, never changed afterwards; the current glossary is the newest version. `problems`: the
    # warnings shown while a version is current (rows of an imported file that were skipped). The data home's old
    # glossary.csv and glossary-history/ are imported once, on the glossary's first use (review/glossary.py).
    ("013_glossary", """
CREATE TABLE glossary_versions (
    id INTEGER PRIMARY KEY,
    created TEXT NOT NULL,
    author TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('starter', 'import', 'save', 'restore')),
    problems TEXT NOT NULL DEFAULT ''
);
CREATE TABLE glossary_terms (
    version_id INTEGER NOT NULL REFERENCES glossary_versions(id),
    position INTEGER NOT NULL,
    ar TEXT NOT NULL,
    en TEXT NOT NULL,
    ru TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (version_id, position)
);
CREATE TRIGGER glossary_versions_append_only_update BEFORE UPDATE ON glossary_versions
BEGIN SELECT RAISE(ABORT, 'glossary versions are append-only'); END;
CREATE TRIGGER glossary_versions_append_only_delete BEFORE DELETE ON glossary_versions
BEGIN SELECT RAISE(ABORT, 'glossary versions are append-only'); END;
CREATE TRIGGER glossary_terms_append_only_update BEFORE UPDATE ON glossary_terms
BEGIN SELECT RAISE(ABORT, 'glossary versions are append-only'); END;
CREATE TRIGGER glossary_terms_append_only_delete BEFORE DELETE ON glossary_terms
BEGIN SELECT RAISE(ABORT, 'glossary versions are append-only'); END;
"""),
    # issue 30: the entity ledger (store/entities.py): people, places and organisations with one canonical English
    # and Russian form each, shared across the archive; `ar_key` is the normalised Arabic form that identifies one.
    # A reviewer confirms a new entity's forms; every change is also appended to entity_changes (who, when, what).
    # length_models: the fact checks' length ratios as last learned from reviewed text (review.facts.LengthModel).
    ("014_entity_ledger", """
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    ar_key TEXT NOT NULL UNIQUE,
    ar TEXT NOT NULL,
    en TEXT NOT NULL,
    ru TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'place', 'organisation', 'name')),
    status TEXT NOT NULL CHECK (status IN ('new', 'confirmed')),
    note TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE TABLE entity_changes (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    en TEXT NOT NULL,
    ru TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE length_models (
    pair TEXT PRIMARY KEY,
    mean REAL NOT NULL,
    sd REAL NOT NULL,
    pairs INTEGER NOT NULL,
    updated TEXT NOT NULL
);
"""),
]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; returns the names applied now."""
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("COMMIT")  # another process (serve and watch started together) applied it meanwhile
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    out, buf = [], ""
    for line in sql.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
