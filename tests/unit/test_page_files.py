"""Every file the page names exists: a renamed vendor chunk or module would
otherwise surface only as a failed load in a visitor's console."""
import json
import os
import re
import tomllib

from tools import ROOT


def read(name):
    with open(os.path.join(ROOT, name)) as f:
        return f.read()


def page_files():
    """The MicroPython config's `files` in index.html."""
    return json.loads(re.search(r"config='(\{.*?\})'", read("index.html"), re.S).group(1))["files"]


def worker_files():
    return tomllib.loads(read("pyscript.toml"))["files"]


def sources(files):
    """Each Python file a `files` config loads, as its path from the page ("./app/ui/grid.py")."""
    folders = {target: source for target, source in files.items() if not target.endswith(".py")}
    return {"%s/%s" % (folders[folder], name)
            for folder, name in (t.split("/", 1) for t in files if t.endswith(".py"))}


def test_every_link_and_script_of_the_page_exists():
    names = re.findall(r'(?:href|src)="\./([^"]+)"', read("index.html"))
    assert "static/vendor/pyscript/core.js" in names
    missing = [n for n in names if not os.path.isfile(os.path.join(ROOT, n))]
    assert missing == []


def test_every_python_file_the_interpreters_load_exists():
    for files in (page_files(), worker_files()):
        loaded = sources(files)
        assert loaded
        assert [path for path in loaded if not os.path.isfile(os.path.join(ROOT, path))] == []


def imported_modules(source):
    """Package modules a file imports: `from shared.x import ...`, `from ui import a, b`."""
    for package, module, names in re.findall(
            r"^\s*from (shared|ui|worker)(?:\.(\w+))? import ([\w, ]+)", source, re.M):
        for name in [module] if module else [n.strip() for n in names.split(",")]:
            yield "./app/%s/%s.py" % (package, name)


def test_every_module_imported_is_loaded_too():
    for entry, files in (("./app/ui/main.py", page_files()),
                         ("./app/worker/main.py", worker_files())):
        loaded = sources(files)
        for path in loaded | {entry}:
            missing = set(imported_modules(read(path))) - loaded
            assert not missing, (path, missing)


def test_the_ui_python_is_preloaded_all_of_it():
    """index.html preloads the files the MicroPython config lists (and main.py):
    one missing would be fetched late, one extra twice."""
    preloaded = set(re.findall(r'<link rel="preload" href="(\./app/[^"]+)"', read("index.html")))
    assert preloaded == sources(page_files()) | {"./app/ui/main.py"}
