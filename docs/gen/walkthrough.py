"""Render the walkthrough pages and the conformance report from the source.

Each walked-through file becomes one page. Every chunk from `chunks.py` is a
row: prose on the left, our code on the right. Where a chunk defines a public
method, the row is followed by three tabs: PyTorch's own code (read from the
installed torch now), an example (a scenario run now on both backends), and
every scenario that checks the method, with its result.
"""

from __future__ import annotations

import ast
import functools
import html
import inspect
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import torch

import minitorch_module
from conformance.backends import clone_backend
from conformance.registry import Scenario, all_scenarios
from conformance.runner import Comparison, compare

from .chunks import Chunk, chunk_source

PACKAGE = Path(minitorch_module.__file__).parent

# Page name -> (file in the clone, title). Walkthrough order.
PAGES: dict[str, tuple[str, str]] = {
    "parameter": ("parameter.py", "Parameter and Buffer"),
    "module": ("module.py", "Module"),
    "hooks": ("hooks.py", "Hooks and handles"),
    "containers": ("containers.py", "Containers"),
    "linear": ("layers/linear.py", "Linear"),
    "normalization": ("layers/normalization.py", "Normalization layers"),
    "conv": ("layers/conv.py", "Convolution"),
    "pooling": ("layers/pooling.py", "Pooling"),
    "activation": ("layers/activation.py", "Activations"),
    "dropout": ("layers/dropout.py", "Dropout"),
    "sparse": ("layers/sparse.py", "Embedding"),
    "flatten": ("layers/flatten.py", "Flatten"),
    "attention": ("layers/attention.py", "Attention"),
    "loss": ("layers/loss.py", "Losses"),
    "padding": ("layers/padding.py", "Padding"),
    "upsampling": ("layers/upsampling.py", "Upsampling"),
    "pixelshuffle": ("layers/pixelshuffle.py", "Pixel shuffle"),
    "distance": ("layers/distance.py", "Distances"),
    "parametrize": ("utils/parametrize.py", "Parametrizations"),
    "parametrizations": ("utils/parametrizations.py", "Weight norm"),
}


@functools.lru_cache(maxsize=None)
def results() -> dict[str, Comparison]:
    """Every scenario run once on torch and on the clone (once per build)."""
    backend = clone_backend()
    return {s.name: compare(s, backend) for s in all_scenarios()}


@functools.lru_cache(maxsize=None)
def _scenario_source(scenario: Scenario) -> str:
    return textwrap.dedent(inspect.getsource(scenario.func))


def scenarios_for(method: str) -> list[Scenario]:
    """Scenarios that name `method`, or whose code calls `.method(`."""
    return [
        s for s in all_scenarios()
        if method in s.methods or f".{method}(" in _scenario_source(s) or f"nn.{method}(" in _scenario_source(s)
    ]


# Python syntax that calls a dunder method, to find the scenarios using it.
_OPERATOR_SYNTAX = {
    "__getitem__": r"\w\[", "__setitem__": r"\]\s*=[^=]", "__delitem__": r"\bdel\b", "__len__": r"\blen\(",
    "__iter__": r"\bfor\b|\blist\(|\biter\(", "__contains__": r"\bin\b", "__reversed__": r"reversed\(",
    "__add__": r"\s\+\s", "__iadd__": r"\+=", "__mul__": r"\s\*\s", "__rmul__": r"\d\s\*\s", "__imul__": r"\*=",
    "__or__": r"\s\|\s", "__ror__": r"\s\|\s", "__ior__": r"\|=", "__enter__": r"\bwith\b", "__exit__": r"\bwith\b",
    "__call__": r"\)\(",
}


def scenarios_for_def(item: "PublicDef") -> list[Scenario]:
    """Scenarios for a method: tagged with it, else by name, else by the syntax or class that runs it."""
    # A scenario tagged "LeakyReLU.forward" is about exactly this method
    # (for a private base, about the method of one of its public users).
    titles = {f"{owner}.{item.name}" for owner in (item.users or (item.owner,)) if owner}
    tagged = [s for s in all_scenarios() if titles & set(s.methods)]
    if tagged:
        return tagged
    found = scenarios_for(item.name)
    if found or not item.owner:
        return found
    # `len(seq)` runs Sequential.__len__; building a Linear runs reset_parameters.
    # Handles come from the `register_*` methods, not from a constructor.
    calls = ["register_"] if item.owner == "RemovableHandle" else [f"nn.{user}(" for user in item.users]
    uses_owner = [s for s in all_scenarios() if any(call in _scenario_source(s) for call in calls)]
    syntax = _OPERATOR_SYNTAX.get(item.name)
    if syntax:
        return [s for s in uses_owner if re.search(syntax, _scenario_source(s))]
    return uses_owner if item.name == "reset_parameters" else []


@dataclass(frozen=True)
class PublicDef:
    """A public method (or function) defined at `line` of a walked file."""

    owner: str  # class name, or "" for a module-level function
    name: str
    line: int
    # Public classes that use this method: the owner, or the exported
    # subclasses of a private base such as `_ConvNd`.
    users: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name

    @property
    def anchor(self) -> str:
        """The section's link target, e.g. `module-register-buffer`."""
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


def _is_public(name: str) -> bool:
    # Dunder methods such as `__setattr__` are public API too.
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _own_all(tree: ast.Module) -> set[str]:
    """The names in a file's literal `__all__ = [...]`, if it has one."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]:
            return {elt.value for elt in getattr(node.value, "elts", []) if isinstance(elt, ast.Constant)}
    return set()


def public_defs(source: str) -> dict[int, PublicDef]:
    """Line of each `def` of a public function or public method of a public class.

    A private base class (`_ConvNd`) counts when exported classes inherit it.
    """
    tree = ast.parse(source)
    # A submodule such as utils/parametrize.py exports its own names.
    exported = set(minitorch_module.__all__) | _own_all(tree)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    users: dict[str, list[str]] = {c.name: [c.name] if c.name in exported else [] for c in classes}
    for c in classes:
        for base in c.bases:
            if isinstance(base, ast.Name) and base.id in users and c.name in exported:
                users[base.id].append(c.name)
    found: dict[int, PublicDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in exported:
            found[node.lineno] = PublicDef("", node.name, node.lineno)
    for c in classes:
        if not users[c.name]:
            continue
        for item in c.body:
            if isinstance(item, ast.FunctionDef) and _is_public(item.name):
                found[item.lineno] = PublicDef(c.name, item.name, item.lineno, tuple(users[c.name]))
    return found


def _torch_class(name: str) -> type | None:
    # Public classes live in torch.nn; private bases in torch.nn.modules.*.
    if hasattr(torch.nn, name):
        return getattr(torch.nn, name)
    if name == "RemovableHandle":
        return torch.utils.hooks.RemovableHandle
    for module in vars(torch.nn.modules).values():
        if inspect.ismodule(module) and hasattr(module, name):
            return getattr(module, name)
    return None


def torch_counterpart(item: PublicDef) -> str | None:
    """The source of torch's function of the same name, if torch has one."""
    if item.owner:
        owner = _torch_class(item.owner)
        target = getattr(owner, item.name, None) if owner is not None else None
    else:
        target = getattr(torch.nn.modules.module, item.name, None)
    target = getattr(target, "fget", target)  # a property shows its getter
    try:
        return textwrap.dedent(inspect.getsource(target)) if target is not None else None
    except (TypeError, OSError):
        return None


# Where a picture or a call tree says more than prose: explain/trace output
# (expanded by docs/tools_hook.py) shown under these methods.
_SHARED = "m = nn.Module(); m.a = nn.Linear(1, 1); m.b = m.a; m"
_HOOKED = "m = nn.Linear(2, 2); m.register_forward_hook(lambda mod, args, out: None); m"
TOOL_VIEWS: dict[str, list[str]] = {
    "Module.__setattr__": [
        '<!-- minitorch-module trace "nn.Module()" --call "m.w = nn.Parameter(torch.ones(2))" --backend both --width 50 -->',
    ],
    "Module.named_modules": [
        f'<!-- minitorch-module explain "{_SHARED}" --format mermaid -->',
        f'<!-- minitorch-module trace "{_SHARED}" --call "list(m.named_modules())" --backend both --width 50 -->',
    ],
    "Module.to": [
        '<!-- minitorch-module trace "m = nn.Module(); m.inner = nn.Linear(2, 3); m" --call "m.to(torch.double)" '
        "--backend both --width 50 -->",
    ],
    "Module.state_dict": [
        "<!-- minitorch-module explain \"m = nn.Module(); m.inner = nn.Linear(2, 2); "
        "m.register_buffer('steps', torch.tensor(0), persistent=False); m\" --format text -->",
    ],
    "Module.register_forward_hook": [
        f'<!-- minitorch-module explain "{_HOOKED}" --format mermaid -->',
        f'<!-- minitorch-module trace "{_HOOKED}" --call "m(torch.ones(1, 2))" --backend both --width 50 -->',
    ],
}


def _fence(code: str, lang: str = "python", indent: str = "") -> str:
    body = textwrap.indent(code.rstrip("\n"), indent)
    return f"{indent}```{lang}\n{body}\n{indent}```"


def _record_table(comparison: Comparison) -> str:
    # One row per thing the scenario looked at, torch beside the clone.
    rows = ["| what | torch | clone |", "|---|---|---|"]
    for (label, left), (_, right) in zip(comparison.expected.entries, comparison.actual.entries):
        cells = [html.escape(str(v)[:160]).replace("|", "&#124;").replace("\n", " ") for v in (label, left, right)]
        rows.append(f"| {cells[0]} | <code>{cells[1]}</code> | <code>{cells[2]}</code> |")
    if len(rows) == 2:
        rows.append("| (nothing recorded) | | |")
    return "\n".join(rows)


def _badge(comparison: Comparison) -> str:
    return "agree ✓" if comparison.agree else "**differ ✗**"


def method_tabs(item: PublicDef) -> str:
    """Content tabs shown under the chunk that defines `item`."""
    parts = []
    theirs = torch_counterpart(item)
    parts.append("=== \"PyTorch's code\"\n\n" + (
        _fence(theirs, indent="    ") if theirs else "    torch has no function of this name."
    ))
    checks = scenarios_for_def(item)
    if checks:
        first = results()[checks[0].name]
        parts.append(
            '=== "Example"\n\n'
            f"    Scenario `{checks[0].name}`: {checks[0].doc}\n\n"
            + _fence(_scenario_source(checks[0]), indent="    ")
            + "\n\n    Run at build time, on both backends:\n\n"
            + textwrap.indent(_record_table(first), "    ")
        )
        listed = "\n".join(
            f"    - `{s.name}` ({s.topic}): {s.doc} — {_badge(results()[s.name])}" for s in checks
        )
        parts.append(f'=== "Scenarios ({len(checks)})"\n\n{listed}')
    else:
        parts.append('=== "Scenarios (0)"\n\n    No scenario names this method yet.')
    return "\n\n".join(parts)


def _row(chunk: Chunk, headings: list[str]) -> str:
    # The method's heading goes under the prose, level with its code, so the
    # section title ("1. State") is read before the method it introduces.
    # Indentation is kept: it shows which class or function a line is in.
    code = "\n".join(chunk.code)
    prose = "\n\n".join(filter(None, [chunk.prose, *headings])) or "&nbsp;"
    return (
        '<div class="wt-row" markdown>\n<div class="wt-prose" markdown>\n\n'
        f"{prose}\n\n</div>\n"
        '<div class="wt-code" markdown>\n\n'
        f'```python linenums="{chunk.lines[0] if chunk.lines else 1}"\n{code}\n```\n\n</div>\n</div>\n'
    )


def render_page(page: str) -> str:
    """The markdown of one walkthrough page."""
    relative, title = PAGES[page]
    source = (PACKAGE / relative).read_text()
    defs = public_defs(source)
    out = [
        f"# {title}\n",
        f"Generated from `minitorch_module/{relative}` when the site was built. "
        "Prose on the left is the comment above the code on the right.\n",
    ]
    for chunk in chunk_source(source):
        here = [defs[n] for n in chunk.lines if n in defs]
        out.append(_row(chunk, [f"### `{item.title}` {{ #{item.anchor} }}" for item in here]))
        for item in here:
            out.append(method_tabs(item) + "\n")
            if item.title in TOOL_VIEWS:
                out.append("What it does inside, shown by the teaching tools (generated at build time):\n")
                out.extend(line + "\n" for line in TOOL_VIEWS[item.title])
    return "\n".join(out)


def render_report() -> str:
    """The conformance report: every scenario, its topic, and the result."""
    all_results = list(results().values())
    agree = sum(c.agree for c in all_results)
    out = [
        "# Conformance report\n",
        f"Generated when the site was built: torch {torch.__version__} against the clone. "
        f"**{agree} of {len(all_results)} scenarios agree.** "
        "Run it yourself with `minitorch-module compare`.\n",
    ]
    by_topic: dict[str, list[Comparison]] = {}
    for c in all_results:
        by_topic.setdefault(c.scenario.topic, []).append(c)
    out.append("| topic | scenarios | agree | differ |\n|---|---|---|---|")
    for topic, items in by_topic.items():
        n = sum(c.agree for c in items)
        out.append(f"| [{topic}](#{topic}) | {len(items)} | {n} | {len(items) - n} |")
    for topic, items in by_topic.items():
        out.append(f"\n## {topic}\n\n| scenario | what it shows | exercise | result |\n|---|---|---|---|")
        for c in items:
            doc = c.scenario.doc.replace("|", "&#124;")
            out.append(f"| `{c.scenario.name}` | {doc} | {c.scenario.exercise} | {_badge(c)} |")
    return "\n".join(out)
