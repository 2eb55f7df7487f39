"""worker/lessons.py: the visitor's digits in every batch, at a bounded share."""
import numpy as np
import pytest

from worker import lessons
from worker.lessons import Lessons
from worker.mlp import MLP


def mine(n, label=7):
    rng = np.random.default_rng(n)
    return rng.random((n, 784)).astype(np.float32), np.full(n, label)


def mnist_batch(size):
    return np.zeros((size, 784), np.float32), np.zeros(size, np.int64)


def test_no_digits_of_mine_leave_the_batch_as_it_is():
    X, y = mnist_batch(64)
    mixed = Lessons().mix(X, y)
    assert mixed[0] is X and mixed[1] is y


@pytest.mark.parametrize("size,n,expected", [(64, 12, 12), (64, 100, 16), (64, 1, 1),
                                             (8, 12, 2), (2, 5, 1), (1, 5, 1), (4096, 3, 3)])
def test_every_batch_carries_some_of_mine_and_mnist_keeps_the_larger_share(size, n, expected):
    les = Lessons()
    les.set(*mine(n))
    X, y = les.mix(*mnist_batch(size))
    assert X.shape == (size, 784) and len(y) == size
    assert int((y == 7).sum()) == expected
    assert expected <= max(1, size * lessons.SHARE)


def test_mixed_in_digits_are_distorted_copies_and_the_batch_given_is_untouched():
    les = Lessons(seed=3)
    X_mine, y_mine = mine(4)
    les.set(X_mine, y_mine)
    X, y = mnist_batch(16)
    out, labels = les.mix(X, y)
    assert not X.any() and not y.any()
    assert not any(np.array_equal(row, m) for row in out[-4:] for m in X_mine)
    assert out[-4:].any()


def test_accuracy_on_my_digits_as_taught():
    les = Lessons()
    assert les.accuracy(MLP(8)) is None
    X, y = mine(20)
    les.set(X, y)
    model = MLP(8)
    assert les.accuracy(model) == float(np.mean(model.predict(X) == 7))
