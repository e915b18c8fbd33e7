"""Every operation of the review surface, each one typed declaration (`app/service.py`): its parameters with
their types (`app/params.py`: JSON type, size, id rules, checked before the operation runs), its result a dict
with `ok`. `page=True`: the page's editor calls it through its server function (`ui/grid.py`); every operation is
also a named endpoint for `gradio_client` scripts (`ui/endpoints.py`), and `cli=True` makes it `workbench op NAME`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from ..languages import STATUSES, TARGETS
from ..review import workflow
from ..review.confidence import EXPLANATION, FILTERS, LOW_CONFIDENCE, ORDERS, least_sure_on_demand, review_rows
from ..review.diff import diff_html
from ..review.effort import GROUPS
from ..review.effort import effort as effort_rows
from ..review.glossary import GlossaryConflict, save_rows
from ..review.glossary import version as glossary_version
from ..review.model import ArticleSummary, ArticleView
from ..review.qa import FLAG_HELP
from ..review.states import BLOCKING, approval_problems, review_counts
from ..review.suggestions import unit_suggestions
from ..runs.report import TranslateReport
from ..units import UnitRef
from .api import Workbench
from .params import (
    ArticleId,
    Author,
    BadArgument,
    Check,
    Flag,
    Language,
    Languages,
    OptionalText,
    Revision,
    Seconds,
    Text,
    UnitName,
    choice,
    text,
)
from .service import Answer, Result, operation

STATUS_FILTERS = ("all", *STATUSES)
Query = Annotated[str, text(500, optional=True)]
Reason = Annotated[str, text(2000, optional=True)]
SourceHash = Annotated[str, text(128, optional=True)]
MAX_ROWS = 20_000  # a glossary table sent to a save
MAX_CELL = 2_000  # characters in one cell
NO_BASE = ("no base version given: load the glossary first (its `version`, from /get_glossary or the page) and save "
           "with it, so a save never replaces someone else's without a conflict; nothing was saved")


def table_rows(table: Any) -> list[list[str]]:
    """The rows of a glossary table as lists of strings (from the page's DataFrame, a Dataframe payload or plain
    lists); ValueError saying why they cannot be saved."""
    if hasattr(table, "values") and hasattr(table.values, "tolist"):  # the page's pandas DataFrame
        table = table.values.tolist()
    elif isinstance(table, dict):  # a Dataframe payload {"headers": [...], "data": [[...]]}
        table = table.get("data")
    if not isinstance(table, list) or not all(isinstance(row, list | tuple) for row in table):
        raise ValueError("the glossary must be a list of rows (ar, en, ru, note); nothing was saved")
    if len(table) > MAX_ROWS:
        raise ValueError(f"the glossary has {len(table)} rows, more than {MAX_ROWS}; nothing was saved")
    rows = []
    for number, row in enumerate(table, start=1):
        if not all(c is None or isinstance(c, str) or (isinstance(c, float) and c != c) for c in row):
            raise ValueError(f"row {number}: every cell must be text; nothing was saved")
        cells = [c if isinstance(c, str) else "" for c in row]  # None or NaN (c != c): an empty pandas cell
        if any(len(c) > MAX_CELL for c in cells):
            raise ValueError(f"row {number}: a cell is longer than {MAX_CELL} characters; nothing was saved")
        rows.append(cells)
    return rows


GlossaryTable = Annotated[list[list[str]], Check(table_rows, {"type": "array", "maxItems": MAX_ROWS, "items": {
    "type": "array", "items": {"anyOf": [{"type": "string", "maxLength": MAX_CELL}, {"type": "null"}]}}})]
# the version a glossary was loaded with; anything else is no version (the save is then a conflict)
BaseVersion = Annotated[str, Check(lambda v: v.strip() if isinstance(v, str) and len(v) <= 128 else "",
                                   {"anyOf": [{"type": "string", "maxLength": 128}, {"type": "null"}]})]


# --------------------------------------------------------------------------- the typed results
@dataclass(frozen=True)
class ArticleList(Answer):
    articles: list[ArticleSummary]


@dataclass(frozen=True)
class OneArticle(Answer):
    article: ArticleView  # `to_dict()`: the `show --json` structure


@dataclass(frozen=True)
class ReviewOrder(Answer):
    segments: list[dict[str, Any]]
    low_confidence_below: float
    explanation: str


@dataclass(frozen=True)
class EffortRows(Answer):
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class ReviewView(Answer):
    """The article for the editor (see `review_view`)."""

    article: dict[str, Any]  # the `show --json` structure
    drafts: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    approval: dict[str, list[str]]
    flag_help: dict[str, str]
    blocking: list[str]
    confidence_help: str
    low_confidence: float
    read_only: bool
    author: str
    # per language and segment id: the risk score and why, fact flags with their reasons, the names with the
    # entity ledger's forms (`runs.risk_view.UnitRisk.to_dict()`): the grid's default order
    risk: dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class UnitDetails(Answer):
    """One unit in one language (see `unit_details`)."""

    unit: str
    lang: str
    source: str
    machine: str
    text: str
    revision_id: int | None
    state: str
    flags: list[str]
    blocking: list[str]
    qa: list[str]
    confidence: dict[str, Any] | None
    machine_diff_html: str
    matches: list[dict[str, Any]]
    terms: list[dict[str, Any]]
    history: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]


@dataclass(frozen=True)
class UnitChanged(Answer):
    """What a change of one unit answers, so the page updates one row and the counts instead of reloading the
    article: the unit's row as the article view has it (a segment row, or the summary unit), the article's status,
    counts and approval blockers per language (see `unit_fields`)."""

    unit: str
    lang: str
    row: dict[str, Any] | None
    status: dict[str, str]
    counts: dict[str, dict[str, int]]
    approval: dict[str, list[str]]


@dataclass(frozen=True)
class UnitSaved(UnitChanged):
    """What a save answers (see `saved`)."""

    revision_id: int | None
    unchanged: bool
    blocking: list[str]
    pivot_confirmed: bool


@dataclass(frozen=True)
class UnitRestored(UnitSaved):
    text: str  # the restored text, now current


@dataclass(frozen=True)
class Compared(Answer):
    diff_html: str


@dataclass(frozen=True)
class Done(Answer):
    """Nothing to say but that it was done."""


@dataclass(frozen=True)
class Retranslated(Answer):
    replaced: bool
    message: str


@dataclass(frozen=True)
class Approved(Answer):
    status: str


@dataclass(frozen=True)
class GlossaryTableAnswer(Answer):
    rows: list[list[str]]  # ar, en, ru, note; variants separated by |
    version: str  # to save against


# --------------------------------------------------------------------------- articles
@operation()
def list_articles(wb: Workbench, *, query: Query = "", status: Annotated[str, choice(STATUS_FILTERS)] = "all") -> ArticleList:
    """Articles whose title, Arabic text, id or English/Russian text contains `query` (case-insensitive), with a
    language in `status`: id, title, label, date, source, photo credit, segment counts, status per language."""
    return ArticleList(wb.find_articles(query, status))


@operation()
def get_article(wb: Workbench, *, article_id: ArticleId) -> OneArticle:
    """Metadata, segments (source, machine output, current text and revision id per language), summaries, flags
    (the `show --json` structure)."""
    return OneArticle(wb.article(article_id))


@operation()
def translate_article(wb: Workbench, *, article_id: ArticleId, languages: Languages,
                      replace_edited: Flag = False) -> TranslateReport:
    """Translate the whole article again into the given languages, keeping segments a person edited unless
    `replace_edited`; returns the batch report. Only an article id is accepted, never a path."""
    return wb.translate(article_ids=[article_id], targets=languages, redo=True, replace_edited=replace_edited)


@operation(page=True, cli=True)
def review_order(wb: Workbench, *, article_id: ArticleId, language: Language,
                 order: Annotated[str, choice(tuple(ORDERS))] = "review_first",
                 only: Annotated[str, choice(tuple(FILTERS))] = "all") -> ReviewOrder:
    """Segments in review order (untouched, flagged, least confident first) or document order; `only`: all,
    low_confidence, flagged or needs_review. Each row: segment_id, position, text, flags, confidence (0..1)."""
    rows = review_rows(wb.article(article_id), language, order, only)
    return ReviewOrder([row.to_dict() for row in rows], LOW_CONFIDENCE, EXPLANATION)


@operation()
def effort(wb: Workbench, *, by: Annotated[str, choice(tuple(GROUPS))] = "model") -> EffortRows:
    """Post-editing effort per model, lang, reviewer or article: segments, edited share, HTER, seconds."""
    return EffortRows(effort_rows(wb.store, by))


# --------------------------------------------------------------------------- the editor
@operation(page=True)
def review_view(wb: Workbench, *, article_id: ArticleId, author: Author = "") -> ReviewView:
    """The article for the editor: segments with each language's text, state, flags and confidence; summaries;
    per-language counts and what blocks approval; the author's drafts; what the flags and marks mean."""
    view = wb.article(article_id)
    return ReviewView(view.to_dict(), wb.drafts(article_id, author), {lang: review_counts(view, lang) for lang in TARGETS},
                      {lang: approval_problems(view, lang) for lang in TARGETS}, FLAG_HELP, list(BLOCKING), EXPLANATION,
                      LOW_CONFIDENCE, wb.store.read_only, author,
                      {lang: {seg: r.to_dict() for seg, r in units.items()} for lang, units in wb.risk(article_id).items()})


@operation(page=True, cli=True)
def unit_details(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language) -> UnitDetails:
    """One unit (a segment or "summary") in one language: source, machine output, current text, flags with their
    meaning, memory matches, glossary terms, the machine suggestions (`review.suggestions`) and the full history."""
    ref = wb.unit(article_id, unit, language)
    view = wb.article(article_id)
    current = view.unit(ref)
    source = "" if ref.segment_id is None else view.row(ref.segment_id).source_text
    machine = current.machine.text if current and current.machine else ""
    terms = [{"ar": " | ".join(t.ar), "forms": list(t.targets(language)), "note": t.note}
             for t in wb.glossary().find(source)] if source else []
    history = [{"id": h["id"], "created": h["created"][:19].replace("T", " "), "author": h["author"],
                "origin": h["origin"], "reviewed": bool(h.get("reviewed")), "text": h["text"]}
               for h in reversed(wb.history(article_id, ref.segment_id, language, ref.target))]
    return UnitDetails(
        unit=unit, lang=language, source=source, machine=machine, text=current.text if current else "",
        revision_id=current.revision_id if current else None, state=current.state if current else "untranslated",
        flags=list(current.flags) if current else [], blocking=list(current.blocking) if current else [],
        qa=list(current.qa) if current else [],
        confidence=least_sure_on_demand(current, lambda: wb.models.translator(language)),
        machine_diff_html=diff_html(machine, current.text if current else ""),
        matches=_matches(wb, source, ref) if source else [], terms=terms, history=history,
        suggestions=unit_suggestions(wb.store, article_id, ref.segment_id, language, current))


def saved(wb: Workbench, ref: UnitRef, recorded: workflow.Recorded) -> UnitSaved:
    """What a save answers (a `UnitChanged`): also the unit's current revision (`unchanged`: the save added none,
    the text was already current), the flags of the unit that block approval (`blocking`: the page warns when a
    confirmed text has one) and whether a pivot check was recorded."""
    return UnitSaved(**_saved_fields(wb, ref, recorded))


def unit_fields(view: ArticleView, ref: UnitRef) -> dict[str, Any]:
    """The fields of a `UnitChanged` for the unit `ref` of the article `view`."""
    summary = view.summaries.get(ref.lang)
    row = (summary.to_dict() if summary else None) if ref.segment_id is None else view.row(ref.segment_id).to_dict()
    return dict(unit=ref.unit, lang=ref.lang, row=row, status=dict(view.status),
                counts={lang: review_counts(view, lang) for lang in TARGETS},
                approval={lang: approval_problems(view, lang) for lang in TARGETS})


def _saved_fields(wb: Workbench, ref: UnitRef, recorded: workflow.Recorded) -> dict[str, Any]:
    unit = (view := wb.article(ref.article_id)).unit(ref)
    return dict(unit_fields(view, ref), revision_id=recorded.revision_id, unchanged=recorded.unchanged,
                blocking=list(unit.blocking) if unit else [], pivot_confirmed=recorded.pivot_confirmed)


def _matches(wb: Workbench, source: str, ref: UnitRef) -> list[dict[str, Any]]:
    """Fuzzy memory matches with the Arabic words that differ from this segment's marked."""
    return [{"score": score, "text": entry.text, "article_id": entry.article_id, "source": entry.source,
             "source_diff_html": diff_html(entry.source, source)}
            for entry, score in wb.memory(ref.lang).fuzzy(source, exclude_segment=ref.segment_id)]


@operation(page=True)
def save_unit(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, text: Text,
              base_revision_id: Revision = None, author: Author = "", reviewed: Flag = True,
              seconds_open: Seconds = None) -> UnitSaved:
    """Save a segment's or summary's text (as reviewed unless `reviewed` is false) based on the revision the
    editor opened; a save based on an older revision is refused and returns the other text, unless the text is
    the same (`unchanged`: no new revision)."""
    ref = wb.unit(article_id, unit, language)
    return saved(wb, ref, workflow.save(wb.store, ref, text, author=author, base_revision_id=base_revision_id,
                                        reviewed=reviewed, seconds_open=seconds_open))


@operation(page=True)
def confirm_unit(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, base_revision_id: Revision = None,
                 author: Author = "", seconds_open: Seconds = None) -> UnitSaved:
    """Confirm the text seen at `base_revision_id` unchanged as reviewed; a text already reviewed gets no new
    revision (`unchanged`), and one whose pivot language changed since is recorded as still correct."""
    ref = wb.unit(article_id, unit, language)
    return saved(wb, ref, workflow.confirm(wb.store, ref, author=author, base_revision_id=base_revision_id,
                                           seconds_open=seconds_open))


@operation(page=True)
def confirm_pivot(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, author: Author = "") -> UnitSaved:
    """Still correct: the segment's text fits its pivot language's (English's) current text; recorded, so its
    `stale_pivot` is gone until that text changes again. The text and its review state stay as they are."""
    ref = wb.unit(article_id, unit, language)
    return saved(wb, ref, workflow.confirm_pivot(wb.store, ref, author=author))


@operation(page=True)
def restore_unit(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, revision_id: Revision,
                 base_revision_id: Revision = None, author: Author = "") -> UnitRestored:
    """Put an old revision's text back as a new revision (origin "revert")."""
    ref = wb.unit(article_id, unit, language)
    if revision_id is None:
        raise BadArgument("revision_id: which revision to restore is missing")
    recorded = workflow.restore(wb.store, ref, revision_id, author=author, base_revision_id=base_revision_id)
    return UnitRestored(**_saved_fields(wb, ref, recorded), text=wb.store.revision(recorded.revision_id)["text"])


@operation(cli=True)
def compare(wb: Workbench, *, old_text: OptionalText, new_text: OptionalText) -> Compared:
    """A word diff of two texts as HTML (each at most the text limit, 100,000 characters unless configured); long,
    very different texts are compared by sentence or as a whole, which the HTML says (bounded work either way)."""
    return Compared(diff_html(old_text, new_text))


@operation(page=True)
def save_draft(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, text: Text,
               base_revision_id: Revision = None, author: Author = "") -> Done:
    """Keep unsaved text as the author's draft of the unit, with the revision it was typed on."""
    workflow.keep_draft(wb.store, wb.unit(article_id, unit, language), text, author=author,
                        base_revision_id=base_revision_id)
    return Done()


@operation(page=True)
def discard_draft(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, author: Author = "") -> Done:
    """Drop the author's draft of the unit."""
    workflow.drop_draft(wb.store, wb.unit(article_id, unit, language), author=author)
    return Done()


@operation(page=True)
def retranslate_unit(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language,
                     replace_edited: Flag = False) -> Retranslated:
    """New machine text for a segment or summary; a person's text is kept unless `replace_edited`."""
    ref = wb.unit(article_id, unit, language)
    if ref.segment_id is None:
        made = wb.summarize(article_id, language, replace_edited=replace_edited)
    else:
        made = bool(wb.retranslate(article_id, language, [ref.segment_id], replace_edited=replace_edited))
    return Retranslated(made, "New machine text stored." if made else "Kept the human text (ask to replace it).")


@operation(page=True)
def approve(wb: Workbench, *, article_id: ArticleId, language: Language, author: Author = "", override: Reason = "",
            seen_source: SourceHash = "", seen_revision: Revision = None) -> Approved:
    """Approve an article language (every segment reviewed, no blocking flag), or with an override reason. With
    `seen_source` (the article's `content_hash`) and `seen_revision` (the language's newest revision id, 0: none)
    as the page shows them, refused when the article changed since (a colleague's save, a new source): the
    approval is of what the reviewer saw."""
    seen = (seen_source, seen_revision or 0) if seen_source else None
    return Approved(wb.approve(article_id, language, author, override=override or None, seen=seen))


# --------------------------------------------------------------------------- the glossary
@operation()
def get_glossary(wb: Workbench) -> GlossaryTableAnswer:
    """The glossary's rows (ar, en, ru, note; variants separated by |) and its version, to save against."""
    return GlossaryTableAnswer(wb.glossary().to_rows(), glossary_version(wb.store))


@operation()
def save_glossary(wb: Workbench, *, rows: GlossaryTable, base_version: BaseVersion = "", author: Author = "") -> Result:
    """Replace the glossary with `rows` (ar, en, ru, note), saved against `base_version` (from /get_glossary):
    {ok, terms, version}, or {ok: false, conflict, current_version} when it was saved by someone else since (or no
    version was given); the replaced version is kept in the history, and QA flags use the new one at once."""
    if not base_version:
        return {"ok": False, "conflict": True, "error": NO_BASE, "current_version": glossary_version(wb.store)}
    return store_glossary(wb, rows, base_version, author)


def store_glossary(wb: Workbench, rows: list[list[str]], base_version: str | None, author: str) -> Result:
    """Save checked glossary rows (QA flags use them at once): `{ok, terms, version}`, or a conflict when someone
    else saved since `base_version` (None: no check, for a trusted caller); every version stays in the history."""
    try:
        glossary = save_rows(wb.store, rows, base_version=base_version, author=author)
    except GlossaryConflict as exc:
        return {"ok": False, "conflict": True, "error": str(exc), "current_version": exc.current_version}
    return {"ok": True, "terms": len(glossary), "version": glossary_version(wb.store)}
