"""The page's side of the predictor worker (worker/predictor.py): it starts the
worker the first time the convnet is in use, hands it the newest weights, and
asks it about drawings, one at a time: while it works on one, only the
newest drawing waits, so it never falls behind a fast stroke.
"""
import asyncio
import json

from pyscript import workers

from ui.model_worker import add_worker, settled

SRC, NAME = "./app/worker/predictor.py", "predictor"
BOOT_TIMEOUT_S = 120


class ConvnetPredictor:
    def __init__(self, on_probabilities, on_problem):
        """on_probabilities(probabilities, request): each answer, with the
        request it answers; on_problem(text): the worker failed or refused."""
        self.on_probabilities = on_probabilities
        self.on_problem = on_problem
        self.sync = None              # the worker's functions, once it is up
        self.starting = False
        self.weights = None           # the newest weights, not yet handed over
        self.pending = None           # the newest drawing not yet asked about
        self.busy = False

    @property
    def ready(self):
        return self.sync is not None

    def use(self, weights_file):
        """weights_file: a Uint8Array, handed to the worker as it is."""
        self.weights = weights_file
        if not self.starting:
            self.starting = True
            asyncio.create_task(self.start())
        elif self.ready and not self.busy:
            asyncio.create_task(self.work())

    async def start(self):
        add_worker(SRC, NAME)
        try:
            self.sync = await asyncio.wait_for(settled(workers[NAME]), BOOT_TIMEOUT_S)
        except Exception as error:     # a timeout, or the worker failed to load
            self.on_problem("the convnet's predictor did not start (%s); "
                            "the MLP predicts meanwhile" % (error or "timed out"))
            return
        await self.work()

    def ask(self, levels, request):
        """levels: the 784 pixel levels (0..255) as base64; request: what the
        answer is for (handed back with it)."""
        self.pending = (levels, request)
        if self.ready and not self.busy:
            asyncio.create_task(self.work())

    async def work(self):
        """Hand over new weights, then answer drawings until none is waiting."""
        self.busy = True
        try:
            while self.weights is not None or self.pending is not None:
                if self.weights is not None:
                    weights, self.weights = self.weights, None
                    problem = await settled(self.sync.use_weights(weights))
                    if problem:
                        self.on_problem("the convnet's weights were refused: %s" % problem)
                    continue
                (levels, request), self.pending = self.pending, None
                answer = json.loads(await settled(self.sync.predict(levels)))
                self.on_probabilities(answer, request)
        except Exception as error:      # the worker is gone: the MLP takes over
            self.sync = None
            self.on_problem("the convnet's predictor stopped (%s); the MLP predicts meanwhile"
                            % error)
        finally:
            self.busy = False
