"""The project's tools, by role: build/ makes what the page serves (`make
setup`, `make dist`), bench/ measures it (`make bench`, `make soak`), and
predict.py is the user's command line. Run them as modules (`python -m
tools.build.dist`); the venv's digits.pth puts the repository and app/ on the path."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
