"""A link that shares the visitor's digits: the page's address with a
fragment that carries them, compressed, and if asked the training settings.
Browsers never send a fragment to the server, so no server sees the digits.

    fragment, n = share_link.encode(labels, pixels, settings, room)
    shared = share_link.decode(fragment)      # Shared, or BadLink saying why

The fragment is "digits=" and the base64url (no padding) of the raw deflate
of, little-endian:

    version     1 byte (1)
    flags       1 byte: 1 if settings follow
    [settings   architecture (1 byte: 0 the MLP, 1 the convnet), batch size
                (uint16), learning rate (float64), distort (1 byte: 0 or 1)]
    count       uint16, then count labels (1 byte each), then count x 784
                pixel bytes (0..255, ink high, as my digits keep them)
    crc32       of all the above (uint32)

A whole URL stays under MAX_URL characters: encode() takes the newest digits
that fit in `room` characters. Decoding takes nothing on trust: length,
alphabet, inflated size, checksum, version, every field and the exact length
are checked, and a refusal says which. Plain Python: MicroPython on the
page, CPython in tests.
"""
import struct

try:
    from ubinascii import a2b_base64, b2a_base64, crc32    # MicroPython: C
except ImportError:
    from binascii import a2b_base64, b2a_base64, crc32

from shared import raw_deflate
from shared.digit import CLASSES, PIXELS
from shared.protocol import MAX_MY_DIGITS
from shared.settings import BATCH_SIZE, LEARNING_RATE

PREFIX = "digits="
VERSION = 1
MAX_URL = 8 * 1024 - 1            # characters: under 8 KB, which every browser and messenger keeps
ARCHITECTURES = ("mlp", "cnn")
SETTINGS = "<BHdB"          # MicroPython's struct has no Struct
SETTINGS_SIZE = struct.calcsize(SETTINGS)
# Fewer bytes than any drawn digit compresses to (held-out digits take 150 to
# 170): a link never needs to try more digits than this allows.
LEAST_BYTES = 50
GROW_TRIES = 4          # after the guesses: one more digit at a time, at most this often
MOST = 2 + SETTINGS_SIZE + 2 + MAX_MY_DIGITS * (1 + PIXELS) + 4     # the largest payload there can be


class BadLink(ValueError):
    """A fragment that is no shared link of digits; the message says why."""


class Shared:
    def __init__(self, labels, pixels, settings):
        self.labels = labels        # ints 0..9
        self.pixels = pixels        # one bytes object of 784 per digit
        self.settings = settings    # {"architecture", "batch_size", "lrate", "augment"} or None


# -- writing ---------------------------------------------------------------------

def payload(labels, pixels, settings):
    head = bytes([VERSION, 1 if settings else 0])
    if settings:
        head += struct.pack(SETTINGS, ARCHITECTURES.index(settings["architecture"]), int(settings["batch_size"]),
                              float(settings["lrate"]), 1 if settings["augment"] else 0)
    body = head + struct.pack("<H", len(labels)) + bytes(labels) + b"".join(pixels)
    return body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)


BASE64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def base64url(data):
    return b2a_base64(data).decode().strip().replace("+", "-").replace("/", "_").rstrip("=")


def fragment_of(labels, pixels, settings):
    return PREFIX + base64url(raw_deflate.compress(payload(labels, pixels, settings)))


def encode(labels, pixels, settings, room):
    """(fragment, n): the newest n digits (as many as fit in `room` characters)
    and the settings (None: not shared). ValueError if none can be shared."""
    if not labels:
        raise ValueError("you have taught it no digits yet")
    newest = lambda n: fragment_of(labels[-n:], pixels[-n:], settings)
    # Each compression costs the page time (a 50-digit one, 17 ms unthrottled), and
    # compressed digits cost about the same each: guess in proportion, a little
    # under, from as many as could fit at LEAST_BYTES a digit; then add a few.
    n = min(len(labels), room * 3 // 4 // LEAST_BYTES)
    fragment = newest(n)
    if n < len(labels) and len(fragment) < room * 9 // 10:      # far from full: guess up once
        guess = min(len(labels), n * room * 97 // 100 // len(fragment))
        tried = newest(guess)
        if len(tried) <= room:
            n, fragment = guess, tried
    while len(fragment) > room:
        n = min(n - 1, n * room * 97 // 100 // len(fragment))
        if n < 1:
            raise ValueError("the page's address is too long to add even one digit to it")
        fragment = newest(n)
    for _ in range(GROW_TRIES):
        if n == len(labels):
            break
        more = newest(n + 1)
        if len(more) > room:
            break
        n, fragment = n + 1, more
    return fragment, n


# -- reading ---------------------------------------------------------------------

def is_shared(fragment):
    """Whether a location.hash (with or without its "#") is meant as a shared link."""
    return fragment.lstrip("#").startswith(PREFIX)


def unbase64url(text):
    """bytes, or BadLink: a strict reading (a character outside base64url, or a
    length or last character no encoder writes, is refused, not skipped)."""
    if not set(text) <= BASE64URL:
        raise BadLink("the link is damaged: it has characters a shared link never has")
    padded = text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4)
    try:
        data = a2b_base64(padded)
    except ValueError:    # binascii.Error is one: a length no encoder writes
        data = None
    if data is None or base64url(data) != text:
        raise BadLink("the link is damaged or cut short: it ends part-way through a byte")
    return data


def decode(fragment):
    text = fragment.lstrip("#")
    if not text.startswith(PREFIX):
        raise BadLink("it is not a link of shared digits")
    text = text[len(PREFIX):]
    if len(text) > MAX_URL:
        raise BadLink("the link is %d characters long; a shared link is under %d" % (len(text), MAX_URL))
    if not text:
        raise BadLink("the link is cut short: it carries no digits")
    packed = unbase64url(text)
    try:
        data = raw_deflate.inflate(packed, MOST + 1)
    except Exception:            # zlib.error, or MicroPython's OSError
        raise BadLink("the link is damaged or cut short: its digits do not decompress")
    if len(data) > MOST:
        raise BadLink("the link unpacks to more than %d digits" % MAX_MY_DIGITS)
    if len(data) < 8 or struct.unpack("<I", data[-4:])[0] != crc32(data[:-4]) & 0xFFFFFFFF:
        raise BadLink("the link is damaged or cut short: its checksum is wrong")
    return read_payload(data[:-4])


def read_payload(data):
    if data[0] != VERSION:
        raise BadLink("the link was made by a newer version of this page (format %d)" % data[0])
    if data[1] not in (0, 1):
        raise BadLink("the link's flags are not ones this page writes")
    at, settings = 2, None
    if data[1]:
        if len(data) < at + SETTINGS_SIZE:
            raise BadLink("the link ends inside its settings")
        settings = read_settings(*struct.unpack(SETTINGS, data[at:at + SETTINGS_SIZE]))
        at += SETTINGS_SIZE
    if len(data) < at + 2:
        raise BadLink("the link ends before its digits")
    count = struct.unpack("<H", data[at:at + 2])[0]
    at += 2
    if not 1 <= count <= MAX_MY_DIGITS:
        raise BadLink("the link holds %d digits; it can hold 1 to %d" % (count, MAX_MY_DIGITS))
    if len(data) != at + count * (1 + PIXELS):
        raise BadLink("the link's %d digits need %d bytes, it has %d"
                      % (count, count * (1 + PIXELS), len(data) - at))
    labels = list(data[at:at + count])
    if max(labels) >= CLASSES:
        raise BadLink("the link's labels must be 0 to %d" % (CLASSES - 1))
    at += count
    return Shared(labels, [data[at + i * PIXELS:at + (i + 1) * PIXELS] for i in range(count)], settings)


def read_settings(architecture, batch_size, lrate, augment):
    if architecture >= len(ARCHITECTURES):
        raise BadLink("the link asks for a model this page does not have")
    if not BATCH_SIZE.low <= batch_size <= BATCH_SIZE.high:
        raise BadLink("the link's batch size %d is not %d to %d" % (batch_size, BATCH_SIZE.low, BATCH_SIZE.high))
    if not LEARNING_RATE.low <= lrate <= LEARNING_RATE.high:       # NaN fails this too
        raise BadLink("the link's learning rate is not %g to %g" % (LEARNING_RATE.low, LEARNING_RATE.high))
    if augment not in (0, 1):
        raise BadLink("the link's distort setting is neither on nor off")
    return {"architecture": ARCHITECTURES[architecture], "batch_size": batch_size, "lrate": lrate,
            "augment": bool(augment)}
