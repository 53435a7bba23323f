"""Neural-network rows: activations and the softmax cross-entropy loss.

Each is one row with a fused derivative rule, cheaper than differentiating its composition
(``relu``'s rule is one ``where``; the loss's gradient is ``(softmax - onehot) / N``).
"""

from __future__ import annotations

from typing import Any

from .._op import Op, register
from ..backends._dtypes import dtype_is
from ._util import masked, max_keepdims, positive_part, sum_keepdims

__all__ = ["SELU_ALPHA", "SELU_SCALE"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _act(name: str, impl: Any, vjp: Any, doc: str, jvp: Any = None) -> Op:
    return register(Op(name, ("x",), impl, (vjp,), kind="nnet", jvp=jvp, doc=doc))


_act(
    "relu",
    positive_part,
    # y > 0 exactly where x > 0; saving y (which the next layer usually saves too) lets x go
    lambda xp, g, y: masked(xp, y > 0, g),
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
    e = xp.exp(x - max_keepdims(xp, x, axis))
    return e / sum_keepdims(xp, e, axis)


def _softmax_vjp(xp: Any, g: Any, y: Any, *, axis: int) -> Any:
    gy = g * y
    return gy - y * sum_keepdims(xp, gy, axis)


def _logsoftmax(xp: Any, x: Any, *, axis: int) -> Any:
    shifted = x - max_keepdims(xp, x, axis)
    return shifted - xp.log(sum_keepdims(xp, xp.exp(shifted), axis))


def _logsoftmax_vjp(xp: Any, g: Any, y: Any, *, axis: int) -> Any:
    return g - xp.exp(y) * sum_keepdims(xp, g, axis)


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
    # compare in the labels' own dtype (array_api_strict does not mix uint64 with int64)
    # unless it cannot count up to c (uint8 labels, 300 classes; every integer counts to 127)
    if c > 128 and xp.iinfo(labels.dtype).max < c - 1:
        labels = xp.astype(labels, xp.int64)
    return labels[:, None] == xp.arange(c, dtype=labels.dtype, device=device)


def _sce(xp: Any, x: Any, labels: Any) -> tuple[Any, Any]:
    # the mean over rows of logsumexp(x) - x[label], each row's difference formed before the
    # sum; the residual is the gradient for a seed of N, softmax - onehot. A label matching
    # no class (possible only where labels are not checked, on a device) picks nothing: that
    # row's loss is its logsumexp and its gradient the softmax, consistently.
    n, c = x.shape
    if not dtype_is(xp, x.dtype, "real floating"):  # integer scores (a constant): float64
        x = xp.astype(x, xp.float64)
    m = max_keepdims(xp, x)
    e = xp.exp(x - m)
    s = sum_keepdims(xp, e)
    onehot = _onehot(xp, labels, c, x.device)
    picked = sum_keepdims(xp, xp.where(onehot, x, 0.0))
    return xp.sum(xp.log(s) + (m - picked)) / n, e / s - xp.astype(onehot, x.dtype)


def _sce_vjp(xp: Any, g: Any, x: Any, labels: Any, res: Any) -> Any:
    n, c = x.shape
    if res is None:
        onehot = _onehot(xp, labels, c, x.device)
        res = _softmax(xp, x, axis=-1) - xp.astype(onehot, x.dtype)
    return res * (g / n)


register(
    Op(
        "softmax_crossentropy",
        ("x", "labels"),
        _sce,
        (_sce_vjp, None),
        kind="nnet",
        jvp=lambda xp, t, x, labels: xp.sum(t[0] * _sce_vjp(xp, 1.0, x, labels, None)),
        doc="the mean over N of -log softmax(x)[i, labels[i]] for scores x of shape (N, C)",
        residuals=True,
    )
)
