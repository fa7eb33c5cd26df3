"""Linear layers: `y = x @ W.T + b`, `Bilinear`, and the do-nothing `Identity`."""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# `math.sqrt` for the initial bounds; `Any` for the device and dtype.
import math
from typing import Any

# The math of a layer is not what we teach, so it comes from torch:
# `F.linear` computes, `init` fills the weights with random numbers.
import torch
import torch.nn.functional as F
from torch.nn import init

# What we do teach: the Module that holds the weights.
from .module import Module
from ..parameter import Parameter

# The layers of this file.
__all__ = ["Identity", "Linear", "Bilinear"]


class Identity(Module):
    """Return the input unchanged. Any constructor arguments are ignored.

    Handy as a placeholder, e.g. to remove the last layer of a network.
    """

    # Accepting any arguments lets `Identity` stand in for any layer
    # without changing the code that builds it.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    # No weights, no work: the input goes straight out.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return input


class Linear(Module):
    """Apply `y = x @ weight.T + bias`.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: if False, the layer has no bias (`self.bias` is None).

    Examples:
        >>> layer = Linear(3, 2)
        >>> [(name, tuple(p.shape)) for name, p in layer.named_parameters()]
        [('weight', (2, 3)), ('bias', (2,))]
    """

    # `device` and `dtype` say where and how to make the weights, so a
    # layer can be built on `meta` (no memory) or in float64 directly.
    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        # The weight is (out, in), so `forward` multiplies by its transpose.
        self.weight = Parameter(torch.empty((out_features, in_features), **factory_kwargs))
        # `register_parameter("bias", None)` keeps the name `bias` reserved,
        # so `self.bias` is None instead of an AttributeError.
        if bias:
            self.bias = Parameter(torch.empty(out_features, **factory_kwargs))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    # exercise: layers
    def reset_parameters(self) -> None:
        """Draw weights and bias from U(-1/sqrt(in_features), 1/sqrt(in_features))."""
        # Kaiming-uniform with a=sqrt(5) gives exactly that bound. The order
        # of the random draws (weight, then bias) matches torch, so the same
        # seed gives the same numbers.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        # The bias bound depends on the fan-in, the number of inputs.
        if self.bias is not None:
            fan_in = self.weight.shape[1] if self.weight.dim() > 1 else 0
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    # `F.linear` does the matrix product and adds the bias (if any). It
    # works on any number of leading batch dimensions.
    # exercise: layers
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.linear(input, self.weight, self.bias)

    # What `repr` prints inside `Linear(...)`: the sizes and the bias flag.
    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """Apply `y[k] = x1 @ weight[k] @ x2 + bias[k]` for each output feature k.

    Args:
        in1_features: size of each first input sample.
        in2_features: size of each second input sample.
        out_features: size of each output sample.
        bias: if False, the layer has no bias.

    Examples:
        >>> layer = Bilinear(2, 3, 4)
        >>> tuple(layer.weight.shape)
        (4, 2, 3)
    """

    # The same pattern as Linear: store the sizes, make empty parameters,
    # then fill them in `reset_parameters`.
    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        # One (in1 x in2) matrix per output feature. `torch.empty` only makes
        # room; reset_parameters fills it.
        self.weight = Parameter(torch.empty((out_features, in1_features, in2_features), **factory_kwargs))
        # As in Linear: no bias still reserves the name, as None.
        if bias:
            self.bias = Parameter(torch.empty(out_features, **factory_kwargs))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight and bias from U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        # The check lives here, not in __init__, so torch raises it only
        # after the parameters are registered; we keep that moment.
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features={self.in1_features})")
        # Both draws use the same bound, from the first input's size.
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    # Two inputs: `forward` may take any arguments it likes.
    def forward(self, input1: torch.Tensor, input2: torch.Tensor) -> torch.Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    # The three sizes and the bias flag.
    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )
