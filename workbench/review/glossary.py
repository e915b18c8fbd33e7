"""The glossary: Arabic terms with their approved English and Russian forms, and robust Arabic matching.

The glossary lives in the store (`store.glossary`: one version per save, kept); CSV with columns `ar,en,ru[,note]`
is its import and export format. A cell may hold several variants separated by `|`. Arabic is matched after normalisation (diacritics, tatweel, alef and hamza forms, ta marbuta,
alef maqsura) and with the attached prefixes و ف ب ل ك ال removed. Target forms match at the start of a
word, case-insensitively, so a Russian stem ("Москв") covers its case endings.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import weakref
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from .. import logs
from ..errors import WorkbenchError
from ..store import Store
from ..store import glossary as table
from ..store.glossary import GlossaryConflict, NewVersion, TermRow

_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, Quranic marks, tatweel
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_PREFIXES = sorted(["و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول", "وك", "فب", "فل"],
                   key=len, reverse=True)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
STARTER = Path(__file__).resolve().parent.parent / "data" / "glossary.csv"
FILENAME = "glossary.csv"  # where earlier versions kept it in the data home (imported once, then no longer read)
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


def _split(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split("|") if v.strip())


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

        terms.append(Term(_split(row[0]), _split(row[1]), _split(row[2]), row[3].strip() if len(row) > 3 else ""))
    glossary = Glossary(terms)
    glossary.problems = problems
    glossary.formula_problems = formulas
    return glossary


MAX_FILE = 5_000_000  # bytes: a CSV glossary (an old data home's file, an import) larger than this is refused
MAX_HISTORY_FILES = 1_000  # old history files imported at most
HISTORY = "glossary-history"  # the folder of replaced versions kept by earlier versions (imported once)
_OLD_HISTORY_NAME = re.compile(r"(\d{8}T\d{6,12})-[0-9a-f]{16}-([\w.]{1,40})\.csv")
_CACHE: weakref.WeakKeyDictionary[Store, tuple[int, Glossary]] = weakref.WeakKeyDictionary()
log = logs.get("review.glossary")


def _of(rows: list[TermRow], problems: str = "") -> Glossary:
    glossary = Glossary([Term(_split(r.ar), _split(r.en), _split(r.ru), r.note) for r in rows])
    glossary.problems = problems.splitlines()
    return glossary


def _rows(glossary: Glossary) -> list[TermRow]:
    return [TermRow(*row) for row in glossary.to_rows()]


def load(store: Store) -> Glossary:
    """The store's glossary: its newest version. On first use the data home's old `glossary.csv` (and its
    `glossary-history/`) is imported, or the starter glossary is, once."""
    latest = table.current(store)
    if latest is None:
        first = _first_versions(store)
        if store.read_only:  # nothing can be written: use what would have been imported, as it is
            return _of(list(first[-1].terms), first[-1].problems)
        try:
            table.add(store, first, base=None)
        except GlossaryConflict:
            pass  # another process imported it first
        latest = table.current(store)
        assert latest is not None
    cached = _CACHE.get(store)
    if cached is None or cached[0] != latest:
        row = table.version(store, latest)
        cached = (latest, _of(table.terms(store, latest), row.problems if row else ""))
        _CACHE[store] = cached
    return cached[1]


def seed(store: Store, glossary: Glossary) -> None:
    """Give a store that has no glossary yet this one (a Ray worker's in-memory store gets the driver's)."""
    if table.current(store) is None:
        table.add(store, [NewVersion(_rows(glossary), "", "import", "\n".join(glossary.problems))], base=None)


def version(store: Store) -> str:
    """The glossary's version (the newest version's id): what an editor saves against."""
    if table.current(store) is None:
        load(store)
    return str(table.current(store) or 0)


def _base(base_version: str | None) -> tuple[int | None, bool]:
    """(the version id to compare with, whether to compare) for a version an editor sent."""
    if base_version is None:
        return None, False
    text = str(base_version).strip()
    return (int(text) if text.isascii() and text.isdigit() and len(text) < 19 else -1), True  # -1: an old file hash, never current


def _save(store: Store, glossary: Glossary, base_version: str | None, author: str, origin: str) -> None:
    version(store)  # a store's first glossary is made before anything is saved over it
    base, check = _base(base_version)
    who = re.sub(r"[^\w.]+", "_", author.strip())[:40]  # one word in --history, as before
    table.add(store, [NewVersion(_rows(glossary), who, origin)], base=base, check=check)


def save_rows(store: Store, rows: list[list[str]], *, base_version: str | None = None, author: str = "",
              allow_empty: bool = False) -> Glossary:
    """Validate glossary rows (ar, en, ru, note) and save them as the store's new version, in one transaction.

    With `base_version` (what the editor loaded), a glossary saved by someone else since is a GlossaryConflict,
    never a silent overwrite. Every version stays in the store, so every save can be undone (`restore`). An empty
    table is refused unless `allow_empty`.
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
    _save(store, glossary, base_version, author, "save")
    return glossary


def history(store: Store) -> list[dict[str, str]]:
    """Earlier versions of the glossary, newest first: its name (for `restore`), when it was replaced, its version,
    who replaced it."""
    version(store)  # an old data home's history is imported on first use
    rows = table.versions(store)
    return [{"name": str(old.id), "replaced": new.created, "version": str(old.id), "replaced_by": new.author or "unknown"}
            for new, old in pairwise(rows)]


def restore(store: Store, name: str, *, base_version: str | None = None, author: str = "") -> Glossary:
    """Make an earlier version (a name from `history`) the glossary again, as a new save (itself undoable)."""
    text = str(name).strip()
    row = table.version(store, int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else None
    if row is None:
        raise WorkbenchError(f"no earlier glossary version {name!r} (see `workbench glossary --history`)")
    glossary = _of(table.terms(store, row.id))
    _save(store, glossary, base_version, author, "restore")
    return glossary


def read_csv_file(path: Path, *, strict: bool = True) -> Glossary:
    """A CSV glossary file, read as hostile: a regular file (never a link, a folder or a device), at most
    MAX_FILE bytes, UTF-8 text, every row checked (`strict`: one bad row is an error; else it is skipped and
    listed, and a cell that would run as a formula still refuses the whole file)."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise WorkbenchError(f"{path}: not a regular file (a link, a folder or a device); not read")
        if info.st_size > MAX_FILE:
            raise WorkbenchError(f"{path}: {info.st_size} bytes, more than a glossary's {MAX_FILE}; not read")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise WorkbenchError(f"{path}: not a regular file; not read")
            data = fh.read(MAX_FILE + 1)
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_FILE:
        raise WorkbenchError(f"{path}: more than a glossary's {MAX_FILE} bytes; not read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbenchError(f"{path}: not UTF-8 text (byte {exc.start}); save the glossary as UTF-8 CSV") from exc
    if "\x00" in text:
        raise WorkbenchError(f"{path}: a binary file, not a CSV glossary")
    glossary = parse_csv(text, str(path), strict=strict)
    if glossary.formula_problems:
        raise WorkbenchError(f"{glossary.formula_problems[0].removesuffix('; row skipped')}; the file was not read")
    return glossary


def import_csv(store: Store, path: Path, *, base_version: str | None = None, author: str = "") -> Glossary:
    """Replace the glossary with a CSV file's terms (every row checked; one bad row and nothing is saved)."""
    glossary = read_csv_file(path)
    if not glossary.terms:
        raise WorkbenchError(f"{path}: no terms; refusing to save an empty glossary")
    _save(store, glossary, base_version, author, "import")
    return glossary


def to_csv(glossary: Glossary) -> bytes:
    """The glossary as CSV (the import format; its cells were checked when saved, so none runs as a formula)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(glossary.to_rows())
    return buf.getvalue().encode("utf-8")


def _old_stamp(stamp: str) -> str:
    """An old history file's stamp (20261126T220700123456) as the store's timestamps."""
    return (f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}"
            f".{stamp[15:21].ljust(6, '0')}+00:00")


def _first_versions(store: Store) -> list[NewVersion]:
    """What a store's glossary starts with: the data home's old glossary-history/ and glossary.csv, read as
    hostile (a file that is a link, too big, not UTF-8 CSV, or holds a formula cell is left out and logged), or the
    starter glossary. The old files are left as they are and no longer read."""
    home = None if store.path == ":memory:" else Path(store.path).parent
    out: list[NewVersion] = []
    problem = ""
    if home is not None and os.path.lexists(home / FILENAME):
        # history file i says who replaced version i, and when: that is when version i + 1 was made, and by whom
        made: tuple[str | None, str] = (None, "")
        folder = home / HISTORY
        try:
            names = sorted(os.listdir(folder))[:MAX_HISTORY_FILES] if stat.S_ISDIR(folder.lstat().st_mode) else []
        except OSError:
            names = []
        for name in names:
            found = _OLD_HISTORY_NAME.fullmatch(name)
            if not found:
                continue
            try:
                old = read_csv_file(folder / name, strict=False)
                if old.terms:
                    out.append(NewVersion(_rows(old), made[1], "import", created=made[0]))
            except WorkbenchError as exc:
                log.error("glossary: %s was not imported: %s", name, exc)
            made = (_old_stamp(found.group(1)), found.group(2))
        try:
            current = read_csv_file(home / FILENAME, strict=False)
            out.append(NewVersion(_rows(current), made[1], "import", "\n".join(current.problems), made[0]))
            log.info("glossary: %s imported into the store (%d terms); the file is no longer read",
                     home / FILENAME, len(current))
            return out
        except WorkbenchError as exc:
            problem = (f"{exc}; {FILENAME} of the data home was not imported, the starter glossary is used "
                       "(fix the file and run `workbench glossary --import FILE`)")
            log.error("glossary: %s", problem)
    starter = parse_csv(STARTER.read_text(encoding="utf-8-sig"), str(STARTER), strict=False)
    out.append(NewVersion(_rows(starter), "", "starter", problem, None))
    return out
