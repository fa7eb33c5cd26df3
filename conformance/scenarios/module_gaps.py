"""Module features that PyTorch's own Module tests use: DataParallel replicas, compile(), dump_patches, T_destination."""

import copy
import typing

import torch

from conformance.registry import scenario


def _two_params(nn):
    """Two seeded 2x2 parameters."""
    return [nn.Parameter(torch.randn(2, 2)) for _ in range(2)]


# -------------------------------------------------- DataParallel replicas


@scenario("containers", methods=("ParameterList._replicate_for_data_parallel",))
def parameter_list_replica_reads_the_copied_tensors(nn, see):
    """A ParameterList replica starts without parameters; DataParallel sets views of the originals."""
    originals = nn.ParameterList(_two_params(nn))
    replica = originals._replicate_for_data_parallel()
    see.type(replica)
    see.keys(replica._parameters)
    see((replica._is_replica, len(replica)))
    # What DataParallel does on each device: a differentiable copy per name.
    for name, p in originals.named_parameters():
        setattr(replica, name, p.view_as(p))
    for p, copied in zip(originals, replica):
        see((torch.equal(p, copied), copied.grad_fn is not None, copied._base is p))


@scenario("containers", methods=("ParameterDict._replicate_for_data_parallel",))
def parameter_dict_replica_reads_the_copied_tensors(nn, see):
    """A ParameterDict replica keeps its keys; the copied tensors are views of the originals."""
    a, b = _two_params(nn)
    originals = nn.ParameterDict({"a": a, "b": b})
    replica = originals._replicate_for_data_parallel()
    see.keys(replica._parameters)
    for name, p in originals.named_parameters():
        setattr(replica, name, p.view_as(p))
    see(list(replica.keys()))
    for key in originals:
        see((torch.equal(originals[key], replica[key]), replica[key]._base is originals[key]))


@scenario("traversal", methods=("_replicate_for_data_parallel",))
def module_replica_shares_state_but_not_parameters(nn, see):
    """The replica has no parameters, copies of the buffer and module dicts, and shares the rest."""
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    model.register_forward_hook(lambda module, args, output: None)
    replica = model._replicate_for_data_parallel()
    see.type(replica)
    see.keys(replica._parameters)
    see.keys(replica._modules)
    see([replica._modules is model._modules, replica._buffers is model._buffers])
    see([replica._forward_hooks is model._forward_hooks, replica[0] is model[0], replica.training])
    see(replica._is_replica)
    see("_is_replica" in vars(model))


@scenario("train_eval", methods=("zero_grad",))
def zero_grad_on_a_replica_warns(nn, see):
    """zero_grad() on a DataParallel replica warns that it has no effect."""
    replica = nn.Linear(2, 2)._replicate_for_data_parallel()
    see.warns(replica.zero_grad)
    see.warns(nn.Linear(2, 2).zero_grad)


# ---------------------------------------------------------------- compile


@scenario("hooks", methods=("compile", "_wrapped_call_impl"))
def compile_wraps_call_impl_and_calls_go_through_it(nn, see):
    """compile() hands `_call_impl` and its arguments to torch.compile; every call then uses the result.

    torch.compile is replaced by a recorder here: really compiling takes
    seconds, and what is compared is how the module uses it (a real compile
    of a clone module is in tests/test_mixing_torch_modules.py).
    """
    calls = []

    def fake_compile(fn, *args, **kwargs):
        calls.append(("compile", fn.__name__, fn.__self__ is model, args, kwargs))

        def compiled(*call_args, **call_kwargs):
            calls.append("compiled call")
            return fn(*call_args, **call_kwargs)

        return compiled

    model = nn.Linear(3, 2)
    see((model._compiled_call_impl, "_compiled_call_impl" in vars(model)))
    real_compile, torch.compile = torch.compile, fake_compile
    try:
        see(model.compile(mode="max-autotune", fullgraph=True))
    finally:
        torch.compile = real_compile
    x = torch.randn(4, 3)
    see(torch.equal(model(x), model.forward(x)))
    see(calls)
    see("_compiled_call_impl" in vars(model))


@scenario("pickling", methods=("compile", "__getstate__"))
def compiled_call_is_not_pickled_or_copied(nn, see):
    """The compiled call is dropped from the pickled state, so a copy runs uncompiled."""
    model = nn.Linear(2, 2)
    model._compiled_call_impl = lambda *args: "compiled"
    see(model(torch.ones(2)))
    see("_compiled_call_impl" in model.__getstate__())
    see(copy.deepcopy(model)._compiled_call_impl)


# ------------------------------------------------------ class attributes


@scenario("attributes")
def dump_patches_is_a_false_class_attribute(nn, see):
    """dump_patches is a class attribute, False, that nothing changes."""
    see(nn.Module.dump_patches)
    see("dump_patches" in vars(nn.Module()))
    see("dump_patches" in dir(nn.Linear(1, 1)))


@scenario("state_dict", methods=("state_dict",))
def t_destination_is_the_type_of_a_custom_destination(nn, see):
    """Module.T_destination is a TypeVar bound to dict[str, Any]; state_dict returns the dict it is given."""
    var = nn.Module.T_destination
    see((type(var).__name__, var.__name__, var.__bound__ == dict[str, typing.Any]))
    destination = {}
    see.same(nn.Linear(1, 1).state_dict(destination=destination), destination)
