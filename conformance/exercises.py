"""The exercise track: what students rebuild, in walkthrough order.

A region of the clone belongs to an exercise when the line right above its
`def` is a marker comment:

    # exercise: registration
    def register_buffer(self, name, tensor, persistent=True):

`minitorch-module exercises new DIR` copies the package and replaces the body
of every marked function with a stub that raises NotImplementedError.
`minitorch-module check DIR` runs each exercise's scenarios against the copy
(see `conformance/check.py`).
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import minitorch_module

from .registry import EXERCISES, Scenario, all_scenarios

PACKAGE = Path(minitorch_module.__file__).parent
MARKER = re.compile(r"^\s*# exercise: (?P<tag>\w+)\s*$")


@dataclass(frozen=True)
class Exercise:
    """One step of the track."""

    number: int
    tag: str
    needs: tuple[str, ...]  # tags of the exercises to finish first
    page: str  # the walkthrough page to read
    goal: str
    hints: tuple[str, ...]

    @property
    def title(self) -> str:
        return EXERCISES[self.tag]

    @property
    def scenarios(self) -> list[Scenario]:
        return [s for s in all_scenarios() if s.exercise == self.tag]


def _track(*items: tuple) -> dict[str, Exercise]:
    return {tag: Exercise(n, tag, *rest) for n, (tag, *rest) in enumerate(items, start=1)}


TRACK: dict[str, Exercise] = _track(
    ("parameter", (), "walkthrough/parameter.md",
     "Make Parameter and Buffer: tensor subclasses that a module recognises.",
     ("A Parameter requires grad unless you say otherwise.",
      "`torch.Tensor._make_subclass(cls, data, requires_grad)` makes a subclass that shares `data`.")),
    ("registration", ("parameter",), "walkthrough/module.md#module-register-buffer",
     "Fill a module's dicts with register_parameter, register_buffer and add_module, and route "
     "`self.x = value` to the right dict (and find it again in `__getattr__`).",
     ("Check the name before you store anything: type, empty, a dot, an existing attribute.",
      "`__getattr__` is only called when normal lookup fails; read the three dicts there.")),
    ("traversal", ("registration",), "walkthrough/module.md#module-named-modules",
     "Walk the module tree: children, modules, parameters, buffers, with dedup.",
     ("Keep a `memo` set of objects already seen.", "Build names with the prefix and a dot.")),
    ("train_eval", ("traversal",), "walkthrough/module.md#module-train",
     "Switch training mode for the whole tree, and clear or freeze gradients.",
     ("`eval()` is `train(False)`.", "`zero_grad()` sets grads to None by default.")),
    ("conversion", ("traversal",), "walkthrough/module.md#module-to",
     "Apply a function to every tensor: apply, _apply and to().",
     ("Children first, then own parameters and buffers.",
      "Parameters keep their identity: change `.data`, not the object.")),
    ("state_dict", ("traversal",), "walkthrough/module.md#module-state-dict",
     "Save parameters and persistent buffers under dotted keys.",
     ("Skip None entries and non-persistent buffers.", "Detach unless keep_vars=True.")),
    ("load_state_dict", ("state_dict",), "walkthrough/module.md#module-load-state-dict",
     "Copy tensors back in, and report missing and unexpected keys.",
     ("Copy under `torch.no_grad()`.", "Shapes must match: collect the errors, raise them together.")),
    ("forward_hooks", ("registration",), "walkthrough/module.md#module-register-forward-hook",
     "Call a module: forward pre-hooks, forward, forward hooks.",
     ("A pre-hook may return new args; a forward hook may return a new output.",
      "No hooks at all? Call forward directly: that is the fast path.")),
    ("backward_hooks", ("forward_hooks",), "walkthrough/hooks.md",
     "Run hooks when gradients flow back through a module.",
     ("Wrap inputs and outputs in an identity autograd Function.",
      "A full backward hook sees grad_input and grad_output together.")),
    ("containers", ("traversal",), "walkthrough/containers.md",
     "Build Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict.",
     ("Children are stored under the keys '0', '1', ...", "A slice of a Sequential is a new Sequential.")),
    ("layers", ("containers", "conversion"), "walkthrough/linear.md",
     "Write Linear and BatchNorm on top of torch.nn.functional.",
     ("Initialise with `torch.nn.init` in the same order as torch, so the same seed gives the same weights.",
      "BatchNorm updates its running statistics only in training mode.")),
    ("repr", ("traversal",), "walkthrough/module.md#module-repr",
     "Print a module tree the way torch does, and pickle it.",
     ("Indent children's reprs by two spaces.", "extra_repr gives the text inside the brackets.")),
)


def by_number_or_tag(key: str) -> Exercise:
    """Find an exercise by its number ("3") or tag ("attributes")."""
    for exercise in TRACK.values():
        if key in (str(exercise.number), exercise.tag):
            return exercise
    raise KeyError(key)


# ---------------------------------------------------------------- regions


@dataclass(frozen=True)
class Region:
    """A marked function: its file, name, and the body lines a stub replaces."""

    file: Path
    tag: str
    qualname: str
    first_line: int  # first body line after the docstring (1-based)
    last_line: int
    indent: str


def regions(package: Path = PACKAGE) -> list[Region]:
    """Every marked function of the package, in file order."""
    found: list[Region] = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        lines = source.splitlines()
        for node, owner in _functions(ast.parse(source)):
            marker = MARKER.match(lines[node.lineno - 2 - len(node.decorator_list)] if node.lineno > 1 else "")
            if not marker:
                continue
            body = node.body[1:] if ast.get_docstring(node) is not None and len(node.body) > 1 else node.body
            first = body[0].lineno
            indent = re.match(r"\s*", lines[first - 1]).group()
            found.append(Region(path, marker["tag"], f"{owner}{node.name}", first, node.end_lineno, indent))
    return found


def _functions(tree: ast.AST, owner: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{owner}{node.name}.")
        elif isinstance(node, ast.FunctionDef):
            yield node, owner


# The stub's message, keyed for the translation catalogs (conformance/i18n.py).
STUB_MESSAGE = "Exercise {number} ({title}): write {qualname}. Read {page}"
MESSAGES = (STUB_MESSAGE,)


def stub_text(exercise: Exercise, qualname: str, lang: str | None = "en") -> str:
    """The one statement a student finds in place of the reference body."""
    from .i18n import translator

    _ = translator(lang)
    message = _(STUB_MESSAGE).format(
        number=exercise.number, title=_(exercise.title), qualname=qualname, page=exercise.page
    )
    return f"raise NotImplementedError({message!r})"


def replace_bodies(package: Path, bodies: dict[str, str]) -> None:
    """In a copy of the package, replace marked functions' bodies: qualname -> code."""
    by_file: dict[Path, list[Region]] = {}
    for region in regions(package):
        if region.qualname in bodies:
            by_file.setdefault(region.file, []).append(region)
    for path, items in by_file.items():
        lines = path.read_text().splitlines()
        # From the bottom up, so earlier line numbers stay valid.
        for region in sorted(items, key=lambda r: r.first_line, reverse=True):
            new = textwrap.indent(textwrap.dedent(bodies[region.qualname]).strip("\n"), region.indent).splitlines()
            lines[region.first_line - 1 : region.last_line] = new
        path.write_text("\n".join(lines) + "\n")


STUDENT_README = """# Rebuild torch.nn.Module

This folder is your copy of `minitorch_module`. Some functions only raise
`NotImplementedError`: write them. Each stub says which exercise it belongs to
and which page of the walkthrough to read.

Check your work against real PyTorch:

    minitorch-module check {folder}
    minitorch-module check {folder} --exercise 2

or with pytest, inside the minitorch-module project folder:
`pytest conformance --impl {folder} -m registration`.

Exercises, in order:

{exercises}
"""


def make_student_copy(dest: Path, only: list[Exercise] | None = None, lang: str | None = "en") -> list[Region]:
    """Write a student copy of the package into `dest`; return the stubbed regions."""
    target = dest / "minitorch_module"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    chosen = {e.tag for e in (only or TRACK.values())}
    stubbed = [r for r in regions(target) if r.tag in chosen]
    replace_bodies(target, {r.qualname: stub_text(TRACK[r.tag], r.qualname, lang) for r in stubbed})
    listing = "\n".join(
        f"{e.number}. {e.title} ({e.tag}): {e.goal}" for e in TRACK.values() if e.tag in chosen
    )
    (dest / "README.md").write_text(STUDENT_README.format(folder=dest, exercises=listing))
    return stubbed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = sub.add_parser("new", help="write a student copy with stubs into DIR")
    new.add_argument("folder", metavar="DIR", help="a new or empty folder")
    new.add_argument("--only", nargs="+", metavar="N", help="stub only these exercises (numbers or tags)")
    new.add_argument("--lang", metavar="LANG", help="language of the stubs' messages: en or zh (default: from LANG)")
    sub.add_parser("list", help="list the exercises in order")


def run(args: argparse.Namespace) -> int:
    """`minitorch-module exercises new DIR` / `exercises list`."""
    from .cli import UsageError

    if args.action == "list":
        for e in TRACK.values():
            needs = ", ".join(str(TRACK[n].number) for n in e.needs) or "-"
            print(f"{e.number:>2}. {e.title:<28} needs: {needs:<8} {len(e.scenarios):>3} scenarios  {e.page}")
        return 0
    dest = Path(args.folder)
    if dest.exists() and any(dest.iterdir()):
        raise UsageError(f"{dest} is not empty; choose a new folder")
    try:
        only = [by_number_or_tag(key) for key in args.only] if args.only else None
    except KeyError as error:
        raise UsageError(f"unknown exercise {error.args[0]!r}; use a number 1-{len(TRACK)} or a tag") from None
    dest.mkdir(parents=True, exist_ok=True)
    from .i18n import resolve_lang

    stubbed = make_student_copy(dest, only, resolve_lang(args.lang))
    print(f"Wrote {dest}/minitorch_module with {len(stubbed)} functions to write. Start with {dest}/README.md.")
    print(f"Check your work: minitorch-module check {dest}")
    return 0
