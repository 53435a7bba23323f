"""The ``array_api_strict`` backend binding.

``array_api_strict`` is the reference implementation of the array API standard: it rejects
anything outside the standard and has extra "devices" (``device1``, ``device2``) whose arrays
refuse to be converted to NumPy. Running the whole suite on ``device1`` proves on a CPU that
xgrad's ops and derivative rules use only the standard and never touch host memory.
"""

from __future__ import annotations

from typing import Any

import array_api_strict as xps
import numpy as np
from array_api_strict._array_object import Array as _StrictArray

from ._base import Backend
from ._dtypes import check_dtype_supported
from ._scatter import getitem as _generic_getitem
from ._scatter import scatter_add_generic, scatter_set_generic

_DEVICE_NAMES = ("CPU_DEVICE", "device1", "device2")


class StrictBackend(Backend):
    name = "array_api_strict"
    xp = xps
    array_types = (_StrictArray,)
    array_type = _StrictArray
    multi_device = True
    has_readonly = False

    def default_device(self) -> Any:
        return xps.Device()

    def parse_device(self, spec: Any) -> Any:
        if spec is None or spec == "cpu":
            return xps.Device()
        if isinstance(spec, xps.Device):
            return spec
        if isinstance(spec, str) and spec in _DEVICE_NAMES:
            return xps.Device(spec)
        raise ValueError(
            f"array_api_strict has the devices 'cpu' (CPU_DEVICE), 'device1' and 'device2'; "
            f"got device={spec!r}."
        )

    def device_str(self, device: Any) -> str:
        name = device._device  # the standard gives devices no name; strict stores it here
        return "cpu" if name == "CPU_DEVICE" else name

    def devices(self) -> list[Any]:
        return [xps.Device(n) for n in _DEVICE_NAMES]

    def asarray(self, obj: Any, dtype: Any = None, device: Any = None, copy: bool | None = None):
        device = self.parse_device(device)
        if isinstance(obj, _StrictArray):
            if obj.device != device:
                obj = xps.asarray(obj, device=device, copy=True)
                copy = False
            return xps.asarray(obj, dtype=dtype, copy=copy)
        host = np.asarray(obj)
        check_dtype_supported(host.dtype)
        return xps.asarray(host, dtype=dtype, device=device, copy=copy)

    def to_host(self, arr: Any) -> np.ndarray:
        on_cpu = xps.asarray(arr, device=xps.Device(), copy=True)
        return np.asarray(on_cpu)

    def dtype(self, spec: Any) -> Any:
        # by type: == between a strict dtype and a NumPy type (xgrad.float32) warns
        if isinstance(spec, _STRICT_DTYPE_TYPE):
            return spec
        name = np.dtype(spec).name
        try:
            return getattr(xps, name)
        except AttributeError:
            raise TypeError(
                f"array_api_strict has no dtype {name!r} (it has bool, int8 to int64, uint8 to "
                "uint64, float32 and float64)"
            ) from None

    def version(self) -> str:
        return xps.__version__

    def memory_overlap(self, a: Any, b: Any, max_work: Any = None) -> bool:
        # every array_api_strict array wraps a NumPy array (its ``_array``), on any device
        if max_work == 0:
            return bool(np.may_share_memory(a._array, b._array))
        return bool(np.shares_memory(a._array, b._array, max_work=max_work))

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        return scatter_add_generic(self.xp, target, index, values)

    def getitem(self, arr: Any, key: Any) -> Any:
        return _generic_getitem(self.xp, arr, key)

    def scatter_set(self, target: Any, index: Any, values: Any) -> Any:
        if _is_basic_key(index):
            items = index if isinstance(index, tuple) else (index,)
            if any(k is None for k in items):  # the standard's __setitem__ takes no None
                region = target[index].shape
                index = tuple(k for k in items if k is not None)
                if hasattr(values, "shape"):
                    values = xps.reshape(xps.broadcast_to(values, region), target[index].shape)
            return super().scatter_set(target, index, values)
        if _is_mask_key(index):
            return super().scatter_set(target, index, values)  # the standard's __setitem__
        return scatter_set_generic(self.xp, target, index, values)


def _is_basic_key(key: Any) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in items)


def _is_mask_key(key: Any) -> bool:
    return isinstance(key, _StrictArray) and key.dtype == xps.bool


_STRICT_DTYPE_TYPE = type(xps.float64)  # the class of array_api_strict's dtype objects
