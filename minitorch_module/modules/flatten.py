"""Flatten: merge a range of dimensions into one."""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# Flattening is a tensor method; torch does the work.
import torch

# No parameters, so only Module is needed.
from .module import Module

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


# ------------------------------------------------------------------
# Unflatten: the inverse of Flatten
# ------------------------------------------------------------------

# Unflatten splits one dimension back into several.
__all__ += ["Unflatten"]

# Unflatten's sizes may be a tuple or a list, hence the loose type hint.
from typing import Any  # noqa: E402


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size`, e.g. 12 -> (3, 4).

    Examples:
        >>> import torch
        >>> Unflatten(1, (3, 4))(torch.zeros(2, 12)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        """Check the sizes, then store them with the dim."""
        super().__init__()
        # The sizes are checked at construction, not at the first call.
        self._require_tuple_int(unflattened_size)
        self.dim = dim
        self.unflattened_size = unflattened_size

    def _require_tuple_int(self, input: Any) -> None:
        """Raise TypeError unless `input` is a tuple or list of ints (torch's messages)."""
        if not isinstance(input, (tuple, list)):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(input).__name__}")
        for idx, elem in enumerate(input):
            if not isinstance(elem, int):
                raise TypeError(
                    "unflattened_size must be tuple of ints, "
                    f"but found element of type {type(elem).__name__} at pos {idx}"
                )

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The sizes must multiply to the size of `dim`."""
        # A -1 among the sizes is worked out from the others, as in reshape.
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        """Both settings, named."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
