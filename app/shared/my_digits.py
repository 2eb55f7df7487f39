"""The visitor's own digits ("my digits"), as the page keeps them: taught
drawings and photos, each the 28x28 MNIST-style digit the model sees, with
the label the visitor gave it.

    digits = MyDigits()
    digits.add(label, digit)        # digit: 784 floats in [0, 1] (preprocess's output)
    digits.remove(index); digits.clear(); len(digits); digits.counts()
    digits.signal_value(learn)      # set_my_digits' value (shared/protocol.py)
    digits.to_value()               # {"x": base64, "y": labels}: kept with the autosave
    MyDigits.from_value(value)      # and back; ValueError saying why not

Pixels are kept as bytes (0..255), as MNIST stores them. Plain Python
(base64 in C, shared/base64_codec.py): MicroPython on the page, CPython in tests.
"""
from shared import base64_codec, protocol
from shared.digit import CLASSES, PIXELS


def to_bytes(digit):
    """784 floats in [0, 1] as 784 pixel bytes."""
    if len(digit) != PIXELS:
        raise ValueError("a digit has %d pixels, not %d" % (PIXELS, len(digit)))
    return bytes(min(255, max(0, int(v * 255 + 0.5))) for v in digit)


class MyDigits:
    def __init__(self):
        self.labels = []
        self.pixels = []        # one bytes object of PIXELS per digit

    def __len__(self):
        return len(self.labels)

    def add(self, label, digit):
        """Add a digit; ValueError if the label is no class or the set is full."""
        if not (isinstance(label, int) and 0 <= label < CLASSES):
            raise ValueError("no class %r" % (label,))
        if len(self) >= protocol.MAX_MY_DIGITS:
            raise ValueError("at most %d digits can be taught; remove some first"
                             % protocol.MAX_MY_DIGITS)
        self.labels.append(label)
        self.pixels.append(digit if isinstance(digit, bytes) else to_bytes(digit))

    def remove(self, index):
        del self.labels[index]
        del self.pixels[index]

    def clear(self):
        self.labels, self.pixels = [], []

    def counts(self):
        counts = [0] * CLASSES
        for label in self.labels:
            counts[label] += 1
        return counts

    def to_value(self):
        x = base64_codec.encode(b"".join(self.pixels)) if self.pixels else ""
        return {"x": x, "y": list(self.labels)}

    def signal_value(self, learn):
        value = self.to_value()
        value["learn"] = bool(learn)
        return value

    @classmethod
    def from_value(cls, value):
        """A set from to_value()'s form, checked as the worker checks it."""
        digits = cls()
        digits.load(value)
        return digits

    def load(self, value):
        """Replace the set with to_value()'s form; ValueError (and nothing
        changes) if it is not a whole, valid set."""
        if not isinstance(value, dict):
            raise ValueError("my digits: not a set of digits")
        try:
            protocol.check_my_digits({"x": value.get("x"), "y": value.get("y"), "learn": False})
        except protocol.ProtocolError as error:
            raise ValueError(str(error))
        try:
            data = base64_codec.decode(value["x"]) if value["x"] else b""
        except ValueError:
            raise ValueError("my digits: x is not valid base64")
        if len(data) != len(value["y"]) * PIXELS:
            raise ValueError("my digits: %d bytes of pixels for %d labels"
                             % (len(data), len(value["y"])))
        self.labels = list(value["y"])
        self.pixels = [data[i * PIXELS:(i + 1) * PIXELS] for i in range(len(self.labels))]
