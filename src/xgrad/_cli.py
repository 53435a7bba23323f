"""``python -m xgrad``: ``info`` (backends, devices, versions), ``demo`` (the tutorial) and
``demo nnet`` (a convolutional network trained on scikit-learn's digits)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from typing import Any

import numpy as np

import xgrad as mg
from xgrad import _demo_nnet, backends


def info(out: Any = None) -> int:
    """Print the backends available here, the selected one, their devices and versions."""
    out = out or sys.stdout
    print(
        f"xgrad {mg.__version__} on Python {platform.python_version()} ({sys.platform})", file=out
    )
    try:
        import array_api_compat

        print(f"array-api-compat {array_api_compat.__version__}", file=out)
    except Exception:  # a runtime dependency: installed with xgrad
        pass
    try:
        selected, device = backends.current()
        sel = f"{selected.name} (device {selected.device_str(device)!r})"
    except Exception as exc:
        sel = f"error: {exc}"
    env = os.environ.get("XGRAD_BACKEND")
    print(f"selected backend: {sel}" + (f"  [XGRAD_BACKEND={env}]" if env else ""), file=out)
    print("backends:", file=out)
    for name in backends.known_backends():
        try:
            bk = backends.load(name)
        except Exception as exc:
            first = str(exc).split(". ")[0]
            print(f"  {name:<17} unavailable: {first}", file=out)
            continue
        devs = ", ".join(bk.device_str(d) for d in bk.devices())
        print(f"  {name:<17} {bk.version():<10} devices: {devs}", file=out)
    return 0


def demo(out: Any = None, plot: str | None = "xgrad-demo.png") -> int:
    """Run the tutorial's examples, print the derivatives, and plot f and df/dx."""
    out = out or sys.stdout
    print("d(x**2)/dx at x = 5:", file=out)
    x = mg.tensor(5.0)
    fx = x**2
    fx.backward()
    print(f"  {x.grad!r}", file=out)

    print("d(x**2)/dx at x = [2, -4, 1, 3]:", file=out)
    x = mg.tensor([2.0, -4.0, 1.0, 3.0])
    (x**2).backward()
    print(f"  {x.grad!r}", file=out)

    print("the pathological function at x = 1..10:", file=out)
    x = mg.arange(1.0, 11.0)
    fx = np.exp(np.arctan(82 * x**3 + np.log(x)))
    fx *= np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
    fx.backward()
    print("  " + repr(mg.to_numpy(x.grad)).replace("\n", "\n  "), file=out)

    print("gradient descent on (x - 8)**2 from x = -1.5, 10 steps:", file=out)
    x = mg.Tensor(-1.5)
    for _ in range(10):
        f = (x - 8.0) ** 2
        f.backward()
        x = x - 0.3 * x.grad
    print(f"  {x!r}", file=out)

    x = mg.linspace(0, 10, 10000)
    f = np.sin(x) * np.exp(-x / 3)
    f.backward()
    if plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print(
                "matplotlib is not installed, so no plot was made: "
                'pip install "xgrad[plot]" to get one',
                file=out,
            )
            return 0
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(mg.to_numpy(x), mg.to_numpy(f), label="f(x) = sin(x) exp(-x/3)")
        ax.plot(mg.to_numpy(x), mg.to_numpy(x.grad), label="df/dx (xgrad)")
        ax.axhline(0, color="0.8", lw=0.8)
        ax.set_xlabel("x")
        ax.legend()
        fig.tight_layout()
        fig.savefig(plot, dpi=100)
        plt.close(fig)
        print(f"plot of f and df/dx written to {plot}", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xgrad", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="backends available, the selected one, devices, versions")
    p_demo = sub.add_parser(
        "demo",
        help="run the tutorial's examples and plot a derivative ('demo nnet': train a network)",
        description=(
            "Run the tutorial's examples, print their derivatives and plot a function and its "
            "derivative; 'demo nnet' trains a small convolutional network instead."
        ),
    )
    p_demo.add_argument("--plot", default="xgrad-demo.png", help="PNG file for the plot")
    p_demo.add_argument("--no-plot", action="store_true", help="skip the plot")
    which = p_demo.add_subparsers(dest="demo", metavar="{nnet}")
    p_nnet = which.add_parser(
        "nnet",
        help="train a small convolutional network on scikit-learn's digits",
        description=(
            "Train a small convolutional network (xgrad.nnet's conv_nd, max_pool, relu, "
            "softmax_crossentropy; xgrad.optim.Adam) on 80% of scikit-learn's bundled 8x8 "
            "digits and print each epoch's training loss and test accuracy, under a progress "
            "bar over the epochs when tqdm is installed (plain lines otherwise). Needs "
            f"scikit-learn; {_demo_nnet.INSTALL_HINT} installs it and tqdm."
        ),
    )
    p_nnet.add_argument(
        "--epochs", type=_positive, default=_demo_nnet.EPOCHS, help="default %(default)s"
    )
    p_nnet.add_argument(
        "--batch-size", type=_positive, default=_demo_nnet.BATCH_SIZE, help="default %(default)s"
    )
    p_nnet.add_argument(
        "--seed", type=int, default=_demo_nnet.SEED, help="of the split, weights and shuffles"
    )
    p_nnet.add_argument(
        "--no-progress", action="store_true", help="plain per-epoch lines, no progress bar"
    )
    args = parser.parse_args(argv)
    if args.command == "info":
        return info()
    if args.demo == "nnet":
        try:
            return _demo_nnet.run(
                epochs=args.epochs,
                batch_size=args.batch_size,
                seed=args.seed,
                progress=not args.no_progress,
            )
        except _demo_nnet.MissingExtraError as exc:
            print(f"python -m xgrad demo nnet: {exc}", file=sys.stderr)
            return 1
    return demo(plot=None if args.no_plot else args.plot)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


if __name__ == "__main__":
    sys.exit(main())
