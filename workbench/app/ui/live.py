"""What changed in an article, for the open page's poll every 2 s (issue 29: a team that sees itself live).

A second server function of the grid's `gr.HTML` (`changes`, beside `operation`): read-only, one article, three
small queries (the newest revision id among its units, its comments, the unresolved comments that mention the
reader) and its statuses. The page compares them with what it shows: new comments and mentions are drawn at once;
another reviewer's save or approval reloads the article view (never under the reviewer's typing: the open
editor keeps its text and focus). Why a poll through Gradio's own server function rather than a `gr.Timer` or
server-sent events: the page already owns the grid and its timers, a timer event would redraw Gradio components
for nothing, and a 2-second read of three indexed queries costs the server less than holding a stream per tab.
"""

from __future__ import annotations

from typing import Any

from ...errors import WorkbenchError
from ...review import comments as cat
from ..api import Workbench

MAX_COMMENTS = 1000  # as many as the page's CAT view holds
MAX_NAME = 200


def changes(wb: Workbench, data: Any, login: str | None) -> dict[str, Any]:
    """`data`: [article id, the reader's name] (hostile like any client input; with logins the login name is the
    reader). Never raises."""
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(x, str) for x in data)):
        return {"ok": False, "error": "expected [article id, reader]"}
    article_id, reader = data[0], (login or data[1])[:MAX_NAME]
    try:
        wb.check_ids([article_id])
    except WorkbenchError as exc:
        return {"ok": False, "error": str(exc).splitlines()[0][:300]}
    revisions = wb.store.current_revisions(article_id)
    comments = cat.article_comments(wb.store, article_id)[-MAX_COMMENTS:]
    return {"ok": True, "article_id": article_id, "revision": max((int(r["id"]) for r in revisions.values()), default=0),
            "comments": [c.to_dict() for c in comments], "mentions": len(cat.mentions_for(wb.store, reader)),
            "status": wb.store.statuses(article_id)}
