"""Live line charts drawn on <canvas> by the app, from shared/series.py."""
import js

PAD = 6


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
        ctx, points = self.ctx, self.series.view()
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

