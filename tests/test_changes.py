"""The `changes` operation (operations_cat.py): what an open page polls every 2 s to see its team live."""

from __future__ import annotations

from workbench.app.operations_cat import add_comment, changes

ARTICLE = "003_70140ed69b948bf5"


def test_changes_answers_the_newest_revision_the_comments_and_the_readers_mentions(translated):
    wb = translated
    first = changes(wb, article_id=ARTICLE, author="bob")
    assert first["ok"] and first["comments"] == [] and first["mentions"] == 0 and first["status"]["en"] == "machine"
    seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] != "meta")
    assert add_comment(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="@bob look", author="ali")["ok"]
    saved = wb.save(ARTICLE, seg["id"], "en", "A colleague's text.", author="ali",
                    base_revision_id=seg["targets"]["en"]["revision_id"], reviewed=True)
    after = changes(wb, article_id=ARTICLE, author="bob")
    assert after["revision"] == saved > first["revision"]
    assert [c["text"] for c in after["comments"]] == ["@bob look"] and after["mentions"] == 1
    # with logins, the login is the reader whatever the page sends
    assert changes(wb, article_id=ARTICLE, author="bob", login="carol")["mentions"] == 0


def test_changes_refuses_hostile_calls_in_one_line(translated):
    for args in ({}, {"article_id": None}, {"article_id": 1}, {"article_id": ARTICLE, "author": 1},
                 {"article_id": "../../etc/passwd"}, {"article_id": "nope"}, {"article_id": ARTICLE, "extra": "c"}):
        answer = changes(translated, **args)
        assert answer["ok"] is False and "\n" not in answer["error"], args
