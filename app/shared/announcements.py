"""What the page says to a screen reader (WCAG 4.1.3) in its polite status
region (#announcer): the prediction once a stroke ends, and training's news,
sparingly. The rest has live regions of its own, said once each: #message
(an alert: a lesson learned, training diverged and the weights restored, the
worker lost and recovered, any failure) and #data-state (the data out of
reach); that the data is back is said here, as #data-state then hides.

    reading(probabilities, names)   # "Reads as 7, 93 percent sure; next: 1, 4 percent"
    reading(probabilities, names, doubt)  # "Not sure: maybe 7, 45 percent; next: 1, 30 percent"
    EMPTY                           # what Clear leaves to say
    position(row, col, value)       # the keyboard's cursor cell: "Row 6, column 9: ink"
    news = TrainingNews()
    news.seen(status)               # what changed since the status before, worth saying, or None
    pacing = Pacing()
    pacing.offer(text, now_s, training)   # the text to say now, or None (kept for later)
    pacing.due(now_s)                     # the text kept, once it may be said

While training, at most one piece of news is said per EVERY_S: what comes
sooner waits, and newer news replaces what waits (it is what is true now).

Plain Python: runs under CPython and MicroPython.
"""
from shared.grid_state import INK_MIN
from shared.sureness import SAID

EVERY_S = 5.0
EMPTY = "No prediction: the grid is empty"


def percent(p):
    return "%d percent" % round(100 * p)


def reading(probabilities, names, doubt=None):
    """The prediction as a sentence: the best guess and how sure, then the
    runner-up; with a doubt (shared/sureness.py's verdict), said first."""
    if probabilities is None:
        return EMPTY
    order = sorted(range(len(probabilities)), key=lambda k: -probabilities[k])
    best, second = order[0], order[1]
    guess = ("%s: maybe %s, %s" % (SAID[doubt], names[best], percent(probabilities[best])) if doubt else
             "Reads as %s, %s sure" % (names[best], percent(probabilities[best])))
    return "%s; next: %s, %s" % (guess, names[second], percent(probabilities[second]))


def position(row, col, value):
    """Where the cursor is (counted from 1, as people count) and what is under it."""
    under = "ink" if value >= 0.5 else "grey" if value >= INK_MIN else "blank"
    return "Row %d, column %d: %s" % (row + 1, col + 1, under)


class TrainingNews:
    """Turns the worker's statuses into news: training started, stopped (with
    its held-out accuracy; a stop for an error is said by #message), and the
    training data back."""

    def __init__(self):
        self.before = None            # the status before

    def seen(self, status):
        before, self.before = self.before, status
        if before is None:
            return None
        if status["training"] and not before["training"]:
            return "Training started."
        if before["training"] and not status["training"] and not status["error"]:
            accuracy = status["test_acc"]
            return "Training stopped%s." % (
                "" if accuracy is None else ": held-out accuracy %.1f percent" % (100 * accuracy))
        if before["data_state"] != "ok" and status["data_state"] == "ok":
            return "The training data is back."
        return None


class Pacing:
    def __init__(self, every_s=EVERY_S):
        self.every_s = every_s
        self.said_at = None           # when news was last said
        self.waiting = None           # news kept until it may be said

    def offer(self, text, now_s, training):
        if training and self.said_at is not None and now_s - self.said_at < self.every_s:
            self.waiting = text
            return None
        self.waiting = None
        self.said_at = now_s
        return text

    def due(self, now_s):
        if self.waiting is None or now_s - self.said_at < self.every_s:
            return None
        text, self.waiting = self.waiting, None
        self.said_at = now_s
        return text
