"""xgrad: drop-in automatic differentiation for NumPy-style array code, on CPU and GPU.

>>> import numpy as np, xgrad as mg
>>> x = mg.tensor([2.0, -4.0, 1.0, 3.0])
>>> f = np.sin(x) * x ** 2          # NumPy functions dispatch to xgrad and return Tensors
>>> f.backward()
>>> x.grad                          # df/dx = x**2 cos(x) + 2x sin(x) at every point
array([  1.97260236, -16.5127179 ,   2.22324428,  -8.06321242])
"""

from __future__ import annotations

from typing import Any

from . import _engine as _engine_module
from . import (  # noqa: F401
    _interop,
    _memguard,
    _methods,
    _transfer,
    _ufuncs,
    _xp,
    array_api,
    computational_graph,
    errors,
    func,
    linalg,
    nnet,
    optim,
    random,
    testing,
    typing,
)
from ._compile import compile
from ._creation import (
    arange,
    asarray,
    astensor,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    geomspace,
    identity,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from ._engine import is_grad_enabled, no_autodiff
from ._interop_names import *  # noqa: F403  (NumPy's dtypes and constants, as MyGrad has them)
from ._interop_names import __all__ as _MYGRAD_NAMES
from ._io import load, save
from ._memguard import mem_guard_active, mem_guard_off, mem_guard_on
from ._tensor import Tensor
from ._transfer import compute, to_device, to_numpy
from .backends import (
    Backend,
    available_backends,
    get_backend,
    get_device,
    set_backend,
    use_backend,
)
from .custom import custom_jvp, custom_vjp
from .nnet.layers.utils import sliding_window_view
from .ops import FUNCTIONS as _FUNCTIONS
from .ops.ufunc import ufunc

__version__ = "0.1.0"

_engine_module.tensor_namespace = _xp.namespace

globals().update(_FUNCTIONS)

__all__ = [
    # tensors and graph control
    "Tensor",
    "ufunc",
    "tensor",
    "astensor",
    "asarray",
    "no_autodiff",
    "is_grad_enabled",
    "mem_guard_off",
    "mem_guard_on",
    "mem_guard_active",
    "to_device",
    "to_numpy",
    "compute",
    "save",
    "load",
    "custom_vjp",
    "custom_jvp",
    "compile",
    "sliding_window_view",
    # backends
    "Backend",
    "available_backends",
    "get_backend",
    "get_device",
    "set_backend",
    "use_backend",
    # creation
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "zeros",
    "ones",
    "full",
    "empty",
    "eye",
    "identity",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    # submodules
    "array_api",
    "computational_graph",
    "errors",
    "func",
    "linalg",
    "testing",
    "typing",
    "nnet",
    "optim",
    "random",
    # every op-table function (elementwise, reductions, shape, linalg, non-differentiable)
    *sorted(_FUNCTIONS),
    # NumPy's dtypes and constants, type and memory queries, copyto, MyGrad's guard switches
    *_MYGRAD_NAMES,
]


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"__version__"})


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'xgrad' has no attribute {name!r}")
