"""Regressions from an audit of higher-order derivatives, xgrad.func and custom rules: each
test names the behaviour that was wrong (a silently wrong number first, then errors)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.errors import BackendMismatchError, DisconnectedGradientError
from xgrad.func import grad, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, vjp
from xgrad.testing import check_grads


def host(xb: Any, v: Any) -> np.ndarray:
    return xb.host(v)


# -- nested transforms see the variables the inner function closes over ---------------------------
@pytest.mark.parametrize(
    "inner",
    [
        lambda x: grad(lambda y: x * y)(3.0),
        lambda x: jvp(lambda y: x * y, (3.0,), (1.0,))[1],
        lambda x: jacrev(lambda y: x * y)(3.0),
        lambda x: jacfwd(lambda y: x * y)(3.0),
        lambda x: vjp(lambda y: x * y, 3.0)[1](1.0)[0],
        lambda x: value_and_grad(lambda y: x * y)(3.0)[1],
    ],
    ids=["grad", "jvp", "jacrev", "jacfwd", "vjp", "value_and_grad"],
)
def test_an_inner_transform_closing_over_the_outer_argument(xb: Any, inner: Any) -> None:
    """d/dx (x * d/dy (x y)) = d/dx x^2 = 2x, whatever the inner transform."""
    out = grad(lambda x: x * inner(x))(xb.array(2.0))
    np.testing.assert_allclose(host(xb, out), 4.0)


def test_grad_of_grad_through_a_closure(xb: Any) -> None:
    out = grad(lambda a: grad(lambda x: a * x**2)(xb.array(3.0)))(xb.array(2.0))
    np.testing.assert_allclose(host(xb, out), 6.0)  # d/da (2 a x) at x = 3


@pytest.mark.parametrize("make_x", ["number", "constant", "array"])
def test_gradient_penalty_reaches_closed_over_parameters(xb: Any, make_x: str) -> None:
    w = mg.tensor(2.0)
    x: Any = {"number": 3.0, "constant": mg.tensor(3.0, constant=True), "array": xb.array(3.0)}[
        make_x
    ]
    g = grad(lambda x: w * x**2)(x)  # 2 w x
    assert isinstance(g, mg.Tensor) and not g.constant
    (g**2).backward()
    np.testing.assert_allclose(host(xb, w.grad), 144.0)  # d/dw (6 w)^2 = 72 w


def test_results_are_arrays_unless_they_depend_on_a_variable(xb: Any) -> None:
    w = mg.tensor(2.0)
    x = xb.array([1.0, 2.0])
    assert not isinstance(grad(lambda x: (w + x**2).sum())(x), mg.Tensor)
    assert isinstance(grad(lambda x: (w * x**2).sum())(x), mg.Tensor)
    assert not isinstance(grad(grad(lambda x: x**3))(2.0), mg.Tensor)


# -- higher-order backward() never leaves the previous order in x.grad -----------------------------
@pytest.mark.parametrize(
    "f, orders",
    [
        (lambda x: x**2, [6.0, 2.0, 0.0]),
        (lambda x: 5 * x, [5.0, 0.0]),
        (lambda x: mg.square(x), [6.0, 2.0, 0.0]),
        (lambda x: x**3, [27.0, 18.0, 6.0, 0.0]),
    ],
)
def test_each_order_of_backward_replaces_x_grad(xb: Any, f: Any, orders: list) -> None:
    x = mg.tensor(3.0)
    y = f(x)
    for k, expected in enumerate(orders):
        y.backward(create_graph=k < len(orders) - 1)
        np.testing.assert_allclose(host(xb, x.grad), expected, err_msg=f"order {k + 1}")
        y = x.grad


def test_a_derivative_that_does_not_depend_on_x_gives_x_zero(xb: Any) -> None:
    x, w = mg.tensor([1.0, 2.0]), mg.tensor(2.0)
    (x * w).sum().backward(create_graph=True)  # x.grad = w, independent of x
    x.grad.sum().backward()
    np.testing.assert_array_equal(host(xb, x.grad), [0.0, 0.0])
    np.testing.assert_allclose(host(xb, w.grad), 2.0)


# -- custom rules -------------------------------------------------------------------------------
def _quartic() -> Any:
    @mg.custom_jvp
    def q(x: Any) -> Any:
        return x**4

    @q.defjvp
    def _(p: tuple, t: tuple) -> tuple:
        return q(p[0]), 4 * p[0] ** 3 * t[0]

    return q


def test_custom_jvp_on_a_leaf_to_second_order(xb: Any) -> None:
    q = _quartic()
    a = mg.tensor([1.0, 2.0])
    q(a).sum().backward(create_graph=True)
    np.testing.assert_allclose(host(xb, a.grad), [4.0, 32.0])
    a.grad.sum().backward()
    np.testing.assert_allclose(host(xb, a.grad), [12.0, 48.0])


def test_forward_over_reverse_through_custom_jvp(xb: Any) -> None:
    q = _quartic()
    x, v = xb.array([1.0, 2.0]), xb.array([1.0, 0.0])
    np.testing.assert_allclose(host(xb, hvp(lambda a: q(a).sum(), (x,), (v,))), [12.0, 0.0])
    h = hessian(lambda a: q(a).sum(), mode="fwd-rev")(x)
    np.testing.assert_allclose(host(xb, h), np.diag([12.0, 48.0]))
    check_grads(q, x, order=3, modes=("rev", "fwd"))


def test_custom_rules_check_their_outputs_and_cotangents() -> None:
    @mg.custom_vjp
    def pair(x: Any) -> Any:
        return x, x

    pair.defvjp(lambda x: ((x, x), None), lambda r, g: (g,))
    with pytest.raises(TypeError, match="one tensor or array"):
        pair(mg.tensor([1.0]))

    @mg.custom_vjp
    def times(a: Any, b: Any) -> Any:
        return a * b

    times.defvjp(lambda a, b: (a * b, b), lambda b, g: (g * b,))
    with pytest.raises(ValueError, match="1 cotangent.*2 argument"):
        grad(lambda a: times(a, 2.0))(3.0)

    @mg.custom_vjp
    def double(a: Any) -> Any:
        return a * 2

    double.defvjp(lambda a: (a * 2, None), lambda r, g: (mg.sum(g) * 2,))
    with pytest.raises(ValueError, match=r"argument 0 has shape \(\)"):
        grad(lambda a: double(a).sum())(np.array([1.0, 2.0]))


def test_custom_rules_take_keyword_arguments() -> None:
    @mg.custom_vjp
    def power(a: Any, n: int = 2) -> Any:
        return a**n

    power.defvjp(lambda a, n: (a**n, (a, n)), lambda r, g: (g * r[1] * r[0] ** (r[1] - 1), None))
    np.testing.assert_allclose(grad(lambda a: power(a, n=3))(3.0), 27.0)

    @mg.custom_jvp
    def power2(a: Any, n: int = 2) -> Any:
        return a**n

    @power2.defjvp
    def _(p: tuple, t: tuple) -> tuple:
        return power2(*p), t[0] * p[1] * p[0] ** (p[1] - 1)

    np.testing.assert_allclose(grad(lambda a: power2(a, n=3))(3.0), 27.0)
    np.testing.assert_allclose(jvp(lambda a: power2(a, n=3), (3.0,), (1.0,))[1], 27.0)


# -- allow_unused, result types, and errors -----------------------------------------------------
def test_allow_unused_covers_constant_outputs_and_hvp(xb: Any) -> None:
    g = grad(lambda x: mg.tensor(2.0) ** 2, allow_unused=True)(xb.array(3.0))
    np.testing.assert_array_equal(host(xb, g), 0.0)
    np.testing.assert_array_equal(
        host(xb, grad(grad(lambda x: 3 * x), allow_unused=True)(2.0)), 0.0
    )
    x, v = xb.array([1.0, 2.0]), xb.array([1.0, 0.0])
    out = hvp(lambda x: (2 * x).sum(), (x,), (v,), allow_unused=True)
    np.testing.assert_array_equal(host(xb, out), [0.0, 0.0])
    with pytest.raises(DisconnectedGradientError):
        hvp(lambda x: (2 * x).sum(), (x,), (v,))


def test_scalar_results_are_0d_arrays_not_numpy_scalars(np_only: Any) -> None:
    g = grad(lambda x: x * x + x)(2.0)
    assert type(g) is np.ndarray and g.shape == () and g == 5.0
    value, g = value_and_grad(lambda x: x * x + x)(2.0)
    assert type(value) is np.ndarray and type(g) is np.ndarray
    assert type(vjp(lambda x: x * x + x, 2.0)[1](1.0)[0]) is np.ndarray


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: grad(lambda x: (x**2, x))(2.0), TypeError, "has_aux=True"),
        (lambda: vjp(lambda x: x * 2, 2.0, has_aux=True), ValueError, "pair"),
        (lambda: grad(lambda x, y: x * y, argnums=True)(2.0, 3.0), TypeError, "argnums"),
        (lambda: grad(lambda x, y: x * y, argnums=(0, 0))(2.0, 3.0), ValueError, "twice"),
        (
            lambda: grad(lambda x, y: x * 2, argnums=(0, 1))(2.0, 3.0),
            DisconnectedGradientError,
            "argument 1",
        ),
        (lambda: vjp(lambda x: x * 2, np.ones(3))[1](np.ones(1)), ValueError, "must match"),
        (lambda: grad(lambda t: t[0] * 2)((2.0, None)), TypeError, "None"),
    ],
    ids=[
        "tuple-without-aux",
        "aux-not-a-pair",
        "bool-argnums",
        "repeated",
        "names-arg",
        "cot",
        "none",
    ],
)
def test_clear_errors(call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_integer_like_argnums_and_keyword_arguments(np_only: Any) -> None:
    assert grad(lambda x: x * 2, argnums=np.int64(0))(2.0) == 2.0
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(jacrev(lambda x, p=2: x**p)(x, p=3), np.diag([3.0, 12.0]))
    np.testing.assert_allclose(jacfwd(lambda x, p=2: x**p)(x, p=3), np.diag([3.0, 12.0]))
    np.testing.assert_allclose(hessian(lambda x, p=2: (x**p).sum())(x, p=3), np.diag([6.0, 12.0]))
    assert jacfwd(lambda x: x * 2)(np.zeros(0)).shape == (0, 0)


def test_a_seed_tensor_broadcasts_with_create_graph(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    (x * x).backward(mg.tensor(2.0), create_graph=True)
    np.testing.assert_array_equal(host(xb, x.grad), [4.0, 8.0])


def test_tangents_and_cotangents_are_never_moved_between_backends() -> None:
    with mg.use_backend("array_api_strict", device="device1"):
        x = mg.tensor([1.0, 2.0])
    with pytest.raises(BackendMismatchError, match="jvp"):
        jvp(lambda x: x * 2, (x,), (np.ones(2),))
    with pytest.raises(BackendMismatchError, match="vjp"):
        vjp(lambda x: x * 2, x)[1](np.ones(2))


def test_transforms_leave_the_arguments_grad_alone(xb: Any) -> None:
    w = mg.tensor([1.0, 2.0])
    (w * w).sum().backward()
    g = mg.func.grad(lambda v: (v**3).sum())(w)
    np.testing.assert_array_equal(xb.host(g), [3.0, 12.0])
    np.testing.assert_array_equal(xb.host(w.grad), [2.0, 4.0])  # as the docstring promises
