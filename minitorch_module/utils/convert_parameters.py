"""All parameters as one flat vector, and back: what some optimizers want.

Examples:
    >>> import torch
    >>> a, b = torch.zeros(2, 2), torch.zeros(3)
    >>> vector_to_parameters(torch.arange(7.0), [a, b])
    >>> b
    tensor([4., 5., 6.])
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

from typing import Any

# Views and one concatenation: no Module is involved.
import torch

# The two directions.
__all__ = ["parameters_to_vector", "vector_to_parameters"]


# Every parameter must live on one device: torch refuses to mix them.
def _same_device(param: torch.Tensor, device: int | None) -> int:
    """The device of `param`; an error if it differs from `device` seen before."""
    # A CUDA-like device is known by its index; the CPU (and any other) is -1.
    here = param.get_device() if param.device.type in ("cuda", torch._C._get_privateuse1_backend_name()) else -1
    if device is not None and here != device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return here


def parameters_to_vector(parameters: Any) -> torch.Tensor:
    """Concatenate the parameters, each flattened, into one vector."""
    # `parameters` may be a generator: read it once, checking devices as we go.
    device = None
    pieces = []
    for param in parameters:
        device = _same_device(param, device)
        pieces.append(param.view(-1))
    # `cat` copies, so the vector does not share memory with the parameters.
    return torch.cat(pieces)


def vector_to_parameters(vec: torch.Tensor, parameters: Any) -> None:
    """Copy consecutive slices of `vec` into the parameters (replacing their `.data`)."""
    # torch checks the vector's type before it reads any parameter.
    if not isinstance(vec, torch.Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {torch.typename(vec)}")
    # Each parameter takes the next `numel()` entries, in its own shape.
    device = None
    start = 0
    for param in parameters:
        device = _same_device(param, device)
        count = param.numel()
        # Assigning `.data` swaps the storage but keeps the Parameter object,
        # so the model and optimizers still point at it.
        param.data = vec[start : start + count].view_as(param).data
        start += count
