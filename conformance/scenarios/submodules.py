"""get_submodule, set_submodule, get_parameter, get_buffer and their errors."""

import torch

from conformance.registry import scenario


def _net(nn):
    root = nn.Module()
    root.enc = nn.Module()
    root.enc.lin = nn.Linear(2, 2)
    root.enc.register_buffer("steps", torch.tensor(3))
    root.enc.flag = 1
    return root


@scenario("submodules", methods=("get_submodule",))
def get_submodule_by_path(nn, see):
    """get_submodule follows a dotted path."""
    root = _net(nn)
    see.same(root.get_submodule("enc.lin"), root.enc.lin)


@scenario("submodules", methods=("get_submodule",))
def get_submodule_empty_is_self(nn, see):
    """get_submodule('') returns the module itself."""
    root = _net(nn)
    see.same(root.get_submodule(""), root)


@scenario("submodules", methods=("get_submodule",))
def get_submodule_missing(nn, see):
    """A missing step in the path raises AttributeError."""
    see.raises(lambda: _net(nn).get_submodule("enc.nope"))


@scenario("submodules", methods=("get_submodule",))
def get_submodule_not_a_module(nn, see):
    """A path that reaches a non-module raises AttributeError."""
    see.raises(lambda: _net(nn).get_submodule("enc.flag"))
    see.raises(lambda: _net(nn).get_submodule("enc.lin.weight"))


@scenario("submodules", methods=("set_submodule",))
def set_submodule_replaces(nn, see):
    """set_submodule puts a new module at a dotted path."""
    root = _net(nn)
    new = nn.Identity()
    root.set_submodule("enc.lin", new)
    see.same(root.enc.lin, new)


@scenario("submodules", methods=("set_submodule",))
def set_submodule_empty_target(nn, see):
    """set_submodule('') raises ValueError."""
    see.raises(lambda: _net(nn).set_submodule("", nn.Identity()))


@scenario("submodules", methods=("set_submodule",))
def set_submodule_non_module(nn, see):
    """set_submodule with a non-module raises ValueError."""
    see.raises(lambda: _net(nn).set_submodule("enc.lin", 3))


@scenario("submodules", methods=("set_submodule",))
def set_submodule_missing_parent(nn, see):
    """set_submodule through a missing parent raises AttributeError."""
    see.raises(lambda: _net(nn).set_submodule("nope.lin", nn.Identity()))


@scenario("submodules", methods=("set_submodule",))
def set_submodule_strict_needs_existing(nn, see):
    """strict=True refuses to add a new name."""
    see.raises(lambda: _net(nn).set_submodule("enc.extra", nn.Identity(), strict=True))
    root = _net(nn)
    root.set_submodule("enc.extra", nn.Identity())
    see.keys(root.enc.named_children())


@scenario("submodules", methods=("set_submodule",))
def set_submodule_over_non_module(nn, see):
    """set_submodule over a plain attribute raises AttributeError."""
    see.raises(lambda: _net(nn).set_submodule("enc.flag", nn.Identity()))


@scenario("submodules", methods=("get_parameter",))
def get_parameter_by_path(nn, see):
    """get_parameter follows a dotted path."""
    root = _net(nn)
    see.same(root.get_parameter("enc.lin.bias"), root.enc.lin.bias)


@scenario("submodules", methods=("get_parameter",))
def get_parameter_missing(nn, see):
    """A missing parameter raises AttributeError."""
    see.raises(lambda: _net(nn).get_parameter("enc.lin.nope"))


@scenario("submodules", methods=("get_parameter",))
def get_parameter_not_a_parameter(nn, see):
    """A buffer asked for as a parameter raises AttributeError."""
    see.raises(lambda: _net(nn).get_parameter("enc.steps"))


@scenario("submodules", methods=("get_parameter",))
def get_parameter_bad_module_path(nn, see):
    """A bad module part of the path raises AttributeError."""
    see.raises(lambda: _net(nn).get_parameter("dec.lin.weight"))


@scenario("submodules", methods=("get_buffer",))
def get_buffer_by_path(nn, see):
    """get_buffer follows a dotted path."""
    root = _net(nn)
    see(root.get_buffer("enc.steps"))


@scenario("submodules", methods=("get_buffer",))
def get_buffer_missing(nn, see):
    """A missing buffer raises AttributeError."""
    see.raises(lambda: _net(nn).get_buffer("enc.nope"))


@scenario("submodules", methods=("get_buffer",))
def get_buffer_not_a_buffer(nn, see):
    """A parameter or plain attribute asked for as a buffer raises AttributeError."""
    see.raises(lambda: _net(nn).get_buffer("enc.lin.weight"))
    see.raises(lambda: _net(nn).get_buffer("enc.flag"))
