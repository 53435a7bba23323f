"""Every row of the op table on the Dask backend: it runs (forward, gradients, JVP and a
Hessian-vector product built lazily, then equal to the NumPy backend's), or it is in
``RAISES``, and raises the clear error given there.

Each input is a Dask array of two chunks (along its first axis); the rows run inside
``lazy()`` (a scheduler that raises), so building their graphs never computes; one
``xgrad.compute`` afterwards gives the values. The NumPy backend runs the same rows on the
same draws for the expected values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from hypothesis import Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import xgrad as mg  # noqa: E402
from conftest import DASK_RAISES  # noqa: E402
from op_table import ROWS, Row  # noqa: E402
from test_dask import chunked, lazy  # noqa: E402
from test_ops import _as_function, _device_params, _tensor_params, cases  # noqa: E402
from xgrad.func import hvp, jvp  # noqa: E402

pytestmark = pytest.mark.selects_backend

#: rows Dask cannot run, the error each raises, and what its message must say: the op, why
#: Dask cannot do it, and what to do instead
RAISES: dict[str, tuple[type[Exception], str]] = {
    "getitem (mask)": (
        NotImplementedError,
        r"getitem with a boolean mask \(x\[mask\]\).*dask backend.*depends on the mask's "
        r"values.*unknown chunk sizes.*xgrad\.where\(mask, x, 0\)",
    ),
}

#: rows compared with a looser tolerance than 1e-12, and why
TOLERANCE: dict[str, float] = {}

RUNS = [r for r in ROWS if r.name not in RAISES]
#: two derandomized draws per row; no shrinking (it would rerun a failing row's lazy graphs
#: hundreds of times): the failing draw is reported as found, and found again on a rerun
SETTINGS = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
)


def _ids(r: Row) -> str:
    return r.name.replace(" ", "_")


class _On:
    """What test_ops' helpers need of a backend (``array``): NumPy, or two-chunk Dask."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def array(self, values: Any, dtype: Any = None) -> Any:
        return self.make(np.asarray(values, dtype=dtype))


def uneven(a: np.ndarray) -> Any:
    """``a`` as a dask array chunked unevenly along every axis of length 2 or more
    (``(k, n - k)`` with ``k = n // 3``)."""
    a = np.asarray(a)
    chunks = tuple((n,) if n < 2 else (max(1, n // 3), n - max(1, n // 3)) for n in a.shape)
    return da.from_array(a, chunks=chunks)


#: how the inputs are made: NumPy; Dask in two chunks along the first axis; Dask unevenly
#: chunked along every axis (the audit's odd chunkings: gradients must follow any chunks)
ON = {"numpy": _On(np.asarray), "dask": _On(chunked), "dask-uneven": _On(uneven)}


def _forward_backward(r: Row, arrays: list, params: dict, name: str, w: np.ndarray) -> list:
    """The row's output and, when it has gradients, every input's gradient after
    ``out.backward(w)`` (the arrays', then the tensor parameters')."""
    on = ON[name]
    backend = name.split("-")[0]
    tensors = [mg.tensor(on.array(a)) for a in arrays]
    tparams = _tensor_params(r, on, params)
    out = r.fn(*tensors, **_device_params(on, params, tparams))
    assert out.backend.name == backend
    if not r.grad:
        return [out]
    out.backward(on.array(w, dtype=out.dtype))
    leaves = [*tensors, *tparams.values()]
    assert all(isinstance(t.grad, (np.ndarray if backend == "numpy" else da.Array)) for t in leaves)
    return [out, *(t.grad for t in leaves)]


def _on_dask(v: Any) -> bool:
    """A Dask array, or a Dask-backed tensor (what ``jvp`` gives when the function made a
    differentiable tensor of its own)."""
    return isinstance(v, da.Array) or (isinstance(v, mg.Tensor) and v.backend.name == "dask")


def _host(v: Any) -> np.ndarray:
    return v.numpy() if isinstance(v, mg.Tensor) else np.asarray(v)


def _assert_close(got: list, expected: list, r: Row) -> None:
    tol = TOLERANCE.get(r.name, 1e-12)
    assert len(got) == len(expected)
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        g, e = _host(g), _host(e)
        assert g.shape == e.shape and g.dtype == e.dtype, (k, g.shape, e.shape, g.dtype, e.dtype)
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol, err_msg=f"result {k}")


def _weights(expected: Any, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, size=np.shape(expected))


# -- the coverage of the table ------------------------------------------------------------------
def test_every_row_of_the_op_table_runs_on_dask_or_raises_a_listed_error():
    names = [r.name for r in ROWS]
    assert len(set(names)) == len(names), "row names must be unique: the lists go by name"
    runs = {r.name for r in RUNS}
    assert not runs & set(RAISES)
    assert runs | set(RAISES) == set(names), "a row is neither run nor listed as raising"
    assert set(RAISES) <= set(names) and set(TOLERANCE) <= runs, "an entry names no row"
    assert set(RAISES) == DASK_RAISES, "conftest.DASK_RAISES (the xb fixture's skips) must match"


# -- rows that run --------------------------------------------------------------------------------
@pytest.mark.parametrize("chunking", ["dask", "dask-uneven"])
@pytest.mark.parametrize("r", RUNS, ids=_ids)
def test_op_table_row_is_lazy_on_dask_and_matches_numpy(r: Row, chunking: str):
    """Forward and backward (``out.backward(w)``) on Dask arrays (two chunks, or uneven
    chunks along every axis) build graphs only; their values and every gradient (shape,
    dtype, values) are the NumPy backend's."""

    @SETTINGS
    @given(data=cases(r), seed=st.integers(0, 2**32 - 1))
    def check(data: Any, seed: int) -> None:
        arrays, params = data
        w = _weights(r.ref(*arrays, **params), seed)
        with mg.use_backend("numpy"):
            expected = _forward_backward(r, arrays, params, "numpy", w)
        with mg.use_backend("dask"), lazy():
            got = _forward_backward(r, arrays, params, chunking, w)
        _assert_close(list(mg.compute(*got)), expected, r)

    check()


def _jvp_hvp(r: Row, arrays: list, params: dict, name: str, seed: int) -> list:
    """``jvp`` of the row, and ``hvp`` of ``sum(u * row)``, at the draw, for random tangents
    (plain arrays in, plain arrays out)."""
    on = ON[name]
    f, names = _as_function(r, on, params)
    host = [*arrays, *(np.asarray(params[k], dtype=np.float64) for k in names)]
    rng = np.random.default_rng(seed)
    v = [on.array(rng.standard_normal(np.shape(a))) for a in host]
    args = [on.array(a) for a in host]
    out, tangent = jvp(f, tuple(args), tuple(v))
    u = on.array(rng.standard_normal(np.shape(out)))

    def scalar(*xs: Any) -> Any:
        return mg.sum(f(*xs) * u)

    h = hvp(scalar, tuple(args), tuple(v), allow_unused=True)
    h = list(h) if isinstance(h, tuple) else [h]
    return [out, tangent, *h]


@pytest.mark.parametrize("r", [r for r in RUNS if r.grad], ids=_ids)
def test_op_table_row_jvp_and_hvp_are_lazy_on_dask_and_match_numpy(r: Row):
    """Forward mode (the rows' JVP rules) and forward-over-reverse (``hvp``: the derivative
    rules run on tensors, with tangents) on Dask arrays build graphs only, and give the NumPy
    backend's values."""

    @SETTINGS
    @given(data=cases(r), seed=st.integers(0, 2**32 - 1))
    def check(data: Any, seed: int) -> None:
        arrays, params = data
        with mg.use_backend("numpy"):
            expected = _jvp_hvp(r, arrays, params, "numpy", seed)
        with mg.use_backend("dask"), lazy():
            got = _jvp_hvp(r, arrays, params, "dask", seed)
            assert all(_on_dask(g) for g in got)
        _assert_close(list(mg.compute(*got)), expected, r)

    check()


# -- rows that raise ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(RAISES))
def test_op_table_row_raises_a_clear_error_on_dask(name: str):
    (r,) = [r for r in ROWS if r.name == name]
    exc, message = RAISES[name]

    @SETTINGS
    @given(data=cases(r))
    def check(data: Any) -> None:
        arrays, params = data
        with mg.use_backend("dask"), lazy():
            # the key as a Dask array (a NumPy mask's values are known: it runs, test_dask.py)
            for on in (ON["dask"],):
                tensors = [mg.tensor(ON["dask"].array(a)) for a in arrays]
                with pytest.raises(exc, match=message):
                    r.fn(*tensors, **_device_params(on, params, _tensor_params(r, on, params)))

    check()
