"""explain: look inside a module tree, torch's or ours.

`explain(model)` walks the dicts that every Module keeps (`_parameters`,
`_buffers`, `_modules` and the hook dicts) and shows them. It first builds a
small tree of dataclasses (`ModuleInfo`), then renders that tree in one of
three forms: a rich tree for the terminal, plain text, or a Mermaid diagram
that the docs site draws as a picture.

It never imports torch.nn.Module: any object with the Module dict layout
works, so the same call explains `torch.nn.Linear` and
`minitorch_module.Linear`.

Examples:
    >>> import minitorch_module as nn
    >>> print(explain(nn.Linear(2, 3), format="text"))
    (root) Linear  training=True
    ├── param weight  (3, 2) float32  requires_grad=True
    └── param bias  (3,) float32  requires_grad=True
"""

# Annotations stay as text, so a dataclass can name itself in its fields.
from __future__ import annotations

# The tree is held in plain dataclasses; rich draws it (see ExplainTree).
import io
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.console import Console
from rich.tree import Tree

# The public names of this file.
__all__ = ["ModuleInfo", "TensorInfo", "HookInfo", "build_info", "explain", "render_text", "render_mermaid", "render_rich", "ExplainTree"]

# The three output forms `explain` accepts.
Format = Literal["tree", "text", "mermaid"]

# The hook dicts worth showing. Torch also keeps helper dicts such as
# `_forward_hooks_with_kwargs`; those only hold flags for the hooks listed
# here, so we leave them out.
HOOK_DICTS = (
    "_forward_pre_hooks",
    "_forward_hooks",
    "_backward_pre_hooks",
    "_backward_hooks",
    "_state_dict_pre_hooks",
    "_state_dict_hooks",
    "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks",
)


@dataclass
class TensorInfo:
    """One entry of `_parameters` or `_buffers`.

    `also_named` lists the other full names under which the same tensor
    object appears in the tree (a shared or tied weight).
    """

    # Name and kind; shape and dtype stay None for a `None` slot.
    name: str
    kind: Literal["param", "buffer"]
    shape: tuple[int, ...] | str | None
    dtype: str | None
    # Only one of these two applies: requires_grad to parameters,
    # persistent to buffers. The other stays None.
    requires_grad: bool | None = None
    persistent: bool | None = None
    also_named: list[str] = field(default_factory=list)


@dataclass
class HookInfo:
    """The hooks stored in one hook dict of a module, by function name."""

    # e.g. "_forward_hooks" and ["log_shapes"].
    dict_name: str
    names: list[str]


@dataclass
class ModuleInfo:
    """One node of the module tree, as `explain` sees it.

    `also_named` lists the other paths of the same module object. When a
    module appears a second time, `repeat` is True and its content is not
    listed again (this is what `named_modules()` does when it skips
    duplicates).
    """

    # `name` is the key in the parent's `_modules`; `path` the full dotted path.
    name: str
    path: str
    class_name: str
    training: bool
    # What the node holds. `default_factory` gives each node fresh lists.
    tensors: list[TensorInfo] = field(default_factory=list)
    hooks: list[HookInfo] = field(default_factory=list)
    children: list[ModuleInfo] = field(default_factory=list)
    also_named: list[str] = field(default_factory=list)
    repeat: bool = False


# ----------------------------------------------------------------------
# Building the tree
# ----------------------------------------------------------------------

# We recognise a module by its dicts, not by its class: torch's modules and
# ours both keep `_parameters`, `_buffers` and `_modules` in `__dict__`.
def is_module_like(obj: Any) -> bool:
    """True if `obj` has the dict layout of a Module (torch's or the clone's)."""
    state = getattr(obj, "__dict__", None)
    return isinstance(state, dict) and all(key in state for key in ("_parameters", "_buffers", "_modules"))


# Dotted paths, with no leading dot at the root: "" + "fc" is "fc".
def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


# First pass: find every path of every object. We walk without skipping
# duplicates, so a module or tensor that is reachable twice gets two paths.
# `on_stack` stops the walk if a module contains itself.
def _collect_paths(module: Any, prefix: str, paths: dict[int, list[str]], on_stack: set[int]) -> None:
    paths.setdefault(id(module), []).append(prefix)
    if id(module) in on_stack:
        return
    on_stack.add(id(module))

    # Tensors are keyed by `id()` too: a tied weight is one object.
    for store in ("_parameters", "_buffers"):
        for name, tensor in module.__dict__[store].items():
            if tensor is not None:
                paths.setdefault(id(tensor), []).append(_join(prefix, name))

    # Children get a longer prefix, as in `named_modules()`.
    for name, child in module.__dict__["_modules"].items():
        if child is not None:
            _collect_paths(child, _join(prefix, name), paths, on_stack)
    on_stack.discard(id(module))


# The other names of `obj`: all of its paths except the one we stand on.
def _others(paths: dict[int, list[str]], obj: Any, own: str) -> list[str]:
    return [path or "(root)" for path in paths.get(id(obj), []) if path != own]


# A lazy module's placeholder (UninitializedParameter, torch's or ours) has
# no shape yet: asking for it raises. Both kinds have `materialize`.
def _shape_or_uninitialized(tensor: Any) -> tuple[int, ...] | str:
    """The tensor's shape as a tuple, or "uninitialized" for a lazy placeholder."""
    if hasattr(tensor, "materialize"):
        return "uninitialized"
    return tuple(tensor.shape)


# One `TensorInfo`, with the other names of the same tensor object.
def _tensor_info(
    name: str, kind: Literal["param", "buffer"], tensor: Any, own: str, paths: dict, persistent: bool | None
) -> TensorInfo:
    # A slot can hold None (e.g. `Linear(..., bias=False)` keeps `bias: None`).
    if tensor is None:
        return TensorInfo(name, kind, None, None, persistent=persistent)
    # `requires_grad` matters for parameters only; buffers never train.
    return TensorInfo(
        name,
        kind,
        _shape_or_uninitialized(tensor),
        str(tensor.dtype).removeprefix("torch."),
        requires_grad=tensor.requires_grad if kind == "param" else None,
        persistent=persistent,
        also_named=_others(paths, tensor, own),
    )


# A hook may be wrapped (functools.partial, torch's `_WrappedHook`); we show
# the name of the function inside when there is one.
def _hook_name(hook: Any) -> str:
    for _ in range(3):
        if hasattr(hook, "__name__"):
            return hook.__name__
        inner = getattr(hook, "hook", None) or getattr(hook, "func", None)
        if inner is None:
            break
        hook = inner
    return type(hook).__name__


# Second pass: build one `ModuleInfo` per path. The first time we meet a
# module we list its content; later meetings only point back to it.
def _build(module: Any, name: str, path: str, paths: dict, seen: set[int]) -> ModuleInfo:
    # We read `__dict__` directly, never through the module's own
    # `__getattr__`, so a half-built module cannot confuse us.
    state = module.__dict__
    info = ModuleInfo(name, path, type(module).__name__, bool(state.get("training", True)))
    info.also_named = _others(paths, module, path)
    if id(module) in seen:
        info.repeat = True
        return info
    seen.add(id(module))

    # Parameters first, then buffers, each in registration order.
    for key, tensor in state["_parameters"].items():
        info.tensors.append(_tensor_info(key, "param", tensor, _join(path, key), paths, None))
    non_persistent = state.get("_non_persistent_buffers_set", set())
    for key, tensor in state["_buffers"].items():
        info.tensors.append(_tensor_info(key, "buffer", tensor, _join(path, key), paths, key not in non_persistent))

    # Only the hook dicts that hold something are worth a line.
    for dict_name in HOOK_DICTS:
        hooks = state.get(dict_name) or {}
        if hooks:
            info.hooks.append(HookInfo(dict_name, [_hook_name(h) for h in hooks.values()]))

    # A `None` child slot holds no module, so there is nothing to draw.
    for key, child in state["_modules"].items():
        if child is not None:
            info.children.append(_build(child, key, _join(path, key), paths, seen))
    return info


def build_info(module: Any) -> ModuleInfo:
    """Build the `ModuleInfo` tree of `module` (a torch or clone module).

    Raises:
        TypeError: if `module` does not look like a Module.
    """
    if not is_module_like(module):
        raise TypeError(f"explain() expects a Module, got {type(module).__name__}")
    # Two passes: all names of every object first, then the tree.
    paths: dict[int, list[str]] = {}
    _collect_paths(module, "", paths, set())
    return _build(module, "(root)", "", paths, set())


# ----------------------------------------------------------------------
# Rendering: one short label per item, shared by the three forms
# ----------------------------------------------------------------------

def module_label(info: ModuleInfo) -> str:
    """One line that describes a module node."""
    label = f"{info.name} {info.class_name}"
    if info.repeat:
        return f"{label}  (same object as {info.also_named[0]}, shown there)"
    label += f"  training={info.training}"
    if info.also_named:
        label += f"  also named: {', '.join(info.also_named)}"
    return label


def tensor_label(info: TensorInfo) -> str:
    """One line that describes a parameter or a buffer."""
    if info.shape is None:
        return f"{info.kind} {info.name}  None"
    label = f"{info.kind} {info.name}  {info.shape} {info.dtype}"
    if info.kind == "param":
        label += f"  requires_grad={info.requires_grad}"
    else:
        label += "  persistent" if info.persistent else "  not persistent"
    if info.also_named:
        label += f"  shared with: {', '.join(info.also_named)}"
    return label


def hook_label(info: HookInfo) -> str:
    """One line that describes a non-empty hook dict."""
    return f"hooks {info.dict_name}: {', '.join(info.names)}"


# A node's own lines, before its children: tensors first, then hooks.
def _item_labels(info: ModuleInfo) -> list[str]:
    return [tensor_label(t) for t in info.tensors] + [hook_label(h) for h in info.hooks]


def render_text(info: ModuleInfo) -> str:
    """Render the tree as plain text with box-drawing lines."""
    lines = [module_label(info)]

    # Every node draws its items and children under it; the prefix grows by
    # one column of "│   " or "    " at each level.
    def walk(node: ModuleInfo, prefix: str) -> None:
        entries: list[str | ModuleInfo] = [*_item_labels(node), *node.children]
        for index, entry in enumerate(entries):
            last = index == len(entries) - 1
            branch = "└── " if last else "├── "
            text = module_label(entry) if isinstance(entry, ModuleInfo) else entry
            lines.append(prefix + branch + text)
            if isinstance(entry, ModuleInfo):
                walk(entry, prefix + ("    " if last else "│   "))

    walk(info, "")
    return "\n".join(lines)


# A plain rich Tree prints as `<rich.tree.Tree object at 0x...>` when a
# REPL or a notebook shows it: only a rich Console knows how to draw it.
# This subclass draws itself everywhere: its repr is the tree as text (the
# REPL), and it offers HTML to Jupyter. A rich Console still draws it as
# an ordinary Tree, with colours.
class ExplainTree(Tree):
    """The rich Tree that `explain(model)` returns; it displays itself."""

    def _render(self, **console_options: Any) -> Console:
        """Draw the tree on a console that writes to memory, not the screen."""
        # force_jupyter=False: inside a notebook, rich would otherwise send
        # the drawing straight to the notebook instead of to our buffer.
        console = Console(file=io.StringIO(), width=120, force_jupyter=False, **console_options)
        console.print(self)
        return console

    # `repr` is what a REPL shows for a returned value; `str` is what
    # `print(tree)` writes. Both are the plain text drawing.
    def __repr__(self) -> str:
        return self._render(color_system=None).file.getvalue().rstrip("\n")

    # Without this, `str` would fall back to our `__repr__` anyway; it is
    # written out so the two are read together.
    def __str__(self) -> str:
        return repr(self)

    # Jupyter asks for HTML first. `record=True` keeps what was printed so
    # rich can export it as HTML, with the colours as inline styles.
    def _repr_html_(self) -> str:
        return self._render(record=True).export_html(inline_styles=True, code_format="<pre>{code}</pre>")

    # Newer front ends ask for all formats at once.
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": repr(self), "text/html": self._repr_html_()}


def render_rich(info: ModuleInfo) -> ExplainTree:
    """Render the tree as a rich Tree that also displays itself in a REPL or notebook."""

    # The same walk as `render_text`, but rich draws the branches.
    def walk(node: ModuleInfo, tree: Tree) -> None:
        for label in _item_labels(node):
            tree.add(label, style="cyan" if label.startswith("param") else "green")
        for child in node.children:
            walk(child, tree.add(module_label(child), style="bold"))

    root = ExplainTree(module_label(info), style="bold")
    walk(info, root)
    return root


# Labels are HTML, so `<`, `>` and quotes in our text (e.g. a hook named
# `<lambda>`) must be escaped.
def _mermaid_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "#quot;")


def render_mermaid(info: ModuleInfo) -> str:
    """Render the tree as a Mermaid flowchart.

    Each module is a box with its parameters, buffers and hooks inside. A
    module that appears under a second name gets a dotted arrow back to its
    first box, so a shared layer is drawn once.
    """
    lines = ["flowchart TD"]
    # Mermaid node ids must be simple words: we number the boxes (m0 is the
    # root) and remember the id of each drawn path, "(root)" for the root.
    ids: dict[str, str] = {}

    # One box per module; an arrow from the parent, labelled with the name.
    def walk(node: ModuleInfo, parent_id: str | None) -> None:
        if node.repeat:
            # Point the edge at the box drawn the first time.
            lines.append(f'    {parent_id} -.->|"{_mermaid_text(node.name)}"| {ids[node.also_named[0]]}')
            return
        # A new box: its id, then its text (class name in bold, then items).
        node_id = ids[node.path or "(root)"] = f"m{len(ids)}"
        body = "<br/>".join([f"<b>{node.class_name}</b>", *map(_mermaid_text, _item_labels(node))])
        lines.append(f'    {node_id}["{body}"]')
        if parent_id is not None:
            lines.append(f'    {parent_id} -->|"{_mermaid_text(node.name)}"| {node_id}')
        for child in node.children:
            walk(child, node_id)

    walk(info, None)
    return "\n".join(lines)


def explain(module: Any, format: Format = "tree") -> Any:
    """Show the internal state of a module tree.

    Args:
        module: a torch.nn or minitorch_module module.
        format: "tree" returns a rich Tree (printable with `rich.print`),
            "text" returns plain text, "mermaid" returns a Mermaid diagram.

    Returns:
        The rendered tree. Use `build_info` to get the data instead.

    Examples:
        >>> import minitorch_module as nn
        >>> shared = nn.Linear(2, 2)
        >>> model = nn.Module()
        >>> model.a, model.b = shared, shared
        >>> print(explain(model, format="text").splitlines()[1])
        ├── a Linear  training=True  also named: b
    """
    info = build_info(module)
    renderers = {"tree": render_rich, "text": render_text, "mermaid": render_mermaid}
    if format not in renderers:
        raise ValueError(f"format must be one of {sorted(renderers)}, got {format!r}")
    return renderers[format](info)
