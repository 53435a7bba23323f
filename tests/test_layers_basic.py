"""xgrad.nnet.layer_norm, dropout and linear (PyTorch's functional forms; MyGrad has none):
values against NumPy formulas, derivatives to second order against finite differences,
dropout's statistics, scaling, edge cases and generators, and the errors, on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as xg
from xgrad.nnet import dropout, layer_norm, linear
from xgrad.testing import check_grads


# -- layer_norm ------------------------------------------------------------------------------------
def np_layer_norm(x, axes, gamma=None, beta=None, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    keep = tuple(n if i in axes else 1 for i, n in enumerate(x.shape))
    if gamma is not None:
        y = y * gamma.reshape(keep)
    if beta is not None:
        y = y + beta.reshape(keep)
    return y


LN_CASES = [  # x shape, normalized_axes, their normalized form, affine
    ((4, 5), -1, (1,), True),
    ((2, 3, 4), (-2, -1), (1, 2), True),
    ((3, 4, 2), 1, (1,), True),  # not trailing: gamma is placed along axis 1
    ((2, 3, 2, 3), (0, 2), (0, 2), False),
    ((6,), 0, (0,), True),
]


@pytest.mark.parametrize("shape, axes, norm, affine", LN_CASES)
def test_layer_norm_matches_numpy(xb: Any, shape: tuple, axes: Any, norm: tuple, affine: bool):
    rng = np.random.default_rng(len(shape))
    x = rng.normal(1.0, 2.0, shape)
    pshape = tuple(shape[a] for a in norm)
    gamma = rng.standard_normal(pshape) if affine else None
    beta = rng.standard_normal(pshape) if affine else None
    kw = {} if not affine else {"gamma": xb.array(gamma), "beta": xb.array(beta)}
    y = layer_norm(xg.tensor(xb.array(x)), normalized_axes=axes, **kw)
    want = np_layer_norm(x, norm, gamma, beta)
    np.testing.assert_allclose(xb.host(y), want, rtol=1e-12, atol=1e-12)


def test_layer_norm_second_derivatives(xb: Any) -> None:
    rng = np.random.default_rng(3)
    x = xb.array(rng.standard_normal((2, 4)))
    g, b = xb.array(rng.standard_normal(4)), xb.array(rng.standard_normal(4))
    check_grads(lambda x, g, b: layer_norm(x, gamma=g, beta=b, eps=1e-3), x, g, b, order=2)
    x = xb.array(rng.standard_normal((2, 2, 3)))
    check_grads(lambda x: layer_norm(x, normalized_axes=(0, 2), eps=0.0), x, order=2)


def test_layer_norm_gradient_formula() -> None:
    """d/dx of <g, layer_norm(x)> over the last axis: (g - mean(g) - y mean(g y)) / std."""
    rng = np.random.default_rng(4)
    x, g = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    t = xg.tensor(x)
    y = layer_norm(t, eps=1e-5)
    y.backward(g)
    std = np.sqrt(x.var(axis=-1, keepdims=True) + 1e-5)
    yd = y.data
    want = (g - g.mean(-1, keepdims=True) - yd * (g * yd).mean(-1, keepdims=True)) / std
    np.testing.assert_allclose(t.grad, want, rtol=1e-10, atol=1e-12)


def test_layer_norm_flags_and_dtypes() -> None:
    x = np.random.default_rng(5).random((3, 4))
    assert layer_norm(x).constant and not layer_norm(xg.tensor(x)).constant
    assert layer_norm(xg.tensor(x), constant=True).constant
    assert layer_norm(xg.tensor(x), gamma=np.ones(4), constant=True).constant
    x32 = xg.tensor(x.astype(np.float32))
    g = xg.tensor(np.ones(4, dtype=np.float32))
    y = layer_norm(x32, gamma=g)
    y.sum().backward()
    assert y.dtype == x32.grad.dtype == g.grad.dtype == np.float32
    np.testing.assert_allclose(y.data, np_layer_norm(x, (1,)), rtol=1e-5, atol=1e-5)
    # an axis of length 1: variance 0, the output is beta
    np.testing.assert_array_equal(layer_norm(np.ones((3, 1)), beta=[2.0]).data, [[2.0]] * 3)


def test_layer_norm_errors() -> None:
    x = np.ones((2, 3))
    with pytest.raises(np.exceptions.AxisError):
        layer_norm(x, normalized_axes=2)
    with pytest.raises(ValueError, match="repeated axis"):
        layer_norm(x, normalized_axes=(1, -1))
    with pytest.raises(ValueError, match="at least one axis"):
        layer_norm(x, normalized_axes=())
    with pytest.raises(TypeError, match="normalized_axes must be an integer"):
        layer_norm(x, normalized_axes=1.0)
    with pytest.raises(ValueError, match=r"`gamma` must have the shape of the normalized axes"):
        layer_norm(x, gamma=np.ones(2))
    with pytest.raises(ValueError, match=r"`beta` must have .* \(2, 3\)"):
        layer_norm(x, normalized_axes=(0, 1), beta=np.ones(3))
    with pytest.raises(ValueError, match="`eps` must be a non-negative real number"):
        layer_norm(x, eps=-1.0)
    with pytest.raises(ValueError, match="are empty"):
        layer_norm(np.ones((2, 0)))


# -- dropout ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_scaling(xb: Any, p: float) -> None:
    n = 20_000
    x = xg.tensor(xb.array(np.full(n, 3.0)))
    y = dropout(x, p, rng=xg.random.default_rng(int(10 * p)))
    y.sum().backward()
    out, grad = xb.host(y), xb.host(x.grad)
    kept = out != 0
    # the dropped fraction is Binomial(n, p) / n: within 5 standard deviations
    assert abs((~kept).mean() - p) < 5 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(out[kept], 3.0 / (1 - p), rtol=1e-15)
    assert abs(out.mean() - 3.0) < 5 * 3.0 * np.sqrt(p / (1 - p) / n)  # the mean is kept
    # the gradient is the same mask, scaled
    np.testing.assert_allclose(grad, kept / (1 - p), rtol=1e-15)


def test_dropout_edge_cases(xb: Any) -> None:
    x = xg.tensor(xb.array([1.0, -2.0, np.inf, np.nan]))
    for y in (dropout(x, 0.0), dropout(x, 0.7, training=False)):
        np.testing.assert_array_equal(xb.host(y), [1.0, -2.0, np.inf, np.nan])
        assert y is not x and not y.constant
    dropout(x, 0.0).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0, 1.0, 1.0])
    x = xg.tensor(xb.array([1.0, -2.0, np.inf, np.nan]))
    y = dropout(x, 1.0)
    np.testing.assert_array_equal(xb.host(y), [0.0, 0.0, 0.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 0.0, 0.0, 0.0])  # no NaN
    assert dropout(x, 0.5, constant=True).constant
    assert dropout(x, 0.0, constant=True).constant
    assert dropout(x, 1.0, training=False, constant=True).constant


def test_dropout_generators_and_global_state(xb: Any) -> None:
    x = xg.tensor(xb.array(np.ones((4, 6))))
    a = dropout(x, 0.3, rng=xg.random.default_rng(1))
    b = dropout(x, 0.3, rng=xg.random.default_rng(1))
    np.testing.assert_array_equal(xb.host(a), xb.host(b))
    assert isinstance(a.data, xb.backend.array_types)
    # on NumPy and array_api_strict the Generator is NumPy's PCG64: u >= p keeps
    u = np.random.default_rng(1).random((4, 6))
    np.testing.assert_allclose(xb.host(a), (u >= 0.3) / 0.7, rtol=1e-15)
    # without a generator: NumPy's global state (xgrad.random.seed)
    xg.random.seed(3)
    c = dropout(x, 0.3)
    np.random.seed(3)  # noqa: NPY002 (the global state)
    u = np.random.random_sample((4, 6))  # noqa: NPY002
    np.testing.assert_allclose(xb.host(c), (u >= 0.3) / 0.7, rtol=1e-15)
    # float32 keeps its dtype, drawn in float32
    x32 = xg.tensor(xb.array(np.ones(5), dtype=xb.backend.dtype("float32")))
    y = dropout(x32, 0.5, rng=xg.random.default_rng(0))
    assert y.dtype == x32.dtype


def test_dropout_second_derivatives(xb: Any) -> None:
    x = xb.array(np.random.default_rng(6).standard_normal((3, 4)))
    check_grads(lambda x: dropout(x, 0.4, rng=xg.random.default_rng(2)) ** 2, x, order=2)


def test_dropout_errors() -> None:
    x = xg.tensor(np.ones(3))
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"`p` must be in \[0, 1\]"):
            dropout(x, p)
    for p in ("0.5", True, None):
        with pytest.raises(TypeError, match="`p` must be a real number"):
            dropout(x, p)
    with pytest.raises(TypeError, match="must be floating-point, got dtype int64"):
        dropout(np.arange(3), 0.5)
    with pytest.raises(TypeError, match="`rng` must be an xgrad.random.Generator"):
        dropout(x, 0.5, rng=np.random.default_rng(0))
    strict = xg.random.default_rng(0, backend="array_api_strict", device="device1")
    with pytest.raises(ValueError, match="`rng` draws on array_api_strict on 'device1'"):
        dropout(x, 0.5, rng=strict)
    other = xg.random.default_rng(0, backend="array_api_strict")
    with pytest.raises(ValueError, match=r"default_rng\(seed, backend='array_api_strict'"):
        dropout(xg.tensor(np.ones(3), backend="array_api_strict", device="device1"), 0.5, rng=other)


# -- linear ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("xshape", [(3,), (4, 3), (2, 5, 3)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_matches_numpy(xb: Any, xshape: tuple, with_bias: bool) -> None:
    rng = np.random.default_rng(len(xshape))
    x, w, b = rng.standard_normal(xshape), rng.standard_normal((2, 3)), rng.standard_normal(2)
    tx, tw, tb = (xg.tensor(xb.array(a)) for a in (x, w, b))
    y = linear(tx, tw, tb if with_bias else None)
    g = rng.standard_normal((*xshape[:-1], 2))
    y.backward(xb.array(g))
    np.testing.assert_allclose(xb.host(y), x @ w.T + (b if with_bias else 0), rtol=1e-13)
    g2, x2 = g.reshape(-1, 2), x.reshape(-1, 3)
    np.testing.assert_allclose(xb.host(tx.grad), g @ w, rtol=1e-13)
    np.testing.assert_allclose(xb.host(tw.grad), g2.T @ x2, rtol=1e-13)
    if with_bias:
        np.testing.assert_allclose(xb.host(tb.grad), g2.sum(axis=0), rtol=1e-13)
    else:
        assert tb.grad is None


def test_linear_second_derivatives(xb: Any) -> None:
    rng = np.random.default_rng(7)
    x, w, b = (xb.array(rng.standard_normal(s)) for s in ((2, 3), (2, 3), (2,)))
    check_grads(lambda x, w, b: xg.tanh(linear(x, w, b)), x, w, b, order=2)


def test_linear_flags_and_errors() -> None:
    x, w = np.ones((2, 3)), np.ones((4, 3))
    assert linear(x, w).constant and linear(x, w).shape == (2, 4)
    assert linear(xg.tensor(x), w, np.zeros(4), constant=True).constant
    assert not linear(x, xg.tensor(w)).constant
    with pytest.raises(ValueError, match=r"`weight` must have shape \(out_features, in_features"):
        linear(x, np.ones(3))
    with pytest.raises(ValueError, match=r"`x` must have shape \(..., in_features\) = \(..., 3\)"):
        linear(np.ones((2, 4)), w)
    with pytest.raises(ValueError, match=r"`x` must have shape"):
        linear(np.float64(1.0), w)
    with pytest.raises(ValueError, match=r"`bias` must have shape \(out_features,\) = \(4,\)"):
        linear(x, w, np.ones(3))
