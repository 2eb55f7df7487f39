"""#announcer, the page's polite status region (role="status"), for screen
readers: the prediction once a stroke ends, never during one, and training's
news, paced (shared/announcements.py says what and how often)."""
from pyscript import window
from pyscript.ffi import create_proxy

from shared import announcements

# After a stroke ends: strokes in quick succession (taps, a digit's parts) get one reading.
SETTLE_MS = 600


class Announcer:
    def __init__(self, document, predictor, stroking):
        """predictor: its newest probabilities and class names are read out;
        stroking(): whether a stroke is under way."""
        self.region = document.querySelector("#announcer")
        self.predictor = predictor
        self.stroking = stroking
        self.news = announcements.TrainingNews()
        self.pacing = announcements.Pacing()
        self.timer = None
        self.read_proxy = create_proxy(self.read_out)

    def stroke_ended(self):
        """A stroke ended (or undo, or clear): the reading, once the drawing rests."""
        if self.timer is not None:
            window.clearTimeout(self.timer)
        self.timer = window.setTimeout(self.read_proxy, SETTLE_MS)

    def cursor_moved(self, row, col, value):
        """The keyboard's cursor moved, drawing nothing: where it is now."""
        self.say(announcements.position(row, col, value))

    def read_out(self):
        self.timer = None
        if self.stroking():           # that stroke's end asks again; data-waiting says so
            self.region.dataset.waiting = "stroke"
            return
        self.say(announcements.reading(self.predictor.probabilities, self.predictor.view.names,
                                       self.predictor.doubt))

    def seen(self, status, _views):
        """Each rendered status: its news, if any, or news that waited its turn."""
        now_s = window.performance.now() / 1000
        text = self.news.seen(status)
        text = self.pacing.due(now_s) if text is None else self.pacing.offer(text, now_s, status["training"])
        if text is not None:
            self.say(text)

    def say(self, text):
        self.region.removeAttribute("data-waiting")
        self.region.textContent = text
