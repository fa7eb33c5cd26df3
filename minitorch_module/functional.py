"""`nn.functional`: torch's functional ops, re-exported.

`F.relu`, `F.cross_entropy`, `F.conv2d` are tensor math: the clone's layers
call them, and so may user code that writes `nn.functional.relu(x)`.

Examples:
    >>> import torch
    >>> import minitorch_module as nn
    >>> nn.functional.relu(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""

# torch.nn.functional has no __all__, so `*` brings every public name.
from torch.nn import functional as _torch_functional
from torch.nn.functional import *  # noqa: F401,F403


def __getattr__(name: str):
    """Private helpers (e.g. `_canonical_mask`) come from torch's module too."""
    return getattr(_torch_functional, name)
