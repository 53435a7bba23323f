"""xgrad.func's transforms and xgrad.custom's decorators: argument checks (type and message),
cotangents and tangents given as tensors, unused arguments, and calls without tensors."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg
from xgrad.errors import DisconnectedGradientError
from xgrad.func import grad, hessian, jacobian, jacrev, jvp, vjp


# -- modes and argnums -------------------------------------------------------------------------
def test_jacobian_and_hessian_modes_are_checked():
    with pytest.raises(ValueError) as exc:
        jacobian(lambda x: x, mode="x")
    assert str(exc.value) == "jacobian: mode must be 'rev' or 'fwd', got 'x'"
    with pytest.raises(ValueError) as exc:
        hessian(lambda x: x, mode="rev")
    assert str(exc.value) == "hessian: mode must be 'rev-rev' or 'fwd-rev', got 'rev'"


def test_argnums_must_name_an_argument():
    with pytest.raises(ValueError, match="grad: argnums must name at least one argument"):
        grad(lambda x: x.sum(), argnums=())(xg.tensor([1.0]))


def test_the_hessian_of_a_linear_function_with_allow_unused_is_zero(xb):
    x = xg.tensor([1.0, 2.0])
    with pytest.raises(DisconnectedGradientError, match="output 0 does not depend"):
        hessian(lambda a: (2.0 * a).sum())(x)
    h = hessian(lambda a: (2.0 * a).sum(), allow_unused=True)(x)
    np.testing.assert_array_equal(xb.host(h), np.zeros((2, 2)))
    h = hessian(lambda a: (a**3).sum(), allow_unused=True)(x)  # connected: the usual path
    np.testing.assert_array_equal(xb.host(h), np.diag([6.0, 12.0]))


def test_jacrev_of_a_constant_output_is_disconnected():
    with pytest.raises(DisconnectedGradientError) as exc:
        jacrev(lambda a: (a.sum(), xg.tensor(3.0)))(xg.tensor([1.0, 2.0]))
    assert str(exc.value).startswith(
        "jacobian: output 1 does not depend on the differentiated argument(s)"
    )
    assert "pass allow_unused=True to get zeros" in str(exc.value)


def test_grad_allow_unused_gives_zeros(xb):
    g = grad(lambda a, b: a.sum(), argnums=1, allow_unused=True)(
        xg.tensor([1.0]), xg.tensor([2.0, 3.0])
    )
    np.testing.assert_array_equal(xb.host(g), [0.0, 0.0])
    g = grad(lambda a: 3.0, allow_unused=True)(xg.tensor([1.0]))  # a constant output
    np.testing.assert_array_equal(xb.host(g), [0.0])


# -- jvp's tangents ------------------------------------------------------------------------------
def test_jvp_checks_the_tangents():
    with pytest.raises(ValueError, match="jvp: 2 primals but 1 tangents"):
        jvp(lambda a, b: a, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="jvp: tangents must have the structure of primals"):
        jvp(lambda a: a, ([1.0, 2.0],), ([1.0],))
    with pytest.raises(ValueError) as exc:
        jvp(lambda a: a * a, (xg.tensor([1.0, 2.0]),), (xg.tensor([1.0]),))
    assert str(exc.value) == "jvp: a tangent of shape (1,) for a primal of shape (2,)"


def test_jvp_with_tensor_tangents(xb):
    x = xg.tensor([1.0, 2.0])
    out, t = jvp(lambda a: a * a, (x,), (xg.tensor([1.0, 1.0], dtype="float32"),))
    assert t.dtype == x.dtype  # cast to the primal's dtype
    np.testing.assert_array_equal(xb.host(t), [2.0, 4.0])
    np.testing.assert_array_equal(xb.host(out), [1.0, 4.0])


def test_jvp_is_differentiable_in_a_tensor_tangent(xb):
    tan = xg.tensor([1.0, 0.0])
    x = xg.tensor([1.0, 2.0])
    _, t = jvp(lambda a: a**3, (x,), (tan,))  # t = 3 a**2 tan
    np.testing.assert_array_equal(xb.host(t), [3.0, 0.0])
    t.sum().backward()
    np.testing.assert_array_equal(xb.host(tan.grad), [3.0, 12.0])


# -- vjp's cotangents --------------------------------------------------------------------------
def test_vjp_checks_the_cotangents(xb):
    _, fn = vjp(lambda a: (a * 2.0, a * 3.0), xg.tensor([1.0]))
    with pytest.raises(ValueError, match=r"vjp_fn: expected 2 cotangent\(s\), got 1"):
        fn(xg.tensor([1.0]))
    with pytest.raises(ValueError) as exc:
        fn((xg.tensor([1.0]), xg.tensor([1.0, 2.0])))
    assert str(exc.value) == (
        "vjp_fn: the cotangent for output 1 has shape (2,), but the output has shape (1,); "
        "they must match"
    )


def test_vjp_with_tensor_cotangents(xb):
    x = xg.tensor([1.0])
    _, fn = vjp(lambda a: (a * 2.0, a * 3.0), x)
    (g,) = fn((xg.tensor([1.0]), xg.tensor([1.0], dtype="float32")))
    np.testing.assert_array_equal(xb.host(g), [5.0])
    c = xg.tensor([2.0])  # a cotangent that needs a gradient: the result is differentiable
    (g,) = fn((c, xb.array([1.0])))
    np.testing.assert_array_equal(xb.host(g), [7.0])
    g.sum().backward()
    np.testing.assert_array_equal(xb.host(c.grad), [2.0])


def test_vjp_of_an_unused_argument(xb):
    _, fn = vjp(lambda a, b: a * 2.0, xg.tensor([1.0]), xg.tensor([2.0]))
    with pytest.raises(DisconnectedGradientError) as exc:
        fn(xg.tensor([1.0]))
    assert str(exc.value).startswith("vjp: the function's output does not depend on argument 1")


# -- custom rules --------------------------------------------------------------------------------
def test_custom_rules_must_be_defined_before_use():
    @xg.custom_vjp
    def f(x):
        return x

    @xg.custom_jvp
    def h(x):
        return x

    with pytest.raises(TypeError, match=r"f: call defvjp\(fwd, bwd\) before using it"):
        f(xg.tensor([1.0]))
    with pytest.raises(TypeError, match="h: define its rule with defjvp before using it"):
        h(xg.tensor([1.0]))


def test_custom_vjp_keyword_arguments():
    @xg.custom_vjp
    def scaled(x, k=1.0):
        return x * k

    scaled.defvjp(lambda x, k=1.0: (x * k, k), lambda k, g: (g * k, None))
    x = xg.tensor([1.0, 2.0])
    scaled(x, k=3.0).sum().backward()  # bound to its position
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    with pytest.raises(TypeError) as exc:
        scaled(x, z=2.0)
    assert str(exc.value) == "scaled: got an unexpected keyword argument 'z'"

    @xg.custom_vjp
    def kw_only(x, *, k=1.0):
        return x * k

    kw_only.defvjp(lambda x, k=1.0: (x * k, k), lambda k, g: (g * k,))
    with pytest.raises(TypeError) as exc:
        kw_only(x, k=2.0)
    assert str(exc.value) == (
        "kw_only: keyword-only arguments ['k'] cannot be passed to a function with a custom "
        "rule; make them positional or bind them with functools.partial"
    )


def test_custom_vjp_bwd_must_return_a_tuple():
    @xg.custom_vjp
    def ident(x):
        return x

    ident.defvjp(lambda x: (x * 1.0, None), lambda r, g: g)
    x = xg.tensor([1.0])
    with pytest.raises(TypeError, match="ident: the backward rule must return a tuple of cotan"):
        ident(x).sum().backward()


def _square():
    @xg.custom_vjp
    def square(x):
        return x * x

    square.defvjp(lambda x: (x * x, x), lambda x, g: (2 * x * g,))
    return square


def test_custom_vjp_on_arrays_gives_a_constant_tensor(xb):
    square = _square()
    r = square(xb.array([3.0, 4.0]))
    assert isinstance(r, xg.Tensor) and r.constant and r.backend is xb.backend
    np.testing.assert_array_equal(xb.host(r), [9.0, 16.0])
    assert float(xb.host(grad(square)(3.0))) == 6.0


def test_custom_rules_on_python_numbers_give_a_0d_tensor(xb):
    square = _square()

    @xg.custom_jvp
    def cube(x):
        return x * x * x

    @cube.defjvp
    def _(primals, tangents):
        return cube(primals[0]), 3 * primals[0] ** 2 * tangents[0]

    for r, expected in ((square(3.0), 9.0), (cube(2.0), 8.0)):
        assert isinstance(r, xg.Tensor) and r.constant
        assert r.shape == ()
        assert isinstance(r.data, xb.backend.array_types)
        assert float(xb.host(r)) == expected


# -- the transforms' backward pass -------------------------------------------------------------
def test_grad_through_a_rule_that_gives_no_gradient_for_one_argument(xb):
    @xg.custom_vjp
    def stop_first(a, b):
        return a * b

    stop_first.defvjp(lambda a, b: (a * b, (a, b)), lambda res, g: (None, res[0] * g))
    x = xg.tensor([1.0, 2.0])
    # stop_first(2x, x) = 2 x**2, but its rule passes the gradient through b only: 2x
    g = grad(lambda t: stop_first(t * 2.0, t).sum())(x)
    np.testing.assert_array_equal(xb.host(g), [2.0, 4.0])


def test_vjp_of_one_tensor_returned_twice(xb):
    x = xg.tensor([1.0, 2.0])
    _, fn = vjp(lambda t: (lambda y: (y, y))(t * 2.0), x)
    (g,) = fn((xg.tensor([1.0, 1.0]), xg.tensor([1.0, 10.0])))
    np.testing.assert_array_equal(xb.host(g), [4.0, 22.0])  # 2 * (1 + 1), 2 * (1 + 10)


def test_grad_through_a_diamond(xb):
    def f(t):
        y = t * 2.0
        a = y * 3.0
        return (y + a) * a  # 8t * 6t = 48 t**2

    g = grad(lambda t: f(t).sum())(xg.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(xb.host(g), [96.0, 192.0])
