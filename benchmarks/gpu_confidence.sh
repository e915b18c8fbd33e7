#!/usr/bin/env bash
# What per-output confidence costs on a GPU: `workbench bench` (transformers, greedy and beam 4, 32k-token
# batches) with confidence on (the default) and off, the summarizer with its decoding scores, and a tiny-profile
# translate on CUDA whose outputs must all carry a confidence. Results land in $OUT (default ./gpu-results).
# Try it on a CPU first: DEVICE=cpu SENTENCES=16 bash benchmarks/gpu_confidence.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu-results}; mkdir -p "$OUT"
DEVICE=${DEVICE:-cuda}; SENTENCES=${SENTENCES:-4096}; PY=${PY:-python3}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 PYTHONPATH=$PWD
H=$(mktemp -d); T=$(mktemp -d)
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
b() { $PY -m workbench --home "$H" bench --device "$DEVICE" --engine transformers --sentences "$SENTENCES" --baseline-sentences 2 --json "$@"; }
b --beams 1,4 --no-summarizer --batch-tokens 32768 > "$OUT/conf-on.json" 2> "$OUT/conf.err"; echo "confidence on rc=$?"
b --beams 1,4 --no-summarizer --batch-tokens 32768 --no-confidence > "$OUT/conf-off.json" 2>> "$OUT/conf.err"; echo "confidence off rc=$?"
$PY -m workbench --home "$H" bench --device "$DEVICE" --engine transformers --beams 1 --sentences 16 --baseline-sentences 2 \
  --prompt-tokens 1500 --decode-tokens 64 --json > "$OUT/conf-summary.json" 2>> "$OUT/conf.err"; echo "summarizer rc=$?"
$PY -m workbench --home "$T" translate seeds/ --to en,ru --summarize --profile tiny --device "$DEVICE" --engine transformers \
  --quiet --json > "$OUT/conf-translate.json" 2>> "$OUT/conf.err"; echo "translate rc=$?"
$PY - "$OUT" "$T" <<'PY'
import json, sqlite3, sys, pathlib
out, home = pathlib.Path(sys.argv[1]), sys.argv[2]
for name in ("conf-on.json", "conf-off.json"):
    try:
        r = json.loads((out / name).read_text())
        print(name, {b: v["engines"]["transformers"].get("tok_per_s") for b, v in r["by_beam"].items()})
    except Exception as exc:
        print(name, "unreadable:", exc)
try:
    print("summarizer", json.loads((out / "conf-summary.json").read_text()).get("summarizer"))
except Exception as exc:
    print("summarizer unreadable:", exc)
rows = [json.loads(p) for (p,) in sqlite3.connect(f"{home}/workbench.sqlite").execute("SELECT provenance FROM machine_outputs")]
print("outputs", len(rows), "with confidence", sum(1 for r in rows if r.get("confidence")), "devices", sorted({r.get("device") for r in rows}))
PY
tail -3 "$OUT/conf.err"
