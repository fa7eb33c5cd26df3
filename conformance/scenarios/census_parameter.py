"""Errors of torch's `parameter.py` that no other scenario reached (see tests/test_error_census.py)."""

from __future__ import annotations

import torch

from conformance.registry import scenario


class _DetachLosesType(torch.Tensor):
    # A badly written tensor type: `detach()` gives back a plain Tensor.
    def detach(self):
        return torch.Tensor.detach(self).as_subclass(torch.Tensor)


@scenario("parameter", methods=("Parameter",))
def parameter_of_a_tensor_type_needs_detach_to_keep_the_type(nn, see):
    """A custom tensor type can become a Parameter only if detach() keeps its type."""
    see.raises(lambda: nn.Parameter(torch.zeros(1).as_subclass(_DetachLosesType)))
