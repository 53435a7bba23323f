"""The :class:`Tensor`: an array of one backend plus its place in the graph.

The class is kept thin on purpose: its arithmetic operators and array methods are installed
from the op table (:mod:`xgrad.ops`), and everything about gradients lives in the engine.
"""

from __future__ import annotations

import math
import operator
import sys
import warnings
from typing import Any

from . import _engine
from . import backends as _backends
from ._engine import STATE
from ._registry import FUNCTIONS
from .backends._dtypes import check_array_dtype
from .errors import DisconnectedView, GradientLostWarning, InvalidGradient

# Installed from above by xgrad._views (views are built on tensors): a view's gradient (the
# matching part of its base's), and re-deriving a base's live views after ``data`` is set.
view_grad: Any = None
replay_views: Any = None

__all__ = ["Tensor", "make_tensor"]


class Tensor:
    """An array that records the operations applied to it, so derivatives can be computed.

    Parameters
    ----------
    x : array_like
        A number, a (nested) list, an array of any supported backend, or another tensor.
    dtype : data-type, optional
        Desired dtype (``"float32"``, ``float``, ``np.float64``, a backend dtype, ...).
    constant : bool, optional
        A constant never receives a gradient. Defaults to ``False`` for floating-point data
        and ``True`` otherwise; integer and boolean tensors are always constant.
    copy : bool, optional (default=True)
        Copy the data. ``False`` copies only when needed.
    ndmin : int, optional
        Prepend size-1 axes until the tensor has at least this many dimensions.
    backend : str, optional
        ``"numpy"``, ``"cupy"`` or ``"array_api_strict"``; defaults to the data's own library
        for backend arrays, otherwise to the selected backend (:func:`xgrad.use_backend`).
    device : str or device, optional
        ``"cpu"``, ``"cuda"``, ``"cuda:N"``, a backend device object. Creating a tensor with
        an explicit ``backend``/``device`` is an explicit transfer.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.Tensor([1.0, 2.0, 3.0])
    >>> f = (x ** 2).sum()
    >>> f.backward()
    >>> x.grad
    array([2., 4., 6.])
    """

    __slots__ = (
        "__weakref__",
        "_backend",
        "_base",
        "_constant",
        "_data",
        "_node",
        "_tan",
        "_vchain",
        "_views",
    )
    __array_priority__ = 15.0
    __hash__ = object.__hash__

    def __init__(
        self,
        x: Any,
        *,
        dtype: Any = None,
        constant: bool | None = None,
        copy: bool = True,
        ndmin: int = 0,
        backend: Any = None,
        device: Any = None,
    ) -> None:
        if ndmin.__class__ is not int:
            ndmin = check_ndmin(ndmin)
        data, bk = to_backend_array(x, dtype=dtype, copy=copy, backend=backend, device=device)
        if ndmin > len(data.shape):
            data = bk.xp.reshape(data, (1,) * (ndmin - len(data.shape)) + tuple(data.shape))
        self._data = data
        self._backend = bk
        self._node = None
        self._base = None
        self._constant = check_constant(constant, data, bk)
        if STATE.tracer is not None:  # xgrad.compile: a copy of a traced value
            STATE.tracer.copied(self, x)

    # -- graph state ---------------------------------------------------------------------------
    def _leaf_or_node(self) -> Any:
        """This tensor's graph node, creating its leaf node on first use."""
        node = self._node
        if node is None:
            node = self._node = _engine.leaf_node(self._data, self._backend)
        return node

    @property
    def data(self) -> Any:
        """The underlying array of the tensor's backend (not a copy).

        While a live graph saved it (NumPy's memory guard), a read-only view of it whose
        writes raise :class:`~xgrad.errors.MemoryGuardError`, saying how to release it.
        Setting it replaces the data (a gradient-descent step, as in MyGrad).

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.0, 2.0])
        >>> x.data
        array([1., 2.])
        >>> (x ** 2).sum().backward()
        >>> x.data = x.data - 0.1 * x.grad
        >>> x
        Tensor([0.8, 1.6])
        """
        if STATE.tracer is not None:
            STATE.tracer.concrete(self, ".data")
        return self._backend.user_array(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        """Replace the data, as MyGrad allows (``x.data = x.data - lr * x.grad``; an in-place
        ``x.data -= ...`` writes the array itself and sets it back unchanged). Graphs that
        used the old array keep it; a tensor computed by an op becomes a new leaf."""
        if STATE.tracer is not None:
            STATE.tracer.concrete(self, "setting .data")
        if value is self._data:
            return  # the array itself, written in place
        if self._base is not None:
            raise DisconnectedView(
                "cannot replace the data of a view (it shares memory with its base); write "
                "into it instead: view[...] = value"
            )
        bk = self._backend
        arr, _ = to_backend_array(value, copy=None, backend=bk, device=self.device)
        check_constant(self._constant, arr, bk)
        node = self._node
        if node is not None and (
            node.op is not None or tuple(arr.shape) != tuple(node.shape) or arr.dtype != node.dtype
        ):
            self._node = None  # a new leaf (a leaf keeps its gradient, as in MyGrad)
        self._data = arr
        if getattr(self, "_views", None):
            replay_views(self)

    @property
    def grad(self) -> Any:
        """d(terminal)/d(self) from the latest ``backward()``: an array of this tensor's backend
        and device and shape, or ``None``. A Tensor after ``backward(create_graph=True)``.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.0, 2.0])
        >>> x.grad is None
        True
        >>> (x * x).sum().backward()
        >>> x.grad
        array([2., 4.])
        """
        if self._base is not None:
            return None if self._constant else view_grad(self)
        node = self._node
        return None if node is None else node._grad

    @property
    def constant(self) -> bool:
        """A constant tensor never receives a gradient (integer and boolean tensors always
        are constants).

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.tensor([1.0, 2.0]).constant, xg.tensor([1, 2]).constant
        (False, True)
        >>> c = xg.tensor([1.0, 2.0], constant=True)
        >>> x = xg.tensor([3.0, 4.0])
        >>> (c * x).sum().backward()
        >>> c.grad is None, x.grad
        (True, array([1., 2.]))
        """
        return self._constant

    @property
    def creator(self) -> Any:
        """The graph node of the op that produced this tensor; ``None`` for leaves, constants,
        and once ``backward()`` or ``clear_graph()`` consumed the graph."""
        node = self._node
        if node is None or node.op is None or node.parents is None:
            return None
        return node

    @property
    def base(self) -> Tensor | None:
        """The tensor this one is a view of (``None`` if it owns its data), as MyGrad.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.0, 2.0, 3.0])
        >>> v = x[1:]
        >>> v.base is x, x.base, (x + 1).base
        (True, None, None)
        >>> v[0] = 0.0                  # a view writes into its base
        >>> x
        Tensor([1., 0., 3.])
        """
        return self._base

    @property
    def backend(self) -> Any:
        """The :class:`~xgrad.backends.Backend` this tensor's data belongs to."""
        return self._backend

    def backward(
        self, grad: Any = None, *, retain_graph: bool = False, create_graph: bool = False
    ) -> None:
        """Compute the derivatives of this tensor with respect to every tensor in its graph.

        Each non-constant tensor ``t`` that this tensor depends on gets ``t.grad`` =
        d(self)/d(t). A non-scalar tensor behaves as if it was summed first (the seed is ones),
        unless ``grad`` gives the seed (it must broadcast to this tensor's shape). Afterwards
        the graph is consumed (its saved arrays freed) unless ``retain_graph=True``.

        Parameters
        ----------
        grad : array_like, optional
            d(terminal)/d(self); defaults to ones.
        retain_graph : bool
            Keep the graph so ``backward`` can run through it again.
        create_graph : bool
            Record the backward pass itself, making every ``.grad`` a Tensor that can be
            differentiated again (higher-order derivatives). Implies ``retain_graph``.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor(2.0)
        >>> y = x ** 3
        >>> y.backward(create_graph=True)
        >>> x.grad            # 3 x**2
        Tensor(12.)
        >>> x.grad.backward()
        >>> x.grad            # 6 x
        array(12.)
        """
        if not STATE.enabled:
            return
        if self._constant:  # no gradients; the graph it came from is freed, as in MyGrad
            _engine.clear_graph(self._node)
            return
        seed = self._seed(grad, create_graph)
        _engine.backward(self, seed, retain_graph=retain_graph, create_graph=create_graph)

    def _seed(self, grad: Any, keep_tensor: bool) -> Any:
        bk = self._backend
        xp = bk.xp
        data = self._data
        if grad is None:
            return xp.ones_like(data) if keep_tensor else bk.ones_seed(data)
        if isinstance(grad, Tensor):
            if grad._backend is not bk:
                devs = (self.device, grad.device)
                raise _backends.mismatch_error(bk, grad._backend, "backward(grad)", devices=devs)
            if keep_tensor:
                shape = tuple(self.shape)
                if tuple(grad.shape) != shape:
                    if _broadcast_shape(tuple(grad.shape), shape) != shape:
                        raise _seed_shape_error(grad.shape, shape)
                    grad = FUNCTIONS["broadcast_to"](grad, shape)
                return grad
            grad = grad._data
        if not isinstance(grad, bk.array_types):
            other = _backends.backend_of(grad)
            if other is not None:
                devs = (self.device, other.device_of(grad))
                raise _backends.mismatch_error(bk, other, "backward(grad)", devices=devs)
            grad = bk.asarray(grad, device=bk.device_of(data))
        check_array_dtype(xp, grad, "backward(grad)")
        if grad.dtype != data.dtype:
            grad = xp.astype(grad, data.dtype)
        else:  # the caller's array: gradients must not share its memory
            grad = xp.asarray(grad, copy=True)
        shape = tuple(data.shape)
        gshape = tuple(grad.shape)
        if gshape != shape:
            if _broadcast_shape(gshape, shape) != shape:
                raise _seed_shape_error(gshape, shape)
            grad = xp.broadcast_to(grad, shape)
        return grad

    def null_grad(self) -> Tensor:
        """Set ``self.grad`` to ``None``; returns ``self``.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.0, 2.0])
        >>> (x * x).sum().backward()
        >>> x.null_grad() is x, x.grad
        (True, None)
        """
        node = self._node
        if node is not None:
            node._grad = None
        return self

    def null_gradients(self, clear_graph: bool = True) -> None:
        """Set ``grad`` to ``None`` for this tensor, for every tensor of the live graph that
        ends in it, and for the leaves the latest ``backward()`` from it reached (MyGrad's
        method, which MyGrad deprecates: involving a tensor in a new graph already forgets its
        gradient). After ``backward()`` consumed the graph, an intermediate tensor keeps its
        ``grad`` (MyGrad's forgets it too): nothing links it to this tensor any more.

        Parameters
        ----------
        clear_graph : bool
            Also free the graph (``clear_graph()``). Default ``True``.

        Examples
        --------
        >>> import xgrad as xg
        >>> x, y = xg.tensor(2.0), xg.tensor(3.0)
        >>> w = x * y
        >>> f = 2 * w
        >>> f.backward()
        >>> any(t.grad is None for t in (f, w, x, y))
        False
        >>> f.null_gradients()
        >>> all(t.grad is None for t in (f, x, y))
        True
        """
        node = self._node
        if node is not None:
            _engine.null_gradients(node)
        if clear_graph:
            self.clear_graph()

    def clear_graph(self) -> None:
        """Free the graph that produced this tensor without computing gradients.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor(3.0)
        >>> y = x * 2
        >>> y.creator is None
        False
        >>> y.clear_graph()
        >>> y.creator is None
        True
        >>> y.backward()                # nothing reaches x any more
        >>> x.grad is None
        True
        """
        _engine.clear_graph(self._node)

    # -- array attributes ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The length of each axis, as a tuple of ints.

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.zeros((2, 3)).shape, xg.tensor(1.5).shape
        ((2, 3), ())
        """
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        """The number of axes.

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.tensor(1.5).ndim, xg.zeros((2, 3)).ndim
        (0, 2)
        """
        return len(self._data.shape)

    @property
    def size(self) -> int:
        """The number of elements (the product of the shape).

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.zeros((2, 3)).size, xg.tensor(1.5).size
        (6, 1)
        """
        return math.prod(self._data.shape)

    @property
    def dtype(self) -> Any:
        """The data type of the elements (the backend's dtype object).

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.tensor([1, 2]).dtype, xg.tensor([1.0], dtype="float32").dtype
        (dtype('int64'), dtype('float32'))
        """
        return self._data.dtype

    @property
    def device(self) -> Any:
        """The device the data lives on (a native device object of the backend).

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.tensor([1.0]).device
        'cpu'
        >>> xg.tensor([1.0], backend="array_api_strict", device="device1").device
        array_api_strict.Device('device1')
        """
        return self._backend.device_of(self._data)

    def __len__(self) -> int:
        shape = self._data.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    # -- conversions ----------------------------------------------------------------------------
    def item(self) -> int | float | bool:
        """The single element as a Python number (a device-to-host copy on GPU backends).

        Examples
        --------
        >>> import xgrad as xg
        >>> xg.tensor([2.5]).item(), xg.tensor([[7]]).item()
        (2.5, 7)
        """
        if STATE.tracer is not None:
            STATE.tracer.concrete(self, "item(), float(), int(), bool() or an index")
        if self.size != 1:
            raise ValueError(
                f"item() needs a tensor with exactly one element; this one has shape {self.shape}"
            )
        bk = self._backend
        xp = bk.xp
        d = xp.reshape(self._data, ())
        if xp.isdtype(d.dtype, "bool"):
            return bool(d)
        if xp.isdtype(d.dtype, "integral"):
            return int(d)
        return float(d)

    def __float__(self) -> float:
        if not self._constant and STATE.enabled and _library_caller():
            # float(loss) in a training loop is the user's choice; a library doing it (a
            # metric that returns a Python float) silently ends the graph
            _gradient_lost("converted to a Python float")
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(
                "the truth value of a tensor with more than one element is ambiguous; "
                "use xgrad.any(t) or xgrad.all(t)"
            )
        return bool(self.item())

    def __index__(self) -> int:
        xp = self._backend.xp
        if not xp.isdtype(self._data.dtype, "integral"):
            raise TypeError("only integer tensors can be used as an index")
        return int(self.item())

    def numpy(self) -> Any:
        """An explicit copy of the data as a NumPy array in host memory (for plotting and
        printing); a device-to-host transfer on GPU backends.

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.0, 2.0])
        >>> a = x.numpy()
        >>> a[0] = 100.0                # a copy: x is unchanged
        >>> a, x
        (array([100.,   2.]), Tensor([1., 2.]))
        """
        if STATE.tracer is not None:
            STATE.tracer.concrete(self, "numpy()")
        return self._backend.to_host(self._data)

    def tolist(self) -> Any:
        """The data as nested Python lists (a host copy)."""
        return self.numpy().tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Any:
        bk = self._backend
        if STATE.tracer is not None:
            STATE.tracer.concrete(self, "numpy.asarray()")
        if not self._constant and STATE.enabled:
            _gradient_lost("converted to a NumPy array (numpy.asarray)")
        if bk.name != "numpy":
            raise TypeError(
                f"this tensor lives on the {bk.name!r} backend "
                f"(device {bk.device_str(self.device)!r}); xgrad never copies it to host memory "
                "implicitly. Call tensor.numpy() for an explicit host copy."
            )
        data = self._data
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        if copy:
            return data.copy()
        return data

    def __dlpack__(
        self,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: Any = None,
        copy: bool | None = None,
    ) -> Any:
        """Export the data through DLPack (the array API's interchange protocol); the
        consumer's array has no gradient."""
        if STATE.tracer is not None:
            STATE.tracer.concrete(self, "DLPack export")
        if not self._constant and STATE.enabled:
            _gradient_lost("exported through DLPack")
        kwargs: dict[str, Any] = {"stream": stream}
        if max_version is not None:
            kwargs["max_version"] = max_version
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[Any, int]:
        """The DLPack device of the data."""
        return self._data.__dlpack_device__()

    def __complex__(self) -> complex:
        """A one-element tensor as a Python complex number with imaginary part 0 (the array
        API's rule for real data; xgrad holds no complex data)."""
        if self.size != 1:
            raise TypeError(
                "complex() needs a tensor with exactly one element; this one has shape "
                f"{self.shape}"
            )
        return complex(self.item())

    def copy(self, *, constant: bool | None = None) -> Tensor:
        """A copy of the data and of the gradient, disconnected from the graph (as MyGrad).

        Examples
        --------
        >>> import xgrad as xg
        >>> x = xg.tensor([1.0, 2.0])
        >>> (3 * x).sum().backward()
        >>> c = x.copy()
        >>> c, c.grad, c.grad is x.grad
        (Tensor([1., 2.]), array([3., 3.]), False)
        >>> (x * x).copy().creator is None  # no graph behind the copy
        True
        """
        bk = self._backend
        xp = bk.xp
        out = Tensor.__new__(Tensor)
        out._data = xp.asarray(self._data, copy=True)
        out._backend = bk
        out._node = None
        out._base = None
        if STATE.tracer is not None:  # xgrad.compile: the copy holds the same traced value
            STATE.tracer.copied(out, self)
        out._constant = (
            self._constant if constant is None else check_constant(constant, out._data, bk)
        )
        g = self.grad
        if g is not None and not out._constant:
            g = g._data if isinstance(g, Tensor) else g
            out._leaf_or_node()._grad = xp.asarray(g, copy=True)
        return out

    def __copy__(self) -> Tensor:
        return self.copy()

    def __deepcopy__(self, memo: dict) -> Tensor:
        return self.copy()

    def __reduce__(self) -> tuple:
        # host copies of the data and of the gradient (as MyGrad, which keeps .grad too)
        g = self.grad
        if g is not None:
            g = self._backend.to_host(g._data if isinstance(g, Tensor) else g)
        device = self._backend.device_str(self.device)
        return (_rebuild, (self.numpy(), self._constant, self._backend.name, g, device))

    def __repr__(self) -> str:
        bk = self._backend
        r = bk.repr_array(self._data)
        if r.startswith("array("):
            r = "Tensor(" + r[6:].replace("\n", "\n ")
        if bk.name != "numpy":
            r = f"{r[:-1]}, backend={bk.name!r}, device={bk.device_str(self.device)!r})"
        return r

    def __str__(self) -> str:
        return self.__repr__()

    def __format__(self, spec: str) -> str:
        """As NumPy's arrays: a 0-d tensor formats its value (a device-to-host copy on GPU
        backends, like ``float(t)``); an empty spec gives ``str(t)``.

        >>> import xgrad as xg
        >>> f"{xg.tensor(2.0 / 3):.2f}"
        '0.67'
        """
        if not spec:
            return self.__str__()
        if self._data.shape:
            raise TypeError(
                "unsupported format string passed to Tensor.__format__: only a 0-d tensor "
                "takes a format spec, as with NumPy arrays; format the elements of t.tolist()"
            )
        return format(self.item(), spec)

    # NumPy's __array_ufunc__ and __array_function__ are installed by xgrad._interop.


def _library_caller() -> bool:
    """Whether the code that called into xgrad lives in an installed package."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("xgrad."):
        frame = frame.f_back
    return frame is not None and "-packages" in frame.f_code.co_filename


def _gradient_lost(how: str) -> None:
    """Warn that a tensor needing a gradient left the graph: name the library function that
    did it and point the warning at the user's line that called into that library."""
    frames = []
    frame = sys._getframe(0)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    mods = [f.f_globals.get("__name__", "") for f in frames]
    ours = ("xgrad.", "numpy", "array_api_compat")
    lib = next((k for k, m in enumerate(mods) if not m.startswith(ours)), len(mods) - 1)
    where = f"{mods[lib]}.{frames[lib].f_code.co_qualname}"
    user = lib
    if "-packages" in frames[lib].f_code.co_filename:  # an installed library: find its caller
        top = mods[lib].split(".")[0]
        while user + 1 < len(frames) and mods[user + 1].split(".")[0] == top:
            user += 1
        if user + 1 < len(frames):
            user += 1
            where += f" (called from {mods[user]}, line {frames[user].f_lineno})"
    warnings.warn(
        f"a tensor that needs a gradient was {how} in {where}: what is computed from that "
        "array gets no gradient, so derivatives through it are lost. For a deliberate "
        "conversion use tensor.data (the array itself) or tensor.numpy() (a copy); "
        'warnings.simplefilter("error", xgrad.errors.GradientLostWarning) makes this an '
        "error.",
        GradientLostWarning,
        stacklevel=user + 1,
    )


def _rebuild(
    host: Any, constant: bool, backend: str, grad: Any = None, device: Any = None
) -> Tensor:
    """A pickled tensor, on the device it was pickled from when this machine has it (else
    on the backend's current default, as before devices were recorded)."""
    try:
        t = Tensor(host, constant=constant, backend=backend, device=device)
    except (ValueError, TypeError):
        t = Tensor(host, constant=constant, backend=backend)
    if grad is not None:
        bk = t._backend
        t._leaf_or_node()._grad = bk.asarray(grad, dtype=t.dtype, device=t.device, copy=True)
    return t


_new = object.__new__


def make_tensor(data: Any, backend: Any, node: Any, constant: bool) -> Tensor:
    """Build a tensor around an array without any checks (the ops' hot path)."""
    t = _new(Tensor)
    t._data = data
    t._backend = backend
    t._node = node
    t._constant = constant
    t._base = None
    return t


def to_backend_array(
    x: Any, *, dtype: Any = None, copy: bool | None = True, backend: Any = None, device: Any = None
) -> tuple[Any, Any]:
    """``x`` as an array of the right backend and device: the data of a new tensor.

    Tensors and device arrays (CuPy, array_api_strict) stay on their backend unless
    ``backend``/``device`` say otherwise, in which case they are copied there (an explicit
    transfer). Host data (numbers, lists, NumPy arrays) goes to the selected backend, so
    ``with use_backend("cupy"): xgrad.tensor(np_array)`` is a GPU tensor.
    """
    if isinstance(x, Tensor):
        src = x._backend
        data = x._data
    else:
        src = _backends.backend_of(x)
        data = x
        if src is not None and src.name == "numpy":
            src = None  # NumPy arrays are host data: they go to the selected backend
    if backend is None and device is None and src is not None:
        bk, dev = src, src.device_of(data)
    else:
        bk, dev = _backends.resolve(backend, device)
        if src is not None and src is not bk:
            data = src.to_host(data)  # the explicit cross-library transfer asked for
    dt = bk.dtype(dtype) if dtype is not None else None
    arr = bk.asarray(data, dtype=dt, device=dev, copy=None if copy is False else copy)
    if arr.__class__ is not bk.array_type:
        arr = bk.fix_result(arr)
    return arr, bk


def check_constant(constant: bool | None, data: Any, bk: Any) -> bool:
    """Resolve the ``constant`` flag of a new tensor: integer and boolean data is constant."""
    is_float = bk.xp.isdtype(data.dtype, "real floating")
    if constant is None:
        return not is_float
    if not constant and not is_float:
        raise ValueError(
            f"a tensor of dtype {data.dtype} cannot be differentiated: integer and boolean "
            "tensors are always constant. Use floating-point data (e.g. dtype=float) for "
            "constant=False."
        )
    return bool(constant)


def check_ndmin(ndmin: Any) -> int:
    """``ndmin`` as an int (NumPy's rule: any integer, negative meaning 0); ``TypeError``
    for anything else."""
    try:
        return operator.index(ndmin)
    except TypeError:
        raise TypeError(f"ndmin must be an integer, got {ndmin!r}") from None


def _broadcast_shape(a: tuple, b: tuple) -> tuple | None:
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, j in zip(a, b, strict=True):
        if i == j or j == 1:
            out.append(i)
        elif i == 1:
            out.append(j)
        else:
            return None
    return tuple(out)


def _seed_shape_error(gshape: tuple, shape: tuple) -> InvalidGradient:
    return InvalidGradient(
        f"backward(grad): grad has shape {tuple(gshape)}, which does not broadcast to the "
        f"tensor's shape {tuple(shape)}; pass a gradient of shape {tuple(shape)} "
        "(or one that broadcasts to it)"
    )


_engine.make_tensor = make_tensor
