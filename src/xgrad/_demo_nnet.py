"""The network demo, ``python -m xgrad demo nnet``: a small convolutional network trained on
scikit-learn's bundled digits with ``xgrad.nnet`` and ``xgrad.optim.Adam``.

The network: a 3 x 3 convolution to 16 channels, ReLU, a 2 x 2 max-pool, a 3 x 3 convolution
to 32 channels, ReLU, a 2 x 2 max-pool, and a dense layer to the 10 classes, trained with
softmax cross-entropy and Adam on 80% of the 1,797 8 x 8 images (a stratified, seeded split)
and tested on the other 20%. docs/nnet.md shows this code, docs/plots/digits_training.py
plots the training this module runs, and benchmarks/bench_digits.py times it against the same
network in MyGrad and PyTorch.

Like ``_cli.py``, it uses NumPy (and scikit-learn) as a user does: the images come from
scikit-learn as NumPy arrays, and each batch becomes a tensor on the default backend and
device (``XGRAD_BACKEND`` picks another).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import xgrad as mg
from xgrad.nnet import conv_nd, max_pool, relu, softmax_crossentropy
from xgrad.optim import Adam

#: the demo's training settings (the documentation's figure and the benchmark use them too)
EPOCHS = 15
BATCH_SIZE = 32
LR = 3e-3
SEED = 0

INSTALL_HINT = 'pip install "xgrad[nnet]"'


class MissingExtraError(ImportError):
    """scikit-learn, which has the digits, is not installed."""


def load_digits(seed: int = SEED, test_size: float = 0.2) -> tuple[np.ndarray, ...]:
    """scikit-learn's digits as ``(x_train, x_test, y_train, y_test)``: float32 images of
    shape ``(N, 1, 8, 8)`` scaled to ``[0, 1]``, integer labels; a stratified split, seeded."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
        from sklearn.model_selection import train_test_split
    except ImportError as exc:
        raise MissingExtraError(
            "the nnet demo trains on scikit-learn's digits, and scikit-learn is not "
            f"installed: {INSTALL_HINT} installs it (and tqdm, for the progress bar)"
        ) from exc
    digits = sklearn_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8): one channel
    split = train_test_split(
        x, digits.target, test_size=test_size, stratify=digits.target, random_state=seed
    )
    return tuple(split)


def init_params(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """He-normal weights and zero biases, float32, drawn from ``rng``."""

    def he(shape: tuple[int, ...], fan_in: int) -> np.ndarray:
        return (rng.standard_normal(shape) * np.sqrt(2 / fan_in)).astype(np.float32)

    return {
        "w1": he((16, 1, 3, 3), 1 * 3 * 3),  # 16 filters over 1 channel
        "b1": np.zeros((1, 16, 1, 1), np.float32),
        "w2": he((32, 16, 3, 3), 16 * 3 * 3),
        "b2": np.zeros((1, 32, 1, 1), np.float32),
        "w3": he((128, 10), 128),  # 32 channels x 2 x 2 -> 10 classes
        "b3": np.zeros(10, np.float32),
    }


def forward(params: dict[str, Any], x: Any) -> Any:
    """The network's logits, ``(N, 10)``, for images ``x`` of shape ``(N, 1, 8, 8)``."""
    p = params
    h = relu(conv_nd(x, p["w1"], stride=1, padding=1) + p["b1"])  # (N, 16, 8, 8)
    h = max_pool(h, (2, 2), 2)  # (N, 16, 4, 4)
    h = relu(conv_nd(h, p["w2"], stride=1, padding=1) + p["b2"])  # (N, 32, 4, 4)
    h = max_pool(h, (2, 2), 2)  # (N, 32, 2, 2)
    return h.reshape(h.shape[0], -1) @ p["w3"] + p["b3"]  # (N, 10)


def batches(rng: np.random.Generator, n: int, batch_size: int) -> Iterator[np.ndarray]:
    """One epoch's batches: the indices of ``n`` items, shuffled by ``rng``."""
    order = rng.permutation(n)
    for i in range(0, n, batch_size):
        yield order[i : i + batch_size]


def accuracy(params: dict[str, Any], x: np.ndarray, y: np.ndarray) -> float:
    """The fraction of the images ``x`` whose class the network predicts right."""
    with mg.no_autodiff:
        logits = forward(params, mg.tensor(x, constant=True))
    return float(np.mean(np.argmax(mg.to_numpy(logits), axis=1) == y))


@dataclass
class History:
    """What :func:`train` measured: per epoch, the mean training loss and the test accuracy;
    the seconds the training took (the per-epoch tests included)."""

    loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0
    n_train: int = 0
    n_test: int = 0


def train(
    epochs: int = EPOCHS,
    *,
    batch_size: int = BATCH_SIZE,
    lr: float = LR,
    seed: int = SEED,
    n_train: int | None = None,
    data: tuple[np.ndarray, ...] | None = None,
    on_epoch: Callable[[int, float, float], None] | None = None,
) -> tuple[dict[str, Any], History]:
    """Train the network; return its parameters (tensors) and the :class:`History`.

    ``n_train`` keeps the first that many training images (a quick run); ``data`` is
    :func:`load_digits`'s split (loaded here when not given); ``on_epoch(epoch, loss,
    test_accuracy)`` is called after each epoch (``epoch`` from 1).
    """
    x_train, x_test, y_train, y_test = load_digits(seed) if data is None else data
    if n_train is not None:
        x_train, y_train = x_train[:n_train], y_train[:n_train]
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    params = {name: mg.tensor(value) for name, value in init_params(rng).items()}
    optimizer = Adam(list(params.values()), lr=lr)
    history = History(n_train=len(x_train), n_test=len(x_test))
    for epoch in range(1, epochs + 1):
        total = 0.0
        for idx in batches(rng, len(x_train), batch_size):
            xb, yb = mg.tensor(x_train[idx], constant=True), mg.tensor(y_train[idx])
            optimizer.zero_grad()
            loss = softmax_crossentropy(forward(params, xb), yb)
            loss.backward()
            optimizer.step()
            total = total + loss.data * len(idx)  # summed on the device: no sync per batch
        history.loss.append(float(mg.to_numpy(total)) / len(x_train))
        history.test_accuracy.append(accuracy(params, x_test, y_test))
        if on_epoch is not None:
            on_epoch(epoch, history.loss[-1], history.test_accuracy[-1])
    history.seconds = time.perf_counter() - start
    return params, history


def _tqdm() -> Any:
    """tqdm's progress bar class, or ``None`` when tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


def run(
    out: Any = None,
    *,
    epochs: int = EPOCHS,
    batch_size: int = BATCH_SIZE,
    seed: int = SEED,
    progress: bool = True,
) -> int:
    """Train the network, printing each epoch's loss and test accuracy, with a progress bar
    over the epochs when tqdm is installed (plain lines otherwise)."""
    out = out or sys.stdout
    data = load_digits(seed)
    tqdm = _tqdm() if progress else None
    print(
        f"training a convolutional network on {len(data[0])} of scikit-learn's 8x8 digits "
        f"({epochs} epoch{'s' if epochs > 1 else ''}, batches of {batch_size}, Adam), "
        f"testing on {len(data[1])}:",
        file=out,
    )
    bar = None
    if tqdm is not None:
        bar = tqdm(total=epochs, desc="training", unit="epoch", file=out, ascii=True)

    def report(epoch: int, loss: float, acc: float) -> None:
        line = (
            f"epoch {epoch:>{len(str(epochs))}}/{epochs}: loss {loss:.4f}, test accuracy {acc:.2%}"
        )
        if bar is None:
            print(line, file=out)
        else:
            bar.write(line, file=out)
            bar.set_postfix(loss=f"{loss:.4f}", test=f"{acc:.2%}", refresh=False)
            bar.update(1)

    try:
        _, history = train(epochs, batch_size=batch_size, seed=seed, data=data, on_epoch=report)
    finally:
        if bar is not None:
            bar.close()
    right = round(history.test_accuracy[-1] * history.n_test)
    print(
        f"test accuracy after {epochs} epoch{'s' if epochs > 1 else ''}: "
        f"{history.test_accuracy[-1]:.2%} "
        f"({right}/{history.n_test}); training took {history.seconds:.1f} s",
        file=out,
    )
    return 0
