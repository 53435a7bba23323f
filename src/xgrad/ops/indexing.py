"""Indexing: ``x[key]``, ``x[key] = v``, ``take``, ``take_along_axis``.

The gradient of ``x[key]`` scatters ``g`` back into zeros shaped like ``x``, with repeated
indices accumulating (``x[[0, 0, 2]].sum()`` has gradient ``[2, 0, 1]``). The array API has no
scatter-add, so the backend supplies one (``np.add.at``, ``cupyx.scatter_add``, an exact
array-API fallback). ``getitem`` and ``scatter_add`` are each other's derivatives, which keeps
the backward pass differentiable (``create_graph=True``).
"""

from __future__ import annotations

import math
from typing import Any

from .. import backends as _backends
from .._nsbase import TensorNamespace
from .._op import OPS, Op, apply, register
from .._tensor import Tensor
from .nondiff import NonDiff, call_nondiff

__all__ = ["getitem_grad", "is_basic", "normalize_key"]


def is_basic(key: tuple) -> bool:
    """Whether ``key`` (normalised) only slices: ints, slices, ``None`` and ``...``."""
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in key)


def normalize_key(bk: Any, ref: Any, key: Any) -> tuple:
    """A tuple key with tensors replaced by their data and lists/host index arrays by arrays
    of ``bk`` on ``ref``'s device."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    device = None
    hosts: dict[int, Any] = {}  # position in ``out`` -> host integers to bounds-check
    for k in key:
        if k is None or k is Ellipsis or isinstance(k, slice):
            out.append(k)
        elif isinstance(k, bool):
            out.append(bk.asarray(k, device=_device(bk, ref, device)))
        elif isinstance(k, int) or (hasattr(k, "__index__") and not hasattr(k, "shape")):
            out.append(int(k))
        elif isinstance(k, Tensor) and k.ndim == 0 and k._backend.xp.isdtype(k.dtype, "integral"):
            out.append(k._data)
        elif isinstance(k, Tensor):
            if k._backend is not bk:
                devices = (_device(bk, ref, device), k.device)
                raise _backends.mismatch_error(bk, k._backend, "indexing", devices=devices)
            out.append(k._data)
        elif isinstance(k, bk.array_types):
            out.append(k)
        elif isinstance(k, (list, tuple)) or _backends.backend_of(k) is not None:
            device = _device(bk, ref, device)
            other = _backends.backend_of(k)
            host = other.to_host(k) if other is not None and other is not bk else k
            for arr, ints in bk.index_from_host(host, device):
                if ints is not None:
                    hosts[len(out)] = ints
                if math.prod(arr.shape) == 0 and not bk.xp.isdtype(arr.dtype, ("integral", "bool")):
                    arr = bk.xp.astype(arr, bk.xp.int64)  # ``x[[]]``: an empty integer index
                out.append(arr)
        else:
            raise IndexError(
                f"only integers, slices, None, ..., and integer or boolean arrays are valid "
                f"indices; got {type(k).__name__}"
            )
    if not any(k is Ellipsis for k in out):
        consumed = 0
        for k in out:
            if k is None:
                continue
            dtype = getattr(k, "dtype", None)
            if dtype is not None and bk.xp.isdtype(dtype, "bool"):
                consumed += len(k.shape)
            else:
                consumed += 1
        if consumed < len(ref.shape):  # the array API wants the rest of the axes spelled out
            out.append(Ellipsis)
    if hosts:
        _check_bounds(bk, tuple(ref.shape), out, hosts)
    return _clamp_slices(bk, tuple(ref.shape), out)


def _check_bounds(bk: Any, shape: tuple, key: list, hosts: dict[int, Any]) -> None:
    """NumPy's IndexError for a host integer key out of bounds (``Backend.index_from_host``
    says which), raised now: a lazy library (Dask) would raise it only when computing."""
    total = sum(_consumes(bk, k) for k in key)
    dim = 0
    for pos, k in enumerate(key):
        if k is Ellipsis:
            dim += len(shape) - total
            continue
        h = hosts.get(pos)
        if h is not None and h.size and dim < len(shape) and not isinstance(shape[dim], float):
            n = shape[dim]
            bad = h[(h >= n) | (h < -n)]
            if bad.size:
                raise IndexError(
                    f"index {int(bad.flat[0])} is out of bounds for axis {dim} with size {n}"
                )
        dim += _consumes(bk, k)


def _consumes(bk: Any, k: Any) -> int:
    if k is None or k is Ellipsis:
        return 0
    dtype = getattr(k, "dtype", None)
    if dtype is not None and bk.xp.isdtype(dtype, "bool"):
        return len(k.shape)
    return 1


def _clamp_slices(bk: Any, shape: tuple, key: list) -> tuple:
    """Slices with in-bounds start and stop (the array API leaves out-of-bounds ones
    unspecified; NumPy clamps them)."""
    total = sum(_consumes(bk, k) for k in key)
    dim = 0
    out = []
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - total
        elif isinstance(k, slice) and dim < len(shape):
            if isinstance(shape[dim], float):  # nan: a lazy array's unknown length (Dask)
                if k == slice(None):
                    out.append(k)
                    dim += 1
                    continue
                raise NotImplementedError(
                    f"slicing (x[{k.start}:{k.stop}:{k.step}]) is not supported on axis {dim} of "
                    f"length unknown (shape {shape}, after a dask operation whose result's "
                    "length depends on values): call .compute_chunk_sizes() on the dask array "
                    "before making a tensor of it, or compute first."
                )
            start, stop, step = k.indices(shape[dim])
            out.append(slice(start, None if step < 0 and stop < 0 else stop, step))
            dim += 1
            continue
        else:
            dim += _consumes(bk, k)
        out.append(k)
    return tuple(out)


def _device(bk: Any, ref: Any, cached: Any) -> Any:
    return cached if cached is not None else bk.device_of(ref)


def _is_tensor_ns(xp: Any) -> bool:
    return isinstance(xp, TensorNamespace)


# -- the mutually adjoint pair: getitem and scatter_add ------------------------------------------
def _getitem(xp: Any, x: Any, *, key: tuple) -> Any:
    if is_basic(key):
        return x[key]
    return _backends.of_namespace(xp).getitem(x, key)


def _scatter_add(xp: Any, g: Any, *, key: tuple, shape: tuple) -> Any:
    """zeros(shape) with ``g`` added at ``key`` (duplicates accumulate)."""
    zeros = xp.zeros(shape, dtype=g.dtype, device=g.device)
    if is_basic(key):
        if 0 in tuple(g.shape):  # an empty selection adds nothing (Dask's setitem rejects it)
            return zeros
        if any(k is None for k in key):  # new axes: drop them from g (setitem takes no None)
            key = tuple(k for k in key if k is not None)
            g = xp.reshape(g, zeros[key].shape)
        return _backends.of_namespace(xp).set_basic(zeros, key, g)
    return _backends.of_namespace(xp).scatter_add(zeros, key, g)


def getitem_grad(xp: Any, g: Any, x_shape: tuple, key: tuple) -> Any:
    """The gradient of ``x[key]``: ``g`` scattered into zeros of ``x_shape``."""
    if _is_tensor_ns(xp):
        return apply(OPS["scatter_add"], (g,), {"key": key, "shape": x_shape})
    return _scatter_add(xp, g, key=key, shape=x_shape)


def getitem(xp: Any, x: Any, key: tuple) -> Any:
    """``x[key]`` on arrays, or as a recorded op on tensors."""
    if isinstance(x, Tensor):
        return apply(OPS["getitem"], (x,), {"key": key})
    return _getitem(xp, x, key=key)


register(
    Op(
        "getitem",
        ("x",),
        _getitem,
        (lambda xp, g, x_shape, *, key: getitem_grad(xp, g, x_shape, key),),
        kind="indexing",
        jvp="linear",
        doc="x[key]: basic, advanced and boolean indexing",
    )
)
register(
    Op(
        "scatter_add",
        ("g",),
        _scatter_add,
        (lambda xp, g, *, key, shape: getitem(xp, g, key),),
        kind="indexing",
        jvp="linear",
        doc="zeros(shape) with g added at key (the adjoint of getitem)",
    )
)


# -- setitem: a copy of x with v written at key --------------------------------------------------
def _setitem(xp: Any, x: Any, v: Any, *, key: tuple) -> Any:
    bk = _backends.of_namespace(xp)
    if not isinstance(v, (int, float, bool)) and v.dtype != x.dtype:
        v = xp.astype(v, x.dtype)
    return bk.scatter_set(x, key, v)


def _setitem_x(xp: Any, g: Any, *, key: tuple) -> Any:
    """The overwritten slots of the old value get gradient 0."""
    if _is_tensor_ns(xp):
        return apply(OPS["setitem"], (g, 0.0), {"key": key})
    return _backends.of_namespace(xp).scatter_set(g, key, 0.0)


def _setitem_v(xp: Any, g: Any, *, key: tuple) -> Any:
    """``v`` receives its slots' gradient (summed back by the engine where it broadcast).

    With repeated integer indices only the last write to a position lands (as in NumPy), so
    only that element of ``v`` gets the position's gradient; the others get 0."""
    gv = getitem(xp, g, key)
    if not any(hasattr(k, "dtype") for k in key):
        return gv
    bk = g._backend if isinstance(g, Tensor) else _backends.of_namespace(xp)
    data = g._data if isinstance(g, Tensor) else g
    if all(bk.xp.isdtype(k.dtype, "bool") for k in key if hasattr(k, "dtype")):
        return gv  # a mask selects each position once
    # through call_nondiff: the key may hold computed indices, which xgrad.compile records
    wins = call_nondiff(_WINS, (g,), {"key": key, "shape": tuple(data.shape)}, check=False)
    return xp.where(wins, gv, 0.0)


def _wins(xp: Any, g: Any, *, key: tuple, shape: tuple) -> Any:
    return _winning_writes(_backends.of_namespace(xp), shape, key, g.device)


def _winning_writes(bk: Any, shape: tuple, key: tuple, device: Any) -> Any:
    """A boolean array shaped like ``x[key]``: True for the elements whose write lands, i.e.
    the last write to each position (the rule ``scatter_set`` follows)."""
    bxp = bk.xp
    i64 = bxp.int64
    size = math.prod(shape)
    positions = bxp.reshape(bxp.arange(size, dtype=i64, device=device), shape)
    sel_shape = tuple(bk.getitem(positions, key).shape)
    writes = bxp.reshape(bxp.arange(math.prod(sel_shape), dtype=i64, device=device), sel_shape)
    owner = bk.scatter_set(bxp.full(shape, -1, dtype=i64, device=device), key, writes)
    return bxp.equal(bk.getitem(owner, key), writes)


_WINS = NonDiff("winning_writes", _wins, 1, False)

register(
    Op(
        "setitem",
        ("x", "v"),
        _setitem,
        (_setitem_x, _setitem_v),
        kind="indexing",
        jvp="linear",
        doc="a copy of x with x[key] = v",
    )
)
