"""The grid's `changes` server function (ui/live.py): what an open page polls every 2 s to see its team live."""

from __future__ import annotations

from workbench.app.operations_cat import add_comment
from workbench.app.ui import live

ARTICLE = "003_70140ed69b948bf5"


def test_changes_answers_the_newest_revision_the_comments_and_the_readers_mentions(translated):
    wb = translated
    first = live.changes(wb, [ARTICLE, "bob"], None)
    assert first["ok"] and first["comments"] == [] and first["mentions"] == 0 and first["status"]["en"] == "machine"
    seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] != "meta")
    assert add_comment(wb, ARTICLE, seg["id"], "en", "@bob look", "ali")["ok"]
    saved = wb.save(ARTICLE, seg["id"], "en", "A colleague's text.", author="ali",
                    base_revision_id=seg["targets"]["en"]["revision_id"], reviewed=True)
    after = live.changes(wb, [ARTICLE, "bob"], None)
    assert after["revision"] == saved > first["revision"]
    assert [c["text"] for c in after["comments"]] == ["@bob look"] and after["mentions"] == 1
    assert live.changes(wb, [ARTICLE, "bob"], "carol")["mentions"] == 0  # with logins, the login is the reader


def test_changes_refuses_hostile_calls_in_one_line(translated):
    for data in (None, "x", [ARTICLE], [ARTICLE, 1], ["../../etc/passwd", "bob"], ["nope", "bob"], [ARTICLE, "b", "c"]):
        answer = live.changes(translated, data, None)
        assert answer["ok"] is False and "\n" not in answer["error"], data
