"""One array-API namespace module per backend: the shared functions, plus what depends on the
backend (dtypes, creation functions' default device, the inspection API).

The standard's dtypes are objects of the namespace (``xp.float64``), and a tensor's
``dtype`` is its backend's, so each backend gets its own module: ``xgrad.array_api`` for
NumPy, ``xgrad.array_api.array_api_strict`` and ``xgrad.array_api.cupy`` for the others,
built on first use. ``Tensor.__array_namespace__`` returns the one of the tensor's backend.
"""

from __future__ import annotations

import types
from collections import namedtuple
from typing import Any

from .. import _creation
from .. import backends as _backends
from .._tensor import Tensor
from .._transfer import to_device
from ..ops import FUNCTIONS as F
from ._common import as_tensor, data, named
from ._elementwise import FUNCTIONS_ELEMENTWISE
from ._examples import document_namespace
from ._functions import FUNCTIONS_OTHER
from ._linalg import linalg_module
from ._special import special_module

__all__ = ["API_VERSION", "fill", "standard_names"]

API_VERSION = "2024.12"

REAL_DTYPES = tuple(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64".split()
)
#: present as names (code compares against them), refused as data: xgrad differentiates real
#: floating-point data, and ``__array_namespace_info__().dtypes()`` does not list them
COMPLEX_DTYPES = ("complex64", "complex128")


FInfo = namedtuple("FInfo", "bits eps max min smallest_normal dtype")


class Info:
    """The standard's inspection API for one backend's namespace
    (``xp.__array_namespace_info__()``)."""

    def __init__(self, bk: Any) -> None:
        self._bk = bk

    def capabilities(self) -> dict[str, Any]:
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> Any:
        return _backends._select(self._bk, None, _backends.current())[1]

    def devices(self) -> list[Any]:
        return list(self._bk.devices())

    def default_dtypes(self, *, device: Any = None) -> dict[str, Any]:
        xp = self._bk.xp
        return {
            "real floating": xp.float64,
            "complex floating": None,  # complex data is not supported yet
            "integral": xp.int64,
            "indexing": xp.int64,
        }

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, Any]:
        xp = self._bk.xp
        table = {name: getattr(xp, name) for name in REAL_DTYPES}
        if kind is None:
            return table
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if any(k == "complex floating" for k in kinds):
            kinds = tuple(k for k in kinds if k != "complex floating")
        return {n: d for n, d in table.items() if kinds and xp.isdtype(d, kinds)}

    def __repr__(self) -> str:
        return f"<xgrad.array_api info for the {self._bk.name!r} backend>"


def _holds_tensors(obj: Any) -> bool:
    return any(
        isinstance(o, Tensor) or (isinstance(o, (list, tuple)) and _holds_tensors(o)) for o in obj
    )


def _stacked(obj: Any, bk: Any, device: Any) -> Tensor:
    """A nested sequence holding tensors (``[[x[i] * y[j] for j ...] for i ...]``) as one
    tensor, stacked so it stays differentiable and on its device."""
    parts = [
        _stacked(o, bk, device)
        if isinstance(o, (list, tuple))
        else (o if isinstance(o, Tensor) else Tensor(o, constant=True, backend=bk, device=device))
        for o in obj
    ]
    if not parts:
        return Tensor(bk.asarray([], device=device), constant=True)
    dt = bk.xp.result_type(*(p._data for p in parts))
    return F["stack"]([p if p.dtype == dt else F["astype"](p, dt) for p in parts])


def _creators(bk: Any) -> dict[str, Any]:
    """Creation functions whose results live on ``bk`` (on ``device=`` or the current default
    device). Data made here is constant: a gradient is taken with respect to tensors the user
    made (``xgrad.tensor``), which pass through ``asarray`` unchanged."""

    def where(device: Any) -> tuple[Any, Any]:
        return _backends._select(bk, device, _backends.current())

    def dt(dtype: Any) -> Any:
        return None if dtype is None else bk.dtype(dtype)

    def asarray(
        obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None
    ) -> Tensor:
        """``obj`` as a tensor. A tensor passes through as it is (its graph kept), cast
        (differentiably) for ``dtype``, copied for ``copy=True``, moved for ``device``;
        anything else becomes a constant tensor."""
        if isinstance(obj, Tensor):
            t = obj
            if device is not None:
                target = where(device)[1]
                if t._backend is not bk or t.device != target:
                    if copy is False:
                        raise ValueError("asarray(..., copy=False): the data is on another device")
                    t = to_device(t, target, backend=bk)
                    copy = None if copy else copy
            if dtype is not None and t.dtype != bk.dtype(dtype):
                if copy is False:
                    raise ValueError("asarray(..., copy=False): a dtype change needs a copy")
                return F["astype"](t, bk.dtype(dtype))
            if copy:
                return F["astype"](t, t.dtype, copy=True)
            return t
        if isinstance(obj, complex):
            raise TypeError("asarray: complex numbers are not supported yet")
        if isinstance(obj, (list, tuple)) and _holds_tensors(obj):
            return asarray(_stacked(obj, bk, where(device)[1]), dtype=dtype, copy=copy)
        b, dev = where(device)
        src = _backends.backend_of(obj)
        if copy is False and src is not None and src is not b:
            raise ValueError("asarray(..., copy=False): the data belongs to another library")
        return Tensor(obj, dtype=dt(dtype), constant=True, copy=copy, backend=b, device=dev)

    def arange(
        start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None
    ) -> Tensor:
        """Evenly spaced values in ``[start, stop)``."""
        b, dev = where(device)
        args = (0, start, step) if stop is None else (start, stop, step)
        return _creation.arange(*args, dtype=dt(dtype), constant=True, backend=b, device=dev)

    def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
        """An uninitialised tensor (zeros here)."""
        b, dev = where(device)
        return _creation.empty(shape, dtype=dt(dtype), constant=True, backend=b, device=dev)

    def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
        """A tensor of zeros."""
        b, dev = where(device)
        return _creation.zeros(shape, dtype=dt(dtype), constant=True, backend=b, device=dev)

    def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
        """A tensor of ones."""
        b, dev = where(device)
        return _creation.ones(shape, dtype=dt(dtype), constant=True, backend=b, device=dev)

    def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
        """A tensor filled with ``fill_value``."""
        b, dev = where(device)
        return _creation.full(
            shape, data(fill_value), dtype=dt(dtype), constant=True, backend=b, device=dev
        )

    def eye(
        n_rows: int,
        n_cols: int | None = None,
        /,
        *,
        k: int = 0,
        dtype: Any = None,
        device: Any = None,
    ) -> Tensor:
        """Ones on diagonal ``k``, zeros elsewhere."""
        b, dev = where(device)
        return _creation.eye(
            n_rows, n_cols, k=k, dtype=dt(dtype), constant=True, backend=b, device=dev
        )

    def linspace(
        start: Any,
        stop: Any,
        /,
        num: int,
        *,
        dtype: Any = None,
        device: Any = None,
        endpoint: bool = True,
    ) -> Tensor:
        """``num`` evenly spaced values from ``start`` to ``stop``."""
        b, dev = where(device)
        return _creation.linspace(
            start,
            stop,
            num,
            endpoint=endpoint,
            dtype=dt(dtype),
            constant=True,
            backend=b,
            device=dev,
        )

    def _like(name: str) -> Any:
        maker = getattr(_creation, name)

        def like(x: Tensor, /, *, dtype: Any = None, device: Any = None) -> Tensor:
            x = as_tensor(x, bk)
            if device is not None:
                b, dev = where(device)
                return maker(x, dtype=dt(dtype), constant=True, backend=b, device=dev)
            return maker(x, dtype=dt(dtype), constant=True)

        return named(like, name, f"``{name}`` with the shape, dtype and device of ``x``.")

    def full_like(
        x: Tensor, /, fill_value: Any, *, dtype: Any = None, device: Any = None
    ) -> Tensor:
        """``fill_value`` with the shape, dtype and device of ``x``."""
        x = as_tensor(x, bk)
        if device is not None:
            b, dev = where(device)
            return _creation.full_like(
                x, data(fill_value), dtype=dt(dtype), constant=True, backend=b, device=dev
            )
        return _creation.full_like(x, data(fill_value), dtype=dt(dtype), constant=True)

    def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Tensor:
        """A constant tensor over the memory of any DLPack-exporting array (an xgrad tensor
        passes through)."""
        if isinstance(x, Tensor):
            return asarray(x, device=device, copy=copy)
        arr = bk.xp.from_dlpack(x) if hasattr(bk.xp, "from_dlpack") else bk.asarray(x)
        return asarray(arr, device=device, copy=copy)

    made = {
        "asarray": asarray,
        "arange": arange,
        "empty": empty,
        "zeros": zeros,
        "ones": ones,
        "full": full,
        "eye": eye,
        "linspace": linspace,
        "full_like": full_like,
        "from_dlpack": from_dlpack,
    }
    for name in ("zeros_like", "ones_like", "empty_like"):
        made[name] = _like(name)
    for name, fn in made.items():
        named(fn, name)
    return made


def _dtype_functions(bk: Any) -> dict[str, Any]:
    xp = bk.xp

    def astype(x: Tensor, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Tensor:
        """``x`` cast to ``dtype`` (differentiable between floating dtypes)."""
        x = as_tensor(x, bk)
        if device is not None:
            x = to_device(x, device, backend=x._backend)
        return F["astype"](x, dtype, copy=copy)

    def can_cast(from_: Any, to: Any, /) -> bool:
        """Whether ``from_`` (a dtype or a tensor) casts to ``to`` by the promotion rules."""
        return xp.can_cast(from_.dtype if isinstance(from_, Tensor) else from_, to)

    def finfo(type: Any, /) -> FInfo:
        """Machine limits of a floating dtype (or of a tensor's), as Python numbers."""
        f = xp.finfo(type.dtype if isinstance(type, Tensor) else type)
        return FInfo(
            int(f.bits),
            float(f.eps),
            float(f.max),
            float(f.min),
            float(f.smallest_normal),
            f.dtype,
        )

    def iinfo(type: Any, /) -> Any:
        """Machine limits of an integer dtype (or of a tensor's)."""
        return xp.iinfo(type.dtype if isinstance(type, Tensor) else type)

    def isdtype(dtype: Any, kind: Any) -> bool:
        """Whether ``dtype`` is of ``kind`` (``"real floating"``, ``"integral"``, ...)."""
        return xp.isdtype(dtype, kind)

    def result_type(*arrays_and_dtypes: Any) -> Any:
        """The dtype the promotion rules give for these tensors, dtypes and Python
        scalars."""
        return xp.result_type(*(data(a) for a in arrays_and_dtypes))

    made = {
        "astype": astype,
        "can_cast": can_cast,
        "finfo": finfo,
        "iinfo": iinfo,
        "isdtype": isdtype,
        "result_type": result_type,
    }
    for name, fn in made.items():
        named(fn, name)
    return made


def fill(module: types.ModuleType, bk: Any) -> types.ModuleType:
    """Put the namespace for backend ``bk`` into ``module``."""
    ns: dict[str, Any] = {}
    ns.update(FUNCTIONS_ELEMENTWISE)
    ns.update(FUNCTIONS_OTHER)
    ns.update(_creators(bk))
    ns.update(_dtype_functions(bk))
    xp = bk.xp
    for name in REAL_DTYPES + COMPLEX_DTYPES:
        if hasattr(xp, name):
            ns[name] = getattr(xp, name)
    ns.update(e=xp.e, inf=xp.inf, nan=xp.nan, pi=xp.pi, newaxis=None)
    info = Info(bk)
    ns["__array_namespace_info__"] = named(
        lambda: info, "__array_namespace_info__", "The inspection API (``Info``)."
    )
    ns["__array_api_version__"] = API_VERSION
    ns["linalg"] = linalg_module()
    ns["special"] = special_module()  # not the standard's: what SciPy looks for (see there)
    ns["backend"] = bk
    for name, value in ns.items():
        setattr(module, name, value)
    module.__all__ = sorted(n for n in ns if not n.startswith("_") and n != "backend")
    document_namespace(module, FUNCTIONS_ELEMENTWISE)
    return module


def standard_names(module: types.ModuleType) -> list[str]:
    """The public names of a namespace module (what ``__all__`` lists)."""
    return list(module.__all__)
