"""The page's lists of its own files (in index.html and pyscript.toml) are
what tools/build/page_lists.py writes from the tree, and every file the page
names exists: a renamed vendor chunk or module would otherwise surface only
as a failed load in a visitor's console."""
import json
import os
import re
import tomllib

import pytest

from tools import ROOT
from tools.build import page_lists


def read(root, name):
    with open(os.path.join(root, name)) as f:
        return f.read()


def page_config(root):
    """The MicroPython config in index.html."""
    return json.loads(re.search(r"config='(\{.*?\})'", read(root, "index.html"), re.S).group(1))


def worker_files(root):
    return tomllib.loads(read(root, "pyscript.toml"))["files"]


def loaded(files):
    """Each Python file a `files` config loads, as its path from the page ("./app/ui/grid.py")."""
    folders = {target: source for target, source in files.items() if not target.endswith(".py")}
    return sorted("%s/%s" % (folders[folder], name)
                  for folder, name in (t.split("/", 1) for t in files if t.endswith(".py")))


def preloads(root, rel):
    return re.findall(r'<link rel="%s" href="\./([^"]+)"' % rel, read(root, "index.html"))


def test_the_lists_are_what_set_up_writes():
    """A commit of app/ without its lists fails here: run the generator and commit."""
    assert sorted(page_lists.stale(ROOT)) == [], "run `.venv/bin/python -m tools.build.page_lists`"


def test_every_link_and_script_of_the_page_exists():
    names = re.findall(r'(?:href|src)="\./([^"]+)"', read(ROOT, "index.html"))
    assert "static/vendor/pyscript/core.js" in names
    missing = [n for n in names if not os.path.isfile(os.path.join(ROOT, n))]
    assert missing == []


def test_every_python_file_the_interpreters_load_exists():
    for files in (page_config(ROOT)["files"], worker_files(ROOT)):
        paths = loaded(files)
        assert paths
        assert [path for path in paths if not os.path.isfile(os.path.join(ROOT, path))] == []


# -- the generator, on a small tree -------------------------------------------------------------

TREE = {
    "app/ui/__init__.py": "",
    "app/ui/main.py": "import json\nfrom ui import panel\nfrom shared.tools import helper\n",
    # An import inside a function, a multi-line one.
    "app/ui/panel.py": ('SRC = "./app/worker/main.py"  # the model worker\n\n'
                        "def later():\n    from ui.deep.view import (\n        View,\n    )\n"),
    "app/ui/deep/__init__.py": "",
    # A relative import, found in a module the page imports.
    "app/ui/deep/view.py": 'from . import style\n',
    "app/ui/deep/style.py": "",
    "app/ui/unused.py": "from shared import alone\n",
    "app/shared/__init__.py": "",
    # A conditional import: both branches may run somewhere.
    "app/shared/tools.py": "try:\n    import ubinascii\nexcept ImportError:\n    import shared.codec\n",
    "app/shared/codec.py": "",
    "app/shared/alone.py": "",
    "app/worker/__init__.py": "",
    "app/worker/main.py": "import numpy\nfrom worker import step\n\ndef later():\n    from worker import extra\n",
    "app/worker/step.py": "from shared import codec\n",
    "app/worker/extra.py": "",
    "app/worker/unused.py": "",
    "static/vendor/pyscript/core.js": 'export{a as b,c as d}from"./core-Ab1.js";\n',
    "static/vendor/pyscript/core-Ab1.js": (
        'var P={codemirror:()=>Promise.resolve().then(function(){return X}),'
        '"py-game":()=>import("./py-game-Cd2.js"),donkey:()=>import("./donkey-Ef3.js")};'
        'const t=async e=>(await import("./toml-Gh4.js")).parse(e);\n'),
    "static/vendor/pyscript/py-game-Cd2.js": 'import{a}from"./core-Ab1.js";import"./game-Ij5.js";\n',
    "static/vendor/pyscript/game-Ij5.js": "",
    "static/vendor/pyscript/donkey-Ef3.js": 'import{a}from"./core-Ab1.js";\n',
    "static/vendor/pyscript/toml-Gh4.js": "",
    "index.html": """<head>
  <link rel="stylesheet" href="./kept.css">
  <!-- begin vendor-chunks: test -->
  <link rel="modulepreload" href="./static/vendor/pyscript/old-Zz9.js">
  <!-- end vendor-chunks -->
  <!-- begin ui-modules: test -->
  <!-- end ui-modules -->
</head>
<body>
  <!-- begin page-config: test -->
  <script type="mpy" src="./app/ui/main.py" config='{"interpreter": "./mp.mjs", "files": {}}'></script>
  <!-- end page-config -->
</body>
""",
    "pyscript.toml": 'interpreter = "./p.mjs"\n\n[files]\n# begin files: test\n"{OLD}" = "./old"\n# end files\n',
}


@pytest.fixture
def tree(tmp_path):
    for name, text in TREE.items():
        os.makedirs(os.path.dirname(tmp_path / name), exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_the_page_gets_what_its_script_imports_transitively_and_nothing_else(tree):
    page_lists.main([tree])
    assert loaded(page_config(tree)["files"]) == [
        "./app/shared/__init__.py", "./app/shared/codec.py", "./app/shared/tools.py",
        "./app/ui/__init__.py", "./app/ui/deep/__init__.py", "./app/ui/deep/style.py",
        "./app/ui/deep/view.py", "./app/ui/panel.py"]
    assert page_config(tree)["files"]["{UI}/deep/view.py"] == "./ui/deep/"
    assert page_config(tree)["interpreter"] == "./mp.mjs"       # the rest of the config is kept
    assert preloads(tree, "preload") == sorted(
        path[2:] for path in loaded(page_config(tree)["files"]) + ["./app/ui/main.py"])


def test_the_worker_config_gets_what_the_model_worker_imports_transitively(tree):
    page_lists.main([tree])
    assert loaded(worker_files(tree)) == [
        "./app/shared/__init__.py", "./app/shared/codec.py",
        "./app/worker/__init__.py", "./app/worker/extra.py", "./app/worker/step.py"]
    assert tomllib.loads(read(tree, "pyscript.toml"))["interpreter"] == "./p.mjs"


def test_the_chunks_preloaded_are_those_pyscript_loads_as_it_starts(tree):
    page_lists.main([tree])
    assert preloads(tree, "modulepreload") == [
        "static/vendor/pyscript/%s" % name
        for name in ("core-Ab1.js", "donkey-Ef3.js", "game-Ij5.js", "py-game-Cd2.js")]
    assert preloads(tree, "stylesheet") == ["kept.css"]          # outside the markers: as it was


def test_a_second_run_changes_nothing(tree):
    page_lists.main([tree])
    before = {name: read(tree, name) for name in ("index.html", "pyscript.toml")}
    assert page_lists.stale(tree) == {}
    page_lists.main([tree])
    assert {name: read(tree, name) for name in before} == before


def test_check_writes_nothing_and_fails_on_stale_lists(tree):
    with pytest.raises(SystemExit) as stopped:
        page_lists.main(["--check", tree])
    assert "index.html" in str(stopped.value) and "pyscript.toml" in str(stopped.value)
    assert read(tree, "index.html") == TREE["index.html"]
    page_lists.main([tree])
    page_lists.main(["--check", tree])                     # up to date: no exit


def test_a_missing_marker_is_an_error_not_a_guess(tree):
    with open(os.path.join(tree, "pyscript.toml"), "w") as f:
        f.write('[files]\n"{OLD}" = "./old"\n')
    with pytest.raises(SystemExit) as stopped:
        page_lists.main([tree])
    assert "pyscript.toml" in str(stopped.value) and "# begin files:" in str(stopped.value)
    assert read(tree, "index.html") == TREE["index.html"]     # nothing half written
