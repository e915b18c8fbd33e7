"""Reading input files: decoding (UTF-8, UTF-16 BOM, Windows-1256), JSONL, folders."""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportProblem
from ..ids import make_article_id
from .cleaning import arabic_ratio, has_arabic

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl"}
PARQUET_SUFFIXES = {".parquet"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | PARQUET_SUFFIXES


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


def read_text_file(path: Path) -> RawArticle:
    data = path.read_bytes()
    text, encoding, warnings = decode(data, str(path))
    if path.suffix.lower() == ".md":
        text = _MD_HEADING.sub("", text)  # "# Headline" is a headline line, without its markup
    if not text.strip():
        raise ImportProblem(str(path), "empty file (nothing but whitespace)")
    warnings += language_warnings(text)
    return RawArticle(safe_id(path.stem), text, str(path), encoding, {}, warnings)


def iter_jsonl(path: Path) -> Iterator[RawArticle | ImportProblem]:
    """One article per line; a bad line yields an ImportProblem and reading goes on (streams the file)."""
    seen: dict[str, int] = {}
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield ImportProblem(where, "line is not UTF-8")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield ImportProblem(where, f"not JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                yield ImportProblem(where, "not a JSON object")
                continue
            yield _from_record(record, where, path, number, seen)


def iter_parquet(path: Path) -> Iterator[RawArticle | ImportProblem]:
    """One article per row, with the JSONL fields as columns (`text`, optional `id`, `title`, `date`, `source`,
    `url`); read in record batches, so a large file never sits in memory whole. Needs pyarrow."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield ImportProblem(str(path), "reading Parquet needs pyarrow (pip install pyarrow, or the [ray] extra)")
        return
    seen: dict[str, int] = {}
    number = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                number += 1
                yield _from_record(record, f"{path}:{number}", path, number, seen)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        yield ImportProblem(f"{path}:{number + 1}", f"not a readable Parquet file ({str(exc)[:200]})")


def _from_record(record: dict, where: str, path: Path, number: int, seen: dict[str, int]) -> RawArticle | ImportProblem:
    """A JSONL line's or Parquet row's article, or what is wrong with it (`seen`: ids so far → row numbers)."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return ImportProblem(where, "lacks a non-empty `text` field")
    bad = _unencodable(record)
    if bad:
        return ImportProblem(where, f"field `{bad}` holds characters that are not valid Unicode text (a lone surrogate)")
    from .articles import content_hash

    article_id = safe_id(str(record["id"])) if record.get("id") not in (None, "") else (
        f"{safe_id(path.stem)}-{content_hash(text)[:10]}")
    if article_id in seen:
        return ImportProblem(where, f"duplicate id {article_id!r} (first on line {seen[article_id]}); line skipped")
    seen[article_id] = number
    fields = {k: str(record[k]) for k in ("title", "date", "source", "url") if record.get(k) is not None}
    return RawArticle(article_id, text, where, "utf-8", fields, language_warnings(text))


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
    """Files named directly, and .txt/.md/.jsonl/.parquet files under folders (recursive, sorted)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() not in SUFFIXES or any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_file():
                    yield child
                elif child.is_symlink():  # a dangling link or a loop: say so rather than skip it silently
                    yield ImportProblem(str(child), _why_not_a_file(child))
        elif path.is_file():
            yield path
        else:
            yield ImportProblem(str(path), _why_not_a_file(path))


def _why_not_a_file(path: Path) -> str:
    """What a named path is, when it is not a file or folder that can be imported."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "a symbolic link loop"
        except OSError:
            return f"a symbolic link to {os.readlink(path)!r}, which does not exist"
    if path.exists():
        return "not a regular file (a pipe, device or socket); save the text to a file first"
    return "no such file or folder"


def iter_articles(paths: Sequence[str | Path]) -> Iterator[RawArticle | ImportProblem]:
    for item in iter_paths(paths):
        if isinstance(item, ImportProblem):
            yield item
            continue
        if item.suffix.lower() in JSONL_SUFFIXES | PARQUET_SUFFIXES:
            try:
                yield from (iter_jsonl(item) if item.suffix.lower() in JSONL_SUFFIXES else iter_parquet(item))
            except OSError as exc:
                yield ImportProblem(str(item), f"cannot read ({exc.strerror})")
            continue
        try:
            yield read_text_file(item)
        except ImportProblem as problem:
            yield problem
        except OSError as exc:
            yield ImportProblem(str(item), f"cannot read ({exc.strerror})")
