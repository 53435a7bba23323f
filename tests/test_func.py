"""The functional API (xgrad.func), custom rules and the public gradient checker, on every
backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.errors import DisconnectedGradientError, NonDifferentiableError
from xgrad.func import (
    elementwise_grad,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    value_and_grad,
    vjp,
)
from xgrad.testing import check_grads


def rosenbrock(x: Any) -> Any:
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def rosenbrock_hessian(x: np.ndarray) -> np.ndarray:
    n = len(x)
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i + 1, i + 1] += 200
        h[i, i + 1] += -400 * x[i]
        h[i + 1, i] += -400 * x[i]
    return h


def test_grad_of_arrays_gives_arrays_on_the_same_device(xb: Any) -> None:
    x = xb.array([1.0, 2.0, 3.0])
    g = grad(lambda t: (t**2).sum())(x)
    assert isinstance(g, xb.backend.array_type)
    assert xb.backend.device_of(g) == xb.device
    np.testing.assert_array_equal(xb.host(g), [2.0, 4.0, 6.0])


def test_grad_of_tensors_gives_tensors(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    g = grad(lambda t: (t**3).sum())(x)
    assert isinstance(g, mg.Tensor)
    np.testing.assert_array_equal(xb.host(g), [3.0, 12.0])
    assert x.grad is None  # the functional API never touches .grad


def test_grad_of_a_python_number() -> None:
    assert grad(lambda t: t**3)(2.0) == 12.0


def test_higher_orders_nest(xb: Any) -> None:
    f = lambda t: t**4
    x = xb.array(1.5)
    assert xb.host(grad(f)(x)) == pytest.approx(4 * 1.5**3)
    assert xb.host(grad(grad(f))(x)) == pytest.approx(12 * 1.5**2)
    assert xb.host(grad(grad(grad(f)))(x)) == pytest.approx(24 * 1.5)


def test_backward_create_graph_for_every_order(xb: Any) -> None:
    x = mg.tensor(1.5)
    y = mg.sin(x) * x
    y.backward(create_graph=True)
    g1 = x.grad
    np.testing.assert_allclose(xb.host(g1), np.cos(1.5) * 1.5 + np.sin(1.5))
    g1.backward(create_graph=True)
    g2 = x.grad
    np.testing.assert_allclose(xb.host(g2), -np.sin(1.5) * 1.5 + 2 * np.cos(1.5))
    g2.backward()
    np.testing.assert_allclose(xb.host(x.grad), -np.cos(1.5) * 1.5 - 3 * np.sin(1.5))


def test_value_and_grad_argnums_has_aux_and_pytrees(xb: Any) -> None:
    def loss(params: dict, x: Any) -> tuple:
        pred = params["w"] * x + params["b"]
        return (pred**2).sum(), pred

    params = {"w": xb.array([2.0]), "b": xb.array([0.5])}
    x = xb.array([1.0, 3.0])
    (value, aux), (gp, gx) = value_and_grad(loss, argnums=(0, 1), has_aux=True)(params, x)
    pred = 2.0 * np.array([1.0, 3.0]) + 0.5
    assert xb.host(value) == pytest.approx(np.sum(pred**2))
    np.testing.assert_allclose(xb.host(aux), pred)
    np.testing.assert_allclose(xb.host(gp["w"]), [np.sum(2 * pred * [1.0, 3.0])])
    np.testing.assert_allclose(xb.host(gp["b"]), [np.sum(2 * pred)])
    np.testing.assert_allclose(xb.host(gx), 2 * pred * 2.0)


def test_jacobians_agree_with_each_other_and_the_analytic_answer(xb: Any) -> None:
    def f(x: Any) -> Any:  # R^3 -> R^2
        return mg.stack([x[0] * x[1], mg.sin(x[2]) + x[0] ** 2])

    x = np.array([1.0, 2.0, 0.5])
    analytic = np.array([[2.0, 1.0, 0.0], [2.0, 0.0, np.cos(0.5)]])
    for mode in ("rev", "fwd"):
        np.testing.assert_allclose(xb.host(jacobian(f, mode=mode)(xb.array(x))), analytic)
    np.testing.assert_allclose(xb.host(jacrev(f)(xb.array(x))), xb.host(jacfwd(f)(xb.array(x))))


def test_hessian_of_a_quadratic_form(xb: Any) -> None:
    a = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0], [0.0, 2.0, 1.0]])
    A = xb.array(a)
    h = hessian(lambda x: x @ mg.matmul(A, x))(xb.array([0.3, -1.0, 2.0]))
    np.testing.assert_allclose(xb.host(h), a + a.T)


def test_hessian_of_rosenbrock(xb: Any) -> None:
    x = np.array([1.2, 0.8, 1.1, 0.9, -0.3])
    np.testing.assert_allclose(xb.host(hessian(rosenbrock)(xb.array(x))), rosenbrock_hessian(x))
    np.testing.assert_allclose(
        xb.host(jacrev(jacrev(rosenbrock))(xb.array(x))), rosenbrock_hessian(x)
    )


def test_hvp_is_hessian_times_vector(xb: Any) -> None:
    x = np.array([1.2, 0.8, 1.1, 0.9])
    v = np.array([1.0, -2.0, 0.5, 3.0])
    got = hvp(rosenbrock, (xb.array(x),), (xb.array(v),))
    np.testing.assert_allclose(xb.host(got), rosenbrock_hessian(x) @ v)


def test_vjp_can_be_called_many_times_and_jvp_is_forward(xb: Any) -> None:
    x = xb.array([1.0, 2.0])
    out, vjp_fn = vjp(lambda t: mg.exp(t) * 2, x)
    np.testing.assert_allclose(xb.host(out), 2 * np.exp([1.0, 2.0]))
    for u in ([1.0, 0.0], [0.0, 1.0], [3.0, -1.0]):
        (g,) = vjp_fn(xb.array(u))
        np.testing.assert_allclose(xb.host(g), 2 * np.exp([1.0, 2.0]) * u)
    out, tangent = jvp(lambda t: mg.exp(t) * 2, (x,), (xb.array([1.0, 10.0]),))
    np.testing.assert_allclose(xb.host(tangent), 2 * np.exp([1.0, 2.0]) * [1.0, 10.0])


def test_elementwise_grad_is_the_tutorials_backward(xb: Any) -> None:
    x = xb.array([0.5, 1.0, -2.0])
    np.testing.assert_allclose(xb.host(elementwise_grad(mg.sin)(x)), np.cos([0.5, 1.0, -2.0]))


def test_forward_over_forward_nests(xb: Any) -> None:
    f = lambda t: (t**3).sum()
    h = jacfwd(jacfwd(f))(xb.array([1.0, 2.0]))
    np.testing.assert_allclose(xb.host(h), np.diag([6.0, 12.0]))


# -- bad input ---------------------------------------------------------------------------------
def test_grad_of_a_non_scalar_points_to_jacobian_and_elementwise_grad(xb: Any) -> None:
    with pytest.raises(ValueError, match=r"jacobian.*elementwise_grad"):
        grad(lambda t: t**2)(xb.array([1.0, 2.0]))


def test_argnums_out_of_range(xb: Any) -> None:
    with pytest.raises(ValueError, match="argnums=2 is out of range"):
        grad(lambda a, b: a * b, argnums=2)(1.0, 2.0)


def test_a_function_returning_a_float_raises(np_only: Any) -> None:
    with pytest.raises(DisconnectedGradientError, match=r"float.*\.item\(\)"):
        grad(lambda t: float(t.sum()))(1.0)


def test_dropped_graphs_raise_naming_the_output(xb: Any) -> None:
    with pytest.raises(DisconnectedGradientError, match="output"):
        grad(lambda t: mg.sum(t.data) * 2.0)(xb.array([1.0, 2.0]))
    with pytest.raises(DisconnectedGradientError, match="output 1"):
        vjp(lambda t: (t * 2, mg.tensor(t.data)), xb.array([1.0]))[1](
            (xb.array([1.0]), xb.array([1.0]))
        )


def test_allow_unused_gives_zeros(xb: Any) -> None:
    g = grad(lambda a, b: (a * 2).sum(), argnums=(0, 1), allow_unused=True)(
        xb.array([1.0]), xb.array([5.0])
    )
    np.testing.assert_array_equal(xb.host(g[1]), [0.0])
    with pytest.raises(DisconnectedGradientError):
        grad(lambda a, b: (a * 2).sum(), argnums=(0, 1))(xb.array([1.0]), xb.array([5.0]))


def test_integer_arguments_cannot_be_differentiated(xb: Any) -> None:
    with pytest.raises(TypeError, match="floating-point"):
        grad(lambda t: t * 2)(2)


# -- custom rules -------------------------------------------------------------------------------
def test_custom_vjp_on_every_backend_and_to_second_order(xb: Any) -> None:
    @mg.custom_vjp
    def cube(x: Any) -> Any:
        return x**3

    cube.defvjp(lambda x: (x**3, x), lambda x, g: (3 * x**2 * g,))
    x = mg.tensor([1.0, 2.0])
    cube(x).backward()
    np.testing.assert_array_equal(xb.host(x.grad), [3.0, 12.0])
    g2 = grad(lambda t: grad(lambda s: cube(s))(t))(xb.array(1.5))
    np.testing.assert_allclose(xb.host(g2), 6 * 1.5)
    with pytest.raises(NonDifferentiableError, match="custom_jvp"):
        jvp(cube, (xb.array([1.0]),), (xb.array([1.0]),))


def test_custom_jvp_forward_and_transposed_reverse(xb: Any) -> None:
    @mg.custom_jvp
    def f(x: Any) -> Any:
        return mg.sin(x) * 0.0 + x * x  # the rule below is what counts

    @f.defjvp
    def f_jvp(primals: tuple, tangents: tuple) -> tuple:
        (x,), (t,) = primals, tangents
        return f(x), 2 * x * t

    x = xb.array([1.0, -3.0])
    np.testing.assert_allclose(xb.host(jvp(f, (x,), (xb.array([1.0, 1.0]),))[1]), [2.0, -6.0])
    np.testing.assert_allclose(xb.host(grad(lambda t: f(t).sum())(x)), [2.0, -6.0])
    check_grads(lambda t: f(t) ** 2, x, order=2)


def test_check_grads_catches_a_wrong_rule(xb: Any) -> None:
    @mg.custom_vjp
    def wrong(x: Any) -> Any:
        return x**2

    wrong.defvjp(lambda x: (x**2, x), lambda x, g: (3 * x * g,))  # should be 2x
    with pytest.raises(AssertionError, match="reverse mode"):
        check_grads(wrong, xb.array([1.0, 2.0]), order=1, modes=("rev",))
