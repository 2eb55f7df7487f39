"""dist/ (tools/build/dist.py) holds everything the page needs and nothing more,
and the main flow runs from it below a sub-path of a plain static host."""
import os

import pytest

from tests.harness.browser import DIGITS, SUBPATH, Page, draw, page_errors, serve

from tools.build import dist


@pytest.fixture(scope="module")
def dist_server(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("host") / "dist")
    dist.build(out)
    url, httpd = serve(out)
    yield url, out
    httpd.shutdown()


def test_dist_leaves_out_what_the_page_never_loads(dist_server):
    _, out = dist_server
    names = [os.path.relpath(os.path.join(d, f), out) for d, _, files in os.walk(out) for f in files]
    assert "index.html" in names and "pyscript.toml" in names
    assert "app/ui/main.py" in names and "static/weights/pretrained.npz" in names
    assert any(n.startswith("static/vendor/pyodide/numpy-") for n in names)
    for unwanted in (".map", ".pyc", "node_modules", "tests/", "tools/", "codemirror", "xterm"):
        assert not [n for n in names if unwanted in n], unwanted


def test_the_main_flow_runs_from_dist_below_a_sub_path(driver, dist_server):
    url, _ = dist_server
    page = Page(driver, url + SUBPATH).open()
    draw(page, DIGITS["0"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "0")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > 180000, timeout=30)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    # Stop's checkpoint is saved at once; reload only when the page says it is stored.
    assert page.wait_for(lambda: page.find("#autosave-state").get_attribute("data-saved"))
    page.open()                                   # and the model is kept there too
    assert page.wait_for(
        lambda: page.find("#weights-source").get_attribute("data-source") == "autosaved")
    assert page_errors(driver) == []
