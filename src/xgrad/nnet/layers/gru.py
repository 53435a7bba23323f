"""``gru`` (MyGrad's ``mygrad.nnet.layers.gru.gru``), a loop of differentiable xgrad ops over
the time steps: no numba, every backend, derivatives of any order."""

from __future__ import annotations

import operator
from numbers import Real
from typing import Any

from ... import backends as _backends
from ... import random as _random
from ..._tensor import Tensor, make_tensor
from ...ops import FUNCTIONS
from ...ops._public import as_tensor_input
from ..activations import sigmoid

__all__ = ["gru"]


def _backend_device(x: Any) -> tuple[Any, Any]:
    if isinstance(x, Tensor):
        return x._backend, x._backend.device_of(x._data)
    bk = _backends.backend_of(x)
    return bk, bk.device_of(x)


def _stopped(s: Tensor) -> Tensor:
    """``s``'s value as a constant tensor: no gradient, no tangent, at any order."""
    data = s._data if isinstance(s, Tensor) else s
    bk = s._backend if isinstance(s, Tensor) else _backends.backend_of(s)
    return make_tensor(data, bk, None, True)


def _steps(x: Any) -> list[Any]:
    """``x[0], x[1], ...``, sliced in halves recursively: each slice's gradient is scattered
    into zeros of its parent's size, so the backward pass costs ``O(T log T)`` copies of a
    step's size, where slicing the whole sequence ``T`` times would cost ``O(T**2)``."""
    n = x.shape[0]
    if n <= 4:
        return list(FUNCTIONS["unstack"](x, axis=0))
    half = n // 2
    return _steps(x[:half]) + _steps(x[half:])


def _check_shapes(X: Any, params: dict[str, Any]) -> tuple[int, int, int, int]:
    xs = tuple(X.shape)
    if len(xs) != 3:
        raise ValueError(f"gru: `X` must have shape (T, N, C), got shape {xs}")
    T, N, C = xs
    bz = tuple(params["bz"].shape)
    if len(bz) != 1:
        raise ValueError(f"gru: `bz` must have shape (D,), got shape {bz}")
    (D,) = bz
    want = {"U": (C, D), "W": (D, D), "b": (D,)}
    for name, p in params.items():
        shape = tuple(p.shape)
        if shape != want[name[0]]:
            what = {"U": "(C, D)", "W": "(D, D)", "b": "(D,)"}[name[0]]
            raise ValueError(
                f"gru: `{name}` must have shape {what} = {want[name[0]]} for X of shape "
                f"{xs} and D = {D} hidden units; got shape {shape}"
            )
    return T, N, C, D


def gru(
    X: Any,
    Uz: Any,
    Wz: Any,
    bz: Any,
    Ur: Any,
    Wr: Any,
    br: Any,
    Uh: Any,
    Wh: Any,
    bh: Any,
    s0: Any = None,
    bp_lim: int | None = None,
    dropout: float = 0.0,
    constant: bool | None = None,
) -> Tensor:
    r"""A Gated Recurrent Unit layer's forward pass over the sequence ``X`` (MyGrad's ``gru``):
    the hidden states ``S`` from ``S[0] = s0`` on.

    The recurrence, for ``t = 1, ..., T``::

        Z[t] = sigmoid(X[t-1] @ Uz + S[t-1] @ Wz + bz)
        R[t] = sigmoid(X[t-1] @ Ur + S[t-1] @ Wr + br)
        H[t] =    tanh(X[t-1] @ Uh + (R[t] * S[t-1]) @ Wh + bh)
        S[t] = (1 - Z[t]) * H[t] + Z[t] * S[t-1]

    Parameters
    ----------
    X : Tensor or array, shape ``(T, N, C)``
        The sequence: ``T`` steps of a batch of ``N`` data of ``C`` features.
    Uz, Ur, Uh : Tensor or array, shape ``(C, D)``
        The input-to-hidden weights of the update gate, the reset gate and the candidate.
    Wz, Wr, Wh : Tensor or array, shape ``(D, D)``
        The hidden-to-hidden weights.
    bz, br, bh : Tensor or array, shape ``(D,)``
        The biases; ``bz`` sets the number ``D`` of hidden units.
    s0 : Tensor or array, shape ``(N, D)``, optional
        The initial hidden state (anything that broadcasts to ``(N, D)``); zeros by default.
        It may be a variable tensor: it then gets its gradient (MyGrad requires a constant).
    bp_lim : int, optional
        Truncated backpropagation through time, MyGrad's rule: the gradient that reaches a
        state ``S[t]`` from the output flows back through at most ``bp_lim`` recurrences
        (to ``S[t-1], ..., S[t-bp_lim]``), and each of those steps passes its share to the
        weights, biases and ``X``. ``0 <= bp_lim < T``; None (the default): no truncation.
    dropout : float, optional
        ``0 <= dropout < 1``, the probability of dropping, as MyGrad applies it ([1]_, [2]_):
        the hidden-to-hidden weights ``Wz``, ``Wr`` and ``Wh`` each get one random mask
        (DropConnect, shape ``(D, D)``), and the input contributions ``X[t] @ Uz``,
        ``X[t] @ Ur`` and ``X[t] @ Uh`` each one mask of shape ``(N, D)`` shared by all
        ``t`` (variational dropout); kept values are scaled by ``1 / (1 - dropout)``. The
        masks are drawn as MyGrad draws them, from NumPy's global random state
        (:func:`xgrad.random.seed`), on the host, and copied to ``X``'s device.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ``(T + 1, N, D)``
        The hidden states ``S[0] = s0, S[1], ..., S[T]``.

    Raises
    ------
    ValueError
        An input of the wrong shape, a ``bp_lim`` out of ``[0, T)``, a ``dropout`` out of
        ``[0, 1)`` (MyGrad asserts on those two).
    TypeError
        A ``bp_lim`` that is not an integer, a ``dropout`` that is not a real number.

    Notes
    -----
    The layer is a Python loop over the ``T`` steps of differentiable xgrad functions
    (``matmul``, ``sigmoid``, ``tanh``, ``multiply``, ...): it needs no numba (MyGrad's does),
    runs on every backend and device, and has forward-mode derivatives and derivatives of any
    order. Its values and its gradients for the ten parameters (with dropout: for the same
    masks, after the same seed) are MyGrad's, up to rounding. The input terms ``X @ U`` are
    one product for all steps; the steps take their slices of it by halving, so that the
    backward pass stays ``O(T log T)`` in the slices' gradients.

    Truncation: with ``bp_lim = k < T - 1`` the result is built from copies of the
    recurrence, ``S[t]`` with a budget of ``j`` recurrences being the step applied to ``S[t-1]``
    with budget ``j - 1``, and budget 0 applied to a constant copy of ``S[t-1]`` (a
    stop-gradient); the output is every ``S[t]`` with budget ``k``. The values are the same
    for all copies, and the gradient is MyGrad's truncated one (a sum over the copies) for
    every parameter and ``X``; the forward pass then costs up to ``k + 1`` times the
    untruncated one, as MyGrad's backward pass does. ``bp_lim = T - 1`` gives the full
    gradient, as in MyGrad, except for a variable ``s0``, which the last state's gradient then
    does not reach. Being gradients of a function with stop-gradients, the truncated ones are
    not the derivatives of the values (finite differences give the full gradient), and their
    higher derivatives differentiate the truncated graph with the stopped states held
    constant (as ``torch``'s ``detach`` would), not the truncated gradient as a function of
    the parameters.

    MyGrad sets the output's ``.grad`` to the gradient accumulated through time,
    ``dL/dS[1:]``; here ``S.grad`` is ``S``'s own gradient, as for any tensor.

    References
    ----------
    .. [1] S. Merity, N. S. Keskar, R. Socher, "Regularizing and Optimizing LSTM Language
       Models", arXiv:1708.02182, 2017.
    .. [2] Y. Gal, Z. Ghahramani, "A Theoretically Grounded Application of Dropout in
       Recurrent Neural Networks", arXiv:1512.05287, 2016.

    Examples
    --------
    A sequence of 5 steps for a batch of 2, with 3 features and 4 hidden units:

    >>> import numpy as np
    >>> import xgrad as xg
    >>> from xgrad.nnet import gru
    >>> rng = np.random.default_rng(0)
    >>> T, N, C, D = 5, 2, 3, 4
    >>> X = xg.tensor(rng.standard_normal((T, N, C)))
    >>> Uz, Ur, Uh = (xg.tensor(rng.standard_normal((C, D)) * 0.5) for _ in range(3))
    >>> Wz, Wr, Wh = (xg.tensor(rng.standard_normal((D, D)) * 0.5) for _ in range(3))
    >>> bz, br, bh = (xg.zeros(D) for _ in range(3))
    >>> S = gru(X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh)
    >>> S.shape                                  # S[0] = s0 = 0, then one state per step
    (6, 2, 4)
    >>> S[-1]
    Tensor([[-0.69260292,  0.36560146, -0.04331408, -0.12697116],
            [ 0.23079708,  0.03342342,  0.05288372,  0.15506514]])
    >>> S[-1].sum().backward()
    >>> Wh.grad.shape, X.grad.shape
    ((4, 4), (5, 2, 3))

    Truncated backpropagation (each state's gradient goes back two steps), and dropout
    with MyGrad's masks:

    >>> S = gru(X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh, bp_lim=2)
    >>> S.sum().backward()
    >>> xg.random.seed(2)                        # NumPy's global state: MyGrad's masks
    >>> S = gru(X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh, dropout=0.25)
    >>> S[1]                  # (1 - Z[1]) * H[1]: 0 where the mask of X[0] @ Uh drops
    Tensor([[ 0.        , -0.04274234,  0.        ,  0.01686254],
            [ 0.31155169,  0.06389589,  0.13484187,  0.14938514]])
    """
    X = as_tensor_input(X)
    params = {
        name: as_tensor_input(p)
        for name, p in (
            ("Uz", Uz),
            ("Wz", Wz),
            ("bz", bz),
            ("Ur", Ur),
            ("Wr", Wr),
            ("br", br),
            ("Uh", Uh),
            ("Wh", Wh),
            ("bh", bh),
        )
    }
    T, N, _, D = _check_shapes(X, params)
    if bp_lim is not None:
        try:
            bp_lim = operator.index(bp_lim)
        except TypeError:
            raise TypeError(f"gru: `bp_lim` must be None or an integer, got {bp_lim!r}") from None
        if not 0 <= bp_lim < T:
            raise ValueError(
                f"gru: `bp_lim` must satisfy 0 <= bp_lim < T = {T} (the sequence's length), "
                f"got {bp_lim}"
            )
    if isinstance(dropout, bool) or not isinstance(dropout, Real):
        raise TypeError(f"gru: `dropout` must be a real number in [0, 1), got {dropout!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"gru: `dropout` must satisfy 0 <= dropout < 1, got {dropout!r}")

    F = FUNCTIONS
    bk, dev = _backend_device(X)
    W = {k: params[k] for k in ("Wz", "Wr", "Wh")}
    xu = {k: F["matmul"](X, params["U" + k]) for k in "zrh"}  # (T, N, D) each
    if dropout:
        # MyGrad's draws, in its order: the (N, D) masks of X @ U, then the (D, D) ones of W
        p = 1.0 - dropout
        drop_u = _random._global_sample("binomial", 1, p, (3, 1, N, D), backend=bk, device=dev)
        drop_w = _random._global_sample("binomial", 1, p, (3, D, D), backend=bk, device=dev)
        for i, k in enumerate("zrh"):
            mask = bk.xp.astype(drop_u[i, ...], bk.dtype("float64")) / p
            xu[k] = F["multiply"](xu[k], bk.xp.astype(mask, xu[k].dtype))
            w = W["W" + k]
            mask = bk.xp.astype(drop_w[i, ...], bk.dtype("float64")) / p
            W["W" + k] = F["multiply"](bk.xp.astype(mask, w.dtype), w)
    pre = {k: _steps(F["add"](xu[k], params["b" + k])) for k in "zrh"}
    dtype = pre["z"][0].dtype

    if s0 is None:
        s0 = make_tensor(bk.xp.zeros((N, D), dtype=dtype, device=dev), bk, None, True)
    else:
        s0 = as_tensor_input(s0)
        if tuple(s0.shape) != (N, D):
            try:
                s0 = F["broadcast_to"](s0, (N, D))
            except ValueError:
                raise ValueError(
                    f"gru: `s0` must have shape (N, D) = {(N, D)} (or broadcast to it), got "
                    f"shape {tuple(s0.shape)}"
                ) from None
    s0_variable = isinstance(s0, Tensor) and not s0.constant

    def step(t: int, s: Any) -> Tensor:  # S[t + 1] from S[t]
        z = sigmoid(F["add"](pre["z"][t], F["matmul"](s, W["Wz"])))
        r = sigmoid(F["add"](pre["r"][t], F["matmul"](s, W["Wr"])))
        h = F["tanh"](F["add"](pre["h"][t], F["matmul"](F["multiply"](r, s), W["Wh"])))
        return F["add"](F["multiply"](F["subtract"](1.0, z), h), F["multiply"](z, s))

    k = T if bp_lim is None else bp_lim
    # S[t] with a budget of j recurrences equals the untruncated S[t] once the budget reaches
    # back to s0 (j >= t; j >= t - 1 when s0 is constant, since S[1] from a constant copy of
    # s0 is S[1] itself)
    reach = 0 if s0_variable else 1
    states: list[Any] = [s0]
    prev: dict[Any, Any] = {"full": s0}  # the copies of S[t-1], by budget ("full": untruncated)
    for t in range(1, T + 1):
        here: dict[Any, Any] = {}
        for j in range(max(0, k - (T - t)), k + 1):  # the budgets some output reaches S[t] with
            key = "full" if j >= t - reach else j
            if key in here:
                continue
            if key == "full":
                src = prev["full"]
            elif j == 0:
                src = _stopped(next(iter(prev.values())))
            else:
                src = prev["full" if j - 1 >= t - 1 - reach else j - 1]
            here[key] = step(t - 1, src)
        states.append(here["full" if k >= t - reach else k])
        prev = here
    return F["stack"](states, axis=0, constant=constant)
