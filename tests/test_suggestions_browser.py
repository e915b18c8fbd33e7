"""Machine suggestions in the editor (issue 20), in Chromium against `workbench serve` (tiny profile): a segment
with two machine suggestions (the run's Marian output and a tiny Qwen3 LLM's suggestion, made by the real
suggestion run) shows both with their model names, and Alt+8 puts the second one's text in the editor, undone by
Ctrl+Z."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.settings import Home

from .test_editor_browser import ROWS, AppServer, open_cell, running

ARTICLE = "003_70140ed69b948bf5"
SUGGESTER = "tiny:qwen3"


def _suggest(home: Path) -> None:
    """Run the suggestion stage over one article's English with a tiny LLM, as `translate --suggest` does."""
    from workbench.choice.plan import ModelSet
    from workbench.choice.profiles import select
    from workbench.runs.suggestions import suggest_articles
    from workbench.store import Store

    models = ModelSet(select("tiny", home=Home(home)), home=Home(home))
    with Store(Home(home).database) as store:
        report = suggest_articles(store, models.plan(["en"]), models.suggesters([("en", SUGGESTER)]), [ARTICLE])
    assert report.ok and report.suggested > 0, report


@pytest.fixture(scope="module")
def site(translated_template, tiny_dir, tmp_path_factory, chromium) -> Iterator[AppServer]:
    home = tmp_path_factory.mktemp("suggestions-site") / "data"
    shutil.copytree(translated_template, home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_TINY_DIR", str(tiny_dir))
        _suggest(home)
    with running(home, tiny_dir) as server:
        yield server


@pytest.mark.slow
@pytest.mark.browser
def test_two_machine_suggestions_show_and_the_key_for_the_second_puts_it_in_the_editor(browser, site):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.url}?article={ARTICLE}")
    page.wait_for_selector(f"{ROWS} td.wb-cell", timeout=60_000)
    seg = page.evaluate(f"document.querySelector('{ROWS}').dataset.seg")
    open_cell(page, seg)
    page.wait_for_selector("section[data-section=suggestions] li.wb-suggestion", timeout=15_000)
    items = page.locator("section[data-section=suggestions] li.wb-suggestion")
    assert items.count() == 2
    models = [m.strip() for m in page.locator("section[data-section=suggestions] .wb-suggest-model").all_inner_texts()]
    assert models == ["tiny:marian-ar-en", SUGGESTER]
    assert "this run's output" in items.nth(0).inner_text() and "suggestion" in items.nth(1).inner_text()
    assert items.nth(1).locator(".wb-conf").count() == 1  # the LLM's own confidence, from its token log-probabilities
    details = page.evaluate("workbenchGrid.currentDetails().suggestions")
    original = page.locator("#wb-editor").input_value()
    assert details[0]["text"] == original and details[1]["text"] != original
    page.keyboard.press("Alt+8")
    assert page.locator("#wb-editor").input_value() == details[1]["text"]
    page.keyboard.press("Control+z")
    assert page.locator("#wb-editor").input_value() == original
    page.locator("section[data-section=suggestions] button.wb-suggest-use[data-i='1']").click()  # the button does the same
    assert page.locator("#wb-editor").input_value() == details[1]["text"]
    page.keyboard.press("Escape")
    context.close()
    assert not errors, errors
