"""Checked, not hoped: axe-core (tests/axe, pinned, injected by the test and
never part of the page) finds no violation of any impact, on the full page
and ?embed, in each state a visitor meets (booting, ready, training, with the
gallery of their digits, with the error panel; embedded, folded and with More
open), at 1280 and 360 px wide. No rule is switched off. And every control
is reached by Tab, with a focus ring."""
import os

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.harness.browser import DIGITS, ROOT, Page, draw, page_errors, viewport

with open(os.path.join(ROOT, "tests", "axe", "node_modules", "axe-core", "axe.min.js")) as f:
    AXE = f.read()
RUN = """const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  result => done(result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.nodes.map(node => node.target.join(' ')).join(', ')}`)),
  error => done(['axe failed: ' + error]));"""
WIDTHS = (1280, 360)


def violations(driver):
    driver.execute_script(AXE)            # each time: a navigation drops it
    return driver.execute_async_script(RUN)


@pytest.fixture
def wide(driver, request):
    viewport(driver, request.param, 900)
    yield request.param
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("wide", WIDTHS, indirect=True)
def test_the_full_page_booting_ready_with_my_digits_and_training(driver, server, wide):
    page = Page(driver, server + "/")
    driver.get(page.url)
    assert page.state() == "loading"
    assert violations(driver) == [], "booting"
    assert page.wait_for(lambda: page.state() == "ready", timeout=120)
    assert violations(driver) == [], "ready"
    draw(page, DIGITS["7"])
    page.click('#teach button[data-digit="7"]')
    assert page.wait_for(lambda: page.driver.execute_script(
        "return document.querySelectorAll('#my-digits > [data-digit]').length") == 1)
    page.click("#start")
    assert page.wait_for(lambda: (page.number("test_acc") or 0) > 0 and page.status("training") == "True")
    assert page.wait_for(lambda: page.find("#confusion button").text != "0")
    assert violations(driver) == [], "training, with my digits"
    # The charts' text alternatives carry their newest figures.
    assert page.wait_for(lambda: "held-out accuracy: " in page.find("#accuracy-chart").get_attribute("aria-label"))
    assert " samples" in page.find("#loss-chart").get_attribute("aria-label")
    assert page.wait_for(lambda: page.find("#units").get_attribute("alt").endswith(" samples"))
    page.click("#stop")
    assert page_errors(driver) == []


@pytest.mark.parametrize("wide", WIDTHS, indirect=True)
def test_the_error_panel(driver, server, faults, wide):
    faults["manifest.json"] = "missing"
    Page(driver, server + "/").open(expect="error")
    assert violations(driver) == []


@pytest.mark.parametrize("wide", WIDTHS, indirect=True)
def test_embedded_folded_and_with_more_open(driver, server, wide):
    page = Page(driver, server + "/?embed").open("idle")
    # Once it predicts, the embed's layout is settled: a click lands where it aims.
    assert page.wait_for(lambda: driver.execute_script("return document.documentElement.dataset.predict") == "ready")
    assert violations(driver) == [], "folded"
    page.click("#more")
    assert page.find("#more").get_attribute("aria-expanded") == "true"
    assert page.wait_for(lambda: page.find("#settings").is_displayed())
    assert violations(driver) == [], "more open"
    assert page_errors(driver) == []


FOCUSED = """const e = document.activeElement, style = getComputedStyle(e);
return [e.id || `${e.tagName}:${e.textContent.trim().slice(0, 20)}`,
        style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2];"""


def test_tab_reaches_the_grid_and_every_control_in_reading_order_with_a_focus_ring(page):
    page.driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    reached = []
    for _ in range(60):
        ActionChains(page.driver).send_keys(Keys.TAB).perform()
        name, ringed = page.driver.execute_script(FOCUSED)
        assert ringed, name
        if name in reached:
            break
        reached.append(name)
    order = [name for name in ("grid", "eraser", "undo", "clear", "start", "stop", "architecture",
                               "batch-size", "pretrained", "export") if name in reached]
    assert order == ["grid", "eraser", "undo", "clear", "start", "architecture", "batch-size",
                     "pretrained", "export"], reached
