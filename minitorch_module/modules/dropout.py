"""Dropout: zero random elements in training, do nothing in eval."""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# The random zeroing comes from torch.
import torch
import torch.nn.functional as F

# No parameters, so only Module is needed.
from .module import Module

# The public layer of this file.
__all__ = ["Dropout"]


# Every dropout stores the same two settings and checks p the same way, so
# torch gives them one base class; each kind only picks its F function.
class _DropoutNd(Module):
    """The probability check and the repr that every dropout shares."""

    # `p` is the chance to drop each element; `inplace` overwrites the input.
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        # Checked at construction, with torch's message.
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    # Both settings, always.
    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability `p` in training and scale the rest by 1/(1-p).

    In eval mode (`model.eval()`) the input is returned unchanged: this is
    the main reason `train()`/`eval()` exist.

    Examples:
        >>> import torch
        >>> drop = Dropout(0.5).eval()
        >>> drop(torch.ones(3))
        tensor([1., 1., 1.])
    """

    # `self.training` is the flag that train()/eval() set: the layer itself
    # never checks the mode any other way.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


# ------------------------------------------------------------------
# Dropout variants: whole channels, and alpha dropout for SELU nets
# ------------------------------------------------------------------

# The variants derive from _DropoutNd, like Dropout, and not from Dropout:
# `isinstance(Dropout2d(), Dropout)` is False, as in torch.
__all__ += ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class Dropout1d(_DropoutNd):
    """Zero whole channels of a (N, C, L) input: neighbours in a channel are correlated.

    Examples:
        >>> import torch
        >>> Dropout1d(0.5).eval()(torch.ones(1, 2, 3)).sum()
        tensor(6.)
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """`self.training` decides whether anything is dropped."""
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole feature maps of a (N, C, H, W) input."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """`self.training` decides whether anything is dropped."""
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of a (N, C, D, H, W) volume."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """`self.training` decides whether anything is dropped."""
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps mean and variance, for SELU networks; `inplace` is ignored."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """`self.training` decides whether anything is dropped."""
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """AlphaDropout of whole channels."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """`self.training` decides whether anything is dropped."""
        return F.feature_alpha_dropout(input, self.p, self.training)
