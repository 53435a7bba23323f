"""Install the Tensor's operators and array methods, each a one-line call into the op table."""

from __future__ import annotations

from typing import Any

from . import _inplace, _views
from ._tensor import Tensor, make_tensor
from .errors import DisconnectedView, NonDifferentiableError
from .ops import FUNCTIONS as F
from .ops import NONDIFF, OPS, apply, apply1, apply2
from .ops.indexing import is_basic, normalize_key
from .ops.nondiff import call_nondiff
from .ops.shape_functions import resolve_shape

_add, _sub, _mul, _div, _pow, _matmul = (
    OPS[n] for n in ("add", "subtract", "multiply", "divide", "power", "matmul")
)
_neg, _pos, _abs = OPS["negative"], OPS["positive"], OPS["absolute"]
_mod = OPS["remainder"]


def _constant(value: Any, like: Tensor) -> Any:
    """An operator's non-differentiable result as a constant tensor: the array API standard's
    operators return the array type they were called on, so code written against it sees
    one namespace (``(x > 0) & (y > 0)`` stays a tensor)."""
    if value is NotImplemented or isinstance(value, (bool, int, float, Tensor)):
        return value
    return make_tensor(value, like._backend, None, True)


def _nd(name: str) -> Any:
    nd = NONDIFF[name]

    def forward(self: Tensor, other: Any) -> Any:
        return _constant(call_nondiff(nd, (self, other), {}), self)

    def reflected(self: Tensor, other: Any) -> Any:
        return _constant(call_nondiff(nd, (other, self), {}), self)

    return forward, reflected


def _compare(name: str) -> Any:
    nd = NONDIFF[name]

    def method(self: Tensor, other: Any) -> Any:
        try:
            return _constant(call_nondiff(nd, (self, other), {}), self)
        except TypeError:
            return NotImplemented

    return method


def _iop(op: Any) -> Any:
    def method(self: Tensor, other: Any) -> Tensor:
        _inplace.check_target(self, (self, other), op.name)
        return _inplace.assign(self, apply2(op, _inplace.live(self), other), op.name)

    method.__name__ = f"__i{op.name}__"
    return method


def _inondiff(name: str) -> Any:
    nd = NONDIFF[name]

    def method(self: Tensor, other: Any) -> Tensor:
        if not self._constant:
            raise NonDifferentiableError(
                f"{name} (in place) has no useful derivative; the tensor needs a gradient. "
                "Apply it to the data or to a constant tensor instead."
            )
        _inplace.check_target(self, (self, other), name)
        return _inplace.assign(self, call_nondiff(nd, (self, other), {}), name)

    return method


def _install() -> None:
    T = Tensor
    T.__add__ = lambda self, other: apply2(_add, self, other)
    T.__radd__ = lambda self, other: apply2(_add, other, self)
    T.__sub__ = lambda self, other: apply2(_sub, self, other)
    T.__rsub__ = lambda self, other: apply2(_sub, other, self)
    T.__mul__ = lambda self, other: apply2(_mul, self, other)
    T.__rmul__ = lambda self, other: apply2(_mul, other, self)
    T.__truediv__ = lambda self, other: apply2(_div, self, other)
    T.__rtruediv__ = lambda self, other: apply2(_div, other, self)
    T.__pow__ = lambda self, other, modulo=None: apply2(_pow, self, other)
    T.__rpow__ = lambda self, other: apply2(_pow, other, self)
    T.__matmul__ = lambda self, other: apply2(_matmul, self, other)
    T.__rmatmul__ = lambda self, other: apply2(_matmul, other, self)
    T.__neg__ = lambda self: apply1(_neg, self)
    T.__pos__ = lambda self: apply1(_pos, self)
    T.__abs__ = lambda self: apply1(_abs, self)
    T.__floordiv__, T.__rfloordiv__ = _nd("floor_divide")
    T.__mod__ = lambda self, other: apply2(_mod, self, other)
    T.__rmod__ = lambda self, other: apply2(_mod, other, self)
    T.__divmod__ = lambda self, other: F["divmod"](self, other)
    T.__rdivmod__ = lambda self, other: F["divmod"](other, self)
    T.__and__, T.__rand__ = _nd("bitwise_and")
    T.__or__, T.__ror__ = _nd("bitwise_or")
    T.__xor__, T.__rxor__ = _nd("bitwise_xor")
    T.__lshift__, T.__rlshift__ = _nd("left_shift")
    T.__rshift__, T.__rrshift__ = _nd("right_shift")
    T.__invert__ = lambda self: _constant(
        call_nondiff(NONDIFF["bitwise_invert"], (self,), {}), self
    )
    T.__eq__ = _compare("equal")
    T.__ne__ = _compare("not_equal")
    T.__lt__ = _compare("less")
    T.__le__ = _compare("less_equal")
    T.__gt__ = _compare("greater")
    T.__ge__ = _compare("greater_equal")
    T.__iadd__ = _iop(_add)
    T.__isub__ = _iop(_sub)
    T.__imul__ = _iop(_mul)
    T.__itruediv__ = _iop(_div)
    T.__ipow__ = _iop(_pow)
    T.__imatmul__ = _iop(_matmul)
    T.__ifloordiv__ = _inondiff("floor_divide")
    T.__imod__ = _iop(_mod)
    T.__round__ = lambda self, ndigits=None: (
        self.item().__round__()
        if ndigits is None and self.size == 1
        else F["round"](self, ndigits or 0)
    )

    # -- array methods ---------------------------------------------------------------------------
    def reduction(name: str) -> Any:
        fn = F[name]

        def method(
            self: Tensor, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
        ) -> Tensor:
            return fn(self, axis, keepdims, constant=constant)

        method.__name__ = name
        method.__doc__ = fn.__doc__
        return method

    for name in ("sum", "mean", "prod", "max", "min"):
        setattr(T, name, reduction(name))

    def var(
        self: Tensor,
        axis: Any = None,
        ddof: float = 0,
        keepdims: bool = False,
        *,
        constant: bool | None = None,
    ) -> Tensor:
        return F["var"](self, axis, ddof, keepdims, constant=constant)

    def std(
        self: Tensor,
        axis: Any = None,
        ddof: float = 0,
        keepdims: bool = False,
        *,
        constant: bool | None = None,
    ) -> Tensor:
        return F["std"](self, axis, ddof, keepdims, constant=constant)

    T.var, T.std = var, std
    T.cumsum = lambda self, axis=None, *, constant=None: F["cumsum"](self, axis, constant=constant)
    T.cumprod = lambda self, axis=None, *, constant=None: F["cumprod"](
        self, axis, constant=constant
    )
    T.argmax = lambda self, axis=None, keepdims=False: F["argmax"](self, axis, keepdims)
    T.argmin = lambda self, axis=None, keepdims=False: F["argmin"](self, axis, keepdims)
    T.any = lambda self, axis=None, keepdims=False: F["any"](self, axis, keepdims)
    T.all = lambda self, axis=None, keepdims=False: F["all"](self, axis, keepdims)
    T.clip = lambda self, min=None, max=None, *, constant=None: F["clip"](
        self, min, max, constant=constant
    )

    def reshape(self: Tensor, *newshape: Any, constant: bool | None = None) -> Tensor:
        """``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        if len(newshape) == 1 and not isinstance(newshape[0], int):
            newshape = newshape[0]
        return F["reshape"](self, newshape, constant=constant)

    def transpose(self: Tensor, *axes: Any, constant: bool | None = None) -> Tensor:
        """``t.transpose()``, ``t.transpose(1, 0, 2)`` or ``t.transpose((1, 0, 2))``."""
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        return F["transpose"](self, axes or None, constant=constant)

    T.reshape = reshape
    T.transpose = transpose
    T.flatten = lambda self, *, constant=None: F["ravel"](self, constant=constant)
    T.ravel = lambda self, *, constant=None: F["ravel"](self, constant=constant)
    T.squeeze = lambda self, axis=None, *, constant=None: F["squeeze"](
        self, axis, constant=constant
    )
    T.swapaxes = lambda self, axis1, axis2, *, constant=None: F["swapaxes"](
        self, axis1, axis2, constant=constant
    )

    def moveaxis(
        self: Tensor, source: Any, destination: Any, *, constant: bool | None = None
    ) -> Tensor:
        """Move axes to new positions (``xgrad.moveaxis``; a view, as in MyGrad).

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.zeros((2, 3, 4)).moveaxis(0, -1).shape
        (3, 4, 2)
        """
        return F["moveaxis"](self, source, destination, constant=constant)

    T.moveaxis = moveaxis

    def astype(
        self: Tensor, dtype: Any, *, copy: bool = True, constant: bool | None = None
    ) -> Tensor:
        """Cast to ``dtype`` (``xgrad.astype``): differentiable between floating-point dtypes,
        a constant for integer and boolean ones.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.5, 2.5])
        >>> y = x.astype("float32")
        >>> y.sum().backward()
        >>> y, x.grad                   # the gradient is cast back to x's dtype
        (Tensor([1.5, 2.5], dtype=float32), array([1., 1.]))
        >>> x.astype(bool)
        Tensor([ True,  True])
        """
        return F["astype"](self, dtype, copy=copy, constant=constant)

    T.astype = astype
    T.T = property(
        lambda self: F["transpose"](self),
        doc="""The axes reversed (``xgrad.transpose``); a view.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([[1.0, 2.0, 3.0]])
        >>> x.T
        Tensor([[1.],
                [2.],
                [3.]])
        >>> x.T.base is x
        True
        """,
    )
    T.mT = property(
        lambda self: F["matrix_transpose"](self),
        doc="""The last two axes swapped (``xgrad.matrix_transpose``); a view.

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.zeros((5, 2, 3)).mT.shape
        (5, 3, 2)
        """,
    )


def _getitem(self: Tensor, key: Any) -> Tensor:
    k = normalize_key(self._backend, self._data, key)
    if is_basic(k) and not _picks_one_element(k, self.ndim):
        return _views.make_view(self, _views.Link("getitem", {"key": k}))
    return apply(OPS["getitem"], (self,), {"key": k})


def _picks_one_element(key: tuple, ndim: int) -> bool:
    """NumPy returns a scalar copy, not a view, when integers index every axis."""
    return len(key) == ndim and all(type(k) is int for k in key)


def _setitem(self: Tensor, key: Any, value: Any) -> None:
    k = normalize_key(self._backend, self._data, key)
    _inplace.assign(self, apply(OPS["setitem"], (_inplace.live(self), value), {"key": k}))


def _iter(self: Tensor) -> Any:
    if not self.shape:
        raise TypeError("iteration over a 0-d tensor")
    return (self[i] for i in range(self.shape[0]))


def _set_shape(self: Tensor, newshape: Any) -> None:
    """``t.shape = newshape``: reshape ``t`` in place, as MyGrad (and NumPy) allow. The
    tensor keeps its identity; in a graph it becomes the reshape of its old value, so
    gradients flow back through it."""
    if self._base is not None:
        raise DisconnectedView(
            "cannot set the shape of a view in place (it shares memory with its base); make "
            "a reshaped view instead: v = v.reshape(...)"
        )
    if getattr(self, "_views", None):
        raise ValueError(
            "cannot set the shape in place of a tensor that has live views (they index its "
            "old shape); reshape it instead: t = t.reshape(...)"
        )
    result = apply(OPS["reshape"], (self,), {"shape": resolve_shape(self.size, newshape)})
    _views._rebind(self, result)


Tensor.shape = property(Tensor.shape.fget, _set_shape, doc=Tensor.shape.__doc__)
Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem
Tensor.__iter__ = _iter

_install()
