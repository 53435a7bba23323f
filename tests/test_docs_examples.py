"""Every example on the documentation site runs here.

The Markdown pages (docs/*.md, docs/api/*.md) are doctested by pytest itself
(``--doctest-glob='*.md'``). This file runs the rest:

- the examples in the docstrings of every public name the API reference documents. The names
  come from docs/_ext/xgrad_api.py, the module the Sphinx build reads, so the two cannot
  disagree. pytest's ``--doctest-modules`` misses a function whose ``__module__`` is not the
  module it is written in (the op-table functions say ``xgrad``) and methods installed on a
  class from another module; here each docstring runs once, whatever names it is exported under;
- a check that every public function and class has an ``Examples`` section;
- the plot scripts (docs/plots/*.py) that the build turns into figures;
- checks that every public name and module has its place in the reference.
"""

from __future__ import annotations

import doctest
import functools
import importlib.util
import inspect
import operator
import re
import runpy
import sys
import types
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _load_api() -> types.ModuleType:
    path = DOCS / "_ext" / "xgrad_api.py"
    spec = importlib.util.spec_from_file_location("xgrad_docs_api", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


api = _load_api()


def _collect_doctests() -> list[doctest.DocTest]:
    """One DocTest per distinct docstring with examples: of every documented function and
    class (with the methods and properties in its ``__dict__``, wherever they were written)
    and of every documented module. Examples run in a copy of their module's globals, as
    pytest runs them."""
    members = doctest.DocTestFinder(recurse=True, exclude_empty=True)
    own = doctest.DocTestFinder(recurse=False, exclude_empty=True)
    seen_objects: set[int] = set()
    seen_docs: set[str] = set()
    found = []
    canonical = api.canonical_names()
    targets = [(name, api.get_module(name)) for name in api.MODULES]
    targets += [
        (canonical[id(obj)], obj)
        for _, obj in api.documented_objects()
        if not (api.is_constant(obj) or api.is_external(obj) or isinstance(obj, types.ModuleType))
    ]
    for name, obj in targets:
        if id(obj) in seen_objects:
            continue
        seen_objects.add(id(obj))
        module = obj if isinstance(obj, types.ModuleType) else inspect.getmodule(obj)
        globs = dict(vars(module)) if module is not None else {}
        finder = own if isinstance(obj, types.ModuleType) else members
        for test in finder.find(obj, name, module=False, globs=globs):
            if test.examples and test.docstring not in seen_docs:
                seen_docs.add(test.docstring)
                found.append(test)
    return found


DOCTESTS = _collect_doctests()


@pytest.fixture(scope="module")
def doctest_runner(request: pytest.FixtureRequest) -> doctest.DocTestRunner:
    """A runner with the suite's doctest options (pyproject.toml's ``doctest_optionflags``,
    pytest's ``NUMBER`` included)."""
    from _pytest.doctest import _get_checker, _get_flag_lookup

    lookup = _get_flag_lookup()
    names = request.config.getini("doctest_optionflags")
    flags = functools.reduce(operator.or_, (lookup[n] for n in names), 0)
    return doctest.DocTestRunner(checker=_get_checker(), optionflags=flags, verbose=False)


@pytest.fixture
def numpy_default(monkeypatch: pytest.MonkeyPatch):
    """The examples' outputs are NumPy's: run them with no backend selected (the default,
    NumPy), since some select one themselves (``set_backend``), which a ``use_backend``
    around the test would override."""
    import xgrad

    monkeypatch.delenv("XGRAD_BACKEND", raising=False)
    monkeypatch.delenv("XGRAD_DEVICE", raising=False)
    xgrad.set_backend(None)
    yield
    xgrad.set_backend(None)


def test_docstring_examples_were_found() -> None:
    assert len(DOCTESTS) > 100, len(DOCTESTS)


@pytest.mark.selects_backend
@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name for t in DOCTESTS])
def test_docstring_examples(
    test: doctest.DocTest, doctest_runner: doctest.DocTestRunner, numpy_default: None
) -> None:
    report: list[str] = []
    test = doctest.DocTest(
        test.examples, dict(test.globs), test.name, test.filename, test.lineno, test.docstring
    )
    result = doctest_runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, "".join(report)


# -- every public function and class shows an example ------------------------------------------
MISSING_EXAMPLES = api.missing_examples()


def test_every_public_name_has_an_example() -> None:
    assert not MISSING_EXAMPLES, (
        "public functions and classes without an 'Examples' section with a '>>>' example in "
        "their docstring: " + ", ".join(MISSING_EXAMPLES)
    )


def test_has_example_reads_numpydoc_sections() -> None:
    def documented() -> None:
        """Summary.

        Examples
        --------
        >>> 1 + 1
        2
        """

    def without() -> None:
        """Summary, with a ``>>>`` in the prose but no section."""

    assert api.has_example(documented)
    assert not api.has_example(without)


# -- the plots the build draws --------------------------------------------------------------------
PLOTS = sorted((DOCS / "plots").glob("*.py"))


@pytest.mark.parametrize("script", PLOTS, ids=[p.name for p in PLOTS])
def test_plot_script_runs(script: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")  # the plot extra
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.close("all")
    try:
        runpy.run_path(str(script), run_name="__plot__")
        assert plt.get_fignums(), f"{script.name} drew no figure"
    finally:
        plt.close("all")


def test_the_plots_are_on_the_site() -> None:
    pages = "\n".join(p.read_text() for p in DOCS.rglob("*.md") if "_build" not in p.parts)
    for script in PLOTS:
        assert f".. plot:: plots/{script.name}" in pages, f"no page draws {script.name}"


# -- the reference has a place for every name ----------------------------------------------------
def _directives() -> list[tuple[str, str | None]]:
    """``(module, group)`` of every ``xgrad-api`` directive in docs/api/."""
    found = []
    for page in (DOCS / "api").rglob("*.md"):
        for m in re.finditer(r"```\{xgrad-api\} (\S+)\n((?::\w+: .*\n)*)```", page.read_text()):
            group = re.search(r":group: (\S+)", m.group(2))
            found.append((m.group(1), group.group(1) if group else None))
    return found


def test_every_top_level_name_has_one_topic() -> None:
    import xgrad

    groups = api.xgrad_groups()
    listed = [n for names in groups.values() for n in names]
    assert sorted(listed) == sorted(xgrad.__all__)
    assert set(groups) == {key for key, _ in api.GROUPS}


def test_every_module_and_topic_has_a_page() -> None:
    import xgrad

    directives = _directives()
    modules = {module for module, _ in directives}
    assert modules >= set(api.MODULES), f"modules without a page: {set(api.MODULES) - modules}"
    topics = {group for module, group in directives if module == "xgrad"}
    assert topics >= {key for key, _ in api.GROUPS}, {key for key, _ in api.GROUPS} - topics
    submodules = {
        obj.__name__ for obj in vars(xgrad).values() if isinstance(obj, types.ModuleType)
    } & {f"xgrad.{n}" for n in xgrad.__all__}
    assert submodules <= set(api.MODULES), (
        f"public submodules missing from docs/_ext/xgrad_api.py's MODULES (and without a page "
        f"in docs/api/): {sorted(submodules - set(api.MODULES))}"
    )
