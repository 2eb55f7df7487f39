"""tools/bench/work.py: multiply-adds per sample, from the page's models and
from the layers anchors.js reports for the anchors' networks."""
from tools.bench import work
from worker.convnet import ConvNet
from worker.mlp import MLP


def test_the_pages_convnet_counted_from_its_layers():
    # conv 5x5/2, 1 -> 16: 12x12 positions; conv 5x5/2, 16 -> 32: 4x4; dense 512 -> 10.
    layers = work.layers_of(ConvNet())
    assert layers == [(12 * 12 * 16, 5 * 5 * 1), (4 * 4 * 32, 5 * 5 * 16), (10, 512)]
    assert work.forward(layers) == 57_600 + 204_800 + 5_120 == 267_520
    assert work.training(layers) == 3 * 267_520 - 57_600


def test_the_pages_mlp_counted_from_its_layers():
    layers = work.layers_of(MLP())
    assert layers == [(128, 784), (10, 128)]
    assert work.forward(layers) == 101_632
    assert work.training(layers) == 3 * 101_632 - 128 * 784


def test_tfjs_examples_conv_model_as_anchors_js_reports_it():
    # createConvModel on 28x28x1, valid 3x3 convolutions, 2x2 pools:
    # 26x26x16, pool 13, 11x11x32, pool 5, 3x3x32, flatten 288, dense 64, dense 10.
    layers = [(26 * 26 * 16, 9), (11 * 11 * 32, 9 * 16), (3 * 3 * 32, 9 * 32), (64, 288), (10, 64)]
    assert work.forward(layers) == 97_344 + 557_568 + 82_944 + 18_432 + 640 == 756_928


def test_convnetjs_demo_net_as_anchors_js_reports_it():
    # 28x28x1, conv 5x5 pad 2 -> 28x28x8, pool 2 -> 14, conv 5x5 pad 2 -> 14x14x16,
    # pool 3 stride 3 -> 4x4x16, then the softmax layer's fully connected 256 -> 10.
    layers = [(28 * 28 * 8, 25), (14 * 14 * 16, 25 * 8), (10, 256)]
    assert work.forward(layers) == 156_800 + 627_200 + 2_560 == 786_560
    assert work.training(layers) == 3 * 786_560 - 156_800


def test_no_layers_no_work():
    assert work.forward([]) == 0 and work.training([]) == 0
