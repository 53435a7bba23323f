"""The op table, and the public functions derived from it.

Importing this package registers every row (``elementwise``, ``reductions``, ``linalg``,
``shape``, ``indexing``, ``nnet``, ``nondiff``) and builds the public NumPy-style functions
(:mod:`.math_functions`, :mod:`.shape_functions`, :mod:`.manipulation`, and one per
non-differentiable function here) into :data:`FUNCTIONS`. The NumPy dispatch tables
(:mod:`xgrad._interop`) and the test table are derived from the same registry.
"""

from __future__ import annotations

import inspect
from typing import Any

from .._op import OPS, Op, apply, apply1, apply2
from .._registry import FUNCTIONS
from . import conv as _conv_rows  # noqa: F401
from . import elementwise, linalg, reductions  # noqa: F401  (register the rows)
from . import indexing as _indexing_rows  # noqa: F401
from . import manipulation as _manipulation
from . import math_functions as _math_functions  # noqa: F401  (fill FUNCTIONS)
from . import nnet as _nnet_rows  # noqa: F401
from . import nondiff as _nondiff
from . import shape as _shape_rows  # noqa: F401
from . import shape_functions as _shape_functions  # noqa: F401  (fill FUNCTIONS)
from ._examples import examples_section
from .nondiff import NONDIFF, NonDiff, call_nondiff

__all__ = ["FUNCTIONS", "NONDIFF", "OPS", "Op", "apply", "apply1", "apply2"]

FUNCTIONS.update(_manipulation.PUBLIC)


# -- non-differentiable functions --------------------------------------------------------------
def _nondiff_function(nd: NonDiff) -> Any:
    def fn(*args: Any, **kwargs: Any) -> Any:
        return call_nondiff(nd, args[: nd.nin], _nd_kwargs(nd, args[nd.nin :], kwargs))

    fn.__name__ = fn.__qualname__ = nd.name
    fn.__module__ = "xgrad"
    kind = (
        "Returns an array for constant tensors and raises NonDifferentiableError for "
        "tensors that need a gradient (its derivative is zero almost everywhere)."
        if nd.rounding
        else "Returns a plain array of the inputs' backend (not a Tensor)."
    )
    fn.__doc__ = f"{nd.name}: {nd.doc}.\n\nNot differentiable. {kind}\n" + _nd_sections(nd)
    fn._xgrad_nondiff = nd
    return fn


#: what the non-differentiable functions that return no single array give
_ND_RETURNS = {
    "allclose": "bool\n    A Python bool.\n",
    "array_equal": "bool\n    A Python bool.\n",
    "nonzero": "tuple of arrays\n    The indices along each axis, one integer array per axis.\n",
    "unique_all": "namedtuple\n    ``values``, ``indices``, ``inverse_indices``, ``counts``.\n",
    "unique_counts": "namedtuple\n    ``values``, ``counts``.\n",
    "unique_inverse": "namedtuple\n    ``values``, ``inverse_indices``.\n",
}


def _nd_sections(nd: NonDiff) -> str:
    """The Parameters, Returns and Examples sections of a generated non-differentiable
    function: the inputs, then the options ``nd.impl`` takes after them."""
    names = ("x",) if nd.nin == 1 else tuple(f"x{i + 1}" for i in range(nd.nin))
    lines = [f"{n} : Tensor, array or number" for n in names]
    if callable(nd.impl):
        params = list(inspect.signature(nd.impl).parameters.values())[1 + nd.nin :]
        lines += [
            f"{p.name} : optional\n    Default ``{p.default!r}``."
            for p in params
            if p.default is not p.empty
        ]
    returns = _ND_RETURNS.get(nd.name, "array\n    A plain array of the inputs' backend.\n")
    return (
        "\nParameters\n----------\n"
        + "\n".join(lines)
        + "\n\nReturns\n-------\n"
        + returns
        + examples_section(nd.name, [k for k, v in NONDIFF.items() if v is nd])
    )


def _nd_kwargs(nd: NonDiff, extra: tuple, kwargs: dict) -> dict:
    """Map NumPy's positional extras (``axis``, ``decimals``) and drop ``out=None``."""
    kwargs = {k: v for k, v in kwargs.items() if not (k == "out" and v is None)}
    if "out" in kwargs:
        raise TypeError(f"{nd.name}: out= is not supported; use the returned array")
    if extra:
        names = {"round": ("decimals",), "around": ("decimals",)}.get(nd.name, ("axis", "keepdims"))
        kwargs.update(zip(names, extra, strict=False))
    return kwargs


_nd_made: dict[int, Any] = {}
for _name, _nd in NONDIFF.items():
    if id(_nd) not in _nd_made:  # NumPy's signature where nondiff.py spells one out
        _nd_made[id(_nd)] = _nondiff.PUBLIC.get(_nd.name) or _nondiff_function(_nd)
    FUNCTIONS[_name] = _nd_made[id(_nd)]


# -- NumPy functions (not ufuncs) that dispatch to the function of the same name ---------------
# (ufuncs such as ``copysign`` and ``left_shift`` dispatch by name already; ``_interop`` reads
# this table, which op modules fill by NumPy path since they may not import NumPy)
linalg.NUMPY_DISPATCH.update(
    {
        _name: FUNCTIONS[_name]
        for _name in (
            "real",
            "imag",
            "isin",
            "searchsorted",
            "unique",
            "unique_all",
            "unique_counts",
            "unique_inverse",
            "unique_values",
            "meshgrid",
            "broadcast_arrays",
            "unstack",
        )
    }
)
