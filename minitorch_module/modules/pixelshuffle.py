"""PixelShuffle and PixelUnshuffle: trade channels for resolution and back.

PixelShuffle(r) turns (C * r * r, H, W) into (C, H * r, W * r): a cheap way
to upsample at the end of a super-resolution network. PixelUnshuffle undoes it.
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# Tensors, and the functional ops that do each layer's math.
import torch
import torch.nn.functional as F

# The clone's own Module (never torch's).
from .module import Module

# The names torch.nn gives these classes.
__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """Move groups of r * r channels into r x r blocks of pixels.

    Examples:
        >>> import torch
        >>> PixelShuffle(2)(torch.zeros(1, 8, 3, 3)).shape
        torch.Size([1, 2, 6, 6])
    """

    def __init__(self, upscale_factor: int) -> None:
        """Store the factor r."""
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The channel count must be divisible by r * r."""
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        """The factor, named."""
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Move each r x r block of pixels into r * r channels (the inverse of PixelShuffle)."""

    def __init__(self, downscale_factor: int) -> None:
        """Store the factor r."""
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Height and width must be divisible by r."""
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        """The factor, named."""
        return f"downscale_factor={self.downscale_factor}"
