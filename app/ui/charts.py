"""Live line charts drawn on <canvas> by the app, from shared/series.py."""
import js

PAD = 6


class LineChart:
    def __init__(self, canvas, series, colour, label, percent=False, also=()):
        """also: more (series, colour, label) lines on the same axes (drawn dashed)."""
        self.canvas = canvas
        self.ctx = canvas.getContext("2d")
        self.lines = [(series, colour, label)] + list(also)
        self.label = label
        self.percent = percent
        self.drawn_versions = None

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
            return
        xs = [p[0] for points, _, _ in lines for p in points]
        ys = [p[1] for points, _, _ in lines for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if y1 <= y0:
            y1 = y0 + 1e-9
        sx = (width - 2 * PAD) / ((x1 - x0) or 1)
        sy = (height - 2 * PAD - 14) / (y1 - y0)
        words = []
        for i, (points, colour, label) in enumerate(lines):
            # One SVG path string, one call into JavaScript: not one per point.
            path = "M" + " L".join("%.1f %.1f" % (PAD + (x - x0) * sx, height - PAD - (y - y0) * sy)
                                   for x, y in points)
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
        self.canvas.dataset.points = str(len(main))
        self.canvas.dataset.last = "%.4f" % main[-1][1]
        if len(lines) > 1:
            self.canvas.dataset.alsoLast = "%.4f" % lines[1][0][-1][1]
