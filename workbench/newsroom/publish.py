"""Publishing approved translations: a page per approved article language (Markdown with front matter, or
HTML), an index, and RSS 2.0 and Atom feeds of the published pages, from Jinja2 templates.

Only approved text is published: an article language is read when, and as, its status is `approved` (saving to it
returns it to review, so the current text of an approved language is the approved text), and only while its
approval matches the source and the revisions it saw (`Store.approval_problem`: a changed source reopens review on
import; an approval that no longer matches is refused with a problem line, its last published page kept). Pages
are written atomically and only when their bytes change: a second publish of the same text rewrites nothing.
When and with which text each page was published is kept in the store (`publications`), so dates in pages and
feeds stay put until the text changes. A page whose language went back to review stays as it was last approved.

Templates (`page.md`, `index.md`, `page.html`, `index.html`, `rss.xml`, `atom.xml`) come from the built-in
folder beside this module, each replaced by a file of the same name in the user's template folder
(`DATA_HOME/templates/`, config `newsroom.templates` or `--templates`). `.html` and `.xml` templates escape
every value; the Markdown ones use the `md` filter for text and `yaml` for the front matter.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..clock import now
from ..errors import WorkbenchError
from ..files import atomic_write
from ..ids import check_article_id, file_in
from ..languages import LANGUAGE_NAMES, TARGETS, check_target
from ..review.model import ArticleView
from ..review.views import article_view
from ..store import Store
from ..store import feeds as feed_store
from ..text.articles import label_for

FORMATS = ("markdown", "html", "rss")
EXTENSIONS = {"markdown": "md", "html": "html", "rss": "html"}  # rss: the feeds link to the HTML pages
BUILT_IN = Path(__file__).with_name("templates")
FEED_ITEMS = 50  # the newest pages in each feed
INDEX_NAMES = {"markdown": {"_index", "index"}, "html": {"index"}, "rss": {"index"}}  # a language folder's own
MEANINGLESS_NOTE = "Made by tiny random-weight models (a smoke test): this text is meaningless."
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PublishError(WorkbenchError):
    """A publish that cannot be done as asked (a bad folder, format or template)."""


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph
    text: str


@dataclass(frozen=True)
class PageText:
    """What one page says: the approved translation of one article language and its metadata."""

    article_id: str
    lang: str
    title: str
    date: str | None  # the article's date (yyyy-mm-dd)
    source: str | None  # the news agency, or the feed
    source_url: str | None  # the original page (http(s) only)
    feed: str | None
    author: str | None
    summary: str | None
    blocks: tuple[Block, ...]
    meaningless: bool = False  # made by tiny random-weight models: the page says so

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def to_json(self) -> str:
        data = asdict(self)
        if not data["meaningless"]:  # so a real page's hash (and its publication dates) did not change with the mark
            del data["meaningless"]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PageText:
        data = json.loads(text)
        return cls(**{**data, "blocks": tuple(Block(**b) for b in data["blocks"])})


@dataclass(frozen=True)
class Page:
    """A page as the templates see it: its text, where it lies and is linked, and when it was published."""

    text: PageText
    path: str  # relative to the output folder: LANG/ARTICLE_ID.EXT
    href: str  # relative to its language's folder (what the index links to)
    link: str  # base URL + the page's address
    id: str  # a stable URN for feed entries
    published: str  # first published (UTC, ISO 8601)
    updated: str  # last published with other text


@dataclass
class PublishReport:
    out: str
    format: str
    langs: list[str]
    pages: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    changed_pages: list[str] = field(default_factory=list)  # pages whose text is new or changed
    problems: list[str] = field(default_factory=list)  # approved languages whose approval no longer matches: not published

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"out": self.out, "format": self.format, "langs": self.langs, "pages": self.pages,
                "written": self.written, "unchanged": self.unchanged, "changed_pages": self.changed_pages,
                "problems": self.problems, "ok": self.ok}

    def lines(self) -> Iterator[str]:
        for name in self.written:
            yield f"wrote {Path(self.out) / name}"
        for problem in self.problems:
            yield f"not published: {problem}"
        yield (f"published {self.pages} approved page(s) ({', '.join(self.langs) or 'no language'}) to {self.out} as "
               f"{self.format}: {len(self.written)} file(s) written, {self.unchanged} unchanged")


# --------------------------------------------------------------------------- the text of a page
def clean(text: str | None) -> str | None:
    """Text that is valid in XML 1.0 and UTF-8 (control characters and lone surrogates dropped)."""
    if text is None:
        return None
    return _NOT_XML.sub("", text).encode("utf-8", "replace").decode("utf-8")


def http_url(value: str | None) -> str | None:
    """`value` when it is an http(s) URL (a link is never `javascript:` or a file), else None."""
    return value if value and re.match(r"https?://[^\s\"'<>]+$", value, re.I) else None


def _blocks(view: ArticleView, lang: str) -> tuple[str | None, list[Block]]:
    """The translated title and the text as headings and paragraphs (segments of one paragraph joined)."""
    title: str | None = None
    blocks: list[Block] = []
    current: list[str] = []
    paragraph: int | None = None
    for row, unit in view.units(lang):
        text = clean(unit.text.strip()) if unit else ""
        if not text:
            continue
        if row.kind == "title":
            title = title or text
            continue
        if (row.kind == "heading" or row.paragraph != paragraph) and current:
            blocks.append(Block("paragraph", " ".join(current)))
            current = []
        if row.kind == "heading":
            blocks.append(Block("heading", text))
            paragraph = None
        else:
            current.append(text)
            paragraph = row.paragraph
    if current:
        blocks.append(Block("paragraph", " ".join(current)))
    return title, blocks


def page_text(view: ArticleView, lang: str, origin: feed_store.Origin | None) -> PageText | None:
    """The approved translation of one article language (None unless it is approved and has text)."""
    if view.status.get(lang) != "approved":
        return None
    title, blocks = _blocks(view, lang)
    if not blocks and not title:
        return None
    summary = view.summaries.get(lang)
    first = next((b.text for b in blocks if b.kind == "paragraph"), "")
    meta, feed = view.meta, origin.feed if origin else None
    units = [unit for _, unit in view.units(lang)] + [summary]
    meaningless = any(u is not None and u.machine is not None and u.machine.provenance.meaningless for u in units)
    return PageText(view.id, lang, title or label_for(None, first, 12), meta.date, clean(meta.source or feed),
                    http_url(meta.url or (origin.url if origin else None)), feed,
                    clean(origin.author) if origin else None, clean(summary.text.strip()) if summary else None,
                    tuple(blocks), meaningless)


# --------------------------------------------------------------------------- templates
def markdown_text(text: str | None) -> str:
    """Text that a Markdown renderer shows as it is: no HTML, no emphasis or links, no headings or lists."""
    escaped = html.escape(text or "", quote=False)
    escaped = re.sub(r"([\\`*_\[\]])", r"\\\1", escaped)
    return re.sub(r"^(\s*)([#>+=|-]|\d+[.)])", r"\1\\\2", escaped, flags=re.M)


def yaml_value(value: Any) -> str:
    """A value (a mapping for front matter) as YAML that no text can break out of."""
    import yaml

    return str(yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000)).strip()


def rfc822(stamp: str | None) -> str:
    return email.utils.format_datetime(_when(stamp))


def rfc3339(stamp: str | None) -> str:
    return _when(stamp).isoformat(timespec="seconds").replace("+00:00", "Z")


def _when(stamp: str | None) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(stamp or "")
    except ValueError:
        value = dt.datetime(1970, 1, 1)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def environment(templates: Path | None = None) -> Any:
    """The Jinja2 environment: the user's templates first, then the built-in ones; sandboxed, strict about
    undefined names, escaping `.html` and `.xml` templates."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    if templates is not None and not templates.is_dir():
        raise PublishError(f"{templates}: no such template folder")
    loaders = ([FileSystemLoader(str(templates))] if templates else []) + [FileSystemLoader(str(BUILT_IN))]
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, keep_trailing_newline=True,
                               trim_blocks=True, lstrip_blocks=True,
                               autoescape=select_autoescape(enabled_extensions=("html", "xml"), default=False))
    env.filters.update(md=markdown_text, yaml=yaml_value, rfc822=rfc822, rfc3339=rfc3339)
    return env


def render(env: Any, name: str, **values: Any) -> bytes:
    from jinja2 import TemplateError

    try:
        return str(env.get_template(name).render(**values)).encode("utf-8")
    except TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}" if getattr(exc, "lineno", None) else name  # type: ignore[attr-defined]
        raise PublishError(f"template {where}: {str(exc).splitlines()[0][:200]}") from None


# --------------------------------------------------------------------------- writing
def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless the file already holds exactly it; whether it was written."""
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


def _output(out: str | Path) -> Path:
    folder = Path(out)
    if str(out).strip() == "":
        raise PublishError("no output folder given (--out DIR)")
    if folder.exists() and not folder.is_dir():
        raise PublishError(f"{out} is not a folder; publish writes a folder of pages (--out DIR)")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pages(store: Store, langs: Sequence[str], fmt: str, target: str, base_url: str, problems: list[str]
           ) -> tuple[list[Page], list[str], list[tuple[feed_store.Publication, dict[str, Any] | None]]]:
    """Every approved page with its publication dates (new ones dated now), which of them changed, and the
    publications to record once the files are written (with the `published` event of each changed page). An
    approval that no longer matches what is stored is not published (a line in `problems`); its page stays as it
    was last published."""
    known = feed_store.publications(store, fmt, target)
    pages, changed, records = [], [], []
    stamp = now()
    approved = feed_store.approved(store, list(langs))
    for article_id, lang in list(approved):
        check_article_id(article_id)
        text = page_text(article_view(store, article_id), lang, feed_store.origin(store, article_id))
        if text is None:
            continue
        # checked after the text was read: revisions only grow, so a match now means the text read is the approved one
        if problem := store.approval_problem(article_id, lang):
            problems.append(f"{article_id} {lang}: {problem}; review and approve it again")
            approved.remove((article_id, lang))
            continue
        before = known.get((article_id, lang))
        new = before is None or before.content_hash != text.content_hash
        record = feed_store.Publication(article_id, lang, fmt, target, text.content_hash,
                                        before.published if before else stamp,
                                        stamp if new or before is None or before.page is None else before.updated,
                                        text.to_json())
        pages.append(_page(text, fmt, base_url, record))
        if new:
            changed.append(pages[-1].path)
        if new or before is None or before.page is None:
            page = pages[-1]
            event = {"article_id": text.article_id, "lang": text.lang, "title": text.title, "format": fmt,
                     "path": page.path, "link": page.link}
            records.append((record, event if new else None))
    for (article_id, lang), known_record in sorted(known.items()):  # back in review: the page stays as approved
        if lang in langs and (article_id, lang) not in set(approved) and known_record.page:
            pages.append(_page(PageText.from_json(known_record.page), fmt, base_url, known_record))
    return pages, changed, records


def page_name(article_id: str, fmt: str) -> str:
    """The file name (without extension) of an article's page: its id, except for an id the language folder's
    index uses (`index` in HTML, `_index` and `index` in Markdown, in any case), which gets a `-` after it; no
    article id ends in `-`, so the name is nobody else's. An article `index` was overwritten by the index page."""
    check_article_id(article_id)
    return f"{article_id}-" if article_id.lower() in INDEX_NAMES[fmt] else article_id


def _page(text: PageText, fmt: str, base_url: str, record: feed_store.Publication) -> Page:
    name = page_name(text.article_id, fmt)
    path = f"{check_target(text.lang)}/{name}.{EXTENSIONS[fmt]}"
    href = f"{name}/" if fmt == "markdown" else f"{name}.html"  # Markdown: a pretty URL
    return Page(text, path, href, f"{base_url}{text.lang}/{href}", _urn(f"{text.article_id}:{text.lang}"),
                record.published, record.updated)


def publish(store: Store, out: str | Path, *, fmt: str, langs: Sequence[str] = TARGETS, base_url: str = "",
            templates: Path | None = None) -> PublishReport:
    """Publish every approved article language in `langs` into the folder `out` as `fmt` (markdown, html: pages,
    an index and the feeds; rss: the feeds), writing only what changed. The webhook hears of every page whose
    text is new or changed (its event is in the store's outbox; the caller sends it, see `webhook.flush`)."""
    if fmt not in FORMATS:
        raise PublishError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    langs = [check_target(lang) for lang in langs]
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    folder = _output(out)
    env = environment(templates)
    report = PublishReport(str(folder), fmt, langs)
    pages, report.changed_pages, records = _pages(store, langs, fmt, str(folder.resolve()), base_url, report.problems)
    report.pages = len(pages)
    for lang in langs:
        mine = sorted((p for p in pages if p.text.lang == lang), key=lambda p: (p.text.date or "", p.published,
                                                                                p.text.article_id), reverse=True)
        files = _lang_files(env, fmt, lang, mine, base_url)
        for name, data in files.items():
            path = file_in(folder / lang, name)
            if write_if_changed(path, data):
                report.written.append(f"{lang}/{name}")
            else:
                report.unchanged += 1
    # only now that the files are written: each publication with its `published` event, in one transaction (a
    # kill before it leaves every page new or changed for the next publish, a kill after it leaves the events in
    # the outbox for the next publish, serve or watch to send)
    feed_store.record_publications(store, records)
    return report


def _lang_files(env: Any, fmt: str, lang: str, pages: list[Page], base_url: str) -> dict[str, bytes]:
    """The files of one language's folder: its pages and index (not for rss), its RSS and Atom feeds."""
    site = {"lang": lang, "language": LANGUAGE_NAMES.get(lang, lang), "base_url": base_url,
            "id": _urn(f"feed:{lang}:{base_url}"),
            "link": f"{base_url}{lang}/", "updated": max((p.updated for p in pages), default="1970-01-01T00:00:00+00:00"),
            "title": f"Arabic news in {LANGUAGE_NAMES.get(lang, lang)}"}
    files: dict[str, bytes] = {}
    if fmt != "rss":
        ext = EXTENSIONS[fmt]
        for page in pages:
            files[page.path.split("/", 1)[1]] = render(env, f"page.{ext}", page=page, site=site,
                                                       front_matter=_front_matter(page), meaningless_note=MEANINGLESS_NOTE)
        files["_index.md" if fmt == "markdown" else "index.html"] = render(env, f"index.{ext}", pages=pages, site=site)
    newest = sorted(pages, key=lambda p: (p.updated, p.text.article_id), reverse=True)[:FEED_ITEMS]
    files["rss.xml"] = render(env, "rss.xml", pages=newest, site=site, body_html=_body_html)
    files["atom.xml"] = render(env, "atom.xml", pages=newest, site=site, body_html=_body_html)
    return files


def _urn(name: str) -> str:
    """A stable URN for a feed or an entry (Atom ids, RSS guids)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"arabic-news-workbench:{name}").urn


def _front_matter(page: Page) -> dict[str, Any]:
    """What a static-site generator reads (Hugo, Jekyll, Eleventy): title, date, lastmod, lang, translationKey
    (the same for an article's languages), summary, the source and the workbench's ids."""
    text = page.text
    matter: dict[str, Any] = {"title": text.title, "date": text.date or page.published[:10], "lastmod": page.updated,
                              "publishDate": page.published, "lang": text.lang, "translationKey": text.article_id,
                              "summary": text.summary, "source": text.source, "source_url": text.source_url,
                              "author": text.author, "feed": text.feed, "article_id": text.article_id,
                              "meaningless": True if text.meaningless else None}
    return {key: value for key, value in matter.items() if value is not None}


def _body_html(page: Page) -> str:
    """The page's text as HTML (escaped here; a feed's template escapes it once more as XML text)."""
    parts = [f"<p><em>{MEANINGLESS_NOTE}</em></p>"] if page.text.meaningless else []
    parts += [f"<p><strong>{html.escape(page.text.summary)}</strong></p>"] if page.text.summary else []
    for block in page.text.blocks:
        tag = "h2" if block.kind == "heading" else "p"
        parts.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
    return "\n".join(parts)
