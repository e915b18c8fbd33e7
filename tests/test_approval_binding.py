"""Issue 27, item 2: publication only of what was approved as it stands.

Before: re-importing an approved article with a changed source left it `approved`, and the next `publish` rewrote
its page with the changed paragraph and a new one silently missing ("1 / 2 / 3" became "1 / 3") and fired a
`published` webhook. Now an approval is bound to the source and the revisions it saw; a changed source reopens
review in the import's transaction (the `source_changed` event of the workflow table), which the import, `list`,
`status`, `show`, the page's list and header and a `reopened` webhook say; `publish` refuses an approval that no
longer matches what is stored (a problem line, the page left as it was published).
"""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workbench import Workbench
from workbench.app.cli import cli
from workbench.newsroom import webhook
from workbench.review import workflow
from workbench.store import Store, migrations, outbox
from workbench.text.articles import build_article

from .conftest import ROOT

TITLE = "وزير الخارجية يزور موسكو"
P1 = "أعلن وزير الخارجية اليوم أنه سيزور موسكو الأسبوع المقبل."
P2 = "وقال الوزير إن الزيارة ستبحث العلاقات الثنائية بين البلدين."
P2_CHANGED = "وقال الوزير إن الزيارة ستبحث العلاقات الثنائية والتعاون الاقتصادي بين البلدين."
P2_NEW = "وأشار إلى أن الوفد سيضم ممثلين عن قطاع الأعمال."
P3 = "وأضاف أن الجانبين سيوقعان اتفاقيات في مجال الطاقة."
ENGLISH = {TITLE: "The foreign minister visits Moscow",
           P1: "One: the foreign minister announced today that he will visit Moscow next week.",
           P2: "Two: the minister said the visit would discuss bilateral relations.",
           P2_CHANGED: "Two, corrected: the minister said the visit would discuss relations and economic cooperation.",
           P2_NEW: "Two and a half: he noted that the delegation would include business representatives.",
           P3: "Three: he added that the two sides would sign agreements on energy."}


def article_text(*paragraphs: str) -> str:
    return "\n\n".join((TITLE, *paragraphs)) + "\n"


@pytest.fixture
def notified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every webhook event the workbench puts in the outbox (the one function the workflow and publish call)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(outbox, "record_event", lambda store, event, payload: sent.append((event, payload)) or "id")
    return sent


def translate_and_approve(wb: Workbench, article_id: str, lang: str = "en") -> None:
    """A reviewer's English for every segment without one, confirmed where a text is not reviewed yet, then
    approval under the rules (no override)."""
    for row, unit in wb.article(article_id).units(lang):
        if unit is None:
            wb.save(article_id, row.id, lang, ENGLISH[row.source_text], author="ed", base_revision_id=None,
                    reviewed=True)
        elif not unit.reviewed:
            wb.confirm(article_id, row.id, lang, author="ed", base_revision_id=unit.revision_id)
    assert wb.approve(article_id, lang, "chief") == "approved"


def approved_and_published(tmp_path: Path, home: Path, fmt: str) -> tuple[Path, Path, str, Path]:
    """An article of paragraphs 1 / 2 / 3 imported from a file, translated, approved and published as `fmt`: its
    source file, the site folder, its id and its English page."""
    source = tmp_path / "visit.txt"
    source.write_text(article_text(P1, P2, P3), encoding="utf-8")
    out = tmp_path / "site"
    with Workbench(home, profile="tiny") as wb:
        article_id = wb.import_paths([source]).article_ids[0]
        translate_and_approve(wb, article_id)
    assert run(home, "publish", "--format", fmt, "--out", str(out)).exit_code == 0
    return source, out, article_id, out / "en" / f"{article_id}.{'md' if fmt == 'markdown' else fmt}"


def run(home: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--home", str(home), *args])
    return result


def page_paragraphs(path: Path) -> list[str]:
    """The body paragraphs of a published Markdown page (front matter and title left out)."""
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [line for line in body.splitlines() if line and not line.startswith("#")
            and line[0].isalpha() and not line.startswith(ENGLISH[TITLE])]


def test_the_1_2_3_case_a_changed_source_reopens_review_and_is_not_published(
        tmp_path: Path, home: Path, notified: list[tuple[str, dict[str, Any]]]) -> None:
    source, out, article_id, page = approved_and_published(tmp_path, home, "markdown")
    published = page.read_bytes()
    assert [p.split(":")[0] for p in page_paragraphs(page)] == ["One", "Two", "Three"]
    assert [e for e, p in notified if e == "published"] == ["published"]
    notified.clear()

    # the source changes: paragraph 2 rewritten, a new paragraph after it
    source.write_text(article_text(P1, P2_CHANGED, P2_NEW, P3), encoding="utf-8")
    imported = run(home, "import", str(source), "--json")
    assert imported.exit_code == 0, imported.output
    item = json.loads(imported.stdout)["imported"][0]
    assert item["outcome"] == "updated"

    # publish: the page stays as it was approved ("1 / 2 / 3", not "1 / 3"), nothing is announced as published
    result = run(home, "publish", "--format", "markdown", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert page.read_bytes() == published, page_paragraphs(page)
    assert [e for e, _ in notified if e == "published"] == []
    report = json.loads(result.stdout)
    assert report["changed_pages"] == [] and report["problems"] == [] and report["pages"] == 1

    # the import reopened review, and everything says so
    assert item["reopened"] == ["en"]
    assert notified == [("reopened", {"article_id": article_id, "lang": "en", "reason": "source changed"})]
    again = run(home, "import", str(source))
    assert "back to review" not in again.output  # unchanged now: nothing more is reopened
    with Workbench(home, profile="tiny") as wb:
        from workbench.app.ui import articles

        view = wb.article(article_id)
        assert view.status["en"] == "in_review" and view.status_reopened == {"en": "source changed", "ru": None}
        assert view.to_dict()["status_reopened"]["en"] == "source changed"  # what the page's header shows
        row = next(r for r in wb.articles() if r.id == article_id)
        assert row.status_reopened["en"] == "source changed"
        assert articles.article_table([row])[0][3] == "review (source changed) / new"  # the page's article list
        log = wb.store.status_log(article_id)[-1]
        assert (log["status"], log["author"], log["reason"]) == ("in_review", workflow.WORKBENCH, "source changed")
    listed = run(home, "list")
    assert "en:in_review(source changed)" in listed.output
    status = run(home, "status")
    assert "(in_review, reopened: source changed)" in status.output
    status_json = json.loads(run(home, "status", "--json").stdout)
    assert status_json[0]["languages"]["en"]["reopened"] == "source changed"

    # the new segments translated and approved again: 1 / 2 / 3 (with the new paragraph) is published
    with Workbench(home, profile="tiny") as wb:
        translate_and_approve(wb, article_id)
        assert wb.article(article_id).status_reopened["en"] is None
    result = run(home, "publish", "--format", "markdown", "--out", str(out), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["changed_pages"] == [f"en/{article_id}.md"]
    assert [p.split(":")[0] for p in page_paragraphs(page)] == ["One", "Two, corrected", "Two and a half", "Three"]
    assert [p["article_id"] for e, p in notified if e == "published"] == [article_id]


def test_publish_refuses_an_approval_that_no_longer_matches_the_stored_source_or_text(
        tmp_path: Path, home: Path, notified: list[tuple[str, dict[str, Any]]]) -> None:
    """A write that did not go through the write path (the old import's, a script's): the approval stays
    `approved` but no longer matches, so publish skips it with a problem line and keeps the published page."""
    source, out, article_id, page = approved_and_published(tmp_path, home, "html")
    published = page.read_bytes()
    notified.clear()

    for change, why in (("source", "the source changed since it was approved"),
                        ("text", "the text changed since it was approved")):
        with Workbench(home, profile="tiny") as wb:
            if change == "source":  # the store's own write, as the import made it before: no reopen
                article, segments = build_article(article_text(P1, P2_CHANGED, P3), article_id, path=str(source))
                assert wb.store.upsert_article(article, segments) == "updated"
            else:
                row = next(r for r, _ in wb.article(article_id).units("en"))
                current = wb.store.latest_revision(article_id, "segment", row.id, "en")
                wb.store.save_revision(article_id, row.id, "en", f"{ENGLISH[TITLE]} (tampered)", author="x",
                                       base_revision_id=current["id"] if current else None)
            assert wb.store.statuses(article_id)["en"] == "approved"
        result = run(home, "publish", "--format", "html", "--out", str(out), "--json")
        assert page.read_bytes() == published and [e for e, _ in notified if e == "published"] == []
        assert result.exit_code == 1, result.output  # a refusal is no success, and says so
        report = json.loads(result.stdout)
        assert report["problems"] == [f"{article_id} en: {why}; review and approve it again"]
        assert report["changed_pages"] == [] and report["pages"] == 1
        assert f"(approved, reopened: {why})" in run(home, "status").output
        with Workbench(home, profile="tiny") as wb:
            assert wb.article(article_id).status_reopened["en"] == why
        exported = run(home, "export", "--all", "--to", "en", "--status", "approved", "--format", "jsonl",
                       "--out", str(tmp_path / "approved.jsonl"))  # not an approved translation either
        assert exported.exit_code != 0 and "no article has status 'approved'" in exported.output, exported.output
        text = run(home, "publish", "--format", "html", "--out", str(out))
        assert f"not published: {article_id} en: {why}" in text.output and "Traceback" not in text.output
        assert [e for e, _ in notified if e == "published"] == []
        with Workbench(home, profile="tiny") as wb:  # approving again binds the approval to what is stored now
            translate_and_approve(wb, article_id)
    result = run(home, "publish", "--format", "html", "--out", str(out), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["changed_pages"] == [f"en/{article_id}.html"]
    assert "(tampered)" in page.read_text(encoding="utf-8")  # what the reviewer approved last, as it stands


def test_an_updated_page_imported_again_by_url_reopens_review_and_the_webhook_hears_it(home: Path) -> None:
    from .test_newsroom import Receiver, Route, Site, write_config

    site, receiver = Site(), Receiver()
    try:
        write_config(home, f"{receiver.base}/hook")
        url = f"{site.base}/news/visit.html"

        def page(*paragraphs: str) -> bytes:
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            return (f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{TITLE}</title></head>'
                    f"<body><main><article><h1>{TITLE}</h1>{body}</article></main></body></html>").encode()

        site.routes["/news/visit.html"] = Route(page(P1, P2, P3))
        first = json.loads(run(home, "import", url, "--json").stdout)["imported"][0]
        with Workbench(home, profile="tiny") as wb:
            translate_and_approve(wb, first["article_id"])
        site.routes["/news/visit.html"] = Route(page(P1, P2_CHANGED, P3))
        result = run(home, "import", url)
        assert result.exit_code == 0 and "source changed: en back to review" in result.output, result.output
        with Workbench(home, profile="tiny") as wb:
            assert wb.store.statuses(first["article_id"])["en"] == "in_review"
        with Workbench(home, profile="tiny") as wb:
            webhook.flush(wb.store, 20)
        reopened = [e for e in receiver.events() if e["event"] == "reopened"]  # signed with the secret, as any event
        assert [(e["article_id"], e["lang"], e["reason"]) for e in reopened] == [
            (first["article_id"], "en", "source changed")]
    finally:
        site.close()
        receiver.close()


def test_approvals_made_before_the_binding_are_bound_unless_something_changed_after_them(tmp_path: Path) -> None:
    """The migration binds an old approval to what is stored, unless the source changed after it (the bug's
    state): that one stays unbound, so publish refuses it until it is approved again."""
    path = tmp_path / "old.db"
    before = [m for m in migrations.MIGRATIONS if m[0] != "010_approval_binding"]
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    original = migrations.MIGRATIONS
    migrations.MIGRATIONS = before
    try:
        migrations.migrate(conn)
    finally:
        migrations.MIGRATIONS = original
    for article_id, approved_at, updated_at in (("kept", "2026-01-02T00:00:00.000000+00:00",
                                                 "2026-01-01T00:00:00.000000+00:00"),
                                                ("changed", "2026-01-02T00:00:00.000000+00:00",
                                                 "2026-01-03T00:00:00.000000+00:00")):
        conn.execute("INSERT INTO articles (id, original_text, cleaned_text, content_hash, imported_at, updated_at)"
                     " VALUES (?, 'x', 'x', ?, ?, ?)", (article_id, f"hash-{article_id}", updated_at, updated_at))
        conn.execute("INSERT INTO article_status (article_id, lang, status, updated) VALUES (?, 'en', 'approved', ?)",
                     (article_id, approved_at))
    conn.commit()
    conn.close()
    with Store(path) as store:
        notes = store.review_notes()
        assert "kept" not in {a for a, _ in notes} and store.approval_problem("kept", "en") is None
        assert notes[("changed", "en")].startswith("approved before approvals were bound to revisions")
        assert store.approval_problem("changed", "en") == notes[("changed", "en")]


def test_every_import_in_the_workbench_hands_in_the_reopen_event() -> None:
    """The store's importer cannot import the review rules (a lower stage), so each caller hands in
    `workflow.source_changed`; one that forgot would leave approvals of a changed source standing."""
    missing = []
    for path in sorted((ROOT / "workbench").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "feed_store"
                else None)
            if name in ("import_raw", "import_paths", "import_fetched") and not any(
                    k.arg == "reopen" for k in node.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, missing


def test_a_file_imported_again_with_a_changed_source_has_sent_its_reopened_webhook_when_the_command_ends(
        tmp_path: Path, home: Path) -> None:
    """A review found that only `import https://…` sent what its re-import recorded; a file's `reopened` waited."""
    from .test_newsroom import Receiver, write_config

    receiver = Receiver()
    try:
        write_config(home, f"{receiver.base}/hook")
        source = tmp_path / "visit.md"
        source.write_text(f"# {TITLE}\n\n{P1}\n\n{P2}\n\n{P3}\n", encoding="utf-8")
        first = json.loads(run(home, "import", str(source), "--json").stdout)["imported"][0]
        with Workbench(home, profile="tiny") as wb:
            translate_and_approve(wb, first["article_id"])
        source.write_text(f"# {TITLE}\n\n{P1}\n\n{P2_CHANGED}\n\n{P3}\n", encoding="utf-8")
        result = run(home, "import", str(source))
        assert result.exit_code == 0 and "source changed: en back to review" in result.output, result.output
        reopened = [e for e in receiver.events() if e["event"] == "reopened"]  # no flush here: the command sent it
        assert [(e["article_id"], e["lang"]) for e in reopened] == [(first["article_id"], "en")]
    finally:
        receiver.close()


SEED_ARTICLE = "003_70140ed69b948bf5"


def test_an_approval_from_the_page_is_of_what_the_page_showed(translated) -> None:
    """A review found approvals bound to what was stored at the click: a colleague's save between the reviewer's
    last look and the click was approved unseen. The page sends what it shows; a change since is refused, override
    or not, and the page is told to reload (`stale`)."""
    from workbench.app.catalog import registry

    article = translated.article(SEED_ARTICLE).to_dict()
    revisions = [(s.get("targets") or {}).get("en") for s in article["segments"]]
    newest = max([r["revision_id"] for r in revisions if r] + [(article["summaries"].get("en") or {}).get("revision_id") or 0])
    seg = next(s for s in article["segments"] if (s.get("targets") or {}).get("en"))
    saved = registry()["save_unit"](translated, article_id=SEED_ARTICLE, unit=seg["id"], language="en", text="A colleague's text, unseen.",
                                        base_revision_id=seg["targets"]["en"]["revision_id"], author="colleague", reviewed=True)
    assert saved["ok"], saved
    refused = registry()["approve"](translated, article_id=SEED_ARTICLE, language="en", author="mona", override="override anyway",
                                        seen_source=article["content_hash"], seen_revision=newest)
    assert refused["ok"] is False and refused["stale"] is True and "changed since you opened it" in refused["error"]
    assert translated.store.statuses(SEED_ARTICLE).get("en") != "approved"
    wrong_source = registry()["approve"](translated, article_id=SEED_ARTICLE, language="en", author="mona", override="reason", seen_source="0" * 64,
                                             seen_revision=saved["revision_id"])
    assert wrong_source["stale"] is True and "a new source" in wrong_source["error"]
    seen = translated.article(SEED_ARTICLE).to_dict()  # reloaded: the colleague's text is in view now
    approved = registry()["approve"](translated, article_id=SEED_ARTICLE, language="en", author="mona", override="read it", seen_source=seen["content_hash"],
                                         seen_revision=saved["revision_id"])
    assert approved["ok"] is True and translated.store.statuses(SEED_ARTICLE)["en"] == "approved"
    assert registry()["approve"](translated, article_id=SEED_ARTICLE, language="ru", author="mona", override="no page: what is stored")["ok"] is True
