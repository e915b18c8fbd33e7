"""Summary checks on a real seed article (003: Lavrov in Astana, 7 November 2024), each with a summary that
passes and one that fails it."""

from __future__ import annotations

import pytest

from workbench.review.glossary import STARTER, parse_csv
from workbench.review.summary_checks import check_summary
from workbench.text.articles import build_article, rebuild

from .conftest import SEEDS

GLOSSARY = parse_csv(STARTER.read_text(encoding="utf-8"))
PATH = next(SEEDS.glob("003_*.txt"))
_, SEGMENTS = build_article(PATH.read_text(encoding="utf-8"), PATH.stem)
ARTICLE = rebuild([s for s in SEGMENTS if s.kind != "meta"])

GOOD_EN = ("Russian Foreign Minister Sergey Lavrov said in Astana on 7 November 2024 that solving the questions "
           "that arise between Russia and Kazakhstan strengthens their alliance.")
GOOD_RU = ("Министр иностранных дел России Сергей Лавров заявил 7 ноября 2024 года, что решение вопросов между "
           "Россией и Казахстаном укрепляет союзнические отношения.")


def flags(summary: str, lang: str = "en") -> list[str]:
    return check_summary(ARTICLE, summary, lang, GLOSSARY)[0]


def test_faithful_summaries_pass():
    assert flags(GOOD_EN) == []
    assert flags(GOOD_RU, "ru") == []
    assert flags("Lavrov visited Astana on ٧ November ٢٠٢٤.") == []  # Arabic-Indic digits are the same numbers


@pytest.mark.parametrize(("summary", "lang", "flag", "detail"), [
    (GOOD_EN.replace("2024", "2025"), "en", "summary_numbers", "numbers not in the article: 2025"),
    (GOOD_EN + " Trade reached 28 billion dollars.", "en", "summary_numbers", "28"),
    (GOOD_EN.replace("Sergey Lavrov", "Sergey Lavrov and President Tokayev"), "en", "summary_names", "Tokayev"),
    (GOOD_EN.replace("Astana", "Tashkent"), "en", "summary_names", "Tashkent"),
    (GOOD_EN.replace("Kazakhstan", "Uzbekistan"), "en", "summary_names", "Uzbekistan"),
    (GOOD_RU, "en", "wrong_language", "not written in English"),
    (GOOD_EN, "ru", "wrong_language", "not written in Russian"),
    ("لافروف: الحل المشترك للقضايا يعزز العلاقات بين روسيا وكازاخستان.", "en", "wrong_language", "English"),
    (GOOD_EN[:-1].rsplit(" ", 3)[0], "en", "cut_off", "ends mid-sentence"),
    ("Lavrov said Russia and Kazakhstan are allies allies allies allies.", "en", "repetition", "repeats"),
    ("", "en", "empty", "empty"),
])
def test_each_check_catches_its_fault(summary, lang, flag, detail):
    found, details = check_summary(ARTICLE, summary, lang, GLOSSARY)
    assert flag in found and any(detail in d for d in details)


def test_flags_follow_the_current_text(translated):
    from workbench.app import operations as r

    article = "003_70140ed69b948bf5"
    unit = translated.article(article).to_dict()["summaries"]["en"]
    assert "meaningless_model" in unit["flags"]
    assert r.save_unit(translated, article_id=article, unit="summary", language="en", text=GOOD_EN.replace("2024", "2031"), base_revision_id=unit["revision_id"], author="ed")["ok"]
    edited = translated.article(article).to_dict()["summaries"]["en"]
    assert edited["flags"] == ["summary_numbers"] and edited["qa"] == ["numbers not in the article: 2031"]
    assert r.save_unit(translated, article_id=article, unit="summary", language="en", text=GOOD_EN, base_revision_id=edited["revision_id"], author="ed")["ok"]
    assert translated.article(article).to_dict()["summaries"]["en"]["flags"] == []  # an edited summary clears its flags


def test_a_summary_with_a_bidi_control_is_flagged():
    from workbench.review.summary_checks import check_summary

    flags, details = check_summary("لافروف يستقبل نظيره", "Lavrov pays \u202e0001\u202c to his counterpart.", "en")
    assert "bidi_control" in flags and any("bidi" in d for d in details)
    assert "bidi_control" not in check_summary("لافروف يستقبل نظيره", "Lavrov meets his counterpart.", "en")[0]
