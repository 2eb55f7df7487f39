"""shared/announcements.py: what the status region says, and when."""
from shared.announcements import EMPTY, EVERY_S, Pacing, TrainingNews, position, reading
from shared.classes import DIGITS


def status(**fields):
    base = {"training": False, "error": None, "test_acc": 0.964, "data_state": "ok"}
    base.update(fields)
    return base


def test_a_reading_says_the_best_guess_and_the_runner_up_in_whole_percent():
    p = [0.0] * 10
    p[7], p[1], p[4] = 0.931, 0.04, 0.029
    assert reading(p, DIGITS) == "Reads as 7, 93 percent sure; next: 1, 4 percent"
    assert reading(p, ["cat", "dog"] + ["x%d" % k for k in range(2, 10)]).startswith("Reads as x7,")
    assert reading(None, DIGITS) == EMPTY == "No prediction: the grid is empty"


def test_the_cursor_s_cell_is_told_from_one_with_what_is_under_it():
    assert position(0, 0, 0.0) == "Row 1, column 1: blank"
    assert position(5, 8, 1.0) == "Row 6, column 9: ink"
    assert position(27, 27, 0.2) == "Row 28, column 28: grey"


def test_news_is_started_stopped_with_accuracy_and_the_data_back_nothing_else():
    news = TrainingNews()
    said = [news.seen(s) for s in (
        status(), status(), status(training=True), status(training=True, test_acc=0.97),
        status(training=True, data_state="unreachable"), status(training=True),
        status(training=False, test_acc=0.9712), status(training=True),
        status(training=False, error="Training stopped: nan loss …"))]
    assert said == [None, None, "Training started.", None, None, "The training data is back.",
                    "Training stopped: held-out accuracy 97.1 percent.", "Training started.", None]


def test_while_training_news_comes_at_most_once_per_five_seconds_the_newest_kept():
    pacing = Pacing()
    assert pacing.offer("Training started.", 100.0, training=True) == "Training started."
    assert pacing.offer("The training data is back.", 101.0, training=True) is None
    assert pacing.offer("newer", 102.0, training=True) is None
    assert pacing.due(104.9) is None
    assert pacing.due(100.0 + EVERY_S) == "newer"
    assert pacing.due(200.0) is None                          # said once
    # Not training: said at once, and what waited is dropped (it is no longer news).
    pacing.offer("kept", 106.0, training=True)
    assert pacing.offer("Training stopped.", 106.5, training=False) == "Training stopped."
    assert pacing.due(300.0) is None


def test_a_doubtful_reading_says_so_first():
    p = [0.02] * 10
    p[3], p[8] = 0.46, 0.38
    assert reading(p, DIGITS, "unsure") == "Not sure: maybe 3, 46 percent; next: 8, 38 percent"
    assert reading(p, DIGITS, "too small").startswith("Not sure: too small to read: maybe 3")
    assert reading(p, DIGITS, "scribble").startswith("Not sure: does not look like a digit: maybe 3")
