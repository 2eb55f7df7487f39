"""Plain Python of app/shared/ run under MicroPython, as the page runs it: the
MicroPython WebAssembly package that npm installs (the page's own), in node,
with every module of app/shared/ in its file system as the package `shared`.

    out = micropython.run(program)        # what the program printed
"""
import glob
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from tools import ROOT

MICROPYTHON = os.path.join(ROOT, "node_modules", "@micropython", "micropython-webassembly-pyscript",
                           "micropython.mjs")


def run(program, timeout=120):
    """The program's stdout under MicroPython; the test is skipped where node or the package is missing."""
    node = shutil.which("node")
    if node is None or not os.path.exists(MICROPYTHON):
        pytest.skip("node or the MicroPython WebAssembly package is missing")
    files = ["mp.FS.mkdir('/shared');"]
    for path in sorted(glob.glob(os.path.join(ROOT, "app", "shared", "*.py"))):
        with open(path) as f:
            files.append("mp.FS.writeFile(%s, %s);" % (json.dumps("/shared/" + os.path.basename(path)),
                                                       json.dumps(f.read())))
    script = (
        "import { loadMicroPython } from %s;\n"
        "let out = '';\n"
        "const mp = await loadMicroPython({heapsize: 64 * 1024 * 1024, stdout: (s) => { out += s + '\\n'; },"
        " stderr: (s) => { process.stderr.write(s + '\\n'); }});\n"
        "%s\n"
        # Only the error's message: node's report of an uncaught one quotes the
        # package's source, a single line of 200 KB, and is cut at the pipe's 64 KB.
        "try { mp.runPython(%s); } catch (error) { process.stderr.write(String(error.message)); process.exitCode = 1; }\n"
        "process.stdout.write(out);\n" % (json.dumps(MICROPYTHON), "\n".join(files), json.dumps(program)))
    with tempfile.NamedTemporaryFile("w", suffix=".mjs") as f:     # too long for a command line
        f.write(script)
        f.flush()
        done = subprocess.run([node, f.name], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done.stdout
