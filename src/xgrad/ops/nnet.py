"""Neural-network rows: activations and the softmax cross-entropy loss.

Each is one row with a fused derivative rule, cheaper than differentiating its composition
(``relu``'s rule is one ``where``; the loss's gradient is ``(softmax - onehot) / N``).
"""

from __future__ import annotations

from typing import Any

from ._core import Op, register
from ._util import masked

__all__ = ["SELU_ALPHA", "SELU_SCALE"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _act(name: str, impl: Any, vjp: Any, doc: str, jvp: Any = None) -> Op:
    return register(Op(name, ("x",), impl, (vjp,), kind="nnet", jvp=jvp, doc=doc))


_act(
    "relu",
    lambda xp, x: xp.maximum(x, 0.0),
    lambda xp, g, x: masked(xp, x > 0, g),
    "max(x, 0); derivative 0 at 0",
)
_act(
    "leaky_relu",
    lambda xp, x, *, slope: xp.where(x > 0, x, slope * x),
    lambda xp, g, x, *, slope: xp.where(x > 0, g, slope * g),
    "x for x > 0, slope * x otherwise",
)


def _sigmoid(xp: Any, x: Any) -> Any:
    # exp of a non-positive number only: no overflow for large |x|
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


_act("sigmoid", _sigmoid, lambda xp, g, y: g * (y * (1 - y)), "1 / (1 + exp(-x))")


def _softmax(xp: Any, x: Any, *, axis: int) -> Any:
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def _softmax_vjp(xp: Any, g: Any, y: Any, *, axis: int) -> Any:
    gy = g * y
    return gy - y * xp.sum(gy, axis=axis, keepdims=True)


def _logsoftmax(xp: Any, x: Any, *, axis: int) -> Any:
    shifted = x - xp.max(x, axis=axis, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


def _logsoftmax_vjp(xp: Any, g: Any, y: Any, *, axis: int) -> Any:
    return g - xp.exp(y) * xp.sum(g, axis=axis, keepdims=True)


def _softmax_jvp(xp: Any, t: tuple, y: Any, *, axis: int) -> Any:
    yt = y * t[0]
    return yt - y * xp.sum(yt, axis=axis, keepdims=True)


def _logsoftmax_jvp(xp: Any, t: tuple, y: Any, *, axis: int) -> Any:
    return t[0] - xp.sum(xp.exp(y) * t[0], axis=axis, keepdims=True)


_act("softmax", _softmax, _softmax_vjp, "exp(x) / sum(exp(x)) along an axis", _softmax_jvp)
_act(
    "logsoftmax",
    _logsoftmax,
    _logsoftmax_vjp,
    "log(softmax(x)), computed stably",
    _logsoftmax_jvp,
)
_act(
    "elu",
    lambda xp, x, *, alpha: xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0.0))),
    lambda xp, g, x, y, *, alpha: xp.where(x > 0, g, g * (y + alpha)),
    "x for x > 0, alpha * (exp(x) - 1) otherwise",
)
_act(
    "selu",
    lambda xp, x: SELU_SCALE * xp.where(x > 0, x, SELU_ALPHA * xp.expm1(xp.minimum(x, 0.0))),
    lambda xp, g, x: (
        g * (SELU_SCALE * xp.where(x > 0, 1.0, SELU_ALPHA * xp.exp(xp.minimum(x, 0.0))))
    ),
    "scale * elu(x, alpha) with the self-normalising constants",
)


# -- softmax cross-entropy ------------------------------------------------------------------------
def _onehot(xp: Any, labels: Any, c: int, device: Any) -> Any:
    return xp.reshape(labels, (-1, 1)) == xp.reshape(xp.arange(c, device=device), (1, -1))


def _sce(xp: Any, x: Any, labels: Any) -> Any:
    n, c = x.shape
    lsm = _logsoftmax(xp, x, axis=-1)
    picked = xp.where(_onehot(xp, labels, c, x.device), lsm, 0.0)
    return -xp.sum(picked) / n


def _sce_vjp(xp: Any, g: Any, x: Any, labels: Any) -> Any:
    n, c = x.shape
    p = _softmax(xp, x, axis=-1)
    onehot = _onehot(xp, labels, c, x.device)
    return (g / n) * (p - xp.astype(onehot, p.dtype))


register(
    Op(
        "softmax_crossentropy",
        ("x", "labels"),
        _sce,
        (_sce_vjp, None),
        kind="nnet",
        jvp=lambda xp, t, x, labels: xp.sum(t[0] * _sce_vjp(xp, 1.0, x, labels)),
        doc="the mean over N of -log softmax(x)[i, labels[i]] for scores x of shape (N, C)",
    )
)
