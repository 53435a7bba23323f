"""NumPy's protocols on tensors: which ufunc and function keywords are accepted, what is
refused and with which message, and the shape queries."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg


def test_a_non_differentiable_ufunc_through_numpy():
    t = xg.tensor([1.0, float("nan"), 3.0])
    r = np.isnan(t)
    np.testing.assert_array_equal(np.asarray(r), [False, True, False])
    assert np.isnan(t, out=None).tolist() == [False, True, False]
    with pytest.raises(TypeError, match="numpy.isnan: out= is not supported for a non-diff"):
        np.isnan(t, out=(np.empty(3, dtype=bool),))
    with pytest.raises(TypeError, match="numpy.isnan: the keyword casting='unsafe' is not"):
        np.isnan(t, casting="unsafe")


def test_numpy_defaults_passed_explicitly_to_a_non_differentiable_ufunc():
    t = xg.tensor([1.0, float("nan")])
    for kw in ({"casting": "same_kind"}, {"order": "K"}, {"subok": True}):
        np.testing.assert_array_equal(np.asarray(np.isnan(t, **kw)), [False, True])


@pytest.mark.parametrize("kw", [{"casting": "same_kind"}, {"order": "K"}, {"subok": True}])
def test_numpy_defaults_passed_explicitly_to_a_differentiable_ufunc(kw):
    x = xg.tensor([1.0, 4.0])
    y = np.sqrt(x, **kw)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.25])


@pytest.mark.parametrize("kw", [{"where": True}, {"dtype": None}])
def test_numpy_default_where_and_dtype_for_a_non_differentiable_ufunc(kw):
    t = xg.tensor([1.0, float("nan")])
    np.testing.assert_array_equal(np.asarray(np.isnan(t, **kw)), [False, True])


def test_differentiable_ufuncs_take_where_true_and_dtype_none():
    x = xg.tensor([1.0, 4.0])
    y = np.sqrt(x, where=True, dtype=None)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.25])


def test_an_unsupported_ufunc_names_the_workaround():
    with pytest.raises(TypeError) as exc:
        np.gcd(xg.tensor([4]), xg.tensor([6]))
    assert str(exc.value).startswith(
        "numpy.gcd is not supported for xgrad tensors: apply it to tensor.data"
    )


def test_reduce_takes_numpys_keywords_through_the_ufunc_object():
    # np.add.reduce(t, ...) is xgrad.add.reduce: dtype= casts first, initial= starts the sum
    r = np.add.reduce(xg.tensor(np.array([1, 2], dtype=np.int32)), dtype=np.float64)
    assert r.dtype == np.float64 and r.item() == 3.0
    assert np.add.reduce(xg.tensor([1.0, 2.0]), initial=10.0).item() == 13.0
    with pytest.raises(ValueError, match="not reorderable"):
        np.subtract.reduce(xg.tensor([[1.0, 2.0]]), axis=None)
    x = xg.tensor([1.0, 2.0])
    s = np.add.reduce(x, where=True)
    s.backward()
    assert float(s) == 3.0 and x.grad.tolist() == [1.0, 1.0]


def test_var_and_std_take_the_array_api_correction():
    x = xg.tensor([1.0, 2.0, 4.0])
    v = np.var(x, correction=1)
    assert float(v) == pytest.approx(np.var([1.0, 2.0, 4.0], ddof=1))
    v.backward()
    # d/dx_i sum((x - m)^2) / (n - 1) = 2 (x_i - m) / (n - 1)
    np.testing.assert_allclose(x.grad, 2 * (np.array([1.0, 2.0, 4.0]) - 7 / 3) / 2)
    assert float(np.std(x, correction=1)) == pytest.approx(np.std([1.0, 2.0, 4.0], ddof=1))


def test_reshape_only_in_c_order():
    t = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="numpy.reshape: only order='C' is supported"):
        np.reshape(t, (4,), order="F")
    np.testing.assert_array_equal(np.reshape(t, (4,), order="C").numpy(), [1, 2, 3, 4])


def test_shape_queries():
    t = xg.tensor([[1.0, 2.0, 3.0]])
    assert np.shape(t) == (1, 3)
    assert np.ndim(t) == 2
    assert np.size(t) == 3 and np.size(t, 1) == 3 and np.size(t, 0) == 1


def test_einsum_through_numpy_refuses_order_and_casting():
    t = xg.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="numpy.einsum: order= and casting= are not supported"):
        np.einsum("i->i", t, order="C")
    with pytest.raises(TypeError, match="numpy.einsum: order= and casting= are not supported"):
        np.einsum("i->i", t, casting="unsafe")
    y = np.einsum("i,i", t, t)
    y.backward()
    assert float(y) == 5.0 and t.grad.tolist() == [2.0, 4.0]


def test_min_scalar_type_of_a_device_tensor():
    pytest.importorskip("array_api_strict")
    with xg.use_backend("array_api_strict", device="device1"):
        s, v = xg.tensor(1.0), xg.tensor([1.0, 2.0])
    with pytest.raises(TypeError) as exc:
        np.min_scalar_type(s)
    assert str(exc.value) == (
        "numpy.min_scalar_type of a 0-d tensor on another backend than numpy needs its value on "
        "the host: call numpy.min_scalar_type(tensor.item())"
    )
    assert np.min_scalar_type(v) == np.float64
    assert np.min_scalar_type(xg.tensor(1.0)) == np.min_scalar_type(1.0)
