"""Functions with no useful derivative. They return plain arrays of the inputs' backend.

Two families, as MyGrad and docs/semantics.md define them:

- *predicates and index results* (comparisons, logical ops, ``isnan``, ``argmax``, ...)
  accept any tensor and return a boolean or integer array;
- the *rounding family* (``floor``, ``sign``, ``round``, ``floor_divide``, ...)
  returns an array for constant tensors and raises
  :class:`~xgrad.errors.NonDifferentiableError` for tensors that need a gradient: its
  derivative is zero almost everywhere, so silently returning it would hide a bug.

Inside derivative rules run on tensors (``backward(create_graph=True)``) both families return
arrays without raising: there the zero derivative is exactly what is wanted.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any, NamedTuple

from .. import backends as _backends
from .._engine import STATE
from .._op import coerce
from .._tensor import Tensor
from ..errors import NonDifferentiableError
from ._public import norm_axis
from ._util import truth

__all__ = ["NONDIFF", "NonDiff", "call_nondiff"]


class NonDiff:
    """A non-differentiable function: ``impl(xp, *arrays, **kwargs) -> array``."""

    __slots__ = ("doc", "impl", "name", "nin", "rounding")

    def __init__(self, name: str, impl: Any, nin: int, rounding: bool, doc: str = "") -> None:
        self.name = name
        self.impl = impl
        self.nin = nin
        self.rounding = rounding
        self.doc = doc

    def __repr__(self) -> str:
        return f"<xgrad non-differentiable {self.name}>"


NONDIFF: dict[str, NonDiff] = {}


def _reg(
    name: str, impl: Any = None, nin: int = 1, rounding: bool = False, *aliases: str, doc: str = ""
) -> NonDiff:
    nd = NonDiff(name, impl or name, nin, rounding, doc)
    NONDIFF[name] = nd
    for a in aliases:
        NONDIFF[a] = nd
    return nd


def call_nondiff(nd: NonDiff, args: tuple, kwargs: dict, *, check: bool = True) -> Any:
    """Run ``nd`` on tensors/arrays/scalars and return a backend array."""
    bk = None
    ref = None
    for a in args:
        if isinstance(a, Tensor):
            if check and nd.rounding and not a._constant:
                raise NonDifferentiableError(
                    f"{nd.name} has no useful derivative (it is zero almost everywhere), and "
                    "it was given a tensor that needs a gradient. Apply it to the data "
                    f"(xgrad.{nd.name}(t.data)) or to a constant tensor "
                    "(xgrad.tensor(t, constant=True)) to get an array."
                )
            if bk is None:
                bk, ref = a._backend, a._data
            elif a._backend is not bk:
                devs = (bk.device_of(ref), a.device)
                raise _backends.mismatch_error(bk, a._backend, nd.name, devices=devs)
    if bk is None:
        for a in args:
            bk = _backends.backend_of(a)
            if bk is not None:
                ref = a
                break
        else:
            bk, dev = _backends.current()
            args = tuple(
                bk.asarray(a, device=dev) if not isinstance(a, (int, float)) or i == 0 else a
                for i, a in enumerate(args)
            )
            ref = args[0]
    datas = []
    for a in args:
        if isinstance(a, Tensor):
            d = a._data
            if bk.multi_device and bk.device_of(d) != bk.device_of(ref):
                raise _backends.device_mismatch_error(
                    bk, bk.device_of(ref), bk.device_of(d), nd.name
                )
            datas.append(d)
        else:
            datas.append(a if a is ref else coerce(bk, a, ref, nd.name))
    impl = nd.impl
    xp = bk.xp
    out = (
        getattr(xp, impl)(*datas, **kwargs) if isinstance(impl, str) else impl(xp, *datas, **kwargs)
    )
    if isinstance(out, tuple):
        items = tuple(o if o.__class__ is bk.array_type else bk.fix_result(o) for o in out)
        out = out.__class__(*items) if hasattr(out, "_fields") else items  # keep namedtuples
    elif not isinstance(out, (bool, int, float)):
        out = out if out.__class__ is bk.array_type else bk.fix_result(out)
    if STATE.tracer is not None:  # xgrad.compile records it like an op
        STATE.tracer.record_nondiff(nd, bk, args, kwargs, out)
    return out


def _round(xp: Any, x: Any, decimals: int = 0) -> Any:
    if decimals == 0:
        return xp.round(x)
    scale = 10.0**decimals  # NumPy's own method for decimals != 0
    return xp.round(x * scale) / scale


def _isclose(
    xp: Any, a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> Any:
    close = xp.abs(a - b) <= atol + rtol * xp.abs(b)
    close = xp.logical_or(close, a == b)  # infinities of the same sign
    if equal_nan:
        close = xp.logical_or(close, xp.logical_and(xp.isnan(a), xp.isnan(b)))
    return close


def _allclose(
    xp: Any, a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> bool:
    return bool(xp.all(_isclose(xp, a, b, rtol, atol, equal_nan)))


def _array_equal(xp: Any, a: Any, b: Any) -> bool:
    if tuple(a.shape) != tuple(b.shape):
        return False
    return bool(xp.all(a == b))


def _argfn(name: str) -> Callable[..., Any]:
    def impl(xp: Any, x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
        return getattr(xp, name)(x, axis=axis, keepdims=keepdims)

    return impl


def _argsort(xp: Any, x: Any, axis: int = -1, kind: Any = None, stable: bool = True) -> Any:
    if axis is None:
        x, axis = xp.reshape(x, (-1,)), 0
    return xp.argsort(x, axis=axis, stable=stable)


def _nonzero(xp: Any, x: Any) -> tuple:
    return tuple(xp.nonzero(x))


def _count_nonzero(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.count_nonzero(x, axis=axis, keepdims=keepdims)


def _any(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.any(x, axis=axis, keepdims=keepdims)


def _all(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.all(x, axis=axis, keepdims=keepdims)


def _logical(name: str) -> Callable[..., Any]:
    def impl(xp: Any, *args: Any) -> Any:
        return getattr(xp, name)(*(truth(xp, a) for a in args))

    return impl


# comparisons and logic: arrays for any input
for _name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    _reg(_name, nin=2, doc="elementwise comparison, a boolean array")
for _name in ("logical_and", "logical_or", "logical_xor"):
    _reg(_name, _logical(_name), 2, doc="elementwise logic on truth values, a boolean array")
_reg("logical_not", _logical("logical_not"), doc="elementwise logical not, a boolean array")
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    _reg(_name, nin=2, doc="elementwise bitwise operation on integers or booleans")
_reg("bitwise_invert", None, 1, False, "invert", "bitwise_not", doc="~x for integers or booleans")
for _name in ("isnan", "isinf", "isfinite", "signbit"):
    _reg(_name, doc="elementwise predicate, a boolean array")
_reg("isclose", _isclose, 2, doc="elementwise ``|a - b| <= atol + rtol |b|``, a boolean array")
_reg("allclose", _allclose, 2, doc="whether every element is close (a Python bool)")
_reg("array_equal", _array_equal, 2, doc="same shape and elements (a Python bool)")
_reg("argmax", _argfn("argmax"), doc="index of the first maximum")
_reg("argmin", _argfn("argmin"), doc="index of the first minimum")
_reg("argsort", _argsort, doc="indices that sort the array (stable)")
_reg("nonzero", _nonzero, doc="indices of the non-zero elements, one array per axis")
_reg("count_nonzero", _count_nonzero, doc="number of non-zero elements")
_reg("any", _any, doc="whether any element is true")
_reg("all", _all, doc="whether every element is true")

# the rounding family: arrays for constants, an error for tensors needing a gradient
for _name in ("floor", "ceil", "trunc", "sign"):
    _reg(_name, rounding=True, doc="rounding: derivative zero almost everywhere")
_reg("rint", lambda xp, x: xp.round(x), 1, True, doc="round half to even")
_reg("round", _round, 1, True, "around", doc="round to the given number of decimals")
_reg("fix", lambda xp, x: xp.trunc(x), 1, True, doc="round towards zero")
_reg("floor_divide", nin=2, rounding=True, doc="a // b")


# -- shifts, set functions and sorted search (the array API's, with NumPy's names) -------------
_reg(
    "left_shift",
    lambda xp, a, b: xp.bitwise_left_shift(a, b),
    2,
    False,
    "bitwise_left_shift",
    doc="a << b for integers",
)
_reg(
    "right_shift",
    lambda xp, a, b: xp.bitwise_right_shift(a, b),
    2,
    False,
    "bitwise_right_shift",
    doc="a >> b for integers (arithmetic: the sign is kept)",
)


def _as_array(xp: Any, v: Any, like: Any) -> Any:
    """A Python number or list as an array on ``like``'s device (arrays pass)."""
    if hasattr(v, "shape"):
        return v
    return xp.asarray(v, device=like.device)


def _common(xp: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """``a`` and ``b`` cast to one dtype (float64 for kinds the backend does not promote)."""
    if a.dtype == b.dtype:
        return a, b
    try:
        dt = xp.result_type(a.dtype, b.dtype)
    except TypeError:  # array_api_strict promotes no integer with a float
        dt = xp.float64
    return xp.astype(a, dt), xp.astype(b, dt)


def _isin(
    xp: Any,
    element: Any,
    test_elements: Any,
    assume_unique: bool = False,
    invert: bool = False,
    *,
    kind: Any = None,
) -> Any:
    x1 = _as_array(xp, element, test_elements)
    x2 = _as_array(xp, test_elements, x1)
    fn = getattr(xp, "isin", None)
    found = None
    if fn is not None:
        # the standard's isin is for integers (array_api_strict raises TypeError for others);
        # array_api_strict 2.6 also ignores invert=, so xgrad inverts itself
        with contextlib.suppress(TypeError):
            found = fn(x1, x2)
    if found is None:
        found = _isin_generic(xp, x1, x2, False)
    return xp.logical_not(found) if invert else found


def _isin_generic(xp: Any, x1: Any, x2: Any, invert: bool) -> Any:
    """``isin`` from ``sort`` and ``searchsorted``: each element's insertion point in the
    sorted test elements holds it if anything does (NaN is in nothing, as in NumPy)."""
    flat = xp.reshape(x2, (-1,))
    n = flat.shape[0]
    if n == 0:
        found = xp.zeros(x1.shape, dtype=xp.bool, device=x1.device)
    else:
        s, v = _common(xp, xp.sort(flat), xp.reshape(x1, (-1,)))
        idx = xp.clip(xp.searchsorted(s, v), 0, n - 1)
        found = xp.reshape(xp.take(s, idx) == v, x1.shape)
    return xp.logical_not(found) if invert else found


def _searchsorted(xp: Any, a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if isinstance(sorter, Tensor):
        sorter = sorter._data
    if sorter is not None:
        sorter = _as_array(xp, sorter, a)
    if len(a.shape) != 1:
        raise ValueError(f"searchsorted: a must be 1-D, got shape {tuple(a.shape)}")
    # CuPy takes no Python scalars (a 0-d v gives a 0-d result); array_api_strict no mixed kinds
    a, v = _common(xp, a, _as_array(xp, v, a))
    fn = getattr(xp, "searchsorted", None)
    if fn is not None:
        return fn(a, v, side=side, sorter=sorter)
    return _searchsorted_generic(xp, a, v, side, sorter)


def _searchsorted_generic(xp: Any, a: Any, v: Any, side: str, sorter: Any) -> Any:
    """Bisection on every element of ``v`` at once: ``ceil(log2(n + 1))`` vectorised steps."""
    if sorter is not None:
        a = xp.take(a, sorter)
    n = a.shape[0]
    lo = xp.zeros(v.shape, dtype=xp.int64, device=v.device)
    if n == 0:
        return lo
    hi = xp.full(v.shape, n, dtype=xp.int64, device=v.device)
    for _ in range(n.bit_length()):
        mid = (lo + hi) // 2
        probe = xp.take(a, xp.reshape(xp.clip(mid, 0, n - 1), (-1,)))
        probe = xp.reshape(probe, v.shape)
        go_right = (probe < v) if side == "left" else (probe <= v)
        go_right = xp.logical_and(go_right, mid < hi)
        lo = xp.where(go_right, mid + 1, lo)
        hi = xp.where(go_right, hi, mid)
    return lo


_reg("isin", _isin, 2, doc="whether each element is in test_elements, a boolean array")
_reg(
    "searchsorted",
    _searchsorted,
    2,
    doc="indices where v's elements would be inserted into the sorted 1-D a",
)


# -- unique ----------------------------------------------------------------------------------
class UniqueAllResult(NamedTuple):
    values: Any
    indices: Any
    inverse_indices: Any
    counts: Any


class UniqueCountsResult(NamedTuple):
    values: Any
    counts: Any


class UniqueInverseResult(NamedTuple):
    values: Any
    inverse_indices: Any


def _sorted_unique(xp: Any, x: Any, axis: int | None, equal_nan: bool) -> tuple[Any, Any, Any, Any]:
    """NumPy's ``unique`` with only the array API: ``(values, indices, inverse, counts)``,
    sorted (lexicographically by slice with ``axis``), with first-occurrence indices.

    The slices along ``axis`` (the elements without one) become rows, sorted by a stable
    argsort per column from the last to the first (an LSD radix sort, so equal rows keep
    their order); a row starts a group where it differs from the one before it. NaNs are
    equal to each other only with ``axis=None`` and ``equal_nan`` (NumPy's rule)."""
    if axis is None:
        rows = xp.reshape(x, (-1, 1))
        rest: tuple[int, ...] = ()
    else:
        moved = xp.moveaxis(x, axis, 0)
        rest = tuple(moved.shape[1:])
        rows = xp.reshape(moved, (moved.shape[0], math.prod(rest)))
    n, m = rows.shape
    dev = x.device
    if n == 0:  # (the standard allows no slice starting past an empty axis)
        idx = xp.zeros((0,), dtype=xp.int64, device=dev)
        values = xp.reshape(rows, (0,)) if axis is None else x
        inverse = xp.reshape(idx, x.shape if axis is None else (0,))
        return values, idx, inverse, idx
    order = xp.arange(n, dtype=xp.int64, device=dev)
    for j in reversed(range(m)):
        order = xp.take(order, xp.argsort(xp.take(rows[:, j], order), stable=True))
    srt = xp.take(rows, order, axis=0)
    differs = xp.any(srt[1:, ...] != srt[:-1, ...], axis=1)
    if axis is None and equal_nan and xp.isdtype(x.dtype, "real floating"):
        both_nan = xp.logical_and(xp.isnan(srt[1:, 0]), xp.isnan(srt[:-1, 0]))
        differs = xp.logical_and(differs, xp.logical_not(both_nan))
    start = xp.concat([xp.ones(1, dtype=xp.bool, device=dev), differs])
    starts = xp.nonzero(start)[0]
    values = xp.take(srt, starts, axis=0)
    if axis is None:
        values = values[:, 0]
    else:
        values = xp.moveaxis(xp.reshape(values, (values.shape[0], *rest)), 0, axis)
    indices = xp.take(order, starts)
    group = xp.cumulative_sum(xp.astype(start, xp.int64)) - 1
    inverse = xp.take(group, xp.argsort(order))
    inverse = xp.reshape(inverse, x.shape if axis is None else (n,))
    ends = xp.concat([starts, xp.asarray([n], dtype=starts.dtype, device=dev)])
    counts = ends[1:] - ends[:-1]
    return values, indices, inverse, counts


def _unique(
    xp: Any,
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: Any = None,
    *,
    equal_nan: bool = True,
    sorted: bool = True,
) -> Any:
    if axis is not None:
        axis = norm_axis(axis, len(ar.shape))
    flags = (return_index, return_inverse, return_counts)
    fn = getattr(xp, "unique", None)  # NumPy and CuPy have NumPy's own
    if fn is not None:
        res = fn(ar, *flags, axis=axis, equal_nan=equal_nan)
        if not isinstance(res, tuple):
            return res
        res = list(res)
        if return_inverse:  # NumPy 2's shape: the input's without an axis, 1-D with one
            k = 1 + return_index
            res[k] = xp.reshape(res[k], tuple(ar.shape) if axis is None else (-1,))
        return tuple(res)
    values, *rest = _sorted_unique(xp, ar, axis, equal_nan)
    extra = [r for r, wanted in zip(rest, flags, strict=True) if wanted]
    return (values, *extra) if extra else values


def _unique_std(name: str) -> Callable[..., Any]:
    """The array API's ``unique_*``: the namespace's own (with its result type), or the
    generic one, where NaNs are all distinct as the standard says."""

    def impl(xp: Any, x: Any) -> Any:
        fn = getattr(xp, name, None)
        if fn is not None:
            return fn(x)
        values, indices, inverse, counts = _sorted_unique(xp, x, None, equal_nan=False)
        if name == "unique_all":
            return UniqueAllResult(values, indices, inverse, counts)
        if name == "unique_counts":
            return UniqueCountsResult(values, counts)
        if name == "unique_inverse":
            return UniqueInverseResult(values, inverse)
        return values

    return impl


_reg("unique", _unique, doc="the sorted unique elements (NumPy's signature)")
_reg(
    "unique_all",
    _unique_std("unique_all"),
    doc="unique values with first indices, inverse indices and counts (a namedtuple)",
)
_reg("unique_counts", _unique_std("unique_counts"), doc="unique values and their counts")
_reg("unique_inverse", _unique_std("unique_inverse"), doc="unique values and inverse indices")
_reg("unique_values", _unique_std("unique_values"), doc="the unique values")


# -- public functions with NumPy's signatures (the others take (*arrays, **options)) ----------
def isin(
    element: Any,
    test_elements: Any,
    assume_unique: bool = False,
    invert: bool = False,
    *,
    kind: Any = None,
) -> Any:
    """Whether each element of ``element`` is in ``test_elements``, as :func:`numpy.isin`
    (the array API's ``isin(x1, x2, /, *, invert=False)`` too).

    Not differentiable: returns a boolean array of the inputs' backend, shaped like
    ``element``. ``assume_unique`` and ``kind`` are NumPy's speed hints; the result does not
    depend on them. NaN is in nothing.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.isin(xg.tensor([1.0, 2.0, 5.0]), [2.0, 3.0, 5.0])
    array([False,  True,  True])
    >>> xg.isin(xg.tensor([1.0, 2.0, 5.0]), [2.0, 3.0, 5.0], invert=True)
    array([ True, False, False])
    """
    return call_nondiff(NONDIFF["isin"], (element, test_elements), {"invert": bool(invert)})


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    """Indices where the elements of ``v`` would be inserted into the sorted 1-D ``a`` to
    keep it sorted, as :func:`numpy.searchsorted` (``side="right"``: after equal elements;
    ``sorter``: the indices that sort ``a``, as ``argsort`` gives).

    Not differentiable: returns an integer array of the inputs' backend, shaped like ``v``.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([1.0, 2.0, 2.0, 3.0])
    >>> xg.searchsorted(a, xg.tensor([2.0, 2.5])), xg.searchsorted(a, 2.0, side="right")
    (array([1, 3]), array(3))
    """
    return call_nondiff(NONDIFF["searchsorted"], (a, v), {"side": side, "sorter": sorter})


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    *,
    equal_nan: bool = True,
    sorted: bool = True,
) -> Any:
    """The sorted unique elements of ``ar`` (its unique slices along ``axis``), as
    :func:`numpy.unique`: optionally with the indices of their first occurrences, the
    indices that rebuild ``ar`` from them (shaped like ``ar`` without ``axis``, as NumPy 2)
    and their counts. With ``axis=None`` NaNs count as one value unless ``equal_nan=False``.

    Not differentiable: returns plain arrays of the input's backend (a tuple when any
    ``return_*`` flag is set). The result is sorted whatever ``sorted`` says.

    Examples
    --------
    >>> import xgrad as xg
    >>> values, inverse, counts = xg.unique(
    ...     xg.tensor([3.0, 1.0, 3.0, 2.0]), return_inverse=True, return_counts=True
    ... )
    >>> values, inverse, counts
    (array([1., 2., 3.]), array([2, 0, 2, 1]), array([1, 1, 2]))
    """
    kwargs = {
        "return_index": bool(return_index),
        "return_inverse": bool(return_inverse),
        "return_counts": bool(return_counts),
        "axis": axis,
        "equal_nan": bool(equal_nan),
    }
    return call_nondiff(NONDIFF["unique"], (ar,), kwargs)


#: functions with NumPy's signatures, which the package exports instead of the generic ones
PUBLIC: dict[str, Callable[..., Any]] = {}
for _fn in (isin, searchsorted, unique):
    _fn.__module__ = "xgrad"
    _fn._xgrad_nondiff = NONDIFF[_fn.__name__]  # type: ignore[attr-defined]
    PUBLIC[_fn.__name__] = _fn
