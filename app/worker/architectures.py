"""The models the app can build, by the name weights files and the page use."""
from worker.convnet import ConvNet
from worker.mlp import MLP

ARCHITECTURES = {MLP.ARCHITECTURE: MLP, ConvNet.ARCHITECTURE: ConvNet}
