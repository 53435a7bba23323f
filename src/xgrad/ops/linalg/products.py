"""Products and contractions: the ``matmul``, ``tensordot`` and ``vecdot`` ops, and the
public functions built on them (``dot``, ``inner``, ``vdot``, ``outer``, ``multi_matmul``).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from ... import backends as _backends
from ..._op import OPS, Op, apply2, register
from ..._tensor import Tensor
from .._public import as_tensor_input, norm_axis, run, ufunc_call
from ._helpers import _composite, _fn, _index, _no_numpy_arg, _product_rule, _public
from ._tables import LINALG, PUBLIC


# =============================================================================================
# products
# =============================================================================================
# Each rule needs the other operand but only the shape of its own: a weight multiplied by a
# constant input (``x @ w``) keeps just ``x`` alive and locked, not ``w`` too.
def _matmul_a(xp: Any, g: Any, a_shape: tuple, b: Any) -> Any:
    if b.ndim == 1:
        if len(a_shape) == 1:  # (k,) @ (k,) -> ()
            return g * b
        return xp.expand_dims(g, axis=-1) * b  # (..., m) -> (..., m, k)
    if len(a_shape) == 1:  # (k,) @ (..., k, n) -> (..., n)
        return xp.squeeze(xp.matmul(b, xp.expand_dims(g, axis=-1)), axis=-1)
    return xp.matmul(g, xp.matrix_transpose(b))


def _matmul_b(xp: Any, g: Any, a: Any, b_shape: tuple) -> Any:
    if a.ndim == 1:
        if len(b_shape) == 1:
            return g * a
        return xp.expand_dims(a, axis=-1) * xp.expand_dims(g, axis=-2)  # (..., k, n)
    if len(b_shape) == 1:  # (..., m, k) @ (k,) -> (..., m)
        return xp.squeeze(xp.matmul(xp.matrix_transpose(a), xp.expand_dims(g, axis=-1)), axis=-1)
    return xp.matmul(xp.matrix_transpose(a), g)


def _matmul_jvp(xp: Any, t: Any, a: Any, b: Any) -> Any:
    return _product_rule(xp.matmul, t, a, b)


def _matmul(xp: Any, a: Any, b: Any) -> Any:
    if not getattr(a, "ndim", 0) or not getattr(b, "ndim", 0):  # 0-d arrays, Python numbers
        raise ValueError("matmul: inputs must have at least one dimension; use * for scalars")
    return xp.matmul(a, b)


register(
    Op(
        "matmul",
        ("a", "b"),
        _matmul,
        (_matmul_a, _matmul_b),
        kind="linalg",
        jvp=_matmul_jvp,
        doc="a @ b",
    )
)


def _free(n: int, contracted: Sequence[int]) -> list[int]:
    return [i for i in range(n) if i not in contracted]


def _to_order(xp: Any, x: Any, current: list[int]) -> Any:
    """``x``'s axes are the target axes ``current``; permute them into 0, 1, 2, ..."""
    perm = tuple(current.index(i) for i in range(len(current)))
    return x if perm == tuple(range(len(perm))) else xp.permute_dims(x, perm)


def _tensordot_a(xp: Any, g: Any, a_shape: tuple, b: Any, *, axes: tuple) -> Any:
    ca, cb = axes
    fa, fb = _free(len(a_shape), ca), _free(len(b.shape), cb)
    ga = xp.tensordot(g, b, axes=(tuple(range(len(fa), len(fa) + len(fb))), tuple(fb)))
    return _to_order(xp, ga, fa + [ca[cb.index(j)] for j in sorted(cb)])


def _tensordot_b(xp: Any, g: Any, a: Any, b_shape: tuple, *, axes: tuple) -> Any:
    ca, cb = axes
    fa, fb = _free(len(a.shape), ca), _free(len(b_shape), cb)
    gb = xp.tensordot(a, g, axes=(tuple(fa), tuple(range(len(fa)))))
    return _to_order(xp, gb, [cb[ca.index(i)] for i in sorted(ca)] + fb)


def _tensordot_jvp(xp: Any, t: Any, a: Any, b: Any, *, axes: tuple) -> Any:
    return _product_rule(lambda u, v: xp.tensordot(u, v, axes=axes), t, a, b)


register(
    Op(
        "tensordot",
        ("a", "b"),
        lambda xp, a, b, *, axes: xp.tensordot(a, b, axes=axes),
        (_tensordot_a, _tensordot_b),
        kind="linalg",
        jvp=_tensordot_jvp,
        doc="sum of products over the given axes",
    )
)


def _pair_axis(x1: Any, x2: Any, axis: Any, name: str) -> int:
    """``axis`` of two broadcast operands as a negative index (counted in the broadcast
    shape), checked against both."""
    n1, n2 = len(x1.shape), len(x2.shape)
    if n1 == 0 or n2 == 0:
        raise ValueError(f"{name}: inputs must have at least one dimension")
    ax = _index(axis, f"{name}: axis")
    if ax >= 0:
        ax -= max(n1, n2)
    if not -min(n1, n2) <= ax <= -1:
        raise _backends.AxisError(
            f"{name}: axis {axis} is out of bounds for inputs of {n1} and {n2} dimensions"
        )
    return ax


def _vecdot(xp: Any, x1: Any, x2: Any, *, axis: int) -> Any:
    out = xp.vecdot(x1, x2, axis=axis)
    dt = xp.result_type(x1, x2)  # array-api-compat sums small integers in a wider dtype
    return out if out.dtype == dt else xp.astype(out, dt)


def _vecdot_jvp(xp: Any, t: Any, x1: Any, x2: Any, *, axis: int) -> Any:
    return _product_rule(lambda u, v: xp.vecdot(u, v, axis=axis), t, x1, x2)


register(
    Op(
        "vecdot",
        ("x1", "x2"),
        _vecdot,
        (
            lambda xp, g, x2, *, axis: xp.expand_dims(g, axis=axis) * x2,
            lambda xp, g, x1, *, axis: xp.expand_dims(g, axis=axis) * x1,
        ),
        kind="linalg",
        jvp=_vecdot_jvp,
        doc="dot products of vectors along an axis, with broadcasting",
    )
)


# =============================================================================================
# public functions: products and contractions
# =============================================================================================
def matmul(
    x1: Any, x2: Any, out: Any = None, *, dtype: Any = None, constant: bool | None = None
) -> Tensor:
    """Matrix product (``@``), with NumPy's rules for 1-D operands and batch broadcasting.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = xg.tensor([1.0, -1.0])
    >>> y = a @ b
    >>> y.backward()
    >>> y, a.grad
    (Tensor([-1., -1.]), array([[ 1., -1.],
           [ 1., -1.]]))
    """
    if out is not None or dtype is not None:
        return ufunc_call(OPS["matmul"], (x1, x2), out, True, dtype, constant)
    if constant is None:
        return apply2(OPS["matmul"], x1, x2)
    return run(OPS["matmul"], (x1, x2), None, constant)


_public(matmul, PUBLIC, LINALG)


def _tensordot_axes(axes: Any, na: int, nb: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    try:
        n = operator.index(axes)
    except TypeError:
        n = None
    if n is not None:
        if n < 0 or n > na or n > nb:
            raise ValueError(
                f"tensordot: axes={n} needs both inputs to have at least {n} dimensions "
                f"(they have {na} and {nb})"
            )
        return tuple(range(na - n, na)), tuple(range(n))
    try:
        xa, xb = axes
    except (TypeError, ValueError):
        raise TypeError(
            f"tensordot: axes must be an integer or a pair of sequences of axes, got {axes!r}"
        ) from None
    xa = [xa] if isinstance(xa, int) else list(xa)
    xb = [xb] if isinstance(xb, int) else list(xb)
    if len(xa) != len(xb):
        raise ValueError("tensordot: shape-mismatch for sum (unequal numbers of axes)")
    ca = tuple(norm_axis(i, na) for i in xa)
    cb = tuple(norm_axis(i, nb) for i in xb)
    if len(set(ca)) != len(ca) or len(set(cb)) != len(cb):
        raise ValueError(f"tensordot: repeated axis in axes={axes!r}")
    return ca, cb


def tensordot(a: Any, b: Any, axes: Any = 2, *, constant: bool | None = None) -> Tensor:
    """Sum of products over the given axes, as :func:`numpy.tensordot`.

    ``axes`` is an integer ``N`` (the last ``N`` axes of ``a`` with the first ``N`` of ``b``)
    or a pair of sequences of axes.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = xg.tensor([[1.0, 0.0], [0.0, 2.0]])
    >>> y = xg.tensordot(a, b, axes=([0], [1]))
    >>> y.sum().backward()
    >>> y, a.grad
    (Tensor([[1., 6.],
            [2., 8.]]), array([[1., 1.],
           [2., 2.]]))
    """
    a, b = as_tensor_input(a), as_tensor_input(b)
    ca, cb = _tensordot_axes(axes, len(a.shape), len(b.shape))
    for i, j in zip(ca, cb, strict=True):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"tensordot: shape-mismatch for sum: axis {i} of a has size {a.shape[i]}, "
                f"axis {j} of b has size {b.shape[j]}"
            )
    return run(OPS["tensordot"], (a, b), {"axes": (ca, cb)}, constant)


_public(tensordot, PUBLIC)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, constant: bool | None = None) -> Tensor:
    """Dot products of vectors along ``axis``, broadcasting the other axes (array API).

    A negative ``axis`` counts from the end of both inputs; a non-negative one refers to the
    broadcast shape.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> y = xg.vecdot(x, xg.tensor([1.0, 1.0]))
    >>> y.backward()
    >>> y, x.grad
    (Tensor([3., 7.]), array([[1., 1.],
           [1., 1.]]))
    """
    x1, x2 = as_tensor_input(x1), as_tensor_input(x2)
    ax = _pair_axis(x1, x2, axis, "vecdot")
    if x1.shape[ax] != x2.shape[ax]:
        raise ValueError(
            f"vecdot: the inputs have sizes {x1.shape[ax]} and {x2.shape[ax]} along axis {ax}"
        )
    return run(OPS["vecdot"], (x1, x2), {"axis": ax}, constant)


_public(vecdot, PUBLIC, LINALG)


def dot(a: Any, b: Any, out: Any = None, *, constant: bool | None = None) -> Tensor:
    """Dot product, as :func:`numpy.dot`: ``*`` for scalars, ``@`` for vectors and matrices,
    and for N-D inputs the sum over the last axis of ``a`` and the second-to-last of ``b``.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> y = xg.dot(x, x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor(14.), array([2., 4., 6.]))
    """
    if out is not None:
        raise TypeError("dot: out= is not supported for xgrad tensors; use the returned tensor")
    a, b = as_tensor_input(a), as_tensor_input(b)
    na, nb = len(a.shape), len(b.shape)
    if na == 0 or nb == 0:
        return _fn("multiply")(a, b, constant=constant)
    k = b.shape[-1] if nb == 1 else b.shape[-2]
    if a.shape[-1] != k:
        raise ValueError(
            f"dot: shapes {tuple(a.shape)} and {tuple(b.shape)} not aligned: "
            f"{a.shape[-1]} (dim {na - 1}) != {k} (dim {max(nb - 2, 0)})"
        )
    if (na <= 2 and nb <= 2) or na == 1 or nb == 1:
        return matmul(a, b, constant=constant)
    return tensordot(a, b, axes=((na - 1,), (nb - 2,)), constant=constant)


_public(dot, PUBLIC)


def inner(a: Any, b: Any, *, constant: bool | None = None) -> Tensor:
    """Inner product over the last axes, as :func:`numpy.inner`.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> xg.inner(a, xg.tensor([1.0, -1.0]))
    Tensor([-1., -1.])
    """
    a, b = as_tensor_input(a), as_tensor_input(b)
    na, nb = len(a.shape), len(b.shape)
    if na == 0 or nb == 0:
        return _fn("multiply")(a, b, constant=constant)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"inner: shapes {tuple(a.shape)} and {tuple(b.shape)} not aligned along the last axis"
        )
    return tensordot(a, b, axes=((na - 1,), (nb - 1,)), constant=constant)


_public(inner, PUBLIC)


def vdot(a: Any, b: Any, *, constant: bool | None = None) -> Tensor:
    """Dot product of the flattened inputs, as :func:`numpy.vdot` (real data).

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> xg.vdot(a, a)
    Tensor(30.)
    """
    a, b = as_tensor_input(a), as_tensor_input(b)
    if math.prod(a.shape) != math.prod(b.shape):
        raise ValueError(f"vdot: the inputs have different sizes ({tuple(a.shape)}, {b.shape})")

    def build() -> Tensor:
        return matmul(_fn("reshape")(a, (-1,)), _fn("reshape")(b, (-1,)))

    return _composite(constant, build)


_public(vdot, PUBLIC)


def outer(a: Any, b: Any, out: Any = None, *, constant: bool | None = None) -> Tensor:
    """Outer product of the flattened inputs, as :func:`numpy.outer`.

    Examples
    --------
    >>> import xgrad as xg
    >>> a, b = xg.tensor([1.0, 2.0]), xg.tensor([1.0, 10.0, 100.0])
    >>> y = xg.outer(a, b)
    >>> y.backward()
    >>> y.shape, a.grad
    ((2, 3), array([111., 111.]))
    """
    if out is not None:
        raise TypeError("outer: out= is not supported for xgrad tensors; use the returned tensor")
    a, b = as_tensor_input(a), as_tensor_input(b)

    def build() -> Tensor:
        return _fn("multiply")(_fn("reshape")(a, (-1, 1)), _fn("reshape")(b, (1, -1)))

    return _composite(constant, build)


_public(outer, PUBLIC)


def _linalg_outer(x1: Any, x2: Any, /, *, constant: bool | None = None) -> Tensor:
    """Outer product of two vectors (``numpy.linalg.outer``: 1-D inputs only).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.outer(xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0]))
    Tensor([[3., 4.],
            [6., 8.]])
    """
    x1, x2 = as_tensor_input(x1), as_tensor_input(x2)
    if len(x1.shape) != 1 or len(x2.shape) != 1:
        raise ValueError(
            f"linalg.outer: input arrays must be one-dimensional, got shapes "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}"
        )
    return outer(x1, x2, constant=constant)


def _chain_order(dims: list[int]) -> list[list[int]]:
    """Matrix-chain dynamic programme (as numpy.linalg.multi_dot): split[i][j]."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf  # type: ignore[call-overload]
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j] = c
                    split[i][j] = k
    return split


def multi_matmul(tensors: Sequence[Any], *, constant: bool | None = None) -> Tensor:
    """Matrix product of two or more tensors, multiplied in the cheapest order.

    As MyGrad's ``multi_matmul`` and :func:`numpy.linalg.multi_dot`: the first and last
    tensor may be 1-D (a row and a column vector); the others must be (stacks of) matrices.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0]])
    >>> b = xg.tensor([[1.0], [1.0]])
    >>> y = xg.multi_matmul([a, b, a])
    >>> y.sum().backward()
    >>> y, a.grad
    (Tensor([[3., 6.]]), array([[6., 6.]]))
    """
    items = [as_tensor_input(t) for t in tensors]
    if len(items) < 2:
        raise ValueError("multi_matmul: expecting at least two tensors")
    first_vec, last_vec = len(items[0].shape) == 1, len(items[-1].shape) == 1
    for i, t in enumerate(items):
        if len(t.shape) == 0 or (len(t.shape) < 2 and 0 < i < len(items) - 1):
            raise ValueError(
                f"multi_matmul: tensor {i} has {len(t.shape)} dimension(s); only the first and "
                "last may be 1-D, the others must be at least 2-D"
            )

    def build() -> Tensor:
        ms = list(items)
        if first_vec:
            ms[0] = _fn("reshape")(ms[0], (1, -1))
        if last_vec:
            ms[-1] = _fn("reshape")(ms[-1], (-1, 1))
        for i in range(len(ms) - 1):
            if ms[i].shape[-1] != ms[i + 1].shape[-2]:
                raise ValueError(
                    f"multi_matmul: tensors {i} and {i + 1} are not aligned "
                    f"({ms[i].shape[-1]} != {ms[i + 1].shape[-2]})"
                )
        split = _chain_order([ms[0].shape[-2]] + [m.shape[-1] for m in ms])

        def product(i: int, j: int) -> Any:
            if i == j:
                return ms[i]
            k = split[i][j]
            return matmul(product(i, k), product(k + 1, j))

        out = product(0, len(ms) - 1)
        if first_vec:
            out = _fn("squeeze")(out, -2)
        if last_vec:
            out = _fn("squeeze")(out, -1)
        return out

    return _composite(constant, build)


_public(multi_matmul, PUBLIC)


def _multi_dot(arrays: Sequence[Any], *, out: Any = None) -> Tensor:
    """``numpy.linalg.multi_dot``: :func:`xgrad.multi_matmul`, the matrix product of two or
    more arrays, multiplied in the cheapest order.

    Parameters
    ----------
    arrays : sequence of Tensor or array
        The first and last may be 1-D (a row and a column vector); the others must be (stacks
        of) matrices.
    out : None
        Accepted for NumPy's signature; anything but ``None`` raises ``TypeError``.

    Returns
    -------
    Tensor
        Differentiable with respect to every tensor in ``arrays``.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0]])
    >>> b = xg.tensor([[3.0], [4.0]])
    >>> c = xg.tensor([[1.0, 0.0]])
    >>> y = xg.linalg.multi_dot([a, b, c])
    >>> y.backward()
    >>> y, a.grad
    (Tensor([[11.,  0.]]), array([[3., 4.]]))
    >>> b.grad
    array([[1.],
           [2.]])
    >>> xg.linalg.multi_dot([xg.tensor([1.0, 2.0]), xg.eye(2), xg.tensor([3.0, 4.0])])
    Tensor(11.)
    """
    _no_numpy_arg("linalg.multi_dot", out=out)
    return multi_matmul(arrays)


def _linalg_tensordot(
    x1: Any, x2: Any, /, *, axes: Any = 2, constant: bool | None = None
) -> Tensor:
    """:func:`xgrad.tensordot` with the array API's signature (``axes`` keyword-only).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.tensordot(xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0]), axes=1)
    Tensor(11.)
    """
    return tensordot(x1, x2, axes, constant=constant)


for _name, _f in (
    ("outer", _linalg_outer),
    ("tensordot", _linalg_tensordot),
):
    _f.__name__ = _f.__qualname__ = _name
    _f.__module__ = "xgrad.linalg"
    LINALG[_name] = _f
LINALG["vecdot"] = vecdot
LINALG["multi_dot"] = _multi_dot
_multi_dot.__name__ = _multi_dot.__qualname__ = "multi_dot"
_multi_dot.__module__ = "xgrad.linalg"


# =============================================================================================
# the cross product
# =============================================================================================
# Bilinear: <g, a x b> = <a, b x g> = <b, g x a> (the scalar triple product), so each rule is
# one more cross product; the engine sums a broadcast input's gradient back to its shape.
def _cross_jvp(xp: Any, t: Any, x1: Any, x2: Any, *, axis: int) -> Any:
    return _product_rule(lambda u, v: xp.linalg.cross(u, v, axis=axis), t, x1, x2)


register(
    Op(
        "cross",
        ("x1", "x2"),
        lambda xp, x1, x2, *, axis: xp.linalg.cross(x1, x2, axis=axis),
        (
            lambda xp, g, x2, *, axis: xp.linalg.cross(x2, g, axis=axis),
            lambda xp, g, x1, *, axis: xp.linalg.cross(g, x1, axis=axis),
        ),
        kind="linalg",
        jvp=_cross_jvp,
        doc="cross products of 3-vectors along an axis, with broadcasting",
    )
)


def cross(x1: Any, x2: Any, /, *, axis: int = -1, constant: bool | None = None) -> Tensor:
    """Cross products of 3-element vectors along ``axis``, broadcasting the other axes (the
    array API's and :func:`numpy.linalg.cross`); differentiable in both inputs.

    A negative ``axis`` counts from the end of both inputs; a non-negative one refers to the
    broadcast shape, as for :func:`vecdot` (NumPy applies it to each input; the two agree
    for inputs of one rank, and the array API specifies only negative axes).

    Examples
    --------
    >>> import xgrad as xg
    >>> a, b = xg.tensor([1.0, 0.0, 0.0]), xg.tensor([0.0, 2.0, 0.0])
    >>> c = xg.linalg.cross(a, b)
    >>> (c * xg.tensor([0.0, 0.0, 1.0])).sum().backward()
    >>> c, a.grad, b.grad
    (Tensor([0., 0., 2.]), array([2., 0., 0.]), array([0., 1., 0.]))
    """
    x1, x2 = as_tensor_input(x1), as_tensor_input(x2)
    ax = _pair_axis(x1, x2, axis, "cross")
    if x1.shape[ax] != 3 or x2.shape[ax] != 3:
        raise ValueError(
            f"cross: both inputs must have 3 elements along axis {axis}; got shapes "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}"
        )
    return run(OPS["cross"], (x1, x2), {"axis": ax}, constant)


cross.__module__ = "xgrad.linalg"
LINALG["cross"] = cross
