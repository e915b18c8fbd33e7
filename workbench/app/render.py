"""How a command shows its result: one function, `emit`, prints a result as JSON (`--json`) or as text.

A result is anything with `to_dict()` (its JSON: the shapes docs/usage.md's "`--json` output" section documents,
checked by tests/test_docs.py) and `lines()` (its text, one line each; a `Line(..., err=True)` goes to stderr),
and optionally `ok` (False: the command exits with 1). The library's own results render themselves
(`review.qa.QaReport`, `runs.evaluation.EvalReport`, `choice.inventory.ModelInventory`); for the reports that
carry no text form of their own, the classes here add one around them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import click

if TYPE_CHECKING:
    from ..exchange.xliff_import import XliffImportReport
    from ..review.glossary import Glossary
    from ..review.model import ArticleSummary, ArticleView
    from ..runs.report import TranslateReport
    from ..scale.distributed import DistributedReport
    from ..scale.ingest import IngestReport
    from ..store.importer import Imported, ImportReport

MEANINGLESS_NOTE = "NOTE: tiny models have random weights; their outputs are meaningless (smoke test only)."
MEANINGLESS_MARK = "[tiny: meaningless]"


@dataclass(frozen=True)
class Line:
    """One line of a result's text; `err`: it goes to stderr (warnings, errors, failures)."""

    text: str
    err: bool = False


def err(text: str) -> Line:
    return Line(text, err=True)


class Renders(Protocol):
    """What `emit` prints: a JSON value and a text form."""

    def to_dict(self) -> Any: ...

    def lines(self) -> Iterable[str | Line]: ...


class Report(Protocol):
    """A library report: its JSON, and whether everything it reports succeeded."""

    @property
    def ok(self) -> bool: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ReportText:
    """A library report with a text form added here (a subclass adds `lines()`): its JSON and `ok` are the
    report's own."""

    report: Report

    @property
    def ok(self) -> bool:
        return self.report.ok

    def to_dict(self) -> dict[str, Any]:
        return self.report.to_dict()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_lines(lines: Iterable[str | Line]) -> None:
    for line in lines:
        if isinstance(line, Line):
            click.echo(line.text, err=line.err)
        else:
            click.echo(line)


def emit(result: Renders, as_json: bool) -> None:
    """Print the result as JSON or as text; exit with 1 when it did not succeed (`result.ok` is False)."""
    if as_json:
        echo_json(result.to_dict())
    else:
        echo_lines(result.lines())
    if not getattr(result, "ok", True):
        sys.exit(1)


def meaningless_footer(meaningless: set[str]) -> Iterator[str]:
    if meaningless:
        yield f"{MEANINGLESS_MARK}: {MEANINGLESS_NOTE}"


# ---------------------------------------------------------------------- reading
@dataclass(frozen=True)
class ArticleList:
    """`list`: the article rows, each marked when tiny models made its current output."""

    rows: Sequence[ArticleSummary]
    meaningless: set[str]

    def to_dict(self) -> list[dict[str, Any]]:
        return [{**r.to_dict(), "meaningless": r.id in self.meaningless} for r in self.rows]

    def lines(self) -> Iterator[str]:
        if not self.rows:
            yield "no articles yet: run `workbench import seeds/`"
            return
        for r in self.rows:
            status = " ".join(f"{lang}:{s}{'(override)' if r.status_override.get(lang) else ''}"
                              f"{f'({reopened})' if (reopened := r.status_reopened.get(lang)) else ''}"
                              for lang, s in r.status.items())
            mark = f"  {MEANINGLESS_MARK}" if r.id in self.meaningless else ""
            yield f"{r.id}  {r.date or '-':10}  {r.source or '-':8}  {r.translatable_segments:3} seg  {status}  {r.label}{mark}"
        yield from meaningless_footer(self.meaningless)


@dataclass(frozen=True)
class ArticleText:
    """`show`: the article view; its text lists the segments in order with their translations, each with its fact
    flags and their reasons under it (`facts`: per language and segment id, from `runs.risk_view`)."""

    view: ArticleView
    facts: Mapping[str, Mapping[str, Sequence[Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.view.to_dict()

    def lines(self) -> Iterator[str]:
        view, meta = self.view, self.view.meta
        yield f"{view.id}: {meta.label}"
        yield f"date: {meta.date or meta.date_raw or '-'}  source: {meta.source or '-'}  photo: {meta.photo_credit or '-'}"
        yield "status: " + ", ".join(f"{k} {v}" for k, v in view.status.items())
        if view.meaningless:
            yield MEANINGLESS_NOTE
        yield from (f"summary {lang}: {summary.text}" for lang, summary in view.summaries.items() if summary)
        for row in view.segments:
            role = f"/{row.role}" if row.role else ""
            yield f"[{row.position:3}] p{row.paragraph:<3} {row.kind}{role:<10} {row.source_text}"
            for lang, unit in row.targets.items():
                if unit:
                    marks = (" (edited)" if unit.edited else "") + (f" [{', '.join(unit.flags)}]" if unit.flags else "")
                    yield f"      {lang}: {unit.text}{marks}"
                    yield from (f"          {f.kind}: {f.reason}" for f in self.facts.get(lang, {}).get(row.id, ()))


@dataclass(frozen=True)
class StatusList:
    """`status`: per article and language, done / pending / failed."""

    rows: Sequence[Mapping[str, Any]]
    meaningless: set[str]

    def to_dict(self) -> list[dict[str, Any]]:
        return [{**r, "meaningless": r["id"] in self.meaningless} for r in self.rows]

    def lines(self) -> Iterator[str]:
        for r in self.rows:
            parts = [f"{lang}: {s['state']} {s['done']}/{s['total']}{' +summary' if s['summary'] else ''} ({s['review']}"
                     f"{', by override' if s.get('override') else ''}"
                     f"{', reopened: ' + s['reopened'] if s.get('reopened') else ''})" for lang, s in r["languages"].items()]
            yield f"{r['id']}  " + "  ".join(parts) + (f"  {MEANINGLESS_MARK}" if r["id"] in self.meaningless else "")
            yield from (f"    {lang} failed: {s['reason']}" for lang, s in r["languages"].items() if s["reason"])
        yield from meaningless_footer(self.meaningless)


@dataclass(frozen=True)
class GlossaryText:
    """`glossary`: the terms in use (variants as lists), and where the file is."""

    glossary: Glossary
    path: str

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"ar": list(t.ar), "en": list(t.en), "ru": list(t.ru), "note": t.note} for t in self.glossary.terms]

    def lines(self) -> Iterator[str | Line]:
        yield f"{self.path} ({len(self.glossary)} terms)"
        yield from (err(f"warning: {problem}") for problem in self.glossary.problems)
        yield from (f"{' | '.join(t.ar)}  →  {' | '.join(t.en)}  /  {' | '.join(t.ru)}" for t in self.glossary.terms)


@dataclass(frozen=True)
class GlossaryHistory:
    """`glossary --history`: the earlier versions, newest first."""

    rows: Sequence[Mapping[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.rows]

    def lines(self) -> Iterator[str]:
        return (f"{row['name']}  replaced {row['replaced']} by {row['replaced_by']}" for row in self.rows)


@dataclass(frozen=True)
class EffortTable:
    """`effort`: post-editing effort per group (model, lang, reviewer or article)."""

    rows: Sequence[Mapping[str, Any]]
    by: str

    def to_dict(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.rows]

    def lines(self) -> Iterator[str]:
        if not self.rows:
            yield "no reviewed segments yet"
        for r in self.rows:
            timing = (f", {r['seconds_per_segment']} s per segment, {r['seconds_per_word']} s per word "
                      f"({r['timed_segments']} timed)" if r["seconds_per_segment"] is not None
                      else ", no editing times recorded")
            yield f"{r[self.by]}: {r['segments']} reviewed, {r['edited_share']:.0%} edited, HTER {r['hter']:.2f}{timing}"


# ---------------------------------------------------------------------- writing
def imported_lines(item: Imported | Any) -> Iterator[str | Line]:
    """The lines `import` prints for one file as it goes: its outcome and warnings, or the problem."""
    from ..errors import ImportProblem

    if isinstance(item, ImportProblem):
        yield err(f"error: {item}")
        return
    yield f"{item.outcome:9} {item.article_id}  ({item.segments} segments)" + (
        f"  source changed: {', '.join(item.reopened)} back to review" if item.reopened else "")
    yield from (err(f"warning: {item.path}: {w}") for w in item.warnings)


@dataclass(frozen=True)
class ImportText:
    """`import`: its text was printed file by file as it went (`imported_lines`); the JSON is the report."""

    report: ImportReport

    @property
    def ok(self) -> bool:
        return self.report.ok

    def to_dict(self) -> dict[str, Any]:
        return {"imported": [vars(i) for i in self.report.imported],
                "problems": [{"path": p.path, "reason": p.reason} for p in self.report.problems], "ok": self.report.ok}

    def lines(self) -> Iterator[str]:
        return iter(())


@dataclass(frozen=True)
class TranslateText(ReportText):
    """`translate`: what was made, then each import problem and failure."""

    report: TranslateReport
    out: str | None = None

    def lines(self) -> Iterator[str | Line]:
        r = self.report
        yield (f"{len(r.article_ids)} articles, {r.translated} segments translated ({r.cached} from cache), "
               f"{r.summaries} summaries, {r.tokens} tokens in {r.seconds:.1f}s")
        yield from (err(f"error: {problem}") for problem in r.import_problems)
        for f in r.failures:
            yield err(f"failed: {f.article_id} {f.lang}{' ' + f.segment_id if f.segment_id else ''}: {f.reason}")
        if self.out:
            yield f"results written to {self.out}"


@dataclass(frozen=True)
class RayText(ReportText):
    """`translate --runner ray`: shards written, damaged shards redone, problems and failures."""

    report: DistributedReport
    out: str

    def lines(self) -> Iterator[str | Line]:
        r = self.report
        yield (f"ray: {r.written} articles written in {r.shards} new shards, {r.skipped} already done, "
               f"{len(r.failures)} failed, in {r.seconds:.1f}s ({r.ray.get('actors_per_stage')} actors per stage) → {self.out}")
        yield from (err(f"warning: {note}") for note in r.damaged_shards)
        yield from (err(f"error: {problem}") for problem in r.import_problems)
        yield from (err(f"failed: {f['article_id']} {f['lang']} {f['segment_id']}: {f['reason']}") for f in r.failures)


@dataclass(frozen=True)
class IngestText(ReportText):
    """`ingest`: outputs stored, already there, and kept because a person's text is current."""

    report: IngestReport

    def lines(self) -> Iterator[str | Line]:
        r = self.report
        yield (f"{r.articles} articles: {r.outputs} outputs stored, {r.unchanged} already there, "
               f"{r.kept_human} kept a reviewer's text")
        yield from (err(f"error: {problem}") for problem in r.problems)


@dataclass(frozen=True)
class XliffText(ReportText):
    """`import-xliff`: applied, unchanged, conflicts and unknown ids."""

    report: XliffImportReport

    def lines(self) -> Iterator[str | Line]:
        r = self.report
        yield (f"{len(r.applied)} applied, {r.unchanged} unchanged, {len(r.conflicts)} conflicts, "
               f"{len(r.unknown)} unknown ids")
        yield from (err(f"conflict: {c['article_id']} {c['segment_id']} {c['lang']}: {c['reason']}") for c in r.conflicts)
        yield from (err(f"unknown: {u['article_id']} {u['segment_id']} {u['lang']}: {u['reason']}") for u in r.unknown)
