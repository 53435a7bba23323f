"""``xgrad.random``: random tensors, with MyGrad's functions and a NumPy-style ``Generator``.

MyGrad's eight functions (:func:`rand`, :func:`randn`, :func:`random`, :func:`random_sample`,
:func:`ranf`, :func:`sample`, :func:`randint`, :func:`seed`) keep MyGrad's signatures and draw
from NumPy's global random state exactly as MyGrad does, so after ``numpy.random.seed(0)`` (or
``xgrad.random.seed(0)``) they give MyGrad's numbers. The sample is drawn on the host and
becomes a tensor on the current default backend and device, as ``xgrad.tensor(sample)`` would
make it (on a GPU backend that is a host-to-device copy per call).

:func:`default_rng` returns a :class:`Generator` bound to a backend and device, whose methods
(``random``, ``standard_normal``, ``normal``, ``uniform``, ``integers``, ``permutation``,
``choice``) follow ``numpy.random.Generator``. It draws through the backend's
``random_generator`` hook: NumPy's PCG64 on the host for NumPy and array_api_strict (so a seed
gives the same numbers on both, and ``random``, ``standard_normal``, ``normal``, ``uniform``,
``integers`` and ``permutation`` give ``numpy.random.default_rng(seed)``'s numbers), and
cuRAND on the GPU for CuPy (other numbers for the same seed, no host transfer).

This module names NumPy, since it mirrors NumPy's random API; it sits in the interop layer
(docs/developing.md).
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import numpy as np

from . import backends as _backends
from ._creation import tensor
from ._engine import STATE
from ._tensor import Tensor, check_constant, make_tensor

__all__ = [
    "Generator",
    "default_rng",
    "rand",
    "randint",
    "randn",
    "random",
    "random_sample",
    "ranf",
    "sample",
    "seed",
]


# -- argument checks ---------------------------------------------------------------------------
def _shape(shape: Any, where: str) -> tuple[int, ...]:
    """``shape`` (``None``, an int or a sequence of ints) as a tuple of ints."""
    if shape is None:
        return ()
    try:
        dims: tuple[int, ...] = (operator.index(shape),)
    except TypeError:
        try:
            dims = tuple(operator.index(n) for n in shape)
        except TypeError:
            raise TypeError(
                f"{where}: a shape is an int or a tuple of ints, got {shape!r}"
            ) from None
    if any(n < 0 for n in dims):
        raise ValueError(f"{where}: negative dimensions are not allowed, got the shape {dims}")
    return dims


def _dims(dims: tuple, where: str) -> None:
    """Check the separate int arguments of ``rand(d0, d1, ...)`` and ``randn``."""
    try:
        checked = tuple(operator.index(n) for n in dims)
    except TypeError:
        raise TypeError(
            f"{where} takes the dimensions as separate ints ({where}(2, 3)), got {dims!r}"
        ) from None
    if any(n < 0 for n in checked):
        raise ValueError(f"{where}: negative dimensions are not allowed, got the shape {checked}")


def _np_dtype(spec: Any, where: str) -> np.dtype:
    """A NumPy dtype for ``spec``: a name, a Python or NumPy type, or a backend's dtype."""
    try:
        return np.dtype(spec)
    except TypeError:
        try:  # another library's dtype object (array_api_strict.float32): by its name
            return np.dtype(str(spec).rsplit(".", 1)[-1])
        except TypeError:
            raise TypeError(f"{where}: {spec!r} is not a dtype") from None


def _float_dtype(spec: Any, where: str) -> np.dtype:
    dt = _np_dtype(spec, where)
    if dt not in _FLOATS:
        raise TypeError(f"{where}: dtype must be float32 or float64, got {dt}")
    return dt


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _real(value: Any, where: str) -> float:
    """A Python float from a real number (a NumPy scalar or 0-d array too, never a bool)."""
    if isinstance(value, Tensor):
        raise TypeError(
            f"{where} must be a real number, got a tensor; for a sample that is "
            "differentiable in its parameters write it out: loc + scale * "
            "rng.standard_normal(shape), low + (high - low) * rng.random(shape)"
        )
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a real number, got {value!r}")
    return float(value)


def _not_traced(what: str) -> None:
    """Random numbers inside a function xgrad.compile traces would be replayed: refuse."""
    if STATE.tracer is not None:
        STATE.tracer.random(what)


# -- MyGrad's functions: NumPy's global state, a host sample, a tensor --------------------------
def _host_tensor(sample: Any, constant: bool | None, dtype: Any = None) -> Tensor:
    """A host sample as a tensor on the default backend and device (MyGrad's
    ``Tensor(sample, dtype=dtype, constant=constant, copy=False)``)."""
    _not_traced("a draw from NumPy's global random state")
    if dtype is not None:  # cast on the host, as MyGrad does, so the values are MyGrad's
        sample = np.asarray(sample).astype(_np_dtype(dtype, "dtype"), copy=False)
    return tensor(sample, constant=constant, copy=False)


def _global_draw(method: str, *args: Any, dtype: Any, constant: bool | None) -> Tensor:
    """``numpy.random.<method>(*args)``, from NumPy's global state as MyGrad's initializers
    draw, cast to ``dtype`` on the host, as a tensor on the default backend and device."""
    return _host_tensor(getattr(np.random, method)(*args), constant, dtype)


def _global_sample(method: str, *args: Any, backend: Any, device: Any) -> Any:
    """``numpy.random.<method>(*args)`` from NumPy's global state, as a plain array on
    ``backend`` and ``device`` (a host-to-device copy off the host): the masks that
    :func:`xgrad.nnet.gru` (MyGrad's draws) and :func:`xgrad.nnet.dropout` (without a
    ``Generator``) take, so that ``seed`` makes them reproducible."""
    _not_traced(f"numpy.random.{method}")
    return backend.asarray(getattr(np.random, method)(*args), device=device)


def rand(*shape: int, constant: bool | None = None) -> Tensor:
    """A tensor of the given shape filled with samples of the uniform distribution over
    ``[0, 1)``, from NumPy's global random state (``numpy.random.rand``).

    Parameters
    ----------
    *shape : int
        The dimensions ``d0, d1, ..., dn``, each non-negative; none gives a 0-d tensor.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``: the
        samples are floats.

    Returns
    -------
    Tensor
        A float64 tensor of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.rand(2, 3)
    Tensor([[0.5488135 , 0.71518937, 0.60276338],
            [0.54488318, 0.4236548 , 0.64589411]])
    >>> xg.random.rand()
    Tensor(0.43758721)
    """
    _dims(shape, "rand")
    return _host_tensor(np.random.rand(*shape), constant)  # noqa: NPY002 (MyGrad's state)


def randn(*shape: int, constant: bool | None = None) -> Tensor:
    """A tensor of the given shape filled with samples of the standard normal distribution,
    from NumPy's global random state (``numpy.random.randn``).

    Parameters
    ----------
    *shape : int
        The dimensions ``d0, d1, ..., dn``, each non-negative; none gives a 0-d tensor.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        A float64 tensor of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.randn(2, 2)
    Tensor([[1.76405235, 0.40015721],
            [0.97873798, 2.2408932 ]])
    >>> xg.random.randn(2, constant=True).constant
    True
    """
    _dims(shape, "randn")
    return _host_tensor(np.random.randn(*shape), constant)  # noqa: NPY002


def randint(low: Any, high: Any = None, shape: Any = None, dtype: Any = int) -> Tensor:
    """Random integers from the discrete uniform distribution over ``[low, high)`` (over
    ``[0, low)`` when ``high`` is ``None``), from NumPy's global random state
    (``numpy.random.randint``).

    Parameters
    ----------
    low : int or array_like of ints
        The lowest integer that can be drawn (one above the highest if ``high`` is None).
    high : int or array_like of ints, optional
        One above the highest integer that can be drawn.
    shape : int or tuple of ints, optional
        The output shape; ``None`` (the default) gives a 0-d tensor.
    dtype : dtype, optional
        An integer dtype; ``int`` (int64) by default.

    Returns
    -------
    Tensor
        A constant integer tensor (integer tensors are always constant).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.randint(1, 7, shape=(2, 5))
    Tensor([[5, 6, 1, 4, 4],
            [4, 2, 4, 6, 3]])
    >>> xg.random.randint(100)
    Tensor(36)
    """
    if shape is not None:
        _shape(shape, "randint")
    return _host_tensor(np.random.randint(low, high, shape, dtype), None)  # noqa: NPY002


def random(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Random floats in the half-open interval ``[0, 1)``, from NumPy's global random state
    (``numpy.random.random``). ``(b - a) * random(shape) + a`` samples ``[a, b)``.

    Parameters
    ----------
    shape : int or tuple of ints, optional
        The output shape; ``None`` (the default) gives a 0-d tensor.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        A float64 tensor of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.random((2, 4))
    Tensor([[0.5488135 , 0.71518937, 0.60276338, 0.54488318],
            [0.4236548 , 0.64589411, 0.43758721, 0.891773  ]])
    """
    _shape(shape, "random")
    return _host_tensor(np.random.random_sample(shape), constant)  # noqa: NPY002


def random_sample(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Random floats in ``[0, 1)``, from NumPy's global random state: the same as
    :func:`random` (``numpy.random.random_sample``).

    Parameters
    ----------
    shape : int or tuple of ints, optional
        The output shape; ``None`` (the default) gives a 0-d tensor.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        A float64 tensor of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.random_sample((3, 2))
    Tensor([[0.5488135 , 0.71518937],
            [0.60276338, 0.54488318],
            [0.4236548 , 0.64589411]])
    >>> xg.random.random_sample()
    Tensor(0.43758721)
    """
    _shape(shape, "random_sample")
    return _host_tensor(np.random.random_sample(shape), constant)  # noqa: NPY002


def ranf(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Random floats in ``[0, 1)``, from NumPy's global random state: the same as
    :func:`random` (``numpy.random.ranf``).

    Parameters
    ----------
    shape : int or tuple of ints, optional
        The output shape; ``None`` (the default) gives a 0-d tensor.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        A float64 tensor of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.ranf((2, 3, 1))
    Tensor([[[0.5488135 ],
             [0.71518937],
             [0.60276338]],
    <BLANKLINE>
            [[0.54488318],
             [0.4236548 ],
             [0.64589411]]])
    """
    _shape(shape, "ranf")
    return _host_tensor(np.random.random_sample(shape), constant)  # noqa: NPY002


def sample(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Random floats in ``[0, 1)``, from NumPy's global random state: the same as
    :func:`random` (``numpy.random.sample``).

    Parameters
    ----------
    shape : int or tuple of ints, optional
        The output shape; ``None`` (the default) gives a 0-d tensor.
    constant : bool, optional
        Whether the tensor is a constant (takes no gradient). Defaults to ``False``.

    Returns
    -------
    Tensor
        A float64 tensor of shape ``shape`` on the default backend and device.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.sample(3)
    Tensor([0.5488135 , 0.71518937, 0.60276338])
    """
    _shape(shape, "sample")
    return _host_tensor(np.random.random_sample(shape), constant)  # noqa: NPY002


def seed(seed_number: Any) -> None:
    """Seed NumPy's global random state, which MyGrad's functions here (and
    :mod:`xgrad.nnet.initializers`) draw from: the same as ``numpy.random.seed``.

    Parameters
    ----------
    seed_number : int or 1-d array_like
        The seed, convertible to 32-bit unsigned integers.

    Returns
    -------
    None

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.random.seed(0)
    >>> xg.random.random(2)
    Tensor([0.5488135 , 0.71518937])
    >>> xg.random.seed(0)
    >>> xg.random.random(2)
    Tensor([0.5488135 , 0.71518937])
    """
    np.random.seed(seed_number)  # noqa: NPY002


# -- the Generator ------------------------------------------------------------------------------
def default_rng(seed: Any = None, *, backend: Any = None, device: Any = None) -> Generator:
    """A :class:`Generator` of random tensors on ``backend`` and ``device`` (by default the
    current default backend and device), like ``numpy.random.default_rng``.

    Parameters
    ----------
    seed : None, int, sequence of ints or numpy.random.SeedSequence, optional
        The seed; ``None`` takes fresh entropy from the operating system. NumPy and
        array_api_strict draw with NumPy's PCG64 on the host (a seed gives the same numbers
        on both, and NumPy's ``default_rng(seed)`` numbers); CuPy draws with cuRAND on the
        GPU (other numbers, an int or ``None`` seed).
    backend : str or Backend, optional
        The backend of the tensors it makes.
    device : str or device, optional
        The device of the tensors it makes.

    Returns
    -------
    Generator

    Examples
    --------
    >>> import xgrad as xg
    >>> rng = xg.random.default_rng(0)
    >>> rng.random(3)
    Tensor([0.63696169, 0.26978671, 0.04097352])
    >>> rng = xg.random.default_rng(0, backend="array_api_strict", device="device1")
    >>> rng.random(3)
    Tensor([0.63696169, 0.26978671, 0.04097352], backend='array_api_strict', device='device1')
    """
    bk, dev = _backends.resolve(backend, device)
    return Generator(bk.random_generator(seed, dev), bk, dev)


class Generator:
    """Random tensors on one backend and device, made by :func:`default_rng`; the methods
    follow ``numpy.random.Generator`` with ``shape`` for NumPy's ``size``.

    Attributes
    ----------
    backend : Backend
        The backend of the tensors it makes.
    device : device
        The device of the tensors it makes.

    Examples
    --------
    >>> import xgrad as xg
    >>> rng = xg.random.default_rng(42)
    >>> rng
    Generator(backend='numpy', device='cpu')
    >>> w = rng.normal(0.0, 0.1, shape=(2, 2))
    >>> w
    Tensor([[ 0.03047171, -0.10399841],
            [ 0.07504512,  0.09405647]])
    >>> w.constant
    False
    """

    def __init__(self, source: Any, backend: Any, device: Any) -> None:
        self._source = source
        self.backend = backend
        self.device = device

    def __repr__(self) -> str:
        dev = self.backend.device_str(self.device)
        return f"Generator(backend={self.backend.name!r}, device={dev!r})"

    def _wrap(self, data: Any, constant: bool | None) -> Tensor:
        bk = self.backend
        if data.__class__ is not bk.array_type:  # NumPy scalars from 0-d arithmetic
            data = bk.fix_result(data)
        _not_traced("a Generator's draw")
        return make_tensor(data, bk, None, check_constant(constant, data, bk))

    def _here(self, x: Any, where: str) -> Tensor:
        """``x`` as a tensor of this generator's backend and device; data of another backend
        or device raises (nothing moves implicitly), host data (lists, NumPy) is copied."""
        bk = self.backend
        if isinstance(x, Tensor):
            src, data = x._backend, x._data
        else:
            src, data = _backends.backend_of(x), x
            if src is not None and src.name == "numpy" and bk.name != "numpy":
                src = None  # NumPy arrays are host data
        if src is None:
            return tensor(x, backend=bk, device=self.device)
        dev = src.device_of(data)
        if src is not bk:
            raise _backends.mismatch_error(bk, src, where, devices=(self.device, dev))
        if bk.multi_device and dev != self.device:
            raise _backends.device_mismatch_error(bk, self.device, dev, where)
        return x if isinstance(x, Tensor) else tensor(x, copy=False)

    def random(
        self, shape: Any = None, dtype: Any = np.float64, *, constant: bool | None = None
    ) -> Tensor:
        """Floats uniform in ``[0, 1)``.

        Parameters
        ----------
        shape : int or tuple of ints, optional
            The output shape; ``None`` (the default) gives a 0-d tensor.
        dtype : {float64, float32}, optional
            The dtype, drawn directly (float32 is not float64 rounded).
        constant : bool, optional
            Whether the tensor is a constant. Defaults to ``False``.

        Returns
        -------
        Tensor

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.random((2, 2))
        Tensor([[0.63696169, 0.26978671],
                [0.04097352, 0.01652764]])
        >>> rng.random(2, dtype="float32")
        Tensor([0.17526728, 0.8132702 ], dtype=float32)
        """
        dt = _float_dtype(dtype, "Generator.random")
        return self._wrap(self._source.random(_shape(shape, "Generator.random"), dt), constant)

    def standard_normal(
        self, shape: Any = None, dtype: Any = np.float64, *, constant: bool | None = None
    ) -> Tensor:
        """Samples of the standard normal distribution (mean 0, standard deviation 1).

        Parameters
        ----------
        shape : int or tuple of ints, optional
            The output shape; ``None`` (the default) gives a 0-d tensor.
        dtype : {float64, float32}, optional
            The dtype, drawn directly (float32 is not float64 rounded).
        constant : bool, optional
            Whether the tensor is a constant. Defaults to ``False``.

        Returns
        -------
        Tensor

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.standard_normal(3)
        Tensor([ 0.12573022, -0.13210486,  0.64042265])
        """
        dt = _float_dtype(dtype, "Generator.standard_normal")
        dims = _shape(shape, "Generator.standard_normal")
        return self._wrap(self._source.standard_normal(dims, dt), constant)

    def normal(
        self,
        loc: float = 0.0,
        scale: float = 1.0,
        shape: Any = None,
        dtype: Any = np.float64,
        *,
        constant: bool | None = None,
    ) -> Tensor:
        """Samples of the normal distribution of mean ``loc`` and standard deviation
        ``scale``: ``loc + scale * standard_normal(shape, dtype)``, which is NumPy's formula
        (float64 gives ``numpy.random.Generator.normal``'s numbers).

        Parameters
        ----------
        loc : float, optional
            The mean.
        scale : float, optional
            The standard deviation, non-negative.
        shape : int or tuple of ints, optional
            The output shape; ``None`` (the default) gives a 0-d tensor.
        dtype : {float64, float32}, optional
            The dtype.
        constant : bool, optional
            Whether the tensor is a constant. Defaults to ``False``.

        Returns
        -------
        Tensor

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.normal(10.0, 2.0, shape=3)
        Tensor([10.25146044,  9.73579027, 11.2808453 ])
        """
        loc = _real(loc, "Generator.normal: loc")
        scale = _real(scale, "Generator.normal: scale")
        if not scale >= 0:
            raise ValueError(f"Generator.normal: scale must be non-negative, got {scale}")
        dt = _float_dtype(dtype, "Generator.normal")
        z = self._source.standard_normal(_shape(shape, "Generator.normal"), dt)
        return self._wrap(loc + scale * z, constant)

    def uniform(
        self,
        low: float = 0.0,
        high: float = 1.0,
        shape: Any = None,
        dtype: Any = np.float64,
        *,
        constant: bool | None = None,
    ) -> Tensor:
        """Floats uniform in ``[low, high)``: ``low + (high - low) * random(shape, dtype)``,
        which is NumPy's formula (float64 gives ``numpy.random.Generator.uniform``'s
        numbers).

        Parameters
        ----------
        low : float, optional
            The lower end of the interval (included).
        high : float, optional
            The upper end (excluded, up to rounding), at least ``low``; ``high - low`` must be
            finite.
        shape : int or tuple of ints, optional
            The output shape; ``None`` (the default) gives a 0-d tensor.
        dtype : {float64, float32}, optional
            The dtype.
        constant : bool, optional
            Whether the tensor is a constant. Defaults to ``False``.

        Returns
        -------
        Tensor

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.uniform(-1.0, 1.0, shape=(2, 2))
        Tensor([[ 0.27392337, -0.46042657],
                [-0.91805295, -0.96694473]])
        """
        low = _real(low, "Generator.uniform: low")
        high = _real(high, "Generator.uniform: high")
        if high < low:
            raise ValueError(
                f"Generator.uniform: high ({high}) is below low ({low}): high - low < 0"
            )
        if not math.isfinite(high - low):
            raise OverflowError(f"Generator.uniform: high - low must be finite, got {high - low}")
        dt = _float_dtype(dtype, "Generator.uniform")
        u = self._source.random(_shape(shape, "Generator.uniform"), dt)
        return self._wrap(low + (high - low) * u, constant)

    def integers(
        self,
        low: int,
        high: int | None = None,
        shape: Any = None,
        dtype: Any = np.int64,
        endpoint: bool = False,
    ) -> Tensor:
        """Integers uniform in ``[low, high)`` (``[0, low)`` when ``high`` is ``None``), or in
        ``[low, high]`` with ``endpoint=True``.

        Parameters
        ----------
        low : int
            The lowest integer drawn (one above the highest if ``high`` is ``None``).
        high : int, optional
            One above the highest integer drawn (the highest with ``endpoint=True``).
        shape : int or tuple of ints, optional
            The output shape; ``None`` (the default) gives a 0-d tensor.
        dtype : integer dtype, optional
            int64 by default; the range must fit in it.
        endpoint : bool, optional
            Whether ``high`` can be drawn.

        Returns
        -------
        Tensor
            A constant integer tensor.

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.integers(10, shape=5)
        Tensor([8, 6, 5, 2, 3])
        >>> rng.integers(1, 6, shape=(2, 3), endpoint=True)
        Tensor([[1, 1, 1],
                [2, 5, 4]])
        """
        where = "Generator.integers"
        try:
            low = operator.index(low)
            high = None if high is None else operator.index(high)
        except TypeError:
            raise TypeError(
                f"{where}: low and high must be integers, got {low!r}, {high!r}"
            ) from None
        if high is None:
            low, high = 0, low
        dt = _np_dtype(dtype, where)
        if dt.kind not in "iu":
            raise TypeError(f"{where}: dtype must be an integer dtype, got {dt}")
        top = high if endpoint else high - 1
        if low > top:
            interval = f"[{low}, {high}{']' if endpoint else ')'}"
            raise ValueError(f"{where}: the interval {interval} is empty (low >= high)")
        info = np.iinfo(dt)
        if low < info.min or top > info.max:
            raise ValueError(f"{where}: the interval [{low}, {top}] does not fit in {dt}")
        dims = _shape(shape, where)
        return self._wrap(self._source.integers(low, high, dims, dt, bool(endpoint)), None)

    def permutation(self, x: Any) -> Tensor:
        """A random permutation of ``range(x)`` for an integer ``x``; otherwise a copy of the
        tensor or array ``x`` with its first axis shuffled (``x[perm]``, so a tensor's
        gradient flows back through it).

        Parameters
        ----------
        x : int, Tensor or array_like
            A non-negative integer, or data of at least one dimension on this generator's
            backend and device (or host data, which is copied there).

        Returns
        -------
        Tensor
            An int64 constant tensor for an integer ``x``.

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.permutation(5)
        Tensor([2, 4, 3, 0, 1])
        >>> w = xg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> y = rng.permutation(w)
        >>> y
        Tensor([[5., 6.],
                [1., 2.],
                [3., 4.]])
        >>> (y * xg.tensor([[1.0], [2.0], [3.0]])).sum().backward()
        >>> w.grad
        array([[2., 2.],
               [3., 3.],
               [1., 1.]])
        """
        where = "Generator.permutation"
        if isinstance(x, numbers.Integral) and not isinstance(x, bool):
            n = operator.index(x)
            if n < 0:
                raise ValueError(f"{where}: x must be non-negative, got {n}")
            return self._wrap(self._source.permutation(n), None)
        t = self._here(x, where)
        if t.ndim == 0:
            raise ValueError(f"{where}: x must be an integer or have at least one dimension")
        return t[self._source.permutation(t.shape[0])]

    def choice(self, a: Any, shape: Any = None, replace: bool = True, p: Any = None) -> Tensor:
        """A random sample of ``range(a)`` for an integer ``a``, or of the rows (first-axis
        entries) of the tensor or array ``a`` (``a[indices]``, differentiable).

        The numbers differ from ``numpy.random.Generator.choice``'s for the same seed: the
        sample is made from :meth:`integers`, :meth:`permutation` and, with ``p``, the inverse
        of the cumulative probabilities at :meth:`random` points.

        Parameters
        ----------
        a : int, Tensor or array_like
            A positive integer, or data of at least one dimension on this generator's backend
            and device (or host data, which is copied there).
        shape : int or tuple of ints, optional
            The output shape (of the indices); ``None`` (the default) draws one.
        replace : bool, optional
            Whether an entry can be drawn more than once.
        p : 1-d array_like of floats, optional
            The probability of each entry: host data (a list or a NumPy array), checked on the
            host (non-negative, summing to 1). With ``replace=False`` each draw picks among
            the entries not yet drawn in proportion to their ``p``.

        Returns
        -------
        Tensor
            An int64 constant tensor for an integer ``a``.

        Examples
        --------
        >>> import xgrad as xg
        >>> rng = xg.random.default_rng(0)
        >>> rng.choice(5, shape=4, replace=False)
        Tensor([2, 4, 3, 0])
        >>> rng.choice(xg.tensor([10.0, 20.0, 30.0]), shape=(2, 3), p=[0.1, 0.0, 0.9])
        Tensor([[10., 30., 30.],
                [30., 30., 30.]])
        """
        where = "Generator.choice"
        bk = self.backend
        pool = None
        if isinstance(a, numbers.Integral) and not isinstance(a, bool):
            n = operator.index(a)
            if n < 0:
                raise ValueError(f"{where}: a must be a non-negative integer, got {n}")
        else:
            pool = self._here(a, where)
            if pool.ndim == 0:
                raise ValueError(f"{where}: a must be an integer or have at least one dimension")
            n = pool.shape[0]
        dims = _shape(shape, where)
        k = math.prod(dims)
        if n == 0 and k:
            raise ValueError(f"{where}: a is empty, so no sample can be drawn from it")
        if p is not None and not replace:
            # weighted, without replacement: the k smallest of Exp(1) / p (Efraimidis and
            # Spirakis's keys), so each draw picks among the rest in proportion to p
            probs = _cdf(p, n, where, cumulative=False)
            if k > int(np.count_nonzero(probs)):
                raise ValueError(
                    f"{where}: cannot take a sample of {k} with replace=False from "
                    f"{int(np.count_nonzero(probs))} entries of non-zero probability"
                )
            xp = bk.xp
            pk = bk.asarray(probs, device=self.device)
            u = self._source.random((n,), np.dtype(np.float64))
            live = pk > 0
            keys = xp.where(live, -xp.log1p(-u) / xp.where(live, pk, 1.0), xp.inf)
            idx = xp.reshape(xp.argsort(keys)[:k], dims)
        elif p is not None:
            cdf = bk.asarray(_cdf(p, n, where), device=self.device)
            u = bk.xp.reshape(self._source.random(dims, np.dtype(np.float64)), (-1,))
            idx = bk.xp.reshape(bk.xp.searchsorted(cdf, u, side="right"), dims)
        elif replace:
            idx = self._source.integers(0, max(n, 1), dims, np.dtype(np.int64), False)
        else:
            if k > n:
                raise ValueError(
                    f"{where}: cannot take a sample of {k} from {n} entries with replace=False"
                )
            idx = bk.xp.reshape(self._source.permutation(n)[:k], dims)
        if pool is None:
            return self._wrap(idx, None)
        return pool[idx]


def _cdf(p: Any, n: int, where: str, cumulative: bool = True) -> np.ndarray:
    """The cumulative probabilities of ``p`` (host data), ending in exactly 1 (or, with
    ``cumulative=False``, the checked probabilities themselves)."""
    if isinstance(p, Tensor) or (
        _backends.backend_of(p) is not None and _backends.backend_of(p).name != "numpy"
    ):
        raise TypeError(
            f"{where}: p must be host data (a list or a NumPy array), whose values are checked "
            "on the host; for a tensor pass p.numpy()"
        )
    probs = np.asarray(p, dtype=np.float64)
    if probs.shape != (n,):
        raise ValueError(f"{where}: p must have the shape ({n},), got {probs.shape}")
    if not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError(f"{where}: probabilities must be finite and non-negative")
    total = float(probs.sum())
    if abs(total - 1.0) > math.sqrt(np.finfo(np.float64).eps):
        raise ValueError(f"{where}: probabilities must sum to 1, they sum to {total}")
    if not cumulative:
        return probs
    cdf = np.cumsum(probs)
    return cdf / cdf[-1]
