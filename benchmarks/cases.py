"""The benchmark cases of issue 8, numbered as in the issue.

Each case builds its models on both backends from the same seed, times them
with `measure`, and returns `Row`s. The data-moving cases (3 and 4) also time
a "floor": the same tensor work done by a plain loop over plain tensors, which
no Module can beat.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import torch
import torch.nn

import minitorch_module

from .models import (
    TINY_GPT,
    TINY_SEQUENCE,
    GPTConfig,
    SequenceConfig,
    encoder_classifier,
    gpt2,
    lstm_language_model,
    mlp,
    tree,
)
from .timing import Prepare, Stats, measure

# The two backends every case compares, in this order.
BACKENDS: dict[str, Any] = {"torch": torch.nn, "clone": minitorch_module}


@dataclass
class Sizes:
    """How big the models are and how many rounds each case takes."""

    mlp_depth: int
    mlp_calls: int
    tree_modules: int
    gpt: GPTConfig
    scaling: tuple[int, ...]
    rounds: dict[str, int]
    sequence: SequenceConfig = SequenceConfig()


FULL = Sizes(
    mlp_depth=100,
    mlp_calls=200,
    tree_modules=10_000,
    gpt=GPTConfig(),
    scaling=(1_000, 10_000, 100_000),
    rounds={"call": 31, "tree": 15, "gpt_io": 11, "convert": 11, "build": 7, "scaling": 7, "train": 21},
)
QUICK = Sizes(
    mlp_depth=10,
    mlp_calls=20,
    tree_modules=300,
    gpt=TINY_GPT,
    scaling=(100, 300, 1_000),
    rounds={"call": 3, "tree": 3, "gpt_io": 3, "convert": 3, "build": 3, "scaling": 3, "train": 3},
    sequence=TINY_SEQUENCE,
)


@dataclass
class Row:
    """One line of the results table."""

    case: str
    name: str
    torch: Stats
    clone: Stats
    floor: Stats | None = None
    # The targets from the issue; None means "reported, no target".
    ratio_target: float | None = None
    floor_target: float | None = None

    @property
    def ratio(self) -> float:
        """clone / torch, by median."""
        return self.clone.median / self.torch.median

    @property
    def floor_ratio(self) -> float | None:
        """clone / floor, by median, for cases that have a floor."""
        return self.clone.median / self.floor.median if self.floor else None

    @property
    def met(self) -> bool | None:
        """True if every target of the row is met, None if it has no target."""
        checks = []
        if self.ratio_target is not None:
            checks.append(self.ratio <= self.ratio_target)
        if self.floor_target is not None and self.floor_ratio is not None:
            checks.append(self.floor_ratio <= self.floor_target)
        return all(checks) if checks else None


@dataclass
class Results:
    """Everything one run produces: table rows and the scaling curves."""

    rows: list[Row] = field(default_factory=list)
    # scaling[method][side] is a list of (modules, seconds) points.
    scaling: dict[str, dict[str, list[tuple[int, float]]]] = field(default_factory=dict)


def build_both(builder: Callable[[Any], Any]) -> dict[str, Any]:
    """Build the same model on each backend, from the same random seed."""
    models = {}
    for side, nn in BACKENDS.items():
        torch.manual_seed(0)
        models[side] = builder(nn)
    return models


def same_call(models: dict[str, Any], method: Callable[[Any], Any]) -> dict[str, Prepare]:
    """Sides that need no preparation: each round just calls `method(model)`."""
    return {side: (lambda model=model: lambda: method(model)) for side, model in models.items()}


# ---------------------------------------------------------------- case 1


def case_call_overhead(sizes: Sizes) -> Iterator[Row]:
    """1. Calling a deep, narrow MLP, without and then with hooks."""
    models = build_both(lambda nn: mlp(nn, depth=sizes.mlp_depth))
    x = torch.randn(1, 8)
    # No autograd graph: what is left is the cost of the Module calls.
    with torch.no_grad():
        stats = measure(same_call(models, lambda m: m(x)), sizes.rounds["call"], repeat=sizes.mlp_calls)
        yield Row("1", f"call {sizes.mlp_depth}-layer MLP", stats["torch"], stats["clone"], ratio_target=1.0)
        for model in models.values():
            for module in model.modules():
                module.register_forward_pre_hook(lambda module, args: None)
                module.register_forward_hook(lambda module, args, output: None)
        stats = measure(same_call(models, lambda m: m(x)), sizes.rounds["call"], repeat=sizes.mlp_calls)
        yield Row("1", "call MLP, 2 hooks per module", stats["torch"], stats["clone"], ratio_target=1.0)


# ---------------------------------------------------------------- case 2


# The traversals of cases 2 and 6. `list()` runs a generator to the end.
TRAVERSALS: dict[str, Callable[[Any], Any]] = {
    "named_parameters()": lambda m: list(m.named_parameters()),
    "named_modules()": lambda m: list(m.named_modules()),
    "state_dict()": lambda m: m.state_dict(),
}


def case_big_tree(sizes: Sizes) -> Iterator[Row]:
    """2. Walking a tree of many small modules."""
    models = build_both(lambda nn: tree(nn, sizes.tree_modules))
    for name, method in TRAVERSALS.items():
        stats = measure(same_call(models, method), sizes.rounds["tree"])
        label = f"{name}, {sizes.tree_modules:,} modules"
        yield Row("2", label, stats["torch"], stats["clone"], ratio_target=1.0)


# ---------------------------------------------------------------- case 5


def case_build(sizes: Sizes) -> Iterator[Row]:
    """5. Building the GPT-2 shaped model (the constructors)."""
    built: list[Any] = []

    def prepare(nn: Any) -> Prepare:
        def round_() -> Callable[[], Any]:
            # Free the model of the last round here, not in the timed call.
            built.clear()
            torch.manual_seed(0)
            return lambda: built.append(gpt2(nn, sizes.gpt))

        return round_

    stats = measure({side: prepare(nn) for side, nn in BACKENDS.items()}, sizes.rounds["build"])
    built.clear()
    yield Row("5", "build GPT-2 shaped model", stats["torch"], stats["clone"], ratio_target=1.0)


# ---------------------------------------------------------------- cases 3 and 4


def unique_tensors(model: Any) -> list[torch.Tensor]:
    """Plain copies of a model's parameters and buffers, for the floor loops.

    `parameters()` and `buffers()` yield a shared tensor once, so a tied
    weight gets one copy, as it has one storage in the model.
    """
    tensors = [*model.parameters(), *model.buffers()]
    return [t.detach().clone().requires_grad_(t.requires_grad) for t in tensors]


def case_state_dict_io(models: dict[str, Any]) -> Iterator[tuple[str, dict[str, Prepare], Prepare]]:
    """3. state_dict() and load_state_dict(); yields (name, sides, floor)."""
    # state_dict floor: a dict of detached tensors under names known ahead.
    named = list(models["torch"].state_dict(keep_vars=True).items())
    yield (
        "state_dict()",
        same_call(models, lambda m: m.state_dict()),
        lambda: lambda: OrderedDict((name, t.detach()) for name, t in named),
    )

    # load_state_dict floor: copy every entry of the same state dict into
    # plain tensors, under no_grad, as loading does. A tied weight has two
    # keys and is copied twice, in the floor as in the model.
    source = {name: t.detach().clone() for name, t in named}
    plain = {id(t): t.detach().clone() for _, t in named}
    targets = [(plain[id(t)], source[name]) for name, t in named]

    def copy_all() -> None:
        with torch.no_grad():
            for target, value in targets:
                target.copy_(value)

    yield (
        "load_state_dict()",
        same_call(models, lambda m: m.load_state_dict(source)),
        lambda: copy_all,
    )


def case_convert(models: dict[str, Any]) -> Iterator[tuple[str, dict[str, Prepare], Prepare]]:
    """4. to(torch.float64), and zero_grad() after a backward pass."""
    plain = unique_tensors(models["torch"])

    # Each round starts from float32 again; turning back is not timed.
    def to_float64(model: Any) -> Prepare:
        def round_() -> Callable[[], Any]:
            model.float()
            return lambda: model.to(torch.float64)

        return round_

    def floor_to_float64() -> Callable[[], None]:
        for t in plain:
            t.data = t.data.float()

        def convert() -> None:
            for t in plain:
                t.data = t.data.to(torch.float64)

        return convert

    yield "to(torch.float64)", {side: to_float64(m) for side, m in models.items()}, floor_to_float64

    # One real backward pass per model gives the gradients; each round puts
    # them back before `zero_grad()` removes them.
    grads: dict[str, list[tuple[torch.Tensor, torch.Tensor]]] = {}
    tokens = torch.zeros(1, 8, dtype=torch.long)
    for side, model in models.items():
        model.float()
        model(tokens).sum().backward()
        grads[side] = [(p, p.grad) for p in model.parameters()]
    for t in plain:
        t.data = t.data.float()
    plain_grads = [(t, torch.zeros_like(t)) for t in plain if t.requires_grad]

    def zero_grad(side: str) -> Prepare:
        def round_() -> Callable[[], Any]:
            for param, grad in grads[side]:
                param.grad = grad
            return models[side].zero_grad

        return round_

    def floor_zero_grad() -> Callable[[], None]:
        for t, grad in plain_grads:
            t.grad = grad

        def clear() -> None:
            for t, _ in plain_grads:
                t.grad = None

        return clear

    yield "zero_grad() after backward", {side: zero_grad(side) for side in models}, floor_zero_grad


def case_gpt_data(sizes: Sizes) -> Iterator[Row]:
    """3 and 4 on one pair of GPT-2 shaped models."""
    models = build_both(lambda nn: gpt2(nn, sizes.gpt))
    groups = [("3", case_state_dict_io, sizes.rounds["gpt_io"]), ("4", case_convert, sizes.rounds["convert"])]
    for case, make, rounds in groups:
        for name, sides, floor in make(models):
            stats = measure({**sides, "floor": floor}, rounds)
            # Only state_dict() and load_state_dict() have a clone/torch target.
            ratio_target = 1.0 if case == "3" else None
            yield Row(case, name, stats["torch"], stats["clone"], stats["floor"], ratio_target, floor_target=1.05)


# ---------------------------------------------------------------- case 6


SCALED = ("named_parameters()", "state_dict()")


def case_scaling(sizes: Sizes, results: Results) -> Iterator[Row]:
    """6. named_parameters() and state_dict() as the tree grows."""
    for method in SCALED:
        results.scaling[method] = {side: [] for side in BACKENDS}
    for n_modules in sizes.scaling:
        models = build_both(lambda nn: tree(nn, n_modules))
        # The tree builder rounds to a square; report the real count.
        count = sum(1 for _ in models["torch"].modules())
        for method in SCALED:
            stats = measure(same_call(models, TRAVERSALS[method]), sizes.rounds["scaling"])
            for side in BACKENDS:
                results.scaling[method][side].append((count, stats[side].median))
            yield Row("6", f"{method}, {count:,} modules", stats["torch"], stats["clone"])
        del models


def growth_exponent(points: list[tuple[int, float]]) -> float:
    """The slope of log(time) against log(size): 1.0 means linear growth.

    Example:
        >>> round(growth_exponent([(10, 1.0), (100, 10.0), (1000, 100.0)]), 3)
        1.0
    """
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    return covariance / sum((x - mean_x) ** 2 for x in xs)


# ---------------------------------------------------------------- case 7


def _training_step(model: Any, tokens: torch.Tensor, targets: torch.Tensor) -> Callable[[], None]:
    """One SGD step: forward, cross-entropy, backward, update."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        optimizer.zero_grad()
        logits = model(tokens)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        optimizer.step()

    return step


def case_training_step(sizes: Sizes) -> Iterator[Row]:
    """7. A training step of an LSTM language model and of a transformer encoder."""
    config = sizes.sequence
    # The LSTM reads (length, batch) tokens and predicts the next token at
    # every step; the classifier reads (batch, length) and predicts a label.
    lm_tokens = torch.randint(0, config.vocab, (config.length, config.batch))
    lm_targets = torch.randint(0, config.vocab, (config.length, config.batch))
    cls_tokens = torch.randint(0, config.vocab, (config.batch, config.length))
    cls_targets = torch.randint(0, 2, (config.batch,))
    work = [
        ("LSTM language model", lstm_language_model, lm_tokens, lm_targets),
        ("transformer encoder", encoder_classifier, cls_tokens, cls_targets),
    ]
    # One thread: both sides do the same tensor math, and on a shared
    # machine torch's worker threads fight other processes for the cores,
    # which makes the samples scatter far more than the Module code does.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for name, builder, tokens, targets in work:
            models = build_both(lambda nn, builder=builder: builder(nn, config))
            steps = {side: _training_step(model, tokens, targets) for side, model in models.items()}
            stats = measure({side: (lambda step=step: step) for side, step in steps.items()}, sizes.rounds["train"])
            label = f"training step, {name} ({config.layers} layers, width {config.width})"
            yield Row("7", label, stats["torch"], stats["clone"], ratio_target=1.05)
    finally:
        torch.set_num_threads(threads)


# The order the cases run in. The GPT-2 model is built once for 3 and 4.
def run_all(sizes: Sizes, results: Results, progress: Callable[[str], None] = print) -> Results:
    """Run every case, adding rows to `results` as they finish."""
    steps: list[tuple[str, Callable[[], Iterator[Row]]]] = [
        ("1 call overhead", lambda: case_call_overhead(sizes)),
        ("2 big tree", lambda: case_big_tree(sizes)),
        ("5 build GPT-2", lambda: case_build(sizes)),
        ("3+4 GPT-2 state_dict, load, to, zero_grad", lambda: case_gpt_data(sizes)),
        ("6 scaling", lambda: case_scaling(sizes, results)),
        ("7 training steps", lambda: case_training_step(sizes)),
    ]
    for title, step in steps:
        progress(title)
        for row in step():
            progress(f"  {row.case} {row.name}: clone/torch {row.ratio:.2f}")
            results.rows.append(row)
    return results
