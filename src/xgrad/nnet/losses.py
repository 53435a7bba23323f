"""Loss functions (MyGrad's ``mygrad.nnet.losses``)."""

from __future__ import annotations

from numbers import Real
from typing import Any

from .. import backends as _backends
from .._tensor import Tensor
from ..backends._dtypes import dtype_is
from ..ops import FUNCTIONS, OPS
from ..ops._public import as_tensor_input, run
from ..ops.nnet import _onehot
from ..ops.nondiff import NonDiff, call_nondiff

__all__ = [
    "focal_loss",
    "margin_ranking_loss",
    "multiclass_hinge",
    "negative_log_likelihood",
    "softmax_crossentropy",
    "softmax_focal_loss",
]


def _labels(x: Any, y_true: Any) -> Any:
    """The integer class labels as an array on ``x``'s backend and device."""
    if isinstance(y_true, Tensor):
        y_true = y_true._data
    bk = x._backend if isinstance(x, Tensor) else _backends.backend_of(x)
    if not isinstance(y_true, bk.array_types):
        y_true = bk.asarray(y_true, device=bk.device_of(x._data if isinstance(x, Tensor) else x))
    if not dtype_is(bk.xp, y_true.dtype, "integral"):
        raise TypeError(f"y_true must hold integer class labels, got dtype {y_true.dtype}")
    shape = tuple(x.shape)
    if len(shape) != 2 or tuple(y_true.shape) != (shape[0],):
        raise ValueError(
            f"expected scores of shape (N, C) and labels of shape (N,); got {shape} "
            f"and {tuple(y_true.shape)}"
        )
    # Labels outside [0, C) match no class. Where reading values is free (NumPy) that is an
    # error; on a device it would cost a synchronisation, so there such a row contributes
    # its logsumexp alone, with the softmax as its gradient (loss and gradient agree). The
    # check is a non-differentiable function, so xgrad.compile's program repeats it.
    return call_nondiff(_CHECKED, (y_true,), {"n": shape[1]}, check=False)


def _checked(xp: Any, y_true: Any, *, n: int) -> Any:
    bk = _backends.of_namespace(xp)
    if bk.indices_in_range(y_true, n) is False:
        raise ValueError(
            f"class labels must lie in [0, {n}) for scores with {n} classes; "
            f"got labels from {int(xp.min(y_true))} to {int(xp.max(y_true))}"
        )
    return y_true


_CHECKED = NonDiff("checked_labels", _checked, 1, False)


def _weights(weights: Any, x: Any, bk: Any) -> Any:
    """The per-class weights, checked to be one per class (shape ``(C,)``), as in MyGrad."""
    if not isinstance(weights, (Tensor, *bk.array_types)):
        # host data (lists, NumPy arrays) goes where x is, as the labels do
        weights = bk.asarray(weights, device=bk.device_of(x._data if isinstance(x, Tensor) else x))
    c = x.shape[1]
    if tuple(weights.shape) != (c,):
        raise ValueError(
            f"`weights` must be a shape-(C,) array, one weight per class: expected shape ({c},) "
            f"for scores with {c} classes, got shape {tuple(weights.shape)}"
        )
    return weights


def softmax_crossentropy(x: Any, y_true: Any, *, constant: bool | None = None) -> Tensor:
    """The mean cross-entropy of ``softmax(x)`` against integer labels ``y_true``.

    ``x`` holds C class scores for each of N data, shape ``(N, C)``; its gradient is
    ``(softmax(x) - onehot(y_true)) / N``. The labels must lie in ``[0, C)``: on NumPy
    others raise ``ValueError``; on device backends (where checking would synchronise with
    the device) a row whose label matches no class contributes its logsumexp alone.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import softmax_crossentropy
    >>> x = xg.tensor([[0.0, 0.0], [1.0, -1.0]])
    >>> loss = softmax_crossentropy(x, [0, 0])
    >>> loss.backward()
    >>> loss            # (log 2 + log(1 + e**-2)) / 2
    Tensor(0.4100376)
    >>> x.grad
    array([[-0.25      ,  0.25      ],
           [-0.05960146,  0.05960146]])
    """
    x = as_tensor_input(x)
    return run(OPS["softmax_crossentropy"], (x, _labels(x, y_true)), None, constant)


def negative_log_likelihood(
    x: Any, y_true: Any, *, weights: Any = None, constant: bool | None = None
) -> Tensor:
    """The mean of ``-weights[y_true[i]] * x[i, y_true[i]]`` (``x`` holding log-probabilities,
    ``weights`` one factor per class, shape ``(C,)``, default 1), as MyGrad defines it.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import negative_log_likelihood
    >>> x = xg.tensor([[-1.0, -2.0], [-3.0, -4.0]])
    >>> negative_log_likelihood(x, [0, 1], weights=[2.0, 1.0])     # (2 * 1 + 1 * 4) / 2
    Tensor(3.)
    """
    x = as_tensor_input(x)
    labels = _labels(x, y_true)
    bk = x._backend
    if weights is not None:
        weights = _weights(weights, x, bk)
    # picked through a one-hot mask, as in softmax_crossentropy: a label matching no class
    # (unchecked, on a device) picks nothing, in the loss and the gradient alike
    picked, onehot = _picked(x, labels)
    if weights is not None:
        w = FUNCTIONS["sum"](FUNCTIONS["where"](onehot, weights, 0.0), axis=1)
        picked = FUNCTIONS["multiply"](picked, w)
    return FUNCTIONS["negative"](FUNCTIONS["mean"](picked), constant=constant)


def _picked(x: Any, labels: Any) -> tuple[Tensor, Any]:
    """``x[i, labels[i]]`` for each row, through a one-hot mask (so a label that matches no
    class, unchecked on a device, picks nothing, in the value and the gradient alike)."""
    # through call_nondiff, which xgrad.compile records (the labels change between calls)
    onehot = call_nondiff(_ONEHOT, (labels,), {"n": x.shape[1]}, check=False)
    return FUNCTIONS["sum"](FUNCTIONS["where"](onehot, x, 0.0), axis=1), onehot


def _onehot_of(xp: Any, labels: Any, *, n: int) -> Any:
    return _onehot(xp, labels, n, _backends.of_namespace(xp).device_of(labels))


_ONEHOT = NonDiff("onehot", _onehot_of, 1, False)


def focal_loss(
    class_probs: Any,
    targets: Any,
    *,
    alpha: float = 1,
    gamma: float = 0,
    constant: bool | None = None,
) -> Tensor:
    """The per-datum focal loss ``-alpha (1 - p)**gamma log(p)`` of the probability ``p``
    each datum gives its true class (Lin et al., https://arxiv.org/abs/1708.02002), as
    MyGrad's ``focal_loss``. ``gamma = 0`` and ``alpha = 1`` is the cross-entropy.

    Parameters
    ----------
    class_probs : Tensor or array, shape (N, C)
        Class probabilities, each in (0, 1].
    targets : array of int, shape (N,)
        The true class of each datum, in [0, C).
    alpha : float
        The weighting factor. Default 1.
    gamma : float
        The focusing parameter, non-negative. Default 0.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape (N,)
        The loss of each datum. Where ``p = 1`` the loss and its derivative are 0 for any
        ``gamma > 0`` (MyGrad's limit), and ``(1 - p)**gamma`` is never evaluated at 0 with a
        negative power, so second derivatives are finite too.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import focal_loss
    >>> p = xg.tensor([[0.5, 0.5], [0.2, 0.8]])
    >>> loss = focal_loss(p, [0, 1], gamma=2.0)
    >>> loss.sum().backward()
    >>> loss            # -(1 - p)**2 log(p), with p = 0.5 and 0.8
    Tensor([0.1732868 , 0.00892574])
    >>> p.grad          # -((1 - p)**2 / p - 2 (1 - p) log(p)) at the true classes
    array([[-1.19314718, -0.        ],
           [-0.        , -0.13925742]])
    """
    if isinstance(gamma, bool) or not isinstance(gamma, Real) or gamma < 0:
        raise ValueError(f"`gamma` must be a non-negative number, got: {gamma!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"`alpha` must be a real number, got: {alpha!r}")
    p = as_tensor_input(class_probs)
    pc, _ = _picked(p, _labels(p, targets))
    F = FUNCTIONS
    log_pc = F["log"](pc)
    if gamma == 0:
        return F["multiply"](-alpha, log_pc, constant=constant)
    one_m = F["subtract"](1.0, pc)
    live = one_m > 0  # p < 1 (p may round to just above 1: MyGrad clips 1 - p at 0)
    weight = F["where"](live, F["power"](F["where"](live, one_m, 1.0), gamma), 0.0)
    return F["multiply"](-alpha, F["multiply"](weight, log_pc), constant=constant)


def softmax_focal_loss(
    scores: Any,
    targets: Any,
    *,
    alpha: float = 1,
    gamma: float = 0,
    constant: bool | None = None,
) -> Tensor:
    """:func:`focal_loss` of ``softmax(scores)`` along the class axis, as MyGrad's.

    Parameters
    ----------
    scores : Tensor or array, shape (N, C)
        Class scores (logits).
    targets : array of int, shape (N,)
        The true class of each datum.
    alpha, gamma : float
        As in :func:`focal_loss`.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape (N,)

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import softmax_focal_loss
    >>> s = xg.tensor([[0.0, 0.0]])
    >>> loss = softmax_focal_loss(s, [1], gamma=1.0)
    >>> loss.backward()
    >>> loss                    # -(1 - 1/2) log(1/2)
    Tensor([0.34657359])
    >>> s.grad
    array([[ 0.4232868, -0.4232868]])
    """
    if isinstance(gamma, bool) or not isinstance(gamma, Real) or gamma < 0:
        raise ValueError(f"`gamma` must be a non-negative number, got: {gamma!r}")
    x = as_tensor_input(scores)
    _labels(x, targets)  # checked before the softmax, with the scores' shape in the message
    probs = run(OPS["softmax"], (x,), {"axis": -1}, None)
    return focal_loss(probs, targets, alpha=alpha, gamma=gamma, constant=constant)


def margin_ranking_loss(
    x1: Any, x2: Any, y: Any, margin: float, *, constant: bool | None = None
) -> Tensor:
    """The mean margin ranking loss ``mean(maximum(0, margin - y * (x1 - x2)))``, as
    MyGrad's: ``y`` (1 or -1, one per comparison or one for all) says whether ``x1`` should
    rank above ``x2`` or below it. At the hinge (``margin - y (x1 - x2) = 0``) the
    derivative is 0, as in MyGrad.

    Parameters
    ----------
    x1, x2 : Tensor or array, shape (N,) or (N, D)
        Scores or descriptors to compare, of a floating dtype.
    y : number or array, shape () or (N,)
        1 or -1 per comparison.
    margin : float
        Non-negative.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ()

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import margin_ranking_loss
    >>> x1, x2 = xg.tensor([1.0, 0.2]), xg.tensor([0.5, 0.5])
    >>> loss = margin_ranking_loss(x1, x2, 1, margin=1.0)
    >>> loss.backward()
    >>> loss                    # mean(1 - 0.5, 1 + 0.3)
    Tensor(0.9)
    >>> x1.grad, x2.grad
    (array([-0.5, -0.5]), array([0.5, 0.5]))
    """
    x1, x2 = as_tensor_input(x1), as_tensor_input(x2)
    if not 0 < len(x1.shape) < 3:
        raise ValueError(f"`x1` must have shape (N,) or (N, D), got shape {tuple(x1.shape)}")
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(
            f"`x1` and `x2` must have the same shape, got {tuple(x1.shape)} and {tuple(x2.shape)}"
        )
    bk = x1._backend if isinstance(x1, Tensor) else _backends.backend_of(x1)
    for name, v in (("x1", x1), ("x2", x2)):
        if not dtype_is(bk.xp, v.dtype, "real floating"):
            raise TypeError(f"`{name}` must contain floats, got dtype {v.dtype}")
    if isinstance(margin, bool) or not isinstance(margin, Real) or margin < 0:
        raise ValueError(f"`margin` must be a non-negative scalar, got {margin!r}")
    if isinstance(y, Tensor):
        y = y._data
    if not isinstance(y, (int, float)):
        dev = bk.device_of(x1._data if isinstance(x1, Tensor) else x1)
        y = bk.asarray(y, device=dev) if not isinstance(y, bk.array_types) else y
        shape = tuple(y.shape)
        if shape not in ((), (1,), (x1.shape[0],)):
            raise ValueError(
                f"`y` must be a scalar or a shape-(N,) array of 1s and -1s; got shape {shape} "
                f"for N = {x1.shape[0]}"
            )
        # as recorded ops (constant tensors), so that xgrad.compile sees y change
        if shape == (1,):
            y = FUNCTIONS["reshape"](y, ())
        elif len(shape) == 1 and len(x1.shape) == 2:
            y = FUNCTIONS["reshape"](y, (-1, 1))
        y = FUNCTIONS["astype"](y, x1.dtype)
    F = FUNCTIONS
    m = F["subtract"](margin, F["multiply"](y, F["subtract"](x1, x2)))
    return F["mean"](F["where"](m > 0, m, 0.0), constant=constant)


def multiclass_hinge(
    x: Any, y_true: Any, hinge: float = 1.0, *, constant: bool | None = None
) -> Tensor:
    """The mean multiclass hinge loss, as MyGrad's: for each datum the sum over the wrong
    classes ``j`` of ``maximum(0, x[j] - x[y] + hinge)``, averaged over the N data. At the
    hinge the derivative is 0, as in MyGrad.

    Parameters
    ----------
    x : Tensor or array, shape (N, C)
        Class scores.
    y_true : array of int, shape (N,)
        The true class of each datum.
    hinge : float
        The margin inside which a wrong class costs. Default 1.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ()

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import multiclass_hinge
    >>> x = xg.tensor([[2.0, 1.5, -1.0]])
    >>> loss = multiclass_hinge(x, [0])
    >>> loss.backward()
    >>> loss                # max(0, 1.5 - 2 + 1) + max(0, -1 - 2 + 1)
    Tensor(0.5)
    >>> x.grad
    array([[-1.,  1.,  0.]])
    """
    x = as_tensor_input(x)
    scores, onehot = _picked(x, _labels(x, y_true))
    F = FUNCTIONS
    m = F["add"](F["subtract"](x, F["expand_dims"](scores, axis=1)), hinge)
    wrong = F["logical_and"](m > 0, F["logical_not"](onehot))
    total = F["sum"](F["where"](wrong, m, 0.0))
    return F["divide"](total, x.shape[0], constant=constant)
