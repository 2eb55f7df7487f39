"""Chart series: smoothing, and bounded memory over hours of training."""
import pytest

from shared.series import MAX_POINTS, Series


def test_points_and_smoothing():
    s = Series(smoothing=0.5)
    s.add(0, 4.0)
    s.add(1, 0.0)
    s.add(2, 0.0)
    assert s.view() == [(0, 4.0), (1, 2.0), (2, 1.0)]
    raw = Series()
    raw.add(0, 4.0)
    raw.add(1, 0.0)
    assert raw.view() == [(0, 4.0), (1, 0.0)]


def test_hours_of_points_stay_bounded_and_keep_the_shape():
    s = Series()
    n = 200_000                                # hours of statuses at ten a second
    for i in range(n):
        s.add(i, i / n)                        # a straight line
    points = s.view()
    assert len(points) <= MAX_POINTS + 1
    assert points[0][0] < 1_000 and points[-1][0] == n - 1      # still spans it all
    for x, y in points:
        assert y == pytest.approx(x / n, abs=1e-9)               # averaging keeps a line a line
    xs = [x for x, _ in points]
    assert xs == sorted(xs)
    gaps = [b - a for a, b in zip(xs, xs[1:-1])]
    assert max(gaps) == min(gaps)                                 # one resolution throughout


def test_version_changes_with_every_change():
    s = Series()
    v = s.version
    s.add(0, 1)
    assert s.version == v + 1
    s.clear()
    assert s.view() == [] and s.version == v + 2
    s.add(5, 3)
    assert s.view() == [(5, 3)]                # smoothing restarts after clear


def test_state_round_trip_keeps_the_chart_and_its_stride():
    s = Series(smoothing=0.5)
    for i in range(3 * MAX_POINTS):
        s.add(i, 1.0 / (i + 1))
    back = Series(smoothing=0.5)
    back.restore(s.state())
    assert back.points == s.points and back.stride == s.stride
    s.add(10 ** 6, 0.0)
    back.add(10 ** 6, 0.0)
    assert back.smoothed == pytest.approx(s.smoothed, rel=0.5)   # smoothing carries on
    assert back.version != 0


def test_state_up_to_leaves_out_later_points():
    s = Series()
    for i in range(10):
        s.add(i * 100, i)
    assert [x for x, _ in s.state(up_to=450)["points"]] == [0, 100, 200, 300, 400]


@pytest.mark.parametrize("bad", [None, {}, {"points": "x", "stride": 1},
                                 {"points": [[1, 2, 3]], "stride": 1},
                                 {"points": [[1, "a"]], "stride": 1},
                                 {"points": [], "stride": 0},
                                 {"points": [[0, 0]] * (MAX_POINTS + 1), "stride": 1}])
def test_restore_refuses_what_state_never_gives_and_changes_nothing(bad):
    s = Series()
    s.add(1, 2)
    with pytest.raises(ValueError):
        s.restore(bad)
    assert s.view() == [(1, 2)]
