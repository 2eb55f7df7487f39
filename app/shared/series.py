"""A chart's data: points (x, y) with optional exponential smoothing.

A Series keeps at most MAX_POINTS (an even number), each the mean of the same
number of raw points: when full, neighbours are merged in pairs and later
points average twice as many raw ones, so hours of training cost the same
memory and drawing time as a minute.

Plain Python: runs under MicroPython on the page and CPython in tests.
"""
MAX_POINTS = 400


class Series:
    def __init__(self, smoothing=0.0):
        self.smoothing = smoothing
        self.version = 0          # changes with every change: charts redraw only then
        self.clear()

    def clear(self):
        self.points = []          # (x, y), each the mean of `stride` raw points
        self.stride = 1
        self.sum_x = self.sum_y = 0.0
        self.pending = 0          # raw points summed towards the next stored one
        self.last = None          # newest raw point, so the line reaches "now"
        self.smoothed = None
        self.version += 1

    def add(self, x, y):
        if self.smoothing and self.smoothed is not None:
            y = self.smoothing * self.smoothed + (1 - self.smoothing) * y
        self.smoothed = y
        self.last = (x, y)
        self.version += 1
        self.sum_x += x
        self.sum_y += y
        self.pending += 1
        if self.pending < self.stride:
            return
        self.points.append((self.sum_x / self.stride, self.sum_y / self.stride))
        self.sum_x = self.sum_y = 0.0
        self.pending = 0
        if len(self.points) >= MAX_POINTS:      # every stored point has the same weight
            p = self.points
            self.points = [((p[i][0] + p[i + 1][0]) / 2, (p[i][1] + p[i + 1][1]) / 2)
                           for i in range(0, len(p), 2)]
            self.stride *= 2

    def view(self):
        """The points to draw: the stored ones, then the newest raw point."""
        if self.pending:
            return self.points + [self.last]
        return self.points

    def state(self, up_to=None):
        """The stored points (up to x = up_to) as plain data, for autosave."""
        points = [[x, y] for x, y in self.points if up_to is None or x <= up_to]
        return {"points": points, "stride": self.stride}

    def restore(self, state):
        """Put back what state() gave; ValueError (nothing changed) if it is not that."""
        try:
            points = [(float(x), float(y)) for x, y in state["points"]]
            stride = int(state["stride"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("not a chart history")
        if stride < 1 or len(points) > MAX_POINTS:
            raise ValueError("not a chart history")
        self.clear()
        self.points, self.stride = points, stride
        if points:
            self.smoothed = points[-1][1]
