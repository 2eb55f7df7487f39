"""Shows the worker's statuses in the page, at most ten times a second.

The worker posts a status every training iteration; the page keeps only the
latest one (drop-to-latest) and renders it on an animation frame at least
RENDER_EVERY_MS after the last, so it can never fall behind however fast the
worker trains, and drawing keeps most frames to itself.
"""
from pyscript import window
from pyscript.ffi import create_proxy

from shared import protocol

PERCENT = ("acc", "test_acc", "my_acc")
RENDER_EVERY_MS = 100
SETTINGS_INPUTS = {"batch_size": "#batch-size", "lrate": "#learning-rate", "cache_size": "#cache-size",
                   "architecture": "#architecture", "augment": "#augment"}


def format_value(name, value):
    if value is None:
        return "–"
    if name in PERCENT:
        return "%.1f%%" % (100 * value)
    if name == "loss":
        return "%.4f" % value
    if name == "samples_per_s":
        return "%d" % round(value)
    if name == "wasm_memory":
        return "%.1f MB" % (value / 1e6)
    if name in ("training", "lesson", "augment"):
        return "yes" if value else "no"
    return str(value)


class StatusView:
    def __init__(self, document, on_status=None, on_checkpoint=None):
        self.document = document
        self.cells = {}
        for name in protocol.STATUS_FIELDS:
            cell = document.querySelector('[data-status="%s"]' % name)
            if cell:
                self.cells[name] = cell
        self.on_status = on_status     # fn(status, views): each rendered status
        self.on_checkpoint = on_checkpoint   # fn(JS object): each checkpoint, at once
        self.views = {}                # optional fields not yet rendered
        self.latest = None
        self.shown = {}                # status field -> its raw value on the page
        self.latest_text = None        # newest status, not parsed yet
        self.frame_pending = False
        self.last_render = 0
        self.render_proxy = create_proxy(self.render)
        self.frame_proxy = create_proxy(self.next_frame)
        self.receive_proxy = create_proxy(self.receive)

    def receive(self, event):
        """Runs for every status (a hundred and more a second while training), so
        it only keeps the text; statuses carrying views are parsed at once, as
        their views must not be lost to a later status."""
        text = event.data
        if not isinstance(text, str):      # a checkpoint: binary weights, for autosave
            self.on_checkpoint(text)
            return
        if protocol.carries_views(text):
            self.take(protocol.decode_status(text))
        else:
            self.latest_text = text
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
        self.last_render = window.performance.now()
        if self.latest_text is not None:
            self.take(protocol.decode_status(self.latest_text))
        status = self.latest
        for name, cell in self.cells.items():
            value = status.get(name)
            raw = "" if value is None else str(value)
            if raw != self.shown.get(name):     # the same text written again still costs a layout
                self.shown[name] = raw
                cell.textContent = format_value(name, value)
                cell.dataset.value = raw
        for name, selector in SETTINGS_INPUTS.items():
            field = self.document.querySelector(selector)
            if field.type == "checkbox":
                field.checked = status[name]
            # Never overwrite typing. Asked of the element itself: two proxies of
            # one element are never equal in MicroPython, so `!= activeElement` was always true.
            elif not field.matches(":focus"):
                field.value = str(status[name])
        views, self.views = self.views, {}
        if self.on_status:
            self.on_status(status, views)
