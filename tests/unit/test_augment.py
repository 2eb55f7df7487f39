"""worker/augment.py: distortions keep digits what they are, stay bounded, repeat under a seed."""
import numpy as np

from worker import augment
from shared.digit import SIDE


def square(top=10, left=10, side=8):
    image = np.zeros((SIDE, SIDE), np.float32)
    image[top:top + side, left:left + side] = 1
    return image.reshape(1, -1)


def padded(x):
    return augment.padded(x.reshape(-1, SIDE, SIDE))


def centre_of_mass(image):
    grid = image.reshape(SIDE, SIDE)
    rows, cols = np.mgrid[0:SIDE, 0:SIDE]
    return (grid * rows).sum() / grid.sum(), (grid * cols).sum() / grid.sum()


def test_the_identity_transform_gives_the_image_back():
    x = np.random.default_rng(0).random((3, SIDE * SIDE)).astype(np.float32)
    out = augment.warp(padded(x), np.tile(np.eye(2, dtype=np.float32), (3, 1, 1)),
                       np.zeros((3, 2), np.float32))
    np.testing.assert_allclose(out, x, atol=1e-6)


def test_a_shift_moves_the_ink_by_that_many_pixels():
    out = augment.warp(padded(square()), np.eye(2, dtype=np.float32)[None],
                       np.array([[2.0, -1.0]], np.float32))
    assert np.allclose(np.array(centre_of_mass(out)) - centre_of_mass(square()), (2, -1))
    assert out.sum() == square().sum()


def test_distortions_are_bounded_and_keep_ink_in_range():
    x = np.repeat(square(), 200, axis=0)
    out = augment.distort(x, np.random.default_rng(1))
    assert out.dtype == np.float32 and out.shape == x.shape
    assert out.min() >= 0 and out.max() <= 1
    moved = np.array([centre_of_mass(o) for o in out]) - centre_of_mass(square())
    assert np.abs(moved).max() <= augment.MAX_SHIFT + 0.5       # rotation about the centre adds a little
    ink = out.sum(axis=1) / x[0].sum()
    assert 0.75 < ink.min() and ink.max() < 1.3 * 1.35          # scale 0.9..1.1 each way, thickness
    assert len({o.tobytes() for o in out}) == len(out)           # each its own transform


def test_distortion_is_deterministic_under_a_seed():
    x = np.repeat(square(), 5, axis=0)
    a = augment.distort(x, np.random.default_rng(7))
    b = augment.distort(x, np.random.default_rng(7))
    assert np.array_equal(a, b) and not np.array_equal(a, augment.distort(x, np.random.default_rng(8)))


def test_rotation_stays_within_its_limit():
    bar = np.zeros((SIDE, SIDE), np.float32)
    bar[4:24, 13:15] = 1                        # an upright 1
    out = augment.distort(np.repeat(bar.reshape(1, -1), 100, axis=0), np.random.default_rng(2))
    rows, cols = np.mgrid[0:SIDE, 0:SIDE]
    for image in out:
        g = image.reshape(SIDE, SIDE)
        r, c = centre_of_mass(image)
        cov = np.cov(np.stack([(rows - r).ravel(), (cols - c).ravel()]), aweights=g.ravel())
        angle = np.degrees(0.5 * np.arctan2(2 * cov[0, 1], cov[0, 0] - cov[1, 1]))
        assert abs(angle) <= augment.MAX_ROTATION + np.degrees(np.arctan(augment.MAX_SHEAR)) + 1


def test_nothing_in_nothing_out():
    assert augment.distort(np.zeros((0, SIDE * SIDE), np.float32), np.random.default_rng()).shape == (0, 784)


def test_thickness_spreads_ink_to_the_edges_or_fades_them():
    stroke = np.zeros((1, SIDE, SIDE), np.float32)
    stroke[0, 6:22, 13] = 1
    stroke[0, 6:22, 12] = stroke[0, 6:22, 14] = 0.5        # antialiased edges
    same = augment.thicken(stroke, np.zeros(1))
    thicker = augment.thicken(stroke, np.ones(1))
    thinner = augment.thicken(stroke, -np.ones(1) * 0.5)
    np.testing.assert_array_equal(same, stroke)
    assert thicker[0, 10, 11] == 0.5 and thicker[0, 10, 12] == 1       # spread one pixel out
    assert thinner[0, 10, 12] == 0.25 and thinner[0, 10, 13] == 1      # edges fade, the core stays
    assert thinner[0, 10, 11] == 0 and thinner.min() >= 0


def test_a_shear_slants_an_upright_stroke():
    bar = np.zeros((1, SIDE * SIDE), np.float32)
    bar.reshape(SIDE, SIDE)[4:24, 13:15] = 1
    slant = np.array([[[1, 0], [0.15, 1]]], np.float32)       # column moves 0.15 per row
    out = augment.warp(padded(bar), slant, np.zeros((1, 2), np.float32)).reshape(SIDE, SIDE)
    top, bottom = out[5], out[22]
    cols = np.arange(SIDE)
    shift = (bottom * cols).sum() / bottom.sum() - (top * cols).sum() / top.sum()
    assert abs(abs(shift) - 0.15 * 17) < 0.3
