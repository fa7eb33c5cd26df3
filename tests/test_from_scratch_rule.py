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


# The exceptions inside torch.nn.utils: helpers that only do tensor math
# (clip gradients, flatten parameters into a vector, pad and pack
# sequences, fold BatchNorm statistics into weights). They take tensors, not
# modules, so `minitorch_module.utils` re-exports them. The rest of
# torch.nn.utils (parametrize, weight_norm, stateless, ...) is Module
# machinery and stays forbidden. Same matching rule as FORBIDDEN.
ALLOWED = (
    "torch.nn.utils.clip_grad_norm",
    "torch.nn.utils.clip_grad_norm_",
    "torch.nn.utils.clip_grads_with_norm_",
    "torch.nn.utils.clip_grad_value_",
    "torch.nn.utils.get_total_norm",
    "torch.nn.utils.parameters_to_vector",
    "torch.nn.utils.vector_to_parameters",
    "torch.nn.utils.fuse_conv_bn_weights",
    "torch.nn.utils.fuse_linear_bn_weights",
    "torch.nn.utils.rnn",
)


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _is_forbidden(name: str) -> bool:
    return _matches(name, FORBIDDEN) and not _matches(name, ALLOWED)


def forbidden_uses(source: str) -> list[str]:
    """Every import or attribute chain in `source` that reaches forbidden torch code."""
    found = []
    tree = ast.parse(source)
    # Only whole chains are judged: in `torch.nn.utils.rnn.pad_sequence`,
    # the inner `torch.nn.utils` alone would look forbidden.
    inner = {node.value for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_forbidden(f"{node.module}.{alias.name}")
            ]
        elif isinstance(node, ast.Attribute) and node not in inner:
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
        "from torch.nn.utils.parametrize import register_parametrization",
        "import torch\ntorch.nn.utils.weight_norm(m)",
        "from torch.nn.utils.fusion import fuse_conv_bn_eval",
        "import torch\ntorch.nn.Module.__init__(self)",
    ],
)
def test_the_rule_catches_forbidden_imports(source):
    assert forbidden_uses(source) != []


def test_the_rule_allows_tensor_math():
    source = "import torch\nimport torch.nn.functional as F\nfrom torch.nn import init\nx = torch.zeros(1)"
    assert forbidden_uses(source) == []


def test_the_rule_allows_the_tensor_math_of_nn_utils():
    source = (
        "import torch\nfrom torch.nn.utils import clip_grad_norm_, parameters_to_vector\n"
        "from torch.nn.utils.rnn import pad_sequence\nx = torch.nn.utils.rnn.pack_sequence\n"
        "y = torch.nn.utils.fuse_conv_bn_weights"
    )
    assert forbidden_uses(source) == []
