"""Issue 21, item 3: failed logins are limited per client address and per existing user, so a stranger guessing
under made-up names never keeps a real user out; the server answers only requests whose Host it serves (no DNS
rebinding), and X-Forwarded-For is believed only from a configured proxy."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from workbench.settings import Home

from .conftest import subprocess_env

STRANGER, ALICE_PC, OFFICE = "203.0.113.9", "198.51.100.7", "192.0.2.44"
USERS = [("alice", "s3cret"), ("bob", "hunter22")]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def login():
    from workbench.app.auth import RateLimitedLogin

    clock = Clock()
    checker = RateLimitedLogin(USERS, clock=clock)
    checker.clock_ = clock  # type: ignore[attr-defined]
    return checker


# --------------------------------------------------------------------------- the limits, with a fake clock
def test_a_stranger_under_made_up_names_never_locks_out_a_real_user(login):
    """The found step: one wrong password per second under a new made-up name kept alice out in 18 of 26 tries."""
    clock, refused = login.clock_, []
    for second in range(1800):  # half an hour of it
        clock.now += 1
        assert not login(f"user{second}", "wrong", address=STRANGER)
        if second % 7 == 0:
            refused += [second] if not login("alice", "s3cret", address=ALICE_PC) else []
    assert refused == []
    assert not login("alice", "s3cret", address=STRANGER)  # the stranger's own address waits, though


def test_guessing_alice_from_elsewhere_never_keeps_alice_out(login):
    clock = login.clock_
    spoofed = (f"10.{i // 250}.{i % 250}.1" for i in itertools.count())  # a new address for every guess
    for second in range(600):
        clock.now += 0.5
        assert not login("alice", f"guess{second}", address=STRANGER)
        assert not login("alice", f"other{second}", address=next(spoofed))
        if second % 5 == 0:
            assert login("alice", "s3cret", address=ALICE_PC)


def test_one_address_is_limited_whatever_names_it_tries(login):
    from workbench.app.auth import ADDRESS_FAILURES, LOCKOUT

    clock = login.clock_
    for i in range(ADDRESS_FAILURES):
        clock.now += 1
        assert not login(f"nobody{i}", "x", address=STRANGER)
    assert not login("alice", "s3cret", address=STRANGER)  # this address waits, right password or not
    assert not login("bob", "hunter22", address=STRANGER)
    assert login("alice", "s3cret", address=OFFICE)  # nobody else does
    clock.now += LOCKOUT + 1
    assert login("alice", "s3cret", address=STRANGER)


def test_guessing_one_user_from_one_address_slows_that_address_only(login):
    from workbench.app.auth import MAX_DELAY, USER_FAILURES

    clock = login.clock_
    assert login("alice", "s3cret", address=ALICE_PC)  # her own computer, from now on
    for i in range(USER_FAILURES):
        clock.now += 20
        assert not login("alice", f"guess{i}", address=OFFICE)
    assert not login("alice", "s3cret", address=OFFICE)  # this address waits 1 s after its last failure
    assert login("alice", "s3cret", address=STRANGER)  # an address alice never used, but which never failed, does not
    assert login("bob", "hunter22", address=OFFICE)  # nobody else waits
    assert login("alice", "s3cret", address=ALICE_PC)  # nor alice where she logged in before
    clock.now += 1
    assert login("alice", "s3cret", address=OFFICE)  # ...and not after its wait
    user, there = login._users["alice"], "10.0.0.9"
    for i in range(USER_FAILURES + 6):  # each further failure there doubles that address's wait, up to MAX_DELAY
        clock.now += 301  # (apart enough that the address lock, 10 attempts in 5 min, stays out of the way)
        assert not login("alice", f"more{i}", address=there)
        over = i + 1 - USER_FAILURES
        if over >= 0:
            wait = min(2.0 ** over, MAX_DELAY)
            assert user.held(there, clock.now + wait - 0.5) and not user.held(there, clock.now + wait), (i, wait)
    clock.now += MAX_DELAY - 1
    assert not login("alice", "s3cret", address=there)
    clock.now += 1
    assert login("alice", "s3cret", address=there)


def test_an_attacker_on_one_address_never_keeps_alice_out_of_another_even_after_a_restart(login):
    """The review's repro: a fresh limiter (as after a restart), an attacker at one try a second from one address,
    alice at an address she never used trying every 5 minutes for 4 hours: she got in 0 times of 44."""
    clock, refused = login.clock_, 0
    for second in range(4 * 3600):
        clock.now += 1
        assert not login("alice", f"guess{second}", address=STRANGER)
        if second % 300 == 299:
            refused += not login("alice", "s3cret", address=f"198.51.100.{second // 300 % 200}")
            login._users["alice"].known.clear()  # each of her tries is from an address never used before
    assert refused == 0


def test_addresses_a_user_logged_in_from_are_kept_in_the_store_across_restarts(home, caplog):
    from workbench.app.auth import RateLimitedLogin
    from workbench.store import Store

    store = Store(home / "workbench.db")
    first = RateLimitedLogin.remembering(USERS, store)
    assert first("alice", "s3cret", address=OFFICE)
    again = RateLimitedLogin.remembering(USERS, Store(home / "workbench.db"))  # a restart
    for i in range(60):  # a stranger behind the newsroom's address, past the hourly cap
        assert not again(f"user{i}", "wrong", address=OFFICE)
    assert again("alice", "s3cret", address=OFFICE)  # the office is still known for alice
    assert not again("bob", "hunter22", address=OFFICE)  # bob never logged in there: the address waits for him


@pytest.mark.slow  # 240,000 logins (two hours of 100 addresses): ~45 s of CPU; the other login tests stay fast
def test_a_botnet_with_an_address_per_guess_is_capped_per_user(login, monkeypatch, caplog):
    """The found step: a fresh address for every guess was never limited per user (116 guesses a minute)."""
    from workbench.app import auth

    clock, checked = login.clock_, []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: checked.append(1) or real(a, b))
    assert login("alice", "s3cret", address=ALICE_PC)
    per_minute, refused, newcomer = [], 0, 0
    for minute in range(120):  # two hours of 100 addresses guessing, each every 3 seconds
        start = len(checked)
        for tick in range(20):
            clock.now += 3
            for bot in range(100):
                assert not login("alice", f"guess{minute}-{tick}-{bot}", address=f"10.7.{bot}.{minute % 200}")
            if tick % 5 == 0:
                refused += not login("alice", "s3cret", address=ALICE_PC)
        per_minute.append(len(checked) - start)
    guesses = sum(per_minute) - 120 * 4  # alice's own logins are checked too
    print(f"guesses checked: {guesses} in two hours; at most {max(per_minute)} in a minute")
    assert refused == 0  # alice, from where she logs in, never waited
    assert max(per_minute[1:]) <= 60 / auth.CAP_INTERVAL + 4 + 1  # 116 a minute before (4: alice's own logins)
    assert per_minute[0] <= auth.HOURLY_CAP + 60 / auth.CAP_INTERVAL + 4 + 1
    assert guesses <= auth.HOURLY_CAP + 2 * 3600 / auth.CAP_INTERVAL
    alerts = [r for r in caplog.records if "failed attempts within the hour" in r.getMessage()]
    assert 1 <= len(alerts) <= 3 and all(r.levelname == "WARNING" for r in alerts)  # once per time it is reached
    for _ in range(int(auth.CAP_INTERVAL)):  # at the cap, alice at a new address waits for a free try, no longer
        clock.now += 1
        newcomer += login("alice", "s3cret", address="203.0.113.7")
    assert newcomer >= 1 and login._users["alice"].at_cap(clock.now)


def test_a_stranger_behind_the_users_own_address_never_keeps_her_out(login):
    """The found step: a stranger behind the newsroom's NAT locked alice out (2 successes in 26 tries)."""
    clock, refused = login.clock_, []
    assert login("alice", "s3cret", address=OFFICE)  # alice works from the newsroom
    for second in range(1800):
        clock.now += 1
        assert not login(f"user{second}", "wrong", address=OFFICE)  # the stranger, behind the same NAT
        if second % 90 == 0:
            assert not login("alice", f"guess{second}", address=OFFICE)  # ...now and then at alice's password
        if second % 7 == 0 and not login("alice", "s3cret", address=OFFICE):
            refused.append(second)
    assert refused == []
    assert not login("bob", "hunter22", address=OFFICE)  # bob never logged in there: the address waits for him
    assert login("bob", "hunter22", address=ALICE_PC)


def test_the_hourly_cap_is_one_warning_and_slows_even_a_known_address(login, caplog):
    from workbench.app.auth import CAP_INTERVAL, HOUR, HOURLY_CAP

    clock = login.clock_
    assert login("alice", "s3cret", address=OFFICE)
    for i in range(HOURLY_CAP - 1):  # guesses from alice's own address are not held, up to the cap
        clock.now += 1
        assert not login("alice", f"guess{i}", address=OFFICE)
    alerts = [r for r in caplog.records if "within the hour" in r.getMessage()]
    assert not alerts
    assert login("alice", "s3cret", address=OFFICE)
    assert not login("alice", "last guess", address=OFFICE)
    alerts = [r for r in caplog.records if "within the hour" in r.getMessage()]
    assert alerts[0].levelname == "WARNING"
    assert len(alerts) == 1 and f"user 'alice' had {HOURLY_CAP} failed attempts within the hour" in alerts[0].getMessage()
    assert not login("alice", "s3cret", address=OFFICE)  # at the cap: one try every CAP_INTERVAL after a failure there
    assert login("alice", "s3cret", address=ALICE_PC)  # an unknown address: its shared try is free
    assert not login("bob", "x", address="192.0.2.1") and not login("alice", "x", address="192.0.2.2")
    assert not login("alice", "s3cret", address="192.0.2.3")  # ...and the next one waits its turn
    clock.now += CAP_INTERVAL
    assert login("alice", "s3cret", address=OFFICE)
    for i in range(20):
        clock.now += CAP_INTERVAL
        assert not login("alice", f"slow{i}", address=OFFICE)
    assert len([r for r in caplog.records if "within the hour" in r.getMessage()]) == 1  # one line, not one per try
    clock.now += HOUR + 1
    assert login("alice", "s3cret", address="192.0.2.3")


def test_failed_logins_are_forgotten_so_memory_stays_bounded(login):
    from workbench.app.auth import HOUR, LOCKOUT, PRUNE_EVERY, WINDOW

    clock = login.clock_
    for i in range(3000):
        login("alice" if i % 2 else f"made-up{i}", "x", address=f"10.1.{i // 250}.{i % 250}")
    assert len(login._addresses) >= 1500 and set(login._users) == {"alice", "bob"}  # one entry per real user
    assert len(login._users["alice"].failures.failures) < 100  # the held ones were not counted
    clock.now += WINDOW + LOCKOUT + PRUNE_EVERY
    assert login("alice", "s3cret", address=OFFICE)
    assert len(login._addresses) == 0
    clock.now += HOUR + PRUNE_EVERY
    login("bob", "x", address=OFFICE)
    assert not login._users["alice"].failures.failures and not login._users["alice"].strangers.failures


def test_the_checker_reads_the_address_the_middleware_recorded(login):
    from workbench.app.auth import ADDRESS_FAILURES
    from workbench.app.guard import CLIENT_ADDRESS

    token = CLIENT_ADDRESS.set(STRANGER)
    try:
        for i in range(ADDRESS_FAILURES):
            login(f"nobody{i}", "x")
        assert not login("alice", "s3cret")
    finally:
        CLIENT_ADDRESS.reset(token)
    assert login("alice", "s3cret", address=ALICE_PC)


# --------------------------------------------------------------------------- which hosts, which proxies
def test_the_served_hosts_and_proxies():
    from workbench.app.guard import make_guard
    from workbench.errors import WorkbenchError

    guard = make_guard("127.0.0.1", ["WB.example.org", "*.corp.example", "10.0.0.5", "fe80::1"], ["10.0.0.0/8", "::1"])
    assert guard.hosts == ("127.0.0.1", "localhost", "[::1]", "wb.example.org", "*.corp.example", "10.0.0.5", "[fe80::1]")
    assert guard.proxies == ("10.0.0.0/8", "::1")
    assert "[::1]" in make_guard("::1").hosts and "192.0.2.8" in make_guard("192.0.2.8").hosts
    assert socket.gethostname().lower() in make_guard("0.0.0.0").hosts
    for bad in ("http://wb.example.org", "wb.example.org:443", "wb.example.org/ui", "a b", "*wb.example.org", ""):
        with pytest.raises(WorkbenchError, match="not a host name"):
            make_guard("127.0.0.1", [bad])
    with pytest.raises(WorkbenchError, match="not an IP address"):
        make_guard("127.0.0.1", [], ["proxy.example"])


def test_allowed_hosts_and_proxies_come_from_the_environment_and_config(home, monkeypatch):
    from workbench.errors import WorkbenchError
    from workbench.settings import allowed_hosts, trusted_proxies

    assert allowed_hosts(Home(home)) == [] and trusted_proxies(Home(home)) == []
    home.mkdir()
    (home / "config.toml").write_text('allowed_hosts = "wb.example.org, wb"\ntrusted_proxies = "10.0.0.1"\n')
    monkeypatch.setenv("WORKBENCH_ALLOWED_HOSTS", "review.example.net")
    monkeypatch.setenv("WORKBENCH_TRUSTED_PROXIES", "127.0.0.1")
    assert allowed_hosts(Home(home)) == ["review.example.net", "wb.example.org", "wb"]
    assert trusted_proxies(Home(home)) == ["127.0.0.1", "10.0.0.1"]
    (home / "config.toml").write_text('allowed_hosts = ["wb.example.org"]\n')
    with pytest.raises(WorkbenchError, match="allowed_hosts must be a string"):
        allowed_hosts(Home(home))


def test_the_host_check_and_the_client_address_as_asgi_middleware():
    """Fast tier: the guard's middleware on a bare Starlette app (the served app is tested below)."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from workbench.app.guard import CLIENT_ADDRESS, make_guard

    async def who(request):
        return PlainTextResponse(CLIENT_ADDRESS.get())

    app = Starlette(routes=[Route("/", who)], middleware=make_guard("127.0.0.1", ["wb.example.org"]).middleware())
    client = TestClient(app, base_url="http://127.0.0.1:7860", client=(OFFICE, 5000))
    assert client.get("/").text == OFFICE
    assert client.get("/", headers={"Host": "wb.example.org"}).status_code == 200
    bad = client.get("/", headers={"Host": "attacker.example:7860"})
    assert (bad.status_code, bad.text) == (400, "Invalid host header")
    lan = TestClient(Starlette(routes=[Route("/", who)], middleware=make_guard("0.0.0.0").middleware()),
                     base_url="http://192.0.2.8:7860")  # a wildcard bind reached at its LAN address
    assert lan.get("/").status_code == 200 and lan.get("/", headers={"Host": "192.0.2.8"}).status_code == 200
    assert lan.get("/", headers={"Host": "192.0.2.99:7860"}).status_code == 400  # not this connection's address
    assert lan.get("/", headers={"Host": "rebound.attacker.example:7860"}).status_code == 400


def test_serve_takes_allowed_hosts_and_trusted_proxies(home, monkeypatch):
    from click.testing import CliRunner

    from workbench.app import ui
    from workbench.app.cli import cli

    seen = {}
    monkeypatch.setattr(ui, "launch", lambda wb, **kw: seen.update(kw))
    monkeypatch.setenv("WORKBENCH_ALLOWED_HOSTS", "review.example.net")
    args = ["--home", str(home), "serve", "--profile", "tiny", "--allowed-host", "wb.example.org",
            "--allowed-host", "wb", "--trusted-proxy", "10.0.0.1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert seen["guard"].hosts[3:] == ("wb.example.org", "wb", "review.example.net")
    assert seen["guard"].proxies == ("10.0.0.1",)
    assert "answering Host: 127.0.0.1, localhost, [::1], wb.example.org" in result.output
    result = CliRunner().invoke(cli, ["--home", str(home), "serve", "--allowed-host", "https://wb.example.org"])
    assert result.exit_code == 1 and "not a host name" in result.stderr and "Traceback" not in result.output


# --------------------------------------------------------------------------- served apps on 127.0.0.1
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(wb, **kw) -> Iterator[int]:
    from workbench.app.ui import launch

    port = free_port()
    app = launch(wb, port=port, block=False, **kw)
    try:
        yield port
    finally:
        app.close()


def ask(port: int, method: str, path: str, host: str, body: str | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = {"Host": host, **({"Content-Type": "application/json"} if body else {}), **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def post_login(port: int, user: str, password: str, forwarded: str | None = None) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    body = urllib.parse.urlencode({"username": user, "password": password})
    return ask(port, "POST", "/login", f"127.0.0.1:{port}", body, headers)[0]


@pytest.mark.slow
def test_a_served_app_answers_only_its_own_host_names(wb):
    from gradio_client import Client

    from workbench.app.guard import make_guard

    with served(wb, guard=make_guard("127.0.0.1", ["wb.example.org"])) as port:
        routes = [("GET", "/", None), ("GET", "/gradio_api/info", None),
                  ("POST", "/gradio_api/call/list_articles", '{"data": ["", "all"]}'),
                  ("GET", "/gradio_api/queue/data?session_hash=abc", None)]  # the SSE stream
        for method, path, body in routes:
            for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.attacker.example"):
                assert ask(port, method, path, host, body) == (400, "Invalid host header"), (path, host)
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "wb.example.org"):
            status, text = ask(port, "POST", "/gradio_api/call/list_articles", host, '{"data": ["", "all"]}')
            assert status == 200 and "event_id" in text, (host, text)
            assert ask(port, "GET", "/", host)[0] == 200
        assert Client(f"http://127.0.0.1:{port}/", verbose=False).predict("", "all", api_name="/list_articles")["ok"]


@pytest.mark.slow
def test_real_logins_are_limited_per_forwarded_address_only_from_a_trusted_proxy(wb):
    from gradio_client import Client

    from workbench.app.auth import ADDRESS_FAILURES
    from workbench.app.guard import make_guard

    with served(wb, auth=USERS) as port:  # no trusted proxy: X-Forwarded-For is the client's to make up
        for i in range(ADDRESS_FAILURES):
            assert post_login(port, f"nobody{i}", "x", forwarded=f"10.9.0.{i}") == 400
        assert post_login(port, "alice", "s3cret", forwarded=ALICE_PC) == 400  # 127.0.0.1 waits: no way out
    with served(wb, auth=USERS, guard=make_guard("127.0.0.1", [], ["127.0.0.1"])) as port:  # behind a proxy
        for i in range(3 * ADDRESS_FAILURES):
            assert post_login(port, f"made-up{i}", "wrong", forwarded=STRANGER) == 400
        assert post_login(port, "alice", "s3cret", forwarded=ALICE_PC) == 200
        assert post_login(port, "alice", "s3cret", forwarded=STRANGER) == 400
        assert post_login(port, "alice", "s3cret") == 200  # no header: the proxy's own address, clean
        client = Client(f"http://127.0.0.1:{port}/", auth=("bob", "hunter22"), verbose=False)
        assert client.predict("", "all", api_name="/list_articles")["ok"]


@pytest.mark.slow
def test_serve_with_auth_and_an_allowed_host(home, tiny_dir):
    port = free_port()
    cmd = [sys.executable, "-m", "workbench", "serve", "--profile", "tiny", "--port", str(port),
           "--auth", "alice:s3cret", "--allowed-host", "wb.example.org"]
    proc = subprocess.Popen(cmd, env=subprocess_env(home, tiny_dir, GRADIO_ANALYTICS_ENABLED="False"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 90
        while True:
            assert proc.poll() is None and time.time() < deadline, "server did not start"
            with contextlib.suppress(OSError):
                if ask(port, "GET", "/", f"127.0.0.1:{port}")[0] == 200:
                    break
            time.sleep(0.05)
        assert ask(port, "GET", "/", "wb.example.org")[0] == 200
        assert ask(port, "GET", "/", "attacker.example") == (400, "Invalid host header")
        assert post_login(port, "alice", "s3cret") == 200
        for i in range(30):
            assert post_login(port, f"stranger{i}", "wrong") == 400
        assert post_login(port, "stranger0", "wrong") == 400
        assert post_login(port, "alice", "s3cret") == 200  # 30 failures from here, but alice logged in from here
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "answering Host: 127.0.0.1, localhost, [::1], wb.example.org" in (proc.stdout.read() if proc.stdout else "")

