"""The segments panel: the in-place review editor, a `gr.HTML` component with Gradio's own means for scripts.

The component's `head` loads the editor's scripts (`ui/js/*.js`, plain files in the order of `SCRIPTS`, no
build step), its `js_on_load` starts the grid (`WB.mount`), `watch("value")` tells it which article Python
opened, `trigger("saved")` asks Python to refresh the article list, and its one server function, `operation`,
runs the service's operations marked `page` (`app/service.py`: the same declarations, argument checks and results
as the named endpoints that gradio_client scripts call; one HTTP request per call, arguments by name).

Why not a Gradio Dataframe: it cannot edit one cell in place with its own keys, drafts and conflict view, and its
rows and an editor below them are never on screen together.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ..api import Workbench
from ..catalog import registry
from .articles import ArticleList, refresher

JS = Path(__file__).with_name("js")
# Load order: each file adds to window.WB what the later ones use.
SCRIPTS = ("state.js", "transport.js", "render.js", "conflict.js", "editor.js", "commands.js", "keys.js", "suggestions.js",
           "cat.js", "cat_grid.js", "ledger.js", "loader.js")
MOUNT = "WB.mount({ element, trigger, props, server, watch, events: ['saved'] });"


@dataclass
class Grid:
    html: gr.HTML


def value(article_id: str) -> str:
    """The grid's value for `article_id`; a new stamp makes the page reload the article."""
    return json.dumps({"article": article_id or "", "stamp": time.monotonic_ns()})


def script() -> str:
    """The editor's scripts as one `<script>` element (the component's `head`)."""
    code = "\n".join(f"// ---- {name}\n{(JS / name).read_text(encoding='utf-8')}" for name in SCRIPTS)
    return "<script>\n" + code.replace("</script", "<\\/script") + "\n</script>"


def build(wb: Workbench) -> Grid:
    def operation(data: Any, request: gr.Request) -> dict[str, Any]:
        """Run one of the editor's operations: `data` is [operation name, {argument: value}]."""
        return run(wb, data, request)

    html = gr.HTML(value(""), html_template="<div id='review-grid'></div>", js_on_load=MOUNT, head=script(),
                   server_functions=[operation], elem_id="grid-host", apply_default_css=False)
    return Grid(html)


def wire(wb: Workbench, grid: Grid, article_list: ArticleList) -> None:
    """A save that changed an article's status refreshes the list (the grid triggers "saved")."""
    grid.html.saved(**refresher(wb, article_list), show_progress="hidden")


class NotLoggedIn(Exception):
    """The app has logins and this request carries none Gradio knows (the route's own check should prevent it)."""


def run(wb: Workbench, data: Any, request: Any) -> dict[str, Any]:
    """Parse a server-function call from the page (hostile like any client input) and run the operation; with
    logins, the login name is the author. Never raises."""
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str) and isinstance(data[1], dict)
            and all(isinstance(key, str) for key in data[1])):
        return {"ok": False, "error": "expected [operation name, {argument: value}]"}
    name, args = data
    op = registry().get(name)
    if op is None or not op.page:
        return {"ok": False, "error": f"unknown operation {name[:60]!r}"}
    try:
        login = login_name(request)
    except NotLoggedIn:
        return {"ok": False, "error": "log in first"}
    if "login" in args:
        return {"ok": False, "error": f"{name}: login is not an argument of this operation"}
    return op(wb, login=login, **args)


def login_name(request: Any) -> str | None:
    """Who is logged in: None when the app has no logins; NotLoggedIn when it has and the request's cookie is not
    a login (fails closed). Gradio hands server functions the raw request, so this reads the login the way
    Gradio's own routes do (the app's token cookie)."""
    username = getattr(request, "username", None)
    if isinstance(username, str) and username:
        return username
    raw = getattr(request, "request", None) or request
    app = getattr(raw, "app", None)
    if app is None or (getattr(app, "auth", None) is None and getattr(app, "auth_dependency", None) is None):
        return None
    if getattr(app, "auth_dependency", None) is not None:
        raise NotLoggedIn
    cookie_id, cookies = getattr(app, "cookie_id", ""), getattr(raw, "cookies", {}) or {}
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    user = getattr(app, "tokens", {}).get(token) if token else None
    if not isinstance(user, str) or not user:
        raise NotLoggedIn
    return user
