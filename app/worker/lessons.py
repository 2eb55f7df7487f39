"""The visitor's own digits ("my digits") in training.

Every batch carries some of them, freshly distorted (worker/augment.py), in
place of as many MNIST samples: the batch size stays what was set, and MNIST
keeps the larger share so it is not forgotten. A lesson is a short burst of
such training that runs by itself, without Start, after the visitor teaches.

numpy only: CPython (tests) and the Pyodide worker.
"""
import numpy as np

from shared.digit import PIXELS
from worker import augment

SHARE = 0.25             # of each batch, at most; the rest is MNIST
LESSON_STEPS = 150       # a lesson: about 1.5 s of training in the browser
MAX_DIGITS = 1000


class Lessons:
    def __init__(self, seed=0):
        self.X = np.zeros((0, PIXELS), np.float32)
        self.y = np.zeros(0, np.int64)
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.y)

    def set(self, X, y):
        """X: (n, 784) in [0, 1]; y: n labels. The whole set, replacing the last."""
        self.X, self.y = np.asarray(X, np.float32), np.asarray(y, np.int64)

    def take(self, batch_size):
        """How many of my digits go into a batch of this size."""
        return min(len(self), max(1, round(batch_size * SHARE)), batch_size // 2 or 1)

    def mix(self, X, y):
        """The batch with its last samples replaced by distorted digits of mine."""
        if not len(self):
            return X, y
        k = self.take(len(y))
        pick = self.rng.choice(len(self), k, replace=False)
        X, y = X.copy(), y.copy()
        X[len(y) - k:] = augment.distort(self.X[pick], self.rng)
        y[len(y) - k:] = self.y[pick]
        return X, y

    def accuracy(self, model):
        """How many of my digits (as taught, undistorted) the model reads right."""
        if not len(self):
            return None
        return float(np.mean(model.predict(self.X) == self.y))
