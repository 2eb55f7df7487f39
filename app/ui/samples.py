"""Held-out samples for the page: the test blocks stay JavaScript buffers, and
only the one sample asked for becomes Python bytes (MicroPython copies bytes
from JavaScript one by one: 785 are instant, a whole block is not)."""
import random

import js

from shared import blocks, shipped
from ui.fetching import fetch_body


class TestSamples:
    def __init__(self):
        self.buffers = []      # Uint8Array per block
        self.counts = []
        self.shown = None      # the index random() gave last

    async def load(self, manifest):
        for entry in manifest["test"]:
            buffer = js.Uint8Array.new(await fetch_body(shipped.DATA + entry["file"], "arrayBuffer"))
            if buffer.length != entry["bytes"]:
                raise OSError("%s: %d bytes, expected %d" % (entry["file"], buffer.length, entry["bytes"]))
            self.buffers.append(buffer)
            self.counts.append(entry["samples"])

    def __len__(self):
        return sum(self.counts)

    def get(self, index):
        """(label, its pixels: shared/digit.py's floats in [0, 1]) of held-out sample `index`."""
        offset = index
        for buffer, count in zip(self.buffers, self.counts):
            if offset < count:
                start = offset * blocks.RECORD_BYTES
                record = bytes(buffer.subarray(start, start + blocks.RECORD_BYTES))
                return record[0], [b / 255 for b in record[1:]]
            offset -= count
        raise IndexError("no held-out sample %d" % index)

    def random(self):
        """Another sample than the last one shown: a click that changes nothing looks broken."""
        count = len(self)
        if self.shown is None or count < 2:
            index = random.randrange(count)
        else:
            index = random.randrange(count - 1)
            if index >= self.shown:     # skip the last one
                index += 1
        self.shown = index
        return index, self.get(index)

