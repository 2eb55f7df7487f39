"""What every model here shares: SGD with momentum's constant, the training
settings' defaults (shared/settings.py), the matrix products fastest in each
numpy (Pyodide's has no BLAS), the softmax cross-entropy gradient, and
Classifier, the interface the trainer drives.

Pure numpy, float32: runs in CPython (make weights, tests) and the Pyodide worker.
"""
import sys

import numpy as np

from shared import settings

MOMENTUM = 0.9
LEARNING_RATE = settings.LEARNING_RATE.default
BATCH_SIZE = settings.BATCH_SIZE.default

if sys.platform == "emscripten":
    # Pyodide's numpy has no BLAS; its einsum inner loops measured about 2x
    # faster than its fallback matmul on these shapes (see make bench).
    def matmul(a, b):
        return np.einsum("ij,jk->ik", a, b)

    def matmul_tn(a, b):  # a.T @ b without materialising a.T
        return np.einsum("ji,jk->ik", a, b)

    def matmul_nt(a, b):  # a @ b.T: dot products along both operands' rows
        return np.einsum("ik,jk->ij", a, b)
else:
    def matmul(a, b):
        return a @ b

    def matmul_tn(a, b):
        return a.T @ b

    def matmul_nt(a, b):
        return a @ b.T


def softmax_gradient(Z, y):
    """Mean cross-entropy of softmax(Z) against labels y, batch accuracy, and
    the loss's gradient with respect to the logits Z (which it overwrites)."""
    Z -= Z.max(axis=1, keepdims=True)
    E = np.exp(Z, out=Z)
    P = E / E.sum(axis=1, keepdims=True)
    n = len(y)
    rows = np.arange(n)
    loss = float(-np.mean(np.log(P[rows, y] + 1e-12)))
    acc = float(np.mean(np.argmax(P, axis=1) == y))
    P[rows, y] -= 1
    P /= n
    return loss, acc, P


def scored(Z, y):
    """Predicted classes and the mean cross-entropy loss, from the logits Z of
    samples labelled y (Z is changed)."""
    Z -= Z.max(axis=1, keepdims=True)
    loss = np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(y)), y])
    return np.argmax(Z, axis=1), float(loss)


class Classifier:
    """What every model here shares, given its logits(X) and params()."""
    step_name = "numpy"     # what trains it, for the status
    AUGMENT = settings.AUGMENT.default    # its batches distorted, unless the visitor says

    def reset_momentum(self):
        self.velocity = [np.zeros_like(p) for p in self.params()]

    def named_params(self):
        """The parameters by the names weights files use (worker/weights_file.py)."""
        return zip(self.PARAM_NAMES, self.params())

    def predict(self, X):
        return np.argmax(self.logits(X), axis=1)

    def evaluate(self, X, y):
        """Predicted classes and the mean cross-entropy loss on (X, y)."""
        return scored(self.logits(X), y)

    def accuracy(self, X, y):
        return float(np.mean(self.predict(X) == y))
