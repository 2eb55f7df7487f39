"""The page runs under its own strict Content-Security-Policy (shipped in a
<meta> tag, so every host enforces it) and under the same policy sent as a
header: no inline handlers or styles, no HTML built from strings, nothing
from another origin. A violation is a console error, so page_errors sees it."""
import pytest

from tests.harness.browser import DIGITS, Handler, Page, draw, page_errors
from tests.harness.samples import SHIPPED_SAMPLES, shipped_policy


@pytest.fixture
def csp_header():
    Handler.extra_headers["Content-Security-Policy"] = shipped_policy()
    yield
    Handler.extra_headers.clear()


def test_the_main_flow_runs_under_the_policy_as_a_header_too(driver, server, csp_header):
    page = Page(driver, server + "/").open()
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > SHIPPED_SAMPLES + 10000, timeout=30)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    page.find('#confusion button[data-true="4"][data-pred="9"]').click()
    assert page.wait_for(lambda: "4" in page.text("#confusion-caption"))
    page.set_input("#batch-size", 48)                # Enter commits, never submits the form
    assert page.wait_for(lambda: page.number("batch_size") == 48)
    assert page.state() == "ready"
    assert page_errors(driver) == []


def test_a_violation_would_be_seen(driver, server):
    """Under the <meta> policy alone, as any host serves the page."""
    page = Page(driver, server + "/").open()
    driver.execute_script("const b = document.createElement('button');"
                          "b.setAttribute('onclick', 'window.__ran = 1'); b.id = 'x';"
                          "document.body.appendChild(b);")
    page.click("#x")
    assert driver.execute_script("return window.__ran") is None
    assert any("Content Security Policy" in e for e in page_errors(driver))
