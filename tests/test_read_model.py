"""The typed read model (`review/model.py`) against fixtures of the JSON it must give.

`ArticleView.to_dict()` and the list rows are the JSON the API (`/get_article`, `/review_view`), `show --json` and
the page receive. The store here is built without models, so the JSON is the same on every machine: two seed
articles imported, machine outputs recorded through the one write path as a distributed run's shard brings them
(`scale.ingest.store_outputs`; the English and Russian texts are references written for this test, the provenance
is the shape the engines record), then a person's edit, a confirmation, a reviewed summary, an override approval
and a stale pivot. Times and the temporary source path are masked; everything else (keys, key order, values) must
equal `tests/data/read_model/*.json`.

After a deliberate change to the read model, rewrite the fixtures with
`WORKBENCH_WRITE_FIXTURES=1 pytest tests/test_read_model.py` and review their diff in the commit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from workbench.review.model import ArticleSummary, ArticleView, SegmentRow, Unit
from workbench.review.views import article_view, list_view
from workbench.scale.ingest import store_outputs
from workbench.store import MachineOutputRecord

FIXTURES = Path(__file__).parent / "data" / "read_model"
SEEDS = Path(__file__).parent.parent / "seeds"
ARTICLE = "003_70140ed69b948bf5"
OTHER = "000_b2b0b7ef8c4c7ace"
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")

# English and Russian references for some of the first article's segments (by position among its segments);
# the rest stay untranslated, so every unit state appears. The last one misspells a glossary name ("Kazakstan"),
# so the views with and without the glossary differ.
EN = {
    0: "Lavrov: solving issues together strengthens relations between Russia and Kazakhstan",
    3: 'Lavrov told the press conference: "When there are no issues in relations between two states, it means '
       'there are no relations.',
    5: 'Sergei Lavrov added: "All these tracks are very positive processes, and the more such issues there are, '
       'the more decisions will be taken on them that strengthen our alliance."',
    7: "Lavrov went on: “Here, from time to time, both in Kazakstan and in Russia, topics arise concerning our "
       "shared historical past and our historical present, and I would like to note the positive agreement "
       "reached in principle on forming a joint group of historians.",
}
RU = {
    0: "Лавров: совместное решение вопросов укрепляет отношения России и Казахстана",
    3: "Лавров заявил на пресс-конференции: «Когда в отношениях двух государств нет вопросов, это значит, что нет "
       "и отношений.",
}
SUMMARY_EN = ("Lavrov said on 7 November 2024 in Kazakhstan that solving issues together strengthens the alliance "
              "between Astana and Moscow.")
CONFIDENT = {"score": 0.91, "mean_logprob": -0.094, "tokens": 21, "low_tokens": []}
UNSURE = {"score": 0.32, "mean_logprob": -1.139, "tokens": 30,
          "low_tokens": [{"token": "▁tracks", "logprob": -3.2}, {"token": "▁alliance", "logprob": -2.7}]}


def _provenance(lang: str, source_lang: str = "ar", **extra: Any) -> dict[str, Any]:
    return {"model": f"reference/{source_lang}-{lang}", "revision": "test", "licence": "CC-BY-4.0",
            "family": "reference", "engine": "shard", "profile": "default", "task": f"{source_lang}→{lang}",
            "settings": {"beams": 4}, "device": "cpu", "dtype": "int8", "cached": False, "meaningless": False,
            "created": "2026-01-01T00:00:00+00:00", **extra}


def _outputs(store, article_id: str) -> list[MachineOutputRecord]:
    segments = store.segments(article_id)
    records = []
    for lang, texts, source_lang in (("en", EN, "ar"), ("ru", RU, "en")):
        for index, text in texts.items():
            seg = segments[index]
            pivot = {"pivot": {"via": "en"}} if source_lang == "en" else {}
            confidence = UNSURE if index == 5 else CONFIDENT
            records.append(MachineOutputRecord(article_id, seg["id"], "segment", lang,
                                               EN[index] if pivot else seg["source_text"], text, [],
                                               _provenance(lang, source_lang, confidence=confidence, **pivot)))
    records.append(MachineOutputRecord(article_id, None, "summary", "en", "(the article)", SUMMARY_EN, [],
                                       _provenance("en", template="summary_en")))
    return records


def _masked(value: Any) -> Any:
    """The JSON with times and the temporary source path replaced by placeholders."""
    if isinstance(value, dict):
        return {k: "<path>" if k == "source_file" and v else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str) and _TIME.match(value):
        return "<time>"
    return value


def _matches_fixture(name: str, value: Any) -> None:
    """Equal to the fixture, key order included (what `show --json` prints)."""
    text = json.dumps(_masked(value), ensure_ascii=False, indent=1) + "\n"
    path = FIXTURES / f"{name}.json"
    if os.environ.get("WORKBENCH_WRITE_FIXTURES") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name}: the read model's JSON changed (see the docstring)"


@pytest.fixture
def ingested(wb, tmp_path):
    for name in (ARTICLE, OTHER):
        shutil.copy(SEEDS / f"{name}.txt", tmp_path / f"{name}.txt")
    report = wb.import_paths([str(tmp_path / f"{ARTICLE}.txt"), str(tmp_path / f"{OTHER}.txt")])
    assert not report.problems
    with wb.store.transaction():
        store_outputs(wb.store, ARTICLE, _outputs(wb.store, ARTICLE))
    return wb


def _review(wb) -> None:
    """A person edits the first English text (the Russian made from it becomes a stale pivot), confirms another,
    reviews an unchanged Russian, rewrites the summary; the chief approves the other article with an override."""
    body = {s.id: s for s in wb.article(ARTICLE).segments}
    ids = [s["id"] for s in wb.store.segments(ARTICLE)]
    title_en, lavrov_en, lavrov_ru = (body[ids[0]].targets["en"], body[ids[3]].targets["en"],
                                      body[ids[3]].targets["ru"])
    wb.save(ARTICLE, ids[0], "en", "Lavrov: solving issues jointly strengthens Russia–Kazakhstan relations",
            author="mona", base_revision_id=title_en.revision_id)
    wb.confirm(ARTICLE, ids[3], "en", author="mona", base_revision_id=lavrov_en.revision_id)
    wb.save(ARTICLE, ids[3], "ru", lavrov_ru.text, author="sam", base_revision_id=lavrov_ru.revision_id,
            reviewed=True)
    summary = wb.article(ARTICLE).summaries["en"]
    wb.save(ARTICLE, None, "en", "A summary by a person", author="mona", base_revision_id=summary.revision_id,
            target="summary")  # no full stop: cut_off
    wb.approve(OTHER, "ru", "chief", override="published by the desk without review")


def test_the_views_of_recorded_outputs_match_the_fixtures(ingested):
    wb = ingested
    _matches_fixture("article_ingested", article_view(wb.store, ARTICLE, glossary=wb.glossary()).to_dict())
    _matches_fixture("article_ingested_no_glossary", article_view(wb.store, ARTICLE, glossary=None).to_dict())
    _matches_fixture("list_ingested", [row.to_dict() for row in list_view(wb.store)])


def test_edits_confirmations_an_override_and_a_stale_pivot_match_the_fixtures(ingested):
    wb = ingested
    _review(wb)
    _matches_fixture("article_reviewed", wb.article(ARTICLE).to_dict())
    _matches_fixture("other_approved", wb.article(OTHER).to_dict())
    _matches_fixture("list_reviewed", [row.to_dict() for row in list_view(wb.store)])
    after = wb.article(ARTICLE)
    ids = [s["id"] for s in wb.store.segments(ARTICLE)]
    edited = after.row(ids[0]).targets["en"]
    assert edited is not None and edited.edited and edited.state == "edited" and edited.confidence is None
    ru = after.row(ids[0]).targets["ru"]
    assert ru is not None and ru.machine is not None and ru.machine.provenance.pivot is not None
    assert ru.machine.provenance.pivot.via == "en" and "stale_pivot" in ru.flags
    unsure = after.row(ids[5]).targets["en"]
    assert unsure is not None and unsure.confidence is not None and unsure.confidence.least_sure == ["▁tracks",
                                                                                                   "▁alliance"]
    assert after.summaries["en"] is not None and "cut_off" in after.summaries["en"].flags
    approved = wb.article(OTHER)
    assert approved.status["ru"] == "approved" and approved.status_override["ru"].startswith("published by")
    assert approved.status_override["en"] is None and after.status_override == {"en": None, "ru": None}


def test_the_typed_objects_name_their_units_and_are_read_only(ingested):
    view = ingested.article(ARTICLE)
    row = next(s for s in view.segments if s.kind == "title")
    assert isinstance(view, ArticleView) and isinstance(row, SegmentRow)
    unit = row.targets["en"]
    assert isinstance(unit, Unit)
    assert unit.ref.unit == row.id and unit.ref.lang == "en" and unit.ref.article_id == ARTICLE
    summary = view.summaries["en"]
    assert summary is not None and summary.ref.segment_id is None and summary.ref.unit == "summary"
    assert view.unit(unit.ref) is unit and view.unit(summary.ref) is summary
    assert unit.machine is not None and unit.machine.provenance.model == "reference/ar-en"
    with pytest.raises(AttributeError):
        unit.text = "changed"  # type: ignore[misc]
    first = view.to_dict()
    first["segments"][0]["source_text"] = "scribbled on"
    assert view.to_dict()["segments"][0]["source_text"] != "scribbled on"  # each to_dict is a fresh copy
    assert all(isinstance(row, ArticleSummary) for row in list_view(ingested.store))


def test_show_json_and_the_api_give_the_fixtures_json(ingested):
    from click.testing import CliRunner

    from workbench.app import operations as ops
    from workbench.app.cli import cli

    wb = ingested
    _review(wb)
    expected = json.loads((FIXTURES / "article_reviewed.json").read_text(encoding="utf-8"))
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "show", ARTICLE, "--json"])
    assert result.exit_code == 0, result.output
    assert _masked(json.loads(result.stdout)) == expected
    assert _masked(ops.get_article(wb, article_id=ARTICLE)) == {"ok": True, "article": expected}
    assert _masked(ops.review_view(wb, article_id=ARTICLE, author="mona")["article"]) == expected
    listed = CliRunner().invoke(cli, ["--home", str(wb.home), "list", "--json"])
    rows = json.loads((FIXTURES / "list_reviewed.json").read_text(encoding="utf-8"))
    listed_rows = _masked(json.loads(listed.stdout))
    assert all(row.pop("meaningless") is False for row in listed_rows)  # the CLI adds whether tiny models made it
    assert listed_rows == rows
