"""Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.

No parameters; the sizes are stored exactly as given (an int stays an int),
which is what torch's repr prints.
"""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# Sizes may be ints or tuples, hence `Any`.
from typing import Any

# The pooling math comes from torch.
import torch
import torch.nn.functional as F

# No parameters here, so only Module is needed.
from .module import Module

# The public layers of this file.
__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


# Torch gives each pooling family one base class that stores the settings;
# MaxPool1d and MaxPool2d only pick the F function.
class _MaxPoolNd(Module):
    """The settings every max pooling stores, exactly as given."""

    # Only settings, no tensors: a pooling layer has nothing to train.
    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        # Stored as given: `MaxPool2d(2)` keeps the int 2, and the repr shows it.
        # No stride means "jump by a whole window", so windows do not overlap.
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    # Every setting except `return_indices`, as torch prints it.
    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_MaxPoolNd):
    """Take the maximum over each kernel_size window; stride defaults to kernel_size.

    Examples:
        >>> import torch
        >>> MaxPool2d(2)(torch.zeros(1, 1, 4, 4)).shape
        torch.Size([1, 1, 2, 2])
    """

    # With return_indices=True the result is a (values, indices) pair, so
    # the return type is not always a tensor.
    def forward(self, input: torch.Tensor) -> Any:
        return F.max_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )


class AvgPool2d(Module):
    """Take the mean over each kernel_size window; stride defaults to kernel_size."""

    # The same first three settings as MaxPool2d, then the ones that
    # decide what a window's mean divides by.
    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        # Same storage rules as MaxPool2d. `divisor_override` replaces the
        # window size in the mean, if given.
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    # F.avg_pool2d takes these settings by position, in this order.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    # torch prints only the three window settings here.
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average into a fixed `output_size`, whatever the input's height and width."""

    # The output size is all it needs; the windows follow from the input.
    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    # Handy before a Linear: any image size becomes the same feature size.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)

    # Printed as given (an int stays an int).
    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


# ------------------------------------------------------------------
# More pooling: 1d windows and adaptive max pooling
# ------------------------------------------------------------------

# The public layers of this section.
__all__ += ["MaxPool1d", "AvgPool1d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveAvgPool1d"]

# AvgPool1d turns an int size into a 1-tuple with the helper conv layers use.
from .conv import _ntuple  # noqa: E402


class MaxPool1d(_MaxPoolNd):
    """Take the maximum over each window of a (N, C, L) signal.

    Examples:
        >>> import torch
        >>> MaxPool1d(2)(torch.tensor([[[1.0, 5.0, 2.0, 0.0]]]))
        tensor([[[5., 2.]]])
    """

    def forward(self, input: torch.Tensor) -> Any:
        """With return_indices=True the result is a (values, indices) pair."""
        return F.max_pool1d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )


class AvgPool1d(Module):
    """Take the mean over each window of a (N, C, L) signal.

    Unlike the 2d layers, torch turns the sizes into 1-tuples here, so the
    repr shows `kernel_size=(3,)` even for `AvgPool1d(3)`.
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        """Store the window settings as 1-tuples."""
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """F.avg_pool1d takes the settings by position, in this order."""
        return F.avg_pool1d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad
        )

    def extra_repr(self) -> str:
        """The window settings, as 1-tuples."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


# As for max pooling above, adaptive max pooling has one base class that
# stores the settings; the 1d/2d classes only pick the F function.
class _AdaptiveMaxPoolNd(Module):
    """Max-pool into a fixed `output_size`; `return_indices` also gives where each max was."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        """Store the target size and the flag."""
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self) -> str:
        """Only the target size."""
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max-pool a (N, C, L) signal to length `output_size`, whatever L is."""

    def forward(self, input: torch.Tensor) -> Any:
        """With return_indices=True the result is a (values, indices) pair."""
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max-pool an image to `output_size` (an int, a pair, or a pair with None to keep a side)."""

    def forward(self, input: torch.Tensor) -> Any:
        """With return_indices=True the result is a (values, indices) pair."""
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(Module):
    """Average a (N, C, L) signal into length `output_size`."""

    def __init__(self, output_size: Any) -> None:
        """Store the target length."""
        super().__init__()
        self.output_size = output_size

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The window sizes are worked out from the input's length."""
        return F.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        """The target length, named."""
        return f"output_size={self.output_size}"
