"""The worker's messages, handed to the features: each checkpoint at once,
and statuses at most ten times a second.

The worker posts up to twenty statuses a second while training; the page
keeps only the latest one (drop-to-latest) and renders it at least
RENDER_EVERY_MS after the last, so it can never fall behind however fast the
worker trains. It renders in a task of its own, not in an animation frame:
there, on a slow CPU, the render and a drawing frame's pointer events made
one task of 50 to 70 ms, one frame in four dropped. Rendering hands the
status to each feature's seen(status, views), views being the optional
fields (shared/protocol.py) that came with it or since the last render.
"""
from pyscript import window
from pyscript.ffi import create_proxy

from shared import protocol

RENDER_EVERY_MS = 100


def later(fn, *args):
    """fn(*args) in a task of its own, so that no view holds up a drawing frame for long."""
    window.setTimeout(create_proxy(lambda: fn(*args)), 0)


class StatusFeed:
    def __init__(self, statuses, checkpoints):
        """statuses: each feature's seen(status, views); checkpoints: fn(JS
        object) for each checkpoint, the worker's binary weights to keep."""
        self.statuses = statuses
        self.checkpoints = checkpoints
        self.views = {}                # optional fields not yet rendered
        self.latest = None
        self.latest_text = None        # newest status, not parsed yet
        self.render_pending = False
        self.unrendered = False        # a status came since the last render
        self.last_render = 0
        self.render_proxy = create_proxy(self.render)

    def receive(self, event):
        """Runs for every status (up to twenty a second while training), so it
        only keeps the text; statuses carrying views are parsed at once, as
        their views must not be lost to a later status."""
        data = event.data
        if isinstance(data, str):
            if protocol.carries_views(data):
                self.take(protocol.decode_status(data))
            else:
                self.latest_text = data
        elif data.kind == "status":        # with the MLP's first layer, a Uint8Array left in JS
            self.take(protocol.decode_status(data.text, data.w1))
        else:                              # a checkpoint
            # The statuses before it first: a checkpoint saved with the charts'
            # history must not miss the points its own training added.
            self.render_now()
            for taker in self.checkpoints:
                taker(data)
            return
        self.unrendered = True
        if not self.render_pending:
            self.render_pending = True
            # People read ten updates a second; the rest of the time is drawing's.
            wait = RENDER_EVERY_MS - (window.performance.now() - self.last_render)
            window.setTimeout(self.render_proxy, max(0, wait))

    def take(self, status):
        for name in protocol.OPTIONAL_FIELDS:
            if name in status:
                self.views[name] = status.pop(name)
        self.latest, self.latest_text = status, None

    def render(self):
        self.render_pending = False
        self.render_now()

    def render_now(self):
        """Each status is rendered once (a render adds its points to the charts)."""
        if not self.unrendered:
            return
        self.unrendered = False
        self.last_render = window.performance.now()
        if self.latest_text is not None:
            self.take(protocol.decode_status(self.latest_text))
        views, self.views = self.views, {}
        for seen in self.statuses:
            seen(self.latest, views)
