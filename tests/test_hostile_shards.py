"""Hostile and damaged shards, and stopping the Ray runner (issue 21, items 2 and 10).

`ingest` checks every record of a shard before writing any of it and writes a shard whole or not at all; the Ray
runner names and redoes a damaged shard, checks --out before any model work, writes shards on time, and a
stopped driver leaves no Ray processes behind. Shard records here are made by the runner's own stages (tiny
models, in this process, without Ray), so they are exactly what a distributed run writes."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from workbench.settings import Home

from .conftest import ROOT, SEEDS, subprocess_env

TARGETS = ["en", "ru"]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory, tiny_dir: Path, ct2_dir: Path) -> list[dict[str, Any]]:
    """The shard records of the five seeds (en, ru, summaries), made stage by stage as on Ray."""
    from workbench import Workbench
    from workbench.choice.plan import ModelSet
    from workbench.scale.distributed import ArticleStage, TranslateStage, article_rows

    home = Home(tmp_path_factory.mktemp("stages") / "data")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"HF_HUB_OFFLINE": "1", "WORKBENCH_THREADS": "1", "WORKBENCH_TINY_DIR": str(tiny_dir),
                            "WORKBENCH_CT2_DIR": str(ct2_dir), "HF_HOME": str(tiny_dir.parent / "hf-home-stages")}.items():
            mp.setenv(name, value)
        with Workbench(home, profile="tiny") as wb:
            selection = wb.selection()
        rows = list(article_rows(str(SEEDS), set()))
        batch = {key: [row[key] for row in rows] for key in rows[0]}
        for lang in ModelSet(selection, home).plan(TARGETS, True).targets:
            batch = TranslateStage(selection, home, 1, lang, TARGETS)(batch)
        batch = ArticleStage(selection, home, 1, TARGETS, True, None)(batch)
    assert all(f == "[]" for f in batch["failed"])
    return [json.loads(record) for record in batch["record"]]


def write_shard(folder: Path, name: str, items: list[Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join((item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n"
                            for item in items), encoding="utf-8")
    return path


def store_rows(store) -> dict[str, int]:
    counts = store.counts()
    counts["status_fr"] = store.query("SELECT COUNT(*) FROM article_status WHERE lang NOT IN ('en', 'ru')")[0][0]
    return counts


def _segment_output(record: dict[str, Any]) -> dict[str, Any]:
    return next(o for o in record["_ingest"]["outputs"] if o["target"] == "segment")


def _set_id(record: dict[str, Any], value: str) -> None:
    record["id"] = record["_ingest"]["raw"]["article_id"] = value


def _deep(n: int) -> str:
    return "[" * n + "]" * n


# (what is wrong, how the record is changed, what the problem says)
HOSTILE = [
    ("a path as id", lambda r, o: _set_id(r, "../../outside/evil"), "not a valid article id"),
    ("an absolute path as id", lambda r, o: _set_id(r, "/tmp/evil"), "not a valid article id"),
    ("an empty id", lambda r, o: _set_id(r, ""), "not a valid article id"),
    ("an unknown language", lambda r, o: _segment_output(r).update(lang="fr"), "language 'fr' is not one of en, ru"),
    ("another article's segment", lambda r, o: _segment_output(r).update(segment_id=_segment_output(o)["segment_id"]),
     "not a segment of article"),
    ("a made-up segment", lambda r, o: _segment_output(r).update(segment_id=r["id"] + ".ffffffffff"),
     "is not a segment of article"),
    ("a path as segment", lambda r, o: _segment_output(r).update(segment_id="../../etc/passwd"),
     "not a segment of article"),
    ("an unknown target", lambda r, o: _segment_output(r).update(target="title"), "is not one of segment, summary"),
    ("a summary of a segment", lambda r, o: next(x for x in r["_ingest"]["outputs"] if x["target"] == "summary")
     .update(segment_id=_segment_output(r)["segment_id"]), "a summary output names a segment"),
    ("a number as text", lambda r, o: _segment_output(r).update(text=123), "an output's text is not text (int)"),
    ("true as text", lambda r, o: _segment_output(r).update(text=True), "is not text (bool)"),
    ("flags not JSON", lambda r, o: _segment_output(r).update(flags="[oops"), "flags is not JSON"),
    ("flags as a JSON object", lambda r, o: _segment_output(r).update(flags='{"a": 1}'), "flags is not a JSON list"),
    ("flags nested too deep", lambda r, o: _segment_output(r).update(flags=_deep(5000)), "flags is not JSON"),
    ("flags too long", lambda r, o: _segment_output(r).update(flags=json.dumps(["x" * 200_000])), "longer than"),
    ("provenance as a list", lambda r, o: _segment_output(r).update(provenance="[]"), "provenance is not a JSON object"),
    ("a pivot without a language", lambda r, o: _segment_output(r).update(provenance='{"pivot": {"via": "../x"}}'),
     "pivot without a target language"),
    ("too many outputs", lambda r, o: r["_ingest"].update(outputs=r["_ingest"]["outputs"] * 20), "at most"),
    ("outputs not a list", lambda r, o: r["_ingest"].update(outputs="[]"), "`outputs` is not a list"),
    ("no _ingest part", lambda r, o: r.pop("_ingest"), "no `_ingest` part"),
    ("an id not its article's", lambda r, o: r.update(id=o["id"]), "is not its article's id"),
    ("raw with extra keys", lambda r, o: r["_ingest"]["raw"].update(evil=1), "not an article as read"),
    ("an empty text", lambda r, o: r["_ingest"]["raw"].update(text="  "), "the article text is empty"),
    ("metadata that is not text", lambda r, o: r["_ingest"]["raw"].update(fields={"title": ["x"]}),
     "field title is not text"),
]


@pytest.mark.parametrize("label,change,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_shard_with_one_bad_record_is_named_and_nothing_of_it_is_saved(tmp_path, records, label, change, reason):
    from workbench.scale.ingest import ingest
    from workbench.store import Store

    out = tmp_path / "shards"
    write_shard(out, "shard-0good.jsonl", records[:2])
    bad = copy.deepcopy(records[4])
    change(bad, records[0])
    write_shard(out, "shard-1bad.jsonl", [records[2], records[3], bad])  # good records before the bad one
    with Store(tmp_path / "store.sqlite") as store:
        report = ingest(store, out)
        assert report.articles == 2 and report.shards == 1 and len(report.problems) == 1
        problem = report.problems[0]
        assert problem.startswith("shard-1bad.jsonl: record 3 ") and reason in problem, problem
        assert problem.endswith("nothing of this shard was saved") and "\n" not in problem
        # nothing of the bad shard: not even its two good records
        assert store.article_ids() == sorted(r["id"] for r in records[:2])
        assert store_rows(store)["status_fr"] == 0
        ids_in_outputs = {row[0] for row in store.query("SELECT DISTINCT article_id FROM machine_outputs")}
        assert ids_in_outputs == {r["id"] for r in records[:2]}
    assert {p.name for p in tmp_path.iterdir()} <= {"shards", "store.sqlite", "store.sqlite-shm", "store.sqlite-wal"}


def test_a_damaged_line_after_good_records_saves_nothing_of_that_shard(tmp_path, records):
    """The found step: a malformed record stopped the run after 1,896 outputs were saved."""
    from workbench.scale.ingest import ingest
    from workbench.store import Store

    out = tmp_path / "shards"
    write_shard(out, "shard-a.jsonl", [*records[:4], '{"id": "x", "_ingest": {"raw": '])  # truncated last line
    write_shard(out, "shard-b.jsonl", records[4:])
    with Store(":memory:") as store:
        report = ingest(store, out)
        [problem] = report.problems
        assert problem.startswith("shard-a.jsonl: record 5 is not JSON: Expecting value")
        assert problem.endswith("; nothing of this shard was saved")
        assert store.article_ids() == [records[4]["id"]] and report.articles == 1 and report.outputs > 0
        outputs = store.counts()["machine_outputs"]
        assert outputs == report.outputs == len(records[4]["_ingest"]["outputs"])


def test_a_store_failure_in_the_middle_of_a_shard_keeps_nothing_of_it(tmp_path, records, monkeypatch):
    from workbench.errors import WorkbenchError
    from workbench.scale.ingest import ingest
    from workbench.store import Store

    out = tmp_path / "shards"
    write_shard(out, "shard-a.jsonl", records)
    real, calls = Store.set_status, []

    def failing(self, *args, **kwargs):  # the store refuses a write after two articles were written
        calls.append(args)
        if len(calls) == 5:
            raise WorkbenchError("disk full (simulated)")
        return real(self, *args, **kwargs)

    with Store(tmp_path / "store.sqlite") as store:
        monkeypatch.setattr(Store, "set_status", failing)
        report = ingest(store, out)
        assert report.problems == ["shard-a.jsonl: disk full (simulated); nothing of this shard was saved"]
        assert store.counts() == {"articles": 0, "segments": 0, "machine_outputs": 0, "revisions": 0,
                                  "article_status": 0}
        monkeypatch.setattr(Store, "set_status", real)
        again = ingest(store, out)
        assert again.ok and again.articles == 5 and store.counts()["articles"] == 5
        assert ingest(store, out).outputs == 0  # and ingesting twice still changes nothing


def test_ingest_command_names_each_bad_shard_and_ingests_the_rest(tmp_path, records):
    from click.testing import CliRunner

    from workbench.app.cli import cli

    out = tmp_path / "shards"
    evil = copy.deepcopy(records[1])
    _set_id(evil, "../../outside/evil")
    write_shard(out, "shard-a.jsonl", [records[0]])
    write_shard(out, "shard-b.jsonl", [evil])
    write_shard(out, "shard-c.jsonl", ["{not json"])
    home = tmp_path / "home"
    result = CliRunner().invoke(cli, ["--home", str(home), "ingest", str(out)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1 articles: ")
    assert any(line.startswith("error: shard-b.jsonl: record 1 (article '../../outside/evil'): not a valid article id")
               for line in lines)
    assert any(line.startswith("error: shard-c.jsonl: record 1 is not JSON") for line in lines)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not (tmp_path / "outside").exists()


# ---------------------------------------------------------------------- damaged shards on the Ray side
def _damaged_folder(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    pytest.importorskip("pyarrow")
    from workbench.scale.shards import ShardWriter

    out = tmp_path / "shards"
    writer = ShardWriter(out, "parquet")
    writer.add(records[0])
    writer.close()
    good = writer.written[0]
    broken = out / "shard-truncated.parquet"
    data = good.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    write_shard(out, "shard-badjson.jsonl", [records[1], "{\"id\": \"003"])
    write_shard(out, "shard-noid.jsonl", [{"title": "x"}])
    write_shard(out, "shard-fine.jsonl", [records[2]])
    return out


def test_damaged_shards_are_named_not_fatal_and_moved_aside(tmp_path, records):
    from workbench.scale.distributed import DistributedReport, _resume
    from workbench.scale.ingest import ingest
    from workbench.scale.shards import ShardWriter, done_ids, scan, shard_paths
    from workbench.store import Store

    out = _damaged_folder(tmp_path, records)
    found = scan(out)
    assert found.done == {records[0]["id"], records[2]["id"]}  # the articles of damaged shards are not done
    assert sorted(d.path.name for d in found.damaged) == ["shard-badjson.jsonl", "shard-noid.jsonl",
                                                          "shard-truncated.parquet"]
    reasons = {d.path.name: str(d) for d in found.damaged}
    assert reasons["shard-badjson.jsonl"].startswith("shard-badjson.jsonl: damaged shard (record 2 is not JSON")
    assert "not a readable Parquet shard" in reasons["shard-truncated.parquet"]
    assert "a record has no article id" in reasons["shard-noid.jsonl"]

    with Store(":memory:") as store:  # ingest names the damaged shards and ingests the others
        report = ingest(store, out)
        assert report.articles == 2 and sorted(p.split(":")[0] for p in report.problems) == sorted(reasons)

    run = DistributedReport()
    done = _resume(ShardWriter(out), run)
    assert done == found.done and len(run.damaged_shards) == 3
    assert all("moved aside to" in note and "translated again" in note for note in run.damaged_shards)
    assert sorted(p.name for p in shard_paths(out)) == sorted(
        p.name for p in out.iterdir() if not p.name.endswith(".damaged"))
    assert (out / "shard-badjson.jsonl.damaged").exists() and done_ids(out) == done and scan(out).damaged == []


@pytest.mark.parametrize("kind", ["a file", "under a file", "read-only"])
def test_out_is_checked_before_any_model_work(tmp_path, monkeypatch, kind):
    from workbench.errors import WorkbenchError
    from workbench.scale import distributed

    if kind == "read-only" and os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    target = tmp_path / "out"
    if kind == "a file":
        target.write_text("x")
    elif kind == "under a file":
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "out"
    else:
        target.mkdir()
        target.chmod(0o500)

    def no_models(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("model work started before --out was checked")

    monkeypatch.setattr(distributed, "ModelSet", no_models)
    monkeypatch.setattr(distributed, "_connect", no_models)
    with pytest.raises(WorkbenchError) as err:
        distributed.translate(None, str(tmp_path), [str(SEEDS)], ["en"], target)  # type: ignore[arg-type]
    assert str(target) in str(err.value) and "\n" not in str(err.value)


def test_shards_are_written_on_time_even_while_no_article_arrives(tmp_path, records, monkeypatch):
    """The writer's clock is the test's (a wall clock flakes on a shared machine): nothing is written while the
    oldest record is younger than the interval, and the timer writes it once it is that old, with no further add."""
    from workbench.scale import shards
    from workbench.scale.distributed import RayOptions
    from workbench.scale.shards import ShardWriter, read_records, shard_paths

    assert 0 < RayOptions().shard_seconds <= 60  # a kill loses at most about a minute of finished work
    now = [1000.0]
    asked: list[float] = []
    monkeypatch.setattr(shards, "time", SimpleNamespace(monotonic=lambda: asked.append(now[0]) or now[0]))

    def until(done: Callable[[], bool]) -> bool:  # a bounded wait for the timer thread, not a measurement
        for _ in range(400):
            if done():
                return True
            time.sleep(0.025)
        return done()

    writer = ShardWriter(tmp_path / "out", "jsonl", size=100, interval=0.25)  # the fake clock adds 0.25 exactly
    writer.start_timer()
    writer.add(records[0])
    checks = len(asked)
    assert until(lambda: len(asked) >= checks + 3)  # the timer looked three times on a clock that has not moved
    assert not shard_paths(tmp_path / "out") and writer.pending == [records[0]]
    now[0] += 0.25
    # by the timer: no further add came (the thread renames the file into place, then records it: wait for both)
    assert until(lambda: bool(shard_paths(tmp_path / "out")) and len(writer.written) == 1)
    assert len(writer.written) == 1 and writer.pending == []
    writer.add(records[1])
    now[0] += 0.25
    assert until(lambda: len(writer.written) == 2)
    assert len(writer.written) == 2 and writer.pending == []
    writer.add(records[2])  # the rest is written on close
    writer.close()
    assert len(writer.written) == 3
    assert sorted(r["id"] for r in read_records(tmp_path / "out")) == sorted(r["id"] for r in records[:3])
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temporary files left


def test_the_ray_hint_names_what_installs_from_a_checkout(monkeypatch):
    from workbench.errors import WorkbenchError
    from workbench.scale.distributed import RAY_VERSION, RayOptions, _connect

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if it were not installed
    with pytest.raises(WorkbenchError) as err:
        _connect(RayOptions())
    message = str(err.value)
    assert "pip install -e '.[ray]'" in message and f"ray[data]=={RAY_VERSION}" in message
    assert "arabic-news-workbench[ray]" not in message
    assert f'"ray[data]=={RAY_VERSION}"' in (ROOT / "pyproject.toml").read_text()  # what the extra installs


# ---------------------------------------------------------------------- Ray end to end (slow)
REAPER = r'''
"""Run a driver with this process as child subreaper (orphans of the driver stay our descendants), stop it with a
signal once a file matching `ready` exists, then report which of its descendants are still alive; kill them at the end."""
import ctypes, glob, json, os, signal, subprocess, sys, time

ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
args = json.loads(sys.argv[1])


def descendants():
    children = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            name = open(f"/proc/{pid}/cmdline").read().replace("\0", " ").strip()
        except OSError:
            continue
        if stat[0] != "Z":
            children.setdefault(int(stat[1]), []).append((int(pid), name))
    found, todo = [], [os.getpid()]
    while todo:
        for pid, name in children.get(todo.pop(), []):
            found.append((pid, name)); todo.append(pid)
    return found


def reap():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


driver = subprocess.Popen(args["command"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
result = {"seen": [], "left": None}
try:
    deadline = time.time() + args["ready_s"]
    while time.time() < deadline and driver.poll() is None:
        names = [n for _, n in descendants()]
        if glob.glob(args["ready"]):
            result["seen"] = sorted({n.split(" ")[0][-40:] for n in names})
            break
        time.sleep(0.5)
    time.sleep(args["settle_s"])
    os.kill(driver.pid, getattr(signal, args["signal"]))
    stopped = time.time()
    try:  # the event waited for is the driver's exit; the bound only turns a hang into a message
        out, err = driver.communicate(timeout=args["exit_s"])
    except subprocess.TimeoutExpired:
        result["not_exited"] = f"the driver did not exit within {args['exit_s']} s of {args['signal']}"
        driver.kill()
        out, err = driver.communicate()
    result.update(rc=driver.returncode, stdout=out, stderr=err[-3000:], exit_s=round(time.time() - stopped, 1))
    deadline = time.time() + args["left_s"]
    while True:
        reap()
        left = [n[:60] for _, n in descendants()]
        if not left or time.time() > deadline:
            break
        time.sleep(0.5)
    result["left"] = left
    result["left_s"] = round(time.time() - stopped, 1)
finally:
    for pid, _ in descendants():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    print(json.dumps(result))
'''


def generate(folder: Path, files: int, per_file: int) -> None:
    """Short articles in several files, so that finished articles reach the driver soon after the start."""
    words = "روسيا كازاخستان لافروف موسكو أستانا التعاون العلاقات الثنائية الوزير الخارجية الرئيس".split()
    folder.mkdir()
    for f in range(files):
        with (folder / f"part-{f:03d}.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(per_file):
                text = " ".join(words[(i + j + f) % len(words)] for j in range(9)) + "."
                fh.write(json.dumps({"id": f"gen-{f:03d}-{i:04d}", "text": text}, ensure_ascii=False) + "\n")


def ray_command(home: Path, out: Path, *inputs: str) -> list[str]:
    return [sys.executable, "-m", "workbench", "--home", str(home), "translate", *inputs, "--to", "en",
            "--profile", "tiny", "--runner", "ray", "--ray-local-cpus", "2", "--out", str(out)]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and uses a Linux subreaper")
@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_a_stopped_driver_keeps_what_is_done_and_leaves_no_ray_processes(tmp_path, tiny_dir, stop):
    pytest.importorskip("ray", reason="the [ray] extra is not installed")
    from workbench.scale.shards import read_records, scan

    archive = tmp_path / "archive"
    generate(archive, 60, 500)  # far more than 2 CPUs translate before the signal (tiny models: ~300 a second)
    home, out = tmp_path / "home", tmp_path / "shards"
    args = {"command": ray_command(home, out, str(archive)), "ready": str(out / "shard-*"), "ready_s": 150,
            "settle_s": 0, "signal": stop, "exit_s": 240, "left_s": 30}
    run = subprocess.run([sys.executable, "-c", REAPER, json.dumps(args)], capture_output=True, text=True,
                         env=subprocess_env(home, tiny_dir), timeout=500)
    assert run.stdout.strip(), f"the reaper printed no result: {run.stderr[-2000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["seen"], f"no shard appeared within {args['ready_s']} s, so no {stop} was sent: {result}"
    assert any("raylet" in name for name in result["seen"]), result  # Ray was running when the signal came
    assert "not_exited" not in result, f"{result['not_exited']} (a run that goes on after {stop}): {result['stderr']}"
    assert result["rc"] in ((1,) if stop == "SIGTERM" else (1, 130)), result
    assert "Traceback" not in result["stderr"], result["stderr"]
    assert result["left"] == [], result  # no raylet, gcs_server, agent or worker of that session is left
    found = scan(out)
    assert found.damaged == [] and len(found.done) == len(list(read_records(out)))
    assert 100 <= len(found.done) < 60 * 500  # finished articles were kept; the run was stopped, not finished
    if stop == "SIGTERM":
        assert f"Error: stopped by SIGTERM: {len(found.done)} articles finished in this run are in shards" in \
            result["stderr"]


@pytest.mark.slow
def test_the_ray_runner_redoes_a_damaged_shard_instead_of_stopping(tmp_path, tiny_dir, records):
    pytest.importorskip("ray", reason="the [ray] extra is not installed")
    from workbench.scale.shards import read_records

    home, out = tmp_path / "home", tmp_path / "shards"
    write_shard(out, "shard-old.jsonl", [records[0], records[1]])
    damaged = write_shard(out, "shard-cut.jsonl", [records[2], '{"id": "' + records[3]["id"]])
    run = subprocess.run(ray_command(home, out, str(SEEDS)), capture_output=True, text=True, timeout=400,
                         env=subprocess_env(home, tiny_dir))
    assert run.returncode == 0, run.stderr
    assert "ray: 3 articles written in 1 new shards, 2 already done" in run.stdout, run.stdout
    [warning] = [line for line in run.stderr.splitlines() if line.startswith("warning: shard-cut.jsonl")]
    assert warning.startswith("warning: shard-cut.jsonl: damaged shard (record 2 is not JSON: ")
    assert warning.endswith("moved aside to shard-cut.jsonl.damaged; its articles are translated again")
    assert not damaged.exists() and (out / "shard-cut.jsonl.damaged").exists()
    assert sorted(r["id"] for r in read_records(out)) == sorted(r["id"] for r in records)
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("when", ["before the rename", "after the rename"])
def test_a_stop_during_a_shard_write_leaves_each_article_in_one_shard(tmp_path, records, monkeypatch, when):
    """A Ctrl-C or SIGTERM can land while a shard is written (the driver's signal handler raises in its thread):
    the shard on close holds what the interrupted write did not, so no article is in two shards (a fresh-clone run
    once found 100 articles twice after a SIGINT)."""
    from workbench.scale import shards
    from workbench.scale.shards import ShardWriter, read_records, scan

    real = shards.atomic_write

    def interrupted(path: Path, data: bytes) -> None:
        if when == "after the rename":
            real(path, data)
        raise KeyboardInterrupt

    writer = ShardWriter(tmp_path / "out", "jsonl", size=2)
    writer.add(records[0])
    monkeypatch.setattr(shards, "atomic_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer.add(records[1])
    monkeypatch.setattr(shards, "atomic_write", real)
    writer.add(records[2])
    writer.close()
    ids = [r["id"] for r in read_records(tmp_path / "out")]
    assert sorted(ids) == sorted(r["id"] for r in records[:3]) and len(scan(tmp_path / "out").done) == len(ids)
