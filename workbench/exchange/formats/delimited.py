"""CSV and TSV: one row per segment and language with state, flags, author and model, and the override reason when
the article language was approved past the approval rules."""

from __future__ import annotations

import csv
import io

from ...provenance import ModelConfidence
from ...review.views import unit_text
from ..registry import ExportOptions, Format, Item, register, spreadsheet_cell


def _rows(items: list[Item], opts: ExportOptions) -> tuple[list[str], list[list[str]]]:
    header = ["article_id", "segment_id", "kind", "paragraph", "lang", "source", "target", "state", "flags",
              "author", "model", "confidence", "meaningless", "approval_override"]
    rows = []
    for view, langs in items:
        for lang in langs:
            for s, unit in view.units(lang):
                state = unit.state if unit else ""  # machine, edited, reviewed or approved
                model = unit.machine.provenance.get("model", "") if unit and unit.machine else ""
                rows.append([view.id, s.id, s.kind, str(s.paragraph), lang, s.source_text,
                             unit_text(unit, opts.source), state, " ".join(unit.flags) if unit else "",
                             (unit.author or "") if unit else "", model, _confidence(unit.confidence if unit else None),
                             "yes" if view.meaningless else "", view.status_override.get(lang) or ""])
    return header, rows


def _confidence(conf: ModelConfidence | None) -> str:
    """The model's confidence (0..1) while the text is the machine's; empty once a person edited it."""
    return f"{conf.score:.4f}" if conf else ""


def _tsv_cell(cell: str) -> str:
    """One TSV cell: tabs and line breaks become spaces (one line per segment), then made spreadsheet-safe."""
    return spreadsheet_cell(cell.replace("\t", " ").replace("\r", " ").replace("\n", " "))


def _delimited(items: list[Item], opts: ExportOptions, dialect: str) -> bytes:
    """Every cell goes through `spreadsheet_cell`: a text, author or title that starts like a formula
    (`=HYPERLINK(...)`, `@SUM(...)`, `-5`) gets a leading `'`, so a spreadsheet shows it and never runs it."""
    header, rows = _rows(items, opts)
    buf = io.StringIO()
    if dialect == "tsv":  # one line per segment
        buf.write("\t".join(header) + "\n")
        for row in rows:
            buf.write("\t".join(_tsv_cell(c) for c in row) + "\n")
    else:
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL)  # every cell quoted, as OWASP advises
        writer.writerow(header)
        writer.writerows([spreadsheet_cell(c) for c in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def export_csv(items: list[Item], opts: ExportOptions) -> bytes:
    return _delimited(items, opts, "csv")


def export_tsv(items: list[Item], opts: ExportOptions) -> bytes:
    return _delimited(items, opts, "tsv")


register(Format("csv", "csv", export_csv, "one row per segment and language"))
register(Format("tsv", "tsv", export_tsv, "one line per segment and language"))
