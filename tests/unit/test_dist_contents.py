"""dist/ (tools/build/dist.py) holds everything the page needs and nothing more.
The browser test tests/browser/test_dist.py runs the page from it."""
import os

from shared import shipped
from tools.build import dist


def test_dist_leaves_out_what_the_page_never_loads(tmp_path):
    out = str(tmp_path / "dist")
    dist.build(out)
    names = [os.path.relpath(os.path.join(d, f), out) for d, _, files in os.walk(out) for f in files]
    assert "index.html" in names and "pyscript.toml" in names
    assert "app/ui/main.py" in names and shipped.PRETRAINED["mlp"] in names
    assert any(n.startswith("static/vendor/pyodide/numpy-") for n in names)
    for unwanted in (".map", ".pyc", "node_modules", "tests/", "tools/", "codemirror", "xterm"):
        assert not [n for n in names if unwanted in n], unwanted
