"""`make dist`: write dist/, only what the page needs at run time, ready to
upload to any static host under any sub-path.

Kept: index.html, pyscript.toml, the service worker, the app's Python files,
the CSS and scripts, the data blocks, the shipped weights, the MLP's C step
built to WebAssembly and the runtimes.
Left out: node_modules, tests, tools and what tools/build/page_set.py leaves
out. PyScript imports the plugins' own small entry chunks at start, so
those stay. The browser tests run the main flow from a dist/ built by this
code, so a chunk left out by mistake fails them. dist/ gets its own offline
set (tools/build/offline_set.py): the files it holds, hashed. Prints the size and
the file count.
"""
import argparse
import os
import shutil
import sys

from tools import ROOT
from tools.build import offline_set
from tools.build.page_set import FILES, TREES, page_files


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
