"""The page's side of the predictor worker (worker/predictor.py): it starts the
worker the first time the convnet is in use, hands it the newest weights, and
asks it about drawings, one message at a time: while it works on one, only
the newest drawing waits, so it never falls behind a fast stroke. Drawings
go before weights, so a checkpoint never holds up the bars; new weights go
over when the worker is free, and the drawing shown is then asked about again.

Each job is posted the moment the worker is free, and each answer is shown
from the message handler itself: an asyncio task would cost a timer turn of
the main thread each way, behind whatever else is queued there.
"""
import asyncio
import json

from pyscript import workers
from pyscript.ffi import create_proxy

from shared import shipped
from ui.worker_link import BOOT_TIMEOUT_S, add_worker, settled

NAME = "predictor"
WEIGHTS = "weights"      # the job in flight is a weights file, not a drawing


class ConvnetPredictor:
    def __init__(self, on_probabilities, on_weights, on_problem):
        """on_probabilities(probabilities, request): each answer, with the
        request it answers; on_weights(): the worker predicts with new weights
        from now on; on_problem(text): the worker failed or refused."""
        self.on_probabilities = on_probabilities
        self.on_weights = on_weights
        self.on_problem = on_problem
        self.worker = None            # the worker's xworker, once it is up
        self.starting = False
        self.weights = None           # the newest weights, not yet handed over
        self.pending = None           # the newest drawing not yet asked about
        self.in_flight = None         # the request of the job the worker is on, or WEIGHTS
        self.answer_proxy = create_proxy(self.answered)
        self.crash_proxy = create_proxy(self.crashed)

    @property
    def ready(self):
        return self.worker is not None

    @property
    def busy(self):
        return self.in_flight is not None

    def use(self, weights_file):
        """weights_file: a Uint8Array, handed to the worker as it is."""
        self.weights = weights_file
        if not self.starting:
            self.starting = True
            asyncio.create_task(self.start())
        self.next_job()

    async def start(self):
        script = add_worker(shipped.PREDICTOR, NAME)
        try:
            await asyncio.wait_for(settled(workers[NAME]), BOOT_TIMEOUT_S)
        except Exception as error:     # a timeout, or the worker failed to load
            self.on_problem("the convnet's predictor did not start (%s); "
                            "the MLP predicts meanwhile" % (error or "timed out"))
            return
        script.xworker.onmessage = self.answer_proxy
        script.xworker.onerror = self.crash_proxy
        self.worker = script.xworker
        self.next_job()

    def ask(self, pixels, request):
        """pixels: the grid's pixels as base64 of float64 (base64_codec.encode_floats); request: what
        the answer is for (handed back with it)."""
        self.pending = (pixels, request)
        self.next_job()

    def next_job(self):
        """Post the newest drawing, else new weights, if the worker is free."""
        if self.worker is None or self.in_flight is not None:
            return
        if self.pending is not None:
            (job, self.in_flight), self.pending = self.pending, None
        elif self.weights is not None:
            job, self.weights, self.in_flight = self.weights, None, WEIGHTS
        else:
            return
        self.worker.postMessage(job)

    def answered(self, event):
        job, self.in_flight = self.in_flight, None
        answer = json.loads(event.data)
        if isinstance(answer, dict):
            self.lost("it failed: %s" % answer["failed"])
        elif job == WEIGHTS:
            if answer:
                self.on_problem("the convnet's weights were refused: %s" % answer)
            else:
                self.on_weights()
        else:
            self.on_probabilities(answer, job)
        self.next_job()

    def crashed(self, event):
        self.lost(getattr(event, "message", None) or "it crashed")

    def lost(self, why):
        """The worker is no use any more: the MLP takes over."""
        self.worker = None
        self.in_flight = self.pending = None
        self.on_problem("the convnet's predictor stopped (%s); the MLP predicts meanwhile" % why)
