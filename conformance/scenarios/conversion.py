"""_apply, to() and the dtype/device helpers."""

import torch

from conformance.registry import scenario


def _net(nn):
    m = nn.Module()
    m.lin = nn.Linear(2, 2)
    m.register_buffer("count", torch.tensor([1, 2]))
    m.register_buffer("scale", torch.tensor([0.5]))
    return m


def _dtypes(m):
    return [(name, t.dtype) for name, t in list(m.named_parameters()) + list(m.named_buffers())]


@scenario("conversion", methods=("to",))
def to_dtype_changes_floats(nn, see):
    """to(float64) converts float parameters and buffers."""
    m = _net(nn)
    see.same(m.to(torch.float64), m)
    see(_dtypes(m))


@scenario("conversion", methods=("to",))
def to_keeps_integer_buffers(nn, see):
    """to(dtype) leaves integer buffers alone."""
    m = _net(nn)
    m.to(torch.float16)
    see(m.count)


@scenario("conversion", methods=("to",))
def to_keeps_parameter_identity(nn, see):
    """to() keeps the same Parameter objects."""
    m = nn.Linear(2, 2)
    w = m.weight
    m.to(torch.float64)
    see.same(m.weight, w)
    see(m.weight.dtype)
    see.type(m.weight)


@scenario("conversion", methods=("to",))
def to_meta_device(nn, see):
    """to('meta') moves everything to the meta device."""
    m = _net(nn)
    m.to("meta")
    see(m.lin.weight)
    see(m.count)


@scenario("conversion", methods=("to",))
def to_device_and_dtype(nn, see):
    """to(device, dtype) converts both."""
    m = _net(nn)
    m.to("meta", torch.float64)
    see(_dtypes(m))
    see(m.lin.weight.device)


@scenario("conversion", methods=("to",))
def to_tensor_form(nn, see):
    """to(tensor) takes the tensor's dtype and device."""
    m = _net(nn)
    m.to(torch.zeros(1, dtype=torch.float64))
    see(_dtypes(m))


@scenario("conversion", methods=("to",))
def to_keyword_forms(nn, see):
    """to(dtype=..., device=..., non_blocking=...) works with keywords."""
    m = _net(nn)
    m.to(device="cpu", dtype=torch.bfloat16, non_blocking=True)
    see(_dtypes(m))


@scenario("conversion", methods=("to",))
def to_integer_dtype_fails(nn, see):
    """to() only accepts floating point or complex dtypes."""
    see.raises(lambda: _net(nn).to(torch.int32))


@scenario("conversion", methods=("to",))
def to_complex_warns_and_converts(nn, see):
    """to(complex dtype) warns that complex modules are in beta."""
    m = nn.Linear(2, 1)
    see.warns(lambda: m.to(torch.complex64))
    see(m.weight.dtype)


@scenario("conversion", methods=("to",))
def to_complex128_converts_complex_and_float(nn, see):
    """to(complex128) turns both complex and float parameters into complex128."""
    m = nn.Module()
    m.z = nn.Parameter(torch.tensor([1 + 2j], dtype=torch.complex64))
    m.w = nn.Parameter(torch.tensor([3.0]))
    see.warns(lambda: m.to(torch.complex128))
    see(m.z)
    see(m.w)


@scenario("conversion", methods=("to",))
def to_memory_format(nn, see):
    """to(memory_format=channels_last) changes 4-d tensors only."""
    m = nn.Module()
    m.w4 = nn.Parameter(torch.zeros(2, 3, 2, 2))
    m.w2 = nn.Parameter(torch.zeros(2, 2))
    m.to(memory_format=torch.channels_last)
    see(m.w4.is_contiguous(memory_format=torch.channels_last))
    see(m.w4.stride())


@scenario("conversion", methods=("to",))
def to_bad_arguments(nn, see):
    """to() with a wrong argument raises TypeError."""
    see.raises(lambda: _net(nn).to("not a device"))
    see.raises(lambda: _net(nn).to(3.5))


@scenario("conversion", methods=("to",))
def to_converts_grads(nn, see):
    """to(dtype) also converts the gradient."""
    m = nn.Linear(2, 1)
    m(torch.ones(1, 2)).sum().backward()
    m.to(torch.float64)
    see(m.weight.grad.dtype)
    see(m.weight.grad)


@scenario("conversion", methods=("double",))
def double_and_float(nn, see):
    """double() then float() round-trip float parameters and keep ints."""
    m = _net(nn)
    see.same(m.double(), m)
    see(_dtypes(m))
    m.float()
    see(_dtypes(m))


@scenario("conversion", methods=("half", "bfloat16"))
def half_and_bfloat16(nn, see):
    """half() and bfloat16() convert float tensors only."""
    m = _net(nn)
    m.half()
    see(_dtypes(m))
    m.bfloat16()
    see(_dtypes(m))


@scenario("conversion", methods=("type",))
def type_casts_everything(nn, see):
    """type(dtype) casts all parameters and buffers, integers too."""
    m = _net(nn)
    see.same(m.type(torch.float64), m)
    see(_dtypes(m))


@scenario("conversion", methods=("cpu",))
def cpu_is_a_no_op_on_cpu(nn, see):
    """cpu() returns the module and keeps parameter identity."""
    m = nn.Linear(1, 1)
    w = m.weight
    see.same(m.cpu(), m)
    see.same(m.weight, w)


@scenario("conversion", methods=("cuda",))
def cuda_on_cpu_only_build(nn, see):
    """cuda() on a CPU-only build raises torch's error."""
    see.raises(lambda: nn.Linear(1, 1).cuda())


@scenario("conversion", methods=("xpu",))
def xpu_on_cpu_only_build(nn, see):
    """xpu() on a machine without XPU raises torch's error."""
    see.raises(lambda: nn.Linear(1, 1).xpu())


@scenario("conversion", methods=("ipu",))
def ipu_on_cpu_only_build(nn, see):
    """ipu() on a machine without IPU raises torch's error."""
    see.raises(lambda: nn.Linear(1, 1).ipu())


@scenario("conversion", methods=("mtia",))
def mtia_on_cpu_only_build(nn, see):
    """mtia() on a machine without MTIA raises torch's error."""
    see.raises(lambda: nn.Linear(1, 1).mtia())


@scenario("conversion", methods=("to_empty",))
def to_empty_from_meta(nn, see):
    """to_empty(device='cpu') makes real tensors of the right shape."""
    m = nn.Linear(2, 3, device="meta")
    see.same(m.to_empty(device="cpu"), m)
    see(m.weight.device)
    see(m.weight.shape)
    see.type(m.weight)


@scenario("conversion", methods=("to_empty",))
def to_empty_needs_device_keyword(nn, see):
    """to_empty needs device as a keyword."""
    see.raises(lambda: nn.Linear(1, 1).to_empty("cpu"))


@scenario("conversion", methods=("_apply",))
def apply_fn_keeps_identity_and_grad(nn, see):
    """_apply keeps the Parameter object and converts its grad."""
    m = nn.Linear(1, 1)
    m(torch.ones(1, 1)).sum().backward()
    w = m.weight
    m._apply(lambda t: t * 2)
    see.same(m.weight, w)
    see(m.weight)
    see(m.weight.grad)


@scenario("conversion", methods=("_apply",))
def apply_with_overwrite_future_flag(nn, see):
    """With set_overwrite_module_params_on_conversion, to() makes new Parameters."""
    m = nn.Linear(1, 1)
    w = m.weight
    old = torch.__future__.get_overwrite_module_params_on_conversion()
    torch.__future__.set_overwrite_module_params_on_conversion(True)
    try:
        m.to(torch.float64)
    finally:
        torch.__future__.set_overwrite_module_params_on_conversion(old)
    see.same(m.weight, w)
    see(m.weight.dtype)
    see.type(m.weight)


@scenario("conversion", methods=("_apply",))
def apply_with_swap_future_flag(nn, see):
    """With set_swap_module_params_on_conversion, the object is kept but swapped."""
    m = nn.Linear(1, 1)
    w = m.weight
    old = torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_swap_module_params_on_conversion(True)
    try:
        m.to(torch.float64)
    finally:
        torch.__future__.set_swap_module_params_on_conversion(old)
    see.same(m.weight, w)
    see(w.dtype)


@scenario("conversion", methods=("_apply",))
def apply_reaches_submodules(nn, see):
    """double() converts parameters of nested submodules."""
    m = nn.Module()
    m.inner = nn.Module()
    m.inner.lin = nn.Linear(1, 1)
    m.double()
    see(m.inner.lin.weight.dtype)


@scenario("conversion", methods=("to",))
def to_positional_non_blocking(nn, see):
    """to(device, dtype, non_blocking) accepts the flag as third argument."""
    m = nn.Linear(1, 1)
    m.to("cpu", torch.float64, True)
    see(m.weight.dtype)


@scenario("conversion", methods=("to",))
def to_from_meta_tells_to_use_to_empty(nn, see):
    """Moving a meta module to the CPU with to() says to use to_empty()."""
    see.raises(lambda: nn.Linear(1, 1, device="meta").to("cpu"))


@scenario("conversion", methods=("to_empty",))
def to_empty_recurse_false(nn, see):
    """to_empty(recurse=False) leaves submodules on the meta device."""
    m = nn.Module()
    m.w = nn.Parameter(torch.zeros(1, device="meta"))
    m.c = nn.Linear(1, 1, device="meta")
    m.to_empty(device="cpu", recurse=False)
    see(m.w.device)
    see(m.c.weight.device)


@scenario("conversion", methods=("type",))
def type_with_string_name(nn, see):
    """type('torch.DoubleTensor') works with a type string."""
    m = nn.Linear(1, 1)
    m.type("torch.DoubleTensor")
    see(m.weight.dtype)


@scenario("conversion", methods=("half",))
def half_leaves_complex_alone(nn, see):
    """half() changes floating point tensors only, not complex ones."""
    m = nn.Module()
    m.z = nn.Parameter(torch.zeros(1, dtype=torch.complex64))
    m.half()
    see(m.z.dtype)


@scenario("conversion", methods=("to",))
def to_rejects_two_dtypes(nn, see):
    """to() with two dtypes raises TypeError."""
    see.raises(lambda: nn.Linear(1, 1).to(torch.float64, torch.float32))
