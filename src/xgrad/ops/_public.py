"""Helpers that turn op-table rows into NumPy-style public functions."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from .. import _inplace
from .. import backends as _backends
from .._engine import Node, no_autodiff
from .._op import OPS, Op, apply, apply1, apply2
from .._registry import FUNCTIONS
from .._tensor import Tensor, check_constant
from ._examples import examples_section


def as_tensor_input(x: Any) -> Any:
    """Tensors and backend arrays pass; lists and scalars become arrays of the selected backend
    (functions that need ``.ndim`` call this)."""
    if isinstance(x, Tensor) or _backends.backend_of(x) is not None:
        return x
    bk, dev = _backends.current()
    return bk.asarray(x, device=dev)


def ndim_of(x: Any) -> int:
    return len(x.shape)


def norm_axis(axis: Any, ndim: int, name: str = "axis") -> int:
    """One axis, negative values counted from the end; NumPy's ``AxisError`` (a ``ValueError``
    and an ``IndexError``) when out of range."""
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {axis!r}") from None
    if not -ndim <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
        raise _backends.AxisError(a, ndim, None if name == "axis" else name)
    return a % ndim if ndim else 0


def norm_axes(axis: Any, ndim: int) -> tuple[int, ...] | None:
    """``None`` or a sorted tuple of distinct non-negative axes."""
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        axes = tuple(norm_axis(a, ndim) for a in axis)
    else:
        axes = (norm_axis(axis, ndim),)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(axes))


#: the creator of a ``constant=True`` result: it records no derivative, only the graphs its
#: inputs came from, so that ``backward()`` or ``clear_graph()`` on the constant frees them as
#: in MyGrad (and unlocks the arrays they saved)
_UPSTREAM = Op("constant", (), "constant", (), kind="constant")


def constant_result(out: Tensor, inputs: Sequence[Any] = ()) -> Tensor:
    """Mark a freshly made result constant (``constant=True`` on a function of ``inputs``)."""
    out._constant = True
    upstream = tuple(
        n
        for a in inputs
        if isinstance(a, Tensor)
        and (n := a._node) is not None
        and n.op is not None
        and n.parents is not None
    )
    out._node = Node(_UPSTREAM, upstream, (), None, out._backend, out._data) if upstream else None
    return out


def nonconstant_result(out: Tensor) -> Tensor:
    """``constant=False`` on a function: a result of constant inputs becomes a non-constant
    leaf, as in MyGrad (its gradient stops there); integer and boolean results cannot be."""
    if out._constant:
        check_constant(False, out._data, out._backend)
        out._constant = False
        out._node = None
    return out


def run(op: Op, args: Sequence[Any], params: dict | None, constant: bool | None) -> Tensor:
    """Apply ``op``; ``constant=True`` computes without recording a graph."""
    if constant:
        with no_autodiff:
            out = apply(op, args, params)
        return constant_result(out, args)
    if constant is False:
        return nonconstant_result(apply(op, args, params))
    if len(args) == 1 and op.nin == 1 and op.vjps[0] is not None and not op.residuals:
        return apply1(op, args[0], params)  # the one-input fast path (activations)
    return apply(op, args, params)


def ufunc_call(
    op: Op,
    args: tuple,
    out: Any,
    where: Any,
    dtype: Any,
    constant: bool | None,
    *,
    params: dict | None = None,
) -> Tensor:
    """The NumPy-ufunc keywords ``out=``, ``where=``, ``dtype=`` and ``constant=`` (``params``:
    the op's parameters, if it takes any)."""
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError(f"{op.name}: expected one output, got out={out!r}")
        (out,) = out
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(
            f"{op.name}(..., out=...): out must be an xgrad Tensor (it is updated in place, "
            f"as a graph node); got {type(out).__name__}"
        )
    if dtype is not None:
        args = tuple(a.astype(dtype) if isinstance(a, Tensor) else a for a in args)
    if out is not None:
        _inplace.check_target(out, args, op.name)
        args = tuple(_inplace.live(a) if a is out else a for a in args)
    result = run(op, args, params, constant)
    if where is not True:
        fill = out if out is not None else _zeros_for(result)
        result = run(OPS["where"], (where, result, fill), None, constant)
    if out is not None:
        return _inplace.assign(out, result, op.name)
    return result


def _zeros_for(t: Tensor) -> Any:
    xp = t._backend.xp
    return xp.zeros_like(t._data)


#: MyGrad's name for the operand of these unary functions (``x`` for the others), so that
#: keyword calls written for MyGrad (``mg.exp(x1=t)``) work
_OPERAND_NAME = {
    **dict.fromkeys(("exp", "exp2", "expm1", "log", "log10", "log1p", "log2"), "x1"),
    **dict.fromkeys(
        ("cot", "coth", "csc", "csch", "sec", "sech", "sinc", "arccot", "arccoth", "arccsc"),
        "a",
    ),
    **dict.fromkeys(("arccsch", "arcsec"), "a"),
}


def unary_function(op: Op) -> Any:
    def fn(
        x: Any,
        out: Any = None,
        *,
        where: Any = True,
        dtype: Any = None,
        constant: bool | None = None,
    ) -> Tensor:
        if out is None and where is True and dtype is None and constant is None:
            return apply1(op, x)
        return ufunc_call(op, (x,), out, where, dtype, constant)

    name = _OPERAND_NAME.get(op.name)
    if name is not None:  # the same code, its operand named as MyGrad names it
        code = fn.__code__
        fn.__code__ = code.replace(co_varnames=(name, *code.co_varnames[1:]))
        fn.__annotations__[name] = fn.__annotations__.pop("x")
    return _named(fn, op)


def binary_function(op: Op) -> Any:
    def fn(
        x1: Any,
        x2: Any,
        out: Any = None,
        *,
        where: Any = True,
        dtype: Any = None,
        constant: bool | None = None,
    ) -> Tensor:
        if out is None and where is True and dtype is None and constant is None:
            return apply2(op, x1, x2)
        return ufunc_call(op, (x1, x2), out, where, dtype, constant)

    return _named(fn, op)


def _named(fn: Any, op: Op) -> Any:
    fn.__name__ = fn.__qualname__ = op.name
    fn.__module__ = "xgrad"
    fn.__doc__ = _doc(op)
    fn._xgrad_op = op
    return fn


def _doc(op: Op) -> str:
    names = (_OPERAND_NAME.get(op.name, "x"),) if op.nin == 1 else ("x1", "x2")
    args = ", ".join(names)
    what = op.doc or op.name
    return (
        f"{op.name}({args}): {what}.\n\n"
        "Elementwise, with NumPy broadcasting and type promotion (Python scalars are weak).\n"
        "Differentiable: returns a Tensor recorded in the graph.\n\n"
        "Parameters\n----------\n"
        + "".join(f"{n} : Tensor, array or number\n" for n in names)
        + "out : Tensor, optional\n    Updated in place (a graph node, as in MyGrad).\n"
        "where : array of bool, optional\n    Compute only where true; elsewhere the result "
        "keeps ``out``'s values (zeros without ``out``).\n"
        "dtype : data-type, optional\n    Cast the inputs first.\n"
        "constant : bool, optional\n    ``True`` gives a constant result (no graph).\n\n"
        "Returns\n-------\nTensor\n"
        "    The elementwise result, shaped as the inputs broadcast together.\n"
        + examples_section(op.name, [k for k, v in OPS.items() if v is op])
    )


def export(fn: Any, *names: str) -> Any:
    """Put ``fn`` in the public function table under ``names`` (default: its own name)."""
    for n in names or (fn.__name__,):
        FUNCTIONS[n] = fn
    return fn
