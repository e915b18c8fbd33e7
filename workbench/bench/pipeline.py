"""`workbench bench --pipeline`: the whole pipeline (import → translate en, ru → summarize en, ru) on generated
articles, with random-weight models of the `fast` profile's real shapes (opus-mt-ar-en, opus-mt-en-ru through
English, Qwen2.5-0.5B), every output of a fixed length, and the `fast` profile's settings (beam 2).

The articles are the sample articles (seeds/) cycled to N, each sentence marked with the article's number so that
no article repeats another's sentences (nothing comes from the translation cache). Measured in one process, each
mode in a fresh data home (CTranslate2 conversions shared): articles per minute, each stage's share of the time
(import, translation per language, summaries, the rest: storing, prompts, checks), peak memory. `--today` runs the
same once more as the workbench ran before issue 22 (summaries one at a time on CTranslate2 int8, every output
scored again teacher-forced) and gives the ratio.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..bench.common import PeakRSS
from ..bench.models import machine, marian_ar_en, marian_en_ru, qwen_05b
from ..choice.threads import current_threads
from ..resources import seeds_dir
from ..settings import Home, library_variable

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC = re.compile("[\u0600-\u06ff]")
SENTENCE_END = re.compile(r"([.!?؟][\"'»”)]*)(\s|$)")


@dataclass
class PipelineSettings:
    home: Home  # as the `bench` command resolved it
    articles: int = 8
    segment_tokens: int = 48  # every segment translation this long (a news sentence's)
    summary_tokens: int = 120  # every summary this long (about a real one's)
    today: bool = True  # also run today's behaviour (before issue 22) for the ratio
    modes: list[str] = field(default_factory=list)  # filled in: the modes run


def generate_articles(count: int, folder: Path) -> list[Path]:
    """`count` article files: the sample articles in turn, each sentence and line marked with the article's
    number (in Arabic digits), so that every sentence is new."""
    seeds = sorted(seeds_dir().glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(count):
        mark = str(k + 1).translate(ARABIC_DIGITS)
        lines = seeds[k % len(seeds)].read_text(encoding="utf-8").splitlines()
        marked = [_marked(line, mark) if ARABIC.search(line) else line for line in lines]
        path = folder / f"bench_{k:04d}.txt"
        path.write_text("\n".join(marked) + "\n", encoding="utf-8")
        out.append(path)
    return out


def _marked(line: str, mark: str) -> str:
    """Every sentence of the line, and the line itself (a title or a heading), ends with the mark."""
    out = SENTENCE_END.sub(rf" {mark}\1\2", line.rstrip())
    return out if SENTENCE_END.search(line.rstrip()[-1:] + " ") else f"{out} {mark}"


def models(home: Home) -> dict[str, Path]:
    root = home.tiny
    return {"en": marian_ar_en(root / "bench-opus-mt-ar-en-v2"), "ru": marian_en_ru(root / "bench-opus-mt-en-ru-v1"),
            "summarizer": qwen_05b(root / "bench-qwen2.5-0.5b-v1")}


def _fix_lengths(wb: Any, s: PipelineSettings, today: bool) -> dict[str, Any]:
    """Every output of the plan's models of fixed length; today's mode scores every output teacher-forced and
    summarizes one at a time. Returns the engine models (their counters give each stage's time)."""
    inner = {lang: wb.models.translator(lang).inner for lang in ("en", "ru")}
    inner["summarizer"] = wb.models.summarizer().inner
    for lang in ("en", "ru"):
        inner[lang].fixed_length = s.segment_tokens
        if today:
            inner[lang].options = replace(inner[lang].options, confidence_detail="all")
    inner["summarizer"].fixed_length = s.summary_tokens
    if today:
        options = replace(inner["summarizer"].options, batch_size=1)
        inner["summarizer"].options = wb.models.summarizer().options = options
    return inner


def run_mode(s: PipelineSettings, paths: list[Path], folder: Path, shapes: dict[str, Path], today: bool) -> dict[str, Any]:
    """One mode in a fresh data home: import, translate en and ru, summarize both; timings per stage."""
    from ..app.api import Workbench

    home = Home(folder / ("today" if today else "now"))
    home.cache.mkdir(parents=True, exist_ok=True)
    measured = s.home.cache / "compute.json"  # this machine's compute choice, as bench measured it
    if measured.exists():
        shutil.copy(measured, home.cache / "compute.json")
    if today:  # what "auto" chose before issue 22 on a CPU: CTranslate2 int8 for every model
        home.config_file.write_text('[engines]\nsummarizer = "ct2"\n\n[summary]\ncompute_type = "int8"\n',
                                          encoding="utf-8")
    with PeakRSS() as rss, Workbench(home, profile="fast", models={"en": str(shapes["en"]), "ru": str(shapes["ru"])},
                                     summarizer=str(shapes["summarizer"]), device="cpu", threads=current_threads()) as wb:
        started = time.perf_counter()
        imported = wb.import_paths([str(p) for p in paths])
        import_seconds = time.perf_counter() - started
        wb.models.plan(["en", "ru"], summarize=True)
        inner = _fix_lengths(wb, s, today)
        loaded, cpu = time.perf_counter(), time.process_time()
        report = wb.translate(imported.article_ids, ["en", "ru"], summarize=True)
        seconds = time.perf_counter() - loaded + import_seconds
        cpu_seconds = time.process_time() - cpu  # steadier than the wall clock on a shared machine
        engines = wb.models.engines_used()
    from ..choice.compute import choices

    pace = choices(home)["summary_pace"]  # the runner's measured pace (choice.pace), when it measured one
    stages = {"import": import_seconds, "translate_en": inner["en"].counters.seconds,
              "translate_ru": inner["ru"].counters.seconds, "summarize": inner["summarizer"].counters.seconds}
    stages["other"] = max(0.0, seconds - sum(stages.values()))
    return {"articles": len(imported.article_ids), "segments": report.translated, "summaries": report.summaries,
            "failures": len(report.failures), "seconds": round(seconds, 2),
            "articles_per_minute": round(60 * len(imported.article_ids) / seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            # the translations are stored before any summary is made: a reviewer's pace
            "translated_articles_per_minute": round(60 * len(imported.article_ids) / max(1e-9, seconds - stages["summarize"]), 2),
            "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
            "stage_share": {k: round(v / seconds, 3) for k, v in stages.items()},
            "summarizer": {"engine": engines.get("summarizer", {}).get("used"),
                           "compute_type": getattr(inner["summarizer"], "compute_type", None),
                           "batch_size": inner["summarizer"].options.batch_size, "pace": pace},
            "translator_compute_type": getattr(inner["en"], "compute_type", None),
            "peak_rss_mb": round(rss.peak / 2**20)}


def run(s: PipelineSettings, progress: Any = lambda _: None) -> dict[str, Any]:
    """Build the models (once), generate the articles, run the modes; the report."""
    shapes = models(s.home)
    folder = Path(tempfile.mkdtemp(prefix="bench-pipeline-", dir=s.home.cache))
    try:
        with library_variable("WORKBENCH_CT2_DIR", str(s.home.ct2)):  # conversions once, for every mode's home
            paths = generate_articles(s.articles, folder / "articles")
            out: dict[str, Any] = {}
            progress("pipeline, as the workbench runs it now")
            out["now"] = run_mode(s, paths, folder, shapes, today=False)
            if s.today:
                progress("pipeline, as the workbench ran it before issue 22")
                out["today"] = run_mode(s, paths, folder, shapes, today=True)
                out["ratio_vs_today"] = round(out["now"]["articles_per_minute"] / out["today"]["articles_per_minute"], 2)
        share = out["now"]["stage_share"]
        out["bottleneck"] = max(share, key=lambda k: share[k])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"pipeline": out, "settings": {**{k: v for k, v in s.__dict__.items() if k != "modes"}, "home": str(s.home)}, "machine": machine()}


@dataclass
class PipelineText:
    """`bench --pipeline`: per mode articles per minute, each stage's share, peak memory; the ratio."""

    report: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.report)

    def lines(self) -> Any:
        m, p = self.report["machine"], self.report["pipeline"]
        yield f"machine: {m['cpu']}, {m['cpus']} CPUs, {m['threads']} threads"
        for mode in ("now", "today"):
            if mode in p:
                r = p[mode]
                shares = ", ".join(f"{k} {v:.0%}" for k, v in r["stage_share"].items())
                yield (f"{mode:5} {r['articles_per_minute']:>7.2f} articles/min, translations stored at "
                       f"{r.get('translated_articles_per_minute', '-')} articles/min ({r['articles']} articles in "
                       f"{r['seconds']} s; summaries on {r['summarizer']['engine']} {r['summarizer']['compute_type']}, "
                       f"batches of {r['summarizer']['batch_size']}); {shares}; peak RSS {r['peak_rss_mb']} MB")
        if "ratio_vs_today" in p:
            yield f"now vs today: {p['ratio_vs_today']}×"
        yield f"the largest share of the time now: {p['bottleneck']}"
