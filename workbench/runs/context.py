"""What an LLM translator is told about a segment's article: the requests of one chunk.

Each request carries the segment's input (the Arabic, or the current text of the pivot language), the article's
title in that language, the `context_segments` translatable segments before it with their current translation
(a person's text where there is one, since a run never writes over it, else the machine's; a segment not yet
translated is given without one) and the glossary terms that occur in the segment: for Arabic input the terms
whose Arabic form it contains, for a pivot language's text the terms whose form in that language it contains,
each with its forms in the target language.
"""

from __future__ import annotations

from typing import Any

from ..engines.llm import Request, RequestTranslator
from ..engines.plan import LanguagePlan, RunPlan
from ..languages import SOURCE_LANG
from ..review.glossary import Glossary, Term
from ..review.glossary import load as load_glossary
from ..store import Store

Input = tuple[dict[str, Any], str, int | None]  # (segment, text given to the model, pivot revision id)
TRANSLATABLE = ("title", "heading", "body")


def takes_requests(lang: LanguagePlan) -> bool:
    """Whether the language's translator is an LLM translator (it takes a segment with its context)."""
    return isinstance(lang.translator, RequestTranslator)


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


def requests_for(store: Store, plan: RunPlan, article_id: str, lang: LanguagePlan, part: list[Input]) -> list[Request]:
    """The requests of one chunk of segments (see the module's docstring)."""
    keep = int(getattr(lang.translator.options, "context_segments", 0))
    segments = [s for s in store.segments(article_id) if s["kind"] in TRANSLATABLE]
    order = {s["id"]: i for i, s in enumerate(segments)}
    current = store.current_revisions(article_id)

    def text_in(seg: dict[str, Any], language: str) -> str:
        if language == SOURCE_LANG:
            return str(seg["source_text"])
        rev = current.get(("segment", seg["id"], language))
        return str(rev["text"]) if rev else ""

    title_seg = next((s for s in segments if s["kind"] == "title"), None)
    title = text_in(title_seg, lang.source_lang) if title_seg else ""
    title = title or str(store.article(article_id).get("title") or "")
    glossary = glossary_of(store)
    requests = []
    for seg, text, _ in part:
        at = order.get(seg["id"], 0)
        before = segments[max(0, at - keep):at] if keep else []
        context = tuple((text_in(s, lang.source_lang), text_in(s, lang.lang)) for s in before
                        if text_in(s, lang.source_lang))
        requests.append(Request(text, title, context, term_pairs(glossary, text, lang.source_lang, lang.lang)))
    return requests
