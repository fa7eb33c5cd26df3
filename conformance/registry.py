"""The `@scenario` decorator and the list of scenarios."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .i18n import translate

# Every topic, in walkthrough order: topic -> what its scenarios cover. A
# scenario names its topic; which exercise grades it is the classroom's
# business (conformance/classroom/), which the harness never imports.
TOPICS: dict[str, str] = {
    "parameter": "Parameter and Buffer objects",
    "registration": "register_parameter, register_buffer, add_module",
    "attributes": "attribute routing: __setattr__, __getattr__, __delattr__",
    "traversal": "children, modules, parameters, buffers",
    "submodules": "get/set_submodule, get_parameter, get_buffer",
    "train_eval": "train/eval, requires_grad_, zero_grad",
    "conversion": "apply, _apply, to() and the dtype/device helpers",
    "state_dict": "state_dict keys, prefixes, metadata",
    "extra_state": "get_extra_state / set_extra_state",
    "load_state_dict": "load_state_dict: strict, assign, errors",
    "hooks": "forward, state_dict and global hooks, and their handles",
    "backward_hooks": "backward hooks: full hooks, pre-hooks and the old kind",
    "containers": "Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict",
    "layers": "layers built on torch.nn.functional",
    "models": "whole models built the same way on both backends",
    "repr": "__repr__, extra_repr, __dir__",
    "pickling": "pickle and copy.deepcopy",
}


@dataclass(frozen=True)
class Scenario:
    """One small piece of user code, run on every backend."""

    name: str
    topic: str
    func: Callable
    # Module methods the scenario is about (for the docs).
    methods: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        """What the scenario does, in English (its docstring)."""
        return inspect.cleandoc(self.func.__doc__ or "")

    def doc_in(self, lang: str | None) -> str:
        """The docstring in `lang`: from the `scenarios` catalog, English when stale."""
        return str(translate(self.doc, lang, "scenarios"))


_SCENARIOS: dict[str, Scenario] = {}


def scenario(topic: str, *, methods: tuple[str, ...] = ()) -> Callable:
    """Register `func(nn, see)` as a scenario under `topic`.

    Example:
        >>> @scenario("registration")
        ... def register_buffer_rejects_dotted_name(nn, see):
        ...     m = nn.Module()
        ...     see.raises(lambda: m.register_buffer("a.b", torch.zeros(1)))
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; known topics: {', '.join(TOPICS)}")

    def register(func: Callable) -> Callable:
        name = func.__name__
        if name in _SCENARIOS and _SCENARIOS[name].func.__code__ is not func.__code__:
            raise ValueError(f"two scenarios are named {name!r}")
        _SCENARIOS[name] = Scenario(name, topic, func, tuple(methods))
        return func

    return register


def all_scenarios() -> list[Scenario]:
    """Every scenario in `conformance/scenarios/`, in topic order, then file order."""
    from . import scenarios

    for info in pkgutil.iter_modules(scenarios.__path__):
        importlib.import_module(f"{scenarios.__name__}.{info.name}")
    topic_rank = {topic: i for i, topic in enumerate(TOPICS)}
    return sorted(_SCENARIOS.values(), key=lambda s: topic_rank[s.topic])


def load_scenario_folder(folder: str | Path) -> list[Scenario]:
    """Import every `*.py` file of `folder` (e.g. a teacher's hidden scenarios).

    Their `@scenario` functions join `all_scenarios()`; returns the new ones.
    """
    folder = Path(folder).resolve()
    before = set(_SCENARIOS)
    # A unique package-like prefix, so two folders' `extra.py` do not clash.
    prefix = "scenarios_" + hashlib.sha1(str(folder).encode()).hexdigest()[:8]
    for path in sorted(folder.glob("*.py")):
        name = f"{prefix}_{path.stem}"
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return [s for n, s in _SCENARIOS.items() if n not in before]
