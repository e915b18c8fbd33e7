"""A polite, guarded HTTP client for feeds and article pages (and the webhook's POST), on httpx.

Everything a feed or page says is hostile, and the fetcher runs on a server, so:

- only `http://` and `https://` URLs (no `file:`, `ftp:`, `data:` …), no credentials in them, at most 2,048
  characters; a redirect is followed (at most 5) only to http(s) again, and never from https down to http;
- the addresses a host name resolves to are checked before connecting, and the connection goes to exactly
  those addresses: loopback, private, link-local, multicast and reserved ones are refused, in every form that
  maps to one (IPv4-mapped and -compatible IPv6, NAT64, 6to4, Teredo: `is_public`), unless the policy allows
  private addresses (an operator's feed marked so; a server-side fetcher must not be a way into the newsroom's
  own network);
- a page is at most `max_page_bytes` (a larger Content-Length is refused before reading, a body is read no
  further, a gzip body is unpacked no further), and a whole fetch (connecting, the headers, the body, redirects)
  ends by its deadline, `timeout` seconds after it starts: a watchdog shuts the socket then, so a server that
  drips a byte at a time cannot hold it, and a name lookup is waited for no longer;
- the User-Agent names the workbench, and one host gets one request per `host_interval` seconds.

httpx does the HTTP (URLs in IDNA and percent-encoded, IPv6 literals, TLS); the checks above live in the
connection it opens (`_GuardedBackend`), the redirect loop and the body reader here. No
proxy from the environment is used: the connection goes where the checks say.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

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
    if not url or len(url) > MAX_URL or any(ord(c) < 33 or c == "\x7f" or "\ud800" <= c <= "\udfff" for c in url):
        raise FetchRefused(url.encode("utf-8", "replace").decode("utf-8"),
                           f"not a URL (empty, over {MAX_URL} characters, or with spaces or control characters)")
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
    """Whether an IP address is a public unicast one (not loopback, private, link-local, shared or reserved), in
    any form: an IPv6 address that carries an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
    `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo `2001::/32`) is public only when what it carries
    is; the local-use NAT64 prefix `64:ff9b:1::/48` never is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    carried = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _LOCAL_NAT64:
            return False
        carried = [ip, *embedded_ipv4(ip)]
    return all(one.is_global and not one.is_multicast for one in carried)


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo server and client)."""
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    found = [ip.ipv4_mapped] if ip.ipv4_mapped is not None else []
    if ip in _COMPATIBLE or ip in _NAT64:
        found.append(low)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


class Deadline:
    """When a fetch must be over: at that moment a watchdog shuts every socket it was given (through a duplicate
    of the socket, so a TLS connection made from it is shut too), which ends any read or write waiting on it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._twins: list[socket.socket] = []
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def reason(self) -> str:
        return f"timed out (the whole fetch may take {self.seconds:g} s: timeout_seconds)"

    def left(self) -> float:
        return self.at - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` at the deadline (TimeoutError when it has passed already)."""
        twin = sock.dup()
        with self._lock:
            if not self.expired:
                self._twins.append(twin)
                return
        twin.close()
        raise TimeoutError(self.reason)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for twin in self._twins:
                try:
                    twin.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for twin in self._twins:
                twin.close()
            self._twins = []


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's sockets, but every address the host resolves to is checked first, the connection goes to
    exactly those addresses, and each socket is shut at the fetch's deadline. Every request of a fetch (the first
    and each redirect) has a client of its own, so each one connects through the guard."""

    def __init__(self, allow_private: bool, deadline: Deadline):
        self.allow_private = allow_private
        self.deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = list(dict.fromkeys(str(info[4][0]) for info in _resolve(host, port, self.deadline)))
        if not self.allow_private:
            private = sorted(address for address in addresses if not is_public(address))
            if private:
                raise FetchRefused(host, f"the host is a private, loopback or reserved address ({', '.join(private)});"
                                         " a feed the operator added with --allow-private may be on one")
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:  # a literal address: nothing is looked up again
            wait = max(0.001, min(timeout or self.deadline.seconds, self.deadline.left()))
            try:
                stream = super().connect_tcp(address, port, wait, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            self.deadline.watch(stream.get_extra_info("socket"))
            return stream
        raise failure


def _resolve(host: str, port: int, deadline: Deadline) -> list[Any]:
    """getaddrinfo, waited for until the deadline at most (the system's resolver has its own timeouts, which may
    be longer; a lookup still running then is left to finish in its thread)."""
    found: list[Any] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            failure.append(exc)

    thread = threading.Thread(target=lookup, daemon=True, name="resolve")
    thread.start()
    thread.join(max(deadline.left(), 0.0))
    if thread.is_alive():
        raise TimeoutError(deadline.reason)
    if failure or not found:
        raise FetchFailed(host, f"cannot resolve the host name ({failure[0] if failure else 'no address'})")
    return found


@functools.cache
def _tls() -> ssl.SSLContext:
    """The system's certificates, loaded once (about 0.1 s) and shared by every fetch."""
    return ssl.create_default_context()


def _client(allow_private: bool, deadline: Deadline, timeout: float) -> httpx.Client:
    """An httpx client whose connections go through the guard (no proxy or settings from the environment)."""
    tls = _tls()
    transport = httpx.HTTPTransport(verify=tls, trust_env=False)
    # httpx's transport takes no network backend, its httpcore pool does: the pool it made (unused) is replaced
    transport._pool = httpcore.ConnectionPool(ssl_context=tls, network_backend=_GuardedBackend(allow_private, deadline))
    return httpx.Client(transport=transport, trust_env=False, timeout=timeout, follow_redirects=False)


@contextlib.contextmanager
def _failures(url: str, deadline: Deadline) -> Iterator[None]:
    """What goes wrong while asking for `url` as one FetchError said of it."""
    try:
        yield
    except FetchError as exc:  # refused or failed while connecting: said of the URL asked for
        raise type(exc)(url, exc.reason) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as exc:  # idna: a host that is no name
        raise FetchRefused(url, f"not a URL the fetcher can ask for ({str(exc)[:160]})") from None
    except (httpx.HTTPError, OSError, zlib.error, ValueError) as exc:
        raise FetchFailed(url, deadline.reason if deadline.expired else _network_reason(exc)) from None


def _network_reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timed out"
    return f"{type(exc).__name__}: {str(exc)[:160] or 'connection failed'}"


def _read_body(resp: httpx.Response, url: str, limit: int, deadline: Deadline) -> bytes:
    """The body, at most `limit` bytes after unpacking gzip (FetchRefused past it), read before the deadline."""
    length = resp.headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > limit:
        raise FetchRefused(url, f"is {int(length):,} bytes; the limit is {limit:,} (max_page_bytes)")
    coding = resp.headers.get("content-encoding", "identity").strip().lower()
    if coding not in ("", "identity", "gzip", "x-gzip"):
        raise FetchFailed(url, f"sent an encoding the fetcher does not read ({coding[:40]})")
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in coding else None
    out = bytearray()
    for chunk in resp.iter_raw(CHUNK):  # raw: gzip is unpacked here, never further than the limit
        if unpack is not None:
            chunk = unpack.decompress(chunk, limit + 1 - len(out))
            if unpack.unconsumed_tail:
                raise FetchRefused(url, f"unpacks to over {limit:,} bytes (max_page_bytes)")
        out += chunk
        if len(out) > limit:
            raise FetchRefused(url, f"is over {limit:,} bytes (max_page_bytes)")
    if deadline.expired:  # the watchdog's shutdown reads as the end of the body: not a whole page
        raise FetchFailed(url, deadline.reason)
    return bytes(out)


def fetch(url: str, policy: Policy, *, limiter: HostLimiter | None = None, etag: str | None = None,
          last_modified: str | None = None, accept: str = "*/*") -> Response:
    """GET `url` under `policy`: a 200 with its body, or a 304 (with `etag` / `last_modified` given and the
    resource unchanged). Redirects are followed as the module says; other statuses are FetchFailed. The whole
    fetch, redirects included, has `policy.timeout` seconds from the first request on (the wait for the host's
    turn before it is not counted)."""
    current = check_url(url)
    headers = {"User-Agent": policy.user_agent, "Accept": accept, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline: Deadline | None = None
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if limiter is not None:
                limiter.wait((urlsplit(current).hostname or "").lower())
            deadline = deadline or Deadline(policy.timeout)
            if deadline.left() <= 0:
                raise FetchFailed(current, deadline.reason)
            with _failures(current, deadline), _client(policy.allow_private, deadline, policy.timeout) as client, \
                    client.stream("GET", current, headers=headers) as resp:
                answer = {k.lower(): v for k, v in resp.headers.items()}
                if resp.is_redirect and answer.get("location"):
                    current = _redirect(current, answer["location"])
                    continue
                if resp.status_code == 304:
                    return Response(current, 304, answer)
                if not resp.is_success:
                    raise FetchFailed(current, f"HTTP {resp.status_code} {resp.reason_phrase[:60]}".strip())
                return Response(current, resp.status_code, answer, _read_body(resp, current, policy.max_bytes, deadline))
    finally:
        if deadline is not None:
            deadline.close()
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
    redirect is followed; the whole exchange has `timeout` seconds. FetchError when it cannot be sent."""
    target = check_url(url)
    deadline = Deadline(timeout)
    try:
        with _failures(target, deadline), _client(True, deadline, timeout) as client, \
                client.stream("POST", target, content=body, headers={"User-Agent": user_agent, **headers}) as resp:
            with contextlib.suppress(httpx.HTTPError):
                next(resp.iter_raw(CHUNK), b"")  # a short answer is read, a long one is not waited for
            return resp.status_code
    finally:
        deadline.close()


def _shown(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "…"
