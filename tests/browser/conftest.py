"""Browser fixtures: the app served by a plain static server, driven in headless Chromium.

One Chromium serves the session (`driver`), wiped before each test to a first
visitor's state (tests/harness/browser.py's wipe(), checked by
test_harness.py): starting a browser per test cost more than many tests
themselves. `new_driver` starts a Chromium of its own where a new profile is
the point: the same-origin check reads a NetLog from the browser's first
request, and the offline tests keep and replace a service worker's set across
tabs and a server shut down for good.
"""
import pytest
from selenium.common.exceptions import WebDriverException

from tests.harness.browser import Handler, Page, make_driver, page_errors, save_downloads, serve, wipe


@pytest.fixture(scope="session", autouse=True)
def runtimes_kept():
    """The browser may keep the runtimes (static/vendor/: Pyodide, numpy, PyScript,
    MicroPython) and their compiled code from test to test: no test breaks
    them, and a page then starts in about 60% of the time. All else is no-store."""
    Handler.cacheable = ("/static/vendor/",)
    yield
    Handler.cacheable = ()


@pytest.fixture(scope="session")
def server():
    url, httpd = serve()
    yield url
    httpd.shutdown()


@pytest.fixture
def faults():
    Handler.faults.clear()
    yield Handler.faults
    Handler.faults.clear()


@pytest.fixture(scope="session")
def browser():
    """[the session's Chromium]: a new one takes its place if a test leaves it unusable."""
    held = [make_driver()]
    yield held
    held[0].quit()


@pytest.fixture
def driver(browser):
    """The session's Chromium as a first visitor: nothing stored, no service worker."""
    try:
        wipe(browser[0])
    except WebDriverException:       # crashed, or hung up by the test before
        try:
            browser[0].quit()
        except WebDriverException:
            pass
        browser[0] = make_driver()
    yield browser[0]


@pytest.fixture
def downloads(driver, tmp_path):
    """The test's own folder, where the session's Chromium saves what the page downloads."""
    save_downloads(driver, tmp_path)
    return tmp_path


@pytest.fixture
def new_driver():
    """make_driver(extra_flags): a Chromium with a new profile, quit after the test."""
    started = []

    def start(*args, **kwargs):
        started.append(make_driver(*args, **kwargs))
        return started[-1]
    yield start
    for d in started:
        try:
            d.quit()
        except WebDriverException:   # quit by the test already
            pass


@pytest.fixture
def page(driver, server):
    """A booted page; the test fails if the page logged any error."""
    p = Page(driver, server + "/").open()
    yield p
    assert page_errors(driver) == []
