"""How much arithmetic a network does per sample, so that samples/s of
different networks can be compared per unit of work.

A network is described by its layers with weights, each as (outputs, fan-in):
a dense layer has one output per unit, each a dot product over its inputs; a
convolution one output per position and filter, each a dot product over its
kernel and input channels. A layer's forward pass then takes outputs x fan-in
multiply-adds; pooling, ReLU and softmax take none and are not counted.

Training a sample costs its forward pass and a backward pass: each layer's
weight gradient takes as many multiply-adds as its forward pass, and so does
the gradient of its input, but for the first layer, whose input (the image)
needs no gradient.

The page's models are described from their own objects (layers_of); the
anchors' networks as tools/bench/anchors/anchors.js builds them, which reports
the same pairs from the built TensorFlow.js and ConvNetJS networks.
"""


def layers_of(model):
    """(outputs, fan-in) of each layer with weights of one of the worker's
    models (worker.mlp.MLP, worker.convnet.ConvNet), input to output."""
    convs = [(c.side_out ** 2 * c.channels_out, c.k * c.k * c.channels_in)
             for c in getattr(model, "convs", ())]
    dense = [(layer["units"], layer["inputs"]) for layer in model.layers() if layer["type"] == "dense"]
    return convs + dense


def forward(layers):
    """Multiply-adds of one sample's forward pass."""
    return sum(outputs * fan_in for outputs, fan_in in layers)


def training(layers):
    """Multiply-adds of one sample's training step: forward, then the weight
    gradients (as much again) and the input gradients of all but the first layer."""
    return 3 * forward(layers) - forward(layers[:1])
