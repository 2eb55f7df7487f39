"""Drive the app in headless Chromium: used by the browser tests and `make bench`."""
import base64
import functools
import http.server
import os
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.keys import Keys

from tools import ROOT

SUBPATH = "/embed/blog-post/"      # the app must also work below a sub-path
WINDOW = (1280, 1000)
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                "--disable-quic --no-first-run --disable-background-networking "
                "--disable-component-update --disable-sync --window-size=%d,%d "
                # Chromium's own calls home, which would muddy the same-origin check:
                "--disable-features=AutofillServerCommunication,OptimizationHints,Translate"
                % WINDOW).split()
BOOT_TIMEOUT_S = 60

SLOW_S = 3.0       # a slow host's silence before it answers
# Handler.faults' values, and the method of Handler that answers with each:
FAULTS = {"missing": "not_found", "500": "server_error", "fail-once": "unavailable",
          "slow": "slow", "corrupt": "corrupt", "truncated": "truncated", "dropped": "dropped",
          "refused": "refused", "html": "html_page"}


class Faults(dict):
    """Handler.faults: part of a path -> a key of FAULTS. A file the browser
    may keep (Handler.cacheable) cannot be broken: the browser would not ask
    for it again, and the fault would pass unseen."""

    def __setitem__(self, part, fault):
        assert fault in FAULTS, fault
        assert not [path for path in Handler.cacheable_files() if part in path], \
            "%s: the browser may keep such files between tests (Handler.cacheable)" % part
        super().__setitem__(part, fault)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ROOT at / and at SUBPATH; `faults` lets a test break chosen files.

    faults maps a part of the path ("train-003.bin", or "/static/data/" for all
    the data) to one of FAULTS; the first that matches wins. Every response,
    broken or not, says Cache-Control: no-store, so the browser's cache never
    hides a fault (or its end); but for files under a folder in `cacheable`
    (none unless set), which the browser may keep: the tests set the runtimes'
    folder, static/vendor/, whose files no test breaks, so that a browser
    serving test after test keeps their compiled code (a page starts in about
    60% of the time)."""
    faults = Faults()
    faulty_answers = []  # (time.monotonic(), path) of each request a fault answered
    extra_headers = {}   # sent with every response (a test's Content-Security-Policy)
    cacheable = ()       # folders of ROOT, as "/static/vendor/"

    @classmethod
    def cacheable_files(cls):
        """The paths ("/static/vendor/...") of the files the browser may keep."""
        return [os.path.join(folder, os.path.relpath(os.path.join(d, f), ROOT + folder))
                for folder in cls.cacheable for d, _, files in os.walk(ROOT + folder) for f in files]

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        if path.startswith(SUBPATH):
            path = "/" + path[len(SUBPATH):]
        return super().translate_path(path)

    def do_GET(self):
        for part, fault in list(self.faults.items()):
            if part in self.path:
                self.faulty_answers.append((time.monotonic(), self.path))
                if fault == "fail-once":
                    self.faults.pop(part, None)
                return getattr(self, FAULTS[fault])()
        return super().do_GET()

    def end_headers(self):
        # Faults change between tests; stop the browser from caching around them.
        path = self.path[len(SUBPATH) - 1:] if self.path.startswith(SUBPATH) else self.path
        kept = any(path.startswith(folder) for folder in self.cacheable)
        self.send_header("Cache-Control", "max-age=86400" if kept else "no-store")
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    # -- the faults --------------------------------------------------------------

    def file_bytes(self):
        with open(self.translate_path(self.path), "rb") as f:
            return f.read()

    def send_body(self, data, content_type="application/octet-stream", length=None):
        """A 200 whose Content-Length says `length` (the truth unless given)."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        self.wfile.write(data)

    def not_found(self):
        self.send_error(404)

    def server_error(self):
        self.send_error(500)

    def unavailable(self):
        self.send_error(503)

    def slow(self):
        """The whole answer, after SLOW_S of silence (an overloaded host)."""
        time.sleep(SLOW_S)
        super().do_GET()

    def corrupt(self):
        """The right length, one byte flipped (a bad disk or proxy)."""
        data = bytearray(self.file_bytes())
        data[100] ^= 0xFF
        self.send_body(bytes(data))

    def truncated(self):
        """Half the file, and a Content-Length that says so: a complete, short answer."""
        data = self.file_bytes()
        self.send_body(data[:len(data) // 2])

    def dropped(self):
        """Headers for the whole file, half the body, then the connection closes."""
        data = self.file_bytes()
        self.send_body(data[:len(data) // 2], length=len(data))
        self.close_connection = True

    def refused(self):
        """The connection closes before any answer (a host going down)."""
        self.close_connection = True

    def html_page(self):
        """200 with an HTML page, as hosts that answer every path with one do."""
        self.send_body(b"<!doctype html><title>Not found</title><p>Nothing here.</p>", "text/html")



def make_driver(extra_flags=()):
    """A Chromium of its own, with a new, empty profile."""
    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS + list(extra_flags):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def save_downloads(driver, folder):
    """Downloads go to `folder`, without asking (None: as a new profile's do)."""
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
                           if folder else {"behavior": "default"})


def alone_in_a_new_tab(driver):
    """A new tab, the others closed (their renderers with them)."""
    old = driver.window_handles
    driver.switch_to.new_window("tab")
    fresh = driver.current_window_handle
    for handle in old:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(fresh)


def wipe(driver):
    """Make a used Chromium a first visitor again, as a new profile would be:
    one new tab (so nothing a test set through DevTools on its tab, such as a
    viewport, blocked URLs or a script run on every page, is left), downloads
    as a new profile's, every
    origin served by serve() cleared of all it stored (IndexedDB, localStorage,
    Cache Storage, service workers, cookies) and of any quota set for it, the
    window at its first size and the console read out, so that page_errors()
    sees only what comes next. The HTTP cache holds nothing of a page's own
    (Handler sends no-store) but the files of Handler.cacheable, if set."""
    alone_in_a_new_tab(driver)
    for origin in SERVED:
        driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        driver.execute_cdp_cmd("Storage.overrideQuotaForOrigin", {"origin": origin})
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    save_downloads(driver, None)
    driver.set_window_size(*WINDOW)
    driver.get_log("browser")


def viewport(driver, width, height):
    """The page's viewport, as a window (or an iframe) of that size would give it."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def page_errors(driver):
    """Every error the page or its worker logged, plus PyScript's error banners."""
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    errors += [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".py-error")]
    return errors


FAILED_LOAD = "Failed to load resource"    # the browser's own line for each failed request


def errors_beyond_failed_loads(driver):
    """page_errors, but for the browser's lines about loads that failed: all
    that a fault test's faults may leave in the console."""
    return [error for error in page_errors(driver) if FAILED_LOAD not in error]


class Page:
    def __init__(self, driver, url):
        self.driver = driver
        self.url = url

    def open(self, expect="ready"):
        """Navigate and wait until the page is no longer loading; expect: the
        state it must then be in (or a tuple of them): ready, error, or
        embedded, idle (its trainer waits for the visitor's first intent)."""
        self.driver.get(self.url)
        state = self.wait_for(lambda: self.state() != "loading", BOOT_TIMEOUT_S)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert state and self.state() in expected, (self.state(), self.text("#boot-message"))
        return self

    def state(self):
        return self.driver.execute_script("return document.documentElement.dataset.state")

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def text(self, selector):
        return self.find(selector).text

    def status(self, field):
        """The raw value of a status field as the page last rendered it."""
        return self.find('[data-status="%s"]' % field).get_attribute("data-value")

    def number(self, field):
        value = self.status(field)
        return float(value) if value not in ("", None) else None

    def click(self, selector):
        self.find(selector).click()

    def set_input(self, selector, value):
        """Type like a person: focus, select all, type, commit with Enter ('change')."""
        field = self.find(selector)
        field.click()
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(str(value) + Keys.ENTER)

    def prediction(self):
        """The digit (class index) the page predicts for the grid, or "" for none."""
        return self.find("#prediction").get_attribute("data-digit")

    def probabilities(self):
        """The ten probabilities the page shows (its data-p attributes)."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll('#probs > [data-digit]')].map(e => +e.dataset.p)")

    def shown_samples(self, n):
        """Show n different held-out samples (#sample): {index in X_TEST: the page's probabilities}."""
        shown = {}
        assert self.wait_for(lambda: self.find("#sample").is_enabled())
        label = lambda: self.find("#sample-label").get_attribute("data-index")
        for _ in range(3 * n):         # an earlier sample may come back: drawn at random
            before = label()
            self.click("#sample")
            assert self.wait_for(lambda: label() != before)      # never the same one twice running
            assert self.wait_for(lambda: sum(self.probabilities()) > 0.99)
            shown[int(label())] = self.probabilities()
            if len(shown) == n:
                return shown
        raise AssertionError("%d different samples in %d clicks" % (len(shown), 3 * n))

    def worker(self):
        """The worker's state: loading, ready, lost (being replaced) or failed;
        embedded, idle until the visitor's first intent."""
        return self.driver.execute_script("return document.documentElement.dataset.worker")

    def drop_file(self, name, data):
        """Drop a file on the page, as a person dragging it from their desktop would."""
        self.driver.execute_script(
            "const bytes = Uint8Array.from(atob(arguments[1]), c => c.charCodeAt(0));"
            "const transfer = new DataTransfer();"
            "transfer.items.add(new File([bytes], arguments[0]));"
            "document.querySelector('main').dispatchEvent(new DragEvent('drop', "
            "{dataTransfer: transfer, bubbles: true, cancelable: true}));",
            name, base64.b64encode(data).decode())

    def start_training(self, timeout=20):
        """Start, and wait for the status that says it trains: it enables Stop."""
        self.click("#start")
        assert self.wait_for(lambda: self.status("training") == "True", timeout)

    def train_from_random(self, samples=3000, stop=True):
        """Random weights, then train until `samples` were seen (and Stop)."""
        self.click("#randomize")
        assert self.wait_for(lambda: self.number("test_acc") < 0.5)
        self.click("#start")
        assert self.wait_for(lambda: self.number("samples_seen") > samples, timeout=30)
        if stop:
            self.click("#stop")
            assert self.wait_for(lambda: self.status("training") == "False")

    def readings(self, field, seconds, every=0.5):
        """A status number read every `every` seconds for `seconds`."""
        values, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(every)
            values.append(self.number(field))
        return values

    def wait_for(self, condition, timeout=20, poll=0.1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(poll)
        return None


def wait_for_file(path, timeout=10):
    """A download has arrived: the file exists and is not empty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path):
            return True
        time.sleep(0.1)
    return False


SERVED = []     # the origin of every server serve() started: what wipe() clears


def serve(root=ROOT, handler=Handler):
    """Start a static server on a free port in a thread; returns (url, server)."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=root))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % httpd.server_address[1]
    SERVED.append(url)
    return url, httpd


# Strokes in grid cells (x = column, y = row), as a person would draw them.
DIGITS = {
    "1": [[(14, 4), (14, 24)]],
    "0": [[(14, 4), (9, 7), (7, 14), (9, 21), (14, 24), (19, 21), (21, 14), (19, 7), (14, 4)]],
    "7": [[(7, 5), (21, 5), (16, 13), (12, 24)]],
    "4": [[(17, 4), (7, 17), (22, 17)], [(17, 9), (17, 25)]],
}
# A hand MNIST rarely has (serifed 1, hourglass 8, boxy 6 and 9, Z-like 2, open 4):
# the shipped model reads about 40% of these right, at the sizes and places of ODD_PLACES.
ODD_DIGITS = {
    "1": [[(9, 4), (19, 4)], [(14, 4), (14, 24)], [(9, 24), (19, 24)]],
    "8": [[(7, 4), (21, 4), (7, 24), (21, 24), (7, 4)]],
    "6": [[(20, 4), (8, 4), (8, 24), (20, 24), (20, 14), (8, 14)]],
    "9": [[(20, 14), (8, 14), (8, 4), (20, 4), (20, 24), (8, 24)]],
    "2": [[(7, 5), (21, 5), (7, 23), (21, 23)], [(10, 14), (18, 14)]],
    "4": [[(8, 4), (8, 12), (12, 15), (20, 15)], [(20, 4), (20, 25)]],
}
TAUGHT_PLACES = [{"scale": 1.0, "shift": (0, 0)}, {"scale": 0.85, "shift": (1, -1)}]
ODD_PLACES = [{"scale": s, "shift": shift} for s in (0.75, 0.9, 1.05)
              for shift in ((0, 0), (2, 1), (-2, 1), (1, -2))]


def stroke_points(stroke, scale=1.0, shift=(0, 0), step=1.0):
    """The polyline resampled every `step` cells, scaled about the centre and shifted."""
    points = []
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
        points += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(n)]
    points.append(stroke[-1])
    return [(14 + (x - 14) * scale + shift[0], 14 + (y - 14) * scale + shift[1]) for x, y in points]


def redraw(page, strokes, timeout=30, **placement):
    """Clear the grid, draw the strokes and wait for a prediction: what the page predicts."""
    page.click("#clear")
    draw(page, strokes, **placement)
    assert page.wait_for(lambda: page.prediction() != "", timeout=timeout)
    return page.prediction()


def drawn_probabilities(page, digit):
    """Draw DIGITS[digit] afresh: the ten probabilities the page gives it."""
    redraw(page, DIGITS[digit])
    return page.probabilities()


def ink(page):
    """How many of the grid canvas's cells are darker than mid-grey."""
    return page.driver.execute_script("""
        const c = document.querySelector('#grid'), d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n;""")


def draw(page, strokes, button=0, **placement):
    """Press, move through every point and release, as pointer events on the canvas."""
    canvas = page.find("#grid")
    size = canvas.size["width"]
    for stroke in strokes:
        points = stroke_points(stroke, **placement)
        mouse = PointerInput(interaction.POINTER_MOUSE, "mouse")
        actions = ActionBuilder(page.driver, mouse=mouse, duration=0)
        to_px = lambda x, y: (int(x * size / 28 - size / 2), int(y * size / 28 - size / 2))
        actions.pointer_action.move_to(canvas, *to_px(*points[0]))
        actions.pointer_action.pointer_down(button=button)
        for point in points[1:]:
            actions.pointer_action.move_to(canvas, *to_px(*point))
        actions.pointer_action.pointer_up(button=button)
        actions.perform()
