"""Is the code being graded really the student's own?

Two looks. Before any student code runs, the checker reads the copy's files
(`forbidden_uses`): importing `torch.nn.Module` and friends is what the
exercises ask you to write. After the copy is imported, the worker looks at
the objects themselves (`borrowed`): every graded class and function must be
defined in the copy's files, and no class may derive from torch's Module
machinery. The same list of forbidden names serves the from-scratch rule of
the clone (`tests/test_from_scratch_rule.py`).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType

from .track import TEXT

# A dotted name is forbidden if it equals one of these or starts with one + ".".
FORBIDDEN = (
    "torch.nn.Module",
    "torch.nn.Parameter",
    "torch.nn.Buffer",
    "torch.nn.parameter",
    "torch.nn.modules",
    "torch.nn.utils",
    "torch.utils.hooks",
    "torch.nn.Sequential",
    "torch.nn.ModuleList",
    "torch.nn.ModuleDict",
    "torch.nn.ParameterList",
    "torch.nn.ParameterDict",
)

# Class paths that no graded class may come from or derive from.
TORCH_MACHINERY = ("torch.nn.", "torch.utils.hooks")


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _is_forbidden(name: str) -> bool:
    return _matches(name, FORBIDDEN)


def _dotted(node: ast.Attribute) -> str | None:
    parts = []
    current: ast.AST = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    return ".".join([current.id, *reversed(parts)]) if isinstance(current, ast.Name) else None


def forbidden_uses(source: str) -> list[str]:
    """Every import or attribute chain in `source` that reaches forbidden torch code."""
    return [name for name, _ in forbidden_uses_at(source)]


def forbidden_uses_at(source: str) -> list[tuple[str, int]]:
    """Like `forbidden_uses`, with the line of each use."""
    found = []
    tree = ast.parse(source)
    # Only whole chains are judged: in `torch.nn.utils.rnn.pad_sequence`,
    # the inner `torch.nn.utils` alone would look forbidden.
    inner = {node.value for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if _is_forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [
                (f"{node.module}.{alias.name}", node.lineno)
                for alias in node.names
                # `from torch.nn import *` brings Module and all the rest.
                if _is_forbidden(f"{node.module}.{alias.name}")
                or (node.module == "torch.nn" and alias.name == "*")
            ]
        elif isinstance(node, ast.Attribute) and node not in inner:
            # `torch.nn.Module` written out in the code, e.g. as a base class.
            dotted = _dotted(node)
            if dotted and _is_forbidden(dotted):
                found.append((dotted, node.lineno))
    return found


# Packages a student copy has no business importing: the checker, and the
# reference clone (a copy imports its own modules relatively).
OFF_LIMITS = ("conformance", "minitorch_module")


def meddling_at(source: str) -> list[tuple[str, int]]:
    """Imports of the checker or the reference, and changes made to torch itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] in OFF_LIMITS]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in OFF_LIMITS:
                found.append((node.module, node.lineno))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            # `torch.nn.Linear = MyLinear` swaps torch's class for everyone.
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                dotted = _dotted(target) if isinstance(target, ast.Attribute) else None
                if dotted and dotted.split(".")[0] == "torch":
                    found.append((f"an assignment to {dotted}", node.lineno))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            first = node.args[0] if node.args else None
            dotted = _dotted(first) if isinstance(first, ast.Attribute) else getattr(first, "id", None)
            if dotted and dotted.split(".")[0] == "torch":
                found.append((f"{node.func.id}({dotted}, ...)", node.lineno))
    return found


def static_problems(package_dir: Path) -> list[str]:
    """Forbidden imports and changes to torch in the copy's files, as `file:line uses name` lines."""
    problems = []
    for path in sorted(package_dir.rglob("*.py")):
        try:
            source = path.read_text(errors="replace")
            uses = forbidden_uses_at(source) + meddling_at(source)
        except SyntaxError:
            continue  # the import step reports it with its line
        rel = f"{package_dir.name}/{path.relative_to(package_dir)}"
        problems += [TEXT["forbidden_use"].format(file=rel, line=line, name=name) for name, line in uses]
    return problems


def _origin(obj: object) -> str | None:
    """The file an object's code was written in, if any."""
    code = getattr(obj, "__code__", None)
    if code is not None:
        return code.co_filename
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    return getattr(module, "__file__", None)


def borrowed(package: ModuleType, package_dir: Path, names: list[str], functions: dict[str, object]) -> list[str]:
    """Graded names of the imported copy that do not come from its own files.

    `names` are the public names the reference package exports; `functions`
    maps the marked functions' qualified names to the copy's objects.
    """
    root = package_dir.resolve()

    def inside(path: str | None) -> bool:
        return path is not None and Path(path).resolve().is_relative_to(root)

    problems = []
    for name in names:
        obj = getattr(package, name, None)
        if obj is None:
            continue  # a missing name fails its scenarios on its own
        origin = _origin(obj)
        if isinstance(obj, type):
            if not inside(origin):
                problems.append(TEXT["borrowed_class"].format(name=name, origin=f"{obj.__module__} ({origin})"))
            for base in obj.__mro__[1:]:
                path = f"{base.__module__}.{base.__qualname__}"
                if path.startswith(TORCH_MACHINERY):
                    problems.append(TEXT["borrowed_base"].format(name=name, base=path))
                    break
        elif callable(obj) and not inside(origin):
            problems.append(TEXT["borrowed_class"].format(name=name, origin=origin or "outside your files"))
    for qualname, func in functions.items():
        func = getattr(func, "__func__", func)  # staticmethod / classmethod
        if func is not None and not inside(_origin(func)):
            problems.append(TEXT["borrowed_function"].format(qualname=qualname, origin=_origin(func)))
    return problems


class Untouched:
    """Remembers the attributes of some modules and classes, to notice when code replaces one.

    The worker watches torch.nn, torch's Module and its own recording code
    while the copy imports and runs: a copy that swaps any of them is not
    graded. New attributes are fine (torch adds some lazily).
    """

    def __init__(self, watched: dict[str, object]) -> None:
        self.watched = watched
        self.before = {name: dict(vars(obj)) for name, obj in watched.items()}

    def changes(self) -> list[str]:
        found = []
        for name, obj in self.watched.items():
            now = vars(obj)
            found += [
                TEXT["changed_attribute"].format(name=f"{name}.{key}")
                for key, value in self.before[name].items()
                if key not in now or now[key] is not value
            ]
        return found
