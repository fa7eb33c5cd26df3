"""A lazily initialised MLP and CNN (d2l's lazy-initialisation chapter), built on both backends.

No layer states its input size. The first batch fixes the shapes; loading
torch's weights into a fresh lazy copy fixes them too, without a forward.
"""

import torch
import torch.nn as tnn
import torch.nn.functional as F

from conformance.registry import scenario
from conformance.scenarios.models import _classification_batch, _eval_output, _train


def lazy_mlp(nn):
    """d2l's net: LazyLinear(256) -> ReLU -> LazyLinear(10), scaled down."""
    return nn.Sequential(nn.LazyLinear(32), nn.ReLU(), nn.Dropout(0.1), nn.LazyLinear(3))


def lazy_lenet(nn):
    """d2l's LeNet with lazy layers: only output sizes are given."""
    return nn.Sequential(
        nn.LazyConv2d(4, kernel_size=5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(8, kernel_size=5),
        nn.LazyBatchNorm2d(),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.LazyLinear(16),
        nn.Sigmoid(),
        nn.LazyLinear(3),
    )


def _materialized(build, example):
    """A real torch.nn model of this architecture, its shapes fixed by one batch."""
    torch.manual_seed(123)
    model = build(tnn)
    model(example)
    return model


def _lazy_model_checks(nn, see, build, example):
    """Placeholders first, then torch's weights loaded into a fresh lazy copy, then eval output."""
    model = build(nn)
    see.repr(model)
    see.keys(model.state_dict())
    # The first batch fixes the shapes and draws the same values as torch.
    model(example)
    see(model.state_dict())
    see.repr(model)
    # Loading torch's weights into a fresh lazy copy fixes the shapes too.
    fresh = build(nn)
    reference = _materialized(build, example)
    see(fresh.load_state_dict(reference.state_dict()))
    see([type(m).__name__ for m in fresh.modules()])
    _eval_output(see, fresh, example)
    see([type(m).__name__ for m in fresh.modules()])
    return fresh


@scenario("models", methods=("LazyLinear", "load_state_dict"))
def lazy_mlp_loads_torch_weights_and_trains_the_same(nn, see):
    """Lazy MLP: placeholders, d2l's init after the first batch, torch's weights, same SGD losses."""
    model = _lazy_model_checks(nn, see, lazy_mlp, torch.randn(2, 20))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    _train(see, model, _classification_batch((6, 20)), F.cross_entropy, opt)


@scenario("models", methods=("LazyConv2d", "LazyBatchNorm2d", "load_state_dict"))
def lazy_lenet_loads_torch_weights_and_trains_the_same(nn, see):
    """Lazy LeNet with a lazy BatchNorm: same shapes, weights, running statistics and Adam losses."""
    model = _lazy_model_checks(nn, see, lazy_lenet, torch.randn(2, 1, 16, 16))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    _train(see, model, _classification_batch((4, 1, 16, 16)), F.cross_entropy, opt)
    see(dict(model.named_buffers()))


@scenario("models", methods=("LazyLinear", "apply"))
def lazy_mlp_custom_init_after_the_first_batch(nn, see):
    """d2l: apply(init_fn) works once the shapes are known; the placeholders are plain Parameters then."""
    net = lazy_mlp(nn)
    net(torch.randn(2, 20))

    def init_normal(module):
        if type(module).__name__ == "Linear":
            torch.nn.init.normal_(module.weight, mean=0, std=0.01)
            torch.nn.init.zeros_(module.bias)

    net.apply(init_normal)
    see(net[0].weight[:2, :4])
    see([type(p).__name__ for p in net.parameters()])
