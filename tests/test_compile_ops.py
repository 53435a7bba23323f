"""Every op-table row, compiled with ``xgrad.compile``, against the same row run eagerly:
the same values, dtypes and gradients, on every backend the machine has.

Each example is run twice through the compiled function with different values of the same
shapes, so the second call replays the cached program rather than tracing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xgrad as xg
from conftest import DASK_RAISES, skip_on_dask
from op_table import ROWS, Row
from test_ops import _as_function, _ids, cases
from xgrad._compile import _program


def _eager(f: Any, xb: Any, arrays: list, w: np.ndarray | None) -> tuple:
    ts = [xg.tensor(xb.array(a)) for a in arrays]
    out = f(*ts)
    grads = []
    if w is not None:
        out.backward(xb.array(w, dtype=out.dtype))
        grads = [t.grad for t in ts]
    return out, grads


def _same(got: Any, expected: Any, xb: Any, what: str) -> None:
    assert got is not None, what
    assert got.shape == expected.shape, what
    assert got.dtype == expected.dtype, what
    np.testing.assert_allclose(
        xb.host(got), xb.host(expected), rtol=1e-12, atol=1e-12, err_msg=what
    )


@pytest.mark.parametrize("r", ROWS, ids=_ids)
def test_compiled_row_matches_eager(r: Row, xb: Any) -> None:
    if r.name in DASK_RAISES:
        skip_on_dask(xb, f"{r.name!r} raises there, as tests/test_dask_ops.py checks")
    _check(r, xb, 3 if xb.name == "numpy" else 2)


def _elementwise(r: Row) -> bool:
    from xgrad._compile._fuse import _OPS

    return r.name.split(" ")[0] in _OPS


@pytest.mark.parametrize("r", [r for r in ROWS if _elementwise(r)], ids=_ids)
def test_fused_row_matches_eager(r: Row, np_only: Any, monkeypatch: Any) -> None:
    """The CuPy code path (fused kernels), run through each kernel's NumPy form."""
    from conftest import make_xb

    monkeypatch.setattr(_program, "FUSE_ON_NUMPY", True)
    _check(r, make_xb("numpy"), 3)


def _check(r: Row, xb: Any, examples: int) -> None:
    @settings(max_examples=examples, deadline=None)
    @given(data=cases(r), seed=st.integers(0, 2**32 - 1))
    def check(data: Any, seed: int) -> None:
        arrays, params = data
        f, names = _as_function(r, xb, params)
        arrays = arrays + [np.asarray(params[k], dtype=np.float64) for k in names]
        cf = xg.compile(f)
        rng = np.random.default_rng(seed)
        for attempt in range(2):
            expected, _ = _eager(f, xb, arrays, None)
            w = rng.uniform(-1, 1, size=tuple(expected.shape)) if r.grad else None
            expected, egrads = _eager(f, xb, arrays, w)
            got, ggrads = _eager(cf, xb, arrays, w)
            _same(got, expected, xb, f"{r.name}: value (call {attempt + 1})")
            for i, (g, e) in enumerate(zip(ggrads, egrads, strict=True)):
                if e is None:
                    assert g is None
                else:
                    _same(g, e, xb, f"{r.name}: gradient of input {i} (call {attempt + 1})")
            # the same shapes with other values: the second call replays the program
            arrays = [a[::-1].copy() if a.ndim else a.copy() for a in arrays]
        assert cf.traces == 1

    check()
