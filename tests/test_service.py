"""The service layer (app/service.py): an operation is one declaration, and every surface is generated from it: the
page's server function (ui/grid.py), the named Gradio endpoints with their JSON schema (ui/endpoints.py, what
gradio_client reads from /gradio_api/info) and, where marked, a `workbench op` command (cli_ops.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated

import pytest
from click.testing import CliRunner

from workbench.app import service
from workbench.app.catalog import registry
from workbench.app.params import ArticleId, Flag, Revision, text
from workbench.app.service import Answer, operation

Note = Annotated[str, text(40)]


@dataclass(frozen=True)
class Noted(Answer):
    note: str
    title: str | None
    seen: int | None


@pytest.fixture
def declared():
    """A new operation, declared once (as a module of operations would), and one not marked for the page or CLI."""

    @operation(page=True, cli=True)
    def note_on_article(wb, *, article_id: ArticleId, note: Note, loud: Flag = False, seen: Revision = None) -> Noted:
        """Echo a note about an article (checked like any operation's arguments)."""
        return Noted(note.upper() if loud else note, wb.article(article_id).meta.title, seen)

    @operation()
    def hidden_note(wb, *, note: Note) -> dict:
        """Only a named endpoint."""
        return {"ok": True, "note": note}

    yield note_on_article
    for name in ("note_on_article", "hidden_note"):
        service.OPERATIONS.pop(name)


@pytest.fixture
def imported(wb, seeds_copy):
    wb.import_paths([seeds_copy])
    return wb, wb.store.article_ids()[0]


def test_a_declared_operation_checks_its_named_arguments(declared, imported):
    wb, article = imported
    assert declared(wb, article_id=article, note="hi", loud=True)["note"] == "HI"
    for bad in ({"article_id": "../etc/passwd", "note": "x"}, {"article_id": article, "note": "x" * 41},
                {"article_id": article, "note": "x", "loud": "yes"}, {"article_id": article},
                {"article_id": article, "note": "x", "extra": 1}, {"article_id": article, "note": 5}):
        answer = declared(wb, **bad)
        assert answer["ok"] is False and "\n" not in answer["error"] and "internal" not in answer["error"], bad
    with pytest.raises(TypeError):
        declared(wb, article, "positional")  # arguments go by name


def test_the_page_finds_it_in_its_server_function(declared, imported):
    from workbench.app.ui import grid

    wb, article = imported
    answer = grid.run(wb, ["note_on_article", {"article_id": article, "note": "hi", "seen": "12"}], None)
    assert answer == {"ok": True, "note": "hi", "title": wb.article(article).meta.title, "seen": 12}
    assert grid.run(wb, ["note_on_article", [article, "hi"]], None)["ok"] is False  # positional: refused
    assert "unknown operation" in grid.run(wb, ["hidden_note", {"note": "x"}], None)["error"]  # not marked `page`


def test_gradio_api_info_describes_it_with_its_schema(declared, imported):
    from workbench.app.ui import build_app

    wb, _ = imported
    info = build_app(wb).get_api_info()["named_endpoints"]
    endpoint = info["/note_on_article"]
    params = {p["parameter_name"]: p for p in endpoint["parameters"]}
    assert list(params) == ["article_id", "note", "loud", "seen"]
    assert params["note"]["type"] == {"type": "string", "maxLength": 40, "title": "Note"}
    assert params["article_id"]["type"]["pattern"] and params["article_id"]["parameter_has_default"] is False
    assert params["loud"]["type"]["type"] == "boolean" and params["loud"]["parameter_default"] is False
    assert {"type": "integer", "minimum": 1} in params["seen"]["type"]["anyOf"]
    assert "Echo a note" in endpoint["description"]
    returns = endpoint["returns"][0]["type"]
    assert returns["required"] == ["ok", "note", "title", "seen"] and returns["properties"]["note"]["type"] == "string"
    assert "/hidden_note" in info  # every operation is a named endpoint
    assert set(info) >= {f"/{name}" for name in registry()}


def test_gradio_endpoint_runs_it_by_position_or_name(declared, imported):
    from workbench.app.ui.endpoints import endpoint

    wb, article = imported
    call = endpoint(wb, declared)
    assert call(article, "hi", True, None, None)["note"] == "HI"  # gradio_client's order, then Gradio's request
    assert call(article, note="hi")["note"] == "hi"
    assert call(article, article_id=article)["ok"] is False


def test_the_cli_finds_it_when_marked(declared, imported):
    from workbench.app.cli import cli

    wb, article = imported
    runner = CliRunner()
    listed = runner.invoke(cli, ["--home", str(wb.home), "op", "--help"], obj={})
    assert "note-on-article" in listed.output and "hidden-note" not in listed.output
    ran = runner.invoke(cli, ["--home", str(wb.home), "op", "note-on-article", "--article-id", article, "--note", "hi",
                              "--loud", "--seen", "7"], obj={})
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output) == {"ok": True, "note": "HI", "title": wb.article(article).meta.title, "seen": 7}
    refused = runner.invoke(cli, ["--home", str(wb.home), "op", "note-on-article", "--article-id", "../x", "--note", "hi"],
                            obj={})
    assert refused.exit_code == 1 and "article_id" in refused.output and "Traceback" not in refused.output
    assert runner.invoke(cli, ["op", "hidden-note", "--note", "x"], obj={}).exit_code == 2  # no such command


def test_what_each_op_command_prints_is_valid_against_its_result_type(imported):
    """`workbench op NAME` prints what the JSON Schema generated from the operation's result type describes: every
    key the type has, no other, each of its type (jsonschema)."""
    import jsonschema

    from workbench.app.cli import cli

    wb, article = imported
    segment = wb.article(article).segments[1].id
    runs = {"compare": ["--old-text", "a b", "--new-text", "a c"], "search-comments": ["--query", "vote"],
            "review-order": ["--article-id", article, "--language", "en"], "mentions": ["--author", "alice"],
            "unit-details": ["--article-id", article, "--unit", segment, "--language", "ru"],
            "concordance": ["--query", "Moscow"]}
    for name, argv in runs.items():
        ran = CliRunner().invoke(cli, ["--home", str(wb.home), "op", name, *argv], obj={})
        assert ran.exit_code == 0, ran.output
        printed, schema = json.loads(ran.output), registry()[name.replace("-", "_")].result_schema()
        jsonschema.Draft202012Validator(schema).validate(printed)
        assert set(printed) == set(schema["properties"]) == set(schema["required"]), name
    with pytest.raises(jsonschema.ValidationError):  # and a result that differs is caught
        jsonschema.Draft202012Validator(registry()["compare"].result_schema()).validate({"ok": True, "diff_html": 1})


def test_every_operation_is_typed_and_keyword_only():
    untyped = {name for name, op in registry().items() if op.result is None}
    assert untyped == {"save_glossary"}, untyped  # its refusal carries the current version
    for name, op in registry().items():
        schema = op.schema()
        assert schema["additionalProperties"] is False, name
        assert [p.name for p in op.parameters] == list(schema["properties"]), name
        assert all(schema["properties"][p]  # every parameter publishes a type
                   for p in schema["properties"]), name
        assert op.doc, name
