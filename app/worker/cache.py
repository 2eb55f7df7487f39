"""Data processes: asyncio tasks that prefetch blocks into a bounded cache.

`fill()` starts fetches until cached + in-flight blocks reach the cache size;
the trainer calls it every iteration. Batches are cut from the cached samples
at whatever batch size is current, spanning blocks when needed, so no block is
ever thrown away for being the wrong size. A block leaves the cache once all
its samples have been handed out, which frees a slot for the next fetch.
"""
import asyncio
import random
from collections import deque

import numpy as np

from shared import blocks

RETRY_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # seconds between attempts at one block


def to_unit_range(pixels):
    """uint8 pixels as float32 in [0, 1], the model's input."""
    return pixels.astype(np.float32) / np.float32(255)


def decode_samples(data):
    """Checked block bytes as (float32 pixels in [0, 1], int labels)."""
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, blocks.RECORD_BYTES)
    return to_unit_range(records[:, 1:]), records[:, 0].astype(np.int64)


class CachedBlock:
    def __init__(self, data, rng):
        records = np.frombuffer(data, dtype=np.uint8).reshape(-1, blocks.RECORD_BYTES)
        order = rng.permutation(len(records))
        self.labels = records[order, 0].astype(np.int64)
        self.pixels = records[order, 1:]
        self.used = 0

    def remaining(self):
        return len(self.labels) - self.used

    def take(self, n):
        n = min(n, self.remaining())
        start, self.used = self.used, self.used + n
        return self.pixels[start:self.used], self.labels[start:self.used]


class BlockCache:
    def __init__(self, entries, fetch, size=8, seed=0, sleep=asyncio.sleep):
        """entries: manifest block entries; fetch: async (entry) -> bytes."""
        self.entries = list(entries)
        self.fetch = fetch
        self.size = size
        self.sleep = sleep
        self.rng = np.random.default_rng(seed)
        self.shuffle = random.Random(seed)
        self.queue = []           # entries still to visit this epoch
        self.blocks = deque()     # CachedBlock, oldest first
        self.in_flight = set()    # asyncio tasks
        self.fetch_errors = 0
        self.corrupt_blocks = 0
        self.arrived = asyncio.Event()

    def samples(self):
        return sum(block.remaining() for block in self.blocks)

    def next_entry(self):
        if not self.queue:
            self.queue = self.entries[:]
            self.shuffle.shuffle(self.queue)
        return self.queue.pop()

    def fill(self):
        """Start fetches until cached + in-flight blocks reach the cache size."""
        while self.entries and len(self.blocks) + len(self.in_flight) < self.size:
            task = asyncio.ensure_future(self.load(self.next_entry()))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)   # also if cancelled unstarted

    async def load(self, entry):
        """Fetch one block, retrying with backoff; a block that keeps failing is
        skipped this epoch, and corrupt blocks are counted, never kept."""
        data = None
        for delay in RETRY_DELAYS + (None,):
            try:
                data = await self.fetch(entry)
                break
            except Exception:  # any failed fetch: network, HTTP status, decoding
                self.fetch_errors += 1
                if delay is not None:
                    await self.sleep(delay)
        if data is not None:
            try:
                blocks.check(data, entry)
            except blocks.CorruptBlock:
                self.corrupt_blocks += 1
                await self.sleep(RETRY_DELAYS[0])   # a store of bad blocks is not a busy loop
            else:
                self.blocks.append(CachedBlock(data, self.rng))
        # Leave in_flight now: the done callback runs a loop turn later, and a
        # fill() in between would see no free slot and start no fetch.
        self.in_flight.discard(asyncio.current_task())
        self.arrived.set()

    def full(self):
        return len(self.blocks) >= self.size

    async def wait_for(self, n, give_up=lambda: False):
        """Wait (without spinning) until a batch of n can be cut: n samples are
        cached, or the cache is full of fewer samples than n; or until give_up()
        is true when checked (wake() makes it check at once)."""
        while self.samples() < n and not (self.full() and self.blocks) and not give_up():
            self.arrived.clear()
            self.fill()
            await self.arrived.wait()

    def wake(self):
        self.arrived.set()

    def take(self, n):
        """Up to n samples as (float32 pixels in [0, 1], int labels); call after wait_for."""
        pixels, labels = [], []
        while n and self.blocks:
            p, l = self.blocks[0].take(n)
            pixels.append(p)
            labels.append(l)
            n -= len(l)
            if not self.blocks[0].remaining():
                self.blocks.popleft()
        return to_unit_range(np.concatenate(pixels)), np.concatenate(labels)

    def resize(self, size):
        """Shrinking drops the newest cached blocks beyond the new size; fetches
        already in flight finish and are kept until consumed."""
        self.size = size
        while len(self.blocks) > size:
            self.blocks.pop()
