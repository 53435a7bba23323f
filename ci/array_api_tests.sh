#!/usr/bin/env bash
# Run the array API standard's public test suite (data-apis/array-api-tests) against
# xgrad.array_api on the NumPy and array_api_strict backends, after a baseline run of
# array_api_strict itself with the same settings, and print the three closing lines.
#
#   git clone --recurse-submodules https://github.com/data-apis/array-api-tests SUITE_DIR
#   bash ci/array_api_tests.sh SUITE_DIR            # MAX_EXAMPLES=20 by default
#
# The suite is not on PyPI and is not copied into this repository. Settings: standard
# 2024.12, complex dtypes skipped (xgrad refuses complex data for now), the fft extension
# disabled (complex results), test_signatures.py left out (tests/test_array_api.py checks
# every signature against array_api_strict's in CI). ci/array_api_tests_skips.txt lists what
# those settings leave out but the suite still collects, ci/array_api_tests_xfails.txt the
# known failures, each with its reason.
set -euo pipefail
suite=$(cd "${1:?usage: ci/array_api_tests.sh SUITE_DIR}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
"$python" -m pip install -q ndindex pytest-json-report pytest-xdist

# The suite at its 2026 head crashes at import when both complex dtypes are skipped
# (max() of an empty list in dtype_helpers.py): run a copy with that one line patched.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$suite"/. "$work"
"$python" - "$work/array_api_tests/dtype_helpers.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = "[(dt, dtype_nbits[dt]) for dt in complex_dtypes], key=lambda x: x[1]\n)[0]"
new = "[(dt, dtype_nbits[dt]) for dt in complex_dtypes], key=lambda x: x[1], default=(None,)\n)[0]"
open(path, "w").write(text.replace(old, new))
PY

export ARRAY_API_TESTS_VERSION=2024.12 ARRAY_API_TESTS_SKIP_DTYPES=complex64,complex128
run() {
  echo "== $1"
  (cd "$work" && ARRAY_API_TESTS_MODULE="$2" "$python" -m pytest array_api_tests -q -n auto \
    -p no:cacheprovider --max-examples="${MAX_EXAMPLES:-20}" --disable-extension fft \
    --ignore=array_api_tests/test_signatures.py \
    --skips-file "$root/ci/array_api_tests_skips.txt" \
    --xfails-file "$root/ci/array_api_tests_xfails.txt" --hypothesis-seed="${SEED:-0}" -rf \
    2>&1 | tail -n "${TAIL:-3}") || true  # report every run; the counts are the result
}
run "array_api_strict (the baseline)" array_api_strict
run "xgrad.array_api, NumPy backend" xgrad.array_api
run "xgrad.array_api, array_api_strict backend" \
  "exec('import xgrad.array_api as _x; xp = _x.namespace(\"array_api_strict\")')"
