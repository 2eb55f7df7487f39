"""Make the app packages (`shared`, `worker`) and the build tools importable."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (os.path.join(ROOT, "app"), os.path.join(ROOT, "tools")):
    if path not in sys.path:
        sys.path.insert(0, path)
