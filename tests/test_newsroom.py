"""The newsroom (issue 23): feeds in, pre-translation, publishing approved text, webhooks.

Against HTTP servers the tests start on 127.0.0.1: fixture RSS 2.0 and Atom feeds and Arabic article pages built
from `seeds/` inside typical site chrome (menus, a "Ru En" switcher, share buttons, related links, a footer). The
article text extracted equals the seed's, segment by segment; each item is taken once; 304s are honoured; a page
that answers 500 is retried on the next poll; a 200-item feed stays within a memory bound. `publish` writes
Markdown, HTML and RSS/Atom that parse, with only approved text, and a second publish rewrites nothing. The webhook
is called, signed, on arrival, approval and publication, and a failing receiver is retried. And the hostile side:
no scheme but http(s), no private address unless allowed, no redirect to another scheme, size limits, no path
from a feed.
"""

from __future__ import annotations

import gzip
import html
import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.ids import is_article_id
from workbench.newsroom import feeds as nf
from workbench.newsroom import fetch as fetch_module
from workbench.newsroom import publish as pub
from workbench.newsroom import webhook
from workbench.newsroom.fetch import FetchRefused, Policy, check_url, fetch, is_public
from workbench.settings import Home
from workbench.store import Store
from workbench.store import feeds as fs
from workbench.text.articles import build_article
from workbench.text.cleaning import clean_lines
from workbench.text.metadata import classify

from .conftest import SEEDS, review_and_approve, subprocess_env

SEED_FILES = sorted(SEEDS.glob("*.txt"))
CHROME_MENU = ["الرئيسية", "أخبار", "تحليلات", "مقابلات", "من نحن", "اتصل بنا"]
RELATED = ["روسيا وأوزبكستان توقعان اتفاقيات جديدة للتعاون", "لافروف يلتقي نظيره الكازاخستاني في موسكو",
           "منتدى قازان الاقتصادي يجمع رجال الأعمال من العالم الإسلامي"]


# --------------------------------------------------------------------------- the fixture site
def seed_page(seed: Path, title: str) -> str:
    """An Arabic article page made from a seed: its title, its date in a <time>, its paragraphs and headings
    (the seed's own "Ru En" and date lines are left to the chrome), inside a site's menus, switcher, share
    buttons, related links and footer."""
    lines = clean_lines(seed.read_text(encoding="utf-8"))
    meta = classify(lines)
    body = []
    for line, role in zip(lines, meta.roles, strict=True):
        if role.kind == "title" or role.role == "date":
            continue
        tag = "h2" if role.kind == "heading" else "p"
        body.append(f"<{tag}>{html.escape(line)}</{tag}>")
    menu = "".join(f'<li><a href="/section/{i}">{html.escape(m)}</a></li>' for i, m in enumerate(CHROME_MENU))
    related = "".join(f'<li><a href="/news/r{i}.html">{html.escape(r)}</a></li>' for i, r in enumerate(RELATED))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(title)} | روسيا والعالم الإسلامي</title>
<meta name="author" content="فريق التحرير"><meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="2024-11-07T10:00:00+03:00"></head>
<body><header><div class="lang-switch"><a href="/ru/">Ru</a> <a href="/en/">En</a></div>
<nav class="menu"><ul>{menu}</ul></nav><form class="search"><input name="q" placeholder="بحث"></form></header>
<main><article><h1>{html.escape(title)}</h1><time datetime="2024-11-07">٠٧ نوفمبر</time>
{''.join(body)}
</article>
<div class="share">شارك: <a href="https://facebook.com/share">فيسبوك</a> <a href="https://twitter.com/share">تويتر</a>
<a href="https://wa.me/">واتساب</a> <a href="mailto:?">بريد</a></div>
<aside class="related"><h3>أخبار ذات صلة</h3><ul>{related}</ul></aside></main>
<footer><p>جميع الحقوق محفوظة © 2024 مجموعة الرؤية الاستراتيجية</p><p><a href="/privacy">سياسة الخصوصية</a></p></footer>
</body></html>"""


def title_of(seed: Path) -> str:
    """The seed's own headline, or one made for a seed that has none (as a feed item always has)."""
    return classify(clean_lines(seed.read_text(encoding="utf-8"))).title or f"لافروف يتحدث عن العلاقات مع كازاخستان {seed.stem[:3]}"


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(f"<item><title>{html.escape(t)}</title><link>{base}{p}</link><guid isPermaLink=\"false\">{g}</guid>"
                      f"<pubDate>Thu, 07 Nov 2024 10:00:00 +0300</pubDate><description>…</description></item>"
                      for g, p, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>تاس</title><link>{base}</link>'
            f"<description>أخبار</description>{entries}</channel></rss>").encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(f'<entry><id>{g}</id><title>{html.escape(t)}</title><link href="{p}"/>'  # relative links
                      "<updated>2024-10-22T08:00:00Z</updated></entry>" for g, p, t in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>روسيا</title>'
            f"<id>urn:x-test:feed</id><updated>2024-10-22T08:00:00Z</updated>{entries}</feed>").encode()


@dataclass
class Route:
    """What the server answers for one path: a status, headers, a body; `etag` / `modified` for conditional GETs;
    `fail_first` requests answered 500 first."""

    body: bytes | Callable[[], bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    modified: str | None = None
    fail_first: int = 0
    delay: float = 0.0


class Site:
    """A test HTTP server on 127.0.0.1 and the requests it got."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.answer(self, b"")

            def do_POST(self) -> None:
                site.answer(self, self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, handler: http.server.BaseHTTPRequestHandler, data: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.requests.append((handler.command, handler.path, headers, data))
        route = self.routes.get(handler.path)
        if route is None:
            return self._send(handler, 404, {}, b"not here")
        time.sleep(route.delay)
        if route.fail_first:
            route.fail_first -= 1
            return self._send(handler, 500, {}, b"broken")
        if (route.etag and headers.get("if-none-match") == route.etag) or (
                route.modified and not route.etag and headers.get("if-modified-since") == route.modified):
            return self._send(handler, 304, {}, b"")
        extra = dict(route.headers)
        if route.etag:
            extra["ETag"] = route.etag
        if route.modified:
            extra["Last-Modified"] = route.modified
        body = route.body() if callable(route.body) else route.body
        self._send(handler, route.status, extra, body)

    @staticmethod
    def _send(handler: http.server.BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        handler.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        if "Transfer-Encoding" not in headers:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304 and handler.command != "HEAD":
            handler.wfile.write(body)

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _, _ in self.requests if p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


def pretend_loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test site as a public one: exactly the address `127.0.0.1` counts as public (every other form of
    loopback, and every private address, still meets the real guard)."""
    real = fetch_module.is_public
    monkeypatch.setattr(fetch_module, "is_public", lambda address: address == "127.0.0.1" or real(address))


def write_config(home: Path, webhook_url: str | None = None, **newsroom: Any) -> None:
    """A data home's config.toml for the tests: private feeds allowed (the site is on 127.0.0.1), no wait between
    requests, short timeouts; a webhook when given."""
    home.mkdir(parents=True, exist_ok=True)
    table = {"allow_private_feeds": True, "host_interval_ms": 1, "timeout_seconds": 5, **newsroom}
    lines = ["[newsroom]"] + [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    if webhook_url:
        lines += ["[webhook]", f'url = "{webhook_url}"', 'secret = "s3cret"', "backoff_ms = 50", "attempts = 4"]
    (home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def serve_seeds(site: Site) -> dict[str, Path]:
    """RSS with three seeds, Atom with two (relative links, Last-Modified only); path → seed."""
    pages = {f"/news/{seed.stem[:3]}.html": seed for seed in SEED_FILES}
    for path, seed in pages.items():
        site.routes[path] = Route(seed_page(seed, title_of(seed)).encode())
    listed = [(f"tass-{seed.stem[:3]}", path, title_of(seed)) for path, seed in pages.items()]
    site.routes["/rss.xml"] = Route(rss(site.base, listed[:3]), headers={"Content-Type": "application/rss+xml"},
                                    etag='"rss-v1"')
    site.routes["/atom.xml"] = Route(atom(listed[3:]), headers={"Content-Type": "application/atom+xml"},
                                     modified="Tue, 22 Oct 2024 08:00:00 GMT")
    return pages


def context(store: Store, home: Path) -> nf.Context:
    return nf.Context.of(store, Home(home))


def counted(segments: list[dict[str, Any]] | list[Any]) -> list[tuple[str, str]]:
    out = []
    for seg in segments:
        record = seg if isinstance(seg, dict) else seg.to_dict()
        if record["kind"] in ("body", "heading"):
            out.append((record["kind"], record["source_text"]))
    return out


# --------------------------------------------------------------------------- what needs no server
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "data:text/html,<p>x</p>",
                                 "javascript:alert(1)", "/etc/hostname", "../../etc/passwd", "", "http://",
                                 "http://user:pw@example.org/", "http://exa mple.org/", "https://x.org/\n",
                                 "gopher://example.org/", "http://example.org:0/", "x" * 3000, 123, None])
def test_only_http_urls_are_fetched(url: Any) -> None:
    with pytest.raises(FetchRefused):
        check_url(url)


def test_http_urls_are_taken_without_their_fragment() -> None:
    assert check_url("https://arabic.example.org/news/1?id=2#top") == "https://arabic.example.org/news/1?id=2"
    assert check_url("http://127.0.0.1:8080/feed.xml") == "http://127.0.0.1:8080/feed.xml"


@pytest.mark.parametrize("address, public", [("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
                                             ("172.16.5.4", False), ("169.254.169.254", False), ("100.64.0.1", False),
                                             ("0.0.0.0", False), ("::1", False), ("::ffff:127.0.0.1", False),
                                             ("fe80::1%eth0", False), ("fc00::1", False), ("224.0.0.1", False),
                                             ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("not-an-ip", False)])
def test_private_and_loopback_addresses_are_not_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_a_loopback_feed_is_refused_unless_allowed_and_nothing_is_fetched(tmp_path: Path) -> None:
    with pytest.raises(FetchRefused, match="private, loopback"):
        fetch("http://127.0.0.1:9/feed.xml", Policy("test"))
    with pytest.raises(FetchRefused, match="private, loopback"):
        fetch("http://localhost:9/feed.xml", Policy("test"))


def test_feedparser_gets_bytes_never_a_file_name_and_no_entity_is_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:hunter2", encoding="utf-8")
    with pytest.raises(Exception, match="not an RSS or Atom feed"):
        nf.parse_feed(str(secret).encode(), "http://example.org/feed.xml")  # a body that is a path: not read
    xxe = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]><rss version="2.0"><channel>'
           "<title>t</title><item><title>a &x; b</title><link>http://example.org/a</link></item></channel></rss>")
    entries = nf.parse_feed(xxe.encode(), "http://example.org/feed.xml")
    assert entries and all("hunter2" not in (e.title or "") for e in entries)


def test_items_with_other_schemes_are_dropped_and_ids_are_made_not_taken() -> None:
    body = rss("", [("../../etc/passwd", "file:///etc/passwd", "a"), ("g/../../x", "http://example.org/ok", "b"),
                    ("j", "javascript:alert(1)", "c")])
    entries = nf.parse_feed(body, "http://example.org/feed.xml")
    assert [e.url for e in entries] == ["http://example.org/ok"]
    made = nf.item_article_id("tass-ar", entries[0].key)
    assert is_article_id(made) and made.startswith("tass-ar-") and "/" not in made
    assert nf.item_article_id("tass-ar", "a") != nf.item_article_id("tass-ar", "b")
    assert nf.item_article_id("تاس", "a") != nf.item_article_id("سبوتنيك", "a")  # names in Arabic stay apart
    assert is_article_id(nf.url_article_id("http://example.org/../../etc/passwd"))


def test_feed_names_are_ids(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        for bad in ("../x", "", "a/b", ".hidden", "x" * 61, "تاس"):
            with pytest.raises(fs.FeedError):
                fs.add_feed(store, bad, "http://example.org/feed.xml")
        fs.add_feed(store, "tass-ar", "http://example.org/feed.xml")
        with pytest.raises(fs.FeedError, match="already followed"):
            fs.add_feed(store, "other", "http://example.org/feed.xml")
        assert fs.remove_feed(store, "tass-ar") == 0
        assert fs.feeds(store) == []


def test_webhook_signature() -> None:
    body = webhook.body_of("approved", {"article_id": "a", "lang": "en"}, "d1")
    signature = webhook.sign("s3cret", body)
    assert signature.startswith("sha256=") and webhook.verify("s3cret", body, signature)
    assert not webhook.verify("other", body, signature) and not webhook.verify("s3cret", body + b" ", signature)
    assert json.loads(body)["event"] == "approved" and json.loads(body)["delivery"] == "d1"


def test_markdown_text_and_links_cannot_break_out() -> None:
    assert pub.markdown_text("<script>alert(1)</script> *x* [a](b)") == \
        "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\[a\\](b)"
    assert pub.markdown_text("# not a heading\n- not a list") == "\\# not a heading\n\\- not a list"
    assert pub.http_url("javascript:alert(1)") is None and pub.http_url("https://x.org/a b") is None
    assert pub.http_url("https://x.org/a") == "https://x.org/a"
    assert "\n---" not in pub.yaml_value({"title": "a\n---\nlayout: evil"}).split("\n", 1)[0]


def test_watch_intervals_are_polite() -> None:
    from click import BadParameter

    from workbench.app.cli_newsroom import parse_every

    assert parse_every("10m") == 600 and parse_every("1h") == 3600 and parse_every("90s") == 90
    for bad in ("5s", "soon", "-1m", ""):
        with pytest.raises(BadParameter):
            parse_every(bad)


def test_newsroom_settings_are_checked(tmp_path: Path) -> None:
    from workbench.errors import WorkbenchError
    from workbench.settings import newsroom_settings, webhook_settings

    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[newsroom]\nallow_private_feeds = \"yes\"\n")
    with pytest.raises(WorkbenchError, match="must be true or false"):
        newsroom_settings(Home(home))
    (home / "config.toml").write_text("[webhook]\nurl = \"https://hooks.example.org/x\"\n")
    with pytest.raises(WorkbenchError, match=r"needs webhook\.secret"):
        webhook_settings(Home(home))
    (home / "config.toml").write_text("[newsroom]\nmax_page_bytes = 1000\n")
    assert newsroom_settings(Home(home)).max_page_bytes == 1000 and not newsroom_settings(Home(home)).allow_private_feeds


# --------------------------------------------------------------------------- feeds in
@pytest.mark.slow
def test_a_poll_takes_each_item_once_with_its_text_url_and_source(site: Site, home: Path) -> None:
    pages = serve_seeds(site)
    write_config(home)
    with Store(home / "workbench.sqlite") as store:
        fs.add_feed(store, "tass-rss", f"{site.base}/rss.xml")
        fs.add_feed(store, "tass-atom", f"{site.base}/atom.xml")
        first = nf.poll(context(store, home))
        assert first.ok, first.failures
        assert len(first.arrived) == 5 and {a.outcome for a in first.arrived} == {"new"}
        for arrival in first.arrived:
            path = arrival.url.removeprefix(site.base)
            seed = pages[path]
            _, expected = build_article(seed.read_text(encoding="utf-8"), "seed")
            got = store.segments(arrival.article_id)
            assert counted(got) == counted(expected), seed.name  # segment by segment
            article = store.article(arrival.article_id)
            assert article["url"] == arrival.url and article["title"] == title_of(seed)
            assert article["source"] == "TASS"  # the text's own source line; the feed is kept beside it
            assert fs.origin(store, arrival.article_id).feed == arrival.feed
            assert is_article_id(arrival.article_id) and arrival.article_id.startswith(arrival.feed + "-")
        assert {a.feed for a in first.arrived} == {"tass-rss", "tass-atom"}
        second = nf.poll(context(store, home))
        assert second.arrived == [] and second.ok
        assert sorted(second.not_modified) == ["tass-atom", "tass-rss"]  # ETag and Last-Modified both honoured
    conditional = [h for m, p, h, _ in site.requests if p in ("/rss.xml", "/atom.xml")][2:]
    assert conditional[0].get("if-none-match") == '"rss-v1"' or conditional[1].get("if-none-match") == '"rss-v1"'
    assert any(h.get("if-modified-since") == "Tue, 22 Oct 2024 08:00:00 GMT" for h in conditional)
    assert all(site.hits(path) == 1 for path in pages)  # each page fetched once
    agents = {h.get("user-agent") for _, _, h, _ in site.requests}
    assert len(agents) == 1 and next(iter(agents)).startswith("arabic-news-workbench/")


@pytest.mark.slow
def test_a_page_that_fails_is_retried_on_the_next_poll_and_imported_once(site: Site, home: Path) -> None:
    seed = SEED_FILES[3]
    site.routes["/news/flaky.html"] = Route(seed_page(seed, title_of(seed)).encode(), fail_first=1)
    site.routes["/news/empty.html"] = Route(b"<html><body><nav>menu</nav></body></html>")
    site.routes["/rss.xml"] = Route(rss(site.base, [("flaky", "/news/flaky.html", "t"), ("empty", "/news/empty.html", "e")]),
                                    etag='"v1"', headers={"Content-Type": "application/rss+xml"})
    write_config(home)
    with Store(home / "workbench.sqlite") as store:
        fs.add_feed(store, "tass", f"{site.base}/rss.xml")
        first = nf.poll(context(store, home))
        assert first.arrived == []
        reasons = {f.url.rsplit("/", 1)[1]: (f.state, f.reason) for f in first.failures}
        assert reasons["flaky.html"] == ("retry", "HTTP 500 Internal Server Error")
        assert reasons["empty.html"] == ("retry", "no article text found in the page")
        assert store.counts()["articles"] == 0  # never imported half
        second = nf.poll(context(store, home))  # the feed answers 304; the stored items are tried again
        assert second.not_modified == ["tass"]
        assert [a.url for a in second.arrived] == [f"{site.base}/news/flaky.html"]
        third = nf.poll(context(store, home))
        assert third.arrived == [] and [f.url for f in third.failures] == [f"{site.base}/news/empty.html"]
        assert site.hits("/news/flaky.html") == 2 and store.counts()["articles"] == 1


@pytest.mark.slow
def test_a_feed_of_200_items_is_handled_within_a_memory_bound(site: Site, home: Path, tiny_dir: Path) -> None:
    seed = SEED_FILES[4]
    page = seed_page(seed, title_of(seed)).encode()
    for i in range(200):
        site.routes[f"/news/{i}.html"] = Route(page.replace(b"<h1>", f"<h1>{i} ".encode(), 1))
    site.routes["/big.xml"] = Route(rss(site.base, [(f"g{i}", f"/news/{i}.html", f"خبر {i}") for i in range(200)]),
                                    headers={"Content-Type": "application/rss+xml"})
    write_config(home)
    with Store(home / "workbench.sqlite") as store:
        fs.add_feed(store, "big", f"{site.base}/big.xml")
    # VmHWM is this program's own peak (exec starts a new address space); ru_maxrss keeps the parent's peak across
    # fork and exec, so a child of a large pytest process would report the parent's gigabytes.
    code = ("import re, sys, time; from pathlib import Path; from workbench.app.cli import cli; t = time.time()\n"
            "try:\n    cli.main(['watch', '--once', '--no-translate'], standalone_mode=False)\n"
            "finally:\n    hwm = int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1))\n"
            "    print('MEASURED', hwm // 1024, time.time() - t)")
    done = subprocess.run([sys.executable, "-c", code], env=subprocess_env(home, tiny_dir), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rss_mb, seconds = done.stdout.split("MEASURED")[1].split()
    print(f"200-item poll: peak RSS {rss_mb} MB, {float(seconds):.1f} s")
    assert int(rss_mb) < 250 and "200 new or changed article(s)" in done.stdout
    with Store(home / "workbench.sqlite") as store:
        assert store.counts()["articles"] == 200


# --------------------------------------------------------------------------- the guarded fetcher
@pytest.mark.slow
def test_redirects_sizes_and_timeouts_are_guarded(site: Site) -> None:
    policy = Policy("test", timeout=1, max_bytes=10_000, host_interval=0, allow_private=True)
    site.routes["/to-file"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    site.routes["/to-ftp"] = Route(status=301, headers={"Location": "ftp://127.0.0.1/x"})
    site.routes["/to-page"] = Route(status=302, headers={"Location": "/page"})
    site.routes["/page"] = Route(b"<p>ok</p>")
    site.routes["/big"] = Route(b"x" * 20_000)
    site.routes["/bomb"] = Route(gzip.compress(b"x" * 5_000_000), headers={"Content-Encoding": "gzip"})
    site.routes["/slow"] = Route(b"late", delay=2.5)
    for path in ("/to-file", "/to-ftp"):
        with pytest.raises(FetchRefused, match="another scheme"):
            fetch(site.base + path, policy)
    assert fetch(site.base + "/to-page", policy).body == b"<p>ok</p>"
    with pytest.raises(FetchRefused, match="the limit is 10,000"):
        fetch(site.base + "/big", policy)
    with pytest.raises(FetchRefused, match="unpacks to over"):
        fetch(site.base + "/bomb", policy)
    with pytest.raises(Exception, match="timed out"):
        fetch(site.base + "/slow", policy)
    default = Policy("test")
    with pytest.raises(FetchRefused, match="private, loopback"):
        fetch(site.base + "/page", default)
    assert site.hits("/page") == 1  # the refused fetch never connected


# --------------------------------------------------------------------------- publish and webhooks
class Receiver(Site):
    """A webhook receiver: records each POST, answers 500 to the first `failing` ones."""

    def __init__(self, failing: int = 0) -> None:
        super().__init__()
        self.routes["/hook"] = Route(b"ok", fail_first=failing)

    def deliveries(self) -> list[tuple[dict[str, str], bytes]]:
        return [(h, body) for m, p, h, body in self.requests if m == "POST" and p == "/hook"]

    def events(self) -> list[dict[str, Any]]:
        """Each delivery once (a retried one is the same delivery), if its signature is valid."""
        found: dict[str, dict[str, Any]] = {}
        for headers, body in self.deliveries():
            if webhook.verify("s3cret", body, headers.get("x-workbench-signature", "")):
                event = json.loads(body)
                assert headers["x-workbench-delivery"] == event["delivery"] and headers["x-workbench-event"] == event["event"]
                found[event["delivery"]] = event
        return list(found.values())


def _texts(wb: Any, article_id: str, lang: str) -> list[str]:
    return [unit.text for _, unit in wb.article(article_id).units(lang) if unit and len(unit.text) > 20]


class _Tags(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _plain(content: str) -> str:
    """A written file's text with its escapes undone (XML, the HTML inside a feed, Markdown's backslashes)."""
    import re

    return re.sub(r"\\(.)", r"\1", html.unescape(html.unescape(content)))


def check_html(data: bytes) -> str:
    parser = _Tags()
    parser.feed(data.decode("utf-8"))
    parser.close()
    assert parser.open == [], parser.open
    return " ".join(parser.text)


@pytest.mark.slow
def test_publish_writes_only_approved_text_and_a_second_publish_rewrites_nothing(translated: Any, tmp_path: Path) -> None:
    import feedparser
    import yaml
    from lxml import etree

    wb = translated
    receiver = Receiver()
    write_config(wb.home.path, f"{receiver.base}/hook", base_url="https://news.example.org/desk")
    approved = [("003_70140ed69b948bf5", "en"), ("003_70140ed69b948bf5", "ru"), ("000_b2b0b7ef8c4c7ace", "en")]
    for article_id, lang in approved:
        review_and_approve(wb, article_id, lang)
    out = tmp_path / "site"
    runner = CliRunner()
    for fmt in ("markdown", "html", "rss"):
        result = runner.invoke(cli, ["--home", str(wb.home), "publish", "--format", fmt, "--out", str(out / fmt)])
        assert result.exit_code == 0, result.output
    md = out / "markdown"
    assert sorted(p.relative_to(md).as_posix() for p in md.rglob("*.*")) == sorted(
        ["en/003_70140ed69b948bf5.md", "ru/003_70140ed69b948bf5.md", "en/000_b2b0b7ef8c4c7ace.md", "en/_index.md",
         "ru/_index.md", "en/rss.xml", "ru/rss.xml", "en/atom.xml", "ru/atom.xml"])
    page = (md / "en" / "003_70140ed69b948bf5.md").read_text(encoding="utf-8")
    front = yaml.safe_load(page.split("---\n")[1])
    assert front["title"] and front["lang"] == "en" and front["translationKey"] == "003_70140ed69b948bf5"
    assert front["date"] == "2024-11-07" and front["source"] == "TASS" and front["summary"]
    html_dir = out / "html"
    shown = {path: check_html(path.read_bytes()) for path in sorted(html_dir.rglob("*.html"))}  # each page parses
    for article_id, lang in approved:  # the approved translation is there, whole
        for text in _texts(wb, article_id, lang):
            assert text in shown[html_dir / lang / f"{article_id}.html"]
    published = "\n".join(shown[html_dir / lang / f"{a}.html"] for a, lang in approved)
    written = [_plain(path.read_text(encoding="utf-8")) for path in out.rglob("*.*")]
    for article_id in wb.store.article_ids():  # and nothing that is not approved, anywhere
        for lang in ("en", "ru"):
            if (article_id, lang) not in approved:  # (tiny models repeat themselves: skip what approved text says too)
                for text in {t for t in _texts(wb, article_id, lang) if t not in published}:
                    assert all(text not in content for content in written), (article_id, lang, text)
    for fmt in ("markdown", "html", "rss"):
        for lang, count in (("en", 2), ("ru", 1)):
            for name, version in (("rss.xml", "rss20"), ("atom.xml", "atom10")):
                data = (out / fmt / lang / name).read_bytes()
                etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
                parsed = feedparser.parse(data)
                assert not parsed.bozo and parsed.version == version and len(parsed.entries) == count
                assert all(e.link.startswith("https://news.example.org/desk/") for e in parsed.entries)
    assert sorted(p.name for p in (out / "rss").rglob("*")) == ["atom.xml", "atom.xml", "en", "rss.xml", "rss.xml", "ru"]
    assert webhook.flush(wb.store, 10) == 0
    events = receiver.events()
    assert len(events) == len(receiver.deliveries())  # every body was signed, none had to be retried
    assert sorted((e["article_id"], e["lang"]) for e in events if e["event"] == "approved") == sorted(approved)
    assert len([e for e in events if e["event"] == "published"]) == 3 * len(approved)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.*")}
    for fmt in ("markdown", "html", "rss"):
        again = runner.invoke(cli, ["--home", str(wb.home), "publish", "--format", fmt, "--out", str(out / fmt)])
        assert "0 file(s) written" in again.output, again.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.*")} == stamps
    assert webhook.flush(wb.store, 10) == 0 and len(receiver.events()) == len(events)  # nothing new was published
    receiver.close()


@pytest.mark.slow
def test_republishing_rewrites_only_the_page_whose_text_changed(translated: Any, tmp_path: Path) -> None:
    wb = translated
    write_config(wb.home.path)
    for article_id in ("003_70140ed69b948bf5", "000_b2b0b7ef8c4c7ace"):
        review_and_approve(wb, article_id, "en")
    out = tmp_path / "site"
    first = pub.publish(wb.store, out, fmt="html", langs=["en"])
    assert len(first.written) == 5 and first.pages == 2
    row = wb.article("000_b2b0b7ef8c4c7ace").translatable[1]
    unit = row.unit("en")
    wb.save("000_b2b0b7ef8c4c7ace", row.id, "en", "An edited, approved sentence.", author="chief",
            base_revision_id=unit.revision_id, reviewed=True)
    back_in_review = pub.publish(wb.store, out, fmt="html", langs=["en"])
    assert back_in_review.written == [] and back_in_review.pages == 2  # the last approved page stays, listed
    review_and_approve(wb, "000_b2b0b7ef8c4c7ace", "en")
    again = pub.publish(wb.store, out, fmt="html", langs=["en"])
    # the page and the feeds (they carry the text); the index lists titles and dates, which did not change
    assert sorted(again.written) == ["en/000_b2b0b7ef8c4c7ace.html", "en/atom.xml", "en/rss.xml"]
    assert "An edited, approved sentence." in (out / "en" / "000_b2b0b7ef8c4c7ace.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_arrivals_are_announced_and_a_failing_receiver_is_retried(site: Site, home: Path) -> None:
    serve_seeds(site)
    receiver = Receiver(failing=2)
    write_config(home, f"{receiver.base}/hook")
    with Store(home / "workbench.sqlite") as store:
        fs.add_feed(store, "tass-atom", f"{site.base}/atom.xml")
        report = nf.poll(context(store, home))
        assert len(report.arrived) == 2
        assert receiver.deliveries() == []  # the poll never waited for the receiver: the events wait in the outbox
        assert webhook.flush(store, 20) == 0
    events = receiver.events()
    assert sorted(e["article_id"] for e in events) == sorted(a.article_id for a in report.arrived)
    assert all(e["event"] == "arrived" and e["feed"] == "tass-atom" and e["url"].startswith(site.base) for e in events)
    assert all(e["risk"]["score"] >= 0 and isinstance(e["risk"]["reasons"], list) for e in events)  # as it arrives
    assert len(receiver.deliveries()) == 4  # two answered 500, then retried
    ids = [h["x-workbench-delivery"] for h, _ in receiver.deliveries()]
    assert len(set(ids)) == 2  # a retry is the same delivery
    receiver.close()


# --------------------------------------------------------------------------- the CLI and the UI's field
@pytest.mark.slow
def test_watch_once_pre_translates_what_arrived_with_the_tiny_profile(site: Site, home: Path) -> None:
    serve_seeds(site)
    write_config(home)
    runner = CliRunner()
    added = runner.invoke(cli, ["--home", str(home), "feeds", "add", f"{site.base}/atom.xml", "--name", "desk"])
    assert added.exit_code == 0, added.output
    for bad in (["feeds", "add", "file:///etc/passwd"], ["feeds", "add", f"{site.base}/x", "--name", "../x"]):
        refused = runner.invoke(cli, ["--home", str(home), *bad])
        assert refused.exit_code == 1 and "Traceback" not in refused.output
    result = runner.invoke(cli, ["--home", str(home), "watch", "--once", "--to", "en", "--summarize", "--profile", "tiny"])
    assert result.exit_code == 0, result.output
    assert "pre-translated 2 article(s) to en" in result.output
    from workbench import Workbench

    with Workbench(home, profile="tiny") as wb:
        for article_id in wb.store.article_ids():
            view = wb.article(article_id)
            assert view.status["en"] == "machine" and view.summaries["en"] is not None
            assert view.progress["en"].done == view.progress["en"].total
    listed = runner.invoke(cli, ["--home", str(home), "feeds", "list"])
    assert "desk" in listed.output and "2 imported" in listed.output
    again = runner.invoke(cli, ["--home", str(home), "watch", "--once", "--profile", "tiny"])
    assert again.exit_code == 0 and "0 new or changed article(s)" in again.output
    removed = runner.invoke(cli, ["--home", str(home), "feeds", "remove", "desk"])
    assert removed.exit_code == 0 and "2 items forgotten" in removed.output


@pytest.mark.slow
def test_import_by_url_from_the_cli_and_the_ui(site: Site, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench import Workbench
    from workbench.app.catalog import registry
    from workbench.app.ui import articles

    pages = serve_seeds(site)
    path, seed = next(iter(pages.items()))
    runner = CliRunner()
    refused = runner.invoke(cli, ["--home", str(home), "import", f"{site.base}{path}", "--json"])
    assert refused.exit_code == 1 and "private, loopback" in json.loads(refused.stdout)["problems"][0]["reason"]
    write_config(home)
    result = runner.invoke(cli, ["--home", str(home), "import", f"{site.base}{path}", str(SEED_FILES[1]), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"imported", "problems", "ok"} and len(report["imported"]) == 2
    web = next(i for i in report["imported"] if i["path"].startswith("http"))
    assert web["outcome"] == "new" and web["article_id"].startswith("web-")
    with Workbench(home, profile="tiny") as wb:
        assert counted(wb.store.segments(web["article_id"])) == counted(build_article(seed.read_text(), "x")[1])
        other_path = list(pages)[4]
        reviewer = registry()["import_url"](wb, url=f"{site.base}{other_path}")  # the page's field: never private,
        assert reviewer["ok"] is False and "private, loopback" in reviewer["error"], reviewer  # whatever the config says
        assert site.hits(other_path) == 0
        pretend_loopback_is_public(monkeypatch)
        answer = registry()["import_url"](wb, url=f"{site.base}{other_path}")
        assert answer["ok"] and answer["outcome"] == "new", answer
        again = registry()["import_url"](wb, url=f"{site.base}{other_path}")
        assert again["ok"] and again["outcome"] == "unchanged" and again["article_id"] == answer["article_id"]
        for bad in ("file:///etc/passwd", "/etc/hostname", "", 123, None, "x" * 5000, "ftp://127.0.0.1/"):
            refused_op = registry()["import_url"](wb, url=bad)
            assert refused_op["ok"] is False and "\n" not in refused_op["error"]
        by_url = articles.article_rows(wb, source=articles.NOT_FROM_A_FEED)
        assert {row[-1] for row in by_url} == set(wb.store.article_ids())
        assert all(" · " not in row[2] for row in by_url)
        assert articles.article_rows(wb, source="no-such-feed") == []
        assert articles.article_rows(wb, new_only=True, since="2999-01-01T00:00:00Z") == []
        assert len(articles.article_rows(wb, new_only=True, since="2000-01-01T00:00:00Z")) == 3
        assert len(articles.article_rows(wb, new_only=True, since="not a time")) == 3
        assert articles.article_rows(wb, new_only="yes", since="2999-01-01T00:00:00Z")  # only a real true filters


@pytest.mark.slow
def test_the_article_list_filters_by_feed(site: Site, home: Path) -> None:
    from workbench import Workbench
    from workbench.app.ui import articles

    serve_seeds(site)
    write_config(home)
    with Workbench(home, profile="tiny") as wb:
        fs.add_feed(wb.store, "tass-rss", f"{site.base}/rss.xml")
        fs.add_feed(wb.store, "tass-atom", f"{site.base}/atom.xml")
        nf.poll(context(wb.store, home))
        assert articles.source_choices(wb) == [articles.ALL_SOURCES, "tass-atom", "tass-rss", articles.NOT_FROM_A_FEED]
        rss_rows = articles.article_rows(wb, source="tass-rss")
        assert len(rss_rows) == 3 and all(row[2] == "TASS · tass-rss" for row in rss_rows)
        assert len(articles.article_rows(wb, source=articles.ALL_SOURCES)) == 5
        assert articles.article_rows(wb, source=articles.NOT_FROM_A_FEED) == []
        stamp = max(fs.origins(wb.store)[row[-1]].imported_at for row in rss_rows)
        assert len(articles.article_rows(wb, new_only=True, since=stamp)) < 5


def _outbox_rows(home: Path) -> list[dict[str, Any]]:
    """The outbox's rows, read beside the process that writes them ([] while the store is being made)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(home / "workbench.sqlite", timeout=30)) as conn:
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute("SELECT * FROM outbox ORDER BY id")]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise


def test_a_delivery_waiting_when_its_process_is_killed_is_made_by_the_next_one(home: Path) -> None:
    """SIGKILL while a notification waits for its retry: its row stays in the store's outbox, and the next process
    that sends delivers it with the same delivery id, its attempts counted on."""
    import signal

    from workbench.store import outbox

    receiver = Receiver(failing=1000)  # every POST answered 500 until the route is mended
    write_config(home, f"{receiver.base}/hook")
    config = (home / "config.toml").read_text().replace("backoff_ms = 50", "backoff_ms = 1500")
    (home / "config.toml").write_text(config.replace("attempts = 4", "attempts = 5"))
    code = ("import sys; from workbench.store import Store, outbox; from workbench.newsroom import webhook; "
            "store = Store(sys.argv[1] + '/workbench.sqlite'); "
            "outbox.record_event(store, 'approved', {'article_id': 'a1', 'lang': 'en'}); webhook.flush(store, 120)")
    child = subprocess.Popen([sys.executable, "-c", code, str(home)], env=subprocess_env(home, home.parent / "tiny"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            (home / "workbench.sqlite").exists() and any(r["attempts"] == 1 and r["lease_owner"] is None
                                                         for r in _outbox_rows(home))):
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    (left,) = _outbox_rows(home)
    assert left["state"] == "pending" and left["attempts"] == 1 and len(receiver.deliveries()) == 1

    receiver.routes["/hook"].fail_first = 0  # the receiver is back
    with Store(home / "workbench.sqlite") as store:
        assert webhook.flush(store, 30) == 0
        assert [(d["delivery"], d["state"], d["attempts"]) for d in outbox.deliveries(store)] == [
            (left["delivery"], "delivered", 2)]
    assert [e["delivery"] for e in receiver.events()] == [left["delivery"]] and len(receiver.deliveries()) == 2
    assert receiver.events()[0]["article_id"] == "a1"
    receiver.close()


def test_two_senders_never_claim_the_same_delivery(home: Path) -> None:
    """A delivery is claimed under a lease by one UPDATE: while it runs nobody else takes it; once it ran out (a
    sender killed mid-try), another does, with its attempt counted."""
    from workbench.store import outbox

    write_config(home, "http://127.0.0.1:9/hook")
    with Store(home / "workbench.sqlite") as one, Store(home / "workbench.sqlite") as two:
        delivery = outbox.record_event(one, "approved", {"article_id": "a1", "lang": "en"})
        first = outbox.claim(one, "one", lease=60)
        assert first is not None and first.id == delivery and first.attempts == 1
        assert outbox.claim(two, "two", lease=60) is None and outbox.claim(one, "one", lease=60) is None
        two.conn.execute("UPDATE outbox SET lease_until = 0")  # (the lease ran out: its sender was killed)
        second = outbox.claim(two, "two", lease=60)
        assert second is not None and second.id == delivery and second.attempts == 2 and second.body == first.body
        outbox.retry_at(one, first, "one", 0, "late")  # the first sender's late word changes nothing now
        assert outbox.claim(one, "one", lease=60) is None


def test_an_approval_and_its_event_are_one_transaction(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `approved` event is written with the approval: when it cannot be, the approval is not made either;
    when it is, the background loop of serve and watch sends it."""
    from workbench.review import workflow
    from workbench.store import outbox
    from workbench.store.importer import import_paths

    receiver = Receiver()
    write_config(home, f"{receiver.base}/hook")
    with Store(home / "workbench.sqlite") as store:
        article_id = import_paths(store, [SEED_FILES[0]]).imported[0].article_id

        def broken(*args: Any, **kwargs: Any) -> None:
            raise OSError("disk full")

        with monkeypatch.context() as patched:
            patched.setattr(outbox, "record_event", broken)
            with pytest.raises(OSError):
                workflow.approve(store, article_id, "en", "chief", override="tested")
        assert workflow.status_of(store, article_id, "en") == "new" and outbox.deliveries(store) == []
        workflow.approve(store, article_id, "en", "chief", override="tested")
        assert workflow.status_of(store, article_id, "en") == "approved"
        assert [d["state"] for d in outbox.deliveries(store)] == ["pending"] and receiver.deliveries() == []
    loop = webhook.start(Home(home))
    assert loop is not None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not receiver.events():
            time.sleep(0.05)
    finally:
        loop.stop()
    assert [(e["event"], e["article_id"]) for e in receiver.events()] == [("approved", article_id)]
    receiver.close()


def test_the_old_outbox_folder_is_moved_in_once_and_planted_files_are_never_read(home: Path, tmp_path: Path) -> None:
    """An outbox/ folder an earlier version left: its well-formed delivery is moved into the store once, when the
    store is upgraded; links, pipes, big or forged files are never opened or sent, a planted `.PID.lock` link is
    never followed, and a file planted later is never read."""
    import os

    from workbench.store import outbox

    receiver = Receiver()
    write_config(home, f"{receiver.base}/hook")
    folder = home / "outbox"
    folder.mkdir()
    good = "1" * 32
    body = json.dumps({"event": "approved", "delivery": good, "at": "2026-01-01T00:00:00+00:00", "article_id": "a1"})
    (folder / f"{good}.4242.json").write_text(json.dumps({"event": "approved", "id": good, "attempt": 2, "body": body}))
    os.mkfifo(folder / f"{'a' * 32}.4242.json")
    (folder / f"{'b' * 32}.4242.json").symlink_to("/dev/zero")
    elsewhere = tmp_path / "elsewhere.json"
    forged = {"event": "approved", "id": "c" * 32, "attempt": 1,
              "body": json.dumps({"event": "approved", "delivery": "c" * 32, "evil": 1})}
    elsewhere.write_text(json.dumps(forged))
    (folder / f"{'c' * 32}.4242.json").symlink_to(elsewhere)  # well-formed, but behind a link
    (folder / f"{'d' * 32}.4242.json").write_text(json.dumps({**forged, "id": "d" * 32, "attempt": 1e300}))
    (folder / f"{'e' * 32}.4242.json").write_text(json.dumps({**forged, "id": "e" * 32}))  # a body of another id
    (folder / f"{'f' * 32}.4242.json").write_bytes(b" " * 1_000_001)
    (folder / ".4242.lock").symlink_to(tmp_path / "must-not-be-made")
    with Store(home / "workbench.sqlite") as store:
        assert [(d["delivery"], d["attempts"]) for d in outbox.deliveries(store)] == [(good, 1)]
    late = "9" * 32  # planted after the upgrade, well-formed: never read
    late_body = json.dumps({"event": "approved", "delivery": late, "article_id": "evil"})
    (folder / f"{late}.4242.json").write_text(json.dumps({"event": "approved", "id": late, "attempt": 1,
                                                          "body": late_body}))
    with Store(home / "workbench.sqlite") as store:
        assert webhook.flush(store, 10) == 0
        assert [(d["delivery"], d["state"]) for d in outbox.deliveries(store)] == [(good, "delivered")]
    assert [e["delivery"] for e in receiver.events()] == [good] and len(receiver.deliveries()) == 1
    assert receiver.deliveries()[0][1] == body.encode()  # sent as it was kept, signed
    assert not (tmp_path / "must-not-be-made").exists() and elsewhere.read_text() == json.dumps(forged)
    receiver.close()


def test_an_old_outbox_move_that_did_not_finish_runs_again_at_the_next_open(home: Path, monkeypatch) -> None:
    """A review found the move marked done with its migration: a kill or a full disk during it lost the files."""
    from workbench.errors import WorkbenchError
    from workbench.store import migrations, outbox

    write_config(home, "http://127.0.0.1:9/hook")
    folder = home / "outbox"
    folder.mkdir()
    good = "1" * 32
    body = json.dumps({"event": "approved", "delivery": good, "at": "2026-01-01T00:00:00+00:00", "article_id": "a1"})
    (folder / f"{good}.4242.json").write_text(json.dumps({"event": "approved", "id": good, "attempt": 2, "body": body}))

    def full_disk(store: Store) -> int:
        raise WorkbenchError("database or disk is full")

    monkeypatch.setitem(migrations.AFTER, "009_outbox", full_disk)
    with Store(home / "workbench.sqlite") as store:  # opens all the same; nothing moved yet
        assert outbox.deliveries(store) == []
    monkeypatch.setitem(migrations.AFTER, "009_outbox", outbox.move_old_outbox)
    for _ in range(2):  # moved at the next open, and only once
        with Store(home / "workbench.sqlite") as store:
            assert [d["delivery"] for d in outbox.deliveries(store)] == [good]


def test_mark_approved_sends_its_webhook_before_the_command_ends(home: Path) -> None:
    """`mark … approved` records the `approved` event with the approval and sends it before it returns (it does
    not wait in the outbox for the next serve or watch)."""
    receiver = Receiver()
    write_config(home, f"{receiver.base}/hook")
    runner = CliRunner()
    imported = runner.invoke(cli, ["--home", str(home), "import", str(SEED_FILES[0]), "--json"])
    assert imported.exit_code == 0, imported.output
    article_id = json.loads(imported.stdout)["imported"][0]["article_id"]
    marked = runner.invoke(cli, ["--home", str(home), "mark", article_id, "approved", "--lang", "en",
                                 "--override", "tested", "--author", "chief"])
    assert marked.exit_code == 0, marked.output
    assert [(e["event"], e["article_id"], e["lang"], e["author"]) for e in receiver.events()] == [
        ("approved", article_id, "en", "chief")]
    assert [r["state"] for r in _outbox_rows(home)] == ["delivered"]
    receiver.close()


def test_a_webhook_without_a_secret_is_said_at_the_start_and_nothing_is_kept(home: Path, tmp_path: Path) -> None:
    receiver = Receiver()
    home.mkdir(parents=True)
    (home / "config.toml").write_text(f'[webhook]\nurl = "{receiver.base}/hook"\n')
    runner = CliRunner()
    imported = runner.invoke(cli, ["--home", str(home), "import", str(SEED_FILES[0]), "--json"])
    article_id = json.loads(imported.stdout)["imported"][0]["article_id"]
    for command in (["mark", article_id, "approved", "--lang", "en", "--override", "x"],
                    ["publish", "--format", "html", "--lang", "en", "--out", str(tmp_path / "site")]):
        result = runner.invoke(cli, ["--home", str(home), *command])
        assert result.exit_code == 0, result.output
        warned = [line for line in result.stderr.splitlines() if "webhook" in line]
        assert len(warned) == 1 and "[webhook] url has no secret" in warned[0] and "no notification is sent" in warned[0]
    assert _outbox_rows(home) == [] and receiver.deliveries() == []
    receiver.close()


def test_a_saved_page_is_imported_as_its_article_without_the_site_around_it(tmp_path: Path, home: Path) -> None:
    """`workbench import page.html`: a page saved from the browser is read as `import https://…` reads a fetched
    one (title, date, author, the article's text, none of the menus, share buttons or related links)."""
    seed = SEED_FILES[0]
    page = tmp_path / "saved.html"
    page.write_text(seed_page(seed, title_of(seed)), encoding="utf-8")
    (tmp_path / "login.htm").write_text("<html><body><form><input name=q></form></body></html>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "import", str(page), str(tmp_path / "login.htm"), "--json"])
    assert result.exit_code == 1, result.output  # the page without an article is a problem, the other is imported
    report = json.loads(result.stdout)
    assert [i["article_id"] for i in report["imported"]] == ["saved"]
    assert report["problems"][0]["reason"] == "no article text found in the page"
    with Store(home / "workbench.sqlite") as store:
        article = store.article("saved")
        text = " ".join(s["source_text"] for s in store.segments("saved"))
        assert store.article_ids() == ["saved"]
    assert article["title"] == title_of(seed) and article["date"] == "2024-11-07"
    assert all(chrome not in text for chrome in (*CHROME_MENU, *RELATED, "واتساب", "سياسة الخصوصية"))
    body = [line for line in clean_lines(seed.read_text(encoding="utf-8")) if len(line) > 60]
    assert body and all(line in text for line in body[:3])


def test_a_folder_of_saved_pages_skips_what_the_browser_saved_beside_them(tmp_path: Path, home: Path) -> None:
    seed = SEED_FILES[1]
    folder = tmp_path / "saved"
    (folder / "Page_files").mkdir(parents=True)
    (folder / "Page.html").write_text(seed_page(seed, title_of(seed)), encoding="utf-8")
    (folder / "Page_files" / "ad.html").write_text("<html><body><p>advert</p></body></html>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "import", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [i["article_id"] for i in report["imported"]] == ["Page"] and report["problems"] == []
    with Store(home / "workbench.sqlite") as store:
        assert store.article("Page")["encoding"] == "utf-8"  # as the page's <meta charset> says
