"""The training settings a visitor can change, each declared once: the status
field that reports it, the page's input for it, the signal that sets it, the
values it takes and the worker's default. The protocol checks signals
against these (shared/protocol.py), autosave keeps them (shared/autosave.py),
the page shows and sends them (ui/training.py) and the worker starts from
their defaults (worker/trainer.py; an architecture may bring its own, see
worker/convnet.py).

Plain Python: runs under CPython, Pyodide and MicroPython.
"""


class Setting:
    def __init__(self, field, selector, signal, default, low=None, high=None, integer=False):
        """low, high: a number's inclusive limits; a setting without them is true or false."""
        self.field = field            # in the status, and in autosave's record
        self.selector = selector      # the page's input
        self.signal = signal
        self.default = default
        self.low, self.high, self.integer = low, high, integer

    @property
    def name(self):
        """As messages name it: "batch size"."""
        return self.signal[len("set_"):].replace("_", " ")

    @property
    def is_switch(self):
        return self.low is None


BATCH_SIZE = Setting("batch_size", "#batch-size", "set_batch_size", 64, 1, 4096, integer=True)
# With momentum 0.9, 0.1 reached 95% held-out in 20-27k samples against
# 24-33k for 0.05, and ended no worse (96.3-96.6% after 150k; five seeds).
LEARNING_RATE = Setting("lrate", "#learning-rate", "set_learning_rate", 0.1, 1e-6, 10.0)
# In blocks; 64 x 1000 samples = 50 MB at most.
CACHE_SIZE = Setting("cache_size", "#cache-size", "set_cache_size", 8, 1, 64, integer=True)
# Distorting the training batches (worker/augment.py).
AUGMENT = Setting("augment", "#augment", "set_augment", False)

ALL = (BATCH_SIZE, LEARNING_RATE, CACHE_SIZE, AUGMENT)
BY_SIGNAL = {setting.signal: setting for setting in ALL}
