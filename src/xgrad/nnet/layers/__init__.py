"""``xgrad.nnet.layers``: convolution, pooling, batch normalization and the GRU, with
MyGrad's names and import paths (``xgrad.nnet.layers.conv.conv_nd``,
``xgrad.nnet.layers.pooling.max_pool``, ``xgrad.nnet.layers.batchnorm.batchnorm``,
``xgrad.nnet.layers.gru.gru``, ``xgrad.nnet.layers.utils.sliding_window_view``), plus
``avg_pool``, ``layer_norm`` (``normalization``), and ``linear`` and ``dropout`` (``basic``).

>>> import xgrad as xg
>>> from xgrad.nnet.layers import conv_nd, max_pool
>>> x = xg.ones((2, 3, 8, 8))                    # two 3-channel 8 x 8 images
>>> w = xg.ones((4, 3, 3, 3))                    # four 3 x 3 filters
>>> y = max_pool(conv_nd(x, w, stride=1, padding=1), (2, 2), 2)
>>> y.shape
(2, 4, 4, 4)
>>> y.sum().backward()
>>> w.grad.shape
(4, 3, 3, 3)
"""

from __future__ import annotations

from . import basic, conv, normalization, pooling, utils
from .basic import dropout, linear
from .batchnorm import batchnorm
from .conv import conv_nd
from .gru import gru
from .normalization import layer_norm
from .pooling import avg_pool, max_pool
from .utils import sliding_window_view

__all__ = [
    "avg_pool",
    "basic",
    "batchnorm",
    "conv",
    "conv_nd",
    "dropout",
    "gru",
    "layer_norm",
    "linear",
    "max_pool",
    "normalization",
    "pooling",
    "sliding_window_view",
    "utils",
]
