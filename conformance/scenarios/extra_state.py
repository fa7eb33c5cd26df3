"""get_extra_state / set_extra_state: saving non-tensor state."""

import copy

import torch

from conformance.registry import scenario


def _stateful(nn):
    # A user module with a Python value saved through extra state.
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1))
            self.calls = 0

        def get_extra_state(self):
            return {"calls": self.calls}

        def set_extra_state(self, state):
            self.calls = state["calls"]

    return Counter


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_key_in_state_dict(nn, see):
    """An overridden get_extra_state adds the _extra_state key."""
    Counter = _stateful(nn)
    root = nn.Module()
    root.c = Counter()
    sd = root.state_dict()
    see.keys(sd)
    see(sd["c._extra_state"])


@scenario("extra_state", methods=("set_extra_state",))
def extra_state_round_trip(nn, see):
    """set_extra_state receives the saved value on load."""
    Counter = _stateful(nn)
    a, b = Counter(), Counter()
    a.calls = 5
    b.load_state_dict(a.state_dict())
    see(b.calls)


@scenario("extra_state", methods=("set_extra_state",))
def extra_state_missing_on_load(nn, see):
    """A missing _extra_state key is a missing key."""
    Counter = _stateful(nn)
    see.raises(lambda: Counter().load_state_dict({"w": torch.zeros(1)}))
    result = Counter().load_state_dict({"w": torch.zeros(1)}, strict=False)
    see(result.missing_keys)


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_default_raises(nn, see):
    """The default get_extra_state raises RuntimeError."""
    see.raises(lambda: nn.Module().get_extra_state())


@scenario("extra_state", methods=("set_extra_state",))
def extra_state_default_setter_raises(nn, see):
    """The default set_extra_state raises RuntimeError."""
    see.raises(lambda: nn.Module().set_extra_state(1))


@scenario("extra_state", methods=("get_extra_state",))
def no_extra_state_key_by_default(nn, see):
    """Without an override there is no _extra_state key."""
    see.keys(nn.Linear(1, 1).state_dict())


@scenario("extra_state", methods=("set_extra_state",))
def extra_state_unexpected_without_setter(nn, see):
    """An _extra_state key for a module without set_extra_state is unexpected."""
    m = nn.Linear(1, 1)
    sd = m.state_dict()
    sd["_extra_state"] = 3
    see.raises(lambda: m.load_state_dict(sd))


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_with_prefix(nn, see):
    """The extra state key gets the prefix too."""
    Counter = _stateful(nn)
    see.keys(Counter().state_dict(prefix="p."))


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_can_be_a_tensor(nn, see):
    """Extra state may itself be a tensor."""

    class T(nn.Module):
        def get_extra_state(self):
            return torch.arange(3)

        def set_extra_state(self, state):
            self.loaded = state

    m = T()
    m.load_state_dict(m.state_dict())
    see(m.loaded)


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_comes_after_tensors(nn, see):
    """The _extra_state key comes after parameters and buffers, before children."""
    Counter = _stateful(nn)
    m = Counter()
    m.register_buffer("b", torch.zeros(1))
    m.child = nn.Linear(1, 1)
    see.keys(m.state_dict())


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_in_nested_children(nn, see):
    """Every module with extra state adds its own key."""
    Counter = _stateful(nn)
    root = nn.Module()
    root.a = Counter()
    root.b = nn.Module()
    root.b.c = Counter()
    see.keys(root.state_dict())


@scenario("extra_state", methods=("get_extra_state",))
def extra_state_survives_deepcopy(nn, see):
    """deepcopy keeps the extra state value."""
    Counter = _stateful(nn)
    m = Counter()
    m.calls = 7
    see(copy.deepcopy(m).state_dict()["_extra_state"])


@scenario("extra_state", methods=("set_extra_state",))
def extra_state_setter_error_propagates(nn, see):
    """An error raised in set_extra_state reaches the caller."""

    class Picky(nn.Module):
        def get_extra_state(self):
            return 1

        def set_extra_state(self, state):
            raise ValueError("bad extra state")

    m = Picky()
    see.raises(lambda: m.load_state_dict(m.state_dict()))
