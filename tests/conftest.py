"""Run the suite on every backend this machine has.

The ``xb`` fixture selects a backend for the duration of a test (through
``xgrad.use_backend``), so tensors made inside the test live there:

- ``numpy``: always;
- ``strict``: ``array_api_strict`` on its non-default ``Device("device1")``, with ``float()``,
  ``bool()``, ``int()`` and ``complex()`` made to raise off the CPU device. NumPy conversion of
  such arrays already raises, so a passing test proves the code under test used only the array
  API standard and never moved a buffer to the host;
- ``cupy``: when CuPy and a GPU are present;
- ``dask``: when Dask is installed (it is in the ``test`` extra): lazy arrays of NumPy
  chunks, computed by ``xb.host``. Tests of eager-only behaviour skip there, each saying
  why (:func:`skip_on_dask`); ``tests/test_dask*.py`` prove that nothing computes early.

``XGRAD_TEST_BACKENDS=cupy`` (a comma-separated list) restricts the run, e.g. in ``ci/gpu.sh``.
"""

from __future__ import annotations

import importlib.util
import os

# SciPy reads this once, at import: its array-API paths are what tests/test_consumers.py
# differentiates through
os.environ.setdefault("SCIPY_ARRAY_API", "1")
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import xgrad
from xgrad import backends

try:  # a test dependency, but let the NumPy suite run without it
    import array_api_strict
    from array_api_strict._array_object import Array as StrictArray
except ImportError:  # pragma: no cover
    array_api_strict = None


@dataclass(frozen=True)
class XB:
    """The backend a test runs on."""

    name: str  # "numpy", "strict", "cupy", "dask"
    backend: Any  # xgrad Backend
    device: Any  # native device

    @property
    def xp(self) -> Any:
        return self.backend.xp

    def host(self, arr: Any) -> np.ndarray:
        """An explicit host copy of a backend array, a tensor, or a tensor's gradient."""
        if arr is None:
            return None
        if isinstance(arr, xgrad.Tensor):
            return arr.numpy()
        if isinstance(arr, (int, float, bool, np.ndarray, np.generic)):
            return np.asarray(arr)
        return self.backend.to_host(arr)

    def array(self, values: Any, dtype: Any = None) -> Any:
        """A backend array on the test device."""
        return self.backend.asarray(np.asarray(values), dtype=dtype, device=self.device)

    def __str__(self) -> str:
        return self.name


def _available() -> list[str]:
    names = ["numpy"]
    if array_api_strict is not None:
        names.append("strict")
    try:
        backends.load("cupy")
        names.append("cupy")
    except Exception:
        pass
    if importlib.util.find_spec("dask") is not None:
        names.append("dask")
    wanted = os.environ.get("XGRAD_TEST_BACKENDS")
    if wanted:
        names = [n for n in names if n in wanted.split(",")]
    return names


BACKENDS = _available()


def _refuse_host(method: str):
    original = getattr(StrictArray, method)

    def guarded(self: Any, *args: Any) -> Any:
        if self.device != array_api_strict.Device():
            raise RuntimeError(
                f"{method} on an array on {self.device}: a device-to-host synchronisation "
                "that xgrad must not perform"
            )
        return original(self, *args)

    return original, guarded


@pytest.fixture(scope="session", autouse=True)
def _strict_device_guard():
    """float()/bool()/int()/complex() on array_api_strict's device1 raise for the session."""
    if array_api_strict is None:
        yield
        return
    saved = {}
    for method in ("__float__", "__bool__", "__int__", "__complex__", "__index__"):
        original, guarded = _refuse_host(method)
        saved[method] = original
        setattr(StrictArray, method, guarded)
    yield
    for method, original in saved.items():
        setattr(StrictArray, method, original)


def make_xb(name: str) -> XB:
    if name == "numpy":
        bk = backends.load("numpy")
        return XB("numpy", bk, "cpu")
    if name == "strict":
        bk = backends.load("array_api_strict")
        return XB("strict", bk, array_api_strict.Device("device1"))
    if name == "dask":  # lazy: xb.host computes (tests/test_dask*.py prove the laziness)
        bk = backends.load("dask")
        return XB("dask", bk, "cpu")
    bk = backends.load("cupy")
    return XB("cupy", bk, bk.default_device())


@pytest.fixture(params=BACKENDS)
def xb(request: pytest.FixtureRequest):
    """Run the test with new tensors on each available backend and device."""
    spec = make_xb(request.param)
    with xgrad.use_backend(spec.backend.name, device=spec.device):
        yield spec


@pytest.fixture
def np_only():
    """For tests about NumPy-only behaviour (read-only arrays, host conversions)."""
    with xgrad.use_backend("numpy"):
        yield make_xb("numpy")


@pytest.fixture(autouse=True)
def _numpy_unless_parametrized(request: pytest.FixtureRequest):
    """Tests that do not take ``xb`` compare against NumPy or MyGrad directly: run them on
    NumPy even when ``XGRAD_BACKEND`` selects another backend (as ``ci/gpu.sh`` does)."""
    if (
        "xb" in request.fixturenames
        or "np_only" in request.fixturenames
        or request.node.get_closest_marker("selects_backend")
    ):
        yield
        return
    with xgrad.use_backend("numpy"):
        yield


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "selects_backend: the test manages backend selection itself")


def pytest_report_header(config: pytest.Config) -> str:
    return f"xgrad backends under test: {', '.join(BACKENDS)}"


# Hypothesis: CI runs are reproducible (HYPOTHESIS_PROFILE=ci derandomizes); local runs explore
from hypothesis import settings as _hsettings  # noqa: E402

_hsettings.register_profile("ci", derandomize=True, print_blob=True)
# the first call of each CuPy kernel compiles it: no deadlines, fewer examples
_hsettings.register_profile("gpu", derandomize=True, deadline=None, max_examples=5)
_hsettings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


#: op-table rows that cannot run on Dask (tests/test_dask_ops.py checks their clear error)
DASK_RAISES = {"getitem (mask)"}


def skip_on_dask(xb: XB, why: str) -> None:
    """Skip a test of eager-only behaviour on the lazy Dask backend, saying why."""
    if xb.name == "dask":
        pytest.skip(f"dask: {why}")
