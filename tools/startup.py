"""How fast the page starts, as a visitor meets it: a fresh browser profile
(cold), then a reload (warm), then a fresh profile on a throttled network.

For each start: seconds from navigation to the grid taking input
(`html[data-grid="ready"]`), to predictions from the shipped weights
(`html[data-predict="ready"]`) and to the worker ready (`data-state`), and
the bytes the server sent before each. The server here caches like a plain
static host (no `no-store`), so a reload revalidates what it has.
`python tools/startup.py [RUNS]` prints one JSON line.
"""
import http.server
import json
import sys
import time

from browser import ROOT, make_driver, serve

# Runs before the page's own scripts, so no moment is missed by polling.
WATCH_START = """
window.__start = {};
new MutationObserver(() => {
  const d = document.documentElement.dataset;
  for (const key of ['grid', 'predict', 'state'])
    if (d[key] === 'ready' && !(key in window.__start)) window.__start[key] = performance.now();
}).observe(document, {subtree: true, attributes: true,    // before <html> exists
                      attributeFilter: ['data-grid', 'data-predict', 'data-state']});
"""
# Chrome DevTools network emulation: 20 Mbit/s down and up, 40 ms latency.
THROTTLED = {"offline": False, "latency": 40,
             "downloadThroughput": 20e6 / 8, "uploadThroughput": 20e6 / 8}
TIMEOUT_S = 90
MOMENTS = ("grid", "predict", "state")


def serve_recording(root=ROOT):
    """A static server that logs (wall time, path, body bytes) per response."""
    log = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def copyfile(self, source, outputfile):
            start = source.tell()
            super().copyfile(source, outputfile)
            log.append((time.time(), self.path, source.tell() - start))

    url, httpd = serve(root, Handler)
    return url, httpd, log


def one_start(driver, url, log, reload=False, moments=MOMENTS):
    """Navigate (or reload) and wait for ready: seconds to each moment, and KB sent before it."""
    del log[:]
    if reload:
        driver.refresh()
    else:
        driver.get(url)
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        times = driver.execute_script("return window.__start")
        if times and all(key in times for key in moments):
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("the page did not get ready in %d s: %s" % (TIMEOUT_S, times))
    origin = driver.execute_script("return performance.timeOrigin") / 1000
    figures = {}
    for key in moments:
        at = origin + times[key] / 1000
        figures[key + "_s"] = round(times[key] / 1000, 2)
        # Logged when a response ends: from this navigation, ended by then.
        figures[key + "_kb"] = round(sum(n for t, _, n in log if origin <= t <= at) / 1000)
    return figures


def fresh_driver(throttle=False):
    driver = make_driver()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_START})
    if throttle:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", THROTTLED)
    return driver


def startup_figures(runs=3):
    """Medians over `runs` of cold, warm and throttled-cold starts of the page,
    and of cold and warm starts of Pyodide + numpy in a bare worker (the floor
    for the worker's start, measured in the same run)."""
    url, httpd, log = serve_recording()
    results = {}
    starts = (("", "/", {}), ("pyodide_floor_", "/tools/pyodide_floor/", {"moments": ("state",)}))
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
            driver = fresh_driver(throttle=True)
            try:
                results.setdefault("throttled", []).append(one_start(driver, url + "/", log))
            finally:
                driver.quit()
    finally:
        httpd.shutdown()
    figures = {}
    for kind, measured in results.items():
        for key in measured[0]:
            values = sorted(start[key] for start in measured)
            figures["start_%s_%s" % (kind, key)] = values[len(values) // 2]
    return figures


if __name__ == "__main__":
    print(json.dumps(startup_figures(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
