"""shared/sureness.py, tools/bench/calibration.py and tools/bench/scribbles.py:
"Not sure" where the shipped models' confidence says their reading is more
likely wrong than right, and for a drawing too small to be a digit or with
more pen line than a digit has."""
import numpy as np
import pytest

from shared import strokes, sureness
from shared.digit import PIXELS, SIDE
from shared.grid_state import GridState
from tests.harness.samples import X_TEST, shipped_model
from tools.bench import calibration, scribbles
from tools.build import train_weights


def drawn(*strokes):
    return drawn_grid(*strokes).pixels


def drawn_grid(*strokes):
    grid = GridState()
    for stroke in strokes:
        grid.begin_stroke(*stroke[0])
        for point in stroke[1:]:
            grid.extend_stroke(*point)
        grid.end_stroke()
    return grid


def test_the_line_sits_where_accuracy_under_it_falls_below_half():
    confidence = np.repeat([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], 10)
    right = np.repeat([False, False, False, True, True, True, True], 10)
    assert calibration.accuracy_under(confidence, right, 0.8) == (0.4, 50)
    assert calibration.accuracy_under(confidence, right, 0.85) == (0.5, 60)
    assert calibration.threshold(confidence, right) == 0.8
    assert calibration.threshold(confidence, np.ones(70, bool)) == calibration.LINES[0]


@pytest.fixture(scope="module")
def held_out_inputs():
    """A quarter of the digits the shipped models never trained on, page-like."""
    X, y = train_weights.held_out_digits()
    X, y = X[::4], y[::4]
    return calibration.page_like(X, y, calibration.drawn(X))


@pytest.mark.parametrize("architecture", ["mlp", "cnn"])
def test_the_shipped_models_are_more_often_wrong_than_right_under_their_line(architecture, held_out_inputs):
    model = train_weights.shipped_models()[architecture]
    confidence, right = calibration.confidences(model, *held_out_inputs)
    line = sureness.NOT_SURE_BELOW[architecture]
    under, count = calibration.accuracy_under(confidence, right, line)
    # On all 11,500 (make bench's calibration): 0.49 of 408 (MLP), 0.46 of 190
    # (convnet). A quarter holds a quarter as many: within two standard errors of half.
    assert count >= 40 and under < 0.5 + 2 * (0.25 / count) ** 0.5
    assert right[confidence >= line].mean() > 0.95


def test_a_dot_or_a_tick_is_too_small_and_an_empty_grid_has_no_ink():
    probabilities = [0.01] * 9 + [0.91]
    assert sureness.verdict(probabilities, drawn([(14, 14)]), "mlp") == sureness.TOO_SMALL
    assert sureness.verdict(probabilities, drawn([(10, 10), (13, 12)]), "mlp") == sureness.TOO_SMALL
    assert sureness.ink_extent([0.0] * PIXELS) == 0
    seven = drawn([(9, 8), (20, 8), (14, 21)])         # a small 7, 13 cells tall
    assert sureness.ink_extent(seven) >= 14 and sureness.verdict(probabilities, seven, "mlp") is None


def test_a_low_top_probability_is_unsure_for_either_model():
    seven = drawn([(9, 8), (20, 8), (14, 21)])
    assert sureness.verdict([0.34, 0.3, 0.36] + [0.0] * 7, seven, "cnn") == sureness.UNSURE
    assert sureness.verdict([0.04] * 4 + [0.6] + [0.06] * 4 + [0.0], seven, "mlp") == sureness.UNSURE
    for architecture in ("mlp", "cnn"):
        line = sureness.NOT_SURE_BELOW[architecture]
        under, over = line - 0.02, line + 0.02
        assert sureness.verdict([(1 - under) / 9] * 9 + [under], seven, architecture) == sureness.UNSURE
        assert sureness.verdict([(1 - over) / 9] * 9 + [over], seven, architecture) is None


def ink(grid):
    return strokes.reading(grid.pixels, grid.strokes)[1]


def test_a_scribble_s_ink_is_not_a_digit_s_whatever_the_model_says():
    zigzag = drawn_grid([(3 if k % 2 == 0 else 25, 3 + 2.2 * k) for k in range(11)])
    sure = [0.01] * 9 + [0.91]
    assert ink(zigzag) > sureness.MOST_INK
    assert sureness.verdict(sure, zigzag.pixels, "cnn", ink(zigzag)) == sureness.SCRIBBLE
    assert sureness.verdict(sure, zigzag.pixels, "cnn") is None       # its pixels alone: a photo, say
    eight = [(14, 4), (8, 8), (20, 18), (14, 24), (8, 18), (20, 8), (14, 4)]
    shifted = lambda d: [(x + d, y - d) for x, y in eight]
    over = drawn_grid(eight, shifted(0.5), shifted(-0.5), shifted(0.8))    # gone over three times, not quite on it
    assert ink(over) < 1.25 * ink(drawn_grid(eight))
    assert sureness.verdict(sure, over.pixels, "mlp", ink(over)) is None


def test_no_held_out_digit_drawn_with_the_page_s_pen_has_a_scribble_s_ink():
    assert calibration.most_ink(calibration.drawn(X_TEST[:300])) <= sureness.MOST_INK


def test_the_page_is_not_sure_of_most_scribbles_with_either_shipped_model():
    drawings = scribbles.scribbles(40, seed=1)
    assert len({round(ink(d)) for d in drawings}) > 30      # of many kinds
    shares = scribbles.not_sure(train_weights.shipped_models(), drawings)
    assert shares["mlp"] >= 0.75 and shares["cnn"] >= 0.7, shares     # 0.82 and 0.78


def test_the_shipped_mlp_is_sure_of_most_held_out_digits():
    model, _ = shipped_model()
    X = np.asarray(X_TEST[:300], np.float32)
    Z = model.logits(X).astype(np.float64)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    unsure = sum(sureness.verdict(list(p), list(x), "mlp") is not None for p, x in zip(P, X))
    assert unsure <= 0.05 * len(X)
    assert SIDE == 28
