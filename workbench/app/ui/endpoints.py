"""Named API endpoints for `gradio_client` scripts, generated from the service's registry (`app/service.py`): one
per operation, its parameters, types, defaults and JSON schema those of the operation's declaration."""

from __future__ import annotations

import inspect
from typing import Any

import gradio as gr

from ..api import Workbench
from ..catalog import registry
from ..service import Operation


def register(wb: Workbench) -> None:
    """Register one named endpoint per operation (inside a Blocks context); with --auth the login name is the
    author of every save. Each parameter's schema in the API info (`/gradio_api/info`) is the declaration's, and
    the result's that of its typed result (an object, for the few untyped ones)."""
    for op in registry().values():
        dependency = gr.api(endpoint(wb, op), api_name=op.name, api_description=op.doc)
        blocks = gr.context.get_blocks_context()
        properties = op.schema().get("properties", {})
        for component_id, param in zip(dependency["inputs"], op.parameters, strict=True):
            blocks.blocks[component_id]._api_info = properties.get(param.name, {})  # type: ignore[union-attr]
        for component_id in dependency["outputs"]:
            blocks.blocks[component_id]._api_info = op.result_schema() or {"type": "object"}  # type: ignore[union-attr]


def endpoint(wb: Workbench, op: Operation) -> Any:
    """A function with the declaration's parameters (in order, so `gradio_client` may also pass them by position)
    and Gradio's request after them, that runs `op` with named arguments."""
    names = [p.name for p in op.parameters]

    def call(*args: Any, **kwargs: Any) -> dict[str, Any]:
        request = kwargs.pop("request", None)
        if len(args) == len(names) + 1 and (args[-1] is None or isinstance(args[-1], gr.Request)):
            request, args = args[-1], args[:-1]  # Gradio passes the request by position after the arguments
        if len(args) > len(names):
            return {"ok": False, "error": f"{op.name} takes {len(names)} arguments, got {len(args)}"}
        given = dict(zip(names, args, strict=False))
        if given.keys() & kwargs.keys() or "login" in kwargs:
            return {"ok": False, "error": f"{op.name}: arguments given twice ({sorted(given.keys() & kwargs.keys())})"}
        login = getattr(request, "username", None) if request is not None else None
        return op(wb, login=login, **given, **kwargs)

    params = [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in op.parameters]
    params.append(inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request,
                                    default=None))
    call.__signature__ = inspect.Signature(params, return_annotation=dict)  # type: ignore[attr-defined]
    call.__annotations__ = {**{p.name: p.annotation for p in params}, "return": dict}
    call.__name__ = op.name
    call.__doc__ = op.doc
    return call
