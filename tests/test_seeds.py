"""The five sample articles, with expectations checked by reading them."""

from __future__ import annotations

import pytest

from workbench.text.articles import build_article, rebuild
from workbench.text.cleaning import clean_text

from .conftest import SEEDS

# Body sentences counted by hand, line by line (multi-sentence quotes split at their full stops).
BODY_SEGMENTS = {"000": 15, "001": 21, "002": 26, "003": 9, "004": 18}
HEADINGS = {
    "000": ["شراكة استراتيجية حقيقية"],
    "001": ["20 مشروع اتفاقيات بين روسيا وأوزبكستان"],
    "002": ["التكامل الأوروبي الآسيوي"],
    "003": [],
    "004": ["شراكة راسخة", "العلاقات الاقتصادية"],
}
PHOTO = {"000": "وزارة الخارجية الروسية", "001": "Creative Commons", "002": "وزارة الخارجية الروسية",
         "003": "وزارة الخارجية الروسية", "004": "مجلس الاتحاد الروسي"}


def load(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return build_article(path.read_text(encoding="utf-8"), path.stem, path=str(path))


@pytest.mark.parametrize("prefix", sorted(BODY_SEGMENTS))
def test_body_segment_counts_and_headings(prefix):
    _, segments = load(prefix)
    assert sum(s.kind == "body" for s in segments) == BODY_SEGMENTS[prefix]
    assert [s.source_text for s in segments if s.kind == "heading"] == HEADINGS[prefix]


def test_titles_and_dates_of_003_and_004():
    a3, _ = load("003")
    a4, _ = load("004")
    assert a3.title == "لافروف: الحل المشترك للقضايا يعزز العلاقات بين روسيا وكازاخستان"
    assert a4.title == "وزيرا الخارجية الروسي والكازاخستاني يبحثان التعاون الثنائي"
    assert (a3.date, a3.date_raw) == ("2024-11-07", "٠٧ نوفمبر")
    assert (a4.date, a4.date_raw) == ("2025-10-22", "٢٢ أكتوبر")


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_articles_without_headline_have_no_invented_title(prefix):
    article, segments = load(prefix)
    assert article.title is None and article.date is None
    assert not any(s.kind == "title" for s in segments)
    assert article.label.startswith(article.cleaned_text.split()[0])


@pytest.mark.parametrize("prefix", sorted(PHOTO))
def test_source_photo_and_publisher_are_meta(prefix):
    article, segments = load(prefix)
    assert article.source == "TASS" and article.source_raw == "تاس"
    assert article.photo_credit == PHOTO[prefix]
    assert article.publisher and article.publisher.startswith("مجموعة الرؤية")
    roles = {s.role for s in segments if s.kind == "meta"}
    assert {"source", "photo", "publisher"} <= roles
    body = " ".join(s.source_text for s in segments if s.kind == "body")
    assert "المصدر" not in body and "مجموعة الرؤية" not in body and PHOTO[prefix] not in body


@pytest.mark.parametrize("prefix", sorted(PHOTO))
def test_rebuild_gives_cleaned_text_back_exactly(prefix):
    article, segments = load(prefix)
    assert rebuild(segments) == article.cleaned_text
    for seg in segments:
        assert article.cleaned_text[seg.start:seg.end] == seg.source_text
        assert "Ru En" not in seg.source_text
    assert article.original_text == next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_site_chrome_and_blank_lines_are_dropped():
    article, _ = load("003")
    assert not article.cleaned_text.startswith("Ru En")
    assert "\n\n" not in article.cleaned_text and "\u00a0" not in article.cleaned_text
    assert article.cleaned_text == clean_text(article.original_text)


def test_segment_ids_are_stable_and_unique():
    _, first = load("002")
    _, second = load("002")
    assert [s.id for s in first] == [s.id for s in second]
    assert len({s.id for s in first}) == len(first)
