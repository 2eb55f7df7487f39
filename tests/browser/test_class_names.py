"""A dataset of other classes (Fashion-MNIST built by `make data IDX=...`):
the page names classes as the manifest does, everywhere it names one."""
import json
import os

import pytest

from shared import shipped
from tests.harness.browser import DIGITS, ROOT, Page, draw, page_errors, serve
from tools.build import offline_set
from tools.build.page_set import FILES, page_files
from tools.build.build_data import FASHION_NAMES as FASHION


@pytest.fixture(scope="module")
def fashion_server(tmp_path_factory):
    """This app with the same blocks, its manifest naming Fashion-MNIST's classes,
    and an offline set of its own files: the page installs its service worker
    (sw.js) once it has been ready a while, as a test may well last."""
    root = tmp_path_factory.mktemp("fashion")
    for name in FILES + ("app",):
        os.symlink(os.path.join(ROOT, name), root / name)
    (root / "static").mkdir()
    for name in os.listdir(os.path.join(ROOT, "static")):
        if name != "data":
            os.symlink(os.path.join(ROOT, "static", name), root / "static" / name)
    data = root / "static" / "data"
    data.mkdir()
    for name in os.listdir(os.path.join(ROOT, shipped.DATA)):
        if name.endswith(".bin"):
            os.symlink(os.path.join(ROOT, shipped.DATA, name), data / name)
    with open(os.path.join(ROOT, shipped.MANIFEST)) as f:
        manifest = json.load(f)
    (data / "manifest.json").write_text(json.dumps(dict(manifest, classes=FASHION)))
    offline_set.write(str(root), page_files(str(root)))
    url, httpd = serve(str(root))
    yield url
    httpd.shutdown()


def test_classes_are_named_from_the_manifest_everywhere(driver, fashion_server):
    page = Page(driver, fashion_server + "/").open()
    labels = driver.execute_script(
        "return [...document.querySelectorAll('#probs .prob-digit')].map(e => e.textContent)")
    assert labels == FASHION
    draw(page, DIGITS["1"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") != "")
    best = int(page.find("#prediction").get_attribute("data-digit"))
    assert page.text("#prediction") == FASHION[best]
    assert page.wait_for(lambda: page.find("#sample").is_enabled())   # samples load beside the worker
    page.click("#sample")
    assert page.wait_for(lambda: page.find("#sample-label").get_attribute("data-digit") != "")
    label = int(page.find("#sample-label").get_attribute("data-digit"))
    assert "true label %s" % FASHION[label] in page.text("#sample-label")
    headers = driver.execute_script(
        "return [...document.querySelectorAll('#confusion th')].map(e => e.textContent)")
    assert headers[1:] == FASHION + FASHION
    page.click('#confusion button[data-true="8"][data-pred="3"]')
    assert "Bag" in page.text("#confusion-caption") and "Dress" in page.text("#confusion-caption")
    assert page_errors(driver) == []
