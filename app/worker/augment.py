"""Small random distortions of 28x28 digits: shift, rotation, scale, shear,
and stroke thickness.

    distort(X, rng) -> X'       X: (n, 784) float32 in [0, 1]; a new array

Each image gets its own transform, drawn uniformly within the limits below,
applied about the image centre by inverse mapping with bilinear sampling
(ink that leaves the field is lost, blank comes in). The limits keep every
digit what it was: a 6 never turns into a 9, a 1 never lies down.

Fast enough to run on every batch (make bench measures its share of the
training time): images are sampled from a copy with a blank border wide
enough for any transform within the limits, so no sample needs a bounds test,
and the four bilinear taps of a pixel are four gathers at fixed offsets.

numpy only: CPython (tests) and the Pyodide worker.
"""
import numpy as np

from shared.digit import SIDE

MAX_SHIFT = 2.0          # pixels, each axis
MAX_ROTATION = 12.0      # degrees, either way
SCALE = (0.9, 1.1)
MAX_SHEAR = 0.3          # horizontal shift per row, as a fraction of the row's offset (17 degrees)
MAX_THICKNESS = 0.6      # of the way to the dilated (or eroded) stroke

# Far enough for the corners of the field under the largest transform:
# |inverse| <= (1 + shear) / min scale, plus the shift.
BORDER = int(np.ceil((SIDE / 2) * ((1 + MAX_SHEAR) / SCALE[0] - 1) * np.sqrt(2) + MAX_SHIFT)) + 2
PADDED = SIDE + 2 * BORDER

# Output pixel centres relative to the image centre, (784, 2) as (row, col).
_rows, _cols = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
CENTRE = (SIDE - 1) / 2
GRID = np.stack([_rows.ravel() - CENTRE, _cols.ravel() - CENTRE], axis=1)


def transforms(n, rng):
    """n inverse transforms: (n, 2, 2) matrices and (n, 2) shifts, output -> source."""
    angle = np.radians(rng.uniform(-MAX_ROTATION, MAX_ROTATION, n))
    scale = rng.uniform(*SCALE, n)
    shear = rng.uniform(-MAX_SHEAR, MAX_SHEAR, n)
    shift = rng.uniform(-MAX_SHIFT, MAX_SHIFT, (n, 2))
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    rotate = np.stack([np.stack([cos, sin], 1), np.stack([-sin, cos], 1)], 1)
    # Then shear: the column moves by shear x row.
    slant = np.stack([np.stack([np.ones(n), np.zeros(n)], 1), np.stack([shear, np.ones(n)], 1)], 1)
    return np.einsum("nij,njk->nik", slant, rotate).astype(np.float32), shift.astype(np.float32)


def padded(images):
    """(n, PADDED, PADDED) copies of (n, 28, 28) images with a blank border."""
    out = np.zeros((len(images), PADDED, PADDED), np.float32)
    out[:, BORDER:BORDER + SIDE, BORDER:BORDER + SIDE] = images
    return out


def thicken(images, amount):
    """(n, 28, 28) images moved towards their dilation by a 3x3 cross by
    `amount` (per image, in [-1, 1]): ink spreads to the stroke's edge pixels,
    or, for a negative amount, the edge pixels (darker beside than they are)
    fade, a thinner stroke."""
    P = np.zeros((len(images), SIDE + 2, SIDE + 2), np.float32)
    P[:, 1:-1, 1:-1] = images
    dilated = np.maximum(np.maximum(P[:, :-2, 1:-1], P[:, 2:, 1:-1]),
                         np.maximum(P[:, 1:-1, :-2], P[:, 1:-1, 2:]))
    spread = np.maximum(dilated, images, out=dilated)
    spread -= images
    spread *= amount.astype(np.float32)[:, None, None]
    spread += images
    return np.clip(spread, 0, 1, out=spread)


def warp(P, inverse, shift):
    """Sample each padded image at its transformed grid: source = inverse @ (p - shift)."""
    n = len(P)
    offset = CENTRE + BORDER - np.einsum("nij,nj->ni", inverse, shift)
    rows, cols = GRID[:, 0], GRID[:, 1]
    src_r = inverse[:, 0, 0, None] * rows + inverse[:, 0, 1, None] * cols + offset[:, 0, None]
    src_c = inverse[:, 1, 0, None] * rows + inverse[:, 1, 1, None] * cols + offset[:, 1, None]
    np.clip(src_r, 0, PADDED - 2, out=src_r)     # beyond the border is blank anyway
    np.clip(src_c, 0, PADDED - 2, out=src_c)
    r0, c0 = np.floor(src_r), np.floor(src_c)
    fr, fc = src_r - r0, src_c - c0
    index = (r0 * PADDED + c0).astype(np.intp)
    index += (np.arange(n, dtype=np.intp) * (PADDED * PADDED))[:, None]
    flat = P.ravel()
    a, b = flat[index], flat[index + 1]
    c, d = flat[index + PADDED], flat[index + PADDED + 1]
    top = a + fc * (b - a)
    out = top + fr * (c + fc * (d - c) - top)
    return np.clip(out, 0, 1, out=out)


def distort(X, rng):
    """A randomly distorted copy of each (n, 784) image; the labels still apply."""
    n = len(X)
    if not n:
        return np.array(X, np.float32)
    images = thicken(np.asarray(X, np.float32).reshape(n, SIDE, SIDE),
                     rng.uniform(-MAX_THICKNESS, MAX_THICKNESS, n))
    return warp(padded(images), *transforms(n, rng))
