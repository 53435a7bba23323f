"""Scatter-add (and scatter-set) written against the array API standard alone.

The standard has no ``np.add.at``: integer-array assignment keeps one of several writes to the
same slot, so ``a[idx] += v`` drops duplicates (``array_api_extra.at(...).add`` has the same
flaw). Index gradients need every duplicate to count: ``x[[0, 0, 2]].sum()`` has gradient
``[2, 0, 1]``. This module sums duplicates exactly, with sorting, a segmented prefix sum of
``ceil(log2(m))`` static steps, and ``searchsorted``: no data-dependent Python loop and no
host synchronisation, so it runs unchanged on any device.
"""

from __future__ import annotations

from typing import Any


def _on_device(xp: Any, values: Any, target: Any) -> Any:
    if hasattr(values, "shape"):
        return values
    return xp.asarray(values, dtype=target.dtype, device=target.device)


def _shift_right(xp: Any, a: Any, d: int, fill: Any) -> Any:
    """``a`` moved ``d`` places to the right along axis 0, padded with ``fill``."""
    pad = xp.full((d,), fill, dtype=a.dtype, device=a.device)
    return xp.concat([pad, a[: a.shape[0] - d]])


def segment_prefix_sum(xp: Any, keys: Any, values: Any) -> Any:
    """Running sums of ``values`` that restart at every change of ``keys`` (sorted, 1-D).

    The last element of each run of equal keys holds that run's total.
    """
    m = keys.shape[0]
    v = values
    d = 1
    while d < m:  # Hillis-Steele segmented scan: static number of steps
        same = xp.equal(keys, _shift_right(xp, keys, d, -1))
        v = v + xp.where(same, _shift_right(xp, v, d, 0), xp.zeros_like(v))
        d *= 2
    return v


def scatter_add_generic(xp: Any, target: Any, index: Any, values: Any) -> Any:
    """Return ``target`` with ``values`` added at ``target[index]``, duplicates accumulating.

    ``index`` is any key the backend's ``__getitem__`` accepts. The result is a new array.
    """
    shape = target.shape
    size = 1
    for n in shape:
        size *= n
    positions = xp.reshape(xp.arange(size, dtype=xp.int64, device=target.device), shape)
    lin = xp.reshape(positions[index], (-1,))
    values = _on_device(xp, values, target)
    vals = xp.reshape(xp.broadcast_to(values, positions[index].shape), (-1,))
    if lin.shape[0] == 0:
        return target
    order = xp.argsort(lin, stable=True)
    lin_s = xp.take(lin, order)
    vals_s = xp.take(vals, order)
    sums = segment_prefix_sum(xp, lin_s, vals_s)
    pos_all = xp.arange(size, dtype=xp.int64, device=target.device)
    # index of the last occurrence of each slot in the sorted list
    last = xp.searchsorted(lin_s, pos_all, side="right") - 1
    last_c = xp.clip(last, 0, lin_s.shape[0] - 1)
    hit = xp.logical_and(last >= 0, xp.equal(xp.take(lin_s, last_c), pos_all))
    dense = xp.where(hit, xp.take(sums, last_c), xp.zeros_like(xp.take(sums, last_c)))
    return target + xp.astype(xp.reshape(dense, shape), target.dtype)


def scatter_set_generic(xp: Any, target: Any, index: Any, values: Any) -> Any:
    """Return a copy of ``target`` with ``target[index] = values`` (the last of duplicate
    writes wins, as in NumPy), for backends without integer-array ``__setitem__``."""
    shape = target.shape
    size = 1
    for n in shape:
        size *= n
    positions = xp.reshape(xp.arange(size, dtype=xp.int64, device=target.device), shape)
    picked = positions[index]
    lin = xp.reshape(picked, (-1,))
    values = xp.astype(_on_device(xp, values, target), target.dtype)
    vals = xp.reshape(xp.broadcast_to(values, picked.shape), (-1,))
    if lin.shape[0] == 0:
        return xp.asarray(target, copy=True)
    order = xp.argsort(lin, stable=True)
    lin_s = xp.take(lin, order)
    vals_s = xp.take(vals, order)
    pos_all = xp.arange(size, dtype=xp.int64, device=target.device)
    last = xp.searchsorted(lin_s, pos_all, side="right") - 1
    last_c = xp.clip(last, 0, lin_s.shape[0] - 1)
    hit = xp.logical_and(last >= 0, xp.equal(xp.take(lin_s, last_c), pos_all))
    flat = xp.reshape(target, (-1,))
    return xp.reshape(xp.where(hit, xp.take(vals_s, last_c), flat), shape)
