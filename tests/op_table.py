"""The op-test table: one row per op, driving a forward test and a gradient test.

A row names the xgrad function, a NumPy reference implementation (float64, on the host), the
input domain, and how shapes and parameters are drawn. ``test_ops.py`` runs every row on every
backend; ``test_meta.py`` fails when an op of the op table has no row here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import xgrad as xg


@dataclass
class Row:
    name: str
    fn: Callable[..., Any]  # xgrad: fn(*tensors, **params) -> Tensor
    ref: Callable[..., Any]  # NumPy on host arrays: ref(*arrays, **params) -> array
    nargs: int = 1
    domain: tuple[float, float] | list[tuple[float, float]] = (-3.0, 3.0)
    shapes: str = "broadcast"  # broadcast | same | matmul | custom
    params: Callable[[tuple], st.SearchStrategy] | None = None  # shape(s) -> params strategy
    grad: bool = True
    # points where the derivative jumps: keep inputs at least `gap` away from them
    avoid: Callable[..., np.ndarray] | None = None
    gap: float = 1e-3
    rtol: float = 1e-6
    atol: float = 1e-7
    distinct: bool = False  # all elements at least `gap` apart (no ties)
    min_dims: int = 0
    max_dims: int = 3
    min_side: int = 1
    extra: dict = field(default_factory=dict)


def _domains(row: Row) -> list[tuple[float, float]]:
    d = row.domain
    return list(d) if isinstance(d, list) else [d] * row.nargs


ROWS: list[Row] = []


def row(*args: Any, **kwargs: Any) -> Row:
    r = Row(*args, **kwargs)
    ROWS.append(r)
    return r


def fn(name: str) -> Callable[..., Any]:
    return getattr(xg, name)


# -- elementwise, one input ------------------------------------------------------------------------
U = [
    ("negative", np.negative, (-3, 3)),
    ("positive", np.positive, (-3, 3)),
    ("reciprocal", np.reciprocal, (0.3, 3)),
    ("square", np.square, (-3, 3)),
    ("sqrt", np.sqrt, (0.1, 5)),
    ("cbrt", np.cbrt, (0.2, 5)),
    ("absolute", np.absolute, (-3, 3)),
    ("exp", np.exp, (-3, 3)),
    ("exp2", np.exp2, (-3, 3)),
    ("expm1", np.expm1, (-3, 3)),
    ("log", np.log, (0.1, 5)),
    ("log2", np.log2, (0.1, 5)),
    ("log10", np.log10, (0.1, 5)),
    ("log1p", np.log1p, (-0.8, 5)),
    ("sin", np.sin, (-4, 4)),
    ("cos", np.cos, (-4, 4)),
    ("tan", np.tan, (-1.3, 1.3)),
    ("arcsin", np.arcsin, (-0.9, 0.9)),
    ("arccos", np.arccos, (-0.9, 0.9)),
    ("arctan", np.arctan, (-4, 4)),
    ("sinh", np.sinh, (-3, 3)),
    ("cosh", np.cosh, (-3, 3)),
    ("tanh", np.tanh, (-3, 3)),
    ("arcsinh", np.arcsinh, (-4, 4)),
    ("arccosh", np.arccosh, (1.1, 5)),
    ("arctanh", np.arctanh, (-0.9, 0.9)),
    ("sinc", np.sinc, (-3, 3)),
    ("sec", lambda x: 1 / np.cos(x), (-1.3, 1.3)),
    ("csc", lambda x: 1 / np.sin(x), (0.2, 2.9)),
    ("cot", lambda x: 1 / np.tan(x), (0.2, 2.9)),
    ("sech", lambda x: 1 / np.cosh(x), (-3, 3)),
    ("csch", lambda x: 1 / np.sinh(x), (0.2, 3)),
    ("coth", lambda x: 1 / np.tanh(x), (0.2, 3)),
    ("arcsec", lambda x: np.arccos(1 / x), (1.2, 5)),
    ("arccsc", lambda x: np.arcsin(1 / x), (1.2, 5)),
    ("arccot", lambda x: np.arctan(1 / x), (0.2, 5)),
    ("arccsch", lambda x: np.arcsinh(1 / x), (0.2, 5)),
    ("arccoth", lambda x: np.arctanh(1 / x), (1.2, 5)),
]
U += [
    ("erf", np.vectorize(math.erf, otypes=[float]), (-3, 3)),
    ("erfc", np.vectorize(math.erfc, otypes=[float]), (-3, 5)),
]
for _name, _ref, _dom in U:
    row(_name, fn(_name), _ref, 1, _dom)
ROWS[[r.name for r in ROWS].index("absolute")].avoid = lambda x: x  # the kink at 0
ROWS[[r.name for r in ROWS].index("absolute")].gap = 1e-2


# -- elementwise, two inputs -------------------------------------------------------------------
row("add", fn("add"), np.add, 2)
row("subtract", fn("subtract"), np.subtract, 2)
row("multiply", fn("multiply"), np.multiply, 2)
row("divide", fn("divide"), np.divide, 2, [(-3, 3), (0.3, 3)])
row("power", fn("power"), np.power, 2, [(0.2, 3), (-2, 2)])
row("maximum", fn("maximum"), np.maximum, 2, avoid=lambda a, b: a - b, gap=1e-2)
row("minimum", fn("minimum"), np.minimum, 2, avoid=lambda a, b: a - b, gap=1e-2)
# the remainders jump where a / b is an integer
_JUMPS = lambda a, b: np.sin(np.pi * a / b)
row("remainder", fn("remainder"), np.remainder, 2, [(-3, 3), (0.5, 3)], avoid=_JUMPS, gap=0.05)
row("fmod", fn("fmod"), np.fmod, 2, [(-3, 3), (-3, -0.5)], avoid=_JUMPS, gap=0.05)
row(
    "divmod (its remainder)",
    lambda a, b: xg.divmod(a, b)[1],
    lambda a, b: np.divmod(a, b)[1],
    2,
    [(-3, 3), (0.5, 3)],
    avoid=_JUMPS,
    gap=0.05,
)
row("arctan2", fn("arctan2"), np.arctan2, 2, [(0.2, 3), (0.2, 3)])
row("logaddexp", fn("logaddexp"), np.logaddexp, 2)
row("logaddexp2", fn("logaddexp2"), np.logaddexp2, 2)
row("hypot", fn("hypot"), np.hypot, 2, [(0.2, 3), (0.2, 3)])
row(
    "clip",
    lambda x, lo, hi: xg.clip(x, lo, hi),
    lambda x, lo, hi: np.clip(x, lo, hi),
    3,
    [(-3, 3), (-2, -0.5), (0.5, 2)],
    avoid=lambda x, lo, hi: np.minimum(np.abs(x - lo), np.abs(x - hi)),
    gap=1e-2,
)
# one-sided clips (the other bound None, as NumPy and MyGrad allow)
row(
    "clip (min only)",
    lambda x, lo: xg.clip(x, lo, None),
    lambda x, lo: np.clip(x, lo, None),
    2,
    [(-3, 3), (-1, 1)],
    avoid=lambda x, lo: x - lo,
    gap=1e-2,
)
row(
    "clip (max only)",
    lambda x, hi: xg.clip(x, None, hi),
    lambda x, hi: np.clip(x, None, hi),
    2,
    [(-3, 3), (-1, 1)],
    avoid=lambda x, hi: x - hi,
    gap=1e-2,
)


# the array API's copysign (its derivative jumps where either input crosses 0) and nextafter
# (one ulp towards b: derivative 1 in a, 0 in b, a jump where b crosses a)
def _signed(sa: Any, sb: Any) -> st.SearchStrategy:
    return st.fixed_dictionaries({"sa": sa, "sb": sb})


row(  # magnitudes away from 0, signs drawn: every sign combination, no filtering
    "copysign",
    lambda a, b, sa, sb: xg.copysign(xg.where(sa, -a, a), xg.where(sb, -b, b)),
    lambda a, b, sa, sb: np.copysign(np.where(sa, -a, a), np.where(sb, -b, b)),
    2,
    [(0.1, 3), (0.1, 3)],
    shapes="same",
    params=lambda s: _signed(hnp.arrays(bool, s), hnp.arrays(bool, s)),
)
row(
    "copysign (broadcast)",
    fn("copysign"),
    np.copysign,
    2,
    [(0.1, 3), (-3, 3)],
    avoid=lambda a, b: b,
    gap=1e-2,
)
row("nextafter", fn("nextafter"), np.nextafter, 2, avoid=lambda a, b: a - b, gap=1e-3)
# complex parts of real data: real and conj copy x, imag is constant zeros
row("real", fn("real"), np.real)
row("conj", fn("conj"), np.conj)
row("imag", fn("imag"), np.imag, grad=False)
row("add_sequence", lambda a, b, c: xg.add_sequence(a, b, c), lambda a, b, c: a + b + c, 3)
row(
    "multiply_sequence",
    lambda a, b, c: xg.multiply_sequence(a, b, c),
    lambda a, b, c: a * b * c,
    3,
)


# -- reductions ------------------------------------------------------------------------------------
def _axis_params(shape: tuple, extra: dict | None = None, empty: bool = True) -> st.SearchStrategy:
    nd = len(shape)
    axes = st.none() | (
        st.lists(st.integers(0, nd - 1), unique=True, min_size=0 if empty else 1, max_size=nd).map(
            tuple
        )
        if nd
        else st.just(())
    )
    if nd:
        axes = axes | st.integers(-nd, nd - 1)
    base = {"axis": axes, "keepdims": st.booleans()}
    base.update(extra or {})
    return st.fixed_dictionaries(base)


def _np_reduce(f: Callable[..., Any]) -> Callable[..., Any]:
    def ref(x: np.ndarray, axis: Any = None, keepdims: bool = False, **kw: Any) -> Any:
        return f(x, axis=axis, keepdims=keepdims, **kw)

    return ref


for _name, _f in [("sum", np.sum), ("mean", np.mean), ("prod", np.prod)]:
    row(
        _name,
        (lambda f: lambda x, **p: f(x, **p))(fn(_name)),
        _np_reduce(_f),
        1,
        (-2, 2),
        shapes="same",
        params=_axis_params,
        min_side=1,
    )
row(
    "prod (with zeros)",
    lambda x, **p: xg.prod(x, **p),
    _np_reduce(np.prod),
    1,
    (-2, 2),
    shapes="same",
    params=_axis_params,
    extra={"zeros": True},
)
for _name, _f in [("var", np.var), ("std", np.std)]:
    row(
        _name,
        (lambda f: lambda x, **p: f(x, **p))(fn(_name)),
        _np_reduce(_f),
        1,
        (-2, 2),
        shapes="same",
        params=lambda s: _axis_params(s, {"ddof": st.sampled_from([0, 1])}, empty=False),
        distinct=True,
        min_side=2,
        min_dims=1,
    )
for _name, _f in [("max", np.max), ("min", np.min), ("amax", np.max), ("amin", np.min)]:
    row(
        _name,
        (lambda f: lambda x, **p: f(x, **p))(fn(_name)),
        _np_reduce(_f),
        1,
        (-3, 3),
        shapes="same",
        params=_axis_params,
        distinct=True,
    )


def _cum_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    axes = st.none() | st.integers(-nd, nd - 1) if nd else st.none()
    return st.fixed_dictionaries({"axis": axes})


row(
    "cumsum",
    lambda x, **p: xg.cumsum(x, **p),
    lambda x, axis=None: np.cumsum(x, axis=axis),
    1,
    shapes="same",
    params=_cum_params,
)
row(
    "cumprod",
    lambda x, **p: xg.cumprod(x, **p),
    lambda x, axis=None: np.cumprod(x, axis=axis),
    1,
    (-2, 2),
    shapes="same",
    params=_cum_params,
)
row(
    "cumprod (with zeros)",
    lambda x, **p: xg.cumprod(x, **p),
    lambda x, axis=None: np.cumprod(x, axis=axis),
    1,
    (-2, 2),
    shapes="same",
    params=_cum_params,
    extra={"zeros": True},
)

# -- linear algebra ---------------------------------------------------------------------------
row("matmul", fn("matmul"), np.matmul, 2, shapes="matmul")


# -- shape ops ---------------------------------------------------------------------------------
def _reshape_params(shape: tuple) -> st.SearchStrategy:
    n = math.prod(shape)
    shapes = [(n,), (1, n), (n, 1), (-1,)]
    if n % 2 == 0 and n:
        shapes += [(2, n // 2), (-1, 2)]
    return st.fixed_dictionaries({"newshape": st.sampled_from(shapes)})


def _perm_params(shape: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries({"axes": st.permutations(range(len(shape))).map(tuple)})


def _axis1(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    return st.fixed_dictionaries({"axis": st.integers(-nd, nd - 1)})


def _two_axes(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    return st.fixed_dictionaries(
        {"axis1": st.integers(-nd, nd - 1), "axis2": st.integers(-nd, nd - 1)}
    )


def _flip_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    return st.fixed_dictionaries(
        {"axis": st.none() | st.integers(-nd, nd - 1) if nd else st.none()}
    )


def _roll_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    axis = st.none() | st.integers(-nd, nd - 1) if nd else st.none()
    return st.fixed_dictionaries({"shift": st.integers(-3, 3), "axis": axis})


def _squeeze_params(shape: tuple) -> st.SearchStrategy:
    ones = [i for i, n in enumerate(shape) if n == 1]
    return st.fixed_dictionaries(
        {"axis": st.none() | st.lists(st.sampled_from(ones), unique=True).map(tuple)}
        if ones
        else {"axis": st.none()}
    )


def _bcast_params(shape: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {"shape": st.sampled_from([(2, *shape), (3, 1, *shape), tuple(shape)])}
    )


row(
    "reshape",
    lambda x, newshape: xg.reshape(x, newshape),
    lambda x, newshape: np.reshape(x, newshape),
    1,
    shapes="same",
    params=_reshape_params,
)
row("ravel", lambda x: xg.ravel(x), np.ravel, 1, shapes="same")
row(
    "broadcast_to",
    lambda x, shape: xg.broadcast_to(x, shape),
    lambda x, shape: np.broadcast_to(x, shape),
    1,
    shapes="same",
    params=_bcast_params,
)
row(
    "expand_dims",
    lambda x, axis: xg.expand_dims(x, axis),
    lambda x, axis: np.expand_dims(x, axis),
    1,
    shapes="same",
    params=lambda s: st.fixed_dictionaries({"axis": st.integers(-len(s) - 1, len(s))}),
)
row(
    "squeeze",
    lambda x, axis: xg.squeeze(x, axis),
    lambda x, axis: np.squeeze(x, axis),
    1,
    shapes="same",
    params=_squeeze_params,
)
row(
    "transpose",
    lambda x, axes: xg.transpose(x, axes),
    lambda x, axes: np.transpose(x, axes),
    1,
    shapes="same",
    params=_perm_params,
)
row(
    "permute_dims",
    lambda x, axes: xg.permute_dims(x, axes),
    lambda x, axes: np.transpose(x, axes),
    1,
    shapes="same",
    params=_perm_params,
)
row(
    "matrix_transpose",
    lambda x: xg.matrix_transpose(x),
    lambda x: np.swapaxes(x, -1, -2),
    1,
    shapes="same",
    min_dims=2,
)
row(
    "moveaxis",
    lambda x, axis1, axis2: xg.moveaxis(x, axis1, axis2),
    lambda x, axis1, axis2: np.moveaxis(x, axis1, axis2),
    1,
    shapes="same",
    params=_two_axes,
    min_dims=1,
)
row(
    "swapaxes",
    lambda x, axis1, axis2: xg.swapaxes(x, axis1, axis2),
    lambda x, axis1, axis2: np.swapaxes(x, axis1, axis2),
    1,
    shapes="same",
    params=_two_axes,
    min_dims=1,
)
row(
    "flip",
    lambda x, axis: xg.flip(x, axis),
    lambda x, axis: np.flip(x, axis),
    1,
    shapes="same",
    params=_flip_params,
)
row(
    "roll",
    lambda x, shift, axis: xg.roll(x, shift, axis),
    lambda x, shift, axis: np.roll(x, shift, axis),
    1,
    shapes="same",
    params=_roll_params,
)
row(
    "concatenate",
    lambda a, b, axis: xg.concatenate([a, b], axis=axis),
    lambda a, b, axis: np.concatenate([a, b], axis=axis),
    2,
    shapes="same",
    params=_axis1,
    min_dims=1,
)
row(
    "concat",
    lambda a, b, axis: xg.concat([a, b], axis=axis),
    lambda a, b, axis: np.concatenate([a, b], axis=axis),
    2,
    shapes="same",
    params=_axis1,
    min_dims=1,
)
row(
    "stack",
    lambda a, b, axis: xg.stack([a, b], axis=axis),
    lambda a, b, axis: np.stack([a, b], axis=axis),
    2,
    shapes="same",
    params=lambda s: st.fixed_dictionaries({"axis": st.integers(-len(s) - 1, len(s))}),
)
row(
    "where",
    lambda a, b, cond: xg.where(cond, a, b),
    lambda a, b, cond: np.where(cond, a, b),
    2,
    params=lambda s: st.fixed_dictionaries({"cond": hnp.arrays(bool, s)}),
    shapes="same",
)
row(
    "astype",
    lambda x: xg.astype(x, "float32"),
    lambda x: x.astype(np.float32),
    1,
    shapes="same",
    rtol=1e-6,
    atol=1e-6,
    extra={"fd_eps": 1e-2, "grad_rtol": 1e-3},
)


def _load_family_tables() -> None:
    """Rows of op families live in ``op_table_<family>.py`` beside this file."""
    import importlib
    import pathlib

    for path in sorted(pathlib.Path(__file__).parent.glob("op_table_*.py")):
        importlib.import_module(path.stem)


_load_family_tables()
