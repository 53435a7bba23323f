"""The interface every backend binding implements.

A backend is a namespace that follows the Python array API standard (``xp``) plus the few
things the standard leaves out and autodiff needs: device parsing, explicit host transfers,
scatter-add for index gradients and, where the library has them, read-only arrays.
"""

from __future__ import annotations

import itertools
from typing import Any

from ._random import HostRandom


def sliding_windows(xp: Any, x: Any, window: tuple, stride: tuple, dilation: tuple) -> Any:
    """The windows of ``x`` over its trailing ``len(window)`` axes, with the plain array API
    (one strided slice per window offset, stacked): shape ``(*lead, *window, *grid)``.

    ``grid[i] = (x.shape[lead + i] - (window[i] - 1) * dilation[i] - 1) // stride[i] + 1``
    placements along each axis, and ``out[..., k0, ..., g0, ...]`` is
    ``x[..., g0 * stride[0] + k0 * dilation[0], ...]``. It is :meth:`Backend.sliding_windows`
    for backends without a strided view, and what rules use on tensors (``create_graph``).
    """
    n = len(window)
    lead = x.ndim - n
    shape = tuple(x.shape)
    grid = tuple(
        (shape[lead + i] - (window[i] - 1) * dilation[i] - 1) // stride[i] + 1 for i in range(n)
    )
    head = (slice(None),) * lead
    parts = []
    for k in itertools.product(*(range(w) for w in window)):
        parts.append(
            x[
                head
                + tuple(
                    slice(
                        k[i] * dilation[i],
                        k[i] * dilation[i] + (grid[i] - 1) * stride[i] + 1,
                        stride[i],
                    )
                    for i in range(n)
                )
            ]
        )
    return xp.reshape(xp.stack(parts, axis=lead), shape[:lead] + tuple(window) + grid)


class Backend:
    """One array library xgrad can run on.

    Instances are singletons (one per name), so ``a._backend is b._backend`` is the check that
    two tensors live in the same library.

    Attributes
    ----------
    name : str
        Registry name: ``"numpy"``, ``"cupy"`` or ``"array_api_strict"``.
    xp : module
        The array-API namespace every op and derivative rule is written against.
    array_types : tuple of type
        The library's array types; ``isinstance(obj, array_types)`` tells xgrad an object is
        this library's array.
    array_type : type
        The type of the arrays its functions return; anything else a function returns (NumPy
        scalars from 0-d operations) goes through :meth:`fix_result`.
    multi_device : bool
        Whether arrays of this library can live on different devices, so that ops must check
        that their inputs share one.
    has_readonly : bool
        Whether arrays can be made read-only (the memory guard uses this).
    lazy : bool
        Whether arrays are lazy graphs that compute only when asked (Dask): then
        :meth:`compute_many` and :meth:`persist_many` do work, and :func:`xgrad.compute`
        computes this backend's arrays.
    saved_shape : callable or None
        ``saved_shape(arr)``: what a graph node saves where a derivative rule asks for an
        input's shape (``x_shape``), for a library whose arrays have a layout beyond the
        shape that the rule's results should follow (Dask: the shape as a tuple that also
        carries the chunks, which its ``broadcast_to`` uses). ``None``: ``arr.shape``.
    other_namespaces : tuple
        Further namespaces (besides ``xp``) that rules may be called with and that mean this
        backend (the stock ``array_api_compat.numpy`` where ``xp`` is a tuned copy of it).

    Examples
    --------
    >>> import numpy as np
    >>> import xgrad as xg
    >>> bk = xg.tensor([1.0, 2.0]).backend
    >>> bk
    <xgrad backend 'numpy'>
    >>> isinstance(bk, xg.Backend), bk is xg.backends.load("numpy")
    (True, True)
    >>> bk.name, bk.multi_device, bk.has_readonly
    ('numpy', False, True)
    >>> bk.devices()
    ['cpu']
    >>> isinstance(np.zeros(2), bk.array_types)
    True
    """

    name: str = ""
    xp: Any = None
    other_namespaces: tuple = ()
    saved_shape: Any = None
    array_types: tuple[type, ...] = ()
    array_type: type = object
    multi_device: bool = False
    has_readonly: bool = False
    lazy: bool = False

    def __repr__(self) -> str:
        return f"<xgrad backend {self.name!r}>"

    # -- devices -------------------------------------------------------------------------------
    def default_device(self) -> Any:
        raise NotImplementedError  # every binding overrides it

    def parse_device(self, spec: Any) -> Any:
        """Turn ``"cpu"``, ``"cuda:1"``, a native device object or ``None`` into the native
        device object; raise ``ValueError`` saying which devices exist otherwise."""
        raise NotImplementedError

    def claims_device(self, spec: Any) -> bool:
        """Whether ``spec`` names a device of this backend (used to pick a backend from
        ``device=`` alone, e.g. ``device="cuda"`` selects CuPy)."""
        try:
            self.parse_device(spec)
        except (ValueError, TypeError):
            return False
        return True

    def device_of(self, arr: Any) -> Any:
        return arr.device

    def device_str(self, device: Any) -> str:
        """A short human-readable name for a device (``"cpu"``, ``"cuda:0"``, ``"device1"``)."""
        return str(device)

    def devices(self) -> list[Any]:
        """Every device this backend can place arrays on."""
        return [self.default_device()]

    # -- data ----------------------------------------------------------------------------------
    def asarray(self, obj: Any, dtype: Any = None, device: Any = None, copy: bool | None = None):
        """Create an array of this backend from host data (scalars, lists, NumPy arrays) or from
        an array that already belongs to this backend."""
        raise NotImplementedError

    def create(self, name: str, *args: Any, device: Any = None, **kwargs: Any) -> Any:
        """Call the namespace's creation function ``name`` (``zeros``, ``arange``, ...) on
        ``device``."""
        return getattr(self.xp, name)(*args, device=device, **kwargs)

    def fix_result(self, out: Any) -> Any:
        """Turn a function result that is not an ``array_type`` (a NumPy scalar) into one."""
        return self.xp.asarray(out)

    def to_host(self, arr: Any):
        """An explicit copy of ``arr`` as a NumPy array in host memory."""
        raise NotImplementedError

    def repr_array(self, arr: Any) -> str:
        """NumPy's ``repr`` of a host copy of ``arr`` (``"array([1., 2.])"``)."""
        import numpy as np

        return repr(np.asarray(self.to_host(arr)))

    def to_device(self, arr: Any, device: Any):
        """Move ``arr`` to another device of the same backend (an explicit transfer)."""
        from array_api_compat import to_device

        return to_device(arr, device)

    def dtype(self, spec: Any) -> Any:
        """The backend's dtype object for ``spec`` (a name, a Python type, a NumPy dtype or a
        backend dtype)."""
        raise NotImplementedError

    def version(self) -> str:
        return "unknown"

    def random_generator(self, seed: Any = None, device: Any = None) -> Any:
        """A source of random arrays on ``device`` (what :func:`xgrad.random.default_rng`
        draws from; see ``backends/_random.py`` for its methods). By default NumPy's
        ``default_rng(seed)`` draws on the host and each draw is moved with :meth:`asarray`,
        so a seed gives the same numbers on every backend that keeps this default; a binding
        whose library draws on its device returns its own source (CuPy)."""
        return HostRandom(self, seed, device)

    def compute_many(self, arrays: list[Any]) -> list[Any]:
        """The values of ``arrays`` as NumPy arrays, computed together (a lazy backend shares
        their common work); eager backends return the arrays as they are."""
        return list(arrays)

    def persist_many(self, arrays: list[Any]) -> list[Any]:
        """``arrays`` with their lazy graphs computed and kept in memory, still arrays of this
        backend; eager backends return them as they are."""
        return list(arrays)

    # -- autodiff needs beyond the standard ------------------------------------------------------
    def scatter_add(self, target: Any, index: Any, values: Any):
        """``target[index] += values`` with repeated indices accumulating, in place; returns
        ``target``. The array API has no scatter-add, so each binding supplies one."""
        raise NotImplementedError

    def index_from_host(self, host: Any, device: Any) -> list[tuple[Any, Any]]:
        """The key arrays a host index (a list, a NumPy array) becomes on this backend, each
        with the host integers xgrad must bounds-check itself (``None``: the library checks
        when indexing, as NumPy does). A lazy library overrides this: it would report an
        out-of-bounds index only when computing, and it cannot know a mask's count."""
        return [(self.asarray(host, device=device), None)]

    def getitem(self, arr: Any, key: Any) -> Any:
        """``arr[key]`` for any NumPy-style key (bindings fix what their library lacks)."""
        return arr[key]

    def scatter_set(self, target: Any, index: Any, values: Any) -> Any:
        """A copy of ``target`` with ``target[index] = values`` (any key the backend's
        ``__getitem__`` accepts; with duplicate indices the last write wins)."""
        out = self.xp.asarray(target, copy=True)
        out[index] = values
        return out

    def shares_memory(self, a: Any, b: Any) -> bool:
        """Whether ``a`` may share memory with ``b`` (decides whether a view op made a view;
        libraries that cannot tell answer True: the op is then treated as a view)."""
        return True

    def memory_overlap(self, a: Any, b: Any, max_work: Any = None) -> bool:
        """``numpy.shares_memory(a, b, max_work)``: ``max_work=0`` checks the memory bounds only
        (``may_share_memory``), ``None`` answers exactly. Libraries that cannot tell exactly
        answer the bounds question with :meth:`shares_memory` and raise ``TypeError`` for
        the exact one."""
        if max_work == 0:
            return bool(self.shares_memory(a, b))
        raise TypeError(f"the {self.name} backend cannot tell whether two arrays share memory")

    def is_contiguous(self, arr: Any) -> bool:
        """Whether ``arr`` is laid out in C order (decides whether ``ravel`` is a view)."""
        return True

    def masked(self, cond: Any, g: Any) -> Any:
        """``g`` where ``cond`` is true, 0 elsewhere (the workhorse of kink derivatives)."""
        return self.xp.where(cond, g, 0.0)

    def tie_split(self, wins: Any, tie: Any, g: Any) -> Any:
        """``g`` where ``wins``, ``g / 2`` where ``tie``, 0 elsewhere (``maximum``'s and
        ``minimum``'s derivative, a tie split evenly)."""
        return self.xp.where(wins, g, self.xp.where(tie, g * 0.5, 0.0))

    def indices_in_range(self, idx: Any, n: int) -> bool | None:
        """Whether every integer in ``idx`` lies in ``[0, n)``; ``None`` where telling would
        cost a device synchronisation (input checks that need values run only on the host)."""
        return None

    def positive_part(self, x: Any) -> Any:
        """``max(x, 0)`` (NaN stays NaN), the backend's fastest exact way (ReLU's forward)."""
        return self.xp.maximum(x, 0.0)

    def max_last(self, x: Any) -> Any:
        """The maximum over the last axis, kept as an axis of length 1 (softmax's shift)."""
        return self.xp.max(x, axis=-1, keepdims=True)

    def writes_into(self, fn: Any) -> bool:
        """Whether ``fn`` (a function of ``self.xp``) makes one fresh array and takes
        ``out=`` an existing one of the result's shape and dtype, computing the same values:
        :func:`xgrad.compile` then reuses dead buffers for it."""
        return False

    def sum_leading(self, x: Any, lead: int) -> Any:
        """The sum over the first ``lead`` axes (a bias's gradient from a batch's)."""
        return self.xp.sum(x, axis=tuple(range(lead)))

    def sum_last(self, x: Any) -> Any:
        """The sum over the last axis, kept as an axis of length 1 (softmax's normaliser)."""
        return self.xp.sum(x, axis=-1, keepdims=True)

    def sliding_windows(self, x: Any, window: tuple, stride: tuple, dilation: tuple) -> Any:
        """The windows of ``x`` over its trailing ``len(window)`` axes, shape
        ``(*lead, *window, *grid)`` (convolution's im2col, before the reshape; see
        :func:`sliding_windows`). A read-only strided view where the library has one (NumPy),
        a stacked copy otherwise."""
        return sliding_windows(self.xp, x, window, stride, dilation)

    def set_basic(self, target: Any, key: tuple, values: Any) -> Any:
        """``target[key] = values`` for a basic key (ints, slices, ``...``; no ``None``) into
        an array the caller owns, as the gradient of ``x[1:3]`` writes ``g`` into zeros: in
        place where the library can; returns the result (a new array where arrays are
        immutable)."""
        target[key] = values
        return target

    def slice_add(self, target: Any, key: tuple, values: Any) -> Any:
        """``target[key] += values`` in place for a key of slices (no repeated elements), as
        convolution's and pooling's backward passes scatter windows back; returns ``target``."""
        target[key] = target[key] + values
        return target

    def ones_seed(self, like: Any) -> Any:
        """The seed of a plain ``backward()`` without ``grad``: ones shaped like ``like``
        (the result). A lazy backend may return an array that knows it holds ones, so that
        the rules it reaches skip multiplying by it (Dask); it never reaches a user."""
        return self.xp.ones_like(like)

    def known_ones(self, arr: Any) -> bool:
        """Whether ``arr`` is known to hold ones without reading its values (a lazy backend's
        :meth:`ones_seed`); ``xgrad.compile`` folds a multiplication by it. False unless the
        backend knows."""
        return False

    def owned(self, arr: Any) -> Any:
        """Return ``arr`` if the caller may mutate it in place, otherwise a writable copy.

        Broadcast views (from ``broadcast_to``) are read-only in NumPy; gradients handed to
        users must be ordinary writable arrays."""
        return arr

    def user_array(self, arr: Any) -> Any:
        """The array ``Tensor.data`` gives for ``arr``: ``arr`` itself, except where the memory
        guard locked it (NumPy), where a read-only view whose writes explain the lock."""
        return arr

    def lock(self, values: Any) -> Any:
        """Make the arrays among ``values`` read-only for as long as a graph needs them (the
        memory guard); return a token for :meth:`unlock`, or ``None`` if nothing was locked.
        Backends without read-only arrays lock nothing."""
        return None

    def unlock(self, token: Any) -> None:
        """Give back what :meth:`lock` took; flags are restored when the last holder lets go."""
