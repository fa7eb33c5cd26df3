"""trace: record which Module methods run, and who calls whom.

    >>> import torch
    >>> import minitorch_module as nn
    >>> model = nn.Linear(2, 3)
    >>> with trace() as t:
    ...     _ = model.to(torch.double)
    >>> print(t.text().splitlines()[0])
    Module.to(self=Linear, args=(torch.float64,)) -> Linear

Inside the `with`, Python's profiler hook (`sys.setprofile`) sees every
function call. We keep only calls to functions defined in the Module
machinery files (module, containers, parameter, hooks) of torch and of the
clone, and we nest them by who called whom. Tensor internals are not in
those files, so they do not show up. Outside the `with` nothing is
installed, so code that is not traced runs at full speed.
"""

# Annotations stay as text, so `Call` can name itself in its fields.
from __future__ import annotations

# `sys.setprofile` is the whole trick; the rest is bookkeeping.
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Iterable

# torch only to find its files and to summarize tensors.
import torch

# The public names of this file.
__all__ = ["Call", "Trace", "trace", "machinery_files", "summarize"]

# The files whose functions we follow, by path inside a package folder: the
# same paths in torch's `torch/nn/` and in the clone, except that torch keeps
# its hook handles in `torch/utils/hooks.py`.
MACHINERY = ("modules/module.py", "modules/container.py", "parameter.py", "hooks.py")


def machinery_files(package_dir: str | Path) -> set[str]:
    """The Module machinery files of a package folder such as `minitorch_module/`.

    Examples:
        >>> sorted(Path(f).name for f in machinery_files(Path(__file__).parent))
        ['container.py', 'hooks.py', 'module.py', 'parameter.py']
    """
    folder = Path(package_dir).resolve()
    return {str(folder / name) for name in MACHINERY if (folder / name).is_file()}


def torch_machinery_files() -> set[str]:
    """torch's Module machinery files, found from where torch is installed."""
    # We build the paths as text: the clone must not import these modules.
    root = Path(torch.__file__).resolve().parent
    return machinery_files(root / "nn") | machinery_files(root / "utils")


def default_files() -> set[str]:
    """Torch's machinery files and the clone's, so one `trace()` follows both."""
    return torch_machinery_files() | machinery_files(Path(__file__).parent)


@dataclass
class Call:
    """One recorded call, with the calls it made.

    Attributes:
        function: the function's own name, e.g. `_apply`.
        where: where it is defined, e.g. `Module._apply` (a method that
            `Linear` inherits is still `Module._apply`).
        owner: the class of `self`, e.g. `Linear` ("" for plain functions).
        args: the other arguments, summarized (those that are None are left out).
        result: the returned value, summarized ("" for None).
    """

    # The fields, described above. `children` uses a `default_factory`, so
    # each call gets its own fresh list, never a shared one.
    function: str
    where: str
    owner: str
    args: str
    result: str = ""
    children: list[Call] = field(default_factory=list)

    def label(self) -> str:
        """The call as one short line, e.g. `Module._apply(self=Linear, fn=convert)`."""
        args = ", ".join(part for part in (f"self={self.owner}" if self.owner else "", self.args) if part)
        text = f"{self.where}({args})"
        return f"{text} -> {self.result}" if self.result else text

    def walk(self, depth: int = 0) -> Iterable[tuple[int, Call]]:
        """Yield `(depth, call)` for this call and every call below it, in order."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


# ----------------------------------------------------------------------
# Short summaries of argument values
# ----------------------------------------------------------------------

def summarize(value: Any) -> str:
    """A short text for one value: modules by class, tensors by shape and dtype.

    Examples:
        >>> summarize(torch.zeros(2, 3))
        'tensor(2x3 float32)'
    """
    # A module is named by its class. We test the class, not the object: a
    # module that is still inside `__init__` has no `_modules` yet, and
    # asking it for a missing attribute would call its `__getattr__`.
    if callable(getattr(type(value), "register_buffer", None)):
        return type(value).__name__
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, torch.Tensor):
        shape = "x".join(str(n) for n in value.shape) or "scalar"
        kind = "param" if type(value).__name__ == "Parameter" else "tensor"
        return f"{kind}({shape} {str(value.dtype).removeprefix('torch.')})"
    # Functions by name; short sequences item by item, long ones by size.
    if isinstance(value, (types.FunctionType, types.MethodType, types.BuiltinFunctionType)):
        return value.__name__
    if isinstance(value, (tuple, list)) and len(value) <= 3:
        inner = ", ".join(summarize(v) for v in value)
        return f"({inner},)" if isinstance(value, tuple) and len(value) == 1 else f"({inner})"
    if isinstance(value, (tuple, list, dict, set)):
        return f"{type(value).__name__}[{len(value)}]"
    # Any other value by its repr, cut short. A repr may fail on an object
    # that is half built; then its type name is enough.
    try:
        text = repr(value)
    except Exception:
        return type(value).__name__
    return text if len(text) <= 30 else text[:27] + "..."


# `co_qualname` (Python 3.11+) says which class defines the function:
# `Module.to.<locals>.convert` is shown as `Module.to.convert`.
def _where(frame: FrameType) -> str:
    code = frame.f_code
    return getattr(code, "co_qualname", code.co_name).replace("<locals>.", "")


# `summarize` for use inside the profiler, where an exception would
# switch the profiler off: any failure becomes "?".
def _safe_summary(value: Any) -> str:
    try:
        return summarize(value)
    except Exception:
        return "?"


# Arguments are read from the new frame's local variables, in the order of
# the function's signature. `self` becomes the owner.
def _describe_args(frame: FrameType) -> tuple[str, str]:
    code = frame.f_code
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    # The first `count` local names are the parameters, in order.
    names = code.co_varnames[:count]
    local = frame.f_locals
    owner = ""
    parts = []
    # A parameter may be missing from the locals if it was deleted early.
    for name in names:
        if name not in local:
            continue
        value = local[name]
        if name == "self":
            owner = summarize(value) if not isinstance(value, torch.Tensor) else type(value).__name__
            continue
        # None (usually a default) and empty *args / **kwargs say nothing;
        # leaving them out keeps the lines short.
        if value is None or (isinstance(value, (tuple, dict)) and not value):
            continue
        parts.append(f"{name}={summarize(value)}")
    return owner, ", ".join(parts)


# ----------------------------------------------------------------------
# The recorder
# ----------------------------------------------------------------------

# Generator flags of a code object: a generator's frame is entered again at
# every `next()`, and we must not count each resume as a new call.
_GENERATOR_FLAGS = 0x20 | 0x200 | 0x100


class Trace:
    """Records Module method calls while active; use it through `trace()`.

    Attributes:
        roots: the top-level calls, each with its nested calls.
    """

    # Nothing is installed yet: recording starts in `__enter__`.
    def __init__(self, files: Iterable[str] | None = None) -> None:
        self.files = set(files) if files is not None else default_files()
        self.roots: list[Call] = []
        # The open calls, innermost last, with the frame that made each.
        self._stack: list[tuple[FrameType, Call]] = []
        # Generator frames we already met, so a resume re-opens the same Call.
        self._generators: dict[FrameType, Call] = {}
        self._previous: Callable | None = None

    # Keep any profiler that was there before, and put it back at the end.
    def __enter__(self) -> Trace:
        self._previous = sys.getprofile()
        sys.setprofile(self._on_event)
        return self

    # Stop recording; the finished tree in `roots` stays.
    def __exit__(self, *exc_info: Any) -> None:
        sys.setprofile(self._previous)
        self._stack.clear()
        self._generators.clear()

    # The profiler calls this for every event. It must be fast and must
    # never raise, so it only looks at Python-level "call" and "return".
    # (An exception inside a profiler would silently switch it off, so the
    # argument summaries are guarded in `_open`.)
    def _on_event(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename in self.files:
            self._open(frame)
        elif event == "return" and self._stack and self._stack[-1][0] is frame:
            _, call = self._stack.pop()
            if arg is not None and not frame.f_code.co_flags & _GENERATOR_FLAGS:
                call.result = _safe_summary(arg)

    # A call starts: make its `Call` (or find the one of a resumed
    # generator) and hang it under the innermost open call.
    def _open(self, frame: FrameType) -> None:
        call = self._generators.get(frame)
        if call is None:
            try:
                owner, args = _describe_args(frame)
            except Exception:
                owner, args = "", "?"
            call = Call(frame.f_code.co_name, _where(frame), owner, args)
            # No open call means a new root of the tree.
            parent = self._stack[-1][1].children if self._stack else self.roots
            parent.append(call)
            if frame.f_code.co_flags & _GENERATOR_FLAGS:
                self._generators[frame] = call
        self._stack.append((frame, call))

    def calls(self) -> Iterable[tuple[int, Call]]:
        """Every recorded call as `(depth, call)`, in the order they started."""
        for root in self.roots:
            yield from root.walk()

    def lines(self) -> list[str]:
        """The call tree as indented lines, two spaces per level."""
        return ["  " * depth + call.label() for depth, call in self.calls()]

    def text(self) -> str:
        """The call tree as one indented text."""
        return "\n".join(self.lines())


def trace(files: Iterable[str] | None = None) -> Trace:
    """Record the tree of Module method calls made inside a `with` block.

    Args:
        files: the source files to follow. By default, torch's and the
            clone's Module machinery files (see `machinery_files`).

    Returns:
        A `Trace`; after the block, `t.text()` prints the call tree and
        `t.roots` holds it as `Call` objects.

    Examples:
        >>> import minitorch_module as nn
        >>> m = nn.Module()
        >>> with trace() as t:
        ...     _ = m.train()
        >>> [call.function for _, call in t.calls()][:2]
        ['train', '__setattr__']
    """
    return Trace(files)
