"""Base64 between bytes and text, in C wherever the page runs.

MicroPython's `binascii` on the page is pure Python that builds its output by
concatenation: 9 KB of taught digits took up to 40 s and grew the page's heap
by hundreds of MB, which it never gives back. `ubinascii` is its C module.
"""
try:
    from ubinascii import a2b_base64, b2a_base64    # MicroPython
except ImportError:
    from binascii import a2b_base64, b2a_base64     # CPython, Pyodide


def encode(data):
    """bytes (or any buffer) -> base64 text, no newline."""
    return b2a_base64(data).decode().strip()


def decode(text):
    """base64 text -> bytes; ValueError if it is not base64."""
    try:
        return a2b_base64(text)
    except ValueError:    # binascii.Error in CPython: say it plainly
        raise ValueError("not valid base64")
