"""The clone must be written from scratch: it may not import what it teaches.

Allowed from torch: tensors, dtypes, devices, torch.nn.functional, torch.nn.init
(tensor math), torch.autograd, and small tensor helpers. Forbidden: the Module
machinery itself (see shared/DESIGN.md, "The from-scratch rule").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLONE = Path(__file__).resolve().parents[1] / "minitorch_module"

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


# Tensor utilities that live under a forbidden package but are not Module
# machinery: PackedSequence is a named tuple of tensors that RNNs take.
ALLOWED = ("torch.nn.utils.rnn",)


def _is_forbidden(name: str) -> bool:
    if any(name == ok or name.startswith(ok + ".") for ok in ALLOWED):
        return False
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def forbidden_uses(source: str) -> list[str]:
    """Every import or attribute chain in `source` that reaches forbidden torch code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_forbidden(node.module) or _is_forbidden(f"{node.module}.{alias.name}")
            ]
        elif isinstance(node, ast.Attribute):
            # `torch.nn.Module` written out in the code, e.g. as a base class.
            parts = []
            current: ast.AST = node
            while isinstance(current, ast.Attribute):
                parts.append(current.attr)
                current = current.value
            if isinstance(current, ast.Name):
                dotted = ".".join([current.id, *reversed(parts)])
                if _is_forbidden(dotted):
                    found.append(dotted)
    return found


def clone_files() -> list[Path]:
    return sorted(CLONE.rglob("*.py"))


@pytest.mark.parametrize("path", clone_files(), ids=lambda p: str(p.relative_to(CLONE)))
def test_clone_file_imports_nothing_it_teaches(path):
    assert forbidden_uses(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import torch.nn.modules.module",
        "from torch.nn import Module",
        "from torch.nn.parameter import Parameter",
        "from torch.utils.hooks import RemovableHandle",
        "import torch\nclass M(torch.nn.Module): pass",
        "from torch.nn.utils import parametrize",
    ],
)
def test_the_rule_catches_forbidden_imports(source):
    assert forbidden_uses(source) != []


def test_the_rule_allows_tensor_math():
    source = "import torch\nimport torch.nn.functional as F\nfrom torch.nn import init\nx = torch.zeros(1)"
    assert forbidden_uses(source) == []
