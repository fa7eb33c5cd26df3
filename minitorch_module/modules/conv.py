"""Convolution layers: Conv1d and Conv2d.

The sliding-window math is `F.conv1d` / `F.conv2d`. The Module side checks
the arguments (with torch's messages), stores sizes as tuples, and creates
`weight` of shape (out_channels, in_channels // groups, *kernel_size).
"""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# Small standard helpers: square roots, "is it iterable?", type names.
import math
from collections import abc as container_abcs
from typing import Any, Callable

# The convolution math and the initial values come from torch.
import torch
import torch.nn.functional as F
from torch.nn import init

# Our Module and Parameter hold the weights.
from .module import Module
from ..parameter import Parameter

# The public layers of this file.
__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


# `kernel_size=3` means (3,) for Conv1d and (3, 3) for Conv2d; a tuple is
# kept as given. Torch stores the tuple form, and its repr prints it.
def _ntuple(value: Any, n: int) -> tuple:
    """Repeat a single value n times; turn an iterable into a tuple.

    Examples:
        >>> _ntuple(3, 2), _ntuple((1, 2), 2)
        ((3, 3), (1, 2))
    """
    if isinstance(value, container_abcs.Iterable):
        return tuple(value)
    return (value,) * n


# F.pad wants the padding of the LAST dimension first, each one twice
# (left, right): (pad_h, pad_w) -> [pad_w, pad_w, pad_h, pad_h].
def _pad_for_f_pad(padding: tuple[int, ...], kernel_size: tuple, dilation: tuple) -> list[int]:
    """Return the padding list F.pad needs for a non-"zeros" padding_mode."""
    if not isinstance(padding, str):
        return [p for p in reversed(padding) for _ in range(2)]
    pads = [0, 0] * len(kernel_size)
    # padding="same": split d*(k-1) between left and right (right gets
    # the extra one when it is odd). "valid" means no padding at all.
    if padding == "same":
        for i, (d, k) in enumerate(zip(reversed(dilation), reversed(kernel_size))):
            total = d * (k - 1)
            pads[2 * i] = total // 2
            pads[2 * i + 1] = total - total // 2
    return pads


class _ConvNd(Module):
    """Shared code of Conv1d and Conv2d; `n` is the number of spatial dims."""

    # Set by the subclasses: the number of spatial dims and the F function.
    n: int = 0
    conv: Callable[..., torch.Tensor]

    # One constructor for every rank: sizes may be ints or tuples, and
    # `padding` may also be "same" or "valid".
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: str | Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Sizes become tuples first; the checks below read the tuple form.
        kernel_size = _ntuple(kernel_size, self.n)
        stride = _ntuple(stride, self.n)
        padding = padding if isinstance(padding, str) else _ntuple(padding, self.n)
        dilation = _ntuple(dilation, self.n)
        self._check_arguments(in_channels, out_channels, stride, padding, groups, padding_mode)
        # Torch's attribute names, so the repr and user code read the same.
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        # Kept for the repr and for torch's attribute names; only transposed
        # convolutions use them.
        self.transposed = False
        self.output_padding = (0,) * self.n
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = _pad_for_f_pad(padding, kernel_size, dilation)
        # Each output channel sees only in_channels // groups input channels.
        # (Transposed convolutions swap the first two sizes: see below.)
        shape = self._weight_shape(in_channels, out_channels, groups, kernel_size)
        self.weight = Parameter(torch.empty(shape, **factory_kwargs))
        # One bias per output channel, or the name reserved as None.
        if bias:
            self.bias = Parameter(torch.empty(out_channels, **factory_kwargs))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    @staticmethod
    def _weight_shape(in_channels: int, out_channels: int, groups: int, kernel_size: tuple) -> tuple:
        """The weight's shape: (out_channels, in_channels // groups, *kernel_size)."""
        return (out_channels, in_channels // groups, *kernel_size)

    @staticmethod
    def _check_arguments(
        in_channels: int, out_channels: int, stride: tuple, padding: Any, groups: int, padding_mode: str
    ) -> None:
        """Raise torch's ValueError for a bad argument, in torch's order."""
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        # The sets are printed in the messages, so they are built exactly
        # like torch builds them (same elements, same order).
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        # How the border is filled: zeros, or values taken from the input.
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(
                f"padding_mode must be one of {valid_padding_modes}, but got padding_mode='{padding_mode}'"
            )

    def reset_parameters(self) -> None:
        """Draw weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), like Linear."""
        # fan_in = in_channels // groups * prod(kernel_size). The draws
        # happen in torch's order (weight, then bias) so seeds agree.
        with torch.no_grad():
            init.kaiming_uniform_(self.weight, a=math.sqrt(5))
            if self.bias is not None:
                fan_in = self.weight[0].numel()
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
                init.uniform_(self.bias, -bound, bound)

    # "zeros" padding is done inside the convolution. Other modes pad first
    # with F.pad, then convolve without padding.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if self.padding_mode != "zeros":
            input = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            padding: Any = (0,) * self.n
        else:
            padding = self.padding
        # `type(self).conv` is F.conv1d or F.conv2d, set by the subclass.
        return type(self).conv(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)

    # Only the settings that differ from the default are printed, so a
    # plain `Conv2d(1, 6, 5)` prints short.
    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        # The rest, also only when not default. Note: torch prints
        # `padding_mode=reflect` without quotes.
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """Convolution over (N, C, L) input.

    Examples:
        >>> Conv1d(2, 4, 3).weight.shape
        torch.Size([4, 2, 3])
    """

    # One spatial dim. `staticmethod` stops Python from passing `self`.
    n = 1
    conv = staticmethod(F.conv1d)


class Conv2d(_ConvNd):
    """Convolution over (N, C, H, W) input.

    Examples:
        >>> Conv2d(1, 6, 5)
        Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
    """

    # Two spatial dims: height and width.
    n = 2
    conv = staticmethod(F.conv2d)


# Conv3d is the same layer over (N, C, D, H, W) input: only `n` and the
# F function change.
class Conv3d(_ConvNd):
    """Convolution over (N, C, D, H, W) input.

    Examples:
        >>> Conv3d(1, 2, 3).weight.shape
        torch.Size([2, 1, 3, 3, 3])
    """

    n = 3
    conv = staticmethod(F.conv3d)


# ------------------------------------------------------------------
# Transposed convolutions
# ------------------------------------------------------------------

# A transposed convolution runs a convolution "backwards": each input pixel
# spreads a whole kernel into the output, so a stride of 2 roughly doubles
# the size (DCGAN generators and U-Net decoders use it to upsample). It is
# the gradient of Conv with respect to its input, which is why its weight
# is (in_channels, out_channels // groups, *kernel_size): the two channel
# sizes are swapped compared with Conv.
class _ConvTransposeNd(_ConvNd):
    """Shared code of ConvTranspose1d/2d/3d; `n` is the number of spatial dims."""

    # Set by the subclasses: the F function that does the math.
    conv_transpose: Callable[..., torch.Tensor]

    # Note the argument order: output_padding and groups come before
    # dilation here, unlike Conv. Users who pass them by position rely on it.
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        # Only zero padding has a meaning for a transposed convolution, and
        # torch checks it before anything else.
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(
            in_channels, out_channels, kernel_size, stride, _ntuple(padding, self.n), dilation,
            groups, bias, padding_mode, device, dtype,
        )
        # `_ConvNd.__init__` already created these two attributes (so their
        # place in `__dict__` is torch's); here they get their real values.
        self.transposed = True
        self.output_padding = _ntuple(output_padding, self.n)

    @staticmethod
    def _weight_shape(in_channels: int, out_channels: int, groups: int, kernel_size: tuple) -> tuple:
        """The swapped shape: (in_channels, out_channels // groups, *kernel_size)."""
        return (in_channels, out_channels // groups, *kernel_size)

    # With stride > 1, several output sizes give back the same input size
    # under a normal convolution, so the output size is ambiguous.
    # `output_padding` picks one: it adds that many rows/columns on one side.
    # Passing `output_size=` at call time instead lets the layer work out
    # the output_padding that gives exactly that size.
    def _output_padding(self, input: torch.Tensor, output_size: Any) -> Any:
        """The output_padding for this call: the stored one, or the one `output_size` asks for."""
        if output_size is None:
            return self.output_padding
        n = self.n
        # output_size may include the batch and channel sizes, or only the
        # channels (unbatched input); we keep only the spatial sizes.
        non_spatial = 2 if input.dim() == n + 2 else 1
        if len(output_size) == non_spatial + n:
            output_size = output_size[non_spatial:]
        if len(output_size) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} "
                f"or {non_spatial + n} elements (got {len(output_size)})"
            )
        # The smallest output this layer can make, and the largest (stride - 1
        # more): anything outside that range is impossible.
        min_sizes, max_sizes = [], []
        for d in range(n):
            smallest = (
                (input.size(d + non_spatial) - 1) * self.stride[d]
                - 2 * self.padding[d]
                + self.dilation[d] * (self.kernel_size[d] - 1)
                + 1
            )
            min_sizes.append(smallest)
            max_sizes.append(smallest + self.stride[d] - 1)
        # Note: the message prints `input.size()[2:]` even for an unbatched
        # input, where that is not the spatial size; torch does the same.
        for size, low, high in zip(output_size, min_sizes, max_sizes):
            if size < low or size > high:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range "
                    f"from {min_sizes} to {max_sizes} (for an input of {input.size()[2:]})"
                )
        # The extra rows/columns beyond the smallest size are the padding.
        return [size - low for size, low in zip(output_size, min_sizes)]

    def forward(self, input: torch.Tensor, output_size: Any = None) -> torch.Tensor:
        """Run the transposed convolution; `output_size` picks among the possible sizes."""
        # `padding_mode` and `padding` are plain attributes a user can change
        # after construction; torch checks them again on every call.
        if self.padding_mode != "zeros":
            raise ValueError(f"Only `zeros` padding mode is supported for {type(self).__name__}")
        if not isinstance(self.padding, tuple):
            raise AssertionError("self.padding must be a tuple")
        output_padding = self._output_padding(input, output_size)
        return type(self).conv_transpose(
            input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups, self.dilation
        )


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed convolution over (N, C, L) input.

    Examples:
        >>> ConvTranspose1d(2, 4, 3, stride=2)(torch.zeros(1, 2, 5)).shape
        torch.Size([1, 4, 11])
    """

    n = 1
    conv_transpose = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed convolution over (N, C, H, W) input: the upsampling layer of DCGAN.

    Examples:
        >>> ConvTranspose2d(8, 4, 4, stride=2, padding=1)(torch.zeros(1, 8, 4, 4)).shape
        torch.Size([1, 4, 8, 8])
    """

    n = 2
    conv_transpose = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed convolution over (N, C, D, H, W) input."""

    n = 3
    conv_transpose = staticmethod(F.conv_transpose3d)
