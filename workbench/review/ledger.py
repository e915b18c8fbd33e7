"""The entity ledger: people, places and organisations with one canonical English and one Russian form, shared by
every article of the archive (store.entities). A reviewer confirms an entity's forms; confirmed forms go into LLM
prompts as terms, as the glossary's do (runs.context), and the fact checks flag any other rendering.

It imports and exports as CSV (columns ar, en, ru, kind, status, note; `|` between Arabic variants) and as TBX
(ISO 30042 TermBase eXchange: one termEntry per entity, a langSet per language, the kind as its subjectField and
the status as the term's administrativeStatus: preferredTerm for confirmed, admittedTerm for new).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..errors import WorkbenchError
from ..store import Store
from ..store import entities as table
from ..store.entities import EntityRow
from .glossary import Glossary, Term, normalise_arabic, starts_like_formula
from .names import KINDS, STARTER, Entity, NameBook, name_book, new_names, read_entities

COLUMNS = ("ar", "en", "ru", "kind", "status", "note")
STATUSES = ("new", "confirmed")
MAX_ENTITIES = 50_000
MAX_FIELD = 500
TBX_STATUS = {"confirmed": "preferredTerm-admn-sts", "new": "admittedTerm-admn-sts"}


def key_of(ar: str) -> str:
    """The normalised Arabic form that identifies an entity (its first variant)."""
    return " ".join(normalise_arabic(ar.split("|")[0]).split())


def row(ar: str, en: str, ru: str, kind: str = "name", status: str = "new", note: str = "") -> EntityRow:
    """A checked entity row: Arabic, English and Russian forms present and short, a known kind and status, no cell
    a spreadsheet would run as a formula."""
    values = {"ar": ar.strip(), "en": en.strip(), "ru": ru.strip(), "kind": kind.strip() or "name",
              "status": status.strip() or "new", "note": note.strip()}
    if not values["ar"] or not (values["en"] or values["ru"] or values["status"] == "new"):
        raise WorkbenchError("an entity needs its Arabic form and, once confirmed, an English or Russian form")
    if values["kind"] not in KINDS or values["status"] not in STATUSES:
        raise WorkbenchError(f"kind must be one of {', '.join(KINDS)} and status one of {', '.join(STATUSES)}")
    for name, value in values.items():
        if len(value) > MAX_FIELD or "\n" in value or starts_like_formula(value):
            raise WorkbenchError(f"entity {values['ar'][:40]!r}: `{name}` is too long, has a line break or starts "
                                 "like a spreadsheet formula")
    return EntityRow(key_of(values["ar"]), values["ar"], values["en"], values["ru"], values["kind"],
                     values["status"], values["note"])


def ensure_starter(store: Store) -> None:
    """Fill an empty ledger with the packaged starter list (confirmed), once."""
    if not store.read_only and not table.all_entities(store):
        table.save(store, [row("|".join(e.ar), e.en, e.ru, e.kind, "confirmed") for e in read_entities(STARTER)],
                   author="starter")


def entities(store: Store) -> list[Entity]:
    """The ledger's entities as the checks use them."""
    ensure_starter(store)
    return _stored(store)


def _stored(store: Store) -> list[Entity]:
    return [Entity(tuple(r.ar.split("|")), r.en, r.ru, r.kind, confirmed=r.status == "confirmed")
            for r in table.all_entities(store)]


def book(store: Store, glossary: Glossary | None = None) -> NameBook:
    """The names the checks know for this store: its ledger, then the glossary's terms it lacks (one book per
    ledger and glossary, shared with the read model's: `read_book`)."""
    ensure_starter(store)
    return read_book(store, glossary)


def read_book(store: Store, glossary: Glossary | None = None) -> NameBook:
    """`book` without writing: an empty ledger reads as the packaged starter list it would be filled with (for
    the read model, which a read-only store or `show` builds too)."""
    return _read_book(tuple(_stored(store)), glossary)


@lru_cache(maxsize=8)
def _read_book(stored: tuple[Entity, ...], glossary: Glossary | None) -> NameBook:
    """One book per ledger and glossary (a `Glossary` is compared by identity: the Workbench makes a new one per
    version), so the names it found in an article's segments are found once, not at every view."""
    return name_book(stored, glossary, starter=not stored)


def confirm(store: Store, ar: str, en: str, ru: str, kind: str = "name", author: str = "reviewer") -> EntityRow:
    """Confirm (or add, confirmed) an entity's canonical forms; the change is logged."""
    current = table.by_key(store, key_of(ar))
    new = row(current.ar if current else ar, en, ru, kind if current is None else (kind if kind != "name" else current.kind),
              "confirmed", current.note if current else "")
    table.save(store, [new], author)
    saved = table.by_key(store, new.ar_key)
    assert saved is not None
    return saved


def discover(store: Store, texts: Iterable[tuple[str, str]], author: str = "discovery") -> list[EntityRow]:
    """People the Arabic `texts` ((where, text) pairs) introduce with a title whom the ledger does not know, added
    as new entities without forms (the full name and the surname as Arabic variants) for a reviewer to confirm."""
    known = book(store)
    found: dict[str, EntityRow] = {}
    for where, text in texts:
        for mention in new_names(text, known):
            surname = mention.text.split()[-1]
            ar = mention.text if surname == mention.text else f"{mention.text}|{surname}"
            if table.by_key(store, key_of(ar)) is None:
                found.setdefault(key_of(ar), row(ar, "", "", "person", "new", f"found in {where}"))
    if found:
        table.save(store, list(found.values()), author)
    return list(found.values())


def prompt_terms(store: Store) -> list[Term]:
    """The confirmed entities as glossary terms, for LLM prompts (runs.context adds them to the glossary's)."""
    return [Term(tuple(e.ar), (e.en,) if e.en else (), (e.ru,) if e.ru else (), "ledger")
            for e in entities(store) if e.confirmed]


# ---------------------------------------------------------------------------------------------- CSV
def to_csv(rows: Iterable[EntityRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r.ar, r.en, r.ru, r.kind, r.status, r.note])
    return out.getvalue()


def from_csv(text: str) -> list[EntityRow]:
    """Checked rows of a ledger CSV; a bad row is one clear error naming its line."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"ar", "en", "ru"} <= set(reader.fieldnames):
        raise WorkbenchError("a ledger CSV needs the columns ar, en, ru (and kind, status, note)")
    rows = []
    for number, values in enumerate(reader, start=2):
        if number > MAX_ENTITIES:
            raise WorkbenchError(f"more than {MAX_ENTITIES} entities")
        try:
            rows.append(row(*(str(values.get(c) or "") for c in COLUMNS)))
        except WorkbenchError as exc:
            raise WorkbenchError(f"line {number}: {exc}") from exc
    return rows


# ---------------------------------------------------------------------------------------------- TBX
def to_tbx(rows: Iterable[EntityRow]) -> bytes:
    """The ledger as a TBX document (TBX-Basic style martif)."""
    from lxml import etree

    xml = "{http://www.w3.org/XML/1998/namespace}"
    martif = etree.Element("martif", {"type": "TBX-Basic", xml + "lang": "ar"})
    body = etree.SubElement(etree.SubElement(martif, "text"), "body")
    for n, r in enumerate(rows, start=1):
        entry = etree.SubElement(body, "termEntry", {"id": f"e{n}"})
        etree.SubElement(entry, "descrip", {"type": "subjectField"}).text = r.kind
        if r.note:
            etree.SubElement(entry, "note").text = r.note
        for lang, forms in (("ar", r.ar.split("|")), ("en", [r.en]), ("ru", [r.ru])):
            lang_set = etree.SubElement(entry, "langSet", {xml + "lang": lang})
            for form in (f for f in forms if f):
                tig = etree.SubElement(lang_set, "tig")
                etree.SubElement(tig, "term").text = form
                etree.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = TBX_STATUS[r.status]
    return bytes(etree.tostring(martif, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def from_tbx(data: bytes) -> list[EntityRow]:
    """Checked rows of a TBX document (no entities, no DTDs, no network: a hostile file is refused, not run)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise WorkbenchError(f"not a TBX file ({exc})") from exc
    rows = []
    for n, entry in enumerate(root.iter("termEntry"), start=1):
        if n > MAX_ENTITIES:
            raise WorkbenchError(f"more than {MAX_ENTITIES} entities")
        rows.append(_tbx_entry(entry))
    return rows


def _tbx_entry(entry: Any) -> EntityRow:
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    forms: dict[str, list[str]] = {}
    status = "new"
    for lang_set in entry.iter("langSet"):
        terms = [t.text or "" for t in lang_set.iter("term")]
        forms[lang_set.get(xml_lang, "")] = terms
        if any((s.text or "") == TBX_STATUS["confirmed"] for s in lang_set.iter("termNote")):
            status = "confirmed"
    kind = next((d.text or "name" for d in entry.iter("descrip") if d.get("type") == "subjectField"), "name")
    note = next((n.text or "" for n in entry.iter("note")), "")
    try:
        return row("|".join(forms.get("ar", [])), (forms.get("en") or [""])[0], (forms.get("ru") or [""])[0], kind,
                   status, note)
    except WorkbenchError as exc:
        raise WorkbenchError(f"termEntry {entry.get('id', '?')}: {exc}") from exc


def import_rows(store: Store, rows: list[EntityRow], author: str) -> int:
    """Add or replace the entities of an imported file (by Arabic key); how many."""
    ensure_starter(store)
    table.save(store, rows, author)
    return len(rows)
