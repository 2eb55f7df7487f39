"""Browser fixtures: the app served by a plain static server, driven in headless Chromium."""
import pytest

from tests.harness.browser import Handler, Page, make_driver, page_errors, serve


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
