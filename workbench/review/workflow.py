"""The one write path: every change of stored text or status goes through here.

Machine outputs (batch runs, re-translation, summaries, `ingest`, the Ray article stage), a person's revisions
(save, confirm, restore, XLIFF import), drafts, "the pivot text changed but this is still correct", and the
article-language statuses (with an approval taken back when an import changed the article's source:
`source_changed`, which the store's importer is handed). Nothing else calls the store's write methods
(`tests/test_workflow.py` reads the source to show it), so the rules live in one place:

- `TRANSITIONS`: which event moves an article language's status from which status to which. A write and the status
  change it causes are one transaction.
- A save whose text is already the unit's current text is no conflict, even when it was typed on an older
  revision, and adds no revision (`unchanged`) unless it changes something (confirms a text not yet reviewed, or
  makes a machine's text a person's): confirming text already reviewed adds none.
- A confirm confirms the text the reviewer saw (its base revision's): a colleague's save of the same text in
  between is no conflict, one of another text is.
- A person's revision of a unit made through a pivot language records the pivot text it was written against, and
  "still correct" (`confirm_pivot`, or confirming a reviewed unit again) records the current one: `stale_pivot`
  (`review.states.pivot_is_stale`) is then gone until the pivot text changes again.

QA flags are computed when the article is read, on the current text (`review.views`); a machine output keeps only
what its provenance says of the model (`meaningless_model`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConflictError, WorkbenchError
from ..languages import STATUSES, check_target
from ..store import UNSEEN, MachineOutputRecord, Store, outbox, reads, suggestions
from ..store.suggestions import SuggestionRecord
from ..units import UnitRef
from .glossary import Glossary
from .states import ApprovalRefused, ApprovalStale, approval_problems, pivot_is_stale
from .views import article_view

WORKBENCH = "workbench"  # the author of the status changes that runs make
PERSON_KINDS = ("human", "revert", "xliff")  # the origins of a person's revision: typed, restored, imported

# event → {from status: to status}. A status an event does not list stays as it is.
TRANSITIONS: dict[str, dict[str, str]] = {
    # machine text stored for some unit of the language (batch, re-translate, summarize, ingest, Ray)
    "machine_text": {"new": "machine", "approved": "in_review"},
    # a person's revision: save, confirm, restore, XLIFF import
    "person_text": {"new": "in_review", "machine": "in_review", "approved": "in_review"},
    # the article's source text changed (a re-import of a changed file, `import https://…` of an updated page):
    # an approval was of the old text, so the language is reviewed again (its `reopened` note says why)
    "source_changed": {"approved": "in_review"},
    # a reviewer says a text is still correct for the changed pivot language; a draft is kept or dropped
    "pivot_confirmed": {},
    "draft": {},
    # an approval that passed the approval rules (or has an override reason): see `approve`
    "approve": dict.fromkeys(STATUSES, "approved"),
    # a person sets the status by hand (`workbench mark`)
    "mark_new": dict.fromkeys(STATUSES, "new"),
    "mark_machine": dict.fromkeys(STATUSES, "machine"),
    "mark_in_review": dict.fromkeys(STATUSES, "in_review"),
}


@dataclass(frozen=True)
class Recorded:
    """What a person's write did: the unit's current revision after it, whether it added none (`unchanged`: the
    text was already current), the language's status after it, and whether a pivot check was recorded."""

    revision_id: int
    unchanged: bool
    status: str
    pivot_confirmed: bool = False


# --------------------------------------------------------------------------- statuses
def move(store: Store, article_id: str, lang: str, event: str, author: str | None, *,
         override: str | None = None, reason: str | None = None) -> str:
    """Apply `event` to the article language's status (TRANSITIONS), in one transaction; the status after it."""
    moves = TRANSITIONS[event]
    with store.transaction():
        current = store.statuses(article_id).get(lang, "new")
        to = moves.get(current)
        if to is None:
            return current
        return store.set_status(article_id, lang, to, author, override=override, reason=reason)


SOURCE_CHANGED = "source changed"  # the `reopened` note of a language whose approval a changed source took back


def source_changed(store: Store, article_id: str) -> list[str]:
    """The article's source text was just replaced (`store.importer`, in the import's transaction): every approved
    language goes back to review (`source_changed`), and the webhook hears of each as `reopened`. The languages
    reopened."""
    with store.transaction():
        reopened = [lang for lang, status in sorted(store.statuses(article_id).items()) if status == "approved"
                    and move(store, article_id, lang, "source_changed", WORKBENCH, reason=SOURCE_CHANGED) != status]
        for lang in reopened:  # in the outbox with the change, sent by the newsroom's delivery loop
            outbox.record_event(store, "reopened", {"article_id": article_id, "lang": lang, "reason": SOURCE_CHANGED})
    return reopened


def status_of(store: Store, article_id: str, lang: str) -> str:
    return store.statuses(article_id).get(lang, "new")


def approve(store: Store, article_id: str, lang: str, author: str | None = None, *, override: str | None = None,
            glossary: Glossary | None = None, seen: tuple[str, int] | None = None) -> str:
    """Approve an article language: refused (ApprovalRefused, saying what is missing) unless every segment is
    reviewed and no blocking flag remains; `override` (a reason) approves anyway and is recorded with what it went
    past. The rules are checked in the same transaction as the approval. `seen` (the source hash and the language's
    newest revision id, 0 for none, that the approver was shown) must still be what is stored, override or not:
    an approval is of what was seen (ApprovalStale otherwise)."""
    lang = check_target(lang)
    with store.transaction():
        if seen is not None:
            source, revision = store.approval_view(article_id, lang)
            if (source, revision or 0) != (seen[0], seen[1]):
                raise ApprovalStale(f"{article_id} {lang} changed since you opened it ("
                                    + ("a new source" if source != seen[0] else "a newer text was saved")
                                    + "): reload it, read the change and approve again")
        problems = approval_problems(article_view(store, article_id, glossary=glossary), lang)
        if problems and not (override or "").strip():
            raise ApprovalRefused(f"{article_id} {lang} cannot be approved yet: " + "; ".join(problems)
                                  + " (review them, or approve with an override reason)")
        note = f"{(override or '').strip()} [{'; '.join(problems)}]" if problems else None
        status = move(store, article_id, lang, "approve", author, override=note)
        # the `approved` event for the data home's webhook, if any: in the outbox with the approval, sent by the newsroom
        outbox.record_event(store, "approved", {"article_id": article_id, "lang": lang, "author": author,
                                                "override": bool(note)})
    return status


def mark(store: Store, article_id: str, lang: str, status: str, author: str | None = None, *,
         override: str | None = None, glossary: Glossary | None = None) -> str:
    """Set a language's status by hand; "approved" goes through the approval rules (see `approve`)."""
    check_target(lang)
    if status not in STATUSES:
        raise WorkbenchError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    if status == "approved":
        return approve(store, article_id, lang, author, override=override, glossary=glossary)
    return move(store, article_id, lang, f"mark_{status}", author)


# --------------------------------------------------------------------------- machine outputs and runs
def record_machine_outputs(store: Store, records: Sequence[MachineOutputRecord]) -> list[int | None]:
    """Store machine outputs (each only while its unit is what its run saw, see `MachineOutputRecord`) and move
    the status of every article language that got one, in one transaction. Each record's machine output id, or
    None where its unit was kept; a record whose text is already its unit's current machine text writes nothing
    and answers that output's id."""
    with store.transaction():
        same = [_same_as_current(store, r) for r in records]
        fresh = [r for r, s in zip(records, same, strict=True) if s is None]
        made = iter(store.add_machine_outputs(fresh) if fresh else [])
        ids = [next(made) if s is None else s for s in same]
        stored = dict.fromkeys((r.article_id, r.lang) for r, s, i in zip(records, same, ids, strict=True)
                               if s is None and i is not None)
        for article_id, lang in stored:
            move(store, article_id, lang, "machine_text", WORKBENCH)
    return ids


def _same_as_current(store: Store, rec: MachineOutputRecord) -> int | None:
    """The machine output id of `rec`'s unit's current revision when that is a machine's (or the memory's) with
    `rec`'s very text, and the one the run saw: a re-translation that changed nothing writes no revision, so a
    draft typed on it meets no conflict against the same words (issue 29). None otherwise."""
    current = store.latest_revision(rec.article_id, rec.target, rec.segment_id, rec.lang)
    if current is None or current["machine_output_id"] is None or current["origin"] in PERSON_KINDS:
        return None
    if rec.seen_revision_id not in (UNSEEN, current["id"]) or current["text"] != rec.text:
        return None
    made = store.latest_machine_output(rec.article_id, rec.target, rec.segment_id, rec.lang)
    if made is None or made["id"] != current["machine_output_id"] or made["input_text"] != rec.input_text:
        return None  # the same words from another input (a corrected pivot) are a new output: its input is recorded
    return int(current["machine_output_id"])


def record_suggestions(store: Store, records: Sequence[SuggestionRecord]) -> list[int | None]:
    """Store a second translator's outputs beside their units' text (`store.suggestions`): no revision and no status
    changes, the unit's text stays what it is. Each record's id, or None where it was already there."""
    return suggestions.add(store, list(records))


def run_finished(store: Store, article_id: str, lang: str, failure: str | None) -> None:
    """A run over one article language ended: remember why it failed (`failure`), or that it did not."""
    if failure:
        store.record_failure(article_id, lang, failure[:500])
    else:
        store.clear_failures(article_id, lang)


# --------------------------------------------------------------------------- a person's revisions
def _revision_of(store: Store, ref: UnitRef, revision_id: int | None) -> dict[str, Any] | None:
    """Revision `revision_id` if it is one of this unit's (None otherwise)."""
    if revision_id is None:
        return None
    return reads.unit_revision(store, ref.article_id, ref.target, ref.segment_id, ref.lang, revision_id)


def _based_here(store: Store, ref: UnitRef, base_revision_id: int | None, current: dict[str, Any]) -> bool:
    """Whether a write names no base revision, or one of this unit's (another unit's is a conflict as ever)."""
    return base_revision_id in (None, current["id"]) or _revision_of(store, ref, base_revision_id) is not None


def save(store: Store, ref: UnitRef, text: str, *, author: str, base_revision_id: int | None,
         reviewed: bool = False, seconds_open: float | None = None, origin: str = "human") -> Recorded:
    """A person's text for a unit, typed on `base_revision_id`: a new revision, or ConflictError when the unit got
    another text since. Text equal to the current text is never a conflict, and adds a revision only when it
    changes something: it confirms (`reviewed`) a text not yet reviewed, or makes a machine's text a person's;
    otherwise nothing is added (`unchanged`; the author's draft is dropped). `origin`: human, revert (restore) or
    xliff (import)."""
    if origin not in PERSON_KINDS:
        raise WorkbenchError(f"a person's revision has origin {', '.join(PERSON_KINDS)}, not {origin!r}")
    with store.transaction():
        current = store.latest_revision(ref.article_id, ref.target, ref.segment_id, ref.lang)
        if current is not None and current["text"] == text and _based_here(store, ref, base_revision_id, current):
            if not (reviewed and not current["reviewed"]) and current["origin"] in PERSON_KINDS:
                store.discard_draft(ref.article_id, ref.segment_id, ref.lang, author, ref.target)
                confirmed = reviewed and _confirm_if_stale(store, ref, author)
                return Recorded(current["id"], True, status_of(store, ref.article_id, ref.lang), confirmed)
            base_revision_id = current["id"]  # the same text: confirming it overwrites nobody
        revision = store.save_revision(ref.article_id, ref.segment_id, ref.lang, text, author=author,
                                       base_revision_id=base_revision_id, target=ref.target, origin=origin,
                                       seconds_open=seconds_open, reviewed=reviewed)
        checked = _check_pivot(store, ref, author, "saved")
        return Recorded(revision, False, move(store, ref.article_id, ref.lang, "person_text", author), checked)


def confirm(store: Store, ref: UnitRef, *, author: str, base_revision_id: int | None,
            seconds_open: float | None = None) -> Recorded:
    """Confirm, unchanged, the text the reviewer saw (the base revision's) as reviewed. A colleague's save of the
    same text since is no conflict; a text already reviewed gets no new revision (`unchanged`), and if its pivot
    language changed since, confirming it again says it is still correct."""
    with store.transaction():
        current = store.latest_revision(ref.article_id, ref.target, ref.segment_id, ref.lang)
        if current is None:
            raise WorkbenchError("nothing to confirm: this unit has no text yet")
        seen = current if base_revision_id == current["id"] else _revision_of(store, ref, base_revision_id)
        if seen is None:
            raise ConflictError(base_revision_id, current["id"], current["text"], current["author"])
        return save(store, ref, seen["text"], author=author, base_revision_id=base_revision_id, reviewed=True,
                    seconds_open=seconds_open)


def restore(store: Store, ref: UnitRef, revision_id: int, *, author: str, base_revision_id: int | None) -> Recorded:
    """Put an old revision's text back as a new revision (origin "revert")."""
    old = _revision_of(store, ref, revision_id)
    if old is None:
        raise WorkbenchError(f"revision {revision_id} belongs to another segment or language")
    return save(store, ref, old["text"], author=author, base_revision_id=base_revision_id, origin="revert")


# --------------------------------------------------------------------------- pivot checks
def _pivot_state(store: Store, ref: UnitRef) -> tuple[str, dict[str, Any], bool] | None:
    """For a segment made through a pivot language: (that language, its current revision, whether the unit is
    stale against it); None for any other unit, or while the pivot language has no text."""
    if ref.segment_id is None:
        return None
    made = store.latest_machine_output(ref.article_id, ref.target, ref.segment_id, ref.lang)
    pivot = (made or {}).get("provenance", {}).get("pivot") if made else None
    if not pivot or not isinstance(pivot.get("via"), str) or pivot["via"] == ref.lang:
        return None
    via = store.latest_revision(ref.article_id, "segment", ref.segment_id, pivot["via"])
    if via is None:
        return None
    check = store.pivot_checks(ref.article_id).get((ref.segment_id, ref.lang))
    assert made is not None
    stale = pivot_is_stale(via["text"], made["input_text"], pivot.get("input_revision_id"), check)
    return pivot["via"], via, stale


def _check_pivot(store: Store, ref: UnitRef, author: str, kind: str) -> bool:
    """Record the pivot text a person wrote or confirmed the unit against; False when it has no pivot."""
    state = _pivot_state(store, ref)
    if state is None or ref.segment_id is None:
        return False
    via, revision, _ = state
    store.add_pivot_check(ref.article_id, ref.segment_id, ref.lang, via, revision["id"], author, kind)
    return True


def _confirm_if_stale(store: Store, ref: UnitRef, author: str) -> bool:
    state = _pivot_state(store, ref)
    return bool(state and state[2]) and _check_pivot(store, ref, author, "confirmed")


def confirm_pivot(store: Store, ref: UnitRef, *, author: str) -> Recorded:
    """Still correct: the unit's text fits its pivot language's current text. Recorded, so `stale_pivot` is gone
    until the pivot text changes again; the unit's text and review state stay as they are."""
    with store.transaction():
        current = store.latest_revision(ref.article_id, ref.target, ref.segment_id, ref.lang)
        if current is None or not _check_pivot(store, ref, author, "confirmed"):
            raise WorkbenchError("this unit was not made from another language's text: there is no pivot to confirm")
        return Recorded(current["id"], True, status_of(store, ref.article_id, ref.lang), True)


# --------------------------------------------------------------------------- drafts
def keep_draft(store: Store, ref: UnitRef, text: str, *, author: str, base_revision_id: int | None) -> None:
    """Keep unsaved text (replaces the author's previous draft of the unit; dropped when the unit is saved).
    `base_revision_id` is the revision the text was typed on: one of this unit's, or None."""
    if base_revision_id is not None and _revision_of(store, ref, base_revision_id) is None:
        raise WorkbenchError(f"revision {base_revision_id} is not a revision of this unit")
    store.save_draft(ref.article_id, ref.segment_id, check_target(ref.lang), author, text, base_revision_id,
                     ref.target)


def drop_draft(store: Store, ref: UnitRef, *, author: str) -> None:
    store.discard_draft(ref.article_id, ref.segment_id, ref.lang, author, ref.target)
