"""A minimal PNG encoder (RGB, 8 bit), so the page can show worker-drawn
images through an <img> without touching pixels in Python on the main thread."""
import base64
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_rgb(rgb):
    """rgb: uint8 numpy array (height, width, 3); returns PNG bytes."""
    height, width, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[y].tobytes() for y in range(height))  # filter 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def data_url(rgb):
    return "data:image/png;base64," + base64.b64encode(encode_rgb(rgb)).decode()
