"""The newsroom's operation on the review surface: import one article by its page's URL.

Declared like every operation (`app/service.py`): the URL is checked by its type before anything is fetched
(text of at most 2,048 characters, http or https, a host, no user name or password), and the fetch itself refuses
private and loopback addresses in every form, whatever `allow_private_feeds` says (that setting is the operator's,
for the CLI), so a reviewer cannot make the server read the newsroom's own network. The fetch ends by its deadline
(`timeout_seconds`), so slow servers cannot hold the server's workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from .api import Workbench
from .params import Check, text
from .service import Answer, operation


def _page_url(value: Any) -> str:
    """An http(s) URL the newsroom's fetcher may ask for (see `newsroom.fetch.check_url`)."""
    from ..newsroom.fetch import FetchRefused, check_url

    try:
        return check_url(text(2048).fn(value).strip())
    except FetchRefused as exc:
        raise ValueError(exc.reason) from None


PageUrl = Annotated[str, Check(_page_url, {"type": "string", "maxLength": 2048, "format": "uri"})]


@dataclass(frozen=True)
class UrlImported(Answer):
    article_id: str
    title: str | None
    outcome: str  # new, updated or unchanged
    url: str
    segments: int


@operation()
def import_url(wb: Workbench, *, url: PageUrl) -> UrlImported:
    """Fetch the page at `url`, extract its article (text, title, date, author) and import it with the URL kept;
    the article id is made from the URL, never taken. Returns the article id, title and outcome (new, updated,
    unchanged)."""
    from ..newsroom.feeds import Context
    from ..newsroom.feeds import import_url as take

    arrival = take(Context.of(wb.store, wb.home, reviewer=True), url)
    outcome = "unchanged" if arrival.outcome == "known" else arrival.outcome
    return UrlImported(arrival.article_id, arrival.title, outcome, arrival.url, arrival.segments)
