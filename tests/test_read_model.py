"""The typed read model (`review/model.py`): `ArticleView.to_dict()` is exactly the JSON the API, `show --json` and
the page receive, compared with fixtures of that JSON in `tests/data/read_model/`.

The fixtures were first made from the old dict-building `article_view` (this file kept it as its oracle until issue
28), for the five seeds translated by the tiny models (en and ru, with summaries), after edits, confirmations, an
approval and a stale pivot: equal output, key for key, value for value, in the same key order, shows the typed
objects carry everything the dicts did. Deliberate changes since (issue 19, "Right rules": `match`, `blocking`,
`number`, `status_override` and the stale pivot by English text; issue 27: `status_reopened`) are in them.

Each `<scenario>/<article>.json` holds the article's view with the glossary (`view`) and, for the units whose
`flags`, `qa` or `blocking` differ without it, those values (`without_glossary`); `list.json` the article list.
Values that differ from run to run or machine to machine are written as placeholders (`_stable`): timestamps,
the checkout's folder, library versions. The machine texts and confidences are the tiny models' on this project's
pinned stack (`.ci/run`).

To regenerate after a deliberate change to the read model (or to the tiny models' outputs), run this file with
`REGEN_READ_MODEL=1` and read the diff of `tests/data/read_model/` before committing it:

    REGEN_READ_MODEL=1 python -m pytest tests/test_read_model.py
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.review.model import ArticleSummary, ArticleView, SegmentRow, Unit
from workbench.review.views import article_view, list_view

from .conftest import ROOT

ARTICLE = "003_70140ed69b948bf5"
APPROVED = "000_b2b0b7ef8c4c7ace"
FIXTURES = Path(__file__).parent / "data" / "read_model"
REGEN = os.environ.get("REGEN_READ_MODEL") == "1"
GLOSSARY_KEYS = ("flags", "qa", "blocking")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")


# --------------------------------------------------------------------------- the fixtures
def _stable(value: Any, key: str = "") -> Any:
    """`value` with what differs between runs and machines as placeholders."""
    if isinstance(value, dict):
        if key == "versions":
            return dict.fromkeys(value, "<version>")
        return {k: _stable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, str):
        return TIMESTAMP.sub("<time>", value.replace(str(ROOT), "<root>"))
    return value


def _units(view: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for seg in view["segments"]:
        for lang, unit in seg["targets"].items():
            if unit:
                yield f"{seg['id']} {lang}", unit
    for lang, unit in view["summaries"].items():
        if unit:
            yield f"summary {lang}", unit


def _glossary_part(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {place: {k: unit[k] for k in GLOSSARY_KEYS} for place, unit in _units(view)}


def _fixture(scenario: str, name: str, data: Any) -> Any:
    path = FIXTURES / scenario / f"{name}.json"
    if REGEN and data is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def expected_view(scenario: str, article_id: str, view: dict[str, Any] | None = None,
                  without: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The article's expected JSON with and without the glossary (`view`, `without`: what to write on a regen)."""
    data = None
    if REGEN and view is not None and without is not None:
        with_part, without_part = _glossary_part(view), _glossary_part(without)
        data = {"view": view, "without_glossary": {p: v for p, v in without_part.items() if with_part.get(p) != v}}
    stored = _fixture(scenario, article_id, data)
    glossary_less = copy.deepcopy(stored["view"])
    for place, unit in _units(glossary_less):
        unit.update(stored["without_glossary"].get(place, {}))
    return stored["view"], glossary_less


def expected_list(scenario: str, rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return _fixture(scenario, "list", rows)


# --------------------------------------------------------------------------- the comparison
def _same(new: Any, expected: Any) -> None:
    """Equal values and the same key order everywhere (what `show --json` prints), placeholders aside."""
    new = _stable(new)
    assert new == expected
    assert json.dumps(new, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def _assert_equivalent(wb, scenario: str, changed: tuple[str, ...] | None = None) -> int:
    """Every article's view equals its fixture (the scenario's for the articles in `changed`, all when None; the
    translated seeds' for the rest), with and without the glossary; the number of units compared."""
    glossary = wb.glossary()
    compared = 0
    for article_id in wb.store.article_ids():
        new = article_view(wb.store, article_id, glossary=glossary)
        none = article_view(wb.store, article_id, glossary=None)
        assert isinstance(new, ArticleView) and isinstance(none, ArticleView)
        own = changed is None or article_id in changed
        view, without = expected_view(scenario if own else "translated", article_id,
                                      *((_stable(new.to_dict()), _stable(none.to_dict())) if own else ()))
        _same(new.to_dict(), view)
        _same(none.to_dict(), without)
        compared += 2 * sum(1 for s in view["segments"] for u in s["targets"].values() if u)
        _same(wb.article(article_id).to_dict(), view)
    rows = [row.to_dict() for row in list_view(wb.store)]
    _same(rows, expected_list(scenario, _stable(rows)))
    assert all(isinstance(row, ArticleSummary) for row in list_view(wb.store))
    return compared


def test_the_five_seeds_as_translated_match_the_expected_json(translated):
    assert len(translated.store.article_ids()) == 5
    assert _assert_equivalent(translated, "translated") > 100


def test_edits_confirmations_approval_and_a_stale_pivot_match_the_expected_json(translated):
    wb = translated
    view = wb.article(ARTICLE)
    body = [s for s in view.segments if s.kind == "body"]
    first, second, third = body[0], body[1], body[2]
    en = first.targets["en"]
    assert en is not None and en.revision_id is not None
    wb.save(ARTICLE, first.id, "en", "Lavrov: 25 issues solved together.", author="mona",
            base_revision_id=en.revision_id)  # edited, not reviewed; the English a pivot used has changed
    second_en = second.targets["en"]
    assert second_en is not None
    wb.confirm(ARTICLE, second.id, "en", author="mona", base_revision_id=second_en.revision_id)
    third_ru = third.targets["ru"]
    assert third_ru is not None
    wb.save(ARTICLE, third.id, "ru", third_ru.text, author="sam", base_revision_id=third_ru.revision_id,
            reviewed=True)  # reviewed unchanged machine text
    summary = view.summaries["en"]
    assert summary is not None
    wb.save(ARTICLE, None, "en", "A summary by a person", author="mona", base_revision_id=summary.revision_id,
            target="summary")  # edited, no full stop: cut_off
    wb.approve(APPROVED, "ru", "chief", override="tiny models")
    _assert_equivalent(wb, "edited", changed=(ARTICLE, APPROVED))
    after = wb.article(ARTICLE)
    edited = after.row(first.id).targets["en"]
    assert edited is not None and edited.edited and edited.state == "edited" and edited.confidence is None
    ru = after.row(first.id).targets["ru"]  # the tiny profile makes Russian from the English
    assert ru is not None and ru.machine is not None and ru.machine.provenance.pivot is not None
    assert ru.machine.provenance.pivot.via == "en" and "stale_pivot" in ru.flags
    assert after.summaries["en"] is not None and "cut_off" in after.summaries["en"].flags
    approved = wb.article(APPROVED)
    assert approved.status["ru"] == "approved" and approved.status_override["ru"].startswith("tiny models [")
    assert approved.status_override["en"] is None and after.status_override == {"en": None, "ru": None}
    assert {u.state for s in approved.translatable for u in [s.targets["ru"]] if u} <= {"machine", "edited"}


def test_the_typed_objects_name_their_units_and_are_read_only(translated):
    view = translated.article(ARTICLE)
    row = next(s for s in view.segments if s.kind == "body")
    assert isinstance(row, SegmentRow)
    unit = row.targets["en"]
    assert isinstance(unit, Unit)
    assert unit.ref.unit == row.id and unit.ref.lang == "en" and unit.ref.article_id == ARTICLE
    summary = view.summaries["ru"]
    assert summary is not None and summary.ref.segment_id is None and summary.ref.unit == "summary"
    assert view.unit(unit.ref) is unit and view.unit(summary.ref) is summary
    assert unit.machine is not None and unit.machine.provenance.model
    with pytest.raises(AttributeError):
        unit.text = "changed"  # type: ignore[misc]
    first = view.to_dict()
    first["segments"][0]["source_text"] = "scribbled on"
    assert view.to_dict()["segments"][0]["source_text"] != "scribbled on"  # each to_dict is a fresh copy


def test_show_json_and_the_api_give_the_same_structure(translated):
    from click.testing import CliRunner

    from workbench.app import operations as ops
    from workbench.app.cli import cli

    result = CliRunner().invoke(cli, ["--home", str(translated.home), "show", ARTICLE, "--json"])
    assert result.exit_code == 0, result.output
    expected, _ = expected_view("translated", ARTICLE)
    assert _stable(json.loads(result.stdout)) == expected
    assert _stable(ops.get_article(translated, article_id=ARTICLE)) == {"ok": True, "article": expected}
    assert _stable(ops.review_view(translated, article_id=ARTICLE, author="mona")["article"]) == expected
    listed = CliRunner().invoke(cli, ["--home", str(translated.home), "list", "--json"])
    assert [{k: v for k, v in row.items() if k != "meaningless"} for row in _stable(json.loads(listed.stdout))] == \
        expected_list("translated")
