"""What a run reports: failures, counts, models (what each output records is `workbench.provenance`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Failure:
    article_id: str
    lang: str
    reason: str
    segment_id: str | None = None

    @classmethod
    def of(cls, article_id: str, lang: str, exc: BaseException, segment_id: str | None = None) -> Failure:
        """The failure an error made: its type and message, cut to 300 characters."""
        return cls(article_id, lang, f"{type(exc).__name__}: {exc}"[:300], segment_id)


@dataclass
class TranslateReport:
    article_ids: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    translated: int = 0
    skipped: int = 0
    cached: int = 0
    summaries: int = 0
    tokens: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    import_problems: list[str] = field(default_factory=list)
    models: dict[str, Any] = field(default_factory=dict)
    engines: dict[str, Any] = field(default_factory=dict)
    meaningless: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.import_problems

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out
