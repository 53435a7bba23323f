"""Explicit, differentiable moves between devices and backends (``Tensor.to_device``).

The only way data crosses from one device or library to another. The gradient of a move is
the reverse move, so ``x.to_device("cuda")`` used in a loss gives ``x.grad`` on ``x``'s own
device.
"""

from __future__ import annotations

from typing import Any

from . import backends as _backends
from ._engine import STATE, Node
from ._op import Op
from ._tensor import Tensor, make_tensor

__all__ = ["compute", "to_device", "to_numpy", "transfer"]


def transfer(data: Any, src: Any, dst: Any, device: Any) -> Any:
    """Copy ``data`` (an array of backend ``src``) to ``device`` of backend ``dst``.

    The array-level move under :func:`to_device` (not differentiable: plain arrays); data
    already on ``device`` of ``dst`` is returned as it is.

    Parameters
    ----------
    data : array
        An array of backend ``src``.
    src, dst : Backend
        The backends to copy from and to.
    device : device object
        A device of ``dst`` (as ``dst.parse_device`` gives it).

    Returns
    -------
    array
        An array of ``dst`` on ``device``.

    Examples
    --------
    >>> import numpy as np
    >>> from xgrad.backends import load
    >>> from xgrad._transfer import transfer
    >>> np_bk, strict = load("numpy"), load("array_api_strict")
    >>> a = transfer(np.array([1.0, 2.0]), np_bk, strict, strict.parse_device("device1"))
    >>> a.device
    array_api_strict.Device('device1')
    >>> b = np.array([1.0])
    >>> transfer(b, np_bk, np_bk, "cpu") is b
    True
    """
    if src is dst:
        if src.device_of(data) == device:
            return data
        return dst.to_device(data, device)
    return dst.asarray(src.to_host(data), device=device)


def _target(x: Tensor, device: Any, backend: Any) -> tuple[Any, Any]:
    if backend is not None:
        bk = _backends.load(backend)
        return bk, bk.parse_device(device)
    src = x._backend
    try:
        return src, src.parse_device(device)
    except (ValueError, TypeError):
        return _backends._select(None, device, None)


def _move_back(xp: Any, g: Any, *, src: tuple, dst: tuple) -> Any:
    if isinstance(g, Tensor):  # create_graph: the reverse move is itself differentiable
        return to_device(g, src[1], backend=src[0])
    return transfer(g, dst[0], src[0], src[1])


TO_DEVICE = Op(
    "to_device",
    ("x",),
    "asarray",
    (_move_back,),
    kind="transfer",
    doc="an explicit copy to another device or backend",
)


def to_device(x: Any, device: Any, *, backend: Any = None) -> Tensor:
    """Copy ``x`` to ``device`` (``"cpu"``, ``"cuda"``, ``"cuda:1"``, a device object), on
    another backend if needed; differentiable (the gradient is moved back).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = x.to_device("device1", backend="array_api_strict")
    >>> (y * y).sum().backward()
    >>> x.grad          # back on x's device, as a NumPy array
    array([2., 4.])
    """
    if not isinstance(x, Tensor):
        x = Tensor(x, copy=False)
    src, src_dev = x._backend, x.device
    dst, dst_dev = _target(x, device, backend)
    data = transfer(x._data, src, dst, dst_dev)
    if x._constant or not STATE.enabled:
        out = make_tensor(data, dst, None, x._constant)
    else:
        parent = x._leaf_or_node()
        parent._grad = None
        params = {"src": (src, src_dev), "dst": (dst, dst_dev)}
        node = Node(TO_DEVICE, (parent,), (), params, dst, data)
        out = make_tensor(data, dst, node, False)
    tans = getattr(x, "_tan", None)
    if tans:  # forward mode: the tangent makes the same move
        out._tan = {k: to_device(t, device, backend=backend) for k, t in tans.items()}
    return out


def _to_device_method(self: Tensor, device: Any, /, *, stream: Any = None, backend: Any = None):
    """``to_device(self, device, backend=backend)`` (the array API's method; ``stream`` is
    accepted for its signature: copies here are synchronous).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = x.to_device("device1", backend="array_api_strict")
    >>> y
    Tensor([1., 2.], backend='array_api_strict', device='device1')
    >>> (3 * y).sum().backward()
    >>> x.grad                      # moved back to x's backend and device
    array([3., 3.])
    """
    return to_device(self, device, backend=backend)


Tensor.to_device = _to_device_method


def to_numpy(x: Any) -> Any:
    """An explicit host copy, as a NumPy array, of a tensor or of any backend's array (such as
    a ``.grad`` on a GPU). Plotting and printing use it; computations should not.

    Examples
    --------
    >>> import xgrad as xg
    >>> with xg.use_backend("array_api_strict", device="device1"):
    ...     x = xg.tensor([1.0, 2.0])
    ...     (x ** 2).sum().backward()
    >>> xg.to_numpy(x.grad)
    array([2., 4.])
    """
    if isinstance(x, Tensor):
        return x.numpy()
    bk = _backends.backend_of(x)
    if bk is None:
        return _backends.load("numpy").asarray(x, copy=True)
    return bk.to_host(x)


def compute(*objs: Any) -> tuple:
    """Compute lazy tensors and arrays (the Dask backend's) together, in one pass.

    Work that several results share (a forward pass that a loss and its gradients both need)
    runs once: the results come from one ``dask.compute`` call. Nothing else computes a Dask
    backend's tensor until it is asked for its values (this, :meth:`Tensor.compute`,
    ``Tensor.numpy``, ``float(t)``, ``t.item()``).

    Parameters
    ----------
    *objs : Tensor or array or object
        Tensors and arrays (``x.grad``) of any backend, or anything else. Lists, tuples and
        dicts are traversed, as ``dask.compute`` does: ``compute([loss, x.grad])`` gives a
        list of the two results.

    Returns
    -------
    tuple
        One result per argument, in order, always a tuple (as ``dask.compute`` returns):
        a tensor of a lazy backend becomes a NumPy-backend :class:`Tensor` with its values
        (a new leaf, cut from the graph, with the same ``constant`` flag); a lazy array
        becomes a NumPy array (for dask-of-CuPy, device ``"cuda"``: a CuPy-backend tensor
        and a CuPy array, still on the GPU); anything else (tensors and arrays of eager
        backends such as NumPy, CuPy or array_api_strict, numbers) is returned as it is.

    See Also
    --------
    Tensor.compute, Tensor.persist

    Examples
    --------
    On an eager backend there is nothing to compute:

    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> xg.compute(x)[0] is x
    True

    With the Dask backend (``pip install "xgrad[dask]"``), a loss and its gradient are
    computed together:

    >>> import dask.array as da
    >>> x = xg.tensor(da.arange(4.0, chunks=2))
    >>> loss = (x ** 2).sum()
    >>> loss.backward()
    >>> value, grad = xg.compute(loss, x.grad)
    >>> value
    Tensor(14.)
    >>> grad
    array([0., 2., 4., 6.])
    >>> xg.compute({"loss": loss, "grads": [x.grad]})
    ({'loss': Tensor(14.), 'grads': [array([0., 2., 4., 6.])]},)
    """
    leaves: list[Any] = []
    shapes = [_flatten(obj, leaves) for obj in objs]
    done = iter(_compute_leaves(leaves))
    return tuple(_rebuild(shape, done) for shape in shapes)


def _flatten(obj: Any, leaves: list[Any]) -> Any:
    """``obj``'s structure, with its leaves appended to ``leaves``: lists, tuples and dicts
    are traversed (as ``dask.compute`` does); anything else is one leaf."""
    if type(obj) in (list, tuple):
        return (type(obj), [_flatten(o, leaves) for o in obj])
    if type(obj) is dict:
        return (dict, {k: _flatten(v, leaves) for k, v in obj.items()})
    leaves.append(obj)
    return None


def _rebuild(shape: Any, done: Any) -> Any:
    if shape is None:
        return next(done)
    kind, parts = shape
    if kind is dict:
        return {k: _rebuild(v, done) for k, v in parts.items()}
    return kind(_rebuild(p, done) for p in parts)


def _compute_leaves(objs: list[Any]) -> list[Any]:
    """:func:`compute` of a flat list."""
    lazy: dict[int, tuple[Any, list[int]]] = {}  # id(backend) -> (backend, positions)
    arrays: list[Any] = []
    for i, obj in enumerate(objs):
        if isinstance(obj, Tensor):
            bk = obj._backend
            arr = obj._data
        else:
            bk = _backends.backend_of(obj)
            arr = obj
        if bk is None or not bk.lazy:
            arrays.append(None)
            continue
        lazy.setdefault(id(bk), (bk, []))[1].append(i)
        arrays.append(arr)
    out = list(objs)
    if not lazy:
        return out
    for bk, positions in lazy.values():
        values = bk.compute_many([arrays[i] for i in positions])
        for i, value in zip(positions, values, strict=True):
            obj = objs[i]
            if isinstance(obj, Tensor):
                # the chunks' library: NumPy, or CuPy for dask-of-CuPy (on the GPU)
                eager = _backends.backend_of(value) or _backends.load("numpy")
                out[i] = make_tensor(eager.asarray(value), eager, None, obj._constant)
            else:
                out[i] = value
    return out


def _compute_method(self: Tensor) -> Tensor:
    """This tensor's values as a NumPy-backend tensor (``xgrad.compute(self)[0]``).

    On a lazy backend (Dask) it computes the graph and returns a new NumPy-backend leaf with
    the same ``constant`` flag, cut from the autodiff graph (call ``backward`` first); on
    every other backend it returns ``self``, which already holds its values.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> x.compute() is x
    True
    >>> import dask.array as da
    >>> y = (xg.tensor(da.ones(3, chunks=2)) * 2).compute()
    >>> y, y.backend.name
    (Tensor([2., 2., 2.]), 'numpy')
    """
    if not self._backend.lazy:
        return self
    return compute(self)[0]


def _persist_method(self: Tensor) -> Tensor:
    """This tensor with its lazy graph computed and kept in memory (``dask.persist``).

    On a lazy backend (Dask) it returns a new tensor of the same backend whose data is
    materialised (its chunks computed, so later work starts from them): a new leaf with the
    same ``constant`` flag, cut from the autodiff graph (call ``backward`` first, or
    differentiate with respect to the persisted tensor). On every other backend it returns
    ``self``.

    Examples
    --------
    >>> import xgrad as xg
    >>> import dask.array as da
    >>> x = xg.tensor(da.arange(4.0, chunks=2))
    >>> h = (x * 3).persist()          # computed now, still a dask-backed tensor
    >>> h.backend.name, h.constant
    ('dask', False)
    >>> (h ** 2).sum().compute()
    Tensor(126.)
    """
    bk = self._backend
    if not bk.lazy:
        return self
    (data,) = bk.persist_many([self._data])
    return make_tensor(data, bk, None, self._constant)


Tensor.compute = _compute_method
Tensor.persist = _persist_method
