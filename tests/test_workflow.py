"""The one write path (`review/workflow.py`, issue 18) and issue 19's "Right rules".

- Every place in `workbench/` that calls one of the store's write methods is the write path itself (or the store),
  found by reading the source: nothing else writes text or status.
- The article-language statuses move as the one table `TRANSITIONS` says: each (event, from-status) is driven
  through the real code path (re-translation, a save, a pivot confirmation, a draft, an approval, a mark).
- The rules: `stale_pivot` follows the English text (not its revision ids) and is a warning on a reviewed Russian
  until "still correct"; confirming reviewed text adds no revision; identical texts are no conflict; save answers
  carry `blocking`; approval blockers use the grid's numbers; override approvals are marked in the view, the list,
  `status` and exports; 100 % memory matches are badged `memory`; machine outputs store no QA flags.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from workbench.app import operations as ops
from workbench.app.cli import cli
from workbench.exchange.formats.xliff import NS
from workbench.languages import STATUSES
from workbench.review import workflow
from workbench.review.workflow import TRANSITIONS

from .conftest import ROOT

ARTICLE = "003_70140ed69b948bf5"
PACKAGE = ROOT / "workbench"
WRITE_PATH = "workbench/review/workflow.py"
STORE_WRITES = {"upsert_article", "add_machine_outputs", "save_revision", "save_draft", "discard_draft",
                "add_pivot_check", "set_status", "record_failure", "clear_failures"}
TABLES = "articles|segments|machine_outputs|revisions|article_status|status_log|drafts|failures|pivot_checks"
SQL_WRITE = re.compile(rf"\b(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+({TABLES})\b", re.I)


# --------------------------------------------------------------------------- who writes
def store_write_methods() -> set[str]:
    """The `Store` methods that open a write transaction (read from the source, so a new one is found)."""
    tree = ast.parse((PACKAGE / "store" / "database.py").read_text(encoding="utf-8"))
    store = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Store")
    return {fn.name for fn in store.body if isinstance(fn, ast.FunctionDef) and fn.name != "transaction" and not fn.name.startswith("_")
            and any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "transaction"
                    for n in ast.walk(fn))}


def write_sites() -> list[tuple[str, int, str]]:
    """(file, line, what) for every call of a store write method, every `.conn` of a store and every SQL text
    that writes a store table, outside the store package."""
    writes = store_write_methods()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel.startswith("workbench/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in writes:
                receiver = ast.unparse(node.func.value)
                if receiver != "wb":  # `wb`: a Workbench, whose methods of the same names call the write path
                    found.append((rel, node.lineno, f"{receiver}.{node.func.attr}"))
            elif isinstance(node, ast.Attribute) and node.attr == "conn" and "store" in ast.unparse(node.value):
                found.append((rel, node.lineno, ast.unparse(node)))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_WRITE.search(node.value):
                found.append((rel, node.lineno, node.value[:60]))
    return found


def test_the_store_write_methods_are_found_from_its_source():
    assert store_write_methods() == STORE_WRITES


def test_only_the_write_path_calls_the_store_write_methods():
    sites = write_sites()
    outside = [site for site in sites if site[0] != WRITE_PATH]
    assert not outside, "writes outside review/workflow.py:\n" + "\n".join(f"{f}:{n} {w}" for f, n, w in outside)
    called = {what.rpartition(".")[2] for _, _, what in sites}
    # the write path uses every write of the store but importing an article's source text (store/importer.py)
    assert called == STORE_WRITES - {"upsert_article"}


def test_every_writer_goes_through_the_write_path():
    """The batch runs, re-translation, summaries, ingest, the Ray article stage, the XLIFF import, the Python API
    and the editor's operations each call the write path."""
    users = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "workflow"
               for n in ast.walk(tree)):
            users.add(str(path.relative_to(ROOT)))
    assert users >= {"workbench/runs/translation.py", "workbench/runs/summaries.py", "workbench/runs/batch.py",
                     "workbench/scale/ingest.py", "workbench/exchange/xliff_import.py", "workbench/app/api.py",
                     "workbench/app/operations.py"}
    distributed = (PACKAGE / "scale" / "distributed.py").read_text(encoding="utf-8")
    assert "store_outputs(" in distributed and "set_status" not in distributed  # the Ray stage: ingest's writer


# --------------------------------------------------------------------------- the transition table
def body(wb: Any, article: str = ARTICLE) -> list[dict[str, Any]]:
    return [s for s in wb.article(article).to_dict()["segments"] if s["kind"] != "meta"]


def unit(wb: Any, seg_id: str, lang: str, article: str = ARTICLE) -> dict[str, Any]:
    return next(s for s in wb.article(article).to_dict()["segments"] if s["id"] == seg_id)["targets"][lang]


def _retranslate(wb: Any, lang: str) -> None:
    """A re-translation that stores new machine text (over a person's text: the same text again writes nothing)."""
    before = wb.article(ARTICLE).status[lang]
    _save(wb, lang)
    wb.store.set_status(ARTICLE, lang, before, "test")
    assert wb.retranslate(ARTICLE, lang, [body(wb)[0]["id"]], replace_edited=True) == 1


def _save(wb: Any, lang: str) -> None:
    seg = body(wb)[0]
    assert ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language=lang, text="A person's text.", base_revision_id=seg["targets"][lang]["revision_id"],
                         author="mona")["ok"]


def _confirm_pivot(wb: Any, lang: str) -> None:
    assert ops.confirm_pivot(wb, article_id=ARTICLE, unit=body(wb)[0]["id"], language=lang, author="mona")["ok"]


def _draft(wb: Any, lang: str) -> None:
    seg = body(wb)[0]
    assert ops.save_draft(wb, article_id=ARTICLE, unit=seg["id"], language=lang, text="typing", base_revision_id=seg["targets"][lang]["revision_id"], author="mona")["ok"]


def _approve(wb: Any, lang: str) -> None:
    assert ops.approve(wb, article_id=ARTICLE, language=lang, author="chief", override="tiny models")["ok"]


def _source_changed(wb: Any, lang: str) -> None:
    """The article imported again with a changed source (a paragraph added)."""
    seed = ROOT / "seeds" / f"{ARTICLE}.txt"
    changed = wb.home.path.parent / "changed" / seed.name
    changed.parent.mkdir(exist_ok=True)
    changed.write_text(seed.read_text(encoding="utf-8") + "\n\nوأضاف المتحدث أن المحادثات ستستمر.\n", encoding="utf-8")
    assert [i.outcome for i in wb.import_paths([changed]).imported] == ["updated"]


def _mark(status: str) -> Any:
    return lambda wb, lang: wb.set_status(ARTICLE, lang, status, "chief")


TRIGGERS = {"machine_text": _retranslate, "person_text": _save, "pivot_confirmed": _confirm_pivot, "draft": _draft,
            "approve": _approve, "source_changed": _source_changed, "mark_new": _mark("new"), "mark_machine": _mark("machine"),
            "mark_in_review": _mark("in_review")}


def test_every_event_of_the_table_is_driven_and_every_status_is_known():
    assert set(TRIGGERS) == set(TRANSITIONS)
    assert all(set(moves) <= set(STATUSES) and set(moves.values()) <= set(STATUSES) for moves in TRANSITIONS.values())


@pytest.mark.parametrize("event,before", [(e, s) for e in TRANSITIONS for s in STATUSES])
def test_statuses_move_as_the_table_says(translated, event, before):
    """One row of the table at a time, through the code path that causes the event; the pivot event on the
    Russian (made from the English), the others on the English."""
    wb = translated
    lang = "ru" if event == "pivot_confirmed" else "en"
    wb.store.set_status(ARTICLE, lang, before, "test")
    TRIGGERS[event](wb, lang)
    assert wb.article(ARTICLE).status[lang] == TRANSITIONS[event].get(before, before)
    assert wb.article(ARTICLE).status["ru" if lang == "en" else "en"] == "machine"  # the other language: untouched


def test_a_write_and_its_status_change_are_one_transaction(translated, monkeypatch):
    """When the status change fails, the revision that caused it is not kept either."""
    from workbench.errors import WorkbenchError
    from workbench.store import Store

    wb = translated
    wb.store.set_status(ARTICLE, "en", "approved", "chief")
    seg = body(wb)[0]
    before = wb.store.counts()

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise WorkbenchError("refused (simulated)")

    monkeypatch.setattr(Store, "set_status", refuse)
    answer = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Kept?", base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    assert answer == {"ok": False, "error": "refused (simulated)"} and wb.store.counts() == before


def test_restore_and_xliff_import_return_an_approved_language_to_review(translated, tmp_path):
    wb = translated
    seg = body(wb)[0]
    first = seg["targets"]["en"]["revision_id"]
    edited = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Edited.", base_revision_id=first, author="mona")
    _approve(wb, "en")
    assert ops.restore_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", revision_id=first, base_revision_id=edited["revision_id"], author="mona")["ok"]
    assert wb.article(ARTICLE).status["en"] == "in_review"  # before: a restore left the approval as it was
    _approve(wb, "en")
    path = tmp_path / "out.xlf"
    path.write_bytes(wb.render_export([ARTICLE], ["en"], "xliff")[0])
    doc = etree.parse(str(path))
    doc.findall(f".//{{{NS}}}trans-unit")[1].find(f"{{{NS}}}target").text = "Edited outside"
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    assert len(wb.import_xliff(path).applied) == 1
    assert wb.article(ARTICLE).status["en"] == "in_review"  # before: an import left an approval as it was


def test_a_redo_that_stores_nothing_leaves_an_approval_alone(translated):
    wb = translated
    for seg in body(wb):  # every segment a person's: a redo keeps them all
        assert ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")["ok"]
    _approve(wb, "en")
    report = wb.translate(article_ids=[ARTICLE], targets=["en"], redo=True)
    assert report.translated == 0 and wb.article(ARTICLE).status["en"] == "approved"
    wb.translate(article_ids=[ARTICLE], targets=["en"], redo=True, replace_edited=True)
    assert wb.article(ARTICLE).status["en"] == "in_review"


def test_a_retranslation_that_yields_the_same_text_writes_no_revision(translated):
    """Issue 29, item 12: a whole-article re-translate wrote a new machine revision of identical text, which
    turned a draft typed on the old one into a conflict against the same words."""
    wb = translated
    before = {s["id"]: s["targets"]["en"]["revision_id"] for s in body(wb)}
    seg = body(wb)[0]
    wb.save_draft(ARTICLE, seg["id"], "en", "A draft on the machine text.", author="mona",
                  base_revision_id=before[seg["id"]])
    wb.retranslate(ARTICLE, "en")  # the tiny models give the same text again
    assert {s["id"]: s["targets"]["en"]["revision_id"] for s in body(wb)} == before
    assert len(wb.history(ARTICLE, seg["id"], "en")) == 1
    saved = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="A draft on the machine text.",
                          base_revision_id=before[seg["id"]], author="mona", reviewed=False)
    assert saved["ok"], saved  # no conflict: the draft's base is still the current revision
    wb.retranslate(ARTICLE, "en", [seg["id"]], replace_edited=True)  # another text than the current one: written
    assert body(wb)[0]["targets"]["en"]["revision_id"] > saved["revision_id"]


# --------------------------------------------------------------------------- stale_pivot
def test_stale_pivot_follows_the_english_text_not_its_revision_ids(translated):
    wb = translated
    seg = body(wb)[0]["id"]
    en = unit(wb, seg, "en")
    assert "stale_pivot" not in unit(wb, seg, "ru")["flags"]
    confirmed = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg, language="en", base_revision_id=en["revision_id"], author="mona")  # a new revision, same text
    assert confirmed["ok"] and not confirmed["unchanged"] and confirmed["revision_id"] != en["revision_id"]
    assert "stale_pivot" not in unit(wb, seg, "ru")["flags"]  # before: stale, because the revision id changed
    changed = ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="en", text="Lavrov said something else.", base_revision_id=confirmed["revision_id"], author="mona")
    ru = unit(wb, seg, "ru")
    assert "stale_pivot" in ru["flags"] and "stale_pivot" in ru["blocking"]  # a machine Russian: it blocks
    assert any("stale_pivot" in p for p in ops.review_view(wb, article_id=ARTICLE, author="mona")["approval"]["ru"])
    assert "stale_pivot" in changed["row"]["targets"]["ru"]["flags"]  # the save's row shows it at once
    ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="en", text=en["text"], base_revision_id=changed["revision_id"], author="mona")  # back to what it was made from
    assert "stale_pivot" not in unit(wb, seg, "ru")["flags"]


def test_a_russian_written_after_the_english_changed_is_not_stale(translated):
    wb = translated
    seg = body(wb)[1]["id"]
    ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="en", text="A new English text.", base_revision_id=unit(wb, seg, "en")["revision_id"], author="mona")
    assert "stale_pivot" in unit(wb, seg, "ru")["flags"]
    ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="ru", text="Новый русский текст.", base_revision_id=unit(wb, seg, "ru")["revision_id"], author="ivan", reviewed=False)
    assert "stale_pivot" not in unit(wb, seg, "ru")["flags"]
    ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="en", text="The English changed again.", base_revision_id=unit(wb, seg, "en")["revision_id"], author="mona")
    assert "stale_pivot" in unit(wb, seg, "ru")["flags"]


def test_on_a_reviewed_russian_stale_pivot_warns_until_it_is_said_to_be_still_correct(translated):
    wb = translated
    seg = body(wb)[2]["id"]
    ru = unit(wb, seg, "ru")
    reviewed = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg, language="ru", base_revision_id=ru["revision_id"], author="ivan")
    ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="en", text="The English changed.", base_revision_id=unit(wb, seg, "en")["revision_id"], author="mona")
    ru = unit(wb, seg, "ru")
    assert ru["state"] == "reviewed" and "stale_pivot" in ru["flags"] and "stale_pivot" not in ru["blocking"]
    number = next(s["number"] for s in body(wb) if s["id"] == seg)
    assert not any("stale_pivot" in p for p in ops.review_view(wb, article_id=ARTICLE, author="ivan")["approval"]["ru"]), number
    revisions = wb.store.counts()["revisions"]
    again = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg, language="ru", base_revision_id=reviewed["revision_id"], author="ivan")  # Ctrl+Enter: still correct
    assert again["ok"] and again["unchanged"] and again["pivot_confirmed"]
    assert again["revision_id"] == reviewed["revision_id"] and wb.store.counts()["revisions"] == revisions
    assert "stale_pivot" not in unit(wb, seg, "ru")["flags"]
    check = wb.store.pivot_checks(ARTICLE)[(seg, "ru")]
    assert (check["kind"], check["author"], check["via"], check["via_text"]) == ("confirmed", "ivan", "en",
                                                                                   "The English changed.")
    ops.save_unit(wb, article_id=ARTICLE, unit=seg, language="en", text="And again.", base_revision_id=unit(wb, seg, "en")["revision_id"], author="mona")
    assert "stale_pivot" in unit(wb, seg, "ru")["flags"]  # back until the English changes again
    answer = ops.confirm_pivot(wb, article_id=ARTICLE, unit=seg, language="ru", author="ivan")  # the operation for any unit, reviewed or not
    assert answer["ok"] and answer["pivot_confirmed"] and "stale_pivot" not in answer["row"]["targets"]["ru"]["flags"]
    refused = ops.confirm_pivot(wb, article_id=ARTICLE, unit=seg, language="en", author="ivan")
    assert refused["ok"] is False and "no pivot" in refused["error"]


# --------------------------------------------------------------------------- unchanged texts and conflicts
def test_confirming_reviewed_text_again_adds_no_revision(translated):
    wb = translated
    seg = body(wb)[0]
    first = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    assert first["ok"] and not first["unchanged"]
    history = len(wb.history(ARTICLE, seg["id"], "en"))
    again = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=first["revision_id"], author="mona")
    assert again["ok"] and again["unchanged"] and again["revision_id"] == first["revision_id"]
    text = seg["targets"]["en"]["text"]
    saved = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text=text, base_revision_id=first["revision_id"], author="mona", reviewed=True)
    assert saved["ok"] and saved["unchanged"] and saved["revision_id"] == first["revision_id"]
    kept = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text=text, base_revision_id=first["revision_id"], author="mona", reviewed=False)  # Ctrl+S
    assert kept["unchanged"] and unit(wb, seg["id"], "en")["state"] == "reviewed"  # not un-reviewed
    assert len(wb.history(ARTICLE, seg["id"], "en")) == history


def test_two_reviewers_confirming_the_same_text_is_no_conflict(translated):
    wb = translated
    seg = body(wb)[0]
    machine = seg["targets"]["en"]
    alice = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=machine["revision_id"], author="alice")
    bob = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=machine["revision_id"], author="bob")  # opened before Alice saved
    assert bob["ok"] and bob["unchanged"] and bob["revision_id"] == alice["revision_id"]
    carol = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text=machine["text"], base_revision_id=machine["revision_id"], author="carol")
    assert carol["ok"] and carol["unchanged"]  # a save of the current text on an old base: no conflict either
    other = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Another text.", base_revision_id=machine["revision_id"], author="dave")
    assert other["ok"] is False and other["conflict"] and other["current_text"] == machine["text"]
    ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Alice changed it.", base_revision_id=alice["revision_id"], author="alice")
    late = ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=machine["revision_id"], author="bob")  # confirms what he saw
    assert late["ok"] is False and late["conflict"] and late["current_text"] == "Alice changed it."


def test_two_reviewers_saving_the_same_edit_is_no_conflict(translated):
    wb = translated
    seg = body(wb)[1]
    base = seg["targets"]["en"]["revision_id"]
    first = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="The same fix.", base_revision_id=base, author="alice", reviewed=False)
    second = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="The same fix.", base_revision_id=base, author="bob", reviewed=True)  # and confirms it
    assert second["ok"] and not second["unchanged"] and second["revision_id"] != first["revision_id"]
    assert unit(wb, seg["id"], "en")["state"] == "reviewed"


def test_a_save_answer_carries_the_blocking_flags(translated):
    wb = translated
    seg = next(s for s in body(wb) if re.search(r"[0-9٠-٩]", s["source_text"]))
    answer = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="A text without the number.",
                           base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    assert answer["ok"] and "numbers" in answer["blocking"] and answer["unchanged"] is False
    assert answer["blocking"] == unit(wb, seg["id"], "en")["blocking"]


# --------------------------------------------------------------------------- numbering, overrides, match kinds
def test_approval_blockers_use_the_grids_numbers(translated):
    wb = translated
    rows = wb.article(ARTICLE).to_dict()["segments"]
    assert [r["number"] for r in rows if r["kind"] != "meta"] == list(range(1, len(body(wb)) + 1))
    assert all(r["number"] is None for r in rows if r["kind"] == "meta") and any(r["kind"] == "meta" for r in rows)
    assert "(first: #1)" in ops.review_view(wb, article_id=ARTICLE, author="mona")["approval"]["en"][0]
    for seg in body(wb)[:2]:
        ops.confirm_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    assert "(first: #3)" in ops.review_view(wb, article_id=ARTICLE, author="mona")["approval"]["en"][0]


def test_override_approvals_are_marked_everywhere(translated):
    wb = translated
    assert ops.approve(wb, article_id=ARTICLE, language="ru", author="chief", override="checked by phone")["ok"]
    note = wb.article(ARTICLE).status_override["ru"]
    assert note.startswith("checked by phone [") and wb.article(ARTICLE).status_override["en"] is None
    assert ops.get_article(wb, article_id=ARTICLE)["article"]["status_override"] == {"en": None, "ru": note}
    row = next(r for r in ops.list_articles(wb)["articles"] if r["id"] == ARTICLE)
    assert row["status_override"] == {"en": None, "ru": note}
    status = json.loads(CliRunner().invoke(cli, ["--home", str(wb.home), "status", "--json"]).stdout)
    languages = next(r for r in status if r["id"] == ARTICLE)["languages"]
    assert languages["ru"]["override"] == note and languages["en"]["override"] is None
    text = CliRunner().invoke(cli, ["--home", str(wb.home), "status"]).stdout
    assert "ru: done 10/10 +summary (approved, by override)" in next(line for line in text.splitlines() if ARTICLE in line)
    listed = CliRunner().invoke(cli, ["--home", str(wb.home), "list"]).stdout
    assert "en:machine ru:approved(override)" in next(line for line in listed.splitlines() if ARTICLE in line)
    xliff = wb.render_export([ARTICLE], ["en", "ru"], "xliff")[0]
    notes = etree.fromstring(xliff).findall(f".//{{{NS}}}note[@from='workbench-approval']")
    assert [n.text for n in notes] == [f"approved with an override, past the approval rules: {note}"]
    rows = list(csv.DictReader(io.StringIO(wb.render_export([ARTICLE], ["en", "ru"], "csv")[0].decode("utf-8"))))
    assert {r["approval_override"] for r in rows if r["lang"] == "ru"} == {note}
    assert {r["approval_override"] for r in rows if r["lang"] == "en"} == {""}
    wb.set_status(ARTICLE, "ru", "in_review", "chief")
    assert wb.article(ARTICLE).status_override["ru"] is None  # an override belongs to that approval only


def test_a_memory_match_is_badged_memory_and_machine_outputs_keep_no_qa_flags(wb, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("التقى لافروف نظيره في موسكو.\n\nوناقش الجانبان العلاقات الثنائية.\n", encoding="utf-8")
    second.write_text("التقى لافروف نظيره في موسكو.\n\nوتحدث الوزيران عن التجارة.\n", encoding="utf-8")
    one = wb.import_paths([str(first)]).article_ids[0]
    wb.translate([one], ["en"])
    for seg in body(wb, one):
        ops.save_unit(wb, article_id=one, unit=seg["id"], language="en", text=f"Reviewed {seg['position']}.", base_revision_id=seg["targets"]["en"]["revision_id"], author="mona")
    two = wb.import_paths([str(second)]).article_ids[0]
    wb.translate([two], ["en"])
    matched, made = (s["targets"]["en"] for s in body(wb, two))
    assert (matched["match"], matched["origin"], matched["state"]) == ("memory", "memory", "machine")
    assert made["match"] == "machine" and matched["text"] == "Reviewed 0."
    edited = ops.save_unit(wb, article_id=two, unit=body(wb, two)[1]["id"], language="en", text="Trade was discussed.", base_revision_id=made["revision_id"], author="mona")
    assert edited["row"]["targets"]["en"]["match"] == "human"
    stored = {flag for row in wb.store.query("SELECT flags FROM machine_outputs") for flag in json.loads(row["flags"])}
    assert stored <= {"meaningless_model"}  # QA runs when the article is read, on the current text
    assert "meaningless_model" in stored and "meaningless_model" in made["flags"]


def test_the_write_path_refuses_what_is_not_a_persons_revision(translated):
    from workbench.errors import WorkbenchError
    from workbench.units import UnitRef

    with pytest.raises(WorkbenchError, match="origin"):
        workflow.save(translated.store, UnitRef(ARTICLE, body(translated)[0]["id"], "en"), "t", author="x",
                      base_revision_id=None, origin="machine")
