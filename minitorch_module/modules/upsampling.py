"""Upsample: make an image (or a signal, or a volume) larger by interpolation.

The module only stores the settings; `F.interpolate` does the work. Give
either a target `size` or a `scale_factor`, not both.
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

from typing import Any

# Tensors, and the functional ops that do each layer's math.
import torch
import torch.nn.functional as F

# The clone's own Module (never torch's).
from .module import Module

# The names torch.nn gives these classes.
__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize the input to `size`, or by `scale_factor`, with the given `mode`.

    Examples:
        >>> import torch
        >>> Upsample(scale_factor=2)(torch.zeros(1, 1, 2, 3)).shape
        torch.Size([1, 1, 4, 6])
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        """Store the settings; the scale factor is turned into floats."""
        super().__init__()
        # The class name is kept too (torch does, for TorchScript).
        self.name = type(self).__name__
        self.size = size
        # Scale factors are stored as floats, so `Upsample(scale_factor=2)`
        # prints `scale_factor=2.0`. A falsy factor (None or 0) means "none".
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Resize with F.interpolate."""
        # F.interpolate checks the combination (size or scale, mode vs. rank).
        return F.interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def __setstate__(self, state: dict) -> None:
        """Unpickle; a module saved before `recompute_scale_factor` existed gets True."""
        if "recompute_scale_factor" not in state:
            state["recompute_scale_factor"] = True
        super().__setstate__(state)

    def extra_repr(self) -> str:
        """The size or the scale in use, and the mode."""
        # Only one of size and scale_factor is shown: the one in use.
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """The older name for Upsample(mode="nearest") on images."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        """Upsample with the mode fixed to nearest."""
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """The older name for Upsample(mode="bilinear", align_corners=True) on images."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        """Upsample with bilinear mode and aligned corners."""
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
