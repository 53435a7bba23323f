"""The NumPy (CPU) backend binding."""

from __future__ import annotations

import contextlib
import math
import types
from typing import Any

import array_api_compat.numpy as xp_numpy
import array_api_compat.numpy.linalg  # noqa: F401 - the namespace copy below needs it loaded
import numpy as np

from ..errors import MemoryGuardError
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


# -- what Tensor.data gives while the guard holds the memory ------------------------------------
def _guarded(arr: Any) -> bool:
    """Whether the memory guard made ``arr`` (or an array whose memory it views) read-only."""
    while isinstance(arr, np.ndarray):
        entry = _locks.get(id(arr))
        if entry is not None and entry[2]:
            return True
        arr = arr.base
    return False


_GUARD_MESSAGE = (
    "assignment destination is read-only: xgrad's memory guard locked this array because a "
    "live graph saved it for a gradient, which a write would silently corrupt. Release it "
    "first: call backward() on the graph's result, or result.clear_graph(), or build the "
    "graph inside `with xgrad.mem_guard_off:` (then nothing guards it), or write into a copy "
    "(t.data.copy())."
)


def _check_writable(arr: np.ndarray) -> None:
    """Raise the memory guard's error if a graph holds ``arr``'s memory (asked every time: a
    later graph may hold it again); otherwise make ``arr`` writable, as the memory is again
    (a view made while the guard held it stayed read-only when it was released)."""
    if _guarded(arr):
        raise MemoryGuardError(_GUARD_MESSAGE)
    if not arr.flags.writeable:
        with contextlib.suppress(ValueError):  # read-only for its own reason: NumPy says so
            arr.setflags(write=True)


def _plain(value: Any) -> Any:
    # new memory (copies, results) is an ordinary array; views of guarded memory stay guarded
    if isinstance(value, LockedArray) and not _guarded(value):
        return value.view(np.ndarray)
    return value


class LockedArray(np.ndarray):
    """A view of an array that the memory guard made read-only, as ``Tensor.data`` gives it
    while a live graph holds the memory: a write into it (``t.data[0] = 1``, ``t.data += 1``,
    ``np.add(a, b, out=t.data)``, ``t.data.fill(0)``, ``np.copyto(t.data, a)``) raises
    :class:`~xgrad.errors.MemoryGuardError`, saying how to release the memory. Reading it,
    arithmetic and NumPy functions give ordinary ``np.ndarray`` results."""

    def __setitem__(self, key: Any, value: Any) -> None:
        _check_writable(self)
        np.ndarray.__setitem__(self, key, value)

    def __getitem__(self, key: Any) -> Any:
        return _plain(np.ndarray.__getitem__(self, key))

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        if out is not None:
            for o in out:
                if isinstance(o, LockedArray):
                    _check_writable(o)
            kwargs["out"] = tuple(
                o.view(np.ndarray) if isinstance(o, LockedArray) else o for o in out
            )
        if method == "at" and isinstance(inputs[0], LockedArray):
            _check_writable(inputs[0])
        inputs = tuple(a.view(np.ndarray) if isinstance(a, LockedArray) else a for a in inputs)
        result = getattr(ufunc, method)(*inputs, **kwargs)
        if out is not None:  # NumPy returns the out arrays themselves
            return out[0] if len(out) == 1 else out
        return result

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func in _WRITING_FUNCTIONS and args and isinstance(args[0], LockedArray):
            _check_writable(args[0])
        result = super().__array_function__(func, types, args, kwargs)
        if isinstance(result, tuple):
            return tuple(_plain(r) for r in result)
        return _plain(result)

    def copy(self, order: str = "C") -> np.ndarray:
        return self.view(np.ndarray).copy(order)

    def astype(self, *args: Any, **kwargs: Any) -> np.ndarray:
        return self.view(np.ndarray).astype(*args, **kwargs)

    def __copy__(self) -> np.ndarray:
        return self.copy()

    def __deepcopy__(self, memo: Any) -> np.ndarray:
        return self.copy()

    def __reduce__(self) -> Any:
        return self.view(np.ndarray).__reduce__()

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))


def _writing_method(name: str) -> Any:
    method = getattr(np.ndarray, name)

    def write(self: LockedArray, *args: Any, **kwargs: Any) -> Any:
        _check_writable(self)
        return method(self, *args, **kwargs)

    write.__name__ = write.__qualname__ = name
    write.__doc__ = f"``numpy.ndarray.{name}``, refused while the memory guard holds the array."
    return write


for _name in ("fill", "put", "sort", "partition"):
    setattr(LockedArray, _name, _writing_method(_name))

_WRITING_FUNCTIONS = frozenset(
    (np.copyto, np.put, np.place, np.putmask, np.put_along_axis, np.fill_diagonal)
)


class NumpyBackend(Backend):
    name = "numpy"
    xp = _namespace()
    #: rules called with the stock namespace (what ``array_namespace(ndarray)`` returns) find
    #: this backend's hooks too
    other_namespaces = (xp_numpy,)
    array_types = (np.ndarray, np.generic, LockedArray)
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

    def tie_split(self, wins: Any, tie: Any, g: Any) -> Any:
        # weights 1, 1/2, 0 times g: np.where on random masks mispredicts (3x slower); inf or
        # nan in g where the weight is 0 would make nan, so then the exact formula runs
        if g.dtype.kind != "f" or wins.shape != g.shape:
            return super().tie_split(wins, tie, g)
        out = np.array(wins, dtype=g.dtype)  # comparisons of 0-d arrays are NumPy scalars
        np.copyto(out, 0.5, where=tie)
        with np.errstate(invalid="ignore"):
            out *= g
        if out.size and np.isnan(out.max()):
            return super().tie_split(wins, tie, g)
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

    def writes_into(self, fn: Any) -> bool:
        return isinstance(fn, np.ufunc) and fn.nout == 1  # NumPy's elementwise functions

    def sum_leading(self, x: Any, lead: int) -> Any:
        # NumPy sums over a leading axis row by row; a matrix-vector product with ones (BLAS)
        # is 2-10x faster and, accumulating in several lanes, no less accurate
        if x.dtype in _F32_F64 and x.flags.c_contiguous and x.ndim > lead:
            rest = x.shape[lead:]
            rows = x if x.ndim == 2 else x.reshape(math.prod(x.shape[:lead]), math.prod(rest))
            return (np.ones(rows.shape[0], dtype=x.dtype) @ rows).reshape(rest)
        return np.add.reduce(x, axis=tuple(range(lead)))

    def sliding_windows(self, x: Any, window: tuple, stride: tuple, dilation: tuple) -> Any:
        # a read-only strided view (no copy): the conv's one reshape into columns is the only
        # copy, and the stacked slices of the plain formula would be a second
        n = len(window)
        lead = x.ndim - n
        shape, strides = x.shape, x.strides
        grid = tuple(
            (shape[lead + i] - (window[i] - 1) * dilation[i] - 1) // stride[i] + 1 for i in range(n)
        )
        return np.lib.stride_tricks.as_strided(
            x,
            shape[:lead] + tuple(window) + grid,
            strides[:lead]
            + tuple(strides[lead + i] * dilation[i] for i in range(n))
            + tuple(strides[lead + i] * stride[i] for i in range(n)),
            writeable=False,
        )

    def slice_add(self, target: Any, key: tuple, values: Any) -> Any:
        view = target[key]  # adding into the view: no read-back copy through __setitem__
        np.add(view, values, out=view)
        return target

    def owned(self, arr: Any) -> Any:
        if type(arr) is np.ndarray and arr.flags.writeable:
            return arr
        return np.array(arr, copy=True)

    def user_array(self, arr: Any) -> Any:
        # the hot case first: no live graph has locked anything; then the memory: a view
        # made before its base was locked is writable itself, but the guard holds its memory
        if not _locks or not _guarded(arr):
            return arr
        entry = _locks.get(id(arr))
        if entry is None:  # the guard holds the memory it views, not the array itself
            return arr.view(LockedArray)
        if entry[3] is None:  # one view per lock: t.data is t.data while the graph lives
            entry[3] = arr.view(LockedArray)
        return entry[3]

    def lock(self, values: Any) -> tuple[int, ...] | None:
        """Make the arrays among ``values``, and the arrays whose memory they view, read-only
        (counted: an array saved by several nodes stays locked until the last lets go)."""
        ids: list[int] = []
        locks = _locks
        for arr in values:
            while type(arr) is np.ndarray or type(arr) is LockedArray:  # (a user's .data)
                key = id(arr)
                entry = locks.get(key)
                if entry is None:
                    if arr.flags.writeable:
                        arr.setflags(write=False)
                        locks[key] = [arr, 1, True, None]
                    else:
                        locks[key] = [arr, 1, False, None]
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


#: id(array) -> [array, lock count, whether the guard made it read-only, the LockedArray view
#: Tensor.data gives meanwhile (made on first use)]
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
