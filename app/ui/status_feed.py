"""The worker's messages, handed to the features: statuses at most ten times
a second, each checkpoint at once, after the statuses that came before it.

The worker posts up to twenty statuses a second while training; the page
keeps only the latest one (drop-to-latest) and renders it at least
RENDER_EVERY_MS after the last, so it can never fall behind however fast the
worker trains. It renders in a task of its own, not in an animation frame:
there, on a slow CPU, the render and a drawing frame's pointer events made
one task of 50 to 70 ms, one frame in four dropped. Rendering hands the
status to each feature's seen(status, views), views being the optional
fields (shared/protocol.py) that came with it or since the last render.

While a stroke is drawn, renders wait (HOLD_MS at most), and so does
parsing the statuses that carry views: on a slow CPU each costs a drawing
frame's time, and the stroke is what the visitor is watching. Checkpoints
do not wait: a signal's reply counts on the model having the checkpoint
the worker posted before it.
"""
from pyscript import window
from pyscript.ffi import create_proxy

from shared import protocol

RENDER_EVERY_MS = 100
# Under the worker's EVAL_EVERY_S (0.5 s) with a poll to spare: each held-out
# evaluation still gets a render of its own, and so its point on the chart.
HOLD_MS = 300


def later(fn, *args):
    """fn(*args) in a task of its own, so that no view holds up a drawing frame for long."""
    window.setTimeout(create_proxy(lambda: fn(*args)), 0)


class StatusFeed:
    def __init__(self, statuses, checkpoints, stroking):
        """statuses: each feature's seen(status, views); checkpoints: fn(JS
        object) for each checkpoint, the worker's binary weights to keep;
        stroking(): whether a stroke is under way."""
        self.statuses = statuses
        self.checkpoints = checkpoints
        self.stroking = stroking
        self.views = {}                # optional fields not yet rendered
        self.latest = None
        self.latest_text = None        # newest status if it carries no views, not parsed yet
        self.with_views = []           # (text, first layer or None) of statuses with views, not parsed yet
        self.render_pending = False
        self.unrendered = False        # a status came since the last render
        self.last_render = 0
        self.render_proxy = create_proxy(self.render)

    def receive(self, event):
        """Runs for every message (up to twenty a second while training), so
        it only keeps them; every status with views is kept, as its views must
        not be lost to a later status."""
        data = event.data
        if isinstance(data, str):
            if protocol.carries_views(data):
                self.with_views.append((data, None))
                self.latest_text = None
            else:
                self.latest_text = data
            self.unrendered = True
        elif data.kind == "status":        # with the MLP's first layer, a Uint8Array left in JS
            self.with_views.append((data.text, data.w1))
            self.latest_text = None
            self.unrendered = True
        else:                              # a checkpoint
            # The statuses before it first: a checkpoint saved with the charts'
            # history must not miss the points its own training added.
            self.render_now()
            for taker in self.checkpoints:
                taker(data)
            return
        if not self.render_pending:
            self.render_pending = True
            # People read ten updates a second; the rest of the time is drawing's.
            wait = RENDER_EVERY_MS - (window.performance.now() - self.last_render)
            window.setTimeout(self.render_proxy, max(0, wait))

    def render(self):
        if self.stroking() and window.performance.now() - self.last_render < HOLD_MS:
            window.setTimeout(self.render_proxy, RENDER_EVERY_MS)
            return
        if self.with_views:
            # Each in a task of its own, in the order they came: on a slow CPU
            # parsing one costs up to 20 ms, and so does the render after them.
            window.setTimeout(self.render_proxy, 0)     # first: the chain goes on whatever happens
            self.take_next_with_views()
            return
        self.render_pending = False
        self.render_now()

    def render_now(self):
        """Each status is rendered once (a render adds its points to the charts)."""
        if not self.unrendered:
            return
        self.unrendered = False
        self.last_render = window.performance.now()
        while self.with_views:
            self.take_next_with_views()
        if self.latest_text is not None:           # it came after those with views
            self.take(protocol.decode_status(self.latest_text))
            self.latest_text = None
        views, self.views = self.views, {}
        for seen in self.statuses:
            seen(self.latest, views)

    def take_next_with_views(self):
        """The oldest status with views not yet parsed: they are taken in the order they came."""
        self.take(protocol.decode_status(*self.with_views.pop(0)))

    def take(self, status):
        for name in protocol.OPTIONAL_FIELDS:
            if name in status:
                self.views[name] = status.pop(name)
        self.latest = status
