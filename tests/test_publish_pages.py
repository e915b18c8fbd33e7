"""Published pages (issue 27): an article whose id is the index page's name is not overwritten by the index
(item 8), and pages of tiny random-weight output say that they are meaningless (item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markupsafe import escape

from workbench.app.cli import cli
from workbench.newsroom.publish import MEANINGLESS_NOTE, Block, PageText, page_name

ARTICLE = "عنوان الخبر\n\nقال الوزير إن المحادثات ستستمر {} في العاصمة.\n"


@pytest.fixture
def site(wb, tmp_path: Path) -> dict[str, Path]:
    """Articles `index`, `_index` and `Index2` (tiny English, approved), published as Markdown and HTML."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, word in (("index", "غدا"), ("_index", "اليوم"), ("Index2", "أمس")):
        (folder / f"{name}.txt").write_text(ARTICLE.format(word), encoding="utf-8")
    report = wb.translate([str(folder)], ["en"])
    assert report.ok and sorted(report.article_ids) == ["Index2", "_index", "index"]
    for article_id in report.article_ids:
        wb.approve(article_id, "en", "ann", override="tiny models")
    out = {}
    for fmt in ("markdown", "html"):
        out[fmt] = tmp_path / "site" / fmt
        result = CliRunner().invoke(cli, ["--home", str(wb.home), "publish", "--format", fmt, "--lang", "en",
                                          "--out", str(out[fmt])])
        assert result.exit_code == 0, result.output
    return out


def _body(wb, article_id: str) -> str:
    return next(unit.text for row, unit in wb.article(article_id).units("en") if row.kind == "body" and unit)


def test_an_article_named_like_the_index_keeps_its_page(wb, site: dict[str, Path]) -> None:
    html_dir, md_dir = site["html"] / "en", site["markdown"] / "en"
    assert sorted(p.name for p in html_dir.glob("*.html")) == ["Index2.html", "_index.html", "index-.html", "index.html"]
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="index-.html"' in index and 'href="_index.html"' in index  # the index page is the index
    assert str(escape(_body(wb, "index"))) in (html_dir / "index-.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in md_dir.glob("*.md")) == ["Index2.md", "_index-.md", "_index.md", "index-.md"]
    front = yaml.safe_load((md_dir / "_index.md").read_text(encoding="utf-8").split("---\n")[1])
    assert front == {"title": "Arabic news in English", "lang": "en"}
    for name, article_id in (("_index-.md", "_index"), ("index-.md", "index")):
        page = (md_dir / name).read_text(encoding="utf-8")
        assert yaml.safe_load(page.split("---\n")[1])["article_id"] == article_id
    assert "](_index-/)" in (md_dir / "_index.md").read_text(encoding="utf-8")


def test_page_names_of_other_ids_are_unchanged() -> None:
    assert page_name("003_70140ed69b948bf5", "html") == "003_70140ed69b948bf5"
    assert page_name("index2", "markdown") == "index2" and page_name("_index", "html") == "_index"
    assert page_name("INDEX", "html") == "INDEX-"  # one file with index.html on a case-insensitive disk


def test_tiny_pages_say_they_are_meaningless(site: dict[str, Path]) -> None:
    html = (site["html"] / "en" / "Index2.html").read_text(encoding="utf-8")
    assert MEANINGLESS_NOTE in html
    md = (site["markdown"] / "en" / "Index2.md").read_text(encoding="utf-8")
    assert yaml.safe_load(md.split("---\n")[1])["meaningless"] is True and "meaningless" in md.split("---\n", 2)[2]
    for feed in ("rss.xml", "atom.xml"):
        assert "this text is meaningless" in (site["html"] / "en" / feed).read_text(encoding="utf-8")


def test_a_real_page_keeps_its_hash_and_has_no_mark() -> None:
    """The mark adds nothing to a real page's stored text, so its hash and publication dates stay as they were."""
    text = PageText("a", "en", "Title", None, None, None, None, None, None, (Block("paragraph", "Text."),))
    assert "meaningless" not in text.to_json() and PageText.from_json(text.to_json()) == text
    marked = PageText(**{**text.__dict__, "meaningless": True})
    assert '"meaningless": true' in marked.to_json() and PageText.from_json(marked.to_json()) == marked
