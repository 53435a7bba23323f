"""The engine: deep graphs, memory release, graph control, and what users get as ``.grad``."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy as np
import pytest

import xgrad as mg
from conftest import skip_on_dask


def test_a_100000_op_chain_backpropagates_without_recursion(xb: Any) -> None:
    skip_on_dask(xb, "a graph of 100,000 dask layers takes minutes to build, not seconds")
    x = mg.tensor(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert xb.host(x.grad) == 1.0


def test_a_wide_graph(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    total = x * 0.0
    for k in range(1, 301):
        total = total + x * float(k)
    total.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [45150.0, 45150.0])


def test_backward_frees_saved_arrays_as_it_goes(np_only: Any) -> None:
    x = mg.tensor(np.arange(1.0, 5.0))
    y = mg.exp(x)  # saves its output
    data = weakref.ref(y.data)
    f = mg.sum(y * 2.0)
    del y
    gc.collect()
    assert data() is not None  # the graph needs it
    f.backward()
    gc.collect()
    assert data() is None  # consumed: freed


def test_nodes_save_only_what_rules_need(np_only: Any) -> None:
    x = mg.tensor(np.arange(1.0, 5.0))
    t = x * 3.0  # nothing of t is needed by a later rule below
    ref = weakref.ref(t.data)
    f = mg.sum(t * 2.0)  # multiply by a constant: its rule needs only the constant
    del t
    gc.collect()
    assert ref() is None
    f.backward()
    np.testing.assert_array_equal(x.grad, [6.0] * 4)


def test_relu_keeps_its_output_not_its_input(np_only: Any) -> None:
    # relu's rule reads y > 0, so the pre-activation can be freed after the forward pass
    w = mg.tensor(np.array([-1.0, 2.0, 0.0, 3.0]))
    z = w * 1.0
    ref = weakref.ref(z.data)
    f = mg.sum(mg.nnet.relu(z) * 2.0)
    del z
    gc.collect()
    assert ref() is None
    f.backward()
    np.testing.assert_array_equal(w.grad, [0.0, 2.0, 0.0, 2.0])


def _residual_op(name: str, calls: list) -> Any:
    from xgrad.ops import Op

    def impl(xp: Any, x: Any) -> Any:
        calls.append("forward")
        return xp.sum(x * x), 2.0 * x  # the residual is the derivative itself

    def vjp(xp: Any, g: Any, x: Any, res: Any) -> Any:
        calls.append("rule with residual" if res is not None else "rule recomputing")
        return g * (2.0 * x if res is None else res)

    return Op(name, ("x",), impl, (vjp,), kind="reduction", residuals=True)


def test_an_op_with_residuals_hands_them_to_its_rule(xb: Any) -> None:
    from xgrad.ops import apply

    calls: list = []
    op = _residual_op("sumsq", calls)
    x = mg.tensor([1.0, -2.0, 3.0])
    y = apply(op, (x,))
    assert xb.host(y.data) == 14.0
    y.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, -4.0, 6.0])
    assert calls == ["forward", "rule with residual"]


def test_under_create_graph_a_residual_is_recomputed_so_it_is_differentiable(xb: Any) -> None:
    from xgrad.ops import apply

    calls: list = []
    op = _residual_op("sumsq", calls)
    x = mg.tensor([1.0, -2.0, 3.0])
    apply(op, (x,)).backward(create_graph=True)
    assert calls == ["forward", "rule recomputing"]
    mg.sum(x.grad).backward()  # d/dx sum(2x) = 2: a constant residual would give 0
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 2.0, 2.0])


def test_residuals_are_declared_and_not_for_elementwise_ops() -> None:
    from xgrad._op import register
    from xgrad.ops import Op

    with pytest.raises(ValueError, match="'res'"):
        Op("bad", ("x",), lambda xp, x: x, (lambda xp, g, res: g,))
    op = Op("bad", ("x",), lambda xp, x: (x, x), (lambda xp, g, res: g,), residuals=True)
    with pytest.raises(ValueError, match="elementwise op cannot have residuals"):
        register(op)


def test_backward_of_a_constant_is_a_no_op(xb: Any) -> None:
    c = mg.tensor([1, 2])
    c.backward()
    assert c.grad is None


def test_backward_of_a_leaf(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    x.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0])


def test_clear_graph_and_null_grad(xb: Any) -> None:
    x = mg.tensor(2.0)
    y = x * x
    y.clear_graph()
    assert y.creator is None
    y.backward()
    assert x.grad is None and xb.host(y.grad) == 1.0
    assert y.null_grad() is y and y.grad is None


def test_gradients_handed_to_users_are_writable_and_unshared(np_only: Any) -> None:
    a, b = mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])
    f = a + b  # both gradients are the same seed array inside the engine
    f.backward()
    assert a.grad is not b.grad
    a.grad[0] = 100.0
    assert b.grad[0] == 1.0
    x = mg.tensor([1.0, 2.0, 3.0])
    mg.sum(x).backward()  # the gradient of a sum is a broadcast inside the engine
    assert x.grad.flags.writeable
    x.grad[...] = 0.0


def test_grad_of_0d_is_an_array_not_a_numpy_scalar(np_only: Any) -> None:
    x = mg.tensor(3.0)
    y = x * 2.0
    z = y * y
    z.backward()
    for t in (x, y, z):
        assert type(t.grad) is np.ndarray and t.grad.shape == ()


def test_a_failing_rule_leaves_the_engine_usable(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    f = (x * 2.0).sum()
    with pytest.raises(ValueError):
        f.backward(xb.array([1.0, 2.0, 3.0]))
    f.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 2.0])


def _flaky(fail: list[bool]) -> Any:
    """The identity with a derivative rule that raises while ``fail[0]`` is set."""

    @mg.custom_vjp
    def ident(x: Any) -> Any:
        return x * 1.0

    def bwd(res: Any, g: Any) -> tuple:
        if fail[0]:
            raise FloatingPointError("rule failed")
        return (g,)

    ident.defvjp(lambda x: (x * 1.0, None), bwd)
    return ident


def test_a_rule_that_raises_during_backward_leaves_no_partial_gradient(xb: Any) -> None:
    fail = [True]
    x, w = mg.tensor([1.0, 2.0]), mg.tensor(3.0)
    h = x * 1.0
    y = (_flaky(fail)(h) * w).sum() + (x * x).sum()  # x is also reached by a path that works
    with pytest.raises(FloatingPointError) as info:
        y.backward()
    assert "no input received a gradient" in str(info.value.__notes__)
    assert x.grad is None and w.grad is None and h.grad is None and y.grad is None
    y.backward()  # the graph was freed: only y itself is reached now (MyGrad's rule)
    assert x.grad is None


def test_a_failed_backward_with_retain_graph_can_be_retried(xb: Any) -> None:
    fail = [True]
    x = mg.tensor([1.0, 2.0])
    y = (_flaky(fail)(x) * 3.0).sum() + (x * x).sum()
    with pytest.raises(FloatingPointError):
        y.backward(retain_graph=True)
    assert x.grad is None
    fail[0] = False
    y.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [5.0, 7.0])


def test_graphs_from_earlier_steps_are_terminals_not_errors(xb: Any) -> None:
    # x2 was made after x1's graph was consumed: backprop stops at x1 without error
    x0 = mg.tensor(1.0)
    (x0 * 2).backward()
    x1 = x0 * 3
    (x1 * 1).backward()
    x2 = x1 + 1
    (x2 * 5).backward()
    assert xb.host(x1.grad) == 5.0
    assert xb.host(x0.grad) == 3.0  # from the second backward, not reached by the third


def test_in_place_update_keeps_earlier_graphs_intact(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y = x * 3.0
    x *= 10.0  # x now refers to a new value; y's graph keeps the old one
    y.backward()
    assert x.grad is None  # the new x is not in y's graph
    np.testing.assert_array_equal(xb.host(x), [10.0, 20.0])
