"""Translating an archive on a Ray cluster (`workbench translate … --runner ray`): a Ray Data pipeline.

    files → read (tasks) → English (actor pool) → Russian from that English (actor pool)
          → summaries and the `translate --out` record of each article (actor pool) → shards (the driver)

Every stage runs the local runner's own code: the same reading and segmentation, the same `ModelSet` (engines,
cache, settings), the same runs (`runs.translation.translate_language` over an in-memory store holding the batch's
articles: the same chunks, several articles per model call as on one machine, and for an LLM translator the
same context and glossary terms), so the same outputs, QA flags and provenance; the record is made by
`article_view` and `article_record` over an in-memory store. Rows are articles, so nothing needs regrouping.
Only the scheduling is Ray's. Ray is imported here only, and this module only when `--runner ray` is asked for.

Results are JSONL or Parquet shards in `--out`, each written to a temporary name and renamed, so a shard is either
complete or absent; a rerun skips articles already in a shard. `--out` is checked (a folder that can be written)
before any model work. A shard is written every `shard_size` articles and at least every `shard_seconds`, so a
kill loses at most that much finished work. A shard that cannot be read is named, moved aside (`NAME.damaged`)
and its articles are done again. A failed article is reported with its reason and written to no shard, so the
next run tries it again.

Stopping: on SIGTERM (or SIGHUP) the driver writes the finished articles, stops the local Ray it started and
exits with one line; on Ctrl-C the same, then KeyboardInterrupt. After a SIGKILL of the driver, Ray's own
fate-sharing ends the local Ray it started: its gcs_server and raylet are killed by the kernel at once
(PR_SET_PDEATHSIG), the workers exit when their raylet is gone, its agents within about a minute.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..choice.plan import ModelSet
from ..choice.profiles import Selection
from ..choice.threads import apply_threads
from ..errors import ImportProblem, WorkbenchError
from ..exchange.results import article_record
from ..languages import TARGETS
from ..review import workflow
from ..review.glossary import Glossary
from ..review.glossary import seed as use_glossary
from ..review.views import article_view
from ..runs.context import Snapshot
from ..runs.progress import NoProgress
from ..runs.report import Failure
from ..runs.summaries import summarize_article
from ..runs.translation import Choice, Step, attempt, translate_language, width_of
from ..settings import Home
from ..store import MachineOutputRecord, Store, reads
from ..store.importer import import_raw
from ..text.reading import RawArticle, iter_articles, iter_paths
from .ingest import store_outputs
from .shards import INTERVAL, ShardWriter, scan, set_aside

RAY_VERSION = "2.60.0"  # the version the tests run; the `[ray]` extra pins it
EMPTY = ""
READ_CPUS = 0.25  # reading and segmenting is light: it must not wait for the model actors' CPUs


@dataclass
class RayOptions:
    address: str | None = None  # ray://head:10001, or None to start a local Ray for this run
    actors: int = 0  # actors per model stage; 0: as many as the cluster's CPUs (or GPUs) allow
    cpus_per_actor: float = 0  # 0: the thread count (WORKBENCH_THREADS / --threads), at most what fits
    gpus_per_actor: float = 0  # 1 on GPU clusters: one actor per GPU
    local_cpus: int | None = None  # CPUs of the local Ray started without --address
    shard_size: int = 100
    shard_seconds: float = INTERVAL  # a shard at least this often while articles are finished
    shard_format: str = "jsonl"
    batch_articles: int = 8  # articles per batch handed to an actor


@dataclass
class DistributedReport:
    runner: str = "ray"
    out: str = ""
    articles: int = 0
    skipped: int = 0  # already in a shard
    written: int = 0
    shards: int = 0
    damaged_shards: list[str] = field(default_factory=list)  # unreadable shards found, moved aside and redone
    failures: list[dict[str, str]] = field(default_factory=list)
    import_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    ray: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.import_problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


# ---------------------------------------------------------------------- stage 1: files → articles
def article_rows(path: str, skip: set[str]) -> Iterator[dict[str, Any]]:
    """The articles of one file (not in `skip`) as read; a file or line that cannot be read becomes a row with its
    problem. Each model stage cleans and segments them as `import` does, when it imports its batch."""
    for item in iter_articles([path]):
        if isinstance(item, ImportProblem):
            yield _row(item.path, problem=f"{item.path}: {item.reason}")
            continue
        if item.article_id in skip:
            continue
        yield _row(item.article_id, raw=json.dumps(asdict(item), ensure_ascii=False))


def _row(article_id: str, *, raw: str = EMPTY, problem: str = EMPTY) -> dict[str, Any]:
    return {"article_id": article_id, "raw": raw, "problem": problem,
            **{lang: "[]" for lang in TARGETS}, "failed": "[]", "record": EMPTY}


# ---------------------------------------------------------------------- stages 2 and 3: one language each
class _Worker:
    """What every actor holds: the run's models, made once per actor, with its thread count."""

    def __init__(self, selection: Selection, home: Home, threads: int | None):
        if threads:
            selection = replace(selection, threads=threads)
        apply_threads(threads)
        self.models = ModelSet(selection, home)


class TranslateStage(_Worker):
    """Writes one language of every article of a batch with the local runner's own run (`translate_language`,
    several articles together as on one machine): each batch's articles are imported into an in-memory store, with the
    pivot language's outputs when the language is made from one, so an LLM translator gets the same context (the
    segments before, their translations so far, the glossary terms) as on one machine."""

    def __init__(self, selection: Selection, home: Home, threads: int | None, lang: str, targets: list[str],
                 glossary: Glossary | None = None):
        super().__init__(selection, home, threads)
        self.plan = self.models.plan(targets)
        self.lang = self.plan.languages[lang]
        self.glossary = glossary  # the driver's: an LLM gets the same terms as on one machine

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out, failed = list(batch[self.lang.lang]), list(batch["failed"])
        store = Store(":memory:")
        try:
            if self.glossary is not None:
                use_glossary(store, self.glossary)
            steps = {i: self._step(store, batch, i) for i in range(len(batch["article_id"])) if not batch["problem"][i]}
            ready = [step for step in steps.values() if step.error is None]
            translate_language(store, self.plan, ready, NoProgress(), Choice(), width_of(self.plan))
            for i, step in steps.items():
                # an error is reported with its reason; the article goes to no shard and is retried next run
                failures = [Failure.of(step.article_id, step.lang, step.error)] if step.error else step.failures
                out[i] = json.dumps([asdict(r) for r in _outputs(store, step.article_id, self.lang.lang)],
                                    ensure_ascii=False)
                failed[i] = json.dumps(json.loads(failed[i]) + [asdict(f) for f in failures], ensure_ascii=False)
        finally:
            store.close()
        return {**batch, self.lang.lang: out, "failed": failed}

    def _step(self, store: Store, batch: dict[str, Any], i: int) -> Step:
        """One article imported into the in-memory store, as the step of its run. Made from a pivot language, only
        the segments that language has are made (a pivot segment that failed is reported there)."""
        article_id = str(batch["article_id"][i])
        step = Step(Snapshot(article_id, [], "", {}, {}), self.lang.lang)

        def load() -> bool:
            import_raw(store, RawArticle(**json.loads(batch["raw"][i])), reopen=workflow.source_changed)
            if self.lang.via:
                pivot = [MachineOutputRecord(**r) for r in json.loads(batch[self.lang.via][i])]
                store_outputs(store, article_id, pivot)
                step.wanted = {str(r.segment_id) for r in pivot}
            step.snapshot = Snapshot.load(store, article_id)
            return True

        attempt(step, load)
        return step


def _outputs(store: Store, article_id: str, lang: str) -> list[MachineOutputRecord]:
    """The segment outputs made in `lang` in an in-memory store, in the order they were made."""
    return reads.machine_outputs(store, article_id, lang=lang, target="segment")


def _shard_output(rec: MachineOutputRecord) -> dict[str, Any]:
    """An output as a shard record carries it (flags and provenance as JSON texts, as the store keeps them)."""
    return {"segment_id": rec.segment_id, "target": rec.target, "lang": rec.lang, "input_text": rec.input_text,
            "text": rec.text, "flags": json.dumps(rec.flags), "provenance": json.dumps(rec.provenance, ensure_ascii=False)}


# ---------------------------------------------------------------------- stage 4: whole articles
class ArticleStage(_Worker):
    """Assembles each article of a batch in an in-memory store, writes its summaries and makes its
    `translate --out` record (with what `workbench ingest` needs)."""

    def __init__(self, selection: Selection, home: Home, threads: int | None, targets: list[str], summarize: bool,
                 glossary: Glossary | None):
        super().__init__(selection, home, threads)
        self.plan = self.models.plan(targets, summarize)
        self.targets, self.summarize = targets, summarize
        self.glossary = glossary

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        records, failed = list(batch["record"]), list(batch["failed"])
        for i, article_id in enumerate(batch["article_id"]):
            if batch["problem"][i] or json.loads(failed[i]):
                continue
            try:
                records[i] = json.dumps(self._article(str(article_id), batch, i), ensure_ascii=False)
            except Exception as exc:  # reported with its reason; the article goes to no shard and is retried next run
                failed[i] = json.dumps([asdict(Failure.of(str(article_id), "", exc, ""))])
        return {**batch, "record": records, "failed": failed}

    def _article(self, article_id: str, batch: dict[str, Any], i: int) -> dict[str, Any]:
        raw = json.loads(batch["raw"][i])
        store = Store(":memory:")
        import_raw(store, RawArticle(**raw), reopen=workflow.source_changed)
        for lang in self.plan.targets:
            store_outputs(store, article_id, [MachineOutputRecord(**r) for r in json.loads(batch[lang][i])])
            if self.summarize:
                summarize_article(store, self.plan, article_id, lang)
        record = article_record(article_view(store, article_id, glossary=self.glossary), self.targets)
        outputs = [_shard_output(r) for r in reads.machine_outputs(store)]
        store.close()
        return {**record, "_ingest": {"raw": raw, "outputs": outputs}}


# ---------------------------------------------------------------------- the driver
def _input_files(paths: list[str]) -> tuple[list[str], list[str]]:
    files, problems = [], []
    for item in iter_paths(paths):
        if isinstance(item, ImportProblem):
            problems.append(f"{item.path}: {item.reason}")
        else:
            files.append(str(item))
    return files, problems


def _connect(options: RayOptions) -> tuple[Any, bool]:
    try:
        import ray
    except ImportError as exc:
        raise WorkbenchError(f"--runner ray needs Ray: in the project's checkout run `pip install -e '.[ray]'` "
                             f"(or `pip install 'ray[data]=={RAY_VERSION}'`)") from exc
    if ray.is_initialized():
        return ray, False
    if options.address:
        ray.init(address=options.address, log_to_driver=False)
    else:
        ray.init(num_cpus=options.local_cpus, include_dashboard=False, log_to_driver=False)
    return ray, True


def _sizes(ray: Any, options: RayOptions, threads: int | None, stages: int) -> tuple[int, float, float]:
    """Actors per stage and CPUs and GPUs per actor: one actor per GPU, or per `threads` CPUs, within the cluster."""
    resources = ray.cluster_resources()
    cpus, gpus = float(resources.get("CPU", 1)), float(resources.get("GPU", 0))
    if options.gpus_per_actor:
        actors = options.actors or max(1, int(gpus / options.gpus_per_actor / stages))
        return actors, options.cpus_per_actor or 1.0, options.gpus_per_actor
    per_actor = options.cpus_per_actor or float(threads or 1)
    share = (cpus - READ_CPUS) / stages  # every stage holds an actor at once, beside a reading task
    per_actor = min(per_actor, share)
    actors = options.actors or max(1, int(share / per_actor))
    return actors, per_actor, 0.0


class RunStopped(WorkbenchError):
    """The driver was asked to stop (SIGTERM, SIGHUP): finished articles are in shards, Ray is stopped."""


class _Terminated(BaseException):
    """Raised in the driver by a stop signal, so that everything unwinds through its `finally`."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@contextmanager
def _stop_signals() -> Iterator[None]:
    """While the run goes on, SIGTERM and SIGHUP (unless ignored) raise _Terminated in the driver (once; a second
    signal while it unwinds is ignored). Installed after `ray.init`, which sets handlers of its own."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if not fired:
            fired.append(signum)
            raise _Terminated(signum)

    previous = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signum == signal.SIGTERM or signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _resume(writer: ShardWriter, report: DistributedReport) -> set[str]:
    """The articles already done in the shard folder; unreadable shards are named and moved aside (their
    articles are done again)."""
    found = scan(writer.folder)
    for damaged in found.damaged:
        moved = set_aside(damaged.path)
        report.damaged_shards.append(f"{damaged}: moved aside to {moved.name}; its articles are translated again")
    return found.done


def translate(selection: Selection, home: Home, paths: list[str], targets: list[str], out: str | Path, *,
              summarize: bool = False, threads: int | None = None, glossary: Glossary | None = None,
              options: RayOptions | None = None) -> DistributedReport:
    """Translate (and summarize) every article under `paths` on Ray into shards in `out`; see the module doc."""
    options = options or RayOptions()
    started = time.perf_counter()
    # the shard folder is checked (made, written to) before anything else: a bad --out costs no model work
    writer = ShardWriter(out, options.shard_format, options.shard_size, options.shard_seconds)
    report = DistributedReport(out=str(out))
    done = _resume(writer, report)
    files, report.import_problems = _input_files(paths)
    # unknown models and refused licences stop the run before Ray starts; pivot languages come first
    ordered = ModelSet(selection, home).plan(targets, summarize).targets
    ray, started_here = _connect(options)
    try:
        with _stop_signals():
            ds = _dataset(ray, options, files, done, (selection, home, threads, ordered, targets, summarize, glossary),
                          report)
            writer.start_timer()
            _collect(ds, writer, report, done)
    except _Terminated as stop:
        writer.close()
        raise RunStopped(f"stopped by {stop}: {writer.records} articles finished in this run are in shards in {out}; "
                         "run the same command again to do the rest") from None
    finally:
        try:
            writer.close()
        finally:
            if started_here:
                ray.shutdown()
    report.shards = len(writer.written)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _dataset(ray: Any, options: RayOptions, files: list[str], done: set[str], run: tuple[Any, ...],
             report: DistributedReport) -> Any:
    """The Ray Data pipeline of the module doc, sized to the cluster (recorded in `report.ray`)."""
    selection, home, threads, ordered, targets, summarize, glossary = run
    stages = len(ordered) + 1
    actors, cpus, gpus = _sizes(ray, options, threads, stages)
    report.ray = {"version": ray.__version__, "address": options.address or "local", "actors_per_stage": actors,
                  "cpus_per_actor": cpus, "gpus_per_actor": gpus, "resources": ray.cluster_resources()}
    ds = ray.data.from_items([{"path": f} for f in files], override_num_blocks=max(1, min(len(files), 200)))
    ds = ds.flat_map(lambda row: list(article_rows(row["path"], done)), num_cpus=READ_CPUS)
    common = dict(compute=ray.data.ActorPoolStrategy(min_size=1, max_size=actors), num_cpus=cpus, num_gpus=gpus,
                  batch_format="numpy", batch_size=options.batch_articles)
    for lang in ordered:
        ds = ds.map_batches(TranslateStage, fn_constructor_args=(selection, home, threads, lang, targets, glossary),
                            **common)
    return ds.map_batches(ArticleStage, fn_constructor_args=(selection, home, threads, targets, summarize, glossary),
                          **common)


def _collect(ds: Any, writer: ShardWriter, report: DistributedReport, done: set[str]) -> None:
    """Write finished articles into shards as they arrive; keep problems and failures for the report."""
    from ..runs import interrupts

    for row in ds.iter_rows():
        interrupts.check()  # a Ctrl-C that one of Ray's finalizers swallowed still stops the driver
        if row["problem"]:
            report.import_problems.append(str(row["problem"]))
        elif row["record"]:
            writer.add(json.loads(row["record"]))
            report.written += 1
        else:
            report.failures.extend(json.loads(row["failed"]))
    writer.close()
    report.articles = report.written + len({f["article_id"] for f in report.failures})
    report.skipped = len(done)
