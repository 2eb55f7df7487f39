"""`make bench`'s figures for the convnet, in the browser: its training speed
with and without distorted batches (the share distortion costs), seconds
from random weights to 98% held-out, and drawing latency while it trains at
full speed; natively, what distortion does for the MLP's held-out accuracy.
"""
import statistics
import time

import numpy as np
from tools.build.train_weights import load_split, train
from worker import augment
from worker.classifier import BATCH_SIZE, LEARNING_RATE
from worker.mlp import MLP
from worker.trainer import RATE_WINDOW_S

TARGET_ACC = 0.98


def set_augment(page, on):
    if page.find("#augment").is_selected() != on:
        page.click("#augment")
    page.wait_for(lambda: page.status("augment") == str(on))


def speeds(page, rounds=4, reading_s=3.0):
    """The convnet's samples/s with distortion off and on, in turns while it
    trains, so that the machine's swings fall on both alike: medians of the
    worker's own 1-second readings (the first second after a switch skipped)."""
    page.click("#start")
    page.wait_for(lambda: page.status("training") == "True")
    readings = {False: [], True: []}
    for _ in range(rounds):
        for on in (False, True):
            set_augment(page, on)
            time.sleep(RATE_WINDOW_S)
            readings[on] += page.readings("samples_per_s", reading_s)
    page.click("#stop")
    page.wait_for(lambda: page.status("training") == "False")
    plain, distorted = statistics.median(readings[False]), statistics.median(readings[True])
    return {"cnn_samples_per_s": round(distorted), "cnn_samples_per_s_undistorted": round(plain),
            "cnn_distortion_cost_share": round(1 - distorted / plain, 3)}


def mlp_with_distortion(epochs=20, seed=0):
    """Held-out accuracy of the shipped MLP's training with and without distorted
    batches, natively, same seed and epochs."""
    X, y = load_split("train")
    X_test, y_test = load_split("test")
    plain = train(X, y, epochs=epochs, seed=seed).accuracy(X_test, y_test)
    model, rng = MLP(128, seed), np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            model.train_step(augment.distort(X[idx], rng), y[idx], LEARNING_RATE)
    return {"mlp_heldout_plain": round(plain, 4),
            "mlp_heldout_distorted": round(model.accuracy(X_test, y_test), 4)}
