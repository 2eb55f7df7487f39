"""Measure the page: make bench (and its parts, runnable alone), make soak, the anchors."""
