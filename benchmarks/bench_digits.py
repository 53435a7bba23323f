"""The nnet demo's training, timed: xgrad against MyGrad and PyTorch CPU.

``python -m xgrad demo nnet`` trains a small convolutional network on scikit-learn's digits
(src/xgrad/_demo_nnet.py: conv 3 x 3 to 16 channels, ReLU, 2 x 2 max-pool, conv 3 x 3 to 32,
ReLU, 2 x 2 max-pool, dense to 10; softmax cross-entropy; Adam, lr 3e-3; 15 epochs of
batches of 32 over 1,437 float32 images; the test accuracy on the other 360 after each
epoch). Each contender runs that whole training, from the same initial weights (He-normal,
seed 0) over the same batches:

* ``xgrad``: the demo itself, ``xgrad._demo_nnet.train`` (``xgrad.nnet`` and
  ``xgrad.optim.Adam``);
* ``MyGrad``: the same user code with ``mygrad.nnet``'s ``conv_nd``, ``max_pool``, ``relu``
  and ``softmax_crossentropy``, and Adam written out on the tensors' arrays (MyGrad has no
  optimizers) with ``xgrad.optim.Adam``'s (PyTorch's) formulas;
* ``PyTorch``: ``torch.nn.functional``'s ``conv2d``, ``max_pool2d``, ``relu`` and
  ``cross_entropy`` with ``torch.optim.Adam``, CPU eager, when PyTorch is installed.

A 2-epoch run first checks that xgrad's and MyGrad's per-epoch losses agree (the same
network, weights and batches). The table gives the time of one whole training, median (min)
over rounds, and the ratio xgrad/MyGrad, twice: with the thread pools as they are, and limited
to one thread (threadpoolctl, and ``torch.set_num_threads``): on two cores that other
processes kept busy, MyGrad took 5x longer with OpenBLAS's default threads than with one
(xgrad the same); on quieter ones the two cases agree. The notes give each contender's final
test accuracy.

Not run by ``benchmarks/run.py`` (it defines no ``main``; a full run takes 1.5 minutes on two
quiet cores, 4 on busy ones, most of it MyGrad's): run
``python benchmarks/bench_digits.py [--quick] [--json PATH]``; ``--quick`` trains 3 epochs,
once.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import mygrad
import mygrad.nnet
import numpy as np

import xgrad
from xgrad import _demo_nnet as demo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Prepare, case_result, cli, interleaved, run_selected

try:  # an optional contender
    import torch
    import torch.nn.functional as torch_f
except ImportError:
    torch = None


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- MyGrad: the demo's network and loop, with Adam by hand ---------------------------------------
def mygrad_forward(p: dict[str, Any], x: Any) -> Any:
    """The network of ``xgrad._demo_nnet.forward``, with ``mygrad.nnet``."""
    nn = mygrad.nnet
    h = nn.relu(nn.conv_nd(x, p["w1"], stride=1, padding=1) + p["b1"])
    h = nn.max_pool(h, (2, 2), 2)
    h = nn.relu(nn.conv_nd(h, p["w2"], stride=1, padding=1) + p["b2"])
    h = nn.max_pool(h, (2, 2), 2)
    return h.reshape(h.shape[0], -1) @ p["w3"] + p["b3"]


class HandAdam:
    """``xgrad.optim.Adam``'s update (PyTorch's formulas, no weight decay) on MyGrad
    tensors' arrays, in place."""

    def __init__(self, params: list[Any], lr: float, betas=(0.9, 0.999), eps=1e-8) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(p.data) for p in params]
        self.v = [np.zeros_like(p.data) for p in params]
        self.t = 0

    def step(self) -> None:
        b1, b2 = self.betas
        self.t += 1
        step_size = self.lr / (1 - b1**self.t)
        bias2 = np.sqrt(1 - b2**self.t)
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            g = p.grad
            m += (1 - b1) * (g - m)
            v *= b2
            v += (1 - b2) * (g * g)
            p.data -= step_size * (m / (np.sqrt(v) / bias2 + self.eps))


def mygrad_train(epochs: int, data: tuple[np.ndarray, ...], seed: int = demo.SEED) -> demo.History:
    """``xgrad._demo_nnet.train``'s loop, line for line, in MyGrad."""
    x_train, x_test, y_train, y_test = data
    rng = np.random.default_rng(seed)
    params = {k: mygrad.tensor(v) for k, v in demo.init_params(rng).items()}
    optimizer = HandAdam(list(params.values()), lr=demo.LR)
    history = demo.History(n_train=len(x_train), n_test=len(x_test))
    for _ in range(epochs):
        total = 0.0
        for idx in demo.batches(rng, len(x_train), demo.BATCH_SIZE):
            xb, yb = mygrad.tensor(x_train[idx], constant=True), mygrad.tensor(y_train[idx])
            for p in params.values():
                p.null_grad()
            loss = mygrad.nnet.softmax_crossentropy(mygrad_forward(params, xb), yb)
            loss.backward()
            optimizer.step()
            total = total + loss.data * len(idx)
        history.loss.append(float(total) / len(x_train))
        with mygrad.no_autodiff:
            logits = mygrad_forward(params, mygrad.tensor(x_test, constant=True))
        history.test_accuracy.append(float(np.mean(np.argmax(logits.data, axis=1) == y_test)))
    return history


# -- PyTorch ---------------------------------------------------------------------------------------
def torch_forward(p: dict[str, Any], x: Any) -> Any:
    h = torch_f.relu(torch_f.conv2d(x, p["w1"], stride=1, padding=1) + p["b1"])
    h = torch_f.max_pool2d(h, (2, 2), 2)
    h = torch_f.relu(torch_f.conv2d(h, p["w2"], stride=1, padding=1) + p["b2"])
    h = torch_f.max_pool2d(h, (2, 2), 2)
    return h.reshape(h.shape[0], -1) @ p["w3"] + p["b3"]


def torch_train(epochs: int, data: tuple[np.ndarray, ...], seed: int = demo.SEED) -> demo.History:
    """The same loop with ``torch.nn.functional`` and ``torch.optim.Adam`` (CPU eager)."""
    x_train, x_test, y_train, y_test = data
    rng = np.random.default_rng(seed)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in demo.init_params(rng).items()}
    optimizer = torch.optim.Adam(list(params.values()), lr=demo.LR)
    history = demo.History(n_train=len(x_train), n_test=len(x_test))
    x_test_t = torch.from_numpy(x_test)
    for _ in range(epochs):
        total = 0.0
        for idx in demo.batches(rng, len(x_train), demo.BATCH_SIZE):
            xb, yb = torch.from_numpy(x_train[idx]), torch.from_numpy(y_train[idx])
            optimizer.zero_grad()
            loss = torch_f.cross_entropy(torch_forward(params, xb), yb)
            loss.backward()
            optimizer.step()
            total = total + loss.detach() * len(idx)
        history.loss.append(total.item() / len(x_train))
        with torch.no_grad():
            predicted = torch_forward(params, x_test_t).argmax(dim=1).numpy()
        history.test_accuracy.append(float(np.mean(predicted == y_test)))
    return history


# -- the benchmark ---------------------------------------------------------------------------------
def xgrad_train(epochs: int, data: tuple[np.ndarray, ...]) -> demo.History:
    return demo.train(epochs, data=data)[1]


def _check(data: tuple[np.ndarray, ...]) -> None:
    """Two epochs: MyGrad's (and PyTorch's) losses are xgrad's, and so are the logits of the
    initial weights."""
    p = demo.init_params(np.random.default_rng(demo.SEED))
    x = data[1][:64]
    with xgrad.no_autodiff:
        ours = xgrad.to_numpy(demo.forward({k: xgrad.tensor(v) for k, v in p.items()}, x))
    theirs = mygrad_forward({k: mygrad.tensor(v) for k, v in p.items()}, x).data
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    reference = xgrad_train(2, data).loss
    np.testing.assert_allclose(mygrad_train(2, data).loss, reference, rtol=1e-4)
    if torch is not None:
        np.testing.assert_allclose(torch_train(2, data).loss, reference, rtol=1e-3)


@contextlib.contextmanager
def _threads(n: int | None) -> Iterator[None]:
    """Limit the BLAS and OpenMP thread pools (and PyTorch's) to ``n`` threads; ``None``:
    leave them as they are."""
    if n is None:
        yield
        return
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency

    before = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(n):
        if torch is not None:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(before)


def bench_training(quick: bool) -> dict[str, Any]:
    """Time of the demo's whole training, per library."""
    data = demo.load_digits(demo.SEED)
    _check(data)
    epochs = 3 if quick else demo.EPOCHS
    trainers: dict[str, Callable[[int, tuple[np.ndarray, ...]], demo.History]] = {
        "xgrad": xgrad_train,
        "MyGrad": mygrad_train,
    }
    if torch is not None:
        trainers["PyTorch"] = torch_train
    else:
        _log("PyTorch: not installed")
    last: dict[str, demo.History] = {}

    def prepare(name: str) -> Prepare:
        def call() -> None:
            last[name] = trainers[name](epochs, data)

        return lambda: call

    contenders = {name: prepare(name) for name in trainers}
    cases = []
    for label, threads in (("default threads", None), ("1 thread", 1)):
        _log(f"  {label}")
        with _threads(threads):
            timings = interleaved(
                contenders, rounds=1 if quick else 3, warmup=0, min_rounds=1, max_seconds=400.0
            )
        cases.append(case_result(f"{epochs} epochs, {label}", timings))
    notes = [
        f"{name}: test accuracy after {epochs} epochs {h.test_accuracy[-1]:.2%} "
        f"({round(h.test_accuracy[-1] * h.n_test)}/{h.n_test}), final training loss "
        f"{h.loss[-1]:.4f}"
        for name, h in last.items()
    ]
    if torch is None:
        notes.append("PyTorch: not installed (the PyTorch CPU eager contender is skipped)")
    for note in notes:
        _log(note)
    ratios = [["xgrad", "MyGrad"]] + ([["xgrad", "PyTorch"]] if torch is not None else [])
    return {
        "benchmark": "digits_training",
        "title": (
            f"The nnet demo's training: {epochs} epochs on scikit-learn's digits "
            "(float32, batches of 32, conv-pool-conv-pool-dense, Adam)"
        ),
        "description": (
            "One whole training, the per-epoch test included: `xgrad._demo_nnet.train` "
            "(`xgrad.nnet`, `xgrad.optim.Adam`); the same loop in MyGrad (its `nnet`, Adam by "
            "hand) and in PyTorch CPU eager (`torch.nn.functional`, `torch.optim.Adam`), from "
            "the same weights over the same batches. Once with the thread pools as they are "
            "(NumPy's BLAS picks its threads), once limited to one thread (threadpoolctl; "
            "`torch.set_num_threads(1)`)."
        ),
        "contenders": list(trainers),
        "ratios": ratios,
        "time_unit": "s",
        "time_per": "training",
        "cases": cases,
        "notes": notes,
    }


BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {"digits_training": bench_training}


def run(quick: bool = False, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run the benchmark (not ``main``: ``benchmarks/run.py`` leaves this module out)."""
    return run_selected("bench_digits", BENCHMARKS, quick, only)


if __name__ == "__main__":
    cli(__doc__.splitlines()[0], BENCHMARKS, run)
