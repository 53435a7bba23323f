"""The non-differentiable functions: values against NumPy, plain arrays as results."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.ops import NONDIFF

A = np.array([[1.5, -2.5, 0.0], [np.nan, np.inf, -0.0]])
B = np.array([[2.0, -2.5, 1.0], [1.0, 3.0, -1.0]])
P = np.array([[1.5, -2.5, 0.5], [3.25, 7.0, -4.0]])  # finite, no ties, no zeros
Q = np.array([[2.0, 3.0, -1.5], [1.0, -2.0, 3.0]])
I8 = np.array([[1, 6, 3], [-4, 0, 2]])
BOOL = np.array([[True, False, True], [False, False, True]])
SHIFT = np.array([[0, 1, 2], [3, 0, 1]])
U = np.array([[3.0, np.nan, 1.0], [3.0, np.nan, -0.0]])  # repeats, NaNs and a signed zero

# name -> (NumPy reference, inputs, kwargs)
CASES: dict[str, tuple[Any, tuple, dict]] = {
    "equal": (np.equal, (A, B), {}),
    "not_equal": (np.not_equal, (A, B), {}),
    "less": (np.less, (A, B), {}),
    "less_equal": (np.less_equal, (A, B), {}),
    "greater": (np.greater, (A, B), {}),
    "greater_equal": (np.greater_equal, (A, B), {}),
    "logical_and": (np.logical_and, (A, B), {}),
    "logical_or": (np.logical_or, (A, BOOL), {}),
    "logical_xor": (np.logical_xor, (BOOL, B), {}),
    "logical_not": (np.logical_not, (A,), {}),
    "bitwise_and": (np.bitwise_and, (I8, I8 + 3), {}),
    "bitwise_or": (np.bitwise_or, (I8, I8 + 3), {}),
    "bitwise_xor": (np.bitwise_xor, (I8, I8 + 3), {}),
    "bitwise_invert": (np.invert, (I8,), {}),
    "isnan": (np.isnan, (A,), {}),
    "isinf": (np.isinf, (A,), {}),
    "isfinite": (np.isfinite, (A,), {}),
    "signbit": (np.signbit, (A,), {}),
    "isclose": (np.isclose, (P, P + 1e-9), {}),
    "allclose": (np.allclose, (P, P + 1e-9), {}),
    "array_equal": (np.array_equal, (P, P), {}),
    "argmax": (np.argmax, (P,), {"axis": 1}),
    "argmin": (np.argmin, (P,), {}),
    "argsort": (np.argsort, (P,), {"axis": 0}),
    "nonzero": (np.nonzero, (P - 0.5,), {}),
    "count_nonzero": (np.count_nonzero, (P - 0.5,), {"axis": 1}),
    "any": (np.any, (BOOL,), {"axis": 0}),
    "all": (np.all, (BOOL,), {}),
    "floor": (np.floor, (P,), {}),
    "ceil": (np.ceil, (P,), {}),
    "trunc": (np.trunc, (P,), {}),
    "sign": (np.sign, (P,), {}),
    "rint": (np.rint, (P,), {}),
    "round": (np.round, (P,), {}),
    "fix": (np.fix, (P,), {}),
    "floor_divide": (np.floor_divide, (P, Q), {}),
    "left_shift": (np.left_shift, (I8, SHIFT), {}),
    "right_shift": (np.right_shift, (I8, SHIFT), {}),
    "isin": (np.isin, (A, np.array([0.0, np.inf, -2.5, np.nan])), {}),
    "searchsorted": (np.searchsorted, (np.sort(P.ravel()), P), {"side": "right"}),
    "unique": (
        np.unique,
        (U,),
        {"return_index": True, "return_inverse": True, "return_counts": True},
    ),
    "unique_all": (np.unique_all, (U,), {}),
    "unique_counts": (np.unique_counts, (U,), {}),
    "unique_inverse": (np.unique_inverse, (U,), {}),
    "unique_values": (np.unique_values, (U,), {}),
}


PYTHON_BOOL = {"allclose", "array_equal"}


def _host(xb: Any, out: Any) -> Any:
    if isinstance(out, tuple):
        return tuple(_host(xb, o) for o in out)
    return xb.host(out)


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_matches_numpy_and_result_is_an_array(xb: Any, name: str) -> None:
    ref, inputs, kwargs = CASES[name]
    if name in PYTHON_BOOL and xb.name != "numpy":
        pytest.skip("returns a Python bool: a host synchronisation, by NumPy's definition")
    tensors = [mg.tensor(xb.array(a), constant=True) for a in inputs]
    out = getattr(mg, name)(*tensors, **kwargs)
    expected = ref(*inputs, **kwargs)
    assert not isinstance(out, mg.Tensor)
    if isinstance(expected, tuple):
        for got, want in zip(_host(xb, out), expected, strict=True):
            np.testing.assert_array_equal(got, want)
    elif name in PYTHON_BOOL:
        assert out is bool(expected)
    else:
        np.testing.assert_array_equal(_host(xb, out), expected)


def test_round_with_decimals(xb: Any) -> None:
    t = mg.tensor([1.234, -5.678], constant=True)
    np.testing.assert_allclose(xb.host(mg.round(t, 2)), [1.23, -5.68])


def test_every_nondiff_function_has_a_case() -> None:
    names = {nd.name for nd in NONDIFF.values()}
    assert names <= set(CASES), sorted(names - set(CASES))
