"""The CAT editor's features in Chromium against `workbench serve` (tiny profile): comments with @mentions and a
mentions list, propagation of a saved text to repeated rows (never over a person's text), match badges, the
concordance from the editor, find and replace with a preview, dismissing a flag and taking it back, article and
segment counts, and who else has the article open. Text from people is shown as text, never run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from .conftest import ARTIFACTS
from .test_editor_browser import AppServer, in_document_order, open_cell, replace_text, running, unit
from .test_editor_browser import goto as open_article

SHORT = "003_70140ed69b948bf5"
A = "التقى لافروف نظيره في موسكو."
B = "وناقش الجانبان العلاقات الثنائية."
pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def cat_site(translated_template, tiny_dir, tmp_path_factory, chromium) -> Iterator[AppServer]:
    """The seeds plus an article with the sentence A three times, translated (tiny); some English reviewed."""
    from workbench import Workbench

    home = tmp_path_factory.mktemp("cat-site") / "data"
    shutil.copytree(translated_template, home)
    src = home.parent / "repeated.txt"
    src.write_text(f"{A}\n\n{B}\n\n{A}\n\n{B}\n\n{A}\n", encoding="utf-8")
    with Workbench(home, profile="tiny") as wb:
        ids = wb.import_paths([str(src)]).article_ids
        assert wb.translate(article_ids=ids, targets=["en", "ru"]).ok
        for seg in [s for s in wb.article(SHORT).to_dict()["segments"] if s["kind"] != "meta"][:6]:
            unit_ = seg["targets"]["en"]
            wb.save(SHORT, seg["id"], "en", f"Lavrov and Kazakhstan, row {seg['number']}.", author="mona",
                    base_revision_id=unit_["revision_id"], reviewed=True)
    with running(home, tiny_dir) as server:
        yield server


@pytest.fixture(scope="module")
def client(cat_site):
    from gradio_client import Client

    return Client(cat_site.url, verbose=False)


def goto(page, server: AppServer, article: str, name: str = "") -> list[str]:
    """The article, its rows in the article's order (these tests count rows by their place: "#3, #5")."""
    open_article(page, server, article, name)
    return in_document_order(page)


def cell_text(page, seg: str, lang: str = "en") -> str:
    return page.inner_text(f"#review-grid tr[data-seg='{seg}'] td.wb-cell[data-lang={lang}]")


def test_comments_with_mentions_are_shown_as_text_and_listed_for_the_reviewer(page, cat_site):
    rows = goto(page, cat_site, SHORT, name="ali")
    open_cell(page, rows[1])
    page.keyboard.press("Alt+m")
    assert page.evaluate("document.activeElement.id") == "wb-comment-text"
    page.keyboard.type("Is this right? @bob <img src=x onerror=window.pwned=1>")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("section[data-section=comments] .wb-comment")
    assert "<img src=x onerror=window.pwned=1>" in page.inner_text("section[data-section=comments]")
    assert page.locator("section[data-section=comments] img").count() == 0 and not page.evaluate("window.pwned")
    assert page.evaluate("document.activeElement.id") == "wb-editor"  # the keys go back to the editor (issue 29)
    page.keyboard.press("Escape")
    assert "💬1" in cell_text(page, rows[1])
    # bob's mentions list has it, with a way to open the segment
    page.locator("#reviewer textarea, #reviewer input").first.fill("bob")
    page.click("#wb-more summary")  # the panels are in the toolbar's More menu (issue 29)
    page.click("#wb-more [data-cat=mentions-open]")
    page.wait_for_selector("#wb-cat-panel .wb-comments li")
    number = page.locator(f"tr[data-seg='{rows[1]}']").get_attribute("data-n")  # the rows are riskiest first
    assert "@bob" in page.inner_text("#wb-cat-panel") and f"segment {number}" in page.inner_text("#wb-cat-panel")
    page.click("#wb-cat-panel [data-cat=goto]")
    page.wait_for_function("document.activeElement?.id === 'wb-editor'")
    page.click("section[data-section=comments] [data-cat=resolve]")
    page.wait_for_selector("section[data-section=comments] .wb-resolved")
    assert "resolved by bob" in page.inner_text("section[data-section=comments]")


def test_a_saved_text_goes_to_the_repeated_rows_with_one_key_never_over_a_persons(page, cat_site, client):
    article = "repeated"
    rows = goto(page, cat_site, article, name="ali")
    first, third, fifth = rows[0], rows[2], rows[4]
    person = unit(client, article, fifth)
    assert client.predict(article, fifth, "en", "Mona's own text.", person["revision_id"], "mona", False, None,
                          api_name="/save_unit")["ok"]
    goto(page, cat_site, article)
    assert "MT " in cell_text(page, first) and "×3" in cell_text(page, first)
    open_cell(page, first)
    replace_text(page, "Lavrov met his counterpart in Moscow.")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.querySelector('#wb-message')?.innerText.includes('Alt+P')", timeout=15_000)
    assert "#3" in page.inner_text("#wb-message") and "#5" not in page.inner_text("#wb-message")
    page.keyboard.press("Alt+p")
    page.wait_for_function("document.querySelector('#wb-message')?.innerText.includes('propagated')", timeout=15_000)
    assert unit(client, article, third)["text"] == "Lavrov met his counterpart in Moscow."
    assert unit(client, article, third)["state"] == "edited"
    assert unit(client, article, fifth)["text"] == "Mona's own text."
    page.wait_for_function(f"document.querySelector(\"tr[data-seg='{third}'] td[data-lang=en]\")?.innerText.includes('propagated')")
    assert "human" in cell_text(page, first) and "human" in cell_text(page, fifth)
    page.screenshot(path=str(ARTIFACTS / "cat-propagated.png"))


def test_concordance_from_the_editor_marks_the_words(page, cat_site):
    rows = goto(page, cat_site, SHORT)
    open_cell(page, rows[8])
    replace_text(page, "Kazakhstan")
    page.keyboard.press("Control+a")
    page.keyboard.press("Alt+c")
    page.wait_for_selector("#wb-conc-out .wb-conc li")
    first = page.locator("#wb-conc-out .wb-conc li").first
    assert first.locator("mark").first.inner_text() == "Kazakhstan"
    page.fill("#wb-conc-q", "لافروف")
    page.press("#wb-conc-q", "Enter")
    page.wait_for_function("document.querySelector('#wb-conc-out mark')?.innerText === 'لافروف'")
    page.locator("#wb-editor").focus()
    page.keyboard.press("Control+a")
    hit = page.inner_text("#wb-conc-out .wb-conc li >> nth=0 >> div[lang]:not(.wb-ar)")
    page.click("#wb-conc-out [data-cat=conc-insert]")
    assert page.locator("#wb-editor").input_value() == hit and hit.startswith("Lavrov")
    page.keyboard.press("Control+z")  # through the undo stack
    assert page.locator("#wb-editor").input_value() == "Kazakhstan"


def test_find_and_replace_previews_each_change_then_writes_one_revision_each(page, cat_site, client):
    rows = goto(page, cat_site, SHORT, name="ali")
    before = {seg: len(client.predict(SHORT, seg, "en", api_name="/unit_details")["history"]) for seg in rows[:6]}
    page.keyboard.press("Alt+r")
    page.wait_for_selector("#wb-cat-panel #wb-find")
    page.fill("#wb-find", "Kazakhstan")
    page.fill("#wb-replace-with", "Qazaqstan")
    page.check("#wb-whole-word")
    page.press("#wb-find", "Enter")
    page.wait_for_selector("#wb-replace-out table.wb-replace")
    assert page.locator("#wb-replace-out .wb-pick-change:checked").count() == 6
    assert page.locator("#wb-replace-out .wb-old mark").first.inner_text() == "Kazakhstan"
    assert page.locator("#wb-replace-out .wb-new mark").first.inner_text() == "Qazaqstan"
    page.locator("#wb-replace-out .wb-pick-change").nth(5).uncheck()
    page.screenshot(path=str(ARTIFACTS / "cat-replace-preview.png"))
    page.click("[data-cat=replace-apply]")
    page.wait_for_function("document.querySelector('#wb-replace-out')?.innerText.includes('Replaced in 5 units')")
    after = {seg: client.predict(SHORT, seg, "en", api_name="/unit_details") for seg in rows[:6]}
    assert [after[s]["text"].startswith("Lavrov and Qazaqstan") for s in rows[:6]] == [True] * 5 + [False]
    assert [len(after[s]["history"]) - before[s] for s in rows[:6]] == [1] * 5 + [0]
    assert all(after[s]["state"] == "edited" for s in rows[:5])


def test_a_false_positive_flag_is_dismissed_with_a_reason_and_can_come_back(page, cat_site, client):
    rows = goto(page, cat_site, SHORT, name="ali")
    view = client.predict(SHORT, api_name="/get_article")["article"]
    seg = next(s["id"] for s in view["segments"] if s["id"] in rows and s["targets"]["ru"]
               and set(s["targets"]["ru"]["flags"]) - {"meaningless_model", "stale_pivot", "low_confidence"})
    flags = unit(client, SHORT, seg, "ru")["flags"]
    flag = next(f for f in flags if f not in ("meaningless_model", "stale_pivot", "low_confidence"))
    open_cell(page, seg, "ru")
    page.wait_for_selector(f"section[data-section=flags] [data-flag='{flag}'] [data-cat=dismiss-ask]")
    page.click(f"section[data-section=flags] [data-flag='{flag}'] [data-cat=dismiss-ask]")
    page.keyboard.type("a proper name, not a repetition")
    page.keyboard.press("Enter")
    page.wait_for_selector("section[data-section=flags] .wb-dismissed-item")
    assert "a proper name, not a repetition" in page.inner_text("section[data-section=flags]")
    assert flag not in unit(client, SHORT, seg, "ru")["flags"]
    page.click("section[data-section=flags] [data-cat=restore-flag]")
    page.wait_for_function("!document.querySelector('section[data-section=flags] .wb-dismissed-item')")
    assert flag in unit(client, SHORT, seg, "ru")["flags"]


def test_counts_and_who_else_is_editing(browser, cat_site):
    alice_ctx, bob_ctx = (browser.new_context(viewport={"width": 1440, "height": 900}) for _ in range(2))
    try:
        alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
        rows = goto(alice, cat_site, SHORT, name="Alice")
        goto(bob, cat_site, SHORT, name="Bob")
        bob.click("#wb-more summary")  # the counts are in the toolbar's More menu (issue 29)
        assert "Article: Arabic" in bob.inner_text(".wb-cat-bar") and "words" in bob.inner_text(".wb-cat-bar")
        open_cell(alice, rows[3])
        alice.click("#wb-more summary")
        assert "Open segment: Arabic" in alice.inner_text(".wb-cat-bar")
        number = alice.locator(f"tr[data-seg='{rows[3]}']").get_attribute("data-n")  # the rows are riskiest first
        bob.wait_for_function("(n) => document.querySelector('.wb-presence')?.innerText.includes(`Alice is editing segment ${n} (English)`)",
                              arg=number, timeout=25_000)
        bob.wait_for_function(f"document.querySelector(\"tr[data-seg='{rows[3]}'] td[data-lang=en]\")?.innerText.includes('✎ Alice')")
        bob.screenshot(path=str(ARTIFACTS / "cat-presence.png"))
    finally:
        alice_ctx.close()
        bob_ctx.close()


def test_hostile_calls_through_the_page_are_refused(page, cat_site):
    goto(page, cat_site, SHORT)
    answers = page.evaluate("""async () => {
        const g = window.workbenchGrid, out = [];
        for (const [name, args] of [
            ["add_comment", { article_id: null, unit: 1, language: {}, text: "x", author: "eve" }],
            ["propagate", { article_id: "../etc", unit: "x", language: "en", revision_id: 1, targets: [["a"]], author: "e" }],
            ["replace_apply", { article_id: "ARTICLE", language: "en", find: "a", replacement: "b", match_case: false,
                                whole_word: false, picks: "all", author: "e" }],
            ["concordance", { query: "x".repeat(10000), languages: ["en"] }],
            ["presence", { article_id: "ARTICLE", client: "../../x", editing: "", language: "en", author: "e" }],
            ["review_view", { article_id: "ARTICLE", login: "someone else" }]]) {
            out.push(await g.transport.call(name, args));
        }
        return out;
    }""".replace("ARTICLE", SHORT))
    assert all(a["ok"] is False and "internal error" not in a["error"] for a in answers), answers
