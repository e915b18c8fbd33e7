"""The fastest compute type for each stage on this machine's CPU: encoder-decoder translation, LLM prefill (reading
the prompt) and LLM decode (writing the summary).

The candidates are what the engines offer here: CTranslate2's CPU types (int8, int8_float32, float32; its CPU build
has no bfloat16), and torch float32, plus torch bfloat16 where the CPU computes it natively (AMX or AVX-512 BF16;
elsewhere torch emulates it, slowly). `auto` takes, per stage, the candidate `workbench bench` measured fastest on
this machine (cached in DATA_HOME/cache/compute.json under a key of the CPU model, its flags, the thread count and
the library versions), and without a measurement the rules below, verified with `workbench bench` on the two CPUs
this project runs on: a 2-core AMD EPYC with AVX2 (CTranslate2 int8 led every stage) and a 2-core Intel Xeon with
AVX-512 VNNI and AMX (CTranslate2 int8 for translation, torch bfloat16 for an LLM's prefill and batched decode).

A summarizer cannot read the prompt with one engine and write with another (the KV cache lives in the engine), so
the summary stage takes the candidate with the least predicted time per summary: prompt / prefill rate + new
tokens / decode rate. On a GPU nothing here applies: the engines keep their GPU types.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from dataclasses import dataclass
from typing import Any

from ..files import atomic_write
from ..logs import get as get_logger
from ..models.base import Located
from ..models.registry import Engine
from ..settings import Home, child_environment, probe_allowed
from .threads import current_threads

log = get_logger("engines")
STAGES = ("translation", "llm_prefill", "llm_decode")
NATIVE_BF16 = ("amx_bf16", "avx512_bf16")
CT2_CPU_TYPES = ("int8", "int8_float32", "float32")
TYPICAL_SUMMARY = (1500, 120)  # prompt tokens, new tokens: a news article and its summary
FILE = "compute.json"
PROBE_TIMEOUT = 600  # seconds: a probe takes well under a minute on two idle cores


@dataclass(frozen=True)
class Candidate:
    """One way to run a stage: an engine and its number format."""

    engine: str  # ct2 | transformers
    compute: str  # int8, int8_float32, float32, bfloat16

    @property
    def name(self) -> str:
        return f"{self.engine}:{self.compute}"

    @classmethod
    def parse(cls, name: str) -> Candidate:
        engine, _, compute = name.partition(":")
        return cls(engine, compute)


def cpu_flags() -> set[str]:
    """The CPU's feature flags (/proc/cpuinfo; empty where it cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def native_bf16(flags: set[str] | None = None) -> bool:
    return bool(set(NATIVE_BF16) & (cpu_flags() if flags is None else flags))


def candidates(flags: set[str] | None = None) -> list[Candidate]:
    """What can run on this CPU: CTranslate2's types (when it is installed), torch float32, and torch bfloat16
    where the CPU has it natively."""
    out: list[Candidate] = []
    try:
        import ctranslate2

        offered = set(ctranslate2.get_supported_compute_types("cpu"))
        out += [Candidate("ct2", t) for t in CT2_CPU_TYPES if t in offered]
    except ImportError:
        pass
    out.append(Candidate("transformers", "float32"))
    if native_bf16(flags):
        out.append(Candidate("transformers", "bfloat16"))
    return out


def rules(stage: str, flags: set[str] | None = None) -> Candidate:
    """The verified choice without a measurement: CTranslate2 int8, except an LLM stage on a CPU with native
    bfloat16, where torch bfloat16 read prompts 1.6x faster and decoded batches faster (see the module text)."""
    if stage in ("llm_prefill", "llm_decode", "summaries") and native_bf16(flags):
        return Candidate("transformers", "bfloat16")
    return Candidate("ct2", "int8")


def machine_key(threads: int | None = None) -> str:
    """What a measurement holds for: the CPU model and its flags, the threads, the engines' versions."""
    from importlib import metadata

    versions = []
    for name in ("torch", "ctranslate2"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    blob = json.dumps([cpu_model(), sorted(cpu_flags()), threads or current_threads(), versions])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _read(home: Home) -> dict[str, Any]:
    try:
        data = json.loads((home.cache / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _entry(data: dict[str, Any]) -> dict[str, Any] | None:
    entry = data.get(machine_key())
    return entry if isinstance(entry, dict) else None


def load_measured(home: Home) -> dict[str, Any] | None:
    """This machine's cached measurement of the compute candidates (see `save_measured`), or None."""
    entry = _entry(_read(home))
    return entry if entry is not None and isinstance(entry.get("rates"), dict) and entry["rates"] else None


def _save(home: Home, change: Any) -> dict[str, Any]:
    """This machine's entry changed by `change(entry)` and written back (other machines' entries kept)."""
    data = _read(home)
    entry = _entry(data) or {}
    entry.update(cpu=cpu_model(), threads=current_threads())
    entry.setdefault("rates", {})
    entry.setdefault("choice", {})
    change(entry)
    data[machine_key()] = entry
    atomic_write(home.cache / FILE, json.dumps(data, indent=1).encode("utf-8"))  # the one helper: synced, never half a file
    return entry


def save_measured(rates: dict[str, dict[str, float]], home: Home,
                  source: str = "bench") -> dict[str, Any]:
    """Cache `rates` (stage → candidate name → tokens per second) for this machine, measured by `source` ("bench":
    the full models, "probe": seconds on two-layer models); returns the entry."""
    chosen = {stage: best(stage, rates) for stage in (*STAGES, "summaries")}

    def change(entry: dict[str, Any]) -> None:
        entry["rates"] = rates
        entry["source"] = source
        entry["choice"] = {stage: c.name for stage, c in chosen.items() if c is not None}

    return _save(home, change)


def load_pace(key: str, home: Home) -> dict[str, Any] | None:
    """The summary pace measured on this machine for one summarizer (`runs.summaries.Pace.to_dict`), or None."""
    entry = _entry(_read(home)) or {}
    found = (entry.get("summary_pace") or {}).get(key)
    return found if isinstance(found, dict) else None


def save_pace(key: str, pace: dict[str, Any], home: Home) -> None:
    """Cache a summarizer's measured pace on this machine (per CPU model, flags, threads and library versions)."""
    _save(home, lambda entry: entry.setdefault("summary_pace", {}).__setitem__(key, pace))


def choices(home: Home) -> dict[str, Any]:
    """What `auto` runs here, for `models list` and `status`: per stage the candidate and whether it was measured,
    and each summarizer's measured pace (batch size, seconds per summary alone and in a batch)."""
    entry = _entry(_read(home)) or {}
    measured = load_measured(home)
    stages = {}
    for stage in ("translation", "summaries"):
        chosen = choose(stage, home)
        stages[stage] = {"candidate": chosen.name, "source": _source(measured) if measured and stage in measured["choice"] else "rules"}
    return {"cpu": cpu_model(), "threads": current_threads(), "machine_key": machine_key(), "stages": stages,
            "summary_pace": entry.get("summary_pace") or {}}


MARGIN = 0.9  # a measured candidate replaces the rules' choice only when that one is slower than this × its speed


def best(stage: str, rates: dict[str, dict[str, float]], engine: str | None = None) -> Candidate | None:
    """The fastest measured candidate for a stage (of one engine when given); for "summaries" the one with the
    least predicted seconds per typical summary. The rules' choice stays unless another is faster by more than
    the MARGIN (on a shared machine a short measurement moves by ±10 % or more)."""
    if stage == "summaries":
        prompt, new = TYPICAL_SUMMARY
        pre, dec = rates.get("llm_prefill", {}), rates.get("llm_decode", {})
        seconds = {n: prompt / pre[n] + new / dec[n] for n in pre if n in dec and pre[n] > 0 and dec[n] > 0}
    else:
        seconds = {n: 1 / r for n, r in rates.get(stage, {}).items() if r > 0}
    seconds = {n: s for n, s in seconds.items() if engine is None or n.startswith(engine + ":")}
    if not seconds:
        return None
    fastest = min(seconds, key=lambda n: seconds[n])
    preferred = rule_for(stage, engine)
    if preferred.name in seconds and seconds[fastest] >= MARGIN * seconds[preferred.name]:
        return preferred
    return Candidate.parse(fastest)


def choose(stage: str, home: Home, engine: str | None = None,
           flags: set[str] | None = None) -> Candidate:
    """The candidate for `stage` (translation, summaries, llm_prefill, llm_decode) on this CPU: measured when
    `workbench bench` or the probe (`measured`: run here the first time a choice is needed) measured this machine,
    else the rules; with `engine`, the best of that engine's types. With `flags` (another CPU's) nothing is probed."""
    found_rates = (measured(home) if flags is None else load_measured(home)) or {}
    found = best(stage, found_rates["rates"], engine) if found_rates else None
    if found is not None:
        return found
    return rule_for(stage, engine, flags)


def compute_for(engine: Engine, located: Located, requested: str, stage: str, device: str,
                home: Home) -> str:
    """The compute type `engine` runs `located` in, decided before it is built: what the engine takes without
    measuring (the option, its GPU default, the tiny models' fixed type), else the fastest measured here."""
    fixed = engine.fixed_compute(device, requested or "auto", located.tiny)
    return fixed if fixed is not None else choose(stage, home, engine=engine.name).compute


def rule_for(stage: str, engine: str | None = None, flags: set[str] | None = None) -> Candidate:
    """The rules' choice for a stage, or, for one engine, that engine's best type by the rules."""
    chosen = rules(stage, flags)
    if engine is None or chosen.engine == engine:
        return chosen
    if engine == "transformers":
        return Candidate("transformers", "bfloat16" if native_bf16(flags) else "float32")
    return Candidate(engine, "int8")


def source(home: Home) -> str:
    """Where the choices come from: "measured" (this machine's cached bench), "probe" (its cached probe) or "rules"."""
    measured = load_measured(home)
    return _source(measured) if measured else "rules"


def _source(entry: dict[str, Any]) -> str:
    return "probe" if entry.get("source") == "probe" else "measured"


def measured(home: Home) -> dict[str, Any] | None:
    """This machine's cached measurement; the first time one is needed and none is cached, the probe's (seconds:
    `bench.probe`), unless $WORKBENCH_NO_PROBE; None when there is neither (the rules decide)."""
    found = load_measured(home)
    if found is not None or not probe_allowed():
        return found
    log.info("measuring the compute types on this CPU (once; cached in the data home)")
    try:
        run_probe(home)
    except (OSError, subprocess.SubprocessError) as exc:  # a probe that cannot run: the rules decide
        log.warning("the compute probe failed, the rules decide: %s", exc)
        return None
    return load_measured(home)


def run_probe(home: Home) -> None:
    """`bench.probe` in a process of its own (its models' memory goes with it), with this process's threads
    (part of the cache key)."""
    import sys

    env = child_environment(WORKBENCH_THREADS=str(current_threads()))
    done = subprocess.run([sys.executable, "-m", "workbench.bench.models", str(home)], env=env,
                          capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False)
    if done.returncode != 0:
        raise OSError((done.stderr.strip().splitlines() or ["no message"])[-1][:200])


def preferred_engine(spec: str, stage: str, device: str, home: Home) -> str | None:
    """The engine "auto" tries first for a model on this machine: the stage's choice on a CPU; None (the
    registry's order) on a GPU and for the tiny test models, whose output must not depend on the machine."""
    if spec.startswith("tiny:") or device.startswith("cuda"):
        return None
    if device in ("", "auto"):
        try:
            import torch

            if torch.cuda.is_available():
                return None
        except ImportError:
            pass
    return choose(stage, home).engine
