"""No request from another origin changes anything (issue 27, finding 1).

The middleware alone (fast), then a served app attacked from a real page on another origin in Chromium: without
`--auth`, with `--auth`, and behind a local HTTPS terminator (where Gradio's cookie is `Secure` and would be sent
cross-site if it stayed `SameSite=None`). Each attack is first shown to work when the checks are bypassed (the same
body sent as a program would send it), so the test can fail."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from workbench.app.guard import make_guard

from .test_ui_live import serve

ARTICLE = "003_70140ed69b948bf5"


# --------------------------------------------------------------------------- the middleware alone
@pytest.fixture
def guarded() -> tuple[TestClient, list[str]]:
    calls: list[str] = []

    async def write(request):
        calls.append(request.url.path)
        response = JSONResponse({"ok": True})
        response.set_cookie("access-token-x", "t", httponly=True, samesite="none", secure=True)
        return response

    app = Starlette(routes=[Route(p, write, methods=["GET", "POST"])
                            for p in ("/gradio_api/component_server", "/login", "/gradio_api/upload", "/logout")],
                    middleware=make_guard("127.0.0.1", ["wb.example.org"]).middleware())
    return TestClient(app, base_url="http://127.0.0.1:7860"), calls


REPRO = json.dumps({"data": ["approve", {"article_id": ARTICLE, "language": "en", "author": "x", "override": "evil"}], "component_id": 1, "session_hash": "x",
                    "fn_name": "operation"})


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain", "Origin": "http://evil.example"},  # the repro: no preflight needed
    {"Content-Type": "application/json", "Origin": "http://evil.example"},
    {"Content-Type": "application/json", "Origin": "null"},  # a sandboxed frame
    {"Content-Type": "application/json", "Origin": "http://127.0.0.1:7861"},  # same site, other port
    {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
    {"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"},
    {"Content-Type": "application/json", "Origin": "http://wb.example.org:8080"},  # a public name on another port
    {"Content-Type": "application/json", "Origin": "http://wb.example.org"},  # ...or over plain HTTP
    {"Content-Type": "application/json", "Origin": "http://127.0.0.1:7860@evil.example"},
    {"Content-Type": "text/plain"},  # no preflight from a browser; a program has no reason to send it
    {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1:7860"},
])
def test_writes_from_another_origin_or_not_json_are_refused_before_the_app(guarded, headers):
    client, calls = guarded
    response = client.post("/gradio_api/component_server", content=REPRO, headers=headers)
    assert response.status_code == 403 and calls == []
    assert "refused" in response.text or "must be JSON" in response.text


@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},  # gradio_client, curl: no Origin, no Sec-Fetch-Site
    {"Content-Type": "application/json; charset=utf-8", "Origin": "http://127.0.0.1:7860", "Sec-Fetch-Site": "same-origin"},
    {"Content-Type": "application/json", "Origin": "https://wb.example.org"},  # behind a proxy named --allowed-host
])
def test_same_origin_json_and_programs_pass_and_the_cookie_becomes_lax(guarded, headers):
    client, calls = guarded
    response = client.post("/gradio_api/component_server", content=REPRO, headers=headers)
    assert response.status_code == 200 and calls == ["/gradio_api/component_server"]
    cookie = response.headers["set-cookie"].lower()
    assert "samesite=lax" in cookie and "samesite=none" not in cookie and "secure" in cookie


def test_the_login_form_passes_from_its_own_page_only(guarded):
    client, calls = guarded
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/login", content="username=a&password=b", headers={**form, "Origin": "http://evil.example"}
                       ).status_code == 403
    assert client.post("/login", content="username=a&password=b", headers={**form, "Origin": "http://127.0.0.1:7860"}
                       ).status_code == 200
    assert calls == ["/login"]


def test_another_origin_cannot_even_read_and_no_page_may_frame_the_app(guarded):
    client, calls = guarded
    # Gradio's CORS layer grants credentialed reads to same-site origins: /gradio_api/token would give the login away
    assert client.get("/gradio_api/component_server", headers={"Origin": "http://localhost:7860"}).status_code == 403
    shown = client.get("/gradio_api/component_server")  # a navigation or the app itself: no foreign Origin
    assert shown.status_code == 200 and shown.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in shown.headers["content-security-policy"]
    assert calls == ["/gradio_api/component_server"]


def test_a_control_character_in_the_path_is_refused(guarded):
    client, calls = guarded  # `$` in Starlette's route patterns matches before a trailing newline
    assert client.get("/logout%0A", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post("/gradio_api/upload%0A", content=b"{}", headers={"Content-Type": "application/json"}
                       ).status_code == 403
    assert calls == []


def test_uploads_and_cross_site_logouts_are_refused(guarded):
    client, calls = guarded
    assert client.post("/gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)}).status_code == 403
    assert client.get("/logout", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get("/logout", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert calls == ["/logout"]


def test_a_websocket_from_another_origin_is_closed():
    async def echo(ws):
        await ws.accept()
        await ws.send_text("open")
        await ws.close()

    from starlette.routing import WebSocketRoute
    from starlette.testclient import WebSocketDenialResponse
    from starlette.websockets import WebSocketDisconnect

    app = Starlette(routes=[WebSocketRoute("/ws", echo)], middleware=make_guard("127.0.0.1").middleware())
    client = TestClient(app, base_url="http://127.0.0.1:7860")
    with client.websocket_connect("ws://127.0.0.1:7860/ws", headers={"Origin": "http://127.0.0.1:7860"}) as ws:
        assert ws.receive_text() == "open"
    with pytest.raises((WebSocketDisconnect, WebSocketDenialResponse)), client.websocket_connect("ws://127.0.0.1:7860/ws", headers={"Origin": "http://evil.example"}) as ws:
        ws.receive_text()


# --------------------------------------------------------------------------- a served app, attacked from Chromium
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def attacker_site(html: str) -> Iterator[int]:
    """A page on another origin (another port; `localhost` makes it another site too)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def tls_terminator(backend_port: int, tmp: Path) -> Iterator[int]:
    """HTTPS on a free loopback port, forwarding the bytes to `backend_port` (a reverse proxy's TLS, nothing more)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    loop = asyncio.new_event_loop()

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def handle(reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", backend_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    port = _free_port()
    started = threading.Event()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, ssl=context)
        started.set()
        async with server:
            await server.serve_forever()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert started.wait(30), "the TLS terminator did not start"
    try:
        yield port
    finally:
        for task in asyncio.all_tasks(loop):
            loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout=10)


def grid_component(url: str, context: ssl.SSLContext | None = None) -> int:
    config = json.loads(urllib.request.urlopen(url + "config", timeout=30, context=context).read())
    return next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "grid-host")


ATTACK = """<!doctype html><html><body><form id="f" method="POST" enctype="text/plain" target="sink"
action="{target}gradio_api/component_server"><input name='{{"x":"' value='"}}'></form><iframe name="sink"></iframe>
<script>
window.attack = async () => {{
  const results = [];
  const body = (name, args) => JSON.stringify({{data: [name, args], component_id: {component}, session_hash: "x",
                                                  fn_name: "operation"}});
  for (const [mode, type] of [["no-cors", "text/plain"], ["cors", "application/json"]]) {{
    const unit = {{article_id: "{article}", unit: "{seg}", language: "en", author: "evil"}};
    for (const req of [["save_unit", {{...unit, text: "ATTACKER TEXT", base_revision_id: {base}, reviewed: true}}],
                       ["approve", {{article_id: "{article}", language: "en", author: "evil", override: "override by attacker"}}],
                       ["add_comment", {{...unit, text: "ATTACKER COMMENT"}}]]) {{
      try {{
        const r = await fetch("{target}gradio_api/component_server", {{method: "POST", mode, credentials: "include",
          headers: {{"Content-Type": type}}, body: body(...req)}});
        results.push(mode + ":" + r.status);
      }} catch (e) {{ results.push(mode + ":blocked"); }}
    }}
  }}
  try {{  // a read: Gradio's CORS layer alone would hand a same-site page the session token
    const r = await fetch("{target}gradio_api/token", {{credentials: "include"}});
    results.push("token:" + r.status);
  }} catch (e) {{ results.push("token:blocked"); }}
  document.getElementById("f").submit();
  await new Promise(r => setTimeout(r, 1000));
  return results;
}};
</script></body></html>"""


def state(client: Any) -> tuple[str, str, int]:
    view = client.predict(ARTICLE, api_name="/get_article")["article"]
    seg = next(s for s in view["segments"] if s["kind"] == "body")
    comments = len(view.get("comments") or [])
    return view["status"]["en"], json.dumps(seg["targets"]["en"]), comments


def attack_from(browser, target: str, attacker_host: str, component: int, client: Any,
                login: tuple[str, str] | None = None, ignore_https: bool = False) -> list[str]:
    """Open the app in a browser context (logging in when asked), then the attacker's page, which fires the writes."""
    view = client.predict(ARTICLE, api_name="/get_article")["article"]
    seg = next(s for s in view["segments"] if s["kind"] == "body")
    html = ATTACK.format(target=target, component=component, article=ARTICLE, seg=seg["id"],
                         base=seg["targets"]["en"]["revision_id"])
    context = browser.new_context(ignore_https_errors=ignore_https)
    try:
        page = context.new_page()
        page.goto(target)
        if login:
            page.fill("input[type=text]", login[0])
            page.fill("input[type=password]", login[1])
            page.keyboard.press("Enter")
            page.wait_for_selector("#article-header", timeout=60_000)
        with attacker_site(html) as port:
            page.goto(f"http://{attacker_host}:{port}/")
            return page.evaluate("window.attack()")
    finally:
        context.close()


APPROVE = {"article_id": ARTICLE, "language": "en", "author": "program", "override": "checked by a program"}


def post_as_program(url: str, component: int, args: dict[str, Any], name: str, content_type: str,
                    headers: dict[str, str] | None = None, context: ssl.SSLContext | None = None) -> tuple[int, Any]:
    body = json.dumps({"data": [name, args], "component_id": component, "session_hash": "x", "fn_name": "operation"})
    request = urllib.request.Request(url + "gradio_api/component_server", data=body.encode(), method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture
def chromium_browser(browser):
    """The session's Chromium (tests/conftest.py)."""
    return browser


@pytest.fixture
def attacked_home(translated_template, home):
    shutil.copytree(translated_template, home)
    return home


@pytest.mark.slow
@pytest.mark.browser
def test_a_page_on_another_origin_changes_nothing_without_auth(attacked_home, tiny_dir, chromium_browser):
    from gradio_client import Client

    with serve(attacked_home, tiny_dir) as url:
        client = Client(url, verbose=False)
        component = grid_component(url)
        before = state(client)
        for host in ("localhost", "127.0.0.1"):  # another site; the same site on another port
            results = attack_from(chromium_browser, url, host, component, client)
            assert all(r.endswith((":403", ":blocked", ":0")) for r in results), results
            assert state(client) == before
        # the same body from a program is a working write: the refusals above are the checks, not a broken payload
        status, answer = post_as_program(url, component, APPROVE, "approve",
                                         "text/plain")
        assert status == 403 and "JSON" in answer
        status, answer = post_as_program(url, component, APPROVE, "approve",
                                         "application/json")
        assert status == 200 and answer["ok"] is True, answer
        assert state(client)[0] == "approved"


@pytest.mark.slow
@pytest.mark.browser
def test_a_page_on_another_origin_changes_nothing_for_a_logged_in_reviewer(attacked_home, tiny_dir, chromium_browser,
                                                                             tmp_path):
    from gradio_client import Client

    with serve(attacked_home, tiny_dir, "--auth", "mona:s3cret-pass") as url:
        client = Client(url, auth=("mona", "s3cret-pass"), verbose=False)
        component = grid_component_logged_in(url)
        before = state(client)
        for host in ("localhost", "127.0.0.1"):
            results = attack_from(chromium_browser, url, host, component, client, login=("mona", "s3cret-pass"))
            assert all(r.endswith((":403", ":blocked", ":0")) for r in results), results
            assert state(client) == before

        # behind HTTPS (a local TLS terminator): Gradio's Secure cookie is set, and made SameSite=Lax
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with tls_terminator(port, tmp_path) as tls_port:
            secure_url = f"https://localhost:{tls_port}/"
            unverified = ssl.create_default_context()
            unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
            cookie = login_cookie(secure_url, unverified)
            assert "samesite=lax" in cookie.lower() and "secure" in cookie.lower() and "samesite=none" not in cookie.lower()
            for host in ("127.0.0.1", "localhost"):
                results = attack_from(chromium_browser, secure_url, host, component, client,
                                      login=("mona", "s3cret-pass"), ignore_https=True)
                assert all(r.endswith((":403", ":blocked", ":0")) for r in results), results
                assert state(client) == before


def grid_component_logged_in(url: str) -> int:
    token = login_cookie(url, None).split(";", 1)[0]
    request = urllib.request.Request(url + "config", headers={"Cookie": token})
    config = json.loads(urllib.request.urlopen(request, timeout=30).read())
    return next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "grid-host")


def login_cookie(url: str, context: ssl.SSLContext | None) -> str:
    """The Set-Cookie of a same-origin login (the unsecure cookie on HTTP, the Secure one on HTTPS)."""
    origin = url.rstrip("/")
    request = urllib.request.Request(url + "login", data=b"username=mona&password=s3cret-pass", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin})
    with urllib.request.urlopen(request, timeout=30, context=context) as response:
        cookies = response.headers.get_all("set-cookie") or []
    secure = [c for c in cookies if "secure" in c.lower()]
    return (secure if url.startswith("https") else [c for c in cookies if c not in secure] or cookies)[0]
