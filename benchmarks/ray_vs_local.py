"""Local runner vs Ray runner on this machine: throughput, ratio and Ray's overhead per article.

    python benchmarks/ray_vs_local.py [--articles 500] [--cpus 2]

Translates the seeds plus N generated short articles to English and Russian with summaries (tiny models,
24-token summaries, one thread per model), once with the local runner into a fresh store and once with
`--runner ray` on a local Ray with --cpus CPUs, each as its own `workbench` process, after a warm-up that builds
and converts the tiny models. Prints articles per second for both, the ratio, and (Ray − local) / articles.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = "روسيا كازاخستان لافروف موسكو أستانا التعاون العلاقات الثنائية الوزير الخارجية الرئيس الاتحاد الاقتصادي".split()


def generate(path: Path, count: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            text = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))) + "."
                               for _ in range(rng.randint(2, 3)))
            fh.write(json.dumps({"id": f"gen-{i:05d}", "text": text}, ensure_ascii=False) + "\n")


def run(home: Path, env: dict[str, str], *extra: str) -> float:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("[summary]\nmax_new_tokens = 24\n")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "workbench", "--home", str(home), "translate", *extra, "--to", "en,ru",
                    "--summarize", "--profile", "tiny", "--quiet"], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--cpus", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        archive = base / "archive.jsonl"
        generate(archive, args.articles)
        env = dict(os.environ, HF_HUB_OFFLINE="1", WORKBENCH_THREADS="1", WORKBENCH_TINY_DIR=str(base / "tiny"),
                   WORKBENCH_CT2_DIR=str(base / "ct2"))
        run(base / "warm", env, str(ROOT / "seeds" / "003_70140ed69b948bf5.txt"))  # build and convert the models once
        inputs = [str(ROOT / "seeds"), str(archive)]
        local = run(base / "local", env, *inputs, "--out", str(base / "local.jsonl"))
        ray = run(base / "ray", env, *inputs, "--runner", "ray", "--ray-local-cpus", str(args.cpus), "--out", str(base / "shards"))
        n = args.articles + 5
        print(json.dumps({"articles": n, "local_s": round(local, 1), "ray_s": round(ray, 1),
                          "local_articles_per_s": round(n / local, 2), "ray_articles_per_s": round(n / ray, 2),
                          "ray_vs_local": round(local / ray, 2), "ray_overhead_ms_per_article": round((ray - local) / n * 1000, 1),
                          "cpus": args.cpus}, indent=2))


if __name__ == "__main__":
    main()
