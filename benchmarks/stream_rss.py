"""Peak memory of translating a generated corpus of many articles: does a batch run stream?

    python benchmarks/stream_rss.py [--articles 1000] [--sentences 6] [--profile tiny]

Writes a JSONL of `--articles` articles (sentences drawn from the seeds, each made unique), then runs
`workbench translate CORPUS --to en,ru` in a child process and reads its peak resident memory. The model size
is the size of the model files the run loaded; the goal is peak RSS ≤ model size + 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's workbench, whichever Python runs it
from workbench.bench.common import seed_sentences


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sentences", type=int, default=6)
    parser.add_argument("--profile", default="tiny")
    args = parser.parse_args()
    pool = seed_sentences(200)
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for n in range(args.articles):
                # a number in every sentence makes each one new to the translation cache: all of it is model work
                text = "\n".join(f"{line[:-1]} {n * args.sentences + i}." for i, line in enumerate(rng.sample(pool, args.sentences)))
                fh.write(json.dumps({"id": f"gen-{n:05d}", "title": f"مقال {n}", "text": text}, ensure_ascii=False) + "\n")
        env = dict(os.environ, HF_HUB_OFFLINE="1", WORKBENCH_TINY_DIR=str(Path(tmp) / "tiny"),
                   WORKBENCH_CT2_DIR=str(Path(tmp) / "ct2"))
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "workbench", "--home", str(Path(tmp) / "data"), "translate", str(corpus),
                              "--to", "en,ru", "--profile", args.profile, "--quiet", "--json"],
                             env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if run.returncode != 0:
            raise SystemExit(run.stderr[-2000:])
        report = json.loads(run.stdout)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        models = folder_size(Path(tmp) / "tiny") + folder_size(Path(tmp) / "ct2")
    print(f"{args.articles} articles, {report['translated']} segment translations ({report['cached']} from cache) in {seconds:.0f} s; "
          f"peak RSS {peak / 2**20:.0f} MB; model files {models / 2**20:.0f} MB; "
          f"peak - models = {(peak - models) / 2**30:.2f} GB (goal ≤ 1.5 GB)")


if __name__ == "__main__":
    main()
