"""`nn.utils.parametrizations.weight_norm`: weight normalization as a parametrization.

The weight is stored as a direction `v` and a length `g` (one per output
unit), and read as g * v / |v|. Training then learns length and direction
apart, which often trains faster (Salimans and Kingma, 2016). Built on the
clone's `parametrize`, so the state_dict keys are torch's:
`parametrizations.weight.original0` (g) and `...original1` (v).

`orthogonal` and `spectral_norm` are not in the clone yet.

Examples:
    >>> import minitorch_module as nn
    >>> layer = weight_norm(nn.Linear(3, 2))
    >>> sorted(layer.state_dict())
    ['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# Tensors; the weight-norm math is one fused torch op.
import torch

# The clone's Module, and its from-scratch parametrize.
from ..modules.module import Module
from . import parametrize

# Only weight_norm so far; see __getattr__ below for the others.
__all__ = ["weight_norm"]


class _WeightNorm(Module):
    """The parametrization: (g, v) -> g * v / |v|, the norm taken over every dim but `dim`."""

    def __init__(self, dim: int | None = 0) -> None:
        """Store the dim that keeps its own norms (0: one norm per output unit)."""
        super().__init__()
        # None means "one norm for the whole tensor", which torch spells dim=-1 here.
        if dim is None:
            dim = -1
        self.dim = dim

    def forward(self, weight_g: torch.Tensor, weight_v: torch.Tensor) -> torch.Tensor:
        """Rebuild the weight from its length and direction."""
        return torch._weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Split a weight into (g, v): its norms, and the weight itself as the direction."""
        weight_g = torch.norm_except_dim(weight, 2, self.dim)
        weight_v = weight
        return weight_g, weight_v


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Reparametrize `module.<name>` as g * v / |v|; returns the module."""
    # unsafe=True: right_inverse returns two tensors instead of one.
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(
        state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ) -> None:
        """Let checkpoints of the old hook-based weight_norm (`weight_g`, `weight_v`) load."""
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    # Runs before loading, so the renamed keys are the ones checked.
    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


def __getattr__(name: str):
    """Say clearly that the other parametrizations are not written yet."""
    if name in ("orthogonal", "spectral_norm"):
        raise AttributeError(
            f"minitorch_module.utils.parametrizations.{name} is not part of the clone yet; "
            f"use torch.nn.utils.parametrizations.{name} with torch.nn modules."
        )
    raise AttributeError(f"module 'minitorch_module.utils.parametrizations' has no attribute '{name}'")
