"""Padding layers: add a border around a signal, an image or a volume.

Four ways to fill the border, one base each: a constant value (zeros being
the common case), a mirror of the inside (reflection), a copy of the edge
(replication), or the other side wrapped around (circular). The 1d, 2d and
3d versions differ only in how many dimensions they pad.
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

from typing import Any

# Tensors, and the functional ops that do each layer's math.
import torch
import torch.nn.functional as F

# The clone's own Module (never torch's).
from .module import Module
from .conv import _ntuple

# The names torch.nn gives these classes.
__all__ = [
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


# ------------------------------------------------------------------
# The shared base
# ------------------------------------------------------------------


class _PadNd(Module):
    """Store the padding as (left, right, top, bottom, front, back) and call F.pad.

    Each subclass says how many dimensions it pads (`_dims`) and how the
    border is filled (`_mode`). One int pads every side by that much; a
    tuple is kept as given, so its order is F.pad's: last dimension first.
    """

    _dims: int = 1
    _mode: str = "constant"

    def __init__(self, padding: Any) -> None:
        """Expand one int to every side; keep a tuple as given."""
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._dims)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """F.pad does the work, in this class's mode."""
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        """Only the padding tuple, e.g. `ReflectionPad2d((1, 1, 2, 2))`."""
        return f"{self.padding}"


# ------------------------------------------------------------------
# Constant and zero padding
# ------------------------------------------------------------------


class _ConstantPadNd(_PadNd):
    """Fill the border with one `value`; it is printed in the repr."""

    def __init__(self, padding: Any, value: float) -> None:
        """Store the padding, then the fill value."""
        super().__init__(padding)
        self.value = value

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Constant mode is the only one that takes a fill value."""
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        """Both settings, named."""
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with `value`.

    Examples:
        >>> import torch
        >>> ConstantPad1d(1, 9.0)(torch.zeros(1, 2))
        tensor([[9., 0., 0., 9.]])
    """

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions (height and width) with `value`."""

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with `value`."""

    _dims = 3


class _ZeroPadNd(_ConstantPadNd):
    """Constant padding with 0.0; the repr shows only the padding."""

    def __init__(self, padding: Any) -> None:
        """Constant padding whose value is always 0.0."""
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        """The value is always 0, so only the padding is shown."""
        return f"{self.padding}"


# Torch derives ZeroPad2d from ConstantPad2d, so isinstance sees both.
class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pad the last dimension with zeros."""


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pad height and width with zeros (the padding a Conv2d does, as a layer)."""


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pad the last three dimensions with zeros."""


# ------------------------------------------------------------------
# Reflection, replication and circular padding
# ------------------------------------------------------------------


class ReflectionPad1d(_PadNd):
    """Mirror the inside across the edge, without repeating the edge value.

    Examples:
        >>> import torch
        >>> ReflectionPad1d(2)(torch.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    _dims, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Mirror padding of height and width: no hard edge for a convolution to see."""

    _dims, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Mirror padding of the last three dimensions."""

    _dims, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Repeat the edge value outward."""

    _dims, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Repeat the edge pixels outward."""

    _dims, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Repeat the edge values outward in three dimensions."""

    _dims, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    """Wrap around: the left border is a copy of the right edge, and so on.

    Unlike the others, torch checks the input's rank here, before F.pad.
    """

    _mode = "circular"

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Check the rank, then pad like the other modes."""
        # With or without a batch dimension: dims + 1 or dims + 2.
        if input.dim() not in (self._dims + 1, self._dims + 2):
            raise ValueError(f"expected {self._dims + 1}D or {self._dims + 2}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Circular padding of the last dimension (a periodic signal)."""

    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Circular padding of height and width (an image on a torus)."""

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Circular padding of the last three dimensions."""

    _dims = 3
