"""load_state_dict: strict, assign, the result, and errors."""

import torch

from conformance.registry import scenario


def _net(nn):
    root = nn.Module()
    root.enc = nn.Linear(2, 2)
    root.out = nn.Linear(2, 1)
    root.register_buffer("steps", torch.tensor(0))
    return root


@scenario("load_state_dict", methods=("load_state_dict",))
def load_round_trip_copies_values(nn, see):
    """Loading another net's state_dict copies its values."""
    a, b = _net(nn), _net(nn)
    result = b.load_state_dict(a.state_dict())
    see.repr(result)
    see(b.enc.weight)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_keeps_parameter_objects(nn, see):
    """Loading copies into the existing Parameters."""
    m = nn.Linear(1, 1)
    w = m.weight
    m.load_state_dict({"weight": torch.ones(1, 1), "bias": torch.zeros(1)})
    see.same(m.weight, w)
    see(m.weight)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_missing_key_strict(nn, see):
    """A missing key in strict mode raises RuntimeError."""
    m = _net(nn)
    sd = m.state_dict()
    del sd["out.bias"]
    see.raises(lambda: m.load_state_dict(sd))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_unexpected_key_strict(nn, see):
    """An unexpected key in strict mode raises RuntimeError."""
    m = _net(nn)
    sd = m.state_dict()
    sd["extra"] = torch.zeros(1)
    sd["enc.more"] = torch.zeros(1)
    see.raises(lambda: m.load_state_dict(sd))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_missing_and_unexpected_not_strict(nn, see):
    """strict=False reports missing and unexpected keys."""
    m = _net(nn)
    sd = m.state_dict()
    del sd["enc.weight"]
    sd["ghost"] = torch.zeros(1)
    result = m.load_state_dict(sd, strict=False)
    see(result.missing_keys)
    see(result.unexpected_keys)
    see.repr(result)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_size_mismatch(nn, see):
    """A shape mismatch raises RuntimeError with a size mismatch message."""
    m = nn.Linear(2, 2)
    see.raises(lambda: m.load_state_dict({"weight": torch.zeros(3, 2), "bias": torch.zeros(2)}))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_size_mismatch_not_strict_still_fails(nn, see):
    """A shape mismatch fails even with strict=False."""
    m = nn.Linear(2, 2)
    see.raises(lambda: m.load_state_dict({"weight": torch.zeros(1)}, strict=False))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_non_tensor_value(nn, see):
    """A value that is not a tensor raises RuntimeError."""
    m = nn.Linear(1, 1)
    see.raises(lambda: m.load_state_dict({"weight": [[1.0]], "bias": torch.zeros(1)}))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_not_a_mapping(nn, see):
    """A state_dict that is not a mapping raises TypeError."""
    see.raises(lambda: nn.Linear(1, 1).load_state_dict([1, 2]))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_several_errors_listed(nn, see):
    """Missing, unexpected and size errors are listed together."""
    m = _net(nn)
    sd = m.state_dict()
    del sd["steps"]
    sd["enc.weight"] = torch.zeros(5)
    sd["junk"] = torch.zeros(1)
    see.raises(lambda: m.load_state_dict(sd))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_assign_takes_tensor_objects(nn, see):
    """assign=True puts the given tensors in, wrapped as Parameters."""
    m = nn.Linear(1, 1)
    w = torch.full((1, 1), 4.0)
    m.load_state_dict({"weight": w, "bias": torch.zeros(1)}, assign=True)
    see.type(m.weight)
    see(m.weight)
    see(m.weight.data_ptr() == w.data_ptr())


@scenario("load_state_dict", methods=("load_state_dict",))
def load_assign_from_meta(nn, see):
    """assign=True fills a meta-device module with real tensors."""
    m = nn.Linear(2, 1, device="meta")
    m.load_state_dict({"weight": torch.ones(1, 2), "bias": torch.zeros(1)}, assign=True)
    see(m.weight)
    see(m.bias.requires_grad)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_into_meta_without_assign_warns(nn, see):
    """Copying into meta parameters without assign warns."""
    m = nn.Linear(1, 1, device="meta")
    see.warns(lambda: m.load_state_dict({"weight": torch.ones(1, 1), "bias": torch.zeros(1)}))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_casts_dtype(nn, see):
    """Loading float64 values into float32 parameters keeps float32."""
    m = nn.Linear(1, 1)
    m.load_state_dict({"weight": torch.ones(1, 1, dtype=torch.float64), "bias": torch.zeros(1)})
    see(m.weight)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_ignores_non_persistent(nn, see):
    """A non-persistent buffer is neither required nor loaded."""
    m = nn.Module()
    m.register_buffer("temp", torch.zeros(1), persistent=False)
    see.repr(m.load_state_dict({}))
    see.raises(lambda: m.load_state_dict({"temp": torch.ones(1)}))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_none_parameter_slot(nn, see):
    """A None parameter is not expected in the state_dict."""
    m = nn.Linear(1, 1, bias=False)
    see.repr(m.load_state_dict({"weight": torch.ones(1, 1)}))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_result_is_named_tuple(nn, see):
    """The result unpacks into missing and unexpected keys."""
    missing, unexpected = nn.Linear(1, 1).load_state_dict({"bias": torch.zeros(1)}, strict=False)
    see(missing)
    see(unexpected)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_shared_parameter(nn, see):
    """A shared Parameter is loaded from each of its keys."""
    root = nn.Module()
    root.a = nn.Linear(1, 1)
    root.b = nn.Linear(1, 1)
    root.b.weight = root.a.weight
    sd = root.state_dict()
    sd["a.weight"] = torch.full((1, 1), 2.0)
    sd["b.weight"] = torch.full((1, 1), 3.0)
    root.load_state_dict(sd)
    see(root.a.weight)


@scenario("load_state_dict", methods=("_load_from_state_dict",))
def load_old_version_in_metadata(nn, see):
    """_load_from_state_dict receives the saved version in local_metadata."""

    class Versioned(nn.Module):
        _version = 2

        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1))
            self.seen = None

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            self.seen = local_metadata.get("version")
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    m = Versioned()
    sd = m.state_dict()
    sd._metadata[""]["version"] = 1
    m.load_state_dict(sd)
    see(m.seen)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_requires_grad_kept(nn, see):
    """Loading keeps the parameter's requires_grad."""
    m = nn.Linear(1, 1)
    m.weight.requires_grad_(False)
    m.load_state_dict({"weight": torch.ones(1, 1), "bias": torch.zeros(1)})
    see(m.weight.requires_grad)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_assign_buffer_takes_tensor(nn, see):
    """assign=True puts the given tensor object in as the buffer."""
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    t = torch.ones(1)
    m.load_state_dict({"b": t}, assign=True)
    see.same(m.b, t)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_assign_keeps_requires_grad(nn, see):
    """assign=True keeps each parameter's requires_grad."""
    m = nn.Linear(1, 1)
    m.weight.requires_grad_(False)
    m.load_state_dict({"weight": torch.ones(1, 1), "bias": torch.ones(1)}, assign=True)
    see([m.weight.requires_grad, m.bias.requires_grad])


@scenario("load_state_dict", methods=("load_state_dict",))
def load_assign_size_mismatch(nn, see):
    """assign=True still checks shapes."""
    m = nn.Linear(1, 1)
    see.raises(lambda: m.load_state_dict({"weight": torch.ones(2, 1), "bias": torch.ones(1)}, assign=True))


@scenario("load_state_dict", methods=("load_state_dict",))
def load_float_into_integer_buffer(nn, see):
    """Loading a float into an integer buffer keeps the integer dtype."""
    m = nn.Module()
    m.register_buffer("n", torch.tensor(1))
    m.load_state_dict({"n": torch.tensor(2.7)})
    see(m.n)


@scenario("load_state_dict", methods=("load_state_dict",))
def load_without_metadata(nn, see):
    """A state_dict without _metadata still loads."""
    m = nn.Linear(1, 1)
    sd = m.state_dict()
    del sd._metadata
    see.repr(m.load_state_dict(sd))
