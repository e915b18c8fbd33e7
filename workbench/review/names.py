"""Names across the languages: the entities of the ledger (people, places, organisations, each with one canonical
English and one Russian form) found in the Arabic source and in a translation, with where they are.

Russian forms are matched in every grammatical case with pymorphy3's dictionaries: "Токаеву" and "Токаевым" are
Токаев, "Захаровой" is Захарова but "Захаров" (another person's form) is not. A place also counts where the
translation uses its adjective ("Uzbek President", "казахстанский"), and the Arabic nisba (الكازاخستاني) counts
as a mention of the place, so a place is checked by how often it is named, a person or organisation by whether it
is named at all. Glossary terms the ledger has no entity for are names too, matched as the glossary matches them
(Russian forms as word starts).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .glossary import Glossary, _candidates, normalise_arabic

STARTER = Path(__file__).resolve().parent.parent / "data" / "entities.csv"
KINDS = ("person", "place", "organisation", "name")
_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
_AR_WORD = re.compile(r"[\u0621-\u064a\u0640\u064b-\u065f\u0670]+")
_NISBA = ("ي", "يه", "يين", "يون", "يان", "يتين")


@dataclass(frozen=True)
class Entity:
    """One entity: its Arabic forms, its canonical English and Russian forms (and other accepted ones), its kind."""

    ar: tuple[str, ...]
    en: str
    ru: str
    kind: str = "name"
    also_en: tuple[str, ...] = ()
    also_ru: tuple[str, ...] = ()
    stems: bool = False  # Russian forms are word starts (a glossary term), not dictionary forms
    confirmed: bool = True

    @property
    def key(self) -> str:
        return self.en or self.ar[0]

    def forms(self, lang: str) -> tuple[str, ...]:
        main, also = (self.en, self.also_en) if lang == "en" else (self.ru, self.also_ru)
        return tuple(f for f in (main, *also) if f)


@dataclass(frozen=True)
class Mention:
    """An entity named in a text: which (its key), where, and the words as written."""

    key: str
    start: int
    end: int
    text: str
    adjective: bool = False


@cache
def _morph():  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _yo(text: str) -> str:
    return text.lower().replace("ё", "е")


@cache
def _ru_keys(form_token: str) -> frozenset[tuple[str, str | None]]:
    """What a Russian canonical form token is: its lemmas and genders read as a nominative noun (a form the
    dictionary does not know as a nominative: itself, any gender)."""
    keys = {(_yo(p.normal_form), p.tag.gender) for p in _morph().parse(form_token)
            if p.tag.case == "nomn" and p.tag.POS == "NOUN"}
    return frozenset(keys or {(_yo(form_token), _surname_gender(form_token))})


def _surname_gender(form: str) -> str | None:
    """The gender a Russian surname's ending gives (Токаев: a man, Захарова: a woman), None when it does not."""
    low = _yo(form)
    if low.endswith(("ова", "ева", "ина", "ына", "ская", "цкая")):
        return "femn"
    if low.endswith(("ов", "ев", "ин", "ын", "ский", "цкий")):
        return "masc"
    return None


@cache
def _ru_readings(token: str) -> frozenset[tuple[str, str | None]]:
    return frozenset((_yo(p.normal_form), p.tag.gender) for p in _morph().parse(token))


def ru_token_matches(form_token: str, token: str) -> bool:
    """Whether `token` is `form_token` in some case (same lemma, same gender), e.g. Токаеву ~ Токаев, but
    Захаров (a man) is not Захарова."""
    if _yo(token) == _yo(form_token):
        return True
    keys = _ru_keys(form_token)
    lemmas = {lemma for lemma, _ in keys}
    return any((lemma, gender) in keys or (lemma, None) in keys or (gender is None and lemma in lemmas)
               for lemma, gender in _ru_readings(token))


def _token_match(form_token: str, token: str, lang: str, stems: bool) -> bool:
    if lang == "ru":
        return _yo(token).startswith(_yo(form_token)) if stems else ru_token_matches(form_token, token)
    low, form = token.lower(), form_token.lower()
    return low == form or (low in (form + "'s", form + "’s")) or (stems and low.startswith(form))


def _adjective_stem(form: str, lang: str) -> str | None:
    for suffix in (("istan", "stan") if lang == "en" else ("истан", "стан")):
        if form.lower().endswith(suffix) and len(form) - len(suffix) >= 4:
            return form.lower()[: -len(suffix)]
    return None


@dataclass
class NameBook:
    """The entities a check knows, and how to find them in Arabic and in English or Russian text."""

    entities: list[Entity]
    _by_key: dict[str, Entity] = field(default_factory=dict, init=False)
    _found: dict[tuple[str, str], list[Mention]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key = {e.key: e for e in self.entities}

    def get(self, key: str) -> Entity | None:
        return self._by_key.get(key)

    def in_source(self, text: str) -> list[Mention]:
        """The entities named in Arabic `text` (and a place's nisba adjective), in order."""
        return list(self._kept((text, "ar"), self._in_source))

    def _in_source(self, text: str) -> list[Mention]:
        words = [(m, _candidates(normalise_arabic(m.group()))) for m in _AR_WORD.finditer(text)]
        found: list[Mention] = []
        for entity in self.entities:
            for form in entity.ar:
                parts = [normalise_arabic(p) for p in form.split()]
                found += self._ar_hits(entity, parts, words, text)
        return _first_per_span(found)

    def _ar_hits(self, entity: Entity, parts: list[str], words: list[tuple[re.Match[str], set[str]]], text: str) -> list[Mention]:
        hits = []
        for i in range(len(words) - len(parts) + 1):
            window = words[i:i + len(parts)]
            if all(part in cands for part, (_, cands) in zip(parts, window, strict=True)):
                hits.append(Mention(entity.key, window[0][0].start(), window[-1][0].end(),
                                    text[window[0][0].start():window[-1][0].end()]))
            elif len(parts) == 1 and entity.kind == "place" and any(c.startswith(parts[0]) and c[len(parts[0]):] in _NISBA
                                                                   for c in window[0][1]):
                hits.append(Mention(entity.key, window[0][0].start(), window[0][0].end(), window[0][0].group(), True))
        return hits

    def in_target(self, text: str, lang: str) -> list[Mention]:
        """The entities named in English or Russian `text` (any case of a Russian form; a place's adjective)."""
        return list(self._kept((text, lang), lambda t: self._in_target(t, lang)))

    def _kept(self, key: tuple[str, str], find: Callable[[str], list[Mention]]) -> list[Mention]:
        """The mentions found in a text, kept: the checks ask several times about the same text, and a book kept
        across views (`ledger.read_book`) about the same segments (one lookup and one store: safe in threads)."""
        found = self._found.get(key)
        if found is None:
            if len(self._found) > 4096:
                self._found.clear()
            found = self._found[key] = find(key[0])
        return found

    def _in_target(self, text: str, lang: str) -> list[Mention]:
        tokens = list(_WORD.finditer(text))
        found: list[Mention] = []
        for entity in self.entities:
            for form in entity.forms(lang):
                found += _target_hits(entity, form.split(), tokens, text, lang)
            stem = _adjective_stem(entity.forms(lang)[0], lang) if entity.kind == "place" and entity.forms(lang) else None
            if stem:
                found += _adjectives(entity, stem, text, lang)
        return _first_per_span(found)

    def unknown_forms(self, text: str, lang: str) -> list[Mention]:
        """Words that look like a ledger name but are not one of its forms in any case: "Tokaev" for Tokayev."""
        known = {(m.start, m.end) for m in self.in_target(text, lang)}
        out = []
        for token in _WORD.finditer(text):
            if (token.start(), token.end()) in known or not token.group()[:1].isupper():
                continue
            for entity in self.entities:
                for form in entity.forms(lang):
                    if (len(form) >= 5 and " " not in form and _yo(token.group())[:1] == _yo(form)[:1]
                            and _near(token.group(), form)):
                        out.append(Mention(entity.key, token.start(), token.end(), token.group()))
        return out


def _near(word: str, form: str) -> bool:
    """A spelling one or two letters away from the form (its case endings aside)."""
    from difflib import SequenceMatcher

    a, b = _yo(word)[: len(form) + 1], _yo(form)
    return a != b and SequenceMatcher(None, a, b).ratio() >= 0.8


def _adjectives(entity: Entity, stem: str, text: str, lang: str) -> list[Mention]:
    """A place's adjective, also as part of a hyphenated compound ("Russian-Kazakh", "российско-казахстанский")."""
    form = entity.forms(lang)[0]
    return [Mention(entity.key, t.start(), t.end(), t.group(), True) for t in re.finditer(r"[^\W\d_]+", text)
            if _yo(t.group()).startswith(_yo(stem)) and not _token_match(form, t.group(), lang, entity.stems)]


def _target_hits(entity: Entity, parts: Sequence[str], tokens: list[re.Match[str]], text: str, lang: str) -> list[Mention]:
    hits = []
    for i in range(len(tokens) - len(parts) + 1):
        window = tokens[i:i + len(parts)]
        if all(_yo(t.group())[:2] == _yo(p)[:2] and _token_match(p, t.group(), lang, entity.stems)  # a cheap guard first
               for p, t in zip(parts, window, strict=True)):
            hits.append(Mention(entity.key, window[0].start(), window[-1].end(), text[window[0].start():window[-1].end()]))
    return hits


def _first_per_span(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per place in the text (the longest first), in order."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if not any(o.start <= m.start < o.end for o in out):
            out.append(m)
    return out


def read_entities(path: Path) -> list[Entity]:
    """Entities from a CSV with columns ar, en, ru, kind (and note); `|` separates other accepted forms."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        en, *also_en = (row.get("en") or "").split("|")
        ru, *also_ru = (row.get("ru") or "").split("|")
        kind = row.get("kind") or "name"
        out.append(Entity(tuple((row.get("ar") or "").split("|")), en, ru, kind if kind in KINDS else "name",
                          tuple(also_en), tuple(also_ru)))
    return out


def name_book(entities: Iterable[Entity] = (), glossary: Glossary | None = None, starter: bool = True) -> NameBook:
    """The ledger's entities (the packaged starter list first, when `starter`), then the glossary's terms that no
    entity has the Arabic of (their Russian forms as word starts)."""
    chosen: dict[str, Entity] = {}
    for entity in [*(read_entities(STARTER) if starter else []), *entities]:
        for ar in entity.ar:
            chosen[normalise_arabic(ar)] = entity
    for term in glossary.terms if glossary is not None else []:
        if not any(normalise_arabic(a) in chosen for a in term.ar) and term.en:
            entity = Entity(term.ar, term.en[0], term.ru[0] if term.ru else "", "name", term.en[1:], term.ru[1:], True)
            chosen[normalise_arabic(term.ar[0])] = entity
    return NameBook(list(dict.fromkeys(chosen.values())))


# ---------------------------------------------------------------------------------------------- new names
# A person introduced by a title, as agencies write it: "وزير الخارجية الروسي - سيرغي لافروف", "نائب وزير الخارجية
# الروسي، أندريه رودينكو،", "السيد ميرزيوييف". The name is the one to three words after the dash or comma.
_TITLE = r"(?:الرئيس|رئيس|الوزير|وزير|وزيرة|نائب|السفير|سفير|المتحدثة|المتحدث|مدير|السيد|السيدة|الأمين العام)"
_INTRO = re.compile(_TITLE + r"(?:\s+[\u0621-\u064a]+){0,5}?\s*(?:\s-|\s–|،)\s*"
                    r"(?P<name>[\u0621-\u064a]+(?:\s+[\u0621-\u064a]+){0,2})(?=\s*(?:[،,.(:]|\s-\s|\s–\s|$))", re.M)
_NOT_NAME = {"في", "من", "إلى", "الى", "على", "عن", "مع", "خلال", "الذي", "التي", "أن", "إن", "قال", "أكد", "أشار", "بأن",
             "لإجراء", "اليوم", "أمس", "وذلك", "حيث", "كما", "بشأن", "لدى"}


def new_names(text: str, book: NameBook) -> list[Mention]:
    """People an Arabic text introduces with a title whom the book does not know (their words as written; the key
    is the name itself), for the reviewer to add to the ledger."""
    known = {m.start for m in book.in_source(text)} | {m.end for m in book.in_source(text)}
    found = []
    for match in _INTRO.finditer(text):
        words = []
        for word in match.group("name").split():
            if word in _NOT_NAME or word.startswith("ال"):  # a definite noun or adjective, not a name (but ألكسندر is)
                break
            words.append(word)
        if not words:
            continue
        start = match.start("name")
        end = start + len(" ".join(words))
        if any(start <= k <= end for k in known):
            continue
        found.append(Mention(" ".join(words), start, end, text[start:end]))
    return found
