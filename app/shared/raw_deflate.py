"""Raw deflate (RFC 1951, no zlib header) in C wherever the page runs:
CPython's and Pyodide's zlib, MicroPython's deflate module.

    compress(data) -> bytes
    inflate(data, most) -> at most `most` bytes: a stream that inflates far
        beyond what its container declares (a zip bomb) costs no more memory
        than an honest one. zlib.error, or MicroPython's OSError, on bad data.
"""
import io
import sys

if sys.implementation.name != "micropython":     # MicroPython's zlib only inflates
    import zlib

    def compress(data):
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush()

    def inflate(data, most):
        return zlib.decompressobj(-15).decompress(data, most)
else:
    import deflate

    def compress(data):
        out = io.BytesIO()
        # A 512-byte window: digits repeat within a few rows, and a larger one only
        # costs time (50 digits: 17 ms against 465 for 32 KB, and 1% larger).
        with deflate.DeflateIO(out, deflate.RAW, 9) as packer:
            packer.write(data)
        return out.getvalue()

    def inflate(data, most):
        return deflate.DeflateIO(io.BytesIO(data), deflate.RAW, 15).read(most)   # 15: 32 KB window, as zlib
