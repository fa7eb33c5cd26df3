"""The checks every layer gets, generated from a table: one scenario per layer and check.

`layer_checks(name, build, inputs, variant)` registers three scenarios for a layer:

- `<name>_init_matches_torch_draws`: parameters, buffers and repr of a fresh
  layer, from the same seed as torch;
- `<name>_loads_torch_weights_and_runs`: torch's state_dict loads into the
  backend's layer; forward in training and in eval (under no_grad, where
  torch may take a fused fast path) gives the same outputs;
- `<name>_converts_to_double`: `.to(torch.double)` converts every parameter
  and the layer runs on float64 inputs.

`build(nn)` makes the layer on a backend; `inputs(dtype)` makes the
positional arguments of one call.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from typing import Any, Callable

import torch
import torch.nn as tnn

from conformance.registry import scenario

# Warnings that torch's C++ code gives only once per process: whichever
# backend runs first would see them, so scenarios ignore them.
_ONCE_PER_PROCESS = (
    "LSTM with projections is not supported with oneDNN",
    "The PyTorch API of nested tensors is in prototype stage",
)


@contextlib.contextmanager
def ignore_once_per_process_warnings():
    """Hide torch's warn-once C++ warnings; every other warning is still recorded."""
    with warnings.catch_warnings():
        for text in _ONCE_PER_PROCESS:
            warnings.filterwarnings("ignore", message=re.escape(text))
        yield


def _snake(name: str) -> str:
    # "LSTMCell" -> "lstm_cell", "TransformerEncoderLayer" -> "transformer_encoder_layer".
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _register(func: Callable, name: str, doc: str, methods: tuple[str, ...]) -> None:
    # The registry keys scenarios by function name, so each generated
    # function gets its own name and docstring before it is registered.
    func.__name__ = func.__qualname__ = name
    func.__doc__ = doc
    scenario("layers", methods=methods)(func)


def layer_checks(
    name: str, build: Callable[[Any], Any], inputs: Callable[[torch.dtype], tuple], variant: str = ""
) -> None:
    """Register the init, load-and-run and to(double) scenarios of one layer.

    `variant` names a second configuration of the same layer (e.g. "projected").
    """
    snake = _snake(name) + (f"_{variant}" if variant else "")

    def init_matches_torch_draws(nn, see):
        with ignore_once_per_process_warnings():
            layer = build(nn)
        see(dict(layer.named_parameters()))
        see(dict(layer.named_buffers()))
        see.repr(layer)

    def loads_torch_weights_and_runs(nn, see):
        with ignore_once_per_process_warnings():
            layer = build(nn)
            torch.manual_seed(123)
            reference = build(tnn)
            see(layer.load_state_dict(reference.state_dict()))
            see.keys(layer.state_dict())
            args = inputs(torch.float32)
            see(layer(*args))
            layer.eval()
            with torch.no_grad():
                see(layer(*args))

    def converts_to_double(nn, see):
        with ignore_once_per_process_warnings():
            layer = build(nn).to(torch.double)
            see({key: value.dtype for key, value in layer.state_dict().items()})
            see(layer(*inputs(torch.double)))

    _register(
        init_matches_torch_draws,
        f"{snake}_init_matches_torch_draws",
        f"{name}: same parameter names, shapes and initial values from the same seed; same repr.",
        (f"{name}.__init__",),
    )
    _register(
        loads_torch_weights_and_runs,
        f"{snake}_loads_torch_weights_and_runs",
        f"{name}: torch's state_dict loads; forward in train and in eval (no_grad) matches torch.",
        (f"{name}.forward", "load_state_dict"),
    )
    _register(
        converts_to_double,
        f"{snake}_converts_to_double",
        f"{name}: to(torch.double) converts every weight; forward on float64 matches torch.",
        (f"{name}._apply", "to"),
    )
