"""Global hooks: registered once, they run for every module, before the module's own hooks."""

import torch

from conformance.registry import scenario


def _scale(nn, factor):
    """A module that multiplies its input by `factor`."""

    class Scale(nn.Module):
        def forward(self, x):
            return x * factor

    return Scale()


@scenario("hooks", methods=("register_module_forward_pre_hook",))
def global_forward_pre_hook_runs_before_the_module_pre_hook(nn, see):
    """A global forward pre-hook fires before the module's own, even if registered later."""
    m = nn.Identity()
    calls = []
    m.register_forward_pre_hook(lambda module, args: calls.append("own"))
    with nn.register_module_forward_pre_hook(lambda module, args: calls.append("global")):
        m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_module_forward_hook",))
def global_forward_hook_runs_before_the_module_hook(nn, see):
    """A global forward hook fires before the module's own forward hooks."""
    m = nn.Identity()
    calls = []
    m.register_forward_hook(lambda module, args, out: calls.append("own"), prepend=True)
    with nn.register_module_forward_hook(lambda module, args, out: calls.append("global")):
        m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_module_forward_hook",))
def global_forward_hook_sees_every_module_in_a_tree(nn, see):
    """A global hook fires for each module that is called, innermost first."""
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    names = []
    with nn.register_module_forward_hook(lambda module, args, out: names.append(type(module).__name__)):
        model(torch.ones(2))
    see(names)


@scenario("hooks", methods=("register_module_forward_hook",))
def global_forward_hook_can_replace_the_output(nn, see):
    """A global forward hook may return a new output, as a module hook may."""
    m = nn.Identity()
    with nn.register_module_forward_hook(lambda module, args, out: out + 1):
        see(m(torch.zeros(2)))
    see(m(torch.zeros(2)))


@scenario("hooks", methods=("register_module_forward_hook",))
def global_forward_hook_with_kwargs_gets_the_kwargs(nn, see):
    """A global `with_kwargs` forward hook is called with the call's kwargs."""
    m = nn.Linear(2, 1)
    got = []
    hook = lambda module, args, kwargs, out: got.append(sorted(kwargs))  # noqa: E731
    with nn.register_module_forward_hook(hook, with_kwargs=True):
        m(input=torch.ones(2))
    see(got)


@scenario("hooks", methods=("register_module_forward_hook",))
def global_always_call_hook_runs_when_forward_raises(nn, see):
    """A global `always_call` hook runs even when forward raises."""
    m = nn.Linear(2, 2)
    calls = []
    with nn.register_module_forward_hook(lambda module, args, out: calls.append(out), always_call=True):
        see.raises(lambda: m(torch.ones(3)))
    see(calls)


@scenario("hooks", methods=("register_module_forward_hook",))
def global_always_call_hook_error_becomes_a_warning(nn, see):
    """An error in a global `always_call` hook after a forward error is a warning."""
    m = nn.Linear(2, 2)

    def broken(module, args, out):
        raise ValueError("global hook broke")

    with nn.register_module_forward_hook(broken, always_call=True):
        see.warns(lambda: m(torch.ones(3)))


@scenario("backward_hooks", methods=("register_module_full_backward_hook",))
def global_full_backward_hook_runs_before_the_module_hook(nn, see):
    """A global full backward hook fires before the module's own full hook."""
    m = _scale(nn, 2.0)
    calls = []
    m.register_full_backward_hook(lambda module, gin, gout: calls.append("own"))
    with nn.register_module_full_backward_hook(lambda module, gin, gout: calls.append("global")):
        m(torch.ones(2, requires_grad=True)).sum().backward()
    see(calls)


@scenario("backward_hooks", methods=("register_module_full_backward_pre_hook",))
def global_backward_pre_hook_runs_before_the_module_pre_hook(nn, see):
    """A global backward pre-hook fires before the module's own and may change grad_output."""
    m = _scale(nn, 2.0)
    calls = []
    m.register_full_backward_pre_hook(lambda module, gout: calls.append(("own", gout[0].tolist())))

    def double(module, gout):
        calls.append(("global", gout[0].tolist()))
        return (gout[0] * 2,)

    x = torch.ones(2, requires_grad=True)
    with nn.register_module_full_backward_pre_hook(double):
        m(x).sum().backward()
    see(calls)
    see(x.grad)


@scenario("backward_hooks", methods=("register_module_backward_hook",))
def global_old_backward_hook_fires_on_the_last_node(nn, see):
    """The deprecated global backward hook also hangs on the output's grad_fn."""
    m = _scale(nn, 2.0)
    got = []
    with nn.register_module_backward_hook(lambda module, gin, gout: got.append(gout)):
        m(torch.ones(2, requires_grad=True)).sum().backward()
    see(got)


@scenario(
    "backward_hooks",
    methods=("register_module_backward_hook", "register_module_full_backward_hook"),
)
def global_full_backward_hook_after_old_one_is_an_error(nn, see):
    """Globally too, old and full backward hooks cannot be mixed."""
    with nn.register_module_backward_hook(lambda module, gin, gout: None):
        see.raises(lambda: nn.register_module_full_backward_hook(lambda module, gin, gout: None))


@scenario(
    "backward_hooks",
    methods=("register_module_backward_hook", "register_module_full_backward_hook"),
)
def global_old_backward_hook_after_full_one_is_an_error(nn, see):
    """Once a global full backward hook exists, the old kind is refused."""
    with nn.register_module_full_backward_hook(lambda module, gin, gout: None):
        see.raises(lambda: nn.register_module_backward_hook(lambda module, gin, gout: None))


@scenario("hooks", methods=("register_module_parameter_registration_hook",))
def global_parameter_registration_hook_can_replace_the_parameter(nn, see):
    """A parameter registration hook sees each new parameter and may return a replacement."""
    got = []

    def hook(module, name, param):
        got.append(name)
        return nn.Parameter(torch.zeros_like(param))

    with nn.register_module_parameter_registration_hook(hook):
        m = nn.Linear(2, 2)
    see(got)
    see(m.weight)


@scenario("hooks", methods=("register_module_buffer_registration_hook",))
def global_buffer_registration_hook_sees_each_buffer(nn, see):
    """A buffer registration hook fires for register_buffer and may replace the tensor."""
    got = []
    m = nn.Module()
    with nn.register_module_buffer_registration_hook(lambda module, name, buf: got.append(name) or buf + 1):
        m.register_buffer("count", torch.zeros(1))
    see(got)
    see(m.count)


@scenario("hooks", methods=("register_module_module_registration_hook",))
def global_module_registration_hook_sees_each_submodule(nn, see):
    """A module registration hook fires when a submodule is assigned."""
    got = []
    m = nn.Module()
    with nn.register_module_module_registration_hook(lambda module, name, sub: got.append((name, type(sub).__name__))):
        m.child = nn.Identity()
        m.add_module("other", nn.ReLU())
    see(got)
