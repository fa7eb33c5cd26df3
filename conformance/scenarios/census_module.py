"""Errors of torch's `module.py` that no other scenario reached.

`tests/test_error_census.py` lists every `raise` in torch's Module code and
checks that some scenario reaches it; these scenarios close the gaps, one
error each.
"""

from __future__ import annotations

import torch

from conformance.registry import scenario


@scenario("registration", methods=("register_parameter",))
def register_parameter_refuses_a_non_leaf_parameter(nn, see):
    """A Parameter that came out of a computation (it has a grad_fn) cannot be registered."""
    m = nn.Module()
    p = nn.Parameter(torch.ones(2), requires_grad=False)
    # An in-place op with a tensor that needs grad gives `p` a grad_fn.
    p.add_(torch.ones(2, requires_grad=True))
    see(p.grad_fn is not None)
    see.raises(lambda: m.register_parameter("w", p))


@scenario("conversion", methods=("to",))
def to_refuses_an_integer_dtype(nn, see):
    """`to()` only converts to floating point or complex dtypes."""
    m = nn.Linear(2, 2)
    see.raises(lambda: m.to(torch.int64))
    see(m.weight.dtype)


@scenario("conversion", methods=("to", "to_empty"))
def to_from_the_meta_device_points_to_to_empty(nn, see):
    """A meta tensor has no data to copy, so `to("cpu")` tells you to use `to_empty()`."""
    m = nn.Linear(2, 2, device="meta")
    see.raises(lambda: m.to("cpu"))


@scenario("state_dict", methods=("register_state_dict_post_hook", "state_dict"))
def state_dict_post_hook_must_return_none(nn, see):
    """A public state_dict post-hook may edit the dict in place but not return a new one."""
    m = nn.Linear(2, 2)
    m.register_state_dict_post_hook(lambda module, state, prefix, local_metadata: {})
    see.raises(lambda: m.state_dict())


@scenario("state_dict", methods=("register_state_dict_post_hook", "_register_state_dict_hook"))
def one_function_cannot_be_both_public_and_private_state_dict_hook(nn, see):
    """A function registered with the public API cannot be registered again with the private one."""
    m = nn.Module()

    def hook(module, state, prefix, local_metadata):
        return None

    m.register_state_dict_post_hook(hook)
    see.raises(lambda: m._register_state_dict_hook(hook))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_state_dict_refuses_something_that_is_not_a_mapping(nn, see):
    """`load_state_dict` wants a dict-like object, not a list."""
    m = nn.Linear(2, 2)
    see.raises(lambda: m.load_state_dict([("weight", torch.zeros(2, 2))]))


@scenario("load_state_dict", methods=("load_state_dict",))
def strict_load_of_an_empty_dict_lists_every_missing_key(nn, see):
    """With strict=True, loading `{}` raises and names each missing key."""
    m = nn.Linear(2, 2)
    see.raises(lambda: m.load_state_dict({}))


@scenario("attributes", methods=("__setattr__", "register_buffer"))
def non_persistent_buffer_needs_register_buffer_with_persistent(nn, see):
    """If a subclass overrides register_buffer without `persistent`, a non-persistent Buffer is refused."""

    class OldStyle(nn.Module):
        def register_buffer(self, name, tensor):
            super().register_buffer(name, tensor)

    m = OldStyle()
    see.raises(lambda: setattr(m, "b", nn.Buffer(torch.zeros(1), persistent=False)))
    see.raises(lambda: setattr(m, "c", nn.Buffer(torch.zeros(1))))
    see.keys(m.state_dict())


@scenario("hooks", methods=("register_forward_pre_hook",))
def forward_pre_hook_with_kwargs_must_return_a_pair(nn, see):
    """A `with_kwargs` pre-hook returns None or (args, kwargs); anything else is an error."""
    m = nn.Linear(2, 2)
    m.register_forward_pre_hook(lambda module, args, kwargs: 5, with_kwargs=True)
    see.raises(lambda: m(torch.ones(2)))


@scenario("hooks", methods=("register_forward_hook",))
def always_call_hook_runs_and_the_forward_error_still_raises(nn, see):
    """When forward raises, an `always_call` hook still runs, then the error goes on."""
    m = nn.Linear(2, 2)
    calls = []
    m.register_forward_hook(lambda module, args, out: calls.append("hook"), always_call=True)
    see.raises(lambda: m(torch.ones(3)))
    see(calls)


@scenario("load_state_dict", methods=("register_load_state_dict_post_hook",))
def load_state_dict_post_hook_must_not_return_a_value(nn, see):
    """A load post-hook edits the key lists in place; returning something is an error."""
    m = nn.Linear(2, 2)
    m.register_load_state_dict_post_hook(lambda module, incompatible_keys: incompatible_keys)
    see.raises(lambda: m.load_state_dict(m.state_dict()))


class _RefusesTo(torch.Tensor):
    # A tensor type whose `.to()` is not implemented for its own reasons.
    def to(self, *args, **kwargs):
        raise NotImplementedError("this tensor type cannot move")


@scenario("conversion", methods=("to",))
def to_passes_on_other_not_implemented_errors_unchanged(nn, see):
    """Only the meta-tensor error gets the to_empty() advice; other NotImplementedErrors pass through."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1).as_subclass(_RefusesTo))
    see.raises(lambda: m.to(torch.float64))


def _with_swap_on_conversion(action):
    # `torch.__future__` switches conversion from `.data =` to swapping the
    # tensor objects; restore the switch whatever happens.
    torch.__future__.set_swap_module_params_on_conversion(True)
    try:
        return action()
    finally:
        torch.__future__.set_swap_module_params_on_conversion(False)


@scenario("conversion", methods=("_apply",))
def swapping_a_parameter_that_has_a_view_fails(nn, see):
    """With swap-on-conversion, a parameter that a view still points to cannot be swapped."""
    m = nn.Linear(2, 2)
    view = m.weight.view(4)
    see.raises(lambda: _with_swap_on_conversion(m.double))
    see(view.dtype)


@scenario("conversion", methods=("_apply",))
def swapping_a_gradient_that_has_a_view_fails(nn, see):
    """With swap-on-conversion, the .grad is swapped too, and a view of it blocks that."""
    m = nn.Linear(2, 2)
    m.weight.grad = torch.zeros(2, 2)
    view = m.weight.grad.view(4)
    see.raises(lambda: _with_swap_on_conversion(m.double))
    see(view.dtype)


class _LoadsAsItself(torch.Tensor):
    # A tensor type whose `module_load` wrongly hands back the incoming tensor.
    def module_load(self, other, assign=False):
        return other


@scenario("load_state_dict", methods=("_load_from_state_dict",))
def module_load_must_not_return_one_of_its_inputs(nn, see):
    """With swap-on-conversion, a tensor type's module_load must return a new tensor."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1).as_subclass(_LoadsAsItself))
    state = {"b": torch.ones(1)}
    see.raises(lambda: _with_swap_on_conversion(lambda: m.load_state_dict(state)))
