"""The tutorial's plot: f(x) = sin(x) exp(-x / 3) and its derivative, computed by xgrad.

The documentation build runs this script (matplotlib's ``plot`` directive in
docs/tutorial.md), so the figure is computed from the code at every build; the test suite
runs it too (tests/test_docs_examples.py).
"""

import matplotlib.pyplot as plt
import numpy as np

import xgrad as mg

x = mg.linspace(0, 10, 10000)
f = np.sin(x) * np.exp(-x / 3)
f.backward()

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(x.numpy(), f.numpy(), label="f(x) = sin(x) exp(-x/3)")
ax.plot(x.numpy(), mg.to_numpy(x.grad), label="df/dx (xgrad)")
ax.axhline(0, color="0.8", lw=0.8)
ax.set_xlabel("x")
ax.legend()
fig.tight_layout()
