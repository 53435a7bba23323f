"""Creation functions: argument checks, dtypes, negative geometric sequences, array fill
values (broadcast, moved when asked, refused across libraries and devices) and ``*_like``
of plain arrays."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg
from xgrad.errors import BackendMismatchError, DeviceMismatchError


def test_arange_takes_one_to_three_positional_arguments():
    for args in ((), (1, 2, 3, 4)):
        with pytest.raises(TypeError) as exc:
            xg.arange(*args)
        assert str(exc.value) == "arange takes 1 to 3 positional arguments: [start,] stop[, step]"


def test_logspace_in_a_dtype(xb):
    t = xg.logspace(0, 2, 3, dtype="float32")
    assert t.dtype == xb.backend.dtype("float32")
    np.testing.assert_allclose(xb.host(t), [1.0, 10.0, 100.0], rtol=1e-6)


def test_geomspace_of_negative_numbers(xb):
    t = xg.geomspace(-1, -1000, 4)
    np.testing.assert_allclose(xb.host(t), np.geomspace(-1, -1000, 4))
    assert xb.host(t)[0] == -1.0 and xb.host(t)[-1] == -1000.0  # exact endpoints
    f = xg.geomspace(-2, -32, 5, dtype="float32")
    assert f.dtype == xb.backend.dtype("float32")
    np.testing.assert_allclose(xb.host(f), [-2, -4, -8, -16, -32], rtol=1e-6)


def test_geomspace_refuses_zero_and_mixed_signs():
    with pytest.raises(ValueError, match="geomspace: a geometric sequence cannot include zero"):
        xg.geomspace(0, 1)
    with pytest.raises(ValueError, match="geomspace: start and stop must have the same sign"):
        xg.geomspace(-1, 1)


def test_full_with_a_tensor_fill_moved_to_another_backend_stays_differentiable():
    pytest.importorskip("array_api_strict")
    w = xg.tensor([3.0, 4.0])
    y = xg.full((2, 2), w, backend="array_api_strict", device="device1")
    assert (
        y.backend.name == "array_api_strict"
        and xg.backends.load("strict").device_str(y.device) == "device1"
    )
    np.testing.assert_array_equal(y.numpy(), [[3.0, 4.0], [3.0, 4.0]])
    (
        y * xg.tensor([[1.0, 2.0], [3.0, 4.0]], backend="array_api_strict", device="device1")
    ).sum().backward()
    np.testing.assert_array_equal(w.grad, [4.0, 6.0])  # back on NumPy, summed over rows
    same = xg.full((2,), w, device="cpu")  # already there: no move
    assert same.backend is w.backend


def test_full_with_array_fills_in_a_dtype(xb):
    f32 = xb.backend.dtype("float32")
    for fill in ([1, 2], np.array([1, 2])):
        t = xg.full((2, 2), fill, dtype="float32")
        assert t.dtype == f32 and t.constant is False
        np.testing.assert_array_equal(xb.host(t), [[1.0, 2.0], [1.0, 2.0]])
    w = xg.tensor([3.0, 4.0])
    t = xg.full((2, 2), w, dtype="float32")
    assert t.dtype == f32
    t.sum().backward()
    np.testing.assert_array_equal(xb.host(w.grad), [2.0, 2.0])
    with pytest.raises(ValueError) as exc:
        xg.full((2, 3), [1.0, 2.0])
    assert (
        str(exc.value) == "full: a fill_value of shape (2,) cannot be broadcast to the shape (2, 3)"
    )


def test_full_like_with_host_array_fills(xb):
    x = xg.tensor([[1.0, 2.0]])
    for fill in (np.array([5.0, 6.0]), [5.0, 6.0]):
        t = xg.full_like(x, fill)
        assert t.backend is xb.backend and t.device == x.device
        np.testing.assert_array_equal(xb.host(t), [[5.0, 6.0]])


def test_full_like_refuses_a_fill_of_another_library_or_device():
    strict = pytest.importorskip("array_api_strict")
    x = xg.tensor([[1.0, 2.0]])
    with pytest.raises(BackendMismatchError) as exc:
        xg.full_like(x, strict.asarray([5.0, 6.0]))
    assert str(exc.value).startswith(
        "cannot combine data from the 'numpy' and 'array_api_strict' backends in full_like"
    )
    with xg.use_backend("array_api_strict", device="device1"):
        xs = xg.tensor([[1.0, 2.0]])
    with pytest.raises(DeviceMismatchError) as exc:
        xg.full_like(xs, strict.asarray([5.0, 6.0], device=strict.Device("device2")))
    assert str(exc.value).startswith(
        "cannot combine tensors on devices 'device1' and 'device2' in full_like"
    )
    t = xg.full_like(xs, strict.asarray([5.0, 6.0], device=strict.Device("device1")))
    np.testing.assert_array_equal(t.numpy(), [[5.0, 6.0]])


def test_like_functions_of_plain_data(xb):
    z = xg.zeros_like(xb.array([1.0, 2.0]))
    assert z.backend is xb.backend and z.constant  # like an array: constant (MyGrad's rule)
    np.testing.assert_array_equal(xb.host(z), [0.0, 0.0])
    o = xg.ones_like([1, 2])
    assert o.backend is xb.backend and o.dtype == xb.backend.dtype("int64")
    np.testing.assert_array_equal(xb.host(o), [1, 1])


def test_like_function_onto_another_library_keeps_the_dtype():
    pytest.importorskip("array_api_strict")
    z = xg.zeros_like(np.array([1.0, 2.0], dtype=np.float32), backend="array_api_strict")
    assert z.backend.name == "array_api_strict"
    assert str(z.dtype).endswith("float32")
    np.testing.assert_array_equal(z.numpy(), [0.0, 0.0])
