"""Regressions from "Wrong numbers first": bad input gets the error a NumPy, MyGrad or PyTorch
user expects (or the behaviour they expect), never a confusing error or a wrong answer."""

from __future__ import annotations

import gc
import re
from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad import func
from xgrad.nnet import hard_tanh
from xgrad.nnet.losses import negative_log_likelihood


# -- 1. format specs ----------------------------------------------------------------------------
def test_format_spec_on_a_0d_tensor_formats_its_value(np_only: Any) -> None:
    t = mg.tensor(2.0 / 3)
    assert f"{t:.2f}" == "0.67" == f"{np.array(2.0 / 3):.2f}"
    assert f"{mg.tensor(7):>3d}" == "  7"
    assert f"{t}" == str(t) and format(mg.tensor([1.0, 2.0]), "") == "Tensor([1., 2.])"
    with pytest.raises(TypeError, match=r"unsupported format string .*only a 0-d tensor"):
        f"{mg.tensor([1.0, 2.0]):.2f}"


def test_format_spec_on_a_0d_tensor_of_any_backend(xb: Any) -> None:
    # on device backends formatting a 0-d value is an explicit host copy, like float(t): only
    # the n-d refusal and the plain str() are checked off the CPU
    t = mg.tensor([1.0, 2.0])
    assert f"{t}" == str(t)
    with pytest.raises(TypeError, match=r"Tensor.__format__: only a 0-d tensor"):
        f"{t:.2f}"
    with mg.use_backend(xb.backend.name, device=xb.backend.default_device()):  # (CPU)
        assert f"{mg.tensor(0.125):.3f}" == "0.125"


# -- 2. the memory guard's error ----------------------------------------------------------------
_WRITES = {
    "setitem": lambda d: d.__setitem__(0, 5.0),
    "slice-setitem": lambda d: d[1:].__setitem__(0, 5.0),
    "iadd": lambda d: d.__iadd__(1.0),
    "ufunc-out": lambda d: np.multiply(d, 2.0, out=d),
    "ufunc-at": lambda d: np.add.at(d, [0], 1.0),
    "fill": lambda d: d.fill(0.0),
    "copyto": lambda d: np.copyto(d, 0.0),
}


@pytest.mark.parametrize("write", list(_WRITES.values()), ids=list(_WRITES))
def test_writing_into_data_a_graph_saved_says_why_and_how_to_release(
    np_only: Any, write: Any
) -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    y = (x * x).sum()
    with pytest.raises(mg.errors.MemoryGuardError) as info:
        write(x.data)
    assert isinstance(info.value, ValueError)
    msg = str(info.value)
    for needed in ("memory guard", "live graph", "backward()", "clear_graph()", "mem_guard_off"):
        assert needed in msg
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])  # not corrupted


def test_locked_data_reads_as_a_plain_array_and_follows_the_lock(np_only: Any) -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    y = (x * x).sum()
    d = x.data  # taken while the graph holds the memory
    assert isinstance(d, np.ndarray) and not d.flags.writeable
    assert x.data is d  # one view while the graph lives
    assert repr(d) == "array([1., 2., 3.])"
    for result in (d + 1, np.sin(d), d[[0, 1]], d.copy(), np.concatenate([d, d])):
        assert type(result) is np.ndarray
    y.backward()
    assert x.data is x._data  # released: the array itself again
    d[0] = 9.0  # the view taken earlier is writable again too
    assert x.tolist() == [9.0, 2.0, 3.0]
    y2 = (x * x).sum()
    with pytest.raises(mg.errors.MemoryGuardError):
        d[0] = 1.0  # a new graph holds the memory: the old view is refused again
    y2.backward()
    np.testing.assert_array_equal(x.grad, [18.0, 4.0, 6.0])


def test_locked_data_used_in_another_graph_stays_guarded(np_only: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y1 = (x * x).sum()
    y2 = (mg.tensor(3.0) * x.data).sum()  # saves x's memory (through the view) for its own use
    y1.backward()
    with pytest.raises(mg.errors.MemoryGuardError):
        x.data[0] = 5.0
    y2.backward()
    x.data[0] = 5.0


# -- 3. backend and device mismatch advice that works when followed ----------------------------
_CALL = re.compile(r"t\.(to_device\('[^']*', backend='[^']*'\))")


def _follow(msg: str, a: mg.Tensor, b: mg.Tensor) -> int:
    """Apply each suggested move to whichever operand it applies to; count the ops that work."""
    calls = _CALL.findall(msg)
    assert len(calls) == 2, msg
    worked = 0
    for call in calls:
        for i, t in enumerate((a, b)):
            moved = eval(f"t.{call}")
            pair = (moved, b) if i == 0 else (a, moved)
            try:
                out = pair[0] * pair[1]
            except ValueError:
                continue
            worked += 1
            (out.sum()).backward()  # differentiable: the gradient comes back where t was
            assert mg.backends.backend_of(t.grad) is t.backend
    return worked


@pytest.mark.selects_backend
@pytest.mark.parametrize("order", ["numpy-first", "strict-first"])
def test_backend_mismatch_advice_works_when_followed(order: str) -> None:
    pytest.importorskip("array_api_strict")
    x = mg.tensor([1.0, 2.0], backend="numpy")
    y = mg.tensor([3.0, 4.0], backend="array_api_strict", device="device1")
    a, b = (x, y) if order == "numpy-first" else (y, x)
    with pytest.raises(mg.errors.BackendMismatchError) as info:
        a * b
    assert _follow(str(info.value), a, b) == 2  # each call fixes it (moving the other operand)


@pytest.mark.selects_backend
def test_device_mismatch_advice_works_when_followed() -> None:
    pytest.importorskip("array_api_strict")
    a = mg.tensor([1.0, 2.0], backend="array_api_strict", device="device1")
    b = mg.tensor([3.0, 4.0], backend="array_api_strict", device="cpu")
    with pytest.raises(mg.errors.DeviceMismatchError) as info:
        a * b
    assert _follow(str(info.value), a, b) == 2


# -- 4. function transforms inside no_autodiff ---------------------------------------------------
def _cube_sum(x: Any) -> Any:
    return (x**3).sum()


_TRANSFORMS = {
    "grad": lambda x, v: func.grad(_cube_sum)(x),
    "value_and_grad": lambda x, v: func.value_and_grad(_cube_sum)(x)[1],
    "elementwise_grad": lambda x, v: func.elementwise_grad(lambda z: z**3)(x),
    "vjp": lambda x, v: func.vjp(lambda z: z**3, x)[1](v)[0],
    "jvp": lambda x, v: func.jvp(lambda z: z**3, (x,), (v,))[1],
    "hvp": lambda x, v: func.hvp(_cube_sum, (x,), (v,)),
    "jacrev": lambda x, v: func.jacrev(lambda z: z**3)(x),
    "jacfwd": lambda x, v: func.jacfwd(lambda z: z**3)(x),
    "hessian": lambda x, v: func.hessian(_cube_sum)(x),
    "hessian-fwd-rev": lambda x, v: func.hessian(_cube_sum, mode="fwd-rev")(x),
    "grad-of-grad": lambda x, v: func.grad(lambda z: func.grad(_cube_sum)(z).sum())(x),
}


@pytest.mark.parametrize("call", list(_TRANSFORMS.values()), ids=list(_TRANSFORMS))
def test_transforms_work_inside_no_autodiff(xb: Any, call: Any) -> None:
    """As torch.func's transforms ignore an enclosing torch.no_grad: the same results, of the
    same types, and no graph left behind."""
    x, v = xb.array([1.0, 2.0]), xb.array([1.0, 0.5])
    expected = call(x, v)
    with mg.no_autodiff:
        got = call(x, v)
        assert not mg.is_grad_enabled()
    assert type(got) is type(expected)
    np.testing.assert_allclose(xb.host(got), xb.host(expected))
    t = mg.tensor([1.0, 2.0])
    with mg.no_autodiff:
        got_t = call(t, v)
    assert isinstance(got_t, mg.Tensor) and got_t.creator is None
    np.testing.assert_allclose(xb.host(got_t), xb.host(expected))


def test_transforms_inside_no_autodiff_leave_no_graph(np_only: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    w = mg.tensor([3.0, 4.0])
    with mg.no_autodiff:
        (value, aux), g = func.value_and_grad(lambda z: ((w * z**2).sum(), z * 2), has_aux=True)(x)
    np.testing.assert_allclose(g.data, [6.0, 16.0])
    assert value.creator is None and aux.creator is None and g.creator is None
    assert x.data.flags.writeable and w.data.flags.writeable  # nothing holds their memory
    with mg.no_autodiff:
        out, vjp_fn = func.vjp(lambda z: w * z, x)
    assert out.creator is None
    ct = vjp_fn(np.ones(2))[0]  # called outside: still no graph
    assert ct.creator is None and ct.tolist() == [3.0, 4.0]
    del vjp_fn  # it held the graph (w is saved for it), as outside no_autodiff
    gc.collect()
    assert w.data.flags.writeable


def test_no_autodiff_inside_the_function_is_named_in_the_error(xb: Any) -> None:
    def f(z: Any) -> Any:
        with mg.no_autodiff:
            return (z * z).sum()

    with pytest.raises(mg.errors.DisconnectedGradientError, match="no_autodiff"):
        func.grad(f)(xb.array([1.0, 2.0]))


# -- 5. negative_log_likelihood's weights ------------------------------------------------------
@pytest.mark.parametrize(
    ("weights", "shape"),
    [([1.0, 2.0, 3.0], (3,)), ([[1.0, 2.0]], (1, 2)), (2.0, ()), ("tensor-3", (3,))],
)
def test_nll_weights_must_be_one_per_class(xb: Any, weights: Any, shape: tuple) -> None:
    if weights == "tensor-3":
        weights = mg.tensor([1.0, 2.0, 3.0])
    x = mg.tensor([[-1.0, -2.0], [-3.0, -4.0]])
    with pytest.raises(
        ValueError,
        match=re.escape(f"expected shape (2,) for scores with 2 classes, got shape {shape}"),
    ):
        negative_log_likelihood(x, xb.array([0, 1]), weights=weights)
    loss = negative_log_likelihood(x, xb.array([0, 1]), weights=[2.0, 1.0])
    np.testing.assert_allclose(xb.host(loss), 3.0)


# -- 6. hard_tanh bounds and ndmin are checked ---------------------------------------------------
@pytest.mark.parametrize("bad", [None, "1", [1.0, 2.0]])
def test_hard_tanh_bounds_must_be_real_scalars(xb: Any, bad: Any) -> None:
    x = mg.tensor([0.5, 2.0])
    with pytest.raises(TypeError, match=r"`lower_bound` must be a real-valued scalar, got "):
        hard_tanh(x, lower_bound=bad)
    with pytest.raises(TypeError, match=r"`upper_bound` must be a real-valued scalar, got "):
        hard_tanh(x, upper_bound=bad)


@pytest.mark.parametrize("ndmin", [2.0, 1.5, "2", None])
def test_ndmin_must_be_an_integer(xb: Any, ndmin: Any) -> None:
    msg = re.escape(f"ndmin must be an integer, got {ndmin!r}")
    with pytest.raises(TypeError, match=msg):
        mg.tensor([1.0], ndmin=ndmin)
    with pytest.raises(TypeError, match=msg):
        mg.Tensor([1.0], ndmin=ndmin)
    t = mg.tensor([1.0])
    with pytest.raises(TypeError, match=msg):
        mg.tensor(t, copy=False, ndmin=ndmin)  # the no-copy shortcut checks it too
    assert mg.tensor([1.0], ndmin=np.int64(2)).shape == (1, 1)


# -- 7. hard_tanh with inverted bounds follows MyGrad ---------------------------------------------
def test_hard_tanh_with_lower_above_upper_is_the_lower_bound(xb: Any) -> None:
    x = mg.tensor([-2.0, -1.0, 0.0, 1.0, 2.0])
    y = hard_tanh(x, lower_bound=1.0, upper_bound=-1.0)
    y.backward()
    np.testing.assert_array_equal(xb.host(y), [1.0] * 5)  # maximum(lower, minimum(x, upper))
    np.testing.assert_array_equal(xb.host(x.grad), [0.0] * 5)
    # bounds per element: the same rule wherever they are inverted
    x = mg.tensor([-2.0, 0.5, 2.0])
    y = hard_tanh(x, lower_bound=xb.array([-1.0, 1.0, -1.0]), upper_bound=xb.array([1.0, 0.0, 1.0]))
    y.backward()
    np.testing.assert_array_equal(xb.host(y), [-1.0, 1.0, 1.0])
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 0.0, 0.0])


def test_hard_tanh_inverted_bounds_match_mygrad(np_only: Any) -> None:
    mygrad = pytest.importorskip("mygrad")
    data = np.array([-3.0, -1.0, -0.2, 0.0, 0.7, 1.0, 4.0])
    for lo, hi in [(-1.0, 1.0), (1.0, -1.0), (2.0, 0.5)]:
        x, xm = mg.tensor(data), mygrad.tensor(data)
        y = hard_tanh(x, lower_bound=lo, upper_bound=hi)
        ym = mygrad.nnet.hard_tanh(xm, lower_bound=lo, upper_bound=hi)
        y.backward()
        ym.backward()
        np.testing.assert_array_equal(y.data, ym.data)
        np.testing.assert_array_equal(x.grad, xm.grad)


# -- 8. axes out of range raise NumPy's AxisError -----------------------------------------------
_AXIS_CALLS = {
    "sum": lambda t: mg.sum(t, axis=3),
    "mean-negative": lambda t: mg.mean(t, axis=-3),
    "max-tuple": lambda t: t.max(axis=(0, 3)),
    "cumsum": lambda t: t.cumsum(3),
    "softmax": lambda t: mg.nnet.softmax(t, axis=3),
    "expand_dims": lambda t: mg.expand_dims(t, 4),
    "moveaxis": lambda t: mg.moveaxis(t, 0, 3),
    "concatenate": lambda t: mg.concatenate([t, t], axis=3),
    "np.sum": lambda t: np.sum(t, axis=3),
    "norm": lambda t: mg.linalg.norm(t, axis=3),
    "vecdot": lambda t: mg.linalg.vecdot(t, t, axis=3),
}


@pytest.mark.parametrize("call", list(_AXIS_CALLS.values()), ids=list(_AXIS_CALLS))
def test_axis_out_of_range_raises_numpys_axis_error(xb: Any, call: Any) -> None:
    t = mg.ones((2, 3))
    with pytest.raises(np.exceptions.AxisError, match="out of bounds") as info:
        call(t)
    assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)


def test_axis_error_message_and_name_are_numpys(xb: Any) -> None:
    assert mg.errors.AxisError is np.exceptions.AxisError
    with pytest.raises(mg.errors.AxisError) as info:
        mg.sum(mg.tensor([1.0, 2.0]), axis=3)
    assert str(info.value) == "axis 3 is out of bounds for array of dimension 1"
    with pytest.raises(mg.errors.AxisError, match=r"^axis1: axis 4 is out of bounds"):
        mg.diagonal(mg.ones((2, 2)), axis1=4)


# -- 9. full with an array fill value -------------------------------------------------------------
def test_full_broadcasts_a_tensor_fill_value(xb: Any) -> None:
    y = mg.full((2, 2), mg.tensor([3.0, 4.0], constant=True))
    assert y.backend is xb.backend and y.device == xb.device
    np.testing.assert_array_equal(xb.host(y), [[3.0, 4.0], [3.0, 4.0]])
    np.testing.assert_array_equal(xb.host(mg.full((2, 2), [3, 4])), np.full((2, 2), [3, 4]))
    np.testing.assert_array_equal(xb.host(mg.full(3, mg.tensor(2.0))), [2.0, 2.0, 2.0])
    like = mg.full_like(mg.zeros((2, 2)), mg.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(xb.host(like), [[1.0, 2.0], [1.0, 2.0]])


def test_full_is_differentiable_in_a_tensor_fill_value(xb: Any) -> None:
    w = mg.tensor([[1.0], [2.0]])
    y = mg.full((2, 3), w)
    assert not y.constant and y.creator is not None
    (y * mg.arange(6.0).reshape(2, 3)).sum().backward()
    np.testing.assert_array_equal(xb.host(w.grad), [[3.0], [12.0]])  # summed back, as JAX
    w = mg.tensor([1.0, 2.0])
    c = mg.full((2, 2), w, constant=True)
    assert c.constant and c.creator is None
    w = mg.tensor(5.0)
    mg.full((4,), w, dtype="float32").sum().backward()
    np.testing.assert_array_equal(xb.host(w.grad), 4.0)


def test_full_with_a_fill_of_the_wrong_shape_names_both(xb: Any) -> None:
    for fill in (mg.tensor([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]):
        with pytest.raises(
            ValueError, match=re.escape("shape (3,) cannot be broadcast to the shape (2, 2)")
        ):
            mg.full((2, 2), fill)


def test_take_along_axis_none_needs_1d_indices_as_numpy() -> None:
    # was: silently took along the flattened array and returned a 2-d result
    a = mg.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    with pytest.raises(ValueError, match="indices must be 1-d"):
        mg.take_along_axis(a, np.array([[1], [2]]), axis=None)
    out = mg.take_along_axis(a, np.array([1, 4]), axis=None)
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [1.0, 5.0])
    np.testing.assert_array_equal(a.grad, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])


def test_power_gradient_at_zero_to_the_zero_does_not_warn(xb) -> None:
    # was: RuntimeWarning (divide by zero, invalid value) from 0 ** -1 before the mask
    import warnings

    a, b = mg.tensor([0.0, 2.0]), mg.tensor([0.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = mg.power(a, b)
        y.backward()
    np.testing.assert_array_equal(xb.host(a.grad), [0.0, 12.0])
    np.testing.assert_allclose(xb.host(b.grad), [0.0, 8.0 * np.log(2.0)])


def test_xlogy_and_xlog1py_differentiate_in_x_at_x_zero(xb) -> None:
    # was: where(x == 0, 0, ...) also zeroed d/dx there; it is log(y) (log1p(y)) for y in domain
    xp = mg.array_api.namespace(xb.backend.name)
    x, y = mg.tensor([0.0, 1.0, 0.0, 0.0]), mg.tensor([0.5, 0.5, 0.0, -1.0])
    v = xp.special.xlogy(x, y)
    v.sum().backward()
    np.testing.assert_array_equal(xb.host(v), [0.0, np.log(0.5), 0.0, 0.0])
    assert not np.signbit(xb.host(v)[0])  # SciPy's +0
    np.testing.assert_allclose(xb.host(x.grad), [np.log(0.5), np.log(0.5), 0.0, 0.0])
    np.testing.assert_allclose(xb.host(y.grad), [0.0, 2.0, 0.0, 0.0])
    x, y = mg.tensor([0.0, 1.0, 0.0]), mg.tensor([0.5, 0.5, -1.0])
    v = xp.special.xlog1py(x, y)
    v.sum().backward()
    np.testing.assert_allclose(xb.host(v), [0.0, np.log1p(0.5), 0.0])
    np.testing.assert_allclose(xb.host(x.grad), [np.log1p(0.5), np.log1p(0.5), 0.0])
