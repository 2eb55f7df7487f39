"""Live line charts drawn on <canvas> by the app, from shared/series.py."""
import js

from shared import base64_codec
from shared.autosave import thousands

PAD = 6

try:
    LINE_PATH = js.linePath      # static/js/frame-kernels.js
except AttributeError:
    LINE_PATH = None


def line_path(xs, ys, x0, sx, y0, sy, bottom):
    """The SVG path of a line through (xs[i], ys[i]), scaled onto the canvas;
    built by static/js/frame-kernels.js where it loaded (a 400-point line
    cost MicroPython 19 ms of a slow phone's main thread), else here."""
    if LINE_PATH is not None:
        return LINE_PATH(base64_codec.encode_floats(xs), base64_codec.encode_floats(ys),
                         x0, sx, y0, sy, PAD, bottom)
    return "M" + " L".join("%.1f %.1f" % (PAD + (x - x0) * sx, bottom - (y - y0) * sy)
                           for x, y in zip(xs, ys))


class LineChart:
    def __init__(self, canvas, series, colour, label, percent=False, also=()):
        """also: more (series, colour, label) lines on the same axes (drawn dashed)."""
        self.canvas = canvas
        self.ctx = canvas.getContext("2d")
        self.lines = [(series, colour, label)] + list(also)
        self.label = label
        self.percent = percent
        self.drawn_versions = None
        self.description = canvas.getAttribute("aria-label")   # its text alternative, newest figures added

    def draw(self):
        versions = [series.version for series, _, _ in self.lines]
        if self.drawn_versions == versions:
            return
        self.drawn_versions = versions
        ctx = self.ctx
        width, height = self.canvas.width, self.canvas.height
        ctx.clearRect(0, 0, width, height)
        ctx.fillStyle = "#5b6475"
        ctx.font = "12px system-ui, sans-serif"
        lines = [(series.view(), colour, label) for series, colour, label in self.lines]
        lines = [line for line in lines if len(line[0]) >= 2]
        if not lines or lines[0][2] != self.label:
            ctx.fillText(self.label + ": press Start", PAD, 16)
            self.canvas.setAttribute("aria-label", self.description + ": none yet")
            return
        columns = [([p[0] for p in points], [p[1] for p in points]) for points, _, _ in lines]
        x0 = min(min(xs) for xs, _ in columns)
        x1 = max(max(xs) for xs, _ in columns)
        y0 = min(min(ys) for _, ys in columns)
        y1 = max(max(ys) for _, ys in columns)
        if y1 <= y0:
            y1 = y0 + 1e-9
        sx = (width - 2 * PAD) / ((x1 - x0) or 1)
        sy = (height - 2 * PAD - 14) / (y1 - y0)
        words = []
        for i, ((points, colour, label), (xs, ys)) in enumerate(zip(lines, columns)):
            # One SVG path string, one call into JavaScript: not one per point.
            path = line_path(xs, ys, x0, sx, y0, sy, height - PAD)
            ctx.strokeStyle = colour
            ctx.lineWidth = 2
            ctx.setLineDash(js.Array.of(5, 3) if i else js.Array.of())
            ctx.stroke(js.Path2D.new(path))
            last = points[-1][1]
            words.append("%s: %s" % (label, "%.1f%%" % (100 * last) if self.percent else "%.3f" % last))
        ctx.setLineDash(js.Array.of())
        ctx.fillStyle = "#5b6475"
        ctx.fillText("   ".join(words), PAD, 16)
        main = lines[0][0]
        self.canvas.setAttribute("aria-label", "%s: %s after %s samples" % (
            self.description, ", ".join(words), thousands(round(main[-1][0]))))
        self.canvas.dataset.points = str(len(main))
        self.canvas.dataset.last = "%.4f" % main[-1][1]
        if len(lines) > 1:
            self.canvas.dataset.alsoLast = "%.4f" % lines[1][0][-1][1]
