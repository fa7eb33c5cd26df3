"""`nn.init`: torch's weight initialisers, re-exported.

Filling a tensor with random numbers is tensor math, not Module machinery,
so the from-scratch rule lets the clone use torch's own functions. Layers
call them in `reset_parameters`, and user code calls them as
`nn.init.xavier_uniform_(layer.weight)`, the same draws as torch.

Examples:
    >>> import torch
    >>> import minitorch_module as nn
    >>> nn.init.zeros_(torch.empty(2))
    tensor([0., 0.])
"""

# Every public initialiser (torch lists them in its __all__).
from torch.nn import init as _torch_init
from torch.nn.init import *  # noqa: F401,F403
from torch.nn.init import __all__  # noqa: F401


def __getattr__(name: str):
    """Anything else (e.g. `_calculate_fan_in_and_fan_out`) comes from torch's module too."""
    return getattr(_torch_init, name)
