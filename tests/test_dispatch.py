"""NumPy dispatch: every op of the table is reachable as ``np.<name>(tensor)``, with the same
result as ``xgrad.<name>``, on every backend; ``out=`` and ``where=`` on ufuncs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad._interop import _FUNCTIONS, _UFUNCS
from xgrad.ops import FUNCTIONS


def _numpy_callables() -> list[tuple[str, Any]]:
    out = []
    for name in sorted(FUNCTIONS):
        np_fn = getattr(np, name, None)
        if np_fn is not None and (np_fn in _UFUNCS or np_fn in _FUNCTIONS):
            out.append((name, np_fn))
    return out


CALLABLES = _numpy_callables()
X = np.array([[0.3, 0.6, 0.9], [0.2, 0.4, 0.8]])
Y = np.array([[0.5, 0.7, 0.25], [0.6, 0.35, 0.45]])


def _args(name: str, xb: Any, constant: bool) -> tuple[tuple, dict]:
    def t(a: np.ndarray) -> mg.Tensor:
        return mg.tensor(xb.array(a), constant=constant)

    special: dict[str, tuple[tuple, dict]] = {
        "clip": ((t(X), 0.4, 0.8), {}),
        "acosh": ((t(X + 1.0),), {}),
        "arccosh": ((t(X + 1.0),), {}),
        "where": ((xb.array(X > 0.5), t(X), t(Y)), {}),
        "reshape": ((t(X), (3, 2)), {}),
        "broadcast_to": ((t(X), (2, 2, 3)), {}),
        "expand_dims": ((t(X), 0), {}),
        "moveaxis": ((t(X), 0, 1), {}),
        "swapaxes": ((t(X), 0, 1), {}),
        "roll": ((t(X), 1), {}),
        "concatenate": (([t(X), t(Y)],), {}),
        "concat": (([t(X), t(Y)],), {}),
        "stack": (([t(X), t(Y)],), {}),
        "matmul": ((t(X), t(Y.T)), {}),
        "astype": ((t(X), "float32"), {}),
        "permute_dims": ((t(X), (1, 0)), {}),
        "round": ((t(X), 1), {}),
        "around": ((t(X), 1), {}),
        "invert": ((mg.tensor(xb.array(np.array([1, 2]))),), {}),
        "bitwise_not": ((mg.tensor(xb.array(np.array([1, 2]))),), {}),
        "bitwise_invert": ((mg.tensor(xb.array(np.array([1, 2]))),), {}),
        "pad": ((t(X), 1), {}),
        "repeat": ((t(X), 2), {"axis": 1}),
        "split": ((t(X), 3, 1), {}),
        "take": ((t(X), [0, 2]), {}),
        "take_along_axis": ((t(X), xb.array(np.argsort(X, axis=1)), 1), {}),
        "tile": ((t(X), (2, 1)), {}),
        "cumulative_sum": ((t(X),), {"axis": 1}),
        "cumulative_prod": ((t(X),), {"axis": 1}),
        "hstack": (([t(X), t(Y)],), {}),
        "vstack": (([t(X), t(Y)],), {}),
        "diff": ((t(X),), {"axis": 0}),
        "inner": ((t(X), t(Y)), {}),
        "outer": ((t(X), t(Y)), {}),
        "vdot": ((t(X), t(Y)), {}),
        "dot": ((t(X), t(Y.T)), {}),
        "tensordot": ((t(X), t(Y)), {}),
        "vecdot": ((t(X), t(Y)), {}),
        "einsum": (("ij,ij->i", t(X), t(Y)), {}),
        "trace": ((t(X),), {}),
        "diagonal": ((t(X),), {}),
        "divmod": ((t(X), t(Y)), {}),
        "searchsorted": ((t(np.array([0.2, 0.5, 0.9])), t(Y)), {}),
        "meshgrid": ((t(X[0]), t(Y[0])), {}),
        "broadcast_arrays": ((t(X), t(Y[:1])), {}),
    }
    if name in special:
        return special[name]
    if name.startswith(("bitwise", "left_shift", "right_shift")):
        i = mg.tensor(xb.array(np.array([1, 6])))
        return (i, i), {}
    fn = FUNCTIONS[name]
    op = getattr(fn, "_xgrad_op", None)
    nd = getattr(fn, "_xgrad_nondiff", None)
    nin = op.nin if op is not None else (nd.nin if nd is not None else 1)
    return tuple(t(a) for a in (X, Y)[:nin]), {}


@pytest.mark.parametrize("name, np_fn", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_numpy_function_dispatches_to_xgrad(xb: Any, name: str, np_fn: Any) -> None:
    fn = FUNCTIONS[name]
    constant = getattr(fn, "_xgrad_nondiff", None) is not None
    if name in ("allclose", "array_equal") and xb.name != "numpy":
        pytest.skip("returns a Python bool (a host synchronisation)")
    args, kwargs = _args(name, xb, constant)
    via_numpy = np_fn(*args, **kwargs)
    direct = fn(*args, **kwargs)
    if isinstance(direct, mg.Tensor):
        assert isinstance(via_numpy, mg.Tensor), f"np.{name} did not return a Tensor"
        assert via_numpy.backend is xb.backend
        np.testing.assert_array_equal(xb.host(via_numpy), xb.host(direct))
    elif isinstance(direct, (tuple, list)):
        for a, b in zip(via_numpy, direct, strict=True):
            np.testing.assert_array_equal(xb.host(a), xb.host(b))
    elif isinstance(direct, bool):
        assert via_numpy == direct
    else:
        assert isinstance(via_numpy, xb.backend.array_type)
        np.testing.assert_array_equal(xb.host(via_numpy), xb.host(direct))


def test_dispatched_results_are_differentiable(xb: Any) -> None:
    x = mg.tensor([0.5, 1.0])
    y = np.sum(np.exp(np.sin(x)) * np.square(x))
    y.backward()
    ref = np.exp(np.sin([0.5, 1.0])) * (
        np.cos([0.5, 1.0]) * np.square([0.5, 1.0]) + 2 * np.array([0.5, 1.0])
    )
    np.testing.assert_allclose(xb.host(x.grad), ref)


def test_ufunc_out_updates_the_tensor_in_place_as_a_graph_node(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    o = mg.tensor([0.0, 0.0])
    r = np.multiply(x, 3.0, out=o)
    assert r is o
    np.testing.assert_array_equal(xb.host(o), [3.0, 6.0])
    o.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [3.0, 3.0])


def test_ufunc_where_with_and_without_out(xb: Any) -> None:
    mask = xb.array(np.array([True, False, True]))
    x = mg.tensor([1.0, 2.0, 3.0])
    o = mg.tensor([10.0, 20.0, 30.0])
    r = np.multiply(x, 2.0, where=mask, out=o)
    np.testing.assert_array_equal(xb.host(r), [2.0, 20.0, 6.0])
    old = o  # `o` now holds the new value; its old value fed the masked-off slot
    old.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 0.0, 2.0])
    x = mg.tensor([1.0, 2.0, 3.0])
    y = mg.exp(x, where=mask)  # no out: zeros where the mask is false
    np.testing.assert_allclose(xb.host(y), [np.e, 0.0, np.e**3])
    y.backward()
    np.testing.assert_allclose(xb.host(x.grad), [np.e, 0.0, np.e**3])


def test_ufunc_reduce_and_accumulate(xb: Any) -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(np.add.reduce(x), mg.Tensor)
    np.testing.assert_array_equal(xb.host(np.add.reduce(x)), [4.0, 6.0])
    np.testing.assert_array_equal(xb.host(np.multiply.accumulate(x, axis=1)), [[1, 2], [3, 12]])
    np.testing.assert_array_equal(xb.host(np.maximum.reduce(x, axis=None)), 4.0)


def test_unsupported_ufunc_keyword(xb: Any) -> None:
    with pytest.raises(TypeError, match="casting"):
        np.exp(mg.tensor([1.0]), casting="unsafe")


def test_numpy_function_keyword_not_supported(xb: Any) -> None:
    with pytest.raises(TypeError, match="numpy.sum: dtype="):
        np.sum(mg.tensor([1.0]), dtype="float32")
