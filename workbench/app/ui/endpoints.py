"""Named API endpoints for the page's editor and for gradio_client scripts, registered from the one list of
operations (`app/operations.py`): each endpoint's parameters, types and defaults come from its declaration."""

from __future__ import annotations

import inspect
from typing import Any

import gradio as gr

from .. import operations_cat, operations_newsroom  # noqa: F401  (declare the CAT editor's and the newsroom's operations)
from ..api import Workbench
from ..operations import OPERATIONS, Operation


def register(wb: Workbench) -> None:
    """Register one named endpoint per operation (inside a Blocks context); with --auth the login name is the
    author of every save."""
    for op in OPERATIONS.values():
        gr.api(endpoint(wb, op), api_name=op.name, api_description=op.doc)


def endpoint(wb: Workbench, op: Operation) -> Any:
    """A function Gradio can describe (a typed signature, defaults from the declaration) that runs `op`."""

    count = len(op.kinds)

    def call(*args: Any, **kwargs: Any) -> dict[str, Any]:
        # Gradio passes the request positionally after the declared arguments (see the signature below).
        request = kwargs.pop("request", None)
        if len(args) == count + 1 and (args[-1] is None or isinstance(args[-1], gr.Request)):
            request, args = args[-1], args[:-1]
        login = getattr(request, "username", None) if request is not None else None
        return op(wb, *args, login=login, **kwargs)

    params = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=kind.api_type,
                                default=op.defaults.get(name, inspect.Parameter.empty))
              for name, kind in op.kinds.items()]
    params.append(inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request,
                                    default=None))
    call.__signature__ = inspect.Signature(params, return_annotation=dict)  # type: ignore[attr-defined]
    call.__annotations__ = {**{p.name: p.annotation for p in params}, "return": dict}
    call.__name__ = op.name
    call.__doc__ = op.doc
    return call
