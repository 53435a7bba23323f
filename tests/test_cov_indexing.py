"""NumPy's mixed indexing (integer arrays with slices, integers, ``None``, ``...`` and masks)
against NumPy itself: the values, the gradient (``np.add.at``) and ``__setitem__``, on every
backend (array_api_strict needs xgrad's own translation of such keys)."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg
from xgrad.errors import BackendMismatchError

BASE = np.arange(24.0).reshape(2, 3, 4)

KEYS = {
    "none-then-array": (None, np.array([0, 1])),
    "array-slice-int": (np.array([1, 0]), slice(None), 2),
    "arrays-apart-int-between": (np.array([0, 1]), 1, np.array([2, 3])),
    "mask-then-array": (np.array([[True, False, True], [False, True, False]]), np.array([0, 1, 3])),
    "arrays-apart-none-between": (np.array([0, 1]), None, np.array([1, 2])),
    "ellipsis-array": (Ellipsis, np.array([1, 1, 0])),
    "slice-array-none": (slice(None), np.array([0, 2]), None),
    "negative-array": (np.array([-1, 0]), slice(1, None)),
}


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_mixed_keys_match_numpy(xb, key):
    x = xg.tensor(BASE)
    y = x[key]
    expected = BASE[key]
    assert y.shape == expected.shape
    np.testing.assert_array_equal(xb.host(y), expected)
    w = np.arange(expected.size, dtype=float).reshape(expected.shape) + 1.0
    (y * xg.tensor(w)).sum().backward()
    g = np.zeros_like(BASE)
    np.add.at(g, key, w)
    np.testing.assert_array_equal(xb.host(x.grad), g)


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_mixed_keys_setitem_match_numpy(xb, key):
    x = xg.tensor(BASE)
    z = x * 1.0
    v = xg.tensor(-np.ones(BASE[key].shape))
    z[key] = v
    expected = BASE.copy()
    expected[key] = -1.0
    np.testing.assert_array_equal(xb.host(z), expected)
    z.sum().backward()
    kept = np.ones_like(BASE)
    kept[key] = 0.0
    np.testing.assert_array_equal(xb.host(x.grad), kept)
    # the value's elements that were written last where indices repeat get the gradient
    ids = np.arange(BASE[key].size).reshape(BASE[key].shape)
    written = np.full(BASE.shape, -1)
    written[key] = ids
    survived = np.isin(ids, written[written >= 0]).astype(float)
    np.testing.assert_array_equal(xb.host(v.grad), survived)


def test_index_arrays_that_do_not_broadcast(xb):
    x = xg.tensor(BASE)
    with pytest.raises(IndexError, match="shape mismatch: indexing arrays could not be broadcast"):
        x[np.array([0, 1]), np.array([0, 1, 2])]


def test_index_of_a_wrong_type(xb):
    with pytest.raises(IndexError) as exc:
        xg.tensor(BASE)["a"]
    assert str(exc.value) == (
        "only integers, slices, None, ..., and integer or boolean arrays are valid indices; got str"
    )


def test_empty_list_and_0d_integer_tensor_keys(xb):
    x = xg.tensor(BASE)
    assert x[[]].shape == (0, 3, 4)
    y = x[xg.tensor(1)]
    np.testing.assert_array_equal(xb.host(y), BASE[1])
    y.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), np.array([np.zeros((3, 4)), np.ones((3, 4))]))


def test_an_index_tensor_of_another_backend_is_refused():
    pytest.importorskip("array_api_strict")
    x = xg.tensor(BASE)
    with xg.use_backend("array_api_strict", device="device1"):
        idx = xg.tensor([0, 1])
    with pytest.raises(BackendMismatchError, match="backends in indexing"):
        x[idx]


def test_boolean_scalar_keys_on_numpy(np_only):
    x = xg.tensor([1.0, 2.0])
    assert x[True].shape == (1, 2) and x[False].shape == (0, 2)
    x[True].sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_boolean_scalar_keys_on_array_api_strict():
    pytest.importorskip("array_api_strict")
    with xg.use_backend("array_api_strict", device="device1"):
        x = xg.tensor([1.0, 2.0])
        assert x[True].shape == (1, 2)
        assert x[False].shape == (0, 2)


def test_boolean_scalar_keys_mixed_with_other_indices_on_array_api_strict():
    # x[True, 0], x[0, False], x[True, :, [1, 0]]: NumPy's shapes and values, and gradients
    pytest.importorskip("array_api_strict")
    ref = np.arange(1.0, 5.0).reshape(2, 2)
    with xg.use_backend("array_api_strict", device="device1"):
        x = xg.tensor(ref)
        assert x[True, 0].shape == ref[True, 0].shape
        assert x[0, False].shape == ref[0, False].shape
        np.testing.assert_array_equal(xg.to_numpy(x[True, :, [1, 0]]), ref[True, :, [1, 0]])
        (x[True, :, [1, 0]] * xg.tensor([[[1.0, 10.0], [100.0, 1000.0]]])).sum().backward()
        np.testing.assert_array_equal(xg.to_numpy(x.grad), [[100.0, 1.0], [1000.0, 10.0]])
