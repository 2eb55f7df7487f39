"""Drawings that are not digits, drawn with the page's pen as a visitor
scribbles: zigzags, random walks, spirals, hatchings, each with its own
number of turns, size and slant, filling most of the grid. make bench counts
how many of them the page calls "Not sure" (app/shared/sureness.py) with
each shipped model.

    scribbles(n, seed) -> n GridStates, the kinds in turn
    not_sure(models, drawings) -> {architecture: share of the drawings the page is not sure of}
"""
import math

import numpy as np

from shared import strokes, sureness
from shared.grid_state import GridState
from tools.bench import calibration

KINDS = ("zigzag", "walk", "spiral", "hatching")


def zigzag(rng):
    """A line going back and forth across the grid, 4 to 12 times, at any angle."""
    turns, angle, width = int(rng.integers(4, 13)), rng.uniform(0, math.pi), rng.uniform(16, 22)
    along = np.linspace(-width / 2, width / 2, turns + 1)
    across = np.where(np.arange(turns + 1) % 2, 1, -1) * width / 2
    return [list(zip(along, across))], angle


def walk(rng):
    """8 to 30 points anywhere, joined."""
    return [list(map(tuple, rng.uniform(-10, 10, (int(rng.integers(8, 31)), 2))))], 0.0


def spiral(rng):
    """Two to four turns out from the middle."""
    turns = rng.uniform(2, 4)
    t = np.linspace(0, 1, int(40 * turns))
    radius = 2 + 8 * t
    return [list(zip(radius * np.cos(2 * math.pi * turns * t), radius * np.sin(2 * math.pi * turns * t)))], \
        rng.uniform(0, math.pi)


def hatching(rng):
    """Three to six parallel strokes, crossed by as many."""
    lines = []
    for direction in (0, 1):
        for offset in np.linspace(-9, 9, int(rng.integers(3, 7))):
            ends = [(-9.0, offset), (9.0, offset)]
            lines.append([(y, x) for x, y in ends] if direction else ends)
    return lines, rng.uniform(0, math.pi)


def drawn(lines, angle):
    """The lines, turned by `angle` about the grid's centre, drawn with the page's pen."""
    cos, sin = math.cos(angle), math.sin(angle)
    grid = GridState()
    for line in lines:
        points = [(14 + x * cos - y * sin, 14 + x * sin + y * cos) for x, y in line]
        grid.begin_stroke(*points[0])
        for point in points[1:]:
            grid.extend_stroke(*point)
        grid.end_stroke()
    return grid


def scribbles(n=200, seed=0):
    rng = np.random.default_rng(seed)
    makers = {"zigzag": zigzag, "walk": walk, "spiral": spiral, "hatching": hatching}
    return [drawn(*makers[KINDS[i % len(KINDS)]](rng)) for i in range(n)]


def not_sure(models, drawings):
    out = {}
    readings = [strokes.reading(d.pixels, d.strokes) for d in drawings]
    for architecture, model in models.items():
        P = calibration.probabilities(model, [digit for digit, _ in readings])
        doubts = [sureness.verdict(list(p), d.pixels, architecture, ink)
                  for p, d, (_, ink) in zip(P, drawings, readings)]
        out[architecture] = sum(doubt is not None for doubt in doubts) / len(drawings)
    return out
