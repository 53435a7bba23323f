"""The standard's statistical, searching, sorting, set, manipulation, utility and linear
algebra functions, with its exact signatures, over xgrad's NumPy-style functions (one op
table behind both front doors)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._tensor import Tensor
from ..ops import FUNCTIONS as F
from ..ops.nondiff import UniqueAllResult, UniqueCountsResult, UniqueInverseResult
from ._common import as_tensor, data, named, out

__all__ = ["FUNCTIONS_OTHER"]

_TABLE: dict[str, Any] = {}


def _public(fn: Any) -> Any:
    named(fn, fn.__name__)
    _TABLE[fn.__name__] = fn
    return fn


def _cast(x: Tensor, dtype: Any) -> Tensor:
    return x if dtype is None or x.dtype == dtype else F["astype"](x, dtype)


# -- statistical -------------------------------------------------------------------------------
@_public
def sum(x: Tensor, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (all axes by default), computed in ``dtype`` if given."""
    return _cast(F["sum"](_cast(as_tensor(x), dtype), axis, keepdims), dtype)


@_public
def prod(x: Tensor, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``, computed in ``dtype`` if given; exact at zeros."""
    return _cast(F["prod"](_cast(as_tensor(x), dtype), axis, keepdims), dtype)


@_public
def mean(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis``."""
    return F["mean"](as_tensor(x), axis, keepdims)


@_public
def max(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``; tied elements share the gradient equally."""
    return F["max"](as_tensor(x), axis, keepdims)


@_public
def min(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``; tied elements share the gradient equally."""
    return F["min"](as_tensor(x), axis, keepdims)


@_public
def var(
    x: Tensor, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False
) -> Tensor:
    """Variance over ``axis`` with ``correction`` degrees of freedom removed."""
    return F["var"](as_tensor(x), axis, correction, keepdims)


@_public
def std(
    x: Tensor, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False
) -> Tensor:
    """Standard deviation over ``axis`` with ``correction`` degrees of freedom removed."""
    return F["std"](as_tensor(x), axis, correction, keepdims)


@_public
def cumulative_sum(
    x: Tensor, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    """Running sum along ``axis`` (optional for 1-D input), starting with 0 if
    ``include_initial``."""
    return F["cumulative_sum"](
        as_tensor(x), axis=axis, dtype=dtype, include_initial=include_initial
    )


@_public
def cumulative_prod(
    x: Tensor, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    """Running product along ``axis``, starting with 1 if ``include_initial``; exact at
    zeros."""
    return F["cumulative_prod"](
        as_tensor(x), axis=axis, dtype=dtype, include_initial=include_initial
    )


# -- utility -----------------------------------------------------------------------------------
@_public
def all(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Whether every element along ``axis`` is true (a constant boolean tensor)."""
    return out(F["all"](as_tensor(x), axis=axis, keepdims=keepdims))


@_public
def any(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Whether any element along ``axis`` is true (a constant boolean tensor)."""
    return out(F["any"](as_tensor(x), axis=axis, keepdims=keepdims))


@_public
def diff(
    x: Tensor, /, *, axis: int = -1, n: int = 1, prepend: Any = None, append: Any = None
) -> Tensor:
    """The ``n``-th forward difference along ``axis``, with optional values before/after."""
    return F["diff"](as_tensor(x), n, axis, prepend, append)


# -- searching ---------------------------------------------------------------------------------
@_public
def argmax(x: Tensor, /, *, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the first maximum along ``axis`` (a constant integer tensor)."""
    return out(F["argmax"](as_tensor(x), axis=axis, keepdims=keepdims))


@_public
def argmin(x: Tensor, /, *, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the first minimum along ``axis`` (a constant integer tensor)."""
    return out(F["argmin"](as_tensor(x), axis=axis, keepdims=keepdims))


@_public
def count_nonzero(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The number of non-zero elements along ``axis`` (a constant integer tensor)."""
    return out(F["count_nonzero"](as_tensor(x), axis=axis, keepdims=keepdims))


@_public
def nonzero(x: Tensor, /) -> tuple[Tensor, ...]:
    """The indices of the non-zero elements, one constant tensor per axis."""
    x = as_tensor(x)
    if x.ndim == 0:
        raise ValueError("nonzero: x must have at least one dimension")
    return tuple(out(F["nonzero"](x)))


@_public
def searchsorted(
    x1: Tensor, x2: Any, /, *, side: str = "left", sorter: Tensor | None = None
) -> Tensor:
    """Where the elements of ``x2`` would be inserted into the sorted 1-D ``x1``."""
    return out(F["searchsorted"](as_tensor(x1), as_tensor(x2), side=side, sorter=data(sorter)))


@_public
def where(condition: Any, x1: Any, x2: Any, /) -> Tensor:
    """``x1`` where ``condition`` is true, else ``x2`` (differentiable in both)."""
    return F["where"](data(condition), as_tensor(x1), as_tensor(x2))


# -- sorting -----------------------------------------------------------------------------------
@_public
def argsort(
    x: Tensor, /, *, axis: int = -1, descending: bool = False, stable: bool = True
) -> Tensor:
    """Indices that sort ``x`` along ``axis`` (a constant tensor; ``stable``: equal elements
    keep their order, also when ``descending``)."""
    x = as_tensor(x)
    idx = x._backend.xp.argsort(x._data, axis=axis, descending=descending, stable=stable)
    return out(idx)


@_public
def sort(x: Tensor, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Tensor:
    """``x`` sorted along ``axis`` (differentiable: each element carries its gradient)."""
    x = as_tensor(x)
    idx = argsort(x, axis=axis, descending=descending, stable=stable)
    return F["take_along_axis"](x, idx._data, axis)


# -- sets --------------------------------------------------------------------------------------


@_public
def unique_all(x: Tensor, /) -> UniqueAllResult:
    """Unique values, first indices, inverse indices and counts (constant tensors)."""
    return UniqueAllResult(*out(tuple(F["unique_all"](as_tensor(x)))))


@_public
def unique_counts(x: Tensor, /) -> UniqueCountsResult:
    """Unique values and their counts (constant tensors)."""
    return UniqueCountsResult(*out(tuple(F["unique_counts"](as_tensor(x)))))


@_public
def unique_inverse(x: Tensor, /) -> UniqueInverseResult:
    """Unique values and the inverse indices that rebuild ``x`` (constant tensors)."""
    return UniqueInverseResult(*out(tuple(F["unique_inverse"](as_tensor(x)))))


@_public
def unique_values(x: Tensor, /) -> Tensor:
    """The unique values (a constant tensor)."""
    return out(F["unique_values"](as_tensor(x)))


@_public
def isin(x1: Any, x2: Any, /, *, invert: bool = False) -> Tensor:
    """Whether each element of ``x1`` is in ``x2`` (a constant boolean tensor)."""
    return out(F["isin"](as_tensor(x1), as_tensor(x2), invert=invert))


# -- manipulation ------------------------------------------------------------------------------
@_public
def broadcast_arrays(*arrays: Tensor) -> list[Tensor]:
    """The arrays broadcast against each other (views)."""
    return list(F["broadcast_arrays"](*(as_tensor(a) for a in arrays)))


@_public
def broadcast_to(x: Tensor, /, shape: tuple[int, ...]) -> Tensor:
    """``x`` broadcast to ``shape`` (a read-only view); the gradient is summed back."""
    return F["broadcast_to"](as_tensor(x), shape)


@_public
def concat(arrays: Sequence[Tensor], /, *, axis: int | None = 0) -> Tensor:
    """Join arrays along an existing axis (flattened first when ``axis`` is ``None``)."""
    return F["concatenate"]([as_tensor(a) for a in arrays], axis)


@_public
def expand_dims(x: Tensor, /, axis: int = 0) -> Tensor:
    """Insert a size-1 axis at ``axis`` (a view)."""
    return F["expand_dims"](as_tensor(x), axis)


@_public
def flip(x: Tensor, /, *, axis: Any = None) -> Tensor:
    """Reverse the elements along ``axis`` (all axes by default)."""
    return F["flip"](as_tensor(x), axis)


@_public
def moveaxis(x: Tensor, source: Any, destination: Any, /) -> Tensor:
    """Move axes to new positions (a view)."""
    return F["moveaxis"](as_tensor(x), source, destination)


@_public
def permute_dims(x: Tensor, /, axes: tuple[int, ...]) -> Tensor:
    """Permute the axes (a view)."""
    return F["permute_dims"](as_tensor(x), axes)


@_public
def repeat(x: Tensor, repeats: Any, /, *, axis: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element) along
    ``axis`` (of the flattened array by default). An array of counts is read on the host:
    the output's shape depends on it."""
    if isinstance(repeats, Tensor) or hasattr(repeats, "shape"):
        r = repeats if isinstance(repeats, Tensor) else as_tensor(repeats)
        repeats = r.numpy().reshape(-1).tolist() if r.ndim else int(r.numpy())
    return F["repeat"](as_tensor(x), repeats, axis)


@_public
def reshape(x: Tensor, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Tensor:
    """The same elements in a new shape: a view where possible (``copy=None``), always a
    copy (``copy=True``), or a view or ``ValueError`` (``copy=False``)."""
    x = as_tensor(x)
    y = F["reshape"](x, shape)
    shares = y._backend.shares_memory(y._data, x._data)
    if copy is True and shares:
        return F["astype"](y, y.dtype, copy=True)
    if copy is False and not shares and math.prod(x.shape):
        raise ValueError("reshape(..., copy=False): this reshape needs a copy")
    return y


@_public
def roll(x: Tensor, /, shift: Any, *, axis: Any = None) -> Tensor:
    """Shift elements cyclically along ``axis`` (of the flattened array by default)."""
    return F["roll"](as_tensor(x), shift, axis)


@_public
def squeeze(x: Tensor, /, axis: Any) -> Tensor:
    """Remove the size-1 axes ``axis`` (a view)."""
    return F["squeeze"](as_tensor(x), axis)


@_public
def stack(arrays: Sequence[Tensor], /, *, axis: int = 0) -> Tensor:
    """Join arrays of one shape along a new axis."""
    return F["stack"]([as_tensor(a) for a in arrays], axis)


@_public
def tile(x: Tensor, repetitions: tuple[int, ...], /) -> Tensor:
    """``x`` repeated ``repetitions`` times along each axis."""
    return F["tile"](as_tensor(x), repetitions)


@_public
def unstack(x: Tensor, /, *, axis: int = 0) -> tuple[Tensor, ...]:
    """The slices of ``x`` along ``axis``."""
    return tuple(F["unstack"](as_tensor(x), axis=axis))


@_public
def take(x: Tensor, indices: Any, /, *, axis: int | None = None) -> Tensor:
    """Elements at ``indices`` along ``axis``; repeated indices accumulate in the
    gradient."""
    x = as_tensor(x)
    if axis is None and x.ndim != 1:
        raise ValueError("take: axis is required for arrays of more than one dimension")
    return F["take"](x, data(indices), axis)


@_public
def take_along_axis(x: Tensor, indices: Any, /, *, axis: int = -1) -> Tensor:
    """``x`` picked along ``axis`` by ``indices`` (shaped like ``x`` except on ``axis``)."""
    return F["take_along_axis"](as_tensor(x), data(indices), axis)


# -- linear algebra in the main namespace ------------------------------------------------------
@_public
def matmul(x1: Tensor, x2: Tensor, /) -> Tensor:
    """The matrix product (batched, with NumPy's rules for 1-D operands)."""
    return F["matmul"](as_tensor(x1), as_tensor(x2))


@_public
def matrix_transpose(x: Tensor, /) -> Tensor:
    """Swap the last two axes (a view)."""
    return F["matrix_transpose"](as_tensor(x))


@_public
def tensordot(x1: Tensor, x2: Tensor, /, *, axes: Any = 2) -> Tensor:
    """Contract ``axes`` of ``x1`` and ``x2``."""
    return F["tensordot"](as_tensor(x1), as_tensor(x2), axes)


@_public
def vecdot(x1: Tensor, x2: Tensor, /, *, axis: int = -1) -> Tensor:
    """The dot product of vectors along ``axis`` (broadcast over the others)."""
    return F["vecdot"](as_tensor(x1), as_tensor(x2), axis=axis)


# -- creation functions that take arrays -------------------------------------------------------
@_public
def tril(x: Tensor, /, *, k: int = 0) -> Tensor:
    """The lower triangle of the matrices in the last two axes (zeros above diagonal
    ``k``)."""
    return F["tril"](as_tensor(x), k)


@_public
def triu(x: Tensor, /, *, k: int = 0) -> Tensor:
    """The upper triangle of the matrices in the last two axes (zeros below diagonal
    ``k``)."""
    return F["triu"](as_tensor(x), k)


@_public
def meshgrid(*arrays: Tensor, indexing: str = "xy") -> list[Tensor]:
    """Coordinate grids from 1-D arrays (``"xy"``: Cartesian, ``"ij"``: matrix
    indexing)."""
    return list(F["meshgrid"](*(as_tensor(a) for a in arrays), indexing=indexing))


@_public
def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape that arrays of ``shapes`` broadcast to."""
    return tuple(F["broadcast_shapes"](*shapes))


FUNCTIONS_OTHER = _TABLE
