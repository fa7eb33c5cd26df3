"""register_parameter, register_buffer, add_module: every branch, with torch's errors."""

import torch

from conformance.registry import scenario


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_dotted_name(nn, see):
    """A buffer name cannot contain a dot."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer("a.b", torch.zeros(1)))


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_empty_name(nn, see):
    """An empty buffer name is a KeyError."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer("", torch.zeros(1)))


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_non_string_name(nn, see):
    """A buffer name must be a string."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer(3, torch.zeros(1)))


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_existing_attribute(nn, see):
    """A name already used by a plain attribute cannot become a buffer."""
    m = nn.Module()
    m.x = 5
    see.raises(lambda: m.register_buffer("x", torch.zeros(1)))


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_non_tensor(nn, see):
    """A buffer must be a Tensor or None."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer("b", [1, 2]))


@scenario("registration", methods=("register_buffer",))
def register_buffer_before_init_fails(nn, see):
    """register_buffer before Module.__init__ raises AttributeError."""

    class Early(nn.Module):
        def __init__(self):
            self.register_buffer("b", torch.zeros(1))

    see.raises(Early)


@scenario("registration", methods=("register_buffer",))
def register_buffer_accepts_none(nn, see):
    """A None buffer is stored in _buffers and read back as None."""
    m = nn.Module()
    m.register_buffer("b", None)
    see(m.b)
    see.keys(m._buffers)


@scenario("registration", methods=("register_buffer",))
def register_buffer_twice_replaces(nn, see):
    """Registering a buffer again under the same name replaces it."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    m.register_buffer("b", torch.ones(2))
    see(m.b)


@scenario("registration", methods=("register_buffer",))
def register_buffer_non_persistent_is_remembered(nn, see):
    """persistent=False puts the name in _non_persistent_buffers_set."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1), persistent=False)
    see(m._non_persistent_buffers_set)


@scenario("registration", methods=("register_buffer",))
def register_buffer_persistent_again_clears_flag(nn, see):
    """Registering the same name as persistent removes it from the non-persistent set."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1), persistent=False)
    m.register_buffer("b", torch.zeros(1))
    see(m._non_persistent_buffers_set)
    see.keys(m.state_dict())


@scenario("registration", methods=("register_buffer",))
def register_buffer_over_parameter_fails(nn, see):
    """A parameter name cannot be re-registered as a buffer."""
    m = nn.Module()
    m.register_parameter("w", nn.Parameter(torch.zeros(1)))
    see.raises(lambda: m.register_buffer("w", torch.zeros(1)))


@scenario("registration", methods=("register_buffer",))
def register_buffer_with_parameter_value_is_allowed(nn, see):
    """A Parameter object may be registered as a buffer."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer("b", nn.Parameter(torch.zeros(1))))
    see.keys(m._buffers)
    see.keys(m._parameters)


@scenario("registration", methods=("register_buffer",))
def register_buffer_keeps_the_same_tensor(nn, see):
    """The buffer is the very tensor passed in, not a copy."""
    m = nn.Module()
    t = torch.zeros(2)
    m.register_buffer("b", t)
    see.same(m.b, t)


@scenario("registration", methods=("register_buffer",))
def register_buffer_name_with_dot_in_middle(nn, see):
    """Any dot in a buffer name is rejected."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer("running.mean", torch.zeros(1)))


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_dotted_name(nn, see):
    """A parameter name cannot contain a dot."""
    m = nn.Module()
    see.raises(lambda: m.register_parameter("a.b", nn.Parameter(torch.zeros(1))))


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_empty_name(nn, see):
    """An empty parameter name is a KeyError."""
    m = nn.Module()
    see.raises(lambda: m.register_parameter("", nn.Parameter(torch.zeros(1))))


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_non_string_name(nn, see):
    """A parameter name must be a string."""
    m = nn.Module()
    see.raises(lambda: m.register_parameter(1.5, nn.Parameter(torch.zeros(1))))


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_plain_tensor(nn, see):
    """A plain tensor cannot be registered as a parameter."""
    m = nn.Module()
    see.raises(lambda: m.register_parameter("w", torch.zeros(1)))


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_existing_attribute(nn, see):
    """A name already used by a plain attribute cannot become a parameter."""
    m = nn.Module()
    m.w = "text"
    see.raises(lambda: m.register_parameter("w", nn.Parameter(torch.zeros(1))))


@scenario("registration", methods=("register_parameter",))
def register_parameter_before_init_fails(nn, see):
    """register_parameter before Module.__init__ raises AttributeError."""

    class Early(nn.Module):
        def __init__(self):
            self.register_parameter("w", None)

    see.raises(Early)


@scenario("registration", methods=("register_parameter",))
def register_parameter_accepts_none(nn, see):
    """A None parameter is kept in _parameters."""
    m = nn.Module()
    m.register_parameter("w", None)
    see(m.w)
    see.keys(m._parameters)
    see.keys(m.named_parameters())


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_result_of_op(nn, see):
    """The result of an op on a Parameter is a plain tensor, so it is rejected."""
    m = nn.Module()
    w = nn.Parameter(torch.ones(2))
    see.raises(lambda: m.register_parameter("w", w * 2))


@scenario("registration", methods=("register_parameter",))
def register_parameter_over_buffer_fails(nn, see):
    """A buffer name cannot be re-registered as a parameter."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    see.raises(lambda: m.register_parameter("b", nn.Parameter(torch.zeros(1))))


@scenario("registration", methods=("add_module",))
def add_module_rejects_dotted_name(nn, see):
    """A submodule name cannot contain a dot."""
    m = nn.Module()
    see.raises(lambda: m.add_module("a.b", nn.Identity()))


@scenario("registration", methods=("add_module",))
def add_module_rejects_empty_name(nn, see):
    """An empty submodule name is a KeyError."""
    m = nn.Module()
    see.raises(lambda: m.add_module("", nn.Identity()))


@scenario("registration", methods=("add_module",))
def add_module_rejects_non_module(nn, see):
    """add_module only takes Modules or None."""
    m = nn.Module()
    see.raises(lambda: m.add_module("x", 3))


@scenario("registration", methods=("add_module",))
def add_module_rejects_non_string_name(nn, see):
    """A submodule name must be a string."""
    m = nn.Module()
    see.raises(lambda: m.add_module(7, nn.Identity()))


@scenario("registration", methods=("add_module",))
def add_module_rejects_existing_attribute(nn, see):
    """A name already used by a plain attribute cannot become a submodule."""
    m = nn.Module()
    m.x = 1
    see.raises(lambda: m.add_module("x", nn.Identity()))


@scenario("registration", methods=("add_module",))
def add_module_accepts_none(nn, see):
    """A None submodule is kept and skipped by children()."""
    m = nn.Module()
    m.add_module("x", None)
    see(m.x)
    see.keys(m._modules)
    see(len(list(m.children())))


@scenario("registration", methods=("register_module",))
def register_module_is_add_module(nn, see):
    """register_module stores the submodule like add_module."""
    m = nn.Module()
    child = nn.Identity()
    m.register_module("c", child)
    see.same(m.c, child)
    see.raises(lambda: m.register_module("a.b", child))


@scenario("registration", methods=("__init__",))
def fresh_module_state(nn, see):
    """A new Module starts in training mode with empty dicts."""
    m = nn.Module()
    see(m.training)
    see.keys(m._parameters)
    see.keys(m._buffers)
    see.keys(m._modules)


@scenario("registration", methods=("__init__",))
def init_rejects_unexpected_arguments(nn, see):
    """Module.__init__ with extra arguments raises TypeError."""
    see.raises(lambda: nn.Module(3))
    see.raises(lambda: nn.Module(foo=1))


@scenario("registration", methods=("_forward_unimplemented",))
def forward_not_overridden_raises(nn, see):
    """Calling a Module with no forward raises NotImplementedError."""
    m = nn.Module()
    see.raises(lambda: m(torch.zeros(1)))


@scenario("registration", methods=("__init__",))
def call_super_init_passes_arguments_on(nn, see):
    """With call_super_init=True, extra arguments go to the next class."""

    class Base:
        def __init__(self, *args, **kwargs):
            self.got = (args, kwargs)

    class Mixed(nn.Module, Base):
        call_super_init = True

    m = Mixed(1, k=2)
    see(m.got)


@scenario("registration", methods=("register_buffer",))
def register_buffer_rejects_class_attribute_name(nn, see):
    """A name like 'training' that already exists cannot become a buffer."""
    m = nn.Module()
    see.raises(lambda: m.register_buffer("training", torch.zeros(1)))


@scenario("registration", methods=("register_buffer",))
def register_buffer_over_submodule_fails(nn, see):
    """A submodule name cannot be re-registered as a buffer."""
    m = nn.Module()
    m.c = nn.Identity()
    see.raises(lambda: m.register_buffer("c", torch.zeros(1)))


@scenario("registration", methods=("register_parameter",))
def register_parameter_rejects_method_name(nn, see):
    """A method name like 'forward' cannot become a parameter."""
    m = nn.Module()
    see.raises(lambda: m.register_parameter("forward", nn.Parameter(torch.zeros(1))))


@scenario("registration", methods=("add_module",))
def add_module_replaces_existing_submodule(nn, see):
    """add_module with a used submodule name replaces the submodule."""
    m = nn.Module()
    m.c = nn.Identity()
    m.add_module("c", nn.Linear(1, 1))
    see.type(m.c)


@scenario("registration", methods=("add_module",))
def add_module_rejects_class_attribute_name(nn, see):
    """add_module refuses a name that is already an attribute of the class."""
    m = nn.Module()
    see.raises(lambda: m.add_module("training", nn.Identity()))
