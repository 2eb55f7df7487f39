"""The files the page ships, as paths relative to the page (index.html):
the page and the worker fetch them against its URL, the tools join them to
the repository's root. Plain Python: CPython, Pyodide and MicroPython."""
DATA = "static/data/"
MANIFEST = DATA + "manifest.json"
PRETRAINED = {"mlp": "static/weights/pretrained.npz", "cnn": "static/weights/pretrained-cnn.npz"}
# The MLP's shipped weights as a status's inference view: the page predicts with
# them before the worker is up.
PRETRAINED_INFERENCE = "static/weights/pretrained-inference.txt"
C_STEP = "static/kernels/mlp_step.wasm"
WORKER = "app/worker/main.py"
WORKER_CONFIG = "pyscript.toml"
# What the offline copy keeps, with the version of the page: a hash of all its files.
OFFLINE_SET = "offline-set.js"
