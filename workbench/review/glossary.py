"""The glossary: Arabic terms with their approved English and Russian forms, and robust Arabic matching.

A glossary is a CSV file with columns `ar,en,ru[,note]`; a cell may hold several variants separated by
`|`. Arabic is matched after normalisation (diacritics, tatweel, alef and hamza forms, ta marbuta,
alef maqsura) and with the attached prefixes و ف ب ل ك ال removed. Target forms match at the start of a
word, case-insensitively, so a Russian stem ("Москв") covers its case endings.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import re
import shutil
from collections.abc import Iterator
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
FORMULA_TRIGGERS = frozenset("=+-@\t\r")  # a spreadsheet runs a cell starting with one of these as a formula (OWASP)


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take `text` as a formula: it starts with `=`, `+`, `-`, `@`, a tab or a
    carriage return, also after leading spaces or double quotes (`" =1+1"`, `"=1+1` in a TSV cell)."""
    return bool(text) and (text[0] in FORMULA_TRIGGERS or text.lstrip(' "')[:1] in FORMULA_TRIGGERS)


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
        self.problems: list[str] = []  # rows skipped when the file was loaded
        self.formula_problems: list[str] = []  # those of them skipped because a cell would run as a formula
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

    def named_in(self, text: str, lang: str) -> list[Term]:
        """Terms one of whose `lang` forms occurs in `text` (at a word start, case-insensitively)."""
        norm = _norm_target(text)
        return [t for t in self.terms
                if any(re.search(r"(?<!\w)" + re.escape(_norm_target(f)), norm) for f in t.targets(lang))]

    def to_rows(self) -> list[list[str]]:
        return [["|".join(t.ar), "|".join(t.en), "|".join(t.ru), t.note] for t in self.terms]


def _contains(tokens: list[set[str]], term: list[str]) -> bool:
    n = len(term)
    return any(all(term[k] in tokens[i + k] for k in range(n)) for i in range(len(tokens) - n + 1))


_FORMULA_HINT = ("would run as a formula in a spreadsheet (it starts with =, +, -, @, a tab or a carriage return); "
                 "remove that character or begin the cell with a word")


def _row_problem(row: list[str]) -> str | None:
    """Why a glossary row cannot be used, or None. A cell a spreadsheet would run as a formula is refused, not
    kept: the glossary file is opened in spreadsheets, and its terms go into exports."""
    if len(row) < 3 or not row[0].strip() or not any(c.strip() for c in row[1:3]):
        return "needs an Arabic term and its English and Russian forms"
    for column, cell in zip(COLUMNS, row, strict=False):
        if starts_like_formula(cell.strip()):
            return f"the {column} cell {cell.strip()[:30]!r} {_FORMULA_HINT}"
    return None


def parse_csv(text: str, where: str = "glossary", *, strict: bool = True) -> Glossary:
    """Terms from CSV text. A bad row is an error when `strict` (saving), else it is skipped and listed in
    `Glossary.problems` (loading: one bad row never blocks show, qa or export)."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise WorkbenchError(f"{where}: not a CSV file ({exc})") from exc
    if not rows:
        return Glossary([])
    header = [h.strip().lower() for h in rows[0]]
    if tuple(header[:3]) != COLUMNS[:3]:
        raise WorkbenchError(f"{where}: the first line must be the header ar,en,ru[,note] (got {','.join(rows[0])[:80]})")
    terms, problems, formulas = [], [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        problem = _row_problem(row)
        if problem:
            if strict:
                raise WorkbenchError(f"{where}:{number}: {problem}")
            problems.append(f"{where}:{number}: {problem}; row skipped")
            if problem.endswith(_FORMULA_HINT):
                formulas.append(problems[-1])
            continue

        def split(cell: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in cell.split("|") if v.strip())

        terms.append(Term(split(row[0]), split(row[1]), split(row[2]), row[3].strip() if len(row) > 3 else ""))
    glossary = Glossary(terms)
    glossary.problems = problems
    glossary.formula_problems = formulas
    return glossary


def glossary_path(home: Path) -> Path:
    return home / FILENAME


def load(home: Path) -> Glossary:
    """The data home's glossary, created from the starter glossary on first use."""
    path = glossary_path(home)
    if not path.exists():
        try:
            home.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(STARTER, path)
        except OSError:  # a read-only data home: use the starter glossary as it is
            return _load_cached(str(STARTER), STARTER.stat().st_mtime_ns)
    if not path.is_file():
        raise WorkbenchError(f"{path} is not a file; the glossary must be a CSV file (ar,en,ru,note)")
    return _load_cached(str(path), path.stat().st_mtime_ns)


_CACHE: dict[tuple[str, int], Glossary] = {}


def _load_cached(path: str, mtime: int) -> Glossary:
    key = (path, mtime)
    if key not in _CACHE:
        _CACHE.clear()
        data = Path(path).read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WorkbenchError(f"{path}: not UTF-8 text (byte {exc.start}); save the glossary as UTF-8 CSV") from exc
        if "\x00" in text:
            raise WorkbenchError(f"{path}: a binary file, not a CSV glossary")
        _CACHE[key] = parse_csv(text, path, strict=False)
    return _CACHE[key]


class GlossaryConflict(WorkbenchError):
    """The glossary was saved by someone else since this editor loaded it."""

    def __init__(self, current_version: str):
        self.current_version = current_version
        super().__init__("the glossary was changed by someone else since you opened it; nothing was saved. "
                         "Reload it (your edits are still in the table: copy them first) and save again")


HISTORY = "glossary-history"


def version(home: Path) -> str:
    """A short fingerprint of the glossary file as it is now (the starter glossary until one is saved)."""
    path = glossary_path(home)
    data = path.read_bytes() if path.is_file() else STARTER.read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One glossary save at a time across processes (compare-and-write must not interleave)."""
    import fcntl

    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".glossary.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def save_rows(home: Path, rows: list[list[str]], *, base_version: str | None = None, author: str = "",
              allow_empty: bool = False) -> Glossary:
    """Validate and write glossary rows (ar, en, ru, note) to the data home.

    With `base_version` (what the editor loaded), a glossary saved by someone else since is a GlossaryConflict,
    never a silent overwrite. The version replaced is kept in `glossary-history/`, so every save can be undone
    (`restore`). An empty table is refused unless `allow_empty`.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = [str(c or "").strip() for c in [*row, "", "", "", ""][:4]]
        if any(cells):
            writer.writerow(cells)
    glossary = parse_csv(buf.getvalue(), FILENAME)
    if not glossary.terms and not allow_empty:
        raise WorkbenchError("refusing to save an empty glossary (it would remove every term); "
                             "to start over, save one term, or restore an earlier version")
    _replace(home, buf.getvalue().encode("utf-8"), base_version, author)
    return glossary


class GlossaryNotSaved(WorkbenchError):
    """The glossary file could not be written (a full disk, a read-only data home); nothing was changed."""

    def __init__(self, home: Path, exc: OSError):
        self.errno = exc.errno
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            message = "the disk is full; the glossary was not saved (free some space and save again)"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            message = f"the data home {home} is read-only; the glossary was not saved"
        else:
            message = f"the glossary could not be written ({exc.strerror or exc}); it was not saved"
        super().__init__(message)


def _replace(home: Path, data: bytes, base_version: str | None, author: str) -> None:
    """Write the glossary file, keeping the version it replaces in the history; a conflict if it changed since
    `base_version`. A write that fails (full disk, read-only home) is a GlossaryNotSaved and leaves nothing
    behind: neither a new glossary nor a history entry for a save that did not happen."""
    path = glossary_path(home)
    kept: Path | None = None
    try:
        with _locked(home):
            current = version(home)
            if base_version is not None and base_version != current:
                raise GlossaryConflict(current)
            previous = path.read_bytes() if path.is_file() else STARTER.read_bytes()
            from ..clock import now

            stamp = now().replace(":", "").replace("-", "").replace(".", "")[:21]  # 20261126T220700123456
            who = re.sub(r"[^\w.]+", "_", author)[:40] or "unknown"
            kept = home / HISTORY / f"{stamp}-{current}-{who}.csv"
            atomic_write(kept, previous)
            atomic_write(path, data)
    except OSError as exc:
        if kept is not None:
            with contextlib.suppress(OSError):
                kept.unlink(missing_ok=True)
        raise GlossaryNotSaved(home, exc) from exc


def history(home: Path) -> list[dict[str, str]]:
    """Earlier versions of the glossary, newest first: file name, when it was replaced, version, who replaced it."""
    out = []
    for file in sorted((home / HISTORY).glob("*.csv"), reverse=True):
        stamp, _, rest = file.stem.partition("-")
        old_version, _, author = rest.partition("-")
        out.append({"name": file.name, "replaced": stamp, "version": old_version, "replaced_by": author})
    return out


def restore(home: Path, name: str, *, base_version: str | None = None, author: str = "") -> Glossary:
    """Make an earlier version (a name from `history`) the glossary again, as a new save (itself undoable)."""
    file = home / HISTORY / Path(name).name
    if not file.is_file():
        raise WorkbenchError(f"no earlier glossary version {name!r} (see `workbench glossary --history`)")
    data = file.read_bytes()
    glossary = parse_csv(data.decode("utf-8-sig"), str(file), strict=False)
    formulas = glossary.formula_problems
    if formulas:  # a version saved before formulas were refused: restoring it would write them again
        raise WorkbenchError(f"not restored: {formulas[0].removesuffix('; row skipped')}; "
                             "edit the glossary (or restore another version) instead")
    _replace(home, data, base_version, author)  # byte for byte: the same version as before
    return glossary
