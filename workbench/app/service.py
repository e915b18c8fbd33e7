"""The service layer: every operation of the review surface is one typed function, declared once with `@operation`.

A declaration is a function `fn(wb, *, name: Type = default, ...) -> Answer` whose parameter types are the
annotations of `app/params.py` (pydantic checks them: JSON type, size, id rules). From that one declaration the
registry `OPERATIONS` (loaded whole by `app/catalog.py`) derives everything else: a pydantic model of its arguments
(the check, and the JSON schema the Gradio endpoints publish for `gradio_client`), the page's server function
(`ui/grid.py`, operations marked `page`), the named Gradio endpoints (`ui/endpoints.py`, all of them) and
`workbench op NAME` commands (`cli_ops.py`, those marked `cli`). Callers name every argument:
`OPERATIONS["save_unit"](wb, article_id=..., unit=..., ...)`.

An operation's result is a typed frozen `Answer` (its `to_dict()`: `{"ok": true, ...its fields}`, the JSON every
surface sends, with a JSON schema from its type), a typed report with its own `to_dict()` and `ok` (a batch
run's), or, for a glossary save (whose refusal carries the current version), a dict with `ok`. An operation never raises: an expected failure is
`{"ok": False, "error": one line}` (a wrong argument included), a refused save also carries the other text
(`conflict`), and an unexpected one is logged with its traceback and reported in one line.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, create_model

from ..errors import ConflictError, WorkbenchError
from ..logs import get as get_logger
from ..review.states import ApprovalStale
from .params import BadArgument

Result = dict[str, Any]
T = TypeVar("T")
log = get_logger("ui")


@dataclass(frozen=True)
class Answer:
    """An operation's typed result (subclass it as a frozen dataclass): `to_dict()` is `{"ok": True, **fields}`,
    nested results converted by their own `to_dict()`."""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, **{f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}}

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The schema of `to_dict()`: the fields' and `ok`."""
        schema = TypeAdapter(cls).json_schema(mode="serialization")
        schema.setdefault("properties", {})["ok"] = {"const": True}
        schema["required"] = ["ok", *schema.get("required", [])]
        return schema


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Operation:
    """One operation: `fn(wb, **arguments)`, the model that checks its arguments, and where it is offered."""

    name: str
    fn: Callable[..., Any]
    arguments: type[BaseModel]
    doc: str
    page: bool = False  # the page's editor may call it through its server function
    cli: bool = False  # `workbench op NAME` runs it
    parameters: tuple[inspect.Parameter, ...] = field(default=())
    result: type | None = None  # the typed result (an `Answer`, or a report with `to_dict()`), where it has one

    @property
    def takes_author(self) -> bool:
        return "author" in self.arguments.model_fields

    def __call__(self, wb: Any, /, *, login: str | None = None, **arguments: Any) -> Result:
        """Check the named arguments, then run; never raises. With `login` (the server's logins) that name is
        the author, whatever the caller sent."""
        return guarded(self.name, lambda: _answer(self.run(wb, login=login, **arguments)))

    def run(self, wb: Any, /, *, login: str | None = None, **arguments: Any) -> Any:
        """Check the named arguments and run: the typed result itself, for a caller that renders it (the CLI's
        commands); raises BadArgument or the operation's own WorkbenchError where the call answers a failure."""
        return self.fn(wb, **self.check(arguments, login))

    def attempt(self, wb: Any, /, **arguments: Any) -> Any:
        """The typed result (as `run`), or the one-line failure `Result` (as a call): for a page panel that draws it."""
        return guarded(self.name, lambda: self.run(wb, **arguments))

    def check(self, arguments: dict[str, Any], login: str | None = None) -> dict[str, Any]:
        """The arguments as the operation receives them (BadArgument, one line, for any that is wrong)."""
        try:
            model = self.arguments.model_validate(arguments)
        except ValidationError as exc:
            raise BadArgument(f"{self.name}: {_first_problem(exc)}") from None
        clean = {name: getattr(model, name) for name in self.arguments.model_fields}
        if self.takes_author:
            clean["author"] = login or clean["author"].strip() or "reviewer"
        return clean

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the arguments (an object with one property per argument)."""
        return self.arguments.model_json_schema()

    def result_schema(self) -> dict[str, Any]:
        """The JSON schema of a result ({} where the result is an untyped dict)."""
        if self.result is None:
            return {}
        if issubclass(self.result, Answer):
            return self.result.json_schema()
        schema = TypeAdapter(self.result).json_schema(mode="serialization")  # a report: its `ok` says if it worked
        schema.setdefault("properties", {})["ok"] = {"type": "boolean"}
        return schema


def _answer(result: Any) -> Result:
    answer: Result = result.to_dict() if hasattr(result, "to_dict") else result
    return answer


def _first_problem(exc: ValidationError) -> str:
    """One line for what pydantic found: the first wrong argument and why (and how many more there are)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(first["loc"]))
    if first["type"] == "missing":
        why = "is missing"
    elif first["type"] == "extra_forbidden":
        why = "is not an argument of this operation"
    elif first["type"] == "value_error":
        why = str(first.get("ctx", {}).get("error", first["msg"]))
    else:
        why = first["msg"][:1].lower() + first["msg"][1:] + f" (got {_short(first.get('input'))})"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    if len(where) > 60 or not where.isprintable():  # an unknown argument's name is the caller's: shown escaped
        where = _short(where)
    return f"{where or 'arguments'}: {why}{more}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


OPERATIONS: dict[str, Operation] = {}


def operation(*, page: bool = False, cli: bool = False) -> Callable[[Callable[..., Any]], Operation]:
    """Declare an operation: `fn(wb, ...)` whose other parameters are typed (with `app/params.py`'s types) and
    keyword-only; `page`: the page's editor may call it; `cli`: `workbench op NAME` runs it."""

    def declare(fn: Callable[..., Any]) -> Operation:
        op = describe(fn, page=page, cli=cli)
        OPERATIONS[op.name] = op
        return op

    return declare


def describe(fn: Callable[..., Any], *, page: bool = False, cli: bool = False) -> Operation:
    """The `Operation` of a declaration, its argument model built from the signature."""
    hints = typing.get_type_hints(fn, include_extras=True)
    params = tuple(inspect.signature(fn).parameters.values())[1:]
    untyped = [p.name for p in params if p.kind is not p.KEYWORD_ONLY or p.name not in hints]
    if untyped:
        raise TypeError(f"{fn.__name__}: parameters {untyped} must be keyword-only and typed")
    fields: dict[str, Any] = {p.name: (hints[p.name], ... if p.default is p.empty else p.default) for p in params}
    model = create_model(f"{fn.__name__}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
    typed = tuple(p.replace(annotation=hints[p.name]) for p in params)
    returns = hints.get("return")
    result = returns if inspect.isclass(returns) and hasattr(returns, "to_dict") else None
    return Operation(fn.__name__, fn, model, inspect.getdoc(fn) or "", page=page, cli=cli, parameters=typed,
                     result=result)


def guarded(name: str, run: Callable[[], T]) -> T | Result:
    """What `run` returns, or the one-line failure result (a conflict, an expected error, an internal one)."""
    try:
        return run()
    except ConflictError as exc:
        return conflict(exc)
    except ApprovalStale as exc:  # the page reloads before anyone may approve (no override prompt)
        return {"ok": False, "error": str(exc), "stale": True}
    except WorkbenchError as exc:
        return {"ok": False, "error": str(exc)}
    except Exception as exc:
        log.exception("operation %s failed", name)
        return {"ok": False, "error": f"internal error ({type(exc).__name__}); details are in the data home's "
                                      "logs/workbench.log"}


def conflict(exc: ConflictError) -> Result:
    """A refused save: the other reviewer's text and revision, so nothing is overwritten silently."""
    return {"ok": False, "conflict": True, "message": str(exc), "current_text": exc.current_text,
            "current_revision_id": exc.current_revision_id, "current_author": exc.current_author,
            "error": "someone else saved this text since you opened it"}
