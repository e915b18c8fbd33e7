"""`workbench ingest OUT`: merge the shards of a distributed run into the store, idempotently.

Each shard record carries its article as read (`_ingest.raw`) and every machine output made for it. Ingesting
imports the article through the usual path and stores each output unless the store already has that output for
that unit (same model, input and text) or a person's text is current there; so ingesting twice changes nothing,
and nothing a reviewer wrote is replaced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store import MachineOutputRecord, Store
from ..store.importer import import_raw
from ..text.reading import RawArticle
from .shards import read_records

HUMAN = ("human", "revert", "xliff")


@dataclass
class IngestReport:
    articles: int = 0
    outputs: int = 0  # machine outputs stored now
    unchanged: int = 0  # already in the store
    kept_human: int = 0  # units where a person's text is current: their output is not applied
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": not self.problems, **self.__dict__}


def _same(existing: dict[str, Any] | None, output: dict[str, Any]) -> bool:
    if existing is None:
        return False
    return (existing["text"] == output["text"] and existing["input_text"] == output["input_text"]
            and existing["provenance"].get("model") == json.loads(output["provenance"]).get("model"))


def store_outputs(store: Store, article_id: str, records: list[MachineOutputRecord]) -> None:
    """Store outputs language by language, in order; an output made from a pivot language is linked to that
    language's current revision in this store (where it was made, the revision numbers were another store's)."""
    for lang in dict.fromkeys(r.lang for r in records):
        batch = [r for r in records if r.lang == lang]
        current = store.current_revisions(article_id)
        for rec in batch:
            pivot = rec.provenance.get("pivot")
            if pivot and rec.segment_id:
                made_from = current.get(("segment", rec.segment_id, pivot["via"]))
                pivot["input_revision_id"] = made_from["id"] if made_from else None
        store.add_machine_outputs(batch)


def ingest(store: Store, out: str | Path) -> IngestReport:
    report = IngestReport()
    for record in read_records(out):
        payload = record.get("_ingest")
        if not payload:
            report.problems.append(f"{record.get('id')}: no `_ingest` part (not a shard of a distributed run)")
            continue
        raw = RawArticle(**payload["raw"])
        import_raw(store, raw)
        machine = store.latest_machine_outputs(raw.article_id)
        current = store.current_revisions(raw.article_id)
        fresh: list[MachineOutputRecord] = []
        for output in payload["outputs"]:  # in the order they were made: a pivot language before its target
            unit = (output["target"], output["segment_id"], output["lang"])
            if _same(machine.get(unit), output):
                report.unchanged += 1
            elif (current.get(unit) or {}).get("origin") in HUMAN:
                report.kept_human += 1
            else:
                fresh.append(MachineOutputRecord(raw.article_id, output["segment_id"], output["target"], output["lang"],
                                                 output["input_text"], output["text"], json.loads(output["flags"]),
                                                 json.loads(output["provenance"])))
        store_outputs(store, raw.article_id, fresh)
        for lang in {o["lang"] for o in payload["outputs"]}:
            store.set_status(raw.article_id, lang, "machine", "workbench", only_if=("new",))
        report.outputs += len(fresh)
        report.articles += 1
    return report
