"""One test per row of docs/semantics.md's tables (graph and gradient semantics, and where xgrad
deliberately differs from MyGrad), on every backend."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.errors import NonDifferentiableError


def grad(xb: Any, t: mg.Tensor) -> np.ndarray:
    return xb.host(t.grad)


# -- graph and gradient semantics ----------------------------------------------------------------
def test_broadcasting_sums_gradients_back_and_0d_grad_is_0d_array(xb: Any) -> None:
    x = mg.tensor([[1.0, 2.0, 3.0]])  # (1, 3)
    y = mg.tensor([[1.0], [2.0]])  # (2, 1)
    s = mg.tensor(2.0)
    (x * y * s).backward()
    np.testing.assert_array_equal(grad(xb, x), [[6.0, 6.0, 6.0]])
    np.testing.assert_array_equal(grad(xb, y), [[12.0], [12.0]])
    assert grad(xb, s) == 18.0
    assert isinstance(s.grad, xb.backend.array_type)
    assert s.grad.shape == ()


def test_reuse_accumulates_every_path(xb: Any) -> None:
    x = mg.tensor([1.0, -2.0, 3.0])
    (x * x + x).backward()
    np.testing.assert_array_equal(grad(xb, x), 2 * np.array([1.0, -2.0, 3.0]) + 1)


def test_non_scalar_backward_seeds_ones(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    (x**2).backward()
    np.testing.assert_array_equal(grad(xb, x), [2.0, 4.0])
    x2 = mg.tensor([1.0, 2.0])
    (x2**2).sum().backward()
    np.testing.assert_array_equal(grad(xb, x2), grad(xb, x))


def test_broadcastable_seed_is_accepted_and_incompatible_raises(xb: Any) -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    (2 * x).backward(xb.array([1.0, 10.0]))
    np.testing.assert_array_equal(grad(xb, x), [[2.0, 20.0], [2.0, 20.0]])
    y = 2 * mg.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="does not broadcast"):
        y.backward(xb.array([1.0, 2.0, 3.0]))
    assert y.creator is not None  # the failed call left the graph alone
    y.backward(3.0)
    assert grad(xb, y).tolist() == [3.0, 3.0]


def test_every_tensor_in_the_graph_gets_a_grad(xb: Any) -> None:
    x = mg.tensor(2.0)
    w = x * 3.0
    f = w**2
    f.backward()
    assert grad(xb, f) == 1.0
    assert grad(xb, w) == 2 * 6.0
    assert grad(xb, x) == 2 * 6.0 * 3.0


def test_grad_is_none_before_backward(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y = x * 2
    assert x.grad is None and y.grad is None


def test_backward_consumes_the_graph(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    f = x * x
    assert f.creator is not None
    f.backward()
    assert f.creator is None
    first = grad(xb, x)
    f.backward()  # a repeat does not reach the inputs again
    np.testing.assert_array_equal(grad(xb, x), first)
    assert grad(xb, f).tolist() == [1.0, 1.0]


def test_backward_through_a_graph_freed_by_an_earlier_backward_raises(xb: Any) -> None:
    x = mg.tensor(2.0)
    y = x * 2
    f1, f2 = y + 1, y * 3
    f1.backward()
    with pytest.raises(mg.errors.GraphConsumedError, match="retain_graph"):
        f2.backward()


def test_retain_graph_allows_a_second_backward(xb: Any) -> None:
    x = mg.tensor(2.0)
    y = x * 2
    f1, f2 = y + 1, y * 3
    f1.backward(retain_graph=True)
    assert grad(xb, x) == 2.0
    f2.backward()
    assert grad(xb, x) == 6.0


def test_using_a_tensor_in_a_new_op_nulls_its_stale_grad(xb: Any) -> None:
    x = mg.tensor(2.0)
    (x * x).backward()
    assert x.grad is not None
    _ = x + 1
    assert x.grad is None


def test_grad_is_a_plain_backend_array_acting_as_a_constant(xb: Any) -> None:
    x = mg.tensor(2.0)
    ((x - 8.0) ** 2).backward()
    assert not isinstance(x.grad, mg.Tensor)
    assert isinstance(x.grad, xb.backend.array_type)
    x2 = x - 0.3 * x.grad
    x2.backward()
    assert grad(xb, x) == 1.0  # d(x - c)/dx: the grad term was a constant


def test_gradient_descent_loop_from_the_tutorial(xb: Any) -> None:
    x = mg.Tensor(-1.5)
    for _ in range(10):
        f = (x - 8.0) ** 2
        f.backward()
        x = x - 0.3 * x.grad
    assert abs(xb.host(x) - (8 - 9.5 * 0.4**10)) < 1e-12


def test_integer_and_bool_tensors_are_constant(xb: Any) -> None:
    assert mg.tensor([1, 2]).constant
    assert mg.tensor([True, False]).constant
    assert not mg.tensor([1.0]).constant
    with pytest.raises(ValueError, match="always constant"):
        mg.tensor([1, 2], constant=False)


def test_arrays_and_scalars_are_constants_and_results_constant_iff_inputs_are(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    c = mg.tensor([1.0, 2.0], constant=True)
    assert (c * 2).constant
    assert (c * xb.array([1.0, 2.0])).constant
    assert not (c * x).constant
    y = x * xb.array([3.0, 4.0])
    y.backward()
    np.testing.assert_array_equal(grad(xb, x), [3.0, 4.0])
    assert c.grad is None
    assert mg.exp(xb.array([0.0])).constant  # no tensor inputs at all


def test_in_place_ops_are_graph_nodes(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    y = x * 1.0
    before = y
    earlier = y * 10  # uses the pre-mutation value
    y *= x  # y = x * x
    assert y is before  # the name (and object) now hold the post-mutation value
    np.testing.assert_array_equal(xb.host(y), [1.0, 4.0, 9.0])
    np.testing.assert_array_equal(xb.host(earlier), [10.0, 20.0, 30.0])
    y.backward()
    np.testing.assert_array_equal(grad(xb, x), [2.0, 4.0, 6.0])


def test_augmented_assignment_on_a_leaf(xb: Any) -> None:
    x = mg.tensor(3.0)
    alias = x
    x += 1
    assert alias is x and xb.host(x) == 4.0
    x.backward()
    assert grad(xb, x) == 1.0


@pytest.mark.parametrize(
    "op, expected",
    [("+=", 1.0), ("-=", 1.0), ("*=", 2.0), ("/=", 0.5), ("**=", 2 * 3.0)],
)
def test_every_augmented_operator(xb: Any, op: str, expected: float) -> None:
    x = mg.tensor(3.0)
    y = x * 1.0
    exec(f"y {op} 2.0")
    y.backward()
    assert grad(xb, x) == pytest.approx(expected)


def test_no_autodiff_context_and_decorator(xb: Any) -> None:
    x = mg.tensor(2.0)
    with mg.no_autodiff:
        y = x * 3
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    assert y.creator is None
    assert x.grad is None

    @mg.no_autodiff
    def f(t: mg.Tensor) -> mg.Tensor:
        return t**2

    z = f(x)
    assert z.creator is None
    z.backward()  # a fresh leaf: only itself gets a gradient
    assert x.grad is None


# -- ties and kinks --------------------------------------------------------------------------------
def test_max_and_min_share_the_gradient_equally_among_ties(xb: Any) -> None:
    x = mg.tensor([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]])
    mg.max(x, axis=1).backward()
    np.testing.assert_array_equal(grad(xb, x), [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    x = mg.tensor([3.0, 1.0, 1.0, 1.0])
    x.min().backward()
    np.testing.assert_allclose(grad(xb, x), [0, 1 / 3, 1 / 3, 1 / 3])
    x = mg.tensor([2.0, 2.0])
    mg.max(x, keepdims=True).backward()
    np.testing.assert_array_equal(grad(xb, x), [0.5, 0.5])
    x = mg.tensor([1.0, np.nan, 3.0, np.nan])  # a NaN maximum: shared by the NaNs
    mg.max(x).backward()
    np.testing.assert_array_equal(grad(xb, x), [0, 0.5, 0, 0.5])


def test_maximum_minimum_split_a_tie_evenly(xb: Any) -> None:
    a, b = mg.tensor([1.0, 2.0]), mg.tensor([1.0, 1.0])
    mg.maximum(a, b).backward()
    np.testing.assert_array_equal(grad(xb, a), [0.5, 1.0])
    np.testing.assert_array_equal(grad(xb, b), [0.5, 0.0])
    a, b = mg.tensor([1.0, 2.0]), mg.tensor([1.0, 1.0])
    mg.minimum(a, b).backward()
    np.testing.assert_array_equal(grad(xb, a), [0.5, 0.0])
    np.testing.assert_array_equal(grad(xb, b), [0.5, 1.0])


def test_ties_of_an_input_with_itself_keep_its_derivative(xb: Any) -> None:
    # the regressions: np.minimum(x, x) had derivative 0, sum(maximum(A, A.T)) lost the
    # diagonal, and a clamp applied twice (maximum of an already clamped value) lost it too
    x = mg.tensor([1.0, -2.0])
    np.minimum(x, x).sum().backward()
    np.testing.assert_array_equal(grad(xb, x), [1.0, 1.0])
    a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    np.maximum(a, a.T).sum().backward()
    np.testing.assert_array_equal(grad(xb, a), [[1.0, 0.0], [2.0, 1.0]])
    x = mg.tensor([-0.5, 0.5, 2.0])
    lo = mg.tensor(0.0)
    np.maximum(np.maximum(x, lo), lo).sum().backward()
    np.testing.assert_array_equal(grad(xb, x), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(grad(xb, lo), 1.0)


def test_clip_at_the_bounds_and_abs_at_zero_have_zero_gradient(xb: Any) -> None:
    x = mg.tensor([-1.0, 0.0, 0.5, 1.0, 2.0])
    mg.clip(x, -1.0, 1.0).backward()
    np.testing.assert_array_equal(grad(xb, x), [0, 1, 1, 0, 0])
    x = mg.tensor([-2.0, 0.0, 3.0])
    abs(x).backward()
    np.testing.assert_array_equal(grad(xb, x), [-1, 0, 1])


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_masked_off_gradient_is_zero_even_when_the_upstream_one_is_not_finite(
    xb: Any, bad: float
) -> None:
    # kink rules (relu, maximum, clip) pass the gradient where a mask holds and 0 elsewhere;
    # a multiply by the mask would turn an inf or nan upstream gradient into nan there
    x = mg.tensor([[-1.0, 2.0, 0.0, 3.0]])
    w = mg.tensor([[bad, 1.0, bad, 2.0]], constant=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the forward pass's own 0 * inf
        y = mg.sum(mg.nnet.relu(x) * w)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the backward pass must not warn about its masking
        y.backward()
    np.testing.assert_array_equal(grad(xb, x), [[0.0, 1.0, 0.0, 2.0]])
    x = mg.tensor([-1.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = mg.sum(mg.clip(x, 0.0, 1.0) * mg.tensor([bad, 3.0, bad], constant=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.backward()
    np.testing.assert_array_equal(grad(xb, x), [0.0, 3.0, 0.0])


# -- IEEE ------------------------------------------------------------------------------------------
def test_ieee_results_with_numpys_warnings_never_exceptions(xb: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        x = mg.tensor([0.0, 4.0])
        mg.sqrt(x).backward()
        np.testing.assert_array_equal(grad(xb, x), [np.inf, 0.25])
        z = mg.tensor([0.0, 1.0])
        y = mg.log(z)
        assert xb.host(y)[0] == -np.inf
        y.backward()
        np.testing.assert_array_equal(grad(xb, z), [np.inf, 1.0])
        d = mg.tensor([1.0, -1.0]) / mg.tensor([0.0, 0.0])
        np.testing.assert_array_equal(xb.host(d), [np.inf, -np.inf])


def test_numpy_backend_warns_like_numpy(np_only: Any) -> None:
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        mg.log(mg.tensor(0.0))


# -- NumPy dispatch --------------------------------------------------------------------------------
def test_numpy_ufuncs_and_functions_return_tensors(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    for out in (np.exp(x), np.add(x, 1), np.sum(x), np.mean(x, axis=0), np.sinc(x)):
        assert isinstance(out, mg.Tensor)


def test_boolean_ufuncs_return_plain_arrays_and_operators_constant_tensors(xb: Any) -> None:
    x = mg.tensor([1.0, np.nan])
    for out in (np.isnan(x), np.less(x, 2), np.logical_not(x), mg.greater(x, 0)):
        assert isinstance(out, xb.backend.array_type)
    # the array API standard's operators return the array type they were called on
    for out in (x > 0, x == x, (x > 0) & (x < 2), ~(x > 0), (x > 0) | (x > 1)):
        assert isinstance(out, mg.Tensor) and out.constant
        assert out.dtype == xb.backend.dtype("bool")
    if xb.name != "dask":  # a lazy mask's count is unknown: it raises there (test_dask.py)
        np.testing.assert_array_equal(xb.host(x[x > 0]), [1.0])  # still an index


def test_rounding_ufuncs_on_constants_give_arrays_and_raise_on_variables(xb: Any) -> None:
    c = mg.tensor([1.5, -2.5], constant=True)
    v = mg.tensor([1.5, -2.5])
    for f in (np.floor, np.ceil, np.trunc, np.rint, np.sign):
        assert isinstance(f(c), xb.backend.array_type)
        with pytest.raises(NonDifferentiableError, match=f.__name__):
            f(v)
    with pytest.raises(ValueError):
        v // 2


def test_unsupported_numpy_function_names_itself(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="numpy.*nanmean"):
        np.nanmean(x)
    with pytest.raises(TypeError, match=r"numpy\.equal\.outer"):
        np.equal.outer(x, x)  # a non-differentiable function: no ufunc methods
    assert isinstance(np.add.outer(x, x), mg.Tensor)  # xgrad.add is a ufunc object


# -- where xgrad deliberately differs from MyGrad --------------------------------------------------
def test_numpy2_promotion_python_scalars_are_weak(xb: Any) -> None:
    f32 = mg.tensor([1.0], dtype="float32")
    assert (f32 * 2.0).dtype == f32.dtype
    i8 = mg.tensor([1], dtype="int8")
    assert (i8 + 1).dtype == i8.dtype
    (f32 * 2.0).backward()
    assert f32.grad.dtype == f32.dtype


def test_creation_defaults_to_float64(xb: Any) -> None:
    for t in (mg.zeros(2), mg.ones(2), mg.empty(2), mg.full(2, 1.0)):
        assert t.dtype == xb.backend.dtype("float64")


def test_writing_a_variable_into_a_constant_makes_it_differentiable(xb: Any) -> None:
    c = mg.tensor([1.0, 2.0], constant=True)
    x = mg.tensor([1.0, 2.0])
    c *= x
    assert not c.constant
    c.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 2.0])
    a = mg.zeros(3, constant=True)  # what array-API code does: fill a constant result
    t = mg.tensor([5.0, 6.0])
    a[1:] = t
    (a * a).sum().backward()
    np.testing.assert_array_equal(xb.host(a), [0.0, 5.0, 6.0])
    np.testing.assert_array_equal(xb.host(t.grad), [10.0, 12.0])
    base = mg.zeros((2, 2), constant=True)
    row = base[0]  # a view of a constant: the write reaches the base, and both follow it
    row[...] = t
    assert not base.constant and not row.constant
    base.sum().backward()
    np.testing.assert_array_equal(xb.host(t.grad), [1.0, 1.0])
    np.testing.assert_array_equal(xb.host(row.grad), [1.0, 1.0])


def test_operators_mygrad_lacks(xb: Any) -> None:
    t = mg.tensor([-1.5, 2.5], constant=True)
    np.testing.assert_array_equal(xb.host(abs(t)), [1.5, 2.5])
    np.testing.assert_array_equal(xb.host(t % 2), [0.5, 0.5])
    assert isinstance(np.sinc(mg.tensor([0.5])), mg.Tensor)


def test_bool_float_int_of_a_tensor(np_only: Any) -> None:
    # host synchronisations: fine when asked for (on device1 they raise, by design of the suite)
    assert bool(mg.tensor(1.0)) is True
    assert bool(mg.tensor([0.0])) is False
    assert float(mg.tensor(2.5)) == 2.5
    assert int(mg.tensor(3)) == 3
    with pytest.raises(ValueError, match="ambiguous"):
        bool(mg.tensor([1.0, 2.0]))


def test_where_takes_any_nonzero_condition_as_true(np_only: Any) -> None:
    # NumPy's where treats 2 like True; the gradient passes once, not scaled by the value
    a = mg.tensor([1.0, 2.0, 3.0])
    b = mg.tensor([4.0, 5.0, 6.0])
    mg.where(np.array([2, 0, -1]), a, b).backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.0, 1.0, 0.0])


# -- regressions: wrong numbers, aliasing and crashes found against MyGrad and NumPy -----------
def test_remainder_fmod_divmod_are_differentiable(xb: Any) -> None:
    x, y = mg.tensor([5.0, -7.0]), mg.tensor([3.0, 2.0])
    np.remainder(x, y).sum().backward()
    np.testing.assert_array_equal(grad(xb, x), [1.0, 1.0])
    np.testing.assert_array_equal(grad(xb, y), [-1.0, 4.0])  # -(x // y)
    x, y = mg.tensor([5.0, -7.0]), mg.tensor([3.0, 2.0])
    np.fmod(x, y).sum().backward()
    np.testing.assert_array_equal(grad(xb, x), [1.0, 1.0])
    np.testing.assert_array_equal(grad(xb, y), [-1.0, 3.0])  # -trunc(x / y)
    x = mg.tensor([5.0, -7.0])
    q, r = np.divmod(x, 3.0)
    assert isinstance(q, xb.backend.array_type) and isinstance(r, mg.Tensor)
    np.testing.assert_array_equal(xb.host(q), [1.0, -3.0])
    r.backward()
    np.testing.assert_array_equal(grad(xb, x), [1.0, 1.0])
    z = mg.tensor([5.0, 7.0])
    w = z * 1.0
    w %= 3.0  # in place, a graph node
    w.backward()
    np.testing.assert_array_equal(xb.host(w), [2.0, 1.0])
    np.testing.assert_array_equal(grad(xb, z), [1.0, 1.0])


def test_backward_does_not_alias_the_seed(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y = x + 1.0  # add passes its gradient through unchanged
    seed = xb.array([1.0, 1.0])
    y.backward(seed)
    seed[0] = 100.0
    np.testing.assert_array_equal(grad(xb, x), [1.0, 1.0])
    np.testing.assert_array_equal(grad(xb, y), [1.0, 1.0])


def test_backward_from_a_constant_frees_the_graph_it_came_from(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y = x * x
    c = mg.multiply(y, 3.0, constant=True)
    assert c.creator is not None and y.creator is not None
    c.backward()
    assert y.creator is None and c.grad is None and x.grad is None
    if xb.name == "numpy":
        x.data[0] = 5.0  # no longer locked by y's graph
    y = x * x
    c = mg.multiply(y, 3.0, constant=True)
    c.clear_graph()
    assert y.creator is None


def test_repeat_honours_constant_and_takes_a_0d_tensor_with_an_axis(xb: Any) -> None:
    t = mg.tensor([[1.0, 2.0]])
    assert mg.repeat(t, (1, 2), axis=1, constant=True).constant
    assert not mg.repeat(t, (1, 2), axis=1).constant
    x = mg.tensor(2.0)
    y = mg.repeat(x, 3, axis=0)
    y.backward()
    np.testing.assert_array_equal(xb.host(y), [2.0, 2.0, 2.0])
    assert grad(xb, x) == 3.0
    np.testing.assert_array_equal(xb.host(mg.repeat(mg.tensor([1.0, 2.0]), [2])), [1, 1, 2, 2])


def test_pickling_keeps_the_gradient(xb: Any) -> None:
    import pickle

    x = mg.tensor([1.0, 2.0])
    (x * x).sum().backward()
    y = pickle.loads(pickle.dumps(x))
    assert y.backend is xb.backend and not y.constant
    np.testing.assert_array_equal(grad(xb, y), [2.0, 4.0])
    assert pickle.loads(pickle.dumps(mg.tensor([1.0]))).grad is None
    assert y.device == x.device
    if xb.name == "strict":  # back on the device it was pickled from, not the default one
        with mg.use_backend("array_api_strict", device="cpu"):
            assert pickle.loads(pickle.dumps(x)).device == x.device


def test_valid_calls_that_used_to_crash(xb: Any) -> None:
    bound = xb.array([1.0, 3.0])
    np.testing.assert_array_equal(xb.host(mg.clip(2.0, bound, 5.0)), [2.0, 3.0])
    lo = mg.tensor([1.0, 3.0])
    mg.clip(2.0, lo, 5.0).backward()
    np.testing.assert_array_equal(grad(xb, lo), [0.0, 1.0])
    r = mg.roll(mg.arange(4.0), (1, 2), axis=None)  # the shifts add up, as NumPy's
    np.testing.assert_array_equal(xb.host(r), np.roll(np.arange(4.0), (1, 2), axis=None))
    with pytest.raises(ValueError, match="at least one dimension"):
        mg.tensor([1.0, 2.0]) @ 2.0
    with pytest.raises(ValueError, match="at least one dimension"):
        2.0 @ mg.tensor([1.0, 2.0])


@pytest.mark.parametrize("name", ["std", "var"])
def test_a_nan_statistic_has_a_nan_gradient(xb: Any, name: str) -> None:
    for shape, axis, ddof in [((1,), None, 1), ((3, 1), 1, 1), ((2,), None, 2)]:
        x = mg.tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            y = getattr(mg, name)(x, axis=axis, ddof=ddof)
            y.backward()
        assert not np.isfinite(xb.host(y)).any()
        assert not np.isfinite(grad(xb, x)).any(), (shape, axis, ddof)
    x = mg.tensor([2.0])
    getattr(mg, name)(x).backward()  # ddof=0 over one element: 0 for every x
    np.testing.assert_array_equal(grad(xb, x), [0.0])


def test_kinks_take_one_sides_derivative_as_pytorch(xb: Any) -> None:
    # docs/semantics.md's kink row: abs and relu 0, leaky_relu the slope, elu/selu the left
    from xgrad.nnet.activations import elu, leaky_relu, relu, selu

    cases = [
        (mg.absolute, 0.0),
        (relu, 0.0),
        (lambda t: leaky_relu(t, 0.1), 0.1),
        (lambda t: elu(t, 0.5), 0.5),
        (selu, 1.0507009873554805 * 1.6732632423543772),
    ]
    for f, want in cases:
        x = mg.tensor([0.0])
        f(x).backward()
        np.testing.assert_allclose(grad(xb, x), [want], rtol=1e-12)


def test_fmod_is_exact_at_multiples_on_every_backend(xb: Any) -> None:
    x, b = mg.tensor([4.5, 1.0, -4.5]), mg.tensor([0.9, 0.1, 0.9])
    r = mg.fmod(x, b)
    r.sum().backward()
    np.testing.assert_array_equal(xb.host(r), np.fmod([4.5, 1.0, -4.5], [0.9, 0.1, 0.9]))
    np.testing.assert_array_equal(xb.host(b.grad), [-4.0, -9.0, 4.0])
    ints = mg.fmod(mg.tensor([5, -7]), mg.tensor([3, 2]))
    np.testing.assert_array_equal(xb.host(ints), [2, -1])


def test_where_takes_a_numeric_condition_on_every_backend(xb: Any) -> None:
    out = mg.where(mg.tensor([2, 0]), mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0]))
    np.testing.assert_array_equal(xb.host(out), [1.0, 4.0])


def test_statistics_of_integers_and_numpy_scalars_on_every_backend(xb: Any) -> None:
    ints = mg.tensor([1, 2])
    assert xb.host(mg.mean(ints)) == 1.5 and xb.host(mg.std(ints)) == 0.5
    assert xb.host(mg.var(ints)) == 0.25
    t = mg.tensor([1.0, 2.0])
    np.testing.assert_allclose(xb.host(t * np.float64(2.0)), [2.0, 4.0])
    np.testing.assert_allclose(xb.host(np.sqrt(2.0) * t), [np.sqrt(2.0), 2 * np.sqrt(2.0)])


def test_data_can_be_replaced_as_in_mygrad(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    (x * x).sum().backward()
    x.data -= 0.5 * x.grad  # the MyGrad SGD step, in place
    np.testing.assert_array_equal(xb.host(x), [0.0, 0.0])
    x.data = xb.array([5.0, 6.0])
    np.testing.assert_array_equal(xb.host(x), [5.0, 6.0])
    np.testing.assert_array_equal(grad(xb, x), [2.0, 4.0])  # a leaf keeps its gradient
    y = x * 2
    y.data = xb.array([1.0, 1.0])  # a computed tensor becomes a new leaf
    assert y.creator is None
    (y * y).sum().backward()
    np.testing.assert_array_equal(grad(xb, y), [2.0, 2.0])
    with pytest.raises(ValueError, match="view"):
        x[:1].data = xb.array([0.0])


def test_divmod_refuses_out_with_a_clear_message(xb: Any) -> None:
    _, r = mg.divmod(mg.tensor([1.0]), 0.7, out=(None, None))  # MyGrad's (and NumPy's) default
    assert isinstance(r, mg.Tensor)
    with pytest.raises(TypeError, match="out= is not supported"):
        mg.divmod(mg.tensor([1.0]), 0.7, out=(mg.zeros(1), mg.zeros(1)))


def test_hard_tanh_tensor_bounds_get_the_clipped_elements_gradient(xb: Any) -> None:
    from xgrad.nnet.activations import hard_tanh

    lo, hi = mg.tensor(0.5), mg.tensor(0.8)
    hard_tanh(mg.tensor([0.0, 0.6, 1.0, 2.0]), lower_bound=lo, upper_bound=hi).sum().backward()
    assert grad(xb, lo) == 1.0 and grad(xb, hi) == 2.0
