"""``python -m xgrad demo nnet`` (src/xgrad/_demo_nnet.py): the network learns, the command
line parses its options, prints its epochs (under tqdm's bar or without it) and says what to
install when scikit-learn is missing; docs/nnet.md's numbers are the demo's."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import xgrad as mg
from xgrad import _cli, _demo_nnet

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, ...]:
    return _demo_nnet.load_digits()


def test_the_split_is_stratified_seeded_float32_images(data) -> None:
    x_train, x_test, _, y_test = data
    assert x_train.shape == (1437, 1, 8, 8) and x_test.shape == (360, 1, 8, 8)
    assert x_train.dtype == np.float32 and x_train.min() == 0 and x_train.max() == 1
    assert np.bincount(y_test).min() >= 35  # every digit in the test set, about 36 each
    again = _demo_nnet.load_digits()
    assert all(np.array_equal(a, b) for a, b in zip(data, again, strict=True))


def test_three_epochs_learn_the_digits(data) -> None:
    params, history = _demo_nnet.train(3, data=data)
    assert len(history.loss) == len(history.test_accuracy) == 3
    assert history.loss[0] > history.loss[1] > history.loss[2]
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.test_accuracy[-1] > 0.85  # chance is 0.1
    assert history.seconds > 0 and (history.n_train, history.n_test) == (1437, 360)
    assert params["w1"].dtype == np.float32 and params["w1"].shape == (16, 1, 3, 3)
    assert _demo_nnet.accuracy(params, *data[1::2]) == history.test_accuracy[-1]


def test_a_subset_and_the_epoch_callback(data) -> None:
    seen = []
    _, history = _demo_nnet.train(
        2, n_train=200, batch_size=50, data=data, on_epoch=lambda *a: seen.append(a)
    )
    assert history.n_train == 200
    assert seen == [(1, history.loss[0], history.test_accuracy[0]), (2, *seen[1][1:])]
    assert seen[1][1] == history.loss[1]


def test_the_network_trains_on_another_backend(data) -> None:
    # each batch becomes a tensor on the default backend: nothing names NumPy's
    with mg.use_backend("array_api_strict", device="device1"):
        params, history = _demo_nnet.train(1, n_train=64, data=data)
    assert "backend='array_api_strict', device='device1'" in repr(params["w3"])
    _, on_numpy = _demo_nnet.train(1, n_train=64, data=data)
    np.testing.assert_allclose(history.loss, on_numpy.loss, rtol=1e-4)


def test_the_docs_numbers_are_the_demos(data) -> None:
    """docs/nnet.md's doctest writes the demo's loop out for 2 epochs; its printed numbers
    must be what the demo's ``train(2)`` measures (the two are the same code)."""
    page = (DOCS / "nnet.md").read_text()
    found = re.findall(r"^epoch (\d): loss ([\d.]+), test accuracy ([\d.]+)%$", page, re.M)
    assert [int(e) for e, _, _ in found] == [1, 2], found
    _, history = _demo_nnet.train(2, data=data)
    np.testing.assert_allclose([float(loss) for _, loss, _ in found], history.loss, atol=6e-4)
    np.testing.assert_allclose(
        [float(acc) / 100 for _, _, acc in found], history.test_accuracy, atol=6e-5
    )


# -- the command line ------------------------------------------------------------------------------
def test_demo_nnet_parses_its_options(monkeypatch) -> None:
    got = {}
    monkeypatch.setattr(_demo_nnet, "run", lambda **kw: got.update(kw) or 0)
    assert _cli.main(["demo", "nnet"]) == 0
    assert got == {"epochs": 15, "batch_size": 32, "seed": 0, "progress": True}
    args = ["demo", "nnet", "--epochs", "2", "--batch-size", "64", "--seed", "3", "--no-progress"]
    assert _cli.main(args) == 0
    assert got == {"epochs": 2, "batch_size": 64, "seed": 3, "progress": False}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
        (["--batch-size", "-1"], "argument --batch-size: must be at least 1, got -1"),
        (["--no-plot"], "unrecognized arguments: --no-plot"),  # the tutorial's option
    ],
)
def test_demo_nnet_rejects_bad_options(bad, message, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        _cli.main(["demo", "nnet", *bad])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_plain_demo_is_still_the_tutorial(monkeypatch, capsys) -> None:
    monkeypatch.setattr(_demo_nnet, "run", lambda **kw: pytest.fail("trained a network"))
    assert _cli.main(["demo", "--no-plot"]) == 0
    assert "d(x**2)/dx at x = 5:" in capsys.readouterr().out


def test_demo_nnet_help_names_the_extra_and_the_fallback(capsys) -> None:
    with pytest.raises(SystemExit):
        _cli.main(["demo", "nnet", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert 'pip install "xgrad[nnet]"' in text
    assert "progress bar over the epochs when tqdm is installed (plain lines otherwise)" in text


def test_one_epoch_with_tqdms_bar(capsys) -> None:
    pytest.importorskip("tqdm")  # the test and nnet extras have it
    assert _cli.main(["demo", "nnet", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "training a convolutional network on 1437" in out
    assert re.search(r"training: 100%\|#+\| 1/1 ", out), out
    lines = re.split(r"[\r\n]", out)  # tqdm clears its bar with a carriage return
    assert any(re.fullmatch(r"epoch 1/1: loss [\d.]+, test accuracy [\d.]+%", ln) for ln in lines)
    assert re.search(r"test accuracy after 1 epoch: [\d.]+% \(\d+/360\); training took", out)


def test_without_tqdm_plain_lines(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    out = io.StringIO()
    assert _demo_nnet.run(out, epochs=2, batch_size=128) == 0
    lines = out.getvalue().splitlines()
    assert [ln.split(":")[0] for ln in lines[1:3]] == ["epoch 1/2", "epoch 2/2"], lines
    assert "%|" not in out.getvalue() and "\r" not in out.getvalue()
    assert lines[-1].startswith("test accuracy after 2 epochs: ")


def test_no_progress_skips_the_bar(capsys) -> None:
    pytest.importorskip("tqdm")
    assert _cli.main(["demo", "nnet", "--epochs", "1", "--batch-size", "256", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "epoch 1/1: loss" in out and "%|" not in out


def test_without_scikit_learn_says_what_to_install(monkeypatch, capsys) -> None:
    for name in ("sklearn", "sklearn.datasets", "sklearn.model_selection"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(_demo_nnet.MissingExtraError, match=re.escape('pip install "xgrad[nnet]"')):
        _demo_nnet.load_digits()
    assert issubclass(_demo_nnet.MissingExtraError, ImportError)
    assert _cli.main(["demo", "nnet", "--epochs", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "python -m xgrad demo nnet: the nnet demo trains on scikit-learn's digits, and "
        'scikit-learn is not installed: pip install "xgrad[nnet]" installs it (and tqdm, for '
        "the progress bar)"
    )
