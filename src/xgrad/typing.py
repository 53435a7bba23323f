"""Type aliases for annotating code that uses xgrad (MyGrad's ``mygrad.typing`` names).

>>> from xgrad.typing import ArrayLike, Shape
>>> def scale(x: ArrayLike, shape: Shape) -> None: ...
"""

from __future__ import annotations

from collections.abc import Sequence
from types import EllipsisType
from typing import Any, Protocol, TypeAlias, Union, runtime_checkable

__all__ = ["ArrayLike", "DTypeLike", "DTypeLikeReals", "Index", "Mask", "Real", "Shape"]


@runtime_checkable
class _SupportsArrayNamespace(Protocol):
    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any: ...


#: a Python real number
Real: TypeAlias = Union[int, float]  # noqa: UP007  (a runtime alias, as MyGrad's)

#: anything xgrad turns into a tensor: tensors, arrays of any backend, numbers, nested sequences
ArrayLike: TypeAlias = Union[  # noqa: UP007
    _SupportsArrayNamespace, Real, bool, Sequence[Any]
]

#: a data type, or what names one (``"float32"``, ``float``, a backend's dtype object)
DTypeLike: TypeAlias = Any

#: a real (boolean, integer or floating) data type
DTypeLikeReals: TypeAlias = Any

#: a shape: a sequence of non-negative ints
Shape: TypeAlias = Sequence[int]

#: a NumPy-style index (basic, integer-array or boolean)
Index: TypeAlias = Union[  # noqa: UP007
    int, slice, EllipsisType, _SupportsArrayNamespace, Sequence[Any], tuple[Any, ...], None
]

#: a boolean mask (``where=``)
Mask: TypeAlias = Union[bool, _SupportsArrayNamespace, Sequence[Any]]  # noqa: UP007
