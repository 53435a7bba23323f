"""The ``Examples`` of the non-differentiable functions generated from :mod:`.nondiff` rows
(see :mod:`._examples`). ``isin``, ``searchsorted`` and ``unique`` are hand-written there, with
their own examples.
"""

from __future__ import annotations

__all__ = ["NONDIFF_EXAMPLES"]

#: doctest text for each non-differentiable row, by the row's name
NONDIFF_EXAMPLES: dict[str, str] = {
    # -- comparisons -------------------------------------------------------------------------------
    "equal": """\
>>> x = xg.tensor([1.0, 2.0, float("nan")])
>>> xg.equal(x, 2.0)                    # a plain array, even for a tensor needing a gradient
array([False,  True, False])
>>> xg.equal(x, x)                      # NaN equals nothing
array([ True,  True, False])
""",
    "not_equal": """\
>>> x = xg.tensor([1.0, 2.0, float("nan")])
>>> xg.not_equal(x, 2.0)
array([ True, False,  True])
""",
    "less": """\
>>> xg.less(xg.tensor([1.0, 2.0, 3.0]), 2.0)
array([ True, False, False])
""",
    "less_equal": """\
>>> xg.less_equal(xg.tensor([1.0, 2.0, 3.0]), 2.0)
array([ True,  True, False])
""",
    "greater": """\
>>> xg.greater(xg.tensor([1.0, 2.0, 3.0]), 2.0)
array([False, False,  True])
""",
    "greater_equal": """\
>>> xg.greater_equal(xg.tensor([1.0, 2.0, 3.0]), 2.0)
array([False,  True,  True])
""",
    # -- logic -------------------------------------------------------------------------------------
    "logical_and": """\
>>> xg.logical_and(xg.tensor([0.0, 1.0, 2.0, 0.0]), xg.tensor([0.0, 0.0, -1.0, 3.0]))
array([False, False,  True, False])
""",
    "logical_or": """\
>>> xg.logical_or(xg.tensor([0.0, 1.0, 2.0, 0.0]), xg.tensor([0.0, 0.0, -1.0, 3.0]))
array([False,  True,  True,  True])
""",
    "logical_xor": """\
>>> xg.logical_xor(xg.tensor([0.0, 1.0, 2.0, 0.0]), xg.tensor([0.0, 0.0, -1.0, 3.0]))
array([False,  True, False,  True])
""",
    "logical_not": """\
>>> xg.logical_not(xg.tensor([0.0, 1.0, -2.5]))
array([ True, False, False])
""",
    # -- bitwise -----------------------------------------------------------------------------------
    "bitwise_and": """\
>>> xg.bitwise_and(xg.tensor([12, 10]), 6)          # 0b1100 & 0b0110, 0b1010 & 0b0110
array([4, 2])
>>> xg.bitwise_and(xg.tensor([True, True]), xg.tensor([True, False]))
array([ True, False])
""",
    "bitwise_or": """\
>>> xg.bitwise_or(xg.tensor([12, 10]), 6)
array([14, 14])
""",
    "bitwise_xor": """\
>>> xg.bitwise_xor(xg.tensor([12, 10]), 6)
array([10, 12])
""",
    "bitwise_invert": """\
>>> xg.bitwise_invert(xg.tensor([0, 5, -1]))       # ~x == -x - 1 in two's complement
array([-1, -6,  0])
>>> xg.bitwise_invert(xg.tensor([True, False]))
array([False,  True])
""",
    "left_shift": """\
>>> xg.left_shift(xg.tensor([1, 3, -3]), 2)
array([  4,  12, -12])
""",
    "right_shift": """\
>>> xg.right_shift(xg.tensor([8, 7, -8]), 1)        # arithmetic: -8 >> 1 == -4
array([ 4,  3, -4])
""",
    # -- predicates --------------------------------------------------------------------------------
    "isnan": """\
>>> xg.isnan(xg.tensor([1.0, float("nan"), float("inf"), -float("inf")]))
array([False,  True, False, False])
""",
    "isinf": """\
>>> xg.isinf(xg.tensor([1.0, float("nan"), float("inf"), -float("inf")]))
array([False, False,  True,  True])
""",
    "isfinite": """\
>>> xg.isfinite(xg.tensor([1.0, float("nan"), float("inf"), -float("inf")]))
array([ True, False, False, False])
""",
    "signbit": """\
>>> xg.signbit(xg.tensor([-1.0, -0.0, 0.0, 2.0]))   # -0.0 has its sign bit set
array([ True,  True, False, False])
""",
    "isclose": """\
>>> a = xg.tensor([1.0, 2.0, float("nan")])
>>> b = xg.tensor([1.0 + 1e-9, 2.1, float("nan")])
>>> xg.isclose(a, b)
array([ True, False, False])
>>> xg.isclose(a, b, equal_nan=True)
array([ True, False,  True])
""",
    "allclose": """\
>>> xg.allclose(xg.tensor([1.0, 2.0]), [1.0, 2.0 + 1e-9])
True
>>> xg.allclose(xg.tensor([1.0, 2.0]), [1.0, 2.1])
False
""",
    "array_equal": """\
>>> xg.array_equal(xg.tensor([1.0, 2.0]), [1.0, 2.0])
True
>>> xg.array_equal(xg.tensor([1.0, 2.0]), [[1.0, 2.0]])    # shapes differ
False
""",
    # -- indices and counts ------------------------------------------------------------------------
    "argmax": """\
>>> x = xg.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 2.0]])
>>> xg.argmax(x)                        # into the flattened array
array(3)
>>> xg.argmax(x, axis=1)                # the first of tied maxima
array([1, 0])
""",
    "argmin": """\
>>> x = xg.tensor([[1.0, 0.0, 0.0], [-2.0, 3.0, 2.0]])
>>> xg.argmin(x)                        # into the flattened array
array(3)
>>> xg.argmin(x, axis=1)                # the first of tied minima
array([1, 0])
""",
    "argsort": """\
>>> xg.argsort(xg.tensor([3.0, 1.0, 2.0, 1.0]))     # stable: the tied 1.0s keep their order
array([1, 3, 2, 0])
""",
    "nonzero": """\
>>> xg.nonzero(xg.tensor([[0.0, 1.0], [2.0, 0.0]]))  # row indices, column indices
(array([0, 1]), array([1, 0]))
""",
    "count_nonzero": """\
>>> x = xg.tensor([[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]])
>>> xg.count_nonzero(x)
array(3)
>>> xg.count_nonzero(x, axis=1)
array([2, 1])
""",
    "any": """\
>>> x = xg.tensor([[0.0, 0.0], [0.0, 1.0]])
>>> xg.any(x)
array(True)
>>> xg.any(x, axis=1)
array([False,  True])
""",
    "all": """\
>>> x = xg.tensor([[1.0, 2.0], [0.0, 1.0]])
>>> xg.all(x)
array(False)
>>> xg.all(x, axis=1)
array([ True, False])
""",
    # -- rounding ----------------------------------------------------------------------------------
    "floor": """\
>>> x = xg.tensor([-1.5, -0.5, 0.5, 1.5], constant=True)
>>> xg.floor(x)
array([-2., -1.,  0.,  1.])
>>> xg.floor(xg.tensor([1.5]))  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
xgrad.errors.NonDifferentiableError: floor has no useful derivative ...
""",
    "ceil": """\
>>> xg.ceil(xg.tensor([-1.5, -0.5, 0.5, 1.5], constant=True))
array([-1., -0.,  1.,  2.])
""",
    "trunc": """\
>>> xg.trunc(xg.tensor([-1.5, -0.5, 0.5, 1.5], constant=True))
array([-1., -0.,  0.,  1.])
""",
    "fix": """\
>>> xg.fix(xg.tensor([-1.5, -0.5, 0.5, 1.5], constant=True))
array([-1., -0.,  0.,  1.])
""",
    "rint": """\
>>> xg.rint(xg.tensor([-1.5, -0.5, 0.5, 1.5, 2.5], constant=True))     # half to even
array([-2., -0.,  0.,  2.,  2.])
""",
    "round": """\
>>> x = xg.tensor([-1.5, 0.5, 1.5, 2.5], constant=True)
>>> xg.round(x)                         # half to even
array([-2.,  0.,  2.,  2.])
>>> xg.round(xg.tensor([1.234, -5.678], constant=True), 1)
array([ 1.2, -5.7])
""",
    "sign": """\
>>> x = xg.tensor([-2.0, 0.0, 3.0])
>>> xg.sign(x.data)
array([-1.,  0.,  1.])
>>> xg.sign(x)  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
xgrad.errors.NonDifferentiableError: sign has no useful derivative ...
""",
    "floor_divide": """\
>>> xg.floor_divide(xg.tensor([7.0, -7.0], constant=True), 2.0)
array([ 3., -4.])
""",
    # -- unique values -----------------------------------------------------------------------------
    "unique_values": """\
>>> xg.unique_values(xg.tensor([3.0, 1.0, 3.0, 2.0]))
array([1., 2., 3.])
""",
    "unique_counts": """\
>>> xg.unique_counts(xg.tensor([3.0, 1.0, 3.0, 2.0]))
UniqueCountsResult(values=array([1., 2., 3.]), counts=array([1, 1, 2]))
""",
    "unique_inverse": """\
>>> xg.unique_inverse(xg.tensor([3.0, 1.0, 3.0, 2.0]))
UniqueInverseResult(values=array([1., 2., 3.]), inverse_indices=array([2, 0, 2, 1]))
""",
    "unique_all": """\
>>> xg.unique_all(xg.tensor([3.0, 1.0, 3.0, 2.0]))  # doctest: +NORMALIZE_WHITESPACE
UniqueAllResult(values=array([1., 2., 3.]), indices=array([1, 3, 0]),
                inverse_indices=array([2, 0, 2, 1]), counts=array([1, 1, 2]))
""",
}
