"""Browser fixtures: the app served by a plain static server, driven in headless Chromium."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from browser import ROOT, SUBPATH, Handler, Page, make_driver, page_errors, serve  # noqa: E402,F401


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


@pytest.fixture
def driver():
    d = make_driver()
    yield d
    d.quit()


@pytest.fixture
def page(driver, server):
    """A booted page; the test fails if the page logged any error."""
    p = Page(driver, server + "/").open()
    yield p
    assert page_errors(driver) == []
