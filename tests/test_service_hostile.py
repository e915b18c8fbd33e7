"""The service layer (`app/service.py`, `app/params.py`) attacked as a hostile client would: through a real server's
named endpoints (`/gradio_api/call/NAME`) and the page's server function (`/gradio_api/component_server`), in
process, and through `workbench op`. Every refusal is one short line, writes nothing and logs no traceback; with
`--auth` a logged-in user never writes as someone else."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.app.catalog import registry

from .conftest import subprocess_env

ARTICLE = "003_70140ed69b948bf5"
OTHER = "000_b2b0b7ef8c4c7ace"
TABLES = ("articles", "segments", "revisions", "drafts", "article_status", "status_log", "comments", "flag_dismissals",
          "propagations")
PASSWORDS = {"alice": "alice-s3cret", "bob": "bob-s3cret"}


def _rows(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "workbench.sqlite") as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _one_line(error: Any) -> None:
    assert isinstance(error, str) and 0 < len(error) < 400 and "\n" not in error and "\r" not in error, repr(error)[:500]
    assert "Traceback" not in error and "internal error" not in error, error


# --------------------------------------------------------------------------- a live server, attacked over HTTP
class Http:
    """A hostile client of one served app: the named endpoints and the page's server function, as raw HTTP."""

    def __init__(self, url: str, home: Path, login: str | None = None):
        import httpx

        self.url, self.home = url, home
        self.http = httpx.Client(base_url=url, timeout=120)
        if login:
            answer = self.http.post("/login", data={"username": login, "password": PASSWORDS[login]})
            assert answer.status_code == 200, answer.text
        config = self.http.get("/config").json()
        self.grid = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "grid-host")

    def call(self, name: str, data: Any, *, raw: bytes | None = None) -> tuple[str, Any]:
        """POST /gradio_api/call/NAME then read the event: ("complete", the answer) or ("error", Gradio's message),
        or ("http NNN", body) when the POST itself is refused."""
        body = raw if raw is not None else json.dumps({"data": data}).encode()
        posted = self.http.post(f"/gradio_api/call/{name}", content=body, headers={"Content-Type": "application/json"})
        if posted.status_code != 200:
            return f"http {posted.status_code}", posted.text
        event_id = posted.json()["event_id"]
        kind, payload = "", None
        with self.http.stream("GET", f"/gradio_api/call/{name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    payload = json.loads(line[5:]) if line[5:].strip() not in ("", "null") else None
                    break
        return kind, payload[0] if kind == "complete" and isinstance(payload, list) else payload

    def answer(self, name: str, *data: Any) -> dict[str, Any]:
        kind, payload = self.call(name, list(data))
        assert kind == "complete", (name, kind, payload)
        return payload

    def page(self, name: str, args: Any, *, data: Any = None) -> tuple[int, Any]:
        """The page's server function: [operation name, {argument: value}] (or `data` as given)."""
        body = {"data": [name, args] if data is None else data, "component_id": self.grid, "session_hash": "atk",
                "fn_name": "operation"}
        answer = self.http.post("/gradio_api/component_server", json=body)
        return answer.status_code, answer.json() if answer.headers.get("content-type", "").startswith("application/json") else answer.text

    def close(self) -> None:
        self.http.close()


def _server_output(home: Path) -> str:
    log = home / "logs" / "workbench.log"
    return (home.parent / "serve.out").read_text() + (log.read_text() if log.exists() else "")


@pytest.fixture(scope="module")
def live(translated_template, tiny_dir, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """One server with logins for alice and bob on a copy of the translated home (module-wide: a start costs ~20 s)."""
    from .test_ui_live import serve

    home = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(translated_template, home)
    # the server's own log only (in one pytest process, other tests' logged errors can reach the template's log)
    shutil.rmtree(home / "logs", ignore_errors=True)
    logins = home.parent / "logins.txt"
    logins.write_text("".join(f"{u}:{p}\n" for u, p in PASSWORDS.items()), encoding="utf-8")
    with serve(home, tiny_dir, "--auth-file", str(logins), log=home.parent / "serve.out") as url:
        yield url, home


@pytest.fixture
def alice(live) -> Iterator[Http]:
    client = Http(*live, login="alice")
    yield client
    client.close()


def _segment(client: Http, article: str = ARTICLE, index: int = 0) -> dict[str, Any]:
    view = client.answer("get_article", article)["article"]
    return [s for s in view["segments"] if s["kind"] == "body"][index]


SPOOF = "mallory-spoof"
AUTHORED = (("revisions", "author"), ("drafts", "author"), ("status_log", "author"), ("comments", "author"),
            ("comments", "resolved_by"), ("flag_dismissals", "author"), ("flag_dismissals", "restored_by"),
            ("propagations", "author"), ("pivot_checks", "author"), ("glossary_versions", "author"))


def _authors(home: Path) -> set[str]:
    with sqlite3.connect(home / "workbench.sqlite") as conn:
        return {r[0] for t, c in AUTHORED for r in conn.execute(f"SELECT {c} FROM {t}") if r[0]}


@pytest.mark.slow
def test_a_logged_in_reviewer_writes_only_as_herself(live, alice):
    """`author` is an argument of every writing operation, for servers without logins; with --auth it is the login,
    whatever a named endpoint or the page's server function was sent."""
    seg, other = _segment(alice), _segment(alice, index=1)
    rev = seg["targets"]["en"]["revision_id"]
    unit = {"article_id": ARTICLE, "unit": seg["id"], "language": "en"}
    assert alice.answer("save_draft", ARTICLE, seg["id"], "en", "draft", rev, SPOOF)["ok"]
    saved = alice.answer("save_unit", ARTICLE, seg["id"], "en", "Lavrov said so.", rev, SPOOF, True, 3)
    assert saved["ok"], saved
    status, made = alice.page("add_comment", {**unit, "text": "look @bob", "author": SPOOF})
    assert status == 200 and made["ok"] and made["comment"]["author"] == "alice", made
    for name, args in (("save_draft", {**unit, "text": "d2", "base_revision_id": saved["revision_id"], "author": SPOOF}),
                       ("resolve_comment", {"article_id": ARTICLE, "comment_id": made["comment"]["id"], "author": SPOOF}),
                       ("dismiss_flag", {**unit, "flag": "repetition", "reason": "fine", "author": SPOOF}),
                       ("restore_flag", {**unit, "flag": "repetition", "author": SPOOF}),
                       ("confirm_unit", {**unit, "language": "ru", "base_revision_id": seg["targets"]["ru"]["revision_id"],
                                         "author": SPOOF}),
                       ("propagate", {**unit, "revision_id": saved["revision_id"], "author": SPOOF,
                                      "targets": [[ARTICLE, other["id"], other["targets"]["en"]["revision_id"]]]}),
                       ("approve", {"article_id": ARTICLE, "language": "en", "author": SPOOF, "override": "spoofed"})):
        status, answer = alice.page(name, args)
        assert status == 200 and isinstance(answer, dict), (name, answer)
    assert alice.answer("approve", OTHER, "en", SPOOF, "via the endpoint", "", None)["ok"]
    authors = _authors(live[1])
    assert "alice" in authors and SPOOF not in authors, authors


@pytest.mark.slow
def test_a_logged_in_reviewer_cannot_read_another_reviewers_drafts_or_mentions(live, alice):
    bob = Http(*live, login="bob")
    try:
        seg = _segment(bob, index=2)
        status, kept = bob.page("save_draft", {"article_id": ARTICLE, "unit": seg["id"], "language": "en",
                                               "text": "bob's private draft"})
        assert status == 200 and kept["ok"], kept
        status, said = bob.page("add_comment", {"article_id": ARTICLE, "unit": seg["id"], "language": "en",
                                                "text": "a note to @bob"})
        assert said["ok"], said
        assert [d for d in bob.answer("review_view", ARTICLE, "")["drafts"] if d["text"] == "bob's private draft"]
    finally:
        bob.close()
    for answer in (alice.answer("review_view", ARTICLE, "bob"), alice.page("review_view", {"article_id": ARTICLE,
                                                                                             "author": "bob"})[1]):
        assert answer["ok"] and answer["author"] == "alice"
        assert not [d for d in answer["drafts"] if d["text"] == "bob's private draft"]
    mentions = alice.page("mentions", {"author": "bob"})[1]
    assert mentions["ok"] and mentions["name"] == "alice" and not mentions["comments"], mentions


@pytest.mark.slow
def test_without_a_login_nothing_is_called(live):
    import httpx

    url, home = live
    before = _rows(home)
    with httpx.Client(base_url=url, timeout=60) as http:
        config = http.get("/config")
        assert config.status_code in (401, 403) or "components" not in config.json()
        for path in ("/openapi.json", "/gradio_api/openapi.json", "/gradio_api/info", "/docs", "/redoc"):
            described = http.get(path)  # what the server can do is for those who log in
            assert described.status_code in (401, 403, 404), (path, described.status_code)
        for path, body in (("/gradio_api/call/save_draft", {"data": [ARTICLE, "x", "en", "t", None, "eve"]}),
                           ("/gradio_api/component_server", {"data": ["save_draft", {}], "component_id": 1,
                                                             "session_hash": "x", "fn_name": "operation"}),
                           ("/gradio_api/queue/join", {"data": [ARTICLE], "fn_index": 0, "session_hash": "x"})):
            answer = http.post(path, json=body)
            assert answer.status_code in (401, 403), (path, answer.status_code, answer.text[:200])
    assert _rows(home) == before


@pytest.mark.slow
def test_the_page_function_runs_the_pages_operations_only(live, alice):
    """The page's server function refuses what the page never calls (a batch, a URL fetch, the glossary, any name
    that is not an operation) and any malformed call, in one line, before anything runs."""
    before = _rows(live[1])
    calls: list[Any] = [["translate_article", {"article_id": ARTICLE, "languages": ["en"], "replace_edited": True}],
                        ["import_url", {"url": "http://127.0.0.1:1/"}], ["get_glossary", {}],
                        ["save_glossary", {"rows": [["أ", "a", "а", ""]], "base_version": "x"}],
                        ["list_articles", {}], ["effort", {}], ["__init__", {}], ["check", {}], ["", {}],
                        ["save_unit"], ["save_unit", []], ["save_unit", None], [123, {}], [["save_unit"], {}],
                        {"name": "save_unit"}, "save_unit", None, ["save_unit", {"article_id": ARTICLE}, {}],
                        ["save_unit", {"login": "bob"}], ["x" * 100_000, {}]]
    for data in calls:
        status, answer = alice.page("", None, data=data)
        assert status == 200 and answer["ok"] is False, (repr(data)[:80], answer)
        _one_line(answer["error"])
    assert _rows(live[1]) == before


def _bad_calls(seg: dict[str, Any], rev: int, theirs: str) -> list[tuple[str, Any]]:
    """(endpoint, data) a hostile client sends; each must be refused."""
    unit = [ARTICLE, seg["id"], "en"]
    save = lambda **change: [*unit, "A text.", rev, "x", True, None] if not change else [  # noqa: E731
        change.get("article_id", ARTICLE), change.get("unit", seg["id"]), change.get("language", "en"),
        change.get("text", "A text."), change.get("base", rev), change.get("author", "x"), change.get("reviewed", True),
        change.get("seconds", None)]
    ids = ["../" * 20 + "etc/passwd", "%2e%2e%2fetc", "a\x00b", "ａｒｔｉｃｌｅ", "003_70140ed69b948bf5\u200b", "x" * 10_000,
           ARTICLE + "/..", ".hidden", "", " ", 3, 3.5, True, [ARTICLE], {"id": ARTICLE}, None]
    calls: list[tuple[str, Any]] = [("get_article", [i]) for i in ids]
    calls += [("save_unit", save(article_id=i)) for i in ids]
    calls += [("save_unit", save(unit=u)) for u in (theirs, "../../etc/passwd", "", 5, ["summary"], {"u": 1}, None,
                                                     "x" * 300, seg["id"] + "\x00")]
    calls += [("save_unit", save(text=t)) for t in (5, 1.5, True, None, ["A text."], {"text": "t"}, "x" * 2_000_000,
                                                     "\ud800", [[[[]]]])]
    calls += [("save_unit", save(base=b)) for b in ("12; DROP TABLE revisions", -1, 1.5, True, "²", "١٢", [rev], 2**64,
                                                     {"id": rev}, "1e3", "0x10")]
    calls += [("save_unit", save(reviewed=r)) for r in ("true", "yes", 1, 0, None, [True], {"v": True})]
    calls += [("save_unit", save(seconds=s)) for s in ("soon", [1], {"s": 1}, True)]
    calls += [("save_unit", save(author=a)) for a in (5, ["alice"], {"name": "alice"}, "a" * 1000)]
    calls += [("save_unit", save(language=lang)) for lang in ("de", "EN", "en ", None, ["en"], 1)]
    calls += [("save_unit", [*save(), "extra"]), ("save_unit", save()[:-1]), ("save_unit", []),
              ("save_unit", {"article_id": ARTICLE}), ("save_unit", None), ("save_unit", "A text.")]
    calls += [("translate_article", [ARTICLE, langs, False]) for langs in ("en,ru", ["de"], [], ["en"] * 17, [["en"]],
                                                                            {"en": 1})]
    calls += [("translate_article", [ARTICLE, ["en"], flag]) for flag in ("false", 0, None)]
    calls += [("replace_apply", [ARTICLE, "en", "a", "b", False, False, picks, "x"])
              for picks in ([], [[seg["id"]]], [[seg["id"], rev, 1]],
                            [[seg["id"], "new"]], [[seg["id"], rev]] * 2001, "all", {"a": 1})]
    calls += [("propagate", [*unit, rev, targets, "x"]) for targets in ([[ARTICLE, theirs, 1]], [["../x", "y", 1]],
                                                                        [[ARTICLE, seg["id"]]], [], "all")]
    calls += [("resolve_comment", [ARTICLE, c, True, "x"]) for c in (0, -1, 2**63, "¹", 1.0, None, "1 OR 1=1")]
    calls += [("presence", [ARTICLE, c, "", "en", "x"]) for c in ("short", "x" * 65, "a b c d e f g", "../../tmp/x", 12345678)]
    calls += [("import_url", [u]) for u in ("file:///etc/passwd", "http://127.0.0.1:1/", "http://[::1]/", "http://10.0.0.1/",
                                             "gopher://x", "http://user:pw@example.org/", "x" * 5000, 5, None)]
    calls += [("save_glossary", [rows, "v", "x"]) for rows in ("a,b", [["a"] * 3] * 20_001, [[["nested"]]], [[1, 2, 3, 4]],
                                                               [["x" * 3000, "", "", ""]], {"data": "x"})]
    calls += [("replace_preview", [ARTICLE, "en", "a", "", False, False, o, 50]) for o in (-1, "²", 1.5, 10**10)]
    calls += [("replace_preview", [ARTICLE, "en", "a", "", False, False, 0, n]) for n in (0, 101, "all", [5])]
    return calls


@pytest.mark.slow
def test_hostile_values_through_the_named_endpoints_are_refused_in_one_line(live, alice):
    seg = _segment(alice)
    theirs = _segment(alice, OTHER)["id"]
    rev = seg["targets"]["en"]["revision_id"]
    before = _rows(live[1])
    calls = _bad_calls(seg, rev, theirs)
    for name, data in calls:
        kind, answer = alice.call(name, data)
        if kind == "error":  # Gradio refused the call itself (a wrong count of values): a short line
            _one_line(str(answer))
            continue
        if kind == "http 422":  # not a list of values: FastAPI's own refusal
            assert not isinstance(data, list), (name, data)
            continue
        assert kind == "complete" and isinstance(answer, dict) and answer["ok"] is False, (name, repr(data)[:120], kind, answer)
        _one_line(answer["error"])
    for picks in ([[theirs, rev]], [["../../etc/passwd", rev]], [[seg["id"] + "\x00", rev]]):  # not this article's:
        answer = alice.answer("replace_apply", ARTICLE, "en", "a", "b", False, False, picks, "x")  # each skipped
        assert answer["ok"] and not answer["changed"] and len(answer["skipped"]) == 1, answer
    assert _rows(live[1]) == before
    assert "Traceback" not in _server_output(live[1])


def _raw(seg: dict[str, Any], rev: int, seconds: str = "null", text: str = '"t"', lang: str = "en") -> bytes:
    return f'{{"data": ["{ARTICLE}", "{seg["id"]}", "{lang}", {text}, {rev}, "x", true, {seconds}]}}'.encode()


@pytest.mark.slow
def test_json_a_browser_never_sends_is_refused_in_one_line(live, alice):
    """Numbers JSON allows but Python cannot make a float of, NaN and Infinity (Python's JSON reads them), deep
    nesting: a refusal each, never an internal error with a traceback in the log (`seconds_open` with 400 digits
    was an OverflowError)."""
    seg = _segment(alice)
    rev = seg["targets"]["en"]["revision_id"]
    before = _rows(live[1])
    for seconds in ("1" + "0" * 400, "-" + "9" * 400, "NaN", "Infinity", "-Infinity", "1e400"):
        # a wrong language too, so nothing is saved; every argument is checked, and the seconds' check raised
        kind, answer = alice.call("save_unit", None, raw=_raw(seg, rev, seconds=seconds, lang="de"))
        assert kind == "complete" and answer["ok"] is False, (seconds[:10], answer)
        _one_line(answer["error"])
    for text in ("NaN", "1" + "0" * 400, "[" * 200 + "]" * 200):
        kind, answer = alice.call("save_unit", None, raw=_raw(seg, rev, text=text))
        assert kind == "complete" and answer["ok"] is False, (text[:10], answer)
        _one_line(answer["error"])
    status, _ = alice.call("save_unit", None, raw=b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert status.startswith("http 4") or status == "error", status
    nested = alice.http.post("/gradio_api/component_server", content=b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                             headers={"Content-Type": "application/json"})
    assert 400 <= nested.status_code < 500, nested.status_code
    assert _rows(live[1]) == before
    assert "Traceback" not in _server_output(live[1])
    assert "internal error" not in _server_output(live[1])


@pytest.mark.slow
def test_hostile_argument_names_through_the_page_are_one_short_line(live, alice):
    """The page's server function takes arguments by name: a name is the caller's text, so the error shows it
    escaped and cut (a newline in it made the one-line error two lines, a megabyte name a megabyte error)."""
    seg = _segment(alice)
    base = {"article_id": ARTICLE, "unit": seg["id"], "language": "en", "text": "t"}
    before = _rows(live[1])
    for key in ("foo\nbar", "x" * 1_000_000, "\u202etxt.exe", "a\x00b", "author ", "Author", "self", "wb", "arguments",
                "__class__", "model_config", "text\r\nSet-Cookie: x=1"):
        status, answer = alice.page("save_draft", {**base, key: "v"})
        assert status == 200 and answer["ok"] is False, (repr(key)[:40], answer)
        _one_line(answer["error"])
        assert answer["error"].isprintable(), repr(answer["error"])
    for missing in ("article_id", "unit", "language", "text"):
        status, answer = alice.page("save_draft", {k: v for k, v in base.items() if k != missing})
        assert answer["ok"] is False and f"{missing}: is missing" in answer["error"], answer
    assert _rows(live[1]) == before


# --------------------------------------------------------------------------- in process: every check, every value
NASTY: list[Any] = [10**400, -(10**400), float("nan"), float("inf"), -float("inf"), "²", "١٢", "\x00", "\ud800",
                    [[[[[]]]]] * 3, {"$gt": ""}, {"__class__": 1}, b"bytes", ("en",), True, "true", "1e400", "-0", -0.0,
                    "0x10", " 12 ", "12\n", 2**63, "9" * 30, object()]


def test_no_check_raises_anything_but_one_line(translated):
    """Every parameter of every operation, given each nasty value: refused with one short BadArgument line, or
    taken; never another exception (which would be an internal error with a traceback in the log)."""
    from workbench.app.params import BadArgument

    from .test_api_hostile import _valid

    valid = _valid(translated)
    for name, op in registry().items():
        for param in op.parameters:
            for value in NASTY:
                try:
                    op.check({**valid[name], param.name: value})
                except BadArgument as exc:
                    _one_line(str(exc))


def test_whole_numbers_are_ascii_digits_only(translated):
    """A revision, a comment id, an offset given as text is ASCII digits: "²".isdigit() is true but int("²") fails
    (the error was Python's own "invalid literal for int()"), and "١٢" (Arabic-Indic) was taken as 12."""
    op = registry()["save_unit"]
    base = {"article_id": ARTICLE, "unit": "u", "language": "en", "text": "t"}
    from workbench.app.params import BadArgument

    for value in ("²", "١٢", "１２", "12\n", " 12"):
        with pytest.raises(BadArgument, match="must be a revision number") as err:
            op.check({**base, "base_revision_id": value})
        assert "invalid literal" not in str(err.value)
    assert op.check({**base, "base_revision_id": "12"})["base_revision_id"] == 12


def test_seconds_of_any_size_are_clamped_not_an_internal_error(translated):
    op = registry()["save_unit"]
    base = {"article_id": ARTICLE, "unit": "u", "language": "en", "text": "t"}
    assert op.check({**base, "seconds_open": 10**400})["seconds_open"] == 86400.0
    assert op.check({**base, "seconds_open": -(10**400)})["seconds_open"] == 0.0


def test_a_refused_call_writes_nothing_and_logs_no_traceback(translated, caplog):
    before = _rows(translated.home.path)
    seg = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    unit = {"article_id": ARTICLE, "unit": seg["id"], "language": "en"}
    save = {**unit, "text": "planted", "base_revision_id": seg["targets"]["en"]["revision_id"], "author": "eve"}
    for name, args in (("save_unit", {**save, "base_revision_id": "²"}), ("save_unit", {**save, "x" * 100: 1}),
                       ("save_unit", {**save, "a\nb": 1}), ("save_draft", {**save, "base_revision_id": "١٢"}),
                       ("resolve_comment", {"article_id": ARTICLE, "comment_id": "¹"}),
                       ("replace_preview", {"article_id": ARTICLE, "language": "en", "find": "a", "offset": "٣"})):
        answer = registry()[name](translated, **args)
        assert answer["ok"] is False, (name, args, answer)
        _one_line(answer["error"])
    assert _rows(translated.home.path) == before
    saved = registry()["save_unit"](translated, **save, seconds_open=10**400)  # a real save, its time clamped to a day
    assert saved["ok"], saved
    assert not [r for r in caplog.records if r.exc_info], "a check raised an unexpected error"


# --------------------------------------------------------------------------- `workbench op`
HOSTILE_ARGV = [
    ["replace-preview", "--article-id", ARTICLE, "--language", "en", "--find", "x", "--limit", "9" * 5000],
    ["replace-preview", "--article-id", ARTICLE, "--language", "en", "--find", "x", "--limit", "[" * 5000 + "]" * 5000],
    ["replace-preview", "--article-id", ARTICLE, "--language", "en", "--find", "x", "--offset", "²"],
    ["replace-preview", "--article-id", ARTICLE, "--language", "en", "--find", "x", "--offset", "NaN"],
    ["unit-details", "--article-id", "../../etc/passwd", "--unit", "x", "--language", "en"],
    ["unit-details", "--article-id", ARTICLE, "--unit", "../../etc/passwd", "--language", "en"],
    ["unit-details", "--article-id", ARTICLE, "--unit", "x", "--language", "de"],
    ["concordance", "--query", "ab", "--languages", '{"en": 1}'],
    ["concordance", "--query", "ab", "--languages", "en,de"],
    ["compare", "--old-text", "a", "--new-text", "x" * 120_000],  # over the 100,000-character limit
    ["compare", "--old-text", "a", "--new-text", "b", "--author", "x"],
    ["compare", "--old-text", "a"],
    ["translate-article", "--article-id", ARTICLE, "--languages", "en"],  # not a `cli` operation
    ["save-unit", "--article-id", ARTICLE],
    ["search-comments", "--query", "x" * 300],
    ["review-order", "--article-id", ARTICLE, "--language", "en", "--order", "'; DROP TABLE revisions; --"],
]


# each is a `workbench op` process (~2 s of CPU): three in the fast tier (a number, a path, a non-CLI operation);
# test_no_check_raises_anything_but_one_line checks every argument in process
@pytest.mark.parametrize("argv", [a if i in (0, 4, 12) else pytest.param(a, marks=pytest.mark.slow)
                                  for i, a in enumerate(HOSTILE_ARGV)])
def test_workbench_op_refuses_hostile_arguments_in_one_line(translated, argv):
    import os
    import subprocess
    import sys

    home = translated.home.path
    translated.close()
    before = _rows(home)
    log = home / "logs" / "workbench.log"
    logged = log.read_text() if log.exists() else ""  # what other tests of this process may have logged there
    env = subprocess_env(home, Path(os.environ["WORKBENCH_TINY_DIR"]))
    done = subprocess.run([sys.executable, "-m", "workbench", "op", *argv, "--home", str(home)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout[:300]
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("Error")]
    assert len(lines) == 1 and len(lines[0]) < 400, done.stderr[-600:]
    assert "Traceback" not in done.stderr + done.stdout and "internal error" not in done.stderr, done.stderr[-600:]
    assert _rows(home) == before
    assert not log.exists() or "Traceback" not in log.read_text()[len(logged):]


@pytest.mark.slow
def test_unknown_names_are_refused_without_a_traceback(live, alice):
    home = live[1]
    for path, body in (("/gradio_api/call/nope", {"data": []}), ("/gradio_api/run/nope", {"data": []}),
                       ("/gradio_api/queue/join", {"data": [], "fn_index": 99999, "session_hash": "x"}),
                       ("/gradio_api/component_server", {"data": ["x", {}], "component_id": 999999, "session_hash": "x",
                                                         "fn_name": "operation"})):
        before = len(_server_output(home))
        with alice.http.stream("POST", path, json=body) as answer:
            status = answer.status_code
        assert 400 <= status < 500, (path, status)
        assert "Traceback" not in _server_output(home)[before:], path


def test_a_body_over_the_limit_or_of_unsaid_length_is_found_from_the_headers():
    """The guard's rule alone (the live server test below is in the slow tier): a body method with a length over
    the limit, not a number, or chunked is refused; a GET, or a length within the limit, passes."""
    from workbench.app.guard import body_problem, max_body_bytes

    def scope(method: str, **headers: str) -> dict[str, Any]:
        return {"type": "http", "method": method,
                "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}

    for headers, status in (({"content_length": str(max_body_bytes() + 1)}, 413), ({"content_length": "9" * 18}, 413),
                            ({"content_length": "1e9"}, 413), ({"content_length": "²"}, 413),
                            ({"transfer_encoding": "chunked"}, 411)):
        problem = body_problem(scope("POST", **headers))
        assert problem is not None and problem[0] == status and "\n" not in problem[1], (headers, problem)
    assert body_problem(scope("POST", content_length=str(max_body_bytes()))) is None
    assert body_problem(scope("POST")) is None  # no body
    assert body_problem(scope("GET", content_length=str(max_body_bytes() + 1))) is None
    assert body_problem({"type": "websocket", "headers": []}) is None


@pytest.mark.slow  # a server start: ~25 s on 2 cores
def test_a_body_too_large_or_of_unsaid_length_is_refused_before_it_is_read(live):
    """Gradio sets no body limit: a caller could make the server parse hundreds of MB. The guard answers from the
    headers alone, before a byte of the body is read (the body here is never sent)."""
    import http.client
    from urllib.parse import urlsplit

    from workbench.app.guard import max_body_bytes

    url, home = live
    before = _rows(home)
    where = urlsplit(url)
    for headers, status in (({"Content-Length": str(max_body_bytes() + 1)}, {413}),
                            ({"Content-Length": "9" * 18}, {413}), ({"Content-Length": "1e9"}, {400, 413}),
                            ({"Transfer-Encoding": "chunked"}, {411})):
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        conn.putrequest("POST", "/gradio_api/call/save_unit")
        for name, value in {"Content-Type": "application/json", **headers}.items():
            conn.putheader(name, value)
        conn.endheaders()  # no body follows: the answer must not wait for it
        answer = conn.getresponse()
        assert answer.status in status, (headers, answer.status)  # 400: the HTTP server's own parser refused it
        assert len(answer.read().decode().splitlines()) == 1
        conn.close()
    assert _rows(home) == before
