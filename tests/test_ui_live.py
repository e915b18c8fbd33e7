"""The UI against a live server on 127.0.0.1: gradio_client round trip across a restart, and a real browser."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, chromium_path, subprocess_env

ARTICLE = "003_70140ed69b948bf5"
pytestmark = pytest.mark.slow  # each test starts a server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(home: Path, tiny: Path, *extra: str, log: Path | None = None):
    """`workbench serve` on a free loopback port; its output (where Gradio prints tracebacks) goes to `log` if given."""
    port = free_port()
    out = log.open("w") if log else subprocess.PIPE
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--profile", "tiny", "--port", str(port), *extra],
                            env=subprocess_env(home, tiny, GRADIO_ANALYTICS_ENABLED="False"),
                            stdout=out, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.05)  # readiness polled tightly: a start is seconds, not tenths
        else:
            raise RuntimeError("server did not start in 90 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()  # type: ignore[union-attr]


@pytest.fixture
def served_home(translated_template, home):
    shutil.copytree(translated_template, home)
    return home


def test_gradio_client_save_survives_a_restart(served_home, tiny_dir):
    from gradio_client import Client

    with serve(served_home, tiny_dir) as url:
        client = Client(url, verbose=False)
        articles = client.predict("", "all", api_name="/list_articles")["articles"]
        assert len(articles) == 5
        view = client.predict(ARTICLE, api_name="/get_article")["article"]
        seg = next(s for s in view["segments"] if s["kind"] == "body")
        base = seg["targets"]["en"]["revision_id"]
        saved = client.predict(ARTICLE, seg["id"], "en", "Lavrov: solving issues together strengthens ties.", base,
                               "client-test", False, api_name="/save_unit")
        assert saved["ok"] and saved["revision_id"] > base
        conflict = client.predict(ARTICLE, seg["id"], "en", "An older edit", base, "other", False, api_name="/save_unit")
        assert conflict["ok"] is False and conflict["current_text"].startswith("Lavrov: solving")
        order = client.predict(ARTICLE, "en", "review_first", "all", api_name="/review_order")
        assert order["ok"] and order["segments"][-1]["segment_id"] == seg["id"]  # reviewed goes last
        assert order["segments"][0]["confidence"] is not None and "geometric mean" in order["explanation"]
    with serve(served_home, tiny_dir) as url:
        client = Client(url, verbose=False)
        view = client.predict(ARTICLE, api_name="/get_article")["article"]
        seg2 = next(s for s in view["segments"] if s["id"] == seg["id"])
        assert seg2["targets"]["en"]["text"] == "Lavrov: solving issues together strengthens ties."
        assert seg2["targets"]["en"]["author"] == "client-test"
        # a second user is served while a translation job is queued or running
        job = client.submit(ARTICLE, ["en", "ru"], api_name="/translate_article")
        other = Client(url, verbose=False)
        assert len(other.predict("", "all", api_name="/list_articles")["articles"]) == 5
        report = job.result(timeout=300)
        assert report["ok"] and report["translated"] == 19  # the segment saved above keeps its human text


def test_non_loopback_host_without_auth_is_refused(home):
    from click.testing import CliRunner

    from workbench.app.cli import cli

    result = CliRunner().invoke(cli, ["--home", str(home), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "--auth" in result.stderr and "Traceback" not in result.output


def _open_editor(page, row: int | str, lang: str):
    """Open a row's cell: the row by its place on the page, or by its segment id (the risk order puts a row just
    reviewed last when the page loads again)."""
    found = (page.locator(f"#review-grid tbody tr[data-seg='{row}']") if isinstance(row, str)
             else page.locator(f"#review-grid tbody tr[data-seg]:not(.wb-summary) >> nth={row}"))
    found.locator(f"td.wb-cell[data-lang={lang}]").click()
    page.wait_for_function("l => document.activeElement && document.activeElement.id === 'wb-editor'"
                           " && document.activeElement.lang === l", arg=lang, timeout=30_000)


def _editor_row(page) -> str:
    return page.evaluate("document.querySelector('#wb-editor').closest('tr').dataset.seg")


@pytest.mark.browser
def test_review_editor_in_the_browser(served_home, tiny_dir, browser):
    """Edit in place, save-and-next by keyboard, drafts across a reload, a conflict resolved with both texts
    shown, the reviewer's name remembered, search without Enter, approval rules, and the layout at three widths."""
    from gradio_client import Client

    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    with serve(served_home, tiny_dir) as url, contextlib.closing(context):
        page = context.new_page()
        page.goto(url)
        page.locator("#reviewer textarea, #reviewer input").first.fill("Mona")  # remembered in this browser
        page.goto(f"{url}?article={ARTICLE}")
        page.wait_for_selector("#review-grid tbody tr[data-seg]", timeout=60_000)
        assert page.locator("#reviewer textarea, #reviewer input").first.input_value() == "Mona"
        # at 1024x768 the first segments are on screen when the article opens
        first_row = page.locator("#review-grid tbody tr[data-seg]:not(.wb-summary)").first
        assert first_row.bounding_box()["y"] < 768
        arabic = first_row.locator("td.wb-ar")
        assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
        rows = page.evaluate("[...document.querySelectorAll('#review-grid tbody tr[data-seg]:not(.wb-summary)')].map(r => r.dataset.seg)")

        # 1. edit in place, Ctrl+Enter saves as reviewed and the next segment's editor has the focus
        _open_editor(page, 0, "en")
        page.keyboard.press("Control+a")
        page.keyboard.type("Lavrov: solving issues together strengthens ties (browser test).")
        page.keyboard.press("Control+Enter")
        page.wait_for_function("r => document.activeElement.id === 'wb-editor' && document.activeElement.closest('tr')?.dataset.seg === r",
                               arg=rows[1], timeout=30_000)
        # the next editor opens before the save returns; the save reports on its row and in the toolbar
        page.wait_for_function("() => document.querySelector('#wb-message').innerText.includes('Saved as revision')")
        saved = page.locator(f"#review-grid tr[data-seg='{rows[0]}'] td[data-lang=en]")
        assert "browser test" in saved.inner_text() and "reviewed" in saved.inner_text()
        page.screenshot(path=str(ARTIFACTS / "review-1024.png"))

        # 2. unsaved text becomes a draft when leaving (Alt+Down), survives a reload, and is restored
        page.keyboard.press("Control+a")
        page.keyboard.type("Half-finished sentence about Kazakhstan")
        page.keyboard.press("Alt+ArrowDown")
        page.wait_for_function("r => document.querySelector('#wb-editor')?.closest('tr')?.dataset.seg === r", arg=rows[2])
        client = Client(url, verbose=False)
        drafts = client.predict(ARTICLE, "Mona", api_name="/review_view")["drafts"]
        assert [(d["unit"], d["text"]) for d in drafts] == [(rows[1], "Half-finished sentence about Kazakhstan")]
        page.reload()
        page.wait_for_selector("#review-grid tbody tr[data-seg]", timeout=60_000)
        assert "draft" in page.locator(f"#review-grid tr[data-seg='{rows[1]}'] td[data-lang=en]").inner_text()
        _open_editor(page, rows[1], "en")
        assert page.locator("#wb-editor").input_value() == "Half-finished sentence about Kazakhstan"
        assert "Draft restored" in page.locator("#wb-row-message").inner_text()

        # 3. a conflict: someone else saves meanwhile; both texts are shown and "keep mine" saves on top
        base = client.predict(ARTICLE, rows[1], "en", api_name="/unit_details")["revision_id"]
        theirs = client.predict(ARTICLE, rows[1], "en", "Their sentence.", base, "Sam", True, None, api_name="/save_unit")
        assert theirs["ok"]
        page.locator("#wb-editor").fill("My sentence about Kazakhstan.")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector(".wb-conflict", timeout=30_000)
        assert "My sentence about Kazakhstan." in page.locator(".wb-mine").inner_text()
        assert "Their sentence." in page.locator(".wb-theirs").inner_text()
        page.screenshot(path=str(ARTIFACTS / "review-conflict.png"))
        page.click(".wb-keep-mine")  # a class: several rows can each show a conflict
        page.wait_for_function("() => document.querySelector('#wb-message').innerText.includes('on top of theirs')")
        history = client.predict(ARTICLE, rows[1], "en", api_name="/unit_details")["history"]
        assert [(h["text"], h["author"]) for h in history[:2]] == [("My sentence about Kazakhstan.", "Mona"),
                                                                 ("Their sentence.", "Sam")]

        # 4. a Russian cell opens the Russian editor; search filters as you type; ? shows the keys
        _open_editor(page, 3, "ru")
        page.keyboard.press("Escape")
        page.fill("#wb-search", "browser test")
        page.wait_for_function("() => document.querySelectorAll('#review-grid tbody tr[data-seg]:not(.wb-summary):not([hidden])').length === 1")
        page.fill("#wb-search", "")
        page.locator("#review-grid .wb-toolbar").click(position={"x": 3, "y": 3})  # its corner, not a button on it
        page.keyboard.press("?")
        assert page.locator("#wb-help").is_visible() and "Ctrl+Enter" in page.locator("#wb-help").inner_text()
        page.click("#wb-help-close")

        # 5. approval: refused while segments are unreviewed; an override needs a reason and is recorded
        prompts: list[str] = []

        def answer(dialog) -> None:  # the override prompt gets a reason; any other dialog would be a bug here
            prompts.append(f"{dialog.type}: {dialog.message[:80]}")
            dialog.accept("browser test: tiny models") if dialog.type == "prompt" else dialog.dismiss()

        page.on("dialog", answer)
        page.click(".wb-approve[data-lang=en]")
        # the refusal itself says "cannot be approved yet": wait for the override's own message
        page.wait_for_function("() => document.querySelector('#wb-message').innerText.includes('with an override')",
                               timeout=30_000)
        page.remove_listener("dialog", answer)
        message = page.locator("#wb-message").inner_text()
        assert [p for p in prompts if p.startswith("prompt")], (prompts, message)
        view = client.predict(ARTICLE, api_name="/get_article")["article"]
        assert view["status"]["en"] == "approved"

        for width, height in ((1440, 900), (1024, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            _open_editor(page, 2, "en")
            box = page.locator("#wb-editor").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the editor fits the screen
            page.screenshot(path=str(ARTIFACTS / f"review-{width}.png"))
            page.keyboard.press("Escape")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling on a phone
        page.set_viewport_size({"width": 1440, "height": 900})
        page.get_by_text("Glossary (ar, en, ru, note").click()  # the glossary's Arabic column reads right-to-left
        arabic_term = page.locator('#glossary [role=gridcell][data-col="0"]').first
        arabic_term.wait_for(timeout=30_000)
        assert arabic_term.evaluate("e => getComputedStyle(e).direction") == "rtl"
        context.close()
        rows_effort = client.predict("reviewer", api_name="/effort")["rows"]
        assert sum(r["timed_segments"] for r in rows_effort) >= 2  # the editor recorded how long segments were open


def test_auth_login_name_is_recorded_with_saves(served_home, tiny_dir, request):
    from gradio_client import Client

    with serve(served_home, tiny_dir, "--auth", "alice:s3cret") as url:
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError, match="credentials were not provided"):  # no login, no API
            Client(url, verbose=False).predict(ARTICLE, api_name="/get_article")
        client = Client(url, auth=("alice", "s3cret"), verbose=False)
        view = client.predict(ARTICLE, api_name="/get_article")["article"]
        seg = next(s for s in view["segments"] if s["kind"] == "body")
        saved = client.predict(ARTICLE, seg["id"], "ru", "Лавров: совместное решение вопросов укрепляет отношения.",
                               seg["targets"]["ru"]["revision_id"], "somebody-else", False, api_name="/save_unit")
        assert saved["ok"]
        view = client.predict(ARTICLE, api_name="/get_article")["article"]
        unit = next(s for s in view["segments"] if s["id"] == seg["id"])["targets"]["ru"]
        assert unit["author"] == "alice"  # the login wins over a typed name
        if chromium_path():  # the review grid calls the same endpoints from the logged-in page
            browser = request.getfixturevalue("browser")  # the session's Chromium
            with contextlib.closing(browser.new_context(viewport={"width": 1440, "height": 900})) as context:
                page = context.new_page()
                page.goto(url)
                page.fill("input[type=text]", "alice")
                page.fill("input[type=password]", "s3cret")
                page.keyboard.press("Enter")
                page.wait_for_selector("#article-header", timeout=60_000)
                page.goto(f"{url}?article={ARTICLE}")
                page.wait_for_selector("#review-grid tbody tr[data-seg]", timeout=60_000)
                _open_editor(page, 0, "en")
                page.keyboard.press("Control+a")
                page.keyboard.type("Saved from the logged-in page.")
                page.keyboard.press("Control+Enter")
                page.wait_for_function("() => document.querySelector('#wb-message').innerText.includes('Saved')")
            view = client.predict(ARTICLE, api_name="/get_article")["article"]
            first = next(s for s in view["segments"] if s["kind"] != "meta")["targets"]["en"]
            assert (first["text"], first["author"]) == ("Saved from the logged-in page.", "alice")
