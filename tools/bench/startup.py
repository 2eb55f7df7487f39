"""How fast the page starts, as a visitor meets it: a fresh browser profile
(cold), then a reload (warm), then a fresh profile on a throttled network;
and a reload served by the service worker (warm_sw) once a first visit has
kept the files offline, against the plain warm start in the same run; and
once, a slow phone's cold start (Lighthouse's mobile network, the page and
its workers SLOW_RATE times slower), the page's and the Pyodide floor's.

For each start: seconds from navigation to the grid taking input
(`html[data-grid="ready"]`), to predictions from the shipped weights
(`html[data-predict="ready"]`) and to the worker ready (`data-state`), and
the bytes the server sent before each. The server here caches like a plain
static host (no `no-store`), so a reload revalidates what it has. The
cold, warm and throttled starts are of a host without sw.js (404), as before
there was one; `offline_kept_*` is how long after the page was ready the
service worker had the files kept (it waits for 2 s without training first),
and the KB it fetched for that. `embed_*`: what a reader of a blog post with
the page in an iframe (?embed) fetches in 30 s without touching it, and how
long after a first pointer down on the grid the page is ready. `python -m tools.bench.startup [RUNS]` prints one
JSON line.
"""
import http.server
import json
import sys
import threading
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tools.bench.slow_device import SlowDevice
from tools.build import page_set
from tools.build import offline_set
from tests.harness.browser import ROOT, make_driver, serve

# Runs before the page's own scripts, so no moment is missed by polling.
WATCH_START = """
window.__start = {};
document.addEventListener('pointerdown', () => window.__start.pointer ??= performance.now(), true);
new MutationObserver(() => {
  const d = document.documentElement.dataset;
  for (const [key, done] of [['grid', 'ready'], ['predict', 'ready'], ['state', 'ready'], ['offline', 'kept']])
    if (d[key] === done && !(key in window.__start)) window.__start[key] = performance.now();
}).observe(document, {subtree: true, attributes: true,    // before <html> exists
                      attributeFilter: ['data-grid', 'data-predict', 'data-state', 'data-offline']});
"""
# Chrome DevTools network emulation: 20 Mbit/s down and up, 40 ms latency.
THROTTLED = {"offline": False, "latency": 40,
             "downloadThroughput": 20e6 / 8, "uploadThroughput": 20e6 / 8}
# Lighthouse's mobile preset: 150 ms round trips, 1.6 Mbit/s down. Played by the
# server (SlowLink), as DevTools' network emulation holds back only the page's
# own requests, not its workers'. With the page and its workers SLOW_RATE
# times slower: a slow phone's start.
MOBILE_RTT_S, MOBILE_BYTES_PER_S = 0.150, 1.6e6 / 8
SLOW_RATE = 4
CHUNK = 16384
TIMEOUT_S = 90
SLOW_TIMEOUT_S = 400     # the worker's 24 MB alone take two minutes at 1.6 Mbit/s
MOMENTS = ("grid", "predict", "state")
UNTOUCHED_S = 30        # an embed's reader who reads on, not touching it


class SlowLink:
    """A slow network, played by the server: each response waits a round
    trip, and all of them share the downlink's bytes per second."""

    def __init__(self, rtt_s, bytes_per_s):
        self.rtt_s, self.bytes_per_s = rtt_s, bytes_per_s
        self.lock = threading.Lock()
        self.free_at = 0.0          # when the link has sent all it was given

    def send(self, source, outputfile):
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                return
            with self.lock:
                self.free_at = max(self.free_at, time.monotonic()) + len(chunk) / self.bytes_per_s
                done_at = self.free_at
            time.sleep(max(0.0, done_at - time.monotonic()))
            outputfile.write(chunk)


def serve_recording(root=ROOT, service_worker=True, link=None):
    """A static server that logs (wall time, path, body bytes) per response;
    without the service worker, it answers 404 for sw.js, as a host lacking it;
    with a SlowLink, as slow as that."""
    log = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            if link:
                time.sleep(link.rtt_s)
            if not service_worker and self.path.split("?")[0].endswith("/sw.js"):
                self.send_error(404)
                return None
            return super().send_head()

        def copyfile(self, source, outputfile):
            start = source.tell()
            try:
                (link.send if link else super().copyfile)(source, outputfile)
            except (BrokenPipeError, ConnectionResetError):   # the browser has gone meanwhile
                return
            log.append((time.time(), self.path, source.tell() - start))

    url, httpd = serve(root, Handler)
    return url, httpd, log


def wait_for_moments(driver, moments, timeout_s=TIMEOUT_S):
    """The page's times (ms from navigation) of each moment, once all have come."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        times = driver.execute_script("return window.__start")
        if times and all(key in times for key in moments):
            return times
        if driver.execute_script("return document.documentElement.dataset.offline") == "failed":
            raise RuntimeError("the files were not kept offline: %s"
                               % driver.execute_script("return document.getElementById('offline').textContent"))
        time.sleep(0.05)
    raise RuntimeError("the page did not get ready in %d s: %s" % (timeout_s, times))


def one_start(driver, url, log, reload=False, moments=MOMENTS, timeout_s=TIMEOUT_S):
    """Navigate (or reload) and wait for ready: seconds to each moment, and KB sent before it."""
    del log[:]
    if reload:
        driver.refresh()
    else:
        driver.get(url)
    times = wait_for_moments(driver, moments, timeout_s)
    origin = driver.execute_script("return performance.timeOrigin") / 1000
    figures = {}
    for key in moments:
        at = origin + times[key] / 1000
        figures[key + "_s"] = round(times[key] / 1000, 2)
        # Logged when a response ends: from this navigation, ended by then.
        figures[key + "_kb"] = round(sum(n for t, _, n in log if origin <= t <= at) / 1000)
    return figures


def kept_offline(driver, log):
    """After a first visit got ready: seconds from ready until the service worker
    had the files kept, and the KB the server sent it meanwhile."""
    times = wait_for_moments(driver, ("state", "offline"))
    origin = driver.execute_script("return performance.timeOrigin") / 1000
    ready, kept = (origin + times[key] / 1000 for key in ("state", "offline"))
    return {"kept_after_ready_s": round(kept - ready, 2),
            "kept_kb": round(sum(n for t, _, n in log if ready < t <= kept) / 1000)}


def embed_reader(driver, url, log):
    """?embed in a fresh profile: the KB a reader who does not touch it
    fetches in UNTOUCHED_S, then seconds from a pointer down on the grid
    (which loads the trainer) to the page ready."""
    del log[:]
    driver.get(url + "/?embed")
    wait_for_moments(driver, ("predict",))
    time.sleep(UNTOUCHED_S)
    untouched_kb = round(sum(n for _, _, n in log) / 1000)
    ActionChains(driver).move_to_element(driver.find_element(By.ID, "grid")).click().perform()
    times = wait_for_moments(driver, ("pointer", "state"))
    return {"untouched_30s_kb": untouched_kb,
            "pointer_to_ready_s": round((times["state"] - times["pointer"]) / 1000, 2)}


def fresh_driver(network=None):
    """A fresh profile; network: DevTools network conditions to emulate, if any."""
    driver = make_driver()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_START})
    if network:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", network)
    return driver


def slow_phone_starts():
    """Cold starts of the page and of the Pyodide floor as on a slow phone:
    Lighthouse's mobile network, the page and its workers SLOW_RATE times slower."""
    url, httpd, log = serve_recording(service_worker=False, link=SlowLink(MOBILE_RTT_S, MOBILE_BYTES_PER_S))
    figures = {}
    try:
        for prefix, path, moments in (("slow", "/", MOMENTS),
                                      ("pyodide_floor_slow", "/tools/bench/pyodide_floor/", ("state",))):
            driver = fresh_driver()
            try:
                with SlowDevice(driver, SLOW_RATE):
                    start = one_start(driver, url + path, log, moments=moments, timeout_s=SLOW_TIMEOUT_S)
            finally:
                driver.quit()
            figures.update({"start_%s_%s" % (prefix, key): value for key, value in start.items()})
    finally:
        httpd.shutdown()
    return figures


def startup_figures(runs=3):
    """Medians over `runs` of cold, warm and throttled-cold starts of the page,
    of its warm start served by the service worker and of cold and warm starts
    of Pyodide + numpy in a bare worker (the floor for the worker's start),
    all measured in the same run; an embed's untouched reader and its first
pointer down (embed_reader); and the ratios of warm_sw to warm and of the
embed's pointer-to-ready to the cold start's ready."""
    offline_set.write(ROOT, page_set.page_files(ROOT))     # this tree as it is now, as set-up does
    url, httpd, log = serve_recording(service_worker=False)
    sw_url, sw_httpd, sw_log = serve_recording()
    results = {}
    starts = (("", "/", {}), ("pyodide_floor_", "/tools/bench/pyodide_floor/", {"moments": ("state",)}))
    try:
        for _ in range(runs):
            for prefix, path, options in starts:
                driver = fresh_driver()
                try:
                    results.setdefault(prefix + "cold", []).append(
                        one_start(driver, url + path, log, **options))
                    results.setdefault(prefix + "warm", []).append(
                        one_start(driver, url + path, log, reload=True, **options))
                finally:
                    driver.quit()
            driver = fresh_driver(THROTTLED)
            try:
                results.setdefault("throttled", []).append(one_start(driver, url + "/", log))
            finally:
                driver.quit()
            driver = fresh_driver()
            try:
                results.setdefault("embed", []).append(embed_reader(driver, url, log))
            finally:
                driver.quit()
            driver = fresh_driver()
            try:
                one_start(driver, sw_url + "/", sw_log)          # the first visit keeps the files
                results.setdefault("offline", []).append(kept_offline(driver, sw_log))
                results.setdefault("warm_sw", []).append(
                    one_start(driver, sw_url + "/", sw_log, reload=True))
            finally:
                driver.quit()
    finally:
        httpd.shutdown()
        sw_httpd.shutdown()
    figures = {}
    for kind, measured in results.items():
        for key in measured[0]:
            values = sorted(start[key] for start in measured)
            figures["start_%s_%s" % (kind, key)] = values[len(values) // 2]
    figures.update(slow_phone_starts())       # once: each takes minutes
    for kind in ("cold", "slow"):
        figures["start_%s_ready_vs_pyodide_floor" % kind] = round(
            figures["start_%s_state_s" % kind] / figures["start_pyodide_floor_%s_state_s" % kind], 2)
    figures["start_embed_pointer_to_ready_vs_cold_ready"] = round(
        figures["start_embed_pointer_to_ready_s"] / figures["start_cold_state_s"], 2)
    for key in MOMENTS:
        figures["start_warm_sw_vs_warm_%s" % key] = round(
            figures["start_warm_sw_%s_s" % key] / max(figures["start_warm_%s_s" % key], 0.01), 2)
    return figures


if __name__ == "__main__":
    print(json.dumps(startup_figures(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
