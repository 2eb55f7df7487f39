"""The file of the visitor's digits: an .npz that `numpy.load` reads, with
`x`, uint8 N x 28 x 28 (ink high, MNIST-style), and `y`, N labels.

    encode(labels, pixels) -> bytes          pixels: N bytes objects of 784
    decode(data) -> (labels, pixels)         or BadDigitsFile saying why

Reading takes what numpy writes (`np.savez`, stored, and `np.savez_compressed`,
deflated), checks every header, the CRCs, dtype, shape and labels, and never
unpickles (shared/npz.py). MicroPython on the page, CPython in tests.
"""
from shared.digit import CLASSES, PIXELS, SIDE
from shared.npz import DAMAGED, BadNpz, array, members, npy, zip_stored

MAX_DIGITS = 1000
MAX_BYTES = 4 * 1024 * 1024
LABEL_TYPES = {"u1": 1, "i1": 1, "u2": 2, "i2": 2, "u4": 4, "i4": 4, "u8": 8, "i8": 8}


class BadDigitsFile(ValueError):
    """Not a file of digits; the message says why, for the visitor."""


# -- writing ---------------------------------------------------------------------

def encode(labels, pixels):
    n = len(labels)
    return zip_stored([("x.npy", npy("|u1", (n, SIDE, SIDE), b"".join(pixels))),
                       ("y.npy", npy("|u1", (n,), bytes(labels)))])


# -- reading ---------------------------------------------------------------------

def decode(data):
    data = bytes(data)
    if not data:
        raise BadDigitsFile("the file is empty")
    if len(data) > MAX_BYTES:
        raise BadDigitsFile("it is %.1f MB; a file of digits is at most %d MB"
                            % (len(data) / 1e6, MAX_BYTES // 2 ** 20))
    try:
        found = members(data, MAX_BYTES)
    except BadNpz as error:
        raise BadDigitsFile(str(error))
    except DAMAGED:
        raise BadDigitsFile("it is not a readable .npz file")
    names = set(found)
    if names != {"x.npy", "y.npy"}:
        raise BadDigitsFile("expected arrays x and y, found %s"
                            % (", ".join(sorted(n[:-4] for n in names)) or "none"))
    try:
        x_type, x_shape, x_data = array("x", found["x.npy"])
        y_type, y_shape, y_data = array("y", found["y.npy"])
    except BadNpz as error:
        raise BadDigitsFile(str(error))
    except DAMAGED:
        raise BadDigitsFile("its array headers are damaged")
    if x_type != "u1":
        raise BadDigitsFile("x must be uint8 (0..255), not %s: use x.astype(np.uint8)" % x_type)
    if len(x_shape) not in (2, 3) or x_shape[1:] not in ((SIDE, SIDE), (PIXELS,)):
        raise BadDigitsFile("x must be N x %d x %d, not %s" % (SIDE, SIDE, " x ".join(map(str, x_shape))))
    n = x_shape[0]
    if y_type not in LABEL_TYPES or y_shape != (n,):
        raise BadDigitsFile("y must be %d whole-number labels" % n)
    if not 1 <= n <= MAX_DIGITS:
        raise BadDigitsFile("the file holds %d digits; 1 to %d can be taught" % (n, MAX_DIGITS))
    width = LABEL_TYPES[y_type]
    if len(x_data) != n * PIXELS or len(y_data) != n * width:
        raise BadDigitsFile("its arrays are shorter or longer than their shapes say")
    labels = [int.from_bytes(y_data[i * width:(i + 1) * width], "little") for i in range(n)]
    if any(label >= CLASSES for label in labels):     # negatives read as huge numbers
        raise BadDigitsFile("labels must be 0 to %d" % (CLASSES - 1))
    return labels, [x_data[i * PIXELS:(i + 1) * PIXELS] for i in range(n)]
