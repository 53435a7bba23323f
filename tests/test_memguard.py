"""The memory guard (NumPy) and the copy-on-write guarantee that replaces it elsewhere."""

from __future__ import annotations

import gc
from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.errors import MemoryGuardError


def _graph(a: np.ndarray) -> mg.Tensor:
    """A graph that saves ``a`` (multiply saves both operands)."""
    return mg.tensor(2.0) * a


def test_saved_arrays_are_read_only_until_backward() -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    y = (x * x).sum()
    assert not x.data.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        x.data[0] = 5.0
    y.backward()
    assert x.data.flags.writeable
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])  # not corrupted


def test_clear_graph_and_garbage_collection_release_the_lock() -> None:
    a = np.array([1.0, 2.0])
    y = _graph(a)
    assert not a.flags.writeable
    y.clear_graph()
    assert a.flags.writeable
    y = _graph(a)
    assert not a.flags.writeable
    del y
    gc.collect()
    assert a.flags.writeable


def test_an_array_that_was_read_only_stays_read_only() -> None:
    a = np.array([1.0, 2.0])
    a.flags.writeable = False
    y = _graph(a)
    y.backward()
    assert not a.flags.writeable


def test_the_base_of_a_saved_view_is_locked_too_and_restored() -> None:
    a = np.arange(4.0)
    y = _graph(a[:2])
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 9.0
    y.backward()
    assert a.flags.writeable
    a[0] = 9.0


def test_an_array_saved_by_two_graphs_stays_locked_until_both_let_go() -> None:
    a = np.array([1.0, 2.0])
    y1, y2 = _graph(a), _graph(a)
    y1.backward()
    assert not a.flags.writeable
    y2.backward()
    assert a.flags.writeable


def test_only_what_a_rule_reads_is_locked() -> None:
    # x @ w with a constant x: w's gradient needs x, and only w's shape; so w stays writable
    x = np.ones((2, 3))
    w = mg.tensor(np.ones((3, 4)))
    y = x @ w
    assert not x.flags.writeable and w.data.flags.writeable
    # the softmax cross-entropy's softmax is its own residual, never visible, never locked
    scores = mg.tensor(np.zeros((2, 3)))
    loss = mg.nnet.softmax_crossentropy(scores, np.array([0, 2]))
    saved = loss.creator.saved  # (scores, labels, softmax)
    assert saved[0] is scores._data and not scores.data.flags.writeable
    assert saved[2].shape == (2, 3) and saved[2].flags.writeable
    (mg.sum(y) + loss).backward()
    assert x.flags.writeable and scores.data.flags.writeable


def test_mem_guard_off_as_context_manager_decorator_and_call() -> None:
    a = np.array([1.0, 2.0])
    with mg.mem_guard_off:
        assert not mg.mem_guard_active()
        y = _graph(a)
        with mg.mem_guard_on:
            assert mg.mem_guard_active()
            z = _graph(a)
        assert not mg.mem_guard_active()
    assert mg.mem_guard_active()
    assert not a.flags.writeable  # z locked it
    z.backward()
    assert a.flags.writeable  # y never did
    y.backward()

    @mg.mem_guard_off
    def f(arr: np.ndarray) -> mg.Tensor:
        return _graph(arr)

    y = f(a)
    assert a.flags.writeable
    with mg.mem_guard_off():  # the PyTorch-style call spelling works as well
        y = _graph(a)
    assert a.flags.writeable
    del y


def test_no_autodiff_locks_nothing() -> None:
    a = np.array([1.0, 2.0])
    with mg.no_autodiff:
        y = _graph(a)
    assert a.flags.writeable
    with mg.no_autodiff():
        y = _graph(a)
    assert a.flags.writeable and y.creator is None


def test_gradients_and_grad_buffers_stay_writable() -> None:
    x = mg.tensor([1.0, 2.0])
    (x * x).sum().backward()
    x.grad[0] = 0.0  # the user owns the gradient


# -- every backend: xgrad's in-place operations never write into an array a graph saved ------
def test_inplace_operations_never_mutate_saved_arrays(xb: Any) -> None:
    """This is what a version counter would detect on a backend without read-only arrays:
    xgrad's in-place operations are copy-on-write, so nothing saved can change under a graph."""
    with mg.mem_guard_off:  # NumPy without its guard behaves like CuPy / array_api_strict
        x = mg.tensor(xb.array([1.0, 2.0, 3.0, 4.0]))
        h = x * 1.0
        y = (h * h).sum()  # saves h's array
        saved = h.data
        before = np.asarray(mg.tensor(saved).numpy()).copy()
        v = h[1:3]
        h += 1.0
        h[0] = 10.0
        mg.multiply(h, 2.0, out=h)
        v *= 3.0  # writes through the view into h
        np.testing.assert_array_equal(mg.tensor(saved).numpy(), before)
        assert h.data is not saved
        y.backward()
    np.testing.assert_allclose(mg.tensor(x.grad).numpy(), [2.0, 4.0, 6.0, 8.0])


def test_a_view_made_before_the_graph_is_guarded_too(np_only: Any) -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    views = [x[1:], x.reshape(3, 1), x.T, x[::2]]
    y = x * x  # locks x's memory: the views' data share it
    for v in views:
        with pytest.raises(MemoryGuardError, match="memory guard"):
            v.data[...] = 10.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])
