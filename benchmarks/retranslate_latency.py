"""How long the review UI's "re-translate segment" takes with the `fast` profile's architecture on this machine.

    python benchmarks/retranslate_latency.py [--engine auto] [--segments 8]

Builds opus-mt-ar-en's architecture with random weights (see `workbench bench`), imports the seeds and calls
the UI's handler for one segment at a time, with the model already loaded (as in a running server) and each
segment new to the cache. A random model writes until the length cap (2 × input + 10 tokens of a tiny
300-piece vocabulary, so about 4 × what a real model writes): an upper bound. `--output-tokens 48` fixes every
output at 48 tokens instead, about what the real model writes for a seed sentence. Prints the median and the
slowest.
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
from workbench.app import operations as review_api
from workbench.bench.models import marian_ar_en
from workbench.settings import Home

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--segments", type=int, default=8)
    parser.add_argument("--output-tokens", type=int, default=0, help="fix every output at this length (0: the cap)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = marian_ar_en(Home.resolve().tiny / "bench-opus-mt-ar-en-v2")
        with Workbench(Path(tmp) / "data", profile="fast", models={"en": str(folder)}, engine=args.engine) as wb:
            ids = wb.import_paths([ROOT / "seeds"]).article_ids
            segments = [(a, s["id"], len(s["source_text"])) for a in ids for s in wb.article(a)["segments"]
                        if s["kind"] == "body"][: args.segments + 1]
            warm = segments.pop(0)
            if args.output_tokens:
                wb.models.translator("en").inner.fixed_length = args.output_tokens  # type: ignore[attr-defined]
            assert review_api.retranslate_unit(wb, warm[0], warm[1], "en")["ok"]  # loads the model, as a server has
            times = []
            for article_id, segment_id, _ in segments:
                started = time.perf_counter()
                result = review_api.retranslate_unit(wb, article_id, segment_id, "en")
                times.append(time.perf_counter() - started)
                assert result["ok"], result
            engine = wb.models.engines_used()["en"]["used"]
    chars = statistics.median(c for _, _, c in segments)
    length = f"{args.output_tokens}-token outputs" if args.output_tokens else "outputs to the length cap"
    print(f"re-translate one segment ({engine}, beam 2, {length}, median {chars:.0f} Arabic characters): "
          f"median {statistics.median(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms over {len(times)} segments")


if __name__ == "__main__":
    main()
