"""Issue 30 on the page and in webhooks: the editor's view carries each translation's risk and why, its fact flags and
its names with the entity ledger's forms; `ledger_name` confirms a name's forms or fixes a misspelling through the
one write path; an arrival's webhook carries the article's risk and top reasons."""

from __future__ import annotations

import json

import pytest

from workbench.app.catalog import registry
from workbench.review import ledger
from workbench.store.database import MachineOutputRecord
from workbench.store.entities import by_key

from .test_newsroom import write_config

VISIT = "من المقرر أن يقوم الرئيس توكاييف بزيارة دولة إلى روسيا في 12 نوفمبر/تشرين الثاني المقبل."
NEW = "وقال نائب وزير الخارجية الروسي - ألكسندر غروشكو، إن المحادثات كانت مفيدة للغاية."
CLEAN = "وأكد الجانبان أهمية مواصلة التعاون بين البلدين في جميع المجالات ذات الاهتمام المشترك."
MADE = {VISIT: ("President Tokaev is to pay a state visit to Russia on 12 November.", 0.9),
        NEW: ("Russian Deputy Foreign Minister Alexander Grushko said the talks had been very useful.", 0.9),
        CLEAN: ("Both sides stressed the importance of continuing cooperation between the two countries in all "
                "areas of common interest.", 0.55)}
GRUSHKO = "ألكسندر غروشكو|غروشكو"


@pytest.fixture
def wb(home):
    from workbench import Workbench

    with Workbench(home) as bench:
        yield bench


@pytest.fixture
def story(wb, tmp_path):
    source = tmp_path / "visit.txt"
    source.write_text(f"{CLEAN}\n\n{NEW}\n\n{VISIT}\n", encoding="utf-8")
    article = wb.import_paths([str(source)]).article_ids[0]
    segs = {s["source_text"]: s["id"] for s in wb.store.segments(article) if s["kind"] != "meta"}
    wb.store.add_machine_outputs([MachineOutputRecord(
        article, segs[src], "segment", "en", src, text, [],
        {"model": "test", "confidence": {"score": score, "mean_logprob": -0.1, "tokens": 20}})
        for src, (text, score) in MADE.items()])
    ledger.import_rows(wb.store, [ledger.row(GRUSHKO, "Alexander Grushko", "Александр Грушко", "person")], "test")
    return article, segs


def op(name, wb, **arguments):
    return registry()[name](wb, **arguments)


def test_the_view_ranks_each_translation_and_says_why_with_its_names_and_fact_flags(wb, story):
    article, segs = story
    risk = op("review_view", wb, article_id=article, author="mona")["risk"]["en"]
    order = sorted(risk, key=lambda s: -risk[s]["score"])
    assert order == [segs[VISIT], segs[NEW], segs[CLEAN]]
    visit = risk[segs[VISIT]]
    assert visit["reasons"][0].startswith("+3.00 name: ") and "Tokayev" in visit["reasons"][0]
    assert ("name", "Tokaev is not the ledger's form Tokayev") in [(f["kind"], f["reason"]) for f in visit["facts"]]
    name = visit["names"][0]
    assert (name["en"], name["ru"], name["problem"], name["found"], name["form"], name["action"]) == (
        "Tokayev", "Токаев", "misspelled", "Tokaev", "Tokayev", "fix")
    new = risk[segs[NEW]]["names"][0]
    assert (new["ar"], new["en"], new["confirmed"], new["problem"], new["action"]) == (
        GRUSHKO, "Alexander Grushko", False, "not confirmed", "confirm")
    assert any("name not confirmed in the ledger: ألكسندر غروشكو" in r for r in risk[segs[NEW]]["reasons"])


def test_the_summary_carries_its_claims_traced_to_segments_and_flags_an_unsupported_number_once(wb, story):
    from workbench.review.model import Claim

    article, segs = story
    text = "President Tokayev will visit Russia on 12 November with 40 ministers, forty of them new."
    assert op("save_unit", wb, article_id=article, unit="summary", language="en", text=text, author="mona")["ok"]
    summary = wb.article(article).summaries["en"]
    assert summary is not None and all(isinstance(c, Claim) for c in summary.claims)
    traced = {(c.kind, text[c.start:c.end]): c.segments for c in summary.claims}
    assert traced[("name", "Tokayev")] == (segs[VISIT],) and traced[("number", "12")] == (segs[VISIT],)
    assert traced[("number", "40")] == () and traced[("number", "forty")] == ()  # no segment says forty
    # the view's JSON carries them; the unsupported number is one flag with one mention (digits and words alike)
    shown = op("review_view", wb, article_id=article, author="mona")["article"]["summaries"]["en"]
    assert {"kind": "number", "text": "12", "start": 39, "end": 41, "segments": [segs[VISIT]],
            "supported": True} in shown["claims"]
    assert shown["flags"].count("summary_numbers") == 1 and "numbers not in the article: 40" in shown["qa"]
    # an edit traces the new text: nothing unsupported, no flag
    rev = summary.revision_id
    fixed = "President Tokayev will visit Russia on 12 November."
    assert op("save_unit", wb, article_id=article, unit="summary", language="en", text=fixed, base_revision_id=rev,
              author="mona")["ok"]
    after = wb.article(article).summaries["en"]
    assert after is not None and [fixed[c.start:c.end] for c in after.claims] == ["Tokayev", "12"]
    assert all(c.supported for c in after.claims) and "summary_numbers" not in after.flags
    assert all("claims" not in (u or {}) for row in wb.article(article).to_dict()["segments"]
               for u in row["targets"].values())  # a segment's unit has none


def test_show_lists_each_translations_fact_flags_with_their_reasons(wb, story):
    from click.testing import CliRunner

    from workbench.app.cli import cli

    article, _ = story
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "show", article])
    assert result.exit_code == 0, result.output
    assert "      en: President Tokaev is to pay" in result.output
    assert "          name: Tokaev is not the ledger's form Tokayev" in result.output


def test_ledger_name_confirms_the_forms_and_fixes_a_misspelling_through_the_save_path(wb, story):
    article, segs = story
    rev = wb.article(article).row(segs[NEW]).unit("en").revision_id
    answer = op("ledger_name", wb, article_id=article, unit=segs[NEW], language="en", entity="ألكسندر غروشكو",
                action="confirm", base_revision_id=rev, author="mona")
    assert answer["ok"] and answer["entity"]["status"] == "confirmed" and answer["saved"] is None
    assert by_key(wb.store, ledger.key_of(GRUSHKO)).status == "confirmed"
    after = op("review_view", wb, article_id=article, author="mona")["risk"]["en"][segs[NEW]]
    assert not any("not confirmed" in r for r in after["reasons"]) and after["names"][0]["problem"] == ""

    unit = wb.article(article).row(segs[VISIT]).unit("en")
    refused = op("ledger_name", wb, article_id=article, unit=segs[VISIT], language="en", entity="توكاييف",
                 action="fix", base_revision_id=unit.revision_id + 100, author="mona")
    assert refused["ok"] is False and "changed since" in refused["error"]
    fixed = op("ledger_name", wb, article_id=article, unit=segs[VISIT], language="en", entity="توكاييف",
               action="fix", base_revision_id=unit.revision_id, author="mona")
    assert fixed["ok"] and fixed["saved"]["revision_id"] > unit.revision_id
    now = wb.article(article).row(segs[VISIT]).unit("en")
    assert now.text == "President Tokayev is to pay a state visit to Russia on 12 November." and not now.reviewed
    assert wb.history(article, segs[VISIT], "en")[-1]["author"] == "mona"
    again = op("ledger_name", wb, article_id=article, unit=segs[VISIT], language="en", entity="توكاييف", action="fix")
    assert again["ok"] is False and "nothing to fix" in again["error"]
    elsewhere = op("ledger_name", wb, article_id=article, unit=segs[CLEAN], language="en", entity="توكاييف",
                   action="confirm")
    assert elsewhere["ok"] is False and "does not name" in elsewhere["error"]


def test_an_arrival_webhook_carries_the_articles_risk_and_top_reasons(home):
    from workbench.newsroom import feeds as nf
    from workbench.review import workflow
    from workbench.store import Store, outbox
    from workbench.store import feeds as feed_store

    write_config(home, "http://127.0.0.1:9/hook")
    with Store(home / "workbench.sqlite") as store:
        raw = nf._raw("web_1", f"{NEW}\n\n{CLEAN}\n", "https://example.org/1", "Talks", None, None)
        feed_store.import_fetched(store, raw, url="https://example.org/1", reopen=workflow.source_changed,
                                  described=lambda article_id: nf.arrival_payload(store, article_id))
        delivery = outbox.claim(store, "test", 60.0)
        assert delivery is not None
        body = json.loads(delivery.body)
    assert body["event"] == "arrived" and body["article_id"] == "web_1"
    assert body["risk"] == {"score": 1.5, "reasons": ["+1.50 name not confirmed in the ledger: ألكسندر غروشكو"]}
