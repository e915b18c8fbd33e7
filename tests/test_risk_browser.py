"""Issue 30 in Chromium against `workbench serve`: the grid's default order is the risk order and each row says
why; a flagged name in the open row shows the entity ledger's forms, and one key (Alt+K) fixes a misspelling in
the editor or confirms a new name's forms in the ledger; each name and number of the summary shows, on hover or
focus, the rows of the article it comes from, and one the article does not have is marked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from .test_editor_browser import ROWS, AppServer, _contrast, running, unit, wait_editor, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# In document order: a clean sentence, a new name whose forms are not confirmed, a misspelled ledger name.
CLEAN = "وأكد الجانبان أهمية مواصلة التعاون بين البلدين في جميع المجالات ذات الاهتمام المشترك."
NEW = "وقال نائب وزير الخارجية الروسي - ألكسندر غروشكو، إن المحادثات كانت مفيدة للغاية."
MISSPELLED = "من المقرر أن يقوم الرئيس توكاييف بزيارة دولة إلى روسيا في 12 نوفمبر/تشرين الثاني المقبل."
MADE = {CLEAN: ("Both sides stressed the importance of continuing cooperation between the two countries in all "
                "areas of common interest.", 0.55),
        NEW: ("Russian Deputy Foreign Minister Alexander Grushko said the talks had been very useful.", 0.9),
        MISSPELLED: ("President Tokaev is to pay a state visit to Russia on 12 November.", 0.9)}
# Tokayev and 12 are in the third row, Alexander Grushko in the second; no row has 40
SUMMARY = "Alexander Grushko said President Tokayev will visit on 12 November with 40 ministers."


@pytest.fixture(scope="module")
def site(tiny_dir, tmp_path_factory, chromium) -> Iterator[tuple[AppServer, str, dict[str, str]]]:
    from workbench import Workbench
    from workbench.review import ledger
    from workbench.store.database import MachineOutputRecord

    folder = tmp_path_factory.mktemp("risk-site")
    home = folder / "data"
    source = folder / "visit.txt"
    source.write_text(f"{CLEAN}\n\n{NEW}\n\n{MISSPELLED}\n", encoding="utf-8")
    with Workbench(home) as wb:
        article = wb.import_paths([str(source)]).article_ids[0]
        segs = {s["source_text"]: s["id"] for s in wb.store.segments(article) if s["kind"] != "meta"}
        wb.store.add_machine_outputs([MachineOutputRecord(
            article, segs[src], "segment", "en", src, text, [],
            {"model": "test", "confidence": {"score": score, "mean_logprob": -0.1, "tokens": 20,  # its least sure words
                                             "low_tokens": [{"token": "▁the", "logprob": -1.5}]}})  # (no model asked)
            for src, (text, score) in MADE.items()] + [MachineOutputRecord(
            article, None, "summary", "en", "", SUMMARY, [], {"model": "test"})])
        ledger.import_rows(wb.store, [ledger.row("ألكسندر غروشكو|غروشكو", "Alexander Grushko", "Александр Грушко",
                                                 "person", "new")], "test")
    with running(home, tiny_dir) as server:
        yield server, article, {"clean": segs[CLEAN], "new": segs[NEW], "misspelled": segs[MISSPELLED]}


def rows(pg) -> list[str]:
    return pg.evaluate(f"[...document.querySelectorAll('{ROWS}')].map(r => r.dataset.seg)")


def ledger_rows(home: Path) -> dict[str, dict]:
    from workbench.app.cli import cli

    result = CliRunner().invoke(cli, ["--home", str(home), "ledger", "--json"])
    return {r["en"]: r for r in json.loads(result.output)}


def test_the_risk_order_is_the_default_and_each_row_says_why(page, site):
    server, article, seg = site
    page.goto(f"{server.url}?article={article}")
    page.wait_for_selector(f"{ROWS} td.wb-cell", timeout=60_000)
    # riskiest first: the misspelled name (a fact flag), the unconfirmed name, the clean sentence
    assert rows(page) == [seg["misspelled"], seg["new"], seg["clean"]]
    assert page.eval_on_selector("#wb-order", "s => s.value") == "risk"
    why = {s: page.locator(f"tr[data-seg='{s}'] td[data-lang=en] .wb-risk") for s in seg.values()}
    assert "name: " in why[seg["misspelled"]].inner_text() and "Tokayev" in why[seg["misspelled"]].inner_text()
    assert "name not confirmed in the ledger" in why[seg["new"]].get_attribute("title")
    assert "model confidence 55%" in why[seg["clean"]].get_attribute("title")
    # the order can be switched back to the article's
    page.click("#wb-filters summary")
    page.select_option("#wb-order", "document")
    assert rows(page) == [seg["clean"], seg["new"], seg["misspelled"]]
    page.select_option("#wb-order", "risk")
    assert rows(page) == [seg["misspelled"], seg["new"], seg["clean"]]


def test_a_flagged_name_shows_the_ledger_forms_and_one_key_fixes_or_confirms_it(page, site):
    from gradio_client import Client

    server, article, seg = site
    page.goto(f"{server.url}?article={article}")
    page.wait_for_selector(f"{ROWS} td.wb-cell", timeout=60_000)
    page.locator("#reviewer textarea, #reviewer input").first.fill("Rana")
    # a misspelling: the ledger's forms in the open row, Alt+K puts its form in the editor, the save keeps it
    page.locator(f"tr[data-seg='{seg['misspelled']}'] td.wb-cell[data-lang=en]").click()
    wait_editor(page, seg["misspelled"])
    names = page.locator("section[data-section=names]")
    names.wait_for(timeout=30_000)
    assert "Tokayev" in names.inner_text() and "Токаев" in names.inner_text() and "“Tokaev”" in names.inner_text()
    flags = page.locator("section[data-section=flags]").inner_text()
    assert "name: Tokaev is not the ledger's form Tokayev" in flags  # the fact flag, with its plain-words reason
    page.wait_for_timeout(350)
    page.keyboard.press("Alt+k")
    assert page.locator("#wb-editor").input_value() == "President Tokayev is to pay a state visit to Russia on 12 November."
    assert page.evaluate("document.activeElement.id") == "wb-editor"
    page.keyboard.press("Control+s")
    wb_home = server.home
    client = Client(server.url, verbose=False)
    fixed = MADE[MISSPELLED][0].replace("Tokaev", "Tokayev")
    assert wait_until(lambda: unit(client, article, seg["misspelled"])["text"] == fixed)
    # a new name: its forms shown as not confirmed; Alt+K confirms them in the ledger
    page.locator(f"tr[data-seg='{seg['new']}'] td.wb-cell[data-lang=en]").click()
    wait_editor(page, seg["new"])
    names.wait_for(timeout=30_000)
    assert "Alexander Grushko" in names.inner_text() and "Александр Грушко" in names.inner_text()
    assert ledger_rows(wb_home)["Alexander Grushko"]["status"] == "new"
    page.wait_for_timeout(350)
    page.keyboard.press("Alt+k")
    page.wait_for_function("() => /Confirmed in the ledger/.test(document.querySelector('#wb-row-message')?.innerText)",
                           timeout=15_000)
    assert ledger_rows(wb_home)["Alexander Grushko"]["status"] == "confirmed"
    page.wait_for_function("() => /confirmed/.test(document.querySelector('section[data-section=names]')?.innerText)",
                           timeout=15_000)
    assert page.evaluate("document.activeElement.id") == "wb-editor"
    # the key is in the key list
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    assert "Alt+K" in page.locator("#wb-help").inner_text()


def test_axe_finds_no_serious_violation_with_the_names_panel_open(page, site):
    from .test_screen_browser import AXE, axe_serious

    if not AXE.exists():
        pytest.skip("axe-core is not installed: npm install --prefix tests/js (.ci/run does)")
    server, article, seg = site
    page.goto(f"{server.url}?article={article}")
    page.wait_for_selector(f"{ROWS} td.wb-cell", timeout=60_000)
    page.locator(f"tr[data-seg='{seg['new']}'] td.wb-cell[data-lang=en]").click()
    page.locator("section[data-section=names]").wait_for(timeout=15_000)
    assert axe_serious(page) == []


def highlighted(pg) -> list[str]:
    return pg.evaluate("[...document.querySelectorAll('tr.wb-claim-source')].map(r => r.dataset.seg)")


def test_a_summary_claim_shows_its_source_rows_and_an_unsupported_one_is_marked(page, site):
    server, article, seg = site
    page.goto(f"{server.url}?article={article}")
    page.wait_for_selector(f"{ROWS} td.wb-cell", timeout=60_000)
    summary = page.locator("tr.wb-summary td.wb-cell[data-lang=en]")
    claim = {text: summary.locator(".wb-claim", has_text=text) for text in ("Tokayev", "Alexander Grushko", "40")}
    claim["Tokayev"].wait_for(timeout=15_000)
    assert summary.locator(".wb-text").inner_text() == SUMMARY  # the spans keep the text as it is
    # hovering a name: its row is highlighted, and its title says which
    claim["Tokayev"].hover()
    assert highlighted(page) == [seg["misspelled"]]
    assert _contrast(page, "tr.wb-claim-source td.wb-ar") >= 4.5
    assert claim["Tokayev"].get_attribute("title") == "Name “Tokayev”: from row 3 of the article"
    page.mouse.move(1, 1)
    assert highlighted(page) == []
    # the keyboard reaches each claim (a tab stop) and focusing one highlights its row too
    claim["Alexander Grushko"].focus()
    assert page.evaluate("document.activeElement.textContent") == "Alexander Grushko"
    assert highlighted(page) == [seg["new"]]
    page.keyboard.press("Tab")  # the next claim: Tokayev
    assert highlighted(page) == [seg["misspelled"]]
    # the number no row has: marked with a ✗ and a line (not colour alone), legible, said in its title
    unsupported = claim["40"]
    assert "wb-claim-unsupported" in unsupported.get_attribute("class")
    assert "✗" in unsupported.evaluate("e => getComputedStyle(e, '::after').content")
    assert "line-through" in unsupported.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "not in the article" in unsupported.get_attribute("title")
    assert _contrast(page, "tr.wb-summary .wb-claim-unsupported") >= 4.5
    unsupported.hover()
    assert highlighted(page) == []
    # the summary's flag says it too
    assert "summary_numbers" in summary.locator(".wb-flags").get_attribute("title")
    # while its editor is open the summary is plain text; an edit is traced anew once saved
    claim["Tokayev"].click()  # the hovered claim opens the summary: its rows are no longer highlighted
    page.wait_for_function("() => document.activeElement?.id === 'wb-editor'", timeout=10_000)
    assert summary.locator(".wb-claim").count() == 0 and highlighted(page) == []
    page.wait_for_timeout(350)
    page.keyboard.press("Control+a")
    page.keyboard.type("President Tokayev will visit on 12 November with 50 ministers.")
    page.keyboard.press("Control+s")
    page.wait_for_function("() => /saved/i.test(document.querySelector('#wb-message')?.innerText)", timeout=15_000)
    page.keyboard.press("Escape")
    summary.locator(".wb-claim-unsupported", has_text="50").wait_for(timeout=15_000)
    assert summary.locator(".wb-claim", has_text="Tokayev").get_attribute("title").endswith("from row 3 of the article")
