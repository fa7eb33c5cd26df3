"""Parameter and Buffer: tensor subclasses with a few special habits."""

import copy
import pickle

import torch

from conformance.registry import scenario


@scenario("parameter", methods=("Parameter",))
def parameter_requires_grad_by_default(nn, see):
    """A new Parameter requires grad."""
    see(nn.Parameter(torch.zeros(2)).requires_grad)


@scenario("parameter", methods=("Parameter",))
def parameter_requires_grad_false(nn, see):
    """requires_grad=False makes a frozen Parameter."""
    see(nn.Parameter(torch.zeros(2), requires_grad=False))


@scenario("parameter", methods=("Parameter",))
def parameter_without_data_is_empty(nn, see):
    """Parameter() with no data holds an empty tensor."""
    p = nn.Parameter()
    see(p)
    see(p.shape)


@scenario("parameter", methods=("Parameter",))
def parameter_repr_starts_with_label(nn, see):
    """repr(Parameter) starts with 'Parameter containing:'."""
    see.repr(nn.Parameter(torch.tensor([1.0, 2.0])))


@scenario("parameter", methods=("Parameter",))
def parameter_repr_frozen(nn, see):
    """repr of a frozen Parameter shows requires_grad=False."""
    see.repr(nn.Parameter(torch.tensor([1.0]), requires_grad=False))


@scenario("parameter", methods=("Parameter",))
def parameter_isinstance_tensor(nn, see):
    """A Parameter is a Tensor and an instance of Parameter."""
    p = nn.Parameter(torch.zeros(1))
    see(isinstance(p, torch.Tensor))
    see(isinstance(p, nn.Parameter))
    see.type(p)


@scenario("parameter", methods=("Parameter",))
def plain_tensor_is_not_a_parameter(nn, see):
    """A plain tensor is not an instance of Parameter."""
    see(isinstance(torch.zeros(1), nn.Parameter))


@scenario("parameter", methods=("Parameter",))
def parameter_shares_memory_with_data(nn, see):
    """Parameter(t) shares storage with t."""
    t = torch.zeros(2)
    p = nn.Parameter(t)
    t[0] = 5.0
    see(p)


@scenario("parameter", methods=("Parameter",))
def parameter_arithmetic_gives_plain_tensor(nn, see):
    """Math on a Parameter gives a plain Tensor."""
    p = nn.Parameter(torch.ones(2))
    see.type(p * 2)
    see.type(p.detach())


@scenario("parameter", methods=("Parameter.__deepcopy__",))
def parameter_deepcopy_is_new_parameter(nn, see):
    """deepcopy of a Parameter is a new Parameter with equal values."""
    p = nn.Parameter(torch.tensor([1.0, 2.0]), requires_grad=False)
    q = copy.deepcopy(p)
    see(q)
    see.same(p, q)
    see.type(q)


@scenario("parameter", methods=("Parameter.__deepcopy__",))
def parameter_deepcopy_uses_memo(nn, see):
    """deepcopy of a list holding one Parameter twice copies it once."""
    p = nn.Parameter(torch.zeros(1))
    a, b = copy.deepcopy([p, p])
    see.same(a, b)


@scenario("parameter", methods=("Parameter.__deepcopy__",))
def parameter_deepcopy_copies_grad(nn, see):
    """deepcopy of a Parameter keeps its grad."""
    p = nn.Parameter(torch.ones(2))
    p.sum().backward()
    see(copy.deepcopy(p).grad)


@scenario("parameter", methods=("Parameter.__reduce_ex__",))
def parameter_pickles(nn, see):
    """A Parameter survives pickle with its class and requires_grad."""
    p = nn.Parameter(torch.tensor([3.0]), requires_grad=False)
    q = pickle.loads(pickle.dumps(p))
    see(q)
    see.type(q)


@scenario("parameter", methods=("Buffer",))
def buffer_is_a_plain_tensor(nn, see):
    """Buffer(t) gives back a plain Tensor, not a Buffer object."""
    b = nn.Buffer(torch.zeros(2))
    see.type(b)
    see(isinstance(b, nn.Buffer))


@scenario("parameter", methods=("Buffer",))
def buffer_isinstance_check_uses_flag(nn, see):
    """isinstance(x, Buffer) is true only for tensors marked as buffers."""
    see(isinstance(torch.zeros(1), nn.Buffer))


@scenario("parameter", methods=("Buffer",))
def buffer_assignment_registers_buffer(nn, see):
    """Assigning nn.Buffer(...) to a module attribute registers a buffer."""
    m = nn.Module()
    m.b = nn.Buffer(torch.ones(1))
    see.keys(m._buffers)
    see.keys(m.state_dict())


@scenario("parameter", methods=("Buffer",))
def buffer_non_persistent_assignment(nn, see):
    """nn.Buffer(t, persistent=False) is left out of state_dict."""
    m = nn.Module()
    m.b = nn.Buffer(torch.ones(1), persistent=False)
    see.keys(m._buffers)
    see.keys(m.state_dict())


@scenario("parameter", methods=("Buffer",))
def buffer_of_parameter_is_detached(nn, see):
    """Buffer(Parameter) is a plain tensor that still requires grad, like the Parameter."""
    b = nn.Buffer(nn.Parameter(torch.ones(1)))
    see(b.requires_grad)


@scenario("parameter", methods=("Parameter",))
def parameter_of_parameter(nn, see):
    """Parameter(Parameter) gives a Parameter that shares data."""
    p = nn.Parameter(torch.ones(1))
    q = nn.Parameter(p)
    see(q)
    see(q.data_ptr() == p.data_ptr())


@scenario("parameter", methods=("Parameter",))
def parameter_integer_dtype_needs_no_grad(nn, see):
    """An integer Parameter must be created with requires_grad=False."""
    see.raises(lambda: nn.Parameter(torch.ones(2, dtype=torch.long)))
    see.raises(lambda: nn.Parameter(torch.ones(2, dtype=torch.long), requires_grad=False))


@scenario("parameter", methods=("Parameter",))
def parameter_grad_flows(nn, see):
    """Backward through a Parameter fills its .grad."""
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    (p * p).sum().backward()
    see(p.grad)
    see(p.is_leaf)
