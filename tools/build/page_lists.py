"""Write the lists of files the page keeps in index.html and pyscript.toml,
from the tree: run by `make setup`, committed with the page (a static host
serves the files as they are, and the page's policy allows no inline script
that could build them at run time).

What goes in:
- the Python each interpreter loads: the app modules its scripts import,
  followed transitively, wherever the import stands (in a function, under
  `try` or `if`), with the `__init__.py` of every package on the way. A
  module nobody imports is not listed, a new one is without editing anything.
  The page's script is app/ui/main.py; the model worker's,
  app/worker/main.py (its config is pyscript.toml).
  - index.html: the MicroPython config's `files`, and a preload of each
    (with main.py), so that all are fetched at once, not import by import.
  - pyscript.toml: the worker's [files].
- index.html's modulepreload of each chunk PyScript loads as it starts (their
  names carry a hash that changes with PyScript): what
  static/vendor/pyscript/core.js imports statically, followed, and the
  plugins of its plugin table, which it imports at once. Not the chunks it
  imports only when needed (TOML, zip, the editor's CodeMirror).

Only what stands between a region's markers is rewritten:
`<!-- begin NAME: ... -->` to `<!-- end NAME -->` in index.html, `# begin
files: ...` to `# end files` in pyscript.toml. Lists are sorted, and a file
is written only if its text changes: a second run changes nothing.

    python -m tools.build.page_lists [--check] [ROOT]

--check writes nothing and exits 1 naming the files that are stale.
"""
import argparse
import ast
import json
import os
import re
import sys

from shared import shipped
from tools import ROOT

PAGE = "index.html"
APP = "app"
PAGE_SCRIPT = "ui/main.py"                 # under app/: index.html's <script type="mpy">
CORE = "static/vendor/pyscript/core.js"
# import ... from "./x.js", export ... from "./x.js", import "./x.js"; not import("./x.js").
STATIC_IMPORT = re.compile(r"""\b(?:import|export)\b\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']\./([^"']+\.js)["']""")
# An entry of PyScript's plugin table, minified: "py-game":()=>import("./py-game-Ra-Bn6y1.js")
PLUGIN = re.compile(r"""["\w-]+:\(\)=>import\(["']\./([^"']+\.js)["']\)""")


class ListError(Exception):
    """What keeps the lists from being written: a marker missing, or PyScript's
    build not as this expects."""


# -- which modules --------------------------------------------------------------------------------

def module_file(app, dotted):
    """The file of module `dotted` ("shared.blocks") under app/, as "shared/blocks.py"
    or "shared/__init__.py"; None if it is not the app's (json, numpy, pyscript)."""
    if not dotted:
        return None
    base = "/".join(dotted.split("."))
    for name in (base + ".py", base + "/__init__.py"):
        if os.path.isfile(os.path.join(app, name)):
            return name
    return None


def imported(app, path):
    """The app files that file app/path imports, each package on the way included."""
    with open(os.path.join(app, path)) as f:
        tree = ast.parse(f.read(), path)
    package = path.rsplit("/", 1)[0].split("/") if "/" in path else []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            # `from shared import blocks` imports the module shared.blocks
            names += [module] + ["%s.%s" % (module, alias.name) for alias in node.names]
    for name in names:
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):     # importing a.b runs a/__init__.py first
            found = module_file(app, ".".join(parts[:depth]))
            if found:
                yield found


def needed(app, scripts):
    """Every app file `scripts` import, transitively, sorted (a script only if imported)."""
    seen, todo = set(), list(scripts)
    while todo:
        for path in imported(app, todo.pop()):
            if path not in seen:
                seen.add(path)
                todo.append(path)
    return sorted(seen)


def files_config(modules):
    """PyScript's `files` for app modules: each top folder once as {NAME}, then
    each file to its folder ("{SHARED}/blocks.py": "./shared/")."""
    files = {"{%s}" % top.upper(): "./%s/%s" % (APP, top)
             for top in sorted({path.split("/")[0] for path in modules})}
    for path in modules:
        top, rest = path.split("/", 1)
        files["{%s}/%s" % (top.upper(), rest)] = "./%s/" % path.rsplit("/", 1)[0]
    return files


def vendor_chunks(root):
    """The chunks core.js imports statically, followed, and the plugins PyScript
    imports as it starts (each entry of its table `name:()=>import("./x.js")`),
    as paths from the page, sorted."""
    folder = os.path.dirname(CORE)
    found, todo, plugins = set(), [os.path.basename(CORE)], 0
    while todo:
        with open(os.path.join(root, folder, todo.pop())) as f:
            text = f.read()
        names = PLUGIN.findall(text)
        plugins += len(names)
        for name in STATIC_IMPORT.findall(text) + names:
            if name not in found:
                found.add(name)
                todo.append(name)
    if not plugins:
        raise ListError("no plugin table found from %s: has PyScript's build changed?" % CORE)
    return sorted("%s/%s" % (folder, name) for name in found)


# -- writing them ---------------------------------------------------------------------------------

def replace_region(text, begin, end, write, where):
    """text with the lines between the line holding `begin` and the one holding
    `end` replaced by write(indent, old_lines) (a list of lines, no newlines);
    indent is the begin marker's."""
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        raise ListError("%s: no %r ... %r region" % (where, begin, end))
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    body_start = text.index("\n", start) + 1
    body_stop = text.rfind("\n", 0, stop) + 1
    lines = write(indent, text[body_start:body_stop].splitlines())
    return text[:body_start] + "".join(line + "\n" for line in lines) + text[body_stop:]


def html_region(text, name, write):
    return replace_region(text, "<!-- begin %s:" % name, "<!-- end %s -->" % name, write, PAGE)


def page_config(files):
    """Writes the `files` of the <script type="mpy"> config in a region, the rest of it as it was."""
    def write(indent, old):
        block = "\n".join(old)
        match = re.search(r"config='(.*?)'", block, re.S)
        if not match:
            raise ListError("%s: no config='...' in the page-config region" % PAGE)
        config = dict(json.loads(match.group(1)), files=files)
        text = json.dumps(config, indent=2).replace("\n", "\n" + indent)
        if "'" in text:
            raise ListError("%s: a ' in the page's config would end its attribute" % PAGE)
        return (block[:match.start(1)] + text + block[match.end(1):]).split("\n")
    return write


def written(root):
    """{name: text} of index.html and pyscript.toml under root as this writes them."""
    app = os.path.join(root, APP)
    page = needed(app, [PAGE_SCRIPT])
    worker = needed(app, [os.path.relpath(shipped.WORKER, APP).replace(os.sep, "/")])
    with open(os.path.join(root, PAGE)) as f:
        html = f.read()
    html = html_region(html, "vendor-chunks", lambda indent, _: [
        '%s<link rel="modulepreload" href="./%s">' % (indent, path) for path in vendor_chunks(root)])
    html = html_region(html, "ui-modules", lambda indent, _: [
        '%s<link rel="preload" href="./%s/%s" as="fetch" crossorigin>' % (indent, APP, path)
        for path in sorted(page + [PAGE_SCRIPT])])
    html = html_region(html, "page-config", page_config(files_config(page)))
    with open(os.path.join(root, shipped.WORKER_CONFIG)) as f:
        toml = f.read()
    toml = replace_region(toml, "# begin files:", "# end files", lambda indent, _: [
        "%s%s = %s" % (indent, json.dumps(target), json.dumps(source))
        for target, source in files_config(worker).items()], shipped.WORKER_CONFIG)
    return {PAGE: html, shipped.WORKER_CONFIG: toml}


def stale(root):
    """The names of the files whose lists differ from what this writes, with their new text."""
    changed = {}
    for name, text in written(root).items():
        with open(os.path.join(root, name)) as f:
            if f.read() != text:
                changed[name] = text
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("root", nargs="?", default=ROOT)
    args = parser.parse_args(argv)
    try:
        changed = stale(args.root)
    except (ListError, OSError, SyntaxError) as error:
        sys.exit("page lists: %s" % error)
    if args.check:
        if changed:
            sys.exit("stale: %s (run `python -m tools.build.page_lists`)" % ", ".join(sorted(changed)))
        return
    for name, text in changed.items():
        path = os.path.join(args.root, name)
        with open(path + ".part", "w") as f:
            f.write(text)
        os.replace(path + ".part", path)
    print("page lists: %s" % ("rewrote " + ", ".join(sorted(changed)) if changed else "up to date"))


if __name__ == "__main__":
    sys.exit(main())
