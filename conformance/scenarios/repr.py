"""__repr__, extra_repr, _get_name and __dir__."""

import torch

from conformance.registry import scenario


@scenario("repr", methods=("__repr__",))
def empty_module_repr(nn, see):
    """An empty Module prints as 'Module()'."""
    see.repr(nn.Module())


@scenario("repr", methods=("__repr__",))
def user_module_repr_nested(nn, see):
    """Children are printed indented under their names."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.Linear(2, 3)
            self.act = nn.Identity()

    see.repr(Net())


@scenario("repr", methods=("__repr__",))
def repr_deep_nesting_indents(nn, see):
    """Each level of nesting adds two spaces."""
    root = nn.Module()
    root.a = nn.Module()
    root.a.b = nn.Module()
    root.a.b.c = nn.Linear(1, 1, bias=False)
    see.repr(root)


@scenario("repr", methods=("extra_repr",))
def extra_repr_single_line(nn, see):
    """A one-line extra_repr goes inside the parentheses."""

    class Scale(nn.Module):
        def extra_repr(self):
            return "factor=2"

    see.repr(Scale())


@scenario("repr", methods=("extra_repr",))
def extra_repr_multi_line(nn, see):
    """A multi-line extra_repr is split over lines."""

    class Multi(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    see.repr(Multi())


@scenario("repr", methods=("extra_repr",))
def extra_repr_with_children(nn, see):
    """extra_repr lines come before the children."""

    class Both(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(1, 1)

        def extra_repr(self):
            return "note=x"

    see.repr(Both())


@scenario("repr", methods=("extra_repr",))
def extra_repr_default_empty(nn, see):
    """The default extra_repr is an empty string."""
    see(nn.Module().extra_repr())
    see(nn.Linear(2, 3).extra_repr())
    see(nn.Linear(2, 3, bias=False).extra_repr())


@scenario("repr", methods=("_get_name",))
def get_name_is_class_name(nn, see):
    """_get_name returns the class name."""

    class MyNet(nn.Module):
        pass

    see(MyNet()._get_name())


@scenario("repr", methods=("__repr__",))
def repr_skips_none_child(nn, see):
    """A None child is printed too."""
    root = nn.Module()
    root.add_module("gone", None)
    root.lin = nn.Identity()
    see.repr(root)


@scenario("repr", methods=("__repr__",))
def repr_shared_child_twice(nn, see):
    """A shared child is printed under each name."""
    root = nn.Module()
    lin = nn.Linear(1, 1)
    root.x = lin
    root.y = lin
    see.repr(root)


@scenario("repr", methods=("__repr__",))
def repr_ignores_parameters(nn, see):
    """Parameters and buffers are not listed by repr."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1))
    m.register_buffer("b", torch.zeros(1))
    see.repr(m)


@scenario("repr", methods=("__dir__",))
def dir_lists_parameters_buffers_modules(nn, see):
    """dir() includes parameters, buffers and submodules."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1))
    m.register_buffer("b", torch.zeros(1))
    m.c = nn.Identity()
    names = dir(m)
    see(["w" in names, "b" in names, "c" in names, "forward" in names])


@scenario("repr", methods=("__dir__",))
def dir_is_sorted_without_digit_names(nn, see):
    """dir() is sorted and leaves out names that start with a digit."""
    m = nn.Module()
    m.add_module("0", nn.Identity())
    m.z = nn.Identity()
    names = dir(m)
    see(names == sorted(names))
    see("0" in names)
    see("z" in names)


@scenario("repr", methods=("__dir__",))
def dir_matches_instance_names(nn, see):
    """dir() lists user attributes and methods of a subclass."""

    class Net(nn.Module):
        def custom(self):
            return 1

    m = Net()
    m.size = 3
    names = dir(m)
    see(["custom" in names, "size" in names, "_parameters" in names])


@scenario("repr", methods=("__repr__",))
def repr_uses_get_name(nn, see):
    """Overriding _get_name changes the name that repr prints."""

    class Renamed(nn.Module):
        def _get_name(self):
            return "Nice"

    root = nn.Module()
    root.r = Renamed()
    see.repr(root)


@scenario("repr", methods=("__repr__",))
def repr_multi_line_child(nn, see):
    """A child with a multi-line repr is indented as a block."""

    class Multi(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    root = nn.Module()
    root.m = Multi()
    see.repr(root)
