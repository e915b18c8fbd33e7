"""The kinds of argument the server's operations take, each with its checks: what a value from a browser or a
`gradio_client` script must be before any operation sees it.

Every argument that arrives over HTTP is hostile until one of these has parsed it: the right JSON type (a text is
a string, a flag is a boolean, a revision is a positive integer), a size limit, and for ids the id rules of
`workbench.ids` (ids are ids, never paths). A failure is one `BadArgument` line naming the argument.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import WorkbenchError
from ..ids import check_article_id
from ..languages import TARGETS
from ..settings import max_text_chars
from ..units import SUMMARY

_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


class BadArgument(WorkbenchError):
    """An API argument of the wrong type, size or form."""


@dataclass(frozen=True)
class Kind:
    """One kind of argument: its JSON type for the API schema (`api_type`) and its check (`parse`)."""

    name: str
    api_type: Any

    def parse(self, value: Any, arg: str) -> Any:
        raise NotImplementedError

    def fail(self, arg: str, why: str) -> BadArgument:
        return BadArgument(f"{arg}: {why}")


@dataclass(frozen=True)
class Text(Kind):
    """A string of at most `limit` characters (None: the configurable text limit); optional: None → ""."""

    limit: int | None = None
    optional: bool = False

    def parse(self, value: Any, arg: str) -> str:
        if value is None and self.optional:
            return ""
        if not isinstance(value, str):
            raise self.fail(arg, f"must be text, not {type(value).__name__}")
        limit = self.limit if self.limit is not None else max_text_chars()
        if len(value) > limit:
            raise self.fail(arg, f"is {len(value):,} characters; the limit is {limit:,}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.fail(arg, "holds characters that are not valid Unicode text (a lone surrogate)") from None
        return value


@dataclass(frozen=True)
class ArticleId(Kind):
    def parse(self, value: Any, arg: str) -> str:
        return check_article_id(value, arg.replace("_", " "))


@dataclass(frozen=True)
class UnitName(Kind):
    """"summary" or a segment id (whether it belongs to the article is checked by the operation's store lookup)."""

    def parse(self, value: Any, arg: str) -> str:
        if value == SUMMARY:
            return SUMMARY
        text = Text("text", str, limit=240).parse(value, arg)
        if not text:
            raise self.fail(arg, 'must be a segment id or "summary"')
        return text


@dataclass(frozen=True)
class Choice(Kind):
    values: tuple[str, ...] = ()

    def parse(self, value: Any, arg: str) -> str:
        if not isinstance(value, str) or value not in self.values:
            raise self.fail(arg, f"must be one of {', '.join(self.values)} (got {_short(value)})")
        return value


@dataclass(frozen=True)
class Languages(Kind):
    """A non-empty list of target languages, in the project's order, each once."""

    def parse(self, value: Any, arg: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, Sequence) or not value or len(value) > 16:
            raise self.fail(arg, f"must be a list of languages from {', '.join(TARGETS)}")
        wrong = [v for v in value if not isinstance(v, str) or v not in TARGETS]
        if wrong:
            raise self.fail(arg, f"unknown languages {_short(wrong)}; use {', '.join(TARGETS)}")
        return [lang for lang in TARGETS if lang in value]


@dataclass(frozen=True)
class RevisionId(Kind):
    """A revision id, or none ("", 0 or None: the unit had no text when it was opened)."""

    def parse(self, value: Any, arg: str) -> int | None:
        if value in (None, "", 0) and not isinstance(value, bool):
            return None
        if isinstance(value, str) and value.isdigit() and len(value) < 19:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise self.fail(arg, f"must be a revision number (got {_short(value)})")
        return value


@dataclass(frozen=True)
class Flag(Kind):
    """A true/false value: JSON booleans only (a text "no" or a number is refused, never taken as true)."""

    def parse(self, value: Any, arg: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(arg, f"must be true or false (got {_short(value)})")
        return value


@dataclass(frozen=True)
class Seconds(Kind):
    """How long a unit was open in the editor: a number of seconds from 0 to a day, or none."""

    def parse(self, value: Any, arg: str) -> float | None:
        if value in (None, "") and not isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self.fail(arg, f"must be a number of seconds (got {_short(value)})") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(arg, f"must be a number of seconds (got {_short(value)})")
        return min(max(0.0, float(value)), 86400.0)


@dataclass(frozen=True)
class OptionalUnit(Kind):
    """A unit name, or none ("" or None → ""): e.g. the unit a page has open, when it may have none."""

    def parse(self, value: Any, arg: str) -> str:
        if value is None or value == "":
            return ""
        return UnitName(self.name, str).parse(value, arg)


@dataclass(frozen=True)
class Number(Kind):
    """A record's id: a positive integer (or its digits as text)."""

    def parse(self, value: Any, arg: str) -> int:
        if isinstance(value, str) and value.isdigit() and len(value) < 19:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise self.fail(arg, f"must be a positive whole number (got {_short(value)})")
        return value


@dataclass(frozen=True)
class Token(Kind):
    """An opaque token a page made for itself (8–64 letters, digits, `_` or `-`), e.g. one browser tab's id."""

    def parse(self, value: Any, arg: str) -> str:
        if not isinstance(value, str) or not _TOKEN.fullmatch(value):
            raise self.fail(arg, f"must be 8 to 64 letters, digits, _ or - (got {_short(value)})")
        return value


@dataclass(frozen=True)
class Pairs(Kind):
    """A non-empty list of at most `limit` [unit, revision] pairs (a unit and the revision a preview showed)."""

    limit: int = 2000

    def parse(self, value: Any, arg: str) -> list[tuple[str, int | None]]:
        items = _list_of(self, value, arg, 2)
        return [(UnitName("unit", str).parse(u, f"{arg}[{i}] unit"), REVISION.parse(r, f"{arg}[{i}] revision"))
                for i, (u, r) in enumerate(items)]


@dataclass(frozen=True)
class Triples(Kind):
    """A non-empty list of at most `limit` [article id, unit, revision] triples."""

    limit: int = 500

    def parse(self, value: Any, arg: str) -> list[tuple[str, str, int | None]]:
        items = _list_of(self, value, arg, 3)
        return [(check_article_id(a, f"{arg}[{i}] article id"), UnitName("unit", str).parse(u, f"{arg}[{i}] unit"),
                 REVISION.parse(r, f"{arg}[{i}] revision")) for i, (a, u, r) in enumerate(items)]


def _list_of(kind: Pairs | Triples, value: Any, arg: str, width: int) -> list[Sequence[Any]]:
    if not isinstance(value, list | tuple) or not value:
        raise kind.fail(arg, f"must be a non-empty list of {width}-item lists")
    if len(value) > kind.limit:
        raise kind.fail(arg, f"holds {len(value):,} items; the limit is {kind.limit:,}")
    wrong = next((i for i, v in enumerate(value) if not isinstance(v, list | tuple) or len(v) != width), None)
    if wrong is not None:
        raise kind.fail(arg, f"item {wrong} must be a list of {width} values (got {_short(value[wrong])})")
    return list(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


# The kinds the operations use.
ARTICLE = ArticleId("article id", str)
UNIT = UnitName("unit", str)
LANG = Choice("language", str, values=TARGETS)
LANGS = Languages("languages", list[str])
TEXT = Text("text", str)
OPTIONAL_TEXT = Text("text", str, optional=True)
QUERY = Text("query", str, limit=500, optional=True)
AUTHOR = Text("author", str, limit=120, optional=True)
REASON = Text("reason", str, limit=2000, optional=True)
REVISION = RevisionId("revision", int | None)
SOURCE_HASH = Text("source hash", str, limit=128, optional=True)
FLAG = Flag("flag", bool)
SECONDS = Seconds("seconds", float | None)
# The kinds of the CAT editor's operations (app/operations_cat.py).
OPTIONAL_UNIT = OptionalUnit("unit", str)
RECORD = Number("id", int)
CLIENT = Token("client id", str)
COMMENT = Text("comment", str, limit=4000)
FIND = Text("find", str, limit=200)
REPLACEMENT = Text("replacement", str, limit=1000, optional=True)
SEARCH = Text("search", str, limit=200, optional=True)
DISMISS_REASON = Text("reason", str, limit=500, optional=True)
PICKS = Pairs("picks", list[list[Any]])
PLACES = Triples("targets", list[list[Any]])
