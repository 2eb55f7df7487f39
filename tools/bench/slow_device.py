"""A slow device, emulated on this machine: the page's main thread and its
workers each run RATE times slower.

The page's main thread is slowed by Chrome DevTools' CPU throttling
(Emulation.setCPUThrottlingRate). Chromium refuses that for workers ("only
supported for pages, not workers"), so each of the page's worker threads
(the renderer's "DedicatedWorker" threads) is put in a cgroup of its own
whose CPU quota is 1/RATE of a core, in short periods so that it runs in
slices, not bursts. A worker started later (a replaced one) is found and
slowed within WATCH_S. Where the cgroup controller cannot be written (no
cgroup v1 `cpu`, no permission), the workers run at full speed and
`workers_slowed` says so.
"""
import os
import threading

from tools.bench.cdp import Cdp
from tools.bench.renderers import page_renderers

CPU_CGROUPS = "/sys/fs/cgroup/cpu"
PERIOD_US = 10000          # a slowed thread runs 1/RATE of every 10 ms
WATCH_S = 0.2
WORKER_THREAD = "DedicatedWorker"


def cgroup(tid):
    """The folder of the cgroup that holds one slowed thread."""
    return os.path.join(CPU_CGROUPS, "slow-device-%s" % tid)


def worker_threads(pid):
    """Thread ids of a renderer's dedicated workers."""
    threads = []
    try:
        for tid in os.listdir("/proc/%s/task" % pid):
            with open("/proc/%s/task/%s/comm" % (pid, tid)) as f:
                if f.read().startswith(WORKER_THREAD):
                    threads.append(tid)
    except OSError:           # the process or thread ended meanwhile
        pass
    return threads


class SlowDevice:
    """with SlowDevice(driver, 4) as slow: ... the page and its workers 4x slower."""

    def __init__(self, driver, rate):
        self.driver = driver
        self.rate = rate
        self.slowed = set()           # thread ids, each in cgroup(tid)
        self.workers_slowed = os.access(CPU_CGROUPS, os.W_OK)
        self.done = threading.Event()

    def __enter__(self):
        self.cdp = Cdp(self.driver)
        self.cdp.attach_page()
        self.cdp.call("Emulation.setCPUThrottlingRate", {"rate": self.rate}, self.cdp.page)
        self.slow_workers()
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        self.watcher.start()
        return self

    def watch(self):
        while not self.done.wait(WATCH_S):
            self.slow_workers()

    def slow_workers(self):
        if not self.workers_slowed:
            return
        for pid in page_renderers(self.driver):
            for tid in worker_threads(pid):
                if tid not in self.slowed:
                    self.slow(tid)

    def slow(self, tid):
        folder = cgroup(tid)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:           # not ours to write after all
            self.workers_slowed = False
            return
        try:
            for name, value in (("cpu.cfs_period_us", PERIOD_US),
                                ("cpu.cfs_quota_us", PERIOD_US // self.rate), ("tasks", tid)):
                with open(os.path.join(folder, name), "w") as f:
                    f.write(str(value))
        except OSError:           # the thread ended meanwhile
            os.rmdir(folder)
            return
        self.slowed.add(tid)

    def __exit__(self, *_exc):
        self.done.set()
        self.watcher.join()
        self.cdp.call("Emulation.setCPUThrottlingRate", {"rate": 1}, self.cdp.page)
        self.cdp.close()
        for tid in self.slowed:
            try:                  # back to the root group, then the group goes
                with open(os.path.join(CPU_CGROUPS, "tasks"), "w") as f:
                    f.write(tid)
            except OSError:       # the thread has ended: the group is empty
                pass
            try:
                os.rmdir(cgroup(tid))
            except OSError:
                pass
