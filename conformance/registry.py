"""The `@scenario` decorator, the list of topics, and the exercise track."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

# Topics group scenarios in reports. Each topic has a default exercise tag.
TOPICS: dict[str, str] = {
    "parameter": "Parameter and Buffer objects",
    "registration": "register_parameter, register_buffer, add_module",
    "attributes": "attribute routing: __setattr__, __getattr__, __delattr__",
    "traversal": "children, modules, parameters, buffers",
    "submodules": "get/set_submodule, get_parameter, get_buffer",
    "train_eval": "train/eval, requires_grad_, zero_grad",
    "conversion": "apply, _apply, to() and the dtype/device helpers",
    "state_dict": "state_dict keys, prefixes, metadata",
    "load_state_dict": "load_state_dict: strict, assign, errors",
    "extra_state": "get_extra_state / set_extra_state",
    "hooks": "forward, backward, state_dict and global hooks",
    "containers": "Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict",
    "layers": "layers built on torch.nn.functional",
    "models": "whole models built the same way on both backends",
    "repr": "__repr__, extra_repr, __dir__",
    "pickling": "pickle and copy.deepcopy",
}

# The exercise track, in walkthrough order: tag -> title.
EXERCISES: dict[str, str] = {
    "parameter": "Parameter and Buffer",
    # Registration and attribute routing call each other (`m.w = p` ends in
    # register_parameter), so students write them as one exercise.
    "registration": "Registration and attribute routing",
    "traversal": "Traversal and dedup",
    "train_eval": "train/eval and grads",
    "conversion": "apply, _apply and to()",
    "state_dict": "state_dict",
    "load_state_dict": "load_state_dict",
    "forward_hooks": "Calling and forward hooks",
    "backward_hooks": "Backward hooks",
    "containers": "Containers",
    "layers": "Linear and BatchNorm",
    "repr": "repr and pickling",
}

_DEFAULT_EXERCISE = {
    "parameter": "parameter",
    "registration": "registration",
    "attributes": "registration",
    "traversal": "traversal",
    "submodules": "traversal",
    "train_eval": "train_eval",
    "conversion": "conversion",
    "state_dict": "state_dict",
    "extra_state": "state_dict",
    "load_state_dict": "load_state_dict",
    "hooks": "forward_hooks",
    "containers": "containers",
    "layers": "layers",
    "models": "layers",
    "repr": "repr",
    "pickling": "repr",
}


@dataclass(frozen=True)
class Scenario:
    """One small piece of user code, run on every backend."""

    name: str
    topic: str
    exercise: str
    func: Callable
    # Module methods the scenario is about (for the docs).
    methods: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()


_SCENARIOS: dict[str, Scenario] = {}


def scenario(topic: str, *, exercise: str | None = None, methods: tuple[str, ...] = ()) -> Callable:
    """Register `func(nn, see)` as a scenario under `topic`.

    Example:
        >>> @scenario("registration")
        ... def register_buffer_rejects_dotted_name(nn, see):
        ...     m = nn.Module()
        ...     see.raises(lambda: m.register_buffer("a.b", torch.zeros(1)))
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; known topics: {', '.join(TOPICS)}")
    tag = exercise or _DEFAULT_EXERCISE[topic]
    if tag not in EXERCISES:
        raise ValueError(f"unknown exercise {tag!r}; known exercises: {', '.join(EXERCISES)}")

    def register(func: Callable) -> Callable:
        name = func.__name__
        if name in _SCENARIOS and _SCENARIOS[name].func.__code__ is not func.__code__:
            raise ValueError(f"two scenarios are named {name!r}")
        _SCENARIOS[name] = Scenario(name, topic, tag, func, tuple(methods))
        return func

    return register


def all_scenarios() -> list[Scenario]:
    """Every scenario in `conformance/scenarios/`, in topic order, then file order."""
    from . import scenarios

    for info in pkgutil.iter_modules(scenarios.__path__):
        importlib.import_module(f"{scenarios.__name__}.{info.name}")
    topic_rank = {topic: i for i, topic in enumerate(TOPICS)}
    return sorted(_SCENARIOS.values(), key=lambda s: topic_rank[s.topic])
