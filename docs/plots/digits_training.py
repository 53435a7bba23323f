"""docs/nnet.md's figure: the training loss and test accuracy, epoch by epoch, of the small
convolutional network that ``python -m xgrad demo nnet`` trains on scikit-learn's digits.

The documentation build runs this script (matplotlib's ``plot`` directive in docs/nnet.md),
so the network is trained, and the curves measured, at every build (about 5 s on two CPU
cores); the test suite runs it too (tests/test_docs_examples.py). It needs scikit-learn
(``pip install "xgrad[nnet]"``; the ``docs`` extra has it).
"""

import matplotlib.pyplot as plt

from xgrad import _demo_nnet

_, history = _demo_nnet.train()  # 15 epochs, batches of 32, Adam (lr 3e-3), seed 0
epochs = range(1, len(history.loss) + 1)
final = history.test_accuracy[-1]

fig, loss_ax = plt.subplots(figsize=(6, 3.5))
loss_ax.plot(epochs, history.loss, "o-", color="C0", label="training loss")
loss_ax.set_yscale("log")
loss_ax.set_xlabel("epoch")
loss_ax.set_ylabel("mean softmax cross-entropy", color="C0")
acc_ax = loss_ax.twinx()
acc_ax.plot(epochs, [100 * a for a in history.test_accuracy], "s-", color="C1", label="test")
acc_ax.set_ylabel("test accuracy [%]", color="C1")
acc_ax.set_ylim(min(75, 100 * min(history.test_accuracy) - 3), 100)
acc_ax.axhline(97, color="0.8", lw=0.8, ls="--")
acc_ax.text(1, 97.3, "97%", color="0.6", fontsize=8)
loss_ax.set_title(
    f"{history.n_train} training / {history.n_test} test digits: "
    f"{100 * final:.2f}% test accuracy after {len(history.loss)} epochs",
    fontsize=10,
)
fig.tight_layout()
