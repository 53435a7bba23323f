"""The backend registry: which array library (and device) new tensors are made on.

Selection precedence, highest first:

1. an explicit ``backend=`` / ``device=`` argument;
2. the innermost :func:`use_backend` context manager;
3. :func:`set_backend`;
4. the ``XGRAD_BACKEND`` and ``XGRAD_DEVICE`` environment variables;
5. ``"numpy"`` on the CPU.

Operations never consult the selection: they run on the backend of their tensor inputs, and
inputs of two backends or devices raise an error naming both. Nothing moves between host and
device unless asked (``Tensor.to_device``, ``Tensor.numpy``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from numpy.exceptions import AxisError

from .. import errors as _errors
from ..errors import BackendMismatchError, BackendUnavailableError, DeviceMismatchError
from ._base import Backend

# NumPy's AxisError (a ValueError and an IndexError) is what xgrad raises for an axis out of
# range, on every backend, as NumPy does; only this layer names NumPy, so it binds the name
# that xgrad.errors declares
_errors.AxisError = AxisError

__all__ = [
    "AxisError",
    "Backend",
    "available_backends",
    "backend_of",
    "current",
    "get_backend",
    "get_device",
    "known_backends",
    "load",
    "of_namespace",
    "resolve",
    "set_backend",
    "use_backend",
]

_MODULES = {
    "numpy": ("._numpy", "NumpyBackend"),
    "cupy": ("._cupy", "CupyBackend"),
    "array_api_strict": ("._strict", "StrictBackend"),
    "dask": ("._dask", "DaskBackend"),
}
_ALIASES = {"np": "numpy", "cp": "cupy", "strict": "array_api_strict"}
_loaded: dict[str, Backend] = {}
#: maps id(namespace) to its backend (derivative rules receive ``xp``, not the backend)
_namespace_to_backend: dict[int, Backend] = {}
#: maps an array type to its backend, filled as backends load (a dict lookup per foreign input)
_type_to_backend: dict[type, Backend] = {}
#: maps an array type to what a graph node saves as its shape (:meth:`Backend.saved_shape`),
#: for the backends whose arrays have a layout beyond the shape (Dask's chunks)
saved_shape_of: dict[type, Any] = {}


def known_backends() -> tuple[str, ...]:
    """Names of every backend xgrad knows, whether or not it can run here.

    Returns
    -------
    tuple of str
        The registry names, which :func:`load` and ``backend=`` arguments take (with the
        aliases ``"np"``, ``"cp"`` and ``"strict"``).

    See Also
    --------
    available_backends : the ones that can run on this machine.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.backends.known_backends()
    ('numpy', 'cupy', 'array_api_strict', 'dask')
    """
    return tuple(_MODULES)


def _canonical(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"a backend is named by a string; got {name!r}")
    key = _ALIASES.get(name, name)
    if key not in _MODULES:
        raise ValueError(
            f"unknown backend {name!r}; known backends: {', '.join(repr(n) for n in _MODULES)}"
        )
    return key


def load(name: str | Backend) -> Backend:
    """Return the backend called ``name``, importing its library on first use.

    Parameters
    ----------
    name : str or Backend
        A name of :func:`known_backends` or an alias (``"np"``, ``"cp"``, ``"strict"``); a
        backend is returned as it is.

    Returns
    -------
    Backend
        The backend (one object per name: later calls return the same one).

    Raises
    ------
    ValueError
        ``name`` is not a known backend.
    BackendUnavailableError
        The backend is known but cannot run here (its library is missing, or no GPU).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.backends.load("np")
    <xgrad backend 'numpy'>
    >>> xg.backends.load("strict") is xg.backends.load("array_api_strict")
    True
    >>> xg.backends.load("torch")
    Traceback (most recent call last):
    ...
    ValueError: unknown backend 'torch'; known backends: 'numpy', 'cupy', 'array_api_strict', 'dask'
    """
    if isinstance(name, Backend):
        return name
    key = _canonical(name)
    bk = _loaded.get(key)
    if bk is not None:
        return bk
    module_name, cls_name = _MODULES[key]
    try:
        module = importlib.import_module(module_name, __name__)
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the {key!r} backend needs the {key!r} package, which is not installed ({exc}). "
            f"Install it (`pip install {key.replace('_', '-')}`) or choose another backend."
        ) from None
    bk = getattr(module, cls_name)()
    _loaded[key] = bk
    for ns in (bk.xp, *bk.other_namespaces):
        _namespace_to_backend[id(ns)] = bk
    for t in bk.array_types:
        _type_to_backend[t] = bk
        if bk.saved_shape is not None:
            saved_shape_of[t] = bk.saved_shape
    return bk


def available_backends() -> list[str]:
    """Names of the backends that can run on this machine (NumPy always).

    Checking CuPy imports it and asks the CUDA driver for devices.

    Returns
    -------
    list of str
        Names from :func:`known_backends`, in its order: ``["numpy", "array_api_strict"]``
        on a machine with ``array_api_strict`` and no GPU, ``"cupy"`` too with CuPy and a
        GPU.

    Examples
    --------
    >>> import xgrad as xg
    >>> backends = xg.available_backends()
    >>> backends[0]
    'numpy'
    >>> set(backends) <= set(xg.backends.known_backends())
    True
    """
    names = []
    for name in _MODULES:
        if name not in _loaded and name != "numpy":
            pkg = name
            if importlib.util.find_spec(pkg) is None:
                continue
        try:
            load(name)
        except BackendUnavailableError:
            continue
        names.append(name)
    return names


def of_namespace(xp: Any) -> Backend:
    """The backend whose array namespace is ``xp`` (for rules that need a backend hook).

    Parameters
    ----------
    xp : module
        A backend's array namespace (``Backend.xp``, or one of its ``other_namespaces``).

    Returns
    -------
    Backend

    Raises
    ------
    KeyError
        ``xp`` is the namespace of no loaded backend.

    Examples
    --------
    >>> import xgrad as xg
    >>> bk = xg.backends.load("numpy")
    >>> xg.backends.of_namespace(bk.xp) is bk
    True
    """
    return _namespace_to_backend[id(xp)]


# ---------------------------------------------------------------------------------------------
# which backend an existing array belongs to
# ---------------------------------------------------------------------------------------------
def backend_of(obj: Any) -> Backend | None:
    """The backend whose array type ``obj`` is, or ``None`` for non-arrays (scalars, lists).

    Never imports CuPy unless ``obj`` is already a CuPy array.

    Parameters
    ----------
    obj : object
        An array of some library, or anything else. A tensor is not an array of a library:
        its backend is ``tensor.backend``.

    Returns
    -------
    Backend or None

    Examples
    --------
    >>> import numpy as np
    >>> import array_api_strict
    >>> import xgrad as xg
    >>> xg.backends.backend_of(np.zeros(2))
    <xgrad backend 'numpy'>
    >>> xg.backends.backend_of(array_api_strict.asarray([1.0]))
    <xgrad backend 'array_api_strict'>
    >>> xg.backends.backend_of([1.0, 2.0]) is None
    True
    """
    bk = _type_to_backend.get(type(obj))
    if bk is not None:
        return bk
    module = type(obj).__module__ or ""
    root = module.partition(".")[0]
    if root == "numpy":
        bk = load("numpy")
    elif root in ("cupy", "cupyx") and "cupy" in sys.modules:
        bk = load("cupy")  # pragma: no cover (needs CuPy and a GPU)
    elif root == "array_api_strict":
        bk = load("array_api_strict")
    elif root == "dask" and "dask" in sys.modules:
        bk = load("dask")
    else:
        return None
    return bk if isinstance(obj, bk.array_types) else None


# ---------------------------------------------------------------------------------------------
# selection: argument > context manager > set_backend > environment > numpy
# ---------------------------------------------------------------------------------------------
_context: ContextVar[tuple[Backend, Any] | None] = ContextVar("xgrad_backend", default=None)
_global: tuple[Backend, Any] | None = None
_env_cache: tuple[tuple[str | None, str | None], tuple[Backend, Any]] | None = None


def _from_env() -> tuple[Backend, Any]:
    global _env_cache
    key = (os.environ.get("XGRAD_BACKEND") or None, os.environ.get("XGRAD_DEVICE") or None)
    if _env_cache is not None and _env_cache[0] == key:
        return _env_cache[1]
    name, device = key
    try:
        sel = _select(name, device, base=None)
    except (ValueError, BackendUnavailableError) as exc:
        raise type(exc)(f"{exc} (from XGRAD_BACKEND={name!r}, XGRAD_DEVICE={device!r})") from None
    _env_cache = (key, sel)
    return sel


def current() -> tuple[Backend, Any]:
    """The selected ``(backend, device)`` pair, after context managers, the global setting and
    the environment.

    Returns
    -------
    tuple
        ``(Backend, device)``: where new tensors are made (see the module docs for the
        precedence).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.backends.current()
    (<xgrad backend 'numpy'>, 'cpu')
    >>> with xg.use_backend("array_api_strict", device="device1"):
    ...     xg.backends.current()
    (<xgrad backend 'array_api_strict'>, array_api_strict.Device('device1'))
    """
    sel = _context.get()
    if sel is not None:
        return sel
    if _global is not None:
        return _global
    return _from_env()


def _backend_for_device(device: Any, fallback: Backend | None) -> Backend:
    if fallback is not None and fallback.claims_device(device):
        return fallback
    if isinstance(device, str) and (device in ("cuda", "gpu") or device.startswith("cuda:")):
        return load("cupy")
    if device == "cpu":
        return load("numpy")
    for bk in list(_loaded.values()):
        if bk.claims_device(device):
            return bk
    module = type(device).__module__ or ""
    if module.startswith("cupy"):
        return load("cupy")  # pragma: no cover (needs CuPy and a GPU)
    if module.startswith("array_api_strict") or device in ("device1", "device2"):
        return load("array_api_strict")
    raise ValueError(
        f"no backend has a device {device!r}: use 'cpu', 'cuda', 'cuda:N', or a device "
        "object of the backend you want"
    )


def _select(backend: Any, device: Any, base: tuple[Backend, Any] | None) -> tuple[Backend, Any]:
    """Resolve explicit ``backend``/``device`` over the ``base`` selection."""
    if backend is not None:
        bk = load(backend)
        if device is None:
            dev = base[1] if base is not None and base[0] is bk else bk.default_device()
        else:
            dev = bk.parse_device(device)
        return bk, dev
    if device is None:
        if base is not None:
            return base
        bk = load("numpy")
        return bk, bk.default_device()
    bk = _backend_for_device(device, base[0] if base is not None else None)
    return bk, bk.parse_device(device)


def resolve(backend: Any = None, device: Any = None) -> tuple[Backend, Any]:
    """The ``(backend, device)`` a creation function should use, given its arguments.

    Parameters
    ----------
    backend : str or Backend, optional
        An explicit ``backend=`` argument.
    device : str or device object, optional
        An explicit ``device=`` argument; alone, it picks the backend that has the device
        (``"cuda"``: CuPy, ``"device1"``: array_api_strict).

    Returns
    -------
    tuple
        ``(Backend, device)``: the arguments over the current selection (:func:`current`).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.backends.resolve()
    (<xgrad backend 'numpy'>, 'cpu')
    >>> xg.backends.resolve(device="device1")
    (<xgrad backend 'array_api_strict'>, array_api_strict.Device('device1'))
    >>> with xg.use_backend("array_api_strict"):
    ...     xg.backends.resolve(backend="numpy")
    (<xgrad backend 'numpy'>, 'cpu')
    """
    if backend is None and device is None:
        return current()
    return _select(backend, device, current())


def get_backend() -> Backend:
    """The backend new tensors are created on (see the module docs for the precedence).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.get_backend().name
    'numpy'
    >>> with xg.use_backend("array_api_strict", device="device1"):
    ...     xg.get_backend().name, xg.get_device()
    ('array_api_strict', array_api_strict.Device('device1'))
    """
    return current()[0]


def get_device() -> Any:
    """The device new tensors are created on (a native device object of the backend).

    Returns
    -------
    device
        ``"cpu"`` for NumPy, a ``cupy.cuda.Device``, an ``array_api_strict.Device``.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.get_device()
    'cpu'
    >>> with xg.use_backend("array_api_strict", device="device1"):
    ...     xg.get_device()
    array_api_strict.Device('device1')
    """
    return current()[1]


def set_backend(name: str | None, device: Any = None) -> None:
    """Select the backend (and device) for new tensors, for the whole process.

    ``set_backend(None)`` returns to the environment variables / NumPy default. Context
    managers (:func:`use_backend`) and explicit arguments take precedence.

    Parameters
    ----------
    name : str or None
        A backend name (see :func:`known_backends`), or ``None`` for the backend that has
        ``device`` (and, with ``device=None`` too, to clear the setting).
    device : str or device object, optional
        The device (default: the backend's default device).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.set_backend("array_api_strict", device="device1")
    >>> x = xg.tensor([1.0, 2.0])
    >>> x.backend.name, x.device
    ('array_api_strict', array_api_strict.Device('device1'))
    >>> xg.set_backend(None)                 # back to the default
    >>> xg.tensor([1.0, 2.0]).backend.name
    'numpy'
    """
    global _global
    if name is None and device is None:
        _global = None
        return
    _global = _select(name, device, None)


@contextlib.contextmanager
def use_backend(name: str | None = None, device: Any = None) -> Iterator[Backend]:
    """Create new tensors on backend ``name`` (and ``device``) inside a ``with`` block.

    Examples
    --------
    >>> import xgrad as xg
    >>> with xg.use_backend("array_api_strict", device="device1"):
    ...     x = xg.tensor([1.0, 2.0])
    >>> x.backend.name, x.device
    ('array_api_strict', array_api_strict.Device('device1'))
    """
    sel = _select(name, device, current())
    token = _context.set(sel)
    try:
        yield sel[0]
    finally:
        _context.reset(token)


# ---------------------------------------------------------------------------------------------
# errors for mixed inputs
# ---------------------------------------------------------------------------------------------
def _move_call(bk: Backend, device: Any) -> str:
    """The ``to_device`` call that puts a tensor on ``device`` of ``bk``, as source text."""
    if device is None and not bk.multi_device:
        device = bk.default_device()
    if device is None:
        return f"to_device(<the {bk.name} operand's device>, backend={bk.name!r})"
    return f"to_device({bk.device_str(device)!r}, backend={bk.name!r})"


def mismatch_error(
    a: Backend, b: Backend, what: str = "", *, devices: tuple[Any, Any] = (None, None)
) -> BackendMismatchError:
    """The error for inputs of backends ``a`` and ``b``; ``devices``, where the caller knows
    them, are the inputs' devices, so that the advice names the exact call that fixes it."""
    where = f" in {what}" if what else ""
    to_a, to_b = _move_call(a, devices[0]), _move_call(b, devices[1])
    return BackendMismatchError(
        f"cannot combine data from the {a.name!r} and {b.name!r} backends{where}: xgrad never "
        "moves data between libraries implicitly. Move one operand explicitly first: "
        f"t.{to_a} puts a tensor t where the {a.name} operand is, t.{to_b} where the {b.name} "
        "one is (both differentiable); for a plain array, xgrad.asarray(arr, backend=..., "
        "device=...) with the same arguments."
    )


def device_mismatch_error(bk: Backend, a: Any, b: Any, what: str = "") -> DeviceMismatchError:
    where = f" in {what}" if what else ""
    sa, sb = bk.device_str(a), bk.device_str(b)
    return DeviceMismatchError(
        f"cannot combine tensors on devices {sa!r} and {sb!r}{where} ({bk.name} backend): "
        f"move one explicitly first, t.to_device({sa!r}, backend={bk.name!r}) or "
        f"t.to_device({sb!r}, backend={bk.name!r}) (differentiable)."
    )
