"""Random programs: find the differences nobody thought of.

Hypothesis draws a *program*: a list of plain-data operations such as
`("add_child", 0, "a", 2)` or `("to", 1, "double")`. The same program is then
run by `run_program` on each backend's `nn`, and every step is written into a
`See` recorder. Because the program is plain data, one example builds the same
module trees on torch and on the clone; the two records must be equal.

Example:
    >>> from conformance.backends import torch_backend, clone_backend
    >>> program = [("new_module",), ("add_child", 0, "a", 1), ("named_modules", 0, True)]
    >>> records = [record_program(program, b) for b in (torch_backend(), clone_backend())]
    >>> records[0] == records[1]
    True
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from .backends import Backend
from .recorder import See

# A small pool of names makes collisions likely: re-assigning "a" from a
# parameter to a module is exactly where bugs hide. "a.b" and "" are invalid
# names, so registration errors are drawn too.
NAMES = ("a", "b", "c", "w")
BAD_NAMES = ("a.b", "")
PATHS = ("", "a", "b", "a.b", "b.a", "a.w", "c.c", "x", "a.b.c")
FLOAT_DTYPES = ("float32", "float64", "float16")
BUFFER_DTYPES = (*FLOAT_DTYPES, "int64")
SHAPES = ((), (2,), (1, 2), (0,))
CONVERSIONS = ("half", "double", "float", "bfloat16", "to_double", "to_half", "to_int_refused")
# At most 7 modules: a parent always has a smaller index than its child, so
# trees are at most 6 levels deep and can never form a cycle.
MAX_MODULES = 7

# -- the strategy -------------------------------------------------------------

# Module and parameter indexes are drawn freely and taken modulo the number
# that exist when the step runs, so every drawn program is runnable.
_index = st.integers(0, MAX_MODULES - 1)
_name = st.sampled_from(NAMES)
_any_name = st.sampled_from(NAMES + BAD_NAMES)
_shape = st.sampled_from(SHAPES)

_OPERATIONS = st.one_of(
    st.tuples(st.just("new_module")),
    st.tuples(st.just("add_child"), _index, _name, _index),
    st.tuples(st.just("register_module"), _index, _any_name, _index),
    st.tuples(st.just("none_child"), _index, _name),
    st.tuples(st.just("param"), _index, _any_name, st.sampled_from(FLOAT_DTYPES), _shape, st.booleans(), st.booleans()),
    st.tuples(st.just("share_param"), _index, _name, _index),
    st.tuples(st.just("none_param"), _index, _name),
    st.tuples(st.just("buffer"), _index, _any_name, st.sampled_from(BUFFER_DTYPES), _shape, st.booleans()),
    st.tuples(st.just("none_buffer"), _index, _name, st.booleans()),
    st.tuples(st.just("plain_attr"), _index, _name),
    st.tuples(st.just("delete"), _index, _name),
    st.tuples(st.just("convert"), _index, st.sampled_from(CONVERSIONS)),
    st.tuples(st.just("train"), _index, st.booleans()),
    st.tuples(st.just("requires_grad_"), _index, st.booleans()),
    st.tuples(st.just("apply"), _index),
    st.tuples(st.just("named_modules"), _index, st.booleans()),
    st.tuples(st.just("named_parameters"), _index, st.booleans()),
    st.tuples(st.just("named_buffers"), _index, st.booleans()),
    st.tuples(st.just("get_submodule"), _index, st.sampled_from(PATHS)),
    st.tuples(st.just("set_submodule"), _index, st.sampled_from(PATHS), _index, st.booleans()),
    st.tuples(st.just("state_dict"), _index),
    st.tuples(
        st.just("load_state_dict"),
        _index,
        _index,
        st.sampled_from(("same", "drop", "extra", "wrong_shape")),
        st.booleans(),
    ),
)

# Programs start by growing a tree (modules, children, tensors), so the
# random operations after it have something deep and shared to work on.
_GROW = st.one_of(
    st.tuples(st.just("new_module")),
    st.tuples(st.just("add_child"), _index, _name, _index),
    st.tuples(st.just("param"), _index, _name, st.sampled_from(FLOAT_DTYPES), _shape, st.booleans(), st.booleans()),
    st.tuples(st.just("share_param"), _index, _name, _index),
    st.tuples(st.just("buffer"), _index, _name, st.sampled_from(BUFFER_DTYPES), _shape, st.booleans()),
)

#: A whole program: a growing phase, then any operations (40 at most in all).
programs = st.builds(
    lambda grow, rest: grow + rest,
    st.lists(_GROW, min_size=3, max_size=15),
    st.lists(_OPERATIONS, min_size=1, max_size=25),
)


# -- running a program --------------------------------------------------------


def _tensor(dtype: str, shape: tuple[int, ...], salt: int) -> torch.Tensor:
    # Values come from the program, not from a random generator, so both
    # backends see exactly the same numbers.
    count = 1
    for size in shape:
        count *= size
    values = torch.arange(count, dtype=torch.float64).reshape(shape) + salt
    return values.to(getattr(torch, dtype))


class _World:
    """The objects one program has made so far, on one backend."""

    def __init__(self, nn: Any) -> None:
        self.nn = nn
        self.modules: list[Any] = [nn.Module()]
        self.params: list[Any] = []

    def module(self, index: int) -> Any:
        return self.modules[index % len(self.modules)]

    def index_of(self, module: Any) -> int:
        # Identity, not equality: it shows which object a name points to.
        return next(i for i, m in enumerate(self.modules) if m is module)


def _convert(module: Any, how: str) -> Any:
    # `to_int_refused` asks `to()` for an integer dtype, which torch refuses.
    if how == "to_double":
        return module.to(torch.float64)
    if how == "to_half":
        return module.to(dtype=torch.float16)
    if how == "to_int_refused":
        return module.to(torch.int64)
    return getattr(module, how)()


def _changed_state(state: dict, how: str) -> dict:
    # Break a state dict the ways users do: a key dropped, a key too many,
    # a tensor of the wrong shape.
    state = dict(state)
    keys = list(state)
    if how == "drop" and keys:
        del state[keys[0]]
    elif how == "extra":
        state["zz.extra"] = torch.zeros(1)
    elif how == "wrong_shape" and keys:
        state[keys[-1]] = torch.zeros(3, 3)
    return state


def _parent_of_path(module: Any, path: str) -> Any:
    # The module that `set_submodule(path, ...)` would change, or None when
    # the path is invalid (then set_submodule raises, on both backends).
    try:
        return module.get_submodule(path.rpartition(".")[0])
    except AttributeError:
        return None


def _step(world: _World, op: tuple) -> Any:
    """Run one operation; return what user code would see."""
    kind, args = op[0], op[1:]
    nn = world.nn
    if kind == "new_module":
        # Stop adding modules at the limit; the step still records.
        if len(world.modules) < MAX_MODULES:
            world.modules.append(nn.Module())
        return len(world.modules)
    module = world.module(args[0])
    if kind in ("add_child", "register_module", "set_submodule"):
        # A child must have a larger index than its parent: no cycles. For
        # `set_submodule("a.b", ...)` the parent is the module at "a".
        child = world.module(args[2])
        parent = _parent_of_path(module, args[1]) if kind == "set_submodule" else module
        if parent is not None and world.index_of(child) <= world.index_of(parent):
            return "skipped: would allow a cycle"
        if kind == "add_child":
            return setattr(module, args[1], child)
        if kind == "register_module":
            return module.register_module(args[1], child)
        return module.set_submodule(args[1], child, strict=args[3])
    if kind == "none_child":
        return module.add_module(args[1], None)
    if kind == "param":
        name, dtype, shape, requires_grad, by_setattr = args[1:]
        param = nn.Parameter(_tensor(dtype, shape, len(world.params)), requires_grad=requires_grad)
        world.params.append(param)
        if by_setattr:
            return setattr(module, name, param)
        return module.register_parameter(name, param)
    if kind == "share_param":
        # The same Parameter object under a second name: sharing.
        if not world.params:
            return "skipped: no parameter yet"
        return setattr(module, args[1], world.params[args[2] % len(world.params)])
    if kind == "none_param":
        return module.register_parameter(args[1], None)
    if kind == "buffer":
        name, dtype, shape, persistent = args[1:]
        return module.register_buffer(name, _tensor(dtype, shape, 10), persistent=persistent)
    if kind == "none_buffer":
        return module.register_buffer(args[1], None, persistent=args[2])
    if kind == "plain_attr":
        return setattr(module, args[1], 7)
    if kind == "delete":
        return delattr(module, args[1])
    if kind == "convert":
        return _convert(module, args[1])
    if kind == "train":
        return module.train(args[1])
    if kind == "requires_grad_":
        return module.requires_grad_(args[1])
    if kind == "apply":
        visited: list[int] = []
        module.apply(lambda m: visited.append(world.index_of(m)))
        return visited
    if kind in ("named_modules", "named_parameters", "named_buffers"):
        pairs = list(getattr(module, kind)(remove_duplicate=args[1]))
        return [name for name, _ in pairs]
    if kind == "get_submodule":
        return world.index_of(module.get_submodule(args[1]))
    if kind == "state_dict":
        return module.state_dict()
    if kind == "load_state_dict":
        source = world.module(args[1]).state_dict()
        result = module.load_state_dict(_changed_state(source, args[2]), strict=args[3])
        return (list(result.missing_keys), list(result.unexpected_keys))
    raise ValueError(f"unknown operation {kind!r}")


def snapshot(module: Any) -> dict[str, Any]:
    """Everything that must match after a step: names, sharing, flags, tensors.

    Sharing is recorded as a pattern: for each name, the position of the first
    name that points to the same object.
    """
    named = list(module.named_modules(remove_duplicate=False))
    params = list(module.named_parameters(remove_duplicate=False))
    buffers = list(module.named_buffers(remove_duplicate=False))
    return {
        "modules": [(name, m.training) for name, m in named],
        "module sharing": sharing_pattern([m for _, m in named]),
        "parameters": params,
        "parameter sharing": sharing_pattern([p for _, p in params]),
        "buffers": buffers,
        "state_dict": module.state_dict(keep_vars=True),
    }


def sharing_pattern(objects: list[Any]) -> list[int]:
    """For each object, the index of the first object that `is` it."""
    return [next(i for i, other in enumerate(objects) if other is obj) for obj in objects]


def run_program(program: list[tuple], nn: Any, see: See) -> Any:
    """Run `program` against the backend namespace `nn`, recording every step.

    After each step it records what the step returned (or raised, or warned)
    and a snapshot of the root module and of the module the step touched.
    Returns the root module.
    """
    world = _World(nn)
    for number, op in enumerate(program):
        label = f"step {number}: {op!r}"
        see.warns(_step, world, op, label=label)
        see(snapshot(world.modules[0]), label=f"{label} -> root")
        if len(op) > 1:
            see(snapshot(world.module(op[1])), label=f"{label} -> touched module")
    return world.modules[0]


def record_program(program: list[tuple], backend: Backend) -> list[tuple[str, Any]]:
    """The record of `program` on `backend`, as a list of (label, value)."""
    see = See(backend)
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        try:
            run_program(program, backend.nn, see)
        except Exception as error:  # noqa: BLE001 - a crash is an observation too
            see(error, label="uncaught error")
        finally:
            backend.reset_global_state()
    return see.entries


# -- hypothesis profiles ---------------------------------------------------------

# "ci" is small and derandomized, so CI is fast and reproducible. "thorough"
# draws 5,000 fresh examples per test, for a local run:
#   HYPOTHESIS_PROFILE=thorough pytest tests/test_random_differential.py
settings.register_profile(
    "ci", max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def load_profile() -> str:
    """Load the hypothesis profile named by $HYPOTHESIS_PROFILE ("ci" if unset); return its name."""
    name = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    settings.load_profile(name)
    return name
