"""The Gradio review app, built by a factory from panels.

Each panel is one module with `build(...)` (lays out its components, returns them as a dataclass) and
`wire(...)` (connects their events to the service's operations, `app/service.py`, and to the panel's own plain
functions, tested without a browser). The segments panel is the in-place editor
(`grid.py` + `js/*.js`), which works through the named API endpoints in `endpoints.py`. `build_app` only
composes them; nothing is built at import time.
"""

from __future__ import annotations

import threading

import gradio as gr

from ... import logs
from ..api import Workbench
from ..guard import Guard, make_guard
from . import actions, articles, effort, endpoints, glossary, grid, header
from .common import CSS, Shared, answer_malformed_events


def build_app(wb: Workbench, *, auth_enabled: bool = False) -> gr.Blocks:
    """The review app for one Workbench: article list | header, the segment grid, actions, glossary, effort."""
    app = gr.Blocks(title="Arabic news workbench")  # not `with … as app`: Blocks.__enter__ is untyped
    with app:
        shared = Shared.create()
        with gr.Row(elem_id="layout"):
            with gr.Column(scale=1, min_width=300, elem_id="left"):
                article_list = articles.build(auth_enabled)
            with gr.Column(scale=4, elem_id="right"):
                top = header.build()
                segments = grid.build(wb)
                act = actions.build()
                terms = glossary.build()
                effort_view = effort.build()
        reload_article = header.reload(wb, shared, top, segments)
        articles.wire(wb, app, shared, article_list, reload_article)
        actions.wire(wb, shared, act, article_list, segments)
        grid.wire(wb, segments, article_list)
        glossary.wire(wb, app, terms, article_list.reviewer, reload_article)
        effort.wire(wb, effort_view)
        endpoints.register(wb)
    answer_malformed_events(app)  # a hand-made call with the wrong values: one error, no traceback
    return app


def launch(wb: Workbench, *, host: str = "127.0.0.1", port: int = 7860, auth: list[tuple[str, str]] | None = None,
           block: bool = True, guard: Guard | None = None) -> gr.Blocks:
    """Build and start the app (queue on, so long work never freezes other users). `guard` (default: loopback
    names and the bound address, no trusted proxy) says which Host names are answered and whose X-Forwarded-For
    is believed; its middleware records each request's client address for the login limits."""
    from ..auth import RateLimitedLogin

    guard = guard or make_guard(host)
    app = build_app(wb, auth_enabled=bool(auth))
    threading.Thread(target=warm_checks, name="warm-checks", daemon=True).start()
    app.queue(default_concurrency_limit=4)
    login = RateLimitedLogin.remembering(auth, wb.store) if auth else None
    with guard.forwarded():
        app.launch(server_name=host, server_port=port, auth=login, css=CSS,
                   prevent_thread_lock=not block, show_error=True, footer_links=["api"],
                   ssr_mode=False, app_kwargs={"middleware": guard.middleware(), "exception_handlers": unknown_names(),
                               "openapi_url": None})  # FastAPI's own schema: readable without a login
    return app


def warm_checks() -> None:
    """Load what the fact checks need once (the language detector's models, the Russian dictionaries: seconds), in
    the background as the server starts, so the first article opened does not wait for them."""
    from ...review.facts import Thresholds, language_flags
    from ...review.names import ru_token_matches

    try:
        language_flags("The workbench checks the language of every translation.", "en", Thresholds())
        ru_token_matches("Токаев", "Токаеву")
    except Exception:  # a check that cannot load fails again, with its error, where it is used
        logs.get("ui").exception("the fact checks could not be loaded in advance")


def unknown_names() -> dict[type[Exception], object]:
    """Gradio's routes look up the endpoint, event or component a request names and raise when there is none
    (`/gradio_api/call/nope`, a `fn_index` or `component_id` that is not there): a 500 and a traceback on the
    server's output for anyone who asks. Answered 404 in one line instead; an operation never raises (its errors
    are answers), so a KeyError that reaches a route is such a lookup."""
    from gradio.route_utils import FnIndexInferError
    from starlette.responses import JSONResponse

    def not_found(request: object, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": "no such endpoint, event or component"}, status_code=404)

    return {FnIndexInferError: not_found, KeyError: not_found}
