"""MyGrad's ufunc objects: every elementwise function of the op table is an instance of
:class:`ufunc`, with NumPy's attributes (``nin``, ``nout``, ``nargs``, ``ntypes``, ``types``,
``identity``, ``signature``) and methods that differentiate: ``reduce``, ``accumulate``,
``outer``, and ``reduceat`` and ``at`` (which the interop layer installs, since they read
host indices). MyGrad raises ``NotImplementedError`` for all five.

A ufunc is called exactly as the function it wraps: each one is an instance of its own
subclass whose ``__call__`` *is* that function, so a call costs what the plain function did.
``isinstance(xg.sin, xg.ufunc)`` holds, and so does ``issubclass(xg.sin, xg.ufunc)`` (MyGrad's
ufuncs are classes, and its users test them that way).

``identity`` and ``types`` are NumPy's facts about the ufunc of the same name; the interop
layer sets them at import (this layer does not name NumPy).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from .._creation import full
from .._inplace import assign
from .._op import Op
from .._registry import FUNCTIONS
from .._tensor import Tensor
from ._public import as_tensor_input, ndim_of, norm_axes, norm_axis

__all__ = ["ufunc", "make_ufunc"]


class _NoValue:
    """The default of ``initial`` (NumPy's ``np._NoValue``: no initial value given)."""

    def __repr__(self) -> str:
        return "<no value>"


_NOVALUE = _NoValue()

#: binary ufuncs whose reduction does not depend on the order of the elements (NumPy reduces
#: these over several axes at once; the others over one axis at most)
REORDERABLE = frozenset(
    {
        "add",
        "multiply",
        "maximum",
        "minimum",
        "logaddexp",
        "logaddexp2",
        "hypot",
        "logical_and",
        "logical_or",
        "logical_xor",
        "bitwise_and",
        "bitwise_or",
        "bitwise_xor",
        "fmax",
        "fmin",
    }
)

#: reductions and accumulations with a reduction op of their own (one node, not a fold)
_REDUCE_AS = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min"}
_ACCUMULATE_AS = {"add": "cumsum", "multiply": "cumprod"}


class _UfuncType(type):
    def __subclasscheck__(cls, sub: Any) -> bool:
        # issubclass(xg.sin, xg.ufunc): True, as for MyGrad's ufuncs (classes there)
        return isinstance(sub, cls) or (isinstance(sub, type) and type.__subclasscheck__(cls, sub))


class ufunc(metaclass=_UfuncType):
    """The type of xgrad's elementwise functions (MyGrad's ``mygrad.ufunc``).

    Attributes
    ----------
    nin, nout, nargs : int
        The number of inputs, of outputs (1) and of both.
    identity : number or None
        The value an empty reduction gives (0 for ``add``), as NumPy's ufunc of that name.
    ntypes, types : int, list of str
        NumPy's real type signatures of the ufunc of that name (``"dd->d"``).
    signature : None
        The core signature (``None``: these are elementwise, not generalized, ufuncs).

    Examples
    --------
    >>> import xgrad as xg
    >>> isinstance(xg.add, xg.ufunc), xg.add.nin, xg.add.identity
    (True, 2, 0)
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> y = xg.multiply.reduce(x, axis=1)        # differentiable, unlike MyGrad's
    >>> y.sum().backward()
    >>> y, x.grad
    (Tensor([ 2., 12.]), array([[2., 1.],
           [4., 3.]]))
    """

    nin: int
    nout: int = 1
    nargs: int
    signature: Any = None

    def __init__(self, fn: Callable[..., Any], op: Op) -> None:
        self.__name__ = self.__qualname__ = op.name
        self.__doc__ = fn.__doc__
        self.__signature__ = inspect.signature(fn)
        self._xgrad_op = op
        self.nin = op.nin
        self.nargs = op.nin + 1
        self.identity: Any = None
        self.types: list[str] = []

    @property
    def ntypes(self) -> int:
        return len(self.types)

    def __repr__(self) -> str:
        return f"<xgrad.ufunc {self.__name__!r}>"

    def __reduce__(self) -> str:
        return self.__name__  # pickled by name: xgrad.<name>

    # -- reductions ------------------------------------------------------------------------
    def _binary(self, method: str) -> None:
        if self.nin != 2:
            raise ValueError(f"{method} only supported for binary functions")

    def reduce(
        self,
        a: Any,
        axis: Any = 0,
        dtype: Any = None,
        out: Any = None,
        keepdims: bool = False,
        initial: Any = _NOVALUE,
        where: Any = True,
    ) -> Tensor:
        """Reduce ``a`` along ``axis`` by applying the ufunc repeatedly, as NumPy's
        ``ufunc.reduce``, and differentiably: ``add``, ``multiply``, ``maximum`` and
        ``minimum`` are the reductions ``sum``, ``prod``, ``max`` and ``min`` (ties split
        evenly); the other ufuncs fold (``subtract.reduce(x) = x[0] - x[1] - ...``).

        Parameters
        ----------
        a : Tensor or array_like
        axis : int, tuple of ints or None
            Several axes (or ``None``, all) only for ufuncs whose reduction does not depend on
            the order (``add``, ``maximum``, ``logaddexp``, ...), as in NumPy.
        dtype : data-type, optional
            Cast ``a`` first.
        out : Tensor, optional
            Written in place (a graph node).
        keepdims : bool
            Keep the reduced axes with length 1.
        initial : number, optional
            The first value of the reduction (needed for an empty axis without an identity).
        where : array of bool, optional
            Reduce only the elements where true (needs ``initial`` when the ufunc has no
            identity).

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([5.0, 2.0, 1.0])
        >>> y = xg.subtract.reduce(x)         # 5 - 2 - 1
        >>> y.backward()
        >>> y, x.grad
        (Tensor(2.), array([ 1., -1., -1.]))
        """
        self._binary("reduce")
        x = as_tensor_input(a)
        if dtype is not None:
            x = FUNCTIONS["astype"](x, dtype)
        nd = ndim_of(x)
        axes = tuple(range(nd)) if axis is None else norm_axes(axis, nd)
        if len(axes) > 1 and self.__name__ not in REORDERABLE:
            raise ValueError(
                f"reduction operation '{self.__name__}' is not reorderable, so at most one "
                "axis may be specified"
            )
        has_initial = initial is not _NOVALUE
        if where is not True:
            where = as_tensor_input(where)
        if where is not True and not has_initial and self.identity is None:
            raise ValueError(
                f"reduction operation '{self.__name__}' does not have an identity, so to use "
                "a where mask one has to specify 'initial'"
            )
        n = math.prod(x.shape[i] for i in axes)
        if n == 0 and not has_initial and self.identity is None:
            raise ValueError(
                f"zero-size array to reduction operation {self.__name__} which has no identity"
            )
        fast = _REDUCE_AS.get(self.__name__)
        if fast is not None and (n or fast in ("sum", "prod")):
            if where is not True:
                # the identity where masked (for max/min, which have none: initial, idempotent)
                fill = self.identity if self.identity is not None else initial
                x = FUNCTIONS["where"](where, x, fill)
            result = FUNCTIONS[fast](x, axis=axes, keepdims=keepdims)
            if has_initial:
                result = self(result, initial)
        else:
            result = self._fold(x, axes, keepdims, initial if has_initial else None, where)
        if out is not None:
            return _write(out, result, f"{self.__name__}.reduce")
        return result

    def _fold(self, x: Any, axes: tuple, keepdims: bool, initial: Any, where: Any) -> Tensor:
        F = FUNCTIONS
        nd = ndim_of(x)
        rest = tuple(i for i in range(nd) if i not in axes)
        shape = tuple(x.shape)
        lead = math.prod(shape[i] for i in axes)
        x = F["reshape"](F["permute_dims"](x, axes + rest), (lead, *(shape[i] for i in rest)))
        mask = None
        if where is not True:
            mask = F["broadcast_to"](where, shape)
            mask = F["reshape"](F["permute_dims"](mask, axes + rest), tuple(x.shape))
        acc = None if initial is None else initial
        for i in range(lead):
            e = x[i, ...]
            step = e if acc is None else self(acc, e)
            if mask is not None:
                # skip the masked elements (acc stays), as NumPy's where=
                base = acc if acc is not None else self.identity
                step = F["where"](mask[i, ...], step, base)
            acc = step
        rest_shape = tuple(shape[i] for i in rest)
        if acc is None or not isinstance(acc, Tensor):
            # an empty reduction: the initial value, or else the identity, shaped as the result
            fill = self.identity if acc is None else acc
            acc = full(
                rest_shape, fill, x.dtype, constant=True, backend=x._backend, device=x.device
            )
        elif tuple(acc.shape) != rest_shape:
            acc = F["broadcast_to"](acc, rest_shape)
        if keepdims:
            acc = F["expand_dims"](acc, axis=tuple(sorted(axes))) if axes else acc
        return acc

    def accumulate(self, array: Any, axis: int = 0, dtype: Any = None, out: Any = None) -> Tensor:
        """The running reduction along ``axis``, as NumPy's ``ufunc.accumulate``, and
        differentiably (``add`` and ``multiply`` are ``cumsum`` and ``cumprod``).

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([3.0, 1.0, 2.0])
        >>> y = xg.maximum.accumulate(x)
        >>> y.sum().backward()
        >>> y, x.grad
        (Tensor([3., 3., 3.]), array([3., 0., 0.]))
        """
        self._binary("accumulate")
        x = as_tensor_input(array)
        if dtype is not None:
            x = FUNCTIONS["astype"](x, dtype)
        ax = norm_axis(axis, ndim_of(x))
        fast = _ACCUMULATE_AS.get(self.__name__)
        F = FUNCTIONS
        if fast is not None:
            result = F[fast](x, axis=ax)
        else:
            n = x.shape[ax]
            if n == 0:
                result = F["astype"](x, x.dtype, copy=True)
            else:
                y = F["moveaxis"](x, ax, 0)
                acc, parts = y[0, ...], []
                parts.append(acc)
                for i in range(1, n):
                    acc = self(acc, y[i, ...])
                    parts.append(acc)
                result = F["stack"](parts, axis=ax)
        if out is not None:
            return _write(out, result, f"{self.__name__}.accumulate")
        return result

    def outer(self, A: Any, B: Any, /, **kwargs: Any) -> Tensor:
        """The ufunc of every pair ``(A[i...], B[j...])``: shape ``A.shape + B.shape``, as
        NumPy's ``ufunc.outer``; keywords as for a call (``out``, ``where``, ``dtype``,
        ``constant``).

        Examples
        --------
        >>> import xgrad as xg
        >>> a, b = xg.tensor([1.0, 2.0]), xg.tensor([10.0, 20.0, 30.0])
        >>> y = xg.multiply.outer(a, b)
        >>> y.sum().backward()
        >>> y.shape, a.grad, b.grad
        ((2, 3), array([60., 60.]), array([3., 3., 3.]))
        """
        self._binary("outer")
        a, b = as_tensor_input(A), as_tensor_input(B)
        a = FUNCTIONS["reshape"](a, (*a.shape, *((1,) * ndim_of(b))))
        return self(a, b, **kwargs)


def _write(out: Any, result: Tensor, where: str) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(f"{where}: out must be an xgrad Tensor, got {type(out).__name__}")
    if tuple(out.shape) != tuple(result.shape):
        raise ValueError(
            f"{where}: out has shape {tuple(out.shape)}, the result {tuple(result.shape)}"
        )
    return assign(out, result, where)


def make_ufunc(fn: Callable[..., Any], op: Op) -> ufunc:
    """A ufunc object that calls ``fn`` (a subclass of its own, whose ``__call__`` is ``fn``:
    no wrapper on the hot path)."""
    cls = _UfuncType(op.name, (ufunc,), {"__call__": staticmethod(fn)})
    cls.__module__ = "xgrad"
    return cls(fn, op)


ufunc.__module__ = "xgrad"  # exported as xgrad.ufunc
