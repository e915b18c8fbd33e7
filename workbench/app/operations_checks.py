"""The fact checks' operation on the page: a name of a segment, with the entity ledger's forms, confirmed or fixed
with one key (`ledger_name`). The names and their problems are `runs.risk_view`'s, worked out again here from the
stored text (never taken from the caller)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from ..errors import WorkbenchError
from ..review import ledger, workflow
from ..runs.risk_view import NameCheck, fixed, name_checks
from ..store.entities import by_key
from .api import Workbench
from .operations import UnitSaved, saved
from .params import ArticleId, Author, Language, Revision, UnitName, choice, text
from .service import Answer, operation

EntityName = Annotated[str, text(500)]


@dataclass(frozen=True)
class LedgerNamed(Answer):
    """What `ledger_name` did: the ledger's entity as it is now, and for a fix, the save (its revision, row, counts)."""

    action: str
    entity: dict[str, Any]  # ar, en, ru, kind, status, note (the ledger's row)
    saved: UnitSaved | None


@operation(page=True)
def ledger_name(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, entity: EntityName,
                action: Annotated[str, choice(("confirm", "fix"))], base_revision_id: Revision = None,
                author: Author = "") -> LedgerNamed:
    """A name of the segment (`entity`: its Arabic, as the article view's `risk` lists it): "confirm" makes the
    ledger's English and Russian forms of it confirmed (logged; QA then holds every rendering to them, LLM prompts
    carry them); "fix" saves the segment's text with each misspelling of it replaced by the ledger's form, based on
    `base_revision_id` like any save (not marked reviewed: the reviewer still reads it). Either is refused when
    `base_revision_id` is given and is no longer the segment's current revision."""
    ref = wb.unit(article_id, unit, language)
    if ref.segment_id is None:
        raise WorkbenchError("names are checked per segment, not in the summary")
    current = wb.article(article_id).unit(ref)
    target = current.text if current is not None else ""
    if base_revision_id is not None and (current is None or current.revision_id != base_revision_id):
        raise WorkbenchError("the segment's text changed since it was opened (reload it): its names were not changed")
    book = ledger.book(wb.store, wb.glossary())
    check = _named(name_checks(wb.article(article_id).row(ref.segment_id).source_text, target, language, book), entity)
    if action == "confirm":
        if not (check.en or check.ru):
            raise WorkbenchError(f"{check.ar.split('|')[0]} has no English or Russian form in the ledger yet: add them "
                                 "with `workbench ledger --confirm AR --en … --ru …`")
        row = by_key(wb.store, ledger.key_of(check.ar)) if check.confirmed else None
        row = row or ledger.confirm(wb.store, check.ar, check.en, check.ru, check.kind, author=author)
        return LedgerNamed(action, _entity(row), None)
    if check.action != "fix":
        raise WorkbenchError(f"nothing to fix: the translation does not misspell {check.form or check.ar}")
    recorded = workflow.save(wb.store, ref, fixed(target, language, book, check.ar), author=author,
                             base_revision_id=base_revision_id, reviewed=False)
    row_now = by_key(wb.store, ledger.key_of(check.ar))
    return LedgerNamed(action, _entity(row_now) if row_now else check.to_dict(), saved(wb, ref, recorded))


def _named(checks: list[NameCheck], entity: str) -> NameCheck:
    key = ledger.key_of(entity)
    for check in checks:
        if ledger.key_of(check.ar) == key:
            return check
    raise WorkbenchError(f"the segment does not name {entity[:60]!r} (its names: "
                         f"{', '.join(c.ar.split('|')[0] for c in checks) or 'none'})")


def _entity(row: Any) -> dict[str, Any]:
    values = asdict(row)
    return {k: values[k] for k in ("ar", "en", "ru", "kind", "status", "note")}
