"""minitorch_module: torch.nn.Module re-written from scratch, to read and learn from.

Replace `torch.nn` by `minitorch_module` in your code and it should behave the
same: `import minitorch_module as nn`.
"""

from .hooks import (
    RemovableHandle,
    register_module_backward_hook,
    register_module_buffer_registration_hook,
    register_module_full_backward_hook,
    register_module_full_backward_pre_hook,
    register_module_forward_hook,
    register_module_forward_pre_hook,
    register_module_module_registration_hook,
    register_module_parameter_registration_hook,
)
from .modules.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .modules import *  # noqa: F401,F403  (every layer, listed in modules.__all__)
from .modules import __all__ as _layer_names
from .modules.module import Module
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

# torch.nn's submodules of tensor math, so `nn.init.xavier_uniform_` and
# `nn.functional.relu` work after `import minitorch_module as nn`; `utils`
# has only the helpers that need no Module machinery.
from . import functional, init, utils

# Teaching tools (not part of torch.nn, so not in `__all__`): they look
# inside any module tree, torch's or ours.
from .explain import explain
from .trace import trace

__version__ = "0.1.0"

__all__ = [
    "Module",
    "Parameter",
    "Buffer",
    "UninitializedParameter",
    "UninitializedBuffer",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ParameterList",
    "ParameterDict",
    "RemovableHandle",
    "register_module_buffer_registration_hook",
    "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
    "register_module_forward_pre_hook",
    "register_module_forward_hook",
    "register_module_backward_hook",
    "register_module_full_backward_pre_hook",
    "register_module_full_backward_hook",
    *_layer_names,
]
