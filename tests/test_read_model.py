"""The typed read model (`review/model.py`): `ArticleView.to_dict()` is exactly the JSON the API, `show --json` and
the page received before the model existed.

The reference is the old dict-building `article_view` kept here verbatim (with the three dict helpers it used from
`states` and `confidence`), which is pure over the store: both read the same store, so equal output for the five
seeds translated by the tiny models (en and ru, with summaries), after edits, confirmations, an approval and a
stale pivot, shows the typed objects carry everything the dicts did, key for key, value for value, in the same
key order.

Deliberate changes since (issue 19, "Right rules"), made to the reference in `_issue_19` and `_old_stale_pivot`:
each unit says where its text came from (`match`: machine, memory or human) and which of its flags block approval
(`blocking`: `stale_pivot` is only a warning on a reviewed text); each row has the grid's `number` (translatable
rows from 1); the article and each list row say which approvals were overrides (`status_override`); `stale_pivot`
compares the English text, not revision ids, with the text the Russian was made from or last checked against.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from workbench.review.model import ArticleSummary, ArticleView, SegmentRow, Unit
from workbench.review.views import article_view, list_view

ARTICLE = "003_70140ed69b948bf5"


# --------------------------------------------------------------------------- the reference: the old dict builder
def _old_unit_confidence(unit: dict[str, Any] | None) -> dict[str, Any] | None:
    if not unit or not unit.get("machine") or unit.get("edited"):
        return None
    return (unit["machine"].get("provenance") or {}).get("confidence")


def _old_is_low(confidence: dict[str, Any] | None) -> bool:
    return confidence is not None and confidence["score"] < 0.5


def _old_unit_state(unit: dict[str, Any] | None, approved: bool) -> str:
    if unit is None:
        return "untranslated"
    if unit.get("reviewed"):
        return "approved" if approved else "reviewed"
    return "edited" if unit.get("edited") else "machine"


def _old_unit(machine: dict | None, current: dict | None) -> dict[str, Any] | None:
    if machine is None and current is None:
        return None
    flags = list(machine["flags"]) if machine else []
    edited = bool(current and current["origin"] != "machine" and (machine is None or current["text"] != machine["text"]))
    unit = {
        "machine": None if machine is None else {
            "id": machine["id"], "text": machine["text"], "flags": machine["flags"],
            "provenance": machine["provenance"], "created": machine["created"],
        },
        "text": current["text"] if current else machine["text"],  # type: ignore[index]
        "revision_id": current["id"] if current else None,
        "author": current["author"] if current else None,
        "origin": current["origin"] if current else None,
        "updated": current["created"] if current else None,
        "edited": edited,
        "reviewed": bool(current and current.get("reviewed")),
        "flags": flags,
        "qa": [],
    }
    unit["confidence"] = _old_unit_confidence(unit)
    return unit


def _old_segment_flags(unit, source, lang, glossary, terms) -> None:
    from workbench.review.qa import review, unique

    flags, unit["qa"] = review(source, unit["text"], "ar", lang, glossary, terms)
    machine = unit["machine"]
    if machine and not unit["edited"] and "meaningless_model" in machine["flags"]:
        flags.append("meaningless_model")
    if _old_is_low(unit["confidence"]):
        flags.append("low_confidence")
    unit["flags"] = unique(flags)


def _old_summaries(machine, current, langs, source, glossary):
    from workbench.review.qa import unique
    from workbench.review.summary_checks import check_summary

    out = {}
    for lang in langs:
        unit = _old_unit(machine.get(("summary", None, lang)), current.get(("summary", None, lang)))
        if unit:
            flags, unit["qa"] = check_summary(source, unit["text"], lang, glossary)
            if unit["machine"] and not unit["edited"] and "meaningless_model" in unit["machine"]["flags"]:
                flags.append("meaningless_model")
            if _old_is_low(unit["confidence"]):
                flags.append("low_confidence")
            unit["flags"] = unique(flags)
        out[lang] = unit
    return out


def old_article_view(store, article_id, langs=("en", "ru"), glossary=None) -> dict[str, Any]:
    """`review/views.py:article_view` as it was before the typed model (the one function over 60 lines here)."""
    from workbench.text.articles import label_for, rebuild

    article = store.article(article_id)
    segments = store.segments(article_id)
    machine = store.latest_machine_outputs(article_id)
    current = store.current_revisions(article_id)
    statuses = store.statuses(article_id)
    rows = []
    for seg in segments:
        row = {k: seg[k] for k in ("id", "position", "paragraph", "kind", "role", "source_text", "start", "end")}
        row["targets"] = {}
        terms = glossary.find(seg["source_text"]) if glossary is not None and seg["kind"] != "meta" else None
        for lang in langs:
            unit = _old_unit(machine.get(("segment", seg["id"], lang)), current.get(("segment", seg["id"], lang)))
            if unit:
                _old_segment_flags(unit, seg["source_text"], lang, glossary, terms)
            if unit and lang != "en" and unit["machine"]:
                pivot = (unit["machine"]["provenance"] or {}).get("pivot")
                en = current.get(("segment", seg["id"], pivot["via"])) if pivot else None
                if pivot and en and _old_stale_pivot(store, seg["id"], lang, en,
                                                     machine[("segment", seg["id"], lang)]):
                    unit["flags"] = [*unit["flags"], "stale_pivot"]
            row["targets"][lang] = unit
        rows.append(row)
    translatable = [r for r in rows if r["kind"] != "meta"]
    summaries = _old_summaries(machine, current, langs, rebuild(translatable), glossary)
    for lang in langs:
        approved = statuses.get(lang) == "approved"
        for unit in [r["targets"][lang] for r in rows] + [summaries[lang]]:
            if unit:
                unit["state"] = _old_unit_state(unit, approved)
    progress = {lang: {"done": sum(1 for r in translatable if r["targets"][lang]), "total": len(translatable),
                       "reviewed": sum(1 for r in translatable if (r["targets"][lang] or {}).get("reviewed"))}
                for lang in langs}
    meaningless = any(
        (u and u["machine"] and u["machine"]["provenance"].get("meaningless"))
        for r in rows for u in r["targets"].values()) or any(
        (u and u["machine"] and u["machine"]["provenance"].get("meaningless")) for u in summaries.values())
    _issue_19(rows, summaries)
    overrides = {r["lang"]: r["override"] for r in store.query(
        "SELECT lang, override FROM article_status WHERE article_id = ? AND status = 'approved'", (article_id,))}
    reopened = {r["lang"]: r["reopened"] for r in store.query(
        "SELECT lang, reopened FROM article_status WHERE article_id = ? AND status != 'approved'", (article_id,))}
    return {
        "id": article["id"], "title": article["title"], "label": label_for(article["title"], article["cleaned_text"]),
        "date": article["date"], "date_raw": article["date_raw"], "source": article["source"],
        "source_raw": article["source_raw"], "photo_credit": article["photo_credit"], "publisher": article["publisher"],
        "url": article["url"], "source_file": article["path"], "encoding": article["encoding"],
        "warnings": article["warnings"], "content_hash": article["content_hash"],
        "status": {lang: statuses.get(lang, "new") for lang in langs},
        "progress": progress,
        "meaningless": bool(meaningless),
        "summaries": summaries,
        "segments": rows,
        "status_override": {lang: overrides.get(lang) for lang in langs},  # issue 19
        "status_reopened": {lang: reopened.get(lang) for lang in langs},  # issue 27 (approvals here are current)
    }


def _old_stale_pivot(store, segment_id, lang, en, made) -> bool:
    """Issue 19: the English text differs from the newer of the one the output was made from and the one a
    person last wrote or confirmed the Russian against."""
    rows = store.query("SELECT c.via_revision_id, r.text FROM pivot_checks c JOIN revisions r ON r.id = c.via_revision_id"
                       " WHERE c.segment_id = ? AND c.lang = ? ORDER BY c.id DESC LIMIT 1", (segment_id, lang))
    reference = made["input_text"]
    made_from = made["provenance"]["pivot"].get("input_revision_id")
    if rows and (made_from is None or rows[0]["via_revision_id"] >= made_from):
        reference = rows[0]["text"]
    return en["text"] != reference


def _issue_19(rows, summaries) -> None:
    """Issue 19's additions to each unit (after its state) and row."""
    blocking = ("empty", "copy_of_source", "arabic_in_target", "numbers", "glossary", "stale_pivot", "meaningless_model")
    units = [u for r in rows for u in r["targets"].values()] + list(summaries.values())
    for unit in (u for u in units if u):
        machine = unit["machine"]
        unit["match"] = ("human" if unit["edited"] or machine is None
                         else "memory" if machine["provenance"].get("memory") else "machine")
        unit["blocking"] = [f for f in unit["flags"] if f in blocking
                            and not (unit["reviewed"] and f == "stale_pivot")]
    number = 0
    for row in rows:
        number += row["kind"] != "meta"
        row["number"] = number if row["kind"] != "meta" else None


def old_list_view(store, langs=("en", "ru")) -> list[dict[str, Any]]:
    from workbench.text.articles import label_for

    return [{"id": item["id"], "title": item["title"], "label": label_for(item["title"], item["label_text"]),
             "date": item["date"] or item["date_raw"], "source": item["source"], "photo_credit": item["photo_credit"],
             "segments": item["segments"] or 0, "body_segments": item["body_segments"] or 0,
             "translatable_segments": item["translatable_segments"] or 0,  # issue 21: one count in import/list/status
             "status": {lang: item["status"].get(lang, "new") for lang in langs},
             "status_override": {lang: item["override"].get(lang) for lang in langs},  # issue 19
             "status_reopened": {lang: item["reopened"].get(lang) for lang in langs}}  # issue 27
            for item in store.list_articles()]


# --------------------------------------------------------------------------- the comparison
def _same(new: Any, old: Any) -> None:
    """Equal values and the same key order everywhere (what `show --json` prints)."""
    assert new == old
    assert json.dumps(new, ensure_ascii=False) == json.dumps(old, ensure_ascii=False)


def _assert_equivalent(wb) -> int:
    """Every article's new view equals the old one, with and without the glossary; the number of units compared."""
    glossary = wb.glossary()
    compared = 0
    for article_id in wb.store.article_ids():
        for gloss in (glossary, None):
            new = article_view(wb.store, article_id, glossary=gloss)
            assert isinstance(new, ArticleView)
            old = old_article_view(wb.store, article_id, glossary=gloss)
            _same(new.to_dict(), old)
            compared += sum(1 for s in old["segments"] for u in s["targets"].values() if u)
        _same(wb.article(article_id).to_dict(), old_article_view(wb.store, article_id, glossary=glossary))
    _same([row.to_dict() for row in list_view(wb.store)], old_list_view(wb.store))
    assert all(isinstance(row, ArticleSummary) for row in list_view(wb.store))
    return compared


def test_the_five_seeds_as_translated_match_the_old_json(translated):
    assert len(translated.store.article_ids()) == 5
    assert _assert_equivalent(translated) > 100


def test_edits_confirmations_approval_and_a_stale_pivot_match_the_old_json(translated):
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
    wb.approve("000_b2b0b7ef8c4c7ace", "ru", "chief", override="tiny models")
    _assert_equivalent(wb)
    after = wb.article(ARTICLE)
    edited = after.row(first.id).targets["en"]
    assert edited is not None and edited.edited and edited.state == "edited" and edited.confidence is None
    ru = after.row(first.id).targets["ru"]  # the tiny profile makes Russian from the English
    assert ru is not None and ru.machine is not None and ru.machine.provenance.pivot is not None
    assert ru.machine.provenance.pivot.via == "en" and "stale_pivot" in ru.flags
    assert after.summaries["en"] is not None and "cut_off" in after.summaries["en"].flags
    approved = wb.article("000_b2b0b7ef8c4c7ace")
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
    expected = old_article_view(translated.store, ARTICLE, glossary=translated.glossary())
    assert json.loads(result.stdout) == json.loads(json.dumps(expected, ensure_ascii=False))
    assert ops.get_article(translated, article_id=ARTICLE) == {"ok": True, "article": expected}
    assert ops.review_view(translated, article_id=ARTICLE, author="mona")["article"] == expected
    listed = CliRunner().invoke(cli, ["--home", str(translated.home), "list", "--json"])
    assert [{k: v for k, v in row.items() if k != "meaningless"} for row in json.loads(listed.stdout)] == \
        old_list_view(translated.store)
