"""The docstrings of the array-API namespace's functions, with an example each.

The namespace's functions are made per op-table row (:mod:`._elementwise`) or wrap xgrad's
NumPy-style functions (:mod:`._functions`, :mod:`._linalg`, :mod:`._special`, the creation and
dtype functions of :mod:`._namespace`), so their docstrings are completed here rather than
written out one by one: each keeps its one-line summary and gets where it sits in the standard
and which xgrad function computes it, its parameters (from its signature), what it returns,
and an example. The examples' outputs are literal (computed once and pasted into the tables
below), so the doctests fail if the behaviour changes; they use the NumPy namespace,
``xgrad.array_api``, and show the derivative wherever the function has one.

:func:`document_namespace` completes the docstrings of a namespace module's functions
(idempotent: the functions are shared by the namespaces of all backends).
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

__all__ = ["EXAMPLES", "document", "document_namespace"]

# -- the examples ------------------------------------------------------------------------------
# Each table's rows expand to doctest lines (see ``_lines``); an example's statements and
# outputs were run once on the NumPy backend and pasted here.
#: differentiable functions of one tensor: name -> (input, shown ``y, x.grad``)
UNARY: dict[str, tuple[str, str]] = {
    "abs": ("[-2.0, 3.0]", "(Tensor([2., 3.]), array([-1.,  1.]))"),
    "acos": (
        "[0.0, 0.5]",
        "(Tensor([1.57079633, 1.04719755]), array([-1.        , -1.15470054]))",
    ),
    "acosh": ("[1.5, 2.0]", "(Tensor([0.96242365, 1.3169579 ]), array([0.89442719, 0.57735027]))"),
    "asin": ("[0.0, 0.5]", "(Tensor([0.        , 0.52359878]), array([1.        , 1.15470054]))"),
    "asinh": ("[0.0, 1.0]", "(Tensor([0.        , 0.88137359]), array([1.        , 0.70710678]))"),
    "atan": ("[0.0, 1.0]", "(Tensor([0.        , 0.78539816]), array([1. , 0.5]))"),
    "atanh": ("[0.0, 0.5]", "(Tensor([0.        , 0.54930614]), array([1.        , 1.33333333]))"),
    "conj": ("[1.0, -2.0]", "(Tensor([ 1., -2.]), array([1., 1.]))"),
    "cos": ("[0.0, 1.0]", "(Tensor([1.        , 0.54030231]), array([-0.        , -0.84147098]))"),
    "cosh": ("[0.0, 1.0]", "(Tensor([1.        , 1.54308063]), array([0.        , 1.17520119]))"),
    "exp": ("[0.0, 1.0]", "(Tensor([1.        , 2.71828183]), array([1.        , 2.71828183]))"),
    "expm1": ("[0.0, 1.0]", "(Tensor([0.        , 1.71828183]), array([1.        , 2.71828183]))"),
    "log": ("[1.0, 2.0]", "(Tensor([0.        , 0.69314718]), array([1. , 0.5]))"),
    "log1p": ("[0.0, 1.0]", "(Tensor([0.        , 0.69314718]), array([1. , 0.5]))"),
    "log2": ("[1.0, 4.0]", "(Tensor([0., 2.]), array([1.44269504, 0.36067376]))"),
    "log10": ("[1.0, 100.0]", "(Tensor([0., 2.]), array([0.43429448, 0.00434294]))"),
    "negative": ("[1.0, -2.0]", "(Tensor([-1.,  2.]), array([-1., -1.]))"),
    "positive": ("[1.0, -2.0]", "(Tensor([ 1., -2.]), array([1., 1.]))"),
    "real": ("[1.0, -2.0]", "(Tensor([ 1., -2.]), array([1., 1.]))"),
    "reciprocal": ("[2.0, 4.0]", "(Tensor([0.5 , 0.25]), array([-0.25  , -0.0625]))"),
    "sin": ("[0.0, 1.0]", "(Tensor([0.        , 0.84147098]), array([1.        , 0.54030231]))"),
    "sinh": ("[0.0, 1.0]", "(Tensor([0.        , 1.17520119]), array([1.        , 1.54308063]))"),
    "square": ("[2.0, -3.0]", "(Tensor([4., 9.]), array([ 4., -6.]))"),
    "sqrt": ("[4.0, 9.0]", "(Tensor([2., 3.]), array([0.25      , 0.16666667]))"),
    "tan": ("[0.0, 1.0]", "(Tensor([0.        , 1.55740772]), array([1.        , 3.42551882]))"),
    "tanh": ("[0.0, 1.0]", "(Tensor([0.        , 0.76159416]), array([1.        , 0.41997434]))"),
    "special.expit": (
        "[0.0, 2.0]",
        "(Tensor([0.5       , 0.88079708]), array([0.25      , 0.10499359]))",
    ),
    "special.log_expit": (
        "[0.0, 2.0]",
        "(Tensor([-0.69314718, -0.12692801]), array([0.5       , 0.11920292]))",
    ),
    "special.logit": (
        "[0.5, 0.75]",
        "(Tensor([0.        , 1.09861229]), array([4.        , 5.33333333]))",
    ),
    "special.erf": (
        "[0.0, 1.0]",
        "(Tensor([0.        , 0.84270079]), array([1.12837917, 0.4151075 ]))",
    ),
    "special.erfc": (
        "[0.0, 1.0]",
        "(Tensor([1.        , 0.15729921]), array([-1.12837917, -0.4151075 ]))",
    ),
    "special.ndtr": (
        "[0.0, 1.0]",
        "(Tensor([0.5       , 0.84134475]), array([0.39894228, 0.24197072]))",
    ),
    "special.log_ndtr": (
        "[0.0, -40.0]",
        "(Tensor([-6.93147181e-01, -8.04608442e+02]), array([ 0.79788456, 40.02496885]))",
    ),
    "special.entr": (
        "[0.5, 1.0]",
        "(Tensor([ 0.34657359, -0.        ]), array([-0.30685282, -1.        ]))",
    ),
}

#: differentiable in both operands: name -> (x1, x2, shown ``y``, shown ``x1.grad, x2.grad``)
BINARY: dict[str, tuple[str, str, str, str]] = {
    "add": (
        "[1.0, 2.0]",
        "[4.0, 8.0]",
        "Tensor([ 5., 10.])",
        "(array([1., 1.]), array([1., 1.]))",
    ),
    "atan2": (
        "[1.0, 1.0]",
        "[1.0, -1.0]",
        "Tensor([0.78539816, 2.35619449])",
        "(array([ 0.5, -0.5]), array([-0.5, -0.5]))",
    ),
    "copysign": (
        "[1.0, 2.0]",
        "[-1.0, 1.0]",
        "Tensor([-1.,  2.])",
        "(array([-1.,  1.]), array([0., 0.]))",
    ),
    "divide": (
        "[1.0, 2.0]",
        "[4.0, 8.0]",
        "Tensor([0.25, 0.25])",
        "(array([0.25 , 0.125]), array([-0.0625 , -0.03125]))",
    ),
    "hypot": (
        "[3.0, 5.0]",
        "[4.0, 12.0]",
        "Tensor([ 5., 13.])",
        "(array([0.6       , 0.38461538]), array([0.8       , 0.92307692]))",
    ),
    "logaddexp": (
        "[0.0, 1.0]",
        "[0.0, 1.0]",
        "Tensor([0.69314718, 1.69314718])",
        "(array([0.5, 0.5]), array([0.5, 0.5]))",
    ),
    "maximum": (
        "[1.0, 4.0]",
        "[3.0, 2.0]",
        "Tensor([3., 4.])",
        "(array([0., 1.]), array([1., 0.]))",
    ),
    "minimum": (
        "[1.0, 4.0]",
        "[3.0, 2.0]",
        "Tensor([1., 2.])",
        "(array([1., 0.]), array([0., 1.]))",
    ),
    "multiply": (
        "[1.0, 2.0]",
        "[4.0, 8.0]",
        "Tensor([ 4., 16.])",
        "(array([4., 8.]), array([1., 2.]))",
    ),
    "pow": (
        "[2.0, 3.0]",
        "[3.0, 2.0]",
        "Tensor([8., 9.])",
        "(array([12.,  6.]), array([5.54517744, 9.8875106 ]))",
    ),
    "remainder": (
        "[5.0, -7.0]",
        "[3.0, 3.0]",
        "Tensor([2., 2.])",
        "(array([1., 1.]), array([-1.,  3.]))",
    ),
    "subtract": (
        "[1.0, 2.0]",
        "[4.0, 8.0]",
        "Tensor([-3., -6.])",
        "(array([1., 1.]), array([-1., -1.]))",
    ),
}

#: one call with a constant (or non-tensor) result: name -> (expression, shown)
CONSTANT: dict[str, tuple[str, str]] = {
    "bitwise_invert": ("xp.bitwise_invert(xp.asarray([0, 5]))", "Tensor([-1, -6])"),
    "isfinite": (
        "xp.isfinite(xp.asarray([1.0, xp.inf, xp.nan]))",
        "Tensor([ True, False, False])",
    ),
    "isinf": ("xp.isinf(xp.asarray([1.0, -xp.inf, xp.nan]))", "Tensor([False,  True, False])"),
    "isnan": ("xp.isnan(xp.asarray([1.0, xp.inf, xp.nan]))", "Tensor([False, False,  True])"),
    "logical_not": ("xp.logical_not(xp.asarray([True, False]))", "Tensor([False,  True])"),
    "signbit": ("xp.signbit(xp.asarray([-1.0, 0.0, 2.0]))", "Tensor([ True, False, False])"),
    "imag": ("xp.imag(xg.tensor([1.0, -2.0]))", "Tensor([0., 0.])"),
    "bitwise_and": ("xp.bitwise_and(xp.asarray([12, 10]), xp.asarray([10, 6]))", "Tensor([8, 2])"),
    "bitwise_or": ("xp.bitwise_or(xp.asarray([12, 10]), xp.asarray([10, 6]))", "Tensor([14, 14])"),
    "bitwise_xor": (
        "xp.bitwise_xor(xp.asarray([12, 10]), xp.asarray([10, 6]))",
        "Tensor([ 6, 12])",
    ),
    "bitwise_left_shift": ("xp.bitwise_left_shift(xp.asarray([1, 3]), 2)", "Tensor([ 4, 12])"),
    "bitwise_right_shift": ("xp.bitwise_right_shift(xp.asarray([8, 13]), 2)", "Tensor([2, 3])"),
    "equal": ("xp.equal(xp.asarray([1.0, 2.0, 3.0]), 2.0)", "Tensor([False,  True, False])"),
    "not_equal": (
        "xp.not_equal(xp.asarray([1.0, 2.0, 3.0]), 2.0)",
        "Tensor([ True, False,  True])",
    ),
    "greater": ("xp.greater(xp.asarray([1.0, 2.0, 3.0]), 2.0)", "Tensor([False, False,  True])"),
    "greater_equal": (
        "xp.greater_equal(xp.asarray([1.0, 2.0, 3.0]), 2.0)",
        "Tensor([False,  True,  True])",
    ),
    "less": ("xp.less(xp.asarray([1.0, 2.0, 3.0]), 2.0)", "Tensor([ True, False, False])"),
    "less_equal": (
        "xp.less_equal(xp.asarray([1.0, 2.0, 3.0]), 2.0)",
        "Tensor([ True,  True, False])",
    ),
    "logical_and": (
        "xp.logical_and(xp.asarray([True, True, False]), xp.asarray([True, False, False]))",
        "Tensor([ True, False, False])",
    ),
    "logical_or": (
        "xp.logical_or(xp.asarray([True, True, False]), xp.asarray([True, False, False]))",
        "Tensor([ True,  True, False])",
    ),
    "logical_xor": (
        "xp.logical_xor(xp.asarray([True, True, False]), xp.asarray([True, False, False]))",
        "Tensor([False,  True, False])",
    ),
    "all": ("xp.all(xp.asarray([[True, False], [True, True]]), axis=1)", "Tensor([False,  True])"),
    "any": (
        "xp.any(xp.asarray([[True, False], [False, False]]), axis=1)",
        "Tensor([ True, False])",
    ),
    "argmax": (
        "xp.argmax(xp.asarray([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]), axis=1)",
        "Tensor([1, 0])",
    ),
    "argmin": (
        "xp.argmin(xp.asarray([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]), axis=1)",
        "Tensor([0, 1])",
    ),
    "count_nonzero": ("xp.count_nonzero(xp.asarray([0.0, 1.0, 2.0, 0.0]))", "Tensor(2)"),
    "nonzero": ("xp.nonzero(xp.asarray([0.0, 3.0, 0.0, 4.0]))", "(Tensor([1, 3]),)"),
    "searchsorted": (
        "xp.searchsorted(xp.asarray([1.0, 2.0, 3.0]), xp.asarray([2.5, 0.0, 3.0]))",
        "Tensor([2, 0, 2])",
    ),
    "unique_values": ("xp.unique_values(xp.asarray([3, 1, 3, 2]))", "Tensor([1, 2, 3])"),
    "unique_counts": (
        "xp.unique_counts(xp.asarray([3, 1, 3, 2]))",
        "UniqueCountsResult(values=Tensor([1, 2, 3]), counts=Tensor([1, 1, 2]))",
    ),
    "unique_inverse": (
        "xp.unique_inverse(xp.asarray([3, 1, 3, 2]))",
        ("UniqueInverseResult(values=Tensor([1, 2, 3]), inverse_indices=Tensor([2, 0, 2, 1]))"),
    ),
    "isin": (
        "xp.isin(xp.asarray([1, 2, 3]), xp.asarray([2, 4]))",
        "Tensor([False,  True, False])",
    ),
    "broadcast_shapes": ("xp.broadcast_shapes((2, 1), (3,))", "(2, 3)"),
    "arange": ("xp.arange(0.0, 1.0, 0.25)", "Tensor([0.  , 0.25, 0.5 , 0.75])"),
    "zeros": ("xp.zeros((2, 3))", "Tensor([[0., 0., 0.],\n        [0., 0., 0.]])"),
    "ones": ("xp.ones(3, dtype=xp.int32)", "Tensor([1, 1, 1], dtype=int32)"),
    "full": ("xp.full((2,), 7.0)", "Tensor([7., 7.])"),
    "eye": ("xp.eye(2, 3, k=1)", "Tensor([[0., 1., 0.],\n        [0., 0., 1.]])"),
    "linspace": ("xp.linspace(0.0, 1.0, 5)", "Tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])"),
    "can_cast": (
        "xp.can_cast(xp.int32, xp.float64), xp.can_cast(xp.float64, xp.int32)",
        "(True, False)",
    ),
    "isdtype": (
        'xp.isdtype(xp.float32, "real floating"), xp.isdtype(xp.int8, "real floating")',
        "(True, False)",
    ),
    "result_type": (
        "xp.result_type(xp.asarray([1], dtype=xp.int8), xp.int16, 1.0)",
        "dtype('float64')",
    ),
    "linalg.matrix_rank": (
        "xp.linalg.matrix_rank(xp.asarray([[1.0, 2.0], [2.0, 4.0]]))",
        "Tensor(1)",
    ),
}

#: constant results even for a tensor that needs a gradient: name -> (input, shown
#: ``y, y.constant``)
ROUNDING: dict[str, tuple[str, str]] = {
    "ceil": ("[-1.5, 0.5, 2.5]", "(Tensor([-1.,  1.,  3.]), True)"),
    "floor": ("[-1.5, 0.5, 2.5]", "(Tensor([-2.,  0.,  2.]), True)"),
    "round": ("[-1.5, 0.5, 2.5]", "(Tensor([-2.,  0.,  2.]), True)"),
    "trunc": ("[-1.5, 0.5, 2.5]", "(Tensor([-1.,  0.,  2.]), True)"),
    "sign": ("[-2.0, 0.0, 3.0]", "(Tensor([-1.,  0.,  1.]), True)"),
}

#: free-form examples: statements, and (expression, shown output) pairs
OTHER: dict[str, tuple[str | tuple[str, str], ...]] = {
    "special.xlogy": (
        "x1 = xg.tensor([1.0, 2.0])",
        "x2 = xg.tensor([1.0, 3.0])",
        "y = xp.special.xlogy(x1, x2)",
        "y.backward()",
        ("y", "Tensor([0.        , 2.19722458])"),
        ("x1.grad, x2.grad", "(array([0.        , 1.09861229]), array([1.        , 0.66666667]))"),
        ("xp.special.xlogy(xp.asarray([0.0, 0.0]), xp.asarray([0.0, 2.0]))", "Tensor([0., 0.])"),
    ),
    "special.xlog1py": (
        "x1 = xg.tensor([1.0, 2.0])",
        "x2 = xg.tensor([0.0, 3.0])",
        "y = xp.special.xlog1py(x1, x2)",
        "y.backward()",
        ("y", "Tensor([0.        , 2.77258872])"),
        ("x1.grad, x2.grad", "(array([0.        , 1.38629436]), array([1. , 0.5]))"),
        ("xp.special.xlog1py(xp.asarray([0.0, 0.0]), xp.asarray([-1.0, 2.0]))", "Tensor([0., 0.])"),
    ),
    "clip": (
        "x = xg.tensor([-2.0, 0.5, 3.0])",
        "y = xp.clip(x, min=-1.0, max=1.0)",
        "y.backward()",
        ("y, x.grad", "(Tensor([-1. ,  0.5,  1. ]), array([0., 1., 0.]))"),
    ),
    "floor_divide": (
        "x = xg.tensor([7.0, -7.0])",
        "y = xp.floor_divide(x, 2.0)",
        ("y, y.constant", "(Tensor([ 3., -4.]), True)"),
    ),
    "nextafter": (
        "x1 = xg.tensor([1.0, 1.0])",
        "x2 = xg.tensor([2.0, 0.0])",
        "y = xp.nextafter(x1, x2)",
        "y.backward()",
        ("x1.grad, x2.grad", "(array([1., 1.]), array([0., 0.]))"),
        ("y - 1.0", "Tensor([ 2.22044605e-16, -1.11022302e-16])"),
    ),
    "sum": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "y = xp.sum(x, axis=0)",
        "y.backward()",
        ("y", "Tensor([4., 6.])"),
        ("x.grad", "array([[1., 1.],\n       [1., 1.]])"),
    ),
    "prod": (
        "x = xg.tensor([1.0, 2.0, 3.0])",
        "y = xp.prod(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor(6.), array([6., 3., 2.]))"),
    ),
    "mean": (
        "x = xg.tensor([1.0, 2.0, 3.0, 4.0])",
        "y = xp.mean(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor(2.5), array([0.25, 0.25, 0.25, 0.25]))"),
    ),
    "max": (
        "x = xg.tensor([1.0, 3.0, 3.0])",
        "y = xp.max(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor(3.), array([0. , 0.5, 0.5]))"),
    ),
    "min": (
        "x = xg.tensor([2.0, 1.0, 3.0])",
        "y = xp.min(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor(1.), array([0., 1., 0.]))"),
    ),
    "var": (
        "x = xg.tensor([1.0, 2.0, 3.0, 4.0])",
        "y = xp.var(x, correction=1.0)",
        "y.backward()",
        (
            "y, x.grad",
            ("(Tensor(1.66666667), array([-1.        , -0.33333333,  0.33333333,  1.        ]))"),
        ),
    ),
    "std": (
        "x = xg.tensor([1.0, 3.0])",
        "y = xp.std(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor(1.), array([-0.5,  0.5]))"),
    ),
    "cumulative_sum": (
        "x = xg.tensor([1.0, 2.0, 3.0])",
        "y = xp.cumulative_sum(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor([1., 3., 6.]), array([3., 2., 1.]))"),
        ("xp.cumulative_sum(x, include_initial=True)", "Tensor([0., 1., 3., 6.])"),
    ),
    "cumulative_prod": (
        "x = xg.tensor([1.0, 2.0, 3.0])",
        "y = xp.cumulative_prod(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor([1., 2., 6.]), array([9., 4., 2.]))"),
    ),
    "diff": (
        "x = xg.tensor([1.0, 4.0, 9.0])",
        "y = xp.diff(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor([3., 5.]), array([-1.,  0.,  1.]))"),
    ),
    "where": (
        "x1 = xg.tensor([1.0, 2.0])",
        "x2 = xg.tensor([10.0, 20.0])",
        "y = xp.where(xp.asarray([True, False]), x1, x2)",
        "y.backward()",
        ("y, x1.grad, x2.grad", "(Tensor([ 1., 20.]), array([1., 0.]), array([0., 1.]))"),
    ),
    "argsort": (
        "x = xp.asarray([3.0, 1.0, 2.0])",
        ("xp.argsort(x)", "Tensor([1, 2, 0])"),
        ("xp.argsort(x, descending=True)", "Tensor([0, 2, 1])"),
    ),
    "sort": (
        "x = xg.tensor([3.0, 1.0, 2.0])",
        "y = xp.sort(x)",
        "(y * xp.asarray([1.0, 2.0, 3.0])).backward()",
        ("y, x.grad", "(Tensor([1., 2., 3.]), array([3., 1., 2.]))"),
    ),
    "broadcast_arrays": (
        "a = xg.tensor([1.0, 2.0])",
        "b = xg.tensor([[10.0], [20.0]])",
        "p, q = xp.broadcast_arrays(a, b)",
        ("p", "Tensor([[1., 2.],\n        [1., 2.]])"),
        "p.backward()",
        ("a.grad", "array([2., 2.])"),
    ),
    "broadcast_to": (
        "x = xg.tensor([1.0, 2.0])",
        "y = xp.broadcast_to(x, (3, 2))",
        "y.backward()",
        ("y.shape, x.grad", "((3, 2), array([3., 3.]))"),
    ),
    "concat": (
        "a = xg.tensor([1.0, 2.0])",
        "b = xg.tensor([3.0])",
        "y = xp.concat([a, b])",
        "(y * xp.asarray([1.0, 2.0, 3.0])).backward()",
        ("y, a.grad, b.grad", "(Tensor([1., 2., 3.]), array([1., 2.]), array([3.]))"),
    ),
    "expand_dims": (
        "x = xg.tensor([1.0, 2.0])",
        "y = xp.expand_dims(x, axis=0)",
        "y.backward()",
        ("y, x.grad", "(Tensor([[1., 2.]]), array([1., 1.]))"),
    ),
    "flip": (
        "x = xg.tensor([1.0, 2.0, 3.0])",
        "y = xp.flip(x)",
        "(y * xp.asarray([1.0, 2.0, 3.0])).backward()",
        ("y, x.grad", "(Tensor([3., 2., 1.]), array([3., 2., 1.]))"),
    ),
    "moveaxis": (
        "x = xg.tensor([[1.0, 2.0, 3.0]])",
        "y = xp.moveaxis(x, 0, 1)",
        "y.backward()",
        ("y", "Tensor([[1.],\n        [2.],\n        [3.]])"),
        ("x.grad", "array([[1., 1., 1.]])"),
        ("xp.moveaxis(xp.zeros((2, 3, 4)), 0, -1).shape", "(3, 4, 2)"),
    ),
    "permute_dims": (
        "x = xg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])",
        "y = xp.permute_dims(x, (1, 0))",
        "(y * xp.asarray([[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]])).backward()",
        ("y", "Tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])"),
        ("x.grad", "array([[1., 0., 0.],\n       [0., 0., 2.]])"),
    ),
    "repeat": (
        "x = xg.tensor([1.0, 2.0])",
        "y = xp.repeat(x, 2)",
        "y.backward()",
        ("y, x.grad", "(Tensor([1., 1., 2., 2.]), array([2., 2.]))"),
        ("xp.repeat(x, xp.asarray([1, 3]))", "Tensor([1., 2., 2., 2.])"),
    ),
    "reshape": (
        "x = xg.tensor([1.0, 2.0, 3.0, 4.0])",
        "y = xp.reshape(x, (2, 2))",
        "(y * xp.asarray([[1.0, 2.0], [3.0, 4.0]])).backward()",
        ("y", "Tensor([[1., 2.],\n        [3., 4.]])"),
        ("x.grad", "array([1., 2., 3., 4.])"),
    ),
    "roll": (
        "x = xg.tensor([1.0, 2.0, 3.0])",
        "y = xp.roll(x, 1)",
        "(y * xp.asarray([1.0, 2.0, 3.0])).backward()",
        ("y, x.grad", "(Tensor([3., 1., 2.]), array([2., 3., 1.]))"),
    ),
    "squeeze": (
        "x = xg.tensor([[1.0, 2.0]])",
        "y = xp.squeeze(x, axis=0)",
        "y.backward()",
        ("y, x.grad", "(Tensor([1., 2.]), array([[1., 1.]]))"),
    ),
    "stack": (
        "a = xg.tensor([1.0, 2.0])",
        "b = xg.tensor([3.0, 4.0])",
        "y = xp.stack([a, b])",
        "(y * xp.asarray([[1.0, 1.0], [2.0, 2.0]])).backward()",
        ("y", "Tensor([[1., 2.],\n        [3., 4.]])"),
        ("a.grad, b.grad", "(array([1., 1.]), array([2., 2.]))"),
    ),
    "tile": (
        "x = xg.tensor([1.0, 2.0])",
        "y = xp.tile(x, (2,))",
        "y.backward()",
        ("y, x.grad", "(Tensor([1., 2., 1., 2.]), array([2., 2.]))"),
    ),
    "unstack": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "a, b = xp.unstack(x)",
        ("a, b", "(Tensor([1., 2.]), Tensor([3., 4.]))"),
        "(a * 2.0 + b).backward()",
        ("x.grad", "array([[2., 2.],\n       [1., 1.]])"),
    ),
    "take": (
        "x = xg.tensor([10.0, 20.0, 30.0])",
        "y = xp.take(x, xp.asarray([2, 0, 2]))",
        "y.backward()",
        ("y, x.grad", "(Tensor([30., 10., 30.]), array([1., 0., 2.]))"),
    ),
    "take_along_axis": (
        "x = xg.tensor([[3.0, 1.0, 2.0]])",
        "y = xp.take_along_axis(x, xp.argsort(x), axis=1)",
        "(y * xp.asarray([[1.0, 2.0, 3.0]])).backward()",
        ("y", "Tensor([[1., 2., 3.]])"),
        ("x.grad", "array([[3., 1., 2.]])"),
    ),
    "matmul": (
        "a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "b = xg.tensor([1.0, 1.0])",
        "y = xp.matmul(a, b)",
        "y.backward()",
        ("y", "Tensor([3., 7.])"),
        ("a.grad", "array([[1., 1.],\n       [1., 1.]])"),
        ("b.grad", "array([4., 6.])"),
    ),
    "matrix_transpose": (
        "x = xg.tensor([[1.0, 2.0, 3.0]])",
        "y = xp.matrix_transpose(x)",
        "(y * xp.asarray([[1.0], [2.0], [3.0]])).backward()",
        ("y", "Tensor([[1.],\n        [2.],\n        [3.]])"),
        ("x.grad", "array([[1., 2., 3.]])"),
    ),
    "tensordot": (
        "a = xg.tensor([1.0, 2.0])",
        "b = xg.tensor([3.0, 4.0])",
        "y = xp.tensordot(a, b, axes=1)",
        "y.backward()",
        ("y, a.grad, b.grad", "(Tensor(11.), array([3., 4.]), array([1., 2.]))"),
    ),
    "vecdot": (
        "a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "b = xg.tensor([1.0, 1.0])",
        "y = xp.vecdot(a, b)",
        "y.backward()",
        ("y, b.grad", "(Tensor([3., 7.]), array([4., 6.]))"),
        ("a.grad", "array([[1., 1.],\n       [1., 1.]])"),
    ),
    "tril": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "y = xp.tril(x)",
        "y.backward()",
        ("y", "Tensor([[1., 0.],\n        [3., 4.]])"),
        ("x.grad", "array([[1., 0.],\n       [1., 1.]])"),
    ),
    "triu": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "y = xp.triu(x)",
        "y.backward()",
        ("y", "Tensor([[1., 2.],\n        [0., 4.]])"),
        ("x.grad", "array([[1., 1.],\n       [0., 1.]])"),
    ),
    "meshgrid": (
        "a, b = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0, 5.0])",
        "gx, gy = xp.meshgrid(a, b)",
        ("gx", "Tensor([[1., 2.],\n        [1., 2.],\n        [1., 2.]])"),
        ("gy", "Tensor([[3., 3.],\n        [4., 4.],\n        [5., 5.]])"),
        "(gx * gy).backward()",
        ("a.grad, b.grad", "(array([12., 12.]), array([3., 3., 3.]))"),
        ("[g.shape for g in xp.meshgrid(a, b, indexing='ij')]", "[(2, 3), (2, 3)]"),
    ),
    "unique_all": (
        "r = xp.unique_all(xp.asarray([3, 1, 3, 2]))",
        ("r.values, r.indices", "(Tensor([1, 2, 3]), Tensor([1, 3, 0]))"),
        ("r.inverse_indices, r.counts", "(Tensor([2, 0, 2, 1]), Tensor([1, 1, 2]))"),
    ),
    "asarray": (
        ("xp.asarray([1, 2])", "Tensor([1, 2])"),
        ("xp.asarray([1, 2], dtype=xp.float32)", "Tensor([1., 2.], dtype=float32)"),
        "x = xg.tensor([1.0, 2.0])",
        ("xp.asarray(x) is x", "True"),
    ),
    "empty": (
        "y = xp.empty((2, 3))",
        ("y.shape, y.dtype", "((2, 3), dtype('float64'))"),
    ),
    "empty_like": (
        "y = xp.empty_like(xg.tensor([[1.0, 2.0]]))",
        ("y.shape, y.dtype", "((1, 2), dtype('float64'))"),
    ),
    "zeros_like": (("xp.zeros_like(xg.tensor([[1.0, 2.0]]))", "Tensor([[0., 0.]])"),),
    "ones_like": (("xp.ones_like(xg.tensor([1, 2, 3]))", "Tensor([1, 1, 1])"),),
    "full_like": (("xp.full_like(xg.tensor([1.0, 2.0]), 3.0)", "Tensor([3., 3.])"),),
    "from_dlpack": (
        "import numpy as np",
        "y = xp.from_dlpack(np.array([1.0, 2.0]))",
        ("y, y.constant", "(Tensor([1., 2.]), True)"),
    ),
    "astype": (
        "x = xg.tensor([1.5, 2.5])",
        "y = xp.astype(x, xp.float32)",
        "y.backward()",
        ("y.dtype, x.grad", "(dtype('float32'), array([1., 1.]))"),
        ("xp.astype(x, xp.int32)", "Tensor([1, 2], dtype=int32)"),
    ),
    "finfo": (
        "f = xp.finfo(xp.float32)",
        ("f.bits, f.eps", "(32, 1.1920928955078125e-07)"),
        ("xp.finfo(xp.asarray([1.0])).dtype", "dtype('float64')"),
    ),
    "iinfo": (
        "i = xp.iinfo(xp.int8)",
        ("i.min, i.max", "(-128, 127)"),
    ),
    "linalg.cholesky": (
        "x = xg.tensor([[4.0, 2.0], [2.0, 3.0]])",
        "y = xp.linalg.cholesky(x)",
        ("y", "Tensor([[2.        , 0.        ],\n        [1.        , 1.41421356]])"),
        ("xp.matmul(y, xp.matrix_transpose(y))", "Tensor([[4., 2.],\n        [2., 3.]])"),
        "xp.sum(xp.linalg.diagonal(y)).backward()",
        ("x.grad", "array([[ 0.33838835, -0.1767767 ],\n       [-0.1767767 ,  0.35355339]])"),
    ),
    "linalg.cross": (
        "a = xg.tensor([1.0, 0.0, 0.0])",
        "b = xg.tensor([0.0, 1.0, 0.0])",
        "y = xp.linalg.cross(a, b)",
        "(y * xp.asarray([1.0, 2.0, 3.0])).backward()",
        (
            "y, a.grad, b.grad",
            "(Tensor([0., 0., 1.]), array([ 3.,  0., -1.]), array([ 0.,  3., -2.]))",
        ),
    ),
    "linalg.det": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "y = xp.linalg.det(x)",
        "y.backward()",
        ("y", "Tensor(-2.)"),
        ("x.grad", "array([[ 4., -3.],\n       [-2.,  1.]])"),
    ),
    "linalg.diagonal": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "y = xp.linalg.diagonal(x)",
        "y.backward()",
        ("y", "Tensor([1., 4.])"),
        ("x.grad", "array([[1., 0.],\n       [0., 1.]])"),
        ("xp.linalg.diagonal(x, offset=1)", "Tensor([2.])"),
    ),
    "linalg.eigh": (
        "x = xg.tensor([[2.0, 1.0], [1.0, 2.0]])",
        "w, v = xp.linalg.eigh(x)",
        ("w", "Tensor([1., 3.])"),
        ("xp.abs(v)", "Tensor([[0.70710678, 0.70710678],\n        [0.70710678, 0.70710678]])"),
        "(w * xp.asarray([0.0, 1.0])).backward()",
        ("x.grad", "array([[0.5, 0.5],\n       [0.5, 0.5]])"),
    ),
    "linalg.eigvalsh": (
        "x = xg.tensor([[2.0, 1.0], [1.0, 2.0]])",
        "w = xp.linalg.eigvalsh(x)",
        "(w * xp.asarray([0.0, 1.0])).backward()",
        ("w", "Tensor([1., 3.])"),
        ("x.grad", "array([[0.5, 0.5],\n       [0.5, 0.5]])"),
    ),
    "linalg.inv": (
        "x = xg.tensor([[2.0, 0.0], [0.0, 4.0]])",
        "y = xp.linalg.inv(x)",
        "y.backward()",
        ("y", "Tensor([[0.5 , 0.  ],\n        [0.  , 0.25]])"),
        ("x.grad", "array([[-0.25  , -0.125 ],\n       [-0.125 , -0.0625]])"),
    ),
    "linalg.matmul": (
        "a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "b = xg.tensor([[1.0], [1.0]])",
        "y = xp.linalg.matmul(a, b)",
        "y.backward()",
        ("y", "Tensor([[3.],\n        [7.]])"),
        ("a.grad", "array([[1., 1.],\n       [1., 1.]])"),
        ("b.grad", "array([[4.],\n       [6.]])"),
    ),
    "linalg.matrix_norm": (
        "x = xg.tensor([[3.0, 0.0], [0.0, 4.0]])",
        "y = xp.linalg.matrix_norm(x)",
        "y.backward()",
        ("y", "Tensor(5.)"),
        ("x.grad", "array([[0.6, 0. ],\n       [0. , 0.8]])"),
        (
            'xp.linalg.matrix_norm(x, ord="nuc"), xp.linalg.matrix_norm(x, ord=2)',
            "(Tensor(7.), Tensor(4.))",
        ),
    ),
    "linalg.matrix_power": (
        "x = xg.tensor([[1.0, 1.0], [0.0, 1.0]])",
        "y = xp.linalg.matrix_power(x, 3)",
        "y.backward()",
        ("y", "Tensor([[1., 3.],\n        [0., 1.]])"),
        ("x.grad", "array([[ 6.,  3.],\n       [10.,  6.]])"),
    ),
    "linalg.matrix_transpose": (
        "x = xg.tensor([[1.0, 2.0, 3.0]])",
        "y = xp.linalg.matrix_transpose(x)",
        "(y * xp.asarray([[1.0], [2.0], [3.0]])).backward()",
        ("y", "Tensor([[1.],\n        [2.],\n        [3.]])"),
        ("x.grad", "array([[1., 2., 3.]])"),
    ),
    "linalg.outer": (
        "a = xg.tensor([1.0, 2.0])",
        "b = xg.tensor([3.0, 4.0, 5.0])",
        "y = xp.linalg.outer(a, b)",
        "y.backward()",
        ("y", "Tensor([[ 3.,  4.,  5.],\n        [ 6.,  8., 10.]])"),
        ("a.grad, b.grad", "(array([12., 12.]), array([3., 3., 3.]))"),
    ),
    "linalg.pinv": (
        "x = xg.tensor([[2.0, 0.0], [0.0, 4.0], [0.0, 0.0]])",
        "y = xp.linalg.pinv(x)",
        ("y", "Tensor([[0.5 , 0.  , 0.  ],\n        [0.  , 0.25, 0.  ]])"),
        "xp.sum(xp.linalg.diagonal(y)).backward()",
        (
            "x.grad",
            ("array([[-0.25  ,  0.    ],\n       [ 0.    , -0.0625],\n       [ 0.    ,  0.    ]])"),
        ),
    ),
    "linalg.qr": (
        "x = xg.tensor([[3.0, 1.0], [4.0, 2.0]])",
        "q, r = xp.linalg.qr(x)",
        ("xp.matmul(q, r)", "Tensor([[3., 1.],\n        [4., 2.]])"),
        ("xp.abs(r)", "Tensor([[5. , 2.2],\n        [0. , 0.4]])"),
        "xp.sum(xp.abs(xp.linalg.diagonal(r))).backward()",
        ("x.grad", "array([[ 0.952, -0.8  ],\n       [ 0.536,  0.6  ]])"),
    ),
    "linalg.slogdet": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "sign, logabsdet = xp.linalg.slogdet(x)",
        ("sign, logabsdet", "(Tensor(-1.), Tensor(0.69314718))"),
        "logabsdet.backward()",
        ("x.grad", "array([[-2. ,  1.5],\n       [ 1. , -0.5]])"),
    ),
    "linalg.solve": (
        "a = xg.tensor([[2.0, 0.0], [0.0, 4.0]])",
        "b = xg.tensor([2.0, 4.0])",
        "y = xp.linalg.solve(a, b)",
        "y.backward()",
        ("y, b.grad", "(Tensor([1., 1.]), array([0.5 , 0.25]))"),
        ("a.grad", "array([[-0.5 , -0.5 ],\n       [-0.25, -0.25]])"),
    ),
    "linalg.svd": (
        "x = xg.tensor([[0.0, 2.0], [3.0, 0.0]])",
        "u, s, vh = xp.linalg.svd(x)",
        ("s", "Tensor([3., 2.])"),
        ("xp.matmul(u * s, vh)", "Tensor([[0., 2.],\n        [3., 0.]])"),
        "s.backward()",
        ("x.grad", "array([[0., 1.],\n       [1., 0.]])"),
    ),
    "linalg.svdvals": (
        "x = xg.tensor([[0.0, 2.0], [3.0, 0.0]])",
        "s = xp.linalg.svdvals(x)",
        "(s * xp.asarray([1.0, 0.0])).backward()",
        ("s", "Tensor([3., 2.])"),
        ("x.grad", "array([[0., 0.],\n       [1., 0.]])"),
    ),
    "linalg.tensordot": (
        "a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "b = xg.tensor([[1.0, 0.0], [0.0, 1.0]])",
        "y = xp.linalg.tensordot(a, b, axes=2)",
        "y.backward()",
        ("y", "Tensor(5.)"),
        ("a.grad", "array([[1., 0.],\n       [0., 1.]])"),
    ),
    "linalg.trace": (
        "x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "y = xp.linalg.trace(x)",
        "y.backward()",
        ("y", "Tensor(5.)"),
        ("x.grad", "array([[1., 0.],\n       [0., 1.]])"),
    ),
    "linalg.vecdot": (
        "a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])",
        "b = xg.tensor([1.0, -1.0])",
        "y = xp.linalg.vecdot(a, b)",
        "y.backward()",
        ("y, b.grad", "(Tensor([-1., -1.]), array([4., 6.]))"),
        ("a.grad", "array([[ 1., -1.],\n       [ 1., -1.]])"),
    ),
    "linalg.vector_norm": (
        "x = xg.tensor([3.0, 4.0])",
        "y = xp.linalg.vector_norm(x)",
        "y.backward()",
        ("y, x.grad", "(Tensor(5.), array([0.6, 0.8]))"),
        (
            "xp.linalg.vector_norm(x, ord=1), xp.linalg.vector_norm(x, ord=xp.inf)",
            "(Tensor(7.), Tensor(4.))",
        ),
    ),
}


Line = str | tuple[str, str]  # a statement, or an expression and the output it shows


def _lines(name: str) -> tuple[Line, ...]:
    """The example of ``name`` (``"sin"``, ``"linalg.det"``) as doctest lines."""
    call = f"xp.{name}"
    if name in UNARY:
        x, shown = UNARY[name]
        return (f"x = xg.tensor({x})", f"y = {call}(x)", "y.backward()", ("y, x.grad", shown))
    if name in BINARY:
        x1, x2, value, grads = BINARY[name]
        return (
            f"x1 = xg.tensor({x1})",
            f"x2 = xg.tensor({x2})",
            f"y = {call}(x1, x2)",
            "y.backward()",
            ("y", value),
            ("x1.grad, x2.grad", grads),
        )
    if name in ROUNDING:
        x, shown = ROUNDING[name]
        return (f"x = xg.tensor({x})", f"y = {call}(x)", ("y, y.constant", shown))
    if name in CONSTANT:
        return (CONSTANT[name],)
    return OTHER[name]


EXAMPLES: dict[str, tuple[Line, ...]] = {
    name: _lines(name) for table in (UNARY, BINARY, ROUNDING, CONSTANT, OTHER) for name in table
}

# -- what the functions are --------------------------------------------------------------------
CREATION = frozenset(
    "arange asarray empty empty_like eye from_dlpack full full_like linspace ones ones_like "
    "zeros zeros_like".split()
)
#: results that are not tensors
QUERIES = frozenset("broadcast_shapes can_cast finfo iinfo isdtype result_type".split())
#: constant tensor results, whatever the input
CONSTANT_RESULTS = (
    (frozenset(CONSTANT) | frozenset(ROUNDING) | {"argsort", "floor_divide", "unique_all"})
    - CREATION
    - QUERIES
)
#: no function of this name in xgrad's NumPy-style front door
NO_COUNTERPART = frozenset("finfo from_dlpack iinfo isdtype".split())

RETURNS: dict[str, tuple[str, str]] = {
    "nonzero": (
        "tuple of Tensor",
        "The indices of the non-zero elements, one constant integer tensor per axis of ``x``.",
    ),
    "unique_all": (
        "UniqueAllResult",
        "Named tuple ``(values, indices, inverse_indices, counts)`` of constant tensors.",
    ),
    "unique_counts": (
        "UniqueCountsResult",
        "Named tuple ``(values, counts)`` of constant tensors.",
    ),
    "unique_inverse": (
        "UniqueInverseResult",
        "Named tuple ``(values, inverse_indices)`` of constant tensors.",
    ),
    "unique_values": ("Tensor", "The sorted unique values (a constant tensor)."),
    "broadcast_arrays": (
        "list of Tensor",
        "The arrays broadcast to one shape (differentiable views).",
    ),
    "meshgrid": ("list of Tensor", "One grid per input array, differentiable."),
    "unstack": ("tuple of Tensor", "The slices, differentiable."),
    "broadcast_shapes": ("tuple of int", "The broadcast shape."),
    "can_cast": ("bool", "Whether the cast is allowed by the type promotion rules."),
    "isdtype": ("bool", "Whether ``dtype`` is of ``kind``."),
    "result_type": ("dtype", "The promoted dtype (the backend's dtype object)."),
    "finfo": (
        "FInfo",
        "Named tuple ``(bits, eps, max, min, smallest_normal, dtype)``: Python "
        "numbers, and the dtype.",
    ),
    "iinfo": ("iinfo", "The backend's integer limits: ``bits``, ``min``, ``max``, ``dtype``."),
    "asarray": (
        "Tensor",
        "``obj`` itself if it is a tensor (cast, copied or moved, "
        "differentiably, if asked), else a new constant tensor.",
    ),
    "astype": (
        "Tensor",
        "``x`` cast: differentiable between floating dtypes, constant for "
        "an integer or boolean target.",
    ),
    "linalg.eigh": (
        "EighResult",
        "Named tuple ``(eigenvalues, eigenvectors)``, both differentiable.",
    ),
    "linalg.qr": ("QRResult", "Named tuple ``(Q, R)``, both differentiable."),
    "linalg.svd": ("SVDResult", "Named tuple ``(U, S, Vh)``, all differentiable."),
    "linalg.slogdet": (
        "SlogdetResult",
        "Named tuple ``(sign, logabsdet)``: ``sign`` is constant, ``logabsdet`` differentiable.",
    ),
    "linalg.matrix_rank": ("Tensor", "The ranks (a constant integer tensor)."),
}

# -- parameters --------------------------------------------------------------------------------
_OPERAND = "Tensor, array or Python number"
PARAMETERS: dict[str, tuple[str, str]] = {
    "x": ("Tensor or array", "The input."),
    "x1": ("Tensor or array", "The first operand."),
    "x2": ("Tensor or array", "The second operand."),
    "axis": (
        "int or tuple of int, optional",
        "The axis or axes to work along (``None``: all of them).",
    ),
    "keepdims": (
        "bool, optional",
        "Keep the reduced axes, with length 1, so that the result broadcasts against ``x``.",
    ),
    "dtype": (
        "dtype, optional",
        "The dtype of the result (one of the namespace's, such as "
        "``xp.float32``); by default the one the standard's rules give.",
    ),
    "device": (
        "device, optional",
        "Where the result lives: a device of the namespace's "
        'backend (``"cpu"`` for NumPy); by default the current one '
        "(:func:`xgrad.get_device`).",
    ),
    "copy": (
        "bool, optional",
        "``True``: always copy; ``False``: never (``ValueError`` where "
        "a copy is needed); ``None``: copy only where needed.",
    ),
    "shape": ("int or tuple of int", "The shape of the result."),
    "arrays": ("sequence of Tensor or array", "The arrays."),
    "arrays_and_dtypes": ("Tensor, array, dtype or Python scalar", "What to promote."),
    "condition": (
        "Tensor or array of bool",
        "Where to take ``x1`` (true) or ``x2`` (false); used as a constant.",
    ),
    "correction": (
        "float, optional",
        "Subtracted from the number of elements in the divisor (``1``: the unbiased estimate).",
    ),
    "descending": ("bool, optional", "Sort from the largest to the smallest."),
    "stable": ("bool, optional", "Keep equal elements in their order."),
    "source": ("int or tuple of int", "The axes to move."),
    "destination": ("int or tuple of int", "Their new positions."),
    "endpoint": ("bool, optional", "Whether ``stop`` is the last value."),
    "fill_value": ("Python number or 0-d Tensor", "The value of every element."),
    "from_": ("dtype or Tensor", "The dtype to cast from (a tensor stands for its dtype)."),
    "to": ("dtype", "The dtype to cast to."),
    "full_matrices": (
        "bool, optional",
        "``True``: square ``U`` and ``Vh``; ``False``: the reduced ones.",
    ),
    "include_initial": (
        "bool, optional",
        "Start with the identity (0 for a sum, 1 for a "
        "product): the result is one longer along ``axis``.",
    ),
    "indexing": (
        "{'xy', 'ij'}, optional",
        '``"xy"``: Cartesian (the first two axes swapped); ``"ij"``: matrix indexing.',
    ),
    "indices": ("Tensor or array of int", "The indices to pick (used as a constant)."),
    "invert": ("bool, optional", "Negate the result (whether each element is *not* in ``x2``)."),
    "k": ("int, optional", "The diagonal: 0 the main one, positive above it, negative below."),
    "offset": ("int, optional", "The diagonal: 0 the main one, positive above it, negative below."),
    "kind": (
        "str, dtype or tuple of them",
        '``"bool"``, ``"signed integer"``, '
        '``"unsigned integer"``, ``"integral"``, ``"real floating"``, ``"complex '
        'floating"``, ``"numeric"``, a dtype, or a tuple of these.',
    ),
    "min": ("Python number, Tensor or None, optional", "The lower bound (``None``: none)."),
    "max": ("Python number, Tensor or None, optional", "The upper bound (``None``: none)."),
    "mode": (
        "{'reduced', 'complete'}, optional",
        "``Q`` of shape ``(M, K)`` and ``R`` of "
        "``(K, N)`` with ``K = min(M, N)``, or square ``Q``.",
    ),
    "n_rows": ("int", "The number of rows."),
    "n_cols": ("int, optional", "The number of columns (default: ``n_rows``)."),
    "num": ("int", "The number of values."),
    "obj": (
        "Tensor, array, Python scalar or nested sequence",
        "The data (a sequence may hold tensors: they are stacked, differentiably).",
    ),
    "prepend": (_OPERAND + ", optional", "Values put before ``x`` along ``axis`` first."),
    "append": (_OPERAND + ", optional", "Values put after ``x`` along ``axis`` first."),
    "repeats": (
        "int or Tensor of int",
        "How many times to repeat each element: one count "
        "for all, or one per element along ``axis``.",
    ),
    "repetitions": ("tuple of int", "How many times to repeat ``x`` along each axis."),
    "rtol": (
        "float or Tensor, optional",
        "Singular values up to ``rtol`` times the largest "
        "count as zero (default: ``max(M, N)`` times the dtype's ``eps``).",
    ),
    "shapes": ("tuple of int", "The shapes to broadcast."),
    "shift": ("int or tuple of int", "How many places to shift (negative: backwards)."),
    "side": (
        "{'left', 'right'}, optional",
        "For a value equal to elements of ``x1``: the "
        'place before them (``"left"``) or after them.',
    ),
    "sorter": (
        "Tensor or array of int, optional",
        "Indices that sort ``x1``, if ``x1`` is not sorted itself.",
    ),
    "type": ("dtype or Tensor", "The dtype (a tensor stands for its dtype)."),
    "upper": (
        "bool, optional",
        "Give the upper factor ``U`` (``x = U^T U``) instead of the lower ``L`` (``x = L L^T``).",
    ),
    "ord": ("int, float or inf, optional", "Which norm."),
    "axes": ("tuple of int", "The new order of the axes."),
    "n": ("int", "How many times to take the difference."),
    "start": ("int or float", "The first value."),
    "stop": ("int or float", "The last value."),
    "step": ("int or float, optional", "The spacing."),
    "y": ("Tensor or array", "The second operand."),
}
#: where a parameter means something particular to one function
PARAMETERS_OF: dict[tuple[str, str], tuple[str, str]] = {
    ("arange", "start"): ("int or float", "The first value (alone: ``stop``, from 0)."),
    ("arange", "stop"): ("int or float, optional", "The end (not included)."),
    ("diff", "n"): ("int, optional", "How many times to take the difference."),
    ("linalg.matrix_power", "n"): ("int", "The power (negative: a power of the inverse)."),
    ("tensordot", "axes"): (
        "int or pair of sequences of int, optional",
        "The number of "
        "trailing axes of ``x1`` and leading axes of ``x2`` to contract, "
        "or the two lists of axes.",
    ),
    ("linalg.matrix_norm", "ord"): (
        "{'fro', 'nuc', 1, 2, inf, -1, -2, -inf}, optional",
        "Which norm (Frobenius by default).",
    ),
    ("linalg.vector_norm", "ord"): (
        "int, float, inf or -inf, optional",
        "Which norm: ``2`` "
        "(Euclidean, the default), ``1``, ``inf`` (the largest "
        "absolute value), any p.",
    ),
    ("searchsorted", "x1"): ("Tensor or array", "A sorted 1-D array."),
    ("searchsorted", "x2"): ("Tensor, array or Python number", "The values to place."),
    ("isin", "x1"): ("Tensor or array", "The elements to look up."),
    ("isin", "x2"): ("Tensor or array", "The values to look for."),
    ("where", "x1"): (_OPERAND, "The values where ``condition`` is true."),
    ("where", "x2"): (_OPERAND, "The values where it is false."),
    ("linalg.solve", "x1"): ("Tensor or array", "The coefficient matrices (square)."),
    ("linalg.solve", "x2"): ("Tensor or array", "The right-hand sides (a vector when 1-D)."),
    ("repeat", "axis"): (
        "int, optional",
        "The axis to repeat along (``None``: of the flattened array).",
    ),
    ("concat", "axis"): (
        "int or None, optional",
        "The axis to join along (``None``: flatten the arrays first).",
    ),
    ("stack", "axis"): ("int, optional", "The position of the new axis."),
    ("expand_dims", "axis"): ("int, optional", "The position of the new axis."),
    ("squeeze", "axis"): ("int or tuple of int", "The size-1 axes to remove."),
    ("unstack", "axis"): ("int, optional", "The axis to split along."),
    ("astype", "dtype"): ("dtype", "The dtype to cast to."),
    ("isdtype", "dtype"): ("dtype", "The dtype to test."),
    ("special.xlogy", "x"): (_OPERAND, "The factor (where it is 0 the result is 0)."),
    ("special.xlogy", "y"): (_OPERAND, "The argument of the logarithm."),
    ("special.xlog1py", "x"): (_OPERAND, "The factor (where it is 0 the result is 0)."),
    ("special.xlog1py", "y"): (_OPERAND, "The argument of ``log1p``."),
}
for _name in ("take", "take_along_axis", "argmax", "argmin", "argsort", "sort", "diff"):
    PARAMETERS_OF[(_name, "axis")] = ("int, optional", "The axis to work along.")
for _name in ("cumulative_sum", "cumulative_prod"):
    PARAMETERS_OF[(_name, "axis")] = (
        "int, optional",
        "The axis to accumulate along (may be omitted for 1-D input).",
    )
    PARAMETERS_OF[(_name, "dtype")] = ("dtype, optional", "The dtype to accumulate in.")
for _name in ("sum", "prod"):
    PARAMETERS_OF[(_name, "dtype")] = (
        "dtype, optional",
        "The dtype to compute (and return) the result in.",
    )
for _name in ("vecdot", "linalg.vecdot", "linalg.cross"):
    PARAMETERS_OF[(_name, "axis")] = ("int, optional", "The axis that holds the vectors.")
for _name in ("linspace",):
    PARAMETERS_OF[(_name, "stop")] = ("int or float", "The last value (with ``endpoint``).")


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        88,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _parameters(fn: Any, key: str, elementwise: bool) -> list[str]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # every function here has one
        return []
    out = []
    for p in params:
        typ, desc = PARAMETERS_OF.get((key, p.name)) or PARAMETERS.get(
            p.name, ("object", "See the standard.")
        )
        if elementwise and p.name in ("x", "x1", "x2"):
            typ = _OPERAND
            if p.name == "x1":
                desc = "The first operand; ``x1`` and ``x2`` broadcast against each other."
        name = "*" + p.name if p.kind is p.VAR_POSITIONAL else p.name
        if p.kind is p.VAR_POSITIONAL:
            typ = typ.removeprefix("sequence of ")
        out += [f"{name} : {typ}", *_wrap(desc, "    ")]
    return out


# -- assembling --------------------------------------------------------------------------------
def _example_text(key: str) -> list[str]:
    out = [">>> import xgrad as xg", ">>> xp = xg.array_api"]
    for line in EXAMPLES[key]:
        src, shown = (line, "") if isinstance(line, str) else line
        out.append(">>> " + src)
        if shown:
            out.extend(shown.split("\n"))
    return out


def _first_sentence(fn: Any) -> str:
    """The first sentence of ``fn``'s summary (for *See Also*)."""
    doc = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ").strip()
    head, dot, _ = doc.partition(". ")
    return head + "." if dot else doc


def document(fn: Any, key: str, related: Any = None, elementwise: bool = False) -> Any:
    """Complete the docstring of the namespace function ``fn`` (``key``: its name, ``"det"``
    prefixed ``"linalg."``, ``"expit"`` prefixed ``"special."``); ``related`` is xgrad's
    function of that name (its summary goes into *See Also*). Idempotent."""
    doc = inspect.cleandoc(fn.__doc__ or "")
    if key not in EXAMPLES or "\nExamples\n--------" in doc:
        return fn
    group, _, name = key.rpartition(".")
    counterpart = None if group == "special" or key in NO_COUNTERPART else f"xgrad.{key}"
    if group == "special":
        where = (
            f"Not the standard's: SciPy's :func:`scipy.special.{name}`, which SciPy looks up "
            f"on an array namespace (``xp.special.{name}``) before falling back to NumPy, so "
            "that it computes on tensors and keeps the graph."
        )
    else:
        where = (
            "With the standard's signature, over tensors"
            if elementwise
            else f"The array API standard's ``{key}``, with its signature, over tensors"
        )
        where += (
            f"; xgrad's NumPy-style counterpart is :func:`{counterpart}`." if counterpart else "."
        )
    if key in QUERIES:
        what = ""
    elif key in CREATION:
        what = (
            "The data made is constant: take gradients with respect to tensors made with "
            ":func:`xgrad.tensor`."
        )
    elif key in CONSTANT_RESULTS:
        what = "The result is a constant tensor, whatever the input: no gradient flows through it."
        if key in ROUNDING or key == "floor_divide":
            what += (
                f" Its derivative is zero almost everywhere; :func:`xgrad.{key}` raises "
                ":class:`~xgrad.errors.NonDifferentiableError` for a tensor that needs a "
                "gradient instead, to catch a bug there."
            )
    else:
        what = "Differentiable: the gradient flows back to every input tensor that needs one."
    if key in RETURNS:
        rtype, rdesc = RETURNS[key]
    elif key in CONSTANT_RESULTS or key in CREATION:
        rtype, rdesc = "Tensor", "A constant tensor."
    elif elementwise:
        rtype, rdesc = "Tensor", "The element-wise result (differentiable)."
    else:
        rtype, rdesc = "Tensor", "The result (differentiable)."
    parts = [doc, "\n".join(_wrap(" ".join(p for p in (where, what) if p)))]
    params = _parameters(fn, key, elementwise)
    if params:
        parts.append("\n".join(["Parameters", "----------", *params]))
    parts.append("\n".join(["Returns", "-------", rtype, *_wrap(rdesc, "    ")]))
    if counterpart:
        summary = _first_sentence(related) if related is not None else ""
        see = f"{counterpart} : {summary}" if summary else counterpart
        see_lines = _wrap(see, "    ")
        parts.append("\n".join(["See Also", "--------", see_lines[0].lstrip(), *see_lines[1:]]))
    parts.append("\n".join(["Examples", "--------", *_example_text(key)]))
    fn.__doc__ = "\n\n".join(parts) + "\n"
    return fn


def document_namespace(module: Any, elementwise: Any = ()) -> None:
    """Complete the docstrings of the functions of a namespace module (and of its ``linalg``
    and ``special`` modules); ``elementwise``: the names of its element-wise functions."""
    from .. import _creation
    from ..ops import FUNCTIONS
    from ..ops.linalg import LINALG

    for name in module.__all__:
        fn = getattr(module, name)
        if callable(fn) and not isinstance(fn, type) and name in EXAMPLES:
            related = FUNCTIONS.get(name) or getattr(_creation, name, None)
            document(fn, name, related, elementwise=name in elementwise)
    for group, related_table in (("linalg", LINALG), ("special", {})):
        sub = getattr(module, group, None)
        for name, fn in vars(sub).items() if sub is not None else ():
            if not name.startswith("_") and callable(fn):
                document(fn, f"{group}.{name}", related_table.get(name))
