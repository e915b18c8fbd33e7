"""The glossary: Arabic terms with their approved English and Russian forms, and robust Arabic matching.

A glossary is a CSV file with columns `ar,en,ru[,note]`; a cell may hold several variants separated by
`|`. Arabic is matched after normalisation (diacritics, tatweel, alef and hamza forms, ta marbuta,
alef maqsura) and with the attached prefixes و ف ب ل ك ال removed. Target forms match at the start of a
word, case-insensitively, so a Russian stem ("Москв") covers its case endings.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbenchError
from ..files import atomic_write

_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, Quranic marks, tatweel
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_PREFIXES = sorted(["و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول", "وك", "فب", "فل"],
                   key=len, reverse=True)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
STARTER = Path(__file__).resolve().parent.parent / "data" / "glossary.csv"
FILENAME = "glossary.csv"
COLUMNS = ("ar", "en", "ru", "note")  # the file's header; en and ru are the target languages


def normalise_arabic(text: str) -> str:
    return _DIACRITICS.sub("", text).translate(_ALEF)


def arabic_tokens(text: str) -> list[str]:
    return re.findall(r"\w+", normalise_arabic(text))


def _candidates(word: str) -> set[str]:
    out = {word}
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix):]
            out.add(rest)
            if prefix.endswith("لل"):  # لل = ل + ال with the alef dropped: للتعاون → التعاون
                out.add("ال" + rest)
    return out


def _norm_target(text: str) -> str:
    return re.sub(r"\s+", " ", _DASHES.sub("-", text.replace("«", '"').replace("»", '"').replace("“", '"').replace("”", '"'))).lower()


@dataclass(frozen=True)
class Term:
    ar: tuple[str, ...]
    en: tuple[str, ...]
    ru: tuple[str, ...]
    note: str = ""

    def targets(self, lang: str) -> tuple[str, ...]:
        return self.en if lang == "en" else self.ru if lang == "ru" else ()

    @property
    def label(self) -> str:
        return f"{self.ar[0]} → {self.en[0] if self.en else '?'} / {self.ru[0] if self.ru else '?'}"


class Glossary:
    def __init__(self, terms: list[Term]):
        self.terms = terms
        self._patterns = [(t, [arabic_tokens(v) for v in t.ar]) for t in terms]

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, source: str) -> list[Term]:
        """Terms whose Arabic form occurs in `source`."""
        tokens = [_candidates(w) for w in arabic_tokens(source)]
        forms = set().union(*tokens)  # a term whose words are not all here cannot match: skip the positional scan
        found = []
        for term, variants in self._patterns:
            if any(v and forms.issuperset(v) and _contains(tokens, v) for v in variants):
                found.append(term)
        return found

    def missing(self, source: str, target: str, lang: str, terms: list[Term] | None = None) -> list[Term]:
        """Terms present in the source (or the given `terms`, found there already) with none of their `lang`
        forms in the target."""
        norm = _norm_target(target)
        out = []
        for term in self.find(source) if terms is None else terms:
            forms = term.targets(lang)
            if forms and not any(re.search(r"(?<!\w)" + re.escape(_norm_target(f)), norm) for f in forms):
                out.append(term)
        return out

    def to_rows(self) -> list[list[str]]:
        return [["|".join(t.ar), "|".join(t.en), "|".join(t.ru), t.note] for t in self.terms]


def _contains(tokens: list[set[str]], term: list[str]) -> bool:
    n = len(term)
    return any(all(term[k] in tokens[i + k] for k in range(n)) for i in range(len(tokens) - n + 1))


def parse_csv(text: str, where: str = "glossary") -> Glossary:
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        return Glossary([])
    header = [h.strip().lower() for h in rows[0]]
    if tuple(header[:3]) != COLUMNS[:3]:
        raise WorkbenchError(f"{where}: the first line must be the header ar,en,ru[,note] (got {','.join(rows[0])})")
    terms = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 3 or not row[0].strip():
            raise WorkbenchError(f"{where}:{number}: needs an Arabic term and its English and Russian forms")

        def split(cell: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in cell.split("|") if v.strip())

        terms.append(Term(split(row[0]), split(row[1]), split(row[2]), row[3].strip() if len(row) > 3 else ""))
    return Glossary(terms)


def glossary_path(home: Path) -> Path:
    return home / FILENAME


def load(home: Path) -> Glossary:
    """The data home's glossary, created from the starter glossary on first use."""
    path = glossary_path(home)
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STARTER, path)
    return _load_cached(str(path), path.stat().st_mtime_ns)


_CACHE: dict[tuple[str, int], Glossary] = {}


def _load_cached(path: str, mtime: int) -> Glossary:
    key = (path, mtime)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = parse_csv(Path(path).read_text(encoding="utf-8-sig"), path)
    return _CACHE[key]


def save_rows(home: Path, rows: list[list[str]]) -> Glossary:
    """Validate and write glossary rows (ar, en, ru, note) to the data home."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = [str(c or "").strip() for c in [*row, "", "", "", ""][:4]]
        if any(cells):
            writer.writerow(cells)
    glossary = parse_csv(buf.getvalue(), FILENAME)
    atomic_write(glossary_path(home), buf.getvalue().encode("utf-8"))
    return glossary
