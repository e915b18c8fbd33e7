"""Sentence splitting rules on real sentences from the seeds."""

from __future__ import annotations

from workbench.text.articles import build_article
from workbench.text.segmentation import approx_tokens, split_paragraph


def texts(line: str) -> list[str]:
    return [line[s.start:s.end] for s in split_paragraph(line)]


def test_splits_on_full_stop_question_and_exclamation():
    assert texts("قال الوزير. هل هذا صحيح؟ نعم! انتهى") == ["قال الوزير.", "هل هذا صحيح؟", "نعم!", "انتهى"]


def test_never_splits_on_arabic_comma_or_semicolon():
    line = "قال وزير الخارجية الروسي سيرغي لافروف، إن مستوى الثقة يسمح؛ مشيراً إلى أنه لن يتمكن أحد."
    assert texts(line) == [line]


def test_closing_quotation_stays_with_its_sentence():
    line = 'وأضاف لافروف: "نحن نتطلع بتفاؤل. لا أحد يستطيع أن يدق إسفيناً بيننا". وتابع الوزير.'
    assert texts(line) == ['وأضاف لافروف: "نحن نتطلع بتفاؤل.', 'لا أحد يستطيع أن يدق إسفيناً بيننا".', "وتابع الوزير."]


def test_numbers_and_abbreviations_do_not_split():
    line = "بطول 7,591 كيلومتراً للفترة 2021-2025 بنسبة 1.5 في المئة. قال د. أحمد إن Mr. Smith وصل."
    assert texts(line) == ["بطول 7,591 كيلومتراً للفترة 2021-2025 بنسبة 1.5 في المئة.", "قال د. أحمد إن Mr. Smith وصل."]


def test_elision_mark_is_not_a_sentence_end():
    line = 'وقال: "من المهم بالنسبة لنا "..." أن تظل روسيا حليفا". انتهى.'
    assert texts(line) == ['وقال: "من المهم بالنسبة لنا "..." أن تظل روسيا حليفا".', "انتهى."]


def test_over_long_sentence_is_split_at_semicolon_then_comma():
    clause = " ".join(["التعاون"] * 60)
    line = f"{clause}، {clause}؛ {clause}، {clause}."
    pieces = texts(line)
    assert len(pieces) > 1
    assert all(approx_tokens(p) <= 200 for p in pieces)
    assert " ".join(pieces) == line  # nothing lost, single spaces between pieces


def test_over_long_sentence_without_punctuation_is_split_on_words():
    line = " ".join(["كلمة"] * 500) + "."
    pieces = texts(line)
    assert all(approx_tokens(p) <= 200 for p in pieces) and " ".join(pieces) == line


def test_headings_are_short_lines_without_final_punctuation():
    _, segs = build_article("النص الأول طويل بما يكفي.\nشراكة استراتيجية حقيقية\nجملة أخرى في المتن.", "x")
    assert [s.kind for s in segs] == ["body", "heading", "body"]
