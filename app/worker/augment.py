"""Small random affine distortions of 28x28 digits: shift, rotation, scale.

    distort(X, rng) -> X'       X: (n, 784) float32 in [0, 1]; a new array

Each image gets its own transform, drawn uniformly within the limits below,
applied about the image centre by inverse mapping with bilinear sampling
(ink that leaves the field is lost, blank comes in). The limits keep every
digit what it was: a 6 never turns into a 9, a 1 never lies down.

numpy only: CPython (tests) and the Pyodide worker.
"""
import numpy as np

SIZE = 28
MAX_SHIFT = 2.0          # pixels, each axis
MAX_ROTATION = 12.0      # degrees, either way
SCALE = (0.9, 1.1)

# Output pixel centres relative to the image centre, (784, 2) as (row, col).
_rows, _cols = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
CENTRE = (SIZE - 1) / 2
GRID = np.stack([_rows.ravel() - CENTRE, _cols.ravel() - CENTRE], axis=1)


def transforms(n, rng):
    """n inverse transforms: (n, 2, 2) matrices and (n, 2) shifts, output -> source."""
    angle = np.radians(rng.uniform(-MAX_ROTATION, MAX_ROTATION, n))
    scale = rng.uniform(*SCALE, n)
    shift = rng.uniform(-MAX_SHIFT, MAX_SHIFT, (n, 2))
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    inverse = np.stack([np.stack([cos, sin], 1), np.stack([-sin, cos], 1)], 1)
    return inverse.astype(np.float32), shift.astype(np.float32)


def warp(X, inverse, shift):
    """Sample each image at its transformed grid: source = inverse @ (p - shift)."""
    n = len(X)
    src = np.einsum("nij,npj->npi", inverse, GRID[None] - shift[:, None, :]) + CENTRE
    top_left = np.floor(src)
    frac = src - top_left
    r0, c0 = top_left[..., 0].astype(np.int64), top_left[..., 1].astype(np.int64)
    fr, fc = frac[..., 0], frac[..., 1]
    images = X.reshape(n, SIZE * SIZE)
    base = (np.arange(n) * SIZE * SIZE)[:, None]
    flat = images.ravel()
    out = np.zeros((n, SIZE * SIZE), np.float32)
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < SIZE) & (c >= 0) & (c < SIZE)
        index = base + np.where(inside, r * SIZE + c, 0)
        out += np.where(inside, flat[index], 0) * weight
    return np.clip(out, 0, 1, out=out)


def distort(X, rng):
    """A randomly distorted copy of each (n, 784) image; the labels still apply."""
    if not len(X):
        return np.array(X, np.float32)
    return warp(np.asarray(X, np.float32), *transforms(len(X), rng))
