"""Bad input is reported per file and the batch goes on; odd but valid input is handled."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.store import Store
from workbench.store.importer import import_paths

from .conftest import SEEDS

ARABIC = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")


def run(home, *args):
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def test_bad_files_are_reported_and_the_rest_imports(tmp_path, home):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_empty.txt").write_text("")
    (folder / "b_blank.txt").write_text(" \n\u00a0\n\t\n")
    (folder / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "d_good.txt").write_text(ARABIC, encoding="utf-8")
    (folder / "e_lines.jsonl").write_text(
        json.dumps({"id": "j1", "text": ARABIC, "title": "عنوان", "url": "https://example.org/1"}) + "\n"
        + "{not json\n" + json.dumps({"title": "no text"}) + "\n" + json.dumps({"text": "نص قصير."}) + "\n",
        encoding="utf-8")
    result = run(home, "import", str(folder))
    assert result.exit_code == 1
    err = result.stderr
    assert "a_empty.txt: empty file" in err
    assert "b_blank.txt: empty file" in err
    assert "c_binary.txt: binary file" in err
    assert "e_lines.jsonl:2: not JSON" in err
    assert "e_lines.jsonl:3: lacks a non-empty `text` field" in err
    assert "Traceback" not in result.output
    listed = json.loads(run(home, "list", "--json").stdout)
    ids = {r["id"] for r in listed}
    assert {"d_good", "j1"} <= ids and len(ids) == 3
    j1 = next(r for r in listed if r["id"] == "j1")
    assert j1["title"] == "عنوان"


def test_windows_1256_is_detected_and_decoded(tmp_path):
    path = tmp_path / "cp.txt"
    path.write_bytes(ARABIC.encode("cp1256"))
    store = Store()
    report = import_paths(store, [path])
    assert report.ok
    item = report.imported[0]
    assert any("Windows-1256" in w for w in item.warnings)
    assert store.article("cp")["cleaned_text"].startswith("قال وزير الخارجية الروسي")


def test_utf16_with_bom_is_decoded(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(ARABIC.encode("utf-16"))  # writes a BOM
    store = Store()
    assert import_paths(store, [path]).ok
    assert store.article("u16")["cleaned_text"].startswith("قال وزير")


def test_text_without_arabic_is_imported_with_a_warning(tmp_path, home):
    path = tmp_path / "english.txt"
    path.write_text("This article is in English. It has two sentences.")
    result = run(home, "import", str(path))
    assert result.exit_code == 0
    assert "no Arabic text found" in result.stderr
    assert len(json.loads(run(home, "show", "english", "--json").stdout)["segments"]) == 2


@pytest.mark.slow
def test_ten_megabyte_file_imports(tmp_path):
    path = tmp_path / "big.txt"
    body = "\n".join(ARABIC.splitlines()[:12])
    path.write_text((body + "\n") * (10_000_000 // len(body.encode("utf-8")) + 1), encoding="utf-8")
    assert path.stat().st_size >= 10_000_000
    store = Store(tmp_path / "big.sqlite")
    started = time.perf_counter()
    report = import_paths(store, [path])
    elapsed = time.perf_counter() - started
    assert report.ok and report.imported[0].segments > 10_000
    assert elapsed < 120  # generous: a sanity bound, not a benchmark


def test_big_jsonl_streams_line_by_line(tmp_path):
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(300):
            fh.write(json.dumps({"id": f"a{i}", "text": f"خبر رقم {i}. انتهى الخبر."}, ensure_ascii=False) + "\n")
    store = Store()
    report = import_paths(store, [path])
    assert report.ok and len(report.imported) == 300


def test_folder_import_is_recursive_sorted_and_skips_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("خبر أول.", encoding="utf-8")
    (tmp_path / "a.md").write_text("خبر ثان.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("مخفي.", encoding="utf-8")
    report = import_paths(Store(), [tmp_path])
    assert [i.article_id for i in report.imported] == ["a", "z"]


def test_missing_path_is_an_error_line(home):
    result = run(home, "import", "does/not/exist.txt")
    assert result.exit_code == 1 and "no such file or folder" in result.stderr


def test_markdown_headline_becomes_the_title(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# لافروف يستقبل نظيره الكازاخستاني\n\nقال الوزير إن المحادثات كانت مثمرة.\n", encoding="utf-8")
    store = Store()
    import_paths(store, [path])
    assert store.article("note")["title"] == "لافروف يستقبل نظيره الكازاخستاني"


def test_parquet_articles_import_like_jsonl_lines(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from workbench.text.reading import iter_articles

    path = tmp_path / "archive.parquet"
    pq.write_table(pa.table({"id": ["a1", "a2", "a1"], "title": ["عنوان", None, "x"],
                             "text": ["قال لافروف إن التعاون مستمر.", "", "نص مكرر."]}), path)
    items = list(iter_articles([tmp_path]))
    assert [getattr(i, "article_id", None) for i in items] == ["a1", None, None]
    assert items[0].fields == {"title": "عنوان"} and items[0].path == f"{path}:1"
    assert "non-empty `text`" in items[1].reason and "duplicate id 'a1'" in items[2].reason


def test_parquet_and_jsonl_shards_are_read_back_whole(tmp_path):
    pytest.importorskip("pyarrow")
    from workbench.scale.shards import ShardWriter, done_ids, read_records

    records = [{"id": f"n{i}", "title": "t", "date": None, "source": None, "translations": {"en": f"text {i}"},
                "summaries": {"en": None}} for i in range(5)]
    for fmt in ("parquet", "jsonl"):
        writer = ShardWriter(tmp_path / fmt, fmt, size=2)
        for record in records:
            writer.add(record)
        writer.close()
        assert len(writer.written) == 3 and not list((tmp_path / fmt).glob(".*"))  # no partial files left
        assert done_ids(tmp_path / fmt) == {f"n{i}" for i in range(5)}
        assert sorted(read_records(tmp_path / fmt), key=lambda r: r["id"]) == records
