"""The clone must be written from scratch: it may not import what it teaches.

Allowed from torch: tensors, dtypes, devices, torch.nn.functional, torch.nn.init
(tensor math), torch.autograd, and small tensor helpers. Forbidden: the Module
machinery itself (see shared/DESIGN.md, "The from-scratch rule").
"""

from __future__ import annotations

from pathlib import Path

import pytest

CLONE = Path(__file__).resolve().parents[1] / "minitorch_module"

# The forbidden names and the reader live with the checker, which applies
# the same rule to student copies.
from conformance.classroom.provenance import forbidden_uses  # noqa: E402


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


def test_nothing_in_nn_utils_is_allowed():
    # The clone writes its own clipping, flat vectors and sequence packing.
    for source in (
        "from torch.nn.utils import clip_grad_norm_",
        "from torch.nn.utils.rnn import PackedSequence",
        "x = torch.nn.utils.rnn.pack_sequence",
    ):
        assert forbidden_uses(source) != [], source
