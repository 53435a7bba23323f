"""Exceptions raised by xgrad.

Every error says what was wrong and what to do instead. They subclass the built-in exception
a NumPy user would expect (``ValueError``, ``TypeError``, ``RuntimeError``), so existing
``except`` clauses keep working. They also subclass MyGrad's classes (``MyGradException``,
``InvalidBackprop``, ...), so code written against ``mygrad.errors`` catches them too.
"""

from __future__ import annotations

__all__ = [
    "AxisError",
    "BackendMismatchError",
    "BackendUnavailableError",
    "DeviceMismatchError",
    "DisconnectedGradientError",
    "GradientLostWarning",
    "GraphConsumedError",
    "MemoryGuardError",
    "NonDifferentiableError",
    "RetraceWarning",
    "TracingError",
    # MyGrad's names
    "MyGradException",
    "InvalidGradient",
    "InvalidBackprop",
    "DisconnectedView",
]


AxisError: type[ValueError]
"""NumPy's ``numpy.exceptions.AxisError`` (a ``ValueError`` and an ``IndexError``), raised on
every backend for an axis out of range, as NumPy raises it. Bound by :mod:`xgrad.backends`
(the layer that may name NumPy) when xgrad is imported."""


class MyGradException(Exception):
    """The parent of every exception class in :mod:`xgrad.errors` (MyGrad's name), so
    ``except xgrad.errors.MyGradException`` catches them all. Input checks that raise a
    plain ``ValueError`` or ``TypeError``, as NumPy would for the same mistake, do not
    subclass it.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.errors import MyGradException
    >>> issubclass(xg.errors.GraphConsumedError, MyGradException)
    True
    """


class InvalidGradient(MyGradException, ValueError):
    """A gradient that cannot be one: a seed for ``backward(grad)`` of the wrong shape, or
    not numeric (MyGrad's class; a ``ValueError``).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> (2 * x).backward(xg.tensor([1.0, 2.0, 3.0]))
    Traceback (most recent call last):
    ...
    xgrad.errors.InvalidGradient: backward(grad): grad has shape (3,), which does not
    broadcast to the tensor's shape (2,); pass a gradient of shape (2,) (or one that
    broadcasts to it)
    """


class InvalidBackprop(MyGradException, RuntimeError):
    """Back-propagation through a graph that was cleared (MyGrad's class;
    :class:`GraphConsumedError` is the one xgrad raises).

    Examples
    --------
    >>> from xgrad.errors import GraphConsumedError, InvalidBackprop
    >>> issubclass(GraphConsumedError, InvalidBackprop)
    True
    """


class DisconnectedView(MyGradException, ValueError):
    """An operation that would disconnect a view from its base: replacing a view's
    ``.data`` (MyGrad's class; a ``ValueError``). Write into the view instead.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> v = x[1:]
    >>> v.data = xg.tensor([5.0, 6.0]).data
    Traceback (most recent call last):
    ...
    xgrad.errors.DisconnectedView: cannot replace the data of a view (it shares memory with
    its base); write into it instead: view[...] = value
    """


class BackendUnavailableError(MyGradException, RuntimeError):
    """A known backend was asked for, but it cannot run here (not installed, or no GPU).

    A ``RuntimeError``. The message says what is missing and how to install it, or which
    backend to choose instead.

    Examples
    --------
    On a machine without CuPy, asking for a CUDA device (here simulated: CuPy made
    unimportable, and no backend loaded yet):

    >>> import sys
    >>> from unittest import mock
    >>> import xgrad as xg
    >>> with mock.patch.dict(sys.modules, {"cupy": None}):
    ...     with mock.patch.dict(xg.backends._loaded, clear=True):
    ...         xg.tensor([1.0, 2.0], device="cuda")
    Traceback (most recent call last):
    ...
    xgrad.errors.BackendUnavailableError: the 'cupy' backend needs CuPy, which is not installed
    (...). Install CuPy for your CUDA version with `pip install 'xgrad[cuda12]'` or `pip install
    'xgrad[cuda13]'`, or choose another backend (xgrad.use_backend('numpy'),
    XGRAD_BACKEND=numpy).
    >>> "numpy" in xg.available_backends()      # the backends that can run here
    True
    """


class BackendMismatchError(MyGradException, ValueError):
    """Arrays or tensors of two different backends were combined in one operation.

    A ``ValueError``. xgrad never moves data between libraries implicitly: the message names
    the ``to_device`` calls that put one operand where the other is.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([1.0, 2.0])
    >>> b = xg.tensor([1.0, 2.0], backend="array_api_strict")
    >>> a + b
    Traceback (most recent call last):
    ...
    xgrad.errors.BackendMismatchError: cannot combine data from the 'numpy' and
    'array_api_strict' backends in add: xgrad never moves data between libraries implicitly.
    Move one operand explicitly first: t.to_device('cpu', backend='numpy') puts a tensor t where
    the numpy operand is, t.to_device('cpu', backend='array_api_strict') where the
    array_api_strict one is (both differentiable); for a plain array, xgrad.asarray(arr,
    backend=..., device=...) with the same arguments.
    >>> a + b.to_device("cpu", backend="numpy")
    Tensor([2., 4.])
    """


class DeviceMismatchError(MyGradException, ValueError):
    """Tensors on two different devices were combined in one operation.

    A ``ValueError``. Nothing moves between devices implicitly: the message names the
    ``to_device`` calls that fix it.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([1.0], backend="array_api_strict", device="device1")
    >>> b = xg.tensor([1.0], backend="array_api_strict", device="device2")
    >>> a + b
    Traceback (most recent call last):
    ...
    xgrad.errors.DeviceMismatchError: cannot combine tensors on devices 'device1' and 'device2'
    in add (array_api_strict backend): move one explicitly first, t.to_device('device1',
    backend='array_api_strict') or t.to_device('device2', backend='array_api_strict')
    (differentiable).
    >>> a + b.to_device("device1")
    Tensor([2.], backend='array_api_strict', device='device1')
    """


class NonDifferentiableError(MyGradException, ValueError):
    """A non-differentiable function was applied to a tensor that needs a gradient.

    A ``ValueError``. Rounding functions (``floor``, ``round``, ``sign``, ...) have
    derivative zero almost everywhere, so calling one on a tensor that needs a gradient is
    most likely a bug; applied to data or to a constant tensor they give an array.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.5, -0.5])
    >>> xg.floor(x)
    Traceback (most recent call last):
    ...
    xgrad.errors.NonDifferentiableError: floor has no useful derivative (it is zero almost
    everywhere), and it was given a tensor that needs a gradient. Apply it to the data
    (xgrad.floor(t.data)) or to a constant tensor (xgrad.tensor(t, constant=True)) to get an
    array.
    >>> xg.floor(x.data)
    array([ 1., -1.])
    """


class MemoryGuardError(MyGradException, ValueError):
    """A write into ``tensor.data`` while the memory guard holds it read-only (NumPy): a live
    graph saved the array for a gradient, which the write would silently corrupt.

    A ``ValueError``. ``backward()`` (or ``clear_graph()``) releases the array; graphs made
    inside ``with xgrad.mem_guard_off:`` lock nothing.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = (x * x).sum()            # multiply saved x for the gradient
    >>> x.data[0] = 5.0
    Traceback (most recent call last):
    ...
    xgrad.errors.MemoryGuardError: assignment destination is read-only: xgrad's memory guard
    locked this array because a live graph saved it for a gradient, which a write would silently
    corrupt. Release it first: call backward() on the graph's result, or result.clear_graph(),
    or build the graph inside `with xgrad.mem_guard_off:` (then nothing guards it), or write
    into a copy (t.data.copy()).
    >>> y.backward()                 # releases the graph
    >>> x.data[0] = 5.0
    >>> x, x.grad
    (Tensor([5., 2.]), array([2., 4.]))
    """


class GraphConsumedError(InvalidBackprop):
    """``backward()`` reached a part of the graph that an earlier ``backward()`` freed.

    A ``RuntimeError``. ``backward()`` frees the graph it went through (as MyGrad does);
    ``backward(retain_graph=True)`` keeps it for a later one.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> z = x * x
    >>> a, b = z.sum(), (2 * z).sum()    # two results that share z's graph
    >>> a.backward()                     # frees it
    >>> b.backward()
    Traceback (most recent call last):
    ...
    xgrad.errors.GraphConsumedError: backward() reached a tensor whose graph was already freed
    by an earlier backward() or clear_graph() (at the input of 'multiply'). Recompute the
    result, or call backward(retain_graph=True) the first time.
    >>> z = x * x
    >>> a, b = z.sum(), (2 * z).sum()
    >>> a.backward(retain_graph=True)
    >>> b.backward()
    >>> x.grad                           # d b / d x (each backward() sets .grad anew)
    array([4., 8.])
    """


class DisconnectedGradientError(MyGradException, ValueError):
    """A function transformed by :mod:`xgrad.func` returned a value that does not depend on
    the argument being differentiated (for example, it called ``float()`` or ``.data``).

    A ``ValueError``. Where the derivative is genuinely zero, the transforms that take
    ``allow_unused=True`` give zeros instead.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import grad
    >>> grad(lambda x: float((x ** 2).sum()))(xg.tensor([1.0, 2.0]))
    Traceback (most recent call last):
    ...
    xgrad.errors.DisconnectedGradientError: grad: the function's output is a float, not a
    tensor, so it does not depend on the arguments. Did the function call float(), .item(),
    .data or .numpy() on a tensor? Keep the computation on tensors (or pass allow_unused=True if
    it is a constant).
    >>> grad(lambda x: (x ** 2).sum())(xg.tensor([1.0, 2.0]))
    Tensor([2., 4.])
    """


class GradientLostWarning(UserWarning):
    """A tensor that needs a gradient was turned into a plain array (NumPy's ``__array__``,
    DLPack), so whatever is computed from that array gets no gradient. The warning names the
    function that did it. Make it an error with
    ``warnings.simplefilter("error", xgrad.errors.GradientLostWarning)``; silence it for a
    deliberate conversion with ``tensor.data`` or ``tensor.numpy()``.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", xg.errors.GradientLostWarning)
    ...     np.asarray(x)
    Traceback (most recent call last):
    ...
    xgrad.errors.GradientLostWarning: a tensor that needs a gradient was converted to a NumPy
    array (numpy.asarray) in ...: what is computed from that array gets no gradient, so
    derivatives through it are lost. For a deliberate conversion use tensor.data (the array
    itself) or tensor.numpy() (a copy); warnings.simplefilter("error",
    xgrad.errors.GradientLostWarning) makes this an error.
    >>> np.asarray(x.data)               # deliberate: no warning
    array([1., 2.])
    """


class TracingError(MyGradException, TypeError):
    """A function being traced by :func:`xgrad.compile` asked for the *value* of a traced
    tensor (``bool()``, ``float()``, ``int()``, ``if t > 0:``, ``.item()``, ``.data``,
    ``numpy.asarray``), or used something the compiled program cannot replay.

    A ``TypeError`` (as JAX's tracer errors are). The compiled program is one fixed sequence
    of operations, so it cannot depend on values; the message names the line and says what to
    do: ``xgrad.where`` for a choice between values, or leave the function uncompiled.

    Examples
    --------
    >>> import xgrad as xg
    >>> @xg.compile
    ... def f(x):
    ...     return x if x > 0 else -x
    >>> try:
    ...     f(xg.tensor(2.0))
    ... except xg.errors.TracingError as e:
    ...     print(str(e).splitlines()[0][:60])
    xgrad.compile: the function asked for the value of a traced
    """


class RetraceWarning(UserWarning):
    """A compiled function was traced again and again (new shapes, dtypes or non-tensor
    argument values each call): every trace costs more than an uncompiled call.

    Examples
    --------
    >>> import xgrad as xg
    >>> issubclass(xg.errors.RetraceWarning, UserWarning)
    True
    """
