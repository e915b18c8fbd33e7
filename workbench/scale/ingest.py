"""`workbench ingest OUT`: merge the shards of a distributed run into the store, idempotently and all or nothing
per shard.

Each shard record carries its article as read (`_ingest.raw`) and every machine output made for it. A shard is
read and every record checked before anything of it is written: a well-formed article id (never a path), a
target language, every output's segment one of that article's segments as imported from the record, a known
target, bounded sizes and the right types. A shard that fails is named with its reason and nothing of it is
written; the other shards are still ingested. A good shard is written in one store transaction.

Ingesting imports each article through the usual path and stores each output unless the store already has that
output for that unit (same model, input and text) or a person's text is current there; so ingesting twice
changes nothing, and nothing a reviewer wrote is replaced. Outputs and the statuses they move go through the one
write path (`review.workflow`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..ids import check_article_id, check_segment_id, is_article_id
from ..languages import TARGETS
from ..review import workflow
from ..store import MachineOutputRecord, Store
from ..store.database import ReadOnlyStore
from ..store.importer import import_raw
from ..text.articles import build_article
from ..text.reading import RawArticle
from .shards import ShardDamaged, read_shard, shard_paths

HUMAN = ("human", "revert", "xliff")
TARGET_KINDS = ("segment", "summary")
MAX_TEXT_CHARS = 20_000_000  # an article's text, or an output's text or input (a summary's input is an article)
MAX_SMALL_CHARS = 10_000  # a path, a metadata field, a warning
MAX_JSON_CHARS = 100_000  # an output's flags or provenance (JSON)
MAX_FIELDS = 20
_FIELD_NAME = re.compile(r"[a-z_]{1,40}")
MAX_WARNINGS = 100
OUTPUTS_PER_UNIT = 4  # at most this many outputs per (segment or summary, language) of an article


class BadRecord(WorkbenchError):
    """A shard record that does not pass the checks (the shard is not ingested)."""


@dataclass
class IngestReport:
    articles: int = 0
    outputs: int = 0  # machine outputs stored now
    unchanged: int = 0  # already in the store
    kept_human: int = 0  # units where a person's text is current: their output is not applied
    shards: int = 0  # shards ingested
    problems: list[str] = field(default_factory=list)  # one per shard not ingested: its name and the reason

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **self.__dict__}


@dataclass
class Checked:
    """One record that passed the checks: its article and outputs, ready to store."""

    raw: RawArticle
    outputs: list[MachineOutputRecord]


# ---------------------------------------------------------------------- checks
def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise BadRecord(f"{what} is not text ({type(value).__name__})")
    if len(value) > limit:
        raise BadRecord(f"{what} is longer than {limit:,} characters")
    return value


def _parsed(value: object, what: str, kind: type) -> Any:
    """A JSON text (at most MAX_JSON_CHARS) that holds a `kind` (dict or list)."""
    try:
        parsed = json.loads(_text(value, what, MAX_JSON_CHARS))
    except (ValueError, RecursionError) as exc:
        raise BadRecord(f"{what} is not JSON ({str(exc)[:80]})") from exc
    if not isinstance(parsed, kind):
        raise BadRecord(f"{what} is not a JSON {'object' if kind is dict else 'list'}")
    return parsed


def _check_raw(raw: object) -> RawArticle:
    if not isinstance(raw, dict) or set(raw) - {"article_id", "text", "path", "encoding", "fields", "warnings"}:
        raise BadRecord("`_ingest.raw` is not an article as read (article_id, text, path, encoding, fields, warnings)")
    article_id = check_article_id(raw.get("article_id"))
    text = _text(raw.get("text"), "the article text", MAX_TEXT_CHARS)
    if not text.strip():
        raise BadRecord("the article text is empty")
    fields = raw.get("fields", {})
    if (not isinstance(fields, dict) or len(fields) > MAX_FIELDS
            or not all(isinstance(k, str) and _FIELD_NAME.fullmatch(k) for k in fields)):
        raise BadRecord(f"`fields` is not an object of at most {MAX_FIELDS} metadata fields (lower-case names)")
    warnings = raw.get("warnings", [])
    if not isinstance(warnings, list) or len(warnings) > MAX_WARNINGS:
        raise BadRecord(f"`warnings` is not a list of at most {MAX_WARNINGS}")
    return RawArticle(article_id, text, _text(raw.get("path", ""), "the path", MAX_SMALL_CHARS),
                      _text(raw.get("encoding", "utf-8"), "the encoding", 40),
                      {k: _text(v, f"field {k}", MAX_SMALL_CHARS) for k, v in fields.items()},
                      [_text(w, "a warning", MAX_SMALL_CHARS) for w in warnings])


def _check_provenance(value: object) -> dict[str, Any]:
    provenance: dict[str, Any] = _parsed(value, "provenance", dict)
    if not isinstance(provenance.get("model", ""), str):
        raise BadRecord("provenance names no model")
    pivot = provenance.get("pivot")
    if pivot is not None and not (isinstance(pivot, dict) and pivot.get("via") in TARGETS):
        raise BadRecord("provenance has a pivot without a target language")
    memory = provenance.get("memory")
    if memory is not None and not (isinstance(memory, dict) and is_article_id(memory.get("article_id"))):
        raise BadRecord("provenance has a memory match without a well-formed article id")
    return provenance


def _check_output(output: object, article_id: str, segment_ids: set[str]) -> MachineOutputRecord:
    if not isinstance(output, dict):
        raise BadRecord("an output is not a JSON object")
    target, lang, segment_id = output.get("target"), output.get("lang"), output.get("segment_id")
    if target not in TARGET_KINDS:
        raise BadRecord(f"an output's target {str(target)[:40]!r} is not one of {', '.join(TARGET_KINDS)}")
    if lang not in TARGETS:
        raise BadRecord(f"an output's language {str(lang)[:40]!r} is not one of {', '.join(TARGETS)}")
    if target == "summary":
        if segment_id is not None:
            raise BadRecord("a summary output names a segment")
    elif check_segment_id(segment_id, article_id) not in segment_ids:
        raise BadRecord(f"segment {segment_id} is not a segment of article {article_id} as the record has it")
    flags = _parsed(output.get("flags"), "flags", list)
    if not all(isinstance(f, str) for f in flags):
        raise BadRecord("flags are not a list of texts")
    return MachineOutputRecord(article_id, segment_id, str(target), str(lang),
                               _text(output.get("input_text"), "an output's input", MAX_TEXT_CHARS),
                               _text(output.get("text"), "an output's text", MAX_TEXT_CHARS), flags,
                               _check_provenance(output.get("provenance")))


def check_record(record: dict[str, Any]) -> Checked:
    """The article and outputs of one shard record, or BadRecord / InvalidId (one line) for the first problem."""
    payload = record.get("_ingest")
    if not isinstance(payload, dict):
        raise BadRecord("no `_ingest` part (not a shard of a distributed run)")
    raw = _check_raw(payload.get("raw"))
    if record.get("id") != raw.article_id:
        raise BadRecord(f"its id {str(record.get('id'))[:80]!r} is not its article's id {raw.article_id!r}")
    _, segments = build_article(raw.text, raw.article_id, path=raw.path, overrides=raw.fields, encoding=raw.encoding)
    outputs = payload.get("outputs")
    limit = OUTPUTS_PER_UNIT * (len(segments) + 1) * len(TARGETS)
    if not isinstance(outputs, list) or len(outputs) > limit:
        raise BadRecord(f"`outputs` is not a list of at most {limit} outputs (this article's bound)")
    segment_ids = {s.id for s in segments}
    return Checked(raw, [_check_output(o, raw.article_id, segment_ids) for o in outputs])


def check_shard(path: Path) -> list[Checked]:
    """Every record of a shard, checked; ShardDamaged or BadRecord (naming the record) for the first problem."""
    checked = []
    for number, record in enumerate(read_shard(path), 1):
        try:
            checked.append(check_record(record))
        except WorkbenchError as exc:
            raise BadRecord(f"record {number} (article {str(record.get('id'))[:80]!r}): {exc}") from exc
    return checked


# ---------------------------------------------------------------------- writing
def _same(existing: dict[str, Any] | None, output: MachineOutputRecord) -> bool:
    if existing is None:
        return False
    return (existing["text"] == output.text and existing["input_text"] == output.input_text
            and existing["provenance"].get("model") == output.provenance.get("model"))


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
        workflow.record_machine_outputs(store, batch)


def _store_article(store: Store, item: Checked, tally: IngestReport) -> None:
    article_id = item.raw.article_id
    import_raw(store, item.raw, reopen=workflow.source_changed)
    machine = store.latest_machine_outputs(article_id)
    current = store.current_revisions(article_id)
    fresh: list[MachineOutputRecord] = []
    for output in item.outputs:  # in the order they were made: a pivot language before its target
        unit = (output.target, output.segment_id, output.lang)
        if _same(machine.get(unit), output):
            tally.unchanged += 1
        elif (current.get(unit) or {}).get("origin") in HUMAN:
            tally.kept_human += 1
        else:
            fresh.append(output)
    store_outputs(store, article_id, fresh)
    tally.outputs += len(fresh)
    tally.articles += 1


def _store_shard(store: Store, checked: list[Checked]) -> IngestReport:
    """Write one checked shard in one transaction: all of it, or (on any error) nothing."""
    tally = IngestReport()
    with store.transaction():
        for item in checked:
            _store_article(store, item, tally)
    return tally


def ingest(store: Store, out: str | Path) -> IngestReport:
    """Ingest every shard in `out`, each whole or not at all; a shard that fails its checks is named with the
    reason in `problems` and the others go on."""
    report = IngestReport()
    for path in shard_paths(out):
        try:
            tally = _store_shard(store, check_shard(path))
        except ReadOnlyStore:
            raise  # no shard can be saved: one line, not one per shard
        except WorkbenchError as exc:  # damaged, a record that fails its checks, or the store refused the write
            report.problems.append(f"{path.name}: {exc.reason if isinstance(exc, ShardDamaged) else exc}; "
                                   "nothing of this shard was saved")
            continue
        report.shards += 1
        for name in ("articles", "outputs", "unchanged", "kept_human"):
            setattr(report, name, getattr(report, name) + getattr(tally, name))
    return report
