"""Count device-to-host copies during xgrad forward + backward passes on the GPU.

Uses ``torch.profiler`` (CUPTI sees every CUDA copy in the process, CuPy's included) and
counts events named ``Memcpy DtoH``. A clean pass shows zero; the script first checks that
the counter does see a deliberate ``float(t)``, so a zero means something.
Exit status 1 if a workload copies to the host.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import cupy
import numpy as np
import torch
from torch.profiler import ProfilerActivity, profile

import xgrad as mg


def count_dtoh(fn: Callable[[], Any]) -> int:
    fn()  # warm up: kernel compilation and memory-pool growth happen here
    cupy.cuda.Device().synchronize()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        fn()
        cupy.cuda.Device().synchronize()
    return sum(1 for e in prof.events() if "Memcpy DtoH" in e.name)


def pathological() -> Any:
    x = mg.arange(1.0, 1e6 + 1.0, device="cuda")
    fx = np.exp(np.arctan(82 * x**3 + np.log(x)))
    fx *= np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
    fx.backward()
    return x.grad


def mlp_step() -> Any:
    rng = cupy.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((256, 784), dtype=cupy.float32), constant=True)
    y = rng.integers(0, 10, 256)
    w1 = mg.tensor(rng.standard_normal((784, 256), dtype=cupy.float32) / 28)
    b1 = mg.zeros(256, dtype="float32", device="cuda")
    w2 = mg.tensor(rng.standard_normal((256, 10), dtype=cupy.float32) / 16)
    b2 = mg.zeros(10, dtype="float32", device="cuda")
    h = mg.nnet.relu(x @ w1 + b1)
    loss = mg.nnet.softmax_crossentropy(h @ w2 + b2, y)
    loss.backward()
    return w1.grad


def deliberate_sync() -> Any:
    t = mg.tensor([1.0, 2.0], device="cuda")
    return float((t * t).sum())


def main() -> int:
    probe = count_dtoh(deliberate_sync)
    print(f"counter check: float(t) shows {probe} DtoH copy (expected >= 1)")
    if probe < 1:
        print("the profiler does not see device-to-host copies: the check below is void")
        return 1
    failed = False
    for name, fn in (("pathological function n=1e6", pathological), ("MLP step", mlp_step)):
        n = count_dtoh(fn)
        print(f"{name}: {n} device-to-host copies during forward + backward")
        failed |= n != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
