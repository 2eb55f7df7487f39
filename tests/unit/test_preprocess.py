"""shared/preprocess.py: MNIST-style normalisation of a drawn digit.

Checked against an independent numpy reference (exact area averaging by integer
upsampling then block means), on properties, on real MNIST digits (which are
already normalised this way, so preprocessing them must nearly be a no-op),
and under the real MicroPython WebAssembly build when node is available.
"""
import json
import math
import os

import numpy as np
import pytest

from shared import preprocess as P, shipped
from shared.blocks import RECORD_BYTES
from shared.digit import PIXELS
from tests.harness import micropython
from tools import ROOT

DATA_DIR = os.path.join(ROOT, shipped.DATA)


# ---------------------------------------------------------------- reference

def area_resize(a, oh, ow):
    """Exact area averaging: repeat every source pixel oh x ow times, then each
    output pixel is the mean of its h x w block of the h*oh x w*ow grid."""
    h, w = a.shape
    up = np.repeat(np.repeat(a, oh, axis=0), ow, axis=1)
    return up.reshape(oh, h, ow, w).mean(axis=(1, 3))


def ref_com(img):
    mass = img.sum()
    if mass <= 0:
        return None
    rows, cols = np.indices(img.shape)
    return (rows * img).sum() / mass, (cols * img).sum() / mass


def ref_box(pixels, threshold=0.0):
    """(resized box, row offset, col offset) or None."""
    g = np.asarray(pixels, dtype=np.float64).reshape(28, 28)
    mask = g > threshold
    if not mask.any():
        return None
    rr = np.flatnonzero(mask.any(axis=1))
    cc = np.flatnonzero(mask.any(axis=0))
    crop = g[rr[0]:rr[-1] + 1, cc[0]:cc[-1] + 1]
    h, w = crop.shape
    long_side = max(h, w)
    oh = 20 if h == long_side else max(1, round(h * 20 / long_side))
    ow = 20 if w == long_side else max(1, round(w * 20 / long_side))
    box = area_resize(crop, oh, ow)
    com_r, com_c = ref_com(box)
    # Nearest integer shift to put the COM at 14, .5 ties to the smaller shift
    # (guarded against float noise), clamped so the box stays in the field.
    dr = min(max(math.ceil(14.0 - com_r - 0.5 - 1e-9), 0), 28 - oh)
    dc = min(max(math.ceil(14.0 - com_c - 0.5 - 1e-9), 0), 28 - ow)
    return box, dr, dc


def ref_preprocess(pixels, threshold=0.0):
    made = ref_box(pixels, threshold)
    if made is None:
        return None
    box, dr, dc = made
    out = np.zeros((28, 28))
    out[dr:dr + box.shape[0], dc:dc + box.shape[1]] = box
    return out.ravel()


# ---------------------------------------------------------------- helpers

def grid(shape_pixels):
    """A flat list from a 28x28 array."""
    return [float(v) for v in np.asarray(shape_pixels, dtype=np.float64).ravel()]


def run(pixels, threshold=0.0):
    out = P.preprocess(pixels, threshold)
    assert out is not None
    assert isinstance(out, list) and len(out) == PIXELS
    return np.array(out)


def assert_matches_reference(pixels, threshold=0.0):
    got = run(pixels, threshold)
    want = ref_preprocess(pixels, threshold)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    return got


def bbox(img, eps=0.0):
    img = np.asarray(img).reshape(28, 28)
    rr = np.flatnonzero((img > eps).any(axis=1))
    cc = np.flatnonzero((img > eps).any(axis=0))
    return rr[0], rr[-1], cc[0], cc[-1]


def check_properties(out):
    """Value range, 20-px longer side, and centring (unless the box hit an edge)."""
    out = np.asarray(out)
    assert out.min() >= 0.0 and out.max() <= 1.0
    r0, r1, c0, c1 = bbox(out)
    assert max(r1 - r0 + 1, c1 - c0 + 1) == 20
    com_r, com_c = ref_com(out.reshape(28, 28))
    assert abs(com_r - 14.0) <= 0.5 + 1e-9 or r0 == 0 or r1 == 27
    assert abs(com_c - 14.0) <= 0.5 + 1e-9 or c0 == 0 or c1 == 27


def random_drawing(rng):
    """A blob of random size, position, density and grey levels."""
    h = int(rng.integers(1, 29))
    w = int(rng.integers(1, 29))
    r = int(rng.integers(0, 29 - h))
    c = int(rng.integers(0, 29 - w))
    density = rng.uniform(0.15, 1.0)
    patch = rng.uniform(0.0, 1.0, (h, w)) * (rng.uniform(size=(h, w)) < density)
    if rng.uniform() < 0.3:
        patch = (patch > 0).astype(float)  # binary ink, like a hard pen
    patch[0, int(rng.integers(0, w))] = 1.0  # pin the box to (h, w)
    patch[-1, int(rng.integers(0, w))] = 1.0
    patch[int(rng.integers(0, h)), 0] = 1.0
    patch[int(rng.integers(0, h)), -1] = 1.0
    g = np.zeros((28, 28))
    g[r:r + h, c:c + w] = patch
    return g


def load_mnist(count):
    with open(os.path.join(DATA_DIR, "manifest.json")) as f:
        manifest = json.load(f)
    images, labels = [], []
    for entry in manifest["test"]:
        with open(os.path.join(DATA_DIR, entry["file"]), "rb") as f:
            data = f.read()
        recs = np.frombuffer(data, dtype=np.uint8).reshape(-1, RECORD_BYTES)
        labels.extend(recs[:, 0].tolist())
        images.extend(recs[:, 1:] / 255.0)
        if len(images) >= count:
            break
    return np.array(images[:count]), labels[:count]


@pytest.fixture(scope="module")
def mnist():
    if not os.path.exists(os.path.join(DATA_DIR, "manifest.json")):
        pytest.skip("static/data is not built (make data)")
    return load_mnist(300)


# ---------------------------------------------------------------- reference itself

def test_reference_area_resize_is_area_averaging():
    # 3 -> 2: output 0 covers source [0, 1.5), output 1 covers [1.5, 3).
    a = np.array([[3.0, 6.0, 9.0]])
    np.testing.assert_allclose(area_resize(a, 1, 2), [[(3 + 0.5 * 6) / 1.5, (0.5 * 6 + 9) / 1.5]])
    # 2 -> 3: output 1 covers [2/3, 4/3): half of each source pixel.
    np.testing.assert_allclose(area_resize(np.array([[1.0, 0.0]]), 1, 3), [[1.0, 0.5, 0.0]])


# ---------------------------------------------------------------- against the reference

def test_random_blobs_match_reference():
    rng = np.random.default_rng(20240611)
    for k in range(150):
        g = random_drawing(rng)
        threshold = 0.0 if k % 3 else float(rng.uniform(0.0, 0.5))
        if not (g > threshold).any():
            assert P.preprocess(grid(g), threshold) is None
            continue
        assert_matches_reference(grid(g), threshold)
        if threshold == 0.0:
            check_properties(run(grid(g)))


def test_single_pixel_becomes_centred_20x20_square():
    g = np.zeros((28, 28))
    g[3, 25] = 0.7
    out = assert_matches_reference(grid(g)).reshape(28, 28)
    want = np.zeros((28, 28))
    want[4:24, 4:24] = 0.7  # COM 9.5 -> offset 14 - 9.5 = 4.5, tie -> 4
    np.testing.assert_allclose(out, want, atol=1e-12)
    check_properties(out)


def test_thin_vertical_line_stays_one_pixel_wide():
    g = np.zeros((28, 28))
    g[5:20, 9] = 1.0  # a tall thin "1": 15 x 1 -> 20 x 1
    out = assert_matches_reference(grid(g)).reshape(28, 28)
    r0, r1, c0, c1 = bbox(out)
    assert (r0, r1, c0, c1) == (4, 23, 14, 14)
    assert np.all(out[4:24, c0] == 1.0)
    check_properties(out)


def test_full_width_horizontal_bar():
    g = np.zeros((28, 28))
    g[10:13, :] = 1.0  # 3 x 28 -> 2 x 20
    g[12, :14] = 0.5
    out = assert_matches_reference(grid(g)).reshape(28, 28)
    r0, r1, c0, c1 = bbox(out)
    assert (r1 - r0 + 1, c1 - c0 + 1) == (2, 20)
    check_properties(out)


def test_tiny_drawing_in_corner_is_upscaled():
    g = np.zeros((28, 28))
    g[26:28, 0:3] = [[1.0, 0.0, 0.5], [0.25, 1.0, 0.0]]  # 2 x 3 -> 13 x 20
    out = assert_matches_reference(grid(g)).reshape(28, 28)
    r0, r1, c0, c1 = bbox(out)
    assert (r1 - r0 + 1, c1 - c0 + 1) == (13, 20)
    # Upscaling blends neighbours only where a footprint straddles two sources.
    assert 0.0 < out[out > 0].min() and out.max() == 1.0
    check_properties(out)


def test_thick_drawing_filling_the_grid():
    rng = np.random.default_rng(7)
    g = rng.uniform(0.2, 1.0, (28, 28))
    g[:, 0] = g[0, :] = g[:, -1] = g[-1, :] = 1.0
    out = assert_matches_reference(grid(g))
    assert np.count_nonzero(out) == 400  # 28 x 28 -> 20 x 20
    check_properties(out)


def test_shrinking_makes_grey_levels_and_solid_stays_exactly_one():
    g = np.zeros((28, 28))
    g[0:28, 10:18] = 1.0  # solid 28 x 8 -> 20 x 6 ...
    g[0:28, 13] = 0.0  # ... with a 1-px gap, which shrinks to 0.75 px: grey
    out = assert_matches_reference(grid(g))
    assert out.max() == 1.0
    assert np.any((out > 0) & (out < 1))


def test_lopsided_mass_is_clamped_inside_the_field():
    # Heavy left strip, one faint pixel far right: the COM wants a shift of 13.
    g = np.zeros((28, 28))
    g[:, 0:3] = 1.0
    g[0, 27] = 0.05
    out = assert_matches_reference(grid(g)).reshape(28, 28)
    assert bbox(out)[2:] == (8, 27)  # pushed right only as far as the edge
    assert ref_com(out)[1] < 13.5
    check_properties(out)
    # Heavy bottom band, one faint pixel at the top: the COM wants to go up.
    g = np.zeros((28, 28))
    g[25:28, :] = 1.0
    g[0, 0] = 0.05
    out = assert_matches_reference(grid(g)).reshape(28, 28)
    assert bbox(out)[:2] == (0, 19)
    assert ref_com(out)[0] > 14.5
    check_properties(out)


# ---------------------------------------------------------------- properties

def test_empty_grid_gives_none():
    assert P.preprocess([0.0] * PIXELS) is None
    assert P.preprocess([0.0] * PIXELS, 0.5) is None
    # A negative threshold counts blank pixels as drawn: a blank field, no crash.
    assert P.preprocess([0.0] * PIXELS, -1.0) == [0.0] * PIXELS


def test_threshold_picks_the_box():
    g = np.zeros((28, 28))
    g[8:20, 10:16] = 0.9
    speck = g.copy()
    speck[26, 1] = 0.2  # faint stray mark far from the digit
    clean = run(grid(g))
    assert np.allclose(run(grid(speck), 0.25), clean)  # ignored at 0.25
    assert not np.allclose(run(grid(speck)), clean)  # counted at 0.0
    at = g.copy()
    at[26, 1] = 0.25  # exactly at the threshold: not > threshold
    assert np.allclose(run(grid(at), 0.25), clean)
    assert P.preprocess(grid(g * 0.2), 0.25) is None  # nothing above it
    assert_matches_reference(grid(speck), 0.25)


def test_faint_pixels_inside_the_box_keep_their_value():
    g = np.zeros((28, 28))
    g[8:20, 10:16] = 0.9
    g[12:16, 12:14] = 0.1  # soft pen interior, below the threshold
    out = assert_matches_reference(grid(g), 0.5)
    assert np.any((out > 0.05) & (out < 0.5))


def test_translation_invariance():
    rng = np.random.default_rng(3)
    for _ in range(20):
        h, w = int(rng.integers(3, 16)), int(rng.integers(3, 16))
        patch = rng.uniform(0, 1, (h, w)) * (rng.uniform(size=(h, w)) < 0.6)
        patch[0, 0] = patch[-1, -1] = 1.0
        outs = []
        for r, c in ((0, 0), (28 - h, 28 - w), (int(rng.integers(0, 29 - h)), int(rng.integers(0, 29 - w)))):
            g = np.zeros((28, 28))
            g[r:r + h, c:c + w] = patch
            outs.append(run(grid(g)))
        for out in outs[1:]:
            np.testing.assert_array_equal(out, outs[0])


def test_scale_invariance_on_real_digits(mnist):
    images, _ = mnist
    uneven = np.array([1, 2] * 7)  # 14 -> 21 px: 1.5x nearest, uneven pixel sizes
    diffs = []
    for img in images[:60]:
        small = img.reshape(14, 2, 14, 2).mean(axis=(1, 3))  # the digit at half size
        one = np.zeros((28, 28))
        one[5:19, 7:21] = small
        out = run(grid(one))
        # 2x nearest: area averaging undoes whole-pixel repetition exactly.
        two = np.kron(small, np.ones((2, 2)))
        np.testing.assert_allclose(run(grid(two)), out, rtol=0, atol=1e-9)
        big = np.zeros((28, 28))
        big[3:24, 4:25] = np.repeat(np.repeat(small, uneven, axis=0), uneven, axis=1)
        diffs.append(np.abs(run(grid(big)) - out).mean())
    assert np.mean(diffs) < 0.08 and max(diffs) < 0.15


def test_input_not_mutated_and_output_is_new():
    rng = np.random.default_rng(11)
    pixels = grid(random_drawing(rng))
    before = list(pixels)
    out = P.preprocess(pixels)
    assert pixels == before and out is not pixels
    as_tuple = tuple(pixels)
    np.testing.assert_array_equal(run(as_tuple), run(pixels))


def test_already_normalised_input_is_a_fixed_point():
    rng = np.random.default_rng(5)
    for _ in range(20):
        once = run(grid(random_drawing(rng)))
        np.testing.assert_allclose(run(list(once)), once, atol=1e-12)


# ---------------------------------------------------------------- center_of_mass

def test_center_of_mass():
    assert P.center_of_mass([0.0] * PIXELS) is None
    g = [0.0] * PIXELS
    g[3 * 28 + 5] = 1.0
    assert P.center_of_mass(g) == (3.0, 5.0)
    g[5 * 28 + 9] = 3.0
    r, c = P.center_of_mass(g)
    assert abs(r - 4.5) < 1e-12 and abs(c - 8.0) < 1e-12
    assert P.center_of_mass([0.0, 1.0, 0.0, 1.0], size=2) == (0.5, 1.0)
    rng = np.random.default_rng(2)
    img = rng.uniform(size=(28, 28))
    np.testing.assert_allclose(P.center_of_mass(grid(img)), ref_com(img), atol=1e-9)


# ---------------------------------------------------------------- real MNIST

def test_mnist_digits_are_nearly_fixed_points(mnist):
    images, _ = mnist
    diffs = []
    for img in images:
        out = run(list(img))
        check_properties_loose(out)
        diffs.append(np.abs(out - img).mean())
    diffs = np.array(diffs)
    # MNIST boxes are 20 px long (2 in 10,000 are 19) and centred at 14, so
    # nearly every digit must come back untouched.
    assert np.median(diffs) < 0.05
    assert np.mean(diffs < 1e-9) > 0.98


def test_mnist_centre_of_mass_is_at_14(mnist):
    # Why CENTRE is 14, not 13.5: MNIST's own digits sit within half a pixel of it.
    images, _ = mnist
    coms = np.array([P.center_of_mass(list(img)) for img in images])
    assert np.all(np.abs(coms - 14.0) <= 0.5)
    assert np.all(np.abs(coms.mean(axis=0) - 14.0) < 0.1)


def check_properties_loose(out):
    assert out.min() >= 0.0 and out.max() <= 1.0
    r0, r1, c0, c1 = bbox(out)
    assert max(r1 - r0 + 1, c1 - c0 + 1) == 20


def test_mnist_digits_match_reference(mnist):
    images, _ = mnist
    for img in images[:100]:
        assert_matches_reference(list(img))
        assert_matches_reference(list(img), 0.3)


# ---------------------------------------------------------------- MicroPython

DRIVER = r"""
import json
for case in CASES:
    out = preprocess(case[0], case[1])
    print(json.dumps(out))
"""


def test_runs_identically_under_micropython(mnist):
    images, _ = mnist
    rng = np.random.default_rng(9)
    cases = [(list(images[0]), 0.0), (list(images[1]), 0.3),
             (grid(random_drawing(rng)), 0.0), (grid(random_drawing(rng)), 0.2),
             ([0.0] * PIXELS, 0.0)]
    out = micropython.run("from shared.preprocess import preprocess\nCASES = " + json.dumps(cases) + "\n" + DRIVER)
    lines = out.split("\n")
    for k, (pixels, threshold) in enumerate(cases):
        want = P.preprocess(pixels, threshold)
        got = json.loads(lines[k])
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
