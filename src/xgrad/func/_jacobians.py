"""Jacobians (reverse and forward mode) and Hessians."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

from .. import _autograd
from .. import backends as _backends
from .._tensor import Tensor, make_tensor
from ..errors import DisconnectedGradientError
from ..ops import FUNCTIONS
from ._forward_mode import jvp
from ._tree import (
    _argnums,
    _disconnected,
    _flatten,
    _Inputs,
    _output,
    _unflatten,
    _zeros_for,
    transform,
)


# -- Jacobians and Hessians --------------------------------------------------------------------
def _basis(leaf: Tensor, k: int, record: bool) -> Any:
    xp = leaf._backend.xp
    n = leaf.size
    flat = xp.zeros((n,), dtype=leaf.dtype, device=leaf.device)
    flat = _backends.load(leaf._backend.name).scatter_set(flat, (k,), 1.0)
    arr = xp.reshape(flat, tuple(leaf.shape))
    return make_tensor(arr, leaf._backend, None, True) if record else arr


def _assemble(parts: list[Any], shape: tuple, axis: int, finish: Any, like: Any) -> Any:
    """A Jacobian of ``shape`` from its rows (``axis=0``: one per output element, shaped like
    the input) or columns (``axis=1``: one per input element, shaped like the output),
    passed through ``finish``; zeros when there are none."""
    if not parts:
        bk = like._backend
        return finish(bk.xp.zeros(shape, dtype=like.dtype, device=like.device))
    if isinstance(parts[0], Tensor):
        reshape, stack = FUNCTIONS["reshape"], FUNCTIONS["stack"]
    else:
        xp = like._backend.xp
        reshape, stack = xp.reshape, xp.stack
    flat = [reshape(p, (math.prod(tuple(p.shape)),)) for p in parts]
    return finish(reshape(stack(flat, axis=axis), shape))


def jacrev(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The Jacobian by reverse mode: one backward pass per output element.

    For an output of shape ``S`` and an argument of shape ``T`` the result has shape
    ``S + T`` (a pytree of such arrays for pytree arguments and outputs). Keyword arguments
    of the call are passed to ``f`` and not differentiated.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import jacrev
    >>> jacrev(lambda x: x ** 2)(xg.asarray([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """

    @functools.wraps(f)
    @transform
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        what = "jacobian"
        nums, single = _argnums(argnums, len(args), what)
        inputs = _Inputs(args, nums, what)
        out = f(*inputs.args, **kwargs)
        out_leaves, out_tree = _flatten(out)
        outs = [_output(o, what, f" {k}") for k, o in enumerate(out_leaves)]
        inputs.find_foreign(outs)
        record = inputs.record
        per_output = []
        for k, o in enumerate(outs):
            if o.constant or not _autograd.connected([o._leaf_or_node()], inputs.nodes())[0]:
                raise _disconnected(what, f"output {k}")
            rows: list[list[Any]] = [[] for _ in inputs.leaves]
            for i in range(o.size):
                seed = _basis(o, i, record)
                grads = _autograd.gradients(
                    [(o._leaf_or_node(), seed)], inputs.nodes(), create_graph=record
                )
                for j, (g, leaf) in enumerate(zip(grads, inputs.leaves, strict=True)):
                    rows[j].append(g if g is not None else _zeros_for(leaf, record))
            jacs = [
                _assemble(r, tuple(o.shape) + tuple(leaf.shape), 0, inputs.result, leaf)
                for r, leaf in zip(rows, inputs.leaves, strict=True)
            ]
            per_arg = inputs.split(jacs)
            per_output.append(per_arg[0] if single else tuple(per_arg))
        inputs.close()
        return _unflatten(out_tree, per_output)

    return wrapper


def jacfwd(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, *, allow_unused: bool = False
) -> Callable[..., Any]:
    """The Jacobian by forward mode: one JVP per input element (cheaper than :func:`jacrev`
    when there are fewer inputs than outputs). Keyword arguments of the call are passed to
    ``f`` and not differentiated.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import jacfwd
    >>> jacfwd(lambda x: x[0] * x)(xg.asarray([1.0, 2.0]))
    array([[2., 0.],
           [2., 1.]])
    """

    @functools.wraps(f)
    @transform
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        what = "jacobian"
        nums, single = _argnums(argnums, len(args), what)
        holder = _Inputs(args, nums, what)  # only for shapes and the result type

        def finish(v: Any) -> Any:  # tensors came from jvp, which decided their type
            return v if isinstance(v, Tensor) else holder.result(v)

        columns_per_leaf: list[list[Any]] = []
        out_tree = None
        out_shapes: list[tuple] | None = None

        def restricted(*diff: Any) -> Any:
            call = list(args)
            for num, value in zip(nums, diff, strict=True):
                call[num] = value
            return f(*call, **kwargs)

        primals = tuple(args[n] for n in nums)
        for j, leaf in enumerate(holder.leaves):
            cols: list[Any] = []
            for i in range(leaf.size):
                tangents = [
                    _basis(lf, i, False) if jj == j else lf._backend.xp.zeros_like(lf._data)
                    for jj, lf in enumerate(holder.leaves)
                ]
                out, tan = jvp(
                    restricted, primals, tuple(holder.split(tangents)), allow_unused=allow_unused
                )
                t_leaves, out_tree = _flatten(tan)
                out_shapes = [tuple(v.shape) for v in _flatten(out)[0]]
                cols.append(t_leaves)
            columns_per_leaf.append(cols)
        if out_shapes is None:  # no input elements at all: the output's layout from one call
            out = f(*holder.args, **kwargs)
            leaves, out_tree = _flatten(out)
            out_shapes = [tuple(_output(v, what, f" {k}").shape) for k, v in enumerate(leaves)]
        per_output = []
        for k, oshape in enumerate(out_shapes):
            jacs = []
            for leaf, cols in zip(holder.leaves, columns_per_leaf, strict=True):
                shape = oshape + tuple(leaf.shape)
                jacs.append(_assemble([c[k] for c in cols], shape, 1, finish, leaf))
            per_arg = holder.split(jacs)
            per_output.append(per_arg[0] if single else tuple(per_arg))
        holder.close()
        return _unflatten(out_tree, per_output)

    return wrapper


def jacobian(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, *, mode: str = "rev"
) -> Callable[..., Any]:
    """The Jacobian of ``f``: ``mode="rev"`` (:func:`jacrev`) or ``mode="fwd"``
    (:func:`jacfwd`).

    Parameters
    ----------
    f : callable
        The function; its arguments and outputs may be tensors, arrays, numbers or pytrees
        of them.
    argnums : int or sequence of int, optional
        Which positional arguments to differentiate with respect to (the first by default);
        a sequence gives a tuple of Jacobians, one per argument.
    mode : {"rev", "fwd"}, optional
        Reverse mode (one backward pass per output element, the default) or forward mode
        (one JVP per input element: cheaper when there are fewer inputs than outputs).

    Returns
    -------
    callable
        Takes ``f``'s arguments and returns the Jacobian: for an output of shape ``S`` and an
        argument of shape ``T``, an array of shape ``S + T``.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import jacobian
    >>> jacobian(lambda x: x ** 2)(xg.asarray([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    >>> jacobian(lambda x: xg.sin(x) * x[0], mode="fwd")(xg.asarray([0.0, 1.0]))
    array([[0.        , 0.        ],
           [0.84147098, 0.        ]])
    >>> jx, jy = jacobian(lambda x, y: x * y, argnums=(0, 1))(
    ...     xg.asarray([1.0, 2.0]), xg.asarray([3.0, 4.0])
    ... )
    >>> jx
    array([[3., 0.],
           [0., 4.]])
    >>> jy
    array([[1., 0.],
           [0., 2.]])
    """
    if mode == "rev":
        return jacrev(f, argnums)
    if mode == "fwd":
        return jacfwd(f, argnums)
    raise ValueError(f"jacobian: mode must be 'rev' or 'fwd', got {mode!r}")


def hessian(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    *,
    mode: str = "rev-rev",
    allow_unused: bool = False,
) -> Callable[..., Any]:
    """The Hessian of scalar ``f``.

    ``mode="rev-rev"`` (the default) is ``jacrev(jacrev(f))``: the gradient is recorded once
    and differentiated by one backward pass per row, the fastest in xgrad.
    ``mode="fwd-rev"`` is ``jacfwd(jacrev(f))`` (JAX's choice): one forward-mode pass through
    the gradient computation per column. ``allow_unused=True`` gives zeros where the gradient
    does not depend on an argument (the Hessian of a linear function) instead of raising.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import hessian
    >>> hessian(lambda x: x[0] ** 2 * x[1])(xg.asarray([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    if mode == "rev-rev":
        inner = jacrev(f, argnums)
        if allow_unused:
            return _zeros_if_unused(inner, argnums)
        return jacrev(inner, argnums)
    if mode == "fwd-rev":
        return jacfwd(jacrev(f, argnums), argnums, allow_unused=allow_unused)
    raise ValueError(f"hessian: mode must be 'rev-rev' or 'fwd-rev', got {mode!r}")


def _zeros_if_unused(inner: Callable[..., Any], argnums: Any) -> Callable[..., Any]:
    """jacrev of ``inner``, with zeros for a gradient independent of the arguments."""
    outer = jacrev(inner, argnums)
    fwd = jacfwd(inner, argnums, allow_unused=True)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return outer(*args, **kwargs)
        except DisconnectedGradientError:
            return fwd(*args, **kwargs)

    return wrapper
