"""The server as an attacker sees it: every operation with wrong types, huge strings, paths and foreign ids gets one
clear error and writes nothing; no API call reads a file; downloads stay in their folder (issue 21, items 1, 2, 8)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.app import operations as ops
from workbench.app import operations_cat  # noqa: F401  (the CAT editor's operations are fuzzed too)
from workbench.app.catalog import registry
from workbench.app.ui import actions

ARTICLE = "003_70140ed69b948bf5"
OTHER = "000_b2b0b7ef8c4c7ace"
TABLES = ("articles", "segments", "revisions", "drafts", "article_status", "status_log", "failures", "pivot_checks",
          "comments", "comment_mentions", "flag_dismissals", "propagations")

BAD_VALUES: list[Any] = [None, 123, 1.5, True, [], {}, ["en"], {"path": "/etc/passwd"}, "", "x" * 2_000_000,
                         "../../etc/passwd", "/etc/hostname", ".", "a/b", "\ud800", "-1", 2**70]


def _rows(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "workbench.sqlite") as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _valid(wb) -> dict[str, dict[str, Any]]:
    """Arguments each operation accepts (the baseline each bad value replaces one of)."""
    seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    rev = seg["targets"]["en"]["revision_id"]
    unit = {"article_id": ARTICLE, "unit": seg["id"], "language": "en"}
    return {
        "list_articles": {"query": "", "status": "all"},
        "get_article": {"article_id": ARTICLE},
        "translate_article": {"article_id": ARTICLE, "languages": ["en"], "replace_edited": False},
        "review_order": {"article_id": ARTICLE, "language": "en", "order": "review_first", "only": "all"},
        "effort": {"by": "model"},
        "review_view": {"article_id": ARTICLE, "author": "mona"},
        "unit_details": unit,
        "save_unit": {**unit, "text": "A text.", "base_revision_id": rev, "author": "mona", "reviewed": True,
                      "seconds_open": 3.0},
        "confirm_unit": {**unit, "base_revision_id": rev, "author": "mona", "seconds_open": 3.0},
        "confirm_pivot": {**unit, "language": "ru", "author": "mona"},  # the tiny profile's Russian is made from English
        "restore_unit": {**unit, "revision_id": rev, "base_revision_id": rev, "author": "mona"},
        "compare": {"old_text": "a", "new_text": "b"},
        "save_draft": {**unit, "text": "draft", "base_revision_id": rev, "author": "mona"},
        "discard_draft": {**unit, "author": "mona"},
        "retranslate_unit": {**unit, "replace_edited": False},
        "approve": {"article_id": ARTICLE, "language": "en", "author": "mona", "override": ""},
        "import_url": {"url": "https://example.org/news/1"},  # every bad value is refused before anything is fetched
        "get_glossary": {},
        "save_glossary": {"rows": [["موسكو", "Moscow", "Москва", ""]], "base_version": "a-stale-version", "author": "mona"},
        # the fact checks' (app/operations_checks.py): a name of the segment, confirmed in the ledger
        "ledger_name": {**unit, "entity": "لافروف", "action": "confirm", "base_revision_id": rev, "author": "mona"},
        **_valid_cat(wb, unit, rev),
    }


def _valid_cat(wb, unit: dict[str, Any], rev: int) -> dict[str, dict[str, Any]]:
    """The CAT editor's operations (app/operations_cat.py)."""
    other = [s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body"][1]
    search = {"article_id": ARTICLE, "language": "en", "find": "Lavrov", "replacement": "Lavrov", "match_case": False,
              "whole_word": False}
    return {
        "cat_view": {"article_id": ARTICLE, "author": "mona"},
        "add_comment": {**unit, "text": "Check this @bob", "author": "mona"},
        "resolve_comment": {"article_id": ARTICLE, "comment_id": 1, "resolved": True, "author": "mona"},
        "mentions": {"author": "mona", "include_resolved": False},
        "search_comments": {"query": "Astana"},
        "dismiss_flag": {**unit, "flag": "repetition", "reason": "a false positive", "author": "mona"},
        "restore_flag": {**unit, "flag": "repetition", "author": "mona"},
        "repetitions": {**unit, "corpus": False, "author": "mona"},
        "propagate": {**unit, "revision_id": rev, "targets": [[ARTICLE, other["id"], other["targets"]["en"]["revision_id"]]],
                      "author": "mona"},
        "concordance": {"query": "لافروف", "languages": ["en", "ru"]},
        "replace_preview": search,
        "replace_apply": {**search, "picks": [[unit["unit"], rev]], "author": "mona"},
        "presence": {"article_id": ARTICLE, "client": "tab-0001-mona", "editing": unit["unit"], "language": "en",
                     "author": "mona"},
        "changes": {"article_id": ARTICLE, "author": "mona"},
        "leave_page": {"client": "tab-0001-mona"},
    }


def test_every_operation_is_covered(translated):
    assert set(_valid(translated)) == set(registry()), "each operation needs its valid arguments in _valid()"


# Values that are fine for these arguments (free text, optional): everything else must be refused.
ACCEPTS = {
    "query": [None, "", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "author": [None, "", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "override": [None, "", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "old_text": [None, "", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "new_text": [None, "", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "text": ["", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "base_revision_id": [None, ""],
    "seconds_open": [None, "", 123, 1.5, "-1", 2**70],  # clamped to 0 s .. one day
    "languages": [["en"]],
    "replace_edited": [True],
    "reviewed": [True],
    # the CAT editor's (app/operations_cat.py): free text, flags, "not editing"
    "find": ["-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "replacement": [None, "", "-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "reason": ["-1", ".", "a/b", "../../etc/passwd", "/etc/hostname"],
    "editing": [None, ""],
    "resolved": [True], "include_resolved": [True], "match_case": [True], "whole_word": [True], "corpus": [True],
}


def _accepted(name: str, value: Any) -> bool:
    allowed = ACCEPTS.get(name, ())
    return any(type(value) is type(v) and value == v for v in allowed)


def test_bad_arguments_get_one_clear_error_and_write_nothing(translated, caplog):
    wb = translated
    before = _rows(wb.home.path)
    valid = _valid(wb)
    checked = 0
    for name, args in valid.items():
        op = registry()[name]
        for arg in args:
            for bad in BAD_VALUES:
                if _accepted(arg, bad):
                    continue
                result = op(wb, **{**args, arg: bad})
                checked += 1
                assert isinstance(result, dict) and result["ok"] is False, (name, arg, repr(bad)[:40], result)
                error = result.get("error", "")
                assert isinstance(error, str) and 0 < len(error) < 400 and "\n" not in error, (name, arg, error)
                assert "internal error" not in error, (name, arg, error)
    assert checked > 300
    assert _rows(wb.home.path) == before
    assert not [r for r in caplog.records if r.exc_info], "an operation raised an unexpected error"


def test_foreign_units_and_unknown_ids_write_nothing(translated):
    wb = translated
    before = _rows(wb.home.path)
    mine = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    theirs = next(s for s in wb.article(OTHER).to_dict()["segments"] if s["kind"] == "body")
    rev = mine["targets"]["en"]["revision_id"]
    for unit in (theirs["id"], "../../etc/passwd", f"{ARTICLE}.nope", "no-such-unit", ARTICLE):
        assert ops.save_draft(wb, article_id=ARTICLE, unit=unit, language="en", text="planted", base_revision_id=rev, author="eve")["ok"] is False
        assert ops.save_unit(wb, article_id=ARTICLE, unit=unit, language="en", text="planted", base_revision_id=rev, author="eve")["ok"] is False
        answer = ops.retranslate_unit(wb, article_id=ARTICLE, unit=unit, language="en")
        assert answer["ok"] is False and "replaced" not in answer  # not `ok: true` for a unit that is not there
    assert ops.restore_unit(wb, article_id=ARTICLE, unit=mine["id"], language="en", revision_id=theirs["targets"]["en"]["revision_id"], base_revision_id=rev, author="eve")["ok"] is False
    for value in (123, True, {"t": 1}):
        assert ops.save_unit(wb, article_id=ARTICLE, unit=mine["id"], language="en", text=value, base_revision_id=rev, author="eve")["ok"] is False
    for reviewed in ("yes", 1, "false", None):  # only a JSON boolean says reviewed
        assert ops.save_unit(wb, article_id=ARTICLE, unit=mine["id"], language="en", text="t", base_revision_id=rev, author="eve", reviewed=reviewed)["ok"] is False
    assert _rows(wb.home.path) == before


def test_the_text_limit_is_configurable(translated, monkeypatch):
    seg = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    rev = seg["targets"]["en"]["revision_id"]
    monkeypatch.setenv("WORKBENCH_MAX_TEXT_CHARS", "50")
    refused = ops.save_unit(translated, article_id=ARTICLE, unit=seg["id"], language="en", text="x" * 51, base_revision_id=rev, author="mona")
    assert refused["ok"] is False and "the limit is 50" in refused["error"]
    assert ops.save_unit(translated, article_id=ARTICLE, unit=seg["id"], language="en", text="x" * 50, base_revision_id=rev, author="mona")["ok"]


def test_no_operation_reads_a_path(translated, tmp_path):
    wb = translated
    secret = tmp_path / "secret.txt"
    secret.write_text("نص سري: the password is hunter2", encoding="utf-8")
    before = _rows(wb.home.path)
    for item in (str(secret), "", ".", "/etc/hostname", str(tmp_path), "secret"):
        answer = ops.translate_article(wb, article_id=item, languages=["en"], replace_edited=False)
        assert answer["ok"] is False, item
        assert actions.translate_article(wb, item, ["en"])["ok"] is False
    assert ops.get_article(wb, article_id="secret")["ok"] is False and ops.get_article(wb, article_id="hostname")["ok"] is False
    assert _rows(wb.home.path) == before


def test_downloads_stay_in_their_folder(translated, tmp_path):
    from workbench.errors import WorkbenchError

    folder = tmp_path / "downloads" / "one"
    folder.mkdir(parents=True)
    for bad in ("../../outside/evil", "/tmp/evil", "..", "", "no-such-article"):
        with pytest.raises(WorkbenchError):
            actions.export_article(translated, bad, "xliff", folder=folder)
    assert not list(tmp_path.rglob("evil*"))
    path = actions.export_article(translated, ARTICLE, "xliff", folder=folder)
    assert path.parent == folder and path.name == f"{ARTICLE}.xlf"


# --------------------------------------------------------------------------- through a served app
def _serve(home: Path, tiny: Path, *extra: str) -> contextlib.AbstractContextManager[str]:
    """The live tests' server, its output (where Gradio prints tracebacks) kept in home/../serve.out."""
    from .test_ui_live import serve

    return serve(home, tiny, *extra, log=home.parent / "serve.out")


def _server_output(home: Path) -> str:
    log = home / "logs" / "workbench.log"
    return (home.parent / "serve.out").read_text() + (log.read_text() if log.exists() else "")


@pytest.fixture
def served(translated_template, home):
    shutil.copytree(translated_template, home)
    return home


@pytest.fixture(scope="module")
def open_site(translated_template, tiny_dir, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """One server without a login for the tests that only send what must be refused (each checks that nothing was
    written and nothing printed a traceback while it ran): a start costs ~10 s of CPU."""
    home = tmp_path_factory.mktemp("open-site") / "data"
    shutil.copytree(translated_template, home)
    with _serve(home, tiny_dir) as url:
        yield url, home
    assert "Traceback" not in _server_output(home)  # and none printed late: the whole output, once it is flushed


@contextlib.contextmanager
def no_new_traceback(home: Path) -> Iterator[None]:
    """The server's output and log while the block runs have no traceback (what earlier tests printed is theirs)."""
    before = len(_server_output(home))
    yield
    assert "Traceback" not in _server_output(home)[before:]


@pytest.mark.slow
def test_served_app_reads_no_file_and_answers_bad_input_cleanly(open_site, tmp_path):
    from gradio_client import Client

    url, served = open_site
    secret = tmp_path / "planted-secret.txt"
    secret.write_text("نص سري: the password is hunter2", encoding="utf-8")
    before = _rows(served)
    with no_new_traceback(served):
        client = Client(url, verbose=False)
        for item in (str(secret), "/etc/hostname", "", str(served / "config.toml")):
            answer = client.predict(item, ["en"], False, api_name="/translate_article")
            assert answer["ok"] is False, (item, answer)
        for name in ("planted-secret", "hostname"):
            answer = client.predict(name, api_name="/get_article")
            assert answer["ok"] is False and "hunter2" not in str(answer)
        seg = next(s for s in client.predict(article_id=ARTICLE, api_name="/get_article")["article"]["segments"]
                   if s["kind"] == "body")  # arguments by name, as the declaration names them
        theirs = next(s for s in client.predict(OTHER, api_name="/get_article")["article"]["segments"]
                      if s["kind"] == "body")
        rev = seg["targets"]["en"]["revision_id"]
        calls = [
            ("/list_articles", (123, "all")), ("/list_articles", ("x" * 1_000_000, "all")),
            ("/list_articles", ("", ["all"])), ("/get_article", (None,)), ("/get_article", (123,)),
            ("/review_view", (ARTICLE, 123)), ("/review_view", ("nope", "mona")),
            ("/save_unit", (ARTICLE, seg["id"], "en", 123, rev, "mona", True, None)),
            ("/save_unit", (ARTICLE, seg["id"], "en", "t", rev, {"a": 1}, True, None)),
            ("/save_unit", (ARTICLE, seg["id"], "en", "t", rev, "mona", "yes", None)),
            ("/save_unit", (ARTICLE, theirs["id"], "en", "t", rev, "mona", True, None)),
            ("/save_unit", (ARTICLE, seg["id"], "en", "x" * 2_000_000, rev, "mona", True, None)),
            ("/save_draft", (ARTICLE, "../../etc/passwd", "en", "t", rev, "mona")),
            ("/save_draft", (ARTICLE, theirs["id"], "en", "t", rev, "mona")),
            ("/confirm_unit", (ARTICLE, seg["id"], "en", "not-a-number", "mona", None)),
            ("/compare", (123, None)), ("/compare", ([], {})),
            ("/approve", (ARTICLE, "en", 5, "")), ("/approve", (ARTICLE, "en", "mona", 7)),
            ("/retranslate_unit", (ARTICLE, "no-such-unit", "en", False)),
            ("/review_order", (ARTICLE, "de", "review_first", "all")), ("/effort", (["x"],)),
            ("/translate_article", (ARTICLE, "fr", False)),
        ]
        for api_name, args in calls:
            answer = client.predict(*args, api_name=api_name)
            assert isinstance(answer, dict) and answer["ok"] is False, (api_name, repr(args)[:80], answer)
            assert "internal error" not in answer["error"] and "\n" not in answer["error"]
        # the page's own events are reachable too: they answer (or Gradio refuses the value) without a traceback
        from gradio_client.exceptions import AppError

        for args, api_name in ((("x" * 1_000_000, "all"), "/refresh"), ((123, ["all"]), "/refresh"),
                               (("by",), "/rows"), (({"a": 1},), "/rows")):
            with contextlib.suppress(AppError):
                client.predict(*args, api_name=api_name)
    assert _rows(served) == before


@pytest.mark.slow
def test_with_auth_the_api_still_reads_no_file(served, tiny_dir, tmp_path):
    from gradio_client import Client

    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    with _serve(served, tiny_dir, "--auth", "alice:s3cret") as url:
        client = Client(url, auth=("alice", "s3cret"), verbose=False)
        assert client.predict(str(secret), ["en"], False, api_name="/translate_article")["ok"] is False
        assert client.predict("secret", api_name="/get_article")["ok"] is False
        assert len(client.predict("", "all", api_name="/list_articles")["articles"]) == 5


# --------------------------------------------------------------------------- issue 27, item 8: events called by hand
def _events_by_hand(url: str) -> list[tuple[int, str, str]]:
    """Every event of the page through Gradio's queue, with one value too few, each value None (no event data) and
    one too many: (fn_index, what was sent, the answer's error or "ok")."""
    import json

    import httpx

    answers = []
    with httpx.Client(base_url=url, timeout=60, headers={"Origin": url.rstrip("/")}) as http:
        for dep in http.get("/config").json()["dependencies"]:
            count = len(dep["inputs"])
            for label, data in (("few", [None] * (count - 1)), ("none", [None] * count), ("many", [None] * (count + 2))):
                if len(data) < 0 or (label == "few" and count == 0):
                    continue
                session = f"hand{dep['id']}{label}"
                joined = http.post("/gradio_api/queue/join", json={"data": data, "fn_index": dep["id"],
                                                                    "session_hash": session, "event_data": None})
                assert joined.status_code == 200, (dep["id"], joined.text)
                with http.stream("GET", f"/gradio_api/queue/data?session_hash={session}") as stream:
                    done = next(json.loads(line[5:]) for line in stream.iter_lines()
                                if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed")
                answers.append((dep["id"], label, "ok" if done["success"] else str(done["output"].get("error"))))
    return answers


@pytest.mark.slow
def test_every_event_called_by_hand_with_wrong_values_answers_without_a_traceback(open_site):
    """`/gradio_api/queue/join` with too few values (every event), too many, or None where the page sends a table or
    the selection's event data: Gradio printed a traceback for each; now one error names the event."""
    url, served = open_site
    before = _rows(served)
    with no_new_traceback(served):
        answers = _events_by_hand(url)
    assert len({a[0] for a in answers}) > 40  # every event of the page and every endpoint
    for fn_index, label, error in answers:
        if label != "none":
            assert "value(s), got" in error or "runs in the browser only" in error, (fn_index, label, error)
    refused = {error for _, label, error in answers if label == "none" and error != "ok"}
    assert any("needs the event's data" in e for e in refused) and any("save: Could not preprocess" in e
                                                                        for e in refused), refused
    assert _rows(served) == before


def test_a_malformed_event_is_one_quiet_error(translated):
    """In process: the same refusals, as the quiet gr.Error Gradio sends to the caller and does not print."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import gradio as gr

    from workbench.app.ui import build_app

    app = build_app(translated)
    select = next(i for i, fn in app.fns.items() if fn.name == "on_select")
    glossary_save = next(i for i, fn in app.fns.items() if fn.name == "save")
    for fn_index, inputs, message in ((select, [], "on_select takes 1 value(s), got 0"),
                                      (select, [None, None], "on_select takes 1 value(s), got 2"),
                                      (select, [["a"]], "on_select needs the event's data (index, value)"),
                                      (glossary_save, [None, None, ""], "save: Could not preprocess input component")):
        with pytest.raises(gr.Error) as err, ThreadPoolExecutor(1) as thread:  # its own loop, beside Playwright's
            thread.submit(asyncio.run, app.process_api(fn_index, inputs, event_data=gr.EventData(None, None))).result()
        assert str(err.value.message).startswith(message) and err.value.print_exception is False
