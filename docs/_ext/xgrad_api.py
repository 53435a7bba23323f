"""The public names of xgrad, page by page: the one list the API reference and the tests read.

The documentation build (``xgrad_apidoc``, the Sphinx extension next to this file) renders
every name listed here, and ``tests/test_docs_examples.py`` runs the examples in their
docstrings, so neither can miss a name: both come from each module's ``__all__`` at the time
they run. This module needs only xgrad (no Sphinx), so the test suite can import it.

The top-level ``xgrad`` namespace is split by topic (:func:`xgrad_groups`). The topic of a name
comes from what the name is (a dtype, a submodule), from its op-table row (``kind``), from the
module that defines it, and, for the few names those do not settle, from :data:`OVERRIDES`; a
name none of them places goes to the ``"other"`` group, which the reference also shows, so a
new name is never left out.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import types
from collections.abc import Iterator
from typing import Any

__all__ = [
    "GROUPS",
    "MODULES",
    "OVERRIDES",
    "canonical_names",
    "documented_objects",
    "get_module",
    "group_of",
    "has_example",
    "is_constant",
    "is_external",
    "missing_examples",
    "public_names",
    "xgrad_groups",
]

#: the modules with a page in the API reference, in the reference's order
MODULES = (
    "xgrad",
    "xgrad.func",
    "xgrad.linalg",
    "xgrad.nnet",
    "xgrad.optim",
    "xgrad.random",
    "xgrad.computational_graph",
    "xgrad.typing",
    "xgrad.custom",
    "xgrad.testing",
    "xgrad.errors",
    "xgrad.backends",
    "xgrad.array_api",
    "xgrad.array_api.linalg",
    "xgrad.array_api.special",
)

#: the topics of the top-level namespace: key, title (one page each in the reference)
GROUPS = (
    ("tensor", "Tensors and creation functions"),
    ("elementwise", "Elementwise math"),
    ("reductions", "Reductions and cumulative functions"),
    ("shape", "Shape and manipulation"),
    ("indexing", "Indexing and selection"),
    ("linalg", "Linear algebra"),
    ("nondiff", "Non-differentiable functions: comparisons, predicates, rounding, sorting"),
    ("grad_mode", "Grad mode, memory guard, custom derivatives and compilation"),
    ("backends", "Backends and devices"),
    ("dtypes", "Dtypes, constants and type queries"),
    ("io", "Saving and loading"),
    ("submodules", "Submodules"),
    ("other", "Other functions"),
)

#: top-level names whose topic the rules in :func:`group_of` would get wrong or not find
OVERRIDES = {
    "Tensor": "tensor",
    "tensor": "tensor",
    "astensor": "tensor",
    "asarray": "tensor",
    "no_autodiff": "grad_mode",
    "is_grad_enabled": "grad_mode",
    "mem_guard_off": "grad_mode",
    "mem_guard_on": "grad_mode",
    "mem_guard_active": "grad_mode",
    "turn_memory_guarding_off": "grad_mode",
    "turn_memory_guarding_on": "grad_mode",
    "shares_memory": "grad_mode",
    "may_share_memory": "grad_mode",
    "custom_vjp": "grad_mode",
    "custom_jvp": "grad_mode",
    "compile": "grad_mode",
    "copyto": "indexing",
    "where": "indexing",
    "take": "indexing",
    "take_along_axis": "indexing",
    "to_device": "backends",
    "to_numpy": "backends",
    "result_type": "dtypes",
    "can_cast": "dtypes",
    "min_scalar_type": "dtypes",
    "astype": "dtypes",
    "add_sequence": "elementwise",
    "multiply_sequence": "elementwise",
    "divmod": "elementwise",
    "imag": "elementwise",
    "real": "elementwise",
    "clip": "elementwise",
    "ufunc": "elementwise",
    "logsumexp": "reductions",
    "cumulative_sum": "reductions",
    "cumulative_prod": "reductions",
    "diff": "reductions",
    "einsum": "linalg",
    "sort": "shape",
    "sliding_window_view": "shape",
}

#: an op-table row's ``kind`` -> topic
_KIND_GROUPS = {
    "elementwise": "elementwise",
    "reduction": "reductions",
    "cumulative": "reductions",
    "shape": "shape",
    "join": "shape",
    "indexing": "indexing",
    "linalg": "linalg",
}

#: a word in the defining module's name -> topic (the first that matches wins)
_MODULE_GROUPS = (
    ("_creation", "tensor"),
    ("nondiff", "nondiff"),
    ("linalg", "linalg"),
    ("einsum", "linalg"),
    ("reduction", "reductions"),
    ("indexing", "indexing"),
    ("manipulation", "shape"),
    ("shape", "shape"),
    ("elementwise", "elementwise"),
    ("math", "elementwise"),
    ("backends", "backends"),
    ("_transfer", "backends"),
    ("_engine", "grad_mode"),
    ("_memguard", "grad_mode"),
    ("custom", "grad_mode"),
    ("_interop_names", "dtypes"),
    ("_io", "io"),
)


def get_module(name: str) -> types.ModuleType:
    """The module called ``name``; ``xgrad.array_api.linalg`` and ``.special`` are attributes
    of their namespace module, not importable modules, and are reached by attribute."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        parent, _, attr = name.rpartition(".")
        mod = getattr(get_module(parent), attr, None)
        if not isinstance(mod, types.ModuleType):
            raise
        return mod


def public_names(modname: str) -> list[str]:
    """The public names of a module: its ``__all__``, in order; for a module without one (the
    array-API namespace's ``linalg`` and ``special``), its attributes not starting with ``_``."""
    mod = get_module(modname)
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    return list(names)


def is_constant(obj: Any) -> bool:
    """A dtype or a numeric constant (``float32``, ``pi``, ``newaxis``): values without a
    docstring of their own, documented in a table."""
    if obj is None or isinstance(obj, (bool, int, float, complex, str)):
        return True
    if isinstance(obj, type):
        module = getattr(obj, "__module__", "") or ""
        return module.split(".")[0] == "numpy" and not issubclass(obj, BaseException)
    return type(obj).__module__.split(".")[0] == "numpy" and not callable(obj)


def is_external(obj: Any) -> bool:
    """A class or function of another library, re-exported (``numpy.exceptions.AxisError``):
    its docstring is not xgrad's."""
    if is_constant(obj) or isinstance(obj, types.ModuleType):
        return False
    module = getattr(obj, "__module__", None) or type(obj).__module__
    return module.split(".")[0] != "xgrad"


def _ops_tables() -> tuple[dict, dict]:
    """The op table's rows and the non-differentiable functions, by name (empty when the
    internal layout moves: the module rule and the overrides still place every name)."""
    rows: dict = {}
    nondiff: dict = {}
    for path in ("xgrad._op", "xgrad.ops"):
        with contextlib.suppress(ImportError):
            rows = rows or dict(getattr(importlib.import_module(path), "OPS", {}))
    for path in ("xgrad.ops", "xgrad.ops.nondiff"):
        with contextlib.suppress(ImportError):
            nondiff = nondiff or dict(getattr(importlib.import_module(path), "NONDIFF", {}))
    return rows, nondiff


def _defining_module(obj: Any) -> str:
    """The module whose source defines ``obj`` (op-table functions say ``__module__ = "xgrad"``
    wherever they are written)."""
    try:
        target = inspect.unwrap(obj) if callable(obj) else obj
        mod = inspect.getmodule(target.__code__ if hasattr(target, "__code__") else target)
    except Exception:
        mod = None
    if mod is None or mod.__name__ == "xgrad":
        try:
            source = inspect.getsourcefile(inspect.unwrap(obj))
        except Exception:
            source = None
        if source:
            return source.replace("\\", "/").rsplit("/xgrad/", 1)[-1]
        return getattr(obj, "__module__", None) or type(obj).__module__
    return mod.__name__


def group_of(name: str, obj: Any, rows: dict | None = None, nondiff: dict | None = None) -> str:
    """The topic (a key of :data:`GROUPS`) of the top-level name ``name``."""
    if rows is None or nondiff is None:
        rows, nondiff = _ops_tables()
    if name in OVERRIDES:
        return OVERRIDES[name]
    if isinstance(obj, types.ModuleType):
        return "submodules"
    if is_constant(obj):
        return "dtypes"
    if name in nondiff:
        return "nondiff"
    row = rows.get(name)
    if row is not None and getattr(row, "kind", None) in _KIND_GROUPS:
        return _KIND_GROUPS[row.kind]
    where = _defining_module(obj)
    for word, group in _MODULE_GROUPS:
        if word in where:
            return group
    return "other"


def xgrad_groups() -> dict[str, list[str]]:
    """The top-level public names by topic, every group of :data:`GROUPS` present (maybe
    empty), each list in ``__all__``'s order."""
    import xgrad

    rows, nondiff = _ops_tables()
    groups: dict[str, list[str]] = {key: [] for key, _ in GROUPS}
    for name in public_names("xgrad"):
        groups[group_of(name, getattr(xgrad, name), rows, nondiff)].append(name)
    return groups


def documented_objects() -> Iterator[tuple[str, Any]]:
    """``(full name, object)`` for every public name of every module of :data:`MODULES`: what
    the API reference documents, in its order (an object exported twice comes twice)."""
    for modname in MODULES:
        mod = get_module(modname)
        for name in public_names(modname):
            yield f"{modname}.{name}", getattr(mod, name)


def canonical_names() -> dict[int, str]:
    """``id(object) -> full name`` under which each object is documented in full: of the names
    it is exported under, the one in the module nearest to where it is defined
    (``xgrad.backends.Backend``, not ``xgrad.Backend``), else the first."""
    exported: dict[int, list[str]] = {}
    objects: dict[int, Any] = {}
    for full, obj in documented_objects():
        exported.setdefault(id(obj), []).append(full)
        objects[id(obj)] = obj
    best: dict[int, str] = {}
    for key, names in exported.items():
        home = getattr(objects[key], "__module__", None) or ""

        def depth(full: str, home: str = home) -> int:
            module = full.rpartition(".")[0]
            return len(module) if home == module or home.startswith(module + ".") else -1

        best[key] = max(names, key=depth)  # max keeps the first of equal depth
    return best


def has_example(obj: Any) -> bool:
    """Whether the docstring has a numpydoc ``Examples`` section with a ``>>>`` line in it."""
    doc = inspect.getdoc(obj) or ""
    lines = doc.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == "Examples" and set(lines[i + 1].strip()) == {"-"}:
            return any(rest.lstrip().startswith(">>>") for rest in lines[i + 2 :])
    return False


def missing_examples() -> list[str]:
    """The public functions and classes (not dtypes, constants, modules or other libraries'
    objects) whose docstring has no example, by the first name each is exported under."""
    seen: set[int] = set()
    canonical = canonical_names()
    missing = []
    for _, obj in documented_objects():
        if (
            id(obj) in seen
            or not callable(obj)
            or is_constant(obj)
            or is_external(obj)
            or isinstance(obj, types.ModuleType)
        ):
            continue
        seen.add(id(obj))
        if not has_example(obj):
            missing.append(canonical[id(obj)])
    return missing
