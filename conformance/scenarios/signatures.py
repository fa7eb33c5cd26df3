"""Signatures of the public Module methods: same arguments, same order, same defaults.

The annotations are left out on purpose. torch writes some of them with
`typing.Self` and long `Callable[...]` hook types and leaves others out; the
clone keeps them short and, with `from __future__ import annotations`,
stores them as text. What a caller can observe is the argument list: names,
which are keyword-only, and the defaults.
"""

import inspect

from conformance.registry import scenario

# The public methods of `nn.Module` that both backends have.
_METHODS = (
    "add_module",
    "apply",
    "bfloat16",
    "buffers",
    "children",
    "cpu",
    "cuda",
    "double",
    "eval",
    "extra_repr",
    "float",
    "forward",
    "get_buffer",
    "get_extra_state",
    "get_parameter",
    "get_submodule",
    "half",
    "ipu",
    "load_state_dict",
    "modules",
    "mtia",
    "named_buffers",
    "named_children",
    "named_modules",
    "named_parameters",
    "parameters",
    "register_backward_hook",
    "register_buffer",
    "register_forward_hook",
    "register_forward_pre_hook",
    "register_full_backward_hook",
    "register_full_backward_pre_hook",
    "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook",
    "register_module",
    "register_parameter",
    "register_state_dict_post_hook",
    "register_state_dict_pre_hook",
    "requires_grad_",
    "set_extra_state",
    "set_submodule",
    "share_memory",
    "state_dict",
    "to",
    "to_empty",
    "train",
    "type",
    "xpu",
    "zero_grad",
)


def _arguments(func):
    """The signature of `func` as text, without any annotation."""
    signature = inspect.signature(func)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=params, return_annotation=inspect.Signature.empty))


@scenario("repr")
def public_methods_take_the_same_arguments(nn, see):
    """Each public Module method takes the same arguments as torch's, with the same defaults."""
    for name in _METHODS:
        see(_arguments(getattr(nn.Module, name)), label=name)
