"""The fact checks: numbers, ledger names in every Russian case, quotations, English/Russian agreement, summary
claims traced to segments, and the measured precision and recall on the seeded-error corpus."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.errors import WorkbenchError
from workbench.review.facts import Thresholds, check
from workbench.review.names import Entity, NameBook, name_book
from workbench.review.numbers import values
from workbench.review.summary_checks import trace_claims, unsupported_claims
from workbench.runs.check_eval import evaluate_checks, read_cases

from .conftest import ROOT

CORPUS = ROOT / "tests" / "data" / "seeded_errors.jsonl"
VISIT = "من المقرر أن يقوم الرئيس توكاييف بزيارة دولة إلى روسيا في 12 نوفمبر/تشرين الثاني المقبل."
BORDER = "كما أكد الرئيس الكازاخستاني أن بلاده تشترك مع روسيا في أطول حدود برية متصلة في العالم، بطول 7,591 كيلومتراً."
TOKAYEV = NameBook([Entity(("توكاييف",), "Tokayev", "Токаев", "person")])
# Токаев in each of the six cases, singular and plural
RU_CASES = ["Токаев", "Токаева", "Токаеву", "Токаевым", "Токаеве", "Токаевы", "Токаевых", "Токаевыми"]


@pytest.mark.parametrize("form", RU_CASES)
def test_every_russian_case_of_a_ledger_name_is_accepted(form):
    target = f"Визит, о котором говорил {form}, состоится 12 ноября."
    assert [m.key for m in TOKAYEV.in_target(target, "ru")] == ["Tokayev"]
    assert not [f for f in check(VISIT, target, "ru", book=TOKAYEV) if f.kind == "name"]


@pytest.mark.parametrize("wrong", ["Токаевой", "Токаенко", "Назарбаев", "Токаевский"])
def test_another_name_or_form_is_refused(wrong):
    target = f"Президент {wrong} посетит Россию с государственным визитом 12 ноября."
    flags = [f for f in check(VISIT, target, "ru", book=TOKAYEV) if f.kind == "name"]
    assert flags and "توكاييف" in flags[0].reason and flags[0].source_start == VISIT.index("توكاييف")


def test_a_woman_s_name_is_not_a_man_s():
    book = NameBook([Entity(("زاخاروفا",), "Zakharova", "Захарова", "person")])
    assert [m.key for m in book.in_source("وأشارت زاخاروفا إلى أن الوزيرين سيناقشان التعاون.")] == ["Zakharova"]
    assert book.in_target("по словам Захаровой", "ru") and book.in_target("Захарову", "ru")
    assert not book.in_target("Захаров отметил", "ru")


def test_an_off_ledger_spelling_is_pointed_at():
    flags = check(VISIT, "President Tokaev will pay a state visit to Russia on November 12.", "en", book=TOKAYEV)
    spelled = [f for f in flags if f.kind == "name" and f.start >= 0]
    assert spelled and "Tokayev" in spelled[0].reason and spelled[0].start == len("President ")


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("the thirtieth anniversary, 7,591 km, July 16", "en", {"30", "7591", "16"}),
    ("seven thousand five hundred and ninety-one kilometres", "en", {"7591"}),
    ("к тридцатилетию, трёх школ, 7 591 км", "ru", {"30", "3", "7591"}),
    ("الذكرى الـ ٣٠ ، ثلاث مدارس، ٧٬٥٩١ كيلومتراً", "ar", {"30", "3", "7591"}),
])
def test_numbers_in_digits_ordinals_and_words(text, lang, expected):
    assert values(text, lang) == expected


def test_a_changed_number_is_flagged_where_it_is():
    target = "President Tokayev will pay a state visit to Russia on November 21."
    flags = [f for f in check(VISIT, target, "en", book=TOKAYEV) if f.kind == "number"]
    assert len(flags) == 1 and "12" in flags[0].reason and target[flags[0].start:flags[0].end] == "21"


def test_an_english_russian_number_disagreement_is_flagged_on_both():
    en = "President Tokayev will pay a state visit to Russia on November 12."
    ru = "Президент Токаев посетит Россию с государственным визитом 21 ноября."
    on_en = [f for f in check(VISIT, en, "en", ru, book=TOKAYEV) if f.kind == "cross_language"]
    on_ru = [f for f in check(VISIT, ru, "ru", en, book=TOKAYEV) if f.kind == "cross_language"]
    assert on_en and on_ru
    assert "English has 12" in on_en[0].reason and "English has 12" in on_ru[0].reason
    agreeing = "Президент Токаев посетит Россию с государственным визитом 12 ноября."
    assert not [f for f in check(VISIT, en, "en", agreeing, book=TOKAYEV) if f.kind == "cross_language"]


def test_a_reattributed_quotation_is_flagged():
    source = ("وصرح توكاييف خلال لقائه في دوشنبه مع بوتين: \"نولي أهمية كبيرة لهذا الحدث ونستعد له بكل جدية\".")
    right = "\"We attach great importance to this event and are preparing for it seriously,\" Tokayev told Putin."
    wrong = "\"We attach great importance to this event and are preparing for it seriously,\" Putin told Tokayev."
    book = name_book()
    assert not [f for f in check(source, right, "en", book=book) if f.kind == "quote"]
    flags = [f for f in check(source, wrong, "en", book=book) if f.kind == "quote"]
    assert flags and "Tokayev" in flags[0].reason and "Putin" in flags[0].reason


def test_a_target_in_the_wrong_language_is_flagged():
    ukrainian = "Президент Токаєв здійснить державний візит до Росії 12 листопада, повідомили в його офісі."
    flags = check(VISIT, ukrainian, "ru", book=TOKAYEV)
    assert [f.kind for f in flags] == ["language"] and "Ukrainian" in flags[0].reason


def test_a_summary_claim_with_a_number_not_in_the_article_is_flagged_and_traced():
    segments = [("s1", VISIT), ("s2", BORDER)]
    summary = "Tokayev visits Russia on November 12; the 7,591 km border has 40 crossings."
    claims = {c.text: c for c in trace_claims(segments, summary, "en")}
    assert claims["12"].segments == ("s1",) and claims["7591"].segments == ("s2",)
    assert claims["Tokayev"].segments == ("s1",)
    unsupported = unsupported_claims(segments, summary, "en")
    assert [(c.kind, c.text) for c in unsupported] == [("number", "40")]
    assert summary[unsupported[0].start:unsupported[0].end] == "40"


def test_unsupported_claims_join_the_summary_flags_each_once():
    from workbench.review.summary_checks import check_summary

    segments = [("s1", VISIT), ("s2", BORDER)]
    summary = 'Tokayev visits Russia on November 12 with 40 aides; Putin said: "we will open forty new crossings soon".'
    unsupported = unsupported_claims(segments, summary, "en")
    assert [(c.kind, summary[c.start:c.end]) for c in unsupported] == [
        ("number", "40"), ("name", "Putin"), ("quote", '"we will open forty new crossings soon"'), ("number", "forty")]
    flags, details = check_summary(VISIT + "\n\n" + BORDER, summary, "en", None, unsupported)
    assert flags == ["summary_numbers", "summary_names", "summary_quotes"]
    assert details[:2] == ["numbers not in the article: 40", "names not in the article: Putin"]
    assert '"we will open forty new crossings soon"' in details[2]
    assert check_summary(VISIT, "Tokayev visits Russia on November 12.", "en", None,
                         unsupported_claims(segments, "Tokayev visits Russia on November 12.", "en")) == ([], [])
    # a number the article writes in words is in the article: traced, the summary's digits are not flagged
    schools, said = "وافتتحت روسيا ثلاث مدارس جديدة في طشقند.", "Russia opened 3 new schools."
    assert check_summary(schools, said, "en")[0] == ["summary_numbers"]  # untraced: digits only
    assert check_summary(schools, said, "en", None, unsupported_claims([("s9", schools)], said, "en")) == ([], [])


def test_thresholds_are_shown_and_learned():
    thresholds = Thresholds()
    shown = thresholds.to_dict()
    assert shown["false_alarm"] == 0.01 and shown["lengths"]["ar-en"]["pairs"] == 9
    model = thresholds.lengths[("ar", "en")]
    longer = model.learned([1.6] * 40)
    assert longer.mean > model.mean and longer.n == 49


def test_bad_case_files_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "source": "x", "lang": "fr", "target": "y", "errors": []}\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="lang"):
        read_cases(str(bad))
    bad.write_text('{"id": "1", "source": "x", "lang": "en", "target": "y", "errors": ["typo"]}\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="errors"):
        read_cases(str(bad))


def test_the_corpus_has_what_the_issue_asks():
    cases = read_cases(str(CORPUS))
    kinds = [k for c in cases for k in c.errors]
    assert all(kinds.count(k) >= 15 for k in ("number", "name", "quote", "omission", "addition", "language",
                                              "cross_language"))
    assert sum(1 for c in cases if not c.errors) >= 60


def test_eval_checks_holds_the_targets():
    result = CliRunner().invoke(cli, ["eval", "--checks", str(CORPUS), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    kinds = report["kinds"]
    for kind in ("number", "name", "language"):
        assert kinds[kind]["recall"] >= 0.9 and kinds[kind]["precision"] >= 0.9, (kind, kinds[kind])
    for kind in ("omission", "quote"):
        assert kinds[kind]["recall"] >= 0.8, (kind, kinds[kind])
    assert report["false_alarm_rate"] <= 0.05
    assert set(kinds["number"]) == {"precision", "recall", "tp", "fp", "fn"}
    assert len(report["cases"]) == len(read_cases(str(CORPUS)))


def test_eval_checks_text_report_names_the_thresholds(tmp_path):
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "x", "source": VISIT, "lang": "en", "errors": ["number"],
                               "target": "President Tokayev will pay a state visit to Russia on November 21."},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    report = evaluate_checks(str(one))
    assert report.kinds()["number"].tp == 1
    text = "\n".join(report.lines())
    assert "false alarms on clean cases" in text and "2.33 sd" in text
