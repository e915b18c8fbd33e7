"""`workbench eval --checks FILE`: precision and recall of the fact checks per error kind, and their false-alarm
rate on clean text, over a JSON Lines file of cases anyone can bring:
`{"id", "source", "lang", "target", "other"?, "errors": [kinds]}` (tests/data/seeded_errors.jsonl is ours)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..review.facts import KINDS, Flag, Thresholds, check
from ..review.names import NameBook, name_book

MAX_CASES = 100_000


@dataclass(frozen=True)
class Case:
    """One case: an Arabic source, a translation into `lang`, maybe the other language's, the error kinds in it."""

    id: str
    source: str
    lang: str
    target: str
    other: str | None
    errors: frozenset[str]


def _case(row: Any, where: str) -> Case:
    if not isinstance(row, dict):
        raise WorkbenchError(f"{where}: a case is a JSON object")
    for key in ("id", "source", "lang", "target"):
        if not isinstance(row.get(key), str):
            raise WorkbenchError(f"{where}: `{key}` must be a string")
    if row["lang"] not in ("en", "ru"):
        raise WorkbenchError(f"{where}: `lang` must be en or ru")
    errors = row.get("errors", [])
    if not isinstance(errors, list) or any(e not in KINDS for e in errors):
        raise WorkbenchError(f"{where}: `errors` must be a list of {', '.join(KINDS)}")
    other = row.get("other")
    if other is not None and not isinstance(other, str):
        raise WorkbenchError(f"{where}: `other` must be a string")
    return Case(row["id"], row["source"], row["lang"], row["target"], other, frozenset(errors))


def read_cases(path: str) -> list[Case]:
    """The cases of a JSON Lines file, each checked; a clear one-line error names the bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise WorkbenchError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            cases.append(_case(row, f"{path}:{number}"))
        if len(cases) > MAX_CASES:
            raise WorkbenchError(f"{path}: more than {MAX_CASES} cases")
    if not cases:
        raise WorkbenchError(f"{path}: no cases")
    return cases


@dataclass(frozen=True)
class KindScore:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "tp": self.tp, "fp": self.fp,
                "fn": self.fn}


@dataclass(frozen=True)
class CaseResult:
    case: Case
    flags: tuple[Flag, ...]

    @property
    def found(self) -> frozenset[str]:
        return frozenset(f.kind for f in self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.case.id, "errors": sorted(self.case.errors), "found": sorted(self.found),
                "flags": [f.to_dict() for f in self.flags]}


@dataclass(frozen=True)
class ChecksReport:
    """Per kind precision and recall, the share of clean cases with any flag, every case's flags, the thresholds."""

    results: tuple[CaseResult, ...]
    thresholds: Thresholds

    def kinds(self) -> dict[str, KindScore]:
        out = {}
        for kind in KINDS:
            tp = sum(1 for r in self.results if kind in r.case.errors and kind in r.found)
            fp = sum(1 for r in self.results if kind not in r.case.errors and kind in r.found)
            fn = sum(1 for r in self.results if kind in r.case.errors and kind not in r.found)
            out[kind] = KindScore(tp, fp, fn)
        return out

    @property
    def false_alarm_rate(self) -> float:
        clean = [r for r in self.results if not r.case.errors]
        return sum(1 for r in clean if r.flags) / len(clean) if clean else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"kinds": {k: s.to_dict() for k, s in self.kinds().items()},
                "false_alarm_rate": round(self.false_alarm_rate, 3), "cases": [r.to_dict() for r in self.results],
                "thresholds": self.thresholds.to_dict()}

    def lines(self) -> Iterator[str]:
        yield f"{'kind':<15} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"
        for kind, s in self.kinds().items():
            yield f"{kind:<15} {s.precision:>9.2f} {s.recall:>7.2f} {s.tp:>4} {s.fp:>4} {s.fn:>4}"
        clean = sum(1 for r in self.results if not r.case.errors)
        yield f"false alarms on clean cases: {self.false_alarm_rate:.1%} of {clean}; {len(self.results)} cases"
        yield (f"thresholds: length ratios cut at {self.thresholds.z:.2f} sd (false-alarm rate "
               f"{self.thresholds.false_alarm:.0%} per comparison), language confidence {self.thresholds.language_confidence:.0%}")


def starter_book() -> NameBook:
    """The names a fresh workbench knows: the packaged starter ledger, then the starter glossary's other terms."""
    from ..review.glossary import STARTER, parse_csv

    return name_book(glossary=parse_csv(STARTER.read_text(encoding="utf-8")))


def evaluate_checks(path: str, book: NameBook | None = None, thresholds: Thresholds | None = None) -> ChecksReport:
    """Run every fact check on every case of `path` and score them against the cases' labels."""
    cases = read_cases(path)
    book = book if book is not None else starter_book()
    thresholds = thresholds or Thresholds()
    results = tuple(CaseResult(c, tuple(check(c.source, c.target, c.lang, c.other, book=book, thresholds=thresholds)))
                    for c in cases)
    return ChecksReport(results, thresholds)
