"""`workbench bench --pipeline` (`bench/pipeline.py`): its generated articles and its switches (the speed
itself is measured by the benchmark, not here)."""

from __future__ import annotations


def test_the_pipeline_articles_repeat_no_sentence(tmp_path):
    from workbench.bench.pipeline import generate_articles
    from workbench.text.articles import build_article

    paths = generate_articles(7, tmp_path)  # five sample articles: the first two come twice
    articles = [{s.source_text for s in build_article(p.read_text(encoding="utf-8"), p.stem)[1] if s.kind != "meta"}
                for p in paths]
    assert len(paths) == 7 and sum(len(a) for a in articles) > 50
    for i, one in enumerate(articles):
        for other in articles[i + 1:]:
            assert not one & other  # no article repeats another's sentence: nothing comes from the cache


def test_bench_has_the_pipeline_switches():
    from click.testing import CliRunner

    from workbench.cli import cli

    out = CliRunner().invoke(cli, ["bench", "--help"]).output
    for option in ("--pipeline", "--articles", "--today", "--compute", "--summary-batch", "--batch-new-tokens"):
        assert option in out
