"""Issue 29 in Chromium against `workbench serve` (tiny profile): the reviewer's screen. Each "Found" item is
reproduced as found and shown fixed: keys never go nowhere (focus after every action, Ctrl+Z only in the editor,
a conflict keeps its focus while presence updates arrive, no reflexive key edits another row), the work is never
hidden (the open row below the sticky header, the toolbar one line, the details panel in view), a closed tab's
draft reaches the store, and axe-core finds no serious violation. Screenshots go to $WORKBENCH_SCREENSHOTS, or
to a folder of the test run's tmp dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import test_editor_browser as editor
from .test_editor_browser import (
    Server,
    goto,
    open_cell,
    replace_text,
    running,
    store_drafts,
    unit,
    wait_editor,
    wait_until,
)

browser, chromium, page = editor.browser, editor.chromium, editor.page  # the fixtures, shared
pytestmark = [pytest.mark.slow, pytest.mark.browser]

SHORT, LONG_A, MID, OTHER, WHOLE = editor.SHORT, editor.LONG_A, editor.MID, editor.OTHER, editor.WHOLE
ACTIVE = """() => { const a = document.activeElement; if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect();
  return {id: a.id, tag: a.tagName, cls: a.className, unit: a.dataset.unit || a.closest('tr')?.dataset.seg || null,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight}; }"""


@pytest.fixture(scope="module")
def site(translated_template, tiny_dir, tmp_path_factory, chromium) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("screen-site") / "data"
    shutil.copytree(translated_template, home)
    with running(home, tiny_dir) as server:
        yield server


@pytest.fixture(scope="module")
def client(site):
    from gradio_client import Client

    return Client(site.url, verbose=False)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    chosen = os.environ.get("WORKBENCH_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def active(page) -> dict | None:
    return page.evaluate(ACTIVE)


def focused_on(page, what: str) -> dict:
    """The focus is on a visible element (never the page body) and it is `what` (an id or a class)."""
    a = active(page)
    assert a and a["visible"], a
    assert what in (a["id"], *a["cls"].split()), a
    return a


def typed_into_editor(page, words: str) -> None:
    before = page.locator("#wb-editor").input_value()
    page.keyboard.type(words)
    assert page.locator("#wb-editor").input_value().endswith(words) and before != page.locator("#wb-editor").input_value()


# --------------------------------------------------------------------------- keys that go nowhere (6-9)
def test_after_every_action_the_focus_is_somewhere_visible_and_typing_lands(page, site, client):
    rows = goto(page, site, SHORT, name="ali")
    # 7: a word typed in the segment search and cleared; a fresh editor's Ctrl+Z does not bring it back
    page.click("#wb-search")
    page.keyboard.type("lavrov")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    open_cell(page, rows[1])
    original = page.locator("#wb-editor").input_value()
    page.keyboard.press("Control+z")
    focused_on(page, "wb-editor")
    assert page.input_value("#wb-search") == "" and page.locator("#wb-editor").input_value() == original
    assert page.locator(f"{editor.ROWS}[hidden]").count() == 0  # every row still shown
    page.keyboard.type(" one")
    page.keyboard.press("Control+z")  # undoes this editor's typing, and only that
    assert page.locator("#wb-editor").input_value() == original
    page.keyboard.press("Control+Shift+z")
    assert page.locator("#wb-editor").input_value() == original + " one"
    # 6: Ctrl+Enter in the comment box: the focus goes back to the editor, the next words land there
    page.wait_for_selector("section[data-section=comments] #wb-comment-text")
    page.keyboard.press("Alt+m")
    page.keyboard.type("Check the name @bob")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("section[data-section=comments] .wb-comment")
    focused_on(page, "wb-editor")
    typed_into_editor(page, " after the comment")
    # 9: Esc in the concordance box goes back to the editor
    page.keyboard.press("Alt+c")
    focused_on(page, "wb-conc-q")
    page.keyboard.press("Escape")
    focused_on(page, "wb-editor")
    typed_into_editor(page, " after Esc")
    # Ctrl+S: the editor keeps the keys
    page.keyboard.press("Control+s")
    focused_on(page, "wb-editor")
    typed_into_editor(page, " after a save")
    # Find & replace (Alt+R), Esc: back in the editor; the help dialog, Esc: back where it was
    page.keyboard.press("Alt+r")
    focused_on(page, "wb-find")
    page.keyboard.press("Escape")
    focused_on(page, "wb-editor")
    page.keyboard.press("Escape")  # close the editor: the cell has the focus
    a = active(page)
    assert a["unit"] == rows[1] and a["visible"], a
    page.keyboard.press("?")
    focused_on(page, "wb-help-close")
    page.keyboard.press("Escape")
    assert active(page)["unit"] == rows[1]


def test_dismissing_a_flag_by_enter_gives_the_keys_back_to_the_editor(page, site, client):
    rows = goto(page, site, SHORT, name="ali")
    view = client.predict(SHORT, api_name="/get_article")["article"]
    ignore = {"meaningless_model", "stale_pivot", "low_confidence"}
    seg = next(s["id"] for s in view["segments"] if s["id"] in rows and s["targets"]["ru"] and set(s["targets"]["ru"]["flags"]) - ignore)
    flag = next(f for f in unit(client, SHORT, seg, "ru")["flags"] if f not in ignore)
    open_cell(page, seg, "ru")
    page.click(f"[data-flag='{flag}'] [data-cat=dismiss-ask]")
    page.keyboard.type("a proper name")
    page.keyboard.press("Enter")
    page.wait_for_selector(".wb-dismissed-item")
    focused_on(page, "wb-editor")
    typed_into_editor(page, " typed after the dismissal")
    page.keyboard.press("Control+Enter")  # and the save key after it works
    page.wait_for_function("s => document.activeElement?.closest('tr')?.dataset.seg !== s", arg=seg)


def test_a_conflict_keeps_its_focus_while_presence_updates_arrive(browser, page, site, client):
    rows = goto(page, site, MID, name="Bob")
    seg = rows[6]
    open_cell(page, seg)
    base = client.predict(MID, seg, "en", api_name="/unit_details")["revision_id"]
    assert client.predict(MID, seg, "en", "Sam's text.", base, "Sam", True, None, api_name="/save_unit")["ok"]
    replace_text(page, "Bob's text.")
    page.keyboard.press("Control+s")
    page.wait_for_selector(f"tr[data-seg='{seg}'] .wb-conflict", timeout=15_000)
    page.wait_for_function("() => document.activeElement?.classList.contains('wb-merge')")
    sam = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()  # a colleague in the same row
    try:
        goto(sam, site, MID, name="Sam")
        open_cell(sam, seg)
        sam.evaluate("workbenchGrid.heartbeat()")
        cell = f"tr[data-seg='{seg}'] td.wb-cell[data-lang=en]"
        page.evaluate("s => { document.querySelector(s).wbOld = true; workbenchGrid.heartbeat(); }", cell)
        page.wait_for_function("s => workbenchGrid.catState.others.some(o => o.author === 'Sam' && o.editing) && !document.querySelector(s).wbOld",
                               arg=cell, timeout=10_000)  # the presence refresh redrew the conflict's cell
        focused_on(page, "wb-merge")
        page.keyboard.press("Tab")
        focused_on(page, "wb-keep-mine")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")  # Edit a merge
        wait_editor(page, seg)
        assert unit(client, MID, seg)["text"] == "Sam's text."
        page.keyboard.press("Escape")
    finally:
        sam.context.close()


def test_keep_mine_leaves_the_focus_on_its_cell(page, site, client):
    rows = goto(page, site, MID, name="Bob")
    seg = rows[7]
    open_cell(page, seg)
    base = client.predict(MID, seg, "en", api_name="/unit_details")["revision_id"]
    assert client.predict(MID, seg, "en", "Sam again.", base, "Sam", True, None, api_name="/save_unit")["ok"]
    replace_text(page, "Bob insists.")
    page.keyboard.press("Control+s")
    page.wait_for_selector(f"tr[data-seg='{seg}'] .wb-keep-mine", timeout=15_000)
    page.click(f"tr[data-seg='{seg}'] .wb-keep-mine")
    a = active(page)
    assert a and a["unit"] == seg and a["visible"], a
    wait_until(lambda: unit(client, MID, seg)["text"] == "Bob insists.")
    page.keyboard.press("Enter")  # the focused cell opens
    wait_editor(page, seg)


def test_a_stale_draft_save_stays_in_its_row_so_a_reflexive_enter_edits_no_other_row(page, site, client):
    rows = goto(page, site, OTHER, name="Bob")
    seg, nxt = rows[5], rows[6]
    next_before = unit(client, OTHER, nxt)["text"]
    open_cell(page, seg)
    replace_text(page, "Bob's stale draft.")
    page.keyboard.press("Escape")
    wait_until(lambda: store_drafts(client, OTHER, "Bob").get((seg, "en")))
    base = client.predict(OTHER, seg, "en", api_name="/unit_details")["revision_id"]
    assert client.predict(OTHER, seg, "en", "Alice was first.", base, "Alice", True, None, api_name="/save_unit")["ok"]
    goto(page, site, OTHER)
    open_cell(page, seg)
    assert "The saved text changed since you typed this" in page.inner_text("#wb-row-message")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.activeElement?.classList.contains('wb-merge')", timeout=15_000)
    page.keyboard.press("Enter")  # the reflex: a merge in this row, nothing typed in the next one
    wait_editor(page, seg)
    assert "Bob's stale draft." in page.locator("#wb-editor").input_value()
    page.keyboard.press("Escape")
    assert unit(client, OTHER, nxt)["text"] == next_before and (nxt, "en") not in store_drafts(client, OTHER, "Bob")


def test_end_of_article_stays_said_when_its_save_is_answered(page, site):
    rows = goto(page, site, LONG_A)
    open_cell(page, rows[-1])
    replace_text(page, "The very last segment.")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => /Saved as revision/.test(document.querySelector('#wb-message').innerText)", timeout=15_000)
    assert page.inner_text("#wb-message").startswith("End of article")
    a = active(page)
    assert a and a["unit"] == rows[-1] and a["visible"], a


# --------------------------------------------------------------------------- no false conflicts (12), override state (10)
def test_a_whole_article_retranslation_of_the_same_text_leaves_an_open_draft_without_conflict(page, site, client):
    rows = goto(page, site, OTHER, name="Bob")
    seg = rows[9]
    open_cell(page, seg)
    base = client.predict(OTHER, seg, "en", api_name="/unit_details")["revision_id"]
    replace_text(page, "Bob's draft while the article is re-translated.")
    assert client.predict(OTHER, ["en"], False, api_name="/translate_article")["ok"]
    assert client.predict(OTHER, seg, "en", api_name="/unit_details")["revision_id"] == base  # the same text: no revision
    page.keyboard.press("Control+s")
    editor.wait_note(page, seg, "Saved as revision")
    assert page.locator(".wb-conflict").count() == 0
    assert unit(client, OTHER, seg)["text"] == "Bob's draft while the article is re-translated."
    page.keyboard.press("Escape")


def test_a_save_after_an_override_approval_drops_the_override_marker_at_once(page, site, client):
    assert client.predict(LONG_A, "en", "chief", "tiny models, demo", "", 0, api_name="/approve")["ok"]
    rows = goto(page, site, LONG_A, name="Bob")
    counts = "#review-grid .wb-count[data-lang=en]"
    assert "override" in page.inner_text(counts)
    page.wait_for_function("() => /✓ \\(override\\)/.test(document.querySelector('#articles').innerText)", timeout=15_000)
    open_cell(page, rows[2])
    replace_text(page, "A change after the approval.")
    page.keyboard.press("Control+s")
    editor.wait_note(page, rows[2], "Saved as revision")
    page.wait_for_function("s => !document.querySelector(s).innerText.includes('override')", arg=counts, timeout=5_000)
    assert "in_review" in page.inner_text(counts)
