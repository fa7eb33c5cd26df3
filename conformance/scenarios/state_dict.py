"""state_dict: keys, prefixes, keep_vars, destination, metadata."""

from collections import OrderedDict

import torch

from conformance.registry import scenario


def _net(nn):
    root = nn.Module()
    root.enc = nn.Linear(2, 2)
    root.head = nn.Module()
    root.head.out = nn.Linear(2, 1)
    root.register_buffer("steps", torch.tensor(0))
    return root


@scenario("state_dict", methods=("state_dict",))
def state_dict_keys_nested(nn, see):
    """Keys are dotted paths: own tensors first, then each child."""
    see.keys(_net(nn).state_dict())


@scenario("state_dict", methods=("state_dict",))
def state_dict_is_ordered_dict(nn, see):
    """state_dict returns an OrderedDict."""
    see.type(_net(nn).state_dict())


@scenario("state_dict", methods=("state_dict",))
def state_dict_values_are_detached(nn, see):
    """Values are detached tensors, not Parameters."""
    sd = nn.Linear(1, 1).state_dict()
    see(sd["weight"])
    see.type(sd["weight"])


@scenario("state_dict", methods=("state_dict",))
def state_dict_keep_vars(nn, see):
    """keep_vars=True gives the Parameter objects themselves."""
    m = nn.Linear(1, 1)
    sd = m.state_dict(keep_vars=True)
    see.same(sd["weight"], m.weight)


@scenario("state_dict", methods=("state_dict",))
def state_dict_shares_storage(nn, see):
    """A detached value shares memory with the parameter."""
    m = nn.Linear(1, 1)
    sd = m.state_dict()
    with torch.no_grad():
        m.weight.fill_(7.0)
    see(sd["weight"])


@scenario("state_dict", methods=("state_dict",))
def state_dict_prefix(nn, see):
    """prefix is put in front of every key."""
    see.keys(_net(nn).state_dict(prefix="model."))


@scenario("state_dict", methods=("state_dict",))
def state_dict_destination(nn, see):
    """destination= fills and returns the given dict."""
    dest = OrderedDict(old=1)
    out = _net(nn).state_dict(destination=dest)
    see.same(out, dest)
    see.keys(dest)


@scenario("state_dict", methods=("state_dict",))
def state_dict_positional_args_warn(nn, see):
    """Positional arguments to state_dict are deprecated and warn."""
    see.warns(lambda: list(_net(nn).state_dict(None, "p.").keys()))


@scenario("state_dict", methods=("state_dict",))
def state_dict_skips_non_persistent(nn, see):
    """Non-persistent buffers are not in state_dict."""
    m = nn.Module()
    m.register_buffer("kept", torch.zeros(1))
    m.register_buffer("temp", torch.zeros(1), persistent=False)
    see.keys(m.state_dict())


@scenario("state_dict", methods=("state_dict",))
def state_dict_skips_none(nn, see):
    """None parameters and buffers are not in state_dict."""
    m = nn.Linear(2, 2, bias=False)
    m.register_buffer("b", None)
    see.keys(m.state_dict())


@scenario("state_dict", methods=("state_dict",))
def state_dict_shared_parameter_twice(nn, see):
    """A shared Parameter appears under every name in state_dict."""
    root = nn.Module()
    root.a = nn.Linear(2, 2)
    root.b = nn.Linear(2, 2)
    root.b.weight = root.a.weight
    sd = root.state_dict()
    see.keys(sd)
    see(sd["a.weight"].data_ptr() == sd["b.weight"].data_ptr())


@scenario("state_dict", methods=("state_dict",))
def state_dict_shared_submodule_twice(nn, see):
    """A shared submodule's tensors appear under both names."""
    root = nn.Module()
    lin = nn.Linear(1, 1)
    root.x = lin
    root.y = lin
    see.keys(root.state_dict())


@scenario("state_dict", methods=("state_dict",))
def state_dict_metadata_versions(nn, see):
    """_metadata records a version dict for every module path."""
    sd = _net(nn).state_dict()
    see(sd._metadata)


@scenario("state_dict", methods=("state_dict",))
def state_dict_custom_version(nn, see):
    """A class _version is written into _metadata."""

    class Versioned(nn.Module):
        _version = 3

    root = nn.Module()
    root.v = Versioned()
    see(root.state_dict()._metadata)


@scenario("state_dict", methods=("state_dict",))
def state_dict_metadata_prefix(nn, see):
    """_metadata keys use the prefix without its trailing dot."""
    see(list(_net(nn).state_dict(prefix="m.")._metadata.keys()))


@scenario("state_dict", methods=("state_dict",))
def state_dict_empty_module(nn, see):
    """An empty module gives an empty state_dict with metadata for ''."""
    sd = nn.Module().state_dict()
    see(sd)
    see(sd._metadata)


@scenario("state_dict", methods=("state_dict",))
def state_dict_plain_tensor_attribute_left_out(nn, see):
    """A plain tensor attribute is not saved."""
    m = nn.Module()
    m.cache = torch.ones(1)
    m.w = nn.Parameter(torch.ones(1))
    see.keys(m.state_dict())


@scenario("state_dict", methods=("state_dict",))
def state_dict_deep_prefix_and_nesting(nn, see):
    """Three levels of nesting give three-part keys."""
    root = nn.Module()
    root.a = nn.Module()
    root.a.b = nn.Module()
    root.a.b.c = nn.Linear(1, 1, bias=False)
    see.keys(root.state_dict(prefix="x."))


@scenario("state_dict", methods=("_save_to_state_dict",))
def state_dict_override_save_to_state_dict(nn, see):
    """A module can add its own entries in _save_to_state_dict."""

    class Extra(nn.Module):
        def _save_to_state_dict(self, destination, prefix, keep_vars):
            super()._save_to_state_dict(destination, prefix, keep_vars)
            destination[prefix + "note"] = torch.tensor(1)

    root = nn.Module()
    root.e = Extra()
    see.keys(root.state_dict())
