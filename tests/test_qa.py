"""QA checks, glossary matching and the translation memory, on real sentences from the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.review.glossary import STARTER, normalise_arabic, parse_csv
from workbench.review.memory import TranslationMemory, normalise
from workbench.review.qa import check_segment, explain, flag_length, flag_numbers, missing_numbers, numbers_in

from .conftest import review_and_approve

PAIRS = json.loads((Path(__file__).parent / "data" / "reference_pairs.json").read_text(encoding="utf-8"))
GLOSSARY = parse_csv(STARTER.read_text(encoding="utf-8"))


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p["en"][:30])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_good_reference_translations_raise_no_flags(pair, lang):
    """Negative case for every check: hand-made translations of seed sentences pass them all."""
    assert check_segment(pair["ar"], pair[lang], "ar", lang, GLOSSARY) == []


def test_numbers_are_normalised_across_scripts_and_separators():
    assert numbers_in("بطول 7,591 كيلومتراً") == ["7591"]
    assert numbers_in("длиной 7 591 километр") == ["7591"] == numbers_in("7591 km") == numbers_in("٧٬٥٩١")
    assert numbers_in("٢٢ أكتوبر ۲۰۲۵") == ["22", "2025"]
    assert numbers_in("2021-2025 و 20% و 1.5") == ["2021", "2025", "20", "1.5"]
    assert numbers_in("on November 12 2024") == ["12", "2024"]


def test_numbers_flag_missing_number_or_year():
    pair = PAIRS[1]  # 7,591 km
    assert flag_numbers(pair["ar"], pair["en"]) is None
    wrong = pair["en"].replace("7,591", "7,951")
    assert flag_numbers(pair["ar"], wrong) == "numbers" and missing_numbers(pair["ar"], wrong) == ["7591"]
    pair = PAIRS[9]  # 7 November 2024
    assert flag_numbers(pair["ar"], pair["ru"].replace("2024", "2025")) == "numbers"
    assert "numbers" in check_segment(PAIRS[6]["ar"], PAIRS[6]["en"].replace("20%", "twenty percent"), "ar", "en")


def test_glossary_flag_when_term_translated_otherwise():
    pair = PAIRS[2]  # Tokayev
    assert "glossary" in check_segment(pair["ar"], pair["en"].replace("Tokayev", "Tokaev"), "ar", "en", GLOSSARY)
    assert explain(pair["ar"], pair["en"].replace("Tokayev", "Tokaev"), "en", GLOSSARY) == ["glossary: توكاييف should be Tokayev"]
    assert "glossary" in check_segment(pair["ar"], pair["ru"].replace("Токаев", "Токаєв"), "ar", "ru", GLOSSARY)
    pair = PAIRS[8]  # Moscow and Nur-Sultan, Russian in the nominative; other cases must match too
    assert "glossary" not in check_segment(pair["ar"], pair["ru"].replace("Москва", "Москвой"), "ar", "ru", GLOSSARY)
    assert "glossary" in check_segment(pair["ar"], pair["ru"].replace("Москва", "Столица"), "ar", "ru", GLOSSARY)


@pytest.mark.parametrize(("text", "english"), [
    ("وكازاخستان", "Kazakhstan"),           # و prefix
    ("لكازاخستان", "Kazakhstan"),           # ل prefix
    ("بكازاخستان", "Kazakhstan"),
    ("وأستانا", "Astana"),
    ("واستانا", "Astana"),                  # hamza dropped
    ("لافـــروف", "Lavrov"),                # tatweel
    ("لاَفْرُوف", "Lavrov"),                 # diacritics
    ("في منظمة معاهدة الأمن الجماعي", "CSTO"),
    ("وفي منظمة شنغهاي للتعاون", "SCO"),
    ("للاتحاد الاقتصادي الأوراسي", "EAEU"),   # لل = ل + ال
    ('مجموعة الرؤية الإستراتيجية "روسيا - العالم الإسلامي"', '"Russia – Islamic World" strategic vision group'),
])
def test_glossary_matches_arabic_robustly(text, english):
    assert english in [t.en[0] for t in GLOSSARY.find(text)]


def test_glossary_does_not_match_other_words():
    assert GLOSSARY.find("الكازاخستاني والروسي") == []  # the adjective "Kazakh" is not the country
    assert normalise_arabic("الإستراتيجية") == normalise_arabic("الاستراتيجيه")


def test_glossary_covers_the_requested_terms():
    english = {t.en[0] for t in GLOSSARY.terms}
    for name in ["Lavrov", "Rudenko", "Kazakhstan", "Uzbekistan", "Nazarbayev", "Tokayev", "Mirziyoyev", "Zakharova",
                 "Kazykhanov", "Borodavkin", "Astana", "Nur-Sultan", "Baikonur", "Moscow", "Tashkent", "Dushanbe",
                 "CSTO", "EAEU", "CIS", "SCO", "ASEAN", "TASS", "Kazinform"]:
        assert name in english
    assert all(t.ru for t in GLOSSARY.terms)


def test_length_ratio_positive_and_negative():
    pair = PAIRS[0]
    assert flag_length(pair["ar"], pair["en"], ("ar", "en")) is None
    assert flag_length(pair["ar"], "Relations develop.", ("ar", "en")) == "length_ratio"
    assert flag_length(pair["ar"], pair["en"] * 3, ("ar", "en")) == "length_ratio"


def test_untranslated_identical_empty_repetition_on_seed_sentences():
    pair = PAIRS[3]
    assert "arabic_in_target" in check_segment(pair["ar"], pair["en"] + " روسيا", "ar", "en")
    assert "copy_of_source" in check_segment(pair["ar"], pair["ar"], "ar", "en")
    assert check_segment(pair["ar"], "", "ar", "en") == ["empty"]
    assert "repetition" in check_segment(pair["ar"], "Rudenko also noted noted noted noted that Russia", "ar", "en")


# --------------------------------------------------------------------------- translation memory
def test_memory_exact_match_replaces_machine_translation(translated, tmp_path):
    wb = translated
    article = "004_4fe84c6801f8dc08"
    view = wb.article(article).to_dict()
    seg = next(s for s in view["segments"] if s["kind"] == "heading")
    wb.save(article, seg["id"], "en", "A solid partnership", author="editor", base_revision_id=seg["targets"]["en"]["revision_id"])
    review_and_approve(wb, article, "en")
    new = tmp_path / "new.txt"
    new.write_text("مقال جديد عن الشراكة.\nشَراكة راسخة\nجملة أخيرة في المقال.\n", encoding="utf-8")  # with a diacritic
    wb.translate([str(new)], ["en"])
    row = next(s for s in wb.article("new").to_dict()["segments"] if s["kind"] == "heading")
    unit = row["targets"]["en"]
    assert unit["text"] == "A solid partnership" and unit["origin"] == "memory"
    assert unit["machine"]["provenance"]["model"] == "translation-memory"
    assert unit["machine"]["provenance"]["memory"]["segment_id"] == seg["id"]
    assert "meaningless_model" not in unit["flags"]
    others = [s for s in wb.article("new").to_dict()["segments"] if s["kind"] == "body"]
    assert all(s["targets"]["en"]["origin"] == "machine" for s in others)


def test_memory_fuzzy_matches_are_scored_suggestions(translated):
    wb = translated
    article = "001_4df2e2abeb755126"
    seg = next(s for s in wb.article(article).to_dict()["segments"] if s["source_text"].startswith("كما أشار رودينكو"))
    wb.save(article, seg["id"], "en", PAIRS[3]["en"], author="editor", base_revision_id=seg["targets"]["en"]["revision_id"])
    review_and_approve(wb, article, "en")
    memory = TranslationMemory.from_store(wb.store, "en")
    near = "كما أشار رودينكو إلى أن روسيا وأوزبكستان تستعدان للتوقيع على حوالي 25 مشروع اتفاقية دولية."
    matches = memory.fuzzy(near)
    assert matches and matches[0][0].text == PAIRS[3]["en"] and 75 <= matches[0][1] < 100
    assert memory.exact(near) is None
    assert memory.fuzzy("شراكة استراتيجية حقيقية في آسيا الوسطى والعالم") == []  # far below 75
    assert normalise("«نعم»، قالها.") == normalise("نعم قالها")
    from workbench.app import operations as r

    other = "002_9dab9691f7e9a554"
    target = next(s for s in wb.article(other).to_dict()["segments"] if s["kind"] == "body")
    # suggestions appear in the editor (scored) when a similar approved sentence exists
    wb.store.conn.execute("UPDATE segments SET source_text = ? WHERE id = ?", (near, target["id"]))
    ed = r.unit_details(wb, article_id=other, unit=target["id"], language="en")
    assert ed["matches"][0]["text"] == PAIRS[3]["en"] and ed["matches"][0]["score"] >= 75
    # and in XLIFF exports, as <alt-trans> with their match quality
    from lxml import etree

    from workbench.exchange.formats.xliff import NS

    data, _ = wb.render_export([other], ["en"], "xliff")
    unit = etree.fromstring(data).find(f".//{{{NS}}}trans-unit[@id='{target['id']}']")
    alt = unit.find(f"{{{NS}}}alt-trans")
    assert alt is not None and float(alt.get("match-quality")) >= 75
    assert alt.find(f"{{{NS}}}target").text == PAIRS[3]["en"]
