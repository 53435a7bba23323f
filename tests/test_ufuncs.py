"""xgrad's ufunc objects: MyGrad's attributes, and reduce/accumulate/outer/reduceat/at, which
MyGrad leaves unimplemented, against NumPy's values and finite-difference gradients."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import xgrad as xg
from xgrad.testing import check_grads

BINARY = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "maximum",
    "minimum",
    "logaddexp",
    "hypot",
    "power",
    "arctan2",
]
X = np.array([[1.5, 0.75, 2.0], [0.5, 1.25, 3.0]])  # positive, no ties, power/divide safe


def test_every_elementwise_function_is_a_ufunc_with_mygrad_attributes() -> None:
    mygrad = pytest.importorskip("mygrad")
    names = [
        n
        for n in dir(mygrad)
        if isinstance(getattr(mygrad, n), type) and issubclass(getattr(mygrad, n), mygrad.ufunc)
    ]
    checked = 0
    for name in names:
        if name in ("ufunc", "matmul"):
            continue
        ours, theirs = getattr(xg, name), getattr(mygrad, name)
        assert isinstance(ours, xg.ufunc) and issubclass(ours, xg.ufunc), name
        for attr in ("nin", "nout", "nargs", "identity", "signature", "ntypes", "types"):
            assert getattr(ours, attr) == getattr(theirs, attr), (name, attr)
        checked += 1
    assert checked >= 35
    assert not isinstance(xg.sum, xg.ufunc) and not issubclass(int, xg.ufunc)


def test_a_ufunc_calls_as_its_function_and_pickles_by_name() -> None:
    x = xg.tensor([0.5, 1.0])
    y = xg.sin(x, constant=True)
    assert y.constant and np.allclose(y.numpy(), np.sin([0.5, 1.0]))
    assert pickle.loads(pickle.dumps(xg.sin)) is xg.sin
    assert repr(xg.sin) == "<xgrad.ufunc 'sin'>" and xg.sin.__name__ == "sin"
    assert "x" in str(__import__("inspect").signature(xg.sin))
    assert xg.arcsin is xg.asin  # aliases are the same object


def _fold(ufunc: np.ufunc, a: np.ndarray, axis: int) -> np.ndarray:
    """``ufunc.reduce(a, axis)`` by its definition, a left fold of elementwise calls:
    ``ufunc(ufunc(a[0], a[1]), a[2])``. NumPy 2.4.6's ``power.reduce`` skips the middle
    element of a length-3 axis (``power.reduce([1.5, 0.75, 2.0])`` is ``1.5 ** 2``)."""
    parts = np.moveaxis(a, axis, 0)
    out = parts[0]
    for part in parts[1:]:
        out = ufunc(out, part)
    return out


def test_the_fold_is_numpys_reduce_where_numpy_is_right() -> None:
    for name in ("add", "subtract", "divide"):
        np.testing.assert_allclose(_fold(getattr(np, name), X, 1), getattr(np, name).reduce(X, 1))


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_reduce_matches_numpy_and_differentiates(xb, name, axis) -> None:
    f = getattr(xg, name)
    got = f.reduce(xg.tensor(X), axis=axis)
    np.testing.assert_allclose(xb.host(got), _fold(getattr(np, name), X, axis), rtol=1e-12)
    check_grads(lambda t: f.reduce(t, axis=axis), xg.tensor(X), order=1, modes=("rev",))


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "logaddexp", "hypot"])
def test_reorderable_reductions_over_several_axes(xb, name) -> None:
    f, g = getattr(xg, name), getattr(np, name)
    for axis in [None, (0, 1)]:
        for keepdims in (False, True):
            got = f.reduce(xg.tensor(X), axis=axis, keepdims=keepdims)
            np.testing.assert_allclose(
                xb.host(got), g.reduce(X, axis=axis, keepdims=keepdims), rtol=1e-12
            )
    check_grads(lambda t: f.reduce(t, axis=None), xg.tensor(X), order=2)


def test_reduce_initial_where_dtype_out(xb) -> None:
    host_mask = np.array([[True, False, True], [False, True, True]])
    mask = xg.tensor(host_mask)  # on the test's backend
    for name, init in [
        ("add", 10.0),
        ("multiply", 2.0),
        ("subtract", 0.0),
        ("maximum", -1.0),
        ("logaddexp", 0.0),
    ]:
        f, g = getattr(xg, name), getattr(np, name)
        got = f.reduce(xg.tensor(X), axis=1, initial=init, where=mask)
        np.testing.assert_allclose(
            xb.host(got), g.reduce(X, axis=1, initial=init, where=host_mask), rtol=1e-12
        )
        check_grads(
            lambda t, f=f, init=init: f.reduce(t, axis=1, initial=init, where=mask),
            xg.tensor(X),
            order=1,
            modes=("rev",),
        )
    x = xg.tensor(np.array([1, 2, 3], dtype=np.int32))
    assert xg.add.reduce(x, dtype="float64").dtype == xb.xp.float64
    out = xg.zeros(3)
    res = xg.add.reduce(xg.tensor(X), axis=0, out=out)
    assert res is out and np.allclose(xb.host(out), X.sum(axis=0))


def test_empty_reductions_give_the_identity_or_initial(xb) -> None:
    empty = xg.tensor(np.zeros((0, 3)))
    np.testing.assert_array_equal(xb.host(xg.add.reduce(empty)), np.zeros(3))
    np.testing.assert_array_equal(xb.host(xg.multiply.reduce(empty)), np.ones(3))
    np.testing.assert_array_equal(xb.host(xg.maximum.reduce(empty, initial=-5.0)), np.full(3, -5.0))
    np.testing.assert_array_equal(xb.host(xg.logaddexp.reduce(empty)), np.full(3, -np.inf))


@pytest.mark.parametrize("name", BINARY)
def test_accumulate_matches_numpy_and_differentiates(xb, name) -> None:
    f, g = getattr(xg, name), getattr(np, name)
    for axis in (0, 1):
        got = f.accumulate(xg.tensor(X), axis=axis)
        np.testing.assert_allclose(xb.host(got), g.accumulate(X, axis=axis), rtol=1e-12)
    check_grads(lambda t: f.accumulate(t, axis=1), xg.tensor(X), order=1, modes=("rev",))


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "power", "maximum"])
def test_outer_matches_numpy_and_differentiates(xb, name) -> None:
    f, g = getattr(xg, name), getattr(np, name)
    a, b = X[0], X[:, :2] + 0.1  # no ties (maximum's kink)
    got = f.outer(xg.tensor(a), xg.tensor(b))
    np.testing.assert_allclose(xb.host(got), g.outer(a, b), rtol=1e-12)
    check_grads(lambda s, t: f.outer(s, t), xg.tensor(a), xg.tensor(b), order=2)


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "subtract"])
def test_reduceat_matches_numpy_and_differentiates(name) -> None:
    f, g = getattr(xg, name), getattr(np, name)
    x = np.arange(1.0, 9.0).reshape(2, 4) / 3
    for idx, axis in [([0, 2, 1, 3], 1), ([1, 0], 0), ([0], 1)]:
        got = f.reduceat(xg.tensor(x), idx, axis=axis)
        np.testing.assert_allclose(got.numpy(), g.reduceat(x, idx, axis=axis), rtol=1e-12)
    check_grads(
        lambda t: f.reduceat(t, [0, 2, 1, 3], axis=1), xg.tensor(x), order=1, modes=("rev",)
    )


@pytest.mark.parametrize(
    ("name", "b"),
    [
        ("add", 1.5),
        ("multiply", 2.0),
        ("subtract", np.array([1.0, 2.0, 3.0, 4.0])),
        ("negative", None),
        ("square", None),
    ],
)
def test_at_is_unbuffered_as_numpy_and_differentiates(name, b) -> None:
    f, g = getattr(xg, name), getattr(np, name)
    base = np.array([1.0, 2.0, 3.0, 0.5])
    idx = [0, 2, 0, 0]  # 0 repeated three times
    expected = base.copy()
    g.at(expected, idx, *(() if b is None else (b,)))
    w = xg.tensor(base)
    x = w * 1.0
    f.at(x, idx, *(() if b is None else (b,)))
    np.testing.assert_allclose(x.numpy(), expected)

    def fn(t):
        y = t * 1.0
        f.at(y, idx, *(() if b is None else (b,)))
        return y

    check_grads(fn, xg.tensor(base), order=1, modes=("rev",))


def test_numpys_ufunc_methods_dispatch_to_the_objects() -> None:
    x = xg.tensor(X)
    y = np.subtract.reduce(x, axis=1)
    assert isinstance(y, xg.Tensor)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, -1.0, -1.0]] * 2)
    assert isinstance(np.multiply.outer(x[0], x[1]), xg.Tensor)
    np.testing.assert_allclose(
        np.add.reduceat(x, [0, 2], axis=1).numpy(), np.add.reduceat(X, [0, 2], axis=1)
    )
    np.testing.assert_allclose(
        np.maximum.accumulate(x, axis=1).numpy(), np.maximum.accumulate(X, axis=1)
    )


@pytest.mark.parametrize(
    ("call", "err", "match"),
    [
        (lambda: xg.sin.reduce(xg.tensor([1.0])), ValueError, "only supported for binary"),
        (lambda: xg.sin.outer(xg.tensor([1.0]), xg.tensor([1.0])), ValueError, "binary"),
        (lambda: xg.subtract.reduce(xg.tensor(X), axis=None), ValueError, "not reorderable"),
        (
            lambda: xg.maximum.reduce(xg.tensor(X), where=X > 1),
            ValueError,
            "does not have an identity",
        ),
        (lambda: xg.subtract.reduce(xg.tensor(np.zeros((0,)))), ValueError, "zero-size array"),
        (
            lambda: xg.add.reduce(xg.tensor(X), out=np.zeros(3)),
            TypeError,
            "out must be an xgrad Tensor",
        ),
        (lambda: xg.add.reduce(xg.tensor(X), axis=0, out=xg.zeros(2)), ValueError, "out has shape"),
        (lambda: xg.add.reduceat(xg.tensor(X), [0, 5], axis=1), IndexError, "out-of-bounds"),
        (lambda: xg.add.reduceat(xg.tensor(X), [[0]], axis=1), TypeError, "1-d sequence"),
        (lambda: xg.add.at(np.zeros(3), [0], 1.0), TypeError, "updated in place"),
        (lambda: xg.add.at(xg.zeros(3), [0]), ValueError, "second operand needed"),
        (lambda: xg.sin.at(xg.zeros(3), [0], 1.0), ValueError, "unary"),
    ],
)
def test_bad_ufunc_method_calls_raise_as_numpy(call, err, match) -> None:
    with pytest.raises(err, match=match):
        call()


def test_reduceat_refuses_device_indices() -> None:
    strict = pytest.importorskip("array_api_strict")
    idx = strict.asarray([0, 1])
    with pytest.raises(TypeError, match="read on the host"):
        xg.add.reduceat(xg.tensor([1.0, 2.0]), idx)
