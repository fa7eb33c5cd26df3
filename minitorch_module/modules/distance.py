"""Distances between two batches of vectors: PairwiseDistance, CosineSimilarity.

Both take two inputs and hold no tensors, only settings. They are modules
so that a model can keep its distance as a part (TripletMarginWithDistanceLoss
does exactly that).
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# Tensors, and the functional ops that do each layer's math.
import torch
import torch.nn.functional as F

# The clone's own Module (never torch's).
from .module import Module

# The names torch.nn gives these classes.
__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    """The p-norm of x1 - x2 + eps along the last dimension, row by row.

    Torch keeps `p` under the name `norm`; the repr prints nothing.

    Examples:
        >>> import torch
        >>> PairwiseDistance()(torch.zeros(1, 2), torch.tensor([[3.0, 4.0]]))
        tensor([5.0000])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        """Store the norm's order `p` (as `norm`), eps and keepdim."""
        super().__init__()
        self.norm = p
        # eps is added to the difference, so a distance of 0 still has a gradient.
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        """x1 and x2: (N, D) or broadcastable; one distance per row."""
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """The cosine of the angle between x1 and x2 along `dim` (1 = same direction)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        """Store the dim to compare along, and eps."""
        super().__init__()
        self.dim = dim
        # eps keeps the division safe when a vector is all zeros.
        self.eps = eps

    def forward(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        """x1 and x2 broadcast together; `dim` disappears from the result."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
