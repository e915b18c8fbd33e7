"""Newsroom work survives kills (issue 27): `watch` and `publish` killed with SIGKILL at random points, over
several rounds, then run once more to the end. Every arrival is pre-translated exactly once (its waiting mark is
kept in the store with the import), and every published page's `published` webhook is delivered at least once
(the event is kept in the store's outbox with the publication record), counted by a receiver on 127.0.0.1 by
`X-Workbench-Delivery`.

The delays are drawn from a seeded generator (printed, so a failing round can be replayed) as fractions of a full
run's measured time; each round brings new work (new feed items, changed approved text), so the kills land in
every phase: starting, polling, importing, translating, writing pages, recording, sending.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from workbench.store import MachineOutputRecord, Store
from workbench.text.articles import build_article

from .conftest import subprocess_env
from .test_newsroom import SEED_FILES, Receiver, Route, Site, rss, seed_page, title_of, write_config

ROUNDS = 5
SEED = 27


def _rows(home: Path, sql: str) -> list[sqlite3.Row]:
    with closing(sqlite3.connect(home / "workbench.sqlite", timeout=30)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def _run(cmd: list[str], env: dict[str, str], kill_after: float | None) -> tuple[float, bool]:
    """Run a workbench command; SIGKILL it after `kill_after` seconds (None: to its end). (seconds, killed)."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "workbench", *cmd], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    if kill_after is None:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
        return time.monotonic() - started, False
    try:
        proc.wait(kill_after)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        killed = True
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    assert killed or proc.returncode == 0, err[-2000:]
    return time.monotonic() - started, killed


@pytest.mark.slow
def test_watch_killed_at_random_points_translates_every_arrival_exactly_once(home: Path, tiny_dir: Path) -> None:
    rng = random.Random(SEED)
    print(f"random seed {SEED}")
    site = Site()
    items: list[tuple[str, str, str]] = []

    def arrive(count: int) -> None:  # new items in the feed, each a page made from a seed
        for _ in range(count):
            n = len(items)
            seed = SEED_FILES[n % len(SEED_FILES)]
            path = f"/news/{n}.html"
            site.routes[path] = Route(seed_page(seed, f"{title_of(seed)} {n}").encode())
            items.append((f"item-{n}", path, f"{title_of(seed)} {n}"))

    site.routes["/rss.xml"] = Route(lambda: rss(site.base, items), headers={"Content-Type": "application/rss+xml"})
    write_config(home)
    env = subprocess_env(home, tiny_dir)
    subprocess.run([sys.executable, "-c", "from workbench.choice.locate import locate; from workbench.settings import Home; locate('tiny:marian-ar-en', 'x', home=Home.resolve())"],
                   env=env, check=True)  # the tiny model is built before any kill
    subprocess.run([sys.executable, "-m", "workbench", "feeds", "add", f"{site.base}/rss.xml", "--name", "desk"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    watch = ["watch", "--once", "--to", "en", "--profile", "tiny"]
    try:
        arrive(2)
        full, _ = _run(watch, env, None)  # a whole run, to scale the kills by
        kills = 0
        for _ in range(ROUNDS):
            arrive(2)
            took, killed = _run(watch, env, rng.uniform(0.1, 0.6) * full)
            print(f"{'killed' if killed else 'ended'} after {took:.2f} s (a full run {full:.2f} s)")
            kills += killed
        _run(watch, env, None)  # after the kills: what arrived and waits is translated now
        assert kills >= 2, f"only {kills} of {ROUNDS} kills landed before the run ended"
    finally:
        site.close()
    articles = [r["id"] for r in _rows(home, "SELECT id FROM articles")]
    assert len(articles) == len(items)  # every item arrived, once
    counts = _rows(home, "SELECT s.article_id, s.id, (SELECT COUNT(*) FROM machine_outputs m WHERE m.segment_id = s.id"
                         " AND m.lang = 'en') AS n FROM segments s WHERE s.active = 1 AND s.kind != 'meta'")
    assert {r["article_id"] for r in counts} == set(articles)
    assert [(r["article_id"], r["id"], r["n"]) for r in counts if r["n"] != 1] == []  # each unit translated once
    assert _rows(home, "SELECT * FROM awaiting_translation") == []


def _make_articles(store: Store, count: int) -> list[str]:
    ids = []
    for n in range(count):
        article, segments = build_article(SEED_FILES[n % len(SEED_FILES)].read_text(encoding="utf-8"), f"k{n:03d}")
        store.upsert_article(article, segments)
        ids.append(article.id)
    return ids


def _approve_version(store: Store, article_id: str, version: int) -> None:
    """Approved English text of the article, each unit saying its version ("v3 …")."""
    records = [MachineOutputRecord(article_id, seg["id"], "segment", "en", seg["source_text"],
                                   f"v{version} {article_id} unit {seg['position']}", [], {"model": "test"})
               for seg in store.segments(article_id) if seg["kind"] != "meta"]
    store.add_machine_outputs(records)
    store.set_status(article_id, "en", "approved", "chief")


@pytest.mark.slow
def test_publish_killed_at_random_points_notifies_every_published_page(home: Path, tmp_path: Path,
                                                                        tiny_dir: Path) -> None:
    rng = random.Random(SEED)
    print(f"random seed {SEED}")
    receiver = Receiver()
    write_config(home, f"{receiver.base}/hook", timeout_seconds=1)
    env = subprocess_env(home, tiny_dir)
    latest: dict[str, int] = {}
    with Store(home / "workbench.sqlite") as store:
        articles = _make_articles(store, 80)
        for article_id in articles:
            _approve_version(store, article_id, 0)
            latest[article_id] = 0
    publish = ["publish", "--format", "html", "--lang", "en", "--out", str(tmp_path / "site")]
    try:
        full, _ = _run(publish, env, None)
        kills = 0
        for version in range(1, ROUNDS + 1):
            with Store(home / "workbench.sqlite") as store:  # new approved text for a quarter of the pages
                for article_id in rng.sample(articles, 20):
                    _approve_version(store, article_id, version)
                    latest[article_id] = version
            took, killed = _run(publish, env, rng.uniform(0.1, 0.7) * full)
            print(f"round {version}: {'killed' if killed else 'ended'} after {took:.2f} s (a full run {full:.2f} s)")
            kills += killed
        result = subprocess.run([sys.executable, "-m", "workbench", "publish", *publish[1:], "--json"], env=env,
                                capture_output=True, timeout=300)
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
        again = subprocess.run([sys.executable, "-m", "workbench", "publish", *publish[1:], "--json"], env=env,
                               capture_output=True, timeout=300)
        assert kills >= 2, f"only {kills} of {ROUNDS} kills landed before the run ended"
    finally:
        receiver.close()
    assert json.loads(again.stdout)["changed_pages"] == []  # the rerun recorded every page it wrote
    events: list[dict[str, Any]] = [e for e in receiver.events() if e["event"] == "published"]
    notified = {(e["article_id"], e["title"].split()[0]) for e in events}
    missing = sorted(a for a, v in latest.items() if (a, f"v{v}") not in notified)
    assert missing == []  # every page, as last published, was announced at least once
    for article_id, version in latest.items():  # and the pages say what was last approved
        page = (tmp_path / "site" / "en" / f"{article_id}.html").read_text(encoding="utf-8")
        assert f"v{version} {article_id} unit" in page
    assert _rows(home, "SELECT * FROM outbox WHERE state != 'delivered'") == []
