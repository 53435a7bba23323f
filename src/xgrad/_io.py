"""``save`` and ``load``: a tensor, its gradient and its ``constant`` flag in a ``.npz`` file.

The format is MyGrad's (``numpy.savez`` with a ``data`` entry and, when the tensor has one, a
``grad`` entry) plus a ``constant`` entry, which MyGrad loses. MyGrad's files load here
and xgrad's load in MyGrad. Loading never unpickles (``allow_pickle=False``): a file
holding Python objects is refused, not executed.
"""

from __future__ import annotations

import os
from typing import IO, Any

import numpy as np

from ._tensor import Tensor

__all__ = ["load", "save"]

_FileLike = str | os.PathLike | IO[bytes]


def save(file: _FileLike, tensor: Tensor) -> None:
    """Save a tensor, its gradient (if it has one) and its ``constant`` flag to ``.npz``.

    The arrays are copied to the host (a device-to-host copy on a GPU). ``numpy.savez``
    writes the file, and adds the ``.npz`` extension to a path that lacks it.

    Parameters
    ----------
    file : str, path or binary file
        Where to write.
    tensor : Tensor
        What to save.

    See Also
    --------
    load

    Examples
    --------
    >>> import io
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> (x * x).sum().backward()
    >>> f = io.BytesIO()
    >>> xg.save(f, x)
    >>> _ = f.seek(0)
    >>> y = xg.load(f)
    >>> y, y.grad, y.constant
    (Tensor([1., 2., 3.]), array([2., 4., 6.]), False)
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(
            f"xgrad.save requires a Tensor, got {type(tensor).__name__}; wrap an array with "
            "xgrad.tensor(...) first"
        )
    entries = {"data": tensor.numpy(), "constant": np.asarray(tensor.constant)}
    g = tensor.grad
    if g is not None:
        entries["grad"] = tensor._backend.to_host(g._data if isinstance(g, Tensor) else g)
    np.savez(file, **entries)


def load(file: _FileLike, *, backend: Any = None, device: Any = None) -> Tensor:
    """Load a tensor written by :func:`save` (or by MyGrad's ``mygrad.save``).

    The tensor lands on ``backend`` and ``device`` when given, else on the current default
    ones (as ``xgrad.tensor`` does), so a file saved on a GPU machine loads on a CPU. A MyGrad
    file has no ``constant`` entry; its tensor gets the default flag for its dtype
    (constant for integers and booleans, not constant for floats).

    Parameters
    ----------
    file : str, path or binary file
        What to read (a path without the ``.npz`` extension is read as it is).
    backend, device : optional
        Where the tensor goes.

    Returns
    -------
    Tensor
        With its gradient, if one was saved.

    Raises
    ------
    ValueError
        When the file holds no ``data`` entry, or holds Python objects (never unpickled).

    Examples
    --------
    >>> import io
    >>> import xgrad as xg
    >>> f = io.BytesIO()
    >>> xg.save(f, xg.tensor([1.0, 2.0], constant=True))
    >>> _ = f.seek(0)
    >>> xg.load(f).constant       # MyGrad loses the flag: its float tensor would not be constant
    True
    """
    try:
        archive = np.load(file, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"xgrad.load: cannot read {file!r} as an .npz file ({exc})") from exc
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"xgrad.load: {file!r} holds a single .npy array, not a file written by "
            "xgrad.save (an .npz with a 'data' entry); load it with numpy.load"
        )
    with archive:
        if "data" not in archive.files:
            raise ValueError(
                f"xgrad.load: {file!r} has entries {archive.files} but no 'data' entry; it was "
                "not written by xgrad.save or mygrad.save"
            )
        try:
            data = archive["data"]
            grad = archive["grad"] if "grad" in archive.files else None
            constant = bool(archive["constant"]) if "constant" in archive.files else None
        except ValueError as exc:  # object arrays: refused without unpickling
            raise ValueError(
                f"xgrad.load: {file!r} holds Python objects, which are never unpickled ({exc})"
            ) from exc
    t = Tensor(data, constant=constant, backend=backend, device=device)
    if grad is not None:
        if grad.shape != data.shape:
            raise ValueError(
                f"xgrad.load: the saved gradient has shape {grad.shape}, the data {data.shape}"
            )
        bk = t._backend
        t._leaf_or_node()._grad = bk.asarray(grad, dtype=t.dtype, device=t.device, copy=True)
    return t
