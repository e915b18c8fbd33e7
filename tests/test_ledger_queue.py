"""The entity ledger (confirm, the LLM prompt's terms, CSV and TBX round trips, hostile files) and the review
queue ordered by risk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.errors import WorkbenchError
from workbench.review import ledger
from workbench.review.facts import Flag
from workbench.review.risk import SegmentSignals, rank, urgency
from workbench.store.database import MachineOutputRecord
from workbench.store.entities import all_entities, changes

VISIT = "من المقرر أن يقوم الرئيس توكاييف بزيارة دولة إلى روسيا في 12 نوفمبر/تشرين الثاني المقبل."
TALKS = "وبحث الرئيس شوكت ميرزيوييف مع الوفد الروسي سبل تعزيز التعاون بين البلدين في مجالات كثيرة."


@pytest.fixture
def wb(home):
    from workbench import Workbench

    with Workbench(home) as bench:
        yield bench


def test_the_ledger_starts_with_the_starter_list_and_a_confirmation_is_logged(wb):
    ledger.ensure_starter(wb.store)
    assert any(r.en == "Tokayev" and r.status == "confirmed" for r in all_entities(wb.store))
    saved = ledger.confirm(wb.store, "كوزنتسوف", "Kuznetsov", "Кузнецов", "person", author="mona")
    assert (saved.en, saved.ru, saved.status) == ("Kuznetsov", "Кузнецов", "confirmed")
    assert changes(wb.store, saved.id)[-1]["author"] == "mona"
    book = ledger.book(wb.store)
    assert [m.key for m in book.in_target("встреча с Кузнецовым", "ru")] == ["Kuznetsov"]


def test_a_confirmed_ledger_form_is_in_the_llm_prompt_of_a_segment_with_the_name(wb):
    from workbench.models.llm import Request, render
    from workbench.models.prompts import load_translation_template
    from workbench.runs.context import glossary_of, term_pairs

    ledger.confirm(wb.store, "شوكت ميرزيوييف", "Shavkat Mirziyoyev", "Шавкат Мирзиёев", "person", author="mona")
    terms = term_pairs(glossary_of(wb.store), TALKS, "ar", "ru")
    assert ("شوكت ميرزيوييف", "Шавкат Мирзиёев") in terms
    rendered = render(load_translation_template("ar", "ru"), Request(TALKS, "", (), terms), 0)
    assert "شوكت ميرزيوييف → Шавкат Мирзиёев" in rendered.user
    assert not [t for t in term_pairs(glossary_of(wb.store), VISIT, "ar", "ru") if "Шавкат" in t[1]]


def test_the_ledger_round_trips_csv_and_tbx(wb, tmp_path):
    ledger.confirm(wb.store, "زاخاروفا", "Zakharova", "Захарова", "person", author="mona")
    ledger.import_rows(wb.store, [ledger.row("إرزان كازيخانوف|كازيخانوف", "Yerzhan Kazykhanov", "Ержан Казыханов",
                                             "person", "new", "Kazakh foreign minister, \"new\" in 2025")], "mona")
    before = [(r.ar, r.en, r.ru, r.kind, r.status, r.note) for r in all_entities(wb.store)]
    for name in ("ledger.csv", "ledger.tbx"):
        path = tmp_path / name
        result = CliRunner().invoke(cli, ["--home", str(wb.home), "ledger", "--export", str(path)])
        assert result.exit_code == 0, result.output
        rows = ledger.from_tbx(path.read_bytes()) if name.endswith(".tbx") else ledger.from_csv(path.read_text("utf-8"))
        assert [(r.ar, r.en, r.ru, r.kind, r.status, r.note) for r in rows] == before, name
    assert b"preferredTerm-admn-sts" in (tmp_path / "ledger.tbx").read_bytes()


@pytest.mark.parametrize("bad", [
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><martif><text><body><termEntry>'
    b'<langSet xml:lang="ar"><tig><term>&x;</term></tig></langSet></termEntry></body></text></martif>',
    b"<martif><text><body><termEntry><langSet xml:lang='ar'><tig><term>=cmd()</term></tig></langSet>"
    b"<langSet xml:lang='en'><tig><term>x</term></tig></langSet></termEntry></body></text></martif>",
    b"not xml",
])
def test_a_hostile_tbx_is_one_clear_error(bad):
    with pytest.raises(WorkbenchError):
        ledger.from_tbx(bad)


def test_a_hostile_csv_row_names_its_line():
    with pytest.raises(WorkbenchError, match="line 3"):
        ledger.from_csv("ar,en,ru\nبوتين,Putin,Путин\nلافروف,=HYPERLINK(1),Лавров\n")


def _signals(segment_id, confidence, facts=()):
    return SegmentSignals("a1", segment_id, "en", "text", confidence, facts)


def test_the_queue_puts_a_missing_number_above_a_clean_segment_with_lower_confidence():
    missing = _signals("s1", 0.9, (Flag("number", "the Arabic has 12; the translation does not"),))
    clean = _signals("s2", 0.3)
    rows = rank([clean, missing])
    assert [r.segment_id for r in rows] == ["s1", "s2"]
    assert any("number" in reason for reason in rows[0].reasons)
    assert any("confidence 30%" in reason for reason in rows[1].reasons)


def test_waiting_and_a_near_deadline_raise_an_article():
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    old = urgency((now - timedelta(hours=10)).isoformat(), now, None)
    due = urgency(now.isoformat(), now, now + timedelta(minutes=30))
    assert old.score == 0.5 and due.score == 2.0 and "deadline in 0.5 h" in due.reasons[0]


def test_workbench_queue_ranks_stored_translations_and_says_why(wb, tmp_path):
    article = tmp_path / "visit.txt"
    article.write_text(VISIT + "\n\n" + TALKS + "\n", encoding="utf-8")
    article_id = wb.import_paths([str(article)]).article_ids[0]
    segs = {s["source_text"]: s for s in wb.store.segments(article_id)}
    made = {VISIT: ("President Tokayev will pay a state visit to Russia in November.", 0.95),
            TALKS: ("President Shavkat Mirziyoyev discussed with the Russian delegation ways to strengthen "
                    "cooperation between the two countries in many areas.", 0.35)}
    wb.store.add_machine_outputs([MachineOutputRecord(
        article_id, segs[src]["id"], "segment", "en", src, text, [],
        {"model": "test", "confidence": {"score": score, "mean_logprob": -0.1, "tokens": 20}})
        for src, (text, score) in made.items()])
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "queue", "--to", "en", "--json"])
    assert result.exit_code == 0, result.output
    queue = json.loads(result.output)
    first, second = queue["rows"]
    assert first["segment_id"] == segs[VISIT]["id"] and second["segment_id"] == segs[TALKS]["id"]
    assert any(r.startswith("+3.00 number") for r in first["reasons"])
    assert queue["thresholds"]["lengths"]["ar-en"]["pairs"] == 9 and queue["weights"]["facts"]["number"] == 3.0
    text = CliRunner().invoke(cli, ["--home", str(wb.home), "queue", "--to", "en"]).output
    assert "riskiest first" in text and "model confidence 35%" in text


def test_people_introduced_with_a_title_are_found_as_new_entities(wb):
    text = ("خلال إحاطة إعلامية، صرّحت المتحدثة باسم وزارة الخارجية الروسية - ماريا زاخاروفا، بأن الوزيرين "
            "سيناقشان التعاون. وقال نائب وزير الخارجية - ألكسندر غروشكو، إن المحادثات مهمة.")
    added = ledger.discover(wb.store, [("a1 s1", text)])
    assert [r.ar for r in added] == ["ألكسندر غروشكو|غروشكو"]  # Zakharova is in the starter ledger already
    assert added[0].status == "new" and not added[0].en
    assert ledger.discover(wb.store, [("a1 s1", text)]) == []  # once
    book = ledger.book(wb.store)
    novel = [m.text for m in book.in_source(text) if not book.get(m.key).confirmed]
    assert novel == ["ألكسندر غروشكو"]  # the longest form found
    from workbench.review.facts import check

    assert not [f for f in check(text, "Deputy Foreign Minister Alexander Grushko said the talks matter; Zakharova "
                                       "said the ministers would discuss cooperation.", "en", book=book) if f.kind == "name"]


def test_ledger_import_and_confirm_through_the_cli(wb, tmp_path):
    csv_file = tmp_path / "names.csv"
    csv_file.write_text("ar,en,ru,kind,status,note\nغروشكو,Grushko,Грушко,person,new,\n", encoding="utf-8")
    runner = CliRunner()
    home = ["--home", str(wb.home)]
    assert runner.invoke(cli, [*home, "ledger", "--import", str(csv_file)]).exit_code == 0
    tbx = tmp_path / "names.tbx"
    tbx.write_bytes(ledger.to_tbx([ledger.row("ريابكوف", "Ryabkov", "Рябков", "person", "confirmed")]))
    assert runner.invoke(cli, [*home, "ledger", "--import", str(tbx)]).exit_code == 0
    result = runner.invoke(cli, [*home, "ledger", "--confirm", "غروشكو", "--en", "Grushko", "--ru", "Грушко",
                                 "--kind", "person"])
    assert result.exit_code == 0 and "confirmed" in result.output
    rows = {r["en"]: r for r in json.loads(runner.invoke(cli, [*home, "ledger", "--json"]).output)}
    assert rows["Grushko"]["status"] == "confirmed" and rows["Ryabkov"]["ru"] == "Рябков"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"ar,en,ru\n" + b"\xff\xfe\n")
    refused = runner.invoke(cli, [*home, "ledger", "--import", str(bad)])
    assert refused.exit_code == 1 and "UTF-8" in refused.output and "Traceback" not in refused.output


def test_qa_facts_adds_the_fact_flags_with_their_reasons(wb, tmp_path):
    article = tmp_path / "visit.txt"
    article.write_text(VISIT + "\n", encoding="utf-8")
    article_id = wb.import_paths([str(article)]).article_ids[0]
    seg = wb.store.segments(article_id)[0]
    wb.store.add_machine_outputs([MachineOutputRecord(article_id, seg["id"], "segment", "en", VISIT,
                                                      "President Tokaev will visit Russia on November 21.", [],
                                                      {"model": "test"})])
    plain = json.loads(CliRunner().invoke(cli, ["--home", str(wb.home), "qa", article_id, "--to", "en", "--json"]).output)
    assert not plain or "number" not in plain[0]["flags"]
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "qa", article_id, "--to", "en", "--facts", "--json"])
    row = json.loads(result.output)[0]
    assert {"number", "name"} <= set(row["flags"]) and any("Tokayev" in d for d in row["details"])


def test_a_quotation_over_several_segments_is_checked_over_its_paragraph(wb, tmp_path):
    paragraph = ("وأضاف لافروف: \"نحن نتطلع بتفاؤل إلى مستقبل علاقاتنا مع أصدقائنا الكازاخستانيين. "
                 "لا أحد يستطيع أن يدق إسفيناً بيننا\".")
    article = tmp_path / "quote.txt"
    article.write_text(paragraph + "\n", encoding="utf-8")
    article_id = wb.import_paths([str(article)]).article_ids[0]
    segs = [s for s in wb.store.segments(article_id) if s["kind"] != "meta"]
    assert len(segs) == 2 and segs[0]["paragraph"] == segs[1]["paragraph"]  # the quotation is split
    texts = ["Zakharova added: \"We look with optimism to the future of our relations with our Kazakh friends.",
             "No one can drive a wedge between us.\""]
    wb.store.add_machine_outputs([MachineOutputRecord(article_id, seg["id"], "segment", "en", seg["source_text"], text,
                                                      [], {"model": "test"}) for seg, text in zip(segs, texts, strict=True)])
    queue = json.loads(CliRunner().invoke(cli, ["--home", str(wb.home), "queue", "--to", "en", "--json"]).output)
    first = next(r for r in queue["rows"] if r["segment_id"] == segs[0]["id"])
    assert any("quote: in this paragraph: the Arabic quotes Lavrov" in reason for reason in first["reasons"])


def test_length_ratios_are_learned_from_reviewed_text_and_stored(wb, tmp_path):
    from workbench.store.entities import length_models

    article = tmp_path / "visit.txt"
    article.write_text(VISIT + "\n", encoding="utf-8")
    article_id = wb.import_paths([str(article)]).article_ids[0]
    seg = wb.store.segments(article_id)[0]
    wb.save(article_id, seg["id"], "en", "President Tokayev is to pay a state visit to Russia on November 12 of this "
            "year, according to the schedule announced by his office.", author="mona", base_revision_id=None, reviewed=True)
    queue = json.loads(CliRunner().invoke(cli, ["--home", str(wb.home), "queue", "--json"]).output)
    assert queue["thresholds"]["lengths"]["ar-en"]["pairs"] == 10  # the prior's 9 and the reviewed one
    stored = length_models(wb.store)
    assert stored["ar-en"][2] == 10 and stored["ar-en"][0] == queue["thresholds"]["lengths"]["ar-en"]["mean_log_ratio"]
