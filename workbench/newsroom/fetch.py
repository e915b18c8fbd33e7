"""A polite, guarded HTTP client for feeds and article pages (and the webhook's POST).

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


def _connector(allow_private: bool, deadline: Deadline) -> Callable[..., socket.socket]:
    """socket.create_connection that checks every address the host resolves to, then connects to those (each
    socket shut at the deadline)."""

    def create(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
        host, port = address
        infos = _resolve(host, port, deadline)
        if not allow_private:
            private = sorted({str(info[4][0]) for info in infos if not is_public(str(info[4][0]))})
            if private:
                raise FetchRefused(host, f"the host is a private, loopback or reserved address ({', '.join(private)});"
                                         " a feed the operator added with --allow-private may be on one")
        failure: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            try:
                deadline.watch(sock)
                sock.settimeout(max(0.001, min(timeout or deadline.seconds, deadline.left())))
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                failure = exc
        raise failure or OSError(f"no address for {host}")

    return create


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


class _Guarded(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, timeout: float, allow_private: bool, deadline: Deadline):
        super().__init__(host, port, timeout=timeout)
        self._create_connection = _connector(allow_private, deadline)


class _GuardedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, timeout: float, allow_private: bool, deadline: Deadline):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._create_connection = _connector(allow_private, deadline)


def _wire(url: str) -> tuple[str, int, str]:
    """(host, port, request target) as they go on the wire: an international host name in IDNA, a path or query
    with non-ASCII characters percent-encoded, the port always given (so an IPv6 literal is never read as
    host:port)."""
    parts = urlsplit(url)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchRefused(url, "the host name is not a valid international name") from None
    path = quote(parts.path or "/", safe=_SAFE) + (f"?{quote(parts.query, safe=_SAFE + '?')}" if parts.query else "")
    return host, parts.port or (443 if parts.scheme.lower() == "https" else 80), path


_SAFE = "/%:@!$&'()*+,;=-._~"


def _request(url: str, method: str, headers: dict[str, str], body: bytes | None, *, timeout: float,
             allow_private: bool, deadline: Deadline) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    host, port, path = _wire(url)
    kind = _GuardedTLS if urlsplit(url).scheme.lower() == "https" else _Guarded
    conn: http.client.HTTPConnection | None = None
    try:
        conn = kind(host, port, timeout=timeout, allow_private=allow_private, deadline=deadline)
        conn.request(method, path, body=body, headers=headers)
        return conn, conn.getresponse()
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, FetchError):  # refused or failed while connecting: said of the URL asked for
            raise type(exc)(url, exc.reason) from None
        if isinstance(exc, OSError | http.client.HTTPException | ValueError):  # InvalidURL, UnicodeError among them
            raise FetchFailed(url, deadline.reason if deadline.expired else _network_reason(exc)) from None
        raise


def _network_reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc})"
    return f"{type(exc).__name__}: {str(exc)[:160] or 'connection failed'}"


def _read_body(resp: http.client.HTTPResponse, url: str, limit: int, deadline: Deadline) -> bytes:
    """The body, at most `limit` bytes after unpacking gzip (FetchRefused past it), read before the deadline."""
    length = resp.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > limit:
        raise FetchRefused(url, f"is {int(length):,} bytes; the limit is {limit:,} (max_page_bytes)")
    coding = resp.getheader("Content-Encoding", "identity").strip().lower()
    if coding not in ("", "identity", "gzip", "x-gzip"):
        raise FetchFailed(url, f"sent an encoding the fetcher does not read ({coding[:40]})")
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in coding else None
    out = bytearray()
    try:
        while chunk := resp.read1(CHUNK):
            if unpack is not None:
                chunk = unpack.decompress(chunk, limit + 1 - len(out))
                if unpack.unconsumed_tail:
                    raise FetchRefused(url, f"unpacks to over {limit:,} bytes (max_page_bytes)")
            out += chunk
            if len(out) > limit:
                raise FetchRefused(url, f"is over {limit:,} bytes (max_page_bytes)")
    except (OSError, http.client.HTTPException, zlib.error, ValueError) as exc:
        if deadline.expired:
            raise FetchFailed(url, deadline.reason) from None
        raise FetchFailed(url, f"the body could not be read ({_network_reason(exc)})") from None
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
            conn, resp = _request(current, "GET", headers, None, timeout=policy.timeout,
                                  allow_private=policy.allow_private, deadline=deadline)
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
        conn, resp = _request(target, "POST", {"User-Agent": user_agent, **headers}, body, timeout=timeout,
                              allow_private=True, deadline=deadline)
        try:
            resp.read(CHUNK)  # a short answer is read, a long one is not waited for
        except (OSError, http.client.HTTPException, ValueError):
            pass
        finally:
            conn.close()
        return resp.status
    finally:
        deadline.close()


def _shown(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "…"
