"""The page's files: what it needs at run time, the selection that dist/
(tools/build/dist.py) copies and the offline set (tools/build/offline_set.py)
hashes. Left out: C sources, source maps, .pyc, and the chunks of PyScript
plugins the page never uses, CodeMirror (the editor) and xterm (the terminal).
"""
import fnmatch
import os

FILES = ("index.html", "pyscript.toml", "sw.js")
TREES = ("app", "static/css", "static/js", "static/data", "static/weights", "static/kernels",
         "static/vendor")
LEFT_OUT = ("*.c", "*.map", "*.pyc", "__pycache__", "codemirror*", "xterm*")


def left_out(name):
    return any(fnmatch.fnmatch(name, pattern) for pattern in LEFT_OUT)


def page_files(root):
    """What the page needs at run time under `root`, as sorted paths relative to it."""
    paths = list(FILES)
    for tree in TREES:
        for folder, dirs, names in os.walk(os.path.join(root, tree)):
            dirs[:] = [d for d in dirs if not left_out(d)]
            paths += [os.path.relpath(os.path.join(folder, n), root) for n in names if not left_out(n)]
    return sorted(path.replace(os.sep, "/") for path in paths)
