"""Loss modules: same outputs, gradients, repr, buffers and errors as torch.

Most checks are the same for every loss, so they are generated from one
table (`LOSSES`): for each loss, one scenario runs it on every reduction
and records the value and the input's gradient; another records what the
module is made of (repr, buffers, state_dict, a round trip of torch's
state_dict, `.double()`). Errors and the legacy `size_average`/`reduce`
flags have scenarios of their own below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
import torch.nn as tnn
import torch.nn.functional as F

from conformance.registry import scenario


def _snake(name: str) -> str:
    """CrossEntropyLoss -> cross_entropy_loss, for scenario names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower().replace("n_l_l", "nll")



def _signs(*shape: int) -> torch.Tensor:
    """A target of 1 and -1."""
    return torch.randint(0, 2, shape).float() * 2 - 1


@dataclass
class LossCase:
    """How to build one loss and feed it: inputs[0] is the one whose gradient is recorded."""

    name: str
    inputs: Callable[[], tuple]
    # Keyword arguments of each variant checked (besides the reduction).
    variants: list[dict] = field(default_factory=lambda: [{}])
    reductions: tuple[str, ...] = ("mean", "sum", "none")
    # Positional arguments of the constructor (LinearCrossEntropyLoss has some).
    args: tuple = ()
    # Names a second case of the same loss, e.g. "probability_targets".
    about: str = ""


def _logits(n: int, c: int) -> torch.Tensor:
    return torch.randn(n, c, requires_grad=True)


LOSSES = [
    LossCase("L1Loss", lambda: (torch.randn(3, 4, requires_grad=True), torch.randn(3, 4))),
    LossCase("MSELoss", lambda: (torch.randn(3, 4, requires_grad=True), torch.randn(3, 4))),
    LossCase(
        "SmoothL1Loss",
        lambda: (torch.randn(3, 4, requires_grad=True) * 2, torch.randn(3, 4)),
        [{}, {"beta": 0.5}, {"beta": 0.0}],
    ),
    LossCase("HuberLoss", lambda: (torch.randn(3, 4, requires_grad=True) * 2, torch.randn(3, 4)), [{}, {"delta": 0.5}]),
    LossCase(
        "NLLLoss",
        lambda: (torch.randn(5, 3).log_softmax(1).requires_grad_(), torch.tensor([0, 2, 1, 2, 1])),
        [{}, {"weight": torch.tensor([1.0, 2.0, 0.5])}, {"ignore_index": 1}],
    ),
    LossCase(
        "NLLLoss2d",
        lambda: (torch.randn(2, 3, 2, 2).log_softmax(1).requires_grad_(), torch.randint(0, 3, (2, 2, 2))),
    ),
    LossCase(
        "CrossEntropyLoss",
        lambda: (_logits(5, 3), torch.tensor([0, 2, 1, 2, 1])),
        [{}, {"weight": torch.tensor([1.0, 2.0, 0.5])}, {"label_smoothing": 0.1}, {"ignore_index": 2}],
    ),
    # The default ignore_index, -100, is what padding tokens are often set to.
    LossCase(
        "CrossEntropyLoss",
        lambda: (_logits(5, 3), torch.tensor([0, 2, -100, 2, -100])),
        [{}, {"weight": torch.tensor([1.0, 2.0, 0.5]), "label_smoothing": 0.1}],
        about="ignored_targets",
    ),
    LossCase(
        "CrossEntropyLoss",
        lambda: (_logits(4, 3), torch.randn(4, 3).softmax(1)),
        [{}, {"label_smoothing": 0.2}],
        about="probability_targets",
    ),
    LossCase(
        "BCELoss",
        lambda: (torch.rand(3, 2).requires_grad_(), torch.rand(3, 2)),
        [{}, {"weight": torch.tensor([1.0, 3.0])}],
    ),
    LossCase(
        "BCEWithLogitsLoss",
        lambda: (_logits(3, 2), torch.rand(3, 2)),
        [{}, {"weight": torch.tensor([1.0, 3.0])}, {"pos_weight": torch.tensor([2.0, 0.5])}],
    ),
    LossCase(
        "KLDivLoss",
        lambda: (torch.randn(3, 4).log_softmax(1).requires_grad_(), torch.randn(3, 4).softmax(1)),
        [{}, {"log_target": True}],
        ("mean", "batchmean", "sum", "none"),
    ),
    LossCase(
        "PoissonNLLLoss",
        lambda: (torch.randn(3, 4, requires_grad=True), torch.poisson(torch.rand(3, 4) * 4)),
        [{}, {"full": True}, {"log_input": False, "eps": 1e-4}],
    ),
    LossCase(
        "GaussianNLLLoss",
        lambda: (torch.randn(3, 2, requires_grad=True), torch.randn(3, 2), torch.rand(3, 2) + 0.1),
        [{}, {"full": True}],
    ),
    LossCase("SoftMarginLoss", lambda: (torch.randn(3, 4, requires_grad=True), _signs(3, 4))),
    LossCase(
        "MultiLabelSoftMarginLoss",
        lambda: (_logits(3, 4), torch.randint(0, 2, (3, 4)).float()),
        [{}, {"weight": torch.tensor([1.0, 2.0, 0.5, 1.0])}],
    ),
    LossCase(
        "MultiLabelMarginLoss",
        lambda: (_logits(2, 4), torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1]])),
    ),
    LossCase(
        "MultiMarginLoss",
        lambda: (_logits(4, 3), torch.tensor([0, 2, 1, 1])),
        [{}, {"p": 2, "margin": 0.5}, {"weight": torch.tensor([1.0, 2.0, 0.5])}],
    ),
    LossCase("HingeEmbeddingLoss", lambda: (torch.randn(5, requires_grad=True), _signs(5)), [{}, {"margin": 0.3}]),
    LossCase(
        "CosineEmbeddingLoss",
        lambda: (torch.randn(3, 5, requires_grad=True), torch.randn(3, 5), torch.tensor([1.0, -1.0, 1.0])),
        [{}, {"margin": 0.2}],
    ),
    LossCase(
        "MarginRankingLoss",
        lambda: (torch.randn(4, requires_grad=True), torch.randn(4), _signs(4)),
        [{}, {"margin": 0.5}],
    ),
    LossCase(
        "TripletMarginLoss",
        lambda: (torch.randn(3, 5, requires_grad=True), torch.randn(3, 5), torch.randn(3, 5)),
        [{}, {"margin": 0.5, "p": 1.0, "swap": True}],
    ),
    LossCase(
        "TripletMarginWithDistanceLoss",
        lambda: (torch.randn(3, 5, requires_grad=True), torch.randn(3, 5), torch.randn(3, 5)),
        [{}, {"distance_function": lambda a, b: 1 - F.cosine_similarity(a, b), "swap": True}],
    ),
    LossCase(
        "CTCLoss",
        lambda: (
            torch.randn(6, 2, 4).log_softmax(2).requires_grad_(),
            torch.randint(1, 4, (2, 3)),
            torch.tensor([6, 5]),
            torch.tensor([3, 2]),
        ),
        [{}, {"blank": 0, "zero_infinity": True}],
    ),
    LossCase(
        "LinearCrossEntropyLoss",
        lambda: (torch.randn(4, 3, requires_grad=True), torch.tensor([0, 1, 3, 2])),
        [{}, {"bias": True, "label_smoothing": 0.1}],
        ("mean", "sum"),
        args=(3, 4),
    ),
]


def _run_reductions(case: LossCase, nn: Any, see: Any) -> None:
    """Every variant and reduction: the loss value and the gradient it sends back."""
    loss_class = getattr(nn, case.name)
    for variant in case.variants:
        for reduction in case.reductions:
            inputs = case.inputs()
            label = f"{case.name}({', '.join(f'{k}=…' for k in variant)}) reduction={reduction}"
            loss = see.warns(lambda: loss_class(*case.args, **variant, reduction=reduction)(*inputs), label=label)
            if loss is not None:
                loss.sum().backward()
                see(inputs[0].grad, label=f"{label}: input grad")


def _describe_loss(case: LossCase, nn: Any, see: Any) -> None:
    """What the module holds: repr, buffers, state_dict; load torch's; convert to double."""
    variant = case.variants[-1]
    loss = see.warns(lambda: getattr(nn, case.name)(*case.args, **variant))
    see.repr(loss)
    see(dict(loss.named_buffers()))
    see(dict(loss.named_parameters()))
    see.keys(loss.state_dict())
    # torch's own module, with the same settings: its state_dict loads into ours.
    with torch.random.fork_rng():
        theirs = getattr(tnn, case.name)(*case.args, **variant)
    see(loss.load_state_dict(theirs.state_dict()))
    see({name: t.dtype for name, t in loss.double().state_dict().items()})


def _generate(case: LossCase, suffix: str, doc: str, body: Callable, methods: tuple[str, ...]) -> None:
    """Register one scenario for `case`, named `<loss>_<suffix>`."""

    def check(nn: Any, see: Any) -> None:
        body(case, nn, see)

    # A loss listed twice (CrossEntropyLoss with probabilities) says how it differs.
    about = f"_with_{case.about}" if case.about else ""
    check.__name__ = check.__qualname__ = f"{_snake(case.name)}{about}_{suffix}"
    check.__doc__ = doc.format(name=case.name)
    scenario("layers", methods=methods)(check)


for _case in LOSSES:
    _generate(
        _case,
        "matches_torch_for_each_reduction",
        "{name}: value and input gradient for every reduction and variant.",
        _run_reductions,
        (f"{_case.name}.forward",),
    )
    if _case is next(c for c in LOSSES if c.name == _case.name):
        _generate(
            _case,
            "buffers_state_dict_and_double",
            "{name}: repr, buffers, state_dict keys, loading torch's state_dict, double().",
            _describe_loss,
            (f"{_case.name}.__init__",),
        )


# ------------------------------------------------------------ shared base


@scenario("layers", methods=("_Loss.__init__",))
def loss_legacy_size_average_and_reduce_flags_warn(nn, see):
    """The old size_average/reduce flags still work, warn, and override reduction."""
    x, y = torch.randn(3, 2), torch.randn(3, 2)
    for flags in ({"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True}):
        loss = see.warns(lambda: nn.MSELoss(**flags, reduction="none"))
        see(loss.reduction)
        see(loss(x, y))
    see(see.warns(lambda: nn.CrossEntropyLoss(size_average=False)).reduction)


@scenario("layers", methods=("_Loss.__init__",))
def loss_bad_reduction_fails_at_the_first_call(nn, see):
    """A wrong reduction is stored as is; the call raises torch's ValueError."""
    loss = nn.L1Loss(reduction="average")
    see(loss.reduction)
    see.raises(lambda: loss(torch.randn(2), torch.randn(2)))
    see.warns(lambda: nn.MSELoss(reduction="elementwise_mean")(torch.ones(2), torch.zeros(2)))


@scenario("layers", methods=("_WeightedLoss.__init__",))
def weighted_loss_weight_is_a_buffer_that_moves_with_to(nn, see):
    """weight is a buffer: in state_dict, converted by to(), and None leaves no key."""
    loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]))
    see.keys(loss.state_dict())
    see(loss.to(torch.float64).weight)
    see.keys(nn.NLLLoss().state_dict())
    see("weight" in dict(nn.NLLLoss().named_buffers()))
    see(nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)).state_dict())


@scenario("layers", methods=("CrossEntropyLoss.forward",))
def cross_entropy_loss_trains_a_linear_layer(nn, see):
    """A loss inside a training step: the same loss values and updates as torch."""
    model = nn.Sequential(nn.Linear(4, 3))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    for _ in range(3):
        optimizer.zero_grad()
        loss = see(loss_fn(model(x), y))
        loss.backward()
        optimizer.step()
    see(dict(model.named_parameters()))


# ----------------------------------------------------------------- errors


@scenario("layers", methods=("HuberLoss.__init__",))
def huber_loss_delta_must_be_a_number(nn, see):
    """A delta that is not a float or int is a TypeError, before the module exists."""
    see.raises(lambda: nn.HuberLoss(delta="1"))
    see.raises(lambda: nn.HuberLoss(delta=torch.tensor(1.0)))
    see.repr(nn.HuberLoss(delta=2))


@scenario("layers", methods=("MultiMarginLoss.__init__",))
def multi_margin_loss_checks_p_and_weight(nn, see):
    """p must be 1 or 2, and weight 1-D."""
    see.raises(lambda: nn.MultiMarginLoss(p=3))
    see.raises(lambda: nn.MultiMarginLoss(weight=torch.ones(2, 2)))


@scenario("layers", methods=("TripletMarginLoss.__init__", "TripletMarginWithDistanceLoss.__init__"))
def triplet_losses_need_a_positive_margin(nn, see):
    """A margin of 0 or less is a ValueError that names the loss."""
    see.raises(lambda: nn.TripletMarginLoss(margin=0))
    see.raises(lambda: nn.TripletMarginWithDistanceLoss(margin=-1.0))
    see.repr(nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1)))


@scenario("layers", methods=("LinearCrossEntropyLoss.__init__",))
def linear_cross_entropy_loss_checks_weight_and_smoothing(nn, see):
    """A weight of the wrong shape or label_smoothing outside [0, 1] is a RuntimeError."""
    see.raises(lambda: nn.LinearCrossEntropyLoss(3, 4, weight=torch.ones(3)))
    see.raises(lambda: nn.LinearCrossEntropyLoss(3, 4, label_smoothing=1.5))
    loss = nn.LinearCrossEntropyLoss(3, 4, out_features=(2,), bias=True)
    see(dict(loss.named_parameters()))
    see(loss(torch.randn(5, 3), torch.randint(0, 4, (5, 2))))


@scenario("layers", methods=("NLLLoss2d.__init__",))
def nll_loss_2d_is_deprecated(nn, see):
    """Building NLLLoss2d gives a FutureWarning; it is still an NLLLoss."""
    loss = see.warns(lambda: nn.NLLLoss2d())
    see(isinstance(loss, nn.NLLLoss))
    see.repr(loss)


@scenario("layers", methods=("CrossEntropyLoss.forward",))
def cross_entropy_loss_rejects_mismatched_shapes(nn, see):
    """Wrong target shapes and out-of-range classes raise torch's errors."""
    loss = nn.CrossEntropyLoss()
    see.raises(lambda: loss(torch.randn(3, 4), torch.tensor([0, 1])))
    see.raises(lambda: loss(torch.randn(3, 4), torch.tensor([0, 1, 7])))
    see.raises(lambda: nn.BCELoss()(torch.rand(3), torch.rand(4)))
