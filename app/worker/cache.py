"""Data processes: asyncio tasks that prefetch blocks into a bounded cache.

`fill()` starts fetches until cached + in-flight blocks reach the cache size;
the trainer calls it every iteration. Batches are cut from the cached samples
at whatever batch size is current, spanning blocks when needed, so no block is
ever thrown away for being the wrong size. A block leaves the cache once all
its samples have been handed out, which frees a slot for the next fetch.

Each block is checked against the manifest (blocks.check) when it first
arrives; its later visits (at 80,000 samples/s the whole set comes round ten
times a second) are checked against the CRC-32 of the bytes checked then: a
sixth of sha256's time, which had been 15% of the worker's.

A download that fails, or arrives corrupt, is counted and tried again with
backoff; a block failing all its attempts is skipped until the next epoch. When
blocks fail one after another (OUTAGE_AFTER different ones, none arriving in
between), the data is taken to be out of reach if OUTAGE_AFTER of them had
arrived fine before, or none ever has, or the failures have gone on for
OUTAGE_QUIET_S: from then on one request at a time probes for it,
PROBE_EVERY_S apart, so a page left open for hours asks a dead host little,
and training goes on by itself with the first block that arrives. Blocks that
never arrived fine are damaged on the host, or not yet seen: three of nine
damaged ones once stalled training behind the probe, so they count only
with time.
"""
import asyncio
import functools
import random
import time
import zlib
from collections import deque

import numpy as np

from shared import blocks, settings

RETRY_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # seconds between attempts at one block
OUTAGE_AFTER = 3                  # blocks failing in a row: the data is out of reach
OUTAGE_QUIET_S = 3.0              # or failing, with none arriving, this long
PROBE_EVERY_S = RETRY_DELAYS[-1]  # then, one request at a time, at most this often
OK, UNREACHABLE, CORRUPT = "ok", "unreachable", "corrupt"   # state(): why no batch can be cut


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
    def __init__(self, entries, fetch, size=settings.CACHE_SIZE.default, seed=0, sleep=asyncio.sleep, clock=time.monotonic):
        """entries: manifest block entries; fetch: async (entry) -> bytes."""
        self.entries = list(entries)
        self.fetch = fetch
        self.size = size
        self.sleep = sleep
        self.rng = np.random.default_rng(seed)
        self.shuffle = random.Random(seed)
        self.queue = []           # entries still to visit this epoch
        self.blocks = deque()     # CachedBlock, oldest first
        self.in_flight = {}       # file: the asyncio task fetching it
        self.fetch_errors = 0
        self.corrupt_blocks = 0
        self.crc32 = {}           # file: CRC-32 of its bytes as checked on first arrival
                                  # (so also: the blocks that have arrived fine)
        self.failing = set()      # blocks failed since the last one arrived
        self.failing_since = 0.0  # self.clock() at the first of those failures
        self.clock = clock
        self.failure = OK         # how the last download failed: UNREACHABLE or CORRUPT
        self.probe = asyncio.Lock()   # held by the one request of an outage
        self.arrived = asyncio.Event()

    def samples(self):
        return sum(block.remaining() for block in self.blocks)

    def next_entry(self):
        if not self.queue:
            self.queue = self.entries[:]
            self.shuffle.shuffle(self.queue)
        return self.queue.pop()

    def fill(self):
        """Start fetches until cached + in-flight blocks reach the cache size.
        A block still on its way (retrying, say) is passed over this epoch: a
        damaged one must not fill the slots with copies of its retries."""
        passed = 0
        while (self.entries and len(self.blocks) + len(self.in_flight) < self.size
               and passed < len(self.entries)):
            entry = self.next_entry()
            if entry["file"] in self.in_flight:
                passed += 1
                continue
            task = asyncio.ensure_future(self.load(entry))
            self.in_flight[entry["file"]] = task
            # load() leaves in_flight itself; this is for a task cancelled unstarted
            task.add_done_callback(functools.partial(self.landed, entry["file"]))

    async def load(self, entry):
        """Fetch one block, retrying with backoff; a block that keeps failing is
        skipped this epoch (the next visits it again)."""
        for delay in RETRY_DELAYS + (None,):
            data = await self.attempt(entry)
            if data is not None:
                self.blocks.append(CachedBlock(data, self.rng))
                break
            if delay is not None:
                await self.sleep(delay)
        # Leave in_flight now: the done callback runs a loop turn later, and a
        # fill() in between would see no free slot and start no fetch.
        self.landed(entry["file"], asyncio.current_task())
        self.arrived.set()

    def landed(self, name, task):
        """The task fetching block `name` is done (a later one may be under way)."""
        if self.in_flight.get(name) is task:
            del self.in_flight[name]

    def outage(self):
        if len(self.failing) < min(OUTAGE_AFTER, len(self.entries)):
            return False
        arrived_before = sum(name in self.crc32 for name in self.failing)
        # With none ever arrived the first test holds at once (min(..., 0) is 0).
        return (arrived_before >= min(OUTAGE_AFTER, len(self.crc32))
                or self.clock() - self.failing_since >= OUTAGE_QUIET_S)

    async def attempt(self, entry):
        """One download: the block's checked bytes, or None. In an outage,
        downloads queue for the probe, and a failed one holds it PROBE_EVERY_S."""
        if not self.outage():
            return await self.download(entry)
        async with self.probe:
            data = await self.download(entry)
            if data is None and self.outage():    # not for a damaged block once others came
                await self.sleep(PROBE_EVERY_S)
            return data

    async def download(self, entry):
        """The block's bytes if they arrive as the manifest says; else None, the
        failure counted (a fetch error, or a corrupt block never kept)."""
        try:
            data = await self.fetch(entry)
        except Exception:  # any failed fetch: network, HTTP status, a body broken off
            self.fetch_errors += 1
            return self.failed(entry, UNREACHABLE)
        try:
            self.check(data, entry)
        except blocks.CorruptBlock:
            self.corrupt_blocks += 1
            return self.failed(entry, CORRUPT)
        self.failing.clear()
        return data

    def check(self, data, entry):
        """CorruptBlock unless data is the block the manifest describes, or
        the one it described on an earlier visit."""
        name = entry["file"]
        known = self.crc32.get(name)
        if known is None:
            blocks.check(data, entry)
            self.crc32[name] = zlib.crc32(data)
        elif zlib.crc32(data) != known or len(data) != entry["bytes"]:
            raise blocks.CorruptBlock("%s: not the bytes it had when checked" % name)

    def failed(self, entry, why):
        if not self.failing:
            self.failing_since = self.clock()
        self.failing.add(entry["file"])
        self.failure = why

    def state(self, n):
        """OK; or, while no batch of n can be cut and the data is out of reach,
        how its downloads fail: UNREACHABLE or CORRUPT."""
        return self.failure if self.outage() and not self.ready(n) else OK

    def full(self):
        return len(self.blocks) >= self.size

    def ready(self, n):
        """A batch of n can be cut: n samples are cached, or the cache is full of fewer."""
        return self.samples() >= n or (self.full() and bool(self.blocks))

    async def wait_for(self, n, give_up=lambda: False, timeout=None):
        """Wait (without spinning) until a batch of n can be cut; or until
        give_up() is true when checked (wake() makes it check at once), or no
        block arrived for `timeout` seconds. True if a batch can be cut."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self.ready(n) and not give_up():
            if deadline is not None and loop.time() >= deadline:
                break
            self.arrived.clear()
            self.fill()
            # A timer wakes the wait, not asyncio.wait_for: that one can swallow a
            # cancel that comes as the event is set (CPython before 3.12).
            timer = None if deadline is None else loop.call_at(deadline, self.wake)
            try:
                await self.arrived.wait()
            finally:
                if timer is not None:
                    timer.cancel()
        return self.ready(n)

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
