"""What a digit is, everywhere in the app (page, worker, C step, tools,
tests): a SIDE x SIDE grid of pixels in [0, 1], ink high as in MNIST, read
as one of CLASSES classes. Plain Python: CPython, Pyodide and MicroPython."""
SIDE = 28
PIXELS = SIDE * SIDE
CLASSES = 10
