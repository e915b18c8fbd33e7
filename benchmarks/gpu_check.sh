#!/usr/bin/env bash
# One run on a GPU machine: `workbench bench --device cuda` (greedy and beam 4, token-budget batches of two
# sizes, cuDNN attention off and on) and a tiny-profile `translate` on CUDA with engine "auto".
# Results land in $OUT (default ./gpu-results). Wheels missing there can be carried in .whl/.
# Try it on a CPU first: DEVICE=cpu SENTENCES=8 bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu-results}; mkdir -p "$OUT"
DEVICE=${DEVICE:-cuda}; SENTENCES=${SENTENCES:-4096}; BASE=${BASE:-16}; PY=${PY:-python3}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 PYTHONPATH=$PWD
if ! $PY -c "import ctranslate2" 2>/dev/null && ls .whl/*.whl >/dev/null 2>&1; then
  rm -rf /tmp/site && $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH=$PWD:/tmp/site
fi
H=$(mktemp -d)
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>/dev/null
$PY - <<'PY' 2>&1 | tail -3
import ctranslate2
print("ctranslate2", ctranslate2.__version__, "cuda devices:", ctranslate2.get_cuda_device_count())
try:
    print("cuda compute types:", ctranslate2.get_supported_compute_types("cuda"))
except Exception as exc:
    print("cuda compute types: error", type(exc).__name__, exc)
PY
bench() { $PY -m workbench --home "$H" bench --device "$DEVICE" --sentences "$SENTENCES" --baseline-sentences "$BASE" --json "$@"; }
bench --beams 1,4 --prompt-tokens 1500 --decode-tokens 64 > "$OUT/bench.json" 2> "$OUT/bench.err"; echo "bench rc=$?"
bench --beams 1,4 --no-summarizer --batch-tokens 32768 > "$OUT/bench-32k.json" 2>> "$OUT/bench.err"; echo "bench 32k rc=$?"
WORKBENCH_CUDNN_ATTENTION=1 bench --beams 1 --no-summarizer --sentences 1024 --baseline-sentences 4 > "$OUT/bench-cudnn.json" 2>> "$OUT/bench.err"; echo "bench cudnn rc=$?"
T=$(mktemp -d)
start=$(date +%s)
$PY -m workbench --home "$T" translate seeds/ --to en,ru --summarize --profile tiny --device "$DEVICE" --quiet --json > "$OUT/translate.json" 2> "$OUT/translate.err"
echo "translate rc=$? wall seconds=$(( $(date +%s) - start ))"
$PY - "$OUT" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
for name in ("bench.json", "bench-32k.json", "bench-cudnn.json"):
    try:
        r = json.loads((out / name).read_text())
    except Exception as exc:
        print(name, "unreadable:", exc); continue
    print(f"== {name}: default {r['default_engine']}, {r['machine'].get('gpu')}")
    for beams, run in r["by_beam"].items():
        cells = ", ".join(f"{k} {v.get('tok_per_s', v.get('skipped', '?'))}" for k, v in run["engines"].items())
        print(f"  beam {beams}: {cells}")
    if "summarizer" in r:
        print("  summarizer:", json.dumps(r["summarizer"]))
t = json.loads((out / "translate.json").read_text() or "{}") if (out / "translate.json").exists() else {}
print("translate:", {k: t.get(k) for k in ("ok", "translated", "summaries", "tokens", "seconds", "engines")})
PY
tail -n 3 "$OUT/bench.err" "$OUT/translate.err"
