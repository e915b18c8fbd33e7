"""Server time to open an article in the review UI (the `open_article` handler path), seeds translated.

    python benchmarks/open_article.py [--runs 50]

Prints per-article median and p95 in milliseconds, and the ratio to a baseline in the same process:
reading the same rows with one plain SQL query each (the floor for any store-backed view).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's workbench, whichever Python runs it
from workbench import Workbench
from workbench.app import operations as r
from workbench.app.ui.header import header_markdown

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Workbench(Path(tmp) / "data", profile="tiny") as wb:
        wb.translate([str(SEEDS)], ["en", "ru"], summarize=True)
        print(f"{'article':24} {'segments':>8} {'median ms':>10} {'p95 ms':>8} {'baseline ms':>12} {'ratio':>6}")
        for article_id in wb.store.article_ids():
            def open_article(article_id: str = article_id) -> None:
                r.review_view(wb, article_id=article_id, author="reviewer")  # what the review editor loads
                header_markdown(wb.article(article_id))  # and the header above it (an ArticleView)

            def baseline(article_id: str = article_id) -> None:
                for table in ("segments", "machine_outputs", "revisions"):
                    wb.store.query(f"SELECT * FROM {table} WHERE article_id = ?", (article_id,))

            times = sorted(timed(open_article, args.runs))
            base = statistics.median(timed(baseline, args.runs))
            med = statistics.median(times)
            p95 = times[int(0.95 * (len(times) - 1))]
            n = len(wb.store.segments(article_id))
            print(f"{article_id:24} {n:8} {med:10.2f} {p95:8.2f} {base:12.2f} {med / base:6.1f}")


if __name__ == "__main__":
    main()
