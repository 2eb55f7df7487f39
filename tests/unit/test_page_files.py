"""Every file the page names exists: a renamed vendor chunk or module would
otherwise surface only as a failed load in a visitor's console."""
import json
import os
import re
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(name):
    with open(os.path.join(ROOT, name)) as f:
        return f.read()


def test_every_link_and_script_of_the_page_exists():
    names = re.findall(r'(?:href|src)="\./([^"]+)"', read("index.html"))
    assert "static/vendor/pyscript/core.js" in names
    missing = [n for n in names if not os.path.isfile(os.path.join(ROOT, n))]
    assert missing == []


def test_every_python_file_the_interpreters_load_exists():
    page_config = json.loads(re.search(r"config='(\{.*?\})'", read("index.html"), re.S).group(1))
    worker_config = tomllib.loads(read("pyscript.toml"))
    for files in (page_config["files"], worker_config["files"]):
        folders = {target: source for target, source in files.items() if not target.endswith(".py")}
        modules = [target.split("/", 1) for target in files if target.endswith(".py")]
        assert modules
        missing = [(folder, name) for folder, name in modules
                   if not os.path.isfile(os.path.join(ROOT, folders[folder], name))]
        assert missing == []


def imported_modules(source):
    """Package modules a file imports: `from shared.x import ...`, `from ui import a, b`."""
    for package, module, names in re.findall(
            r"^\s*from (shared|ui|worker)(?:\.(\w+))? import ([\w, ]+)", source, re.M):
        for name in [module] if module else [n.strip() for n in names.split(",")]:
            yield "%s/%s.py" % (package, name)


def test_every_module_imported_is_loaded_too():
    page_config = json.loads(re.search(r"config='(\{.*?\})'", read("index.html"), re.S).group(1))
    worker_config = tomllib.loads(read("pyscript.toml"))
    for entry, files in (("ui/main.py", page_config["files"]),
                         ("worker/main.py", worker_config["files"])):
        folders = {target: source for target, source in files.items() if not target.endswith(".py")}
        loaded = {"%s/%s" % (folders[folder].rsplit("/", 1)[1], name)
                  for folder, name in (t.split("/", 1) for t in files if t.endswith(".py"))}
        for module in loaded | {entry}:
            missing = set(imported_modules(read(os.path.join("app", module)))) - loaded
            assert not missing, (module, missing)


def test_the_ui_python_is_preloaded_all_of_it():
    """index.html preloads the files the MicroPython config lists (and main.py):
    one missing would be fetched late, one extra twice."""
    page = read("index.html")
    config = json.loads(re.search(r"config='(\{.*?\})'", page, re.S).group(1))["files"]
    folders = {target: source for target, source in config.items() if not target.endswith(".py")}
    loaded = {"%s/%s" % (folders[folder], name)
              for folder, name in (t.split("/", 1) for t in config if t.endswith(".py"))}
    preloaded = set(re.findall(r'<link rel="preload" href="(\./app/[^"]+)"', page))
    assert preloaded == loaded | {"./app/ui/main.py"}
