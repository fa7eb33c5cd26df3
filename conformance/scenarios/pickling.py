"""pickle and copy.deepcopy of modules."""

import copy
import pickle

import torch

from conformance.registry import scenario


def _net(nn):
    root = nn.Module()
    root.lin = nn.Linear(2, 2)
    root.register_buffer("steps", torch.tensor(4))
    root.register_buffer("temp", torch.ones(1), persistent=False)
    return root


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_makes_new_parameters(nn, see):
    """deepcopy gives new Parameter objects with equal values."""
    m = _net(nn)
    c = copy.deepcopy(m)
    see.same(c.lin.weight, m.lin.weight)
    see(torch.equal(c.lin.weight, m.lin.weight))
    see.type(c.lin.weight)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_keeps_sharing(nn, see):
    """deepcopy keeps a shared submodule shared."""
    root = nn.Module()
    lin = nn.Linear(1, 1)
    root.x = lin
    root.y = lin
    c = copy.deepcopy(root)
    see.same(c.x, c.y)
    see.same(c.x, lin)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_keeps_shared_parameter(nn, see):
    """deepcopy keeps a shared Parameter shared."""
    root = nn.Module()
    root.a = nn.Linear(2, 2)
    root.b = nn.Linear(2, 2)
    root.b.weight = root.a.weight
    c = copy.deepcopy(root)
    see.same(c.a.weight, c.b.weight)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_keeps_mode_and_flags(nn, see):
    """deepcopy keeps training mode and non-persistent buffers."""
    m = _net(nn).eval()
    c = copy.deepcopy(m)
    see(c.training)
    see(c._non_persistent_buffers_set)
    see.keys(c.state_dict())


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_is_independent(nn, see):
    """Changing the copy leaves the original alone."""
    m = nn.Linear(1, 1)
    c = copy.deepcopy(m)
    with torch.no_grad():
        c.weight.fill_(9.0)
    see(m.weight.item() == 9.0)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def pickle_round_trip(nn, see):
    """A module survives pickle with its tensors."""
    m = _net(nn)
    c = pickle.loads(pickle.dumps(m))
    see.keys(c.state_dict())
    see(c.steps)
    see(c.lin.weight)


@scenario("pickling", methods=("__setstate__",))
def pickle_keeps_training_flag(nn, see):
    """pickle keeps training=False."""
    m = _net(nn).eval()
    see(pickle.loads(pickle.dumps(m)).training)


@scenario("pickling", methods=("__getstate__",))
def getstate_is_instance_dict(nn, see):
    """__getstate__ returns the instance dict keys."""
    m = nn.Linear(1, 1)
    see(sorted(k for k in m.__getstate__() if not k.startswith("_") or k in ("_parameters", "_buffers", "_modules")))


@scenario("pickling", methods=("__setstate__",))
def setstate_fills_missing_fields(nn, see):
    """__setstate__ adds hook dicts missing from an old pickle."""
    m = nn.Linear(1, 1)
    state = dict(m.__dict__)
    del state["_forward_pre_hooks_with_kwargs"]
    del state["_non_persistent_buffers_set"]
    fresh = nn.Linear.__new__(nn.Linear)
    fresh.__setstate__(state)
    see(fresh._non_persistent_buffers_set)
    see(fresh._forward_pre_hooks_with_kwargs)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def pickle_user_module_class(nn, see):
    """A pickled Linear comes back as a Linear."""
    c = pickle.loads(pickle.dumps(nn.Linear(2, 1)))
    see.type(c)
    see.repr(c)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_keeps_requires_grad(nn, see):
    """deepcopy keeps frozen parameters frozen."""
    m = nn.Linear(1, 1).requires_grad_(False)
    see([p.requires_grad for p in copy.deepcopy(m).parameters()])


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def pickle_keeps_non_persistent_buffer(nn, see):
    """pickle keeps non-persistent buffers, which state_dict leaves out."""
    c = pickle.loads(pickle.dumps(_net(nn)))
    see.keys(c.named_buffers())
    see(c._non_persistent_buffers_set)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def pickle_keeps_shared_parameter(nn, see):
    """pickle keeps a shared Parameter shared."""
    root = nn.Module()
    root.a = nn.Linear(1, 1)
    root.b = nn.Linear(1, 1)
    root.b.weight = root.a.weight
    c = pickle.loads(pickle.dumps(root))
    see.same(c.a.weight, c.b.weight)


@scenario("pickling", methods=("__getstate__", "__setstate__"))
def deepcopy_keeps_grad(nn, see):
    """deepcopy of a module copies parameter grads."""
    m = nn.Linear(1, 1)
    m(torch.ones(1, 1)).sum().backward()
    see(copy.deepcopy(m).weight.grad)
