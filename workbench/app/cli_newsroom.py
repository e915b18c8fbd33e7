"""The newsroom's commands: `feeds add/list/remove`, `watch`, `publish`, and `import https://…` (the `import`
command hands its URL arguments here). Registered on the `workbench` group (`cli_base.cli`) when `cli.py` imports this module.

Thin like the rest of the CLI: each command parses its options and calls the newsroom (`workbench.newsroom`);
pre-translating what arrived is the Workbench's `translate`, with the models the data home uses.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import click

from ..errors import ImportProblem
from ..settings import Home
from .cli_base import (
    DEFAULT_TARGETS,
    LANG_HELP,
    _home_profile,
    _model_args,
    _targets,
    _workbench,
    cli,
    handle_errors,
    model_options,
)
from .render import Line, echo_lines, emit

URL_PREFIXES = ("http://", "https://")
_EVERY = re.compile(r"(\d{1,6})\s*([smhd]?)")
_UNITS = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_EVERY = 60  # seconds: no feed is polled more often by `watch`
FLUSH_SECONDS = 60.0  # what a command that ends gives the webhook's last deliveries


def is_url(item: str) -> bool:
    return item.strip().lower().startswith(URL_PREFIXES)


def _context(wb: Any) -> Any:
    from ..newsroom.feeds import Context

    return Context.of(wb.store, wb.home)


def flush_webhook(wb: Any, quiet: bool = False) -> None:
    """Send the webhook's deliveries waiting in the store's outbox (what this command recorded, and what a stopped
    process left), giving retries up to FLUSH_SECONDS; those still waiting are sent by the next command, serve or
    watch."""
    from ..newsroom import webhook

    left = webhook.flush(wb.store, FLUSH_SECONDS)
    if left and not quiet:
        click.echo(f"warning: {left} webhook notification(s) not delivered yet; they wait in the store's outbox for "
                   "the next command, serve or watch (see the data home's log)", err=True)


def warn_webhook(home: Home) -> None:
    """Say once, at the start, when config.toml names a webhook that cannot be sent to (a url without a secret)."""
    from ..newsroom import webhook

    problem = webhook.config_problem(home)
    if problem:
        click.echo(problem, err=True)


# --------------------------------------------------------------------------- import https://…
def import_with_urls(wb: Any, items: list[str], show: Callable[[Any], None]) -> Any:
    """`workbench import` with some arguments URLs: files and folders as ever, then each URL fetched and its
    article extracted and imported; one report (URLs stand where paths do)."""
    from ..newsroom.feeds import failure_reason, import_url
    from ..review import workflow
    from ..store.importer import Imported, ImportReport, import_paths

    paths = [item for item in items if not is_url(item)]
    report = import_paths(wb.store, paths, on_item=show, reopen=workflow.source_changed) if paths else ImportReport()
    context = _context(wb)
    for url in (item.strip() for item in items if is_url(item)):
        result: Imported | ImportProblem
        try:
            arrival = import_url(context, url)
            result = Imported(arrival.article_id, url, "unchanged" if arrival.outcome == "known" else arrival.outcome,
                              arrival.segments, reopened=list(arrival.reopened))
        except Exception as exc:  # one URL's problem, whatever it is; the other URLs are imported
            result = ImportProblem(url, failure_reason(exc, f"importing {url}"))
        (report.problems if isinstance(result, ImportProblem) else report.imported).append(result)  # type: ignore[arg-type]
        show(result)
    flush_webhook(wb)
    return report


# --------------------------------------------------------------------------- feeds
@cli.group("feeds")
def feeds_group() -> None:
    """Follow Arabic news feeds (RSS 2.0 or Atom) that `workbench watch` polls."""


@feeds_group.command("add")
@click.argument("url")
@click.option("--name", default=None, help="A short name (letters, digits, _ . -); it starts the ids of the feed's "
                                           "articles. Default: the feed's host name.")
@click.option("--allow-private", is_flag=True, help="The feed and its pages may be on loopback or private addresses "
                                                    "(an intranet feed you trust); refused otherwise.")
@click.pass_context
@handle_errors
def feeds_add(ctx: click.Context, url: str, name: str | None, allow_private: bool) -> None:
    """Follow the feed at URL (http or https). Nothing is fetched now; `workbench watch --once` polls it."""
    from urllib.parse import urlsplit

    from ..ids import make_article_id
    from ..newsroom.fetch import check_url
    from ..store import feeds as feed_store

    url = check_url(url.strip())
    name = name if name is not None else make_article_id(urlsplit(url).hostname or "feed")[:feed_store.MAX_NAME].strip(".-")
    with _workbench(ctx) as wb:
        added = feed_store.add_feed(wb.store, name, url, allow_private=allow_private)
    click.echo(f"following {added.name}: {added.url}" + (" (private addresses allowed)" if added.allow_private else ""))


@feeds_group.command("list")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: a list of {name, url, allow_private, polled, error, items}.")
@click.pass_context
@handle_errors
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """The feeds followed: name, URL, when last polled, items imported / waiting for a retry / given up."""
    from ..store import feeds as feed_store

    with _workbench(ctx) as wb:
        followed = feed_store.feeds(wb.store)
        counts = feed_store.item_counts(wb.store)
    emit(FeedList([(feed, {s: counts.get((feed.id, s), 0) for s in ITEM_STATES}) for feed in followed]), as_json)


ITEM_STATES = ("imported", "retry", "given_up")


@dataclass(frozen=True)
class FeedList:
    """`feeds list`: each feed with its items counted by state."""

    feeds: list[tuple[Any, dict[str, int]]]  # (store.feeds.Feed, {state: count})

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"name": f.name, "url": f.url, "allow_private": f.allow_private, "polled": f.polled, "error": f.error,
                 "items": items}
                for f, items in self.feeds]

    def lines(self) -> Iterator[str]:
        if not self.feeds:
            yield "no feeds yet: `workbench feeds add URL`"
        for feed, items in self.feeds:
            states = " · ".join(f"{items[s]} {s.replace('_', ' ')}" for s in ITEM_STATES)
            polled = (feed.polled or "never")[:19].replace("T", " ")
            private = "  (private addresses allowed)" if feed.allow_private else ""
            yield f"{feed.name}  {feed.url}{private}  polled {polled}  {states}" + (f"  last error: {feed.error}" if feed.error else "")


@feeds_group.command("remove")
@click.argument("name")
@click.pass_context
@handle_errors
def feeds_remove(ctx: click.Context, name: str) -> None:
    """Stop following the feed NAME. The articles already imported from it stay."""
    from ..store import feeds as feed_store

    with _workbench(ctx) as wb:
        forgotten = feed_store.remove_feed(wb.store, name)
    click.echo(f"stopped following {name} ({forgotten} items forgotten; their articles stay)")


# --------------------------------------------------------------------------- watch
def parse_every(value: str) -> int:
    """"10m" → 600 seconds (s, m, h, d; a bare number is minutes); at least a minute."""
    found = _EVERY.fullmatch(value.strip().lower())
    if not found:
        raise click.BadParameter(f"use a number with s, m, h or d, e.g. 10m (got {value!r})")
    seconds = int(found.group(1)) * _UNITS[found.group(2)]
    if seconds < MIN_EVERY:
        raise click.BadParameter(f"poll at most once a minute (got {value!r}); feeds are asked politely")
    return seconds


@dataclass
class Watched:
    """One poll of `watch`, with the pre-translation of what arrived (when asked and something did)."""

    poll: Any  # newsroom.feeds.PollReport
    translation: Any = None  # runs.report.TranslateReport

    @property
    def ok(self) -> bool:
        return bool(self.poll.ok and (self.translation is None or self.translation.ok))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = self.poll.to_dict()
        if self.translation is not None:
            t = self.translation
            out["translation"] = {"article_ids": t.article_ids, "targets": t.targets, "translated": t.translated,
                                  "summaries": t.summaries, "meaningless": bool(t.meaningless),
                                  "failures": [asdict(f) for f in t.failures], "ok": t.ok}
        out["ok"] = self.ok
        return out

    def lines(self) -> Iterator[str | Line]:
        yield from self.poll_lines()
        yield from self.translation_lines()

    def poll_lines(self) -> Iterator[str | Line]:
        report = self.poll
        for arrival in report.arrived:
            yield f"{arrival.outcome:9} {arrival.article_id}  {arrival.title or ''}  ({arrival.feed}: {arrival.url})"
        for failure in report.failures:
            what = {"retry": "will retry", "given_up": "given up", "feed": "feed failed"}[failure.state]
            yield Line(f"error: {failure.feed}: {failure.url}: {failure.reason} ({what})", err=True)
        quiet = [f"{name} (not modified)" if name in report.not_modified else name for name in report.feeds]
        yield (f"polled {len(report.feeds)} feed(s): {', '.join(quiet) or 'none followed'}; "
               f"{len(report.new_ids)} new or changed article(s), {len(report.failures)} problem(s)")

    def translation_lines(self) -> Iterator[str | Line]:
        t = self.translation
        if t is not None:
            yield (f"pre-translated {len(t.article_ids)} article(s) to {', '.join(t.targets)}: {t.translated} segments, "
                   f"{t.summaries} summaries" + (" (tiny random-weight models: meaningless)" if t.meaningless else ""))
            for failure in t.failures:
                yield Line(f"error: {failure.article_id} {failure.lang}: {failure.reason}", err=True)


@cli.command("watch")
@click.option("--every", default="10m", show_default=True, help="How often to poll every feed (s, m, h; at least 1m).")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron); exit code 1 when something failed.")
@click.option("--to", "to", default=DEFAULT_TARGETS, show_default=True, help=LANG_HELP + " What arrives is pre-translated.")
@click.option("--translate/--no-translate", default=True, show_default=True, help="Pre-translate what arrives.")
@click.option("--summarize", is_flag=True, help="Also summarize what arrives.")
@click.option("--feed", "names", multiple=True, metavar="NAME", help="Poll only this feed (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print each poll as one line of JSON: {feeds, not_modified, "
                                                      "arrived, failures, new_ids, translation, ok}.")
@model_options
@click.pass_context
@handle_errors
def watch_cmd(ctx: click.Context, every: str, once: bool, to: str, translate: bool, summarize: bool,
              names: tuple[str, ...], as_json: bool, **model_kw: Any) -> None:
    """Poll the feeds (`workbench feeds`): import each new item's article once, with its feed as source and its
    URL kept, then pre-translate (and summarize) it with the models the data home uses, so reviewers find it
    ready. Pages that fail are reported and retried on the next poll; an arrival waits in the store until it is
    pre-translated, so what a stopped watch left (or a failed translation) is translated by the next poll."""
    from ..newsroom.feeds import poll

    seconds = parse_every(every)
    targets = _targets(to)
    if not model_kw["profile"]:
        model_kw["profile"] = _home_profile(ctx)[0]
    from ..newsroom import webhook
    from ..store import outbox

    warn_webhook(ctx.obj["home"])
    with _workbench(ctx, **_model_args(**model_kw)) as wb:
        context = _context(wb)
        loop = None if once else webhook.start(wb.home)  # sends the outbox's deliveries while watch runs
        try:
            while True:
                watched = Watched(poll(context, list(names) or None))
                if not as_json:
                    echo_lines(watched.poll_lines())  # what arrived, before the models work on it
                waiting = outbox.awaiting_translation(wb.store)  # this poll's arrivals, and any a killed run left
                if translate and waiting:
                    watched.translation = wb.translate(article_ids=waiting, targets=targets, summarize=summarize)
                    failed = {f.article_id for f in watched.translation.failures}  # tried again on the next poll
                    outbox.translated(wb.store, [a for a in waiting if a not in failed])
                elif not translate:
                    outbox.translated(wb.store, watched.poll.new_ids)  # not to be pre-translated
                if as_json:
                    click.echo(json.dumps(watched.to_dict(), ensure_ascii=False, indent=2 if once else None,
                                          default=str))
                else:
                    echo_lines(watched.translation_lines())
                if once:
                    flush_webhook(wb, quiet=as_json)
                    if not watched.ok:
                        raise SystemExit(1)
                    return
                time.sleep(seconds)
        finally:
            if loop is not None:
                loop.stop()


# --------------------------------------------------------------------------- publish
@cli.command("publish")
@click.option("--status", type=click.Choice(["approved"]), default="approved", show_default=True,
              help="What is published: only approved article languages, ever.")
@click.option("--lang", "langs", default=DEFAULT_TARGETS, show_default=True, help=LANG_HELP)
@click.option("--format", "fmt", type=click.Choice(["markdown", "html", "rss"]), required=True,
              help="markdown (pages with front matter), html (pages), rss (the feeds only); each also writes an "
                   "index and RSS and Atom feeds per language.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="The folder to write (LANG/… inside).")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the pages will be served (links in feeds); default config newsroom.base_url, else relative.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False), default=None,
              help="A folder of templates overriding the built-in ones (default DATA_HOME/templates/ when it exists).")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: {out, format, langs, pages, written, unchanged, changed_pages, problems, ok}.")
@click.pass_context
@handle_errors
def publish_cmd(ctx: click.Context, status: str, langs: str, fmt: str, out: str, base_url: str | None,
                templates: str | None, as_json: bool) -> None:
    """Publish every approved article language: a page with the title, date, source link, summary and the full
    approved translation, an index, and RSS/Atom feeds. Only pages whose text changed are written again."""
    from pathlib import Path

    from ..newsroom.publish import publish
    from ..settings import newsroom_settings

    settings = newsroom_settings(ctx.obj["home"])
    folder = Path(templates) if templates else settings.templates
    warn_webhook(ctx.obj["home"])
    with _workbench(ctx) as wb:
        report = publish(wb.store, out, fmt=fmt, langs=_targets(langs),
                         base_url=settings.base_url if base_url is None else base_url, templates=folder)
        flush_webhook(wb, quiet=as_json)
    emit(report, as_json)


__all__ = ["flush_webhook", "import_with_urls", "is_url", "parse_every", "warn_webhook"]
