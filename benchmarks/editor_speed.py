"""The review editor's speed in Chromium against `workbench serve` (tiny profile), at ~20 and ~200 segments.

    python benchmarks/editor_speed.py [--saves 15] [--opens 5] [--keep DIR]

Makes a data home in a temporary folder: the seeds plus one long Arabic article built from the seeds' sentences
(~200 segments), imported and translated with the tiny profile; starts `workbench serve` on a free port and
drives Debian's Chromium (/usr/bin/chromium) through Playwright. Measured in the page (performance.now):

- Ctrl+Enter → next editor focused: from the key event to the next segment's editor having the focus, and to the
  next frame painted after it (target ≤ 150 ms median at both sizes; the save is still on its way then);
- save confirmed on its row: from the key event to the row saying "Saved as revision N" (target ≤ 300 ms);
- opening an article: clicking it in the article list → its rows on screen (Gradio's event, the header, the
  grid's review_view and rendering), and the grid alone re-loading it (target ≤ 1 s at 200 segments).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHORT = "001_4df2e2abeb755126"  # 22 segments
LONG_TITLE = "مقال طويل لقياس سرعة المحرر"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

# In the page: time each Ctrl+Enter from its key event to the next editor's focus (and the frame after it), and
# to the save's answer being shown on its row (the grid's report callback, which updates the row at once).
PROBE = """() => {
  const g = window.workbenchGrid, marks = window.wbMarks = [];
  let cur = null;
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.ctrlKey) { cur = { t0: performance.now(), from: document.activeElement.closest('tr').dataset.seg }; marks.push(cur); }
  }, true);
  document.addEventListener('focusin', (e) => {
    if (cur && e.target.id === 'wb-editor' && e.target.closest('tr').dataset.seg !== cur.from && !cur.focus) {
      const m = cur; m.focus = performance.now(); requestAnimationFrame(() => requestAnimationFrame(() => { m.paint = performance.now(); }));
    }
  });
  const report = g.onCore.bind(g);
  g.onCore = (ev) => { report(ev); const m = marks.find((x) => x.from === ev.job.unit && !x.saved);
    if (m && ev.phase === 'done') m.saved = performance.now(); };
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def long_article(folder: Path, segments: int = 225) -> Path:
    """An Arabic article of `segments` sentences (about 200 segments: a few join), two per paragraph, from the
    seeds' sentences."""
    sentences = [s.strip() for f in sorted(SEEDS.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()
                 for s in re.split(r"(?<=[.!؟?])\s+", line) if len(s.strip()) > 20]
    picked = [sentences[i % len(sentences)] for i in range(segments)]
    paragraphs = [" ".join(picked[i:i + 2]) for i in range(0, len(picked), 2)]
    path = folder / "long_article.txt"
    path.write_text(LONG_TITLE + "\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def environment(home: Path, work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "WORKBENCH_HOME": str(home), "WORKBENCH_TINY_DIR": str(work / "tiny"),
                "WORKBENCH_CT2_DIR": str(work / "ct2"), "HF_HOME": str(work / "hf"), "WORKBENCH_THREADS": "1",
                "OMP_NUM_THREADS": "1", "GRADIO_ANALYTICS_ENABLED": "False"})
    return env


def prepare(work: Path) -> tuple[Path, str, int, int]:
    """A translated data home: the seeds and the long article (ids and segment counts returned)."""
    home = work / "data"
    env = environment(home, work)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("HF_", "WORKBENCH_", "OMP_"))})
    from workbench import Workbench
    from workbench.app.operations import OPERATIONS

    with Workbench(home, profile="tiny") as wb:
        wb.import_paths([str(SEEDS), str(long_article(work))])
        report = wb.translate(None, ["en", "ru"], summarize=False, all_articles=True)
        assert report.ok and report.translated, report.failures  # every article, the long one included
        articles = OPERATIONS["list_articles"](wb, "", "all")["articles"]
        long_id = next(a["id"] for a in articles if a["title"] == LONG_TITLE)

        def count(article_id: str) -> int:
            view = OPERATIONS["get_article"](wb, article_id)["article"]
            return sum(1 for s in view["segments"] if s["kind"] != "meta")

        return home, long_id, count(SHORT), count(long_id)


def serve(home: Path, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--profile", "tiny", "--port", str(port)],
                            env=environment(home, work), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def saves(page: Any, article: str, url: str, count: int) -> dict[str, list[float]]:
    """`count` save-and-next cycles (type a word, read, Ctrl+Enter), measured in the page."""
    page.goto(f"{url}?article={article}")
    page.wait_for_selector("#review-grid tbody tr[data-seg]:not(.wb-summary) td.wb-cell", timeout=120_000)
    page.evaluate(PROBE)
    page.locator("#review-grid tbody tr[data-seg]:not(.wb-summary) td.wb-cell[data-lang=en]").first.click()
    page.wait_for_selector("#wb-editor")
    for i in range(count):
        page.keyboard.type(f" {i}")
        page.wait_for_timeout(400)  # reading time (a save key sooner than 300 ms after opening is a bounce)
        page.keyboard.press("Control+Enter")
        page.wait_for_function("() => { const m = wbMarks[wbMarks.length - 1]; return m && m.paint && m.saved; }",
                               timeout=30_000)
    marks = page.evaluate("wbMarks")
    return {name: [m[name] - m["t0"] for m in marks] for name in ("focus", "paint", "saved")}


def opens(page: Any, article: str, url: str, count: int) -> dict[str, list[float]]:
    """Opening `article`: by a click in the article list (after another one was open), and the grid re-loading."""
    out: dict[str, list[float]] = {"list click": [], "grid load": []}
    for _ in range(count):
        page.goto(f"{url}?article={SHORT}")
        page.wait_for_selector("#review-grid tbody tr[data-seg] td.wb-cell", timeout=120_000)
        cell = page.locator('#articles [role=gridcell][data-col="0"]', has_text=LONG_TITLE[:12]).first
        start = time.perf_counter()
        cell.click()
        page.wait_for_function("a => workbenchGrid.article === a && document.querySelectorAll('#review-grid tbody tr[data-seg]').length > 100",
                               arg=article, timeout=60_000, polling="raf")
        out["list click"].append((time.perf_counter() - start) * 1000)
        out["grid load"].append(page.evaluate("async (a) => { const t = performance.now(); await workbenchGrid.load(a); return performance.now() - t; }", article))
    return out


def line(name: str, values: list[float], target: float | None = None) -> str:
    values = sorted(values)
    p90 = values[int(0.9 * (len(values) - 1))]
    verdict = "" if target is None else ("  ok" if statistics.median(values) <= target else f"  over the {target:.0f} ms target")
    return f"  {name:34} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f}   max {values[-1]:7.1f}   (n={len(values)}){verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=15, help="save-and-next cycles per article")
    parser.add_argument("--opens", type=int, default=5, help="times the long article is opened")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="editor-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    try:
        home, long_id, short_n, long_n = prepare(work)
        proc, url = serve(home, work)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                for article, n in ((SHORT, short_n), (long_id, long_n)):
                    m = saves(page, article, url, args.saves)
                    print(f"{n} segments ({article}):")
                    print(line("Ctrl+Enter → next editor focused", m["focus"], 150))
                    print(line("Ctrl+Enter → next editor painted", m["paint"], 150))
                    print(line("Ctrl+Enter → saved on its row", m["saved"], 300))
                o = opens(page, long_id, url, args.opens)
                print(f"opening the {long_n}-segment article:")
                print(line("click in the list → rows on screen", o["list click"], 1000))
                print(line("grid load (review_view + render)", o["grid load"], 1000))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
