"""Calling a module: forward pre-hooks and forward hooks, their order and return values."""

import torch

from conformance.registry import scenario


def _tagged(nn, tag, calls):
    """A module whose forward records `tag` in `calls` and returns its input plus one."""

    class Tagged(nn.Module):
        def forward(self, x, scale=1):
            calls.append(tag)
            return x * scale + 1

    return Tagged()


@scenario("hooks", methods=("register_forward_pre_hook", "register_forward_hook"))
def pre_hook_then_forward_then_forward_hook(nn, see):
    """A call runs the pre-hooks, then forward, then the forward hooks."""
    calls = []
    m = _tagged(nn, "forward", calls)
    m.register_forward_hook(lambda module, args, out: calls.append("hook"))
    m.register_forward_pre_hook(lambda module, args: calls.append("pre"))
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_receives_the_positional_args_as_a_tuple(nn, see):
    """A pre-hook gets the module and a tuple of the positional arguments."""
    m = nn.Identity()
    got = []
    m.register_forward_pre_hook(lambda module, args: got.append((module is m, args)))
    m(torch.ones(2))
    see(got)


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_returning_a_tuple_replaces_the_args(nn, see):
    """A tuple returned by a pre-hook becomes the new positional arguments."""
    m = nn.Identity()
    m.register_forward_pre_hook(lambda module, args: (args[0] * 10,))
    see(m(torch.ones(2)))


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_returning_one_value_wraps_it_in_a_tuple(nn, see):
    """A single value returned by a pre-hook becomes a one-element args tuple."""
    m = nn.Identity()
    m.register_forward_pre_hook(lambda module, args: args[0] - 5)
    see(m(torch.ones(2)))


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_returning_none_keeps_the_args(nn, see):
    """A pre-hook that returns None leaves the arguments alone."""
    m = nn.Identity()
    m.register_forward_pre_hook(lambda module, args: None)
    see(m(torch.full((2,), 3.0)))


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hooks_chain_each_sees_the_previous_args(nn, see):
    """The second pre-hook sees the args returned by the first."""
    m = nn.Identity()
    seen = []
    m.register_forward_pre_hook(lambda module, args: (args[0] + 1,))
    m.register_forward_pre_hook(lambda module, args: seen.append(args[0].tolist()))
    m(torch.zeros(2))
    see(seen)


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_without_kwargs_does_not_see_keyword_args(nn, see):
    """Keyword arguments go to forward but not to a plain pre-hook."""
    calls = []
    m = _tagged(nn, "forward", calls)
    got = []
    m.register_forward_pre_hook(lambda module, args: got.append(len(args)))
    see(m(torch.ones(1), scale=3))
    see(got)


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_with_kwargs_sees_and_replaces_kwargs(nn, see):
    """A `with_kwargs` pre-hook gets the kwargs and may return new (args, kwargs)."""
    calls = []
    m = _tagged(nn, "forward", calls)
    got = []

    def hook(module, args, kwargs):
        got.append(sorted(kwargs))
        return args, {"scale": 100}

    m.register_forward_pre_hook(hook, with_kwargs=True)
    see(m(torch.ones(1), scale=3))
    see(got)


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_with_kwargs_returning_a_triple_is_an_error(nn, see):
    """A `with_kwargs` pre-hook must return a pair, not three values."""
    m = nn.Identity()
    m.register_forward_pre_hook(lambda module, args, kwargs: (args, kwargs, 1), with_kwargs=True)
    see.raises(lambda: m(torch.ones(1)))


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_prepend_runs_first(nn, see):
    """`prepend=True` puts a pre-hook before the ones already registered."""
    m = nn.Identity()
    calls = []
    m.register_forward_pre_hook(lambda module, args: calls.append("a"))
    m.register_forward_pre_hook(lambda module, args: calls.append("b"), prepend=True)
    m.register_forward_pre_hook(lambda module, args: calls.append("c"))
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_receives_args_and_output(nn, see):
    """A forward hook gets the module, the args tuple and the output."""
    m = nn.Linear(2, 1)
    got = []
    m.register_forward_hook(lambda module, args, out: got.append((args, out)))
    out = m(torch.ones(2))
    see(got)
    see.same(got[0][1], out)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_return_value_replaces_the_output(nn, see):
    """A value returned by a forward hook is what the call returns."""
    m = nn.Identity()
    m.register_forward_hook(lambda module, args, out: out * -1)
    see(m(torch.ones(2)))


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_may_return_a_non_tensor(nn, see):
    """A forward hook may turn the output into any object, such as a string."""
    m = nn.Identity()
    m.register_forward_hook(lambda module, args, out: "replaced")
    see(m(torch.ones(2)))


@scenario("hooks", methods=("register_forward_hook",))
def forward_hooks_chain_each_sees_the_previous_output(nn, see):
    """The second forward hook sees the output returned by the first."""
    m = nn.Identity()
    seen = []
    m.register_forward_hook(lambda module, args, out: out + 1)
    m.register_forward_hook(lambda module, args, out: seen.append(out.tolist()))
    see(m(torch.zeros(2)))
    see(seen)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_sees_the_args_changed_by_a_pre_hook(nn, see):
    """The args a forward hook receives are the ones the pre-hooks produced."""
    m = nn.Identity()
    seen = []
    m.register_forward_pre_hook(lambda module, args: (args[0] * 7,))
    m.register_forward_hook(lambda module, args, out: seen.append(args[0].tolist()))
    m(torch.ones(1))
    see(seen)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_with_kwargs_gets_four_arguments(nn, see):
    """A `with_kwargs` forward hook is called as hook(module, args, kwargs, output)."""
    calls = []
    m = _tagged(nn, "forward", calls)
    got = []
    m.register_forward_hook(lambda module, args, kwargs, out: got.append((kwargs, out)), with_kwargs=True)
    m(torch.ones(1), scale=2)
    see(got)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_prepend_runs_first(nn, see):
    """`prepend=True` puts a forward hook before the ones already registered."""
    m = nn.Identity()
    calls = []
    m.register_forward_hook(lambda module, args, out: calls.append("a"))
    m.register_forward_hook(lambda module, args, out: calls.append("b"), prepend=True)
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_does_not_run_when_forward_raises(nn, see):
    """Without `always_call`, a forward hook is skipped when forward raises."""
    m = nn.Linear(2, 2)
    calls = []
    m.register_forward_hook(lambda module, args, out: calls.append("hook"))
    see.raises(lambda: m(torch.ones(3)))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def always_call_hook_sees_none_as_output_when_forward_raises(nn, see):
    """When forward raises, an `always_call` hook gets None as the output."""
    m = nn.Linear(2, 2)
    outs = []
    m.register_forward_hook(lambda module, args, out: outs.append(out), always_call=True)
    see.raises(lambda: m(torch.ones(3)))
    see(outs)


@scenario("hooks", methods=("register_forward_hook",))
def always_call_hook_after_a_failing_hook_sees_the_changed_output(nn, see):
    """If a forward hook raises, later `always_call` hooks see the output as earlier hooks left it."""
    m = nn.Identity()
    seen = []

    def fail(module, args, out):
        raise ValueError("hook failed")

    m.register_forward_hook(lambda module, args, out: out + 100)
    m.register_forward_hook(fail)
    m.register_forward_hook(lambda module, args, out: seen.append(out.tolist()), always_call=True)
    see.raises(lambda: m(torch.zeros(1)))
    see(seen)


@scenario("hooks", methods=("register_forward_hook",))
def always_call_hook_that_ran_is_not_run_again_on_error(nn, see):
    """An `always_call` hook that already ran is not called a second time when a later hook raises."""
    m = nn.Identity()
    calls = []

    def fail(module, args, out):
        raise ValueError("late failure")

    m.register_forward_hook(lambda module, args, out: calls.append("always"), always_call=True)
    m.register_forward_hook(fail)
    see.raises(lambda: m(torch.zeros(1)))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def always_call_hook_error_becomes_a_warning(nn, see):
    """An error inside an `always_call` hook is a warning; forward's error is raised."""
    m = nn.Linear(2, 2)

    def broken(module, args, out):
        raise KeyError("inside hook")

    m.register_forward_hook(broken, always_call=True)
    see.warns(lambda: m(torch.ones(3)))


@scenario("hooks", methods=("register_forward_hook",))
def always_call_hook_with_kwargs_gets_kwargs_on_error(nn, see):
    """A module `always_call` hook with kwargs is called with the kwargs when forward raises."""
    m = nn.Linear(2, 2)
    got = []
    m.register_forward_hook(
        lambda module, args, kwargs, out: got.append((sorted(kwargs), out)), with_kwargs=True, always_call=True
    )
    see.raises(lambda: m(input=torch.ones(3)))
    see(got)


@scenario("hooks", methods=("register_forward_pre_hook", "register_forward_hook"))
def always_call_hook_runs_when_a_pre_hook_raises(nn, see):
    """An error in a pre-hook also triggers the `always_call` hooks, with the original args."""
    m = nn.Identity()
    got = []

    def fail(module, args):
        raise RuntimeError("pre failed")

    m.register_forward_pre_hook(fail)
    m.register_forward_hook(lambda module, args, out: got.append((args, out)), always_call=True)
    see.raises(lambda: m(torch.ones(1)))
    see(got)


@scenario("hooks", methods=("register_forward_pre_hook", "register_forward_hook"))
def hooks_run_in_order_across_nested_modules(nn, see):
    """Outer pre-hook, inner pre-hook, inner hook, outer hook: calls nest like brackets."""
    calls = []
    outer = nn.Sequential(nn.Identity(), nn.Identity())
    for name, module in outer.named_modules():
        label = name or "outer"
        module.register_forward_pre_hook(lambda m, args, label=label: calls.append(("pre", label)))
        module.register_forward_hook(lambda m, args, out, label=label: calls.append(("post", label)))
    outer(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_is_skipped_when_calling_forward_directly(nn, see):
    """`m.forward(x)` skips every hook; only `m(x)` runs them."""
    m = nn.Identity()
    calls = []
    m.register_forward_hook(lambda module, args, out: calls.append("hook"))
    m.forward(torch.ones(1))
    see(calls)
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_added_during_a_call_runs_from_the_next_call(nn, see):
    """A hook registered by a running forward hook is not called in that same call."""
    m = nn.Identity()
    calls = []

    def adder(module, args, out):
        calls.append("adder")
        if len(calls) == 1:
            module.register_forward_hook(lambda mod, a, o: calls.append("late"))

    m.register_forward_hook(adder)
    see.raises(lambda: m(torch.ones(1)))
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_pre_hook",))
def pre_hook_may_remove_itself_while_running(nn, see):
    """A hook that removes its own handle while it runs is called once only."""
    m = nn.Identity()
    calls = []
    handles = []

    def once(module, args):
        calls.append("once")
        handles[0].remove()

    handles.append(m.register_forward_pre_hook(once))
    m(torch.ones(1))
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_hook",))
def forward_hook_keeps_the_output_autograd_graph(nn, see):
    """An output changed in a hook still carries gradients back to the input."""
    m = nn.Linear(2, 1)
    m.register_forward_hook(lambda module, args, out: out * 3)
    x = torch.ones(2, requires_grad=True)
    m(x).sum().backward()
    see(x.grad)
