"""Train the shipped weights natively with the worker's own model code.

Deterministic: fixed seeds for initialisation and batch order. Writes
static/weights/pretrained.npz (format: app/worker/weights_file.py) and, for the
page's main thread, pretrained-inference.txt (format: app/shared/inference.py).
"""
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "app"))
from shared import blocks, protocol  # noqa: E402
from worker.cache import decode_samples  # noqa: E402
from worker.model import BATCH_SIZE, LEARNING_RATE, MLP  # noqa: E402
from worker.snapshots import inference_weights  # noqa: E402
from worker import weights_file  # noqa: E402

DATA = os.path.join(ROOT, "static", "data")
OUT = os.path.join(ROOT, "static", "weights", "pretrained.npz")
OUT_INFERENCE = os.path.join(ROOT, "static", "weights", "pretrained-inference.txt")
EPOCHS, SEED = 20, 0
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


def manifest(data_dir=DATA):
    with open(os.path.join(data_dir, "manifest.json")) as f:
        return json.load(f)


def train(X, y, epochs=EPOCHS, batch=BATCH_SIZE, lrate=LEARNING_RATE, seed=SEED, hidden=128):
    model = MLP(hidden, seed)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch):
            idx = order[start:start + batch]
            model.train_step(X[idx], y[idx], lrate)
    return model


def write_atomically(path, data):
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)


def main():
    X, y = load_split("train")
    X_test, y_test = load_split("test")
    model = train(X, y)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    iterations = EPOCHS * -(-len(y) // BATCH_SIZE)
    write_atomically(OUT, weights_file.encode(model, manifest()["classes"], saved=SAVED,
                                              samples_seen=EPOCHS * len(y), iteration=iterations))
    # A status carrying only the inference view: the page reads it as it reads statuses.
    write_atomically(OUT_INFERENCE, protocol.encode_status({"inference": inference_weights(model)}).encode())
    print("wrote %s: held-out accuracy %.4f on %d samples"
          % (os.path.relpath(OUT, ROOT), model.accuracy(X_test, y_test), len(y_test)))


if __name__ == "__main__":
    main()
