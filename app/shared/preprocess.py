"""Normalise a drawn 28x28 digit the way MNIST digits were normalised.

    SIDE = 28, BOX = 20
    preprocess(pixels, threshold=0.0) -> list of 784 floats, or None
        pixels: flat row-major 28x28 sequence of floats in [0, 1] (not mutated).
        None when no pixel is > threshold (an empty grid shows no prediction).
        Otherwise a new list, made in three steps:
        1. crop to the bounding box of the pixels > threshold (the threshold only
           picks the box: pixels inside it keep their values, soft pen edges too);
        2. area-average resize so the longer side is exactly BOX px and the
           shorter side max(1, round(short * BOX / long)): each output pixel is
           the coverage-weighted mean of the source pixels under its footprint,
           for shrinking and for growing alike;
        3. paste into a zero 28x28 field at the integer offset that brings the
           centre of mass nearest to (CENTRE, CENTRE) = (14, 14), clamped so the
           box stays inside.
    center_of_mass(pixels, size=28) -> (row, col) or None
        intensity-weighted mean row and column index (pixel centres at integer
        indices) of a flat size x size grid; None when its total mass is 0.

Plain Python (math only): runs under CPython, Pyodide and MicroPython, where it
is the main thread's hot path (live inference on every pen stroke). Floats are
boxed there (every float result is a heap allocation), so the code counts
float operations: C-level builtins on whole rows (slice, max, sum, zip) do the
scanning and transposing, the resize runs as one-level comprehensions over
cached weights, and blank rows and identity axes cost no float work.
"""
import math

from shared.digit import SIDE


BOX = 20
# Where MNIST put the centre of mass (row and column index, pixel centres at
# integers). Not the geometric 13.5: in all 10,000 digits of static/data the
# centre of mass lies in [13.5, 14.5] on both axes (mean 14.00, std 0.29, the
# spread of rounding to a whole-pixel shift), so MNIST aimed at 14.
CENTRE = 14.0

# A centre of mass half-way between two pixel centres makes the ideal shift a
# .5 tie; float noise must not flip it, so ties (and anything this close) take
# the smaller shift: a symmetric 20-px box then sits at 4..23, margins equal.
_TIE = 1e-9

_ZERO = 0.0
_taps_cache = {}


def _taps(n, m):
    """Area-resample n source pixels to m (cached: the same few sizes recur
    stroke after stroke). Returns (main, extra): main[j] = (a, wa, b, wb), the
    first two sources under output j's footprint (a single source is padded as
    (a, 1.0, a, 0.0)); extra = ((j, c, wc), ...) for the rare third source,
    which only a shrink by more than 1x can need."""
    key = (n, m)
    taps = _taps_cache.get(key)
    if taps is not None:
        return taps
    main = []
    extra = []
    for j in range(m):
        # Output j covers source span [j*n/m, (j+1)*n/m); in units of 1/m
        # every overlap is an exact integer.
        lo = j * n
        hi = lo + n
        i = lo // m
        pairs = []
        while i * m < hi:
            pairs.append([i, (min(hi, (i + 1) * m) - max(lo, i * m)) / n])
            i += 1
        # The last weight closes the sum to exactly 1.0, in the order
        # _resample adds them: solid ink stays exactly 1.0, never above.
        done = 0.0
        for pair in pairs[:-1]:
            done += pair[1]
        pairs[-1][1] = 1.0 - done
        if len(pairs) == 1:
            main.append((pairs[0][0], 1.0, pairs[0][0], 0.0))
        else:
            main.append((pairs[0][0], pairs[0][1], pairs[1][0], pairs[1][1]))
        for pair in pairs[2:]:
            extra.append((j, pair[0], pair[1]))
    taps = (tuple(main), tuple(extra))
    _taps_cache[key] = taps
    return taps


def _resample(src, taps):
    """One line of the separable area resize: a fixed two-term comprehension
    (one loop level, no per-output branching), then the few third terms."""
    out = [src[a] * wa + src[b] * wb for a, wa, b, wb in taps[0]]
    for j, c, wc in taps[1]:
        v = src[c]
        if v:
            out[j] += v * wc
    return out


def _com(rows, cols):
    """(row, col) centre of mass from row and column sequences of one image."""
    row_mass = [sum(r) for r in rows]
    total = sum(row_mass)
    if not total > 0:
        return None
    mr = 0.0
    for r in range(len(row_mass)):
        mr += r * row_mass[r]
    mc = 0.0
    c = 0
    for col in cols:
        mc += c * sum(col)
        c += 1
    return (mr / total, mc / total)


def center_of_mass(pixels, size=SIDE):
    rows = [pixels[r * size:(r + 1) * size] for r in range(size)]
    return _com(rows, list(zip(*rows)))


def _shift(com, extent):
    """Integer offset putting com (in box coordinates) nearest CENTRE, box kept inside."""
    s = math.ceil(CENTRE - com - 0.5 - _TIE)
    hi = SIDE - extent
    if s < 0:
        return 0
    if s > hi:
        return hi
    return s


def preprocess(pixels, threshold=0.0):
    # 1. Bounding box, with C-level max over slices: first and last inked
    # rows from either end, then each row between is only checked (and only
    # searched pixel by pixel) where it could push a column edge outwards.
    r0 = 0
    while r0 < SIDE and not max(pixels[r0 * SIDE:(r0 + 1) * SIDE]) > threshold:
        r0 += 1
    if r0 == SIDE:
        return None
    r1 = SIDE - 1
    while not max(pixels[r1 * SIDE:(r1 + 1) * SIDE]) > threshold:
        r1 -= 1
    c0 = SIDE
    c1 = -1
    for r in range(r0, r1 + 1):
        base = r * SIDE
        if c0 > 0 and max(pixels[base:base + c0]) > threshold:
            c = base
            while not pixels[c] > threshold:
                c += 1
            c0 = c - base
        if c1 < SIDE - 1 and max(pixels[base + c1 + 1:base + SIDE]) > threshold:
            c = base + SIDE - 1
            while not pixels[c] > threshold:
                c -= 1
            c1 = c - base
    h = r1 - r0 + 1
    w = c1 - c0 + 1

    # 2. Target size: longer side BOX, aspect kept (round() is half-even
    # everywhere, on exact float ties of small-int ratios alike).
    if h >= w:
        oh = BOX
        ow = max(1, round(w * BOX / h))
    else:
        ow = BOX
        oh = max(1, round(h * BOX / w))

    # Separable resize: columns of each row, then rows (whole rows at once,
    # which needs no transpose). An axis whose size is unchanged is an
    # identity (its weights would all be 1.0), so it is skipped.
    mid = []
    if w == ow:
        for r in range(r0, r1 + 1):
            mid.append(pixels[r * SIDE + c0:r * SIDE + c1 + 1])
    else:
        htaps = _taps(w, ow)
        zero_h = [_ZERO] * ow
        for r in range(r0, r1 + 1):
            src = pixels[r * SIDE + c0:r * SIDE + c1 + 1]
            if max(src) > 0:
                mid.append(_resample(src, htaps))
            else:
                mid.append(zero_h)  # blank row inside the box (a gap in the stroke)
    if h == oh:
        out_rows = mid
    else:
        main, extra = _taps(h, oh)
        out_rows = []
        span = range(ow)
        for a, wa, b, wb in main:
            ra = mid[a]
            rb = mid[b]
            if ra is rb:
                out_rows.append(ra)  # one source row (growing), or two blank ones
            else:
                out_rows.append([ra[k] * wa + rb[k] * wb for k in span])
        for j, c, wc in extra:
            rc = mid[c]
            if max(rc) > 0:
                rj = out_rows[j]
                out_rows[j] = [rj[k] + rc[k] * wc for k in span]
    cols = list(zip(*out_rows))

    # 3. Centre of mass of the resized box, then paste at the rounded offset.
    com = _com(out_rows, cols)
    if com is None:
        # Only reachable with threshold < 0 on an all-zero grid: centre the box.
        com = ((oh - 1) / 2, (ow - 1) / 2)
    dr = _shift(com[0], oh)
    dc = _shift(com[1], ow)
    field = [_ZERO] * (SIDE * SIDE)
    for r in range(oh):
        base = (dr + r) * SIDE + dc
        field[base:base + ow] = out_rows[r]
    return field
