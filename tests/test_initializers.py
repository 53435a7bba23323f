"""xgrad.nnet.initializers against mygrad.nnet.initializers itself: the same numbers for the
same numpy.random.seed (he_uniform: the same draws at the bound MyGrad documents), dtypes,
constant flags and errors; placement on every backend."""

from __future__ import annotations

import inspect
import math
from typing import Any

import mygrad as mg
import mygrad.nnet.initializers as M
import numpy as np
import pytest

import xgrad as xg
import xgrad.nnet.initializers as X
from xgrad.nnet.initializers import glorot_uniform  # MyGrad's import path works


def _np_seed(s: int) -> None:
    np.random.seed(s)  # noqa: NPY002 (the global state MyGrad draws from)


def _np_next() -> float:
    return np.random.random_sample()  # noqa: NPY002


#: matrices, 1-d, 2-d and 3-d convolution kernels (out, in, k1, ..., kn)
SHAPES = [(3, 4), (1, 1), (7, 2), (5, 2, 3), (4, 3, 3, 3), (8, 3, 5, 2), (2, 3, 2, 2, 3)]
RANDOM = ["uniform", "normal", "glorot_uniform", "glorot_normal", "he_normal"]
OPTIONS = [
    {},
    {"dtype": "float64"},
    {"dtype": np.float16, "constant": True},
    {"constant": False},
]
GAINED = ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform"]


def _same(x: xg.Tensor, m: mg.Tensor) -> None:
    assert x.shape == m.shape
    assert x.dtype == m.dtype
    assert x.constant is m.constant
    np.testing.assert_array_equal(x.data, m.data)


def _both(name: str, *args: Any, seed: int = 0, **kwargs: Any) -> tuple[xg.Tensor, mg.Tensor]:
    """Call MyGrad's and xgrad's initializer from the same global state; check that both
    leave the state in the same place."""
    _np_seed(seed)
    m = getattr(M, name)(*args, **kwargs)
    after_mygrad = _np_next()
    _np_seed(seed)
    x = getattr(X, name)(*args, **kwargs)
    assert _np_next() == after_mygrad
    return x, m


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("options", OPTIONS)
def test_random_initializers_give_mygrads_numbers(name: str, shape: tuple, options: dict) -> None:
    x, m = _both(name, *shape, seed=len(shape), **options)
    _same(x, m)


@pytest.mark.parametrize("name", RANDOM)
def test_shape_as_one_tuple_or_int(name: str) -> None:
    _same(*_both(name, (4, 3, 2)))
    if name in ("uniform", "normal"):
        _same(*_both(name, 6))
        _same(*_both(name))  # no shape: a 0-d tensor


@pytest.mark.parametrize("name", GAINED)
@pytest.mark.parametrize("gain", [0.5, 5 / 3, math.sqrt(2), 3])
def test_the_gain_scales_as_in_mygrad(name: str, gain: float) -> None:
    shape = (6, 4, 3, 3)
    x, m = _both(name, *shape, gain=gain, dtype="float64")
    if name == "he_uniform":
        x_unit, m_unit = _both(name, *shape, dtype="float64")
        np.testing.assert_allclose(x.data, gain * x_unit.data, rtol=1e-12)
        np.testing.assert_allclose(m.data, gain * m_unit.data, rtol=1e-12)
    else:
        _same(x, m)


@pytest.mark.parametrize("name", GAINED)
def test_a_tensor_gain_counts_as_its_value(name: str) -> None:
    x, _ = _both(name, 3, 5, gain=mg.tensor(2.0))
    y, _ = _both(name, 3, 5, gain=2.0)
    np.testing.assert_array_equal(x.data, y.data)
    _np_seed(0)
    z = getattr(X, name)(3, 5, gain=xg.tensor(2.0))
    np.testing.assert_array_equal(z.data, y.data)


def test_bounds_and_moments_as_mygrad_tensors() -> None:
    x, m = _both("uniform", 3, 4, lower_bound=mg.tensor(-2.0), upper_bound=mg.tensor(5.0))
    _same(x, m)
    x, m = _both("normal", 3, 4, mean=mg.tensor(1.0), std=mg.tensor(0.5))
    _same(x, m)
    x, m = _both("uniform", 5, lower_bound=-1, upper_bound=3, dtype="float64")
    _same(x, m)
    x, m = _both("normal", 5, mean=np.float32(2.0), std=0)
    _same(x, m)


@pytest.mark.parametrize("shape", SHAPES)
def test_he_uniform_draws_mygrads_samples_at_the_documented_bound(shape: tuple) -> None:
    """MyGrad's code computes gain / sqrt(3 * k / in) against its documented
    gain * sqrt(3 / fan_in): the same uniform draws, each scaled by the ratio of the bounds."""
    x, m = _both("he_uniform", *shape, dtype="float64")
    fan_in = shape[1] * math.prod(shape[2:])
    ours = math.sqrt(3 / fan_in)
    mygrads = 1 / math.sqrt(3 / shape[1] * math.prod(shape[2:]))
    np.testing.assert_allclose(x.data, m.data * (ours / mygrads), rtol=1e-12, atol=1e-15)
    assert np.abs(x.data).max() < ours
    assert x.dtype == m.dtype and x.constant is m.constant


def test_he_uniform_has_he_normals_variance() -> None:
    _np_seed(0)
    u = X.he_uniform(400, 50, 3, dtype="float64").data
    _np_seed(0)
    n = X.he_normal(400, 50, 3, dtype="float64").data
    assert np.abs(u).max() <= math.sqrt(3 / 150)
    np.testing.assert_allclose(u.std(), 1 / math.sqrt(150), rtol=0.02)
    np.testing.assert_allclose(n.std(), 1 / math.sqrt(150), rtol=0.02)


@pytest.mark.parametrize("shape", [*SHAPES, (3, 3), (2, 5, 4), (5, 2, 4, 4), (3, 3, 1, 2, 5)])
@pytest.mark.parametrize("options", [{}, {"dtype": "int64"}, {"dtype": bool}, {"constant": True}])
def test_dirac_is_mygrads(shape: tuple, options: dict) -> None:
    _same(X.dirac(*shape, **options), M.dirac(*shape, **options))
    _same(X.dirac(shape, **options), M.dirac(shape, **options))


def test_dirac_convolution_keeps_the_channels() -> None:
    w = X.dirac(3, 3).data
    np.testing.assert_array_equal(w, np.eye(3, dtype=np.float32))
    w = X.dirac(4, 2, 3, 3).data
    for i in range(4):
        for j in range(2):
            expected = np.zeros((3, 3))
            if i == j:
                expected[1, 1] = 1
            np.testing.assert_array_equal(w[i, j], expected)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((2, 3), {"value": 1}),
        (((3, 3),), {"value": 7.1}),
        ((4,), {}),
        ((), {}),
        ((2, 2), {"value": 2, "dtype": "float32", "constant": True}),
        ((2, 1, 3), {"value": -0.5, "constant": False}),
    ],
)
def test_constant_is_mygrads(args: tuple, kwargs: dict) -> None:
    _same(X.constant(*args, **kwargs), M.constant(*args, **kwargs))


def test_identity_is_mygrads() -> None:
    _same(X.identity(4), M.identity(4))
    _same(X.identity(3, dtype="int32"), M.identity(3, dtype="int32"))


def test_the_namespace_is_mygrads() -> None:
    assert sorted(X.__all__) == sorted(M.__all__)
    for name in M.__all__:
        assert getattr(xg.nnet, name) is getattr(X, name), name  # at the top level too
    assert xg.nnet.initializers is X
    assert glorot_uniform is X.glorot_uniform
    for name in sorted(set(M.__all__) - {"identity"}):  # identity is xgrad.identity
        ours = inspect.signature(getattr(X, name)).parameters
        theirs = inspect.signature(getattr(M, name)).parameters
        assert [(p.name, p.kind, p.default) for p in ours.values()] == [
            (p.name, p.kind, p.default) for p in theirs.values()
        ], name


@pytest.mark.parametrize("name", [*RANDOM, "he_uniform"])
def test_empty_shapes_draw_nothing(name: str) -> None:
    for shape in [(0, 3), (3, 0), (0, 0), (2, 0, 3)]:
        _np_seed(1)
        t = getattr(X, name)(*shape)
        assert t.shape == shape and t.dtype == np.float32 and not t.constant
        after = _np_next()
        _np_seed(1)
        assert _np_next() == after  # the global state did not move


@pytest.mark.parametrize(
    "draw",
    [
        lambda: X.uniform(2, 3, lower_bound=-1, upper_bound=1),
        lambda: X.normal(2, 3, mean=1, std=2),
        lambda: X.glorot_uniform(2, 3),
        lambda: X.glorot_normal(2, 3, 1, 1),
        lambda: X.he_uniform(2, 3),
        lambda: X.he_normal(2, 3, gain=2),
        lambda: X.dirac(2, 3),
        lambda: X.constant(2, 3, value=0.5),
        lambda: X.identity(2),
    ],
)
def test_initializers_place_tensors_on_the_default_backend_and_device(xb: Any, draw: Any) -> None:
    _np_seed(4)
    with xg.use_backend("numpy"):
        expected = draw()
    _np_seed(4)
    t = draw()
    assert t._backend is xb.backend
    assert t.device == xb.device
    assert str(t.dtype).rsplit(".", 1)[-1] == expected.dtype.name
    assert t.constant is expected.constant
    np.testing.assert_array_equal(xb.host(t), expected.data)


def test_initialized_weights_take_gradients(xb: Any) -> None:
    w = X.glorot_uniform(3, 2)
    x = xg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype="float32")
    (x @ w.T).sum().backward()
    np.testing.assert_allclose(xb.host(w.grad), np.tile([[4.0, 6.0]], (3, 1)))


BAD = [
    # fewer than two dimensions
    (
        "glorot_uniform",
        ((3,),),
        {},
        ValueError,
        r"Glorot Uniform .*at least two dimensions.*\(3,\)",
    ),
    ("glorot_normal", ((3,),), {}, ValueError, "Glorot Normal initialization requires at least"),
    ("he_uniform", ((),), {}, ValueError, "He Uniform initialization requires at least two"),
    ("he_normal", ((5,),), {}, ValueError, "He Normal initialization requires at least two"),
    ("dirac", ((4,),), {}, ValueError, "Dirac initialization requires at least two dimensions"),
    # negative dimensions
    ("uniform", (-1, 3), {}, ValueError, r"negative dimensions are not allowed.*\(-1, 3\)"),
    ("normal", ((2, -2),), {}, ValueError, "negative dimensions are not allowed"),
    ("glorot_uniform", (-2, 3), {}, ValueError, "negative dimensions"),
    ("glorot_normal", (-2, 3, 1), {}, ValueError, "negative dimensions"),
    ("he_uniform", (-4, 3), {}, ValueError, "negative dimensions"),
    ("he_normal", (-4, 3), {}, ValueError, "negative dimensions"),
    ("dirac", (-2, 3), {}, ValueError, "negative dimensions"),
    # the gain
    ("glorot_uniform", (2, 3), {"gain": "a"}, TypeError, "gain must be a real number, got 'a'"),
    ("glorot_normal", (2, 3), {"gain": "a"}, TypeError, "gain must be a real number"),
    ("he_uniform", (2, 3), {"gain": None}, TypeError, "gain must be a real number"),
    ("he_normal", (2, 3), {"gain": "a"}, TypeError, "gain must be a real number"),
    ("glorot_uniform", (2, 3), {"gain": -1}, ValueError, "gain > 0, got gain=-1.0"),
    ("he_uniform", (2, 3), {"gain": 0}, ValueError, "gain > 0"),
    ("glorot_normal", (2, 3), {"gain": -1}, ValueError, "gain >= 0"),
    ("he_normal", (2, 3), {"gain": -0.5}, ValueError, "gain >= 0"),
    # dtypes, bounds, standard deviations
    ("uniform", (2, 3), {"dtype": "int32"}, ValueError, "requires a floating-point dtype"),
    ("normal", (2, 3), {"dtype": int}, ValueError, "Normal initialization requires a floating"),
    ("glorot_uniform", (2, 3), {"dtype": "int8"}, ValueError, "floating-point dtype"),
    ("glorot_normal", (2, 3), {"dtype": "uint8"}, ValueError, "floating-point dtype"),
    ("he_uniform", (2, 3), {"dtype": "int64"}, ValueError, "floating-point dtype"),
    ("he_normal", (2, 3), {"dtype": bool}, ValueError, "floating-point dtype"),
    ("uniform", (2,), {"lower_bound": 1, "upper_bound": 1}, ValueError, "lower_bound < upper"),
    ("uniform", (2,), {"lower_bound": 2, "upper_bound": 1}, ValueError, "cannot be greater"),
    ("normal", (2,), {"std": -1}, ValueError, "Standard deviation must be non-negative"),
    ("normal", (2,), {"mean": "0"}, TypeError, "mean must be a real number"),
    ("uniform", (2,), {"upper_bound": None}, TypeError, "upper_bound must be a real number"),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "error", "match"), BAD)
def test_bad_input_raises_clearly_and_as_mygrad_does(
    name: str, args: tuple, kwargs: dict, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        getattr(X, name)(*args, **kwargs)
    with pytest.raises(error):  # MyGrad raises the same kind of error
        getattr(M, name)(*args, **kwargs)


@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal"])
def test_a_bare_int_shape_is_too_few_dimensions(name: str) -> None:
    """MyGrad fails on len(3) (TypeError); xgrad says what is wrong."""
    with pytest.raises(ValueError, match=r"at least two dimensions, got the shape \(3,\)"):
        getattr(X, name)(3)


def test_a_shape_that_is_not_ints_raises() -> None:
    with pytest.raises(TypeError, match="ints or one tuple of ints"):
        X.uniform(2.5)
    with pytest.raises(TypeError, match="ints or one tuple of ints"):
        X.dirac((2, "3"))
