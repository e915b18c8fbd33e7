"""Hostile files at import (issue 21, items 7, 11 and 12): each is reported, contained, and the rest imports."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.errors import DuplicateArticleId, InputTooDeep, InputTooLarge, SkippedEntry
from workbench.store import Store
from workbench.store.importer import import_paths
from workbench.text.reading import MAX_FILE_BYTES, MAX_JSON_DEPTH, iter_articles

from .conftest import ROOT, SEEDS

ARABIC = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
SHORT = "قال وزير الخارجية إن المحادثات كانت مثمرة.\nوأضاف أن التعاون سيستمر في العام المقبل.\n"


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def reasons(report) -> dict[str, str]:
    return {p.path: p.reason for p in report.problems}


# --------------------------------------------------------------------------- 1. depth
def test_a_jsonl_line_nested_100000_deep_is_reported_and_the_rest_imports(home, tmp_path):
    deep = '{"id": "deep", "text": "نص", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([json.dumps({"id": "a", "text": ARABIC}), deep,
                               json.dumps({"id": "b", "text": SHORT})]) + "\n", encoding="utf-8")
    result = run(home, "import", str(feed))
    assert result.exit_code == 1 and "internal error" not in result.output
    assert f"{feed}:2: nested too deep" in result.stderr
    assert "new       a " in result.output and "new       b " in result.output


def test_depth_limit_for_what_a_records_fields_hold(tmp_path):
    nest = lambda n: "[" * n + "]" * n  # noqa: E731
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([
        json.dumps({"id": "fine", "text": SHORT, "tags": json.loads(nest(MAX_JSON_DEPTH - 1))}),
        '{"id": "deep", "text": "نص", "meta": {"a": ' + nest(MAX_JSON_DEPTH) + "}}",
        json.dumps({"id": "odd", "text": SHORT + " آخر", "title": {"ar": "عنوان"}, "author": "سامي"}),
        '{"id": "brackets", "text": "' + "[" * 500 + ' نص عربي"}',  # brackets inside a string are text
    ]) + "\n", encoding="utf-8")
    items = list(iter_articles([feed]))
    assert isinstance(items[1], InputTooDeep) and items[1].path == f"{feed}:2"
    assert [getattr(i, "article_id", None) for i in items] == ["fine", None, "odd", "brackets"]
    assert items[2].fields == {"author": "سامي"} and "field `title` is not plain text; ignored" in items[2].warnings


# --------------------------------------------------------------------------- 2. duplicate ids in one run
def test_the_same_id_twice_in_one_import_is_reported_naming_both(home, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"
    first.write_text(SHORT, encoding="utf-8")
    second.write_text(ARABIC, encoding="utf-8")
    feed = tmp_path / "c.jsonl"
    feed.write_text(json.dumps({"id": "x", "text": ARABIC + " ثالث"}) + "\n", encoding="utf-8")
    result = run(home, "import", str(tmp_path / "a"), str(tmp_path / "b"), str(feed))
    assert result.exit_code == 1 and "updated" not in result.output
    assert f"{second}: duplicate id 'x' in this import: already read from {first}" in result.stderr
    assert f"{feed}:1: duplicate id 'x'" in result.stderr
    from workbench.settings import Home

    store = Store(Home(home).database)
    assert store.article("x")["original_text"] == SHORT and store.article("x")["path"] == str(first)
    store.close()
    assert isinstance(list(iter_articles([first, second]))[1], DuplicateArticleId)
    first.write_text(SHORT + "وتابع قائلا إن الاجتماع القادم سيعقد في موسكو.\n", encoding="utf-8")
    again = run(home, "import", str(first))  # a later run of the same file is an update, not a duplicate
    assert again.exit_code == 0 and again.output.startswith("updated   x ")


def test_a_file_named_twice_or_reached_through_an_inside_link_is_read_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SHORT, encoding="utf-8")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "again").symlink_to(folder)  # a link back to the folder: read once, no loop
    report = import_paths(Store(), [folder, folder / "a.txt"])
    assert report.article_ids == ["a"] and report.ok


# --------------------------------------------------------------------------- 3. links and special files
def test_links_leaving_the_folder_and_special_files_are_skipped_and_named(home, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("كلمة السر: 1234\n", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(SHORT, encoding="utf-8")
    (folder / "shadow.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside)
    (folder / "sub" / "inside.txt").symlink_to(folder / "good.txt")
    (folder / "sub" / "real.md").write_text(ARABIC, encoding="utf-8")
    (folder / "linked").symlink_to(folder / "sub")  # a folder link that stays inside is followed
    os.mkfifo(folder / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "feed.sock"))
    try:
        result = run(home, "import", str(folder))
    finally:
        sock.close()
    assert result.exit_code == 1
    err = result.stderr
    assert f"{folder / 'shadow.txt'}: a symbolic link to '{outside / 'secret.txt'}', outside {folder}; skipped" in err
    assert f"{folder / 'elsewhere'}: a symbolic link to '{outside}', outside" in err
    assert f"{folder / 'pipe.txt'}: a named pipe (FIFO), not a regular file; skipped" in err
    assert f"{folder / 'feed.sock'}: a socket, not a regular file; skipped" in err
    assert "1234" not in result.output and "secret" not in result.stdout
    assert sorted(line.split()[1] for line in result.stdout.splitlines()) == ["good", "real"]


def test_an_unreadable_file_or_folder_inside_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.txt").write_text(SHORT, encoding="utf-8")
    (folder / "locked.txt").write_text(SHORT, encoding="utf-8")
    real_listdir, real_open = os.listdir, Path.open

    def listdir(path):  # root reads every file whatever its mode, so refusals are simulated
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)

    def open_(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(Path, "open", open_)
    report = import_paths(Store(), [folder])
    assert report.article_ids == ["ok"]
    assert reasons(report) == {str(folder / "locked"): "folder not read (Permission denied); skipped",
                               str(folder / "locked.txt"): "cannot read (Permission denied)"}
    assert isinstance(report.problems[0], SkippedEntry)


# --------------------------------------------------------------------------- 4. size limits
def test_a_200_mb_text_file_is_refused_without_being_read(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no disk used; the old import read it whole
    # VmHWM: this program's own peak (ru_maxrss would keep the parent pytest's peak across fork and exec)
    code = ("import re, sys; from pathlib import Path; from workbench.store import Store;"
            " from workbench.store.importer import import_paths;"
            "peak = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)) // 1024;"
            " before = peak();"
            "r = import_paths(Store(), [sys.argv[1]]); print(r.problems[0].reason); print(peak() - before)")
    out = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "WORKBENCH_THREADS": "1"}, timeout=60).stdout.splitlines()
    assert out[0].startswith("file of 200.0 MB is over the 20 MB limit for one article; not read")
    assert int(out[1]) < 40, f"peak RSS grew by {out[1]} MB"  # reading it would add 200 MB
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_the_limit_is_an_argument_and_a_long_jsonl_line_is_skipped_alone(tmp_path):
    (tmp_path / "small.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "large.md").write_text(ARABIC, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                              [("j1", SHORT), ("j2", ARABIC * 3), ("j3", SHORT + " ثالث")]) + "\n", encoding="utf-8")
    limit = len(ARABIC.encode("utf-8")) - 1
    report = import_paths(Store(), [tmp_path], max_file_bytes=limit)
    assert report.article_ids == ["j1", "j3", "small"]
    problems = reasons(report)
    assert f"over the {limit:,} bytes limit" in problems[str(tmp_path / "large.md")]
    assert problems[f"{feed}:2"].startswith("line of ") and isinstance(report.problems[0], InputTooLarge)


# --------------------------------------------------------------------------- 5. nothing to import
def test_an_empty_folder_or_one_without_articles_exits_non_zero(home, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (pictures / ".hidden.txt").write_text(SHORT, encoding="utf-8")
    result = run(home, "import", str(empty), str(pictures))
    assert result.exit_code == 1
    assert f"{empty}: no .txt/.md/.html/.jsonl/.parquet files in {empty}" in result.stderr
    assert f"{pictures}: no .txt/.md/.html/.jsonl/.parquet files in {pictures}" in result.stderr


# --------------------------------------------------------------------------- 6. ids from names and records
def test_an_id_that_had_to_change_gets_a_warning_on_the_article(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "../../x", "text": SHORT}) + "\n"
                    + json.dumps({"id": {"path": "/etc"}, "text": ARABIC}) + "\n", encoding="utf-8")
    (tmp_path / "my note.txt").write_text(ARABIC, encoding="utf-8")
    store = Store()
    report = import_paths(store, [tmp_path])
    assert report.article_ids == ["x", "my-note"]
    assert store.article("x")["warnings"] == ["record id '../../x' is not a valid article id (letters, digits, _ . - only); "
                                              "stored as 'x'"]
    assert "file name 'my note' is not a valid article id" in store.article("my-note")["warnings"][0]
    assert reasons(report) == {f"{feed}:2": "field `id` must be text or a number"}


# --------------------------------------------------------------------------- 7. front matter (item 12)
FRONT = ("---\ntitle: لافروف يستقبل نظيره\ndate: 2024-03-01\nsource: تاس\nauthor: سامي علي\n"
         "url: https://example.org/a\n---\n")


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_front_matter_is_metadata_never_a_title_or_segments(tmp_path, suffix):
    path = tmp_path / f"note{suffix}"
    path.write_text(FRONT + "# عنوان المقال\n\n" + SHORT, encoding="utf-8")
    store = Store()
    assert import_paths(store, [path]).ok
    article = store.article("note")
    assert (article["title"], article["date"], article["source"], article["url"]) == (
        "لافروف يستقبل نظيره", "2024-03-01", "تاس", "https://example.org/a")
    texts = [s["source_text"] for s in store.segments("note")]
    assert not any("---" in t or "title:" in t or "2024" in t for t in texts), texts
    raw = next(i for i in iter_articles([path]))
    assert raw.fields["author"] == "سامي علي" and raw.warnings == []


@pytest.mark.parametrize(("front", "warning"), [
    ("---\ntitle: [unclosed\n---\n", "front matter not read (not valid YAML"),
    ("---\njust a line of text\n---\n", "front matter not read (not a list of `key: value` lines)"),
    ("---\ntitle: عنوان\n", "no closing '---' line"),
])
def test_malformed_front_matter_stays_text_with_a_warning(tmp_path, front, warning):
    path = tmp_path / "bad.md"
    path.write_text(front + SHORT, encoding="utf-8")
    store = Store()
    assert import_paths(store, [path]).ok
    article = store.article("bad")
    assert any(w.startswith(warning) or warning in w for w in article["warnings"]), article["warnings"]
    assert article["title"] != "---" and "---" not in article["cleaned_text"]


def test_front_matter_values_that_are_not_plain_are_ignored(tmp_path):
    path = tmp_path / "n.md"
    path.write_text("---\ntitle:\n  nested: {a: [1, 2]}\nauthor: [سامي, ليلى]\ndate: ١ مارس ٢٠٢٤\n---\n" + SHORT,
                    encoding="utf-8")
    raw = next(i for i in iter_articles([path]))
    assert raw.fields == {"author": "سامي, ليلى", "date": "2024-03-01"}
    assert raw.warnings == ["front matter `title` is not plain text; ignored"]


# --------------------------------------------------------------------------- 8. one segment count
def test_import_counts_the_segments_status_counts(wb):
    report = wb.import_paths([next(SEEDS.glob("000_*.txt"))])
    article_id = report.article_ids[0]
    translatable = [s for s in wb.store.segments(article_id) if s["kind"] != "meta"]
    assert len(translatable) < len(wb.store.segments(article_id))  # the seed has date/source lines
    status = next(r for r in wb.status() if r["id"] == article_id)
    assert report.imported[0].segments == len(translatable) == status["languages"]["en"]["total"]
