"""Ids are ids, never paths: the one definition of what an article or segment id may be, and the one way to build
a file name from data so that it stays inside its folder.

Every id that enters from outside (an import, a shard, an API call) is checked here; every file whose name comes
from data is made with `file_in`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from .errors import WorkbenchError

MAX_ID_LENGTH = 160
# Letters, digits, `_`, `.` and `-`; neither first nor last a `.` or `-` (so never "", "." or ".."), no `/`.
_ARTICLE_ID = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class InvalidId(WorkbenchError):
    """An id from outside that is not a well-formed id (it may be a path, empty, too long or not text)."""


def make_article_id(value: str) -> str:
    """An article id made from a file name or a record's id: unsafe characters become `-`; a long one keeps its
    first characters and a hash of the whole, so two long names stay two ids."""
    cleaned = _UNSAFE.sub("-", value).strip("-.")
    if not cleaned:  # a name in another script (an Arabic file name): keep two such names apart
        cleaned = "article-" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if len(cleaned) > MAX_ID_LENGTH:
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        cleaned = cleaned[: MAX_ID_LENGTH - 13].rstrip("-.") + "-" + digest
    return cleaned


def is_article_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and _ARTICLE_ID.fullmatch(value) is not None


def check_article_id(value: object, what: str = "article id") -> str:
    """`value` if it is a well-formed article id, else InvalidId (one line, the value shortened)."""
    if not is_article_id(value):
        raise InvalidId(f"not a valid {what}: {_shown(value)} (letters, digits, _ . - only, at most "
                        f"{MAX_ID_LENGTH} characters; ids are never paths)")
    return value  # type: ignore[return-value]


def check_segment_id(value: object, article_id: str) -> str:
    """A segment id of `article_id` (segment ids are `ARTICLE_ID.HASH[-N]`), else InvalidId."""
    if (not isinstance(value, str) or len(value) > MAX_ID_LENGTH + 40 or not value.startswith(article_id + ".")
            or _ARTICLE_ID.fullmatch(value) is None):
        raise InvalidId(f"not a segment of article {article_id}: {_shown(value)}")
    return value


def file_in(folder: str | os.PathLike[str], name: str) -> Path:
    """`folder / name`, refused (InvalidId) unless `name` is one plain file name that stays inside `folder`."""
    base = Path(folder)
    if (not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name
            or os.path.isabs(name)):
        raise InvalidId(f"not a plain file name: {_shown(name)}")
    path = base / name
    resolved_base = base.resolve()
    if path.resolve().parent != resolved_base:
        raise InvalidId(f"{_shown(name)} would be written outside {base}")
    return path


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"
