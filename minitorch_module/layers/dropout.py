"""Dropout: zero random elements in training, do nothing in eval."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..module import Module

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

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        # Checked at construction, with torch's message.
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        # `self.training` is the flag that train()/eval() set.
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
