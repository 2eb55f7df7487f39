"""A 28x28 digit as a greyscale BMP, ink dark on white: a picture an <img>
shows from a data: URL, made in a few C-speed byte operations (no per-pixel
Python, no canvas calls), for the gallery of the visitor's digits.

Plain Python (struct only): MicroPython on the page, CPython in tests.
"""
import struct

from shared.digit import SIDE

# 256 palette entries (blue, green, red, 0): pixel byte v is ink v, shown as grey 255 - v.
PALETTE = b"".join(bytes((255 - v, 255 - v, 255 - v, 0)) for v in range(256))
HEADER_BYTES = 14 + 40 + len(PALETTE)


def digit_bmp(pixels, size=SIDE):
    """pixels: size*size bytes, row-major, ink high. size must be a multiple of 4
    (BMP rows are padded to 4 bytes; 28 needs none)."""
    if len(pixels) != size * size or size % 4:
        raise ValueError("a BMP digit needs %d bytes, rows a multiple of 4" % (size * size))
    rows = [pixels[r * size:(r + 1) * size] for r in range(size - 1, -1, -1)]   # bottom up
    body = b"".join(rows)
    file_header = b"BM" + struct.pack("<IHHI", HEADER_BYTES + len(body), 0, 0, HEADER_BYTES)
    info = struct.pack("<IiiHHIIiiII", 40, size, size, 1, 8, 0, len(body), 2835, 2835, 256, 0)
    return file_header + info + PALETTE + body
