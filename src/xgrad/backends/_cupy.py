"""The CuPy (CUDA GPU) backend binding.

Imported only when the CuPy backend is asked for: ``import xgrad`` never imports CuPy.
"""

from __future__ import annotations

from typing import Any

from ..errors import BackendUnavailableError
from ._base import Backend
from ._dtypes import check_dtype_supported

_INSTALL_HINT = (
    "Install CuPy for your CUDA version with `pip install 'xgrad[cuda12]'` or "
    "`pip install 'xgrad[cuda13]'`, or choose another backend "
    "(xgrad.use_backend('numpy'), XGRAD_BACKEND=numpy)."
)


def _import_cupy() -> Any:
    try:
        import cupy
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the 'cupy' backend needs CuPy, which is not installed ({exc}). {_INSTALL_HINT}"
        ) from None
    try:  # pragma: no cover (needs CuPy and a GPU)
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # pragma: no cover (needs CuPy: a CUDA driver missing or broken)
        raise BackendUnavailableError(
            f"the 'cupy' backend needs a CUDA GPU, and CuPy found none ({exc}). "
            "Choose another backend (xgrad.use_backend('numpy'), XGRAD_BACKEND=numpy)."
        ) from None
    if count == 0:  # pragma: no cover (needs CuPy; getDeviceCount raises on most drivers)
        raise BackendUnavailableError(
            "the 'cupy' backend needs a CUDA GPU, and CuPy found none. Choose another "
            "backend (xgrad.use_backend('numpy'), XGRAD_BACKEND=numpy)."
        )
    return cupy  # pragma: no cover (needs CuPy and a GPU)


class CupyBackend(Backend):  # pragma: no cover (needs CuPy and a GPU)
    name = "cupy"
    multi_device = True
    has_readonly = False

    def __init__(self) -> None:
        cupy = _import_cupy()
        import array_api_compat.cupy as xp_cupy

        self._cupy = cupy
        self.xp = xp_cupy
        self.array_types = (cupy.ndarray,)
        self.array_type = cupy.ndarray

    def default_device(self) -> Any:
        return self._cupy.cuda.Device()  # the current device

    def parse_device(self, spec: Any) -> Any:
        cupy = self._cupy
        if spec is None:
            return cupy.cuda.Device()
        if isinstance(spec, cupy.cuda.Device):
            return spec
        if isinstance(spec, str):
            if spec == "cuda" or spec == "gpu":
                return cupy.cuda.Device()
            if spec.startswith("cuda:") and spec[5:].isdigit():
                n = int(spec[5:])
                count = cupy.cuda.runtime.getDeviceCount()
                if n >= count:
                    raise ValueError(
                        f"device {spec!r} does not exist: this machine has {count} CUDA "
                        f"device(s), 'cuda:0' to 'cuda:{count - 1}'."
                    )
                return cupy.cuda.Device(n)
        raise ValueError(
            f"the cupy backend places arrays on 'cuda' or 'cuda:N' (or a cupy.cuda.Device); "
            f"got device={spec!r}. For the CPU use backend='numpy'."
        )

    def claims_device(self, spec: Any) -> bool:
        if isinstance(spec, str):
            return spec in ("cuda", "gpu") or spec.startswith("cuda:")
        return isinstance(spec, self._cupy.cuda.Device)

    def device_str(self, device: Any) -> str:
        return f"cuda:{device.id}"

    def devices(self) -> list[Any]:
        count = self._cupy.cuda.runtime.getDeviceCount()
        return [self._cupy.cuda.Device(i) for i in range(count)]

    def asarray(self, obj: Any, dtype: Any = None, device: Any = None, copy: bool | None = None):
        device = self.parse_device(device)
        cupy = self._cupy
        with device:
            if isinstance(obj, cupy.ndarray) and obj.device != device:
                obj = cupy.asarray(obj)  # explicit peer copy onto `device`
                copy = False
            arr = (
                cupy.array(obj, dtype=dtype, copy=bool(copy))
                if copy
                else cupy.asarray(obj, dtype=dtype)
            )
        check_dtype_supported(arr.dtype)
        return arr

    def create(self, name: str, *args: Any, device: Any = None, **kwargs: Any) -> Any:
        # array-api-compat's CuPy creation functions ignore device=: use the device context
        with device if device is not None else self.default_device():
            return getattr(self.xp, name)(*args, **kwargs)

    def owned(self, arr: Any) -> Any:
        # CuPy has no read-only arrays: a broadcast view (stride 0) handed to a user as a
        # gradient would let one write alias many elements, so it is materialised
        if arr.size > 1 and 0 in arr.strides:
            return arr.copy()
        return arr

    def is_contiguous(self, arr: Any) -> bool:
        return bool(arr.flags.c_contiguous)

    def shares_memory(self, a: Any, b: Any) -> bool:
        return bool(self._cupy.may_share_memory(a, b))

    def memory_overlap(self, a: Any, b: Any, max_work: Any = None) -> bool:
        if max_work == 0:
            return bool(self._cupy.may_share_memory(a, b))
        if max_work is None or max_work == -1:  # CuPy takes no integer effort bound
            return bool(self._cupy.shares_memory(a, b))
        raise TypeError(f"cupy: max_work must be None (exact) or 0 (bounds), got {max_work!r}")

    def to_host(self, arr: Any) -> Any:
        return arr.get()

    def to_device(self, arr: Any, device: Any) -> Any:
        with device:
            return self._cupy.array(arr, copy=True)

    def dtype(self, spec: Any) -> Any:
        import numpy as np

        return np.dtype(spec)

    def version(self) -> str:
        return self._cupy.__version__

    def random_generator(  # pragma: no cover (needs CuPy and a GPU)
        self, seed: Any = None, device: Any = None
    ) -> Any:
        return _CupyRandom(self, seed, self.parse_device(device))

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        import cupyx

        cupyx.scatter_add(target, index, values)
        return target


class _CupyRandom:  # pragma: no cover (needs CuPy and a GPU)
    """Random arrays drawn on the GPU by ``cupy.random.default_rng(seed)`` (cuRAND): the
    methods of ``backends/_random.HostRandom``, other numbers than NumPy's for a seed."""

    def __init__(self, backend: CupyBackend, seed: Any, device: Any) -> None:
        self.backend = backend
        self.device = device
        with device:  # the generator's state lives on the device current when it is made
            self.rng = backend._cupy.random.default_rng(seed)

    def __repr__(self) -> str:
        return f"<cuRAND source for cupy:{self.backend.device_str(self.device)}>"

    def random(self, shape: tuple[int, ...], dtype: Any) -> Any:
        with self.device:
            return self.rng.random(shape, dtype=dtype)

    def standard_normal(self, shape: tuple[int, ...], dtype: Any) -> Any:
        with self.device:
            return self.rng.standard_normal(shape, dtype=dtype)

    def integers(
        self, low: int, high: int, shape: tuple[int, ...], dtype: Any, endpoint: bool
    ) -> Any:
        with self.device:
            return self.rng.integers(low, high, shape, dtype=dtype, endpoint=endpoint)

    def permutation(self, n: int) -> Any:
        with self.device:  # the order of n uniform keys: a uniformly random permutation
            return self.backend._cupy.argsort(self.rng.random((n,)))
