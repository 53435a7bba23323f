"""The Dask backend's ``linalg``: NumPy's LAPACK routines applied matrix by matrix.

Imported only by the Dask binding (it imports Dask). ``array_api_compat.dask.array.linalg``
wraps ``dask.array.linalg``, whose routines take one 2-D matrix (no batch axes), often want
square chunks (``inv``, ``solve``), and lack ``det``, ``slogdet``, ``pinv``, ``eigh``,
``eigvalsh`` and ``cross``; its ``cholesky`` returns the upper factor where the standard
asks for the lower one, and its ``qr`` (TSQR) and ``svd`` choose other signs than LAPACK.

Here each of those functions is one ``dask.array.apply_gufunc`` of the
``array_api_compat.numpy.linalg`` function (what the NumPy backend runs; on CuPy chunks,
``array_api_compat.cupy.linalg``'s): the two matrix axes
are rechunked into one chunk each (``allow_rechunk=True``), and the batch axes keep their
chunks, so a stack of matrices is computed in parallel, chunk by chunk, with exactly NumPy's
results. A single matrix larger than memory is out of reach this way (its decomposition is
one task); such matrices are not what autodiff on Dask is for.
"""

from __future__ import annotations

import functools
import types
from typing import Any

import array_api_compat
import array_api_compat.dask.array.linalg as _compat
import array_api_compat.numpy.linalg as _np_linalg
import dask.array as da
import numpy as np

from . import _dask_devices as _devices


class _ChunkLinalg:
    """``_CHUNK_LINALG.inv(a)`` is the ``linalg.inv`` of ``a``'s own library, from
    ``array_api_compat.array_namespace(a)``: ``array_api_compat.numpy.linalg`` (what the NumPy
    backend runs) for NumPy chunks, ``array_api_compat.cupy.linalg`` for CuPy chunks."""

    @functools.cache  # noqa: B019 (one instance, for the module's life)
    def __getattr__(self, name: str) -> Any:
        stock = getattr(_np_linalg, name)

        @functools.wraps(stock)
        def run(a: Any, *args: Any, **kwargs: Any) -> Any:
            return getattr(array_api_compat.array_namespace(a).linalg, name)(a, *args, **kwargs)

        return run  # named after ``stock`` (functools.wraps): dask names the tasks after it


_CHUNK_LINALG = _ChunkLinalg()
_EighResult = _compat.EighResult
_QRResult = _compat.QRResult
_SlogdetResult = _compat.SlogdetResult
_SVDResult = _compat.SVDResult


def _float_dtype(*arrays: Any) -> Any:
    dt = np.result_type(*(a.dtype for a in arrays))
    return dt if dt.kind in "fc" else np.dtype(np.float64)


def _real(dt: Any) -> Any:
    return np.empty((), dtype=dt).real.dtype


def _gufunc(fn: Any, signature: str, *args: Any, dtypes: Any, sizes: dict | None = None) -> Any:
    """``fn`` (a NumPy function over the trailing core axes) on dask arrays, one task per
    chunk of the batch axes; the core axes are rechunked into one chunk each."""
    args = tuple(a if isinstance(a, da.Array) else da.asarray(a) for a in args)
    return da.apply_gufunc(
        fn,
        signature,
        *args,
        output_dtypes=dtypes,
        output_sizes=sizes,
        allow_rechunk=True,
        vectorize=False,
    )


def _mn(x: Any, name: str) -> tuple[int, int]:
    if x.ndim < 2:
        raise ValueError(f"linalg.{name} needs an array of at least 2 dimensions; got {x.shape}")
    return x.shape[-2], x.shape[-1]


def inv(x: Any, /) -> Any:
    return _gufunc(_CHUNK_LINALG.inv, "(i,j)->(i,j)", x, dtypes=_float_dtype(x))


def det(x: Any, /) -> Any:
    return _gufunc(_CHUNK_LINALG.det, "(i,j)->()", x, dtypes=_float_dtype(x))


def _slogdet(a: Any) -> tuple:
    return tuple(_CHUNK_LINALG.slogdet(a))


def slogdet(x: Any, /) -> Any:
    dt = _float_dtype(x)
    sign, logabs = _gufunc(_slogdet, "(i,j)->(),()", x, dtypes=(dt, _real(dt)))
    return _SlogdetResult(sign, logabs)


def solve(x1: Any, x2: Any, /) -> Any:
    dt = _float_dtype(x1, x2)
    if x2.ndim == 1:  # the standard: a vector exactly when x2 is 1-D
        return _gufunc(_CHUNK_LINALG.solve, "(i,j),(j)->(i)", x1, x2, dtypes=dt)
    # the batch axes broadcast here: CuPy's solve, unlike NumPy's, does not broadcast them
    batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    x1 = da.broadcast_to(x1, (*batch, *x1.shape[-2:]))
    x2 = da.broadcast_to(x2, (*batch, *x2.shape[-2:]))
    return _gufunc(_CHUNK_LINALG.solve, "(i,j),(j,k)->(i,k)", x1, x2, dtypes=dt)


def _with_rtol(fn: Any, signature: str, x: Any, rtol: Any, dtypes: Any) -> Any:
    if hasattr(rtol, "shape"):  # an array of any library
        # one tolerance per matrix: a batch-shaped argument without core axes, where x is
        rtol = _devices.to_device(da.asarray(rtol), _devices.device_of(x))
        head, tail = signature.split("->")
        return _gufunc(lambda a, r: fn(a, rtol=r), f"{head},()->{tail}", x, rtol, dtypes=dtypes)
    return _gufunc(functools.partial(fn, rtol=rtol), signature, x, dtypes=dtypes)


def pinv(x: Any, /, *, rtol: Any = None) -> Any:
    return _with_rtol(_CHUNK_LINALG.pinv, "(i,j)->(j,i)", x, rtol, _float_dtype(x))


def matrix_rank(x: Any, /, *, rtol: Any = None) -> Any:
    return _with_rtol(_CHUNK_LINALG.matrix_rank, "(i,j)->()", x, rtol, np.dtype(np.int64))


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    fn = functools.partial(_CHUNK_LINALG.matrix_norm, ord=ord)
    out = _gufunc(fn, "(i,j)->()", x, dtypes=_real(_float_dtype(x)))
    return out[..., None, None] if keepdims else out


def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    fn = functools.partial(_CHUNK_LINALG.cholesky, upper=upper)
    return _gufunc(fn, "(i,j)->(i,j)", x, dtypes=_float_dtype(x))


def _qr(a: Any, mode: str) -> tuple:
    return tuple(_CHUNK_LINALG.qr(a, mode=mode))


def qr(x: Any, /, *, mode: str = "reduced") -> Any:
    m, n = _mn(x, "qr")
    if mode == "reduced":
        sig, sizes = "(i,j)->(i,k),(k,j)", {"k": min(m, n)}
    elif mode == "complete":
        sig, sizes = "(i,j)->(i,p),(p,j)", {"p": m}
    else:
        raise ValueError(f"qr: mode must be 'reduced' or 'complete'; got {mode!r}")
    dt = _float_dtype(x)
    q, r = _gufunc(functools.partial(_qr, mode=mode), sig, x, dtypes=(dt, dt), sizes=sizes)
    return _QRResult(q, r)


def _eigh(a: Any) -> tuple:
    return tuple(_CHUNK_LINALG.eigh(a))


def eigh(x: Any, /) -> Any:
    dt = _float_dtype(x)
    w, v = _gufunc(_eigh, "(i,j)->(i),(i,j)", x, dtypes=(_real(dt), dt))
    return _EighResult(w, v)


def eigvalsh(x: Any, /) -> Any:
    return _gufunc(_CHUNK_LINALG.eigvalsh, "(i,j)->(i)", x, dtypes=_real(_float_dtype(x)))


def _svd(a: Any, full_matrices: bool) -> tuple:
    return tuple(_CHUNK_LINALG.svd(a, full_matrices=full_matrices))


def svd(x: Any, /, *, full_matrices: bool = True) -> Any:
    m, n = _mn(x, "svd")
    k = min(m, n)
    if full_matrices:
        sig, sizes = "(i,j)->(i,p),(k),(q,j)", {"p": m, "k": k, "q": n}
    else:
        sig, sizes = "(i,j)->(i,k),(k),(k,j)", {"k": k}
    dt = _float_dtype(x)
    fn = functools.partial(_svd, full_matrices=full_matrices)
    u, s, vh = _gufunc(fn, sig, x, dtypes=(dt, _real(dt), dt), sizes=sizes)
    return _SVDResult(u, s, vh)


def svdvals(x: Any, /) -> Any:
    m, n = _mn(x, "svdvals")
    fn = _CHUNK_LINALG.svdvals
    return _gufunc(fn, "(i,j)->(k)", x, dtypes=_real(_float_dtype(x)), sizes={"k": min(m, n)})


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """NumPy's ``linalg.cross``: ``axis`` of each input holds its 3-vectors (moved last before
    the other axes broadcast, and the result's vectors moved to ``axis``)."""
    for x in (x1, x2):
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"cross: axis {axis} is out of range for shape {x.shape}")
        if x.shape[axis] != 3:
            raise ValueError(f"cross: axis {axis} must have size 3; got shape {x.shape}")
    a, b = da.moveaxis(x1, axis, -1), da.moveaxis(x2, axis, -1)
    out = _gufunc(_CHUNK_LINALG.cross, "(c),(c)->(c)", a, b, dtypes=np.result_type(a, b))
    return da.moveaxis(out, -1, axis)


_OURS = {
    f.__name__: f
    for f in (
        cholesky,
        cross,
        det,
        eigh,
        eigvalsh,
        inv,
        matrix_norm,
        matrix_rank,
        pinv,
        qr,
        slogdet,
        solve,
        svd,
        svdvals,
    )
}


def namespace() -> types.ModuleType:
    """``array_api_compat.dask.array.linalg`` with the functions above in place of its own."""
    ns = types.ModuleType("xgrad.backends._dask_linalg.linalg", __doc__)
    skip = {"__name__", "__doc__", "__spec__", "__loader__", "__package__", "__path__"}
    ns.__dict__.update({k: v for k, v in vars(_compat).items() if k not in skip})
    ns.__dict__.update(_OURS)
    return ns
