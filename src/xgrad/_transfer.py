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

__all__ = ["to_device", "to_numpy", "transfer"]


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
