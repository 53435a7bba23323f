"""Tensor conversions, copies and backward seeds; the engine's graph nodes and its handling of
rules that give no gradient or fail part-way."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import xgrad as xg


# -- backward's seed -----------------------------------------------------------------------------
def test_backward_does_nothing_while_autodiff_is_off(xb):
    x = xg.tensor([1.0, 2.0])
    with xg.no_autodiff:
        y = x * x
        y.backward()
    assert x.grad is None and y.grad is None
    assert repr(xg.no_autodiff) == "xgrad.no_autodiff"


def test_a_tensor_seed_under_create_graph_broadcasts_or_is_refused(xb):
    x = xg.tensor([1.0, 2.0])
    y = x * x
    with pytest.raises(ValueError) as exc:
        y.backward(xg.tensor([[1.0], [1.0], [1.0]]), create_graph=True)
    assert str(exc.value) == (
        "backward(grad): grad has shape (3, 1), which does not broadcast to the tensor's shape "
        "(2,); pass a gradient of shape (2,) (or one that broadcasts to it)"
    )
    y.backward(xg.tensor(2.0), create_graph=True)  # a 0-d seed broadcasts
    assert isinstance(x.grad, xg.Tensor)
    np.testing.assert_allclose(xb.host(x.grad), [4.0, 8.0])


def test_a_tensor_seed_without_create_graph_is_used_as_data(xb):
    x = xg.tensor([1.0, 2.0])
    seed = xg.tensor([1.0, 3.0])
    (x * x).backward(seed)
    np.testing.assert_allclose(xb.host(x.grad), [2.0, 12.0])
    assert seed.grad is None


def test_a_seed_of_another_dtype_is_cast(xb):
    x = xg.tensor([1.0, 2.0])
    (x * x).backward(xb.array([1.0, 3.0], dtype=xb.backend.dtype("float32")))
    assert x.grad.dtype == x.dtype
    np.testing.assert_allclose(xb.host(x.grad), [2.0, 12.0])


# -- conversions -------------------------------------------------------------------------------
def test_len():
    assert len(xg.tensor([[1, 2], [3, 4], [5, 6]])) == 3
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(xg.tensor(1.0))


def test_numpy_conversion_with_dtype_and_copy():
    c = xg.tensor([1.0, 2.0], constant=True)
    a = np.asarray(c, dtype=np.float32)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [1.0, 2.0])
    b = np.array(c, copy=True)
    assert not np.shares_memory(b, c.data)
    assert np.shares_memory(np.asarray(c), c.data)


def test_dlpack_export_with_device_and_copy():
    c = xg.tensor([1.0, 2.0], constant=True)
    assert c.__dlpack_device__() == (1, 0)  # kDLCPU
    y = np.from_dlpack(c, copy=True)
    assert not np.shares_memory(y, c.data)
    np.testing.assert_array_equal(y, [1.0, 2.0])
    z = np.from_dlpack(c, device="cpu")
    assert np.shares_memory(z, c.data)
    capsule = c.__dlpack__(dl_device=(1, 0), copy=False)
    assert type(capsule).__name__ == "PyCapsule"


# -- copies --------------------------------------------------------------------------------------
def test_copies_carry_data_and_gradient_but_no_graph(xb):
    x = xg.tensor([1.0, 2.0])
    (x * 3.0).sum().backward()
    for c in (copy.copy(x), copy.deepcopy(x), x.copy()):
        assert c is not x and not c.constant and c.creator is None
        np.testing.assert_array_equal(xb.host(c), [1.0, 2.0])
        np.testing.assert_array_equal(xb.host(c.grad), [3.0, 3.0])
    c = x.copy()
    c.grad[0] = 100.0  # its own gradient array
    assert float(xb.host(x.grad)[0]) == 3.0
    k = x.copy(constant=True)
    assert k.constant and k.grad is None
    y = x * x
    assert y.copy().creator is None and y.creator is not None


def test_copy_of_a_view_has_the_view_gradient(xb):
    x = xg.tensor([1.0, 2.0, 3.0])
    v = x[1:]
    (x * x).sum().backward()
    c = v.copy()
    assert c.base is None
    np.testing.assert_array_equal(xb.host(c.grad), [4.0, 6.0])


def test_pickle_round_trip_keeps_the_gradient(xb):
    x = xg.tensor([1.0, 2.0])
    (x * x).sum().backward()
    y = pickle.loads(pickle.dumps(x))
    assert y.backend is x.backend and y.device == x.device
    np.testing.assert_array_equal(xb.host(y.grad), [2.0, 4.0])


def test_a_tensor_from_another_library_with_an_explicit_backend_is_copied():
    strict = pytest.importorskip("array_api_strict")
    sa = strict.asarray([1.0, 2.0], device=strict.Device("device1"))
    t = xg.tensor(sa, backend="numpy")
    assert t.backend.name == "numpy" and isinstance(t.data, np.ndarray)
    np.testing.assert_array_equal(t.data, [1.0, 2.0])
    back = xg.tensor(t, backend="array_api_strict", device="device2")
    assert back.device == strict.Device("device2")


def test_replacing_the_data_of_a_tensor_with_views_updates_them(xb):
    x = xg.tensor([1.0, 2.0, 3.0])
    v = x[1:]
    x.data = xb.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(xb.host(v), [20.0, 30.0])
    with pytest.raises(ValueError, match="cannot replace the data of a view"):
        v.data = xb.array([0.0, 0.0])


# -- graph nodes -------------------------------------------------------------------------------
def test_node_reprs_and_names(xb):
    x = xg.tensor([1.0, 2.0])
    y = x * x
    node = y.creator
    assert repr(node) == "<xgrad Node multiply (live)>" and node.name == "multiply"
    y.sum().backward()
    assert repr(node) == "<xgrad Node multiply (consumed)>"
    assert y.creator is None and x.creator is None


def _stop_first():
    @xg.custom_vjp
    def stop_first(a, b):
        return a * b

    stop_first.defvjp(lambda a, b: (a * b, (a, b)), lambda res, g: (None, res[0] * g))
    return stop_first


def test_a_custom_vjp_rule_may_put_the_cotangent_first_on_every_backend():
    pytest.importorskip("array_api_strict")

    @xg.custom_vjp
    def scale(a, b):
        return a * b

    scale.defvjp(lambda a, b: (a * b, (a, b)), lambda res, g: (g * res[1], g * res[0]))
    with xg.use_backend("array_api_strict", device="device1"):
        a, b = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0])
        scale(a, b).sum().backward()
    np.testing.assert_array_equal(xg.to_numpy(a.grad), [3.0, 4.0])
    np.testing.assert_array_equal(xg.to_numpy(b.grad), [1.0, 2.0])


def test_a_rule_that_gives_no_gradient_leaves_the_inputs_behind_it_without_one(xb):
    f = _stop_first()
    x, y = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0])
    h = x * 2.0  # an intermediate node that receives no gradient
    f(h, y).sum().backward()
    assert x.grad is None and h.grad is None
    np.testing.assert_array_equal(xb.host(y.grad), [2.0, 4.0])
    # the same under create_graph: the gradients are tensors
    x, y = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0])
    f(x * 2.0, y).sum().backward(create_graph=True)
    assert x.grad is None
    assert isinstance(y.grad, xg.Tensor)
    np.testing.assert_array_equal(xb.host(y.grad), [2.0, 4.0])


def test_a_rule_that_fails_under_create_graph_leaves_no_gradient(xb):
    @xg.custom_vjp
    def fails(a):
        return a

    def bwd(res, g):
        raise RuntimeError("boom in the rule")

    fails.defvjp(lambda a: (a * 1.0, None), bwd)
    x = xg.tensor([1.0, 2.0])
    z = fails(x * 3.0) * 2.0
    with pytest.raises(RuntimeError, match="boom in the rule"):
        z.sum().backward(create_graph=True)
    assert x.grad is None
    # the graph is intact: a backward that does not reach the failing rule still works
    w = x * 5.0
    w.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [5.0, 5.0])
