"""The fact-check commands: `ledger` (the entity ledger: list, confirm, import and export as CSV or TBX) and
`queue` (unreviewed segment translations, riskiest first, with why)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..errors import WorkbenchError
from .cli_base import _targets, _workbench, cli, handle_errors
from .render import emit

MAX_LEDGER_FILE = 20 * 1024 * 1024


@dataclass(frozen=True)
class LedgerText:
    """`ledger`: every entity with its forms, kind and status."""

    rows: list[Any]

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"ar": r.ar, "en": r.en, "ru": r.ru, "kind": r.kind, "status": r.status, "note": r.note} for r in self.rows]

    def lines(self) -> Iterator[str]:
        for r in self.rows:
            yield f"{'✓' if r.status == 'confirmed' else '?'} {r.ar} → {r.en} / {r.ru}  ({r.kind})"
        yield f"{len(self.rows)} entities, {sum(r.status == 'confirmed' for r in self.rows)} confirmed"


def _read(path: str) -> bytes:
    file = Path(path)
    if file.stat().st_size > MAX_LEDGER_FILE:
        raise WorkbenchError(f"{path} is larger than {MAX_LEDGER_FILE // (1024 * 1024)} MiB")
    return file.read_bytes()


@cli.command("ledger")
@click.option("--import", "import_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Add or replace entities from a .csv (ar,en,ru,kind,status,note) or .tbx file.")
@click.option("--export", "export_file", type=click.Path(dir_okay=False), default=None,
              help="Write the ledger to a .csv or .tbx file.")
@click.option("--confirm", "confirm_ar", default=None, metavar="ARABIC",
              help="Confirm an entity's canonical forms (with --en and --ru); adds it when it is new.")
@click.option("--discover", is_flag=True,
              help="Add the people the archive's Arabic introduces with a title (\"الوزير - NAME\") whom the ledger "
                   "lacks, as new entities to confirm.")
@click.option("--en", default="", help="The canonical English form (with --confirm).")
@click.option("--ru", default="", help="The canonical Russian form, nominative (with --confirm).")
@click.option("--kind", type=click.Choice(["person", "place", "organisation", "name"]), default="name",
              help="What the entity is (with --confirm).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of {ar, en, ru, kind, status, note}.")
@click.pass_context
@handle_errors
def ledger_cmd(ctx: click.Context, import_file: str | None, export_file: str | None, confirm_ar: str | None,
               discover: bool, en: str, ru: str, kind: str, as_json: bool) -> None:
    """The entity ledger: people, places and organisations with one canonical English and Russian form each,
    used by the fact checks (every Russian case) and given to LLM prompts as terms once confirmed."""
    from ..files import atomic_write
    from ..review import ledger
    from ..store.entities import all_entities

    with _workbench(ctx) as wb:
        ledger.ensure_starter(wb.store)
        if import_file:
            data = _read(import_file)
            try:
                rows = ledger.from_tbx(data) if import_file.lower().endswith(".tbx") else ledger.from_csv(
                    data.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise WorkbenchError(f"{import_file}: not UTF-8 text") from exc
            click.echo(f"imported {ledger.import_rows(wb.store, rows, 'cli')} entities from {import_file}")
        elif export_file:
            rows = all_entities(wb.store)
            atomic_write(export_file, ledger.to_tbx(rows) if export_file.lower().endswith(".tbx")
                         else ledger.to_csv(rows).encode("utf-8"))
            click.echo(f"wrote {export_file}: {len(rows)} entities")
        elif discover:
            texts = [(f"{a.id} {s['id']}", s["source_text"]) for a in wb.articles() for s in wb.store.segments(a.id)]
            added = ledger.discover(wb.store, texts)
            click.echo(f"{len(added)} new entities to confirm" + "".join(f"\n  {r.ar} ({r.note})" for r in added))
        elif confirm_ar:
            saved = ledger.confirm(wb.store, confirm_ar, en, ru, kind, author="cli")
            click.echo(f"confirmed {saved.ar} → {saved.en} / {saved.ru}")
        else:
            emit(LedgerText(all_entities(wb.store)), as_json)


@cli.command("queue")
@click.option("--to", "to", default=None, help="Languages (default: en,ru).")
@click.option("--deadline", default=None, metavar="ISO_TIME", help="A deadline for every article (e.g. 2026-12-07T18:00+00:00).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show only the riskiest N rows.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: {rows, weights, thresholds}; each row has article_id, segment_id, lang, score, "
                   "article_score, reasons and text.")
@click.pass_context
@handle_errors
def queue_cmd(ctx: click.Context, to: str | None, deadline: str | None, limit: int | None, as_json: bool) -> None:
    """Unreviewed segment translations, riskiest first: fact-check flags (numbers, names, quotations, omissions,
    language, English/Russian disagreement), QA flags, model confidence, names the ledger has not confirmed, and
    how long the article has waited; each row says why it ranks where it does."""
    from dataclasses import replace

    from ..runs.queue import review_queue

    try:
        when = datetime.fromisoformat(deadline) if deadline else None
    except ValueError as exc:
        raise WorkbenchError(f"--deadline: not an ISO time ({deadline!r})") from exc
    if when is not None and when.tzinfo is None:
        raise WorkbenchError("--deadline: give the time zone (e.g. +00:00)")
    with _workbench(ctx) as wb:
        queue = review_queue(wb.store, _targets(to) if to else ["en", "ru"], deadline=when)
    emit(replace(queue, rows=queue.rows[:limit]) if limit else queue, as_json)
