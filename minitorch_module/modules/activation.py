"""Activation functions as modules: ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax.

They have no parameters. They are modules so they can sit inside a
Sequential and show up in the repr.
"""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# The functions themselves come from torch.
import torch
import torch.nn.functional as F

# No parameters, so only Module is needed.
from .module import Module

# The public layers of this file.
__all__ = ["ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax"]


class _InplaceActivation(Module):
    """Shared code of ReLU and SiLU: one `inplace` flag, shown only when True."""

    # `inplace=True` overwrites the input to save memory.
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    # Torch prints nothing for the default, so the repr is just "ReLU()".
    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    """Apply max(0, x) element-wise.

    Examples:
        >>> import torch
        >>> ReLU()(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    # The flag from the base class goes straight to the function.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.relu(input, inplace=self.inplace)


class SiLU(_InplaceActivation):
    """Apply x * sigmoid(x) element-wise (also called swish)."""

    # The same pattern as ReLU.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.silu(input, inplace=self.inplace)


class GELU(Module):
    """Apply the Gaussian error linear unit; `approximate="tanh"` uses the fast formula."""

    # "none" is the exact formula; the choice is stored for forward and repr.
    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    # GELU takes no `inplace` flag.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.gelu(input, approximate=self.approximate)

    # `repr()` adds the quotes: approximate='none'.
    def extra_repr(self) -> str:
        return f"approximate={repr(self.approximate)}"


class Tanh(Module):
    """Apply tanh element-wise."""

    # No settings at all, so no `__init__`: Module's is enough.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return torch.tanh(input)


class Sigmoid(Module):
    """Apply 1 / (1 + exp(-x)) element-wise."""

    # Like Tanh: only a forward.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(input)


class Softmax(Module):
    """Turn values along `dim` into probabilities that sum to 1.

    `dim=None` is allowed but makes F.softmax guess the dim (with a warning).
    """

    # The dim to normalize along; pass it, the default is a guess.
    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    # _stacklevel=5 makes the "implicit dim" warning point at user code, as
    # in torch.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)

    # The dim, even when it is None.
    def extra_repr(self) -> str:
        return f"dim={self.dim}"


# ------------------------------------------------------------------
# More activations
# ------------------------------------------------------------------

# Two activations below need more than the ones above: Hardtanh warns
# about old keyword names, and PReLU owns a learned Parameter.
import warnings  # noqa: E402
from typing import Any  # noqa: E402

from ..parameter import Parameter  # noqa: E402

# The activations below came later. They follow the same pattern: settings
# stored as plain attributes, math from torch.nn.functional, and an
# extra_repr that prints only what torch prints.
__all__ += [
    "Threshold", "Hardtanh", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "CELU", "SELU", "GLU",
    "Hardswish", "Hardsigmoid", "Mish", "Softplus", "Softsign", "Softshrink", "Hardshrink", "Tanhshrink",
    "LogSigmoid", "Softmin", "LogSoftmax", "Softmax2d",
]


def _inplace_suffix(module: Module) -> str:
    """The text `, inplace=True` when the flag is set, else nothing: torch prints it last."""
    return ", inplace=True" if module.inplace else ""


class Threshold(Module):
    """Keep x where x > threshold, otherwise put `value`."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        """Both numbers are required: there is no sensible default."""
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        """Both numbers, then the flag if set."""
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self)}"


class Hardtanh(Module):
    """Clamp x to [min_val, max_val]: a piecewise-linear tanh.

    `min_value`/`max_value` are old spellings: accepted with a FutureWarning.
    """

    def __init__(
        self,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        min_value: float | None = None,
        max_value: float | None = None,
    ) -> None:
        """Accept the old keyword names, store the range, then check it."""
        super().__init__()
        # The old keyword names still work, but warn.
        if min_value is not None:
            warnings.warn(
                "keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning, stacklevel=2
            )
            min_val = min_value
        if max_value is not None:
            warnings.warn(
                "keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning, stacklevel=2
            )
            max_val = max_value
        # Stored under the new names, whichever spelling was used.
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        # Torch checks the range only after storing everything.
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise clamp."""
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        """The range, then the flag if set."""
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self)}"


class ReLU6(Hardtanh):
    """min(max(0, x), 6): a Hardtanh from 0 to 6, used in mobile networks."""

    def __init__(self, inplace: bool = False) -> None:
        """A Hardtanh with the range fixed to [0, 6]."""
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        """Only the flag: the fixed range is not printed."""
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """Like ReLU, but negative inputs keep a small slope, so they still get a gradient.

    Examples:
        >>> import torch
        >>> LeakyReLU(0.1)(torch.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        """The slope is stored before the flag, as torch's repr prints them."""
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        """The slope, then the flag if set."""
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self)}"


class PReLU(Module):
    """A LeakyReLU whose negative slope is learned: a Parameter named `weight`.

    One slope for all channels (`num_parameters=1`) or one per channel.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        """Create one slope per channel (or one for all), filled with `init`."""
        factory_kwargs = {"device": device, "dtype": dtype}
        # Torch sets this one before Module.__init__; a plain value is allowed there.
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(torch.empty(num_parameters, **factory_kwargs))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Fill every slope with `init`: no random draw, so the seed does not move."""
        torch.nn.init.constant_(self.weight, self.init)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The input's dim 1 is the channel dim; it must match num_parameters (or that is 1)."""
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        """How many slopes; their values are in the state_dict."""
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """A LeakyReLU with a random slope in [lower, upper] while training, the mean slope in eval."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        """The range of the random slopes."""
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        # `self.training` decides between random and fixed slopes, as in Dropout.
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        """The range, then the flag if set."""
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self)}"


# ------------------------------------------------------------------
# From ELU to Softplus
# ------------------------------------------------------------------


class _AlphaActivation(Module):
    """Shared code of ELU and CELU: a smooth negative part scaled by `alpha`."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        """Store alpha and the flag."""
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def extra_repr(self) -> str:
        """alpha, then the flag if set."""
        return f"alpha={self.alpha}{_inplace_suffix(self)}"


class ELU(_AlphaActivation):
    """x for x > 0, alpha * (exp(x) - 1) below: smooth at the negative end."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.elu(input, self.alpha, self.inplace)


class CELU(_AlphaActivation):
    """ELU with the exponent scaled by 1/alpha, so it stays smooth for any alpha."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.celu(input, self.alpha, self.inplace)


class SELU(_InplaceActivation):
    """A scaled ELU with fixed constants that keep activations normalized (self-normalizing nets)."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the constants are fixed inside F.selu."""
        return F.selu(input, self.inplace)


class Mish(_InplaceActivation):
    """x * tanh(softplus(x)): a smooth ReLU-like curve."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.mish(input, inplace=self.inplace)


class _QuietInplaceActivation(Module):
    """An `inplace` flag that torch never prints: `Hardswish(inplace=True)` shows as `Hardswish()`."""

    def __init__(self, inplace: bool = False) -> None:
        """Store the flag; no extra_repr, so it is never printed."""
        super().__init__()
        self.inplace = inplace


class Hardswish(_QuietInplaceActivation):
    """A piecewise-linear swish (x * relu6(x + 3) / 6), cheap on phones."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.hardswish(input, self.inplace)


class Hardsigmoid(_QuietInplaceActivation):
    """A piecewise-linear sigmoid: relu6(x + 3) / 6."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.hardsigmoid(input, self.inplace)


class GLU(Module):
    """Gated linear unit: split the input in two halves a, b along `dim`, return a * sigmoid(b)."""

    def __init__(self, dim: int = -1) -> None:
        """The dim to split; its size must be even."""
        super().__init__()
        self.dim = dim

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The output is half as large along `dim`."""
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        """The dim, named."""
        return f"dim={self.dim}"


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, a smooth ReLU; linear above `threshold` for stability."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        """Store beta (sharpness) and threshold."""
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """Both settings, named."""
        return f"beta={self.beta}, threshold={self.threshold}"


# ------------------------------------------------------------------
# From Softshrink to Softmax2d
# ------------------------------------------------------------------


class _Shrink(Module):
    """Shared code of Softshrink and Hardshrink: a `lambd` (lambda is a Python keyword)."""

    def __init__(self, lambd: float = 0.5) -> None:
        """Store the width of the band around 0."""
        super().__init__()
        self.lambd = lambd

    def extra_repr(self) -> str:
        """Just the number, without a name: `Hardshrink(0.5)`."""
        return f"{self.lambd}"


class Softshrink(_Shrink):
    """Move x toward 0 by lambd, and zero what is within lambd of 0."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.softshrink(input, self.lambd)


class Hardshrink(_Shrink):
    """Zero what is within lambd of 0, keep the rest unchanged."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.hardshrink(input, self.lambd)


class Softsign(Module):
    """x / (1 + |x|): like tanh, but approaches +-1 more slowly."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x)."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.tanhshrink(input)


class LogSigmoid(Module):
    """log(sigmoid(x)), computed without overflow for large negative x."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Element-wise; the output has the input's shape."""
        return F.logsigmoid(input)


class _SoftmaxFamily(Module):
    """Shared code of Softmin and LogSoftmax: a `dim`, which may be None (then torch guesses, and warns)."""

    def __init__(self, dim: int | None = None) -> None:
        """Store the dim to normalize along."""
        super().__init__()
        self.dim = dim

    def __setstate__(self, state: dict) -> None:
        """Unpickle; a module pickled before `dim` existed gets dim=None."""
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def extra_repr(self) -> str:
        """The dim, named (None too)."""
        return f"dim={self.dim}"


class Softmin(_SoftmaxFamily):
    """softmax(-x): small values get the large probabilities."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Values along `dim` become probabilities that sum to 1."""
        # _stacklevel=5 makes the implicit-dim warning point at user code.
        return F.softmin(input, self.dim, _stacklevel=5)


class LogSoftmax(_SoftmaxFamily):
    """log(softmax(x)) in one stable step; pair it with NLLLoss.

    Examples:
        >>> import torch
        >>> LogSoftmax(dim=1)(torch.zeros(1, 2))
        tensor([[-0.6931, -0.6931]])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The log of probabilities along `dim`; exp of the result sums to 1."""
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channels at every pixel of a (C, H, W) or (N, C, H, W) input."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Check the rank, then softmax over the channel dim."""
        # Torch checks the rank itself, then uses the channel dim (-3).
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
