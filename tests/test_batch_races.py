"""Batch work and people on one data home (issue 21, items 4, 5 and 9): a machine revision never covers a text a
person saved while the run worked, two runs at once store each output once, the translation cache upgrades safely
when many processes open it, and a full disk or a kill leaves one clear line and no stray files."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.app.ui import actions
from workbench.runs.translation import CHUNK, translatable_segments

from .conftest import SEEDS, subprocess_env

ARTICLE = "004_4fe84c6801f8dc08"  # 21 translatable segments: chunks of 8, 8 and 5


def hook_calls(monkeypatch: pytest.MonkeyPatch, model: Any, method: str, on_call: dict[int, Any]) -> list[int]:
    """Run `on_call[n]()` just before the model's n-th call (1-based) computes: a person's save that lands while
    the run is between two committed chunks. Returns the list of calls seen."""
    real = getattr(model, method)
    calls: list[int] = []

    def hooked(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(calls) + 1)
        if len(calls) in on_call:
            on_call[len(calls)]()
        return real(*args, **kwargs)

    monkeypatch.setattr(model, method, hooked)
    return calls


def person_saves(wb: Any, segment_id: str, lang: str, text: str) -> int:
    current = wb.store.current_revisions(ARTICLE)[("segment", segment_id, lang)]
    return wb.save(ARTICLE, segment_id, lang, text, author="mona", base_revision_id=current["id"])


def machine_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT target, segment_id, lang, COUNT(*) FROM machine_outputs"
                            " GROUP BY target, segment_id, lang").fetchall()


# --------------------------------------------------------------------------- item 4: never over a person's save
@pytest.mark.parametrize("replace_edited", [False, True])
def test_a_save_between_chunks_of_a_redo_is_kept(translated, monkeypatch, replace_edited):
    """`translate --redo` (and the page's whole-article re-translation) decides at the start which segments to
    make; a person who saves one of them before its chunk commits keeps the text. With `replace_edited` the run
    replaces the texts a person had written before it started, but never one saved after it looked."""
    wb = translated
    segs = translatable_segments(wb.store, ARTICLE)
    assert len(segs) > 2 * CHUNK
    in_chunk_2, in_chunk_3 = segs[CHUNK + 1]["id"], segs[2 * CHUNK + 1]["id"]
    older = person_saves(wb, segs[0]["id"], "en", "Written before the run started.")
    saved: dict[str, int] = {}

    def save_now() -> None:
        saved[in_chunk_2] = person_saves(wb, in_chunk_2, "en", "Saved while chunk 2 was being translated.")
        saved[in_chunk_3] = person_saves(wb, in_chunk_3, "en", "Saved before chunk 3 was translated.")

    calls = hook_calls(monkeypatch, wb.models.translator("en"), "translate", {2: save_now})
    report = actions.translate_article(wb, ARTICLE, ["en"], replace_edited=replace_edited)
    assert report["ok"], report
    assert len(calls) == 3 and set(saved) == {in_chunk_2, in_chunk_3}
    current = wb.store.current_revisions(ARTICLE)
    for seg_id, rev_id in saved.items():
        assert current[("segment", seg_id, "en")]["id"] == rev_id  # no machine revision on top of the save
        assert wb.store.history(ARTICLE, seg_id, "en")[-1]["author"] == "mona"
    first = current[("segment", segs[0]["id"], "en")]
    assert (first["origin"] == "machine") is replace_edited and (first["id"] == older) is not replace_edited
    made = len(segs) - 2 - (0 if replace_edited else 1)
    assert report["translated"] == made and report["skipped"] == 2


def test_a_save_during_a_single_retranslation_and_a_summary_is_kept(translated, monkeypatch):
    wb = translated
    seg = translatable_segments(wb.store, ARTICLE)[3]["id"]
    hook_calls(monkeypatch, wb.models.translator("en"), "translate",
               {1: lambda: person_saves(wb, seg, "en", "A person was faster.")})
    assert wb.retranslate(ARTICLE, "en", [seg]) == 0
    assert wb.store.current_revisions(ARTICLE)[("segment", seg, "en")]["text"] == "A person was faster."

    summary = wb.store.current_revisions(ARTICLE)[("summary", None, "en")]

    def save_summary() -> None:
        wb.save(ARTICLE, None, "en", "A person's summary.", author="mona", base_revision_id=summary["id"],
                target="summary")

    hook_calls(monkeypatch, wb.models.summarizer(), "summarize_many", {1: save_summary})  # how a run asks
    assert wb.summarize(ARTICLE, "en", replace_edited=True) is False
    assert wb.store.current_revisions(ARTICLE)[("summary", None, "en")]["text"] == "A person's summary."


# --------------------------------------------------------------------------- item 5: two runs, one output each
def test_two_runs_at_once_store_each_output_once(home, monkeypatch):
    """Run A is held in its first model call while run B (its own connections and models, as another process
    would have) translates and summarizes everything; then A goes on. Every unit has one machine output and one
    machine revision, and A reports what it found done as skipped."""
    from workbench import Workbench

    path = str(next(SEEDS.glob("004_*.txt")))
    with Workbench(home, profile="tiny") as first:
        first.import_paths([path])
    a, b = Workbench(home, profile="tiny"), Workbench(home, profile="tiny")
    try:
        held, go_on = threading.Event(), threading.Event()

        def hold() -> None:
            held.set()
            assert go_on.wait(60)

        hook_calls(monkeypatch, a.models.translator("en"), "translate", {1: hold})
        reports: list[Any] = []
        run_a = threading.Thread(target=lambda: reports.append(a.translate([ARTICLE], ["en", "ru"], summarize=True)))
        run_a.start()
        assert held.wait(60)
        report_b = b.translate([ARTICLE], ["en", "ru"], summarize=True)
        go_on.set()
        run_a.join(60)
        assert report_b.ok and reports and reports[0].ok
        assert report_b.translated == 2 * 21 and report_b.summaries == 2
        # A found English done under its feet (kept: 21), and Russian and the summaries already done when it got there
        assert reports[0].translated == 0 and reports[0].skipped == 21 and reports[0].summaries == 0
        rows = machine_rows(home / "workbench.sqlite")
        assert len(rows) == 2 * 21 + 2 and {count for *_, count in rows} == {1}
        with sqlite3.connect(home / "workbench.sqlite") as conn:
            revisions = conn.execute("SELECT COUNT(*) FROM revisions WHERE origin = 'machine'").fetchone()[0]
        assert revisions == 2 * 21 + 2
    finally:
        go_on.set()
        a.close()
        b.close()


def test_an_output_identical_to_the_current_one_is_not_stored_again(translated):
    """Callers that do not say what they saw (ingest of shards) get the same protection: an output identical to
    the unit's current machine output (model, input, text) is not stored twice, and a person's text is kept."""
    from workbench.store import MachineOutputRecord

    store = translated.store
    seg = translatable_segments(store, ARTICLE)[0]["id"]
    made = store.latest_machine_outputs(ARTICLE)[("segment", seg, "en")]
    again = MachineOutputRecord(ARTICLE, seg, "segment", "en", made["input_text"], made["text"], [], made["provenance"])
    before = store.counts()
    assert store.add_machine_outputs([again, again]) == [None, None]
    assert store.counts() == before
    other = MachineOutputRecord(ARTICLE, seg, "segment", "en", made["input_text"], "Another text.", [],
                                made["provenance"])
    assert store.add_machine_outputs([other])[0] is not None
    person_saves(translated, seg, "en", "Mine.")
    assert store.add_machine_outputs([MachineOutputRecord(**{**other.__dict__, "text": "Third."})]) == [None]
    assert store.current_revisions(ARTICLE)[("segment", seg, "en")]["text"] == "Mine."


@pytest.mark.slow
def test_two_translate_processes_on_one_home_store_each_output_once(home, tmp_path, tiny_dir):
    """The found step with two real processes: A is held in a model call (it writes each call to a FIFO that this
    test reads only later), B runs to the end, then A finishes. Before the fix every unit A had pending got a
    second identical output and revision."""
    env = subprocess_env(home, tiny_dir)
    cmd = [sys.executable, "-m", "workbench", "translate", str(next(SEEDS.glob("004_*.txt"))), "--to", "en,ru",
           "--summarize", "--profile", "tiny", "--quiet"]
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # A's first call can be written here, and is read below
    run_a = subprocess.Popen(cmd, env={**env, "WORKBENCH_TRACE": str(fifo)}, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert select.select([reader], [], [], 300)[0] and json.loads(os.read(reader, 1 << 16).splitlines()[0])
        os.close(reader)  # no reader now: A's next model call waits to open the FIFO, before it stores that chunk
        run_b = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert run_b.returncode == 0, run_b.stderr
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # A goes on; what it logs is read until it ends
        while run_a.poll() is None:
            if select.select([reader], [], [], 1)[0] and not os.read(reader, 1 << 16):
                time.sleep(0.05)  # A closed the FIFO after a call: wait for its next one, or its end
        assert run_a.wait() == 0, run_a.stderr.read() if run_a.stderr else ""
    finally:
        os.close(reader)
        if run_a.poll() is None:
            run_a.kill()
            run_a.wait()
    rows = machine_rows(home / "workbench.sqlite")
    assert len(rows) == 2 * 21 + 2 and {count for *_, count in rows} == {1}


def test_many_processes_upgrading_an_old_cache_at_once(tmp_path, monkeypatch):
    """Two openers of a cache made before confidence was recorded both look for the column while a third process
    holds the file's write lock; when it lets go, both go on. Before the fix both ran `ALTER` and one died with
    `duplicate column name: confidence`."""
    from workbench.models import wrappers
    from workbench.store import cache as cache_table

    path = tmp_path / "translations.sqlite"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA journal_mode = WAL")
        old.execute("CREATE TABLE cache (key TEXT PRIMARY KEY, text TEXT NOT NULL, created TEXT NOT NULL)")
        old.execute("INSERT INTO cache VALUES ('k', 'kept text', 'then')")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing the cache
    waiting = threading.Semaphore(0)
    real = cache_table.connect

    def traced(p: str, **kwargs: Any) -> sqlite3.Connection:
        conn = real(p, **kwargs)
        conn.set_trace_callback(lambda sql: waiting.release() if sql.startswith(("ALTER", "BEGIN IMMEDIATE")) else None)
        return conn

    monkeypatch.setattr(cache_table, "connect", traced)
    errors: list[BaseException] = []
    caches: list[Any] = []

    def open_cache() -> None:
        try:
            caches.append(wrappers.TranslationCache(path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_cache) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        assert waiting.acquire(timeout=20) and waiting.acquire(timeout=20)  # both are at the point of changing it
    finally:
        holder.execute("COMMIT")
        holder.close()
    for t in threads:
        t.join(60)
    assert errors == [] and len(caches) == 2
    assert caches[0].get_many(["k"]) == {"k": ("kept text", None)}
    for cache in caches:
        cache.close()


# --------------------------------------------------------------------------- item 9: a full disk, a kill
def cli_run(home: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--home", str(home), *args])
    assert "Traceback" not in result.output and "Logging error" not in result.output, result.output
    return result


def fill_disk(conn: sqlite3.Connection) -> sqlite3.Connection:
    """From now on SQLite answers SQLITE_FULL ("database or disk is full") to any growth of this file."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
    return conn


def full_after_open(real: Any) -> Any:
    """A connect whose file fills the disk as soon as it is open."""
    return lambda path, **kwargs: fill_disk(real(path, **kwargs))


def test_backup_on_a_full_disk_is_one_line_and_leaves_nothing(translated, tmp_path, monkeypatch):
    from workbench.store import database

    dest = tmp_path / "backups" / "copy.sqlite"
    dest.parent.mkdir()
    dest.write_bytes(b"the previous backup")
    class NoRoomForACopy:  # sqlite3 as the store module sees it: the backup's new file cannot grow
        def __getattr__(self, name: str) -> Any:
            return getattr(sqlite3, name)

        @staticmethod
        def connect(path: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            conn = sqlite3.connect(path, *args, **kwargs)
            return fill_disk(conn) if str(path).endswith(".partial") else conn

    monkeypatch.setattr(database, "sqlite3", NoRoomForACopy())
    result = cli_run(translated.home, "backup", str(dest))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "disk is full" in result.output and "no backup was written" in result.output
    assert [p.name for p in dest.parent.iterdir()] == ["copy.sqlite"]  # no .copy.sqlite.partial left
    assert dest.read_bytes() == b"the previous backup"
    monkeypatch.setattr(database, "sqlite3", sqlite3)
    assert cli_run(translated.home, "backup", str(dest)).exit_code == 0


@pytest.mark.parametrize("cache_exists", [False, True])
def test_translate_on_a_full_disk_never_calls_the_cache_damaged(home, monkeypatch, cache_exists):
    from workbench import Workbench
    from workbench.store import cache, database

    article = next(SEEDS.glob("000_*.txt"))
    with Workbench(home, profile="tiny") as wb:
        wb.import_paths([article])
        wb.models.cache.put_many({"x": ("y", None)})
    if not cache_exists:
        for part in (home / "cache").glob("translations.sqlite*"):
            part.unlink()
    monkeypatch.setattr(database, "connect", full_after_open(database.connect))
    monkeypatch.setattr(cache, "connect", full_after_open(cache.connect))
    result = cli_run(home, "translate", str(article), "--to", "en", "--profile", "tiny")
    assert result.exit_code == 1, result.output
    assert "damaged" not in result.output and "backup" not in result.output
    (error,) = [line for line in result.output.splitlines() if not line.startswith("NOTE: tiny models")]
    assert error.startswith("Error: ") and "the disk is full" in error, result.output


def test_a_disk_io_error_while_opening_is_a_full_disk_not_damage(tmp_path, monkeypatch):
    """On a full disk SQLite cannot make the -wal/-shm files beside a new cache and answers "disk I/O error"."""
    from workbench.errors import WorkbenchError
    from workbench.models.wrappers import TranslationCache
    from workbench.store import sqlite as wsqlite

    class Failing(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith("PRAGMA journal_mode"):
                raise sqlite3.OperationalError("disk I/O error")
            return super().execute(sql, *args)

    real = sqlite3.connect
    monkeypatch.setattr(wsqlite.sqlite3, "connect", lambda *a, **k: real(*a, **k, factory=Failing))
    with pytest.raises(WorkbenchError) as caught:
        TranslationCache(tmp_path / "cache" / "translations.sqlite")
    assert isinstance(caught.value, wsqlite.DiskFull) and "disk is full" in str(caught.value)
    assert "damaged" not in str(caught.value)


def test_temporary_files_left_by_a_kill_are_removed_but_never_a_live_one(tmp_path):
    """A writer is held inside `atomic_write` (its fsync waits on a pipe): its temporary file is never taken for
    a leftover, however old. Once it is killed, the next write in the folder (or opening the data home's store)
    removes the file it left."""
    from workbench.files import atomic_write, remove_stale_temps
    from workbench.store import Store

    target = tmp_path / "results.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-c", "import os, sys\nfrom workbench.files import atomic_write\n"
         "os.fsync = lambda fd: (print('writing', flush=True), sys.stdin.read())\n"
         f"atomic_write({str(target)!r}, b'x' * 100000)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    try:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        (left,) = tmp_path.glob(".results.jsonl.*.tmp")
        os.utime(left, (time.time() - 3600, time.time() - 3600))
        assert remove_stale_temps(tmp_path) == [] and left.exists()  # its writer is alive
        atomic_write(tmp_path / "other.txt", b"fine")
        assert left.exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    fresh = tmp_path / ".results.jsonl.abcd1234.tmp"  # a write that just began (too new to judge)
    fresh.write_bytes(b"new")
    atomic_write(target, b"complete")
    assert not left.exists() and fresh.exists() and target.read_bytes() == b"complete"

    home = tmp_path / "data"
    Store(home / "workbench.sqlite").close()
    stale = home / ".glossary.csv.zz9_ab12.tmp"
    stale.write_bytes(b"half a glossary")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    Store(home / "workbench.sqlite").close()
    assert not stale.exists()
