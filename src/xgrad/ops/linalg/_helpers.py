"""Helpers shared by the linear-algebra modules.

- helpers for derivative rules (they run on backend arrays, or on tensors with xgrad's
  namespace): transposes, products, packing several outputs along a last axis;
- the private ops ``slice_last``/``pad_last`` (unpacking a decomposition's outputs, and its
  adjoint) and ``diagonal``/``diag_embed`` (a diagonal, and its adjoint);
- helpers for the public functions: argument checks, ``constant=`` handling, errors and the
  registration of a function in the tables.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

from ... import backends as _backends
from ..._engine import STATE, no_autodiff
from ..._op import OPS, Op, register
from ..._registry import FUNCTIONS
from ..._tensor import Tensor, make_tensor
from .._public import as_tensor_input, constant_result, nonconstant_result, run
from ..einsum import call_op, is_tensor_namespace
from ..nondiff import NonDiff, call_nondiff


# =============================================================================================
# helpers for rules (they run on backend arrays, or on tensors with xgrad's namespace)
# =============================================================================================
def _T(xp: Any, x: Any) -> Any:
    return xp.matrix_transpose(x)


def _mm(xp: Any, *xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = xp.matmul(out, x)
    return out


def _sym(xp: Any, x: Any) -> Any:
    return (x + xp.matrix_transpose(x)) * 0.5


def _grid(xp: Any, like: Any, n: int, m: int) -> tuple[Any, Any]:
    """Row indices ``(n, 1)`` and column indices ``(1, m)``: plain arrays on ``like``'s
    device (masks built from them are constants in both modes)."""
    rxp = xp.backend.xp if is_tensor_namespace(xp) else xp
    dev = like.device
    r = rxp.reshape(rxp.arange(n, device=dev), (n, 1))
    c = rxp.reshape(rxp.arange(m, device=dev), (1, m))
    return r, c


def _safe_recip(xp: Any, d: Any) -> Any:
    """``1 / d``, with 0 where ``d == 0``."""
    zero = d == 0
    return xp.where(zero, 0.0, 1.0 / xp.where(zero, 1.0, d))


def _gap_recip(xp: Any, v: Any) -> Any:
    """``F[..., i, j] = 1 / (v_j - v_i)``, 0 where the two are equal (and on the diagonal)."""
    return _safe_recip(xp, xp.expand_dims(v, axis=-2) - xp.expand_dims(v, axis=-1))


def _pack(xp: Any, parts: Sequence[Any], batch: tuple[int, ...]) -> Any:
    """Concatenate ``parts`` (each ``batch + shape``) flattened along a last axis."""
    flat = [xp.reshape(p, (*batch, math.prod(tuple(p.shape)[len(batch) :]))) for p in parts]
    return xp.concat(flat, axis=-1)


def _unpack(xp: Any, y: Any, layout: Sequence[tuple[int, ...]]) -> list[Any]:
    """The parts of a packed output (inverse of :func:`_pack`)."""
    batch = tuple(y.shape[:-1])
    out = []
    start = 0
    for shape in layout:
        size = math.prod(shape)
        out.append(xp.reshape(_cols(xp, y, start, start + size), batch + tuple(shape)))
        start += size
    return out


def _cols(xp: Any, x: Any, start: int, stop: int) -> Any:
    """``x[..., start:stop]``: a view for arrays, a recorded op for tensors."""
    if is_tensor_namespace(xp):
        return call_op(xp, _SLICE_LAST, x, start=start, stop=stop)
    return x[..., start:stop]


def _expand_reduced(xp: Any, v: Any, shape: tuple, axis: tuple | None, keepdims: bool) -> Any:
    """Give a reduction's result size-1 axes where ``shape`` was reduced."""
    if keepdims:
        return v
    if axis is None:
        return xp.reshape(v, (1,) * len(shape))
    return xp.reshape(v, tuple(1 if i in axis else n for i, n in enumerate(shape)))


def _product_rule(f: Callable[[Any, Any], Any], t: tuple, a: Any, b: Any) -> Any:
    """The JVP of a bilinear ``f(a, b)``: ``f(ta, b) + f(a, tb)``, skipping absent tangents."""
    ta, tb = t
    if ta is None:
        return None if tb is None else f(a, tb)
    return f(ta, b) if tb is None else f(ta, b) + f(a, tb)


def _inverse_perm(perm: Sequence[int]) -> tuple[int, ...]:
    return tuple(sorted(range(len(perm)), key=perm.__getitem__))


# =============================================================================================
# private ops: slicing the last axis and its adjoint, diagonal and its adjoint
# =============================================================================================
def _zeros_raw(xp: Any, like: Any, shape: tuple[int, ...]) -> Any:
    return xp.zeros(shape, dtype=like.dtype, device=like.device)


def _pad_last_impl(xp: Any, x: Any, *, before: int, after: int) -> Any:
    batch = tuple(x.shape[:-1])
    parts = [x]
    if before:
        parts.insert(0, _zeros_raw(xp, x, (*batch, before)))
    if after:
        parts.append(_zeros_raw(xp, x, (*batch, after)))
    return xp.concat(parts, axis=-1)


_SLICE_LAST = register(
    Op(
        "slice_last",
        ("x",),
        lambda xp, x, *, start, stop: xp.asarray(x[..., start:stop], copy=True),  # no view
        (
            lambda xp, g, x_shape, *, start, stop: call_op(
                xp, _PAD_LAST, g, before=start, after=x_shape[-1] - stop
            ),
        ),
        kind="linalg",
        jvp=lambda xp, t, *, start, stop: call_op(xp, _SLICE_LAST, t[0], start=start, stop=stop),
        doc="x[..., start:stop] (unpacks the outputs of a decomposition)",
    )
)
_PAD_LAST = register(
    Op(
        "pad_last",
        ("x",),
        _pad_last_impl,
        (
            lambda xp, g, *, before, after: call_op(
                xp, _SLICE_LAST, g, start=before, stop=g.shape[-1] - after
            ),
        ),
        kind="linalg",
        jvp=lambda xp, t, *, before, after: call_op(
            xp, _PAD_LAST, t[0], before=before, after=after
        ),
        doc="zeros before and after x along the last axis (the adjoint of slice_last)",
    )
)


def _to_end(nd: int, axis1: int, axis2: int) -> tuple[int, ...]:
    """The permutation moving ``axis1`` and ``axis2`` to the end, in that order."""
    return (*(i for i in range(nd) if i not in (axis1, axis2)), axis1, axis2)


def _diagonal_impl(
    xp: Any, x: Any, *, offset: int, axis1: int, axis2: int, view: bool = False
) -> Any:
    """The diagonal as a new last axis: a copy, or with ``view`` (einsum's ``"ii->i"``, which
    is a view in NumPy and MyGrad) the backend's view of ``x``'s memory where it has one."""
    nd = len(x.shape)
    if (axis1, axis2) != (nd - 2, nd - 1):
        x = xp.permute_dims(x, _to_end(nd, axis1, axis2))
    d = xp.linalg.diagonal(x, offset=offset)
    return d if view else xp.asarray(d, copy=True)  # a copy: no read-only view


def _diagonal_vjp(
    xp: Any, g: Any, x_shape: tuple, *, offset: int, axis1: int, axis2: int, view: bool = False
) -> Any:
    nd = len(x_shape)
    e = call_op(xp, _DIAG_EMBED, g, offset=offset, n=x_shape[axis1], m=x_shape[axis2])
    if (axis1, axis2) == (nd - 2, nd - 1):
        return e
    return xp.permute_dims(e, _inverse_perm(_to_end(nd, axis1, axis2)))


def _diag_embed_impl(xp: Any, v: Any, *, offset: int, n: int, m: int) -> Any:
    """``(..., L)`` -> ``(..., n, m)``: zeros with ``v`` on diagonal ``offset``."""
    length = v.shape[-1]
    r, c = _grid(xp, v, n, m)
    if offset >= 0:  # element i sits at row i
        w = xp.expand_dims(_pad_last_impl(xp, v, before=0, after=n - length), axis=-1)
    else:  # element j sits at column j
        w = xp.expand_dims(_pad_last_impl(xp, v, before=0, after=m - length), axis=-2)
    return xp.where(r + offset == c, w, 0.0)


_DIAGONAL = register(
    Op(
        "diagonal",
        ("x",),
        _diagonal_impl,
        (_diagonal_vjp,),
        kind="linalg",
        jvp=lambda xp, t, **p: call_op(xp, _DIAGONAL, t[0], **p),
        doc="the diagonal over axis1 and axis2, as a new last axis",
    )
)
_DIAG_EMBED = register(
    Op(
        "diag_embed",
        ("v",),
        _diag_embed_impl,
        (
            lambda xp, g, *, offset, n, m: call_op(
                xp, _DIAGONAL, g, offset=offset, axis1=len(g.shape) - 2, axis2=len(g.shape) - 1
            ),
        ),
        kind="linalg",
        jvp=lambda xp, t, **p: call_op(xp, _DIAG_EMBED, t[0], **p),
        doc="matrices with v on a diagonal (the adjoint of diagonal)",
    )
)


# =============================================================================================
# public functions: helpers
# =============================================================================================
def _fn(name: str) -> Callable[..., Any]:
    return FUNCTIONS[name]  # filled by the ops package, after this module is imported


def _backend_of(x: Any) -> Any:
    return x._backend if isinstance(x, Tensor) else _backends.backend_of(x)


def _linalg_error(x: Any) -> type[Exception]:
    """The backend's ``LinAlgError`` (a ``ValueError``), or ``ValueError``."""
    linalg = getattr(_backend_of(x).xp, "linalg", None)
    return getattr(linalg, "LinAlgError", ValueError)


def _floating(x: Any, name: str) -> Any:
    """A tensor or array of a real floating dtype (integers and booleans become float64)."""
    x = as_tensor_input(x)
    xp = _backend_of(x).xp
    if not xp.isdtype(x.dtype, "real floating"):
        if not xp.isdtype(x.dtype, ("integral", "bool")):
            raise TypeError(f"{name}: complex data is not supported; got dtype {x.dtype}")
        x = _fn("astype")(x, "float64")
    return x


def _matrix(x: Any, name: str, square: bool = False) -> tuple[Any, int, int]:
    x = _floating(x, name)
    shape = tuple(x.shape)
    if len(shape) < 2:
        raise _linalg_error(x)(
            f"{name}: {len(shape)}-dimensional array given. Array must be at least two-dimensional"
        )
    if square and shape[-1] != shape[-2]:
        raise _linalg_error(x)(
            f"{name}: last 2 dimensions of the array must be square; got shape {shape}"
        )
    return x, shape[-2], shape[-1]


def _needs_grad(x: Any, constant: bool | None) -> bool:
    return bool(constant is not True and STATE.enabled and isinstance(x, Tensor) and not x.constant)


def _composite(constant: bool | None, build: Callable[[], Any]) -> Any:
    """Run a function made of several ops, honouring ``constant=``."""
    if constant:
        with no_autodiff:
            out = build()
        if isinstance(out, tuple):
            return type(out)(*(constant_result(o) for o in out))
        return constant_result(out)
    out = build()
    if constant is False:
        if isinstance(out, tuple):
            return type(out)(*(nonconstant_result(o) for o in out))
        return nonconstant_result(out)
    return out


def _split(packed: Tensor, layout: Sequence[tuple[int, ...]]) -> list[Tensor]:
    """The outputs of a packed decomposition, as tensors."""
    batch = tuple(packed.shape[:-1])
    out = []
    start = 0
    for shape in layout:
        size = math.prod(shape)
        part = run(_SLICE_LAST, (packed,), {"start": start, "stop": start + size}, None)
        out.append(run(OPS["reshape"], (part,), {"shape": batch + tuple(shape)}, None))
        start += size
    return out


def _native(x: Any, compute: Callable[[Any, Any], Any], constant: bool | None) -> Any:
    """Results computed by the backend with no derivative (where xgrad has none), as
    tensors that are constant when the input is."""
    x = as_tensor_input(x)
    bk = _backend_of(x)
    data = x._data if isinstance(x, Tensor) else x
    const = bool(constant) or not isinstance(x, Tensor) or x.constant
    nd = NonDiff(f"native_{getattr(compute, '__name__', 'fn')}", compute, 1, False)
    res = call_nondiff(nd, (x,), {}, check=False)  # recorded by xgrad.compile
    del data

    def wrap(r: Any) -> Tensor:
        if r.__class__ is not bk.array_type:
            r = bk.fix_result(r)
        return make_tensor(r, bk, None, const)

    return tuple(wrap(r) for r in res) if isinstance(res, tuple) else wrap(res)


def _index(value: Any, name: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None


def _no_numpy_arg(func: str, **values: Any) -> None:
    """Raise ``TypeError`` for a NumPy-only argument given a non-default value."""
    for key, value in values.items():
        if value is not None and value is not False:
            raise TypeError(f"numpy.{func}: {key}={value!r} is not supported for xgrad tensors")


def _public(fn: Callable[..., Any], *tables: dict) -> Callable[..., Any]:
    fn.__module__ = "xgrad"
    for table in tables:
        table[fn.__name__] = fn
    return fn
