"""register_parameter, register_buffer, add_module: every branch, with torch's errors."""

import torch

from conformance.registry import scenario


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_dotted_name(nn, see):
    m = nn.Module()
    see.raises(lambda: m.register_buffer("a.b", torch.zeros(1)))
