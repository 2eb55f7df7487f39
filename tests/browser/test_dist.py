"""The main flow runs from dist/ (tools/build/dist.py) below a sub-path of a
plain static host. (What dist/ holds: tests/unit/test_dist_contents.py.)"""
import pytest

from tests.harness.browser import DIGITS, SUBPATH, Page, draw, page_errors, serve
from tests.harness.samples import SHIPPED_SAMPLES

from tools.build import dist


@pytest.fixture
def dist_server(tmp_path):
    out = str(tmp_path / "dist")
    dist.build(out)
    url, httpd = serve(out)
    yield url
    httpd.shutdown()


def test_the_main_flow_runs_from_dist_below_a_sub_path(driver, dist_server):
    page = Page(driver, dist_server + SUBPATH).open()
    draw(page, DIGITS["0"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "0")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > SHIPPED_SAMPLES + 10000, timeout=30)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    # Stop's checkpoint is saved at once; reload only when the page says it is stored.
    assert page.wait_for(lambda: page.find("#autosave-state").get_attribute("data-saved"))
    page.open()                                   # and the model is kept there too
    assert page.wait_for(
        lambda: page.find("#weights-source").get_attribute("data-source") == "autosaved")
    assert page_errors(driver) == []
