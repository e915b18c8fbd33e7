"""What each command prints with `--json`, as JSON Schema: the one place the shapes live.

tests/test_docs.py validates what every command prints against these schemas (jsonschema), and docs/usage.md's
"`--json` output" section is generated from them by cog (`cog -r docs/*.md`), so a changed shape fails a test
until this module says so, and a changed module fails `cog --check` until the docs are regenerated. Where a
command prints a typed result (a dataclass whose `to_dict()` is its fields), its shape is generated from the type
(`typed`: pydantic's JSON Schema of each field); the others are still dicts, so their shapes are declared here: an
object lists its keys (all required unless optional, no others), `per(...)` is a map with one key per language,
model, …, `each(...)` a list; any value may be null, and a key without a shape is not looked into.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pydantic import TypeAdapter

from ..review.model import ArticleSummary
from ..scale.ingest import IngestReport
from ..store.importer import ImportReport

Schema = dict[str, Any]
ANY: Schema = {}
_OPTIONAL = "x-optional"


def obj(names: str = "", *, title: str = "", **nested: Schema) -> Schema:
    """An object with exactly these keys: `names` (space-separated; `key?` for one only some objects have, any
    value) and the keyword ones with their shapes (wrapped in `maybe` when optional)."""
    props: dict[str, Schema] = {name.rstrip("?"): ANY for name in names.split()}
    optional = {name.rstrip("?") for name in names.split() if name.endswith("?")}
    for key, shape in nested.items():
        if shape.get(_OPTIONAL):
            optional.add(key)
            shape = {k: v for k, v in shape.items() if k != _OPTIONAL}
        props[key] = shape
    schema = {**_closed(props), "required": [k for k in props if k not in optional]}
    return {"title": title, **schema} if title else schema


def per(key: str, shape: Schema = ANY) -> Schema:
    """A map with one key per `key` (LANG, MODEL, METRIC, …) and values of `shape`."""
    return {"type": ["object", "null"], "propertyNames": {"title": key}, "additionalProperties": shape}


def each(shape: Schema = ANY) -> Schema:
    return {"type": ["array", "null"], "items": shape}


def maybe(shape: Schema) -> Schema:
    """`shape` as an optional key of an object."""
    return {**shape, _OPTIONAL: True}


def typed(result: type, **keys: Schema) -> Schema:
    """The shape of `result.to_dict()`, generated from the dataclass's fields (each one's JSON Schema from pydantic,
    in this module's form); `keys`: the shapes of keys `to_dict()` adds (`ok`) or that the type cannot name (a
    map's keys: `per("LANG")`; a field whose type has no JSON Schema), by name."""
    hints = typing.get_type_hints(result)
    fields = {f.name: keys.pop(f.name) if f.name in keys else
              generated(TypeAdapter(hints[f.name]).json_schema(mode="serialization")) for f in dataclasses.fields(result)}
    return _closed({**fields, **keys})


def _closed(props: dict[str, Schema]) -> Schema:
    """An object with exactly these keys (as `obj`, for keys named by a type: "title" is a key like any other)."""
    return {"type": ["object", "null"], "properties": props, "required": list(props), "additionalProperties": False}


def generated(schema: Schema) -> Schema:
    """A JSON Schema generated from a type (pydantic's) in this module's form."""
    return _form(schema, schema.get("$defs", {}))


def _form(node: Schema, defs: dict[str, Schema]) -> Schema:
    """pydantic's schema of a field in this module's form: objects closed and nullable, maps `per("KEY")`."""
    if "$ref" in node:
        return _form(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in node:  # `X | None`: X (any value may be null)
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        return _form(options[0], defs) if len(options) == 1 else ANY
    kind = node.get("type")
    if kind == "array":
        return each(_form(node.get("items", {}), defs))
    if kind == "object" and "properties" in node:
        return _closed({key: _form(sub, defs) for key, sub in node["properties"].items()})
    if kind == "object":
        inside = node.get("additionalProperties")
        return per("KEY", _form(inside, defs) if isinstance(inside, dict) else ANY)
    return {"type": [kind, "null"]} if isinstance(kind, str) else ANY


CONFIDENCE = obj("score mean_logprob tokens", title="CONFIDENCE", low_tokens=each(obj("token logprob")))
MACHINE = obj("id text flags provenance created", title="MACHINE")
CLAIM = obj("kind text start end segments supported", title="CLAIM")
UNIT = obj("text revision_id author origin updated edited reviewed flags qa", title="UNIT", machine=MACHINE,
           confidence=CONFIDENCE, state=ANY, match=ANY, blocking=ANY, claims=maybe(each(CLAIM)))
METRIC_SCORES = per("METRIC", obj("score signature"))
SCORES = {**METRIC_SCORES, "title": "SCORES"}
FAILURE = obj("article_id lang segment_id reason")
THRESHOLDS = obj("false_alarm z language_confidence", title="THRESHOLDS",
                 lengths=per("PAIR", obj("mean_log_ratio sd pairs")))
FLAG = obj("kind reason start end source_start source_end", title="FLAG")
TRANSLATION_SUMMARY = obj("article_ids targets translated summaries meaningless failures ok")
SCHEMAS: dict[str, Schema] = {
    "import": typed(ImportReport, ok=ANY, problems=each(obj("path reason"))),
    "list": each(typed(ArticleSummary, meaningless=ANY, status=per("LANG"), status_override=per("LANG"),
                       status_reopened=per("LANG"))),
    "show": obj("id title label date date_raw source source_raw photo_credit publisher url source_file encoding "
                "warnings content_hash meaningless", status=per("LANG"),
                progress=per("LANG", obj("done total reviewed")), summaries=per("LANG", UNIT),
                segments=each(obj("id position paragraph kind role source_text start end number",
                                  targets=per("LANG", UNIT))),
                status_override=per("LANG"), status_reopened=per("LANG")),
    "status": each(obj("id label meaningless", languages=per("LANG", obj(
        "state done total summary review reason override reopened")))),
    "translate": obj("article_ids targets translated skipped cached summaries tokens seconds import_problems "
                     "meaningless suggestions? ok", failures=each(FAILURE),
                     models=obj("profile summarizer device engine threads", routes=per("LANG", obj("model via"))),
                     engines=per("ROLE", obj("requested used note"))),
    "translate --runner ray": obj("ok runner out articles skipped written shards damaged_shards import_problems "
                                  "seconds ray", failures=each(FAILURE)),
    "ingest": typed(IngestReport, ok=ANY),
    "import-xliff": obj("unchanged ok", applied=each(obj("article_id segment_id lang revision_id")),
                        conflicts=each(obj("article_id segment_id lang reason workbench_text? xliff_text?")),
                        unknown=each(obj("article_id segment_id lang reason"))),
    "qa": each(obj("article_id segment_id lang flags details source text")),
    "glossary": each(obj("ar en ru note")),
    "glossary --history": each(obj("name replaced version replaced_by")),
    "models list": each(obj("profile role model route via task licence permissive available where note")),
    "eval": obj("sentences note", languages=per("LANG", obj("model", scores=SCORES, compare=maybe(obj(
        "model", scores=SCORES, paired_bootstrap=per("METRIC", obj(
            "baseline candidate p_value candidate_mean candidate_ci95"))))))),
    "eval --approved": obj(approved=per("LANG", per("MODEL", obj("segments", scores=METRIC_SCORES)))),
    "eval --checks": obj("false_alarm_rate", kinds=per("KIND", obj("precision recall tp fp fn")),
                         cases=each(obj("id errors found", flags=each(FLAG))), thresholds=THRESHOLDS),
    "ledger": each(obj("ar en ru kind status note")),
    "queue": obj(rows=each(obj("article_id segment_id lang score article_score reasons text")),
                 weights=obj("qa_flag confidence new_entity shortness waiting_per_hour waiting_cap deadline",
                             facts=per("KIND")), thresholds=THRESHOLDS),
    "effort": each(obj("model segments edited edited_share hter seconds_per_segment seconds_per_word "
                       "timed_segments")),
    "feeds list": each(obj("name url allow_private polled error", items=obj("imported retry given_up"))),
    "watch": obj("feeds not_modified new_ids ok",
                 arrived=each(obj("article_id url title feed outcome segments reopened")),
                 failures=each(obj("feed url reason state")), translation=maybe(TRANSLATION_SUMMARY)),
    "publish": obj("out format langs pages written unchanged changed_pages problems ok"),
    "bench": obj("default_engine engines ratio_vs_baseline ratio_vs_hf_batched ratio_vs_raw_ct2 by_beam settings "
                 "machine max_rss_mb seconds load_average summarizer?",
                 compute=maybe(obj("candidates cached_for", tok_per_s=per("STAGE", per("CANDIDATE")),
                                   choice=per("STAGE"))),
                 llm_translator=maybe(obj("shape device article_segments", engines=per("ENGINE", obj(
                     "prompt_tokens output_tokens segments prefill_tok_per_s decode_tok_per_s seconds_per_segment "
                     "seconds_per_segment_alone batch_speedup article_seconds dtype peak_rss_mb compute_type?"))))),
}

NOTES: dict[str, str] = {
    "import": "with outcome `new`, `updated` or `unchanged`; `reopened`: the approved languages a changed source "
              "sent back to review.",
    "list": "with status one of `new`, `machine`, `in_review`, `approved`; `status_override` the reason recorded "
            "when that approval went past the approval rules (else null); `status_reopened` why the language is to "
            "be reviewed again (`source changed`, or an approval that no longer matches what is stored; else "
            "null); `meaningless`: tiny models made some current output.",
    "show": "where `number` is the grid's (translatable rows from 1, null for meta lines) and a `UNIT` is null "
            "where there is no text yet: `text` is the current text (the latest revision), `state` one of "
            "`machine`, `edited`, `reviewed`, `approved`, `flags` the QA flags of that text and `qa` their details, "
            "`confidence` the model's own while the text is still the machine's, `match` where the text came from "
            "(`machine`, `memory`: a 100 % memory match, `human`), `blocking` the flags that block approval, "
            "`claims` (a summary's only) each number, ledger name and quotation of the text at `start`…`end` with "
            "the ids of the `segments` it is traced to (none: not `supported`, flagged); "
            "`MACHINE` is the latest model output, its `provenance` the open object the engines record (model, "
            "revision, licence, profile, device, settings, versions, pivot, confidence, …).",
    "status": "with state `done`, `pending` or `failed`; `override`: the reason of an override approval; "
              "`reopened`: why the language is to be reviewed again (as `status_reopened`).",
    "translate": "`suggestions` with `--suggest`, see [LLM translators](models.md#llm-translators).",
    "glossary": "each language's variants as a list.",
    "glossary --history": "newest first.",
    "eval": "`SCORES` has `bleu`, `chrf++` and `ter`; `paired_bootstrap` has `bleu` and `chrf++`, and every value in "
            "it is a number.",
    "eval --checks": "`FLAG` offsets are in the translation (`start`, `end`) and in the Arabic (`source_start`, "
                     "`source_end`), -1 where there is none; see [Fact checks](checks.md).",
    "queue": "riskiest first; `reasons`: what each signal added, largest first.",
    "effort": "the first key is the `--by` group (`model`, `lang`, `reviewer` or `article`).",
    "watch": "with `--once`, one object; without, one line of JSON per poll; `translation` when something arrived "
             "and `--translate`.",
    "publish": "`problems`: approved languages not published because their approval no longer matches what is "
               "stored (then `ok` is false).",
    "bench": "`compute`: each compute type measured per stage and the one `auto` takes; `llm_translator`: see "
             "[LLM translators](models.md#llm-translators).",
}


def schema(label: str) -> Schema:
    """The full JSON Schema (draft 2020-12) of `workbench LABEL --json`."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"workbench {label} --json",
            **SCHEMAS[label]}


def brief(shape: Schema, named: dict[str, Schema] | None = None, top: bool = True) -> str:
    """A schema in the docs' short form, `{a, b: [{c}], d: {LANG: …}, e?}`; titled insides are written by their
    title and collected in `named` (to be listed after)."""
    if not top and shape.get("title") and named is not None:
        title = str(shape["title"])
        named.setdefault(title, shape)
        return title
    if "items" in shape:
        return f"[{brief(shape['items'], named, False)}]"
    if "propertyNames" in shape:
        inside = shape["additionalProperties"]
        return "{" + str(shape["propertyNames"]["title"]) + (f": {brief(inside, named, False)}" if _inner(inside) else "") + "}"
    if "properties" in shape:
        keys = [key + ("" if key in shape["required"] else "?") + (f": {brief(sub, named, False)}" if _inner(sub) else "")
                for key, sub in shape["properties"].items()]
        return "{" + ", ".join(keys) + "}"
    return "…"


def _inner(shape: Schema) -> bool:
    """Whether the short form shows what is inside (a list, map, object or named shape; not a plain value's type)."""
    return any(key in shape for key in ("items", "propertyNames", "properties", "title"))
