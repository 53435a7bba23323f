"""Custom differentiation rules: ``custom_vjp`` and ``custom_jvp``, as in JAX.

Write the function with xgrad (or any backend) operations, then give it its own derivative:

- :func:`custom_vjp` with ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)`` and
  ``bwd(residuals, g) -> one cotangent per argument``. Reverse mode only (as in JAX). The
  residuals and ``g`` reach ``bwd`` as tensors (constant ones, unless a higher derivative is
  being recorded), so a rule's arithmetic works the same on every backend.
- :func:`custom_jvp` with ``f.defjvp(rule)``: ``rule(primals, tangents) -> (out, tangent_out)``.
  Forward mode uses the rule; reverse mode transposes it (the rule is linear in the tangents,
  so its VJP is the gradient of ``<g, rule(primals, t)>`` with respect to ``t``).

Both become one node in the graph, run on any backend, and stay differentiable to higher
orders when their rules are written with xgrad functions.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from . import _autograd
from . import backends as _backends
from ._engine import STATE, Node, no_autodiff, recording
from ._forward import FWD, strip, tangents_of
from ._nsbase import TensorNamespace
from ._op import Op
from ._tensor import Tensor, make_tensor
from .errors import NonDifferentiableError

__all__ = ["custom_jvp", "custom_vjp"]


def _backend_and_data(args: Sequence[Any]) -> tuple[Any, list[Any]]:
    bk = None
    for a in args:
        if isinstance(a, Tensor):
            bk = a._backend
            break
    if bk is None:
        for a in args:
            bk = _backends.backend_of(a)
            if bk is not None:
                break
    if bk is None:
        bk = _backends.current()[0]
    return bk, [a._data if isinstance(a, Tensor) else a for a in args]


def _array(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else value


def _out_array(out: Any, bk: Any) -> Any:
    """The function's result as an array of ``bk``: a Python number (the function got
    numbers only) becomes a 0-d array on the current device."""
    data = _array(out)
    if isinstance(data, (bool, int, float)):
        cur, dev = _backends.current()
        data = bk.asarray(data, device=dev if cur is bk else None)
    return data


def _constants(values: Any, bk: Any) -> Any:
    """Residuals as constant tensors (their graphs, if any, are used only in tensor mode)."""
    if isinstance(values, (tuple, list)):
        return type(values)(_constants(v, bk) for v in values)
    if isinstance(values, Tensor):
        return make_tensor(values._data, values._backend, None, True)
    return values


def _single_output(out: Any, name: str) -> None:
    if not (isinstance(out, Tensor) or hasattr(out, "shape") or isinstance(out, (int, float))):
        raise TypeError(
            f"{name}: a custom rule's function must return one tensor or array, got "
            f"{type(out).__name__}; for several results, write one custom function each (or "
            "concatenate them)"
        )


def _primal(a: Any) -> Any:
    """An argument as the rules see it: the same value, graph node and tangents (so that
    reverse-over-anything and forward-over-reverse both run through the rules)."""
    if not isinstance(a, Tensor):
        return a
    node = None if a._constant else a._leaf_or_node()
    p = make_tensor(a._data, a._backend, node, a._constant)
    tans = tangents_of(a)
    if tans:
        p._tan = tans
    return p


def _bind(fun: Callable[..., Any], name: str, args: tuple, kwargs: dict) -> tuple:
    """Keyword arguments, bound to their positions (the rules see positional arguments)."""
    if not kwargs:
        return args
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: {exc}") from None
    if bound.kwargs:
        raise TypeError(
            f"{name}: keyword-only arguments {sorted(bound.kwargs)} cannot be passed to a "
            "function with a custom rule; make them positional or bind them with "
            "functools.partial"
        )
    return tuple(bound.args)


def _check_cotangents(grads: Any, args_meta: tuple, name: str) -> tuple:
    """One cotangent per argument, each None or of its argument's shape."""
    if not isinstance(grads, (tuple, list)):
        raise TypeError(f"{name}: the backward rule must return a tuple of cotangents")
    if len(grads) != len(args_meta):
        raise ValueError(
            f"{name}: the backward rule returned {len(grads)} cotangent(s) for "
            f"{len(args_meta)} argument(s); return one per argument (None where there is none)"
        )
    for k, (g, shape) in enumerate(zip(grads, args_meta, strict=True)):
        if g is None or shape is None:
            continue
        gshape = tuple(getattr(g, "shape", ()))
        if gshape != shape:
            raise ValueError(
                f"{name}: the cotangent for argument {k} has shape {gshape}, but the argument "
                f"has shape {shape}"
            )
    return tuple(grads)


def _make_node(op: Op, args: Sequence[Any], out: Any, bk: Any, params: dict) -> Tensor:
    parents = []
    for a in args:
        if isinstance(a, Tensor) and not a.constant:
            p = a._leaf_or_node()
            p._grad = None
            parents.append(p)
        else:
            parents.append(None)
    data = _out_array(out, bk)
    if not STATE.enabled or all(p is None for p in parents):
        return make_tensor(data, bk, None, all(p is None for p in parents))
    node = Node(op, tuple(parents), (), params, bk, data)
    return make_tensor(data, bk, node, False)


class _CustomFunction:
    """What both decorators share: one op row per number of arguments, whose rules are the
    subclass's ``_rule(i)``."""

    def __init__(self, fun: Callable[..., Any]) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self._ops: dict[int, Op] = {}

    def _rule(self, i: int) -> Callable[..., Any]:
        raise TypeError(f"{type(self).__name__} defines no rule")  # subclasses override it

    def _op(self, n: int) -> Op:
        op = self._ops.get(n)
        if op is None:
            op = Op(
                self.__name__,
                tuple(f"x{i}" for i in range(n)),
                "positive",  # never run: the forward is the user's function
                tuple(self._rule(i) for i in range(n)),
                kind="custom",
            )
            self._ops[n] = op
        return op


class custom_vjp(_CustomFunction):
    """A function with a hand-written reverse-mode rule.

    Examples
    --------
    >>> import xgrad as xg
    >>> @xg.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> def fwd(x):
    ...     return x, None
    >>> def bwd(res, g):
    ...     return (xg.clip(g, -1.0, 1.0),)
    >>> clip_gradient.defvjp(fwd, bwd)
    >>> x = xg.tensor([1.0, 2.0])
    >>> (clip_gradient(x) * 5.0).sum().backward()
    >>> x.grad
    array([1., 1.])
    """

    def __init__(self, fun: Callable[..., Any]) -> None:
        super().__init__(fun)
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None:
        """``fwd(*args) -> (out, residuals)``; ``bwd(residuals, g) -> cotangents`` (a tuple
        with one entry per argument; ``None`` for no gradient)."""
        self.fwd, self.bwd = fwd, bwd

    def _rule(self, i: int) -> Callable[..., Any]:
        def vjp(xp: Any, g: Any, **params: Any) -> Any:
            cache = params["cache"]
            if cache.get("g") is not g:
                tensor_mode = isinstance(xp, TensorNamespace)
                res = params["res"] if tensor_mode else params["res_const"]
                # in array mode g is handed over as a constant tensor, like the residuals:
                # mixing a backend array with tensors fails on some backends (array_api_strict)
                g_in = g if tensor_mode else make_tensor(g, _backends.of_namespace(xp), None, True)
                with recording(tensor_mode):  # array rules record nothing
                    grads = self.bwd(res, g_in)
                grads = _check_cotangents(grads, params["shapes"], self.__name__)
                cache["g"], cache["grads"] = g, grads
            grad = cache["grads"][i]
            if grad is None or isinstance(xp, TensorNamespace):
                return grad
            return _array(grad)

        return vjp

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.fwd is None or self.bwd is None:
            raise TypeError(f"{self.__name__}: call defvjp(fwd, bwd) before using it")
        args = _bind(self.fun, self.__name__, args, kwargs)
        if FWD.depth and any(tangents_of(a) for a in args):
            raise NonDifferentiableError(
                f"{self.__name__} has a custom VJP rule only, so forward mode (jvp, jacfwd, "
                "hessian) cannot go through it; define it with custom_jvp instead"
            )
        bk, _ = _backend_and_data(args)
        needs = STATE.enabled and any(isinstance(a, Tensor) and not a.constant for a in args)
        if needs:  # residuals keep their graph for higher-order derivatives
            out, res = self.fwd(*args)
        else:
            with no_autodiff:
                out, res = self.fwd(*args)
        _single_output(out, self.__name__)
        shapes = tuple(tuple(a.shape) if hasattr(a, "shape") else None for a in args)
        params = {"res": res, "res_const": _constants(res, bk), "cache": {}, "shapes": shapes}
        return _make_node(self._op(len(args)), args, out, bk, params)


class custom_jvp(_CustomFunction):
    """A function with a hand-written forward-mode rule; reverse mode transposes it.

    Examples
    --------
    >>> import xgrad as xg
    >>> @xg.custom_jvp
    ... def softplus(x):
    ...     return xg.logaddexp(x, 0.0)
    >>> @softplus.defjvp
    ... def softplus_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return softplus(x), t * xg.nnet.sigmoid(x)
    >>> x = xg.tensor([0.0, 100.0])
    >>> softplus(x).backward()
    >>> x.grad
    array([0.5, 1. ])
    """

    def __init__(self, fun: Callable[..., Any]) -> None:
        super().__init__(fun)
        self.rule: Callable[..., Any] | None = None

    def defjvp(self, rule: Callable[..., Any]) -> Callable[..., Any]:
        """``rule(primals, tangents) -> (out, tangent_out)``, linear in the tangents."""
        self.rule = rule
        return rule

    def _rule(self, i: int) -> Callable[..., Any]:
        """The VJP for argument ``i``: the JVP rule transposed."""

        def vjp(xp: Any, g: Any, **params: Any) -> Any:
            cache = params["cache"]
            if cache.get("g") is not g:
                cache["g"], cache["grads"] = g, self._vjp(xp, g, params["primals"])
            grad = cache["grads"][i]
            return grad if isinstance(xp, TensorNamespace) or grad is None else _array(grad)

        return vjp

    def _vjp(self, xp: Any, g: Any, primals: tuple) -> tuple:
        """d<g, rule(primals, t)>/dt: the rule is linear in t, so this is its transpose."""
        tensor_mode = isinstance(xp, TensorNamespace)
        bk = next(p._backend for p in primals if isinstance(p, Tensor))
        ts = [
            Tensor(bk.xp.zeros_like(_array(p)), constant=False) if isinstance(p, Tensor) else None
            for p in primals
        ]
        prims = primals if tensor_mode else _constants(primals, bk)
        with recording(True):
            _, tan = self.rule(prims, tuple(t if t is not None else 0.0 for t in ts))
            gg = g if tensor_mode else make_tensor(g, bk, None, True)
            inner = (tan * gg).sum()
            targets = [t for t in ts if t is not None]
            grads = _autograd.gradients(
                [(inner._leaf_or_node(), bk.xp.ones_like(inner._data))],
                [t._leaf_or_node() for t in targets],
                create_graph=tensor_mode,
            )
        it = iter(grads)
        return tuple(next(it) if t is not None else None for t in ts)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.rule is None:
            raise TypeError(f"{self.__name__}: define its rule with defjvp before using it")
        args = _bind(self.fun, self.__name__, args, kwargs)
        bk, _ = _backend_and_data(args)
        if FWD.depth and any(tangents_of(a) for a in args):
            return self._forward_mode(args, bk)
        with no_autodiff:
            out = self.fun(*args)
        return self._node(args, out, bk)

    def _node(self, args: Sequence[Any], out: Any, bk: Any) -> Tensor:
        _single_output(out, self.__name__)
        params = {"primals": tuple(_primal(a) for a in args), "cache": {}}
        return _make_node(self._op(len(args)), args, out, bk, params)

    def _forward_mode(self, args: Sequence[Any], bk: Any) -> Any:
        levels = sorted({lv for a in args for lv in (tangents_of(a) or {})})
        level = levels[-1]  # the innermost level; outer ones flow through the rule's own ops
        primals = tuple(strip(a, level) for a in args)
        tangents = tuple(
            (tangents_of(a) or {}).get(level) if isinstance(a, Tensor) else None for a in args
        )
        tangents = tuple(
            t if t is not None else (bk.xp.zeros_like(_array(p)) if hasattr(p, "shape") else 0.0)
            for t, p in zip(tangents, primals, strict=True)
        )
        out, tan = self.rule(primals, tangents)
        _single_output(out, self.__name__)
        if not isinstance(out, Tensor):
            out = make_tensor(_out_array(out, bk), bk, None, True)
        # the reverse-mode node hangs off the arguments themselves (tangents included), so
        # that a gradient taken inside this forward pass carries its tangent too
        result = self._node(args, out._data, bk)
        result._tan = {**(tangents_of(out) or {}), level: tan}
        return result
