"""Views and in-place updates, against NumPy in lockstep (a Hypothesis state machine), plus the
specific behaviours of docs/semantics.md's view rows.

The machine keeps a base tensor and views of it next to a NumPy array and the same views of
that array, applies random view ops and in-place updates to both, and checks after every step
that the data agree and that every view's ``base`` is the base. At the end it runs
``backward`` on a weighted sum and checks every gradient against finite differences of a NumPy
replay of the whole program, and each view's gradient against the same view of the base's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import xgrad as mg

ISCALARS = st.sampled_from([0.5, 2.0, -1.5, 3.0])


def _view_ops(shape: tuple, allow_reshape: bool) -> st.SearchStrategy:
    ops = [
        st.tuples(
            st.just("index"), hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True)
        ),
        st.just(("T", None)),
    ]
    if shape:
        ops.append(
            st.tuples(
                st.just("swapaxes"),
                st.tuples(st.integers(0, len(shape) - 1), st.integers(0, len(shape) - 1)),
            )
        )
    if allow_reshape:
        ops.append(st.just(("ravel", None)))
    ops.append(st.just(("expand_dims", None)))
    return st.one_of(ops)


def _apply_view(lib: Any, a: Any, op: str, arg: Any) -> Any:
    if op == "index":
        out = a[arg]  # NumPy gives a scalar for an integer on every axis; xgrad a 0-d copy
        return np.array(out) if isinstance(out, np.generic) else out
    if op == "T":
        return a.T
    if op == "swapaxes":
        return lib.swapaxes(a, *arg)
    if op == "ravel":
        return lib.ravel(a) if lib is mg else np.ravel(a)
    return lib.expand_dims(a, 0)


def _inplace(lib: Any, target: Any, op: str, value: Any) -> None:
    if op == "+=":
        target += value
    elif op == "*=":
        target *= value
    elif op == "-=":
        target -= value
    else:  # setitem of everything
        target[...] = value


class ViewMachine(RuleBasedStateMachine):
    """Lockstep: xgrad tensors vs NumPy arrays, through views and in-place updates."""

    backend_name = "numpy"
    device: Any = None
    allow_reshape = True
    views = Bundle("views")

    @initialize(target=views, data=st.data())
    def start(self, data: Any) -> int:
        shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), label="shape")
        self.x0 = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2)), label="x0")
        self.leaf = mg.tensor(self.x0, backend=self.backend_name, device=self.device)
        base = self.leaf * 1.0  # the program below mutates this, never the leaf itself
        self.tensors = {0: base}
        self.arrays = {0: self.x0.copy()}
        self.program: list[tuple] = []  # replayed with NumPy for finite differences
        return 0

    @rule(target=views, parent=views, data=st.data())
    def make_view(self, parent: int, data: Any) -> int:
        a = self.arrays[parent]
        op, arg = data.draw(_view_ops(a.shape, self.allow_reshape), label="view op")
        if op == "swapaxes" and a.ndim == 0:
            op, arg = "T", None
        new = len(self.tensors)
        self.arrays[new] = _apply_view(np, a, op, arg)
        self.tensors[new] = _apply_view(mg, self.tensors[parent], op, arg)
        self.program.append(("view", new, parent, op, arg))
        return new

    @precondition(lambda self: len(self.tensors) > 0)
    @rule(
        target_id=views,
        op=st.sampled_from(["+=", "*=", "-=", "[...]="]),
        value=ISCALARS,
        use_view=st.booleans(),
        data=st.data(),
    )
    def update(self, target_id: int, op: str, value: float, use_view: bool, data: Any) -> None:
        a = self.arrays[target_id]
        if not a.flags.writeable:  # NumPy's read-only views (none of ours are, but be safe)
            return
        source = None
        if use_view:
            same = [k for k, v in self.arrays.items() if v.shape == a.shape]
            source = data.draw(st.sampled_from(same), label="operand view")
        np_value = value if source is None else self.arrays[source] * value
        mg_value = value if source is None else self.tensors[source] * value
        _inplace(np, a, op, np_value)
        _inplace(mg, self.tensors[target_id], op, mg_value)
        self.program.append(("update", target_id, op, value, source))

    @invariant()
    def data_and_bases_agree(self) -> None:
        if not hasattr(self, "tensors"):
            return
        base = self.tensors[0]
        for k, t in self.tensors.items():
            np.testing.assert_allclose(
                mg.to_numpy(t), self.arrays[k], rtol=1e-12, atol=1e-12, err_msg=f"view {k}"
            )
            if k and np.shares_memory(self.arrays[k], self.arrays[0]):
                assert t.base is base, f"view {k} lost its base"

    def _replay(self, x0: np.ndarray) -> dict[int, np.ndarray]:
        arrays = {0: x0.copy()}
        for step in self.program:
            if step[0] == "view":
                _, new, parent, op, arg = step
                arrays[new] = _apply_view(np, arrays[parent], op, arg)
            else:
                _, target, op, value, source = step
                v = value if source is None else arrays[source] * value
                _inplace(np, arrays[target], op, v)
        return arrays

    def teardown(self) -> None:
        if not hasattr(self, "tensors"):
            return
        rng = np.random.default_rng(0)
        w = rng.uniform(-1, 1, self.x0.shape)
        base = self.tensors[0]
        (base * mg.tensor(w, backend=self.backend_name, device=self.device)).sum().backward()
        # d/dx0 of sum(w * final base), by central differences of the NumPy replay
        expected = np.zeros_like(self.x0)
        for idx in np.ndindex(self.x0.shape):
            h = 1e-6
            xp_, xm_ = self.x0.copy(), self.x0.copy()
            xp_[idx] += h
            xm_[idx] -= h
            expected[idx] = (
                np.sum(w * self._replay(xp_)[0]) - np.sum(w * self._replay(xm_)[0])
            ) / (2 * h)
        got = mg.to_numpy(self.leaf.grad)
        scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * scale)
        np.testing.assert_allclose(mg.to_numpy(base.grad), w)
        for k, t in self.tensors.items():
            if k and t.base is base:  # a view's gradient is the same view of the base's
                np.testing.assert_allclose(
                    mg.to_numpy(t.grad), np.broadcast_to(self._view_of(k, w), t.shape)
                )

    def _view_of(self, k: int, w: np.ndarray) -> np.ndarray:
        arrays = {0: w}
        for step in self.program:
            if step[0] == "view":
                _, new, parent, op, arg = step
                arrays[new] = _apply_view(np, arrays[parent], op, arg)
        return arrays[k]


class StrictViewMachine(ViewMachine):
    """The same on array_api_strict's device1 (reshape is left out: NumPy copies for some
    layouts, and the strict library cannot tell whether it did)."""

    backend_name = "array_api_strict"
    device = "device1"
    allow_reshape = False


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestViewsNumpy = ViewMachine.TestCase
TestViewsNumpy.settings = SETTINGS
TestViewsStrict = StrictViewMachine.TestCase
TestViewsStrict.settings = settings(SETTINGS, max_examples=20)


# -- the rows of docs/semantics.md about views ---------------------------------------------------
def test_mutating_a_view_mutates_its_base_and_view_grad_is_a_view_of_base_grad(np_only) -> None:
    x = mg.arange(4.0)
    y = x[:2]
    y *= 2
    np.testing.assert_array_equal(x.data, [0.0, 2.0, 2.0, 3.0])
    assert np.shares_memory(x.data, y.data)
    (x**2).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 4.0, 4.0, 6.0])
    np.testing.assert_array_equal(y.grad, [0.0, 4.0])
    assert np.shares_memory(y.grad, x.grad)


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x[1:],
        lambda x: x.reshape(2, 3),
        lambda x: x.reshape(3, 2).T,
        lambda x: mg.moveaxis(x.reshape(2, 3), 0, 1),
        lambda x: mg.swapaxes(x.reshape(2, 3), 0, 1),
        lambda x: mg.expand_dims(x, 0),
        lambda x: mg.squeeze(mg.expand_dims(x, 0)),
        lambda x: mg.ravel(x),
        lambda x: x[None][0],
    ],
)
def test_view_ops_return_views_sharing_memory(np_only, make: Any) -> None:
    x = mg.arange(6.0)
    v = make(x)
    assert v.base is x
    assert np.shares_memory(v.data, x.data)
    v *= 10  # writes through to x
    np.testing.assert_array_equal(np.sort(x.data), np.sort(np.arange(6.0) * 10))


def test_advanced_indexing_copies(xb: Any) -> None:
    x = mg.arange(4.0)
    y = x[[0, 1]]
    assert y.base is None
    y *= 10
    np.testing.assert_array_equal(xb.host(x), np.arange(4.0))


def test_broadcast_view_cannot_be_written(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    b = mg.broadcast_to(x, (3, 2))
    with pytest.raises(ValueError, match="broadcast view"):
        b += 1
    np.testing.assert_array_equal(xb.host(x), [1.0, 2.0])


def test_setitem_overwritten_slots_get_zero_and_value_gets_its_slots(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    v = mg.tensor([10.0, 20.0])
    y = x * 1.0
    y[1:3] = v
    (y * mg.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(xb.host(v.grad), [2.0, 3.0])


def test_setitem_with_a_broadcast_value(xb: Any) -> None:
    x = mg.zeros((2, 3))
    v = mg.tensor([1.0, 2.0, 3.0])
    x[...] = v  # x is a leaf: becomes the mutated value
    x.backward(mg.tensor([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]).data)
    np.testing.assert_array_equal(xb.host(v.grad), [3.0, 3.0, 3.0])


def test_earlier_results_keep_their_pre_mutation_values(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y = x * 1.0
    z = y * y
    y[0] = 100.0
    np.testing.assert_array_equal(xb.host(z), [1.0, 4.0])
    z.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 4.0])


def test_repeated_indices_accumulate_on_every_backend(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    x[[0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 0.0, 1.0])
    y = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    y[[1, 1, 0], [0, 0, 1]].sum().backward()
    np.testing.assert_array_equal(xb.host(y.grad), [[0.0, 1.0], [2.0, 0.0]])
    z = mg.arange(5.0)
    mg.take(z, [4, 4, 4, 1]).sum().backward()
    np.testing.assert_array_equal(xb.host(z.grad), [0.0, 1.0, 0.0, 0.0, 3.0])


def test_scatter_add_backends_agree_on_duplicates(xb: Any) -> None:
    rng = np.random.default_rng(3)
    idx = rng.integers(0, 7, size=50)
    vals = rng.standard_normal(50)
    expected = np.zeros(7)
    np.add.at(expected, idx, vals)
    out = xb.backend.scatter_add(xb.array(np.zeros(7)), (xb.array(idx),), xb.array(vals))
    np.testing.assert_allclose(xb.host(out), expected, rtol=1e-12)


def test_view_detaches_when_reused_after_its_graph_was_consumed(xb: Any) -> None:
    x = mg.arange(4.0)
    v = x[:2]
    (v * 2).sum().backward()
    np.testing.assert_array_equal(xb.host(v.grad), [2.0, 2.0])  # the view of x.grad
    w = v * 3  # reuse after backward: v is no longer tied to x (MyGrad's rule)
    w.sum().backward()
    np.testing.assert_array_equal(xb.host(v.grad), [3.0, 3.0])


# -- regressions ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: mg.tensor([1.0, 3.0, 5.0], constant=True),
        lambda: mg.tensor([1, 3, 5]),
    ],
    ids=["float-constant", "integer"],
)
def test_a_view_of_a_constant_writes_through_to_its_base(xb: Any, make: Any) -> None:
    x = make()
    y = x[:2]
    assert y.base is x
    y *= 2
    np.testing.assert_array_equal(xb.host(x), [2, 6, 5])
    x.reshape(3, 1)[0, 0] = 100
    np.testing.assert_array_equal(xb.host(x), [100, 6, 5])
    np.testing.assert_array_equal(xb.host(y), [100, 6])


def test_a_view_made_under_no_autodiff_writes_through_to_its_base(xb: Any) -> None:
    with mg.no_autodiff:
        x = mg.tensor([1.0, 3.0, 5.0])
        y = x[:2]
        y *= 2
    np.testing.assert_array_equal(xb.host(x), [2.0, 6.0, 5.0])
    assert y.base is x


def test_a_view_detaches_after_clear_graph_as_in_mygrad(xb: Any) -> None:
    x = mg.tensor([1.0, 3.0, 5.0])
    y = x[:2]
    y.clear_graph()
    y *= 2
    np.testing.assert_array_equal(xb.host(x), [1.0, 3.0, 5.0])
    assert y.base is None


@pytest.mark.parametrize(
    "shape, key, v, expected",
    [
        ((3,), ([0, 0, 2],), [5.0, 6.0, 7.0], [0.0, 12.0, 14.0]),
        ((4,), ([1, 1, 2],), 5.0, 20.0),  # a scalar value broadcast over three writes
        ((2, 3), (slice(None), [0, 0]), [[5.0], [6.0]], [[10.0], [12.0]]),
        ((2, 2), ([1, 1, 0], [0, 0, 1]), [1.0, 2.0, 3.0], [0.0, 4.0, 6.0]),
    ],
)
def test_setitem_with_repeated_indices_credits_only_the_write_that_lands(
    xb: Any, shape: tuple, key: tuple, v: Any, expected: Any
) -> None:
    """NumPy keeps the last of repeated writes, so only that element of v reaches the loss."""
    x = mg.ones(shape) * 1.0
    vt = mg.tensor(v)
    x[key] = vt
    (x * x).sum().backward()
    np.testing.assert_array_equal(xb.host(vt.grad), expected)
    ref = np.ones(shape)
    ref[key] = np.asarray(v)
    np.testing.assert_array_equal(xb.host(x), ref)


def test_setitem_with_repeated_indices_second_order(xb: Any) -> None:
    v = mg.tensor([5.0, 6.0, 7.0])
    x = mg.tensor([1.0, 2.0, 3.0]) * 1.0
    x[[0, 0, 2]] = v * v
    (x * x).sum().backward(create_graph=True)
    g = v.grad  # 4 v^3 where the write lands
    np.testing.assert_array_equal(xb.host(g), [0.0, 864.0, 1372.0])
    g.sum().backward()
    np.testing.assert_array_equal(xb.host(v.grad), [0.0, 432.0, 588.0])


# -- regressions: views found wrong against MyGrad ----------------------------------------------
def test_a_view_of_a_consumed_view_reads_its_own_gradient(xb: Any) -> None:
    base = mg.arange(4.0)[...]
    base.backward(xb.array([-1.0, 2.0, 3.0, -4.0]))
    view = base[-2:]  # base's graph to arange was consumed: a view of base alone
    (2 * base).backward(-1.0)
    np.testing.assert_array_equal(xb.host(view.grad), [-2.0, -2.0])  # MyGrad's numbers
    assert view.base is base


VIEW_FUNCTIONS = {
    "reshape": lambda x, c: mg.reshape(x, (2, 2), constant=c),
    "transpose": lambda x, c: mg.transpose(mg.reshape(x, (2, 2)), constant=c),
    "moveaxis": lambda x, c: mg.moveaxis(mg.reshape(x, (2, 2)), 0, 1, constant=c),
    "swapaxes": lambda x, c: mg.swapaxes(mg.reshape(x, (2, 2)), 0, 1, constant=c),
    "expand_dims": lambda x, c: mg.expand_dims(x, 0, constant=c),
    "ravel": lambda x, c: mg.ravel(x, constant=c),
}


@pytest.mark.parametrize("name", sorted(VIEW_FUNCTIONS))
def test_view_functions_with_constant_false_are_views(xb: Any, name: str) -> None:
    x = mg.arange(4.0)
    v = VIEW_FUNCTIONS[name](x, False)
    assert not v.constant
    v[(0,) * v.ndim] = 9.0  # writes into x, as MyGrad does
    (v * 1).sum().backward()
    np.testing.assert_array_equal(xb.host(x), [9.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0, 1.0, 1.0])


@pytest.mark.parametrize("name", sorted(VIEW_FUNCTIONS))
def test_a_constant_view_shares_memory_but_passes_no_gradient(xb: Any, name: str) -> None:
    x = mg.arange(4.0)
    v = VIEW_FUNCTIONS[name](x, True)
    assert v.constant
    (v * VIEW_FUNCTIONS[name](x, None)).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 1.0, 2.0, 3.0])  # one path only
    assert v.grad is None
    v[(0,) * v.ndim] = 9.0
    assert v.constant and xb.host(x)[0] == 9.0


def test_a_nonconstant_view_of_a_constant_is_a_leaf(xb: Any) -> None:
    c = mg.arange(4.0, constant=True)
    v = mg.reshape(c, (2, 2), constant=False)
    assert not v.constant and v.base is None
    (v * v).sum().backward()
    np.testing.assert_array_equal(xb.host(v.grad), [[0.0, 2.0], [4.0, 6.0]])


def test_broadcast_to_with_constant_is_a_read_only_view(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    b = mg.broadcast_to(x, (3, 2), constant=False)
    assert b.base is x
    with pytest.raises(ValueError, match="broadcast view"):
        b[0, 0] = 5.0


def test_einsum_of_a_diagonal_is_a_view(xb: Any) -> None:
    x = mg.tensor(np.arange(9.0).reshape(3, 3))
    d = mg.einsum("ii->i", x)
    assert d.base is x
    s = mg.tensor([1.0, 2.0, 3.0])
    d *= s  # writes x's diagonal, and credits s
    d.sum().backward()
    np.testing.assert_array_equal(xb.host(x), [[0, 1, 2], [3, 8, 5], [6, 7, 24]])
    np.testing.assert_array_equal(xb.host(x.grad), np.eye(3))  # MyGrad's numbers
    np.testing.assert_array_equal(xb.host(s.grad), [0.0, 4.0, 8.0])
    np.testing.assert_array_equal(xb.host(d.grad), [1.0, 1.0, 1.0])


def test_einsum_views_of_transposes_and_batched_diagonals(xb: Any) -> None:
    x = mg.tensor(np.arange(12.0).reshape(2, 3, 2))
    t = mg.einsum("ijk->kji", x)
    assert t.base is x and t.shape == (2, 3, 2)
    t[0, 0, 1] = -1.0
    assert xb.host(x)[1, 0, 0] == -1.0
    y = mg.tensor(np.arange(18.0).reshape(2, 3, 3))
    d = mg.einsum("bii->bi", y)
    assert d.base is y
    (d * 2).sum().backward()
    np.testing.assert_array_equal(xb.host(y.grad), 2 * np.broadcast_to(np.eye(3), (2, 3, 3)))
    w = mg.tensor(np.arange(4.0).reshape(2, 2))
    assert mg.einsum("ij->i", w).base is None  # a sum: a new array, as NumPy


@pytest.mark.parametrize("name", ["reshape", "transpose", "expand_dims"])
def test_a_write_through_a_constant_view_keeps_the_bases_history(xb: Any, name: str) -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    y = x * 1
    z = y * 2
    w = {
        "reshape": lambda: mg.reshape(y, (3,), constant=True),
        "transpose": lambda: mg.transpose(y, constant=True),
        "expand_dims": lambda: mg.expand_dims(y, 0, constant=True),
    }[name]()
    w[(0,) * w.ndim] = 10.0
    assert w.constant and y.creator is not None
    (z.sum() + (y * y).sum()).backward()
    np.testing.assert_array_equal(xb.host(x.grad), [2.0, 6.0, 8.0])  # finite differences


@pytest.mark.parametrize("constant", [True, False])
def test_einsum_views_with_constant(xb: Any, constant: bool) -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    d = mg.einsum("ii->i", x, constant=constant)
    assert d.base is x and d.constant is constant
    d[...] = 0.0
    np.testing.assert_array_equal(xb.host(x), [[0.0, 2.0], [3.0, 0.0]])
