"""The Dask (lazy, chunked CPU arrays) backend binding.

Imported only when the Dask backend is asked for: ``import xgrad`` never imports Dask. The
namespace is ``array_api_compat.dask.array`` with its ``linalg`` replaced by NumPy's routines
applied matrix by matrix (``_dask_linalg``); every array is a lazy graph of NumPy chunks on
the one device ``"cpu"``. Forward and backward passes only build graphs: nothing is computed
until the user asks (``xgrad.compute``, ``Tensor.compute``, ``Tensor.numpy``, ``float(t)``,
printing a value).

Dask arrays have no ``device`` attribute, which the array API standard gives every array and
derivative rules use (``xp.zeros(shape, device=g.device)``): loading this backend adds it to
``dask.array.Array`` as a read-only property (``array_api_compat.device(x)``, ``"cpu"``), unless
the installed dask has one.

Dask arrays are immutable: ``x[k] = v`` never writes into memory another array shares, it
rebinds the Python object ``x`` to a new graph. So the memory guard has nothing to lock here
(``has_readonly`` is False and :meth:`lock` locks nothing); instead, ``Tensor.data`` and a new
tensor's data are fresh ``Array`` objects over the same graph (no copy of any chunk), so that
rebinding one never changes a tensor, or the values a live graph saved for its gradients.

Gradients follow their inputs' chunks. A rule that broadcasts (the gradient of ``sum`` and
``mean``: the output's gradient broadcast to the input's shape) would otherwise give one chunk
spanning the whole input (what ``dask.array.broadcast_to`` does along a broadcast axis), which
the next elementwise op must rechunk: that breaks Dask's fusion of the elementwise chain, and
at 3e8 elements it held most of the input in memory at once (3 GB instead of 0.6 GB) and took
twice as long. So the shape a node saves for a Dask input (``x_shape``) is a tuple that also
carries the input's chunks (:class:`ChunkedShape`), and this backend's ``broadcast_to`` gives
the result those chunks along the broadcast axes.
"""

from __future__ import annotations

import math
import types
from typing import Any

from ..errors import BackendUnavailableError
from ._base import Backend
from ._dtypes import check_dtype_supported

_INSTALL_HINT = (
    'Install it with `pip install "xgrad[dask]"` (dask[array] and distributed), or choose '
    "another backend (xgrad.use_backend('numpy'), XGRAD_BACKEND=numpy)."
)


def _import_dask() -> tuple[Any, Any, Any]:
    try:
        import array_api_compat.dask.array as xp_dask
        import dask
        import dask.array as da
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the 'dask' backend needs Dask, which is not installed ({exc}). {_INSTALL_HINT}"
        ) from None
    return dask, da, xp_dask


#: the ``_dask_devices`` module, imported when the backend loads (it imports Dask)
_devices: Any = None


def _has_unknown_chunks(arr: Any) -> bool:
    return any(math.isnan(s) for s in arr.shape)


class ChunkedShape(tuple):
    """A Dask array's shape (a plain tuple to every use) that also carries its ``chunks``,
    saved by graph nodes for rules that ask for an input's shape, so that what they build at
    that shape (``broadcast_to``) is chunked like the input."""

    chunks: tuple

    def __new__(cls, shape: tuple, chunks: tuple) -> ChunkedShape:
        out = super().__new__(cls, shape)
        out.chunks = chunks
        return out

    def __reduce__(self) -> Any:
        return (ChunkedShape, (tuple(self), self.chunks))


#: a size-1 source of ``broadcast_to`` whose graph has at most this many tasks, all of arrays
#: of at most one element, is computed inside every chunk of the result (see below)
_INLINE_TASKS = 16


def _chunk_aware(ns: Any, xp_dask: Any, da: Any) -> Any:
    """``ns`` (the backend's namespace) with a ``broadcast_to`` that follows a
    :class:`ChunkedShape` (see :func:`_broadcast_to`), and a ``reshape`` that keeps a ones
    seed recognisable."""
    ns.__getattr__ = lambda name: getattr(xp_dask, name)  # anything added lazily
    stock = xp_dask.broadcast_to
    stock_reshape = ns.reshape

    def broadcast_to(x: Any, /, shape: Any, **kwargs: Any) -> Any:
        if any(isinstance(n, float) and math.isnan(n) for n in shape):
            # what a gradient asks for when an input has unknown chunk sizes (sum's, mean's,
            # and the engine's fit of any gradient to the input's shape); dask's own error
            # would be "cannot broadcast shape (nan,) to shape (nan,)"
            raise NotImplementedError(
                f"gradients of arrays of unknown chunk sizes (shape {tuple(shape)}) are not "
                "supported on the dask backend: the lengths are needed to send the gradient "
                "back. Call .compute_chunk_sizes() on the dask array (after x[mask], "
                "unique, or a dataframe's to_dask_array()) before making a tensor of it."
            )
        chunks = getattr(shape, "chunks", None)
        if chunks is None or kwargs or not isinstance(x, da.Array) or _has_unknown_chunks(x):
            out = stock(x, shape, **kwargs)
            return _ones_like_it(out) if isinstance(x, Ones) else out
        return _broadcast_to(da, x, shape, chunks)

    def reshape(x: Any, /, shape: Any, **kwargs: Any) -> Any:
        out = stock_reshape(x, shape, **kwargs)
        return _ones_like_it(out) if isinstance(x, Ones) else out

    broadcast_to.__doc__ = stock.__doc__
    reshape.__doc__ = stock_reshape.__doc__
    ns.broadcast_to = broadcast_to
    ns.reshape = reshape
    return ns


def _ones_type(da: Any) -> type:
    """The class of :data:`Ones` arrays (made when the backend loads: it subclasses
    ``dask.array.Array``)."""
    import numpy as np

    def times_one(ones: Any, other: Any) -> Any:
        # ones * other is other, exactly (1 * v == v for every float, nan and -0.0 included),
        # when other is a plain dask array of the result's shape and dtype
        if type(other) is not da.Array or _has_unknown_chunks(other):
            return None
        if np.broadcast_shapes(ones.shape, other.shape) != other.shape:
            return None
        if np.result_type(ones.dtype, other.dtype) != other.dtype:
            return None
        return _alias(other)

    class OnesArray(da.Array):
        """A Dask array known to hold ones: the seed of ``backward()``, and what ``reshape``
        and ``broadcast_to`` make of it. Multiplied by an array of the product's shape and
        dtype it gives that array (a new ``Array`` object over the same graph), so the rules'
        ``g * f'(x)`` costs no pass over the data where ``g`` is the seed. It never reaches
        a user: the gradients handed over are plain arrays (``DaskBackend.owned``)."""

        def __mul__(self, other: Any) -> Any:
            out = times_one(self, other)
            return super().__mul__(other) if out is None else out

        def __rmul__(self, other: Any) -> Any:
            out = times_one(self, other)
            return super().__rmul__(other) if out is None else out

    return OnesArray


#: the class of arrays known to hold ones (set when the backend loads; see :func:`_ones_type`)
Ones: Any = type(None)


def _ones_like_it(arr: Any) -> Any:
    """``arr`` (ones) as a :data:`Ones` array over the same graph."""
    return Ones(arr.dask, arr.name, arr.chunks, meta=arr._meta)


def _broadcast_to(da: Any, x: Any, shape: tuple, chunks: tuple) -> Any:
    """``x`` broadcast to ``shape``, chunked as ``chunks`` along the broadcast axes.

    The other axes keep ``x``'s chunks (Dask allows nothing else). A source of one element
    made by a few tasks on one-element arrays (the gradient of ``sum`` from the seed: ones,
    reshaped, perhaps scaled) is computed inside each chunk of the result instead of once:
    otherwise every chunk of the gradient depends on one shared task, and Dask's ordering
    then ran the forward pass over every chunk before any gradient chunk, holding all of its
    intermediates (at 3e8 elements on 6 chunks: 8.9 GB against 2.5 GB by hand).
    """
    lead = len(shape) - x.ndim
    if lead < 0 or any(n != 1 and n != m for n, m in zip(x.shape, shape[lead:], strict=False)):
        return da.broadcast_to(x, tuple(shape))  # dask's error
    new = tuple(
        chunks[i] if i < lead or x.shape[i - lead] == 1 else x.chunks[i - lead]
        for i in range(len(shape))
    )
    if isinstance(x, Ones):  # ones, made in each chunk: nothing to depend on
        ones = da.ones(tuple(shape), dtype=x.dtype, chunks=new, meta=x._meta)  # x's chunk type
        return _ones_like_it(ones)
    tiny = _tiny_graph(x)
    if tiny is None or not all(shape):
        return da.broadcast_to(x, tuple(shape), chunks=new)
    import functools
    import itertools

    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph

    name = "broadcast_to-" + tokenize(x.name, tuple(shape), new)
    key = (x.name, *(0,) * x.ndim)
    dsk = {}
    for index in itertools.product(*(range(len(c)) for c in new)):
        block = tuple(c[i] for c, i in zip(new, index, strict=True))
        dsk[(name, *index)] = (functools.partial(_small_broadcast, tiny, key, block),)
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=())
    return da.Array(graph, name, new, dtype=x.dtype, meta=x._meta)


def _tiny_graph(x: Any) -> dict | None:
    """``x``'s graph as a dict, if ``x`` has one element and its graph is a few tasks on
    arrays of at most one element each (cheap to compute anywhere); else ``None``."""
    if math.prod(x.shape) != 1 or x.npartitions != 1:
        return None
    layers = x.dask.layers
    total = 0
    for layer in layers.values():
        info = layer.collection_annotations or {}
        layer_shape = info.get("shape")
        if layer_shape is None or math.prod(layer_shape) > 1:
            return None
        total += len(layer)
        if total > _INLINE_TASKS:
            return None
    return dict(x.__dask_graph__())


def _small_broadcast(graph: dict, key: Any, block: tuple) -> Any:
    """One chunk of a broadcast whose one-element source is computed here, from ``graph``."""
    import dask
    import numpy as np

    return np.broadcast_to(dask.get(graph, key), block)


class DaskBackend(Backend):
    name = "dask"
    multi_device = True  # chunks of NumPy ("cpu") or CuPy ("cuda") arrays
    has_readonly = False  # dask arrays are immutable: the memory guard locks nothing
    lazy = True

    def __init__(self) -> None:
        import numpy as np

        dask, da, xp_dask = _import_dask()
        global Ones, _devices
        if Ones is type(None):
            Ones = _ones_type(da)
        from . import _dask_devices

        _devices = _dask_devices
        self._np = np
        self._dask = dask
        self._da = da
        self.xp = _chunk_aware(_namespace(xp_dask, np, da), xp_dask, da)
        #: rules called with the stock namespace find this backend too
        self.other_namespaces = (xp_dask,)
        self.array_types = (da.Array,)
        self.array_type = da.Array
        if not hasattr(da.Array, "device"):
            # the standard's ``x.device``, which derivative rules use to create arrays where
            # their inputs are (``xp.zeros(shape, device=g.device)``); dask arrays lack it
            da.Array.device = property(
                _dask_devices.device_of,
                doc="The array API's device: 'cpu' (NumPy chunks) or 'cuda' (CuPy chunks).",
            )

    # -- devices: "cpu" (NumPy chunks) and "cuda" (CuPy chunks); see _dask_devices -----------
    def default_device(self) -> str:
        return _devices.CPU

    def devices(self) -> list[str]:
        """``["cpu", "cuda"]``, or ``["cpu"]`` where CuPy is not installed."""
        return list(_devices.DEVICES) if _devices.has_cupy() else [_devices.CPU]

    def parse_device(self, spec: Any) -> str:
        return _devices.parse(spec)

    def claims_device(self, spec: Any) -> bool:
        return False  # device="cpu" alone means NumPy, "cuda" CuPy

    def device_of(self, arr: Any) -> str:
        return _devices.device_of(arr)

    def to_device(self, arr: Any, device: Any) -> Any:
        return _devices.to_device(arr, self.parse_device(device))

    def ones_seed(self, like: Any) -> Any:
        """Ones shaped and chunked like ``like``, as a :data:`Ones` array: the rules that
        multiply the output's gradient by something skip the multiplication by the seed."""
        seed = self.xp.ones_like(like)
        if not isinstance(seed, self._da.Array) or _has_unknown_chunks(seed):
            return seed
        return _ones_like_it(seed)

    def known_ones(self, arr: Any) -> bool:
        return isinstance(arr, Ones)

    def owned(self, arr: Any) -> Any:
        # a gradient handed to a user is a plain dask array (never a Ones array)
        return _alias(arr) if isinstance(arr, Ones) else arr

    def saved_shape(self, arr: Any) -> tuple:
        """``arr.shape`` with ``arr.chunks`` riding along (see :class:`ChunkedShape`)."""
        if _has_unknown_chunks(arr):
            return arr.shape
        return ChunkedShape(arr.shape, arr.chunks)

    # -- data ----------------------------------------------------------------------------------
    def asarray(self, obj: Any, dtype: Any = None, device: Any = None, copy: bool | None = None):
        dev = None if device is None else self.parse_device(device)
        da = self._da
        if isinstance(obj, da.Array):
            arr = obj if dtype is None or obj.dtype == dtype else obj.astype(dtype)
            if dev is not None and _devices.device_of(arr) != dev:
                arr = _devices.to_device(arr, dev)
            elif copy and arr is obj:
                arr = _alias(arr)  # the caller's x[k] = v must not rebind the tensor's data
        else:  # host data: one lazy array of chunks (dask's automatic chunk size)
            arr = _devices.from_host(obj, dtype, dev or _devices.CPU, copy)
        check_dtype_supported(arr.dtype)
        return arr  # immutable: a copy is never needed

    def create(self, name: str, *args: Any, device: Any = None, **kwargs: Any) -> Any:
        return getattr(self.xp, name)(*args, device=self.parse_device(device), **kwargs)

    def user_array(self, arr: Any) -> Any:
        # Tensor.data: a new Array object over the same graph, so t.data[k] = v rebinds that
        # object only, never the tensor nor what a graph saved (the memory guard's job on NumPy)
        return _alias(arr)

    def fix_result(self, out: Any) -> Any:
        return self._da.asarray(out)

    def to_host(self, arr: Any) -> Any:
        """Compute ``arr`` (an explicit request for its values) into a NumPy array."""
        return _devices.to_host(arr.compute() if isinstance(arr, self._da.Array) else arr)

    def repr_array(self, arr: Any) -> str:
        # printing a tensor must not compute it: show the lazy array, as dask does
        return f"array({arr!r})"

    def dtype(self, spec: Any) -> Any:
        return self._np.dtype(spec)

    def version(self) -> str:
        return self._dask.__version__

    def memory_overlap(self, a: Any, b: Any, max_work: Any = None) -> bool:
        """``xgrad.shares_memory`` and ``may_share_memory``: False. Dask arrays are immutable
        graphs (an assignment rebinds the array it is made on), so no write through one can
        show in another: none share memory in NumPy's sense."""
        return False

    # -- what only a lazy library needs ----------------------------------------------------------
    def compute_many(self, arrays: list[Any]) -> list[Any]:
        """The values of ``arrays`` from one ``dask.compute`` pass (shared work once): NumPy
        arrays, or CuPy arrays for dask-of-CuPy (they stay on the GPU)."""
        np = self._np
        return [
            v if _devices.is_cupy_chunk(v) else np.asarray(v) for v in self._dask.compute(*arrays)
        ]

    def persist_many(self, arrays: list[Any]) -> list[Any]:
        """``arrays`` with their graphs computed and held in memory (``dask.persist``)."""
        return list(self._dask.persist(*arrays))

    # -- autodiff needs beyond the standard ------------------------------------------------------
    def getitem(self, arr: Any, key: Any) -> Any:
        items = key if isinstance(key, tuple) else (key,)
        for k in items:
            if getattr(k, "dtype", None) is not None and k.dtype == bool:
                raise NotImplementedError(
                    "getitem with a boolean mask (x[mask]) is not supported on the dask backend: "
                    "the result's length depends on the mask's values, which dask does not "
                    "know before computing (unknown chunk sizes). Use xgrad.where(mask, x, 0) "
                    "instead, index with a NumPy mask (its values are known), or compute "
                    "first (xgrad.compute)."
                )
        da, np = self._da, self._np
        if all(arr.shape) and any(isinstance(k, da.Array) and _is_int_array(k) for k in items):
            # dask's own indexing by a dask array of integers can report a wrong shape
            # (da.arange(4)[da.from_array(np.array([0]))].shape is (4,), its value [0]): take
            # it as one lazy NumPy task over the whole array, whose shape NumPy's rules give
            # (a zero-strided dummy indexed by zeros of the keys' shapes)
            self._check_known("indexing by an integer array", [arr, *items])
            dummy = np.broadcast_to(np.zeros((), dtype=bool), arr.shape)
            probe = tuple(
                np.zeros(k.shape, dtype=np.intp) if _is_int_array(k) else k for k in items
            )
            shape = dummy[probe].shape
            from dask import delayed

            lazy = delayed(_take, pure=True)(arr, tuple(items))
            return da.from_delayed(lazy, shape=shape, dtype=arr.dtype, meta=arr._meta)
        return arr[key]

    def index_from_host(self, host: Any, device: Any) -> list[tuple[Any, Any]]:
        """A host mask becomes its ``nonzero()`` integer keys (``x[mask]`` is
        ``x[mask.nonzero()]``, NumPy's definition), whose lengths Dask knows; integer keys come
        back with their host values, for xgrad to bounds-check before any task runs."""
        np = self._np
        h = np.asarray(host)
        parts = np.nonzero(h) if h.dtype == bool and h.ndim else (h,)
        return [
            (self.asarray(p, device=device), p if p.dtype.kind in "iu" else None) for p in parts
        ]

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        """``target`` with ``values`` added at ``target[index]`` (duplicates accumulating), as
        a lazy task: one ``np.add.at`` (``cupyx.scatter_add`` on CuPy chunks) on the whole array
        (a single chunk, rechunked back)."""

        def add_at(t: Any, v: Any, key: Any) -> Any:
            out = t.copy()
            _devices.add_at(out, key, v)
            return out

        return self._whole_array_task(
            "scatter_add (the gradient of x[key])", add_at, target, index, values
        )

    def scatter_set(self, target: Any, index: Any, values: Any) -> Any:
        items = _items(index)
        masked = any(_is_mask(k) for k in items)
        if any(_is_int_array(k) for k in items) or (masked and getattr(values, "ndim", 0)):
            # dask's __setitem__ takes only some integer-array keys (not 2-D ones, and not a
            # dask array of integers), and under a boolean mask it computes where an array of
            # values goes: one lazy NumPy assignment on the whole array instead

            return self._whole_array_task("setitem (x[key] = v)", _put, target, index, values)
        if all(_is_basic(k) for k in items):
            return self.set_basic(target, index, values)
        if masked:
            plain = [k for k in items if k is not Ellipsis]
            if len(plain) == 1 and plain[0].ndim == target.ndim:
                # one mask over the whole array: dask's __setitem__ takes it lazily only as
                # the key itself (x[mask] = v), not inside a tuple, which it reads as integers
                return _assign(target, plain[0], values)
            if any(k.ndim > 1 for k in items if _is_mask(k)):
                # a mask over some of the axes (x[mask2d, 1:] = v, x[mask2d] = v of a 3-d x):
                # dask's __setitem__ takes masks of one axis only
                return self._whole_array_task("setitem (x[key] = v)", _put, target, index, values)
        if 0 in target[index].shape:  # nothing to write; dask's __setitem__ rejects this
            return target
        return _assign(target, index, values)

    def set_basic(self, target: Any, key: tuple, values: Any) -> Any:
        """``target[key] = values`` through dask's ``__setitem__``, with what it gets wrong
        taken out of the key: it rejects an empty selection (nothing is written then) and
        ``None``, and fails with an IndexError for an integer before a negative-step slice
        (``x[1, ::-2] = v``): integers become length-1 slices, ``values`` gets their axes."""
        np = self._np
        items = _items(key)
        dummy = np.broadcast_to(np.zeros((), dtype=bool), target.shape)
        region = dummy[items].shape  # NumPy's rules, its IndexError for a bad key
        if 0 in region:
            return target
        if any(k is None or isinstance(k, int) for k in items):
            consumed = sum(k is not None and k is not Ellipsis for k in items)
            plain, dim = [], 0
            for k in items:
                if k is None:
                    continue
                if k is Ellipsis:
                    plain.append(k)
                    dim += target.ndim - consumed
                    continue
                if isinstance(k, int):
                    i = k + target.shape[dim] if k < 0 else k
                    k = slice(i, i + 1)
                plain.append(k)
                dim += 1
            items = tuple(plain)
            if getattr(values, "ndim", 0):
                values = self._da.broadcast_to(self._da.asarray(values), region)
                values = self.xp.reshape(values, dummy[items].shape)
        return _assign(target, items, values)

    def _check_known(self, what: str, arrays: list) -> None:
        for a in arrays:
            if isinstance(a, self._da.Array) and _has_unknown_chunks(a):
                raise NotImplementedError(
                    f"{what} is not supported on the dask backend for arrays of unknown chunk "
                    f"sizes (shape {a.shape}): call .compute_chunk_sizes() on them, or compute "
                    "first."
                )

    def _whole_array_task(self, what: str, fn: Any, target: Any, index: Any, values: Any) -> Any:
        """``fn(target, values, index)`` on NumPy arrays as one lazy task over the whole
        array, whose result is rechunked into ``target``'s chunks."""
        da = self._da
        self._check_known(what, [target, values, *_items(index)])
        from dask import delayed

        key = tuple(_items(index)) if isinstance(index, tuple) else index
        lazy = delayed(fn, pure=True)(target, values, key)
        out = da.from_delayed(lazy, shape=target.shape, dtype=target.dtype, meta=target._meta)
        return out.rechunk(target.chunks)

    def slice_add(self, target: Any, key: tuple, values: Any) -> Any:
        target[key] = target[key] + values  # dask's __setitem__ rebinds target lazily
        return target


def _namespace(xp_dask: Any, np: Any, da: Any) -> types.ModuleType:
    """``array_api_compat.dask.array`` with its ``linalg`` replaced by NumPy's routines applied
    matrix by matrix (``_dask_linalg``): batched, any chunks, the standard's results; a
    ``reshape`` that takes every shape NumPy's does; NumPy's ``unique`` functions, one lazy
    task each (``_dask_unique``); Dask's functions that differ from NumPy mended
    (``_dask_namespace``); and creation on the device asked for (``_dask_devices``)."""
    from . import _dask_linalg, _dask_namespace, _dask_unique

    ns = types.ModuleType("xgrad.backends._dask.xp", xp_dask.__doc__)
    skip = {"__name__", "__doc__", "__spec__", "__loader__", "__package__", "__path__"}
    ns.__dict__.update({k: v for k, v in vars(xp_dask).items() if k not in skip})
    ns.linalg = _dask_linalg.namespace()
    ns.reshape = _any_reshape(xp_dask.reshape, np, da)
    _dask_unique.install(ns)
    _dask_namespace.install(ns)  # before the devices' wrappers, which call these
    _devices.install(ns)
    return ns


def _any_reshape(reshape: Any, np: Any, da: Any) -> Any:
    """``reshape`` for every shape. Dask's own reshapes only by merging or splitting axes
    evenly (``(2, 3)`` to ``(3, 2)`` raises ``NotImplementedError``), and not at all with an
    axis of length 0. Where it refuses, the array is flattened (merging every axis) and then
    split into the new shape, both of which it does, in parallel over chunks; an empty array
    becomes an empty array of the shape NumPy's rules give (``-1`` resolved)."""

    def any_reshape(x: Any, /, shape: Any, *, copy: bool | None = None, **kwargs: Any) -> Any:
        if _has_unknown_chunks(x):
            raise NotImplementedError(
                f"reshape (and the gradients that need it: prod's, ...) is not supported on the "
                f"dask backend for arrays of unknown chunk sizes (shape {x.shape}): call "
                ".compute_chunk_sizes() on the dask array before making a tensor of it."
            )
        if 0 in x.shape:  # dask raises NotImplementedError or TypeError for most of these
            out = np.empty(x.shape, dtype=bool).reshape(shape).shape  # no memory: size 0
            return da.empty(out, dtype=x.dtype, meta=x._meta)
        try:
            return reshape(x, shape, copy=copy, **kwargs)
        except NotImplementedError:
            return reshape(reshape(x, (-1,), copy=copy), shape, copy=copy, **kwargs)

    any_reshape.__doc__ = reshape.__doc__
    return any_reshape


def _assign(target: Any, key: Any, values: Any) -> Any:
    """A new dask array: ``target`` with ``values`` at ``key`` (dask's lazy ``__setitem__``)."""
    out = target.copy()
    try:
        out[key] = values
    except NotImplementedError as exc:
        raise NotImplementedError(
            f"assignment x[{key!r}] = v (setitem, and the gradients that need it) is not "
            f"supported on the dask backend for this key (dask says: {exc})"
        ) from None
    return out


def _is_basic(k: Any) -> bool:
    return k is None or k is Ellipsis or isinstance(k, (int, slice))


def _alias(arr: Any) -> Any:
    """A new ``dask.array.Array`` over ``arr``'s graph (nothing copied, nothing computed)."""
    import dask.array as da

    return da.Array(arr.dask, arr.name, arr.chunks, meta=arr._meta)


def _take(a: Any, key: tuple) -> Any:
    return a[key]


def _put(t: Any, v: Any, key: Any) -> Any:
    """A copy of ``t`` (a chunk library's array) with ``v`` written at ``key``."""
    out = t.copy()
    out[key] = v
    return out


def _is_int_array(k: Any) -> bool:
    dtype = getattr(k, "dtype", None)
    return dtype is not None and getattr(k, "ndim", 0) > 0 and dtype.kind in "iu"


def _is_mask(k: Any) -> bool:
    dtype = getattr(k, "dtype", None)
    return dtype is not None and dtype.kind == "b"


def _items(index: Any) -> Any:
    return index if isinstance(index, tuple) else (index,)
