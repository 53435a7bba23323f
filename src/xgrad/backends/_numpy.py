"""The NumPy (CPU) backend binding."""

from __future__ import annotations

import math
import types
from typing import Any

import array_api_compat.numpy as xp_numpy
import array_api_compat.numpy.linalg  # noqa: F401 - the namespace copy below needs it loaded
import numpy as np

from ._base import Backend
from ._dtypes import check_dtype_supported


def _matrix_transpose(x: Any) -> Any:
    if x.ndim < 2:
        raise ValueError("x must be at least 2-dimensional for matrix_transpose")
    return x.swapaxes(-1, -2)


def _namespace() -> types.ModuleType:
    """``array_api_compat.numpy`` with two pass-through wrappers that every matmul forward
    and backward calls replaced by what they wrap: the same results, half the call cost."""
    ns = types.ModuleType("xgrad.backends._numpy.xp", xp_numpy.__doc__)
    skip = {"__name__", "__doc__", "__spec__", "__loader__", "__package__", "__path__"}
    ns.__dict__.update({k: v for k, v in vars(xp_numpy).items() if k not in skip})
    ns.__getattr__ = lambda name: getattr(xp_numpy, name)  # anything array_api_compat adds lazily
    ns.matmul = np.matmul  # array_api_compat's is ``np.matmul(x1, x2, **kwargs)``
    ns.matrix_transpose = _matrix_transpose  # and this one is ``np.swapaxes(x, -1, -2)``
    return ns


class NumpyBackend(Backend):
    name = "numpy"
    xp = _namespace()
    #: rules called with the stock namespace (what ``array_namespace(ndarray)`` returns) find
    #: this backend's hooks too
    other_namespaces = (xp_numpy,)
    array_types = (np.ndarray, np.generic)
    array_type = np.ndarray
    multi_device = False
    has_readonly = True

    def default_device(self) -> str:
        return "cpu"

    def parse_device(self, spec: Any) -> str:
        if spec is None or spec == "cpu":
            return "cpu"
        raise ValueError(
            f"the numpy backend has one device, 'cpu'; got device={spec!r}. "
            "For a GPU use backend='cupy' (device='cuda' or 'cuda:N')."
        )

    def device_of(self, arr: Any) -> str:
        return "cpu"

    def asarray(self, obj: Any, dtype: Any = None, device: Any = None, copy: bool | None = None):
        self.parse_device(device)
        arr = np.array(obj, dtype=dtype, copy=copy) if copy is not None else np.asarray(obj, dtype)
        check_dtype_supported(arr.dtype)
        return arr

    def fix_result(self, out: Any) -> np.ndarray:
        return np.asarray(out)

    def repr_array(self, arr: Any) -> str:
        return repr(arr)

    def to_host(self, arr: Any) -> np.ndarray:
        return np.array(arr, copy=True)

    def to_device(self, arr: Any, device: Any) -> np.ndarray:
        self.parse_device(device)
        return np.array(arr, copy=True)

    def dtype(self, spec: Any) -> np.dtype:
        return np.dtype(spec)

    def version(self) -> str:
        return np.__version__

    def scatter_add(self, target: np.ndarray, index: Any, values: Any) -> np.ndarray:
        np.add.at(target, index, values)
        return target

    def shares_memory(self, a: Any, b: Any) -> bool:
        return np.may_share_memory(a, b)

    def memory_overlap(self, a: Any, b: Any, max_work: Any = None) -> bool:
        if max_work == 0:  # np.shares_memory would raise TooHardError
            return bool(np.may_share_memory(a, b))
        return bool(np.shares_memory(a, b, max_work=max_work))

    def is_contiguous(self, arr: Any) -> bool:
        return arr.flags.c_contiguous

    def masked(self, cond: Any, g: Any) -> Any:
        # np.where branches per element and mispredicts on random masks (10x slower than a
        # multiply); multiplying by the mask is exact unless g holds inf or nan where the
        # mask is false (inf * 0 = nan), which the check below catches (a max propagates
        # NaN and allocates nothing) without letting NumPy warn about it.
        with np.errstate(invalid="ignore"):
            if g.shape == cond.shape and g.dtype.kind == "f":
                out = cond.astype(g.dtype)  # then multiply in place: no bool-to-float loop
                out *= g
            else:
                out = np.multiply(g, cond)
        if out.dtype.kind == "f" and out.size and np.isnan(out.max()):
            return np.where(cond, g, out.dtype.type(0))
        return out

    def indices_in_range(self, idx: Any, n: int) -> bool:
        if not idx.size:
            return True
        if idx.dtype.kind == "i":  # viewed as unsigned, a negative index is a huge one
            idx = idx.view(idx.dtype.str.replace("i", "u"))  # keeps the byte order
        return bool(idx.max() < n)

    def positive_part(self, x: Any) -> Any:
        # NumPy's maximum has a vectorised loop for two contiguous operands but not for an
        # array and a scalar (3x slower on random signs). A row of zeros broadcast along the
        # leading axes keeps both operands contiguous in the inner loop; it only pays when
        # the rows are long enough to amortise it.
        if x.ndim >= 2 and x.shape[-1] >= 64 and x.dtype.kind == "f":
            return np.maximum(x, np.zeros(x.shape[-1], dtype=x.dtype))
        return np.maximum(x, 0.0)

    # NumPy reduces a short last axis one row at a time (about 4 ns an element for 10
    # columns). A matrix of few columns and many rows (class scores) is reduced faster as
    # its transposed copy along the first axis, a vectorised loop over all rows at once.
    def max_last(self, x: Any) -> Any:
        if _few_columns(x):
            return np.maximum.reduce(x.T.copy(), axis=0)[:, None]
        return np.max(x, axis=-1, keepdims=True)

    def sum_last(self, x: Any) -> Any:
        if _few_columns(x):
            return np.add.reduce(x.T.copy(), axis=0)[:, None]
        return np.sum(x, axis=-1, keepdims=True)

    def sum_leading(self, x: Any, lead: int) -> Any:
        # NumPy sums over a leading axis row by row; a matrix-vector product with ones (BLAS)
        # is 2-10x faster and, accumulating in several lanes, no less accurate
        if x.dtype in _F32_F64 and x.flags.c_contiguous and x.ndim > lead:
            rest = x.shape[lead:]
            rows = x if x.ndim == 2 else x.reshape(math.prod(x.shape[:lead]), math.prod(rest))
            return (np.ones(rows.shape[0], dtype=x.dtype) @ rows).reshape(rest)
        return np.add.reduce(x, axis=tuple(range(lead)))

    def owned(self, arr: Any) -> Any:
        if type(arr) is np.ndarray and arr.flags.writeable:
            return arr
        return np.array(arr, copy=True)

    def lock(self, values: Any) -> tuple[int, ...] | None:
        """Make the arrays among ``values``, and the arrays whose memory they view, read-only
        (counted: an array saved by several nodes stays locked until the last lets go)."""
        ids: list[int] = []
        locks = _locks
        for arr in values:
            while type(arr) is np.ndarray:
                key = id(arr)
                entry = locks.get(key)
                if entry is None:
                    if arr.flags.writeable:
                        arr.setflags(write=False)
                        locks[key] = [arr, 1, True]
                    else:
                        locks[key] = [arr, 1, False]
                else:
                    entry[1] += 1
                ids.append(key)
                arr = arr.base
        return tuple(ids) if ids else None

    def unlock(self, token: tuple[int, ...]) -> None:
        locks = _locks
        for key in reversed(token):  # bases before the views of them
            entry = locks.get(key)
            if entry is None:
                continue
            if entry[1] > 1:
                entry[1] -= 1
                continue
            del locks[key]
            if entry[2]:
                arr = entry[0]
                if _pending or arr.base is not None:
                    _restore(arr)
                else:  # the common case, inline: an array owning its memory, nothing pending
                    arr.setflags(write=True)


def _few_columns(x: Any) -> bool:
    # float32/float64 only: NumPy sums float16 in float32 along a contiguous axis, but rounds
    # every partial sum to float16 along the first axis of the transposed copy
    return x.ndim == 2 and 2 <= x.shape[1] <= 32 and x.dtype in _F32_F64


_F32_F64 = (np.dtype(np.float32), np.dtype(np.float64))


#: id(array) -> [array, lock count, whether the guard made it read-only]
_locks: dict[int, list] = {}
#: id(base) -> views that could not be made writable again while their base was locked
_pending: dict[int, list] = {}


def _restore(arr: np.ndarray) -> None:
    try:
        arr.setflags(write=True)
    except ValueError:  # its base is still locked: retry when the base is released
        _pending.setdefault(id(arr.base), []).append(arr)
        return
    for view in _pending.pop(id(arr), ()):
        if id(view) not in _locks:
            _restore(view)
