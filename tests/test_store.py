"""The store: migrations, append-only revisions, idempotent and careful re-import."""

from __future__ import annotations

import sqlite3

import pytest

from workbench.errors import ConflictError
from workbench.store import Store
from workbench.store.importer import import_paths

from .conftest import SEEDS


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "wb.sqlite")
    yield s
    s.close()


def test_schema_settings_and_migrations(store):
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.query("PRAGMA foreign_keys")[0][0] == 1
    assert [r["name"] for r in store.query("SELECT name FROM migrations")] == [
        "001_initial", "002_review_time", "003_review_states", "004_pivot_checks", "005_newsroom", "006_cat_comments",
        "007_llm_suggestions", "008_newsroom_pages", "009_outbox", "010_approval_binding", "011_private_feeds",
        "012_known_logins", "013_glossary", "014_entity_ledger"]
    assert store.query("PRAGMA synchronous")[0][0] == 2  # FULL: a commit that returned survives a power cut


def test_a_store_made_before_a_migration_is_upgraded_in_place(tmp_path):
    import sqlite3

    from workbench.store.migrations import MIGRATIONS, _statements

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # a store as the first release left it
        conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for statement in _statements(MIGRATIONS[0][1]):
            conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES ('001_initial', 'then')")
    with Store(path) as upgraded:
        import_paths(upgraded, [SEEDS])
        assert [r["name"] for r in upgraded.query("SELECT name FROM migrations")][-1] == "014_entity_ledger"
        assert "seconds_open" in [r["name"] for r in upgraded.query("PRAGMA table_info(revisions)")]


def test_second_import_changes_nothing(store):
    first = import_paths(store, [SEEDS])
    counts = store.counts()
    ids = [s["id"] for a in store.article_ids() for s in store.segments(a)]
    second = import_paths(store, [SEEDS])
    assert [i.outcome for i in first.imported] == ["new"] * 5
    assert [i.outcome for i in second.imported] == ["unchanged"] * 5
    assert store.counts() == counts
    assert [s["id"] for a in store.article_ids() for s in store.segments(a)] == ids


def test_revisions_are_appended_never_updated(store):
    import_paths(store, [SEEDS])
    article = store.article_ids()[0]
    seg = store.segments(article)[0]["id"]
    r1 = store.save_revision(article, seg, "en", "first", author="a", base_revision_id=None)
    r2 = store.save_revision(article, seg, "en", "second", author="b", base_revision_id=r1)
    assert [h["text"] for h in store.history(article, seg, "en")] == ["first", "second"]
    assert store.revision(r2)["base_revision_id"] == r1
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE revisions SET text = 'x' WHERE id = ?", (r1,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM revisions WHERE id = ?", (r1,))


def test_stale_base_revision_is_a_conflict(store):
    import_paths(store, [SEEDS])
    article = store.article_ids()[0]
    seg = store.segments(article)[0]["id"]
    r1 = store.save_revision(article, seg, "en", "mine", author="a", base_revision_id=None)
    with pytest.raises(ConflictError) as info:
        store.save_revision(article, seg, "en", "theirs", author="b", base_revision_id=None)
    assert info.value.current_text == "mine" and info.value.current_revision_id == r1
    assert len(store.history(article, seg, "en")) == 1


def test_editing_one_sentence_keeps_revisions_of_untouched_segments(tmp_path, store):
    src = next(SEEDS.glob("003_*.txt"))
    path = tmp_path / src.name
    path.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    import_paths(store, [path])
    article = path.stem
    segs = [s for s in store.segments(article) if s["kind"] == "body"]
    kept, changed = segs[0], segs[1]
    store.save_revision(article, kept["id"], "en", "kept translation", author="r", base_revision_id=None)
    store.save_revision(article, changed["id"], "en", "old translation", author="r", base_revision_id=None)
    text = path.read_text(encoding="utf-8").replace(changed["source_text"], changed["source_text"].replace("لافروف", "سيرغي لافروف", 1))
    path.write_text(text, encoding="utf-8")
    report = import_paths(store, [path])
    assert report.imported[0].outcome == "updated"
    active = {s["id"]: s for s in store.segments(article)}
    assert kept["id"] in active and changed["id"] not in active
    assert store.current_revisions(article)[("segment", kept["id"], "en")]["text"] == "kept translation"
    # the changed sentence's old revision is still there (retired segment), never lost
    retired = [s for s in store.segments(article, include_retired=True) if not s["active"]]
    assert [s["id"] for s in retired] == [changed["id"]]
    assert store.history(article, changed["id"], "en")[0]["text"] == "old translation"
