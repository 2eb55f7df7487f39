"""The Weights controls: the model (#architecture: the MLP or the convnet,
each with its shipped weights), load pretrained, random, import (the file
input or a file dropped anywhere on the page; a file of the other model
switches to it), export, undo the last replacement, and forget the saved
model. Each replacement can be undone in one step."""
import js

from shared import autosave
from ui import weights_io
from ui.net import fetch_body

PRETRAINED = {"mlp": "./static/weights/pretrained.npz",
              "cnn": "./static/weights/pretrained-cnn.npz"}
EXPORT_NAME = "mnist-%s-weights.npz"


class WeightsPanel:
    def __init__(self, document, keeper, send, say):
        """send(kind, value) -> bool: a validated signal; say(text, error=False)."""
        self.document = document
        self.keeper = keeper
        self.send = send
        self.say = say
        self.undo_button = document.querySelector("#undo-weights")

    async def replace(self, value, origin, done):
        was = self.keeper.description()[1]
        if await self.keeper.replace(self.send, value, origin):
            self.undo_button.hidden = self.keeper.previous is None
            self.undo_button.textContent = "Undo: back to %s%s" % (was[0].lower(), was[1:])
            self.say(done)

    async def load_pretrained(self, _event):
        await self.load_shipped(self.keeper.architecture(), "Loaded the shipped weights.")

    async def switch_architecture(self, event):
        architecture = event.target.value
        if architecture not in PRETRAINED:
            self.say("There is no model called %r." % architecture, error=True)
            return
        await self.load_shipped(architecture, "Switched to the %s, with its shipped weights."
                                % ("convnet" if architecture == "cnn" else "MLP"))

    async def load_shipped(self, architecture, done):
        text = await weights_io.read_base64(await fetch_body(PRETRAINED[architecture], "blob"))
        await self.replace(text, {"kind": "shipped", "architecture": architecture}, done)

    async def randomize(self, _event):
        seed = int(js.Date.now()) % 1000000
        await self.replace(seed, {"kind": "random", "seed": seed},
                           "Random weights (seed %d): press Start to watch them learn." % seed)

    async def import_chosen(self, event):
        file = weights_io.chosen_file(event)
        if file is not None:
            await self.import_file(file)

    async def import_file(self, file):
        """Nothing changes unless the worker accepts every byte of the file."""
        weights_io.check_file(file)
        text = await weights_io.read_base64(file)
        await self.replace(text, {"kind": "imported", "file": file.name},
                           "Imported %s." % file.name)

    async def dropped(self, event):
        event.preventDefault()
        files = event.dataTransfer.files if event.dataTransfer else None
        if files and files.length:
            await self.import_file(files.item(0))

    async def export(self, _event):
        checkpoint = await self.keeper.fresh_checkpoint(self.send)
        if checkpoint is not None:
            name = EXPORT_NAME % checkpoint.architecture
            weights_io.download(checkpoint.weights, name)
            self.say("Exported %s: numpy.load reads it (see the README)." % name)

    async def undo(self, _event):
        if await self.keeper.undo(self.send):
            self.undo_button.hidden = True
            self.say("Put back the weights from before.")

    async def forget(self, _event):
        await self.keeper.forget()
        self.say("Forgot the saved model. The weights in use stay until you leave the page.")
