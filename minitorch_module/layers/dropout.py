"""Dropout: zero random elements in training, do nothing in eval."""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# The random zeroing comes from torch.
import torch
import torch.nn.functional as F

# No parameters, so only Module is needed.
from ..module import Module

# The public layer of this file.
__all__ = ["Dropout"]


class Dropout(Module):
    """Zero each element with probability `p` in training and scale the rest by 1/(1-p).

    In eval mode (`model.eval()`) the input is returned unchanged: this is
    the main reason `train()`/`eval()` exist.

    Examples:
        >>> import torch
        >>> drop = Dropout(0.5).eval()
        >>> drop(torch.ones(3))
        tensor([1., 1., 1.])
    """

    # `p` is the chance to drop each element; `inplace` overwrites the input.
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        # Checked at construction, with torch's message.
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    # `self.training` is the flag that train()/eval() set: the layer itself
    # never checks the mode any other way.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    # Both settings, always.
    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
