"""Activation functions as modules: ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax.

They have no parameters. They are modules so they can sit inside a
Sequential and show up in the repr.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..module import Module

__all__ = ["ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax"]


class _InplaceActivation(Module):
    """Shared code of ReLU and SiLU: one `inplace` flag, shown only when True."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        # Torch prints nothing for the default, so the repr is just "ReLU()".
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    """Apply max(0, x) element-wise.

    Examples:
        >>> import torch
        >>> ReLU()(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.relu(input, inplace=self.inplace)


class SiLU(_InplaceActivation):
    """Apply x * sigmoid(x) element-wise (also called swish)."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.silu(input, inplace=self.inplace)


class GELU(Module):
    """Apply the Gaussian error linear unit; `approximate="tanh"` uses the fast formula."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={repr(self.approximate)}"


class Tanh(Module):
    """Apply tanh element-wise."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return torch.tanh(input)


class Sigmoid(Module):
    """Apply 1 / (1 + exp(-x)) element-wise."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(input)


class Softmax(Module):
    """Turn values along `dim` into probabilities that sum to 1.

    `dim=None` is allowed but makes F.softmax guess the dim (with a warning).
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        # _stacklevel=5 makes the "implicit dim" warning point at user code,
        # as in torch.
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
