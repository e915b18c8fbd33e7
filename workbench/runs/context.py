"""What a run knows of an article (`Snapshot`) and what a translator is told about each segment (`requests_for`).

A snapshot is one reading of an article: its translatable segments and title, read once, and its units' current
revisions and latest machine outputs, read again when a run decides what to make in a language (`refresh`) and
kept up to date with what the run stores (`add`), so that the store is not read again for every chunk.

A request carries the segment's input (the Arabic, or the current text of the pivot language). An LLM translator
(`Translator.uses_context`) is also told the article's title in that language, the `context_segments`
translatable segments before it with their current translation (a person's text where there is one, since a run
never writes over it, else the machine's; a segment not yet translated is given without one) and the glossary
terms that occur in the segment: for Arabic input the terms whose Arabic form it contains, for a pivot language's
text the terms whose form in that language it contains, each with its forms in the target language. A sentence
translator (Marian) is given the text alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..choice.plan import LanguagePlan
from ..errors import ArticleNotFound
from ..languages import SOURCE_LANG
from ..models.base import Request
from ..review.glossary import Glossary, Term
from ..review.glossary import load as load_glossary
from ..store import MachineOutputRecord, Store
from ..store.database import Unit

TRANSLATABLE = ("title", "heading", "body")
Input = tuple[dict[str, Any], str, int | None]  # (segment, text given to the model, pivot revision id)
Current = dict[Unit, dict[str, Any]]  # Store.current_revisions: what a run saw when it decided


def translatable_segments(store: Store, article_id: str) -> list[dict[str, Any]]:
    return [s for s in store.segments(article_id) if s["kind"] in TRANSLATABLE]


@dataclass
class Snapshot:
    """One reading of an article (see the module's docstring)."""

    article_id: str
    segments: list[dict[str, Any]]  # the translatable ones, in order
    title: str  # the article's stored title (a request's title when the title segment has no text in its language)
    current: Current
    machine: dict[Unit, dict[str, Any]]  # Store.latest_machine_outputs
    fresh: bool = True  # read and not yet decided on: a run's first decision need not read the units again

    @classmethod
    def load(cls, store: Store, article_id: str) -> Snapshot:
        try:
            title = str(store.article(article_id).get("title") or "")
        except ArticleNotFound:  # nothing to translate: its segments are none
            title = ""
        return cls(article_id, translatable_segments(store, article_id), title, store.current_revisions(article_id),
                   store.latest_machine_outputs(article_id))

    def refresh(self, store: Store) -> Current:
        """Read the units' current revisions and machine outputs again (a run decides a language from them)."""
        self.current = store.current_revisions(self.article_id)
        self.machine = store.latest_machine_outputs(self.article_id)
        return self.current

    def decide(self, store: Store) -> Current:
        """The units as they are now: the snapshot's own reading for the first decision, else read again."""
        current = self.current if self.fresh else self.refresh(store)
        self.fresh = False
        return current

    def add(self, records: list[MachineOutputRecord]) -> None:
        """Outputs the run stored: the segments after them see them as their current text."""
        for r in records:
            self.current[("segment", str(r.segment_id), r.lang)] = {"text": r.text, "origin": "machine"}

    def text(self, segment: dict[str, Any], lang: str) -> str:
        """A segment's text in `lang`: the Arabic source, or its current revision ("" when it has none)."""
        if lang == SOURCE_LANG:
            return str(segment["source_text"])
        rev = self.current.get(("segment", segment["id"], lang))
        return str(rev["text"]) if rev else ""


def glossary_of(store: Store) -> Glossary:
    """The glossary's terms, then the entity ledger's confirmed forms the glossary has no term for (so an LLM
    prompt names a person, place or organisation the way the ledger does)."""
    from ..review.glossary import normalise_arabic
    from ..review.ledger import prompt_terms

    glossary = load_glossary(store)
    known = {normalise_arabic(a) for term in glossary.terms for a in term.ar}
    extra = [t for t in prompt_terms(store) if not known & {normalise_arabic(a) for a in t.ar}]
    return Glossary([*glossary.terms, *extra]) if extra else glossary


def term_pairs(glossary: Glossary, text: str, source: str, target: str) -> tuple[tuple[str, str], ...]:
    """The glossary terms occurring in `text` (written in `source`), as (the form found, the target forms)."""
    found: list[Term] = glossary.find(text) if source == SOURCE_LANG else glossary.named_in(text, source)
    out = []
    for term in found:
        forms = term.targets(target)
        if not forms:
            continue
        shown = term.ar[0] if source == SOURCE_LANG else _form_in(term.targets(source), text)
        out.append((shown, " / ".join(forms)))
    return tuple(dict.fromkeys(out))


def _form_in(forms: tuple[str, ...], text: str) -> str:
    lower = text.lower()
    return next((f for f in forms if f.lower() in lower), forms[0])


def glossary_for(store: Store, lang: LanguagePlan) -> Glossary:
    """The glossary a language's requests are made with: the store's (with the ledger's confirmed forms) for an
    LLM translator, else none."""
    return glossary_of(store) if lang.translator.uses_context else Glossary([])


def requests_for(snapshot: Snapshot, lang: LanguagePlan, part: list[Input], glossary: Glossary) -> list[Request]:
    """The requests of one chunk of segments (see the module's docstring)."""
    if not lang.translator.uses_context:
        return [Request(text) for _, text, _ in part]
    keep = int(getattr(lang.translator.options, "context_segments", 0))
    segments = snapshot.segments
    order = {s["id"]: i for i, s in enumerate(segments)}
    title_seg = next((s for s in segments if s["kind"] == "title"), None)
    title = (snapshot.text(title_seg, lang.source_lang) if title_seg else "") or snapshot.title
    requests = []
    for seg, text, _ in part:
        at = order.get(seg["id"], 0)
        before = segments[max(0, at - keep):at] if keep else []
        context = tuple((snapshot.text(s, lang.source_lang), snapshot.text(s, lang.lang)) for s in before
                        if snapshot.text(s, lang.source_lang))
        requests.append(Request(text, title, context, term_pairs(glossary, text, lang.source_lang, lang.lang)))
    return requests
