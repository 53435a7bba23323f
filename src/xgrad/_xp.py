"""xgrad as an array-API namespace over tensors: what derivative rules see as ``xp`` during
``backward(create_graph=True)``.

Rules call ``xp.cos(x)``, ``xp.where(m, g, 0.0)``, ``xp.sum(g, axis=...)``; with ``xp`` bound
here and tensors for ``g`` and the saved values, each of those calls is an ordinary recorded op,
so the backward pass is itself a graph and can be differentiated again. Non-differentiable
functions (``sign``, comparisons, ``argmax``) return plain arrays here and never raise: inside
a derivative rule their zero derivative is exactly right.
"""

from __future__ import annotations

import types
from typing import Any

from . import _creation
from ._nsbase import TensorNamespace
from ._op import OPS, apply
from ._tensor import Tensor
from .ops import FUNCTIONS, NONDIFF
from .ops.linalg import LINALG
from .ops.nondiff import call_nondiff

__all__ = ["namespace"]


def _nondiff(name: str) -> Any:
    nd = NONDIFF[name]

    def fn(*args: Any, **kwargs: Any) -> Any:
        return call_nondiff(nd, args, kwargs, check=False)

    fn.__name__ = name
    return fn


def _like(name: str) -> Any:
    maker = getattr(_creation, name)

    def fn(x: Any, *args: Any, dtype: Any = None, device: Any = None, **kw: Any) -> Tensor:
        return maker(x, *args, dtype=dtype, constant=True, **kw)

    return fn


def _create(name: str, bk: Any) -> Any:
    """``xp.zeros(...)`` and the like in ``bk``'s namespace: constant tensors on ``bk`` (the
    backend the rules run on), never on the selected backend or the first backend that takes
    the device: ``"cpu"`` names both NumPy's device and Dask's."""
    maker = getattr(_creation, name)

    def fn(*args: Any, dtype: Any = None, device: Any = None, **kw: Any) -> Tensor:
        return maker(*args, dtype=dtype, constant=True, backend=bk, device=device, **kw)

    return fn


def _asarray(x: Any, dtype: Any = None, device: Any = None, copy: Any = None) -> Any:
    if isinstance(x, Tensor):
        return x if dtype is None else x.astype(dtype)
    return x


def _var(name: str) -> Any:
    fn = FUNCTIONS[name]

    def stat(
        x: Tensor, axis: Any = None, correction: float = 0.0, keepdims: bool = False
    ) -> Tensor:
        return fn(x, axis, correction, keepdims)

    return stat


_DTYPE_NAMES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
)


def _sum_leading(x: Any, lead: int) -> Any:
    """The sum over the first ``lead`` axes, the engine's un-broadcasting of a gradient (the
    op ``sum_leading``: the backend's fast way, recorded)."""
    return apply(OPS["sum_leading"], (x,), {"lead": lead})


def _build(bk: Any) -> TensorNamespace:
    ns: dict[str, Any] = {}
    for name, fn in FUNCTIONS.items():
        ns[name] = fn
    for name in NONDIFF:
        ns[name] = _nondiff(name)
    ns.update(
        var=_var("var"),
        std=_var("std"),
        asarray=_asarray,
        zeros_like=_like("zeros_like"),
        ones_like=_like("ones_like"),
        full_like=_like("full_like"),
        empty_like=_like("empty_like"),
        arange=_create("arange", bk),
        zeros=_create("zeros", bk),
        ones=_create("ones", bk),
        full=_create("full", bk),
        eye=_create("eye", bk),
        linspace=_create("linspace", bk),
    )
    xp = bk.xp
    for name in _DTYPE_NAMES:
        if hasattr(xp, name):
            ns[name] = getattr(xp, name)
    for name in ("isdtype", "finfo", "iinfo", "e", "pi", "inf", "nan"):
        if hasattr(xp, name):
            ns[name] = getattr(xp, name)
    ns["sum_leading"] = _sum_leading
    ns["linalg"] = types.SimpleNamespace(**LINALG)
    ns["backend"] = bk
    return TensorNamespace(**ns)


_cache: dict[Any, TensorNamespace] = {}


def namespace(bk: Any) -> TensorNamespace:
    """The tensor namespace for backend ``bk`` (its dtypes are ``bk``'s)."""
    ns = _cache.get(bk)
    if ns is None:
        ns = _cache[bk] = _build(bk)
    return ns
