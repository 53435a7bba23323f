"""Smaller paths: device transfers (differentiable, forward mode, constants), views' gradients,
Tensor methods, copyto, in-place casts, ufunc keywords, losses' label checks, check_grads."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg
from xgrad.errors import NonDifferentiableError
from xgrad.func import jvp
from xgrad.testing import check_grads

strict = pytest.importorskip("array_api_strict")


# -- transfers -----------------------------------------------------------------------------------
def test_to_device_picks_the_backend_that_has_the_device():
    x = xg.tensor([1.0, 2.0])
    y = x.to_device("device1")  # NumPy has no such device: array_api_strict has
    assert y.backend.name == "array_api_strict" and y.device == strict.Device("device1")
    (y * y).sum().backward(create_graph=True)
    assert isinstance(x.grad, xg.Tensor) and x.grad.backend.name == "numpy"
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    x.grad.sum().backward()  # the move back is differentiable too: d/dx sum(2x) = 2
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_to_device_of_arrays_and_constants():
    y = xg.to_device(np.array([1.0, 2.0]), "device1")
    assert isinstance(y, xg.Tensor) and y.device == strict.Device("device1")
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])
    c = xg.tensor([1.0], constant=True).to_device("device2")
    assert c.constant and c.creator is None
    with xg.no_autodiff:
        d = xg.tensor([1.0]).to_device("device2")
    assert not d.constant and d.creator is None


def test_to_device_carries_the_tangent():
    out, tan = jvp(
        lambda a: a.to_device("device1", backend="array_api_strict") * 2.0,
        (xg.tensor([1.0, 2.0]),),
        (xg.tensor([1.0, 0.0]),),
    )
    assert tan.device == strict.Device("device1")
    np.testing.assert_array_equal(out.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(tan.numpy(), [2.0, 0.0])


def test_to_numpy_of_host_data():
    a = xg.to_numpy([1, 2])
    assert isinstance(a, np.ndarray)
    np.testing.assert_array_equal(a, [1, 2])
    src = np.array([1.0])
    assert not np.shares_memory(xg.to_numpy(src), src)


# -- views ---------------------------------------------------------------------------------------
def test_a_view_grad_before_and_after_backward(xb):
    x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    v = x[1]
    assert v.grad is None
    (x * x).sum().backward(create_graph=True)
    assert isinstance(v.grad, xg.Tensor)
    np.testing.assert_array_equal(xb.host(v.grad), [6.0, 8.0])


def test_a_squeeze_view_without_axes_to_squeeze(xb):
    x = xg.tensor([1.0, 2.0])
    v = xg.squeeze(x)
    assert v.base is x
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(xb.host(v.grad), [3.0, 3.0])


def test_many_short_lived_views_keep_the_live_ones_in_sync(xb):
    x = xg.tensor([1.0, 2.0, 3.0])
    keep = x[1:]
    for _ in range(140):  # the view list is pruned of dead views as it grows
        x[:2]
    x[...] = xg.tensor([7.0, 8.0, 9.0])
    np.testing.assert_array_equal(xb.host(keep), [8.0, 9.0])


def test_a_write_into_a_base_updates_its_views_tangents(xb):
    def f(a):
        b = a * 1.0
        v = b[:1]
        b[1] = 5.0  # v is replayed from the new b, tangents included
        return v * 2.0

    _, t = jvp(f, (xg.tensor([1.0, 2.0]),), (xg.tensor([3.0, 4.0]),))
    np.testing.assert_array_equal(xb.host(t), [6.0])


# -- tensor methods ------------------------------------------------------------------------------
def test_comparisons_with_unsupported_objects():
    t = xg.tensor([1.0, 2.0])
    assert (t == "abc") is False and (t != "abc") is True
    with pytest.raises(TypeError, match="'<' not supported between instances of 'Tensor' and"):
        t < "abc"


def test_in_place_floor_division():
    x = xg.tensor([3.0, 5.0])
    with pytest.raises(NonDifferentiableError) as exc:
        x //= 2
    assert str(exc.value).startswith("floor_divide (in place) has no useful derivative")
    c = xg.tensor([3.0, 5.0], constant=True)
    c //= 2
    np.testing.assert_array_equal(c.numpy(), [1.0, 2.0])


def test_var_std_reshape_transpose_methods(xb):
    x = xg.tensor([1.0, 2.0, 4.0])
    v = x.var(ddof=1)
    assert float(xb.host(v)) == pytest.approx(7.0 / 3.0)
    v.backward()
    np.testing.assert_allclose(xb.host(x.grad), (np.array([1.0, 2.0, 4.0]) - 7 / 3))
    assert float(xb.host(xg.tensor([1.0, 3.0]).std())) == pytest.approx(1.0)
    m = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert m.reshape((4,)).shape == (4,) and m.reshape(1, 4).shape == (1, 4)
    for t in (m.transpose(), m.transpose((1, 0)), m.transpose(1, 0)):
        np.testing.assert_array_equal(xb.host(t), [[1.0, 3.0], [2.0, 4.0]])


def test_iterating_a_0d_tensor():
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        list(xg.tensor(1.0))
    assert [float(r.sum()) for r in xg.tensor([[1.0, 2.0], [3.0, 4.0]])] == [3.0, 7.0]


# -- copyto --------------------------------------------------------------------------------------
def test_copyto_with_a_tensor_mask_or_false(xb):
    x, src = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0, 30.0])
    y = 2 * x
    xg.copyto(y, src, where=xg.tensor([True, False, True]))
    np.testing.assert_array_equal(xb.host(y), [10.0, 4.0, 30.0])
    (y * xg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 4.0, 0.0])
    np.testing.assert_array_equal(xb.host(src.grad), [1.0, 0.0, 3.0])
    z = 2 * xg.tensor([1.0, 2.0])
    xg.copyto(z, xg.tensor([9.0, 9.0]), where=False)
    np.testing.assert_array_equal(xb.host(z), [2.0, 4.0])


def test_copyto_into_plain_arrays(xb):
    d = xb.array([1.0, 2.0, 3.0])
    xg.copyto(d, [7.0, 8.0, 9.0], where=[True, False, True])
    np.testing.assert_array_equal(xb.host(d), [7.0, 2.0, 9.0])
    xg.copyto(d, xg.tensor([0.0]), where=False)
    np.testing.assert_array_equal(xb.host(d), [7.0, 2.0, 9.0])
    xg.copyto(d, xg.tensor([5.0]))
    np.testing.assert_array_equal(xb.host(d), [5.0, 5.0, 5.0])
    with pytest.raises(TypeError, match="copyto: dst must be a Tensor or an array, got list"):
        xg.copyto([1, 2], [3, 4])


# -- in-place casts, ufunc keywords ----------------------------------------------------------------
def test_in_place_results_are_cast_to_the_target_dtype(xb):
    f32 = xb.backend.dtype("float32")
    x = xg.tensor([1.0, 2.0], dtype="float32")
    y = x * 1.0
    y += xg.tensor([1.0, 2.0])  # a float64 result, written into float32
    assert y.dtype == f32
    np.testing.assert_array_equal(xb.host(y), [2.0, 4.0])
    y.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0])
    c = xg.tensor([1, 2], dtype="int32")
    c += xg.tensor([1, 2], dtype="int64")
    assert c.dtype == xb.backend.dtype("int32")
    np.testing.assert_array_equal(xb.host(c), [2, 4])


def test_in_place_into_integers_refuses_floats(np_only):
    # (array_api_strict refuses to promote int64 with float64 in the first place)
    c = xg.tensor([1, 2])
    with pytest.raises(TypeError) as exc:
        c += xg.tensor([1.5, 2.5])
    assert str(exc.value).startswith(
        "add: cannot cast the result (dtype float64) into a tensor of dtype int64 in place"
    )


def test_ufunc_keywords(xb):
    x = xg.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"add: expected one output, got out=\("):
        xg.add(x, x, out=(xg.zeros(2), xg.zeros(2)))
    y = xg.add(x, x, dtype="float32")
    assert y.dtype == xb.backend.dtype("float32")
    y.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 2.0])
    with pytest.raises(TypeError, match="isnan: out= is not supported; use the returned array"):
        xg.isnan(x, out=xb.array([False, False]))


def test_axis_arguments_must_be_integers():
    x = xg.tensor([[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"axis must be an integer, got 1\.5"):
        xg.moveaxis(x, 1.5, 0)
    with pytest.raises(TypeError, match="axis must be an integer, got 'a'"):
        xg.expand_dims(x, "a")


def test_logical_functions_of_numbers(xb):
    np.testing.assert_array_equal(xb.host(xg.logical_and(xg.tensor([1.0, 0.0]), 1)), [True, False])
    np.testing.assert_array_equal(xb.host(xg.logical_or(0, xg.tensor([2.0, 0.0]))), [True, False])


# -- losses, activations, check_grads ------------------------------------------------------------
def test_softmax_crossentropy_labels(xb):
    scores = np.array([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])
    x = xg.tensor(scores)
    loss = xg.nnet.softmax_crossentropy(x, xg.tensor([0, 2]))
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    assert float(xb.host(loss)) == pytest.approx(-(logp[0, 0] + logp[1, 2]) / 2)
    loss.backward()
    p = np.exp(logp)
    p[[0, 1], [0, 2]] -= 1.0
    np.testing.assert_allclose(xb.host(x.grad), p / 2)
    with pytest.raises(
        TypeError, match="y_true must hold integer class labels, got dtype .*float64"
    ):
        xg.nnet.softmax_crossentropy(x, xb.array([0.0, 2.0]))
    with pytest.raises(ValueError) as exc:
        xg.nnet.softmax_crossentropy(x, [0, 2, 1])
    assert str(exc.value) == (
        "expected scores of shape (N, C) and labels of shape (N,); got (2, 3) and (3,)"
    )
    nll = xg.nnet.negative_log_likelihood(x, [0, 2])
    assert float(xb.host(nll)) == pytest.approx(-(1.0 + 3.0) / 2)


def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match="glu: the size of axis 1 must be even, got 3"):
        xg.nnet.glu(xg.tensor([[1.0, 2.0, 0.5]]), axis=1)


def test_check_grads_arguments():
    check_grads(lambda a: a * a, [0.5, 1.5])  # a list argument
    with pytest.raises(ValueError, match="check_grads: order must be at least 1"):
        check_grads(lambda a: a * a, [0.5], order=0)
    with pytest.raises(ValueError, match="check_grads: unknown mode 'xyz'; use 'rev' and/or 'fwd'"):
        check_grads(lambda a: a * a, [0.5], modes=("rev", "xyz"))
    with pytest.raises(AssertionError):
        wrong = xg.custom_vjp(lambda a: a * a)
        wrong.defvjp(lambda a: (a * a, a), lambda a, g: (3 * a * g,))
        check_grads(wrong, [0.5, 1.5], order=1, modes=("rev",))
