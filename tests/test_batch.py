"""Batch translation from the CLI and the Python API: results files, resume after a kill, failures."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from workbench.cli import cli

from .conftest import SEEDS, subprocess_env


def body_ids(record_view):
    return [r["id"] for r in record_view["segments"] if r["kind"] != "meta"]


@pytest.mark.slow
def test_cli_end_to_end_writes_one_jsonl_record_per_article(home, tmp_path, tiny_dir):
    out = tmp_path / "results.jsonl"
    cmd = [sys.executable, "-m", "workbench", "translate", str(SEEDS), "--to", "en,ru", "--summarize",
           "--profile", "tiny", "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=subprocess_env(home, tiny_dir), timeout=600)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5
    for rec in records:
        assert rec["meaningless"] is True
        for lang in ("en", "ru"):
            assert rec["complete"][lang] is True
            assert rec["translations"][lang].strip()
            assert rec["summaries"][lang] is not None
            assert rec["provenance"][lang] and rec["provenance"][lang][0]["model"].startswith("tiny:")
    by_id = {r["id"]: r for r in records}
    assert by_id["003_70140ed69b948bf5"]["date"] == "2024-11-07"
    # every body segment is translated in both languages
    status = json.loads(subprocess.run([sys.executable, "-m", "workbench", "status", "--json"], capture_output=True,
                                       text=True, env=subprocess_env(home, tiny_dir)).stdout)
    assert all(s["languages"][lang]["state"] == "done" for s in status for lang in ("en", "ru"))


def test_csv_output_by_extension(translated, tmp_path):
    out = tmp_path / "results.csv"
    translated.write_results(translated.store.article_ids(), ["en", "ru"], out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5 and rows[0]["translation_en"] and rows[0]["summary_ru"]
    assert not list(tmp_path.glob(".results.csv.*"))  # no temporary file left behind


def test_results_file_is_replaced_atomically(translated, tmp_path, monkeypatch):
    out = tmp_path / "out" / "results.jsonl"
    out.parent.mkdir()
    out.write_text("previous complete file\n")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        translated.write_results(translated.store.article_ids(), ["en"], out)
    assert out.read_text() == "previous complete file\n"
    assert [p.name for p in out.parent.iterdir()] == ["results.jsonl"]


@pytest.mark.slow
def test_killed_run_resumes_without_redoing_or_duplicating(home, tmp_path, tiny_dir):
    trace2 = tmp_path / "run2.jsonl"
    cmd = [sys.executable, "-m", "workbench", "translate", str(SEEDS), "--to", "en,ru", "--profile", "tiny", "--quiet"]
    # build the tiny models first, so the kill lands in the middle of translation
    subprocess.run([sys.executable, "-c", "from workbench.choice.locate import locate\nfrom workbench.settings import Home\n"
                    "for m in ('tiny:marian-ar-en', 'tiny:marian-en-zle'): locate(m, 'x', home=Home.resolve())"],
                   env=subprocess_env(home, tiny_dir), check=True)
    # The run logs each model call to a FIFO: every write blocks until this test reads it, so after the fifth
    # call the run is held mid-way, deterministically, and killed there (no timing, no polling).
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen(cmd, env=subprocess_env(home, tiny_dir, WORKBENCH_TRACE=str(fifo)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = home / "workbench.sqlite"
    calls = 0
    while calls < 5:
        with open(fifo, encoding="utf-8") as fh:  # one open per call: the writer opens, writes a line, closes
            calls += sum(1 for line in fh if line.strip())
        assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    with sqlite3.connect(db) as conn:
        finished = {(sid, lang, text) for sid, lang, text in conn.execute(
            "SELECT segment_id, lang, input_text FROM machine_outputs")}
        total = conn.execute("SELECT COUNT(*) FROM segments WHERE kind != 'meta' AND active = 1").fetchone()[0]
    assert 0 < len(finished) < 2 * total

    proc2 = subprocess.run(cmd, env=subprocess_env(home, tiny_dir, WORKBENCH_TRACE=str(trace2)), capture_output=True, text=True)
    assert proc2.returncode == 0, proc2.stderr
    with sqlite3.connect(db) as conn:
        per_unit = conn.execute("SELECT segment_id, lang, COUNT(*) FROM machine_outputs GROUP BY segment_id, lang").fetchall()
    assert len(per_unit) == 2 * total
    assert all(count == 1 for _, _, count in per_unit)
    # nothing that was stored by the first run was sent to a model again
    recomputed = [json.loads(line) for line in trace2.read_text().splitlines()] if trace2.exists() else []
    second_inputs = {(e["target"], t) for e in recomputed for t in e["texts"]}
    finished_inputs = {(lang, text) for _, lang, text in finished}
    assert not (second_inputs & finished_inputs)


def _poison(monkeypatch, engine_class) -> None:
    """The engine fails ("out of memory") on any batch holding the first line of seed 002."""
    original = engine_class.translate_scored
    poisoned = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8").splitlines()[0][:40]

    def flaky(self, texts):
        if any(t.startswith(poisoned) for t in texts):
            raise RuntimeError("CUDA out of memory (simulated)")
        return original(self, texts)

    monkeypatch.setattr(engine_class, "translate_scored", flaky)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "ct2"])
def test_one_failing_article_is_reported_and_the_rest_complete(home, monkeypatch, engine):
    from workbench.models.ct2 import Ct2Translator
    from workbench.models.hf import Seq2SeqTranslator

    _poison(monkeypatch, Seq2SeqTranslator if engine == "transformers" else Ct2Translator)
    result = CliRunner().invoke(cli, ["--home", str(home), "translate", str(SEEDS), "--to", "en", "--profile", "tiny",
                                      "--engine", engine, "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert {f["article_id"] for f in report["failures"]} == {"002_9dab9691f7e9a554"}
    assert "out of memory" in report["failures"][0]["reason"]
    status = json.loads(CliRunner().invoke(cli, ["--home", str(home), "status", "--json"]).stdout)
    states = {s["id"]: s["languages"]["en"]["state"] for s in status}
    assert states.pop("002_9dab9691f7e9a554") == "failed"
    assert set(states.values()) == {"done"}
    # only the poisoned segment failed: the rest of article 002 was translated
    row = next(s for s in status if s["id"] == "002_9dab9691f7e9a554")["languages"]["en"]
    assert row["done"] == row["total"] - 1
    # the error is not only a line in the report: its traceback is in the data home's log
    log = (home / "logs" / "workbench.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "CUDA out of memory (simulated)" in log


def test_usage_errors_exit_2(home):
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", str(home), "translate"]).exit_code == 2
    assert runner.invoke(cli, ["--home", str(home), "translate", "--all", "--to", "de"]).exit_code == 2
    assert runner.invoke(cli, ["--home", str(home), "nonsense"]).exit_code == 2


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=lambda p: " ".join(p))
def test_every_command_has_help(path):
    command = dict(_commands(cli))[path]
    assert command.help and len(command.help.strip()) > 20
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no help"


@pytest.mark.slow
def test_python_api_example_from_the_readme(home):
    from workbench import Workbench

    wb = Workbench(home=str(home), profile="tiny")
    report = wb.translate([str(SEEDS)], targets=["en", "ru"], summarize=True)
    article = wb.article(report.article_ids[0]).to_dict()
    seg = next(s for s in article["segments"] if s["kind"] == "body")
    assert seg["source_text"] and seg["targets"]["en"]["machine"]["text"] is not None
    assert seg["targets"]["en"]["revision_id"] and isinstance(seg["targets"]["en"]["flags"], list)
    assert report.ok and report.translated == 2 * sum(len(body_ids(wb.article(a).to_dict())) for a in report.article_ids)
    wb.close()


def test_switching_models_retranslates_machine_output_but_never_human_edits(translated):
    """Tiny-model output is pending again for another model; a reviewer's text is never written over."""
    from workbench import Workbench

    article = "003_70140ed69b948bf5"
    seg = next(s for s in translated.article(article).to_dict()["segments"] if s["kind"] == "body")
    translated.save(article, seg["id"], "en", "Reviewed English.", author="editor",
                    base_revision_id=seg["targets"]["en"]["revision_id"])
    again = translated.translate([article], ["en"])
    assert again.translated == 0  # same model: nothing to do (resume)
    with Workbench(translated.home, profile="tiny", models={"en": "tiny:m2m100"}) as other:
        report = other.translate([article], ["en"])
        assert report.ok and report.translated == 9  # 10 translatable segments, one edited by a person
        view = other.article(article).to_dict()
        row = next(s for s in view["segments"] if s["id"] == seg["id"])
        assert row["targets"]["en"]["text"] == "Reviewed English."
        models = {s["targets"]["en"]["machine"]["provenance"]["model"] for s in view["segments"]
                  if s["kind"] != "meta" and s["id"] != seg["id"]}
        assert models == {"tiny:m2m100"}


def test_a_pivot_failure_is_reported_once_and_a_run_failing_partway_counts_what_it_stored(home, monkeypatch):
    """Russian from English (the tiny profile's route): a poisoned English segment fails in the English run and
    again when the Russian run asks for it; the report names it once. An article language whose run then breaks
    (a store error in its second chunk) still counts the chunk it stored."""
    from workbench import Workbench
    from workbench.models.hf import Seq2SeqTranslator
    from workbench.runs import translation

    real_store = translation.store_records
    calls = {"n": 0}

    def breaks_once(store, records, kept=None):
        if records and records[0].article_id.startswith("004_") and records[0].lang == "en":
            calls["n"] += 1
            if calls["n"] == 2:
                raise sqlite3.OperationalError("database is locked (simulated)")
        return real_store(store, records, kept)

    _poison(monkeypatch, Seq2SeqTranslator)
    monkeypatch.setattr(translation, "store_records", breaks_once)
    seeds = home.parent / "two-seeds"  # the poisoned article and the one whose run breaks are enough
    seeds.mkdir()
    for path in (*SEEDS.glob("002_*.txt"), *SEEDS.glob("004_*.txt")):
        shutil.copy(path, seeds)
    with Workbench(home, profile="tiny", engine="transformers") as wb:
        report = wb.translate([str(seeds)], ["en", "ru"])
        stored = wb.store.query("SELECT COUNT(*) AS n FROM machine_outputs WHERE target = 'segment'")[0]["n"]
    poisoned_failures = [f for f in report.failures if "out of memory" in f.reason]
    assert len(poisoned_failures) == 1 and poisoned_failures[0].lang == "en", report.failures
    assert any(f.article_id.startswith("004_") and "database is locked" in f.reason for f in report.failures)
    assert report.translated == stored  # the chunk stored before the error is counted
