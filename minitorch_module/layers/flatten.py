"""Flatten: merge a range of dimensions into one."""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# Flattening is a tensor method; torch does the work.
import torch

# No parameters, so only Module is needed.
from ..module import Module

# The public layer of this file.
__all__ = ["Flatten"]


class Flatten(Module):
    """Flatten dims `start_dim`..`end_dim` into one; by default keep the batch dim.

    Examples:
        >>> import torch
        >>> Flatten()(torch.zeros(2, 3, 4)).shape
        torch.Size([2, 12])
    """

    # Dim 0 is the batch, so by default it is kept and the rest merged.
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    # A view when possible: no data is copied.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    # Both dims, always.
    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
