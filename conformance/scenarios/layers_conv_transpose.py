"""Transposed convolutions (ConvTranspose1d/2d/3d) and Conv3d: same init, errors, repr and outputs."""

import re

import torch
import torch.nn as tnn

from conformance.registry import scenario

# ------------------------------------------------------- standard checks


def _snake(name):
    """ConvTranspose2d -> conv_transpose2d."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def standard_layer_scenarios(name, build, make_input):
    """Register the checks every layer gets, one scenario each, named after the layer.

    `build(nn)` makes the layer from a fixed configuration, `make_input()` a
    batch for it. The checks: construction (same draws from the same seed,
    same repr), forward, loading torch's weights, and `to(torch.double)`.
    """
    prefix = _snake(name)

    def init_matches_torch_draws(nn, see):
        layer = build(nn)
        see(dict(layer.named_parameters()))
        see(dict(layer.named_buffers()))
        see.repr(layer)

    def forward_matches_torch(nn, see):
        layer = build(nn)
        see(layer(make_input()))

    def loads_torch_weights(nn, see):
        layer = build(nn)
        torch.manual_seed(123)
        reference = build(tnn)
        see.keys(layer.state_dict())
        see(layer.load_state_dict(reference.state_dict()))
        x = make_input()
        see(torch.equal(layer(x), reference(x)))

    def converts_to_double(nn, see):
        layer = build(nn).to(torch.double)
        see(dict(layer.named_parameters()))
        see(layer(make_input().double()))

    checks = {
        init_matches_torch_draws: (f"{name}.__init__", f"{name}.reset_parameters"),
        forward_matches_torch: (f"{name}.forward",),
        loads_torch_weights: ("load_state_dict", f"{name}.__init__"),
        converts_to_double: ("to", f"{name}.forward"),
    }
    for check, methods in checks.items():
        check.__name__ = check.__qualname__ = f"{prefix}_{check.__name__}"
        check.__doc__ = f"{name}: {check.__name__[len(prefix) + 1:].replace('_', ' ')}."
        scenario("layers", methods=methods)(check)


# One configuration per layer, with the options that change the shapes:
# stride, padding, output_padding, groups, dilation, no bias.
LAYERS = {
    "ConvTranspose1d": (
        lambda nn: nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2),
        lambda: torch.randn(2, 4, 7),
    ),
    "ConvTranspose2d": (
        lambda nn: nn.ConvTranspose2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 0), bias=False),
        lambda: torch.randn(2, 3, 5, 5),
    ),
    "ConvTranspose3d": (
        lambda nn: nn.ConvTranspose3d(2, 2, 2, stride=2, output_padding=1, dilation=2),
        lambda: torch.randn(1, 2, 3, 3, 3),
    ),
    "Conv3d": (
        lambda nn: nn.Conv3d(2, 4, 3, padding=1, groups=2, padding_mode="circular"),
        lambda: torch.randn(1, 2, 4, 4, 4),
    ),
}

for _name, (_build, _make_input) in LAYERS.items():
    standard_layer_scenarios(_name, _build, _make_input)


# ------------------------------------------------------- transposed only


@scenario("layers", methods=("ConvTranspose2d.__init__",))
def conv_transpose_weight_swaps_channel_sizes(nn, see):
    """The weight is (in_channels, out_channels // groups, *kernel_size), the other way round from Conv."""
    see(tuple(nn.ConvTranspose2d(4, 6, 3, groups=2).weight.shape))
    see(tuple(nn.Conv2d(4, 6, 3, groups=2).weight.shape))


@scenario("layers", methods=("ConvTranspose2d.__init__",))
def conv_transpose_positional_arguments_put_dilation_last(nn, see):
    """Positional order: stride, padding, output_padding, groups, bias, dilation."""
    layer = nn.ConvTranspose2d(2, 4, 3, 2, 1, 1, 2, False, 2)
    see.repr(layer)
    see((layer.output_padding, layer.groups, layer.dilation, layer.transposed))


@scenario("layers", methods=("ConvTranspose1d.forward", "ConvTranspose2d.forward"))
def conv_transpose_output_size_picks_the_output_padding(nn, see):
    """output_size= (spatial only, or with batch and channels) chooses among the possible sizes."""
    layer = nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1)
    x = torch.randn(1, 2, 4, 4)
    see(tuple(layer(x).shape))
    see(layer(x, output_size=[11, 12]))
    see(tuple(layer(x, output_size=torch.Size([1, 3, 12, 10])).shape))
    # Unbatched input: output_size may include the channel count.
    see(tuple(nn.ConvTranspose1d(2, 3, 2, stride=2)(torch.randn(2, 5), output_size=[3, 11]).shape))


@scenario("layers", methods=("ConvTranspose2d.forward", "ConvTranspose3d.forward"))
def conv_transpose_output_size_errors(nn, see):
    """A wrong number of sizes, or a size the stride cannot produce, is a ValueError."""
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = torch.randn(1, 2, 4, 4)
    see.raises(lambda: layer(x, output_size=[9, 9, 9]))
    see.raises(lambda: layer(x, output_size=[20, 9]))
    see.raises(lambda: nn.ConvTranspose3d(2, 2, 2)(torch.randn(2, 3, 3, 3), output_size=[1]))


@scenario("layers", methods=("ConvTranspose1d.__init__", "ConvTranspose2d.__init__"))
def conv_transpose_only_supports_zero_padding(nn, see):
    """padding_mode other than 'zeros' is refused at construction, naming the class."""
    see.raises(lambda: nn.ConvTranspose1d(2, 2, 3, padding_mode="reflect"))
    see.raises(lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="circular"))


@scenario("layers", methods=("ConvTranspose1d.forward", "ConvTranspose2d.forward", "ConvTranspose3d.forward"))
def conv_transpose_forward_checks_padding_again(nn, see):
    """Changing padding_mode or padding after construction fails at the next call."""
    for dims in (1, 2, 3):
        layer = getattr(nn, f"ConvTranspose{dims}d")(1, 1, 1)
        x = torch.randn(1, 1, *([2] * dims))
        layer.padding_mode = "reflect"
        see.raises(lambda: layer(x))
        layer.padding_mode, layer.padding = "zeros", [0] * dims
        see.raises(lambda: layer(x))


@scenario("layers", methods=("ConvTranspose2d.__init__",))
def conv_transpose_argument_errors(nn, see):
    """groups and divisibility are checked with the same messages as Conv."""
    see.raises(lambda: nn.ConvTranspose2d(2, 2, 3, groups=0))
    see.raises(lambda: nn.ConvTranspose2d(3, 2, 3, groups=2))
    see.raises(lambda: nn.ConvTranspose2d(2, 3, 3, groups=2))


@scenario("layers", methods=("ConvTranspose2d.forward",))
def conv_transpose_undoes_the_shape_of_a_strided_conv(nn, see):
    """Conv2d halves the size; ConvTranspose2d with output_size gets the exact size back."""
    down = nn.Conv2d(2, 2, 3, stride=2, padding=1)
    up = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    x = torch.randn(1, 2, 8, 8)
    h = down(x)
    see(tuple(h.shape))
    see(tuple(up(h).shape))
    see(up(h, output_size=x.size()))
