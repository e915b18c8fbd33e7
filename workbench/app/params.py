"""The types of the operations' parameters (`app/service.py`): annotations pydantic checks before any operation
sees a value from a browser, a `gradio_client` script or the command line, each with its JSON schema.

Every argument is hostile until checked: the right JSON type (a text is a string, a flag a JSON boolean, a revision a
positive integer), a size limit (the text limit is the setting `max_text_chars`, read at each call), and for ids
the rules of `workbench.ids` (ids are ids, never paths). A failure is one `BadArgument` line naming the argument.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import StrictBool, StringConstraints
from pydantic_core import core_schema

from ..errors import WorkbenchError
from ..ids import MAX_ID_LENGTH, check_article_id
from ..languages import TARGETS
from ..settings import max_text_chars
from ..units import SUMMARY


class BadArgument(WorkbenchError):
    """An API argument of the wrong type, size or form."""


@dataclass(frozen=True)
class Check:
    """A check pydantic runs on the raw value (`fn`: the clean value, or ValueError / a WorkbenchError saying
    why) and the JSON schema it publishes for it."""

    fn: Callable[[Any], Any]
    schema: dict[str, Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self._run)

    def __get_pydantic_json_schema__(self, core: Any, handler: Any) -> dict[str, Any]:
        return dict(self.schema)

    def _run(self, value: Any) -> Any:
        try:
            return self.fn(value)
        except WorkbenchError as exc:  # e.g. InvalidId: the same line, with the argument's name in front
            raise ValueError(str(exc)) from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def text(limit: int | None = None, *, optional: bool = False) -> Check:
    """A string of at most `limit` characters (None: the `max_text_chars` setting); `optional`: None is ""."""

    def check(value: Any) -> str:
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            raise ValueError(f"must be text, not {type(value).__name__}")
        most = limit if limit is not None else max_text_chars()
        if len(value) > most:
            raise ValueError(f"is {len(value):,} characters; the limit is {most:,}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("holds characters that are not valid Unicode text (a lone surrogate)") from None
        return value

    schema: dict[str, Any] = {"type": "string"} if limit is None else {"type": "string", "maxLength": limit}
    return Check(check, {"anyOf": [schema, {"type": "null"}]} if optional else schema)


def choice(values: Sequence[str]) -> Check:
    """One of `values` (a string)."""

    listed = ", ".join(values) if len(values) <= 8 else ", ".join(values[:8]) + f" … ({len(values)} in all)"

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in values:
            raise ValueError(f"must be one of {listed} (got {_short(value)})")
        return value

    return Check(check, {"type": "string", "enum": list(values)})


def _unit(value: Any) -> str:
    if value == SUMMARY:
        return SUMMARY
    name = text(240).fn(value)
    if not name:
        raise ValueError('must be a segment id or "summary"')
    return str(name)


def _optional_unit(value: Any) -> str:
    return "" if value is None or value == "" else _unit(value)


def _languages(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not value or len(value) > 16:
        raise ValueError(f"must be a list of languages from {', '.join(TARGETS)}")
    wrong = [v for v in value if not isinstance(v, str) or v not in TARGETS]
    if wrong:
        raise ValueError(f"unknown languages {_short(wrong)}; use {', '.join(TARGETS)}")
    return tuple(lang for lang in TARGETS if lang in value)


def _whole(value: Any, least: int, most: int, what: str) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:  # not "²" or "٣"
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ValueError(f"must be {what} (got {_short(value)})")
    return value


def _revision(value: Any) -> int | None:
    """A revision id, or none ("", 0 or None: the unit had no text when it was opened)."""
    if value in (None, "", 0) and not isinstance(value, bool):
        return None
    return _whole(value, 1, 2**63 - 1, "a revision number")


def _seconds(value: Any) -> float | None:
    """How long a unit was open: 0 s to a day (clamped), or none."""
    if value in (None, "") and not isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"must be a number of seconds (got {_short(value)})") from None
    if isinstance(value, int) and not isinstance(value, bool):
        value = min(max(value, 0), 86400)  # clamped before it is a float: float(10**400) raises OverflowError
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"must be a number of seconds (got {_short(value)})")
    return min(max(0.0, float(value)), 86400.0)


def count(least: int, most: int) -> Check:
    """A whole number from `least` to `most` (or its digits), or none for the default."""
    return Check(lambda v: None if v is None or v == "" else _whole(v, least, most, f"a whole number from {least} "
                                                                             f"to {most:,}"),
                 {"anyOf": [{"type": "integer", "minimum": least, "maximum": most}, {"type": "null"}]})


def _items(value: Any, width: int, limit: int) -> list[Sequence[Any]]:
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(f"must be a non-empty list of {width}-item lists")
    if len(value) > limit:
        raise ValueError(f"holds {len(value):,} items; the limit is {limit:,}")
    wrong = next((i for i, v in enumerate(value) if not isinstance(v, list | tuple) or len(v) != width), None)
    if wrong is not None:
        raise ValueError(f"item {wrong} must be a list of {width} values (got {_short(value[wrong])})")
    return list(value)


def _item(check: Callable[[Any], Any], value: Any, where: str) -> Any:
    try:
        return check(value)
    except (ValueError, WorkbenchError) as exc:
        raise ValueError(f"{where}: {exc}") from None


def _pairs(value: Any) -> list[tuple[str, int | None]]:
    return [(_item(_unit, u, f"[{i}] unit"), _item(_revision, r, f"[{i}] revision"))
            for i, (u, r) in enumerate(_items(value, 2, 2000))]


def _triples(value: Any) -> list[tuple[str, str, int | None]]:
    return [(_item(check_article_id, a, f"[{i}] article id"), _item(_unit, u, f"[{i}] unit"),
             _item(_revision, r, f"[{i}] revision")) for i, (a, u, r) in enumerate(_items(value, 3, 500))]


_ID = {"type": "string", "maxLength": MAX_ID_LENGTH, "pattern": r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$"}
_REVISION = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}

# The parameter types the operations use.
ArticleId = Annotated[str, Check(lambda v: check_article_id(v, "article id"), _ID)]
UnitName = Annotated[str, Check(_unit, {"type": "string", "maxLength": 240, "description": 'a segment id or "summary"'})]
OptionalUnit = Annotated[str, Check(_optional_unit, {"anyOf": [{"type": "string", "maxLength": 240}, {"type": "null"}]})]
Language = Annotated[str, choice(TARGETS)]
Languages = Annotated[tuple[str, ...], Check(_languages, {"type": "array", "items": {"type": "string", "enum": list(TARGETS)},
                                                    "minItems": 1, "maxItems": 16})]
Text = Annotated[str, text()]
OptionalText = Annotated[str, text(optional=True)]
Author = Annotated[str, text(120, optional=True)]
Revision = Annotated[int | None, Check(_revision, _REVISION)]
Seconds = Annotated[float | None, Check(_seconds, {"anyOf": [{"type": "number", "minimum": 0, "maximum": 86400},
                                                             {"type": "null"}]})]
Flag = StrictBool
Record = Annotated[int, Check(lambda v: _whole(v, 1, 2**63 - 1, "a positive whole number"), {"type": "integer", "minimum": 1})]
ClientToken = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Picks = Annotated[list[tuple[str, int | None]], Check(_pairs, {"type": "array", "minItems": 1, "maxItems": 2000, "items": {
    "type": "array", "prefixItems": [{"type": "string"}, _REVISION], "minItems": 2, "maxItems": 2}})]
Places = Annotated[list[tuple[str, str, int | None]], Check(_triples, {"type": "array", "minItems": 1, "maxItems": 500, "items": {
    "type": "array", "prefixItems": [_ID, {"type": "string"}, _REVISION], "minItems": 3, "maxItems": 3}})]
