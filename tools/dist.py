"""`make dist`: write dist/, only what the page needs at run time, ready to
upload to any static host under any sub-path.

Kept: index.html, pyscript.toml, the service worker, the app's Python files,
the CSS and scripts, the data blocks, the shipped weights, the MLP's C step
built to WebAssembly and the runtimes.
Left out: node_modules, tests, tools, C sources, source maps, .pyc, and the chunks of
PyScript plugins the page never uses: CodeMirror (the editor) and xterm (the
terminal). PyScript imports the plugins' own small entry chunks at start, so
those stay. The browser tests run the main flow from a dist/ built by this
code, so a chunk left out by mistake fails them. dist/ gets its own offline
set (tools/offline_set.py): the files it holds, hashed. Prints the size and
the file count.
"""
import argparse
import fnmatch
import os
import shutil
import sys

import offline_set

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


def build(out):
    """Write the page to `out` (replaced whole); returns (files, bytes)."""
    for path in FILES + TREES:
        if not os.path.exists(os.path.join(ROOT, path)):
            raise SystemExit("%s is missing: run `make setup` first" % path)
    part = out.rstrip("/") + ".part"
    shutil.rmtree(part, ignore_errors=True)
    for path in page_files(ROOT):
        os.makedirs(os.path.dirname(os.path.join(part, path)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, path), os.path.join(part, path))
    offline_set.write(part, page_files(part))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(part, out)              # never half a dist/ where a whole one was
    sizes = [os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(out) for f in files]
    return len(sizes), sum(sizes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"))
    args = parser.parse_args(argv)
    files, size = build(args.out)
    print("%s: %d files, %.1f MB" % (os.path.relpath(args.out, ROOT), files, size / 1e6))


if __name__ == "__main__":
    sys.exit(main())
