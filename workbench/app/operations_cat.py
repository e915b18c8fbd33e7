"""The CAT editor's operations (issue 19, "what professionals expect"): comments with @mentions, flag dismissals,
propagation of repeated segments, concordance search, find and replace, match marks and presence.

Declared with `operation` like every other (`app/service.py`): typed parameters checked before the operation runs,
results are dicts with `ok`; all of them are the page's (`page=True`) and named endpoints for `gradio_client`. Every
text change goes through the write path (`review.workflow`, via `review.propagation` and `review.replace`);
comments, dismissals and propagation marks are the CAT records of `store.comments`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any

from ..languages import TARGETS
from ..review import comments as cat
from ..review import concordance as conc
from ..review import propagation, replace
from ..review.memory import FUZZY_CUTOFF, TranslationMemory, normalise
from ..review.model import ArticleView, Unit
from ..review.qa import FLAG_HELP
from ..units import UnitRef
from .api import Workbench
from .operations import UnitChanged, unit_fields
from .params import (
    ArticleId,
    Author,
    BadArgument,
    ClientToken,
    Flag,
    Language,
    Languages,
    OptionalUnit,
    Picks,
    Places,
    Record,
    Revision,
    UnitName,
    choice,
    count,
    text,
)
from .presence import HEARTBEAT_S, REGISTRY, TTL_S
from .service import Answer, operation

FlagName = Annotated[str, choice(tuple(FLAG_HELP))]
Comment = Annotated[str, text(4000)]
Find = Annotated[str, text(200)]
Replacement = Annotated[str, text(1000, optional=True)]
Search = Annotated[str, text(200, optional=True)]
DismissReason = Annotated[str, text(500, optional=True)]
Offset = Annotated[int | None, count(0, 10**9)]
Limit = Annotated[int | None, count(1, replace.MAX_PAGE)]


@dataclass(frozen=True)
class CommentAnswer(Answer):
    comment: dict[str, Any]
    comments: list[dict[str, Any]]  # the unit's comments, in order


@dataclass(frozen=True)
class Comments(Answer):
    comments: list[dict[str, Any]]  # each with the grid's `number` of its segment (None for a summary)


@dataclass(frozen=True)
class Mentions(Comments):
    name: str
    handles: list[str]


@dataclass(frozen=True)
class FlagsChanged(UnitChanged):
    dismissed: list[dict[str, Any]]


@dataclass(frozen=True)
class Concordance(Answer):
    query: str
    hits: list[dict[str, Any]]
    total: int


@dataclass(frozen=True)
class Presence(Answer):
    others: list[dict[str, Any]]
    heartbeat_s: float


@dataclass(frozen=True)
class CatView(Answer):
    """The CAT marks of an article (see `cat_view`)."""

    article_id: str
    comments: list[dict[str, Any]]
    units: dict[str, dict[str, dict[str, Any]]]  # language → unit → its marks
    repeats: dict[str, int]  # segment id → how many other rows have the same Arabic
    mentions: int
    handles: list[str]
    heartbeat_s: float
    presence_ttl_s: float


@dataclass(frozen=True)
class Repetitions(Answer):
    revision_id: int | None  # the unit's current revision, to pass to `propagate`
    candidates: list[dict[str, Any]]
    text: str | None = None  # the unit's current text (None: it has none, or it is a summary)
    more: bool = False  # more candidates than MAX_TARGETS


@dataclass(frozen=True)
class Propagated(Answer):
    given: list[dict[str, Any]]  # the units given the text, with their new revision
    skipped: list[dict[str, Any]]  # the units left alone, with why


@dataclass(frozen=True)
class ReplacePreview(Answer):
    changes: list[dict[str, Any]]
    count: int  # matches over the article language
    units: int  # units with a match
    offset: int
    limit: int
    more: bool  # a later page has units


@dataclass(frozen=True)
class Replaced(Answer):
    changed: list[dict[str, Any]]  # the units changed, with their new revision
    skipped: list[dict[str, Any]]  # the units left alone, with why


MAX_VIEW_COMMENTS = 1000
FUZZY_BUDGET_S = 1.5  # how long cat_view may spend finding fuzzy memory matches for an article's open units


# --------------------------------------------------------------------------- what the grid shows
@operation(page=True)
def cat_view(wb: Workbench, *, article_id: ArticleId, author: Author = "") -> CatView:
    """The CAT marks of an article for the grid: its comments (newest MAX_VIEW_COMMENTS), per language and unit
    the dismissed flags, whether the text was propagated, the match (machine with its model, memory 100 %, a
    fuzzy memory match NN % on offer, human), how many other rows have the same Arabic; how many unresolved
    comments mention `author`; how often the page should send its presence heartbeat."""
    view = wb.article(article_id)
    groups: dict[str, list[str]] = {}
    for row in view.translatable:
        groups.setdefault(propagation.source_key(row.source_text), []).append(row.id)
    repeats = {seg: len(ids) - 1 for ids in groups.values() if len(ids) > 1 for seg in ids}
    return CatView(article_id, [c.to_dict() for c in view.comments[-MAX_VIEW_COMMENTS:]],
                   {lang: _marks(wb, view, lang) for lang in TARGETS}, repeats, len(cat.mentions_for(wb.store, author)),
                   cat.handles(author), HEARTBEAT_S, TTL_S)


def _marks(wb: Workbench, view: ArticleView, lang: str) -> dict[str, dict[str, Any]]:
    """unit → its marks, for the units of one language that have text."""
    out: dict[str, dict[str, Any]] = {}
    units: list[tuple[str, Unit | None]] = [("summary", view.summaries.get(lang))]
    units += [(row.id, unit) for row, unit in view.units(lang)]
    for name, unit in units:
        if unit is not None:
            out[name] = {"match": unit.match, "propagated": unit.propagated,
                         "model": unit.machine.provenance.model if unit.machine and unit.match == "machine" else None,
                         "dismissed": [d.to_dict() for d in unit.dismissed]}
    open_rows = [(row.id, row.source_text) for row, unit in view.units(lang)
                 if unit is not None and unit.match == "machine" and not unit.reviewed]
    for name, score in _best_fuzzy(wb.memory(lang), open_rows).items():
        out[name]["fuzzy"] = score
    return out


def _best_fuzzy(memory: TranslationMemory, rows: list[tuple[str, str]]) -> dict[str, float | None]:
    """The best fuzzy memory score (≥ FUZZY_CUTOFF, or None) of each (segment id, source), its own entry left
    out, within FUZZY_BUDGET_S (rows not reached then get no mark: the details panel still lists the matches)."""
    from rapidfuzz import fuzz, process

    if not len(memory) or not rows:
        return {}
    keys = [e.key for e in memory.entries]
    out: dict[str, float | None] = {}
    deadline = time.monotonic() + FUZZY_BUDGET_S
    for seg_id, source in rows:
        if time.monotonic() > deadline:
            break
        found = process.extract(normalise(source), keys, scorer=fuzz.ratio, limit=2, score_cutoff=FUZZY_CUTOFF)
        best = next((score for _, score, i in found if memory.entries[i].segment_id != seg_id), None)
        out[seg_id] = round(best, 1) if best is not None else None
    return out


# --------------------------------------------------------------------------- comments
def _unit_comments(view_comments: list[cat.Comment], ref: UnitRef) -> list[dict[str, Any]]:
    return [c.to_dict() for c in view_comments if c.unit == ref.unit and c.lang == ref.lang]


@operation(page=True)
def add_comment(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, text: Comment,
                author: Author = "") -> CommentAnswer:
    """A comment on a segment or the summary in one language (at most 4,000 characters); `@name` in it mentions
    a reviewer. Returns the comment and the unit's comments."""
    ref = wb.unit(article_id, unit, language)
    made = cat.add_comment(wb.store, ref, text, author=author)
    return CommentAnswer(made.to_dict(), _unit_comments(cat.article_comments(wb.store, article_id), ref))


@operation(page=True)
def resolve_comment(wb: Workbench, *, article_id: ArticleId, comment_id: Record, resolved: Flag = True,
                    author: Author = "") -> CommentAnswer:
    """Resolve (or, with `resolved` false, reopen) one of the article's comments; who did it is recorded."""
    done = cat.resolve(wb.store, article_id, comment_id, resolved, author=author)
    ref = UnitRef.named(article_id, done.unit, done.lang)
    return CommentAnswer(done.to_dict(), _unit_comments(cat.article_comments(wb.store, article_id), ref))


def _placed(wb: Workbench, found: list[cat.Comment]) -> list[dict[str, Any]]:
    """Comments with the grid's number of their segment (None for a summary)."""
    numbers: dict[str, dict[str, int]] = {}
    for article_id in dict.fromkeys(c.article_id for c in found):
        rows = [s for s in wb.store.segments(article_id) if s["kind"] != "meta"]
        numbers[article_id] = {s["id"]: n for n, s in enumerate(rows, 1)}
    return [{**c.to_dict(), "number": numbers[c.article_id].get(c.unit)} for c in found]


@operation(page=True, cli=True)
def mentions(wb: Workbench, *, author: Author = "", include_resolved: Flag = False) -> Mentions:
    """The comments that mention `author` (@ the whole name with spaces as _, or its first word), newest first;
    unresolved ones unless `include_resolved`."""
    found = cat.mentions_for(wb.store, author, include_resolved=include_resolved)
    return Mentions(_placed(wb, found), author, list(cat.handles(author)))


@operation(page=True, cli=True)
def search_comments(wb: Workbench, *, query: Search = "") -> Comments:
    """Comments (in every article) whose text or author contains `query`, newest first (at most 100)."""
    found = cat.find(wb.store, query)
    return Comments(_placed(wb, found))


# --------------------------------------------------------------------------- flags
def _unit_answer(wb: Workbench, ref: UnitRef) -> FlagsChanged:
    """What a change of a unit's flags answers: its row, the status, counts and approval blockers (as a save)."""
    unit = (view := wb.article(ref.article_id)).unit(ref)
    return FlagsChanged(**unit_fields(view, ref), dismissed=[d.to_dict() for d in unit.dismissed] if unit else [])


@operation(page=True)
def dismiss_flag(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, flag: FlagName,
                 reason: DismissReason = "", author: Author = "") -> FlagsChanged:
    """Dismiss one flag of a unit's current text as a false positive, with a reason (recorded, shown, reversible
    with restore_flag); it no longer blocks approval. A changed text brings the flag back if the checks raise it."""
    ref = wb.unit(article_id, unit, language)
    current = wb.article(article_id).unit(ref)
    if current is None:
        raise cat.CommentError("this unit has no text yet")
    cat.dismiss(wb.store, ref, flag, reason, text=current.text, revision_id=current.revision_id, flags=current.flags,
                dismissed=[d.flag for d in current.dismissed], author=author)
    return _unit_answer(wb, ref)


@operation(page=True)
def restore_flag(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, flag: FlagName,
                 author: Author = "") -> FlagsChanged:
    """Take back the dismissal of a flag: it counts again (who took it back is recorded)."""
    ref = wb.unit(article_id, unit, language)
    cat.restore_flag(wb.store, ref, flag, author=author)
    return _unit_answer(wb, ref)


# --------------------------------------------------------------------------- repeated segments
def _drafts_of(wb: Workbench, author: str) -> Any:
    return lambda article_id: frozenset(d["unit"] for d in wb.drafts(article_id, author))


@operation(page=True)
def repetitions(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, corpus: Flag = False,
                author: Author = "") -> Repetitions:
    """The segments with the same Arabic as this one (in the article; with `corpus`, in every article) that could
    be given its current text: open to propagation (no person's text, not approved, no draft of `author`) and not
    holding that text already. Each with the revision to pass to `propagate`."""
    ref = wb.unit(article_id, unit, language)
    current = wb.article(article_id).unit(ref)
    if ref.segment_id is None or current is None:
        return Repetitions(current.revision_id if current else None, [])
    source = wb.article(article_id).row(ref.segment_id).source_text
    drafts = _drafts_of(wb, author)
    found = propagation.candidates_in(wb.article(article_id), language, source, current.text, skip=ref.segment_id,
                                      drafts=drafts(article_id))
    if corpus:
        for other in propagation.corpus_articles(wb.store, source, article_id):
            found += propagation.candidates_in(wb.article(other), language, source, current.text, drafts=drafts(other))
    return Repetitions(current.revision_id, [c.to_dict() for c in found[:propagation.MAX_TARGETS]], current.text,
                       len(found) > propagation.MAX_TARGETS)


@operation(page=True)
def propagate(wb: Workbench, *, article_id: ArticleId, unit: UnitName, language: Language, revision_id: Revision,
              targets: Places, author: Author = "") -> Propagated:
    """Give the segment's saved text (`revision_id`, its current one, a person's) to the repeated segments
    `targets` ([article id, segment id, the revision `repetitions` showed] each): one revision each, state edited,
    marked propagated; a unit that changed since, or holds a person's text, is skipped and said so."""
    ref = wb.unit(article_id, unit, language)
    if revision_id is None:
        raise BadArgument("revision_id: which saved revision to propagate is missing")
    for other, segment, _ in targets:
        wb.unit(other, segment, language)  # known articles and their own segments only
    report = propagation.propagate(wb.store, wb.article, ref, revision_id, targets, author=author,
                                   drafts_of=_drafts_of(wb, author))
    return Propagated(report.given, report.skipped)


# --------------------------------------------------------------------------- concordance, find and replace
@operation(page=True, cli=True)
def concordance(wb: Workbench, *, query: Search = "", languages: Languages = TARGETS) -> Concordance:
    """The translation memory's pairs (Arabic source, reviewed translation) whose source or translation contains
    `query` (Arabic, English or Russian; 2–200 characters; case, diacritics and letter forms folded): at most 50,
    whole-word hits first, each with where the query occurs (`source_spans`, `text_spans`), and the total."""
    try:
        hits, total = conc.search({lang: wb.memory(lang) for lang in languages}, query)
    except conc.ConcordanceError as exc:
        raise BadArgument(f"query: {exc}") from None
    return Concordance(query, [h.to_dict() for h in hits], total)


def _search(find: str, replacement: str, match_case: bool, whole_word: bool) -> replace.Search:
    return replace.Search(find, replacement, match_case=match_case, whole_word=whole_word)




@operation(page=True, cli=True)
def replace_preview(wb: Workbench, *, article_id: ArticleId, language: Language, find: Find,
                    replacement: Replacement = "", match_case: Flag = False, whole_word: Flag = False,
                    offset: Offset = None, limit: Limit = None) -> ReplacePreview:
    """The units of the article language whose current text contains `find` (plain text), a page at a time
    (`limit` units, 50 unless given, at most 100, from `offset`): each with the revision the preview was made on,
    its matches (`count`), its length now and after (`length`, `new_length`) and an excerpt from `start` (at most
    2,000 characters around its first 20 matches; `whole` when that is all of it) before and after the change,
    with the places that change. `units` and `count` are the totals over the article language, `more` whether a
    later page has units. Nothing is written."""
    found = replace.preview(wb.article(article_id), language, _search(find, replacement, match_case, whole_word),
                            offset or 0, limit or replace.PAGE)
    return ReplacePreview(**found.to_dict(replacement))


@operation(page=True)
def replace_apply(wb: Workbench, *, article_id: ArticleId, language: Language, find: Find, replacement: Replacement,
                  match_case: Flag, whole_word: Flag, picks: Picks, author: Author = "") -> Replaced:
    """Replace in the picked units ([unit, the revision its preview showed] each): one revision per changed unit
    through the normal save path (state edited); a unit saved since the preview is a conflict and is skipped, as
    is one where `author` has an unsaved draft."""
    drafts = frozenset(d["unit"] for d in wb.drafts(article_id, author))
    report = replace.apply(wb.store, wb.article(article_id), language,
                           _search(find, replacement, match_case, whole_word), picks, author=author, drafts=drafts)
    return Replaced(report.changed, report.skipped)


# --------------------------------------------------------------------------- presence
@operation(page=True)
def presence(wb: Workbench, *, article_id: ArticleId, client: ClientToken, editing: OptionalUnit = "",
             language: Language = "en", author: Author = "") -> Presence:
    """Heartbeat of one open page (`client`: the tab's own token): it has the article open, editing the unit
    `editing` in `language` (or only looking). Returns who else has the article open (kept in the server's
    memory for TTL_S (5 s) after their last heartbeat; nothing is stored)."""
    wb.check_ids([article_id])
    if editing:
        wb.unit(article_id, editing, language)
    return Presence(REGISTRY.heartbeat(client, article_id, author, editing, language), HEARTBEAT_S)


@dataclass(frozen=True)
class Left(Answer):
    client: str


@operation(page=True)
def leave_page(wb: Workbench, *, client: ClientToken) -> Left:
    """A page going away (its tab closed, another page opened in it): it is no longer anyone's colleague at once,
    not after the heartbeats stop for TTL_S. The token is the tab's own and never shown to another page."""
    REGISTRY.leave(client)
    return Left(client)


# --------------------------------------------------------------------------- live: what changed in an article
MAX_LIVE_COMMENTS = 1000  # as many as the page's CAT view holds


@dataclass(frozen=True)
class Changes(Answer):
    article_id: str
    revision: int  # the newest revision id among the article's units
    comments: list[dict[str, Any]]
    mentions: int  # unresolved comments that mention the reader
    status: dict[str, str]


@operation(page=True)
def changes(wb: Workbench, *, article_id: ArticleId, author: Author = "") -> Changes:
    """What an article holds now, for the open page's poll every 2 s (a team that sees itself live): the newest
    revision id, its comments, how many unresolved comments mention the reader (`author`; the login with
    --auth), its statuses. Read-only: three small queries. A poll through the page's own server function rather
    than a `gr.Timer` (which would redraw Gradio components for nothing) or a stream held per tab."""
    wb.check_ids([article_id])
    revisions = wb.store.current_revisions(article_id)
    return Changes(article_id, max((int(r["id"]) for r in revisions.values()), default=0),
                   [c.to_dict() for c in cat.article_comments(wb.store, article_id)[-MAX_LIVE_COMMENTS:]],
                   len(cat.mentions_for(wb.store, author)), wb.store.statuses(article_id))
