"""Base64 between bytes and text, in C wherever the page runs.

MicroPython's `binascii` on the page is pure Python that builds its output by
concatenation: 9 KB of taught digits took up to 40 s and grew the page's heap
by hundreds of MB, which it never gives back. `ubinascii` is its C module.
"""
from array import array

try:
    from ubinascii import a2b_base64, b2a_base64    # MicroPython
except ImportError:
    from binascii import a2b_base64, b2a_base64     # CPython, Pyodide


def encode(data):
    """bytes (or any buffer) -> base64 text, no newline."""
    return b2a_base64(data).decode().strip()


def encode_floats(values):
    """Floats as base64 of float64, little-endian (as wasm and x86 keep them):
    how pixels cross to JavaScript (static/js/frame-kernels.js), converted in
    C, not value by value in Python (0.3 ms for a grid, against 1.5 ms)."""
    return encode(array("d", values))


def decode(text):
    """base64 text -> bytes; ValueError if it is not base64."""
    try:
        return a2b_base64(text)
    except ValueError:    # binascii.Error in CPython: say it plainly
        raise ValueError("not valid base64")
