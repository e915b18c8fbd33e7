"""Reading input files: decoding (UTF-8, UTF-16 BOM, Windows-1256), front matter, JSONL, Parquet, folders.

Hostile input is contained: a file over MAX_FILE_BYTES is refused without being read, JSONL is read a line at a
time (a line over the limit is skipped in pieces), JSON nested deeper than MAX_JSON_DEPTH is refused before it is
parsed, links that leave an imported folder are not followed, and every entry that is skipped is named.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import DuplicateArticleId, ImportProblem, InputTooDeep, InputTooLarge, SkippedEntry
from ..ids import make_article_id
from .cleaning import arabic_ratio, has_arabic
from .metadata import split_front_matter

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}  # a saved web page: its article is extracted as from a fetched one
JSONL_SUFFIXES = {".jsonl"}
PARQUET_SUFFIXES = {".parquet"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | PARQUET_SUFFIXES


@dataclass
class RawArticle:
    """One article as read from disk, before cleaning."""

    article_id: str
    text: str
    path: str
    encoding: str = "utf-8"
    fields: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def safe_id(value: str) -> str:
    """An article id made from a file name or a record's id (see `workbench.ids`)."""
    return make_article_id(value)


def decode(data: bytes, path: str) -> tuple[str, str, list[str]]:
    """Decode file bytes into text; returns (text, encoding, warnings). Raises ImportProblem."""
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig", warnings
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), "utf-16", warnings
            except UnicodeDecodeError as exc:
                raise ImportProblem(path, f"starts with a UTF-16 byte-order mark but does not decode ({exc.reason})") from exc
    if b"\x00" in data[:8192]:
        raise ImportProblem(path, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1256")
        if arabic_ratio(text) >= 0.5:
            warnings.append("not UTF-8: decoded as Windows-1256 Arabic")
            return text, "cp1256", warnings
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding in LIKELY_ENCODINGS:
        warnings.append(f"not UTF-8: decoded as {best.encoding}")
        return str(best), best.encoding, warnings
    try:  # a Western file (Latin-1 / Windows-1252) is far likelier in a newsroom than a rare code page
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        if best is None:
            raise ImportProblem(path, "binary or undecodable file (no text encoding fits)") from None
        warnings.append(f"not UTF-8: decoded as {best.encoding} (a guess; check the text)")
        return str(best), best.encoding, warnings
    warnings.append("not UTF-8: decoded as Windows-1252 (Latin-1)")
    return text, "cp1252", warnings


# Encodings a guess may settle on without a second look: those of Arabic, Russian and Western news text.
LIKELY_ENCODINGS = {"utf_8", "cp1256", "iso8859_6", "cp1251", "koi8_r", "iso8859_5", "cp1252", "latin_1",
                    "iso8859_15", "mac_arabic", "cp720", "cp864"}
_PERSIAN_ONLY = re.compile("[پچژگکی]")


def language_warnings(text: str) -> list[str]:
    """Warnings about text that is not Arabic: none at all, or Persian (whose letters Arabic models mistranslate)."""
    if not has_arabic(text):
        return ["no Arabic text found; imported anyway"]
    letters = len(re.findall(r"[\u0600-\u06ff]", text))
    if letters and len(_PERSIAN_ONLY.findall(text)) / letters > 0.02:
        return ["looks like Persian, not Arabic (letters such as پ چ ژ گ ک ی); the models translate Arabic"]
    return []


_MD_HEADING = re.compile(r"^#{1,6}\s+", re.M)
MAX_FILE_BYTES = 20 * 1024 * 1024  # one .txt/.md file, one JSONL line or one Parquet row's text
MAX_JSON_DEPTH = 32  # levels of [ ] and { } in one JSONL line or Parquet row
RECORD_FIELDS = ("title", "date", "source", "url", "author")
_MB = 1024 * 1024
# A JSON string (brackets inside it do not count) or one bracket.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _limit(max_bytes: int) -> str:
    return f"{max_bytes / _MB:g} MB" if max_bytes >= _MB else f"{max_bytes:,} bytes"


def _too_large(where: str, size: int, max_bytes: int, what: str) -> InputTooLarge:
    return InputTooLarge(where, f"{what} of {size / _MB:.1f} MB is over the {_limit(max_bytes)} limit for one "
                                "article; not read (split it into articles, e.g. one per line of a .jsonl file)")


def read_limited(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes; one over `max_bytes` is refused (InputTooLarge) without reading it into memory."""
    size = path.stat().st_size
    if size <= max_bytes:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # at most the limit and one byte, whatever stat said
        if len(data) <= max_bytes:
            return data
        size = len(data)
    raise _too_large(str(path), size, max_bytes, "file")


def _article_id(value: str, what: str) -> tuple[str, list[str]]:
    """The article id made from a file name or record id, and a warning when it had to be changed."""
    article_id = safe_id(value)
    if article_id == value:
        return article_id, []
    shown = value if len(value) <= 80 else value[:77] + "…"
    return article_id, [f"{what} {shown!r} is not a valid article id (letters, digits, _ . - only); "
                        f"stored as {article_id!r}"]


def read_text_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> RawArticle:
    """A .txt or .md file as one article; front matter (`---` … `---`) at the top is read as its metadata."""
    text, encoding, warnings = decode(read_limited(path, max_bytes), str(path))
    text, fields, front = split_front_matter(text)
    warnings += front
    if path.suffix.lower() == ".md":
        text = _MD_HEADING.sub("", text)  # "# Headline" is a headline line, without its markup
    if not text.strip():
        raise ImportProblem(str(path), "nothing but front matter, no article text" if fields
                            else "empty file (nothing but whitespace)")
    article_id, id_warnings = _article_id(path.stem, "file name")
    return RawArticle(article_id, text, str(path), encoding, fields, id_warnings + warnings + language_warnings(text))


def read_html_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> RawArticle:
    """A saved web page (.html, .htm) as one article: its text, title, date and author extracted as from a page
    `workbench import https://…` fetched (`text.extract`); a page without article text is an ImportProblem."""
    from .extract import ExtractionFailed, extract_article, page_charset

    try:
        data = read_limited(path, max_bytes)
        found = extract_article(data, path.resolve().as_uri())
    except ExtractionFailed as exc:
        raise ImportProblem(str(path), exc.reason) from None
    fields = {k: v for k, v in (("title", found.title), ("date", found.date), ("author", found.author)) if v}
    article_id, id_warnings = _article_id(path.stem, "file name")
    return RawArticle(article_id, found.text, str(path), page_charset(data) or "html", fields,
                      id_warnings + language_warnings(found.text))



def _lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(number, bytes, size) per line, never holding more than `max_bytes` + 1 bytes of one line: a longer line
    comes as (number, None, its size) and is read past in pieces."""
    number = 0
    while raw := fh.readline(max_bytes + 1):
        number += 1
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield number, raw, len(raw)
            continue
        size = len(raw)
        while piece := fh.readline(_MB):
            size += len(piece)
            if piece.endswith(b"\n"):
                break
        yield number, None, size


def iter_jsonl(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[RawArticle | ImportProblem]:
    """One article per line; a bad line yields an ImportProblem and reading goes on (streams the file)."""
    with path.open("rb") as fh:
        for number, raw, size in _lines(fh, max_bytes):
            where = f"{path}:{number}"
            if raw is None:
                yield _too_large(where, size, max_bytes, "line")
            elif raw.strip():
                yield _parse_line(raw, where, number, path, max_bytes)


def _parse_line(raw: bytes, where: str, number: int, path: Path, max_bytes: int) -> RawArticle | ImportProblem:
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return ImportProblem(where, "line is not UTF-8")
    too_deep = InputTooDeep(where, f"nested too deep (more than {MAX_JSON_DEPTH} levels of [ ] or {{ }}); line skipped")
    if _nested_too_deep(raw):
        return too_deep
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return ImportProblem(where, f"not JSON ({exc.msg})")
    except RecursionError:
        return too_deep
    if not isinstance(record, dict):
        return ImportProblem(where, "not a JSON object")
    return _from_record(record, where, path, max_bytes)


def _nested_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests [ ] and { } deeper than `limit`, found without parsing (so without recursion)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKEN.finditer(raw):
        char = raw[match.start()]
        if char in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif char in b"]}":
            depth -= 1
    return False


def _depth(value: object, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and mappings nest in `value`, counted without recursion and no further than `limit` + 1."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > limit:
            return deepest
        pending.extend((child, level + 1) for child in children)
    return deepest


def iter_parquet(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[RawArticle | ImportProblem]:
    """One article per row, with the JSONL fields as columns (`text`, optional `id`, `title`, `date`, `source`,
    `url`, `author`); read in record batches, so a large file never sits in memory whole. Needs pyarrow."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield ImportProblem(str(path), "reading Parquet needs pyarrow (pip install pyarrow, or the [ray] extra)")
        return
    number = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=64):
            for record in batch.to_pylist():
                number += 1
                yield _from_record(record, f"{path}:{number}", path, max_bytes)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        yield ImportProblem(f"{path}:{number + 1}", f"not a readable Parquet file ({str(exc)[:200]})")


def _from_record(record: dict, where: str, path: Path, max_bytes: int) -> RawArticle | ImportProblem:
    """A JSONL line's or Parquet row's article, or what is wrong with it."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return ImportProblem(where, "lacks a non-empty `text` field")
    if _depth(record) > MAX_JSON_DEPTH:
        return InputTooDeep(where, f"nested too deep (more than {MAX_JSON_DEPTH} levels); record skipped")
    bad = _unencodable(record)
    if bad:
        return ImportProblem(where, f"field `{bad}` holds characters that are not valid Unicode text (a lone surrogate)")
    if len(text) > max_bytes // 4 and len(text.encode("utf-8")) > max_bytes:
        return _too_large(where, len(text.encode("utf-8")), max_bytes, "text")
    from .articles import content_hash

    given = record.get("id")
    warnings: list[str] = []
    if given in (None, ""):
        article_id = make_article_id(f"{safe_id(path.stem)}-{content_hash(text)[:10]}")
    elif isinstance(given, str | int) and not isinstance(given, bool):
        article_id, warnings = _article_id(str(given), "record id")
    else:
        return ImportProblem(where, "field `id` must be text or a number")
    fields: dict[str, str] = {}
    for key in RECORD_FIELDS:
        value = record.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            fields[key] = str(value)
        elif value is not None:
            warnings.append(f"field `{key}` is not plain text; ignored")
    return RawArticle(article_id, text, where, "utf-8", fields, warnings + language_warnings(text))


def _unencodable(record: dict) -> str | None:
    """The first field whose text cannot be stored as UTF-8 (JSON allows lone surrogates such as \\ud800)."""
    for key, value in record.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return str(key)
    return None


def iter_paths(paths: Sequence[str | Path]) -> Iterator[Path | ImportProblem]:
    """Files named directly, and .txt/.md/.html/.jsonl/.parquet files under folders (recursive, sorted, hidden names
    and the `NAME_files/` folder a browser saves beside `NAME.html` skipped). Inside a folder a link is followed only while its target stays inside; a link that leaves, a pipe,
    socket or device is named (SkippedEntry); a folder with no importable file is reported. A file met twice
    (named twice, or through a link inside the folder) is read once."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            if not path.is_file():
                yield ImportProblem(str(path), _why_not_a_file(path))
            elif path.resolve() not in seen:
                seen.add(path.resolve())
                yield path
            continue
        found = False
        for item in _walk(path):
            if isinstance(item, Path):
                found = True
                if item.resolve() in seen:
                    continue
                seen.add(item.resolve())
            yield item
        if not found:
            yield ImportProblem(str(path), f"no .txt/.md/.html/.jsonl/.parquet files in {path}")


def _walk(root: Path) -> Iterator[Path | ImportProblem]:
    """Importable files under `root` in sorted order (depth first, without recursion), and what was skipped."""
    base = root.resolve()
    visited: set[Path] = set()
    pending = [root]
    while pending:
        path = pending.pop()
        kind = "folder" if path is root else _kind(path, base)
        if isinstance(kind, ImportProblem):
            yield kind
        elif kind == "file":
            yield path
        elif kind == "folder" and path.resolve() not in visited:  # a link back to a folder already read: once
            visited.add(path.resolve())
            try:
                names = sorted(name for name in os.listdir(path) if not name.startswith("."))
            except OSError as exc:
                yield SkippedEntry(str(path), f"folder not read ({exc.strerror}); skipped")
                continue
            pending.extend(path / name for name in reversed(names) if not _saved_page_assets(path, name, names))


def _saved_page_assets(folder: Path, name: str, names: list[str]) -> bool:
    """Whether `name` is the folder of files a browser saves beside a page ("Page.html" and "Page_files/"): its
    scripts and frames are not articles."""
    if not name.endswith("_files") or not (folder / name).is_dir():
        return False
    stem = name[:-len("_files")]
    return any(f"{stem}{suffix}" in names for suffix in HTML_SUFFIXES)


def _kind(path: Path, base: Path) -> str | ImportProblem | None:
    """"folder", "file" (an importable one), None (another kind of file, not an article) or why it is skipped."""
    importable = path.suffix.lower() in SUFFIXES
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, or a loop
            return ImportProblem(str(path), _why_not_a_file(path)) if importable else None
        if not target.is_relative_to(base):
            if importable or target.is_dir():
                return SkippedEntry(str(path), f"a symbolic link to {str(target)!r}, outside {base}; skipped "
                                               "(links are followed only while they stay inside the imported folder)")
            return None
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return SkippedEntry(str(path), f"not read ({exc.strerror}); skipped")
    if stat.S_ISDIR(mode):
        return "folder"
    if not stat.S_ISREG(mode):
        what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        return SkippedEntry(str(path), f"{what}, not a regular file; skipped")
    return "file" if importable else None


def _why_not_a_file(path: Path) -> str:
    """What a named path is, when it is not a file or folder that can be imported."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "a symbolic link loop"
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symbolic link loop"
            return f"a symbolic link to {os.readlink(path)!r}, which does not exist"
    if path.exists():
        return "not a regular file (a pipe, device or socket); save the text to a file first"
    return "no such file or folder"


def iter_articles(paths: Sequence[str | Path], max_bytes: int = MAX_FILE_BYTES) -> Iterator[RawArticle | ImportProblem]:
    """The articles of files and folders, and a problem for each input that is not imported. An id met a second
    time in one run is reported (DuplicateArticleId, naming both inputs) and that article is not yielded."""
    first: dict[str, str] = {}
    for item in _read_all(paths, max_bytes):
        if isinstance(item, RawArticle):
            if item.article_id in first:
                item = DuplicateArticleId(item.path, f"duplicate id {item.article_id!r} in this import: already read "
                                          f"from {first[item.article_id]}; not imported over it (rename the file or "
                                          "give the record another id)")
            else:
                first[item.article_id] = item.path
        yield item


def _read_all(paths: Sequence[str | Path], max_bytes: int) -> Iterator[RawArticle | ImportProblem]:
    for item in iter_paths(paths):
        if isinstance(item, ImportProblem):
            yield item
            continue
        suffix = item.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES:
                yield from iter_jsonl(item, max_bytes)
            elif suffix in PARQUET_SUFFIXES:
                yield from iter_parquet(item, max_bytes)
            elif suffix in HTML_SUFFIXES:
                yield read_html_file(item, max_bytes)
            else:
                yield read_text_file(item, max_bytes)
        except ImportProblem as problem:
            yield problem
        except OSError as exc:
            yield ImportProblem(str(item), f"cannot read ({exc.strerror})")
