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

from .conftest import ARTIFACTS, subprocess_env

ARTICLE = "003_70140ed69b948bf5"
pytestmark = pytest.mark.slow  # each test starts a server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(home: Path, tiny: Path, *extra: str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--profile", "tiny", "--port", str(port), *extra],
                            env=subprocess_env(home, tiny, GRADIO_ANALYTICS_ENABLED="False"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
                time.sleep(0.3)
        else:
            raise RuntimeError("server did not start in 90 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def served_home(translated_template, home):
    shutil.copytree(translated_template, home)
    return home


def test_gradio_client_save_survives_a_restart(served_home, tiny_dir):
    from gradio_client import Client

    with serve(served_home, tiny_dir) as url:
        client = Client(url, verbose=False)
        articles = client.predict("", "all", api_name="/list_articles")
        assert len(articles) == 5
        view = client.predict(ARTICLE, api_name="/get_article")
        seg = next(s for s in view["segments"] if s["kind"] == "body")
        base = seg["targets"]["en"]["revision_id"]
        saved = client.predict(ARTICLE, seg["id"], "en", "Lavrov: solving issues together strengthens ties.", base,
                               "client-test", api_name="/save_segment")
        assert saved["ok"] and saved["revision_id"] > base
        conflict = client.predict(ARTICLE, seg["id"], "en", "An older edit", base, "other", api_name="/save_segment")
        assert conflict["ok"] is False and conflict["current_text"].startswith("Lavrov: solving")
        order = client.predict(ARTICLE, "en", "review_first", "all", api_name="/review_order")
        assert order["ok"] and order["segments"][-1]["segment_id"] == seg["id"]  # reviewed goes last
        assert order["segments"][0]["confidence"] is not None and "geometric mean" in order["explanation"]
    with serve(served_home, tiny_dir) as url:
        client = Client(url, verbose=False)
        view = client.predict(ARTICLE, api_name="/get_article")
        seg2 = next(s for s in view["segments"] if s["id"] == seg["id"])
        assert seg2["targets"]["en"]["text"] == "Lavrov: solving issues together strengthens ties."
        assert seg2["targets"]["en"]["author"] == "client-test"
        # a second user is served while a translation job is queued or running
        job = client.submit(ARTICLE, ["en", "ru"], api_name="/translate_article")
        other = Client(url, verbose=False)
        assert len(other.predict("", "all", api_name="/list_articles")) == 5
        report = job.result(timeout=300)
        assert report["ok"] and report["translated"] == 19  # the segment saved above keeps its human text


def test_non_loopback_host_without_auth_is_refused(home):
    from click.testing import CliRunner

    from workbench.app.cli import cli

    result = CliRunner().invoke(cli, ["--home", str(home), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "--auth" in result.stderr and "Traceback" not in result.output


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_browser_edit_save_reload(served_home, tiny_dir):
    chromium = _chromium()
    if not chromium:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    new_text = "Lavrov said that solving issues together strengthens the alliance (browser test)."
    with serve(served_home, tiny_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.goto(f"{url}?article={ARTICLE}")
        # Gradio 6 renders the table body as a grid of [role=gridcell] cells; column 2 is the Arabic original
        arabic_cell = page.locator('#segments [data-testid="cell-1-2"]')
        arabic_cell.wait_for(timeout=60_000)
        assert "روسيا" in arabic_cell.inner_text() or "لافروف" in arabic_cell.inner_text()
        assert arabic_cell.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert arabic_cell.evaluate("e => getComputedStyle(e).textAlign") in ("right", "end")
        english_cell = page.locator('#segments [data-testid="cell-1-3"]')
        assert english_cell.evaluate("e => getComputedStyle(e).direction") == "ltr"
        arabic_cell.click()
        editor = page.locator("#edit-segment textarea")
        page.wait_for_function("document.querySelector('#edit-segment textarea').value.length > 0", timeout=30_000)
        editor.fill(new_text)
        editor.press("Control+Enter")  # the keyboard shortcut saves
        page.locator("#message").get_by_text("Saved as revision").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "ui-after-save.png"), full_page=True)
        page.reload()
        page.wait_for_function(
            "t => [...document.querySelectorAll('#segments [role=gridcell]')].some(td => td.innerText.includes(t))",
            arg=new_text[:40], timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "ui-after-reload.png"), full_page=False)
        browser.close()
        from gradio_client import Client

        # the editor recorded how long the segment was open: the effort report has one timed segment
        rows = Client(url, verbose=False).predict("reviewer", api_name="/effort")
        timed = [r for r in rows if r["timed_segments"]]
        assert len(timed) == 1 and timed[0]["segments"] == 1 and timed[0]["seconds_per_segment"] > 0


def test_auth_login_name_is_recorded_with_saves(served_home, tiny_dir):
    from gradio_client import Client

    with serve(served_home, tiny_dir, "--auth", "alice:s3cret") as url:
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError, match="credentials were not provided"):  # no login, no API
            Client(url, verbose=False).predict(ARTICLE, api_name="/get_article")
        client = Client(url, auth=("alice", "s3cret"), verbose=False)
        view = client.predict(ARTICLE, api_name="/get_article")
        seg = next(s for s in view["segments"] if s["kind"] == "body")
        saved = client.predict(ARTICLE, seg["id"], "ru", "Лавров: совместное решение вопросов укрепляет отношения.",
                               seg["targets"]["ru"]["revision_id"], "somebody-else", api_name="/save_segment")
        assert saved["ok"]
        view = client.predict(ARTICLE, api_name="/get_article")
        unit = next(s for s in view["segments"] if s["id"] == seg["id"])["targets"]["ru"]
        assert unit["author"] == "alice"  # the login wins over a typed name
