"""A polite, guarded HTTP client for feeds and article pages (and the webhook's POST).

Everything a feed or page says is hostile, and the fetcher runs on a server, so:

- only `http://` and `https://` URLs (no `file:`, `ftp:`, `data:` …), no credentials in them, at most 2,048
  characters; a redirect is followed (at most 5) only to http(s) again, and never from https down to http;
- the addresses a host name resolves to are checked before connecting, and the connection goes to exactly
  those addresses: loopback, private, link-local, multicast and reserved ones are refused unless
  `allow_private_feeds` is set (a server-side fetcher must not be a way into the newsroom's own network);
- a page is at most `max_page_bytes` (a larger Content-Length is refused before reading, a body is read no
  further, a gzip body is unpacked no further), every request has a timeout for connecting, each read and the
  whole body;
- the User-Agent names the workbench, and one host gets one request per `host_interval` seconds.

No proxy from the environment is used: the connection goes where the checks say.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from ..errors import WorkbenchError
from ..settings import NewsroomSettings

MAX_URL = 2048
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class FetchError(WorkbenchError):
    """A URL that could not be fetched; `url` and `reason` say which and why."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{_shown(url)}: {reason}")


class FetchRefused(FetchError):
    """A URL the fetcher will not fetch: another scheme, a private address, a page over the size limit."""


class FetchFailed(FetchError):
    """A fetch that went wrong: the network, a timeout, an HTTP error status. Worth trying again later."""


@dataclass(frozen=True)
class Policy:
    """What the fetcher allows and how polite it is."""

    user_agent: str
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    host_interval: float = 2.0
    allow_private: bool = False

    @classmethod
    def from_settings(cls, settings: NewsroomSettings) -> Policy:
        return cls(settings.user_agent, settings.timeout, settings.max_page_bytes, settings.host_interval,
                   settings.allow_private_feeds)


@dataclass
class Response:
    """A fetched URL: where it ended (after redirects), the status (200 or 304), headers (lower-case names)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass
class HostLimiter:
    """One request per `interval` seconds to each host (thread-safe; a caller waits its turn)."""

    interval: float
    _next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, host: str) -> None:
        with self._lock:
            current = time.monotonic()
            turn = max(current, self._next.get(host, 0.0))
            self._next[host] = turn + self.interval
        if turn > current:
            time.sleep(turn - current)


def check_url(url: object) -> str:
    """`url` if it is an http(s) URL the fetcher may ask for (FetchRefused otherwise); the fragment dropped."""
    if not isinstance(url, str):
        raise FetchRefused(repr(url)[:80], "a URL must be text")
    if not url or len(url) > MAX_URL or any(ord(c) < 33 or c == "\x7f" for c in url):
        raise FetchRefused(url, f"not a URL (empty, over {MAX_URL} characters, or with spaces or control characters)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(url, f"not a URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        what = f"{scheme}: URLs" if scheme else "a URL without a scheme"
        raise FetchRefused(url, f"only http:// and https:// URLs are fetched, not {what}")
    if not parts.hostname:
        raise FetchRefused(url, "the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(url, "a URL with a user name or password is not fetched")
    if port == 0:
        raise FetchRefused(url, "port 0 is not a port")
    return url.split("#", 1)[0]


def is_public(address: str) -> bool:
    """Whether an IP address is a public unicast one (not loopback, private, link-local, shared or reserved)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connector(allow_private: bool) -> Callable[..., socket.socket]:
    """socket.create_connection that checks every address the host resolves to, then connects to those."""

    def create(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
        host, port = address
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchFailed(host, f"cannot resolve the host name ({exc})") from None
        if not allow_private:
            private = sorted({str(info[4][0]) for info in infos if not is_public(str(info[4][0]))})
            if private:
                raise FetchRefused(host, f"the host is a private, loopback or reserved address ({', '.join(private)});"
                                         " set allow_private_feeds in config.toml's [newsroom] to fetch from it")
        failure: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                failure = exc
        raise failure or OSError(f"no address for {host}")

    return create


class _Guarded(http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None, *, timeout: float, allow_private: bool):
        super().__init__(host, port, timeout=timeout)
        self._create_connection = _connector(allow_private)


class _GuardedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None, *, timeout: float, allow_private: bool):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._create_connection = _connector(allow_private)


def _wire(url: str) -> tuple[str, int | None, str]:
    """(host, port, request target) as they go on the wire: an international host name in IDNA, a path or query
    with non-ASCII characters percent-encoded."""
    parts = urlsplit(url)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchRefused(url, "the host name is not a valid international name") from None
    path = quote(parts.path or "/", safe=_SAFE) + (f"?{quote(parts.query, safe=_SAFE + '?')}" if parts.query else "")
    return host, parts.port, path


_SAFE = "/%:@!$&'()*+,;=-._~"


def _request(url: str, method: str, headers: dict[str, str], body: bytes | None, *, timeout: float,
             allow_private: bool) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    host, port, path = _wire(url)
    kind = _GuardedTLS if urlsplit(url).scheme.lower() == "https" else _Guarded
    conn = kind(host, port, timeout=timeout, allow_private=allow_private)
    try:
        conn.request(method, path, body=body, headers=headers)
        return conn, conn.getresponse()
    except FetchError as exc:  # refused or failed while connecting: said of the URL asked for
        conn.close()
        raise type(exc)(url, exc.reason) from None
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        raise FetchFailed(url, _network_reason(exc)) from None


def _network_reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc})"
    return f"{type(exc).__name__}: {str(exc)[:160] or 'connection failed'}"


def _read_body(resp: http.client.HTTPResponse, url: str, limit: int, deadline: float) -> bytes:
    """The body, at most `limit` bytes after unpacking gzip (FetchRefused past it), read before `deadline`."""
    length = resp.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > limit:
        raise FetchRefused(url, f"is {int(length):,} bytes; the limit is {limit:,} (max_page_bytes)")
    coding = resp.getheader("Content-Encoding", "identity").strip().lower()
    if coding not in ("", "identity", "gzip", "x-gzip"):
        raise FetchFailed(url, f"sent an encoding the fetcher does not read ({coding[:40]})")
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in coding else None
    out = bytearray()
    try:
        while chunk := resp.read1(CHUNK):  # one read at a time, so the deadline is checked between them
            if time.monotonic() > deadline:
                raise FetchFailed(url, "took longer than the timeout to send its body")
            if unpack is not None:
                chunk = unpack.decompress(chunk, limit + 1 - len(out))
                if unpack.unconsumed_tail:
                    raise FetchRefused(url, f"unpacks to over {limit:,} bytes (max_page_bytes)")
            out += chunk
            if len(out) > limit:
                raise FetchRefused(url, f"is over {limit:,} bytes (max_page_bytes)")
    except (OSError, http.client.HTTPException, zlib.error) as exc:
        raise FetchFailed(url, f"the body could not be read ({_network_reason(exc)})") from None
    return bytes(out)


def fetch(url: str, policy: Policy, *, limiter: HostLimiter | None = None, etag: str | None = None,
          last_modified: str | None = None, accept: str = "*/*") -> Response:
    """GET `url` under `policy`: a 200 with its body, or a 304 (with `etag` / `last_modified` given and the
    resource unchanged). Redirects are followed as the module says; other statuses are FetchFailed."""
    current = check_url(url)
    headers = {"User-Agent": policy.user_agent, "Accept": accept, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if limiter is not None:
            limiter.wait((parts.hostname or "").lower())
        deadline = time.monotonic() + policy.timeout * 3
        conn, resp = _request(current, "GET", headers, None, timeout=policy.timeout,
                              allow_private=policy.allow_private)
        try:
            answer = {k.lower(): v for k, v in resp.getheaders()}
            if resp.status in (301, 302, 303, 307, 308) and answer.get("location"):
                current = _redirect(current, answer["location"])
                continue
            if resp.status == 304:
                return Response(current, 304, answer)
            if not 200 <= resp.status < 300:
                raise FetchFailed(current, f"HTTP {resp.status} {resp.reason[:60]}".strip())
            return Response(current, resp.status, answer, _read_body(resp, current, policy.max_bytes, deadline))
        finally:
            conn.close()
    raise FetchFailed(url, f"more than {MAX_REDIRECTS} redirects")


def _redirect(current: str, location: str) -> str:
    """Where a redirect goes, if the fetcher may follow it (FetchRefused otherwise)."""
    target = urljoin(current, location.strip())
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(current, f"redirects to another scheme ({scheme or '?'}:); not followed")
    if urlsplit(current).scheme.lower() == "https" and scheme == "http":
        raise FetchRefused(current, "redirects from https to plain http; not followed")
    return check_url(target)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, user_agent: str) -> int:
    """POST `body` to a trusted URL (the operator's webhook: a private address is fine); the HTTP status. No
    redirect is followed. FetchError when it cannot be sent."""
    target = check_url(url)
    conn, resp = _request(target, "POST", {"User-Agent": user_agent, **headers}, body, timeout=timeout,
                          allow_private=True)
    try:
        resp.read(CHUNK)  # a short answer is read, a long one is not waited for
        return resp.status
    except (OSError, http.client.HTTPException):
        return resp.status
    finally:
        conn.close()


def _shown(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "…"
