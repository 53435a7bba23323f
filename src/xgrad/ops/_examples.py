"""The ``Examples`` sections of the public functions generated from op-table rows.

One entry per row, by the row's name: the elementwise rows of :mod:`.elementwise` here, the
non-differentiable rows of :mod:`.nondiff` in :mod:`._examples_nondiff`. An entry is doctest
text with literal outputs (checked by hand against the mathematics, not only run), written
without the ``import xgrad as xg`` line that :func:`examples_section` puts first. A row's
aliases (``abs`` for ``absolute``) are the same function object, so they share its docstring:
:func:`examples_section` adds a line per alias showing that it names that function.
Differentiable examples show the value and each input's gradient (of the sum of the result).

``_doc`` (:mod:`._public`) and ``_nondiff_function`` (:mod:`xgrad.ops`) append the section;
``tests/test_op_examples.py`` fails for a row without an entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._examples_nondiff import NONDIFF_EXAMPLES

__all__ = ["ELEMENTWISE_EXAMPLES", "NONDIFF_EXAMPLES", "examples_section"]


def examples_section(name: str, aliases: Iterable[str] = ()) -> str:
    """The NumPy-style ``Examples`` section of the row ``name`` ("" if it has no entry)."""
    text = ELEMENTWISE_EXAMPLES.get(name) or NONDIFF_EXAMPLES.get(name)
    if text is None:
        return ""
    lines = [">>> import xgrad as xg", text.rstrip("\n")]
    lines += [f">>> xg.{alias} is xg.{name}\nTrue" for alias in aliases if alias != name]
    return "\nExamples\n--------\n" + "\n".join(lines) + "\n"


#: doctest text for each elementwise row (:mod:`.elementwise`); ``clip`` is hand-written
ELEMENTWISE_EXAMPLES: dict[str, str] = {
    # -- arithmetic --------------------------------------------------------------------------------
    "add": """\
>>> a = xg.tensor([1.0, 2.0, 3.0])
>>> b = xg.tensor(10.0)
>>> y = xg.add(a, b)                    # b broadcasts against a
>>> y.backward()
>>> y
Tensor([11., 12., 13.])
>>> a.grad, b.grad                      # b's gradient sums over the broadcast axis
(array([1., 1., 1.]), array(3.))
>>> xg.add(xg.tensor([1.0, 2.0], dtype="float32"), 0.5)  # a Python scalar is weak
Tensor([1.5, 2.5], dtype=float32)
""",
    "subtract": """\
>>> a = xg.tensor([5.0, 7.0])
>>> b = xg.tensor([2.0, 3.0])
>>> y = xg.subtract(a, b)
>>> y.backward()
>>> y
Tensor([3., 4.])
>>> a.grad, b.grad
(array([1., 1.]), array([-1., -1.]))
""",
    "multiply": """\
>>> a = xg.tensor([1.0, 2.0, 3.0])
>>> b = xg.tensor([4.0, 5.0, 6.0])
>>> y = xg.multiply(a, b)
>>> y.backward()
>>> y
Tensor([ 4., 10., 18.])
>>> a.grad, b.grad                      # b and a
(array([4., 5., 6.]), array([1., 2., 3.]))
""",
    "divide": """\
>>> a = xg.tensor([1.0, 2.0, 3.0])
>>> b = xg.tensor([2.0, 4.0, 8.0])
>>> y = xg.divide(a, b)
>>> y.backward()
>>> y
Tensor([0.5  , 0.5  , 0.375])
>>> a.grad, b.grad                      # 1/b and -a/b**2
(array([0.5  , 0.25 , 0.125]), array([-0.25    , -0.125   , -0.046875]))
""",
    "power": """\
>>> a = xg.tensor([0.0, 2.0, 4.0])
>>> b = xg.tensor([2.0, 3.0, 0.5])
>>> y = xg.power(a, b)
>>> y.backward()
>>> y
Tensor([0., 8., 2.])
>>> a.grad                              # b * a**(b - 1)
array([ 0.  , 12.  ,  0.25])
>>> b.grad                              # a**b * log(a), and its limit 0 at a = 0
array([0.        , 5.54517744, 2.77258872])
""",
    "maximum": """\
>>> a = xg.tensor([1.0, 2.0, 3.0])
>>> b = xg.tensor([3.0, 2.0, 1.0])
>>> y = xg.maximum(a, b)
>>> y.backward()
>>> y
Tensor([3., 2., 3.])
>>> a.grad, b.grad                      # a tie gives each side half
(array([0. , 0.5, 1. ]), array([1. , 0.5, 0. ]))
""",
    "minimum": """\
>>> a = xg.tensor([1.0, 2.0, 3.0])
>>> b = xg.tensor([3.0, 2.0, 1.0])
>>> y = xg.minimum(a, b)
>>> y.backward()
>>> y
Tensor([1., 2., 1.])
>>> a.grad, b.grad                      # a tie gives each side half
(array([1. , 0.5, 0. ]), array([0. , 0.5, 1. ]))
""",
    "remainder": """\
>>> a = xg.tensor([5.0, -5.0, 5.0])
>>> b = xg.tensor([3.0, 3.0, -3.0])
>>> y = xg.remainder(a, b)              # the sign of b, as Python's %
>>> y.backward()
>>> y
Tensor([ 2.,  1., -1.])
>>> a.grad, b.grad                      # 1 and -(a // b)
(array([1., 1., 1.]), array([-1.,  2.,  2.]))
""",
    "fmod": """\
>>> a = xg.tensor([5.0, -5.0, 5.0])
>>> b = xg.tensor([3.0, 3.0, -3.0])
>>> y = xg.fmod(a, b)                   # the sign of a, as C's fmod
>>> y.backward()
>>> y
Tensor([ 2., -2.,  2.])
>>> a.grad, b.grad                      # 1 and -trunc(a / b)
(array([1., 1., 1.]), array([-1.,  1.,  1.]))
""",
    "negative": """\
>>> x = xg.tensor([1.0, -2.0])
>>> y = xg.negative(x)
>>> y.backward()
>>> y
Tensor([-1.,  2.])
>>> x.grad
array([-1., -1.])
""",
    "positive": """\
>>> x = xg.tensor([1.0, -2.0])
>>> y = xg.positive(x)
>>> y.backward()
>>> y
Tensor([ 1., -2.])
>>> x.grad
array([1., 1.])
""",
    "reciprocal": """\
>>> x = xg.tensor([1.0, 2.0, 4.0])
>>> y = xg.reciprocal(x)
>>> y.backward()
>>> y
Tensor([1.  , 0.5 , 0.25])
>>> x.grad                              # -1/x**2
array([-1.    , -0.25  , -0.0625])
""",
    # -- powers, roots, absolute value -------------------------------------------------------------
    "square": """\
>>> x = xg.tensor([-2.0, 0.5, 3.0])
>>> y = xg.square(x)
>>> y.backward()
>>> y
Tensor([4.  , 0.25, 9.  ])
>>> x.grad                              # 2x
array([-4.,  1.,  6.])
""",
    "sqrt": """\
>>> x = xg.tensor([0.25, 1.0, 4.0])
>>> y = xg.sqrt(x)
>>> y.backward()
>>> y
Tensor([0.5, 1. , 2. ])
>>> x.grad                              # 1 / (2 sqrt(x))
array([1.  , 0.5 , 0.25])
""",
    "cbrt": """\
>>> x = xg.tensor([-8.0, 1.0, 27.0])
>>> y = xg.cbrt(x)                      # real cube roots of negative numbers too
>>> y.backward()
>>> y
Tensor([-2.,  1.,  3.])
>>> x.grad                              # 1 / (3 cbrt(x)**2)
array([0.08333333, 0.33333333, 0.03703704])
""",
    "absolute": """\
>>> x = xg.tensor([-2.0, 0.0, 3.0])
>>> y = xg.absolute(x)
>>> y.backward()
>>> y
Tensor([2., 0., 3.])
>>> x.grad                              # sign(x): 0 at the kink
array([-1.,  0.,  1.])
""",
    "hypot": """\
>>> a = xg.tensor([3.0, 5.0])
>>> b = xg.tensor([4.0, 12.0])
>>> y = xg.hypot(a, b)
>>> y.backward()
>>> y
Tensor([ 5., 13.])
>>> a.grad, b.grad                      # a / y and b / y
(array([0.6       , 0.38461538]), array([0.8       , 0.92307692]))
""",
    # -- exponentials and logarithms ---------------------------------------------------------------
    "exp": """\
>>> x = xg.tensor([0.0, 1.0, 2.0])
>>> y = xg.exp(x)
>>> y.backward()
>>> y
Tensor([1.        , 2.71828183, 7.3890561 ])
>>> x.grad                              # exp(x)
array([1.        , 2.71828183, 7.3890561 ])
""",
    "exp2": """\
>>> x = xg.tensor([-1.0, 0.0, 3.0])
>>> y = xg.exp2(x)
>>> y.backward()
>>> y
Tensor([0.5, 1. , 8. ])
>>> x.grad                              # 2**x * log(2)
array([0.34657359, 0.69314718, 5.54517744])
""",
    "expm1": """\
>>> x = xg.tensor([0.0, 1e-10, 1.0])
>>> y = xg.expm1(x)                     # exact for tiny x, where exp(x) - 1 loses digits
>>> y.backward()
>>> y
Tensor([0.00000000e+00, 1.00000000e-10, 1.71828183e+00])
>>> x.grad                              # exp(x)
array([1.        , 1.        , 2.71828183])
""",
    "log": """\
>>> x = xg.tensor([0.5, 1.0, 4.0])
>>> y = xg.log(x)
>>> y.backward()
>>> y
Tensor([-0.69314718,  0.        ,  1.38629436])
>>> x.grad                              # 1/x
array([2.  , 1.  , 0.25])
""",
    "log2": """\
>>> x = xg.tensor([0.5, 1.0, 8.0])
>>> y = xg.log2(x)
>>> y.backward()
>>> y
Tensor([-1.,  0.,  3.])
>>> x.grad                              # 1 / (x log(2))
array([2.88539008, 1.44269504, 0.18033688])
""",
    "log10": """\
>>> x = xg.tensor([1.0, 10.0, 100.0])
>>> y = xg.log10(x)
>>> y.backward()
>>> y
Tensor([0., 1., 2.])
>>> x.grad                              # 1 / (x log(10))
array([0.43429448, 0.04342945, 0.00434294])
""",
    "log1p": """\
>>> x = xg.tensor([0.0, 1e-10, 1.0])
>>> y = xg.log1p(x)                     # exact for tiny x, where log(1 + x) loses digits
>>> y.backward()
>>> y
Tensor([0.00000000e+00, 1.00000000e-10, 6.93147181e-01])
>>> x.grad                              # 1 / (1 + x)
array([1. , 1. , 0.5])
""",
    "logaddexp": """\
>>> a = xg.tensor([0.0, 1000.0])
>>> b = xg.tensor([1.0, 1000.0])
>>> y = xg.logaddexp(a, b)              # no overflow at 1000
>>> y.backward()
>>> y
Tensor([   1.31326169, 1000.69314718])
>>> a.grad, b.grad                      # exp(a - y) and exp(b - y)
(array([0.26894142, 0.5       ]), array([0.73105858, 0.5       ]))
""",
    "logaddexp2": """\
>>> a = xg.tensor([0.0, 1.0])
>>> b = xg.tensor([0.0, 3.0])
>>> y = xg.logaddexp2(a, b)
>>> y.backward()
>>> y
Tensor([1.        , 3.32192809])
>>> a.grad, b.grad                      # 2**(a - y) and 2**(b - y)
(array([0.5, 0.2]), array([0.5, 0.8]))
""",
    # -- trigonometric -----------------------------------------------------------------------------
    "sin": """\
>>> x = xg.tensor([0.0, 0.5, 1.0])
>>> y = xg.sin(x)
>>> y.backward()
>>> y
Tensor([0.        , 0.47942554, 0.84147098])
>>> x.grad                              # cos(x)
array([1.        , 0.87758256, 0.54030231])
""",
    "cos": """\
>>> x = xg.tensor([0.0, 0.5, 1.0])
>>> y = xg.cos(x)
>>> y.backward()
>>> y
Tensor([1.        , 0.87758256, 0.54030231])
>>> x.grad                              # -sin(x)
array([-0.        , -0.47942554, -0.84147098])
""",
    "tan": """\
>>> x = xg.tensor([0.0, 0.5, 1.0])
>>> y = xg.tan(x)
>>> y.backward()
>>> y
Tensor([0.        , 0.54630249, 1.55740772])
>>> x.grad                              # 1 + tan(x)**2
array([1.        , 1.29844641, 3.42551882])
""",
    "arcsin": """\
>>> x = xg.tensor([-0.5, 0.0, 0.5])
>>> y = xg.arcsin(x)
>>> y.backward()
>>> y
Tensor([-0.52359878,  0.        ,  0.52359878])
>>> x.grad                              # 1 / sqrt(1 - x**2)
array([1.15470054, 1.        , 1.15470054])
""",
    "arccos": """\
>>> x = xg.tensor([-0.5, 0.0, 0.5])
>>> y = xg.arccos(x)
>>> y.backward()
>>> y
Tensor([2.0943951 , 1.57079633, 1.04719755])
>>> x.grad                              # -1 / sqrt(1 - x**2)
array([-1.15470054, -1.        , -1.15470054])
""",
    "arctan": """\
>>> x = xg.tensor([-1.0, 0.0, 1.0])
>>> y = xg.arctan(x)
>>> y.backward()
>>> y
Tensor([-0.78539816,  0.        ,  0.78539816])
>>> x.grad                              # 1 / (1 + x**2)
array([0.5, 1. , 0.5])
""",
    "arctan2": """\
>>> a = xg.tensor([1.0, 1.0, -1.0])
>>> b = xg.tensor([1.0, -1.0, -1.0])
>>> y = xg.arctan2(a, b)                # the angle of (b, a), in the right quadrant
>>> y.backward()
>>> y
Tensor([ 0.78539816,  2.35619449, -2.35619449])
>>> a.grad, b.grad                      # b / (a**2 + b**2) and -a / (a**2 + b**2)
(array([ 0.5, -0.5, -0.5]), array([-0.5, -0.5,  0.5]))
""",
    "sec": """\
>>> x = xg.tensor([0.0, 0.5, 1.0])
>>> y = xg.sec(x)
>>> y.backward()
>>> y
Tensor([1.        , 1.13949393, 1.85081572])
>>> x.grad                              # sec(x) tan(x)
array([0.        , 0.62250837, 2.8824747 ])
""",
    "csc": """\
>>> x = xg.tensor([0.5, 1.0, 2.0])
>>> y = xg.csc(x)
>>> y.backward()
>>> y
Tensor([2.08582964, 1.18839511, 1.09975017])
>>> x.grad                              # -csc(x) cot(x)
array([-3.81808555, -0.76305972,  0.50330897])
""",
    "cot": """\
>>> x = xg.tensor([0.5, 1.0, 2.0])
>>> y = xg.cot(x)
>>> y.backward()
>>> y
Tensor([ 1.83048772,  0.64209262, -0.45765755])
>>> x.grad                              # -(1 + cot(x)**2)
array([-4.3506853 , -1.41228293, -1.20945044])
""",
    "arcsec": """\
>>> x = xg.tensor([-2.0, 2.0])
>>> y = xg.arcsec(x)
>>> y.backward()
>>> y
Tensor([2.0943951 , 1.04719755])
>>> x.grad                              # 1 / (|x| sqrt(x**2 - 1))
array([0.28867513, 0.28867513])
""",
    "arccsc": """\
>>> x = xg.tensor([-2.0, 2.0])
>>> y = xg.arccsc(x)
>>> y.backward()
>>> y
Tensor([-0.52359878,  0.52359878])
>>> x.grad                              # -1 / (|x| sqrt(x**2 - 1))
array([-0.28867513, -0.28867513])
""",
    "arccot": """\
>>> x = xg.tensor([-1.0, 0.0, 1.0])
>>> y = xg.arccot(x)                    # arctan(1/x): pi/2 at 0, a jump there
>>> y.backward()
>>> y
Tensor([-0.78539816,  1.57079633,  0.78539816])
>>> x.grad                              # -1 / (1 + x**2)
array([-0.5, -1. , -0.5])
""",
    # -- hyperbolic --------------------------------------------------------------------------------
    "sinh": """\
>>> x = xg.tensor([-1.0, 0.0, 1.0])
>>> y = xg.sinh(x)
>>> y.backward()
>>> y
Tensor([-1.17520119,  0.        ,  1.17520119])
>>> x.grad                              # cosh(x)
array([1.54308063, 1.        , 1.54308063])
""",
    "cosh": """\
>>> x = xg.tensor([-1.0, 0.0, 1.0])
>>> y = xg.cosh(x)
>>> y.backward()
>>> y
Tensor([1.54308063, 1.        , 1.54308063])
>>> x.grad                              # sinh(x)
array([-1.17520119,  0.        ,  1.17520119])
""",
    "tanh": """\
>>> x = xg.tensor([-1.0, 0.0, 1.0])
>>> y = xg.tanh(x)
>>> y.backward()
>>> y
Tensor([-0.76159416,  0.        ,  0.76159416])
>>> x.grad                              # 1 - tanh(x)**2
array([0.41997434, 1.        , 0.41997434])
""",
    "arcsinh": """\
>>> x = xg.tensor([-1.0, 0.0, 1.0])
>>> y = xg.arcsinh(x)
>>> y.backward()
>>> y
Tensor([-0.88137359,  0.        ,  0.88137359])
>>> x.grad                              # 1 / sqrt(x**2 + 1)
array([0.70710678, 1.        , 0.70710678])
""",
    "arccosh": """\
>>> x = xg.tensor([1.25, 2.0, 3.0])
>>> y = xg.arccosh(x)
>>> y.backward()
>>> y
Tensor([0.69314718, 1.3169579 , 1.76274717])
>>> x.grad                              # 1 / sqrt(x**2 - 1)
array([1.33333333, 0.57735027, 0.35355339])
""",
    "arctanh": """\
>>> x = xg.tensor([-0.5, 0.0, 0.5])
>>> y = xg.arctanh(x)
>>> y.backward()
>>> y
Tensor([-0.54930614,  0.        ,  0.54930614])
>>> x.grad                              # 1 / (1 - x**2)
array([1.33333333, 1.        , 1.33333333])
""",
    "sech": """\
>>> x = xg.tensor([0.5, 1.0, 2.0])
>>> y = xg.sech(x)
>>> y.backward()
>>> y
Tensor([0.88681888, 0.64805427, 0.26580223])
>>> x.grad                              # -sech(x) tanh(x)
array([-0.40981422, -0.49355435, -0.25624068])
""",
    "csch": """\
>>> x = xg.tensor([0.5, 1.0, 2.0])
>>> y = xg.csch(x)
>>> y.backward()
>>> y
Tensor([1.91903475, 0.85091813, 0.27572056])
>>> x.grad                              # -csch(x) coth(x)
array([-4.1527018 , -1.11728553, -0.286009  ])
""",
    "coth": """\
>>> x = xg.tensor([0.5, 1.0, 2.0])
>>> y = xg.coth(x)
>>> y.backward()
>>> y
Tensor([2.16395341, 1.31303529, 1.03731472])
>>> x.grad                              # 1 - coth(x)**2
array([-3.68269438, -0.72406166, -0.07602183])
""",
    "arccsch": """\
>>> x = xg.tensor([-1.0, 1.0, 2.0])
>>> y = xg.arccsch(x)
>>> y.backward()
>>> y
Tensor([-0.88137359,  0.88137359,  0.48121183])
>>> x.grad                              # -1 / (|x| sqrt(1 + x**2))
array([-0.70710678, -0.70710678, -0.2236068 ])
""",
    "arccoth": """\
>>> x = xg.tensor([-2.0, 2.0, 3.0])
>>> y = xg.arccoth(x)
>>> y.backward()
>>> y
Tensor([-0.54930614,  0.54930614,  0.34657359])
>>> x.grad                              # 1 / (1 - x**2)
array([-0.33333333, -0.33333333, -0.125     ])
""",
    # -- special functions -------------------------------------------------------------------------
    "sinc": """\
>>> x = xg.tensor([0.0, 0.5, 1.5])
>>> y = xg.sinc(x)                      # 1 at 0
>>> y.backward()
>>> y
Tensor([ 1.        ,  0.63661977, -0.21220659])
>>> x.grad                              # (cos(pi x) - sinc(x)) / x, 0 at 0
array([-0.        , -1.27323954,  0.14147106])
""",
    "erf": """\
>>> x = xg.tensor([0.0, 0.5, 1.0, 2.0])
>>> y = xg.erf(x)
>>> y.backward()
>>> y
Tensor([0.        , 0.52049988, 0.84270079, 0.99532227])
>>> x.grad                              # 2/sqrt(pi) exp(-x**2)
array([1.12837917, 0.87878258, 0.4151075 , 0.02066699])
""",
    "erfc": """\
>>> x = xg.tensor([0.0, 1.0, 5.0])
>>> y = xg.erfc(x)                      # accurate where 1 - erf(x) would round to 0
>>> y.backward()
>>> y
Tensor([1.00000000e+00, 1.57299207e-01, 1.53745979e-12])
>>> x.grad                              # -2/sqrt(pi) exp(-x**2)
array([-1.12837917e+00, -4.15107497e-01, -1.56708665e-11])
""",
    # -- signs, ulps and complex parts -------------------------------------------------------------
    "copysign": """\
>>> a = xg.tensor([1.0, -2.0, 0.0, -0.0])
>>> b = xg.tensor([-1.0, -1.0, 1.0, 1.0])
>>> y = xg.copysign(a, b)
>>> y.backward()
>>> y
Tensor([-1., -2.,  0.,  0.])
>>> a.grad                              # +1 where a keeps its sign bit, -1 where it flips
array([-1.,  1.,  1., -1.])
>>> b.grad
array([0., 0., 0., 0.])
""",
    "nextafter": """\
>>> a = xg.tensor([1.0, 1.0])
>>> b = xg.tensor([2.0, 0.0])
>>> y = xg.nextafter(a, b)
>>> y.backward()
>>> y - 1.0                             # the spacing of floats halves below 1
Tensor([ 2.22044605e-16, -1.11022302e-16])
>>> a.grad, b.grad
(array([1., 1.]), array([0., 0.]))
>>> xg.nextafter(xg.tensor([1.0], dtype="float32"), 2.0) - 1.0  # float32 stays float32
Tensor([1.1920929e-07], dtype=float32)
""",
    "real": """\
>>> x = xg.tensor([1.5, -2.0])
>>> y = xg.real(x)                      # a copy: xgrad has no complex dtypes
>>> y.backward()
>>> y
Tensor([ 1.5, -2. ])
>>> x.grad
array([1., 1.])
""",
    "conj": """\
>>> x = xg.tensor([1.5, -2.0])
>>> y = xg.conj(x)                      # a copy: xgrad has no complex dtypes
>>> y.backward()
>>> y
Tensor([ 1.5, -2. ])
>>> x.grad
array([1., 1.])
""",
}
