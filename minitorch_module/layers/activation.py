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
from ..module import Module

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
