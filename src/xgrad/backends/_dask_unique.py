"""The Dask backend's ``unique`` family: NumPy's own functions, one lazy task each.

Imported only by the Dask binding (it imports Dask). ``array_api_compat.dask.array``'s
``unique_all``, ``unique_counts``, ``unique_inverse`` and ``unique_values`` count every NaN
as one value (the standard says each NaN is distinct) and fail on some inputs, and Dask's
``unique`` has no ``axis`` or ``equal_nan``. The number of unique values depends on the
data, so no chunked algorithm can know the result's length before computing anyway.

Here each function is NumPy's, run on the whole array in one lazy task (the input's chunks
are joined into one NumPy array when it runs): exactly NumPy's results, computed only when
asked. The values, first indices and counts have an unknown length (``nan`` in their shape,
as after Dask's boolean indexing); the inverse indices have the input's (known) shape.
"""

from __future__ import annotations

import math
import types
from typing import Any

import dask
import dask.array as da
import numpy as np
from array_api_compat.common import _aliases as _compat

from . import _dask_devices as _devices

_INDEX = np.dtype(np.intp)


def _lazy(fn: Any, x: Any, outputs: list[tuple[tuple, Any]], **kwargs: Any) -> list[Any]:
    """``fn(x, **kwargs)`` on the computed ``x``, as one task; ``outputs`` gives each result's
    shape (``nan`` where unknown) and dtype, in order. Each result becomes a Dask array."""

    def run(a: Any) -> tuple:
        out = fn(a, **kwargs)  # NumPy's function, or CuPy's through __array_function__
        out = out if isinstance(out, tuple) else (out,)
        return tuple(o if _devices.is_cupy_chunk(o) else np.asarray(o) for o in out)

    task = dask.delayed(run, pure=True, nout=len(outputs))(x)
    dev = _devices.device_of(x)
    return [
        da.from_delayed(
            task[k], shape=shape, dtype=dtype, meta=_devices.meta(dev, dtype, len(shape))
        )
        for k, (shape, dtype) in enumerate(outputs)
    ]


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    *,
    equal_nan: bool = True,
) -> Any:
    """:func:`numpy.unique` (NumPy's signature), lazily; see the module docstring."""
    if axis is None:
        values_shape: tuple = (math.nan,)
        inverse_shape: tuple = tuple(ar.shape)
    else:
        axis = axis % ar.ndim
        values_shape = tuple(math.nan if k == axis else n for k, n in enumerate(ar.shape))
        inverse_shape = (ar.shape[axis],)
    outputs = [(values_shape, ar.dtype)]
    if return_index:
        outputs.append(((math.nan,), _INDEX))
    if return_inverse:
        outputs.append((inverse_shape, _INDEX))
    if return_counts:
        outputs.append(((math.nan,), _INDEX))

    def numpy_unique(a: np.ndarray) -> Any:
        res = np.unique(a, return_index, return_inverse, return_counts, axis, equal_nan=equal_nan)
        if not return_inverse:
            return res
        res = list(res)
        k = 1 + return_index  # NumPy 2.0.0 and 2.0.1+ disagree on this shape: fix it
        res[k] = res[k].reshape(inverse_shape)
        return tuple(res)

    out = _lazy(numpy_unique, ar, outputs)
    return tuple(out) if len(out) > 1 else out[0]


def _standard(name: str, result: Any, fields: tuple[str, ...]) -> Any:
    def fn(x: Any, /) -> Any:
        shapes = {
            "values": ((math.nan,), x.dtype),
            "indices": ((math.nan,), _INDEX),
            "inverse_indices": (tuple(x.shape), _INDEX),
            "counts": ((math.nan,), _INDEX),
        }
        out = _lazy(getattr(np, name), x, [shapes[f] for f in fields])
        return result(*out) if result is not None else out[0]

    fn.__name__ = name
    fn.__doc__ = f"``numpy.{name}``, lazily; see the module docstring of ``{__name__}``."
    return fn


unique_all = _standard(
    "unique_all", _compat.UniqueAllResult, ("values", "indices", "inverse_indices", "counts")
)
unique_counts = _standard("unique_counts", _compat.UniqueCountsResult, ("values", "counts"))
unique_inverse = _standard(
    "unique_inverse", _compat.UniqueInverseResult, ("values", "inverse_indices")
)
unique_values = _standard("unique_values", None, ("values",))


def install(ns: types.ModuleType) -> None:
    """Put the functions above into the backend's namespace ``ns``."""
    for fn in (unique, unique_all, unique_counts, unique_inverse, unique_values):
        setattr(ns, fn.__name__, fn)
