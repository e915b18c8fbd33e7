"""The newsroom: follow feeds, fetch and extract article pages, publish approved translations, notify webhooks.

`fetch` (a polite, guarded HTTP client: http(s) only, public addresses only unless allowed, size and time limits,
a user agent naming the workbench, per-host intervals), `extract` (article text, title, date and author from a
page, with trafilatura), `feeds` (polling: each item once, 304s honoured, failed pages retried), `publish`
(Jinja2 templates → Markdown, HTML, RSS and Atom, only approved text, rewritten only when it changed) and
`webhook` (signed JSON notifications, sent from the store's outbox and retried). Nothing from a feed or a page ever becomes a
path: article ids are made here (`workbench.ids.make_article_id`), never taken.

It stands beside `review/` (which only records its `approved` event in the store's outbox; `webhook` sends it) and
below `runs/`: pre-translating what arrived is the app's work (`app/cli_newsroom.py`).
"""
