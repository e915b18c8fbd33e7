"""The Ray runner: a local Ray with 2 CPUs translates the seeds and 35 generated articles (a full shard of 25 and
a partial one) exactly as the local runner does, a rerun does no model work, and `workbench ingest` is idempotent."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEEDS, subprocess_env

pytestmark = pytest.mark.slow
pytest.importorskip("ray", reason="the [ray] extra is not installed")

GENERATED = 35  # with the 5 seeds: a full shard (--shard-size 25) and a partial one
ARTICLES = GENERATED + len(list(SEEDS.glob("*.txt")))
BAD_LINE = f"archive.jsonl:{GENERATED + 1}"
WORDS = ("روسيا كازاخستان لافروف موسكو أستانا التعاون العلاقات الثنائية الوزير الخارجية الرئيس الاتحاد الاقتصادي "
         "الأوراسي اجتماع توكاييف بوتين الطاقة النقل الحدود").split()


def generate(path: Path, count: int = GENERATED) -> None:
    """Short Arabic articles (2–3 sentences) from the seeds' vocabulary, with ids and metadata; one bad line."""
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))) + "." for _ in range(rng.randint(2, 3))]
            fh.write(json.dumps({"id": f"gen-{i:04d}", "title": " ".join(rng.choice(WORDS) for _ in range(4)),
                                 "text": "\n\n".join(sentences), "date": "2025-01-01", "source": "TASS"},
                                ensure_ascii=False) + "\n")
        fh.write('{"id": "broken", "text": ""}\n')


def workbench(home: Path, tiny: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", "--home", str(home), *args], capture_output=True, text=True,
                          env=subprocess_env(home, tiny, **env), timeout=900)


def shard_records(out: Path) -> dict[str, dict]:
    records = {}
    for shard in sorted(out.glob("shard-*.jsonl")):
        for line in shard.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            records[record["id"]] = record
    return records


def test_ray_runner_matches_the_local_runner_resumes_and_ingests(tmp_path, tiny_dir):
    archive = tmp_path / "archive.jsonl"
    generate(archive)
    homes = {name: tmp_path / name for name in ("local", "ray", "ingested")}
    for home in homes.values():
        home.mkdir()
        (home / "config.toml").write_text("[summary]\nmax_new_tokens = 24\n")  # short summaries: a faster test
    inputs = [str(SEEDS), str(archive)]
    local = workbench(homes["local"], tiny_dir, "translate", *inputs, "--to", "en,ru", "--summarize", "--profile", "tiny",
                      "--out", str(tmp_path / "local.jsonl"), "--json")
    assert local.returncode == 1 and BAD_LINE in local.stdout  # the bad line is reported; the rest is done
    out = tmp_path / "shards"
    ray_args = ["translate", *inputs, "--to", "en,ru", "--summarize", "--profile", "tiny", "--runner", "ray",
                "--ray-local-cpus", "2", "--shard-size", "25", "--out", str(out), "--json"]
    first = workbench(homes["ray"], tiny_dir, *ray_args)
    report = json.loads(first.stdout)
    assert first.returncode == 1 and report["written"] == ARTICLES and report["failures"] == []
    assert any(BAD_LINE in p and "non-empty `text`" in p for p in report["import_problems"])
    assert report["ray"]["resources"]["CPU"] == 2

    # article by article, the same record as `translate --out` writes locally (plus what `ingest` needs)
    expected = {json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "local.jsonl").read_text().splitlines()}
    got = shard_records(out)
    assert sorted(got) == sorted(expected) and len(got) == ARTICLES
    sizes = [len(s.read_text().splitlines()) for s in out.glob("shard-*.jsonl")]  # also one a minute: not exact
    assert len(sizes) >= 2 and max(sizes) <= 25 and sum(sizes) == ARTICLES
    different = [k for k in expected if {**got[k], "_ingest": None} != {**expected[k], "_ingest": None}]
    assert different == []

    # a second run over the same --out does no model work
    trace = tmp_path / "trace.jsonl"
    again = workbench(homes["ray"], tiny_dir, *ray_args, WORKBENCH_TRACE=str(trace))
    assert again.stdout, again.stderr[-3000:]
    report = json.loads(again.stdout)
    assert report["written"] == 0 and report["skipped"] == ARTICLES and not trace.exists()
    assert shard_records(out) == got

    # ingesting twice leaves the store as the first time did; the store then holds what the local run made
    first_ingest = json.loads(workbench(homes["ingested"], tiny_dir, "ingest", str(out), "--json").stdout)
    assert first_ingest["articles"] == ARTICLES and first_ingest["unchanged"] == 0

    def counts() -> str:
        return workbench(homes["ingested"], tiny_dir, "status", "--json").stdout

    before = counts()
    second_ingest = json.loads(workbench(homes["ingested"], tiny_dir, "ingest", str(out), "--json").stdout)
    assert second_ingest["outputs"] == 0 and second_ingest["unchanged"] == first_ingest["outputs"]
    assert counts() == before
    rewritten = workbench(homes["ingested"], tiny_dir, "translate", "--all", "--to", "en,ru", "--summarize",
                          "--profile", "tiny", "--out", str(tmp_path / "ingested.jsonl"), "--json")
    assert json.loads(rewritten.stdout)["translated"] == 0  # nothing left to do
    ingested = {json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "ingested.jsonl").read_text().splitlines()}
    assert ingested == expected


def test_an_llm_translator_on_ray_gets_the_local_runners_context(tmp_path, tiny_dir):
    """The seeds with the tiny LLM profile (ar→en and ar→ru direct): each segment's prompt holds the segments before
    it with their translations so far and its glossary terms, as on one machine, so the outputs are the same."""
    homes = {name: tmp_path / name for name in ("local", "ray")}
    for home in homes.values():
        home.mkdir()
    local = workbench(homes["local"], tiny_dir, "translate", str(SEEDS), "--to", "en,ru", "--profile", "tiny-llm",
                      "--out", str(tmp_path / "local.jsonl"), "--json")
    assert local.returncode == 0, local.stderr[-2000:]
    out = tmp_path / "shards"
    ray = workbench(homes["ray"], tiny_dir, "translate", str(SEEDS), "--to", "en,ru", "--profile", "tiny-llm",
                    "--runner", "ray", "--ray-local-cpus", "2", "--out", str(out), "--json")
    assert ray.returncode == 0 and json.loads(ray.stdout)["written"] == 5, ray.stderr[-2000:]
    expected = {json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "local.jsonl").read_text().splitlines()}
    got = shard_records(out)
    assert sorted(got) == sorted(expected)
    assert [k for k in expected if {**got[k], "_ingest": None} != {**expected[k], "_ingest": None}] == []
    llm = [o["provenance"] if isinstance(o["provenance"], dict) else json.loads(o["provenance"])
           for record in got.values() for o in record["_ingest"]["outputs"]]
    assert all(p["llm"]["template"]["name"] in ("translate-ar-en", "translate-ar-ru") for p in llm)
    assert sum(p["llm"]["context_segments"] > 0 for p in llm) > len(llm) / 2  # the segments before were sent
    assert any(p["llm"]["terms"] for p in llm)  # and the glossary terms
