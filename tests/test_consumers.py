"""Code nobody wrote for xgrad, differentiated: SciPy (``SCIPY_ARRAY_API=1``, set in
conftest.py before anything imports SciPy), scikit-learn (``array_api_dispatch=True``) and
array-api-extra functions run on tensors through ``xgrad.array_api``, and their gradients
equal float64 central finite differences of the same functions run on NumPy arrays.

Every function is listed with what it does with a tensor (``CASES``):

- ``grad``: the result is a tensor and its gradient is the finite difference;
- ``grad, p-value lost``: the statistic's gradient is right; its p-value is computed by
  special functions xgrad lacks (through NumPy), which warns ``GradientLostWarning``;
- ``warns``: the function converts its input to NumPy (it has no array-API path), or
  returns a Python float (scikit-learn's metrics): no gradient, and a
  ``GradientLostWarning`` naming the function says so;
- ``nan gradient``: a known wrong gradient, with the reason.

docs/array_api.md reports the counts (``test_the_counts_in_the_docs``).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.errors import GradientLostWarning

scipy = pytest.importorskip("scipy")
sklearn = pytest.importorskip("sklearn")
xpx = pytest.importorskip("array_api_extra")

import scipy.integrate as si  # noqa: E402
import scipy.optimize as so  # noqa: E402
import scipy.special as sp  # noqa: E402
import scipy.stats as st  # noqa: E402
import sklearn.metrics as met  # noqa: E402
import sklearn.metrics.pairwise as pw  # noqa: E402
import sklearn.preprocessing as pre  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
X = np.random.default_rng(0).uniform(0.5, 2.0, (4, 3))


def _kernel(t: Any) -> Any:
    return t @ t.T


GRAD, PVALUE, WARNS, NAN = "grad", "grad, p-value lost", "warns", "nan gradient"

CASES: list[tuple[str, Any, str]] = [
    # -- SciPy ----------------------------------------------------------------------------
    ("scipy.special.logsumexp", lambda t: sp.logsumexp(t, axis=1), GRAD),
    ("scipy.special.softmax", lambda t: sp.softmax(t, axis=1) * t, GRAD),
    ("scipy.special.log_softmax", lambda t: sp.log_softmax(t, axis=0) * t, GRAD),
    ("scipy.special.expit", lambda t: sp.expit(t) * t, GRAD),
    ("scipy.special.logit", lambda t: sp.logit(t / 3), GRAD),
    ("scipy.special.entr", sp.entr, GRAD),
    ("scipy.special.rel_entr", lambda t: sp.rel_entr(t, t[::-1]), GRAD),
    ("scipy.special.xlogy", lambda t: sp.xlogy(t, t + 1), GRAD),
    ("scipy.special.xlog1py", lambda t: sp.xlog1py(t, t), GRAD),
    ("scipy.special.erf", sp.erf, GRAD),
    ("scipy.special.erfc", sp.erfc, GRAD),
    ("scipy.special.ndtr", sp.ndtr, GRAD),
    ("scipy.special.log_ndtr", sp.log_ndtr, GRAD),
    ("scipy.stats.zscore", lambda t: st.zscore(t) * t, GRAD),
    ("scipy.stats.moment", lambda t: st.moment(t, order=3), GRAD),
    ("scipy.stats.skew", st.skew, GRAD),
    ("scipy.stats.kurtosis", st.kurtosis, GRAD),
    ("scipy.stats.variation", st.variation, GRAD),
    ("scipy.stats.gmean", st.gmean, GRAD),
    ("scipy.stats.hmean", st.hmean, GRAD),
    ("scipy.stats.pmean", lambda t: st.pmean(t, 2.5), GRAD),
    ("scipy.stats.entropy", st.entropy, GRAD),
    ("scipy.stats.sem", st.sem, GRAD),
    ("scipy.stats.tmean", st.tmean, GRAD),
    ("scipy.stats.tvar", st.tvar, GRAD),
    ("scipy.stats.tstd", st.tstd, GRAD),
    ("scipy.stats.trim_mean", lambda t: st.trim_mean(t, 0.1), GRAD),
    ("scipy.stats.describe", lambda t: st.describe(t).variance, GRAD),
    ("scipy.stats.tmin", st.tmin, GRAD),
    ("scipy.stats.pearsonr", lambda t: st.pearsonr(t[:, 0], t[:, 1]).statistic, PVALUE),
    ("scipy.stats.ttest_1samp", lambda t: st.ttest_1samp(t, 1.0).statistic, PVALUE),
    ("scipy.stats.ttest_ind", lambda t: st.ttest_ind(t[:2], t[2:]).statistic, PVALUE),
    ("scipy.stats.chisquare", lambda t: st.chisquare(t[:, 0]).statistic, PVALUE),
    ("scipy.integrate.trapezoid", lambda t: si.trapezoid(t, axis=0), GRAD),
    ("scipy.integrate.cumulative_trapezoid", lambda t: si.cumulative_trapezoid(t, axis=0), GRAD),
    ("scipy.integrate.simpson", lambda t: si.simpson(t, axis=0), WARNS),
    ("scipy.optimize.rosen", lambda t: so.rosen(t[0]), GRAD),
    ("scipy.optimize.rosen_der", lambda t: so.rosen_der(t[0]), GRAD),
    # -- scikit-learn (inside array_api_dispatch=True) ---------------------------------------
    (
        "sklearn.metrics.pairwise.euclidean_distances",
        lambda t: pw.euclidean_distances(t, t[:2] * 0.7),
        GRAD,
    ),
    ("sklearn.metrics.pairwise.rbf_kernel", lambda t: pw.rbf_kernel(t, gamma=0.3), GRAD),
    (
        "sklearn.metrics.pairwise.polynomial_kernel",
        lambda t: pw.polynomial_kernel(t, degree=2),
        GRAD,
    ),
    ("sklearn.metrics.pairwise.linear_kernel", pw.linear_kernel, GRAD),
    ("sklearn.metrics.pairwise.sigmoid_kernel", pw.sigmoid_kernel, GRAD),
    (
        "sklearn.metrics.pairwise.cosine_similarity",
        lambda t: pw.cosine_similarity(t) * t[:, :1],
        GRAD,
    ),
    (
        "sklearn.metrics.pairwise.cosine_distances",
        lambda t: pw.cosine_distances(t) * t[:, :1],
        GRAD,
    ),
    (
        "sklearn.metrics.pairwise.laplacian_kernel",
        lambda t: pw.laplacian_kernel(t, t[:2] * 0.7),
        GRAD,
    ),
    ("sklearn.metrics.pairwise.chi2_kernel", pw.chi2_kernel, GRAD),
    ("sklearn.metrics.pairwise.additive_chi2_kernel", pw.additive_chi2_kernel, GRAD),
    (
        "sklearn.metrics.pairwise.manhattan_distances",
        lambda t: pw.manhattan_distances(t, t[:2] * 0.7),
        GRAD,
    ),
    (
        "sklearn.metrics.pairwise.pairwise_distances",
        lambda t: pw.pairwise_distances(t, t[:2] * 0.7),
        GRAD,
    ),
    ("sklearn.preprocessing.normalize", lambda t: pre.normalize(t) * t, GRAD),
    ("sklearn.preprocessing.minmax_scale", lambda t: pre.minmax_scale(t) * t, GRAD),
    ("sklearn.preprocessing.maxabs_scale", lambda t: pre.maxabs_scale(t) * t, GRAD),
    ("sklearn.preprocessing.MinMaxScaler", lambda t: pre.MinMaxScaler().fit_transform(t) * t, GRAD),
    ("sklearn.preprocessing.MaxAbsScaler", lambda t: pre.MaxAbsScaler().fit_transform(t) * t, GRAD),
    ("sklearn.preprocessing.Normalizer", lambda t: pre.Normalizer().fit_transform(t) * t, GRAD),
    (
        "sklearn.preprocessing.KernelCenterer",
        lambda t: pre.KernelCenterer().fit_transform(_kernel(t)),
        GRAD,
    ),
    ("sklearn.decomposition.PCA", lambda t: PCA(2, svd_solver="full").fit_transform(t) ** 2, GRAD),
    (
        "sklearn.preprocessing.StandardScaler",
        lambda t: pre.StandardScaler().fit_transform(t) * t,
        NAN,
    ),
    ("sklearn.preprocessing.scale", pre.scale, WARNS),
    ("sklearn.metrics.r2_score", lambda t: met.r2_score(t[:, 0], t[:, 1]), WARNS),
    (
        "sklearn.metrics.mean_squared_error",
        lambda t: met.mean_squared_error(t[:, 0], t[:, 1]),
        WARNS,
    ),
    (
        "sklearn.metrics.mean_absolute_error",
        lambda t: met.mean_absolute_error(t[:, 0], t[:, 1]),
        WARNS,
    ),
    (
        "sklearn.metrics.explained_variance_score",
        lambda t: met.explained_variance_score(t[:, 0], t[:, 1]),
        WARNS,
    ),
    (
        "sklearn.metrics.mean_poisson_deviance",
        lambda t: met.mean_poisson_deviance(t[:, 0], t[:, 1]),
        WARNS,
    ),
    # -- array-api-extra ----------------------------------------------------------------------
    ("array_api_extra.cov", lambda t: xpx.cov(t) * 1.0, GRAD),
    ("array_api_extra.sinc", xpx.sinc, GRAD),
    ("array_api_extra.kron", lambda t: xpx.kron(t, t[:2]), GRAD),
    ("array_api_extra.create_diagonal", lambda t: xpx.create_diagonal(t[0]) * t[0], GRAD),
    ("array_api_extra.pad", lambda t: xpx.pad(t, 1) ** 2, GRAD),
    ("array_api_extra.atleast_nd", lambda t: xpx.atleast_nd(t, ndim=3) ** 2, GRAD),
    ("array_api_extra.nan_to_num", lambda t: xpx.nan_to_num(t) ** 2, GRAD),
    (
        "array_api_extra.apply_where",
        lambda t: xpx.apply_where(t > 1, t, lambda x: x**2, fill_value=0.0),
        GRAD,
    ),
]
NAMES = [name for name, _, _ in CASES]
assert len(set(NAMES)) == len(NAMES)

_NAN_REASON = (
    "StandardScaler computes 0/0 in a branch it then overwrites (updated[zeros] = new); the "
    "chain rule multiplies the overwritten slots' zero gradient by the branch's NaN partial "
    "derivatives, and 0 * NaN is NaN in IEEE arithmetic (PyTorch and JAX give NaN too)"
)


def _as_float(value: Any) -> np.ndarray:
    return np.asarray(value.numpy() if isinstance(value, mg.Tensor) else value, dtype=float)


def _finite_difference(fn: Any, a: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (_as_float(fn(up)).sum() - _as_float(fn(down)).sum()) / (2 * eps)
    return g


def _run(fn: Any, tensor: mg.Tensor) -> Any:
    with sklearn.config_context(array_api_dispatch=True):
        return fn(tensor)


@pytest.mark.parametrize("name, fn, kind", CASES, ids=NAMES)
def test_library_functions_on_tensors(name: str, fn: Any, kind: str) -> None:
    t = mg.tensor(X)
    if kind == WARNS:
        with pytest.warns(GradientLostWarning, match=re.escape(name.rsplit(".", 1)[0])):
            out = _run(fn, t)
        assert not isinstance(out, mg.Tensor) or out.constant
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GradientLostWarning)
        out = _run(fn, t)
    lost = [w for w in caught if issubclass(w.category, GradientLostWarning)]
    assert bool(lost) == (kind == PVALUE), [str(w.message) for w in lost]
    assert isinstance(out, mg.Tensor) and not out.constant, type(out)
    out.sum().backward()
    with sklearn.config_context(array_api_dispatch=False):
        expected = _finite_difference(fn, X)
    np.testing.assert_allclose(out.numpy(), _as_float(fn(X)), rtol=1e-10, atol=1e-12)
    if kind == NAN:
        assert np.isnan(t.grad).all() and np.isfinite(expected).all(), _NAN_REASON
        return
    np.testing.assert_allclose(t.grad, expected, rtol=1e-5, atol=1e-6)


def test_library_functions_on_a_device_backend() -> None:
    # the same code on array_api_strict's device1: nothing goes through NumPy or the host
    # (scikit-learn's own finite check reads a value on the host: assume_finite skips it)
    import array_api_strict as strict

    dev = strict.Device("device1")
    for fn in (lambda t: sp.logsumexp(t, axis=1), st.skew, pw.rbf_kernel, xpx.cov):
        t = mg.tensor(X, backend="array_api_strict", device=dev)
        with sklearn.config_context(assume_finite=True):
            out = _run(fn, t)
        assert out.device == dev
        out.sum().backward()
        ref = mg.tensor(X)
        _run(fn, ref).sum().backward()
        np.testing.assert_allclose(t.grad._array, ref.grad, rtol=1e-10)


@pytest.mark.parametrize(
    "name, points",
    [
        ("expit", np.linspace(-40, 40, 801)),
        ("log_expit", np.linspace(-40, 40, 801)),
        ("logit", np.linspace(1e-6, 1 - 1e-6, 801)),
        ("entr", np.concatenate([[0.0, -1.0], np.linspace(1e-9, 5, 400)])),
        ("erf", np.linspace(-6, 6, 1201)),
        ("erfc", np.linspace(-6, 27, 1201)),
        ("ndtr", np.linspace(-38, 9, 801)),
        ("log_ndtr", np.linspace(-40, 10, 1001)),
    ],
)
def test_xp_special_matches_scipy_in_the_tails(name: str, points: np.ndarray) -> None:
    import xgrad.array_api as xp

    got = getattr(xp.special, name)(mg.tensor(points, constant=True)).numpy()
    with sklearn.config_context(array_api_dispatch=False):
        want = getattr(sp, name)(points)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_xp_special_two_argument_functions_match_scipy() -> None:
    import xgrad.array_api as xp

    x = np.array([0.0, 0.0, 1.5, 2.0, 3.0])
    y = np.array([0.0, -1.0, 0.5, 1e-300, 4.0])
    for name in ("xlogy", "xlog1py"):
        got = getattr(xp.special, name)(mg.tensor(x), mg.tensor(y)).numpy()
        np.testing.assert_allclose(got, getattr(sp, name)(x, y), rtol=1e-14)


def counts() -> dict[str, int]:
    out: dict[str, int] = {}
    for _, _, kind in CASES:
        out[kind] = out.get(kind, 0) + 1
    return out


def test_the_counts_in_the_docs() -> None:
    text = (ROOT / "docs" / "array_api.md").read_text()
    c = counts()
    differentiable = c[GRAD] + c[PVALUE] + c[NAN]
    right = c[GRAD] + c[PVALUE]
    line = (
        f"{len(CASES)} functions: {right} of the {differentiable} that compute on tensors give "
        f"gradients equal to finite differences ({c[PVALUE]} of them warn that their p-value "
        f"has none), {c[NAN]} gives a NaN gradient, and the {c[WARNS]} that convert to NumPy "
        "or return a Python float warn."
    )
    assert line in text, line
    assert os.environ.get("SCIPY_ARRAY_API") == "1"
