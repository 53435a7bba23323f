"""``conv_nd`` (MyGrad's ``mygrad.nnet.layers.conv.conv_nd``)."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from ...ops import OPS
from ...ops._public import as_tensor_input, run
from .utils import check_tiles, per_axis

__all__ = ["conv_nd"]


def conv_nd(
    x: Any,
    filter_bank: Any,
    *,
    stride: Any,
    padding: Any = 0,
    dilation: Any = 1,
    constant: bool | None = None,
) -> Tensor:
    """Slide the filters ``filter_bank`` over the data ``x``: a neural network's N-d
    convolution (a cross-correlation: the filters are not flipped), MyGrad's ``conv_nd``.

    ``(N, C, X0, ...) ⋆ (F, C, W0, ...) -> (N, F, G0, ...)``: each of the ``F`` filters, of
    shape ``(C, W0, ...)``, is placed at every valid position of each of the ``N`` data
    (zero-padded by ``padding``), and the result is the sum of the products there. Any number
    of convolved axes (at least one) works: ``x.ndim - 2`` of them.

    Parameters
    ----------
    x : Tensor or array, shape ``(N, C, X0, ...)``
        The data: ``N`` items of ``C`` channels each.
    filter_bank : Tensor or array, shape ``(F, C, W0, ...)``
        ``F`` filters with the same number of channels.
    stride : int or tuple of int
        (keyword-only) The step between filter placements along each convolved axis; one
        integer serves for all of them.
    padding : int or tuple of int, optional
        (keyword-only) The zeros added at both ends of each convolved axis (0 by default).
    dilation : int or tuple of int, optional
        (keyword-only) The spacing of a filter's elements on the data: along a 1-d axis,
        placement ``i`` multiplies the filter with ``x[..., i*s : i*s + (W-1)*d + 1 : d]``
        (1 by default: adjacent elements).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ``(N, F, G0, ...)``
        ``G = (X + 2 * padding - (W - 1) * dilation - 1) / stride + 1`` placements along each
        convolved axis.

    Raises
    ------
    ValueError
        ``x`` has fewer than three axes, ``x`` and ``filter_bank`` differ in their number of
        axes or of channels, or the filters do not tile the padded data exactly (every ``G``
        must be a positive integer), with MyGrad's messages; a stride, padding or dilation
        out of range (MyGrad asserts).
    TypeError
        A stride, padding or dilation that is not an integer (or one per convolved axis).

    Notes
    -----
    Derivatives: for ``x``, the transposed convolution (the filters' products scattered back
    where they were read); for ``filter_bank``, the correlation of the data with the output's
    gradient. Both are written with the array API, so they run on every backend and can be
    differentiated again (``backward(create_graph=True)``), and forward mode (``jvp``) works.
    On NumPy the windows are a strided view of the padded data, so the forward pass is one
    BLAS product per batch (im2col), with no Python loop over placements.

    Examples
    --------
    A length-5 box filter over a square wave (one datum with one channel, one filter):

    >>> import xgrad as xg
    >>> from xgrad.nnet import conv_nd
    >>> x = xg.zeros((1, 1, 16))
    >>> x[..., 5:11] = 1
    >>> k = xg.ones((1, 1, 5))
    >>> y = conv_nd(x, k, stride=1)
    >>> y
    Tensor([[[0., 1., 2., 3., 4., 5., 5., 4., 3., 2., 1., 0.]]])
    >>> y.sum().backward()
    >>> x.grad
    array([[[1., 2., 3., 4., 5., 5., 5., 5., 5., 5., 5., 5., 4., 3., 2., 1.]]])
    >>> k.grad
    array([[[6., 6., 6., 6., 6.]]])

    Ten 32 x 32 RGB images and five 3-channel 2 x 2 filters, placed every two pixels; then a
    3-d convolution with padding and dilation:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = xg.tensor(rng.random((10, 3, 32, 32)))
    >>> k = xg.tensor(rng.random((5, 3, 2, 2)))
    >>> conv_nd(x, k, stride=2).shape
    (10, 5, 16, 16)
    >>> x = xg.tensor(rng.random((1, 1, 10, 12, 10)))
    >>> k = xg.tensor(rng.random((2, 1, 3, 1, 2)))
    >>> conv_nd(x, k, stride=1, padding=(1, 0, 0), dilation=(2, 1, 1)).shape
    (1, 2, 8, 12, 9)
    """
    x = as_tensor_input(x)
    filter_bank = as_tensor_input(filter_bank)
    ndim, wdim = len(x.shape), len(filter_bank.shape)
    if ndim < 3:
        raise ValueError(f"`x` must possess at least three dimensions, got {ndim} dimensions")
    if ndim != wdim:
        raise ValueError(
            f"`x` ({ndim}-dimensions) must have the same dimensionality as "
            f"`filter_bank` ({wdim}-dimensions)"
        )
    if filter_bank.shape[1] != x.shape[1]:
        raise ValueError(
            f"`x.shape[1]` ({x.shape[1]}) must match `filter_bank.shape[1]` "
            f"({filter_bank.shape[1]}): the data and the filters need the same number of "
            "channels"
        )
    n = ndim - 2
    kernel = tuple(filter_bank.shape[2:])
    if min(kernel) < 1:
        raise ValueError(f"the filters must span at least one element per axis, got {kernel}")
    params = {
        "stride": per_axis(stride, n, "stride", 1),
        "padding": per_axis(padding, n, "padding", 0),
        "dilation": per_axis(dilation, n, "dilation", 1),
    }
    check_tiles(
        "Kernel",
        tuple(x.shape[2:]),
        params["stride"],
        kernel,
        padding=params["padding"],
        dilation=params["dilation"],
    )
    return run(OPS["conv_nd"], (x, filter_bank), params, constant)
