"""The NumPy side of xgrad's ufunc objects (:class:`xgrad.ufunc`), installed at import.

The ufunc objects live with the op table, which does not name NumPy. This module gives them
what only NumPy knows, and what needs host indices:

- ``identity`` and ``types``, from NumPy's ufunc of the same name;
- ``reduceat`` and ``at``, which read their indices on the host.

It also routes ``np.<ufunc>.reduce/accumulate/outer/reduceat/at`` on tensors to the object's
method.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import backends as _backends
from ._creation import astensor
from ._registry import FUNCTIONS
from ._tensor import Tensor
from .ops.ufunc import ufunc

__all__ = ["ufunc_method"]


def _permitted(type_code: str) -> bool:
    """MyGrad's filter of ``types``: real and boolean signatures only."""
    return not any(c in type_code for c in "FDGMmO")


def _host_indices(indices: Any, where: str) -> np.ndarray:
    if isinstance(indices, Tensor):
        indices = indices._data
    bk = _backends.backend_of(indices)
    if bk is not None and bk.name != "numpy":
        raise TypeError(
            f"{where}: the indices are read on the host; pass host integers (a list or a "
            "NumPy array), e.g. tensor.numpy()"
        )
    return np.asarray(indices)


def _reduceat(
    self: ufunc, array: Any, indices: Any, axis: int = 0, dtype: Any = None, out: Any = None
) -> Tensor:
    """The reductions over the slices ``array[indices[i]:indices[i + 1]]`` along ``axis``
    (the last slice runs to the end; where ``indices[i] >= indices[i + 1]`` the entry is
    ``array[indices[i]]``), as NumPy's ``ufunc.reduceat``, and differentiably.

    Parameters
    ----------
    array : Tensor or array_like
    indices : 1-d sequence of int
        Host integers (read on the host).
    axis : int
    dtype : data-type, optional
        Cast ``array`` first.
    out : Tensor, optional
        Written in place.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> y = xg.add.reduceat(x, [0, 3, 1])       # x[0:3].sum(), x[3], x[1:].sum()
    >>> y.backward(xg.tensor([1.0, 10.0, 100.0]))
    >>> y, x.grad
    (Tensor([ 6.,  4., 14.]), array([  1., 101., 101., 110., 100.]))
    """
    where = f"{self.__name__}.reduceat"
    self._binary("reduceat")
    idx = _host_indices(indices, where)
    if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
        raise TypeError(f"{where}: indices must be a 1-d sequence of integers, got {indices!r}")
    x = array if isinstance(array, Tensor) else astensor(array)
    if dtype is not None:
        x = FUNCTIONS["astype"](x, dtype)
    nd = len(x.shape)
    ax = operator.index(axis) % max(nd, 1)
    n = x.shape[ax]
    lead = (slice(None),) * ax
    parts = []
    for i, start in enumerate(idx.tolist()):
        if not 0 <= start < n:
            raise IndexError(f"{where}: index {start} out-of-bounds in [0, {n})")
        stop = int(idx[i + 1]) if i + 1 < len(idx) else n
        if start < stop:
            parts.append(self.reduce(x[(*lead, slice(start, stop), ...)], axis=ax))
        else:
            parts.append(x[(*lead, start, ...)])
    if parts:
        result = FUNCTIONS["stack"](parts, axis=ax)
    else:
        result = x[(*lead, slice(0, 0), ...)]
    if out is not None:
        if not isinstance(out, Tensor):
            raise TypeError(f"{where}: out must be an xgrad Tensor, got {type(out).__name__}")
        out[...] = result
        return out
    return result


def _at(self: ufunc, a: Any, indices: Any, b: Any = None, /) -> None:
    """Apply the ufunc in place at ``a[indices]``, unbuffered, as NumPy's ``ufunc.at``:
    an index repeated k times gets the ufunc k times (``add.at`` accumulates). The update is
    a graph node, as an in-place write.

    Parameters
    ----------
    a : Tensor
        Updated in place.
    indices : index
        Any NumPy index of ``a`` (read on the host).
    b : Tensor, array_like or number
        The second operand of a binary ufunc, broadcast to ``a[indices]``.

    Examples
    --------
    >>> import xgrad as xg
    >>> w = xg.tensor([1.0, 2.0])
    >>> x = w * 1.0                              # not a leaf: writes are recorded
    >>> xg.multiply.at(x, [0, 0, 1], 3.0)        # x[0] tripled twice
    >>> x.backward()
    >>> x, w.grad
    (Tensor([9., 6.]), array([9., 3.]))
    """
    where = f"{self.__name__}.at"
    if not isinstance(a, Tensor):
        raise TypeError(f"{where}: a must be an xgrad Tensor (it is updated in place)")
    if self.nin == 2 and b is None:
        raise ValueError(f"{where}: second operand needed for ufunc")
    if self.nin == 1 and b is not None:
        raise ValueError(f"{where}: second operand provided when ufunc is unary")
    if isinstance(indices, Tensor):
        indices = _host_indices(indices, where)
    positions = np.arange(a.size).reshape(tuple(a.shape))[indices]
    shape = positions.shape
    pos = positions.reshape(-1)
    order = np.argsort(pos, kind="stable")
    sorted_pos = pos[order]
    first = np.r_[True, sorted_pos[1:] != sorted_pos[:-1]] if pos.size else np.zeros(0, bool)
    starts = np.maximum.accumulate(np.where(first, np.arange(pos.size), 0)) if pos.size else pos
    rank = np.empty_like(pos)
    rank[order] = np.arange(pos.size) - starts
    flat = FUNCTIONS["reshape"](a, (-1,))  # a view: writes reach a
    if b is not None:
        bb = FUNCTIONS["reshape"](FUNCTIONS["broadcast_to"](b, shape), (-1,))
    for r in range(int(rank.max()) + 1 if pos.size else 0):
        k = np.nonzero(rank == r)[0]  # one occurrence of each position, in NumPy's order
        p = pos[k]
        cur = flat[p]
        flat[p] = self(cur, bb[k]) if b is not None else self(cur)


def ufunc_method(fn: ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``np.<ufunc>.<method>(tensor, ...)`` for an xgrad ufunc: its own method (NumPy passes
    ``out`` as a tuple)."""
    out = kwargs.pop("out", None)
    if isinstance(out, tuple):
        (out,) = out if len(out) == 1 else (out,)
    if out is not None:
        kwargs["out"] = out
    return getattr(fn, method)(*inputs, **kwargs)


ufunc.reduceat = _reduceat  # type: ignore[attr-defined]
ufunc.at = _at  # type: ignore[attr-defined]
for _name, _fn in list(FUNCTIONS.items()):
    _np = getattr(np, _name, None)
    if isinstance(_fn, ufunc) and isinstance(_np, np.ufunc):
        _fn.identity = _np.identity
        _fn.types = [t for t in _np.types if _permitted(t)]
