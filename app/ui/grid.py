"""The drawing grid: GridManager owns the state (a digit's SIDE x SIDE
pixels, shared/digit.py), the keyboard's cursor (shared/grid_cursor.py) and
sample loading; GridCell renders it on one <canvas> and turns pointer and
key input into strokes.

As in the original: the manager gives the cell a callback and the initial
state; the cell calls back with each user update; the manager pushes sample
updates to the cell. Redraw and prediction run about once per animation
frame at most, however many pointer events arrive.
"""
import js
from pyscript.ffi import create_proxy

from shared import base64_codec
from shared.digit import PIXELS, SIDE
from shared.grid_cursor import MOVED, GridCursor
from shared.grid_state import GridState

FRAME_MS = 12   # under a 60 Hz frame, so a 60 Hz mouse is served on its own event
# 256 grey levels as canvas colours, made once: ink is dark on white paper.
COLOURS = ["rgb(%d,%d,%d)" % (255 - g, 255 - g, 255 - g) for g in range(256)]


def paint(ctx, pixels, shown):
    """Paint the cells whose grey level differs from `shown` (updated in place):
    a stroke repaints a few dozen cells, not all of them. The fallback of
    static/js/frame-kernels.js's gridPainter, which does the same 4x sooner."""
    for i in range(PIXELS):
        level = int(pixels[i] * 255 + 0.5)
        if level != shown[i]:
            shown[i] = level
            ctx.fillStyle = COLOURS[level]
            ctx.fillRect(i % SIDE, i // SIDE, 1, 1)


class GridCell:
    """One canvas, SIDE x SIDE logical pixels scaled up by CSS. Updates carry
    the time the page got the event, so the latency measured is the page's own
    (the browser's input delay before that is measured apart by `make bench`)."""

    def __init__(self, canvas, on_update, on_key, pixels):
        """on_update(kind, x, y, erase, event_time) for each pointer event;
        on_key(event) for each key down or up (shift released), unmodified."""
        self.canvas = canvas
        self.ring = canvas.parentElement.querySelector("#grid-cursor")
        self.on_key = on_key
        self.ctx = canvas.getContext("2d")
        self.on_update = on_update
        try:
            self.painter = js.gridPainter(self.ctx)
        except AttributeError:     # static/js/frame-kernels.js did not load
            self.painter = None
            self.shown = [-1] * PIXELS     # grey level drawn per cell, -1 = unknown
        self.eraser = False
        self.pointer = None        # the one pointer drawing; a second finger is ignored
        self.proxies = []
        for name, handler in (("pointerdown", self.down), ("pointermove", self.move),
                              ("pointerup", self.up), ("pointercancel", self.up),
                              ("contextmenu", self.no_menu), ("keydown", self.key),
                              ("keyup", self.key), ("blur", self.key)):
            proxy = create_proxy(handler)
            self.proxies.append(proxy)
            canvas.addEventListener(name, proxy)
        self.render(pixels)

    def cell_at(self, event):
        rect = self.canvas.getBoundingClientRect()
        return ((event.clientX - rect.left) * SIDE / rect.width,
                (event.clientY - rect.top) * SIDE / rect.height)

    def down(self, event):
        event.preventDefault()
        self.canvas.focus()                    # digit keys teach, arrows draw, from here on
        self.canvas.removeAttribute("data-cursor")     # the ring shows for keys only
        if self.pointer is not None:
            return
        self.pointer = event.pointerId
        self.canvas.setPointerCapture(event.pointerId)
        x, y = self.cell_at(event)
        erase = self.eraser or event.button == 2 or (event.buttons & 32)  # right button, pen eraser
        self.on_update("begin", x, y, bool(erase), js.performance.now())

    def move(self, event):
        if event.pointerId == self.pointer:
            x, y = self.cell_at(event)
            self.on_update("extend", x, y, False, js.performance.now())

    def up(self, event):
        if event.pointerId == self.pointer:
            self.pointer = None
            self.on_update("end", 0, 0, False, js.performance.now())

    def no_menu(self, event):
        event.preventDefault()     # the right button erases

    def key(self, event):
        """Keys down and up, unmodified (Ctrl+Z and the like are the browser's), and focus lost."""
        if event.type == "blur" or not (event.ctrlKey or event.altKey or event.metaKey):
            self.on_key(event)

    def show_cursor(self, row, col):
        """The ring around the keyboard's cursor cell (shown while the grid has focus)."""
        self.canvas.dataset.cursor = "on"
        self.ring.style.setProperty("--row", str(row))
        self.ring.style.setProperty("--col", str(col))

    def render(self, pixels):
        if self.painter is not None:
            self.painter.paint(base64_codec.encode_floats(pixels))
        else:
            paint(self.ctx, pixels, self.shown)


class GridManager:
    def __init__(self, canvas, on_change, announcer):
        """on_change(state, event_time, frame_start): called once per frame after
        changes, with the GridState itself (its pixels and strokes, live);
        announcer: told by stroke_ended() when a stroke ended (or undo or clear
        changed the grid), and by cursor_moved(row, col, pixel) where the
        keyboard's cursor went."""
        self.state = GridState()
        self.announcer = announcer
        self.cursor = GridCursor(self.state)
        self.on_change = on_change
        self.cell = GridCell(canvas, self.cell_updated, self.key, self.state.pixels)
        self.first_event_time = None
        self.frame_pending = False
        self.last_update = 0
        self.frame_proxy = create_proxy(self.frame)

    def cell_updated(self, kind, x, y, erase, event_time):
        if kind == "begin":
            self.cursor.shift_stroke = False      # the pointer's stroke ends the keys' one
            self.state.begin_stroke(x, y, erase)
        elif kind == "extend":
            self.state.extend_stroke(x, y)
        else:
            self.state.end_stroke()
            self.on_stroke_end()
        self.changed(event_time)

    def key(self, event):
        """A key on the grid: drawing keys draw (shared/grid_cursor.py), and are
        not left to the page (arrows and Space would scroll it)."""
        if event.type != "keydown":            # keyup or blur: a Shift stroke ends with Shift
            if (event.type == "blur" or event.key == "Shift") and self.cursor.shift_released():
                self.changed(js.performance.now())
                self.on_stroke_end()
            return
        done = self.cursor.key(event.key, event.shiftKey, self.cell.eraser)
        if done is None:
            return
        event.preventDefault()
        self.cell.show_cursor(self.cursor.row, self.cursor.col)
        if done == MOVED:
            row, col = self.cursor.row, self.cursor.col
            self.announcer.cursor_moved(row, col, self.state.pixels[row * SIDE + col])
            return
        self.changed(js.performance.now())
        if not self.state.stroking:             # Shift and arrows: it goes on
            self.on_stroke_end()

    def on_stroke_end(self):
        self.announcer.stroke_ended()

    def changed(self, event_time=None):
        """Leading edge at once, then at most one update per animation frame:
        the first event after a quiet spell is not kept waiting for a frame."""
        if self.first_event_time is None:
            self.first_event_time = event_time
        if self.frame_pending:
            return
        if js.performance.now() - self.last_update >= FRAME_MS:
            self.frame()
        else:
            self.frame_pending = True
            js.window.requestAnimationFrame(self.frame_proxy)

    def frame(self, _timestamp=None):
        self.frame_pending = False
        if not self.state.changed:
            self.first_event_time = None
            return
        self.last_update = js.performance.now()
        self.state.changed = False
        event_time, self.first_event_time = self.first_event_time, None
        # Predicting first: the bars are what a visitor waits for, and what make bench times.
        self.on_change(self.state, event_time, self.last_update)
        self.cell.render(self.state.pixels)

    # -- actions from the toolbar ----------------------------------------------

    def set_eraser(self, on):
        self.cell.eraser = on

    def undo(self):
        if self.state.undo():
            self.changed()
            self.on_stroke_end()

    def clear(self):
        self.state.clear()
        self.changed()
        self.on_stroke_end()

    def load_sample(self, pixels):
        """Push a sample to the cell (undoable like a stroke), shown and predicted at once."""
        self.state.set_pixels(pixels)
        self.frame()
