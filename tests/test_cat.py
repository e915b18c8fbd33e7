"""The CAT editor's features (issue 19, "What professionals expect of a CAT editor"), without a browser: comments
with @mentions (resolved or not, searchable, exported in XLIFF and JSONL), propagation of repeated segments (never
over a person's text), match marks, concordance over the translation memory, find and replace with a preview and
one revision per changed segment (conflicts respected), dismissing one false-positive flag (recorded, reversible,
no longer blocking approval), and the presence registry."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from workbench.app import operations as ops
from workbench.app import operations_cat as cat
from workbench.app.presence import Presence
from workbench.exchange.formats.xliff import NS
from workbench.review import concordance
from workbench.review.replace import Search

from .conftest import SCHEMAS

ARTICLE = "003_70140ed69b948bf5"
OTHER = "000_b2b0b7ef8c4c7ace"
XSD = SCHEMAS / "xliff-core-1.2-strict.xsd"
A = "التقى لافروف نظيره في موسكو."
B = "وناقش الجانبان العلاقات الثنائية."
C = "وتحدث الوزيران عن التجارة."


def body(wb: Any, article: str = ARTICLE) -> list[dict[str, Any]]:
    return [s for s in wb.article(article).to_dict()["segments"] if s["kind"] != "meta"]


def target(wb: Any, seg_id: str, lang: str = "en", article: str = ARTICLE) -> dict[str, Any]:
    return next(s for s in body(wb, article) if s["id"] == seg_id)["targets"][lang]


def revisions(wb: Any) -> int:
    return wb.store.query("SELECT COUNT(*) FROM revisions")[0][0]


# --------------------------------------------------------------------------- comments
def test_comments_with_mentions_resolution_and_search(translated):
    wb = translated
    seg = body(wb)[1]
    made = cat.add_comment(wb, article_id=ARTICLE, unit=seg["id"], language="en",
                           text="  Is «Astana» right here? @Mona_Saleh @bob, see a@b.org ", author="ali")
    assert made["ok"], made
    comment = made["comment"]
    assert comment["text"] == "Is «Astana» right here? @Mona_Saleh @bob, see a@b.org"  # trimmed, kept as typed
    assert comment["author"] == "ali" and comment["resolved"] is False and comment["mentions"] == ["bob", "mona_saleh"]
    assert cat.add_comment(wb, article_id=ARTICLE, unit=seg["id"], language="ru", text="Проверить падеж «Москвы».",
                           author="олег")["ok"]
    # listed for the reviewer by full name (spaces as _) or by first name, in any case
    assert [c["id"] for c in cat.mentions(wb, author="Mona Saleh")["comments"]] == [comment["id"]]
    assert [c["number"] for c in cat.mentions(wb, author="BOB")["comments"]] == [2]
    assert cat.mentions(wb, author="a")["comments"] == [] and cat.mentions(wb, author="org")["comments"] == []  # not an e-mail
    view = cat.cat_view(wb, article_id=ARTICLE, author="bob")
    assert view["mentions"] == 1 and [c["lang"] for c in view["comments"]] == ["en", "ru"]
    # resolving is recorded and takes it off the mentions list; reopening brings it back
    done = cat.resolve_comment(wb, article_id=ARTICLE, comment_id=comment["id"], resolved=True, author="mona")
    assert done["comment"]["resolved"] and done["comment"]["resolved_by"] == "mona"
    assert cat.mentions(wb, author="bob")["comments"] == []
    assert len(cat.mentions(wb, author="bob", include_resolved=True)["comments"]) == 1
    assert cat.resolve_comment(wb, article_id=ARTICLE, comment_id=comment["id"], resolved=False,
                               author="bob")["comment"]["resolved"] is False
    # searchable in every script, case-insensitively
    assert [c["author"] for c in cat.search_comments(wb, query="МОСКВ")["comments"]] == ["олег"]
    assert [c["id"] for c in cat.search_comments(wb, query="astana")["comments"]] == [comment["id"]]
    assert cat.search_comments(wb, query="x")["ok"] is False  # at least two characters


def test_comments_refuse_what_is_not_theirs_and_write_nothing(translated):
    wb = translated
    seg = body(wb)[0]
    theirs = body(wb, OTHER)[0]
    mine = cat.add_comment(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="mine",
                           author="ali")["comment"]["id"]
    before = wb.store.query("SELECT COUNT(*) FROM comments")[0][0]
    for args in ((ARTICLE, seg["id"], "en", "   ", "ali"), (ARTICLE, seg["id"], "en", "x" * 4001, "ali"),
                 (ARTICLE, theirs["id"], "en", "planted", "eve"), (ARTICLE, "../../etc/passwd", "en", "x", "eve"),
                 (ARTICLE, seg["id"], "de", "x", "eve")):
        answer = cat.add_comment(wb, **dict(zip(("article_id", "unit", "language", "text", "author"), args, strict=True)))
        assert answer["ok"] is False and "\n" not in answer["error"], (args, answer)
    assert cat.resolve_comment(wb, article_id=OTHER, comment_id=mine, resolved=True,
                               author="eve")["ok"] is False  # an id of another article
    assert cat.resolve_comment(wb, article_id=ARTICLE, comment_id=10**9, resolved=True, author="eve")["ok"] is False
    assert wb.store.query("SELECT COUNT(*) FROM comments")[0][0] == before


def test_comments_and_dismissals_are_exported_in_xliff_and_jsonl(translated):
    wb = translated
    seg = body(wb)[0]
    cat.add_comment(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Check <the> name & title.",
                    author="ali")
    cat.add_comment(wb, article_id=ARTICLE, unit="summary", language="en", text="Summary too long.", author="mona")
    data = wb.render_export([ARTICLE], ["en", "ru"], "xliff")[0]
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(data))
    root = etree.fromstring(data)
    unit_notes = root.findall(f".//{{{NS}}}trans-unit[@id='{seg['id']}']/{{{NS}}}note[@from='ali']")
    assert len(unit_notes) == 1 and unit_notes[0].text.endswith("Check <the> name & title.")
    assert unit_notes[0].text.startswith("comment (open, ")
    header = root.findall(f".//{{{NS}}}file[@target-language='en']/{{{NS}}}header/{{{NS}}}note[@from='mona']")
    assert len(header) == 1 and header[0].text.endswith("Summary too long.")
    assert not root.findall(f".//{{{NS}}}file[@target-language='ru']//{{{NS}}}note[@from='ali']")
    record = json.loads(wb.render_export([ARTICLE], ["en", "ru"], "jsonl")[0])
    row = next(s for s in record["segments"] if s["id"] == seg["id"])
    assert [c["text"] for c in row["comments"]["en"]] == ["Check <the> name & title."] and "ru" not in row["comments"]
    assert record["summary_comments"]["en"][0]["author"] == "mona"


# --------------------------------------------------------------------------- repeated segments
@pytest.fixture
def repeated(translated, tmp_path: Path):
    """Two new articles: one with the sentence A four times (and B, C), one more with A, translated to en, ru."""
    wb = translated
    one, two = tmp_path / "repeated.txt", tmp_path / "elsewhere.txt"
    one.write_text(f"{A}\n\n{B}\n\n{A}\n\n{C}\n\n{A}\n\n{A}\n", encoding="utf-8")
    two.write_text(f"{C}\n\n{A}\n", encoding="utf-8")
    ids = wb.import_paths([str(one), str(two)]).article_ids
    assert wb.translate(article_ids=ids, targets=["en", "ru"]).ok
    return wb, ids[0], ids[1]


def test_a_saved_text_is_offered_to_identical_segments_and_never_over_a_persons_text(repeated):
    wb, art, _ = repeated
    rows = body(wb, art)
    first, third, fifth, sixth = (rows[i] for i in (0, 2, 4, 5))
    # a person already wrote the fifth; the reviewer has a draft in the sixth
    assert ops.save_unit(wb, article_id=art, unit=fifth["id"], language="en",
                         text="Lavrov met his counterpart (a person's).",
                         base_revision_id=fifth["targets"]["en"]["revision_id"], author="mona", reviewed=False)["ok"]
    assert ops.save_draft(wb, article_id=art, unit=sixth["id"], language="en", text="typing…",
                          base_revision_id=sixth["targets"]["en"]["revision_id"], author="ali")["ok"]
    saved = ops.save_unit(wb, article_id=art, unit=first["id"], language="en",
                          text="Lavrov met his counterpart in Moscow.",
                          base_revision_id=first["targets"]["en"]["revision_id"], author="ali")
    offer = cat.repetitions(wb, article_id=art, unit=first["id"], language="en", corpus=False, author="ali")
    assert offer["revision_id"] == saved["revision_id"]
    assert [c["unit"] for c in offer["candidates"]] == [third["id"]]  # not the person's, not the drafted one
    assert [c["number"] for c in offer["candidates"]] == [3]
    before = revisions(wb)
    places = [[art, c["unit"], c["revision_id"]] for c in offer["candidates"]] + [[art, fifth["id"], None]]
    done = cat.propagate(wb, article_id=art, unit=first["id"], language="en", revision_id=saved["revision_id"],
                         targets=places, author="ali")
    assert done["ok"] and [g["unit"] for g in done["given"]] == [third["id"]]
    assert [s["unit"] for s in done["skipped"]] == [fifth["id"]]
    assert revisions(wb) == before + 1  # one revision per given unit
    given = target(wb, third["id"], article=art)
    assert given["text"] == "Lavrov met his counterpart in Moscow." and given["state"] == "edited"
    assert given["origin"] == "human" and given["author"] == "ali"
    assert target(wb, fifth["id"], article=art)["text"] == "Lavrov met his counterpart (a person's)."
    assert wb.drafts(art, "ali")[0]["text"] == "typing…"  # the draft is kept
    # it is marked propagated, in the view and on the page's marks; the Russian is untouched
    assert wb.article(art).row(third["id"]).unit("en").propagated
    assert cat.cat_view(wb, article_id=art, author="ali")["units"]["en"][third["id"]]["propagated"] is True
    assert target(wb, third["id"], "ru", article=art)["origin"] == "machine"
    # an unconfirmed propagated text follows a later correction of the source segment; a confirmed one does not
    again = ops.save_unit(wb, article_id=art, unit=first["id"], language="en",
                          text="Lavrov met his Kazakh counterpart in Moscow.",
                          base_revision_id=saved["revision_id"], author="ali")
    offer = cat.repetitions(wb, article_id=art, unit=first["id"], language="en", corpus=False, author="ali")
    assert [c["unit"] for c in offer["candidates"]] == [third["id"]]
    ops.confirm_unit(wb, article_id=art, unit=third["id"], language="en",
                     base_revision_id=offer["candidates"][0]["revision_id"], author="mona")
    assert cat.repetitions(wb, article_id=art, unit=first["id"], language="en", corpus=False,
                           author="ali")["candidates"] == []
    assert again["ok"]


def test_propagation_checks_the_revision_it_was_offered_and_the_saved_text(repeated):
    wb, art, _ = repeated
    rows = body(wb, art)
    first, third = rows[0], rows[2]
    saved = ops.save_unit(wb, article_id=art, unit=first["id"], language="en", text="Lavrov met.",
                          base_revision_id=first["targets"]["en"]["revision_id"], author="ali")
    offer = cat.repetitions(wb, article_id=art, unit=first["id"], language="en", corpus=False,
                            author="ali")["candidates"]
    # a colleague saves the third meanwhile: the offer's revision is stale, the unit is skipped (conflict respected)
    ops.save_unit(wb, article_id=art, unit=third["id"], language="en", text="Bob's text.",
                  base_revision_id=third["targets"]["en"]["revision_id"], author="bob", reviewed=False)
    done = cat.propagate(wb, article_id=art, unit=first["id"], language="en", revision_id=saved["revision_id"],
                         targets=[[art, c["unit"], c["revision_id"]] for c in offer], author="ali")
    assert [g["number"] for g in done["given"]] == [5, 6]
    assert [s["unit"] for s in done["skipped"]] == [third["id"]] and "a person's" in done["skipped"][0]["why"]
    assert target(wb, third["id"], article=art)["text"] == "Bob's text."
    # an offer older than the unit's revision is refused for that unit
    again = ops.save_unit(wb, article_id=art, unit=first["id"], language="en", text="Lavrov met again.",
                          base_revision_id=saved["revision_id"], author="ali")
    stale = cat.propagate(wb, article_id=art, unit=first["id"], language="en", revision_id=again["revision_id"],
                          targets=[[art, rows[4]["id"], None]], author="ali")
    assert stale["given"] == [] and "changed since the offer" in stale["skipped"][0]["why"]
    saved = again
    # only the unit's current text, a person's, is propagated; B is not the same Arabic
    assert cat.propagate(wb, article_id=art, unit=first["id"], language="en",
                         revision_id=first["targets"]["en"]["revision_id"],
                         targets=[[art, rows[3]["id"], None]], author="ali")["ok"] is False
    other = cat.propagate(wb, article_id=art, unit=first["id"], language="en", revision_id=saved["revision_id"],
                          targets=[[art, rows[1]["id"], rows[1]["targets"]["en"]["revision_id"]]], author="ali")
    assert other["given"] == [] and other["skipped"]


def test_the_corpus_is_offered_on_request_and_approved_languages_are_left_alone(repeated):
    wb, art, elsewhere = repeated
    first = body(wb, art)[0]
    saved = ops.save_unit(wb, article_id=art, unit=first["id"], language="ru", text="Лавров встретился с коллегой.",
                          base_revision_id=first["targets"]["ru"]["revision_id"], author="ali")
    local = cat.repetitions(wb, article_id=art, unit=first["id"], language="ru", corpus=False,
                            author="ali")["candidates"]
    corpus = cat.repetitions(wb, article_id=art, unit=first["id"], language="ru", corpus=True,
                             author="ali")["candidates"]
    assert {c["article_id"] for c in local} == {art}
    assert [c["article_id"] for c in corpus if c["article_id"] != art] == [elsewhere]
    wb.approve(elsewhere, "ru", "chief", override="test")
    after = cat.repetitions(wb, article_id=art, unit=first["id"], language="ru", corpus=True,
                            author="ali")["candidates"]
    assert {c["article_id"] for c in after} == {art}
    done = cat.propagate(wb, article_id=art, unit=first["id"], language="ru", revision_id=saved["revision_id"],
                         targets=[[c["article_id"], c["unit"], c["revision_id"]] for c in corpus], author="ali")
    assert {g["article_id"] for g in done["given"]} == {art} and done["skipped"][0]["article_id"] == elsewhere
    assert wb.article(elsewhere).status["ru"] == "approved"


# --------------------------------------------------------------------------- match marks
def test_match_marks_say_machine_with_its_model_memory_fuzzy_and_human(translated, tmp_path):
    wb = translated
    src = tmp_path / "first.txt"
    src.write_text(f"{A}\n\n{B}\n", encoding="utf-8")
    one = wb.import_paths([str(src)]).article_ids[0]
    wb.translate(article_ids=[one], targets=["en"])
    for seg in body(wb, one):
        ops.save_unit(wb, article_id=one, unit=seg["id"], language="en", text=f"Reviewed {seg['number']}.",
                      base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    near = tmp_path / "second.txt"
    near.write_text(f"{A}\n\nوناقش الجانبان العلاقات الثنائية أمس.\n\n{C}\n", encoding="utf-8")
    two = wb.import_paths([str(near)]).article_ids[0]
    wb.translate(article_ids=[two], targets=["en"])
    rows = body(wb, two)
    marks = cat.cat_view(wb, article_id=two, author="mona")["units"]["en"]
    exact, fuzzy, fresh = (marks[r["id"]] for r in rows)
    assert exact["match"] == "memory" and exact.get("fuzzy") is None
    assert fuzzy["match"] == "machine" and fuzzy["model"] and 75 <= fuzzy["fuzzy"] < 100
    assert fresh["match"] == "machine" and fresh["fuzzy"] is None and fresh["model"] == rows[2]["targets"]["en"]["machine"]["provenance"]["model"]
    ops.save_unit(wb, article_id=two, unit=rows[2]["id"], language="en", text="Trade.",
                  base_revision_id=rows[2]["targets"]["en"]["revision_id"], author="mona")
    assert cat.cat_view(wb, article_id=two, author="mona")["units"]["en"][rows[2]["id"]]["match"] == "human"


# --------------------------------------------------------------------------- concordance
def _review_all(wb: Any, lang: str = "en") -> int:
    n = 0
    for article in wb.store.article_ids():
        for seg in body(wb, article):
            unit = seg["targets"][lang]
            if unit and not unit["reviewed"]:
                text = f"Reviewed «{seg['number']}» of {article[:3]} — Kazakhstan и Москва"
                ops.save_unit(wb, article_id=article, unit=seg["id"], language=lang, text=text,
                              base_revision_id=unit["revision_id"], author="mona")
                n += 1
    return n


def test_concordance_finds_words_in_arabic_english_and_russian(translated):
    wb = translated
    assert cat.concordance(wb, query="لافروف", languages=["en"])["hits"] == []  # nothing reviewed yet: an empty memory
    assert _review_all(wb) > 60
    # Arabic without its diacritics and with another alef form finds the text as written
    hits = cat.concordance(wb, query="لافروف", languages=["en"])
    assert hits["total"] > 3 and all("لافروف" in h["source"] for h in hits["hits"])
    hit = hits["hits"][0]
    start, end = hit["source_spans"][0]
    assert hit["source"][start:end] == "لافروف" and hit["text_spans"] == []
    sharp = cat.concordance(wb, query="الدبلوماسية", languages=["en"])["total"]
    assert sharp and cat.concordance(wb, query="الدِّبلوماسيّة",
                                     languages=["en"])["total"] == sharp  # diacritics folded
    assert cat.concordance(wb, query="أحد", languages=["en"])["total"] == cat.concordance(wb, query="احد",
                                                                                          languages=["en"])["total"] > 0
    # English, any case; Russian (ё as е) in the translations
    english = cat.concordance(wb, query="KAZAKHSTAN", languages=["en"])
    assert english["total"] > 60 and english["hits"][0]["text"][slice(*english["hits"][0]["text_spans"][0])] == "Kazakhstan"
    assert cat.concordance(wb, query="москва", languages=["en"])["total"] == english["total"]
    # a query is text, never a pattern; too short or too long is one clear error
    assert cat.concordance(wb, query=".*", languages=["en"])["total"] == 0
    for bad in ("a", " ", "x" * 201):
        answer = cat.concordance(wb, query=bad, languages=["en"])
        assert answer["ok"] is False and "query" in answer["error"]


def test_concordance_over_the_seeds_memory_folds_it_once(translated, monkeypatch):
    """What keeps a search fast, counted rather than timed (a wall clock flakes on a shared machine): the memory
    is folded once per language, and each later search folds only its query and the characters of the hits it
    shows, never a stored text again (the rest is one substring test per pair)."""
    wb = translated
    _review_all(wb, "en")
    _review_all(wb, "ru")
    memories = {lang: wb.memory(lang) for lang in ("en", "ru")}
    built: list[str] = []
    folded: list[int] = []
    real_fold = concordance.fold

    class Index(concordance._Index):
        def __init__(self, memory: Any):
            built.append(next(lang for lang, m in memories.items() if m is memory))
            super().__init__(memory)

    monkeypatch.setattr(concordance, "_INDEXES", {})
    monkeypatch.setattr(concordance, "_Index", Index)
    monkeypatch.setattr(concordance, "fold", lambda text: folded.append(len(text)) or real_fold(text))
    concordance.search(memories, "لافروف")  # folds the memory once
    entries = sum(len(m) for m in memories.values())
    assert sorted(built) == ["en", "ru"] and len(folded) >= 2 * entries
    for query in ("لافروف", "كازاخستان", "Kazakhstan", "Москва", "العلاقات الثنائية"):
        folded.clear()
        hits, total = concordance.search(memories, query)
        assert total > 0 and folded and max(folded) == len(query)  # the query; then one character at a time
        assert len(folded) <= 1 + sum(len(h.entry.source) + len(h.entry.text) for h in hits)
    assert sorted(built) == ["en", "ru"] and entries > 120


# --------------------------------------------------------------------------- find and replace
def test_find_and_replace_previews_then_writes_one_revision_per_segment(translated):
    wb = translated
    rows = body(wb)
    texts = ["The minister met Lavrov. lavrov spoke.", "Nothing here.", "Lavrovsky is not Lavrov.", "a.b and axb"]
    for seg, text in zip(rows, texts, strict=False):
        ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text=text,
                      base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    preview = cat.replace_preview(wb, article_id=ARTICLE, language="en", find="Lavrov", replacement="Lavrov Jr.",
                                  match_case=False, whole_word=True)
    changes = {c["unit"]: c for c in preview["changes"]}
    assert set(changes) == {rows[0]["id"], rows[2]["id"]} and preview["count"] == 3  # whole words, any case
    assert changes[rows[0]["id"]]["new"] == "The minister met Lavrov Jr.. Lavrov Jr. spoke."
    assert changes[rows[2]["id"]]["new"] == "Lavrovsky is not Lavrov Jr.."
    assert changes[rows[0]["id"]]["spans"] == [[17, 23], [25, 31]]
    exact = cat.replace_preview(wb, article_id=ARTICLE, language="en", find="Lavrov", replacement="L.", match_case=True,
                                whole_word=False)
    assert {c["unit"] for c in exact["changes"]} == {rows[0]["id"], rows[2]["id"]} and exact["count"] == 3
    # plain text, never a pattern: "." is a dot, "$1" stays "$1", a catastrophic pattern is just characters
    dot = cat.replace_preview(wb, article_id=ARTICLE, language="en", find="a.b", replacement=r"\1$1", match_case=True,
                              whole_word=False)["changes"]
    assert [c["new"] for c in dot] == [r"\1$1 and axb"]
    catastrophic = "(a+)+$" * 30
    assert cat.replace_preview(wb, article_id=ARTICLE, language="en", find=catastrophic, replacement="",
                               match_case=False, whole_word=False)["changes"] == []
    pattern = Search(catastrophic).pattern()  # its characters escaped: no group, nothing to backtrack over
    assert pattern.pattern == re.escape(catastrophic) and pattern.groups == 0
    # apply: one revision per changed segment, through the save path; a segment saved since the preview is skipped
    before = revisions(wb)
    ops.save_unit(wb, article_id=ARTICLE, unit=rows[2]["id"], language="en", text="Bob rewrote Lavrov here.",
                  base_revision_id=changes[rows[2]["id"]]["revision_id"], author="bob")
    picks = [[c["unit"], c["revision_id"]] for c in preview["changes"]]
    done = cat.replace_apply(wb, article_id=ARTICLE, language="en", find="Lavrov", replacement="Lavrov Jr.",
                             match_case=False, whole_word=True, picks=picks, author="ali")
    assert [c["unit"] for c in done["changed"]] == [rows[0]["id"]] and [s["unit"] for s in done["skipped"]] == [rows[2]["id"]]
    assert revisions(wb) == before + 2  # bob's save and one replace
    changed = target(wb, rows[0]["id"])
    assert changed["text"] == "The minister met Lavrov Jr.. Lavrov Jr. spoke." and changed["author"] == "ali"
    assert changed["state"] == "edited"  # a person confirms it again in context
    assert target(wb, rows[2]["id"])["text"] == "Bob rewrote Lavrov here."


def test_replace_skips_a_unit_with_the_reviewers_draft_and_refuses_bad_input(translated):
    wb = translated
    seg = body(wb)[0]
    rev = seg["targets"]["en"]["revision_id"]
    ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Astana today.", base_revision_id=rev,
                  author="mona")
    current = target(wb, seg["id"])["revision_id"]
    ops.save_draft(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Astana tomorrow (typing)",
                   base_revision_id=current, author="ali")
    done = cat.replace_apply(wb, article_id=ARTICLE, language="en", find="Astana", replacement="Nur-Sultan",
                             match_case=False, whole_word=False, picks=[[seg["id"], current]], author="ali")
    assert done["changed"] == [] and "draft" in done["skipped"][0]["why"]
    assert cat.replace_apply(wb, article_id=ARTICLE, language="en", find="Astana", replacement="Nur-Sultan",
                             match_case=False, whole_word=False, picks=[[seg["id"], current]], author="bob")["changed"]
    for find in ("", "x" * 201):
        assert cat.replace_preview(wb, article_id=ARTICLE, language="en", find=find, replacement="", match_case=False,
                                   whole_word=False)["ok"] is False
    assert cat.replace_apply(wb, article_id=ARTICLE, language="en", find="a", replacement="b", match_case=False,
                             whole_word=False, picks=[], author="ali")["ok"] is False


# --------------------------------------------------------------------------- dismissing a flag
def test_a_dismissed_flag_is_recorded_shown_reversible_and_no_longer_blocks(translated, tmp_path):
    wb = translated
    src = tmp_path / "numbers.txt"
    src.write_text("ارتفع الإنتاج بنسبة 30 في المئة.\n\nوانخفضت الأسعار قليلا.\n", encoding="utf-8")
    art = wb.import_paths([str(src)]).article_ids[0]
    wb.translate(article_ids=[art], targets=["en"])
    seg, other = body(wb, art)
    ops.save_unit(wb, article_id=art, unit=seg["id"], language="en", text="Output rose by thirty per cent.",
                  base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    ops.save_unit(wb, article_id=art, unit=other["id"], language="en", text="Prices fell a little.",
                  base_revision_id=other["targets"]["en"]["revision_id"], author="mona")
    unit = target(wb, seg["id"], article=art)
    assert "numbers" in unit["blocking"]
    assert any("numbers" in p for p in ops.review_view(wb, article_id=art)["approval"]["en"])
    assert cat.dismiss_flag(wb, article_id=art, unit=seg["id"], language="en", flag="numbers", reason="  ",
                            author="ali")["ok"] is False  # a reason is needed
    answer = cat.dismiss_flag(wb, article_id=art, unit=seg["id"], language="en", flag="numbers",
                              reason="30 is written out as 'Thirty'", author="ali")
    assert answer["ok"], answer
    assert "numbers" not in answer["row"]["targets"]["en"]["flags"] and answer["approval"]["en"] == []
    assert answer["dismissed"][0]["reason"] == "30 is written out as 'Thirty'" and answer["dismissed"][0]["author"] == "ali"
    assert cat.cat_view(wb, article_id=art, author="")["units"]["en"][seg["id"]]["dismissed"][0]["flag"] == "numbers"
    assert cat.dismiss_flag(wb, article_id=art, unit=seg["id"], language="en", flag="numbers", reason="again",
                            author="ali")["ok"] is False
    # reversible: restored, it blocks again; the record stays
    restored = cat.restore_flag(wb, article_id=art, unit=seg["id"], language="en", flag="numbers", author="mona")
    assert "numbers" in restored["row"]["targets"]["en"]["blocking"] and restored["approval"]["en"]
    assert cat.restore_flag(wb, article_id=art, unit=seg["id"], language="en", flag="numbers",
                            author="mona")["ok"] is False
    log = wb.store.query("SELECT author, restored_by FROM flag_dismissals")
    assert [tuple(r) for r in log] == [("ali", "mona")]
    # dismissed again; the language can be approved without an override; a changed text brings the flag back
    cat.dismiss_flag(wb, article_id=art, unit=seg["id"], language="en", flag="numbers", reason="written out",
                     author="ali")
    assert wb.approve(art, "en", "chief") == "approved"
    assert wb.article(art).status_override["en"] is None
    ops.save_unit(wb, article_id=art, unit=seg["id"], language="en", text="Thirty years of close relations.",
                  base_revision_id=target(wb, seg["id"], article=art)["revision_id"], author="mona")
    assert "numbers" in target(wb, seg["id"], article=art)["blocking"]


def test_flags_that_are_facts_or_absent_cannot_be_dismissed(translated):
    wb = translated
    seg = body(wb)[0]
    assert "meaningless_model" in target(wb, seg["id"])["flags"]
    answer = cat.dismiss_flag(wb, article_id=ARTICLE, unit=seg["id"], language="en", flag="meaningless_model",
                              reason="tiny models", author="ali")
    assert answer["ok"] is False and "fact" in answer["error"]
    assert cat.dismiss_flag(wb, article_id=ARTICLE, unit=seg["id"], language="en", flag="bidi_control", reason="why",
                            author="ali")["ok"] is False
    assert cat.dismiss_flag(wb, article_id=ARTICLE, unit=seg["id"], language="en", flag="no_such_flag", reason="why",
                            author="ali")["ok"] is False
    assert wb.store.query("SELECT COUNT(*) FROM flag_dismissals")[0][0] == 0


# --------------------------------------------------------------------------- presence
def test_presence_lists_the_others_and_forgets_silent_pages():
    clock = [100.0]
    reg = Presence(clock=lambda: clock[0], ttl=30, limit=3)
    assert reg.heartbeat("tab-alice-1", "a1", "Alice", "a1.s12", "en") == []
    clock[0] += 5
    seen = reg.heartbeat("tab-bob-001", "a1", "Bob", "", "ru")
    assert seen == [{"author": "Alice", "unit": "a1.s12", "lang": "en", "editing": True, "seconds_ago": 5.0}]
    assert reg.heartbeat("tab-carol-1", "a2", "Carol", "", "en") == []  # another article
    clock[0] += 26  # Alice is silent for 31 s: gone
    assert [o["author"] for o in reg.heartbeat("tab-bob-001", "a1", "Bob", "a1.s3", "ru")] == []
    assert len(reg) == 2
    for n in range(5):  # bounded: the stalest go first
        clock[0] += 1
        reg.heartbeat(f"tab-flood-{n}", "a3", "Eve", "", "en")
    assert len(reg) == 3


def test_one_author_flooding_presence_with_tab_ids_pushes_out_only_her_own_tabs():
    clock = [100.0]
    reg = Presence(clock=lambda: clock[0], ttl=30, limit=50, tabs=4)
    reg.heartbeat("tab-alice-1", "a1", "Alice", "a1.s1", "en")
    for n in range(200):
        clock[0] += 0.01
        reg.heartbeat(f"tab-eve-{n}", "a1", "Eve", "", "en")
    others = reg.heartbeat("tab-bob-001", "a1", "Bob", "", "ru")
    assert [o["author"] for o in others].count("Eve") == 4
    assert "Alice" in [o["author"] for o in others]
    assert len(reg) == 6


def test_the_presence_operation_checks_the_article_and_unit(translated):
    wb = translated
    seg = body(wb)[0]
    assert cat.presence(wb, article_id=ARTICLE, client="tab-alice-7", editing=seg["id"], language="en",
                        author="Alice")["ok"]
    others = cat.presence(wb, article_id=ARTICLE, client="tab-bob-0007", editing="", language="en",
                          author="Bob")["others"]
    assert [(o["author"], o["unit"], o["editing"]) for o in others] == [("Alice", seg["id"], True)]
    for args in ((OTHER, "tab-bob-0007", seg["id"], "en", "Bob"), ("nope", "tab-bob-0007", "", "en", "Bob"),
                 (ARTICLE, "short", "", "en", "Bob"), (ARTICLE, "../../../etc", "", "en", "Bob")):
        named = dict(zip(("article_id", "client", "editing", "language", "author"), args, strict=True))
        assert cat.presence(wb, **named)["ok"] is False, args


def test_the_cat_modules_write_text_only_through_the_write_path():
    from .test_workflow import write_sites

    assert not [site for site in write_sites() if "cat" in site[0] or "propagation" in site[0] or "replace" in site[0]]
    for name in ("propagation", "replace"):
        assert "workflow.save(" in (Path(__file__).parent.parent / "workbench" / "review" / f"{name}.py").read_text()
