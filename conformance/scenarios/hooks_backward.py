"""Backward hooks: full hooks, backward pre-hooks and the deprecated old kind."""

import torch

from conformance.registry import scenario


def _two_in_two_out(nn):
    """A module with two tensor inputs and two tensor outputs."""

    class TwoInTwoOut(nn.Module):
        def forward(self, a, b):
            return a * b, a + b

    return TwoInTwoOut()


def _scale(nn, factor):
    """A module that multiplies its input by `factor`."""

    class Scale(nn.Module):
        def forward(self, x):
            return x * factor

    return Scale()


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_sees_grad_input_and_grad_output(nn, see):
    """A full backward hook gets one gradient per input and one per output."""
    m = nn.Linear(3, 2)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append((gin, gout)))
    x = torch.randn(4, 3, requires_grad=True)
    m(x).sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_receives_the_module(nn, see):
    """The first argument of a backward hook is the module itself."""
    m = nn.Linear(2, 2)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(module is m))
    m(torch.ones(1, 2, requires_grad=True)).sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_can_replace_the_input_gradient(nn, see):
    """Returning a tuple from a full backward hook replaces grad_input."""
    m = _scale(nn, 2.0)
    m.register_full_backward_hook(lambda module, gin, gout: (gin[0] * 0 + 5,))
    x = torch.ones(3, requires_grad=True)
    m(x).sum().backward()
    see(x.grad)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_returning_wrong_count_is_an_error(nn, see):
    """A full backward hook must return as many gradients as it received."""
    m = _scale(nn, 2.0)
    m.register_full_backward_hook(lambda module, gin, gout: (gin[0], gin[0]))
    x = torch.ones(3, requires_grad=True)
    see.raises(lambda: m(x).sum().backward())


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hooks_chain_each_sees_the_previous_result(nn, see):
    """The second full backward hook sees the grad_input returned by the first."""
    m = _scale(nn, 1.0)
    seen = []
    m.register_full_backward_hook(lambda module, gin, gout: (gin[0] + 1,))
    m.register_full_backward_hook(lambda module, gin, gout: seen.append(gin[0].tolist()))
    x = torch.zeros(2, requires_grad=True)
    m(x).sum().backward()
    see(seen)
    see(x.grad)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_prepend_runs_first(nn, see):
    """`prepend=True` puts a full backward hook before the others."""
    m = _scale(nn, 1.0)
    calls = []
    m.register_full_backward_hook(lambda module, gin, gout: calls.append("a"))
    m.register_full_backward_hook(lambda module, gin, gout: calls.append("b"), prepend=True)
    m(torch.ones(1, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_with_two_inputs_and_two_outputs(nn, see):
    """With several inputs and outputs, each gets its own gradient slot."""
    m = _two_in_two_out(nn)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append((gin, gout)))
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0, 5.0], requires_grad=True)
    p, s = m(a, b)
    (p.sum() + 2 * s.sum()).backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_gives_none_for_an_input_without_grad(nn, see):
    """An input that does not require grad gets None in grad_input."""
    m = _two_in_two_out(nn)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(gin))
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0, 5.0])
    m(a, b)[0].sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_gives_none_for_an_unused_output(nn, see):
    """An output that the loss does not use gets None in grad_output."""
    m = _two_in_two_out(nn)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(gout))
    a = torch.ones(2, requires_grad=True)
    m(a, torch.ones(2))[1].sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_gives_none_for_a_non_tensor_argument(nn, see):
    """A positional argument that is not a tensor gets a None slot."""

    class WithFlag(nn.Module):
        def forward(self, x, flag):
            return x * 2 if flag else x

    m = WithFlag()
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(gin))
    m(torch.ones(2, requires_grad=True), True).sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_fires_with_a_warning_when_no_input_needs_grad(nn, see):
    """If no input requires grad, the hook fires at the outputs with a warning and None inputs."""
    m = nn.Linear(2, 1)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append((gin, gout)))
    out = m(torch.ones(1, 2))
    see.warns(lambda: out.sum().backward())
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_without_input_grad_must_return_none(nn, see):
    """When no input requires grad, a hook that returns gradients is an error."""
    m = nn.Linear(2, 1)
    m.register_full_backward_hook(lambda module, gin, gout: (torch.ones(1, 2),))
    out = m(torch.ones(1, 2))
    see.raises(lambda: out.sum().backward())


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_without_input_grad_may_return_all_nones(nn, see):
    """When no input requires grad, a hook may return a tuple of Nones."""
    m = nn.Linear(2, 1)
    m.register_full_backward_hook(lambda module, gin, gout: (None,))
    out = m(torch.ones(1, 2))
    see.raises(lambda: out.sum().backward())
    see(m.weight.grad)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_is_not_wired_when_nothing_needs_grad(nn, see):
    """With no tensor requiring grad, the output has no grad_fn and no hook can fire."""
    m = _scale(nn, 2.0)
    m.register_full_backward_hook(lambda module, gin, gout: None)
    out = m(torch.ones(2))
    see(out.requires_grad)
    see(out.grad_fn is None)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_wraps_the_output_in_a_hook_node(nn, see):
    """A full hook puts an identity autograd node after the module: its name shows it."""
    m = _scale(nn, 2.0)
    m.register_full_backward_hook(lambda module, gin, gout: None)
    out = m(torch.ones(2, requires_grad=True))
    see(out.grad_fn.name())


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_warns_when_output_is_not_a_tensor_or_tuple(nn, see):
    """A module returning a dict cannot have its output wrapped: torch warns."""

    class DictOut(nn.Module):
        def forward(self, x):
            return {"y": x * 2}

    m = DictOut()
    m.register_full_backward_hook(lambda module, gin, gout: None)
    see.warns(lambda: m(torch.ones(2, requires_grad=True)))


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hooks_fire_from_last_module_to_first(nn, see):
    """In a Sequential, backward hooks fire from the last layer back to the first."""
    model = nn.Sequential(_scale(nn, 2.0), _scale(nn, 3.0))
    calls = []
    for name, module in model.named_children():
        module.register_full_backward_hook(lambda m, gin, gout, name=name: calls.append(name))
    model.register_full_backward_hook(lambda m, gin, gout: calls.append("seq"))
    model(torch.ones(2, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_full_backward_pre_hook",))
def backward_pre_hook_sees_grad_output(nn, see):
    """A backward pre-hook gets the gradients of the outputs."""
    m = _scale(nn, 2.0)
    got = []
    m.register_full_backward_pre_hook(lambda module, gout: got.append(gout))
    m(torch.ones(2, requires_grad=True)).sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_pre_hook",))
def backward_pre_hook_can_replace_grad_output(nn, see):
    """A tuple returned by a backward pre-hook replaces grad_output for the rest of backward."""
    m = _scale(nn, 2.0)
    m.register_full_backward_pre_hook(lambda module, gout: (gout[0] * 10,))
    x = torch.ones(2, requires_grad=True)
    m(x).sum().backward()
    see(x.grad)


@scenario("backward_hooks", methods=("register_full_backward_pre_hook",))
def backward_pre_hook_returning_wrong_count_is_an_error(nn, see):
    """A backward pre-hook must return as many gradients as it received."""
    m = _scale(nn, 2.0)
    m.register_full_backward_pre_hook(lambda module, gout: (gout[0], gout[0]))
    see.raises(lambda: m(torch.ones(2, requires_grad=True)).sum().backward())


@scenario("backward_hooks", methods=("register_full_backward_pre_hook",))
def backward_pre_hook_runs_before_the_full_hook(nn, see):
    """Pre-hooks run when the output gradient arrives, full hooks after the input gradient."""
    m = _scale(nn, 2.0)
    calls = []
    m.register_full_backward_hook(lambda module, gin, gout: calls.append(("full", gout[0].tolist())))
    m.register_full_backward_pre_hook(lambda module, gout: calls.append(("pre", gout[0].tolist())))
    m.register_full_backward_pre_hook(lambda module, gout: (gout[0] + 1,))
    m(torch.ones(2, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_full_backward_pre_hook",))
def backward_pre_hook_prepend_runs_first(nn, see):
    """`prepend=True` puts a backward pre-hook before the others."""
    m = _scale(nn, 2.0)
    calls = []
    m.register_full_backward_pre_hook(lambda module, gout: calls.append("a"))
    m.register_full_backward_pre_hook(lambda module, gout: calls.append("b"), prepend=True)
    m(torch.ones(2, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_full_backward_pre_hook",))
def backward_pre_hook_fires_even_when_no_input_needs_grad(nn, see):
    """A pre-hook alone fires at the outputs when only the parameters need grad."""
    m = nn.Linear(2, 1)
    got = []
    m.register_full_backward_pre_hook(lambda module, gout: got.append(gout))
    m(torch.ones(1, 2)).sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_sees_the_last_node_gradients(nn, see):
    """The deprecated hook sees the gradients of the last autograd node of forward."""
    m = nn.Linear(2, 1)
    got = []
    m.register_backward_hook(lambda module, gin, gout: got.append((len(gin), gout)))
    x = torch.ones(1, 2, requires_grad=True)
    m(x).sum().backward()
    see(got)


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_warns_when_forward_has_several_nodes(nn, see):
    """The deprecated hook warns (FutureWarning) when forward has more than one node."""
    m = nn.Sequential(_scale(nn, 2.0), _scale(nn, 3.0))
    m.register_backward_hook(lambda module, gin, gout: None)
    see.warns(lambda: m(torch.ones(2, requires_grad=True)))


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_warns_for_outputs_from_different_nodes(nn, see):
    """Two outputs made by different autograd nodes give a FutureWarning."""
    m = _two_in_two_out(nn)
    m.register_backward_hook(lambda module, gin, gout: None)
    see.warns(lambda: m(torch.ones(2, requires_grad=True), torch.ones(2)))


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_warns_for_a_dict_output(nn, see):
    """A module whose output is not a tensor or tuple of tensors gets a FutureWarning."""

    class DictOut(nn.Module):
        def forward(self, x):
            return {"y": x * 2}

    m = DictOut()
    m.register_backward_hook(lambda module, gin, gout: None)
    see.warns(lambda: m(torch.ones(2, requires_grad=True)))


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_warns_for_a_non_tensor_input(nn, see):
    """A positional input that is not a tensor gives a FutureWarning about grad_input."""

    class WithFlag(nn.Module):
        def forward(self, x, flag):
            return x * 2

    m = WithFlag()
    m.register_backward_hook(lambda module, gin, gout: None)
    see.warns(lambda: m(torch.ones(2, requires_grad=True), True))


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_gives_no_warning_for_a_single_node(nn, see):
    """One autograd node from input to output: the deprecated hook is silent and exact."""
    m = _scale(nn, 2.0)
    got = []
    m.register_backward_hook(lambda module, gin, gout: got.append((gin, gout)))
    x = torch.ones(2, requires_grad=True)
    see.warns(lambda: m(x).sum().backward())
    see(got)


@scenario("backward_hooks", methods=("register_backward_hook",))
def old_backward_hook_can_replace_the_gradient(nn, see):
    """A deprecated hook may return new gradients for its node's inputs."""
    m = _scale(nn, 2.0)
    m.register_backward_hook(lambda module, gin, gout: (torch.full((2,), 9.0), None))
    x = torch.ones(2, requires_grad=True)
    m(x).sum().backward()
    see(x.grad)


@scenario("backward_hooks", methods=("register_backward_hook", "register_full_backward_hook"))
def full_hook_after_old_hook_is_an_error(nn, see):
    """A module cannot have both old and full backward hooks."""
    m = nn.Linear(2, 2)
    m.register_backward_hook(lambda module, gin, gout: None)
    see.raises(lambda: m.register_full_backward_hook(lambda module, gin, gout: None))


@scenario("backward_hooks", methods=("register_backward_hook", "register_full_backward_hook"))
def old_hook_after_full_hook_is_an_error(nn, see):
    """Once a module has a full backward hook, the deprecated kind is refused."""
    m = nn.Linear(2, 2)
    m.register_full_backward_hook(lambda module, gin, gout: None)
    see.raises(lambda: m.register_backward_hook(lambda module, gin, gout: None))


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def removing_the_full_hook_does_not_reset_the_kind(nn, see):
    """After removing a full hook, the module still refuses the deprecated kind."""
    m = nn.Linear(2, 2)
    m.register_full_backward_hook(lambda module, gin, gout: None).remove()
    see(m._is_full_backward_hook)
    see.raises(lambda: m.register_backward_hook(lambda module, gin, gout: None))


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def removed_full_backward_hook_is_not_called(nn, see):
    """A removed backward hook no longer fires."""
    m = _scale(nn, 2.0)
    calls = []
    handle = m.register_full_backward_hook(lambda module, gin, gout: calls.append("hook"))
    m(torch.ones(1, requires_grad=True)).sum().backward()
    handle.remove()
    m(torch.ones(1, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_under_no_grad_is_not_wired(nn, see):
    """Under torch.no_grad() the inputs are not wrapped and no grad_fn appears."""
    m = _scale(nn, 2.0)
    m.register_full_backward_hook(lambda module, gin, gout: None)
    with torch.no_grad():
        out = m(torch.ones(2, requires_grad=True))
    see(out.grad_fn is None)


@scenario("backward_hooks", methods=("register_full_backward_hook", "register_forward_hook"))
def full_backward_hook_sees_gradient_of_output_replaced_by_forward_hook(nn, see):
    """The output node is added after forward hooks, so grad_output is for the hook's output."""
    m = _scale(nn, 2.0)
    got = []
    m.register_forward_hook(lambda module, args, out: out * 5)
    m.register_full_backward_hook(lambda module, gin, gout: got.append((gin, gout)))
    x = torch.ones(2, requires_grad=True)
    (m(x) * 3).sum().backward()
    see(got)
    see(x.grad)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_ignores_keyword_tensor_inputs(nn, see):
    """Only positional inputs get grad_input slots; a tensor passed by keyword has none."""

    class AddBias(nn.Module):
        def forward(self, x, bias=None):
            return x * bias

    m = AddBias()
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(gin))
    x = torch.ones(2, requires_grad=True)
    bias = torch.full((2,), 3.0, requires_grad=True)
    m(x, bias=bias).sum().backward()
    see(got)
    see(bias.grad)


@scenario("backward_hooks", methods=("register_full_backward_hook", "register_forward_pre_hook"))
def backward_hook_added_by_a_forward_pre_hook_waits_for_the_next_call(nn, see):
    """Backward hooks are collected before the forward pre-hooks run, so a new one starts next call."""
    m = _scale(nn, 2.0)
    calls = []

    def add_backward_hook(module, args):
        if not module._backward_hooks:
            module.register_full_backward_hook(lambda mod, gin, gout: calls.append("backward"))

    m.register_forward_pre_hook(add_backward_hook)
    m(torch.ones(1, requires_grad=True)).sum().backward()
    see(calls)
    m(torch.ones(1, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_keeps_a_namedtuple_output_type(nn, see):
    """A namedtuple output is rebuilt with its own type after wrapping."""
    import collections

    Pair = collections.namedtuple("Pair", ["first", "second"])

    class Split(nn.Module):
        def forward(self, x):
            return Pair(x * 2, x * 3)

    m = Split()
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(gout))
    out = m(torch.ones(2, requires_grad=True))
    see(type(out).__name__)
    (out.first.sum() + out.second.sum()).backward()
    see(got)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_fires_once_per_call(nn, see):
    """A module called twice in one graph fires its backward hook twice."""
    m = _scale(nn, 2.0)
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append(gout[0].tolist()))
    x = torch.ones(1, requires_grad=True)
    (m(m(x)) * 5).sum().backward()
    see(got)
    see(x.grad)


@scenario("backward_hooks", methods=("register_full_backward_hook",))
def full_backward_hook_on_a_module_that_returns_its_input(nn, see):
    """Identity returns its input tensor; the hook still sees input and output gradients."""
    m = nn.Identity()
    got = []
    m.register_full_backward_hook(lambda module, gin, gout: got.append((gin, gout)))
    x = torch.ones(2, requires_grad=True)
    (m(x) * 4).sum().backward()
    see(got)
    see(x.grad)
