"""A photo or scan of one handwritten digit made into a 28x28 drawing for the
grid, which the page then predicts (and can teach) like any drawing.

    from_picture(rgba, width, height) -> 784 floats in [0, 1], ink high
        rgba: width*height*4 bytes (a canvas's ImageData, already scaled down
        by the browser so its longer side is at most MAX_SIDE); ValueError
        with a reason for the visitor when no digit can be found.

The steps, each a plain loop the page can afford (at most MAX_SIDE^2 pixels):
1. grey levels (Rec. 601 luma);
2. polarity: the border is paper, and the ink is the extreme (dark or
   light) further from it; dark ink is flipped, making ink high;
3. background levelled: the paper's level is estimated in a coarse grid of
   tiles (each tile's paper, interpolated between tile centres) and taken
   away, so shadows and uneven light are not read as ink;
4. ink kept: Otsu's threshold splits ink from paper; levels below a noise
   floor (a fraction of the ink's strong level) become 0, the strong level
   becomes 1, soft edges stay soft, and specks are dropped;
5. cropped to the ink and scaled (area average) so the longer side fills
   the 28-pixel grid; the page's MNIST preprocessing (shared/preprocess.py)
   then puts it in the 20-pixel box and centres it by mass, as for drawings.

Plain Python: MicroPython on the page, CPython in tests.
"""
from shared.digit import PIXELS, SIDE

MAX_SIDE = 112
TILES = 4               # per side, for the background estimate
NOISE = 0.3             # of the ink's strong level: below is paper
INK_PERCENTILE = 0.5    # of the pixels Otsu's split calls ink: "strong ink"
MIN_CONTRAST = 24       # grey levels between paper and ink, at least


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def grey_levels(rgba, width, height):
    if width < 1 or height < 1 or len(rgba) != width * height * 4:
        raise ValueError("the picture has no pixels")
    return [(299 * rgba[i] + 587 * rgba[i + 1] + 114 * rgba[i + 2]) // 1000
            for i in range(0, width * height * 4, 4)]


def tile_background(grey, width, height, ink=None):
    """The paper's level under each pixel: per tile, the low quartile (ink is
    the minority of a tile) or, once `ink` marks the ink, the median of the
    rest; interpolated bilinearly between tile centres, so a lighting ramp
    is followed, not flattened."""
    tiles_x, tiles_y = min(TILES, width), min(TILES, height)
    level = []
    for ty in range(tiles_y):
        y0, y1 = ty * height // tiles_y, (ty + 1) * height // tiles_y
        row = []
        for tx in range(tiles_x):
            x0, x1 = tx * width // tiles_x, (tx + 1) * width // tiles_x
            tile = [y * width + x for y in range(y0, y1) for x in range(x0, x1)]
            rest = [grey[i] for i in tile if not ink[i]] if ink else None
            row.append(quantile(rest, 0.5) if rest else
                       quantile([grey[i] for i in tile], 0.25))
        level.append(row)

    def between(position, size, tiles):
        """(lower tile, upper tile, weight of the upper) for a pixel index."""
        t = min(max((position + 0.5) * tiles / size - 0.5, 0.0), tiles - 1.0)
        low = min(int(t), tiles - 2) if tiles > 1 else 0
        return low, min(low + 1, tiles - 1), t - low

    xs = [between(x, width, tiles_x) for x in range(width)]
    out = []
    for y in range(height):
        a, b, wy = between(y, height, tiles_y)
        top, bottom = level[a], level[b]
        for x0, x1, wx in xs:
            out.append((top[x0] * (1 - wx) + top[x1] * wx) * (1 - wy)
                       + (bottom[x0] * (1 - wx) + bottom[x1] * wx) * wy)
    return out


def otsu(values):
    """The grey level that best splits values (0..255) into two classes."""
    counts = [0] * 256
    for v in values:
        counts[min(255, int(v))] += 1
    total, weighted = len(values), sum(i * c for i, c in enumerate(counts))
    best, threshold, below, below_weighted = -1.0, 0, 0, 0.0
    for t in range(256):
        below += counts[t]
        below_weighted += t * counts[t]
        above = total - below
        if below and above:
            gap = below_weighted / below - (weighted - below_weighted) / above
            spread = below * above * gap * gap
            if spread > best:
                best, threshold = spread, t
    return threshold


def fit(levels, width, height):
    """Crop to the ink; area-average so the longer side is SIDE; top-left in a SIDE grid."""
    rows = [y for y in range(height) if max(levels[y * width:(y + 1) * width]) > 0]
    cols = [x for x in range(width) if max(levels[x::width]) > 0]
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    w, h = x1 - x0, y1 - y0
    scale = SIDE / max(w, h)
    out_w, out_h = max(1, round(w * scale)), max(1, round(h * scale))
    grid = [0.0] * PIXELS
    for oy in range(out_h):
        sy0, sy1 = y0 + oy * h / out_h, y0 + (oy + 1) * h / out_h
        for ox in range(out_w):
            sx0, sx1 = x0 + ox * w / out_w, x0 + (ox + 1) * w / out_w
            total = area = 0.0
            for y in range(int(sy0), min(y1, int(sy1 + 0.999999))):
                wy = min(sy1, y + 1) - max(sy0, y)
                for x in range(int(sx0), min(x1, int(sx1 + 0.999999))):
                    wx = min(sx1, x + 1) - max(sx0, x)
                    total += levels[y * width + x] * wx * wy
                    area += wx * wy
            grid[oy * SIDE + ox] = total / area if area else 0.0
    return grid


def ink_split(lifted):
    """Otsu's threshold, but never inside the paper's noise: a thin digit is
    so few pixels that Otsu alone may split the noise instead. The paper is
    most of the picture, so the median is the noise's level."""
    return max(otsu(lifted), 3 * quantile(lifted, 0.5) + MIN_CONTRAST / 2)


def despeckle(levels, width, height):
    """Specks (a pixel whose 3x3 neighbourhood holds less than one pixel of
    ink) are noise or dust, not strokes: left in, they would stretch the crop."""
    out = list(levels)
    for i, v in enumerate(levels):
        if v:
            y, x = divmod(i, width)
            total = 0.0
            for row in range(max(0, y - 1), min(height, y + 2)):
                total += sum(levels[row * width + max(0, x - 1):row * width + min(width, x + 2)])
            if total < 1.0:
                out[i] = 0.0
    return out


def dark_ink(grey, width, height):
    """Whether the ink is darker than the paper: the border is paper, and the
    ink is the extreme that lies further from it (a photo's lighting may
    make half the paper darker than the other half, but not darker than ink)."""
    border = grey[:width] + grey[-width:] + grey[::width] + grey[width - 1::width]
    paper = quantile(border, 0.5)
    return paper - quantile(grey, 0.003) > quantile(grey, 0.997) - paper   # a thin 1 is 1% of it


def level(grey, paper, on_paper):
    """Ink above the paper. Light falls on paper and ink alike, so on light
    paper the ink is what it takes away from the paper's own level (a
    ratio: a shadow dims both); light ink on a dark board is what it adds."""
    if on_paper:
        return [max(0.0, (v - p) * 255 / (255 - p)) if p < 255 else 0.0 for v, p in zip(grey, paper)]
    return [max(0.0, v - p) for v, p in zip(grey, paper)]


def from_picture(rgba, width, height):
    grey = grey_levels(rgba, width, height)
    on_paper = dark_ink(grey, width, height)
    if on_paper:                               # ink high from here on
        grey = [255 - v for v in grey]
    lifted = level(grey, tile_background(grey, width, height), on_paper)
    split = ink_split(lifted)  # a first guess at the ink, to measure the paper without it
    lifted = level(grey, tile_background(grey, width, height, [v > split for v in lifted]),
                   on_paper)
    split = ink_split(lifted)
    ink = [v for v in lifted if v > split]
    if not ink:
        raise ValueError("no digit found: the picture is blank")
    strong = quantile(ink, INK_PERCENTILE)
    if strong < MIN_CONTRAST:
        raise ValueError("no digit found: the picture has no ink that stands out from the paper")
    floor = NOISE * strong
    levels = [min(1.0, (v - floor) / (strong - floor)) if v > floor else 0.0 for v in lifted]
    return fit(despeckle(levels, width, height), width, height)
