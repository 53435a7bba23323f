"""``python -m xgrad info`` / ``demo``: what they print, their exit status, the plot file."""

from __future__ import annotations

import ast
import io
import runpy
import sys

import numpy as np
import pytest

import xgrad
from xgrad import _cli


def test_info_lists_every_known_backend_and_the_selection():
    out = io.StringIO()
    assert _cli.info(out) == 0
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].startswith(f"xgrad {xgrad.__version__} on Python ")
    assert "selected backend: numpy (device 'cpu')" in text
    assert "backends:" in lines
    listed = {line.split()[0] for line in lines[lines.index("backends:") + 1 :]}
    assert listed == set(xgrad.backends.known_backends())
    numpy_line = next(line for line in lines if line.strip().startswith("numpy "))
    assert np.__version__ in numpy_line and numpy_line.rstrip().endswith("devices: cpu")


def test_info_reports_an_unavailable_backend_by_the_first_sentence_of_its_error():
    out = io.StringIO()
    _cli.info(out)
    for name in xgrad.backends.known_backends():
        try:
            xgrad.backends.load(name)
        except Exception as exc:
            first = str(exc).split(". ")[0]
            assert f"  {name:<17} unavailable: {first}\n" in out.getvalue()


@pytest.mark.selects_backend
def test_info_reports_a_bad_environment_selection(monkeypatch):
    monkeypatch.setenv("XGRAD_BACKEND", "no-such-backend")
    out = io.StringIO()
    assert _cli.info(out) == 0
    line = next(s for s in out.getvalue().splitlines() if s.startswith("selected backend"))
    assert line.startswith("selected backend: error: unknown backend 'no-such-backend'")
    assert line.endswith("  [XGRAD_BACKEND=no-such-backend]")


def _descent_result() -> float:
    x = -1.5
    for _ in range(10):
        x = x - 0.3 * 2 * (x - 8.0)
    return x


def test_demo_prints_the_tutorial_derivatives():
    out = io.StringIO()
    assert _cli.demo(out, plot=None) == 0
    text = out.getvalue()
    assert "d(x**2)/dx at x = 5:\n  array(10.)\n" in text
    assert "array([ 4., -8.,  2.,  6.])" in text
    # x - 8 shrinks by 1 - 0.6 per step: 8 - 9.5 * 0.4**10
    assert f"Tensor({_descent_result():.8f})" in text
    assert abs(_descent_result() - (8 - 9.5 * 0.4**10)) < 1e-12
    assert "plot" not in text


def test_demo_pathological_gradient_matches_finite_differences():
    out = io.StringIO()
    _cli.demo(out, plot=None)
    block = out.getvalue().split("x = 1..10:\n")[1].split("gradient descent")[0]
    printed = np.array(ast.literal_eval(block.strip().removeprefix("array(").removesuffix(")")))

    def f(x):
        return np.exp(np.arctan(82 * x**3 + np.log(x))) * np.sqrt(
            25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x)
        )

    x = np.arange(1.0, 11.0)
    h = 1e-6
    fd = (f(x + h) - f(x - h)) / (2 * h)
    np.testing.assert_allclose(printed, fd, rtol=1e-5)


def test_demo_writes_the_plot(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "demo.png"
    out = io.StringIO()
    assert _cli.demo(out, plot=str(path)) == 0
    assert out.getvalue().rstrip().endswith(f"plot of f and df/dx written to {path}")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_without_matplotlib_says_how_to_get_the_plot(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    out = io.StringIO()
    path = tmp_path / "never.png"
    assert _cli.demo(out, plot=str(path)) == 0
    assert (
        out.getvalue()
        .rstrip()
        .endswith(
            'matplotlib is not installed, so no plot was made: pip install "xgrad[plot]" to get one'
        )
    )
    assert not path.exists()


def test_main_dispatches_the_subcommands(capsys, tmp_path):
    assert _cli.main(["info"]) == 0
    assert "backends:" in capsys.readouterr().out
    assert _cli.main(["demo", "--no-plot"]) == 0
    text = capsys.readouterr().out
    assert "d(x**2)/dx at x = 5:" in text and "plot" not in text


def test_main_requires_a_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        _cli.main([])
    assert exc.value.code == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


def test_python_dash_m_xgrad_runs_main(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["python -m xgrad", "info"])
    with pytest.raises(SystemExit) as exc:
        runpy.run_module("xgrad", run_name="__main__")
    assert exc.value.code == 0
    assert "selected backend: numpy" in capsys.readouterr().out
