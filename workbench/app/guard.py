"""What the server checks before Gradio sees a request: the Host header, and who is asking.

* **Host**: only requests whose `Host` names this server are answered (Starlette's TrustedHostMiddleware, on every
  HTTP, SSE and websocket route), or whose `Host` is the IP address the connection arrived at (a wildcard bind's
  LAN address); others get `400 Invalid host header`. A DNS-rebinding page (a name of the attacker's that
  resolves to 127.0.0.1) sends its own name as `Host`, so it can no longer reach a loopback server.
  Loopback names are always served; a wildcard bind adds this machine's names; more come from `--allowed-host`,
  `$WORKBENCH_ALLOWED_HOSTS` or config `allowed_hosts` (a reverse proxy's public name).
* **Client address**: the peer of the connection, recorded in `CLIENT_ADDRESS` for the login limits (Gradio's
  login route gives its `auth` callable only the user name and password). `X-Forwarded-For` is read only from the
  trusted proxies (`--trusted-proxy`, `$WORKBENCH_TRUSTED_PROXIES`, config `trusted_proxies`); by default from
  nowhere, where uvicorn alone would trust it from any loopback peer.
* **Cross-site writes**: a request that can change anything (every method but GET, HEAD and OPTIONS, and every
  websocket) is refused with `403` when the browser says it comes from another site or origin: `Sec-Fetch-Site`
  other than `same-origin`/`none`, or an `Origin` (`null` included) whose host is neither the request's `Host` nor
  one of the `--allowed-host` names. A POST must also be JSON (`Content-Type: application/json`, which a page on
  another origin cannot send without a CORS preflight that the server never grants), except the login form.
  Programs (gradio_client, curl) send neither header and pass, as they would with any token. Gradio's session
  cookie is rewritten to `SameSite=Lax`, so another site's page never carries it; a request with another `Origin` is
  refused even to read (Gradio's CORS layer would let a same-site page read `/gradio_api/token`); no page may frame
  the app (`X-Frame-Options`, `frame-ancestors`); uploads are
  refused: the app has no upload field, so `/gradio_api/upload` would only fill the temp folder.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import WorkbenchError
from ..settings import max_text_chars

CLIENT_ADDRESS: ContextVar[str] = ContextVar("workbench_client_address", default="unknown")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_BINDS = {"0.0.0.0", "::", ""}
FORWARDED_ENV = "FORWARDED_ALLOW_IPS"  # what uvicorn reads when Gradio starts it


class HostCheck:
    """ASGI middleware: Starlette's TrustedHostMiddleware for names, plus any Host that is the IP address this
    connection arrived at (a wildcard bind's LAN address; an IP literal cannot come from DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]):
        self.app = app
        self.by_name = TrustedHostMiddleware(app, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and _is_connection_ip(scope):
            await self.app(scope, receive, send)
        else:
            await self.by_name(scope, receive, send)


def _is_connection_ip(scope: Scope) -> bool:
    server = scope.get("server")
    value = Headers(scope=scope).get("host", "")
    host = value[1:value.find("]")] if value.startswith("[") else value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    try:
        return server is not None and ipaddress.ip_address(host) == ipaddress.ip_address(server[0])
    except ValueError:
        return False


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_SITE_FETCH = frozenset({"same-origin", "none"})  # `none`: typed in the address bar, a bookmark
REFUSED_PATHS = ("/gradio_api/upload",)  # no upload field: nothing may be put in Gradio's temp folder
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def max_body_bytes() -> int:
    """The largest request body read: room for a few texts at the text limit, each character escaped in JSON
    (up to 12 bytes), plus 4 MiB for everything else (a glossary table, a page's state). Read at each request."""
    return 4 * 2**20 + 3 * 12 * max_text_chars()


def body_problem(scope: Scope) -> tuple[int, str] | None:
    """A request body this server will not read into memory: its size not said (411), or too large (413)."""
    if scope["type"] != "http" or scope.get("method", "GET") not in BODY_METHODS:
        return None
    length = Headers(scope=scope).get("content-length")
    if length is None:
        chunked = "chunked" in Headers(scope=scope).get("transfer-encoding", "").lower()
        return (411, "a request body must say its length (Content-Length)") if chunked else None
    if not length.isascii() or not length.isdigit() or int(length) > max_body_bytes():
        return 413, f"the request body is larger than this server reads ({max_body_bytes():,} bytes)"
    return None


class CrossSiteCheck:
    """ASGI middleware: refuses state-changing requests that a browser says come from another origin, POSTs that are
    not JSON (but the login form), uploads, and any request (reads too) whose Origin is another; rewrites Gradio's session cookies to `SameSite=Lax`; forbids framing."""

    def __init__(self, app: ASGIApp, public_hosts: tuple[str, ...] = ()):
        self.app = app
        self.public_hosts = frozenset(h for h in public_hosts if h != "*" and not h.startswith("*."))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        too_big = body_problem(scope)
        if too_big is not None:  # before anything reads the body into memory (Gradio sets no limit)
            await PlainTextResponse(too_big[1], status_code=too_big[0])(scope, receive, guarded_headers(send))
            return
        problem = self.problem(scope)
        if problem is None:
            await self.app(scope, receive, guarded_headers(send))
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": problem})
        else:
            await PlainTextResponse(problem, status_code=403)(scope, receive, guarded_headers(send))

    def problem(self, scope: Scope) -> str | None:
        """Why this request is refused, or None."""
        path = str(scope.get("path", ""))
        if any(ord(c) < 32 or ord(c) == 127 for c in path):
            return "a control character in the path"  # `$` in a route pattern matches before a trailing newline
        route = path.rstrip("/").lower()
        if route.endswith(REFUSED_PATHS):
            return "uploads are not accepted by this server"
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is not None and not self.same_origin(origin, headers.get("host", "")):
            # reads too: Gradio's CORS layer (outside this one) would let a same-site page read /gradio_api/token
            return f"cross-origin request refused (Origin: {origin[:80]})"
        method = scope.get("method", "GET")
        if scope["type"] == "http" and method in SAFE_METHODS and not route.endswith("/logout"):
            return None  # a link from another site (a navigation, no Origin) still opens the app
        site = headers.get("sec-fetch-site")
        if site is not None and site.lower() not in SAME_SITE_FETCH:
            return f"cross-site request refused (Sec-Fetch-Site: {site[:40]})"
        if scope["type"] == "http" and method == "POST" and not route.endswith("/login"):
            kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if kind != "application/json":
                return "a request that changes something must be JSON (Content-Type: application/json)"
        return None

    def same_origin(self, origin: str, host: str) -> bool:
        """Whether `origin` (scheme://host[:port]) names this server: exactly the Host it was asked by, or a public
        name (`--allowed-host`, not a wildcard) over HTTPS on port 443, for a TLS proxy that sends its own Host."""
        try:
            parts = urlsplit(origin)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None:
            return False  # `null` (a sandboxed frame, a file page) and anything odd
        name = parts.hostname.lower()
        shown = f"[{name}]" if ":" in name else name
        default = 443 if parts.scheme == "https" else 80
        asked = host.lower().removesuffix(":80").removesuffix(":443")
        if asked in (f"{shown}:{port}", shown if port in (None, default) else None):
            return True
        return name in self.public_hosts and parts.scheme == "https" and port in (None, 443)


FRAMING = [(b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'")]  # added to any CSP


def guarded_headers(send: Send) -> Send:
    """`send` with Set-Cookie's `SameSite=None` made `SameSite=Lax` (Gradio sets its login cookie to None) and framing
    by other pages forbidden."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(name, _lax(value) if name.lower() == b"set-cookie" else value)
                       for name, value in message["headers"] if name.lower() != b"x-frame-options"]
            message["headers"] = [*headers, *FRAMING]
        await send(message)

    return sender


def _lax(cookie: bytes) -> bytes:
    parts = [p for p in cookie.split(b";") if not p.strip().lower().startswith(b"samesite")]
    return b";".join([*parts, b" SameSite=Lax"])


class RecordClient:
    """ASGI middleware: sets CLIENT_ADDRESS to the request's client address while the request runs."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = CLIENT_ADDRESS.set(str(client[0]) if client else "unknown")
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)


@dataclass(frozen=True)
class Guard:
    """The Host names a server answers and the proxies whose X-Forwarded-For it believes."""

    hosts: tuple[str, ...]
    proxies: tuple[str, ...] = ()
    public: tuple[str, ...] = ()  # the names given with --allowed-host: a proxy in front may send its own Host

    def middleware(self) -> list[Middleware]:
        """For FastAPI(middleware=...): the Host check first, then the client address for the login limits."""
        return [Middleware(HostCheck, allowed_hosts=list(self.hosts)),
                Middleware(CrossSiteCheck, public_hosts=self.public), Middleware(RecordClient)]

    def describe(self) -> str:
        hosts = "any (the check is off)" if "*" in self.hosts else ", ".join(self.hosts)
        proxies = ", ".join(self.proxies) if self.proxies else "none (client address = the connection's)"
        return f"answering Host: {hosts}; X-Forwarded-For trusted from: {proxies}"

    @contextlib.contextmanager
    def forwarded(self) -> Iterator[None]:
        """While Gradio builds its uvicorn server: trust X-Forwarded-For from our proxies only (uvicorn reads
        FORWARDED_ALLOW_IPS then; its default is every loopback peer, which lets any local process pick an address)."""
        from ..settings import library_variable

        with library_variable(FORWARDED_ENV, ",".join(self.proxies)):
            yield


def make_guard(bind: str, allowed: Iterable[str] = (), proxies: Iterable[str] = ()) -> Guard:
    """The Guard for a server bound to `bind`: loopback names, the bound address (this machine's names for a
    wildcard bind) and the `allowed` names; `proxies` are checked to be IP addresses or networks."""
    public = [check_host_name(name) for name in allowed]
    hosts = [*LOOPBACK_HOSTS, *_bind_names(bind), *public]
    return Guard(tuple(dict.fromkeys(h.lower() for h in hosts)), tuple(dict.fromkeys(_check_proxy(p) for p in proxies)),
                 tuple(dict.fromkeys(h.strip("[]") for h in public)))


def check_host_name(name: str) -> str:
    """A name as the Host check takes it: `wb.example.org`, `*.example.org`, an IP address, or `*` (check off)."""
    value = name.strip().lower()
    if value == "*":
        return value
    literal = _ip_host(value.strip("[]"))
    if literal:
        return literal
    label = value[2:] if value.startswith("*.") else value
    parts = label.split(".")
    if not label or not all(p and len(p) <= 63 and all(c.isalnum() or c == "-" for c in p) for p in parts):
        raise WorkbenchError(f"allowed host {name!r} is not a host name: give a name like wb.example.org or "
                             "*.example.org, without scheme, port or path")
    return value


def _check_proxy(value: str) -> str:
    text = value.strip()
    try:
        return str(ipaddress.ip_network(text, strict=False)) if "/" in text else str(ipaddress.ip_address(text))
    except ValueError:
        raise WorkbenchError(f"trusted proxy {value!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8)") from None


def _ip_host(value: str) -> str | None:
    """An IP address as it appears in a Host header (IPv6 in brackets), or None when `value` is not one."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed


def _bind_names(bind: str) -> list[str]:
    """The names a client may use for a server bound to `bind`."""
    if bind not in WILDCARD_BINDS:
        return [_ip_host(bind) or bind]
    names = [socket.gethostname(), socket.getfqdn()]
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None):
            names.append(str(info[4][0]))
    return [_ip_host(n) or n for n in names if n]
