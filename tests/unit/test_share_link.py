"""shared/share_link.py: digits (and settings) through a link's fragment and
back, the newest that keep the URL under 8 KB, and every damaged, cut short,
oversized or forged fragment refused with its reason, under CPython and
under the page's MicroPython."""
import base64
import json
import random
import struct
import zlib

import numpy as np
import pytest

from shared import share_link
from shared.share_link import BadLink
from tests.harness import micropython
from tests.harness.samples import X_TEST, Y_TEST

PAGE = "https://example.github.io/pyscript-mnist/#"
ROOM = share_link.MAX_URL - len(PAGE)
SETTINGS = {"architecture": "cnn", "batch_size": 32, "lrate": 0.05, "augment": True}


def digits(n, start=0):
    """n held-out digits as the page keeps taught ones: labels, 784 bytes each."""
    pixels = [bytes(np.rint(np.asarray(X_TEST[i]) * 255).astype(np.uint8)) for i in range(start, start + n)]
    return [int(Y_TEST[i]) for i in range(start, start + n)], pixels


def forged(body, compress=True):
    """A fragment of any payload, its checksum right: what only a forger writes."""
    data = body + struct.pack("<I", zlib.crc32(body))
    packed = share_link.raw_deflate.compress(data) if compress else data
    return share_link.PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


@pytest.mark.parametrize("settings", [None, SETTINGS], ids=["digits", "with settings"])
def test_digits_and_settings_come_back_as_they_went(settings):
    labels, pixels = digits(12)
    fragment, n = share_link.encode(labels, pixels, settings, ROOM)
    assert n == 12 and share_link.is_shared("#" + fragment)
    shared = share_link.decode("#" + fragment)
    assert (shared.labels, shared.pixels, shared.settings) == (labels, pixels, settings)
    assert set(fragment[len(share_link.PREFIX):]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_link_keeps_the_newest_digits_that_fit_under_8_kb():
    labels, pixels = digits(300)
    fragment, n = share_link.encode(labels, pixels, SETTINGS, ROOM)
    assert len(PAGE + fragment) < 8 * 1024
    assert 25 <= n < 300                           # MNIST's digits compress to ~170 bytes each
    shared = share_link.decode(fragment)
    assert shared.labels == labels[-n:] and shared.pixels == pixels[-n:]
    one_more = share_link.fragment_of(labels[-n - 1:], pixels[-n - 1:], SETTINGS)
    assert len(one_more) > ROOM - 150             # the search left at most a digit's room
    with pytest.raises(ValueError, match="no digits yet"):
        share_link.encode([], [], None, ROOM)
    with pytest.raises(ValueError, match="too long"):
        share_link.encode(labels, pixels, None, 20)


REFUSED = {
    "not ours": ("#section-2", "not a link of shared digits"),
    "empty": ("#digits=", "carries no digits"),
    "markup": ("#digits=<img src=x onerror=alert(1)>", "characters"),
    "padding inside": ("#digits=AAAA=AAA", "characters"),
    "not deflate": ("#digits=" + "_" * 40, "do not decompress|checksum"),
    "oversized": ("#digits=" + "A" * (share_link.MAX_URL + 1), "characters long"),
    "a bomb": (forged(bytes([1, 0]) + struct.pack("<H", 1000) + bytes(1000 * 785 + 5000)), "more than 1000"),
    "newer": (forged(bytes([2, 0]) + struct.pack("<H", 1) + bytes(785)), "newer version"),
    "flags": (forged(bytes([1, 6]) + struct.pack("<H", 1) + bytes(785)), "flags"),
    "no digits": (forged(bytes([1, 0, 0, 0])), "holds 0 digits"),
    "short": (forged(bytes([1, 0]) + struct.pack("<H", 2) + bytes(785)), "need 1570 bytes, it has 785"),
    "label 12": (forged(bytes([1, 0]) + struct.pack("<H", 1) + bytes([12]) + bytes(784)), "labels must be 0 to 9"),
    "no such model": (forged(bytes([1, 1]) + struct.pack("<BHdB", 5, 64, 0.1, 0) + struct.pack("<H", 1)
                             + bytes(785)), "model this page does not have"),
    "batch 0": (forged(bytes([1, 1]) + struct.pack("<BHdB", 0, 0, 0.1, 0) + struct.pack("<H", 1)
                       + bytes(785)), "batch size 0"),
    "NaN rate": (forged(bytes([1, 1]) + struct.pack("<BHdB", 0, 64, float("nan"), 0) + struct.pack("<H", 1)
                        + bytes(785)), "learning rate"),
    "cut in settings": (forged(bytes([1, 1, 0, 64])), "inside its settings"),
    "stored, not deflated": (forged(bytes([1, 0]) + struct.pack("<H", 1) + bytes(785), compress=False),
                             "do not decompress|checksum"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_is_no_link_of_digits_is_refused_with_its_reason(name):
    fragment, reason = REFUSED[name]
    with pytest.raises(BadLink, match=reason):
        share_link.decode(fragment)


def test_cut_short_or_changed_anywhere_it_is_refused():
    labels, pixels = digits(5)
    fragment, _ = share_link.encode(labels, pixels, SETTINGS, ROOM)
    body = fragment[len(share_link.PREFIX):]
    whole = vars(share_link.decode(fragment))
    for cut in range(1, len(body)):
        try:        # the last character may hold nothing but the end of deflate's stream
            assert vars(share_link.decode(share_link.PREFIX + body[:cut])) == whole and cut >= len(body) - 2
        except BadLink as refused:
            assert "cut short" in str(refused)
    rng = random.Random(24)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_%<>\"'&#=+/ "
    for _ in range(500):
        chars = list(body)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars))
            action = rng.randrange(3)
            if action == 0:
                chars[at] = rng.choice(alphabet)
            elif action == 1:
                del chars[at]
            else:
                chars.insert(at, rng.choice(alphabet))
        changed = "".join(chars)
        if changed == body:
            continue
        with pytest.raises(BadLink) as refused:
            share_link.decode(share_link.PREFIX + changed)
        assert str(refused.value)


def test_the_page_s_micropython_writes_and_reads_the_same_links():
    """MicroPython compresses with its own deflate: CPython reads its links, it
    reads CPython's, and it refuses what CPython refuses, with the same reasons."""
    labels, pixels = digits(40, start=100)
    python_made, n = share_link.encode(labels, pixels, SETTINGS, ROOM)
    cases = {name: fragment for name, (fragment, _) in REFUSED.items()}
    program = """
import json
from shared import share_link
LABELS, PIXELS = %s, [bytes(p) for p in %s]
SETTINGS = %s
fragment, n = share_link.encode(LABELS, PIXELS, SETTINGS, %d)
print(json.dumps([fragment, n]))
shared = share_link.decode(%s)
print(json.dumps([shared.labels, [list(p) for p in shared.pixels], shared.settings]))
for name, fragment in sorted(%s.items()):
    try:
        share_link.decode(fragment)
        print(json.dumps([name, None]))
    except share_link.BadLink as error:
        print(json.dumps([name, str(error)]))
""" % (json.dumps(labels), json.dumps([list(p) for p in pixels]), repr(SETTINGS), ROOM,
       json.dumps(python_made), json.dumps(cases))
    lines = [json.loads(line) for line in micropython.run(program).splitlines() if line]
    micropython_made, micropython_n = lines[0]
    # Its deflate has a 512-byte window (a larger one costs 27 times the time): 33 against 37 here.
    assert len(micropython_made) <= ROOM and micropython_n >= 0.8 * n
    shared = share_link.decode(micropython_made)
    assert shared.labels == labels[-micropython_n:] and shared.pixels == pixels[-micropython_n:]
    assert shared.settings == SETTINGS
    assert lines[1] == [labels[-n:], [list(p) for p in pixels[-n:]], SETTINGS]
    for name, reason in lines[2:]:
        assert reason is not None, name
        with pytest.raises(BadLink) as refused:
            share_link.decode(cases[name])
        assert str(refused.value) == reason, name
