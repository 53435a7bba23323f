"""``build_graph``: draw the computational graph that ends in a tensor, with graphviz (MyGrad's
``mygrad.computational_graph``). Needs the ``graphviz`` Python package (``pip install
"xgrad[graph]"``); rendering the drawing to a file also needs Graphviz's ``dot`` program.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._tensor import Tensor

__all__ = ["build_graph"]


def build_graph(
    fin: Tensor,
    names: Mapping[str, Any] | None = None,
    *,
    render: bool = True,
    save: bool = False,
    dims: bool = False,
    dtypes: bool = False,
    sum_stats: bool = False,
) -> Any:
    """The graph of the ops that produced ``fin``, as a ``graphviz.Digraph``: one box per
    tensor, one filled node per op (named as the op), edges from inputs to ops to outputs.
    MyGrad's function, with its arguments.

    Parameters
    ----------
    fin : Tensor
        The last tensor of the graph (its graph must still be live: before ``backward()``,
        or after ``backward(retain_graph=True)``).
    names : dict, optional
        Labels for tensors: ``{name: tensor}``, e.g. ``locals()``. Unnamed tensors are
        labelled by their value when 0-d, else "Intermediary Tensor", "*Constant*" or,
        without ``names``, their repr where xgrad still holds their value (``fin`` and the
        named ones; the graph keeps only what derivatives need).
    render : bool
        Return the ``Digraph`` (else ``None``).
    save : bool
        Also render it to ``computational_graph.pdf`` in the working directory (needs
        Graphviz's ``dot``).
    dims, dtypes : bool
        Add each tensor's shape (not for 0-d) and dtype to its label.
    sum_stats : bool
        Add the minimum, median, mean and maximum of each tensor whose value xgrad holds.

    Returns
    -------
    graphviz.Digraph or None

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.computational_graph import build_graph
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = xg.tensor(3.0)
    >>> f = xg.sum(x * y)
    >>> g = build_graph(f, names={"x": x, "y": y, "f": f}, dims=True)
    >>> [line.split("label=")[1].split()[0] for line in g.body if "fillcolor" in line]
    ['sum', 'multiply']
    >>> "x\\nDims: (2,)" in g.source
    True
    """
    if not isinstance(fin, Tensor):
        raise TypeError(f"build_graph: fin must be an xgrad Tensor, got {type(fin).__name__}")
    if names is not None and not isinstance(names, Mapping):
        raise TypeError(f"build_graph: names must be a dict of name -> tensor, got {names!r}")
    flags = {"render": render, "save": save, "dims": dims, "dtypes": dtypes}
    for flag, value in {**flags, "sum_stats": sum_stats}.items():
        if not isinstance(value, bool):
            raise TypeError(f"build_graph: {flag} must be True or False, got {value!r}")
    try:
        from graphviz import Digraph  # optional: only this function needs it
    except ImportError:
        raise ImportError(
            'build_graph needs the graphviz package: pip install "xgrad[graph]" (or '
            "pip install graphviz)"
        ) from None
    node = fin._node
    if node is not None and node.op is not None and node.parents is None:
        raise ValueError(
            "build_graph: the graph that produced this tensor was consumed by backward() or "
            "clear_graph(); draw it before, or call backward(retain_graph=True)"
        )
    # the tensors whose values we hold, by their graph node
    known: dict[int, tuple[str | None, Tensor]] = {}
    for key, value in (names or {}).items():
        if isinstance(value, Tensor) and value._node is not None:
            known.setdefault(id(value._node), (key, value))
    if node is not None:
        known.setdefault(id(node), (None, fin))

    graph = Digraph(strict=True)
    graph.node_attr.update(fontsize="12")
    if node is None:  # a constant, or a tensor never used in an op: one box
        name = next((k for k, v in (names or {}).items() if v is fin), None)
        graph.node(name=str(id(fin)), label=_label(None, fin, name, names, dims, dtypes, sum_stats))
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        name, tensor = known.get(id(n), (None, None))
        graph.node(name=str(id(n)), label=_label(n, tensor, name, names, dims, dtypes, sum_stats))
        if n.op is None or n.parents is None:
            continue
        op_id = f"op{id(n)}"
        graph.node(name=op_id, label=n.op.name, style="filled", fillcolor="red")
        graph.edge(op_id, str(id(n)))
        for p in n.parents:
            if p is None:  # a constant input or a non-differentiable argument
                continue
            graph.edge(str(id(p)), op_id)
            stack.append(p)
    if save:
        graph.render(filename="computational_graph", cleanup=True)
    return graph if render else None


def _label(
    node: Any,
    tensor: Tensor | None,
    name: Any,
    names: Mapping[str, Any] | None,
    dims: bool,
    dtypes: bool,
    sum_stats: bool,
) -> str:
    shape = tuple(tensor.shape) if tensor is not None else tuple(node.shape)
    dtype = tensor.dtype if tensor is not None else node.dtype
    if isinstance(name, str):
        label = name
    elif tensor is not None and not shape:
        label = str(tensor.item())
    elif tensor is not None and names is None:
        label = repr(tensor)
    elif node is not None and node.op is None:
        label = "Leaf Tensor"
    else:
        label = "Intermediary Tensor"
    if dims and shape:
        label += f"\nDims: {shape}"
    if dtypes:
        label += f"\nDtype: {dtype}"
    if sum_stats and shape and 0 not in shape and tensor is not None:  # no stats of nothing
        xp = tensor._backend.xp
        data = xp.reshape(tensor._data, (-1,))
        if not xp.isdtype(data.dtype, "real floating"):
            data = xp.astype(data, tensor._backend.dtype("float64"))
        s, n = xp.sort(data), data.shape[0]
        median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
        label += (
            f"\nMin: {float(xp.min(data))}\nMedian: {float(median)}"
            f"\nMean: {float(xp.mean(data))}\nMax: {float(xp.max(data))}"
        )
    return label
