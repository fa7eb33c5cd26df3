"""Error census: do the scenarios reach every `raise` in torch's Module code?

The test reads the installed torch's `module.py`, `container.py`,
`parameter.py` and the other files the clone mirrors (`FILES`) with `ast`,
lists every `raise` statement, runs every scenario on the torch backend
under a small line tracer, and lists the raises never reached. Each raise
is either reached (so its error was compared with ours) or listed in
`UNREACHABLE` below with a reason. The test fails otherwise.

Run it alone to see the census: `pytest tests/test_error_census.py -q -s`.
"""

from __future__ import annotations

import ast
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import torch.nn.modules.activation
import torch.nn.modules.container
import torch.nn.modules.conv
import torch.nn.modules.dropout
import torch.nn.modules.flatten
import torch.nn.modules.lazy
import torch.nn.modules.loss
import torch.nn.modules.module
import torch.nn.modules.padding
import torch.nn.modules.rnn
import torch.nn.modules.sparse
import torch.nn.modules.transformer
import torch.nn.parameter
import torch.nn.utils.parametrize

from conformance.backends import torch_backend
from conformance.registry import all_scenarios
from conformance.runner import run

FILES = {
    "module.py": Path(torch.nn.modules.module.__file__),
    "container.py": Path(torch.nn.modules.container.__file__),
    "parameter.py": Path(torch.nn.parameter.__file__),
    # Issue 16: transposed and lazy convolutions, and the lazy-module mixin.
    "conv.py": Path(torch.nn.modules.conv.__file__),
    "lazy.py": Path(torch.nn.modules.lazy.__file__),
    # Layer files the clone mirrors. pooling.py is left out: its only
    # raises are in FractionalMaxPool, which the clone does not have.
    "loss.py": Path(torch.nn.modules.loss.__file__),
    "activation.py": Path(torch.nn.modules.activation.__file__),
    "padding.py": Path(torch.nn.modules.padding.__file__),
    "sparse.py": Path(torch.nn.modules.sparse.__file__),
    "flatten.py": Path(torch.nn.modules.flatten.__file__),
    "dropout.py": Path(torch.nn.modules.dropout.__file__),
    "rnn.py": Path(torch.nn.modules.rnn.__file__),
    "transformer.py": Path(torch.nn.modules.transformer.__file__),
    # Module machinery the clone writes from scratch in minitorch_module/utils.
    "parametrize.py": Path(torch.nn.utils.parametrize.__file__),
}

# Classes of a census file that this census skips, with the reason.
# torch's activation.py also holds MultiheadAttention: its nested-tensor
# raise is CPU-reachable but the clone's attention.py does not mirror it yet
# (the clone fails earlier with another error), so the activation census
# covers the activations only.
SKIPPED_CLASSES: dict[str, tuple[str, ...]] = {"activation.py": ("MultiheadAttention",)}

# Raises no scenario can reach on a CPU build of torch with the clone's
# scope, keyed by (file, function, start of the raise's source line). Keys
# use names and text, not line numbers, so the table survives small edits
# in torch.
#
# | kind                 | raise                                        | why it cannot be reached          |
# |----------------------|----------------------------------------------|-----------------------------------|
# | JIT only             | register_buffer: ScriptModule ...            | needs torch.jit.ScriptModule      |
# | internal assertion   | _apply: four AssertionErrors                 | guarded by the code just above    |
# | internal helper      | _WrappedHook.__call__ / __setstate__         | private API, module already freed |
# | abstract method      | _LazyConvXdMixin._get_num_spatial_dims       | every lazy conv class defines it  |
# | internal assertion   | rnn.py RNN.forward: hx must not be None      | hx is set on every path above     |
# | abstract method      | padding: _CircularPadNd._check_input_dim     | every subclass overrides it       |
# | TorchScript/tracing  | parametrize: 6 RuntimeErrors                 | need torch.jit                    |
# | internal assertion   | parametrize: 8 AssertionErrors               | guarded by the code just above    |
# | opaque objects       | parametrize: ParametrizationList.__init__    | needs a registered opaque type    |
# | tensor subclass      | parametrize: remove_parametrizations         | needs a subclass whose set_ fails |
_INTERNAL_ASSERT = "internal assertion: the lines above make it impossible"
_WRAPPED_HOOK = "internal helper: only a private _WrappedHook whose module was freed"
_SCRIPTING = "TorchScript or tracing only (torch.jit)"
UNREACHABLE: dict[tuple[str, str, str], str] = {
    ("module.py", "Module.register_buffer", 'raise RuntimeError("ScriptModule does not support non-persis'): (
        "JIT only: needs a torch.jit.ScriptModule"
    ),
    ("module.py", "Module._apply", 'raise AssertionError("param must be a Parameter")'): _INTERNAL_ASSERT,
    ("module.py", "Module._apply", 'raise AssertionError("param must be a leaf tensor")'): _INTERNAL_ASSERT,
    ("module.py", "Module._apply", 'raise AssertionError("out_param.grad must not be None")'): _INTERNAL_ASSERT,
    ("module.py", "Module._apply", 'raise AssertionError("param_grad must be a leaf tensor")'): _INTERNAL_ASSERT,
    ("module.py", "_WrappedHook.__call__", 'raise RuntimeError("You are trying to call the hook of a dead M'): (
        _WRAPPED_HOOK
    ),
    ("module.py", "_WrappedHook.__setstate__", "raise RuntimeError("): _WRAPPED_HOOK,
    ("conv.py", "_LazyConvXdMixin._get_num_spatial_dims", "raise NotImplementedError"): (
        "abstract method: every public lazy convolution overrides it"
    ),
    ("padding.py", "_CircularPadNd._check_input_dim", "raise NotImplementedError"): (
        "abstract method: every CircularPad class overrides it"
    ),
    ("rnn.py", "RNN.forward", 'raise AssertionError("hx must not be None")'): _INTERNAL_ASSERT,
    ("parametrize.py", "ParametrizationList.__init__", "raise ValueError( f\"'right_inverse' must return a Tensor or a reference-type"): (
        "opaque objects: needs a registered torch._opaque_base.OpaqueBase type"
    ),
    ("parametrize.py", "ParametrizationList.forward", "raise RuntimeError("): _SCRIPTING,
    ("parametrize.py", "_inject_property.get_parametrized", "raise RuntimeError("): _SCRIPTING,
    ("parametrize.py", "_inject_property.set_original", "raise RuntimeError("): _SCRIPTING,
    ("parametrize.py", "_inject_property", "raise AssertionError("): _INTERNAL_ASSERT,
    ("parametrize.py", "register_parametrization", "raise AssertionError("): _INTERNAL_ASSERT,
    ("parametrize.py", "remove_parametrizations", "raise AssertionError("): _INTERNAL_ASSERT,
    ("parametrize.py", "transfer_parametrizations_and_params", "raise AssertionError("): _INTERNAL_ASSERT,
    ("parametrize.py", "remove_parametrizations", "raise RuntimeError("): (
        "needs a tensor subclass whose set_() fails"
    ),
}

# Raises a CPU scenario CAN reach, but the clone does not have the feature
# yet, so no scenario is written. Listed by function. It is empty now: every
# CPU-reachable raise is reached, and the test below checks it stays so.
PENDING: dict[str, str] = {}


def _unreachable_reason(r: Raise) -> str | None:
    # An entry matches when the raise's line starts with the entry's text.
    for (file, function, text), reason in UNREACHABLE.items():
        if (file, function) == (r.file, r.function) and r.text.startswith(text):
            return reason
    return None


def _pending_reason(r: Raise) -> str | None:
    # A pending entry names a function, or a class for all its methods.
    return PENDING.get(r.function) or PENDING.get(r.function.split(".")[0])


@dataclass(frozen=True)
class Raise:
    file: str
    function: str
    line: int
    text: str



def raises_in(file: str, path: Path) -> list[Raise]:
    """Every `raise` statement in `path`, with the function it is in."""
    source = path.read_text()
    lines = source.splitlines()
    found: list[Raise] = []

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(child, f"{scope}.{child.name}" if scope else child.name)
                continue
            if isinstance(child, ast.Raise):
                # `raise ValueError(` alone says little: add the line that follows.
                text = lines[child.lineno - 1].strip()
                if text.endswith("("):
                    text += " " + lines[child.lineno].strip()
                found.append(Raise(file, scope, child.lineno, text))
            visit(child, scope)

    visit(ast.parse(source), "")
    return found


def lines_run_by_scenarios() -> set[tuple[str, int]]:
    """(file, line) pairs of the census files that the scenarios run on torch."""
    by_path = {str(path): name for name, path in FILES.items()}
    seen: set[tuple[str, int]] = set()

    # A global tracer that only follows frames of the census files: fast enough.
    def local(frame, event, arg):
        if event == "line":
            seen.add((by_path[frame.f_code.co_filename], frame.f_lineno))
        return local

    def tracer(frame, event, arg):
        if frame.f_code.co_filename in by_path:
            return local
        return None

    backend = torch_backend()
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        for scenario in all_scenarios():
            run(scenario, backend)
    finally:
        sys.settrace(old)
    return seen


def census() -> tuple[list[Raise], list[Raise]]:
    """(reached, not reached) raises of the census files."""
    all_raises = [
        r
        for name, path in FILES.items()
        for r in raises_in(name, path)
        if r.function.split(".")[0] not in SKIPPED_CLASSES.get(name, ())
    ]
    seen = lines_run_by_scenarios()
    reached = [r for r in all_raises if (r.file, r.line) in seen]
    missed = [r for r in all_raises if (r.file, r.line) not in seen]
    return reached, missed


@functools.lru_cache(maxsize=None)
def _census() -> tuple[list[Raise], list[Raise]]:
    # Both tests share one run of all scenarios.
    return census()


def test_every_raise_is_reached_or_explained():
    reached, missed = _census()
    print(f"\nerror census: {len(reached)} raises reached, {len(missed)} not reached")
    for r in missed:
        reason = _unreachable_reason(r) or _pending_reason(r) or "NOT REACHED, no reason listed"
        print(f"  {r.file}:{r.line} {r.function}: {r.text}  [{reason}]")
    unexplained = [r for r in missed if not _unreachable_reason(r) and not _pending_reason(r)]
    assert not unexplained, "raises neither reached nor explained:\n" + "\n".join(
        f"  {r.file}:{r.line} {r.function}: {r.text}" for r in unexplained
    )


def test_every_cpu_reachable_raise_is_reached():
    _, missed = _census()
    pending = [f"{r.file}:{r.line} {r.function}" for r in missed if not _unreachable_reason(r)]
    assert not pending, "CPU-reachable raises not reached yet: " + ", ".join(pending)


def test_the_census_finds_raises():
    # The census must see something, or it proves nothing.
    found = raises_in("module.py", FILES["module.py"])
    assert any(r.function == "Module.register_buffer" for r in found)
