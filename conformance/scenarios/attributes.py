"""Attribute routing: __setattr__, __getattr__, __delattr__."""

import torch

from conformance.registry import scenario


@scenario("attributes", methods=("__setattr__",))
def assigning_parameter_registers_it(nn, see):
    """m.w = Parameter(...) puts it in _parameters, not __dict__."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1))
    see.keys(m._parameters)
    see("w" in m.__dict__)


@scenario("attributes", methods=("__setattr__",))
def assigning_module_registers_it(nn, see):
    """m.c = Module() puts it in _modules."""
    m = nn.Module()
    m.c = nn.Identity()
    see.keys(m._modules)
    see("c" in m.__dict__)


@scenario("attributes", methods=("__setattr__",))
def assigning_plain_tensor_is_plain_attribute(nn, see):
    """A plain tensor attribute is not a buffer."""
    m = nn.Module()
    m.t = torch.zeros(1)
    see.keys(m._buffers)
    see("t" in m.__dict__)
    see.keys(m.state_dict())


@scenario("attributes", methods=("__setattr__",))
def assigning_tensor_into_buffer_slot(nn, see):
    """A tensor assigned to a buffer name replaces the buffer."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    m.b = torch.ones(2)
    see(m._buffers["b"])


@scenario("attributes", methods=("__setattr__",))
def assigning_none_into_buffer_slot(nn, see):
    """None assigned to a buffer name keeps the slot as None."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    m.b = None
    see.keys(m._buffers)
    see(m.b)


@scenario("attributes", methods=("__setattr__",))
def assigning_non_tensor_into_buffer_slot_fails(nn, see):
    """A non-tensor assigned to a buffer name raises TypeError."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))

    def assign():
        m.b = 3

    see.raises(assign)


@scenario("attributes", methods=("__setattr__",))
def assigning_tensor_into_parameter_slot_fails(nn, see):
    """A plain tensor cannot replace a parameter."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1))

    def assign():
        m.w = torch.ones(1)

    see.raises(assign)


@scenario("attributes", methods=("__setattr__",))
def assigning_none_into_parameter_slot(nn, see):
    """None assigned to a parameter name keeps the slot as None."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1))
    m.w = None
    see.keys(m._parameters)
    see(m.w)


@scenario("attributes", methods=("__setattr__",))
def assigning_non_module_into_module_slot_fails(nn, see):
    """A non-module cannot replace a submodule."""
    m = nn.Module()
    m.c = nn.Identity()

    def assign():
        m.c = 3

    see.raises(assign)


@scenario("attributes", methods=("__setattr__",))
def assigning_none_into_module_slot(nn, see):
    """None assigned to a submodule name keeps the slot."""
    m = nn.Module()
    m.c = nn.Identity()
    m.c = None
    see.keys(m._modules)
    see(m.c)


@scenario("attributes", methods=("__setattr__",))
def parameter_moves_from_dict_to_parameters(nn, see):
    """A plain attribute becomes a parameter when a Parameter is assigned."""
    m = nn.Module()
    m.w = 1
    m.w = nn.Parameter(torch.zeros(1))
    see("w" in m.__dict__)
    see.keys(m._parameters)


@scenario("attributes", methods=("__setattr__",))
def parameter_replaces_buffer(nn, see):
    """A Parameter assigned to a buffer name moves it to _parameters."""
    m = nn.Module()
    m.register_buffer("x", torch.zeros(1))
    m.x = nn.Parameter(torch.zeros(1))
    see.keys(m._buffers)
    see.keys(m._parameters)


@scenario("attributes", methods=("__setattr__",))
def module_into_parameter_slot_fails(nn, see):
    """A Module cannot be assigned to a parameter name."""
    m = nn.Module()
    m.x = nn.Parameter(torch.zeros(1))

    def assign():
        m.x = nn.Identity()

    see.raises(assign)
    see.keys(m._modules)


@scenario("attributes", methods=("__setattr__",))
def module_replaces_buffer(nn, see):
    """A Module assigned to a buffer name moves it to _modules."""
    m = nn.Module()
    m.register_buffer("x", torch.zeros(1))
    m.x = nn.Identity()
    see.keys(m._buffers)
    see.keys(m._modules)


@scenario("attributes", methods=("__setattr__",))
def assign_parameter_before_init_fails(nn, see):
    """Assigning a Parameter before Module.__init__ raises AttributeError."""

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(torch.zeros(1))

    see.raises(Early)


@scenario("attributes", methods=("__setattr__",))
def assign_module_before_init_fails(nn, see):
    """Assigning a Module before Module.__init__ raises AttributeError."""

    class Early(nn.Module):
        def __init__(self):
            self.c = nn.Identity()

    see.raises(Early)


@scenario("attributes", methods=("__setattr__",))
def assign_plain_value_before_init_is_fine(nn, see):
    """A plain attribute may be set before Module.__init__."""

    class Early(nn.Module):
        def __init__(self):
            self.size = 3
            super().__init__()

    see(Early().size)


@scenario("attributes", methods=("__getattr__",))
def missing_attribute_error_names_class(nn, see):
    """A missing attribute raises AttributeError naming the class."""

    class Net(nn.Module):
        pass

    see.raises(lambda: Net().nothing)


@scenario("attributes", methods=("__getattr__",))
def property_raising_attribute_error(nn, see):
    """A property that raises AttributeError is reported through __getattr__."""

    class Net(nn.Module):
        @property
        def broken(self):
            return self.missing_inside

    see.raises(lambda: Net().broken)


@scenario("attributes", methods=("__getattr__",))
def getattr_reads_buffers_and_modules(nn, see):
    """Buffers and submodules are read through __getattr__."""
    m = nn.Module()
    m.register_buffer("b", torch.ones(1))
    m.c = nn.Identity()
    see(m.b)
    see.type(m.c)


@scenario("attributes", methods=("__delattr__",))
def delattr_removes_parameter(nn, see):
    """del m.w removes a parameter."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1))
    del m.w
    see.keys(m._parameters)
    see(hasattr(m, "w"))


@scenario("attributes", methods=("__delattr__",))
def delattr_removes_buffer_and_flag(nn, see):
    """del m.b removes a buffer and its non-persistent flag."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1), persistent=False)
    del m.b
    see.keys(m._buffers)
    see(m._non_persistent_buffers_set)


@scenario("attributes", methods=("__delattr__",))
def delattr_removes_module(nn, see):
    """del m.c removes a submodule."""
    m = nn.Module()
    m.c = nn.Identity()
    del m.c
    see.keys(m._modules)


@scenario("attributes", methods=("__delattr__",))
def delattr_plain_and_missing(nn, see):
    """del works for plain attributes and raises for missing ones."""
    m = nn.Module()
    m.x = 1

    def delete(name):
        delattr(m, name)

    see.raises(delete, "x")
    see.raises(delete, "x")


@scenario("attributes", methods=("__setattr__",))
def setattr_class_attribute_shadow(nn, see):
    """Setting training writes a plain instance attribute."""
    m = nn.Module()
    m.training = False
    see(m.training)
    see("training" in m.__dict__)


@scenario("attributes", methods=("__setattr__",))
def parameter_replaces_submodule(nn, see):
    """A Parameter assigned to a submodule name moves it to _parameters."""
    m = nn.Module()
    m.c = nn.Identity()
    m.c = nn.Parameter(torch.zeros(1))
    see.keys(m._modules)
    see.keys(m._parameters)


@scenario("attributes", methods=("__setattr__",))
def buffer_object_sets_non_persistent(nn, see):
    """Assigning nn.Buffer(persistent=False) over a buffer marks it non-persistent."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    m.b = nn.Buffer(torch.ones(1), persistent=False)
    see(m._non_persistent_buffers_set)
    see.keys(m.state_dict())


@scenario("attributes", methods=("__setattr__",))
def plain_tensor_into_non_persistent_slot_stays_non_persistent(nn, see):
    """A plain tensor assigned over a non-persistent buffer keeps the flag."""
    m = nn.Module()
    m.x = nn.Buffer(torch.zeros(1), persistent=False)
    m.x = torch.ones(1)
    see(m._non_persistent_buffers_set)


@scenario("attributes", methods=("__getattr__",))
def getattr_before_init_fails(nn, see):
    """Reading a missing attribute before Module.__init__ raises AttributeError."""

    class Early(nn.Module):
        def __init__(self):
            self.size

    see.raises(Early)
