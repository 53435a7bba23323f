"""``xgrad.nnet.initializers``: MyGrad's weight initializers, with its signatures and numbers.

Every random initializer draws from NumPy's global random state exactly as MyGrad's does
(``numpy.random.uniform`` / ``numpy.random.normal`` in float64, then cast on the host), so
after ``numpy.random.seed(s)`` (or ``xgrad.random.seed(s)``) it gives MyGrad's numbers. The
result is a tensor on the current default backend and device (the host sample is copied
there). The one deliberate difference is :func:`he_uniform`'s bound, which follows the formula
MyGrad documents instead of the one its code computes (see there).

``shape`` is given as separate ints (``glorot_uniform(3, 4)``) or as one tuple
(``glorot_uniform((3, 4))``), as in MyGrad. The fans of a weight of shape
``(out, in, k1, ..., kn)`` are ``fan_in = in * k1 * ... * kn`` and
``fan_out = out * k1 * ... * kn``.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

from .. import backends as _backends
from .. import random as _random
from .._creation import full, identity
from .._interop_names import float32
from .._tensor import Tensor, check_constant, make_tensor
from ..backends._dtypes import dtype_is

__all__ = [
    "constant",
    "dirac",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "normal",
    "uniform",
]


def _shape(shape: tuple, where: str, min_dims: int = 0) -> tuple[int, ...]:
    """MyGrad's ``*shape``: separate ints, or one int or tuple; as a tuple of ints."""
    if len(shape) == 1:
        shape = shape[0]
    try:
        dims = (operator.index(shape),)
    except TypeError:
        try:
            dims = tuple(operator.index(n) for n in shape)
        except TypeError:
            raise TypeError(
                f"{where}: the shape is given as ints or one tuple of ints, got {shape!r}"
            ) from None
    if len(dims) < min_dims:
        raise ValueError(
            f"{where} initialization requires at least two dimensions, got the shape {dims}"
        )
    if any(n < 0 for n in dims):
        raise ValueError(f"{where}: negative dimensions are not allowed, got the shape {dims}")
    return dims


def _real(value: Any, name: str, where: str) -> float:
    """A real number as a float; a 0-d tensor or array gives its value (MyGrad calls
    ``.item()``)."""
    if isinstance(value, Tensor) or (getattr(value, "ndim", None) == 0 and hasattr(value, "item")):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {value!r}")
    return float(value)


def _float_dtype(dtype: Any, where: str) -> Any:
    """The default backend's dtype for ``dtype``, which must be a floating-point one."""
    bk = _backends.get_backend()
    dt = bk.dtype(dtype)
    if not dtype_is(bk.xp, dt, "real floating"):
        raise ValueError(f"{where} initialization requires a floating-point dtype, got {dtype!r}")
    return dt


def _fans(dims: tuple[int, ...]) -> tuple[int, int]:
    receptive = math.prod(dims[2:])
    return dims[1] * receptive, dims[0] * receptive


def _draw(method: str, a: float, b: float, dims: tuple, dtype: Any, constant: Any) -> Tensor:
    if 0 in dims:  # nothing to draw (MyGrad divides by a zero fan for some of these)
        return full(dims, 0.0, dtype=dtype, constant=constant)
    return _random._global_draw(method, a, b, dims, dtype=dtype, constant=constant)


def uniform(
    *shape: int,
    lower_bound: float = 0,
    upper_bound: float = 1,
    dtype: Any = float32,
    constant: bool | None = None,
) -> Tensor:
    """A tensor of samples of the uniform distribution over ``[lower_bound, upper_bound)``.

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape.
    lower_bound : float, optional
        The lower end of the interval (included).
    upper_bound : float, optional
        The upper end (excluded); greater than ``lower_bound``.
    dtype : floating-point dtype, optional
        float32 by default.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.initializers import uniform
    >>> xg.random.seed(0)
    >>> uniform(2, 3)
    Tensor([[0.5488135 , 0.71518934, 0.60276335],
            [0.5448832 , 0.4236548 , 0.6458941 ]], dtype=float32)
    >>> uniform(2, 2, lower_bound=-1, upper_bound=3, dtype="float64")
    Tensor([[0.75034885, 2.567092  ],
            [2.85465104, 0.53376608]])
    """
    where = "Uniform"
    lower = _real(lower_bound, "lower_bound", where)
    upper = _real(upper_bound, "upper_bound", where)
    if lower >= upper:
        raise ValueError(
            "Uniform lower bound cannot be greater than upper bound (they must satisfy "
            f"lower_bound < upper_bound), got lower_bound={lower}, upper_bound={upper}"
        )
    dt = _float_dtype(dtype, where)
    dims = _shape(shape, where)
    return _draw("uniform", lower, upper, dims, dt, constant)


def normal(
    *shape: int,
    mean: float = 0,
    std: float = 1,
    dtype: Any = float32,
    constant: bool | None = None,
) -> Tensor:
    """A tensor of samples of the normal distribution of mean ``mean`` and standard
    deviation ``std``.

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape.
    mean : float, optional
        The mean.
    std : float, optional
        The standard deviation, non-negative.
    dtype : floating-point dtype, optional
        float32 by default.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.initializers import normal
    >>> xg.random.seed(0)
    >>> normal(1, 2, 3)
    Tensor([[[ 1.7640524,  0.4001572,  0.978738 ],
             [ 2.2408931,  1.867558 , -0.9772779]]], dtype=float32)
    >>> normal(3, mean=10, std=0.1, dtype="float64")
    Tensor([10.09500884,  9.98486428,  9.98967811])
    """
    where = "Normal"
    dt = _float_dtype(dtype, where)
    mu = _real(mean, "mean", where)
    sigma = _real(std, "std", where)
    if not sigma >= 0:
        raise ValueError(f"Standard deviation must be non-negative, got std={sigma}")
    dims = _shape(shape, where)
    return _draw("normal", mu, sigma, dims, dt, constant)


def _gain(gain: Any, where: str, positive: bool) -> float:
    value = _real(gain, "gain", where)
    if positive and not value > 0:
        raise ValueError(f"{where} initialization requires gain > 0, got gain={value}")
    if not value >= 0:
        raise ValueError(f"{where} initialization requires gain >= 0, got gain={value}")
    return value


def glorot_uniform(
    *shape: int, gain: float = 1, dtype: Any = float32, constant: bool | None = None
) -> Tensor:
    r"""Glorot and Bengio's uniform initialization: samples of
    :math:`U[-b, b)`, :math:`b = \text{gain} \sqrt{6 / (\text{fan\_in} + \text{fan\_out})}`.

    From "Understanding the Difficulty of Training Deep Feedforward Neural Networks"
    (http://proceedings.mlr.press/v9/glorot10a/glorot10a.pdf).

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape, at least two-dimensional: ``(out, in, k1, ..., kn)``.
    gain : float, optional
        The scaling factor, positive.
    dtype : floating-point dtype, optional
        float32 by default.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.initializers import glorot_uniform
    >>> xg.random.seed(0)
    >>> glorot_uniform(2, 3)
    Tensor([[ 0.10694503,  0.4714563 ,  0.22514328],
            [ 0.09833413, -0.16726395,  0.31963798]], dtype=float32)
    >>> glorot_uniform(4, 2, 3, 3).shape
    (4, 2, 3, 3)
    """
    where = "Glorot Uniform"
    dims = _shape(shape, where, min_dims=2)
    fan_in, fan_out = _fans(dims)
    scale = _gain(gain, where, positive=True)
    bound = scale * math.sqrt(6 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    dt = _float_dtype(dtype, where)
    return _draw("uniform", -bound, bound, dims, dt, constant)


def glorot_normal(
    *shape: int, gain: float = 1, dtype: Any = float32, constant: bool | None = None
) -> Tensor:
    r"""Glorot and Bengio's normal initialization: samples of :math:`N(0, \sigma^2)`,
    :math:`\sigma = \text{gain} \sqrt{2 / (\text{fan\_in} + \text{fan\_out})}`.

    As in MyGrad, the fans of a weight of more than two dimensions count the last axis only
    (``fan_in = in * kn``), not every trailing one as :func:`glorot_uniform`'s do; the two
    agree for 2-d and 3-d shapes.

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape, at least two-dimensional: ``(out, in, k1, ..., kn)``.
    gain : float, optional
        The scaling factor, non-negative.
    dtype : floating-point dtype, optional
        float32 by default.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.initializers import glorot_normal
    >>> xg.random.seed(0)
    >>> glorot_normal(2, 3)
    Tensor([[ 1.1156846 ,  0.25308165,  0.61900824],
            [ 1.4172653 ,  1.1811473 , -0.6180848 ]], dtype=float32)
    """
    where = "Glorot Normal"
    dt = _float_dtype(dtype, where)
    dims = _shape(shape, where, min_dims=2)
    last = dims[-1] if len(dims) > 2 else 1  # MyGrad's fans (see above)
    fans = (dims[0] + dims[1]) * last
    std = _gain(gain, where, positive=False) * math.sqrt(2 / fans) if fans else 0.0
    return _draw("normal", 0.0, std, dims, dt, constant)


def he_uniform(
    *shape: int, gain: float = 1, dtype: Any = float32, constant: bool | None = None
) -> Tensor:
    r"""He et al.'s uniform initialization: samples of :math:`U[-b, b)`,
    :math:`b = \text{gain} \sqrt{3 / \text{fan\_in}}` (with
    :math:`\text{gain} = \sqrt{2 / (1 + a^2)}` for a rectifier of negative slope :math:`a`,
    :math:`b = \sqrt{6 / ((1 + a^2)\,\text{fan\_in})}`; the samples then have
    :func:`he_normal`'s variance).

    From "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet
    Classification" (https://arxiv.org/abs/1502.01852). Prefer it (or :func:`he_normal`) to
    the Glorot initializers before rectifiers (ReLU, leaky ReLU) in deep networks.

    **Differs from MyGrad**, whose code computes
    :math:`b = \text{gain} / \sqrt{3 \cdot k / \text{in}}` (:math:`k` the product of the
    kernel sizes), a bound that grows with the number of inputs, against the formula its own
    documentation gives, which this follows. The samples are drawn from NumPy's global state
    as MyGrad draws them, so for the same seed they are MyGrad's scaled by the ratio of the
    bounds.

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape, at least two-dimensional: ``(out, in, k1, ..., kn)``.
    gain : float, optional
        The scaling factor, positive.
    dtype : floating-point dtype, optional
        float32 by default.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.initializers import he_uniform
    >>> xg.random.seed(0)
    >>> w = he_uniform(256, 100)
    >>> bool(abs(w).max() <= (3 / 100) ** 0.5)
    True
    >>> xg.random.seed(0)
    >>> he_uniform(2, 3)         # in = 3: MyGrad's bound and this one are both 1
    Tensor([[ 0.09762701,  0.43037874,  0.20552675],
            [ 0.08976637, -0.1526904 ,  0.29178822]], dtype=float32)
    """
    where = "He Uniform"
    dims = _shape(shape, where, min_dims=2)
    fan_in, _ = _fans(dims)
    scale = _gain(gain, where, positive=True)
    bound = scale * math.sqrt(3 / fan_in) if fan_in else 0.0
    dt = _float_dtype(dtype, where)
    return _draw("uniform", -bound, bound, dims, dt, constant)


def he_normal(
    *shape: int, gain: float = 1, dtype: Any = float32, constant: bool | None = None
) -> Tensor:
    r"""He et al.'s normal initialization: samples of :math:`N(0, \sigma^2)`,
    :math:`\sigma = \text{gain} / \sqrt{\text{fan\_in}}` (with
    :math:`\text{gain} = \sqrt{2 / (1 + a^2)}` for a rectifier of negative slope :math:`a`).

    From "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet
    Classification" (https://arxiv.org/abs/1502.01852).

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape, at least two-dimensional: ``(out, in, k1, ..., kn)``.
    gain : float, optional
        The scaling factor, non-negative.
    dtype : floating-point dtype, optional
        float32 by default.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.initializers import he_normal
    >>> xg.random.seed(0)
    >>> he_normal(2, 3)
    Tensor([[ 1.0184761 ,  0.23103087,  0.5650746 ],
            [ 1.2937803 ,  1.0782351 , -0.56423163]], dtype=float32)
    >>> he_normal(4, 2, gain=5 / 3, dtype="float64", constant=True).constant
    True
    """
    where = "He Normal"
    dims = _shape(shape, where, min_dims=2)
    fan_in, _ = _fans(dims)
    std = _gain(gain, where, positive=False) / math.sqrt(fan_in) if fan_in else 0.0
    dt = _float_dtype(dtype, where)
    return _draw("normal", 0.0, std, dims, dt, constant)


def dirac(*shape: int, dtype: Any = float32, constant: bool | None = None) -> Tensor:
    """Zagoruyko and Komodakis's Dirac initialization: ``w[i, i, k1 // 2, ..., kn // 2] = 1``
    for ``i < min(out, in)``, 0 elsewhere, so that a convolution with ``w`` keeps as many of
    its input's channels as it can (a matrix: the identity's first ``min(out, in)`` rows).

    From "DiracNets: Training Very Deep Neural Networks without Skip Connections"
    (https://arxiv.org/abs/1706.00388). Nothing random: the tensor is built on the device.

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape, at least two-dimensional: ``(out, in, k1, ..., kn)``.
    dtype : dtype, optional
        float32 by default (an integer dtype gives a constant tensor).
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False`` for
        floating-point dtypes.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> from xgrad.nnet.initializers import dirac
    >>> dirac(2, 3)
    Tensor([[1., 0., 0.],
            [0., 1., 0.]], dtype=float32)
    >>> dirac(2, 2, 3)[:, :, 1]
    Tensor([[1., 0.],
            [0., 1.]], dtype=float32)
    """
    where = "Dirac"
    dims = _shape(shape, where, min_dims=2)
    bk, dev = _backends.resolve(None, None)
    xp = bk.xp
    dt = bk.dtype(dtype)
    receptive = math.prod(dims[2:])
    centre = 0  # the flat index of (k1 // 2, ..., kn // 2) within a kernel
    for k in dims[2:]:
        centre = centre * k + k // 2
    rows = xp.reshape(bk.create("arange", dims[0], device=dev), (dims[0], 1, 1))
    cols = xp.reshape(bk.create("arange", dims[1], device=dev), (1, dims[1], 1))
    taps = xp.reshape(bk.create("arange", receptive, device=dev), (1, 1, receptive))
    hot = (rows == cols) & (taps == centre)
    data = xp.reshape(xp.astype(hot, dt), dims)
    return make_tensor(data, bk, None, check_constant(constant, data, bk))


def constant(
    *shape: int, value: Any = 0.0, dtype: Any = None, constant: bool | None = None
) -> Tensor:
    """A tensor of shape ``shape`` filled with ``value`` (``xgrad.full``).

    Parameters
    ----------
    *shape : int or tuple of ints
        The output shape.
    value : float, optional
        The fill value.
    dtype : dtype, optional
        The dtype; ``None`` takes ``value``'s (an int gives int64, a float float64).
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False`` for
        floating-point data; integer data is always constant.

    Returns
    -------
    Tensor
        Of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> from xgrad.nnet.initializers import constant
    >>> constant(2, 3, value=1)
    Tensor([[1, 1, 1],
            [1, 1, 1]])
    >>> constant((2, 2), value=7.1)
    Tensor([[7.1, 7.1],
            [7.1, 7.1]])
    >>> constant(4)
    Tensor([0., 0., 0., 0.])
    """
    dims = _shape(shape, "constant")
    return full(dims, value, dtype=dtype, constant=constant)
