"""The article in a web page: its text, title, date and author, found by trafilatura (made for news pages, it
keeps Arabic text and drops the site's menus, language switchers, share buttons and related links).

The page is hostile: it is parsed as HTML (lxml's HTML parser, no entities, no network); the metadata is
shortened and the date kept only when it is a real ISO date. A page without article text is an
ExtractionFailed, so nothing half is ever imported.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..errors import WorkbenchError

MIN_CHARS = 40  # less article text than this is no article (a cookie wall, an index page, an error page)
MAX_TITLE = 500
MAX_AUTHOR = 200
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)


class ExtractionFailed(WorkbenchError):
    """A page in which no article text was found; `reason` says why."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url[:120]}: {reason}")


@dataclass(frozen=True)
class Extracted:
    """An article read from a page: the text to import (the title line first), and its metadata."""

    url: str
    text: str
    title: str | None
    date: str | None  # yyyy-mm-dd
    author: str | None


def decode_page(body: bytes, content_type: str = "") -> str | bytes:
    """The page as text when its Content-Type names a charset Python knows; else the bytes (trafilatura reads the
    page's own `<meta charset>` and guesses)."""
    found = _CHARSET.search(content_type or "")
    if found:
        try:
            return body.decode(found.group(1), errors="replace")
        except (LookupError, UnicodeError):  # an unknown charset, or one that never decodes (`undefined`)
            pass
    return body


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?" + _CHARSET.pattern.encode("ascii"), re.I)


def page_charset(page: bytes) -> str | None:
    """The charset a page names in its first 4 KB (`<meta charset>`), lower-cased; None when it names none."""
    found = _META_CHARSET.search(page[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def extract_article(page: str | bytes, url: str) -> Extracted:
    """The article in `page` (found at `url`): ExtractionFailed when there is none."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False, include_images=False, include_links=False,
                                          deduplicate=False, date_extraction_params={"extensive_search": False,
                                                                                     "original_date": True})
    except (ValueError, TypeError, AttributeError) as exc:  # what a malformed page can make it raise
        raise ExtractionFailed(url, f"the page could not be read ({type(exc).__name__})") from None
    text = _plain(getattr(doc, "text", None) or "") if doc is not None else ""
    if len(text.replace("\n", "")) < MIN_CHARS:
        raise ExtractionFailed(url, "no article text found in the page")
    title = _line(getattr(doc, "title", None), MAX_TITLE)
    lines = text.split("\n")
    if title and lines[0].strip() != title:
        lines.insert(0, title)
    return Extracted(url, "\n".join(lines), title, iso_date(getattr(doc, "date", None)),
                     _line(getattr(doc, "author", None), MAX_AUTHOR))


def iso_date(value: object) -> str | None:
    """`value` as yyyy-mm-dd when it starts with a real date (2021-11-07, 2021-11-07T10:00:00+03:00), else None."""
    if not isinstance(value, str):
        return None
    head = value.strip()[:10]
    try:
        return dt.date.fromisoformat(head).isoformat()
    except ValueError:
        return None


def _plain(text: str) -> str:
    """Paragraphs of text: one per line, control characters gone, no empty lines."""
    cleaned = "".join(c if c in "\n\t" or unicodedata.category(c)[0] != "C" or c in "\u200f\u200e\u200c\u200d"
                      else " " for c in text)
    return "\n".join(line.strip() for line in cleaned.split("\n") if line.strip())


def _line(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(_plain(value).split())
    return text[:limit] or None
