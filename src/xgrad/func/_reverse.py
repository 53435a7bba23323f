"""Reverse mode: ``grad``, ``value_and_grad``, ``elementwise_grad`` and ``vjp``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from .. import _autograd
from .._engine import STATE, recording
from .._tensor import Tensor, make_tensor
from ._tree import (
    _argnums,
    _disconnected,
    _flatten,
    _Inputs,
    _output,
    _same_backend,
    _seed,
    _split_aux,
    _unflatten,
    _zeros_for,
    detach,
    detached_results,
    transform,
)


# -- reverse mode ------------------------------------------------------------------------------
@transform
def _value_and_grad(
    f: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    argnums: int | Sequence[int],
    has_aux: bool,
    allow_unused: bool,
    what: str,
    reduce_output: bool,
) -> tuple[Any, Any, Any]:
    nums, single = _argnums(argnums, len(args), what)
    inputs = _Inputs(args, nums, what)
    out = f(*inputs.args, **kwargs)
    aux = None
    if has_aux:
        out, aux = _split_aux(out, what)
    out_t = _output(out, what, allow_unused=allow_unused)
    if not reduce_output and out_t.size != 1:
        raise ValueError(
            f"{what}: the function's output has shape {tuple(out_t.shape)}, but {what} needs a "
            "scalar (one element). For the derivative of every output use "
            "xgrad.func.jacobian; for an elementwise function use xgrad.func.elementwise_grad."
        )
    inputs.find_foreign([out_t])
    record = inputs.record
    grads: list[Any] = [None] * len(inputs.leaves)
    if not out_t.constant:  # None for every argument the output does not reach
        grads = _autograd.gradients(
            [(out_t._leaf_or_node(), _seed(out_t, record))], inputs.nodes(), create_graph=record
        )
    if not allow_unused and all(g is None for g in grads):
        raise _disconnected(what, "the function's output")
    for k, g in enumerate(grads):
        if g is None:
            if not allow_unused:
                raise inputs.unused(k)
            grads[k] = _zeros_for(inputs.leaves[k], record)
    results = [inputs.result(g) for g in grads]
    per_arg = inputs.split(results)
    value = inputs.result(out_t)
    inputs.close()
    return value, (per_arg[0] if single else tuple(per_arg)), aux


def value_and_grad(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    allow_unused: bool = False,
) -> Callable[..., Any]:
    """``f``'s value and its gradient with respect to the arguments ``argnums``.

    ``f`` must return a scalar (or ``(scalar, aux)`` with ``has_aux``). Returns
    ``(value, gradient)`` or ``((value, aux), gradient)``; with a tuple of argnums the
    gradient is a tuple.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import value_and_grad
    >>> value_and_grad(lambda x: (x ** 2).sum())(xg.asarray([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        value, g, aux = _value_and_grad(
            f, args, kwargs, argnums, has_aux, allow_unused, "value_and_grad", False
        )
        return ((value, aux), g) if has_aux else (value, g)

    return wrapper


def grad(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    allow_unused: bool = False,
) -> Callable[..., Any]:
    """The gradient of a scalar function with respect to the arguments ``argnums``.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import grad
    >>> grad(lambda x: x ** 3)(2.0)
    array(12.)
    >>> grad(grad(lambda x: x ** 3))(2.0)
    array(12.)
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _, g, aux = _value_and_grad(f, args, kwargs, argnums, has_aux, allow_unused, "grad", False)
        return (g, aux) if has_aux else g

    return wrapper


def elementwise_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable:
    """The derivative at every point of an elementwise ``f``: the gradient of ``sum(f(x))``,
    as the tutorial's ``f.backward()`` on a vector computes it.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import elementwise_grad
    >>> elementwise_grad(lambda x: x ** 2)(xg.asarray([1.0, -3.0]))
    array([ 2., -6.])
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _, g, _ = _value_and_grad(f, args, kwargs, argnums, False, False, "elementwise_grad", True)
        return g

    return wrapper


def vjp(
    f: Callable[..., Any], *primals: Any, has_aux: bool = False, allow_unused: bool = False
) -> tuple:
    """``f(*primals)`` and a function taking output cotangents to input cotangents.

    The returned ``vjp_fn(cotangent)`` may be called any number of times; it returns one
    cotangent per primal (a tuple).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import vjp
    >>> out, vjp_fn = vjp(lambda x: x ** 2, xg.asarray([1.0, 2.0]))
    >>> vjp_fn(xg.asarray([1.0, 10.0]))
    (array([ 2., 40.]),)
    """
    if not STATE.enabled:  # as outside no_autodiff; what it returns (vjp_fn's too) has no graph
        with recording(True):
            value, vjp_fn, *aux = vjp(f, *primals, has_aux=has_aux, allow_unused=allow_unused)
        return detach((value, detached_results(vjp_fn), *aux))
    what = "vjp"
    inputs = _Inputs(primals, tuple(range(len(primals))), what)
    out = f(*inputs.args)
    aux = None
    if has_aux:
        out, aux = _split_aux(out, what)
    out_leaves, out_tree = _flatten(out)
    outs = [_output(o, what, f" {k}", allow_unused=allow_unused) for k, o in enumerate(out_leaves)]
    inputs.find_foreign(outs)

    def vjp_fn(cotangent: Any) -> tuple:
        ct_leaves, _ = _flatten(cotangent)
        if len(ct_leaves) != len(outs):
            raise ValueError(f"vjp_fn: expected {len(outs)} cotangent(s), got {len(ct_leaves)}")
        record = inputs.record or any(isinstance(c, Tensor) and not c.constant for c in ct_leaves)
        seeds = []
        targets = inputs.nodes()
        nodes = [None if o.constant else o._leaf_or_node() for o in outs]
        reach = iter(_autograd.connected([n for n in nodes if n is not None], targets))
        for k, (o, c, node) in enumerate(zip(outs, ct_leaves, nodes, strict=True)):
            ct = _cotangent(o, c, record, k)
            if node is None or not next(reach):
                if allow_unused:
                    continue
                raise _disconnected(what, f"output {k}")
            seeds.append((node, ct))
        grads = _autograd.gradients(seeds, targets, create_graph=record) if seeds else []
        grads = grads or [None] * len(inputs.leaves)
        for k, g in enumerate(grads):
            if g is None and not allow_unused:
                raise inputs.unused(k)
        results = [
            inputs.result(g if g is not None else _zeros_for(leaf, record))
            for g, leaf in zip(grads, inputs.leaves, strict=True)
        ]
        return tuple(inputs.split(results))

    value = _unflatten(out_tree, [inputs.result(o) for o in outs])
    inputs.close()
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def _cotangent(o: Tensor, c: Any, record: bool, k: int) -> Any:
    bk = o._backend
    _same_backend(bk, c, "vjp_fn(cotangent)", o.device)
    if isinstance(c, Tensor):
        arr_shape = tuple(c.shape)
    else:
        c = c if isinstance(c, bk.array_types) else bk.asarray(c, dtype=o.dtype, device=o.device)
        arr_shape = tuple(c.shape)
    if arr_shape != tuple(o.shape):
        raise ValueError(
            f"vjp_fn: the cotangent for output {k} has shape {arr_shape}, but the output has "
            f"shape {tuple(o.shape)}; they must match"
        )
    if isinstance(c, Tensor):
        if c.dtype != o.dtype:
            c = c.astype(o.dtype)
        return c if record else c._data
    if c.dtype != o.dtype:
        c = bk.xp.astype(c, o.dtype)
    return make_tensor(c, bk, None, True) if record else c
