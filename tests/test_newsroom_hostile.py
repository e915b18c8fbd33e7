"""The newsroom against hostile feeds and servers (issue 27): every address form that maps to a private or
loopback address is refused, every fetch ends by its deadline, a bad feed or item is one problem line while every
other feed is still polled, and every item of a feed is taken eventually.

The servers are threads on 127.0.0.1, stopped after each test. The fuzz test does not allow private addresses:
it makes exactly the text `127.0.0.1` count as public (`pretend_loopback_is_public`), so every other form of
loopback a hostile feed redirects to still meets the real guard.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from workbench.newsroom.fetch import FetchFailed, FetchRefused, Policy, fetch, is_public


# --------------------------------------------------------------------------- the address guard
@pytest.mark.parametrize("address", [
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1", "::10.1.2.3", "::192.168.1.1",  # IPv4-compatible
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe",  # NAT64 of loopback, private, link-local
    "64:ff9b:1::808:808", "64:ff9b:1::7f00:1",  # local-use NAT64: never public
    "2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1",  # 6to4 of loopback and private
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose (obfuscated) client is 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo of a public client: Teredo is refused as a whole
    "::", "::1", "fe80::1", "fc00::1", "ff02::1", "100::1",
])
def test_every_form_of_a_private_address_is_refused(address: str) -> None:
    assert is_public(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
                                     "2002:808:808::1", "2606:4700::1111"])
def test_public_addresses_in_any_form_are_public(address: str) -> None:
    assert is_public(address) is True


def test_the_guard_checks_the_address_connected_to_before_connecting() -> None:
    """Through fetch: a listening loopback server is never reached through an IPv6 form of its address."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        for host in ("[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "127.0.0.1",
                     "localhost", "2130706433", "0177.0.0.1"):
            with pytest.raises(FetchRefused, match="private, loopback"):
                fetch(f"http://{host}:{port}/feed.xml", Policy("test", timeout=2))
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing connected
    finally:
        listener.close()


# --------------------------------------------------------------------------- deadlines
class Dripper:
    """A server on 127.0.0.1 that answers every request with one header byte every `every` seconds, forever."""

    def __init__(self, every: float = 0.5):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.every = every
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000:
                    if self.stopped.wait(self.every):
                        return
                    conn.send(bytes([byte]))
            except OSError:
                return

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def dripper() -> Iterator[Dripper]:
    served = Dripper()
    yield served
    served.close()


def test_a_server_that_drips_its_headers_cannot_hold_a_fetch_past_its_deadline(dripper: Dripper) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="timed out"):
        fetch(dripper.base + "/feed.xml", Policy("test", timeout=2, allow_private=True))
    assert time.monotonic() - started < 10  # 2 s and some slack (it held the fetch for ever before)


def test_a_gzip_bomb_is_unpacked_no_further_than_the_limit() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, 9)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        with pytest.raises(FetchRefused, match="unpacks to over 1,000,000 bytes"):
            fetch(f"http://127.0.0.1:{server.getsockname()[1]}/", Policy("t", max_bytes=1_000_000, allow_private=True))
    finally:
        thread.join(10)
        server.close()

