"""Sphinx extension: the API reference's pages, generated at build time from ``__all__``.

Directives (usable in MyST Markdown as ```` ```{xgrad-api} xgrad ```` fences, or in rst):

``xgrad-module NAME``
    declares the module (a ``py:module`` target) and renders its docstring;
``xgrad-api NAME``
    an autosummary table and one autodoc entry per public name of module ``NAME``, in
    ``__all__``'s order; for the top-level ``xgrad``, ``:group: KEY`` picks one topic of
    :data:`xgrad_api.GROUPS`. Dtypes and constants, which carry no docstring, become a table
    (``:only: constants`` renders just the table, ``:only: objects`` everything else).

The names come from :mod:`xgrad_api`, which ``tests/test_docs_examples.py`` reads too. At the
end of reading, the extension warns about any public name that no page rendered (with ``-W``,
the build fails), so a new name cannot be left out of the reference.

Annotations name classes by their defining module (``xgrad._tensor.Tensor``); references to
such private paths are resolved to the public name the reference documents (``xgrad.Tensor``),
and a short name that the current module lacks to the top level's (``:func:`eye``` in
``xgrad.nnet``'s docstrings is ``xgrad.eye``).
"""

from __future__ import annotations

import inspect
import types
from typing import Any, ClassVar

import xgrad_api
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

_FENCE = "`````"  # longer than any fence inside a docstring


def _summary(obj: Any) -> str:
    """The first paragraph of a docstring, without a leading ````name``:`` (a module's
    docstring that starts with its own name)."""
    doc = (inspect.getdoc(obj) or "").strip().split("\n\n")[0].replace("\n", " ")
    name = getattr(obj, "__name__", None)
    if name and doc.startswith(f"``{name}``:"):
        doc = doc[len(name) + 5 :].lstrip()
    return doc


def _indent(text: str, prefix: str = "   ") -> list[str]:
    return [prefix + line if line.strip() else "" for line in text.splitlines()]


class _Base(SphinxDirective):
    required_arguments = 1
    has_content = False

    def _module(self) -> tuple[str, types.ModuleType]:
        name = self.arguments[0]
        return name, xgrad_api.get_module(name)

    def _parse(self, lines: list[str]) -> list[nodes.Node]:
        """Parse generated reStructuredText, in a Markdown (MyST) page as in an rst one."""
        text = "\n".join(lines)
        if type(self.state).__name__ == "MockState":  # MyST: nested content is Markdown
            text = f"{_FENCE}{{eval-rst}}\n{text}\n{_FENCE}"
        node = nodes.Element()
        self.state.nested_parse(
            self._string_list(text), self.content_offset, node, match_titles=True
        )
        return node.children

    def _string_list(self, text: str) -> Any:
        from docutils.statemachine import StringList

        source = self.get_source_info()[0]
        return StringList(text.splitlines(), source=source)

    def _note(self, fullnames: list[str]) -> None:
        env = self.env
        docs = getattr(env, "xgrad_api_documented", None)
        if docs is None:
            docs = env.xgrad_api_documented = {}
        docs.setdefault(env.docname, set()).update(fullnames)


class ModuleDirective(_Base):
    """``py:module`` for ``NAME`` and its docstring."""

    def run(self) -> list[nodes.Node]:
        name, mod = self._module()
        lines = [f".. py:module:: {name}", ""]
        doc = inspect.getdoc(mod)
        if doc:
            lines += [*doc.splitlines(), ""]
        self._note([])
        return self._parse(lines)


class ApiDirective(_Base):
    """The public names of a module (or of one topic of ``xgrad``), documented."""

    option_spec: ClassVar[dict[str, Any]] = {
        "group": directives.unchanged_required,
        "only": lambda arg: directives.choice(arg, ("constants", "objects")),
    }

    def run(self) -> list[nodes.Node]:
        modname, mod = self._module()
        if "group" in self.options:
            if modname != "xgrad":
                raise self.error(":group: is for the top-level xgrad namespace only")
            groups = xgrad_api.xgrad_groups()
            key = self.options["group"]
            if key not in groups:
                raise self.error(f"unknown group {key!r}; the groups are {', '.join(groups)}")
            names = groups[key]
        else:
            names = xgrad_api.public_names(modname)
        only = self.options.get("only")
        objs = [(n, getattr(mod, n)) for n in names]
        constants = [(n, o) for n, o in objs if xgrad_api.is_constant(o)]
        submodules = [(n, o) for n, o in objs if isinstance(o, types.ModuleType)]
        others = [(n, o) for n, o in objs if (n, o) not in constants and (n, o) not in submodules]
        lines = [f".. currentmodule:: {modname}", ""]
        if self.options.get("group") == "other" and names:  # names no rule placed
            lines += [".. rubric:: " + dict(xgrad_api.GROUPS)["other"], ""]
        rendered: list[str] = []
        if only != "objects" and constants:
            lines += self._constants_table(constants)
            rendered += [n for n, _ in constants]
        if only != "constants":
            if others:
                lines += [".. autosummary::", "   :nosignatures:", ""]
                lines += [f"   {n}" for n, _ in others]
                lines.append("")
                for n, obj in others:
                    lines += self._entry(modname, n, obj)
            if submodules:
                lines += self._submodules(modname, submodules, rubric=bool(others))
            rendered += [n for n, _ in others + submodules]
        self._note([f"{modname}.{n}" for n in rendered])
        return self._parse(lines)

    @staticmethod
    def _constants_table(constants: list[tuple[str, Any]]) -> list[str]:
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: auto",
            "",
            "   * - Name",
            "     - Kind",
            "     - Value",
        ]
        for name, obj in constants:
            if isinstance(obj, type):
                kind, value = "dtype", f"``{obj.__module__}.{obj.__name__}``"
            elif obj is None:
                kind, value = "index", "``None``: ``x[:, newaxis]`` inserts an axis"
            else:
                kind, value = "constant", f"``{obj!r}``"
            lines += [f"   * - ``{name}``", f"     - {kind}", f"     - {value}"]
        return [*lines, ""]

    def _entry(self, modname: str, name: str, obj: Any) -> list[str]:
        if xgrad_api.is_external(obj):
            return self._external(modname, name, obj)
        home = xgrad_api.canonical_names()[id(obj)]
        if home != f"{modname}.{name}":  # documented in full once, where it is defined
            return self._alias(name, obj, home)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return [f".. autoexception:: {name}", ""]
        if isinstance(obj, type):
            return [f".. autoclass:: {name}", "   :members:", ""]
        if callable(obj):
            return [f".. autofunction:: {name}", ""]
        return [f".. autodata:: {name}", ""]

    @staticmethod
    def _alias(name: str, obj: Any, home: str) -> list[str]:
        """A second name of an object documented in full under ``home``."""
        if isinstance(obj, type):
            kind = "exception" if issubclass(obj, BaseException) else "class"
            role, what, signature = ("exc" if kind == "exception" else "class"), kind, ""
        else:
            from sphinx.util.inspect import stringify_signature

            kind, role, what = "function", "func", "function"
            try:
                signature = stringify_signature(inspect.signature(obj), show_annotation=False)
            except (TypeError, ValueError):
                signature = "(...)"
        return [
            f".. py:{kind}:: {name}{signature}",
            "",
            f"   The same {what} as :{role}:`{home}`.",
            "",
        ]

    def _external(self, modname: str, name: str, obj: Any) -> list[str]:
        """Another library's object, re-exported: its docstring is not xgrad's. The text is
        the attribute's docstring in xgrad's source, if it has one."""
        origin = f"{obj.__module__}.{getattr(obj, '__qualname__', name)}"
        doc = None
        try:
            from sphinx.pycode import ModuleAnalyzer

            found = ModuleAnalyzer.for_module(modname).find_attr_docs().get(("", name))
            doc = "\n".join(found).strip() if found else None
        except Exception:
            doc = None
        kind = "exception" if isinstance(obj, type) and issubclass(obj, BaseException) else None
        kind = kind or ("class" if isinstance(obj, type) else "function")
        lines = [f".. py:{kind}:: {name}", ""]
        lines += _indent(doc or f"``{origin}``, re-exported unchanged.")
        return [*lines, ""]

    @staticmethod
    def _submodules(modname: str, submodules: list[tuple[str, Any]], rubric: bool) -> list[str]:
        listed = [f"{modname}.{n}" for n, _ in submodules]
        lines = [".. rubric:: Submodules", ""] if rubric else []
        for full, (_, mod) in zip(listed, submodules, strict=True):
            lines.append(f"- :mod:`{full}`: {_summary(mod)}")
        lines.append("")
        for full in listed:
            if full not in xgrad_api.MODULES:  # one with a page of its own is declared there
                lines += [f".. py:module:: {full}", ""]
        return [*lines, f".. currentmodule:: {modname}", ""]


# -- bookkeeping ------------------------------------------------------------------------------
def _purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "xgrad_api_documented", {}).pop(docname, None)


def _merge(app: Sphinx, env: Any, docnames: Any, other: Any) -> None:
    mine = getattr(env, "xgrad_api_documented", None)
    if mine is None:
        mine = env.xgrad_api_documented = {}
    mine.update(getattr(other, "xgrad_api_documented", {}))


def _outdated(app: Sphinx, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
    """Re-read the generated pages on every build: ``__all__`` may have changed."""
    return [d for d in getattr(env, "xgrad_api_documented", {}) if d not in removed]


def _check_coverage(app: Sphinx, env: Any) -> None:
    documented = set().union(*getattr(env, "xgrad_api_documented", {}).values())
    for full, _ in xgrad_api.documented_objects():
        if full not in documented:
            logger.warning(
                "%s is public (its module's __all__ lists it) but no page of the API reference "
                "renders it: add an xgrad-api directive for it (see docs/_ext/xgrad_apidoc.py)",
                full,
                type="xgrad",
                subtype="coverage",
            )
    import xgrad

    for name in xgrad_api.public_names("xgrad"):
        obj = getattr(xgrad, name)
        if isinstance(obj, types.ModuleType) and obj.__name__ not in xgrad_api.MODULES:
            logger.warning(
                "xgrad.%s is a public submodule without a page: add it to "
                "xgrad_api.MODULES and give it a page in docs/api/",
                name,
                type="xgrad",
                subtype="coverage",
            )


# -- private paths in annotations -> the documented public name --------------------------------
def _public_paths() -> dict[str, str]:
    paths: dict[str, str] = {}
    for full, obj in xgrad_api.documented_objects():
        qualname = getattr(obj, "__qualname__", None)
        module = getattr(obj, "__module__", None)
        if not (isinstance(obj, type) or inspect.isroutine(obj)) or not qualname or not module:
            continue
        paths.setdefault(f"{module}.{qualname}", full)
    return paths


_PATHS: dict[str, str] = {}


def _resolve_private(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """A reference Sphinx did not resolve: a private path (``xgrad._tensor.Tensor``, from an
    annotation) goes to the public name documenting the object; a short name that is not in
    the current module (``:func:`eye``` in ``xgrad.nnet``) to the top level's (``xgrad.eye``)."""
    if node.get("refdomain") != "py":
        return None
    if not _PATHS:
        _PATHS.update(_public_paths())
    target = node.get("reftarget", "")
    public = _PATHS.get(target)
    if public is None and not target.startswith(("xgrad.", "~", ".")):
        public = f"xgrad.{target}"
    if public is None:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], public, node, contnode
    ) or domain.resolve_xref(env, node["refdoc"], app.builder, "obj", public, node, contnode)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.autodoc")
    app.setup_extension("sphinx.ext.autosummary")
    app.add_directive("xgrad-module", ModuleDirective)
    app.add_directive("xgrad-api", ApiDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-check-consistency", _check_coverage)
    app.connect("missing-reference", _resolve_private)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
