#!/usr/bin/env bash
# xgrad on a CUDA GPU: the suite on CuPy, a count of device-to-host copies, the GPU
# benchmarks, and a summary table last. Meant for an offline GPU machine that has CuPy,
# PyTorch (for torch.profiler and the benchmark baseline), pytest, pytest-xdist and
# hypothesis. Such a machine may lack array-api-compat and array-api-strict (and dask): install
# their wheels offline first, without building anything, and put the source tree on the path:
#   python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site WHEELDIR/*.whl
#   export PYTHONPATH=/tmp/site:$PWD/src
#
#   bash ci/gpu.sh [OUTDIR]        # logs go to OUTDIR (default: $OUT, else ./gpu-out)
set -uo pipefail
cd "$(dirname "$0")/.."
OUTDIR=${1:-${OUT:-gpu-out}}
mkdir -p "$OUTDIR"
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD/src"
START=$(date +%s)
status() { if [ "$1" -eq 0 ]; then echo PASS; else echo "FAIL ($1)"; fi; }

echo "== machine" | tee "$OUTDIR/machine.txt"
nvidia-smi 2>&1 | tee -a "$OUTDIR/machine.txt"
python - <<'PY' 2>&1 | tee -a "$OUTDIR/machine.txt"
import importlib
for name in ("numpy", "cupy", "torch", "array_api_compat", "array_api_strict", "xgrad"):
    try:
        print(f"{name} {importlib.import_module(name).__version__}")
    except Exception as exc:
        print(f"{name}: {exc}")
PY
python -m xgrad info 2>&1 | tee -a "$OUTDIR/machine.txt"

echo "== test suite on CuPy" | tee "$OUTDIR/tests.txt"
XGRAD_BACKEND=cupy XGRAD_TEST_BACKENDS=cupy HYPOTHESIS_PROFILE=gpu \
  timeout 420 python -m pytest tests -q -n "${XGRAD_GPU_WORKERS:-8}" -o addopts="" \
  -p no:cacheprovider 2>&1 | tail -n 40 | tee -a "$OUTDIR/tests.txt"
TESTS=${PIPESTATUS[0]}

echo "== dask-of-CuPy (the dask backend on device 'cuda')" | tee "$OUTDIR/dask_cupy.txt"
timeout 120 python -m pytest tests/test_dask_cupy.py -v -o addopts="" -p no:cacheprovider \
  2>&1 | tail -n 30 | tee -a "$OUTDIR/dask_cupy.txt"
DASK_CUPY=${PIPESTATUS[0]}
grep -q " skipped" "$OUTDIR/dask_cupy.txt" && ! grep -q " passed" "$OUTDIR/dask_cupy.txt" && DASK_CUPY=5

echo "== device-to-host copies (torch.profiler)" | tee "$OUTDIR/dtoh.txt"
timeout 120 python ci/count_dtoh.py 2>&1 | tee -a "$OUTDIR/dtoh.txt"
DTOH=${PIPESTATUS[0]}

echo "== GPU benchmarks" | tee "$OUTDIR/bench_gpu.md"
timeout 300 python benchmarks/bench_gpu.py ${XGRAD_GPU_QUICK:+--quick} \
  --json "$OUTDIR/bench_gpu.json" 2>&1 | tee -a "$OUTDIR/bench_gpu.md"
BENCH=${PIPESTATUS[0]}

echo
echo "== summary ($(( $(date +%s) - START )) s)"
printf '| check | result |\n| --- | --- |\n'
printf '| test suite on CuPy | %s |\n' "$(status "$TESTS")"
printf '| dask-of-CuPy | %s |\n' "$(status "$DASK_CUPY")"
printf '| no device-to-host copies | %s |\n' "$(status "$DTOH")"
printf '| GPU benchmarks ran | %s |\n' "$(status "$BENCH")"
grep -E "^- Target" "$OUTDIR/bench_gpu.md" | sed 's/^- /| /; s/$/ |/' | sed 's/ -> / | /'
[ "$TESTS" -eq 0 ] && [ "$DASK_CUPY" -eq 0 ] && [ "$DTOH" -eq 0 ] && [ "$BENCH" -eq 0 ]
