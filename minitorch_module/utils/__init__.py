"""`nn.utils`: clipping gradients, flat parameter vectors, sequences, parametrizations.

Like the rest of the clone, nothing here is borrowed from `torch.nn.utils`
(see shared/DESIGN.md): clipping gradients, flattening parameters into one
vector and packing sequences are written here on top of torch's tensor ops,
and `parametrize` and `parametrizations.weight_norm` as Module machinery.
The others (`parametrizations.orthogonal` and `.spectral_norm`,
`weight_norm`, `spectral_norm`, `stateless`, `skip_init`, fusing modules) are
not in the clone yet. Asking for one raises an AttributeError that says so,
rather than running torch's code on a module it was not written for.

Examples:
    >>> import torch
    >>> import minitorch_module as nn
    >>> layer = nn.Linear(2, 1)
    >>> nn.utils.parameters_to_vector(layer.parameters()).shape
    torch.Size([3])
"""

# Each one takes tensors (or an iterable of them) and returns tensors.
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters

# Padding and packing sequences for recurrent layers, and parametrizations.
from . import parametrizations, parametrize, rnn

# What `from minitorch_module.utils import *` brings.
__all__ = [
    "clip_grad_norm", "clip_grad_norm_", "clip_grads_with_norm_", "clip_grad_value_", "get_total_norm",
    "parameters_to_vector", "vector_to_parameters", "rnn",
    "parametrize", "parametrizations",
]

# What torch.nn.utils has that is Module machinery, with what it does to a module.
NOT_IN_THE_CLONE = {
    "weight_norm": "adds a forward pre-hook that recomputes a parameter",
    "remove_weight_norm": "removes the weight_norm hook",
    "spectral_norm": "adds a forward pre-hook that recomputes a parameter",
    "remove_spectral_norm": "removes the spectral_norm hook",
    "stateless": "swaps a module's parameters and buffers during a call",
    # Those that build or copy whole modules.
    "skip_init": "builds a module on the meta device and moves it",
    "fuse_conv_bn_eval": "copies a Conv and BatchNorm module into one",
    "fuse_conv_bn_weights": "folds BatchNorm statistics into new torch.nn.Parameters",
    "fuse_linear_bn_weights": "folds BatchNorm statistics into new torch.nn.Parameters",
    "fuse_linear_bn_eval": "copies a Linear and BatchNorm module into one",
    "convert_conv2d_weight_memory_format": "walks a module tree and converts weights",
    "convert_conv3d_weight_memory_format": "walks a module tree and converts weights",
}


def __getattr__(name: str):
    """Explain, instead of a bare AttributeError, why a Module-machinery name is missing."""
    if name in NOT_IN_THE_CLONE:
        raise AttributeError(
            f"minitorch_module.utils.{name} is not part of the clone: it {NOT_IN_THE_CLONE[name]}, "
            f"which is Module machinery. Use torch.nn.utils.{name} with torch.nn modules, "
            "or write it for the clone as an exercise."
        )
    raise AttributeError(f"module 'minitorch_module.utils' has no attribute '{name}'")
