"""Live line charts drawn on <canvas> by the app.

A Series keeps at most MAX_POINTS: when full, neighbouring points are merged
in pairs (averaged), so hours of training cost the same memory and drawing
time as a minute, with old history at a coarser grain.
"""
import js

MAX_POINTS = 400
PAD = 6


class Series:
    def __init__(self, smoothing=0.0):
        self.points = []          # (x, y)
        self.smoothing = smoothing
        self.smoothed = None
        self.version = 0

    def add(self, x, y):
        if self.smoothing and self.smoothed is not None:
            y = self.smoothing * self.smoothed + (1 - self.smoothing) * y
        self.smoothed = y
        self.points.append((x, y))
        self.version += 1
        if len(self.points) > MAX_POINTS:
            p = self.points
            self.points = [((p[i][0] + p[i + 1][0]) / 2, (p[i][1] + p[i + 1][1]) / 2)
                           for i in range(0, len(p) - 1, 2)] + ([p[-1]] if len(p) % 2 else [])

    def clear(self):
        self.points = []
        self.smoothed = None
        self.version += 1


class LineChart:
    def __init__(self, canvas, series, colour, label, percent=False):
        self.canvas = canvas
        self.ctx = canvas.getContext("2d")
        self.series = series
        self.colour = colour
        self.label = label
        self.percent = percent
        self.drawn_version = -1

    def draw(self):
        if self.drawn_version == self.series.version:
            return
        self.drawn_version = self.series.version
        ctx, points = self.ctx, self.series.points
        width, height = self.canvas.width, self.canvas.height
        ctx.clearRect(0, 0, width, height)
        ctx.fillStyle = "#5b6475"
        ctx.font = "12px system-ui, sans-serif"
        if len(points) < 2:
            ctx.fillText(self.label + ": press Start", PAD, 16)
            return
        x0, x1 = points[0][0], points[-1][0]
        ys = [p[1] for p in points]
        y0, y1 = min(ys), max(ys)
        if y1 <= y0:
            y1 = y0 + 1e-9
        sx = (width - 2 * PAD) / ((x1 - x0) or 1)
        sy = (height - 2 * PAD - 14) / (y1 - y0)
        # One SVG path string, one call into JavaScript: not one per point.
        path = "M" + " L".join("%.1f %.1f" % (PAD + (x - x0) * sx, height - PAD - (y - y0) * sy)
                               for x, y in points)
        ctx.strokeStyle = self.colour
        ctx.lineWidth = 2
        ctx.stroke(js.Path2D.new(path))
        last = "%.1f%%" % (100 * ys[-1]) if self.percent else "%.3f" % ys[-1]
        ctx.fillText("%s: %s" % (self.label, last), PAD, 16)
        self.canvas.dataset.points = str(len(points))
        self.canvas.dataset.last = "%.4f" % ys[-1]

