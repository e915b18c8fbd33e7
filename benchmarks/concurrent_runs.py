"""Two workbench processes on one machine: does each still run near its solo speed?

    python benchmarks/concurrent_runs.py [--runs 2] [--threads N]

Runs `workbench translate seeds/ --to en,ru --summarize --profile tiny` once alone, then `--runs` copies at
the same time, each in its own data home, with the default thread setting (or --threads). Prints each run's
wall time and the ratio to the solo run. Tiny models are built (and converted) once beforehand, so every run
does the same model work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(home: Path, threads: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "workbench", "--home", str(home), "translate", str(ROOT / "seeds"), "--to", "en,ru",
           "--summarize", "--profile", "tiny", "--quiet"]
    return cmd + (["--threads", str(threads)] if threads else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "WORKBENCH_THREADS")}
        env.update(HF_HUB_OFFLINE="1", WORKBENCH_TINY_DIR=str(Path(tmp) / "tiny"), WORKBENCH_CT2_DIR=str(Path(tmp) / "ct2"))
        subprocess.run(command(Path(tmp) / "warm", args.threads), env=env, check=True)  # build and convert once

        def fresh(name: str) -> Path:
            home = Path(tmp) / name
            shutil.rmtree(home, ignore_errors=True)
            return home

        solos = []
        for n in range(2):  # the better of two solo runs, so a slow first start does not flatter the ratio
            started = time.perf_counter()
            subprocess.run(command(fresh(f"solo{n}"), args.threads), env=env, check=True, stdout=subprocess.DEVNULL)
            solos.append(time.perf_counter() - started)
        solo = min(solos)
        started = time.perf_counter()
        procs = [subprocess.Popen(command(fresh(f"run{i}"), args.threads), env=env, stdout=subprocess.DEVNULL)
                 for i in range(args.runs)]
        times = []
        for proc in procs:
            if proc.wait() != 0:
                raise SystemExit(f"a concurrent run failed with exit code {proc.returncode}")
            times.append(time.perf_counter() - started)
        print(f"one run alone: {' / '.join(f'{t:.1f}' for t in solos)} s; {args.runs} at once: " + ", ".join(f"{t:.1f} s" for t in times))
        print(f"slowest concurrent run / solo run: {max(times) / solo:.2f}x (threads: {args.threads or 'default'}, "
              f"cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
