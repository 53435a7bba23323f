"""The ``Examples`` of the public functions generated from op-table rows: every elementwise and
non-differentiable row has an entry in :mod:`xgrad.ops._examples`, every generated function's
docstring has doctests, and they pass (on NumPy, the backend their outputs are written for)."""

from __future__ import annotations

import doctest
import re

import pytest

import xgrad
from xgrad.ops import FUNCTIONS, NONDIFF, OPS
from xgrad.ops._examples import ELEMENTWISE_EXAMPLES, NONDIFF_EXAMPLES
from xgrad.ops.nondiff import PUBLIC as NONDIFF_HAND_WRITTEN

#: elementwise rows whose public function is hand-written (with its own examples)
ELEMENTWISE_HAND_WRITTEN = {"clip"}

ELEMENTWISE_ROWS = sorted(
    {op.name for op in OPS.values() if op.kind == "elementwise"} - ELEMENTWISE_HAND_WRITTEN
)
NONDIFF_ROWS = sorted({nd.name for nd in NONDIFF.values()} - set(NONDIFF_HAND_WRITTEN))
GENERATED = sorted(
    n
    for n, f in FUNCTIONS.items()
    if getattr(f, "_xgrad_op", None) is not None or getattr(f, "_xgrad_nondiff", None) is not None
)


def _aliases(table: dict, name: str) -> list[str]:
    return [k for k, v in table.items() if v is table[name] and k != name]


def test_every_elementwise_row_has_an_example() -> None:
    missing = [n for n in ELEMENTWISE_ROWS if n not in ELEMENTWISE_EXAMPLES]
    assert not missing, f"elementwise rows without an entry in ops/_examples.py: {missing}"


def test_every_nondiff_row_has_an_example() -> None:
    missing = [n for n in NONDIFF_ROWS if n not in NONDIFF_EXAMPLES]
    assert not missing, (
        f"non-differentiable rows without an entry in ops/_examples_nondiff.py: {missing}"
    )


def test_every_example_belongs_to_a_row() -> None:
    """No entry for a removed or misspelt row, none for an alias (aliases share the row's),
    and no name in both tables."""
    assert sorted(ELEMENTWISE_EXAMPLES) == ELEMENTWISE_ROWS
    assert sorted(NONDIFF_EXAMPLES) == NONDIFF_ROWS
    assert not set(ELEMENTWISE_EXAMPLES) & set(NONDIFF_EXAMPLES)


@pytest.mark.parametrize("name", GENERATED)
def test_every_generated_function_has_doctests(name: str) -> None:
    doc = FUNCTIONS[name].__doc__ or ""
    assert ">>>" in doc, f"xgrad.{name} has no doctest example"
    assert "\nExamples\n--------\n" in doc or "    Examples\n    --------\n" in doc, name


@pytest.mark.parametrize("name", ELEMENTWISE_ROWS + NONDIFF_ROWS)
def test_the_example_calls_its_function_and_names_its_aliases(name: str) -> None:
    text = ELEMENTWISE_EXAMPLES.get(name) or NONDIFF_EXAMPLES[name]
    assert re.search(rf"\bxg\.{name}\(", text), f"the example of {name} never calls it"
    doc = FUNCTIONS[name].__doc__
    table = OPS if name in ELEMENTWISE_EXAMPLES else NONDIFF
    for alias in _aliases(table, name):
        assert FUNCTIONS[alias] is FUNCTIONS[name]
        assert f">>> xg.{alias} is xg.{name}\nTrue" in doc, alias


@pytest.mark.parametrize("name", ELEMENTWISE_ROWS)
def test_differentiable_examples_show_the_gradient(name: str) -> None:
    text = ELEMENTWISE_EXAMPLES[name]
    assert ".backward()" in text and ".grad" in text, name


@pytest.mark.parametrize("name", ELEMENTWISE_ROWS + NONDIFF_ROWS)
def test_the_examples_pass(name: str) -> None:
    fn = getattr(xgrad, name)
    (test,) = doctest.DocTestFinder(recurse=False).find(fn, f"xgrad.{name}", globs={})
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    report: list[str] = []
    with xgrad.use_backend("numpy"):
        result = runner.run(test, out=report.append)
    assert result.attempted > 0
    assert not result.failed, "".join(report)
