"""The offline set (tools/build/offline_set.py) that sw.js keeps: dist's selection of
the page's files, each with its sha256, and a version that changes with any
file and with nothing else; dist/ gets a set of exactly the files it holds."""
import hashlib
import json
import os

import pytest

from tools import ROOT
from tools.build import dist, offline_set, page_set

PAGE = {
    "index.html": b"<!doctype html>",
    "pyscript.toml": b"packages = []",
    "sw.js": b"importScripts('./offline-set.js');",
    "app/ui/main.py": b"print('hi')",
    "app/ui/__pycache__/main.cpython-312.pyc": b"\0",
    "static/vendor/pyodide/pyodide.asm.wasm": b"\0asm" + bytes(range(256)) * 40,
    "static/vendor/pyscript/core.js.map": b"{}",
    "static/vendor/pyscript/xterm-abc.js": b"",
    "static/data/manifest.json": b"{}",
    "tools/build/dist.py": b"",
}


def make_tree(root, files):
    for path, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)) or root, exist_ok=True)
        with open(os.path.join(root, path), "wb") as f:
            f.write(data)
    return str(root)


def read_written(root):
    with open(os.path.join(root, offline_set.NAME)) as f:
        comment, script = f.read().split("\n", 1)
    assert comment.startswith("//")
    assert script.startswith("self.OFFLINE_SET = ") and script.endswith(";\n")
    return json.loads(script[len("self.OFFLINE_SET = "):-2])


@pytest.fixture
def page(tmp_path):
    return make_tree(tmp_path / "page", PAGE)


def kept(root):
    return offline_set.offline_set(root, page_set.page_files(root))


def test_the_set_is_what_dist_selects_but_the_service_worker_itself(page):
    files = kept(page)["files"]
    assert sorted(files) == ["app/ui/main.py", "index.html", "pyscript.toml",
                             "static/data/manifest.json", "static/vendor/pyodide/pyodide.asm.wasm"]
    for path, digest in files.items():
        assert digest == hashlib.sha256(PAGE[path]).hexdigest()


def test_the_version_follows_the_content_and_nothing_else(page, tmp_path):
    version = kept(page)["version"]
    assert len(version) == 16 and kept(page)["version"] == version
    # The same files elsewhere, listed in another order: the same version.
    twin = make_tree(tmp_path / "twin", PAGE)
    assert offline_set.offline_set(twin, reversed(page_set.page_files(twin)))["version"] == version
    make_tree(page, {"sw.js": b"// a new service worker, the same files"})
    assert kept(page)["version"] == version
    make_tree(page, {"app/ui/main.py": b"print('hello')"})
    changed = kept(page)["version"]
    assert changed != version
    make_tree(page, {"app/ui/extra.py": b""})
    added = kept(page)["version"]
    assert added not in (version, changed)
    os.remove(os.path.join(page, "app/ui/extra.py"))
    assert kept(page)["version"] == changed


def test_written_as_the_script_sw_js_imports(page):
    written = offline_set.write(page, page_set.page_files(page))
    assert read_written(page) == written == kept(page)
    assert not os.path.exists(os.path.join(page, offline_set.NAME + ".part"))
    # Written again over itself, and the list stays out of its own set.
    assert offline_set.write(page, page_set.page_files(page) + [offline_set.NAME]) == written
    with open(os.path.join(ROOT, "sw.js")) as f:
        worker = f.read()
    assert 'importScripts("./%s")' % offline_set.NAME in worker and "self.OFFLINE_SET" in worker


@pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, "static", "vendor")),
                    reason="needs `make setup` (static/vendor)")
def test_dist_gets_a_set_of_exactly_the_files_it_holds(tmp_path):
    out = str(tmp_path / "dist")
    dist.build(out)
    files = read_written(out)["files"]
    held = {os.path.relpath(os.path.join(d, f), out).replace(os.sep, "/")
            for d, _, names in os.walk(out) for f in names}
    assert set(files) == held - set(offline_set.SERVICE_WORKER)
    assert set(offline_set.SERVICE_WORKER) <= held
    assert "static/vendor/pyodide/pyodide.asm.wasm" in files and "static/js/offline.js" in files
    assert not [path for path in files if path.endswith(".map") or "xterm" in path]
    for path in ("index.html", "static/data/manifest.json"):
        with open(os.path.join(out, path), "rb") as f:
            assert files[path] == hashlib.sha256(f.read()).hexdigest()
