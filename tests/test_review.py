"""The review workflow behind the in-place editor: states, confirmation, approval rules, drafts, conflicts,
history and restore, re-translation that keeps human text, and what feeds the translation memory."""

from __future__ import annotations

from workbench.app import operations as r
from workbench.app.ui import glossary as glossary_panel
from workbench.review.glossary import version as glossary_version

ARTICLE = "003_70140ed69b948bf5"
OTHER = "000_b2b0b7ef8c4c7ace"


def body(wb, article=ARTICLE):
    return [s for s in wb.article(article).to_dict()["segments"] if s["kind"] != "meta"]


def test_states_move_from_machine_to_edited_reviewed_and_approved(translated):
    wb = translated
    segs = body(wb)
    first, second = segs[0], segs[1]
    assert {s["targets"]["en"]["state"] for s in segs} == {"machine"}
    saved = r.save_unit(wb, article_id=ARTICLE, unit=first["id"], language="en", text="Lavrov: solving issues together.", base_revision_id=first["targets"]["en"]["revision_id"],
                        author="mona", reviewed=False)
    assert saved["ok"]
    confirmed = r.confirm_unit(wb, article_id=ARTICLE, unit=second["id"], language="en", base_revision_id=second["targets"]["en"]["revision_id"], author="mona", seconds_open=4.5)
    assert confirmed["ok"]
    view = r.review_view(wb, article_id=ARTICLE, author="mona")
    states = {s["id"]: s["targets"]["en"]["state"] for s in view["article"]["segments"] if s["kind"] != "meta"}
    assert states[first["id"]] == "edited" and states[second["id"]] == "reviewed"
    counts = view["counts"]["en"]
    assert (counts["reviewed"], counts["edited"], counts["total"]) == (1, 1, len(segs))
    unit = next(s for s in view["article"]["segments"] if s["id"] == second["id"])["targets"]["en"]
    assert unit["text"] == second["targets"]["en"]["text"]  # confirmed unchanged
    assert "1 of" not in " ".join(view["approval"]["en"]) and f"{len(segs) - 1} of {len(segs)}" in view["approval"]["en"][0]


def test_approval_needs_every_segment_reviewed_or_a_recorded_override(translated, tmp_path):
    wb = translated
    refused = r.approve(wb, article_id=ARTICLE, language="en", author="chief")
    assert refused["ok"] is False and "not reviewed" in refused["error"] and "override" in refused["error"]
    article = tmp_path / "short.txt"
    article.write_text("التقى لافروف نظيره في موسكو.\n\nوناقش الجانبان العلاقات الثنائية.\n", encoding="utf-8")
    short = wb.import_paths([str(article)]).article_ids[0]
    wb.translate([short], ["en"])
    segs = body(wb, short)
    problems = r.review_view(wb, article_id=short, author="mona")["approval"]["en"]
    assert problems[0] == f"{len(segs)} of {len(segs)} segments not reviewed (first: #1)" and "meaningless_model" in problems[1]
    good = {"التقى لافروف نظيره في موسكو.": "Lavrov met his counterpart in Moscow.",
            "وناقش الجانبان العلاقات الثنائية.": "The two sides discussed bilateral relations."}
    for seg in segs:
        wb.save(short, seg["id"], "en", good[seg["source_text"]], author="mona",
                base_revision_id=seg["targets"]["en"]["revision_id"], reviewed=True)
    assert r.review_view(wb, article_id=short, author="mona")["approval"]["en"] == []
    assert r.approve(wb, article_id=short, language="en", author="chief") == {"ok": True, "status": "approved"}
    assert {s["targets"]["en"]["state"] for s in body(wb, short)} == {"approved"}
    assert wb.store.status_log(short)[-1]["override"] is None
    # editing after approval returns the language to review
    seg = body(wb, short)[0]
    wb.save(short, seg["id"], "en", "A late change.", author="sam", base_revision_id=seg["targets"]["en"]["revision_id"])
    assert wb.article(short).status["en"] == "in_review"
    assert {s["targets"]["en"]["state"] for s in body(wb, short)} == {"edited", "reviewed"}
    # an override approves past the rules, and what it went past is recorded with the reason
    assert r.approve(wb, article_id=ARTICLE, language="ru", author="chief", override="urgent, checked by phone")["ok"]
    assert wb.store.status_log(ARTICLE)[-1]["override"].startswith("urgent, checked by phone [")


def test_only_reviewed_text_feeds_the_translation_memory(translated):
    wb = translated
    seg = body(wb, OTHER)[1]
    base = seg["targets"]["en"]["revision_id"]
    wb.save(OTHER, seg["id"], "en", "An unreviewed edit.", author="sam", base_revision_id=base)
    assert len(wb.memory("en")) == 0
    rev = wb.confirm(OTHER, seg["id"], "en", author="mona", base_revision_id=wb.article(OTHER).to_dict()["segments"][seg["position"]]["targets"]["en"]["revision_id"])
    entries = wb.memory("en").entries
    assert [e.revision_id for e in entries] == [rev] and entries[0].text == "An unreviewed edit."
    # an override approval does not put unreviewed machine text into the memory
    wb.approve(OTHER, "en", "chief", override="demo")
    assert len(wb.memory("en")) == 1


def test_drafts_are_kept_per_author_and_dropped_by_a_save(translated):
    wb = translated
    seg = body(wb)[2]
    base = seg["targets"]["ru"]["revision_id"]
    assert r.save_draft(wb, article_id=ARTICLE, unit=seg["id"], language="ru", text="Лавров — черновик", base_revision_id=base, author="mona")["ok"]
    assert r.save_draft(wb, article_id=ARTICLE, unit=seg["id"], language="ru", text="Лавров — черновик 2", base_revision_id=base, author="mona")["ok"]
    assert r.save_draft(wb, article_id=ARTICLE, unit="summary", language="ru", text="Итог — черновик", base_revision_id=None, author="mona")["ok"]
    drafts = r.review_view(wb, article_id=ARTICLE, author="mona")["drafts"]
    assert [(d["unit"], d["text"]) for d in drafts] == [(seg["id"], "Лавров — черновик 2"), ("summary", "Итог — черновик")]
    assert r.review_view(wb, article_id=ARTICLE, author="sam")["drafts"] == []
    assert r.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="ru", text="Лавров — готово", base_revision_id=base, author="mona")["ok"]
    assert [d["unit"] for d in wb.drafts(ARTICLE, "mona")] == ["summary"]
    assert r.discard_draft(wb, article_id=ARTICLE, unit="summary", language="ru", author="mona")["ok"] and wb.drafts(ARTICLE, "mona") == []


def test_a_conflict_keeps_both_texts_and_keep_mine_saves_on_top(translated):
    wb = translated
    seg = body(wb)[3]
    base = seg["targets"]["en"]["revision_id"]
    theirs = r.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Their version of the sentence.", base_revision_id=base, author="sam")
    refused = r.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="My version of the sentence.", base_revision_id=base, author="mona")
    assert refused["ok"] is False and refused["conflict"]
    assert refused["current_text"] == "Their version of the sentence." and refused["current_author"] == "sam"
    assert "<del>Their</del>" in r.compare(wb, old_text=refused["current_text"], new_text="My version of the sentence.")["diff_html"]
    mine = r.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="My version of the sentence.", base_revision_id=refused["current_revision_id"], author="mona")
    assert mine["ok"] and mine["revision_id"] > theirs["revision_id"]
    texts = [h["text"] for h in r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["history"]]
    assert texts[:2] == ["My version of the sentence.", "Their version of the sentence."]


def test_history_in_full_and_restore_for_segments_and_summaries(translated):
    wb = translated
    seg = body(wb)[0]
    long_text = "Lavrov said that " + "the two countries will keep working together on every regional question " * 3
    saved = r.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text=long_text, base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    details = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    assert details["history"][0]["text"] == long_text and details["history"][0]["reviewed"]  # full text, newest first
    machine_rev = details["history"][-1]["id"]
    restored = r.restore_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", revision_id=machine_rev, base_revision_id=saved["revision_id"], author="mona")
    assert restored["ok"] and restored["text"] == seg["targets"]["en"]["machine"]["text"]
    assert r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["text"] == restored["text"]
    summary = wb.article(ARTICLE).to_dict()["summaries"]["en"]
    edit = r.save_unit(wb, article_id=ARTICLE, unit="summary", language="en", text="Lavrov met his counterpart.", base_revision_id=summary["revision_id"], author="mona")
    history = r.unit_details(wb, article_id=ARTICLE, unit="summary", language="en")["history"]
    assert [h["text"] for h in history] == ["Lavrov met his counterpart.", summary["text"]]
    back = r.restore_unit(wb, article_id=ARTICLE, unit="summary", language="en", revision_id=history[1]["id"], base_revision_id=edit["revision_id"], author="mona")
    assert back["ok"] and wb.article(ARTICLE).to_dict()["summaries"]["en"]["text"] == summary["text"]


def test_retranslate_and_regenerate_keep_human_text_unless_asked(translated):
    wb = translated
    seg = body(wb)[4]
    r.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="A person's sentence.", base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    kept = r.retranslate_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    assert kept == {"ok": True, "replaced": False, "message": "Kept the human text (ask to replace it)."}
    assert r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["text"] == "A person's sentence."
    assert r.retranslate_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", replace_edited=True)["replaced"]
    assert r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["text"] != "A person's sentence."
    summary = wb.article(ARTICLE).to_dict()["summaries"]["ru"]
    r.save_unit(wb, article_id=ARTICLE, unit="summary", language="ru", text="Итог, написанный человеком.", base_revision_id=summary["revision_id"], author="mona")
    assert r.retranslate_unit(wb, article_id=ARTICLE, unit="summary", language="ru")["replaced"] is False
    assert wb.article(ARTICLE).to_dict()["summaries"]["ru"]["text"] == "Итог, написанный человеком."


def test_details_show_memory_matches_with_the_differing_arabic_marked_and_glossary_terms(translated, tmp_path):
    wb = translated
    seg = next(s for s in body(wb, OTHER) if "لافروف" in s["source_text"] and len(s["source_text"].split()) > 8)
    wb.save(OTHER, seg["id"], "en", "Lavrov's reviewed line.", author="mona",
            base_revision_id=seg["targets"]["en"]["revision_id"], reviewed=True)
    words = seg["source_text"].split()
    changed = " ".join([*words[:-1], "غدا"])  # the same sentence with its last word changed
    article = tmp_path / "near.txt"
    article.write_text(f"عنوان تجريبي\n\n{changed}\n", encoding="utf-8")
    new_id = wb.import_paths([str(article)]).article_ids[0]
    wb.translate([new_id], ["en"])
    near = next(s for s in body(wb, new_id) if s["source_text"] == changed)
    details = r.unit_details(wb, article_id=new_id, unit=near["id"], language="en")
    match = details["matches"][0]
    assert match["text"] == "Lavrov's reviewed line." and match["score"] >= 75
    assert "<ins>غدا</ins>" in match["source_diff_html"] and f"<del>{words[-1]}</del>" in match["source_diff_html"]
    assert any("Lavrov" in t["forms"] for t in details["terms"])  # the glossary's forms for لافروف
    assert details["confidence"]["score"] > 0 and r.unit_details(wb, article_id=OTHER, unit=seg["id"], language="en")["confidence"] is None
    assert r.unit_details(wb, article_id=OTHER, unit="nope", language="en")["ok"] is False
    assert r.save_unit(wb, article_id=OTHER, unit=seg["id"], language="de", text="x", base_revision_id=None, author="mona")["ok"] is False


def test_cli_mark_approved_follows_the_rules_and_records_an_override(translated):
    from click.testing import CliRunner

    from workbench.app.cli import cli

    home = str(translated.home)
    refused = CliRunner().invoke(cli, ["--home", home, "mark", ARTICLE, "approved", "--lang", "en"])
    assert refused.exit_code == 1 and "not reviewed" in refused.stderr and "Traceback" not in refused.output
    done = CliRunner().invoke(cli, ["--home", home, "mark", ARTICLE, "approved", "--lang", "en", "--override", "demo"])
    assert done.exit_code == 0 and "override recorded" in done.output
    assert translated.store.status_log(ARTICLE)[-1]["override"].startswith("demo [")


def test_cached_views_follow_writes_from_other_connections_and_glossary_edits(translated):
    from workbench import Workbench

    wb = translated
    seg = body(wb)[0]
    assert wb.article(ARTICLE) is wb.article(ARTICLE)  # asked twice, built once
    with Workbench(wb.home, profile="tiny") as other:  # say, the CLI while the server runs
        other.save(ARTICLE, seg["id"], "en", "Written elsewhere.", author="cli",
                   base_revision_id=seg["targets"]["en"]["revision_id"])
    assert body(wb)[0]["targets"]["en"]["text"] == "Written elsewhere."
    rows = [row for row in wb.glossary().to_rows() if row[1] != "Lavrov"]
    before = wb.article(ARTICLE)
    assert glossary_panel.save_table(wb, rows, glossary_version(wb.store), "a")["ok"]
    assert wb.article(ARTICLE) is not before  # a glossary edit makes a new view
