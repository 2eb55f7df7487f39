"""Asyncio on a simulated clock, for unit tests whose outcome depends on time.

A test run with `run()` sees a loop whose time() never reads the wall clock:
when every task is waiting, time jumps to the next timer (so a test's
`await asyncio.sleep(300)` is five minutes of the code's time, at once), and
each turn of the loop takes TURN_S, so code that never waits, like the
worker's training loop, still sees its time pass as in the page. What a test
sees therefore depends on what the code does, never on how fast the machine
runs it: a test that passes here passes on a slow, busy machine.

Code that reads a clock of its own is handed one that is not the wall's:
BlockCache `clock` below, which reads this loop's time; Trainer a FakeClock
(tests/harness/worker.py) that only the test moves.
"""
import asyncio
import selectors

TURN_S = 0.001      # a turn of the loop, in simulated seconds (about a training step's)


class SimulatedSelector(selectors.DefaultSelector):
    """Waits no real time: what a loop would have slept is added to its clock."""

    def __init__(self):
        super().__init__()
        self.now = 0.0

    def select(self, timeout=None):
        ready = super().select(0)
        if ready:
            return ready
        if timeout is None:          # nothing scheduled: only a real thread can wake it
            return super().select(None)
        self.now += max(timeout, TURN_S)
        return []


class SimulatedLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        self.selector = SimulatedSelector()
        super().__init__(self.selector)

    def time(self):
        return self.selector.now


def clock():
    """The running simulated loop's time: a clock for BlockCache and Trainer."""
    loop = asyncio.get_running_loop()
    assert isinstance(loop, SimulatedLoop), "simulated_time.clock() needs simulated_time.run()"
    return loop.time()


def run(coro, timeout=5.0):
    """Run coro on a simulated loop; TimeoutError once `timeout` simulated seconds
    pass (a hang: every task waiting for nothing, or a loop spinning forever)."""
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    with asyncio.Runner(loop_factory=SimulatedLoop) as runner:
        return runner.run(bounded())
