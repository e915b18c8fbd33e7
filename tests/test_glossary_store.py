"""The glossary in the store (migration 013_glossary): a save is one transaction, so a kill at any point leaves the
old version or the new one, never half; an old data home's glossary.csv and glossary-history/ are imported once,
read as hostile files, and left as they were."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from workbench.review import glossary as g
from workbench.store import Store

from .conftest import ROOT

OLD = [["لافروف", "Lavrov", "Лавров", "old"], ["روسيا", "Russia", "Россия", ""]]
NEW = [["لافروف", "Lavrov|Lavroff", "Лавров", "new"], ["روسيا", "Russia", "Россия", ""], ["موسكو", "Moscow", "Москва", ""]]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "WORKBENCH_THREADS": "1"}

# a subprocess that saves NEW over the store's version and kills itself just before its SQL statement number KILL_AT
# (-1: never), or saves OLD and NEW in turn until it is killed from outside
SAVER = f"""
import os, signal, sys
from workbench.review import glossary as g
from workbench.store import Store
OLD, NEW, kill_at = {OLD!r}, {NEW!r}, int(sys.argv[2])
store = Store(sys.argv[1])
seen = []
def trace(statement):
    seen.append(statement)
    if len(seen) - 1 == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
if kill_at == -2:
    print("ready", flush=True)
    while True:
        for rows in (NEW, OLD):
            g.save_rows(store, rows, author="loop")
store.conn.set_trace_callback(trace)
g.save_rows(store, NEW, base_version=g.version(store), author="killed")
print(len(seen))
"""


def _saver(path, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SAVER, str(path), str(kill_at)], env=ENV, capture_output=True,
                          text=True, timeout=120)


def _complete(store: Store) -> list[list[list[str]]]:
    """Every version's rows, checking each is a whole OLD or NEW (or the starter, the first)."""
    out = []
    for row in g.table.versions(store):
        rows = [[t.ar, t.en, t.ru, t.note] for t in g.table.terms(store, row.id)]
        assert rows in (OLD, NEW) or row.origin == "starter", rows
        out.append(rows)
    return out


def test_a_glossary_save_killed_between_any_two_statements_leaves_the_old_version_or_the_new(tmp_path):
    path = tmp_path / "workbench.sqlite"
    with Store(path) as store:
        g.save_rows(store, OLD, author="first")
    statements = int(_saver(tmp_path / "workbench.sqlite", -1).stdout.split()[-1])  # a whole save, counted
    assert statements >= 5  # BEGIN, the version check, the version, its terms, COMMIT
    with Store(path) as store:
        g.restore(store, g.history(store)[0]["name"])  # OLD again
    for kill_at in range(statements):
        done = _saver(path, kill_at)
        assert done.returncode == -signal.SIGKILL, done.stderr
        with Store(path) as store:
            versions = _complete(store)
            assert g.load(store).to_rows() == versions[0]
            if versions[0] == NEW:  # the kill came after COMMIT: put OLD back for the next round
                assert kill_at >= statements - 2
                g.save_rows(store, OLD, author="reset")
            assert g.load(store).to_rows() == OLD


def test_a_glossary_saved_again_and_again_and_killed_at_random_is_never_half(tmp_path):
    path = tmp_path / "workbench.sqlite"
    with Store(path) as store:
        g.save_rows(store, OLD, author="first")
    rng = random.Random(28)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path), "-2"], env=ENV, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            proc.kill()
            proc.wait(timeout=60)
            if proc.stdout:
                proc.stdout.close()
        with Store(path) as store:
            versions = _complete(store)
            assert g.load(store).to_rows() == versions[0] and versions[0] in (OLD, NEW)
    with Store(path) as store:
        assert len(g.table.versions(store)) > 5  # the loop did save


# ---------------------------------------------------------------------- the old files, imported once
def _old_home(home):
    """A data home as earlier versions left it: glossary.csv and two replaced versions in glossary-history/."""
    (home / g.HISTORY).mkdir(parents=True)
    (home / g.HISTORY / "20261101T090000123456-0123456789abcdef-ann.csv").write_text(
        "ar,en,ru,note\nلافروف,Lavrov,Лавров,first\n", encoding="utf-8")
    (home / g.HISTORY / "20261102T100000000001-fedcba9876543210-bob.csv").write_text(
        "ar,en,ru,note\nلافروف,Lavrov,Лавров,second\nروسيا,Russia,Россия,\n", encoding="utf-8")
    (home / g.FILENAME).write_text("\ufeffar,en,ru,note\nلافروف,Lavrov | Lavroff,Лавров,current\n"
                                   "روسيا,Russia,Россия,\n,,Лишний,\n", encoding="utf-8")


def test_an_old_glossary_and_its_history_are_imported_once_and_left_as_they_were(tmp_path):
    _old_home(tmp_path)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*.csv")}
    old_terms = g.parse_csv((tmp_path / g.FILENAME).read_text(encoding="utf-8-sig"), strict=False).terms
    with Store(tmp_path / "workbench.sqlite") as store:
        glossary = g.load(store)
        assert glossary.terms == old_terms and glossary.to_rows()[0] == ["لافروف", "Lavrov|Lavroff", "Лавров", "current"]
        assert len(glossary.problems) == 1 and "row skipped" in glossary.problems[0]  # as the file showed it
        assert [(h["replaced"][:19], h["replaced_by"]) for h in g.history(store)] == [
            ("2026-11-02T10:00:00", "bob"), ("2026-11-01T09:00:00", "ann")]  # who replaced each old version, when
        g.restore(store, g.history(store)[-1]["name"])
        assert [t.note for t in g.load(store).terms] == ["first"]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*.csv")} == before  # untouched
    (tmp_path / g.FILENAME).write_text("ar,en,ru\nموسكو,Moscow,Москва\n", encoding="utf-8")
    with Store(tmp_path / "workbench.sqlite") as store:
        assert [t.note for t in g.load(store).terms] == ["first"]  # imported once: the file is no longer read
        assert len(g.table.versions(store)) == 4


def _symlink(home):
    outside = home.parent / "outside.csv"
    outside.write_text("ar,en,ru\nموسكو,Moscow,Москва\n", encoding="utf-8")
    (home / g.FILENAME).symlink_to(outside)


def _big(home):
    (home / g.FILENAME).write_text("ar,en,ru\n" + "موسكو,Moscow,Москва\n" * (g.MAX_FILE // 20), encoding="utf-8")


def _formula(home):
    (home / g.FILENAME).write_text("ar,en,ru\nموسكو,Moscow,Москва\nلافروف,+1+1,Лавров\n", encoding="utf-8")


@pytest.mark.parametrize(("plant", "why"), [(_symlink, "not a regular file"), (_big, "more than a glossary's"),
                                            (_formula, "would run as a formula")])
def test_a_hostile_old_glossary_is_refused_cleanly_and_the_starter_used(tmp_path, plant, why):
    home = tmp_path / "home"
    home.mkdir()
    plant(home)
    with Store(home / "workbench.sqlite") as store:
        glossary = g.load(store)
        starter = g.parse_csv(g.STARTER.read_text(encoding="utf-8"))
        assert glossary.terms == starter.terms and len(glossary.problems) == 1
        assert why in glossary.problems[0] and "the starter glossary is used" in glossary.problems[0]
        assert [v.origin for v in g.table.versions(store)] == ["starter"] and g.version(store) == "1"


def test_a_hostile_history_file_is_left_out_and_the_rest_imported(tmp_path):
    _old_home(tmp_path)
    folder = tmp_path / g.HISTORY
    (folder / "20261101T120000000000-aaaaaaaaaaaaaaaa-eve.csv").symlink_to(tmp_path / g.FILENAME)
    (folder / "20261101T130000000000-bbbbbbbbbbbbbbbb-eve.csv").write_text("ar,en,ru\nموسكو,@SUM(1),Москва\n",
                                                                            encoding="utf-8")
    with Store(tmp_path / "workbench.sqlite") as store:
        # the two good old versions; eve's last save (at 13:00) is what replaced the first of them
        assert [(h["replaced"][:19], h["replaced_by"]) for h in g.history(store)] == [
            ("2026-11-02T10:00:00", "bob"), ("2026-11-01T13:00:00", "eve")]
        assert g.load(store).to_rows()[0][3] == "current"


def test_a_csv_export_imports_back_to_the_same_glossary(tmp_path):
    with Store(tmp_path / "workbench.sqlite") as store:
        before = g.load(store)
        (tmp_path / "out.csv").write_bytes(g.to_csv(before))
        g.save_rows(store, OLD)
        g.import_csv(store, tmp_path / "out.csv", base_version=g.version(store), author="me")
        assert g.load(store).terms == before.terms
        with pytest.raises(g.WorkbenchError, match="would run as a formula"):
            _formula(tmp_path)
            g.import_csv(store, tmp_path / g.FILENAME)
        assert g.load(store).terms == before.terms


def test_opening_an_old_data_home_imports_its_glossary_before_anything_uses_it(tmp_path):
    from workbench import Workbench

    _old_home(tmp_path)
    Workbench(tmp_path).close()  # e.g. `workbench list`: nothing asks for the glossary
    (tmp_path / g.FILENAME).unlink()  # the owner tidies up, believing the upgrade done
    with Workbench(tmp_path) as wb:
        assert [t.note for t in wb.glossary().terms] == ["current", ""] and len(g.history(wb.store)) == 2
