"""The non-differentiable functions on the Dask backend: every case of ``test_nondiff``
builds its graph without computing (``lazy()``) and equals NumPy once computed. The
``unique`` family runs NumPy's own functions in one lazy task (``backends/_dask_unique.py``):
Dask's and array-api-compat's count all NaNs as one value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

import xgrad as mg  # noqa: E402
from test_dask import chunked, lazy  # noqa: E402
from test_nondiff import CASES, PYTHON_BOOL  # noqa: E402

pytestmark = pytest.mark.selects_backend


def _flat(out: Any) -> tuple:
    return tuple(out) if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("name", sorted(set(CASES) - PYTHON_BOOL))
def test_lazy_and_equal_to_numpy(name: str) -> None:
    ref, inputs, kwargs = CASES[name]
    with lazy():
        tensors = [mg.tensor(chunked(a), constant=True) for a in inputs]
        out = getattr(mg, name)(*tensors, **kwargs)
        assert all(isinstance(o, da.Array) for o in _flat(out))
    got = mg.compute(*_flat(out))
    want = _flat(ref(*inputs, **kwargs))
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert isinstance(g, np.ndarray)
        np.testing.assert_array_equal(g, w)
        assert g.dtype == w.dtype


@pytest.mark.parametrize("name", sorted(PYTHON_BOOL))
def test_python_bool_results_compute(name: str) -> None:
    """``allclose`` and ``array_equal`` return a Python bool (NumPy's definition): asking for
    it computes, as ``bool(t)`` does."""
    ref, inputs, kwargs = CASES[name]
    tensors = [mg.tensor(chunked(a), constant=True) for a in inputs]
    assert getattr(mg, name)(*tensors, **kwargs) is bool(ref(*inputs, **kwargs))


def test_unique_counts_each_nan_on_its_own_as_the_standard_says():
    """Regression: array-api-compat's Dask ``unique_values`` merged the two NaNs (4 values,
    NumPy has 5); ``unique`` with ``axis`` raised Dask's TypeError."""
    u = np.array([[3.0, np.nan, 1.0], [3.0, np.nan, -0.0]])
    with lazy():
        t = mg.tensor(chunked(u), constant=True)
        values = mg.unique_values(t)
        rows, inverse = mg.unique(t, return_inverse=True, axis=1)
        assert np.isnan(values.shape[0])  # the length is known only after computing
        assert inverse.shape == (3,)
    got_values, got_rows, got_inverse = mg.compute(values, rows, inverse)
    assert got_values.shape == (5,)
    want_rows, want_inverse = np.unique(u, return_inverse=True, axis=1)
    np.testing.assert_array_equal(got_rows, want_rows)
    np.testing.assert_array_equal(got_inverse, want_inverse)


def test_bincount_reads_its_length_from_the_data():
    """``bincount``'s length is ``max(x) + 1``: it computes ``min`` and ``max`` of ``x`` (as
    ``float(t)`` would), and the counts themselves stay lazy."""
    x = da.from_array(np.array([0, 1, 1, 3]), chunks=2)
    out = mg.bincount(x, minlength=5)
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(mg.compute(out)[0], [1, 2, 0, 1, 0])
