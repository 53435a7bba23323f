"""xgrad.nnet.batchnorm and xgrad.nnet.gru against MyGrad.

batchnorm runs against MyGrad itself. MyGrad's gru needs numba, which the test environment
lacks, so its forward and backward passes are transcribed below in NumPy, line for line from
``mygrad/nnet/layers/gru.py`` (the numba decorators dropped), including the truncated
backpropagation of ``bp_lim`` and the dropout masks drawn from NumPy's global state. xgrad's
gru is checked against that reference (values and all ten gradients), and against finite
differences (first and second order), on every backend."""

from __future__ import annotations

from typing import Any

import mygrad
import numpy as np
import pytest

import xgrad as xg
from xgrad.nnet import batchnorm, gru
from xgrad.testing import check_grads


# -- MyGrad's gru, transcribed ---------------------------------------------------------------------
def sig(f):
    return 1 / (1 + np.exp(-f))


def d_sig(f):
    return f * (1 - f)


def d_tanh(f):
    return 1 - f**2


def dot(a, b):
    return np.dot(a.reshape(-1, a.shape[-1]), b).reshape(*a.shape[:-1], b.shape[-1])


def _gru_layer(s, z, r, h, Wz, Wr, Wh):
    for n in range(len(s) - 1):
        z[n] += np.dot(s[n], Wz)
        z[n] = sig(z[n])

        r[n] += np.dot(s[n], Wr)
        r[n] = sig(r[n])

        h[n] += np.dot(r[n] * s[n], Wh)
        h[n] = np.tanh(h[n])

        s[n + 1] = (1 - z[n]) * h[n] + z[n] * s[n]


def _gru_dLds(s, z, r, dLds, Wz, Wh, Wr, dz, dh, dr, s_h, one_z):
    dLdh = dot(dLds * one_z * dh, Wh)

    out = z * dLds
    out += dot(dLds * s_h * dz, Wz)
    out += dLdh * r
    out += dot(dLdh * s * dr, Wr)
    return out


def _gru_bptt(X, dLds, s, z, r, Wz, Wh, Wr, dz, dh, dr, s_h, one_z, bp_lim, old_dLds=None):
    Wz, Wh, Wr = Wz.T, Wh.T, Wr.T
    bptt = bp_lim < len(X) - 1
    if bptt:
        old_dLds = np.zeros_like(dLds)

    for i in range(bp_lim):
        if bptt:
            source_index = slice(1, len(dLds) - i)
            target_index = slice(None, len(dLds) - (i + 1))
            dt = dLds[source_index] - old_dLds[source_index]
            old_dLds = np.copy(dLds)
        else:
            source_index = slice(len(dLds) - (i + 1), len(dLds) - i)
            target_index = slice(len(dLds) - (i + 2), len(dLds) - (i + 1))
            dt = dLds[source_index]

        dLds[target_index] += _gru_dLds(
            s[source_index],
            z[source_index],
            r[source_index],
            dt,
            Wz,
            Wh,
            Wr,
            dz[source_index],
            dh[source_index],
            dr[source_index],
            s_h[source_index],
            one_z[source_index],
        )


def mygrad_gru(X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh, s0=None, bp_lim=None, dropout=0.0, *, grad):
    """MyGrad's ``GRUnit.__call__`` and ``GRUnit.backward`` (all inputs variable): the hidden
    states and the ten gradients, for the upstream gradient ``grad``."""
    bp_lim = bp_lim if bp_lim is not None else len(X) - 1
    T, N, _ = X.shape
    (D,) = bz.shape
    dtype = np.float64
    out = np.zeros((T + 1, N, D), dtype=dtype)
    if s0 is not None:
        out[0] = s0
    z = np.tensordot(X, Uz, [[-1], [0]])
    r = np.tensordot(X, Ur, [[-1], [0]])
    h = np.tensordot(X, Uh, [[-1], [0]])
    if dropout:
        p = 1 - dropout
        dropUz, dropUr, dropUh = np.random.binomial(1, p, size=(3, 1, N, D)) / p  # noqa: NPY002
        dropWz, dropWr, dropWh = np.random.binomial(1, p, size=(3, D, D)) / p  # noqa: NPY002
        z *= dropUz
        r *= dropUr
        h *= dropUh
        Wz_, Wr_, Wh_ = dropWz * Wz, dropWr * Wr, dropWh * Wh
    else:
        Wz_, Wr_, Wh_ = Wz, Wr, Wh
    z += bz
    r += br
    h += bh
    _gru_layer(out, z, r, h, Wz_, Wr_, Wh_)

    # backward
    s = out[:-1]
    dLds = grad[1:].astype(dtype, copy=True)
    const = {"1 - h**2": d_tanh(h), "z*(1 - z)": d_sig(z), "r*(1 - r)": d_sig(r)}
    const["s - h"] = s - h
    const["1 - z"] = 1 - z
    _gru_bptt(
        X,
        dLds,
        s,
        z,
        r,
        Wz_,
        Wh_,
        Wr_,
        const["z*(1 - z)"],
        const["1 - h**2"],
        const["r*(1 - r)"],
        const["s - h"],
        const["1 - z"],
        bp_lim,
    )
    zgrad = dLds * const["s - h"]
    hgrad = dLds * const["1 - z"]
    rgrad = dot(const["1 - h**2"] * hgrad, Wh_.T) * s

    dz = zgrad * const["z*(1 - z)"]
    dWz = np.tensordot(s, dz, ([0, 1], [0, 1]))
    if dropout:
        dWz *= dropWz
    dbz = dz.sum(axis=(0, 1))
    if dropout:
        dz *= dropUz
    dUz = np.tensordot(X, dz, ([0, 1], [0, 1]))

    dr = rgrad * const["r*(1 - r)"]
    dWr = np.tensordot(s, dr, ([0, 1], [0, 1]))
    if dropout:
        dWr *= dropWr
    dbr = dr.sum(axis=(0, 1))
    if dropout:
        dr *= dropUr
    dUr = np.tensordot(X, dr, ([0, 1], [0, 1]))

    dh = hgrad * const["1 - h**2"]
    dWh = np.tensordot((s * r), dh, ([0, 1], [0, 1]))
    if dropout:
        dWh *= dropWh
    dbh = dh.sum(axis=(0, 1))
    if dropout:
        dh *= dropUh
    dUh = np.tensordot(X, dh, ([0, 1], [0, 1]))

    tmp = dLds * const["1 - z"] * const["1 - h**2"]
    if not dropout:
        dLdX = np.dot((dLds * const["s - h"]) * const["z*(1 - z)"], Uz.T)
        dLdX += np.dot(tmp, Uh.T)
        dLdX += np.dot(np.dot(tmp, Wh_.T) * s * const["r*(1 - r)"], Ur.T)
    else:
        dLdX = np.dot((dropUz * (dLds * const["s - h"]) * const["z*(1 - z)"]), Uz.T)
        dLdX += np.dot(dropUh * tmp, Uh.T)
        dLdX += np.dot(dropUr * (dot(tmp, Wh_.T) * s * const["r*(1 - r)"]), Ur.T)
    grads = (dLdX, dUz, dWz, dbz, dUr, dWr, dbr, dUh, dWh, dbh)
    return out, grads, dLds


# -- the tests -------------------------------------------------------------------------------------
NAMES = ("X", "Uz", "Wz", "bz", "Ur", "Wr", "br", "Uh", "Wh", "bh")


def _inputs(T: int, N: int, C: int, D: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((T, N, C))
    out = [X]
    for _ in "zrh":
        out += [
            rng.standard_normal((C, D)) * 0.6,
            rng.standard_normal((D, D)) * 0.6,
            rng.standard_normal(D) * 0.3,
        ]
    return out


def _run_xgrad(xb: Any, arrays: list, g: np.ndarray, **kw: Any) -> tuple[np.ndarray, list]:
    ts = [xg.tensor(xb.array(a)) for a in arrays]
    if "s0" in kw and isinstance(kw["s0"], np.ndarray):
        kw["s0"] = xb.array(kw["s0"])
    S = gru(*ts, **kw)
    S.backward(xb.array(g))
    return xb.host(S), [xb.host(t.grad) for t in ts]


def _compare(got_s: np.ndarray, got: list, want_s: np.ndarray, want: tuple) -> None:
    np.testing.assert_allclose(got_s, want_s, rtol=1e-12, atol=1e-12)
    for name, a, b in zip(NAMES, got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("bp_lim", [None, 0, 1, 2, 4])
def test_gru_matches_mygrad(xb: Any, bp_lim: int | None) -> None:
    T, N, C, D = 5, 3, 2, 4
    arrays = _inputs(T, N, C, D, seed=1)
    s0 = np.random.default_rng(2).standard_normal((N, D)) * 0.5
    g = np.random.default_rng(3).standard_normal((T + 1, N, D))
    want_s, want, _ = mygrad_gru(*arrays, s0=s0, bp_lim=bp_lim, grad=g)
    got_s, got = _run_xgrad(xb, arrays, g, s0=s0, bp_lim=bp_lim)
    _compare(got_s, got, want_s, want)
    if bp_lim is not None and bp_lim < T - 1:  # truncation changed something
        _, full, _ = mygrad_gru(*arrays, s0=s0, grad=g)
        assert not np.allclose(want[2], full[2])


@pytest.mark.parametrize("bp_lim", [None, 1])
def test_gru_dropout_matches_mygrad(xb: Any, bp_lim: int | None) -> None:
    T, N, C, D = 4, 3, 2, 5
    arrays = _inputs(T, N, C, D, seed=4)
    g = np.random.default_rng(5).standard_normal((T + 1, N, D))
    np.random.seed(7)  # noqa: NPY002 (MyGrad's state)
    want_s, want, _ = mygrad_gru(*arrays, bp_lim=bp_lim, dropout=0.4, grad=g)
    xg.random.seed(7)  # NumPy's global state, as MyGrad draws its masks
    got_s, got = _run_xgrad(xb, arrays, g, bp_lim=bp_lim, dropout=0.4)
    _compare(got_s, got, want_s, want)
    nodrop, _, _ = mygrad_gru(*arrays, bp_lim=bp_lim, grad=g)
    assert not np.allclose(want_s, nodrop)


def test_gru_second_derivatives(xb: Any) -> None:
    T, N, C, D = 3, 2, 2, 2
    arrays = [xb.array(a) for a in _inputs(T, N, C, D, seed=6)]
    s0 = xb.array(np.random.default_rng(8).standard_normal((N, D)) * 0.5)
    check_grads(lambda *a: gru(*a[:10], s0=a[10]), *arrays, s0, order=2, rtol=1e-4, atol=1e-5)


def test_gru_dropout_second_derivatives(xb: Any) -> None:
    arrays = [xb.array(a) for a in _inputs(3, 2, 2, 3, seed=9)]

    def f(*a: Any) -> Any:
        xg.random.seed(11)  # the same masks at every call
        return gru(*a, dropout=0.3)

    check_grads(f, *arrays, order=2, modes=("rev",), rtol=1e-4, atol=1e-5)


def test_gru_variable_s0_gradient_and_truncation(xb: Any) -> None:
    """MyGrad requires a constant ``s0``; here it gets its gradient: all of it without
    truncation, and with ``bp_lim = k`` only from the states ``S[t]``, ``t <= k``."""
    T, N, C, D = 4, 2, 3, 3
    arrays = _inputs(T, N, C, D, seed=12)
    s0 = np.random.default_rng(13).standard_normal((N, D)) * 0.5
    g = np.random.default_rng(14).standard_normal((T + 1, N, D))
    # no truncation: dL/ds0 = g[0] + dS[1]/ds0^T dL/dS[1], MyGrad's recurrence one step further
    out, _, dLds = mygrad_gru(*arrays, s0=s0, grad=g)
    z, r, h = _gates(arrays, out)
    Wz, Wr, Wh = arrays[2], arrays[5], arrays[8]
    want = g[0] + _gru_dLds(
        out[0], z[0], r[0], dLds[0], Wz.T, Wh.T, Wr.T, d_sig(z[0]), d_tanh(h[0]), d_sig(r[0]),
        out[0] - h[0], 1 - z[0],
    )  # fmt: skip
    ts = [xg.tensor(xb.array(a)) for a in arrays]
    ts0 = xg.tensor(xb.array(s0))
    gru(*ts, s0=ts0).backward(xb.array(g))
    np.testing.assert_allclose(xb.host(ts0.grad), want, rtol=1e-10, atol=1e-12)
    # with bp_lim = 2: S[2]'s gradient reaches s0 in full, S[3]'s not at all
    k = 2
    for t, reaches in ((k, True), (k + 1, False)):
        ts0 = xg.tensor(xb.array(s0))
        gru(*ts, s0=ts0, bp_lim=k)[t].sum().backward()
        full = xg.tensor(xb.array(s0))
        gru(*ts, s0=full)[t].sum().backward()
        expected = xb.host(full.grad) if reaches else np.zeros((N, D))
        np.testing.assert_allclose(xb.host(ts0.grad), expected, rtol=1e-12, atol=1e-14)


def _gates(arrays: list, out: np.ndarray) -> tuple:
    """Z, R, H of each step, from the states (no dropout)."""
    X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh = arrays
    s = out[:-1]
    z = sig(X @ Uz + bz + s @ Wz)
    r = sig(X @ Ur + br + s @ Wr)
    h = np.tanh(X @ Uh + bh + (r * s) @ Wh)
    return z, r, h


def test_gru_truncation_is_per_state() -> None:
    """bp_lim = k: the gradient of a loss on one state S[t] comes from the k + 1 steps that
    made S[t - k], ..., S[t]; the earlier steps' inputs get none."""
    T, N, C, D = 6, 2, 2, 3
    arrays = _inputs(T, N, C, D, seed=15)
    X = xg.tensor(arrays[0])
    gru(X, *arrays[1:], bp_lim=2)[5].sum().backward()  # steps 3, 4, 5 (inputs X[2:5])
    grad = X.grad
    assert np.all(grad[:2] == 0) and np.all(grad[2:5] != 0) and np.all(grad[5] == 0)


def test_gru_defaults_shapes_and_flags() -> None:
    T, N, C, D = 3, 2, 4, 3
    arrays = _inputs(T, N, C, D, seed=16)
    g = np.ones((T + 1, N, D))
    want_s, _, _ = mygrad_gru(*arrays, grad=g)
    S = gru(*arrays)  # arrays: a constant result
    assert S.constant and S.shape == (T + 1, N, D)
    np.testing.assert_allclose(S.data, want_s, rtol=1e-12)
    np.testing.assert_array_equal(S.data[0], 0)
    assert gru(*[xg.tensor(a) for a in arrays], constant=True).constant
    # s0 broadcast to (N, D), as MyGrad's out[0] = s0 does
    s0 = np.array([0.1, -0.2, 0.3])
    got = gru(*arrays, s0=s0)
    np.testing.assert_allclose(got.data, mygrad_gru(*arrays, s0=s0, grad=g)[0], rtol=1e-12)
    # float32 stays float32
    f32 = [xg.tensor(a.astype(np.float32)) for a in arrays]
    S = gru(*f32)
    S.sum().backward()
    assert S.dtype == np.float32 and all(t.grad.dtype == np.float32 for t in f32)
    np.testing.assert_allclose(S.data, want_s, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "change, kw, error, match",
    [
        ({0: np.zeros((3, 2))}, {}, ValueError, r"`X` must have shape \(T, N, C\)"),
        ({1: np.zeros((3, 3))}, {}, ValueError, r"`Uz` must have shape \(C, D\) = \(4, 3\)"),
        ({5: np.zeros((3, 2))}, {}, ValueError, r"`Wr` must have shape \(D, D\)"),
        ({9: np.zeros((2,))}, {}, ValueError, r"`bh` must have shape \(D,\)"),
        ({3: np.zeros((3, 1))}, {}, ValueError, r"`bz` must have shape \(D,\)"),
        ({}, {"s0": np.zeros((3, 3))}, ValueError, r"`s0` must have shape \(N, D\)"),
        ({}, {"bp_lim": 3}, ValueError, r"0 <= bp_lim < T = 3"),
        ({}, {"bp_lim": -1}, ValueError, r"0 <= bp_lim < T = 3"),
        ({}, {"bp_lim": 1.5}, TypeError, r"`bp_lim` must be None or an integer"),
        ({}, {"dropout": 1.0}, ValueError, r"0 <= dropout < 1"),
        ({}, {"dropout": -0.1}, ValueError, r"0 <= dropout < 1"),
        ({}, {"dropout": "0.5"}, TypeError, r"`dropout` must be a real number"),
    ],
)
def test_gru_errors(change: dict, kw: dict, error: type, match: str) -> None:
    arrays = _inputs(3, 2, 4, 3, seed=17)
    for i, a in change.items():
        arrays[i] = a
    with pytest.raises(error, match=match):
        gru(*arrays, **kw)


# -- batchnorm -------------------------------------------------------------------------------------
BN_CASES = [  # x shape, with gamma, with beta
    ((6, 3), True, True),
    ((5, 4), False, True),
    ((4, 3, 2, 5), True, True),
    ((3, 2, 7), True, False),
    ((4, 2, 3, 2), False, False),
]


@pytest.mark.parametrize("shape, with_gamma, with_beta", BN_CASES)
def test_batchnorm_matches_mygrad(xb: Any, shape: tuple, with_gamma: bool, with_beta: bool):
    rng = np.random.default_rng(len(shape) + 10 * with_gamma + 100 * with_beta)
    x = rng.normal(2.0, 3.0, shape)
    c = shape[1]
    gamma = rng.standard_normal(c) if with_gamma else None
    beta = rng.standard_normal(c) if with_beta else None
    mx = mygrad.tensor(x)
    kw = {
        "gamma": None if gamma is None else mygrad.tensor(gamma),
        "beta": None if beta is None else mygrad.tensor(beta),
    }
    my = mygrad.nnet.batchnorm(mx, eps=1e-5, **kw)
    g = rng.standard_normal(shape)
    my.backward(g)
    tx = xg.tensor(xb.array(x))
    tkw = {k: None if v is None else xg.tensor(xb.array(v.data)) for k, v in kw.items()}
    ty = batchnorm(tx, eps=1e-5, **tkw)
    ty.backward(xb.array(g))
    np.testing.assert_allclose(xb.host(ty), my.data, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(xb.host(tx.grad), mx.grad, rtol=1e-10, atol=1e-12)
    for k in ("gamma", "beta"):
        if kw[k] is not None:
            np.testing.assert_allclose(xb.host(tkw[k].grad), kw[k].grad, rtol=1e-10, atol=1e-12)


def test_batchnorm_second_derivatives(xb: Any) -> None:
    rng = np.random.default_rng(20)
    x = xb.array(rng.standard_normal((4, 2, 3)))
    gamma, beta = xb.array(rng.standard_normal(2)), xb.array(rng.standard_normal(2))
    check_grads(lambda x, g, b: batchnorm(x, gamma=g, beta=b, eps=1e-3), x, gamma, beta)
    x = xb.array(rng.standard_normal((5, 3)))
    check_grads(lambda x: batchnorm(x, eps=0.0), x, order=3, modes=("rev",))


def test_batchnorm_mygrad_docstring_example_and_flags() -> None:
    x = xg.tensor([1.0, 4.0, 1.0]).reshape(3, 1)
    np.testing.assert_allclose(batchnorm(x, eps=0).data, [[-1 / 2**0.5], [2**0.5], [-1 / 2**0.5]])
    assert batchnorm(np.ones((2, 3)), eps=1).constant
    assert batchnorm(xg.tensor(np.ones((2, 3))), eps=1, constant=True).constant
    y = batchnorm(xg.tensor(np.ones((2, 3)), constant=True), eps=1, constant=False)
    assert not y.constant
    # MyGrad reads an empty gamma or beta as none
    z = np.random.default_rng(0).random((4, 3))
    np.testing.assert_array_equal(
        batchnorm(z, gamma=np.array([]), beta=[], eps=1e-5).data, batchnorm(z, eps=1e-5).data
    )
    # float32 stays float32; a gamma of shape (1, C) is reshaped, as in MyGrad
    x32 = xg.tensor(z.astype(np.float32))
    g = xg.tensor(np.ones((1, 3), dtype=np.float32))
    y = batchnorm(x32, gamma=g, eps=1e-5)
    y.sum().backward()
    assert y.dtype == np.float32 and x32.grad.dtype == np.float32 and g.grad.shape == (1, 3)
    # integers are normalized in float64
    assert batchnorm(np.arange(6).reshape(3, 2), eps=0).dtype == np.float64


def test_batchnorm_errors() -> None:
    with pytest.raises(ValueError, match="at least two dimensions, got shape \\(3,\\)"):
        batchnorm(np.ones(3), eps=0)
    with pytest.raises(ValueError, match=r"`gamma` must hold one value per channel"):
        batchnorm(np.ones((2, 3)), gamma=np.ones(4), eps=0)
    with pytest.raises(ValueError):  # MyGrad raises ValueError too (its reshape)
        mygrad.nnet.batchnorm(np.arange(6.0).reshape(2, 3), gamma=np.ones(4), eps=0)
    with pytest.raises(ValueError, match=r"`beta` must hold one value per channel"):
        batchnorm(np.ones((2, 3, 4)), beta=np.ones(4), eps=0)
    with pytest.raises(TypeError, match="eps"):  # required, as in MyGrad
        batchnorm(np.ones((2, 3)))
    with pytest.raises(TypeError, match="eps"):
        mygrad.nnet.batchnorm(np.ones((2, 3)))
    with pytest.raises(ValueError, match="`eps` must be a non-negative real number"):
        batchnorm(np.ones((2, 3)), eps=-1e-3)
    with pytest.raises(TypeError, match="`eps` must be a non-negative real number"):
        batchnorm(np.ones((2, 3)), eps="1e-3")
