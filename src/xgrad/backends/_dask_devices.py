"""The Dask backend's two devices: chunks of NumPy arrays (``"cpu"``) or of CuPy arrays
(``"cuda"``, dask-of-CuPy).

Imported only by the Dask binding (it imports Dask; CuPy only when a ``"cuda"`` array is
asked for or met). A Dask array's chunk type is its ``_meta``'s (what Dask computes with);
its device here is ``"cpu"`` for NumPy chunks and ``"cuda"`` for CuPy chunks, whichever GPU
each is on: with several GPUs, each Dask worker computes on its own (``dask_cuda``'s
``LocalCUDACluster`` starts one worker per GPU), so a single GPU index does not describe a
Dask array.

``array_api_compat.dask.array`` creates NumPy chunks whatever the device, so the creation
functions of the backend's namespace are wrapped (:func:`install`): given
``device="cuda"`` (as a derivative rule passes ``device=x.device``) they create CuPy chunks,
through Dask's ``meta=`` where Dask takes it (``zeros``, ``ones``, ``empty``, ``full``) and
by converting each chunk otherwise (``arange``, ``linspace``, ``eye``, ``asarray``).
"""

from __future__ import annotations

import functools
import importlib.util
import types
from typing import Any

import dask.array as da
import numpy as np

from ..errors import BackendUnavailableError
from ._dtypes import check_dtype_supported

CPU = "cpu"
CUDA = "cuda"
DEVICES = (CPU, CUDA)

_CUPY_HINT = (
    "dask-of-CuPy (device='cuda') needs CuPy and a CUDA GPU: install CuPy for your CUDA "
    "version (pip install 'xgrad[cuda12]' or 'xgrad[cuda13]'), or keep device='cpu' (chunks "
    "of NumPy arrays)."
)


def cupy() -> Any:
    """CuPy, imported on first use; a clear error where it is missing."""
    try:
        import cupy as cp
    except ImportError as exc:
        raise BackendUnavailableError(f"{_CUPY_HINT} ({exc})") from None
    return cp  # pragma: no cover (needs CuPy)


def has_cupy() -> bool:
    """Whether CuPy is installed (without importing it)."""
    return importlib.util.find_spec("cupy") is not None


def is_cupy_chunk(a: Any) -> bool:
    """Whether ``a`` (a chunk, or a meta array) is a CuPy array; never imports CuPy."""
    return (type(a).__module__ or "").split(".")[0] == "cupy"


def device_of(arr: Any) -> str:
    """``"cuda"`` for a Dask array of CuPy chunks (or a CuPy array), else ``"cpu"``."""
    meta = getattr(arr, "_meta", arr)
    return CUDA if is_cupy_chunk(meta) else CPU


def parse(spec: Any) -> str:
    """The device a user's ``device=`` names: ``"cpu"`` (also ``None`` and
    array-api-compat's Dask device) or ``"cuda"`` (also ``"gpu"`` and a
    ``cupy.cuda.Device``)."""
    if spec is None or spec == CPU or type(spec).__name__ == "_dask_device":
        return CPU
    if spec in (CUDA, "gpu") or type(spec).__module__.startswith("cupy"):
        cupy()  # a clear error now where CuPy is missing
        return CUDA  # pragma: no cover (needs CuPy)
    if isinstance(spec, str) and spec.startswith("cuda:"):
        raise ValueError(
            f"the dask backend's devices are 'cpu' (NumPy chunks) and 'cuda' (CuPy chunks, "
            f"each on its worker's GPU); got device={spec!r}. To spread chunks over several "
            "GPUs, run one dask worker per GPU (dask_cuda.LocalCUDACluster) and use 'cuda'."
        )
    raise ValueError(
        f"the dask backend's devices are 'cpu' (chunks of NumPy arrays) and 'cuda' (chunks of "
        f"CuPy arrays); got device={spec!r}."
    )


def meta(device: str, dtype: Any = None, ndim: int = 0) -> Any:
    """An empty chunk of ``device``'s library: what Dask's ``meta=`` takes."""
    lib = cupy() if device == CUDA else np
    return lib.empty((0,) * ndim, dtype=dtype)


def to_device(arr: Any, device: str) -> Any:
    """``arr`` (a Dask array) with its chunks moved to ``device``, lazily, chunk by chunk."""
    if device_of(arr) == device:
        return arr
    if device == CUDA:
        move = cupy().asarray  # pragma: no cover (needs CuPy)
    else:
        move = _to_numpy  # pragma: no cover (needs CuPy: a "cuda" array to bring back)
    return arr.map_blocks(move, dtype=arr.dtype, meta=meta(device, arr.dtype, arr.ndim))


def _to_numpy(chunk: Any) -> np.ndarray:  # pragma: no cover (needs CuPy)
    return chunk.get() if is_cupy_chunk(chunk) else np.asarray(chunk)


def to_host(value: Any) -> Any:
    """A computed value (a chunk library's array or a scalar) as NumPy."""
    return value.get() if is_cupy_chunk(value) else np.asarray(value)


def add_at(out: Any, key: Any, values: Any) -> None:
    """``out[key] += values`` with repeated indices accumulating, in place: NumPy's
    ``add.at``, CuPy's ``cupyx.scatter_add``."""
    if is_cupy_chunk(out):
        import cupyx  # pragma: no cover (needs CuPy)

        cupyx.scatter_add(out, key, values)  # pragma: no cover (needs CuPy)
    else:
        np.add.at(out, key, values)


def from_host(obj: Any, dtype: Any, device: str, copy: bool | None) -> Any:
    """Host data (lists, NumPy arrays, scalars), or a CuPy array, as a Dask array on
    ``device``."""
    if is_cupy_chunk(obj):  # pragma: no cover (needs CuPy)
        arr = obj if dtype is None else obj.astype(dtype, copy=False)
        arr = arr.copy() if copy else arr
        return da.from_array(arr if device == CUDA else arr.get(), chunks="auto")
    host = np.array(obj, dtype=dtype, copy=True if copy else None)
    check_dtype_supported(host.dtype)  # before Dask sees it (object data: its own error)
    if device == CUDA:
        host = cupy().asarray(host)  # pragma: no cover (needs CuPy)
    return da.from_array(host, chunks="auto")


#: creation functions that take Dask's ``meta=`` (the chunk type of the result)
_WITH_META = ("zeros", "ones", "empty", "full")
#: creation functions whose NumPy chunks are converted to CuPy ones
_CONVERTED = ("arange", "linspace", "eye", "asarray")


def _on_device(stock: Any, name: str) -> Any:
    takes_meta = name in _WITH_META

    @functools.wraps(stock)
    def create(*args: Any, device: Any = None, **kwargs: Any) -> Any:
        dev = parse(device)
        if dev == CPU:
            out = stock(*args, **kwargs)
            # asarray(a dask array of CuPy chunks, device="cpu") moves it
            return to_device(out, CPU) if device is not None and name == "asarray" else out
        if takes_meta:  # pragma: no cover (needs CuPy)
            return stock(*args, meta=meta(CUDA, kwargs.get("dtype")), **kwargs)
        return to_device(stock(*args, **kwargs), CUDA)  # pragma: no cover (needs CuPy)

    return create


def _like(stock: Any) -> Any:
    """A ``*_like`` function: its result has the input's chunk type, then moves to
    ``device`` when one is given."""

    @functools.wraps(stock)
    def create(x: Any, /, *args: Any, device: Any = None, **kwargs: Any) -> Any:
        out = stock(x, *args, **kwargs)
        return out if device is None else to_device(out, parse(device))

    return create


def _cumulative(stock: Any, initial: int) -> Any:
    """``cumulative_sum``/``cumulative_prod`` whose ``include_initial`` slice has the
    input's chunk type (array-api-compat's makes it with NumPy chunks)."""

    @functools.wraps(stock)
    def fn(x: Any, /, *, axis: int | None = None, dtype: Any = None, **kwargs: Any) -> Any:
        include_initial = kwargs.pop("include_initial", False)
        res = stock(x, axis=axis, dtype=dtype, **kwargs)
        if not include_initial:
            return res
        ax = 0 if axis is None else axis % res.ndim
        chunks = tuple((1,) if i == ax else c for i, c in enumerate(res.chunks))
        shape = tuple(1 if i == ax else n for i, n in enumerate(res.shape))
        first = da.full(shape, initial, dtype=res.dtype, chunks=chunks, meta=res._meta)
        return da.concatenate([first, res], axis=ax)

    return fn


def _clip(stock: Any) -> Any:
    """``clip`` that keeps Python-number bounds numbers (array-api-compat's makes them arrays
    of NumPy chunks, which CuPy chunks cannot meet)."""

    @functools.wraps(stock)
    def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:
        if hasattr(min, "shape") or hasattr(max, "shape"):
            return stock(x, min, max)
        if min is None and max is None:
            return da.positive(x)
        out = x if min is None else da.maximum(x, min)
        out = out if max is None else da.minimum(out, max)
        return out.astype(x.dtype, copy=False)

    return clip


def install(ns: types.ModuleType) -> None:
    """Wrap the creation functions of the backend's namespace ``ns`` (see the module
    docstring), and the functions that create arrays inside (``cumulative_*``, ``clip``)."""
    for name in (*_WITH_META, *_CONVERTED):
        setattr(ns, name, _on_device(getattr(ns, name), name))
    for name in ("zeros_like", "ones_like", "empty_like", "full_like"):
        setattr(ns, name, _like(getattr(ns, name)))
    ns.cumulative_sum = _cumulative(ns.cumulative_sum, 0)
    ns.cumulative_prod = _cumulative(ns.cumulative_prod, 1)
    ns.clip = _clip(ns.clip)
