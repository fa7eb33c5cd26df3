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
from ..module import Module

# The public layers of this file.
__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class MaxPool2d(Module):
    """Take the maximum over each kernel_size window; stride defaults to kernel_size.

    Examples:
        >>> import torch
        >>> MaxPool2d(2)(torch.zeros(1, 1, 4, 4)).shape
        torch.Size([1, 1, 2, 2])
    """

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

    # Every setting except `return_indices`, as torch prints it.
    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
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
