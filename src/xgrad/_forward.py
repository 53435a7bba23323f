"""Forward-mode differentiation: tangents carried through the forward pass.

Inside :func:`xgrad.func.jvp` a *level* is open, and input tensors carry a tangent for it
(``tensor._tan[level]``). Every op applied to a tensor with a tangent computes its output's
tangent at once, from the op's JVP rule (one row of the same op table):

- elementwise ops derive it from their VJPs, whose Jacobians are diagonal:
  ``t_out = sum_i vjp_i(t_i)``;
- linear ops (``"linear"``) apply themselves to the tangents;
- the others have their own rule (``matmul``: ``ta @ b + a @ tb``).

Tangents are tensors, and the rules run with xgrad's tensor namespace, so tangents are
recorded in the graph: reverse-over-forward works, and levels nest (forward-over-forward),
each level's tangent computation carrying the outer levels' tangents. Primal values handed to
a level's rule have that level's tangent stripped, which keeps levels apart (no
"perturbation confusion").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import _engine
from ._tensor import Tensor, make_tensor
from .errors import NonDifferentiableError

__all__ = ["FWD", "propagate"]


class _Fwd:
    __slots__ = ("depth", "next_level")

    def __init__(self) -> None:
        self.depth = 0  # open levels; 0: forward mode is off and ops skip the hook
        self.next_level = 1


FWD = _Fwd()

# Installed from above, when xgrad._op is imported: applies an op row to tensors (a linear
# op's tangent is the op applied to the tangents). The tensor namespace the rules run with is
# the engine's ``tensor_namespace`` hook, installed by xgrad._xp.
apply_op: Callable[..., Any] = None  # type: ignore[assignment]


def tangents_of(t: Any) -> dict | None:
    return getattr(t, "_tan", None) if isinstance(t, Tensor) else None


def strip(t: Any, level: int) -> Any:
    """``t`` without its tangent at ``level`` (other levels kept)."""
    tans = tangents_of(t)
    if not tans or level not in tans:
        return t
    # the same graph node: a leaf's is made now if it has none yet, or the copy would get a
    # leaf of its own, and gradients would not reach ``t``
    node = None if t._constant else t._leaf_or_node()
    out = make_tensor(t._data, t._backend, node, t._constant)
    rest = {k: v for k, v in tans.items() if k != level}
    if rest:
        out._tan = rest
    return out


def propagate(op: Any, inputs: Sequence[Any], out: Tensor, params: dict | None) -> None:
    """Give ``out`` its tangents at every level present on ``inputs`` (and report the op to
    :func:`xgrad.compile`'s tracer while one is tracing: it opens a level of its own, so
    every op application comes here)."""
    tracer = _engine.STATE.tracer
    if tracer is not None:
        tracer.record(op, inputs, out, params)
    levels: set[int] = set()
    for a in inputs:
        tans = tangents_of(a)
        if tans:
            levels.update(tans)
    if not levels:
        return
    result: dict[int, Any] = {}
    for level in sorted(levels):  # outer levels first: an inner level's rule sees their tangents
        t = tuple((tangents_of(a) or {}).get(level) for a in inputs)
        primals = tuple(strip(a, level) for a in inputs)
        tangent = _jvp(op, t, primals, strip(out, level), params or {})
        if tangent is not None:
            result[level] = tangent
            out._tan = dict(result)
    node = out._node
    if node is not None and node.saved:
        # keep the tangents of what the node saved: a backward pass recorded inside this
        # forward level (forward-over-reverse) must see them
        code_tans = []
        for code in op.save:
            if code == op.nin:
                code_tans.append(result or None)
            elif 0 <= code < op.nin:
                code_tans.append(tangents_of(inputs[code]))
            else:
                code_tans.append(None)
        node.tans = tuple(code_tans)


def _as_tensor(value: Any, like: Tensor) -> Any:
    if isinstance(value, Tensor) or value is None or isinstance(value, (int, float, bool)):
        return value
    return make_tensor(value, like._backend, None, True)


def _needs(op: Any, names: Sequence[str], primals: Sequence[Any], y: Tensor) -> list[Any]:
    values = []
    for name in names:
        if name == "y":
            values.append(y)
        elif name == "res" and op.residuals:
            values.append(None)  # residuals are recomputed from the (tangent-carrying) inputs
        elif name == "y_shape":
            values.append(tuple(y.shape))
        elif name.endswith("_shape"):
            values.append(tuple(getattr(primals[op.inputs.index(name[:-6])], "shape", ())))
        else:
            values.append(_as_tensor(primals[op.inputs.index(name)], y))
    return values


def _jvp(op: Any, t: tuple, primals: tuple, y: Tensor, params: dict) -> Any:
    ns = _engine.tensor_namespace(y._backend)
    rule = op.jvp
    if rule == "linear":
        args = []
        for i, (ti, p) in enumerate(zip(t, primals, strict=True)):
            if op.vjps[i] is None:
                args.append(p)  # a non-differentiable input (an index, a condition)
            elif ti is None:
                args.append(ns.zeros_like(_as_tensor(p, y)) if hasattr(p, "shape") else 0.0)
            else:
                args.append(ti)
        return apply_op(op, tuple(args), params or None)
    if callable(rule):
        tt = tuple(_as_tensor(ti, y) for ti in t)
        return rule(ns, tt, *_needs(op, op.jvp_args, primals, y), **params)
    if op.kind == "reduction" and t[0] is not None:
        # each output is a function of its own reduced slice, and the VJP of ones is that
        # slice's gradient: the JVP is the tangent weighted by it, reduced the same way
        ones = ns.ones_like(y)
        d = op.vjps[0](ns, ones, *_needs(op, op.rule_names[0], primals, y), **params)
        return ns.sum(t[0] * d, axis=params["axis"], keepdims=params["keepdims"])
    if op.kind not in ("elementwise", "nnet") or op.name in _NOT_ELEMENTWISE:
        raise NonDifferentiableError(
            f"op {op.name!r} has no forward-mode (JVP) rule; use reverse mode (grad, vjp, "
            "jacrev) for functions that use it, or give a custom op one with defjvp"
        )
    total = None
    for i, ti in enumerate(t):
        if ti is None or op.vjps[i] is None:
            continue
        needs = _needs(op, op.rule_names[i], primals, y)
        term = op.vjps[i](ns, ti, *needs, **params)
        total = term if total is None else total + term
    if total is not None and tuple(total.shape) != tuple(y.shape):
        total = ns.broadcast_to(total, tuple(y.shape))
    return total


# rows of the "nnet" kind whose Jacobian is not diagonal (they carry their own rules)
_NOT_ELEMENTWISE = {"softmax", "logsoftmax", "softmax_crossentropy"}
