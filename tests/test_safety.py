"""Faults and misuse: one clear line (never a traceback), nothing stored before is lost, and no file that is not a
regular file is ever replaced."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.app import operations as ops
from workbench.app.cli import cli

from .conftest import SEEDS

ARTICLE = "003_70140ed69b948bf5"


def run(home: Path, *args: str):
    result = CliRunner().invoke(cli, ["--home", str(home), *args])
    assert "Traceback" not in result.output
    return result


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


# --------------------------------------------------------------------------- files that are not regular files
def test_export_never_replaces_a_device_or_a_fifo(translated, tmp_path):
    for target in ("/dev/null", "/dev/full"):
        before = os.stat(target)
        result = run(translated.home, "export", ARTICLE, "--format", "txt", "--out", target)
        assert result.exit_code == 1 and "refusing to replace it" in one_error_line(result)
        assert stat.S_ISCHR(os.stat(target).st_mode) and os.stat(target).st_rdev == before.st_rdev
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(translated.home, "export", ARTICLE, "--format", "txt", "--out", str(fifo))
    assert result.exit_code == 1 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert run(translated.home, "export", ARTICLE, "--out", str(folder)).exit_code != 0 and folder.is_dir()


def test_export_follows_a_symlink_and_keeps_permissions(translated, tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert run(translated.home, "export", ARTICLE, "--format", "txt", "--out", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith(f"# {ARTICLE}")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    fresh = tmp_path / "new.txt"
    old_umask = os.umask(0o022)
    try:
        assert run(translated.home, "export", ARTICLE, "--format", "txt", "--out", str(fresh)).exit_code == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not the 0600 of a temporary file


@pytest.mark.parametrize("out", ["", "/proc/version/x.txt", "/proc/self/status"])
def test_export_to_impossible_places_is_one_line(translated, out):
    result = run(translated.home, "export", ARTICLE, "--format", "txt", "--out", out)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert one_error_line(result)


# --------------------------------------------------------------------------- a damaged store
@pytest.mark.parametrize("damage", ["garbage in the middle", "not a database", "truncated"])
def test_a_damaged_store_is_refused_and_not_written(translated, damage):
    db = translated.home.database
    translated.close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db.read_bytes())
    if damage == "garbage in the middle":
        data[len(data) // 2: len(data) // 2 + 4096] = os.urandom(4096)
    elif damage == "not a database":
        data = bytearray(b"this is not a database\n" * 100)
    else:
        data = data[: len(data) // 3]
    db.write_bytes(bytes(data))
    for args in (["import", str(SEEDS)], ["list"], ["show", ARTICLE], ["check"]):
        result = run(translated.home, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "damaged" in one_error_line(result)
    assert db.read_bytes() == bytes(data)  # nothing was written into it


def test_check_and_backup_of_a_store_in_use(translated, tmp_path):
    assert "ok (writable" in run(translated.home, "check").output
    dest = tmp_path / "backups" / "copy.sqlite"
    result = run(translated.home, "backup", str(dest))  # the fixture's Workbench still has the store open
    assert result.exit_code == 0, result.output
    with sqlite3.connect(dest) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == translated.store.counts()["revisions"]
    assert run(translated.home, "backup", "/dev/null").exit_code == 1


def test_a_full_disk_during_a_save_loses_nothing(translated):

    view = translated.article(ARTICLE).to_dict()
    seg = next(s for s in view["segments"] if s["kind"] == "body")
    before = translated.store.counts()
    pages = translated.store.conn.execute("PRAGMA page_count").fetchone()[0]
    translated.store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite now answers SQLITE_FULL
    result = ops.save_unit(translated, article_id=ARTICLE, unit=seg["id"], language="en", text="x" * 90_000, base_revision_id=seg["targets"]["en"]["revision_id"], author="me", reviewed=False)
    assert result["ok"] is False and "disk is full" in result["error"] and "intact" in result["error"]
    translated.store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert translated.store.counts() == before
    assert ops.save_unit(translated, article_id=ARTICLE, unit=seg["id"], language="en", text="Fits now.", base_revision_id=seg["targets"]["en"]["revision_id"], author="me", reviewed=False)["ok"]


def test_a_read_only_home_serves_reads_and_refuses_writes(translated, monkeypatch):
    from workbench import Workbench
    from workbench.app.ui import header
    from workbench.store import database

    translated.close()
    monkeypatch.setattr(database, "writable", lambda path: False)  # as a read-only mount (root ignores file modes)
    with Workbench(translated.home, profile="tiny") as wb:
        assert wb.store.read_only
        assert len(wb.articles()) == 5 and wb.article(ARTICLE).to_dict()["segments"]
        seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
        result = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="x", base_revision_id=seg["targets"]["en"]["revision_id"], author="me", reviewed=False)
        assert result["ok"] is False and "read-only" in result["error"]
        assert "Read-only" in header.header_markdown(wb.article(ARTICLE), wb.store.read_only)


# --------------------------------------------------------------------------- bad input files
def test_a_bad_jsonl_line_is_reported_and_the_rest_imported(home, tmp_path):
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    lines = [json.dumps({"id": "a", "text": text}),
             '{"id": "b", "text": "\\ud800 ' + "نص عربي" + '"}',  # a lone surrogate
             json.dumps({"id": "a", "text": text + " مكرر"}),  # the same id again
             json.dumps({"id": "c", "text": text + " آخر"})]
    corpus = tmp_path / "feed.jsonl"
    corpus.write_text("\n".join(lines) + "\n")
    result = run(home, "import", str(corpus), "--json")
    report = json.loads(result.output[result.output.index("{"):])
    assert result.exit_code == 1
    assert [i["article_id"] for i in report["imported"]] == ["a", "c"]
    reasons = {p["path"].rsplit(":", 1)[1]: p["reason"] for p in report["problems"]}
    assert "lone surrogate" in reasons["2"] and "duplicate id 'a'" in reasons["3"]


def test_odd_inputs_get_a_word(home, tmp_path):
    from workbench.text.reading import decode

    latin = "Le président a déclaré que la coopération était très forte.".encode("latin-1")
    assert decode(latin, "x")[0].startswith("Le président") and decode(latin, "x")[1] == "cp1252"
    persian = tmp_path / "fa.txt"
    persian.write_text("این یک متن فارسی است که برای آزمایش نوشته شده و گرامر خاص خودش را دارد.\n")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    result = run(home, "import", str(persian), str(fifo), str(folder))
    assert "looks like Persian" in result.output
    assert "not a regular file" in result.output and "does not exist" in result.output


def test_malformed_xliff_revision_is_reported_not_a_crash(translated, tmp_path):
    path = tmp_path / "out.xlf"
    assert run(translated.home, "export", ARTICLE, "--to", "en", "--out", str(path)).exit_code == 0
    data = path.read_text(encoding="utf-8")
    first = data.index(";revision=")
    end = data.index('"', first)
    data = data[:first] + ";revision=abc" + data[end:]
    second = data.index("<target", data.index("trans-unit", data.index("revision=abc") + 20))
    close = data.index(">", second) + 1
    data = data[:close] + "Changed outside. " + data[close:]
    path.write_text(data, encoding="utf-8")
    result = run(translated.home, "import-xliff", str(path), "--json")
    report = json.loads(result.output)
    assert result.exit_code == 1 and len(report["applied"]) == 1
    assert any("'abc' is not a number" in u["reason"] for u in report["unknown"])


# --------------------------------------------------------------------------- settings and glossary
@pytest.mark.parametrize(("config", "expected"), [
    ('profil = "fast"\n', "unknown key profil (did you mean profile?)"),
    ("[translation]\nnum_beams = \"many\"\n", "num_beams must be int"),
    ("[translation]\nnum_beams = -3\n", "num_beams must not be negative"),
    ("[translation]\nnum_beam = 4\n", "num_beam (did you mean num_beams?)"),
    ("threads = 0\n", "threads must be at least 1"),
    (b"\x00\x01\xff binary", "not valid TOML"),
])
def test_bad_config_is_one_line_naming_file_and_key(home, config, expected):
    home.mkdir(parents=True)
    path = home / "config.toml"
    path.write_bytes(config if isinstance(config, bytes) else config.encode())
    result = run(home, "translate", str(next(SEEDS.glob("003_*.txt"))), "--to", "en")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert expected in line and "config.toml" in line


def test_glossary_saves_conflict_instead_of_losing_an_update(wb):
    from workbench.app.ui import glossary as glossary_panel
    from workbench.review.glossary import version as glossary_version

    rows = wb.glossary().to_rows()
    base = glossary_version(wb.store)
    first = glossary_panel.save_table(wb, [*rows, ["طشقند", "Tashkent", "Ташкент", "first reviewer"]], base, "alice")
    second = glossary_panel.save_table(wb, [*rows, ["دوشنبه", "Dushanbe", "Душанбе", "second reviewer"]], base, "bob")
    assert first["ok"] and second["ok"] is False and second["conflict"]
    assert any(r[3] == "first reviewer" for r in wb.glossary().to_rows())  # the first save survived
    empty = glossary_panel.save_table(wb, [], first["version"], "carol")
    assert empty["ok"] is False and "empty glossary" in empty["error"]
    assert len(wb.glossary().to_rows()) == len(rows) + 1


def test_glossary_history_and_restore(wb):
    from workbench.review import glossary as g

    original = g.version(wb.store)
    before = wb.glossary().to_rows()
    g.save_rows(wb.store, [["لافروف", "Lavrov", "Лавров", ""]], base_version=original, author="x")
    assert len(wb.glossary()) == 1
    earlier = g.history(wb.store)
    assert earlier[0]["version"] == original and earlier[0]["replaced_by"] == "x"
    g.restore(wb.store, earlier[0]["name"])
    assert wb.glossary().to_rows() == before and len(wb.glossary()) > 20
    assert [h["replaced_by"] for h in g.history(wb.store)] == ["unknown", "x"]  # the restore is itself undoable


def test_bad_glossary_files(tmp_path):
    """An old data home's glossary.csv is imported once, its bad rows skipped with a warning; one that is not UTF-8
    CSV, or not a file, is not imported: the starter glossary is used, and `glossary` says why."""
    home = tmp_path / "a"
    home.mkdir(parents=True)
    path = home / "glossary.csv"
    path.write_text("ar,en,ru,note\nلافروف,Lavrov,Лавров,\n,,Лишний,\nروسيا,Russia,Россия,\n", encoding="utf-8")
    result = run(home, "glossary")
    assert result.exit_code == 0 and "row skipped" in result.output and "(2 terms)" in result.output
    path.write_bytes("ar,en,ru\nموسكو,Moscow,Москва\n".encode("cp1256", errors="replace"))
    assert "(2 terms)" in run(home, "glossary").output  # imported once: the file is no longer read
    for name, make, why in (("b", lambda p: p.write_bytes("ar,en,ru\nموسكو,Moscow,Москва\n".encode("cp1256", errors="replace")), "not UTF-8"),
                            ("c", lambda p: p.mkdir(), "not a regular file")):
        other = tmp_path / name
        other.mkdir()
        make(other / "glossary.csv")
        result = run(other, "glossary")
        assert result.exit_code == 0 and why in result.output and "the starter glossary is used" in result.output


# --------------------------------------------------------------------------- logins and API values
def test_blank_passwords_are_refused():
    from workbench.app.auth import read_auth
    from workbench.errors import WorkbenchError

    for value in ("alice: ", "alice:", "alice:\t"):
        with pytest.raises(WorkbenchError, match="empty or blank"):
            read_auth(value, None)


def test_login_attempts_are_rate_limited():
    from workbench.app.auth import LOCKOUT, RateLimitedLogin

    now = [1000.0]
    login = RateLimitedLogin([("alice", "s3cret")], clock=lambda: now[0])
    results = [login("alice", f"guess{i}") for i in range(200)]
    assert not any(results)
    assert not login("alice", "s3cret")  # locked: even the right password waits
    now[0] += LOCKOUT + 1
    assert login("alice", "s3cret")


def test_api_values_of_the_wrong_kind_are_answers(translated):
    from workbench.app.ui import actions

    seg = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    result = ops.save_unit(translated, article_id=ARTICLE, unit=seg["id"], language="en", text="x", base_revision_id="not-a-number", author="me", reviewed=False)
    assert result["ok"] is False and "base_revision_id: must be a revision number" in result["error"]
    assert actions.translate_article(translated, ARTICLE, ["de"])["ok"] is False


@pytest.mark.parametrize("command", ["import", "translate"])
def test_a_full_disk_during_import_or_translate_is_one_line(home, monkeypatch, command):
    from workbench import Workbench
    from workbench.store import database

    with Workbench(home, profile="tiny") as wb:
        wb.import_paths([next(SEEDS.glob("000_*.txt"))])
        before = wb.store.counts()
    real = database.connect

    def full(path, **kwargs):  # the disk fills up as soon as the store is open
        conn = real(path, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(database, "connect", full)
    args = [str(SEEDS)] if command == "import" else [str(next(SEEDS.glob("000_*.txt"))), "--to", "en", "--profile", "tiny"]
    result = run(home, command, *args)
    assert result.exit_code == 1
    assert "disk is full" in result.output
    monkeypatch.setattr(database, "connect", real)
    with Workbench(home, profile="tiny") as wb:
        assert wb.store.counts() == before  # nothing stored before was lost or changed


def test_concurrent_glossary_saves_never_lose_one(wb):
    import threading

    from workbench.app.ui import glossary as glossary_panel
    from workbench.review.glossary import version as glossary_version

    rows = wb.glossary().to_rows()
    base = glossary_version(wb.store)
    results = []

    def save(n: int) -> None:
        results.append(glossary_panel.save_table(wb, [*rows, [f"مصطلح{n}", f"term{n}", f"термин{n}", ""]], base, f"r{n}"))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["ok"] for r in results) == 1 and sum(bool(r.get("conflict")) for r in results) == 5
    winner = next(r for r in results if r["ok"])
    assert glossary_version(wb.store) == winner["version"]
