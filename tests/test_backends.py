"""The backend registry: selection precedence, errors, devices and explicit transfers."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import array_api_strict as xps
import numpy as np
import pytest

import xgrad as mg
from xgrad import backends
from xgrad.errors import BackendMismatchError, BackendUnavailableError, DeviceMismatchError

DEVICE1 = xps.Device("device1")
pytestmark = pytest.mark.selects_backend


@pytest.fixture(autouse=True)
def _clean_selection(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("XGRAD_BACKEND", raising=False)
    monkeypatch.delenv("XGRAD_DEVICE", raising=False)
    mg.set_backend(None)
    yield
    mg.set_backend(None)


def test_default_is_numpy_on_the_cpu() -> None:
    assert mg.get_backend().name == "numpy"
    assert mg.get_device() == "cpu"
    t = mg.tensor([1.0])
    assert isinstance(t.data, np.ndarray) and t.device == "cpu"


def test_precedence_argument_context_global_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XGRAD_BACKEND", "array_api_strict")
    monkeypatch.setenv("XGRAD_DEVICE", "device2")
    assert mg.get_backend().name == "array_api_strict"
    assert mg.tensor(1.0).device == xps.Device("device2")
    mg.set_backend("numpy")  # beats the environment
    assert mg.tensor(1.0).backend.name == "numpy"
    with mg.use_backend("array_api_strict", device="device1"):  # beats set_backend
        assert mg.tensor(1.0).device == DEVICE1
        assert mg.tensor(1.0, backend="numpy").backend.name == "numpy"  # argument beats all
        with mg.use_backend("numpy"):
            assert mg.zeros(2).backend.name == "numpy"
        assert mg.ones(2).device == DEVICE1
    assert mg.tensor(1.0).backend.name == "numpy"


def test_device_argument_alone_picks_the_backend() -> None:
    t = mg.tensor([1.0], device="device1")
    assert t.backend.name == "array_api_strict" and t.device == DEVICE1
    with mg.use_backend("array_api_strict", device="device1"):
        assert mg.tensor([1.0], device="cpu").device == xps.Device()


def test_unknown_backend_lists_the_known_ones() -> None:
    for call in (
        lambda: mg.use_backend("torch").__enter__(),
        lambda: mg.set_backend("torch"),
        lambda: mg.tensor(1.0, backend="torch"),
    ):
        with pytest.raises(ValueError, match="'numpy', 'cupy', 'array_api_strict'"):
            call()


def test_unknown_backend_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XGRAD_BACKEND", "jax")
    with pytest.raises(ValueError, match="XGRAD_BACKEND='jax'"):
        mg.tensor(1.0)


@pytest.mark.skipif("cupy" in backends.available_backends(), reason="CuPy runs here")
def test_cupy_without_cupy_or_gpu_says_how_to_install() -> None:
    with pytest.raises(BackendUnavailableError, match=r"xgrad\[cuda12\]|numpy"):
        mg.tensor(1.0, backend="cupy")
    with pytest.raises(BackendUnavailableError):
        mg.tensor(1.0, device="cuda")


def test_importing_xgrad_never_imports_cupy() -> None:
    code = "import sys, xgrad; xgrad.tensor([1.0]) ** 2; assert 'cupy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_available_backends() -> None:
    names = mg.available_backends()
    assert names[0] == "numpy" and "array_api_strict" in names


def test_a_backend_array_lands_on_its_own_backend() -> None:
    a = xps.asarray([1.0, 2.0], device=DEVICE1)
    t = mg.tensor(a)  # selected backend is numpy, but the data is array_api_strict's
    assert t.backend.name == "array_api_strict" and t.device == DEVICE1


def test_mixing_backends_in_one_op_names_both() -> None:
    a = mg.tensor([1.0, 2.0])
    b = mg.tensor([1.0, 2.0], backend="array_api_strict")
    with pytest.raises(BackendMismatchError, match="'numpy'.*'array_api_strict'"):
        a + b
    with pytest.raises(BackendMismatchError, match="array_api_strict.*numpy"):
        b * np.ones(2)
    with pytest.raises(BackendMismatchError):
        mg.concatenate([a, b])


def test_mixing_devices_in_one_op_names_both() -> None:
    a = mg.tensor([1.0, 2.0], backend="array_api_strict")
    b = mg.tensor([1.0, 2.0], backend="array_api_strict", device="device1")
    with pytest.raises(DeviceMismatchError, match="'cpu'.*'device1'"):
        a + b
    with pytest.raises(DeviceMismatchError, match="device1"):
        b * xps.asarray([1.0, 2.0])
    with pytest.raises(DeviceMismatchError):
        mg.where(xps.asarray([True, False], device=DEVICE1), a, a)


def test_to_device_is_differentiable_and_grads_come_home() -> None:
    x = mg.tensor([1.0, 2.0])  # numpy
    y = x.to_device("device1", backend="array_api_strict")
    assert y.device == DEVICE1
    z = mg.tensor([3.0, 4.0], device="device1")
    (y * z).sum().backward()
    assert isinstance(x.grad, np.ndarray)
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert z.grad.device == DEVICE1


def test_to_device_within_a_backend() -> None:
    x = mg.tensor([1.0, 2.0], backend="array_api_strict")
    y = x.to_device("device1")
    (y**2).sum().backward()
    assert x.grad.device == xps.Device()
    np.testing.assert_array_equal(mg.to_numpy(x.grad), [2.0, 4.0])


def test_nothing_converts_to_numpy_implicitly() -> None:
    t = mg.tensor([1.0, 2.0], device="device1")
    with pytest.raises(TypeError, match=r"\.numpy\(\)"):
        np.asarray(t)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])  # explicit is fine


def test_repr_says_where_the_tensor_lives() -> None:
    assert repr(mg.tensor([1.0, 2.0])) == "Tensor([1., 2.])"
    r = repr(mg.tensor([1.0, 2.0], device="device1"))
    assert r == "Tensor([1., 2.], backend='array_api_strict', device='device1')"


def test_device_strings_are_validated() -> None:
    with pytest.raises(ValueError, match="'cpu'"):
        mg.tensor(1.0, backend="numpy", device="device1")
    with pytest.raises(ValueError, match="device1"):
        mg.tensor(1.0, backend="array_api_strict", device="gpu7")


def test_environment_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XGRAD_BACKEND", "array_api_strict")
    monkeypatch.setenv("XGRAD_DEVICE", "device1")
    assert mg.get_device() == DEVICE1
    code = (
        "import xgrad; t = xgrad.ones(2); "
        "assert t.backend.name == 'array_api_strict', t.backend; print(t.device)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert "device1" in out.stdout


def test_selection_is_context_local(xb: Any) -> None:
    # the xb fixture itself selects through use_backend
    assert mg.get_backend() is xb.backend


def test_numpy_arrays_are_host_data_for_the_selected_backend() -> None:
    a = np.array([1.0, 2.0])
    assert mg.tensor(a).backend.name == "numpy"
    with mg.use_backend("array_api_strict", device="device1"):
        t = mg.tensor(a)
    assert t.backend.name == "array_api_strict" and t.device == DEVICE1
    assert mg.tensor(t).device == DEVICE1  # tensors keep their place


# -- the NumPy backend's fast paths give what the plain calls give ---------------------------------
_SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0]


@pytest.mark.parametrize("shape", [(300, 2), (300, 10), (7, 32), (5, 33), (3, 100), (50,), (0, 4)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_numpy_reduction_and_relu_fast_paths_match_the_plain_calls(shape: Any, dtype: Any) -> None:
    bk = backends.load("numpy")
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    x = rng.standard_normal(shape).astype(dtype)
    if x.size:
        flat = x.reshape(-1)
        flat[rng.integers(0, x.size, 5)] = _SPECIAL
    with np.errstate(invalid="ignore"):  # inf - inf in rows that hold both
        np.testing.assert_array_equal(bk.max_last(x), np.max(x, axis=-1, keepdims=True))
        got, want = bk.sum_last(x), np.sum(x, axis=-1, keepdims=True)
        finite = np.isfinite(want)
        np.testing.assert_array_equal(got[~finite], want[~finite])  # the same nan and inf rows
        # elsewhere the same sum in another order: equal up to rounding at the terms' size
        scale = np.sum(np.abs(np.where(finite, x, 0)), axis=-1, keepdims=True)
        assert (np.abs(got - want)[finite] <= 4 * np.finfo(dtype).eps * scale[finite]).all()
        if dtype == np.float16:  # summed in float32 by NumPy: never the float16-rounding path
            np.testing.assert_array_equal(got, want)
    assert bk.max_last(x).shape == got.shape == (*shape[:-1], 1)
    if len(shape) == 2:  # a bias's gradient: the sum over the leading axis
        with np.errstate(invalid="ignore"):
            got, want = bk.sum_leading(x, 1), np.sum(x, axis=0)
            finite = np.isfinite(want)
            np.testing.assert_array_equal(got[~finite], want[~finite])
            scale = np.sum(np.abs(np.where(finite, x, 0)), axis=0)
            assert (np.abs(got - want)[finite] <= 4 * np.finfo(dtype).eps * scale[finite]).all()
        assert got.shape == want.shape and got.dtype == want.dtype
    big = rng.standard_normal((4, 128)).astype(dtype)
    big[0, :5] = _SPECIAL
    for arr in (x, big):
        out = bk.positive_part(arr)
        np.testing.assert_array_equal(out, np.maximum(arr, 0.0))
        assert out.dtype == arr.dtype


def test_float16_softmax_backward_does_not_overflow_in_a_partial_sum() -> None:
    # the row sums of g and g * y mix signs: rounded to float16 term by term they overflow
    x = mg.tensor(np.zeros((4, 3), np.float16))
    mg.nnet.logsoftmax(x).backward(np.array([[40000, 40000, -40000]] * 4, np.float16))
    assert np.isfinite(x.grad).all()


def test_rules_called_with_the_stock_array_api_namespace_find_the_backend() -> None:
    import array_api_compat.numpy as stock

    from xgrad.ops import OPS

    backends.load("numpy")
    y = OPS["relu"]._impl(stock, np.array([[-1.0, 2.0]]))
    np.testing.assert_array_equal(y, [[0.0, 2.0]])
    g = OPS["maximum"].vjps[0](stock, np.ones(2), np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    np.testing.assert_array_equal(g, [1.0, 0.0])


def test_indices_in_range_on_the_host_only() -> None:
    bk = backends.load("numpy")
    assert bk.indices_in_range(np.array([0, 2], np.int8), 3)
    assert not bk.indices_in_range(np.array([0, -1], np.int64), 3)
    assert not bk.indices_in_range(np.array([3], np.uint16), 3)
    assert bk.indices_in_range(np.array([], np.int64), 0)
    assert backends.load("array_api_strict").indices_in_range(xps.asarray([5]), 3) is None


@pytest.mark.parametrize("layout", ["c", "f", "broadcast", "3d", "empty", "empty rows"])
def test_numpy_sum_over_leading_axes_in_every_layout(layout: str) -> None:
    bk = backends.load("numpy")
    rng = np.random.default_rng(7)
    shape = {"3d": (6, 5, 4), "empty": (4, 0, 3), "empty rows": (0, 5, 3)}.get(layout, (6, 5))
    x = rng.standard_normal(shape)
    if layout == "f":
        x = np.asfortranarray(x)
    elif layout == "broadcast":
        x = np.broadcast_to(x[:1], x.shape)
    for lead in range(1, x.ndim):
        np.testing.assert_allclose(
            bk.sum_leading(x, lead), np.sum(x, axis=tuple(range(lead))), rtol=1e-14
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_tie_split_matches_the_plain_formula(dtype: Any) -> None:
    from xgrad.backends._base import Backend

    bk = backends.load("numpy")
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, (5, 7)).astype(dtype)  # many ties
    b = rng.integers(0, 3, (5, 7)).astype(dtype)
    g = rng.standard_normal((5, 7)).astype(dtype)
    g[0, :3] = [np.inf, -np.inf, np.nan]
    a0, b0, g0 = np.float64(1.0), np.float64(1.0), np.array(2.0)  # a 0-d tie: NumPy scalars
    np.testing.assert_array_equal(bk.tie_split(a0 > b0, a0 == b0, g0), 1.0)
    for gg in (g, np.abs(g[:1])):  # the same shape, and one that broadcasts
        got = bk.tie_split(a > b, a == b, gg)
        want = Backend.tie_split(bk, a > b, a == b, gg)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype == np.dtype(dtype)


@pytest.mark.parametrize(
    "shape, window, stride, dilation",
    [
        ((2, 3, 7, 8), (3, 2), (2, 1), (1, 3)),
        ((9,), (4,), (2,), (2,)),
        ((2, 5, 6, 7), (1, 2, 3), (3, 2, 1), (2, 1, 2)),
    ],
)
def test_numpy_sliding_windows_and_slice_add_match_the_plain_formulas(
    shape: tuple, window: tuple, stride: tuple, dilation: tuple
) -> None:
    from xgrad.backends._base import Backend

    bk = backends.load("numpy")
    x = np.random.default_rng(4).standard_normal(shape)
    for arr in (x, x[..., ::-1], np.asfortranarray(x)):  # any strides: viewed in place
        got = bk.sliding_windows(arr, window, stride, dilation)
        want = Backend.sliding_windows(bk, arr, window, stride, dilation)
        np.testing.assert_array_equal(got, want)
        assert np.shares_memory(got, arr) and not got.flags.writeable
    key = (Ellipsis, slice(1, None, 2))
    values = np.ones(x[key].shape, dtype=np.float32)
    got = bk.slice_add(x.copy(), key, values)
    want = Backend.slice_add(bk, x.copy(), key, values)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype == x.dtype
