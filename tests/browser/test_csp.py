"""The page runs under its own strict Content-Security-Policy (shipped in a
<meta> tag, so every host enforces it) and under the same policy sent as a
header: no inline handlers or styles, no HTML built from strings, nothing
from another origin. A violation is a console error, so page_errors sees it."""
import re

import pytest

from tests.harness.browser import DIGITS, ROOT, Handler, Page, draw, page_errors


def shipped_policy():
    with open(ROOT + "/index.html") as f:
        return re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', f.read()).group(1)


@pytest.fixture
def csp_header():
    Handler.extra_headers["Content-Security-Policy"] = shipped_policy()
    yield
    Handler.extra_headers.clear()


def test_the_policy_is_strict():
    policy = shipped_policy()
    assert "'unsafe-inline'" not in policy and "*" not in policy
    assert "default-src 'self'" in policy and "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'" in policy


def test_the_main_flow_runs_under_the_policy_as_a_header_too(driver, server, csp_header):
    page = Page(driver, server + "/").open()
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > 180000, timeout=30)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    page.find('#confusion button[data-true="4"][data-pred="9"]').click()
    assert page.wait_for(lambda: "4" in page.text("#confusion-caption"))
    page.set_input("#batch-size", 48)                # Enter commits, never submits the form
    assert page.wait_for(lambda: page.number("batch_size") == 48)
    assert page.state() == "ready"
    assert page_errors(driver) == []


def test_a_violation_would_be_seen(driver, server):
    page = Page(driver, server + "/").open()
    driver.execute_script("const b = document.createElement('button');"
                          "b.setAttribute('onclick', 'window.__ran = 1'); b.id = 'x';"
                          "document.body.appendChild(b);")
    page.click("#x")
    assert driver.execute_script("return window.__ran") is None
    assert any("Content Security Policy" in e for e in page_errors(driver))
