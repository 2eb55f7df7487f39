"""The worker's messages, handed to the features: each checkpoint at once,
and statuses at most ten times a second.

The worker posts up to twenty statuses a second while training; the page
keeps only the latest one (drop-to-latest) and renders it on a frame at least
RENDER_EVERY_MS after the last, so it can never fall behind however fast the
worker trains, and drawing keeps most frames to itself. Rendering hands the
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
        self.frame_pending = False
        self.unrendered = False        # a status came since the last render
        self.last_render = 0
        self.render_proxy = create_proxy(self.render)
        self.frame_proxy = create_proxy(self.next_frame)

    def receive(self, event):
        """Runs for every status (up to twenty a second while training), so it
        only keeps the text; statuses carrying views are parsed at once, as
        their views must not be lost to a later status."""
        text = event.data
        if not isinstance(text, str):      # a checkpoint
            # The statuses before it first: a checkpoint saved with the charts'
            # history must not miss the points its own training added.
            self.render_now()
            for taker in self.checkpoints:
                taker(text)
            return
        if protocol.carries_views(text):
            self.take(protocol.decode_status(text))
        else:
            self.latest_text = text
        self.unrendered = True
        if not self.frame_pending:
            self.frame_pending = True
            wait = RENDER_EVERY_MS - (window.performance.now() - self.last_render)
            if wait > 0:      # people read ten updates a second; keep the frames for drawing
                window.setTimeout(self.frame_proxy, wait)
            else:
                window.requestAnimationFrame(self.render_proxy)

    def take(self, status):
        for name in protocol.OPTIONAL_FIELDS:
            if name in status:
                self.views[name] = status.pop(name)
        self.latest, self.latest_text = status, None

    def next_frame(self):
        window.requestAnimationFrame(self.render_proxy)

    def render(self, _timestamp=None):
        self.frame_pending = False
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
