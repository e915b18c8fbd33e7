"""Shared fixtures: offline hub, tiny models built once per session, a workbench in a temp folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCHEMAS = ROOT / "tests" / "data" / "schemas"  # the official XLIFF 1.2 and TMX 1.4 files, kept in the project
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiny-models")


@pytest.fixture(scope="session")
def ct2_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CTranslate2 conversions of the tiny models, made once per test session."""
    return tmp_path_factory.mktemp("ct2")


@pytest.fixture(scope="session")
def hf_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty Hugging Face cache, so models a user has cached never change what the tests see."""
    return tmp_path_factory.mktemp("hf-home")


def offline_variables(tiny_dir: Path, hf_home: Path, ct2_dir: Path) -> dict[str, str]:
    """The environment every test runs in: offline hub, the tiny models' folders, one thread, no compute probe."""
    return {"HF_HUB_OFFLINE": "1", "WORKBENCH_CT2_DIR": str(ct2_dir), "HF_HOME": str(hf_home),
            "HF_HUB_CACHE": str(hf_home / "hub"), "WORKBENCH_THREADS": "1",
            "WORKBENCH_NO_PROBE": "1",  # the rules, the same on every machine (test_compute_choice probes)
            "WORKBENCH_TINY_DIR": str(tiny_dir), "GRADIO_ANALYTICS_ENABLED": "False"}  # a served app calls no one


UNSET = ("WORKBENCH_HOME", "WORKBENCH_MODELS", "WORKBENCH_TRACE")


@pytest.fixture(scope="session", autouse=True)
def offline_session(tiny_dir: Path, hf_home: Path, ct2_dir: Path) -> Iterator[None]:
    """The same environment for the whole session, so module- and session-scoped fixtures (a served site, a
    template home) and a server's threads between tests run in it too: without it a module fixture that loads a
    model ran the compute probe (a minute and a half of CPU)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in offline_variables(tiny_dir, hf_home, ct2_dir).items():
            mp.setenv(name, value)
        for name in UNSET:
            mp.delenv(name, raising=False)
        yield


@pytest.fixture(autouse=True)
def offline_env(monkeypatch: pytest.MonkeyPatch, tiny_dir: Path, hf_home: Path, ct2_dir: Path) -> None:
    """Each test starts from that environment again, whatever the test before it changed."""
    for name, value in offline_variables(tiny_dir, hf_home, ct2_dir).items():
        monkeypatch.setenv(name, value)
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def wb(home: Path):
    from workbench import Workbench

    bench = Workbench(home, profile="tiny")
    yield bench
    bench.close()


@pytest.fixture(scope="session")
def translated_template(tmp_path_factory: pytest.TempPathFactory, tiny_dir: Path, ct2_dir: Path) -> Path:
    """A data home with the five seeds translated to en and ru with summaries by tiny models, made once."""
    from workbench import Workbench

    home = tmp_path_factory.mktemp("translated") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("HF_HOME", str(tiny_dir.parent / "hf-home-template"))
        mp.setenv("WORKBENCH_THREADS", "1")
        mp.setenv("WORKBENCH_NO_PROBE", "1")
        mp.setenv("WORKBENCH_CT2_DIR", str(ct2_dir))
        mp.setenv("WORKBENCH_TINY_DIR", str(tiny_dir))
        with Workbench(home, profile="tiny") as bench:
            report = bench.translate([str(SEEDS)], ["en", "ru"], summarize=True)
            assert report.ok, report.failures
    return home


@pytest.fixture
def translated(translated_template: Path, home: Path):
    """A fresh copy of the translated data home, opened as a Workbench with the tiny profile."""
    from workbench import Workbench

    shutil.copytree(translated_template, home)
    bench = Workbench(home, profile="tiny")
    yield bench
    bench.close()


# --------------------------------------------------------------------------- one Chromium for the browser tests
def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if not path:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    """One headless Chromium for the session (a launch costs 2-3 s); each test opens a context of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context (its own cookies and storage); a script error on it fails the test."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


def subprocess_env(home: Path, tiny: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "WORKBENCH_TINY_DIR": str(tiny), "WORKBENCH_HOME": str(home),
                "HF_HOME": os.environ.get("HF_HOME", str(tiny.parent / "hf-home")), "WORKBENCH_THREADS": "1", "WORKBENCH_NO_PROBE": "1",
                "WORKBENCH_CT2_DIR": os.environ.get("WORKBENCH_CT2_DIR", str(tiny.parent / "ct2")),
                "OMP_NUM_THREADS": "1"})
    env.update(extra)
    return env


def review_and_approve(wb, article_id: str, lang: str, author: str = "chief") -> None:
    """Confirm every segment of an article language as reviewed, then approve it. Tiny models' outputs keep
    blocking flags (meaningless_model), so the approval needs, and records, an override reason."""
    view = wb.article(article_id).to_dict()
    for seg in view["segments"]:
        unit = seg["targets"].get(lang)
        if seg["kind"] != "meta" and unit and not unit["reviewed"]:
            wb.confirm(article_id, seg["id"], lang, author=author, base_revision_id=unit["revision_id"])
    wb.approve(article_id, lang, author, override="test data from tiny random-weight models")
