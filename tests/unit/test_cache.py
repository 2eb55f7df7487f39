"""worker/cache.py: the bounded block cache, driven under asyncio with fake fetchers,
on a simulated clock (tests/harness/simulated_time.py): what the cache does in
an outage is timed in its own seconds, never the machine's."""
import asyncio
import random

import numpy as np
import pytest

from shared import blocks
from worker import cache as cache_module
from worker.cache import BlockCache
from tests.harness.simulated_time import clock, run

BLOCK = 50          # samples per synthetic block


# -- synthetic blocks ---------------------------------------------------------

def sample_pixels(ids, marker=1):
    """Each sample carries its id in pixels 0-1 and a marker in pixel 2."""
    pixels = np.zeros((len(ids), blocks.PIXELS), np.uint8)
    ids = np.asarray(ids)
    pixels[:, 0], pixels[:, 1], pixels[:, 2] = ids // 256, ids % 256, marker
    pixels[:, 3:] = (ids[:, None] * 7 + np.arange(blocks.PIXELS - 3)) % 256
    return pixels.tobytes()


def make_block(name, ids, marker=1, labels=None):
    labels = [i % 10 for i in ids] if labels is None else labels
    data = blocks.encode(labels, sample_pixels(ids, marker))
    entry = {"file": name, "samples": len(ids), "bytes": len(data),
             "sha256": blocks.sha256_hex(data)}
    return entry, data


def make_store(n_blocks, samples=BLOCK, first_id=0):
    """n_blocks good blocks; sample ids first_id .. first_id + n_blocks*samples - 1."""
    entries, store = [], {}
    for b in range(n_blocks):
        ids = list(range(first_id + b * samples, first_id + (b + 1) * samples))
        entry, data = make_block("train-%03d.bin" % b, ids)
        entries.append(entry)
        store[entry["file"]] = data
    return entries, store


def ids_of(X):
    raw = np.rint(X * 255).astype(np.int64)
    return raw[:, 0] * 256 + raw[:, 1]


def markers_of(X):
    return np.rint(X[:, 2] * 255).astype(np.int64)


class Fetcher:
    """Async fake of the worker's block fetch: counts calls and concurrency.

    gated: every call waits until the test releases it;
    fail: {file: number of failures before it succeeds};
    serve: {file: list of payloads to return first (then the store's)}.
    """

    def __init__(self, store, gated=False, fail=None, serve=None, yields=1):
        self.store = store
        self.gated = gated
        self.fail = dict(fail or {})
        self.serve = {k: list(v) for k, v in (serve or {}).items()}
        self.yields = yields
        self.calls = []
        self.active = self.max_active = 0
        self.gates = []

    async def __call__(self, entry):
        name = entry["file"]
        self.calls.append(name)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if self.gated:
                gate = asyncio.Event()
                self.gates.append(gate)
                await gate.wait()
            else:
                for _ in range(self.yields):
                    await asyncio.sleep(0)
            if self.fail.get(name, 0) > 0:
                self.fail[name] -= 1
                raise [OSError, ValueError, RuntimeError][self.fail[name] % 3]("fetch failed")
            if self.serve.get(name):
                return self.serve[name].pop(0)
            return self.store[name]
        finally:
            self.active -= 1

    def release(self, n=None):
        waiting = [g for g in self.gates if not g.is_set()]
        for gate in waiting[:n]:
            gate.set()


async def settle(rounds=10):
    for _ in range(rounds):
        await asyncio.sleep(0)


def new_cache(entries, fetch, **options):
    """A BlockCache whose clock is the simulated loop's."""
    return BlockCache(entries, fetch, clock=clock, **options)


class FastSleep:
    def __init__(self):
        self.delays = []

    async def __call__(self, delay):
        self.delays.append(delay)
        await asyncio.sleep(0)


# -- fill ----------------------------------------------------------------------

def test_fill_starts_exactly_the_missing_fetches():
    async def scenario():
        entries, store = make_store(8)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=5)
        assert len(cache.in_flight) == 0 and len(fetch.calls) == 0
        cache.fill()
        assert len(cache.in_flight) == 5
        await settle()
        assert len(fetch.calls) == 5
        assert fetch.max_active == 5          # all five run at the same time
        assert len(set(fetch.calls)) == 5     # five different blocks
        cache.fill()
        await settle()
        assert len(fetch.calls) == 5          # nothing missing, nothing started

        fetch.release(2)
        await settle()
        assert len(cache.blocks) == 2 and len(cache.in_flight) == 3
        cache.fill()
        await settle()
        assert len(fetch.calls) == 5          # 2 cached + 3 in flight = size

        X, y = cache.take(BLOCK)              # empties the oldest block
        assert len(y) == BLOCK and len(cache.blocks) == 1
        cache.fill()
        assert len(cache.in_flight) == 4
        await settle()
        assert len(fetch.calls) == 6          # exactly one slot was free

        cache.resize(8)
        cache.fill()                          # 8 - 1 cached - 4 in flight = 3
        await settle()
        assert len(fetch.calls) == 9
        assert len(cache.in_flight) == 7
        fetch.release()
        await settle()
        assert len(cache.blocks) == 8 and not cache.in_flight
    run(scenario())


def test_fill_visits_every_entry_once_per_epoch():
    async def scenario():
        entries, store = make_store(6)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=12)
        cache.fill()
        await settle()
        names = sorted(e["file"] for e in entries)
        assert sorted(fetch.calls) == names     # a block on its way is not asked for again
        fetch.release()
        await settle()
        cache.fill()                            # the next epoch's copies, once those arrived
        await settle()
        assert sorted(fetch.calls[6:]) == names
        fetch.release()
        await settle()
        assert len(cache.blocks) == 12
    run(scenario())


def test_epoch_order_is_shuffled_and_seeded():
    async def order(seed):
        entries, store = make_store(20)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=20, seed=seed)
        cache.fill()
        await settle()
        fetch.release()
        await settle()
        return fetch.calls

    first, again, other = run(order(1)), run(order(1)), run(order(2))
    assert first == again
    assert first != other
    assert first != sorted(first) and first != sorted(first, reverse=True)


# -- batches ---------------------------------------------------------------------

def test_batches_of_any_size_span_blocks_and_hand_out_each_sample_once():
    async def scenario():
        n_blocks, size = 8, 3
        entries, store = make_store(n_blocks)
        cache = new_cache(entries, Fetcher(store), size=size, seed=5)
        epoch = n_blocks * BLOCK
        taken = []
        sizes = [7, 64, 1000, 7, 7, 64, 33]
        i = 0
        while len(taken) < 2 * epoch:
            n = sizes[i % len(sizes)]
            i += 1
            await cache.wait_for(n)
            available = cache.samples()
            X, y = cache.take(n)
            assert X.dtype == np.float32 and X.shape == (len(y), blocks.PIXELS)
            assert y.dtype == np.int64
            assert 0.0 <= X.min() and X.max() <= 1.0
            assert len(y) == min(n, available)
            if n <= size * BLOCK:
                assert len(y) == n          # spans blocks when needed
            ids = ids_of(X)
            np.testing.assert_array_equal(y, ids % 10)   # labels stay with their pixels
            taken.extend(ids.tolist())
            assert len(cache.blocks) <= size
            await asyncio.sleep(0)          # as Trainer.run does between steps
        first, second = taken[:epoch], taken[epoch:2 * epoch]
        assert sorted(first) == list(range(epoch))       # each sample exactly once
        assert sorted(second) == list(range(epoch))
        assert first != second                           # reshuffled
    run(scenario())


def test_samples_within_a_block_are_shuffled():
    async def scenario():
        entries, store = make_store(1)
        cache = new_cache(entries, Fetcher(store), size=1, seed=0)
        await cache.wait_for(BLOCK)
        X, y = cache.take(BLOCK)
        ids = ids_of(X).tolist()
        assert sorted(ids) == list(range(BLOCK)) and ids != list(range(BLOCK))
    run(scenario())


def test_pixels_are_scaled_bytes():
    async def scenario():
        entries, store = make_store(1)
        cache = new_cache(entries, Fetcher(store), size=1)
        await cache.wait_for(BLOCK)
        X, y = cache.take(BLOCK)
        raw = np.frombuffer(store[entries[0]["file"]], np.uint8).reshape(-1, blocks.RECORD_BYTES)
        by_id = {int(r[1]) * 256 + int(r[2]): r[1:] for r in raw}
        for row, sample_id in zip(X, ids_of(X)):
            np.testing.assert_allclose(row, by_id[int(sample_id)] / 255, rtol=1e-6, atol=1e-7)
    run(scenario())


def test_batch_larger_than_the_full_cache_returns_what_it_holds():
    async def scenario():
        entries, store = make_store(6)
        fetch = Fetcher(store)
        cache = new_cache(entries, fetch, size=2)
        await cache.wait_for(1000)
        assert cache.full() and cache.samples() == 2 * BLOCK
        X, y = cache.take(1000)
        assert len(y) == 2 * BLOCK
        assert len(set(ids_of(X).tolist())) == 2 * BLOCK
        await asyncio.sleep(0)
        # and again once partly consumed: whatever the full cache holds
        await cache.wait_for(30)
        cache.take(30)
        await asyncio.sleep(0)
        await cache.wait_for(1000)
        held = cache.samples()
        assert cache.full() and held < 2 * BLOCK + 1
        X, y = cache.take(1000)
        assert len(y) == held
        assert len(fetch.calls) <= 6
    run(scenario())


def test_cache_never_holds_more_than_size_blocks():
    async def scenario():
        rng = random.Random(3)
        entries, store = make_store(10, samples=20)

        class Jittery(Fetcher):
            async def __call__(self, entry):
                self.yields = rng.randint(0, 6)
                return await super().__call__(entry)

        size = 4
        cache = new_cache(entries, Jittery(store), size=size)
        seen = 0
        for _ in range(150):
            cache.fill()
            assert len(cache.blocks) <= size
            n = rng.choice([1, 7, 19, 40, 64, 500])
            await cache.wait_for(n)
            assert len(cache.blocks) <= size
            X, y = cache.take(n)
            seen += len(y)
            assert len(cache.blocks) <= size
            await settle(rng.randint(0, 3))
            assert len(cache.blocks) <= size
        assert seen > 10 * 20
    run(scenario())


# -- waiting ---------------------------------------------------------------------

def test_wait_for_does_not_spin_while_fetches_are_slow():
    async def scenario():
        entries, store = make_store(6)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=3)
        fills = []
        real_fill = cache.fill
        cache.fill = lambda: (fills.append(1), real_fill())
        waiter = asyncio.ensure_future(cache.wait_for(2 * BLOCK))
        await settle(500)                    # lots of chances to spin
        assert not waiter.done()
        assert len(fills) == 1               # one pass of the loop, then asleep
        assert len(fetch.calls) == 3         # no extra fetches started
        fetch.release(1)
        await settle()
        assert not waiter.done()             # 50 samples cached, 100 wanted
        assert len(fills) == 2
        fetch.release(1)
        await settle()
        assert waiter.done()
        assert len(fills) <= 3
        assert len(fetch.calls) == 3
        fetch.release()
        await settle()
    run(scenario())


def test_wait_for_with_real_slow_fetches():
    async def scenario():
        entries, store = make_store(4)
        calls, active = [], [0, 0]

        async def slow_fetch(entry):
            calls.append(entry["file"])
            active[0] += 1
            active[1] = max(active)
            await asyncio.sleep(0.05)
            active[0] -= 1
            return store[entry["file"]]

        cache = new_cache(entries, slow_fetch, size=2)
        fills = []
        real_fill = cache.fill
        cache.fill = lambda: (fills.append(1), real_fill())
        loop = asyncio.get_running_loop()
        start = loop.time()
        await cache.wait_for(2 * BLOCK)
        assert loop.time() - start >= 0.045  # really waited for the network
        assert len(calls) == 2               # two fetches, no more
        assert active[1] == 2                # running at the same time
        assert len(fills) <= 3               # woken once per arrival, no spinning
    run(scenario())


def test_wait_for_returns_at_once_when_enough_is_cached():
    async def scenario():
        entries, store = make_store(3)
        fetch = Fetcher(store)
        cache = new_cache(entries, fetch, size=3)
        await cache.wait_for(3 * BLOCK)
        calls = len(fetch.calls)
        await cache.wait_for(10)
        assert len(fetch.calls) == calls
    run(scenario())


# -- failures --------------------------------------------------------------------

def test_failing_fetches_are_retried_with_backoff_and_counted():
    async def scenario():
        entries, store = make_store(6)
        names = [e["file"] for e in entries]
        fetch = Fetcher(store, fail={names[0]: 3, names[1]: 2})
        sleep = FastSleep()
        cache = new_cache(entries, fetch, size=6, sleep=sleep)
        await cache.wait_for(6 * BLOCK)
        assert cache.fetch_errors == 5
        assert cache.corrupt_blocks == 0
        assert len(cache.blocks) == 6
        assert fetch.calls.count(names[0]) == 4 and fetch.calls.count(names[1]) == 3
        delays = cache_module.RETRY_DELAYS
        assert sorted(sleep.delays) == sorted(list(delays[:3]) + list(delays[:2]))
        X, y = cache.take(6 * BLOCK)
        assert sorted(ids_of(X).tolist()) == list(range(6 * BLOCK))
    run(scenario())


def test_a_block_that_keeps_failing_is_skipped_and_frees_its_slot():
    async def scenario():
        entries, store = make_store(4)
        name = entries[0]["file"]
        fetch = Fetcher(store, fail={name: 10 ** 6})          # a block gone from the server
        sleep = FastSleep()
        cache = new_cache(entries, fetch, size=1, sleep=sleep)
        cache.queue = entries[1:] + entries[:1]                # the bad block first
        cache.fill()
        task = next(iter(cache.in_flight.values()))
        await asyncio.wait_for(task, 1.0)                      # gives up, does not hang
        attempts = len(cache_module.RETRY_DELAYS) + 1
        assert fetch.calls.count(name) == attempts and cache.fetch_errors == attempts
        assert sleep.delays == list(cache_module.RETRY_DELAYS)   # one bad block: no outage
        assert not cache.in_flight and len(cache.blocks) == 0
        assert cache.state(1) == cache_module.OK
        stop = []
        waiter = asyncio.ensure_future(cache.wait_for(1, give_up=lambda: bool(stop)))
        await asyncio.sleep(0)
        stop.append(True)
        cache.wake()                                           # what Stop does
        await asyncio.wait_for(waiter, 1.0)
    run(scenario())


def test_a_skipped_block_comes_back_in_the_next_epoch_once_it_can_be_had():
    async def scenario():
        entries, store = make_store(4)
        name = entries[0]["file"]
        fetch = Fetcher(store, fail={name: len(cache_module.RETRY_DELAYS) + 1})
        cache = new_cache(entries, fetch, size=4, sleep=FastSleep())
        seen = set()
        for _ in range(16):                                    # four epochs
            await cache.wait_for(BLOCK)
            seen.update((ids_of(cache.take(BLOCK)[0]) // BLOCK).tolist())
        assert 0 in seen and seen == {0, 1, 2, 3}
        assert cache.fetch_errors == len(cache_module.RETRY_DELAYS) + 1
    run(scenario())


def test_retry_delays_grow():
    delays = cache_module.RETRY_DELAYS
    assert list(delays) == sorted(delays) and delays[0] > 0
    assert cache_module.PROBE_EVERY_S >= delays[-1]


# -- an outage: every download fails for a while ----------------------------------

class Host:
    """A fake host for the cache: up or down, recording the time of each request
    (on the simulated clock) and how many were under way at once."""

    def __init__(self, store, down=False):
        self.store = store
        self.down = down
        self.requests = []      # when, in simulated seconds
        self.active = self.max_active = 0

    async def fetch(self, entry):
        self.requests.append(clock())
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await asyncio.sleep(0)
            if self.down:
                raise OSError("HTTP 500")
            return self.store[entry["file"]]
        finally:
            self.active -= 1


def test_an_outage_is_said_probed_one_request_at_a_time_and_ends_by_itself():
    async def scenario():
        entries, store = make_store(17)
        host = Host(store, down=True)
        cache = new_cache(entries, host.fetch, size=8)
        assert cache.state(BLOCK) == cache_module.OK           # nothing tried yet
        waiter = asyncio.ensure_future(cache.wait_for(BLOCK))
        await asyncio.sleep(1.0)
        assert cache.state(BLOCK) == cache_module.UNREACHABLE
        first = len(host.requests)
        assert first <= 2 * 8                                  # the first round, then the probe
        await asyncio.sleep(300)                               # five minutes of outage
        outage = host.requests[first:]
        assert host.max_active == 8 and not waiter.done()
        assert 300 / cache_module.PROBE_EVERY_S / 2 <= len(outage) <= 300 / cache_module.PROBE_EVERY_S + 1
        gaps = [b - a for a, b in zip(outage, outage[1:])]
        assert min(gaps) >= 0.99 * cache_module.PROBE_EVERY_S    # one at a time, spaced
        assert cache.fetch_errors == len(host.requests) and cache.corrupt_blocks == 0
        host.down = False                                      # the host is back
        await asyncio.wait_for(waiter, 2 * cache_module.PROBE_EVERY_S + 1.0)
        assert cache.state(BLOCK) == cache_module.OK
        await cache.wait_for(8 * BLOCK)                        # and the cache fills at full width
        assert len(cache.blocks) == 8
    run(scenario(), timeout=600)


def test_blocks_damaged_on_the_host_are_no_outage_and_never_fill_the_cache():
    """Three of nine blocks always arrive damaged (as in the browser's fault
    test): training goes on from the other six, one fetch of each at a time."""
    async def scenario():
        entries, store = make_store(9)
        for name in ("train-002.bin", "train-005.bin", "train-008.bin"):
            store[name] = store[name][:-1]
        cache = new_cache(entries, Fetcher(store), size=8, sleep=FastSleep())
        taken = set()
        for _ in range(60):
            assert await cache.wait_for(BLOCK, timeout=1.0)
            assert not cache.outage()
            taken.update(ids_of(cache.take(BLOCK)[0]).tolist())
            cache.fill()
        good = [i for b in (0, 1, 3, 4, 6, 7) for i in range(b * BLOCK, (b + 1) * BLOCK)]
        assert taken == set(good) and cache.corrupt_blocks >= 3
    run(scenario())


def test_a_host_that_goes_down_after_a_few_blocks_is_an_outage_within_seconds():
    async def scenario():
        entries, store = make_store(9)
        host = Host(store)
        cache = new_cache(entries, host.fetch, size=4)
        assert await cache.wait_for(4 * BLOCK, timeout=1.0)
        host.down = True                      # four blocks arrived fine, then the host died
        cache.take(4 * BLOCK)
        waiter = asyncio.ensure_future(cache.wait_for(BLOCK))
        await asyncio.sleep(cache_module.OUTAGE_QUIET_S + 1)
        assert cache.state(BLOCK) == cache_module.UNREACHABLE
        host.down = False
        await asyncio.wait_for(waiter, 2 * cache_module.PROBE_EVERY_S + 1.0)   # the next probe
    run(scenario(), timeout=60)


def test_a_hiccup_of_good_blocks_among_damaged_ones_stalls_nothing():
    async def scenario():
        entries, store = make_store(9)
        for name in ("train-002.bin", "train-005.bin", "train-008.bin"):
            store[name] = store[name][:-1]
        fetch = Fetcher(store)
        cache = new_cache(entries, fetch, size=8)
        for i in range(60):
            if i == 20:                       # a short hiccup of two good blocks
                fetch.fail = {"train-000.bin": 2, "train-001.bin": 2}
                start = clock()
            assert await cache.wait_for(BLOCK, timeout=2.0)
            cache.take(BLOCK)
            cache.fill()
        assert clock() - start < cache_module.PROBE_EVERY_S   # never behind a probe's pause
    run(scenario(), timeout=120)


def test_an_outage_of_corrupt_downloads_says_so_and_trains_on_nothing():
    async def scenario():
        entries, store = make_store(5)
        host = Host({name: data[:-1] for name, data in store.items()})   # all cut short
        cache = new_cache(entries, host.fetch, size=2)
        waiter = asyncio.ensure_future(cache.wait_for(1))
        await asyncio.sleep(60)
        assert cache.state(1) == cache_module.CORRUPT and cache.samples() == 0
        first_round = 2 * (len(cache_module.RETRY_DELAYS) + 1)   # two blocks are no outage yet
        # then the next two blocks' first tries (both set out before either failed), then probes
        assert cache.corrupt_blocks == len(host.requests) <= first_round + 2 + 60 / cache_module.PROBE_EVERY_S
        host.store = store
        await asyncio.wait_for(waiter, 2 * cache_module.PROBE_EVERY_S + 1.0)   # the next probe
        assert cache.state(1) == cache_module.OK
    run(scenario(), timeout=120)


class CountingLock(asyncio.Lock):
    def __init__(self):
        super().__init__()
        self.taken = 0

    async def acquire(self):
        self.taken += 1
        return await super().acquire()


def test_a_few_bad_blocks_among_good_ones_are_no_outage():
    async def scenario():
        entries, store = make_store(17)
        bad = {e["file"] for e in entries[:cache_module.OUTAGE_AFTER - 1]}   # blocks 0 and 1
        fetch = Fetcher(store, fail={name: 10 ** 6 for name in bad})
        sleep = FastSleep()
        cache = new_cache(entries, fetch, size=8, sleep=sleep)
        cache.probe = CountingLock()
        trained_on = set()
        for _ in range(60):                                    # 3,000 samples, 3.5 epochs
            assert await cache.wait_for(BLOCK, timeout=1.0)
            assert cache.state(BLOCK) == cache_module.OK
            X, _ = cache.take(BLOCK)
            trained_on.update((ids_of(X) // BLOCK).tolist())
        assert trained_on == set(range(2, 17))                 # every good block, no bad one
        assert cache.probe.taken == 0                          # never throttled as an outage
        assert cache.fetch_errors >= len(bad) * (len(cache_module.RETRY_DELAYS) + 1)
    run(scenario())


def test_wait_for_gives_up_after_its_timeout_with_nothing_arrived():
    async def scenario():
        entries, store = make_store(2)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=2)
        assert await cache.wait_for(BLOCK, timeout=0.01) is False
        fetch.release()
        assert await cache.wait_for(BLOCK, timeout=1.0) is True
    run(scenario())


def corrupt_store():
    """Two good blocks and three corrupt ones (marker 2 in their samples)."""
    entries, store = make_store(2)
    bad_sha_entry, data = make_block("bad-sha.bin", list(range(1000, 1000 + BLOCK)), marker=2)
    flipped = bytearray(data)
    flipped[blocks.RECORD_BYTES + 5] ^= 0x01
    store["bad-sha.bin"] = bytes(flipped)
    short_entry, data = make_block("short.bin", list(range(2000, 2000 + BLOCK)), marker=2)
    store["short.bin"] = data[:-blocks.RECORD_BYTES]
    labels = [i % 10 for i in range(BLOCK)]
    labels[17] = 10
    label_entry, data = make_block("label10.bin", list(range(3000, 3000 + BLOCK)), marker=2,
                                   labels=labels)
    store["label10.bin"] = data
    return entries + [bad_sha_entry, short_entry, label_entry], store


@pytest.mark.parametrize("name", ["bad-sha.bin", "short.bin", "label10.bin"])
def test_each_kind_of_corrupt_block_is_counted_and_dropped(name):
    async def scenario():
        entries, store = corrupt_store()
        entry = next(e for e in entries if e["file"] == name)
        cache = new_cache(entries, Fetcher(store), size=4, sleep=FastSleep())
        await cache.load(entry)
        attempts = len(cache_module.RETRY_DELAYS) + 1          # each download counted
        assert cache.corrupt_blocks == attempts and cache.fetch_errors == 0
        assert len(cache.blocks) == 0 and cache.samples() == 0
        good = entries[0]
        await cache.load(good)
        assert cache.corrupt_blocks == attempts and len(cache.blocks) == 1
    run(scenario())


def test_a_block_damaged_on_the_way_is_fetched_again():
    async def scenario():
        entries, store = make_store(3)
        name = entries[0]["file"]
        fetch = Fetcher(store, serve={name: [store[name][:-7]]})   # cut short once
        cache = new_cache(entries, fetch, size=3, sleep=FastSleep())
        await cache.load(entries[0])
        assert cache.corrupt_blocks == 1 and fetch.calls == [name, name]
        assert cache.samples() == BLOCK
    run(scenario())


@pytest.mark.parametrize("damage", ["flipped", "short"])
def test_a_block_damaged_on_a_later_visit_is_caught_by_its_crc(damage):
    async def scenario():
        entries, store = make_store(2)
        name = entries[0]["file"]
        data = store[name]
        bad = (data[:100] + bytes([data[100] ^ 0x01]) + data[101:] if damage == "flipped"
               else data[:-blocks.RECORD_BYTES])
        fetch = Fetcher(store, serve={name: [data, bad]})   # good first, damaged on the revisit
        cache = new_cache(entries, fetch, size=2, sleep=FastSleep())
        await cache.load(entries[0])
        assert cache.corrupt_blocks == 0
        cache.take(BLOCK)
        await cache.load(entries[0])
        assert cache.corrupt_blocks == 1 and fetch.calls == [name, name, name]
        X, _ = cache.take(BLOCK)
        assert sorted(ids_of(X)) == list(range(BLOCK))      # the good bytes, fetched again
    run(scenario())


def test_corrupt_blocks_never_reach_a_batch():
    async def scenario():
        entries, store = corrupt_store()
        cache = new_cache(entries, Fetcher(store), size=len(entries), seed=1, sleep=FastSleep())
        taken = []
        for _ in range(12):
            await cache.wait_for(BLOCK)
            X, y = cache.take(BLOCK)
            assert (markers_of(X) == 1).all()
            assert y.max() <= 9
            taken.extend(ids_of(X).tolist())
            await asyncio.sleep(0)
        assert cache.corrupt_blocks >= 3
        assert cache.fetch_errors == 0
        assert set(taken) == set(range(2 * BLOCK))
    run(scenario())


# Regression: a finished load task stayed in `in_flight` until its done-callback
# (call_soon) ran, so fill() counted it as still in flight and started too few
# fetches; wait_for then slept on `arrived` with nothing really in flight and
# nobody set it again: wait_for (and so training) hung forever.

async def corrupt_download_with_cache_size_1():
    entries, store = make_store(1)
    # the first download arrives damaged; a refetch is fine
    serve = {entries[0]["file"]: [store[entries[0]["file"]][:-1]]}
    cache = new_cache(entries, Fetcher(store, serve=serve), size=1)
    await cache.wait_for(1)
    assert cache.corrupt_blocks == 1
    assert cache.samples() == BLOCK


async def back_to_back_waits():
    entries, store = make_store(8)
    cache = new_cache(entries, Fetcher(store), size=3)
    await cache.wait_for(7)
    cache.take(7)
    cache.take(BLOCK)                    # one block used up: a slot is free
    await cache.wait_for(1000)           # no yield in between: the loop never runs
    assert cache.full()


async def fetch_lands_during_the_trainers_yield():
    """Trainer.run's order: take, `await asyncio.sleep(0)`, fill(), wait_for(batch)."""
    entries, store = make_store(8)
    fetch = Fetcher(store, gated=True)
    cache = new_cache(entries, fetch, size=3)
    cache.fill()
    await settle()
    fetch.release(2)
    await settle()
    assert len(cache.blocks) == 2 and len(cache.in_flight) == 1
    cache.take(60)                       # one block used up, 40 samples left
    fetch.gated = False                  # later fetches answer at once
    fetch.release(1)                     # the third block lands ...
    await asyncio.sleep(0)               # ... during the trainer's yield
    cache.fill()                         # a slot is free: a fetch should start
    await cache.wait_for(100)            # 90 cached: needs that fetch


@pytest.mark.parametrize("scenario", [corrupt_download_with_cache_size_1, back_to_back_waits,
                                      fetch_lands_during_the_trainers_yield])
def test_wait_for_never_hangs_on_a_stale_in_flight_task(scenario):
    run(scenario(), timeout=0.5)


# -- resizing --------------------------------------------------------------------

def test_grow_mid_run_starts_more_fetches():
    async def scenario():
        entries, store = make_store(10)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=2)
        cache.fill()
        await settle()
        assert len(fetch.calls) == 2
        cache.resize(6)
        assert cache.size == 6
        waiter = asyncio.ensure_future(cache.wait_for(1))   # wait_for tops up too
        await settle()
        assert len(fetch.calls) == 6 and fetch.max_active == 6
        fetch.release()
        await settle()
        assert waiter.done()
        assert len(cache.blocks) == 6
    run(scenario())


def test_shrink_mid_run_drops_newest_cached_blocks():
    async def scenario():
        entries, store = make_store(8)
        fetch = Fetcher(store)
        cache = new_cache(entries, fetch, size=6)
        await cache.wait_for(6 * BLOCK)
        assert len(cache.blocks) == 6
        order = [int(ids_of(b.pixels[:1] / np.float32(255))[0]) // BLOCK for b in cache.blocks]
        cache.resize(2)
        assert cache.size == 2 and len(cache.blocks) == 2
        calls = len(fetch.calls)
        cache.fill()
        await settle()
        assert len(fetch.calls) == calls      # full at the new size
        X, y = cache.take(1000)
        kept = sorted(set((ids_of(X) // BLOCK).tolist()))
        assert kept == sorted(order[:2])      # the two oldest blocks survive
    run(scenario())


def test_shrink_with_fetches_in_flight_keeps_them_until_consumed():
    async def scenario():
        entries, store = make_store(8)
        fetch = Fetcher(store, gated=True)
        cache = new_cache(entries, fetch, size=4)
        cache.fill()
        await settle()
        fetch.release(2)
        await settle()
        cache.resize(1)
        assert len(cache.blocks) == 1
        fetch.release()
        await settle()
        assert len(cache.blocks) == 3         # documented: in-flight fetches are kept
        cache.fill()
        await settle()
        assert len(fetch.calls) == 4          # but no new fetch until below the size
        cache.take(3 * BLOCK)
        assert len(cache.blocks) == 0
        cache.fill()
        await settle()
        assert len(fetch.calls) == 5 and len(cache.in_flight) == 1
        fetch.release()
        await settle()
    run(scenario())


def test_fill_with_no_train_blocks_starts_nothing():
    async def scenario():
        cache = new_cache([], Fetcher({}), size=4)
        cache.fill()
        assert not cache.in_flight and len(cache.blocks) == 0
    run(scenario())
