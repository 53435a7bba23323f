"""``linear`` and ``dropout``, as ``torch.nn.functional``'s (MyGrad has neither; its users
wrote them by hand)."""

from __future__ import annotations

from numbers import Real
from typing import Any

from ... import backends as _backends
from ... import random as _random
from ..._tensor import Tensor
from ...backends._dtypes import dtype_is
from ...ops import FUNCTIONS
from ...ops._public import as_tensor_input

__all__ = ["dropout", "linear"]


def _backend_device(x: Any) -> tuple[Any, Any]:
    if isinstance(x, Tensor):
        return x._backend, x._backend.device_of(x._data)
    bk = _backends.backend_of(x)
    return bk, bk.device_of(x)


def linear(x: Any, weight: Any, bias: Any = None, *, constant: bool | None = None) -> Tensor:
    """A dense (fully connected) layer: ``x @ weight.T + bias``, with PyTorch's layout of the
    weight (``torch.nn.functional.linear``): one row per output feature.

    Parameters
    ----------
    x : Tensor or array, shape ``(..., in_features)``
        The data; any leading axes (a batch, a sequence) are kept.
    weight : Tensor or array, shape ``(out_features, in_features)``
        The weights.
    bias : Tensor or array, shape ``(out_features,)``, optional
        The biases; None: none.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ``(..., out_features)``

    Raises
    ------
    ValueError
        ``weight`` is not 2-d, ``x`` is 0-d or its last axis is not ``in_features`` long, or
        ``bias`` is not of shape ``(out_features,)``.

    Notes
    -----
    ``matmul`` with the transposed weight, then ``add``: the gradients are those of matrix
    products (``x.grad = g @ weight``, ``weight.grad = g.T @ x`` summed over the leading
    axes, ``bias.grad = g`` summed), and derivatives of any order come with them. A weight
    stored as ``(in, out)``, MyGrad's habit, is ``linear(x, w.T)`` (or ``x @ w``).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet import linear
    >>> x = xg.tensor([[1.0, 2.0, 3.0],
    ...                [0.0, 1.0, 0.0]])             # 2 data, 3 features
    >>> w = xg.tensor([[1.0, 0.0, 0.0],
    ...                [1.0, 1.0, 1.0]])             # 2 outputs
    >>> b = xg.tensor([0.5, -1.0])
    >>> y = linear(x, w, b)
    >>> y
    Tensor([[1.5, 5. ],
            [0.5, 0. ]])
    >>> y.sum().backward()
    >>> w.grad, b.grad
    (array([[1., 3., 3.],
           [1., 3., 3.]]), array([2., 2.]))
    >>> linear(xg.ones((4, 7, 3)), w).shape      # leading axes are kept
    (4, 7, 2)
    """
    x, weight = as_tensor_input(x), as_tensor_input(weight)
    ws, xs = tuple(weight.shape), tuple(x.shape)
    if len(ws) != 2:
        raise ValueError(
            f"linear: `weight` must have shape (out_features, in_features), got shape {ws}"
        )
    if len(xs) == 0 or xs[-1] != ws[1]:
        raise ValueError(
            f"linear: `x` must have shape (..., in_features) = (..., {ws[1]}) for a weight of "
            f"shape {ws} (out_features, in_features); got shape {xs}"
        )
    F = FUNCTIONS
    if bias is None:
        return F["matmul"](x, F["matrix_transpose"](weight), constant=constant)
    bias = as_tensor_input(bias)
    if tuple(bias.shape) != (ws[0],):
        raise ValueError(
            f"linear: `bias` must have shape (out_features,) = ({ws[0]},), got shape "
            f"{tuple(bias.shape)}"
        )
    return F["add"](F["matmul"](x, F["matrix_transpose"](weight)), bias, constant=constant)


def dropout(
    x: Any,
    p: float = 0.5,
    *,
    training: bool = True,
    rng: Any = None,
    constant: bool | None = None,
) -> Tensor:
    """Inverted dropout (``torch.nn.functional.dropout``): in training, each element of ``x``
    is zeroed with probability ``p`` and the kept ones are scaled by ``1 / (1 - p)``, so that
    the expected value of each element is unchanged; out of training it is the identity.

    Parameters
    ----------
    x : Tensor or array of floats
        The data.
    p : float, optional
        The probability of zeroing an element, in ``[0, 1]`` (0.5 by default). ``p = 0``
        keeps everything and ``p = 1`` zeroes everything (its gradient is 0, even where
        ``x`` is infinite or NaN); neither draws a mask.
    training : bool, optional
        (keyword-only) False: return ``x`` unchanged (a new tensor with ``x``'s gradient).
    rng : xgrad.random.Generator, optional
        (keyword-only) The generator of the mask, on ``x``'s backend and device (it draws
        there: on CuPy, on the GPU). None: NumPy's global random state
        (:func:`xgrad.random.seed`), drawn on the host and copied to ``x``'s device.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        The shape and dtype of ``x``.

    Raises
    ------
    ValueError
        ``p`` out of ``[0, 1]``, or an ``rng`` on another backend or device than ``x``.
    TypeError
        ``p`` not a real number, ``x`` not floating-point, or ``rng`` not an
        :class:`xgrad.random.Generator`.

    Notes
    -----
    An element is kept where a uniform draw ``u`` in ``[0, 1)`` is at least ``p`` (one draw
    per element, of ``x``'s dtype for float32, float64 otherwise). The gradient is the same
    mask scaled by ``1 / (1 - p)``: a fresh mask per call, so call it once per forward pass.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet import dropout
    >>> x = xg.ones(8)
    >>> rng = xg.random.default_rng(0)
    >>> y = dropout(x, 0.5, rng=rng)
    >>> y                                         # kept: scaled by 1 / (1 - 0.5)
    Tensor([2., 0., 0., 0., 2., 2., 2., 2.])
    >>> y.sum().backward()
    >>> x.grad
    array([2., 0., 0., 0., 2., 2., 2., 2.])
    >>> dropout(x, 0.5, training=False)           # evaluation: the identity
    Tensor([1., 1., 1., 1., 1., 1., 1., 1.])

    From NumPy's global state, reproducibly:

    >>> xg.random.seed(1)
    >>> dropout(xg.ones((2, 4)), 0.25)
    Tensor([[1.33333333, 1.33333333, 0.        , 1.33333333],
            [0.        , 0.        , 0.        , 1.33333333]])
    """
    x = as_tensor_input(x)
    bk, dev = _backend_device(x)
    if not dtype_is(bk.xp, x.dtype, "real floating"):
        raise TypeError(f"dropout: `x` must be floating-point, got dtype {x.dtype}")
    if isinstance(p, bool) or not isinstance(p, Real):
        raise TypeError(f"dropout: `p` must be a real number in [0, 1], got {p!r}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: the probability `p` must be in [0, 1], got {p!r}")
    if rng is not None:
        if not isinstance(rng, _random.Generator):
            raise TypeError(
                "dropout: `rng` must be an xgrad.random.Generator "
                f"(xgrad.random.default_rng(seed, backend=..., device=...)), got {rng!r}"
            )
        if rng.backend is not bk or (bk.multi_device and rng.device != dev):
            where = f"{bk.name} on {bk.device_str(dev)!r}"
            mine = f"{rng.backend.name} on {rng.backend.device_str(rng.device)!r}"
            raise ValueError(
                f"dropout: `rng` draws on {mine}, but x is on {where}: make it there, "
                f"xgrad.random.default_rng(seed, backend={bk.name!r}, "
                f"device={bk.device_str(dev)!r})"
            )
    F = FUNCTIONS
    if not training or p == 0:
        return F["positive"](x, constant=constant)
    shape = tuple(x.shape)
    if p == 1:
        keep = bk.xp.zeros(shape, dtype=bk.dtype("bool"), device=dev)
        return F["where"](keep, x, 0.0, constant=constant)
    if rng is None:
        u = _random._global_sample("random_sample", shape, backend=bk, device=dev)
    else:
        f32 = bk.dtype("float32")
        u = rng.random(shape, "float32" if x.dtype == f32 else "float64", constant=True)._data
    keep = u >= p
    return F["multiply"](F["where"](keep, x, 0.0), 1.0 / (1.0 - p), constant=constant)
