"""More layers: activations, pooling, dropout, padding, resizing, distances, EmbeddingBag.

These layers share their checks, so the checks are generated from one table
(`LAYERS`). For each layer, one scenario builds every variant and records its
repr, its output and the gradient it sends back; another records its
parameters and buffers, loads torch's state_dict into it, converts it with
`.double()` and runs it again. Errors and warnings have scenarios of their
own below.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from typing import Any, Callable

import torch
import torch.nn as tnn

from conformance.registry import scenario


def _snake(name: str) -> str:
    """LeakyReLU -> leaky_relu, ZeroPad2d -> zero_pad2d, for scenario names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _images(*shape: int) -> Callable[[], tuple]:
    """Inputs maker: one random float tensor of `shape` that records its gradient."""
    return lambda: (torch.randn(*shape, requires_grad=True),)


def _pair(*shape: int) -> Callable[[], tuple]:
    """Inputs maker: two random tensors of `shape` (for the distance layers)."""
    return lambda: (torch.randn(*shape, requires_grad=True), torch.randn(*shape))


@dataclass
class LayerCase:
    """A layer, the (args, kwargs) of each variant to build, and its inputs."""

    name: str
    variants: list[tuple[tuple, dict]]
    inputs: Callable[[], tuple]


_NO_ARGS = [((), {})]
_INPLACE = [((), {}), ((), {"inplace": True})]

LAYERS = [
    # -- activations
    LayerCase("LeakyReLU", [((), {}), ((0.2,), {"inplace": True})], _images(3, 4)),
    LayerCase("PReLU", [((), {}), ((3,), {"init": 0.1})], _images(2, 3, 4)),
    LayerCase("RReLU", [((), {}), ((0.1, 0.3), {"inplace": True})], _images(3, 4)),
    LayerCase("ELU", [((), {}), ((), {"alpha": 0.5, "inplace": True})], _images(3, 4)),
    LayerCase("CELU", [((), {}), ((2.0,), {})], _images(3, 4)),
    LayerCase("SELU", _INPLACE, _images(3, 4)),
    LayerCase("ReLU6", _INPLACE, _images(3, 4)),
    LayerCase("Hardtanh", [((), {}), ((-2.0, 0.5), {"inplace": True})], _images(3, 4)),
    LayerCase("Hardswish", _INPLACE, _images(3, 4)),
    LayerCase("Hardsigmoid", _INPLACE, _images(3, 4)),
    LayerCase("Mish", _INPLACE, _images(3, 4)),
    LayerCase("Softplus", [((), {}), ((), {"beta": 2.0, "threshold": 1.0})], _images(3, 4)),
    LayerCase("Softsign", _NO_ARGS, _images(3, 4)),
    LayerCase("Softshrink", [((), {}), ((1.0,), {})], _images(3, 4)),
    LayerCase("Hardshrink", [((), {}), ((), {"lambd": 1.0})], _images(3, 4)),
    LayerCase("Tanhshrink", _NO_ARGS, _images(3, 4)),
    LayerCase("LogSigmoid", _NO_ARGS, _images(3, 4)),
    LayerCase("Threshold", [((0.1, 20.0), {}), ((0.0, -1.0), {"inplace": True})], _images(3, 4)),
    LayerCase("GLU", [((), {}), ((0,), {})], _images(4, 6)),
    LayerCase("Softmin", [((), {"dim": 1}), ((0,), {})], _images(3, 4)),
    LayerCase("LogSoftmax", [((), {"dim": 1}), ((-1,), {})], _images(3, 4)),
    LayerCase("Softmax2d", _NO_ARGS, _images(2, 3, 2, 2)),
    # -- shapes and resizing
    LayerCase("Unflatten", [((1, (2, 3)), {}), ((-1, [3, -1]), {})], _images(4, 6)),
    LayerCase(
        "Upsample",
        [
            ((), {"scale_factor": 2}),
            (((5, 4),), {"mode": "bilinear", "align_corners": True}),
            ((), {"scale_factor": (2, 1.5), "mode": "bicubic", "recompute_scale_factor": True}),
        ],
        _images(1, 2, 3, 3),
    ),
    LayerCase("UpsamplingNearest2d", [((), {"scale_factor": 2}), ((5,), {})], _images(1, 2, 3, 3)),
    LayerCase("UpsamplingBilinear2d", [((), {"scale_factor": 2}), (((4, 5),), {})], _images(1, 2, 3, 3)),
    LayerCase("PixelShuffle", [((2,), {})], _images(1, 8, 2, 3)),
    LayerCase("PixelUnshuffle", [((2,), {})], _images(1, 2, 4, 6)),
    # -- dropout (random in training; the same seed gives the same mask)
    LayerCase("Dropout1d", [((), {}), ((0.3,), {"inplace": True})], _images(2, 3, 4)),
    LayerCase("Dropout2d", [((), {}), ((0.3,), {})], _images(2, 3, 2, 2)),
    LayerCase("Dropout3d", [((), {}), ((0.3,), {})], _images(2, 3, 2, 2, 2)),
    LayerCase("AlphaDropout", [((), {}), ((0.2,), {})], _images(4, 5)),
    LayerCase("FeatureAlphaDropout", [((), {}), ((0.2,), {})], _images(2, 3, 2, 2)),
    # -- pooling
    LayerCase(
        "MaxPool1d",
        [((2,), {}), ((3,), {"stride": 1, "padding": 1, "ceil_mode": True}), ((2,), {"return_indices": True})],
        _images(2, 3, 8),
    ),
    LayerCase(
        "AvgPool1d", [((3,), {}), ((3, 2, 1), {"ceil_mode": True, "count_include_pad": False})], _images(2, 3, 8)
    ),
    LayerCase("AdaptiveMaxPool1d", [((3,), {}), ((4,), {"return_indices": True})], _images(2, 3, 7)),
    LayerCase(
        "AdaptiveMaxPool2d",
        [(((2, 3),), {}), ((2,), {"return_indices": True}), (((None, 2),), {})],
        _images(1, 2, 5, 6),
    ),
    LayerCase("AdaptiveAvgPool1d", [((3,), {}), ((1,), {})], _images(2, 3, 7)),
    # -- distances
    LayerCase("PairwiseDistance", [((), {}), ((1.0,), {"eps": 0.0, "keepdim": True})], _pair(3, 5)),
    LayerCase("CosineSimilarity", [((), {}), ((0,), {"eps": 1e-4})], _pair(3, 5)),
    # -- embedding bags take ids; their gradient goes to the weight
    LayerCase(
        "EmbeddingBag",
        [((10, 3), {}), ((10, 3), {"mode": "sum", "padding_idx": -1}), ((10, 3), {"mode": "max", "max_norm": 1.0})],
        lambda: (torch.tensor([[1, 2, 9], [4, 4, 0]]),),
    ),
] + [
    # -- padding: every class, with one int and with a tuple
    LayerCase(
        f"{kind}Pad{dims}d",
        [((1, 2.5), {}), (((1, 2) * dims, 0.0), {})] if kind == "Constant" else [((1,), {}), (((1, 2) * dims,), {})],
        _images(*([1, 2] + [4] * dims)),
    )
    for kind in ("Constant", "Zero", "Reflection", "Replication", "Circular")
    for dims in (1, 2, 3)
]


def _first_tensor(output: Any) -> torch.Tensor:
    # return_indices=True gives (values, indices): the values carry the gradient.
    return output[0] if isinstance(output, tuple) else output


def _forward_and_repr(case: LayerCase, nn: Any, see: Any) -> None:
    """Every variant: repr, output in training and eval, and the gradients."""
    for args, kwargs in case.variants:
        layer = getattr(nn, case.name)(*args, **kwargs)
        see.repr(layer)
        inputs = case.inputs()
        # A clone, so an in-place layer writes into a copy, not the leaf.
        first = inputs[0].clone() if inputs[0].is_floating_point() else inputs[0]
        output = see(layer(first, *inputs[1:]), label=f"{case.name} {args} {kwargs}: output")
        _first_tensor(output).sum().backward()
        see(inputs[0].grad, label="input grad")
        see({name: p.grad for name, p in layer.named_parameters()}, label="parameter grads")
        # Detached: an in-place layer may not write into a leaf that wants a gradient.
        see(layer.eval()(*[t.detach() for t in case.inputs()]), label="output in eval mode")


def _state_dict_round_trip(case: LayerCase, nn: Any, see: Any) -> None:
    """Parameters and buffers; torch's state_dict loads; double() keeps it working."""
    args, kwargs = case.variants[-1]
    layer = getattr(nn, case.name)(*args, **kwargs)
    see(dict(layer.named_parameters()))
    see(dict(layer.named_buffers()))
    theirs = getattr(tnn, case.name)(*args, **kwargs)
    see(layer.load_state_dict(theirs.state_dict()))
    see(layer.state_dict())
    layer.double().eval()
    inputs = [t.detach().double() if t.is_floating_point() else t for t in case.inputs()]
    see(layer(*inputs), label="output after double()")


def _generate(case: LayerCase, suffix: str, doc: str, body: Callable, methods: tuple[str, ...]) -> None:
    """Register one scenario for `case`, named `<layer>_<suffix>`."""

    def check(nn: Any, see: Any) -> None:
        body(case, nn, see)

    check.__name__ = check.__qualname__ = f"{_snake(case.name)}_{suffix}"
    check.__doc__ = doc.format(name=case.name)
    scenario("layers", methods=methods)(check)


for _case in LAYERS:
    _generate(
        _case,
        "forward_and_repr_match_torch",
        "{name}: repr, output, gradients and eval-mode output of each variant.",
        _forward_and_repr,
        (f"{_case.name}.forward", f"{_case.name}.extra_repr"),
    )
    _generate(
        _case,
        "state_dict_round_trip_and_double",
        "{name}: parameters, buffers, loading torch's state_dict, and double().",
        _state_dict_round_trip,
        (f"{_case.name}.__init__",),
    )


# ------------------------------------------------------- errors, warnings


@scenario("layers", methods=("Hardtanh.__init__",))
def hardtanh_checks_range_and_renamed_keywords(nn, see):
    """max_val must exceed min_val; min_value/max_value still work with a FutureWarning."""
    see.raises(lambda: nn.Hardtanh(1.0, 1.0))
    see.repr(see.warns(lambda: nn.Hardtanh(min_value=-3.0, max_value=3.0)))


@scenario("layers", methods=("Softmin.forward", "LogSoftmax.forward"))
def softmin_and_log_softmax_without_dim_warn(nn, see):
    """With no dim, torch picks one and warns; the repr shows dim=None."""
    x = torch.randn(2, 3)
    see.warns(lambda: nn.Softmin()(x))
    see.warns(lambda: nn.LogSoftmax()(x))
    see.repr(nn.LogSoftmax())


@scenario("layers", methods=("Softmax2d.forward", "CircularPad2d.forward"))
def layers_that_check_the_input_rank(nn, see):
    """Softmax2d wants 3-D or 4-D input; circular padding wants 1 or 2 more dims than it pads."""
    see.raises(lambda: nn.Softmax2d()(torch.randn(2, 3)))
    see.raises(lambda: nn.CircularPad2d(1)(torch.randn(2, 3)))
    see.raises(lambda: nn.CircularPad1d(1)(torch.randn(1, 2, 3, 4)))
    see.raises(lambda: nn.CircularPad3d(1)(torch.randn(2, 3)))
    see.raises(lambda: nn.ReflectionPad2d(3)(torch.randn(1, 2, 2, 2)))


@scenario("layers", methods=("Unflatten.__init__",))
def unflatten_wants_a_tuple_of_ints(nn, see):
    """unflattened_size must be a tuple or list of ints, checked when built."""
    see.raises(lambda: nn.Unflatten(1, 6))
    see.raises(lambda: nn.Unflatten(1, (2, 3.0)))
    see.raises(lambda: nn.Unflatten(1, torch.Size([2, 3])))
    see.raises(lambda: nn.Unflatten(1, (4, 4))(torch.randn(2, 6)))


@scenario("layers", methods=("Dropout2d.__init__", "AlphaDropout.__init__"))
def dropout_variants_check_probability_and_rank(nn, see):
    """p outside [0, 1] is a ValueError; Dropout2d warns on 3-D input; none is a Dropout."""
    see.raises(lambda: nn.Dropout2d(1.5))
    see.raises(lambda: nn.AlphaDropout(-0.1))
    see.warns(lambda: nn.Dropout2d()(torch.ones(2, 3, 4)))
    see.raises(lambda: nn.Dropout1d()(torch.ones(2, 3, 4, 5)))
    see(isinstance(nn.Dropout2d(), nn.Dropout))
    see.repr(nn.FeatureAlphaDropout(0.1, inplace=True))


@scenario("layers", methods=("PReLU.__init__", "PReLU.reset_parameters"))
def prelu_weight_is_a_learned_parameter(nn, see):
    """PReLU's slope is a Parameter filled with init; it trains and reset_parameters refills it."""
    prelu = nn.PReLU(2, init=0.3, dtype=torch.float64)
    see(dict(prelu.named_parameters()))
    see(prelu.num_parameters)
    optimizer = torch.optim.SGD(prelu.parameters(), lr=0.1)
    prelu(-torch.ones(3, 2, dtype=torch.float64)).sum().backward()
    optimizer.step()
    see(prelu.weight)
    prelu.reset_parameters()
    see(prelu.weight)
    see.raises(lambda: nn.PReLU(3)(torch.randn(2, 4)))


@scenario("layers", methods=("Upsample.forward", "Upsample.__setstate__"))
def upsample_errors_and_old_pickles(nn, see):
    """Both size and scale is an error; an old pickle without recompute_scale_factor gets True."""
    see.raises(lambda: nn.Upsample(size=4, scale_factor=2)(torch.randn(1, 1, 2, 2)))
    see.raises(lambda: nn.Upsample(scale_factor=2, mode="bilinear")(torch.randn(1, 2, 3)))
    up = nn.Upsample(scale_factor=0)
    see.repr(up)
    state = up.__getstate__()
    del state["recompute_scale_factor"]
    fresh = nn.Upsample.__new__(nn.Upsample)
    fresh.__setstate__(state)
    see(fresh.recompute_scale_factor)
    see.repr(pickle.loads(pickle.dumps(nn.UpsamplingBilinear2d(scale_factor=(2, 3)))))


@scenario("layers", methods=("PixelShuffle.forward",))
def pixel_shuffle_and_unshuffle_undo_each_other(nn, see):
    """Unshuffle after shuffle gives the input back; a bad channel count is an error."""
    x = torch.randn(1, 8, 3, 3)
    see(torch.equal(nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(x)), x))
    see.raises(lambda: nn.PixelShuffle(3)(x))
    see.raises(lambda: nn.PixelUnshuffle(2)(torch.randn(1, 1, 3, 3)))


@scenario("layers", methods=("Embedding.from_pretrained",))
def embedding_from_pretrained_uses_the_table(nn, see):
    """from_pretrained wraps the given table, frozen unless freeze=False; it must be 2-D."""
    table = torch.randn(4, 3)
    emb = nn.Embedding.from_pretrained(table)
    see(emb.weight)
    see(emb.weight.requires_grad)
    see.repr(emb)
    see(emb(torch.tensor([3, 0])))
    see(nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1, max_norm=2.0).weight.requires_grad)
    see.raises(lambda: nn.Embedding.from_pretrained(torch.randn(4)))


@scenario("layers", methods=("EmbeddingBag.from_pretrained", "EmbeddingBag.__init__"))
def embedding_bag_from_pretrained_and_errors(nn, see):
    """EmbeddingBag.from_pretrained freezes after building; padding_idx and weight shape are checked."""
    bag = nn.EmbeddingBag.from_pretrained(torch.randn(5, 2), mode="sum", padding_idx=0)
    see(bag.weight.requires_grad)
    see.repr(bag)
    see(bag(torch.tensor([0, 1, 2, 3]), torch.tensor([0, 1])))
    see.raises(lambda: nn.EmbeddingBag.from_pretrained(torch.randn(5)))
    see.raises(lambda: nn.EmbeddingBag(3, 2, padding_idx=3))
    see.raises(lambda: nn.EmbeddingBag(3, 2, padding_idx=-4))
    see.raises(lambda: nn.EmbeddingBag(3, 2, _weight=torch.zeros(2, 2)))


@scenario("layers", methods=("EmbeddingBag.forward",))
def embedding_bag_with_offsets_and_per_sample_weights(nn, see):
    """A flat input cut into bags by offsets; per_sample_weights scale each id (sum mode only)."""
    bag = nn.EmbeddingBag(10, 3, mode="sum", include_last_offset=True)
    ids, offsets = torch.tensor([1, 2, 4, 5, 4, 3]), torch.tensor([0, 2, 6])
    see(bag(ids, offsets, per_sample_weights=torch.rand(6)))
    see.raises(lambda: nn.EmbeddingBag(10, 3)(ids, offsets, per_sample_weights=torch.rand(6)))
    see.repr(nn.EmbeddingBag(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, padding_idx=2))


@scenario("layers", methods=("MaxPool1d.forward", "AdaptiveMaxPool2d.forward"))
def pooling_1d_and_adaptive_max_errors(nn, see):
    """Too large a padding, or a wrong rank, raise torch's errors."""
    see.raises(lambda: nn.MaxPool1d(2, padding=2)(torch.randn(1, 1, 8)))
    see.raises(lambda: nn.AdaptiveMaxPool2d(2)(torch.randn(4)))
    see.raises(lambda: nn.AvgPool1d(3)(torch.randn(1, 1, 2)))


@scenario("layers", methods=("PReLU.forward", "MaxPool1d.forward", "Unflatten.forward"))
def new_layers_in_a_model_train_like_torch(nn, see):
    """A model made of the new layers: torch's weights load and three SGD steps agree."""

    def build(nn):
        return nn.Sequential(
            nn.Conv1d(2, 4, 3, padding=1),
            nn.PReLU(4),
            nn.MaxPool1d(2),
            nn.Dropout1d(0.2),
            nn.Flatten(),
            nn.Unflatten(1, (4, 4)),
            nn.AdaptiveAvgPool1d(2),
            nn.Flatten(),
            nn.Linear(8, 3),
            nn.LogSoftmax(dim=1),
        )

    model = build(nn)
    see(model.load_state_dict(build(tnn).state_dict()))
    loss_fn = nn.NLLLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(6, 2, 8), torch.randint(0, 3, (6,))
    for _ in range(3):
        optimizer.zero_grad()
        loss = see(loss_fn(model(x), y))
        loss.backward()
        optimizer.step()
    see.repr(model)
