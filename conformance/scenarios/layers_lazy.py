"""Lazy modules and uninitialized parameters: placeholders, the first forward, state_dict rules.

Placeholders have no values, so they are recorded by repr and type, never
as tensors.
"""

import copy
import pickle

import torch
import torch.nn as tnn
import torch.nn.functional as F

from conformance.registry import scenario


def _placeholders(see, module):
    """Record each parameter and buffer of `module` by class and repr (placeholders have no values)."""
    see({name: (type(t).__name__, repr(t)) for name, t in module.state_dict(keep_vars=True).items()})


def _lazy_mixin(nn):
    """The backend's LazyModuleMixin (torch.nn does not export it, so we find it on LazyLinear)."""
    return next(cls for cls in type(nn.LazyLinear(1)).__mro__ if cls.__name__ == "LazyModuleMixin")


# ------------------------------------------------ uninitialized tensors


@scenario("layers", methods=("UninitializedParameter", "UninitializedParameter.shape"))
def uninitialized_parameter_is_a_parameter_without_shape(nn, see):
    """An UninitializedParameter is a Parameter; it knows dtype and device but not its shape."""
    p = nn.UninitializedParameter(dtype=torch.float64)
    see.repr(p)
    see.type(p)
    see(isinstance(p, nn.Parameter))
    see((p.dtype, p.device, p.requires_grad, p.size()))
    see.raises(lambda: p.shape)


@scenario("layers", methods=("UninitializedParameter", "UninitializedParameter.__torch_function__", "UninitializedParameter.share_memory_"))
def uninitialized_parameter_refuses_tensor_math(nn, see):
    """Any operation but a conversion is a ValueError that names the function."""
    p = nn.UninitializedParameter()
    see.raises(lambda: p + 1)
    see.raises(lambda: F.linear(torch.ones(2), p))
    see.raises(lambda: p.share_memory_())
    see.type(p.double())
    see(p.to(torch.float16).dtype)


@scenario("layers", methods=("UninitializedParameter.materialize",))
def materialize_keeps_the_object_and_changes_its_class(nn, see):
    """materialize(shape) fills the same Python object, which becomes a plain Parameter."""
    p = nn.UninitializedParameter(requires_grad=False, dtype=torch.float64)
    alias = p
    p.materialize((2, 3))
    see.same(alias, p)
    see.type(p)
    see((tuple(p.shape), p.dtype, p.requires_grad))
    b = nn.UninitializedBuffer()
    b.materialize(4, dtype=torch.int64)
    see.type(b)
    see((tuple(b.shape), b.dtype))


@scenario("layers", methods=("UninitializedBuffer",))
def uninitialized_buffer_carries_buffer_marks(nn, see):
    """An UninitializedBuffer is a tensor marked as a (persistent or not) buffer."""
    b = nn.UninitializedBuffer(persistent=False)
    see.repr(b)
    see((b.persistent, b._is_buffer, b.requires_grad))
    m = nn.Module()
    m.cache = b
    see.keys(m.named_buffers())
    see.keys(m.state_dict())


@scenario("layers", methods=("UninitializedParameter", "UninitializedParameter.__reduce_ex__", "UninitializedParameter.__deepcopy__"))
def uninitialized_parameter_copies_and_pickles(nn, see):
    """deepcopy and pickle give a new placeholder with the same settings."""
    p = nn.UninitializedParameter(requires_grad=False, dtype=torch.float64)
    copied = copy.deepcopy(p)
    see.repr(copied)
    see((copied.dtype, copied.requires_grad))
    see.same(copy.deepcopy([p, p])[0], copy.deepcopy([p, p])[1])
    restored = pickle.loads(pickle.dumps(p))
    see.repr(restored)
    see(restored.requires_grad)


# ------------------------------------------------------- LazyLinear


@scenario("layers", methods=("LazyLinear.__init__",))
def lazy_linear_starts_with_placeholders(nn, see):
    """Before the first call: in_features=0, placeholders in state_dict and parameters, two hooks."""
    layer = nn.LazyLinear(3)
    see.repr(layer)
    _placeholders(see, layer)
    see(len(list(layer.parameters())))
    see(layer.has_uninitialized_params())
    see((len(layer._forward_pre_hooks), len(layer._load_state_dict_pre_hooks)))
    see.repr(nn.LazyLinear(3, bias=False))


@scenario("layers", methods=("LazyLinear.initialize_parameters", "LazyModuleMixin._infer_parameters"))
def lazy_linear_first_call_materializes_and_becomes_linear(nn, see):
    """The first call draws the same weights as torch, removes the hooks and turns into Linear."""
    layer = nn.LazyLinear(3)
    weight = layer.weight
    see(layer(torch.randn(2, 5)))
    see.type(layer)
    see.repr(layer)
    see(dict(layer.named_parameters()))
    see.same(weight, layer.weight)
    see((len(layer._forward_pre_hooks), len(layer._load_state_dict_pre_hooks)))
    see(["_load_hook" in vars(layer), "_initialize_hook" in vars(layer)])


@scenario("layers", methods=("LazyModuleMixin.has_uninitialized_params",))
def lazy_layers_in_a_sequential_initialize_one_by_one(nn, see):
    """d2l's lazy MLP: each LazyLinear learns its size from the layer before."""
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(2))
    see.repr(net)
    see(net(torch.randn(4, 5)))
    see.repr(net)
    see({name: tuple(p.shape) for name, p in net.named_parameters()})


@scenario("layers", methods=("_apply", "to"))
def lazy_parameters_follow_conversions_before_the_first_call(nn, see):
    """.double() before the first call changes the placeholders' dtype; the weights are then float64."""
    layer = nn.LazyLinear(2).double()
    see.type(layer.weight)
    see(layer.weight.dtype)
    see(layer(torch.randn(3, 4, dtype=torch.float64)))
    see(layer.weight.dtype)


@scenario("layers", methods=("LazyModuleMixin._lazy_load_hook", "load_state_dict"))
def lazy_module_loads_torch_weights_without_a_forward(nn, see):
    """Loading real weights materializes the placeholders; the class changes at the first call."""
    layer = nn.LazyLinear(3)
    torch.manual_seed(123)
    reference = tnn.Linear(4, 3)
    see(layer.load_state_dict(reference.state_dict()))
    see(dict(layer.named_parameters()))
    see((type(layer).__name__, layer.in_features, layer.has_uninitialized_params()))
    x = torch.randn(2, 4)
    see(torch.equal(layer(x), reference(x)))
    see(type(layer).__name__)


@scenario("layers", methods=("load_state_dict", "_load_from_state_dict"))
def lazy_state_dict_loads_into_a_lazy_module(nn, see):
    """A lazy checkpoint into a lazy module: no shapes to compare, the module stays lazy."""
    layer = nn.LazyLinear(3)
    see(layer.load_state_dict(nn.LazyLinear(3).state_dict()))
    see(layer.has_uninitialized_params())
    _placeholders(see, layer)


@scenario("layers", methods=("load_state_dict", "_load_from_state_dict"))
def lazy_state_dict_into_an_initialized_module_fails(nn, see):
    """A placeholder in the checkpoint has no shape to compare: RuntimeError naming the cause."""
    see.raises(lambda: nn.Linear(4, 3).load_state_dict(nn.LazyLinear(3).state_dict()))


@scenario("layers", methods=("share_memory",))
def lazy_module_cannot_share_memory(nn, see):
    """share_memory() before the first call reaches a placeholder and fails."""
    see.raises(lambda: nn.LazyLinear(3).share_memory())


@scenario("layers", methods=("LazyModuleMixin._replicate_for_data_parallel",))
def lazy_module_refuses_data_parallel(nn, see):
    """A lazy module cannot be replicated for DataParallel before its first call."""
    see.raises(lambda: nn.LazyLinear(3)._replicate_for_data_parallel())
    layer = nn.LazyLinear(3)
    layer(torch.randn(1, 2))
    see.keys(layer._replicate_for_data_parallel()._parameters)


@scenario("layers", methods=("LazyModuleMixin.initialize_parameters",))
def lazy_mixin_without_initialize_parameters(nn, see):
    """A lazy module that does not write initialize_parameters fails at its first call."""

    class Half(_lazy_mixin(nn), nn.Module):
        def forward(self, x):
            return x

    see.raises(lambda: Half()(torch.ones(1)))


@scenario("layers", methods=("LazyModuleMixin._infer_parameters",))
def lazy_module_must_initialize_everything(nn, see):
    """A placeholder left after initialize_parameters is an error; without cls_to_become the class stays."""

    class Scale(_lazy_mixin(nn), nn.Module):
        def __init__(self, forget=False):
            super().__init__()
            self.forget = forget
            self.scale = nn.UninitializedParameter()

        def initialize_parameters(self, x):
            if not self.forget:
                self.scale.materialize(x.shape[-1:])
                torch.nn.init.ones_(self.scale)

        def forward(self, x):
            return x * self.scale

    see.raises(lambda: Scale(forget=True)(torch.ones(2)))
    module = Scale()
    see(module(torch.ones(2, 3)))
    see((type(module).__name__, module.has_uninitialized_params(), len(module._forward_pre_hooks)))


# ------------------------------------------------- lazy convolutions


def _lazy_convs(nn):
    """Each lazy convolution with an input of the right rank."""
    return [
        (nn.LazyConv1d(4, 3, stride=2), torch.randn(2, 3, 9)),
        (nn.LazyConv2d(4, 3, padding=1, groups=2, bias=False), torch.randn(2, 6, 5, 5)),
        (nn.LazyConv3d(2, 2), torch.randn(3, 4, 4, 4)),
        (nn.LazyConvTranspose1d(4, 3, stride=2, output_padding=1), torch.randn(2, 3, 5)),
        (nn.LazyConvTranspose2d(4, 3, stride=2, groups=2), torch.randn(2, 2, 4, 4)),
        (nn.LazyConvTranspose3d(2, 2, dilation=2), torch.randn(1, 3, 3, 3, 3)),
    ]


@scenario(
    "layers",
    methods=("LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"),
)
def lazy_convolutions_infer_in_channels(nn, see):
    """Each lazy conv: placeholders, then the same weights and output as torch, then the eager class."""
    for layer, x in _lazy_convs(nn):
        see.repr(layer)
        _placeholders(see, layer)
        see(layer(x))
        see.repr(layer)
        see(dict(layer.named_parameters()))


@scenario("layers", methods=("LazyConv2d.initialize_parameters",))
def lazy_conv_checks_groups_and_input_rank(nn, see):
    """in_channels not divisible by groups, and an input of the wrong rank, fail at the first call."""
    see.raises(lambda: nn.LazyConv2d(4, 3, groups=2)(torch.randn(1, 3, 5, 5)))
    see.raises(lambda: nn.LazyConv2d(4, 3)(torch.randn(5, 5)))
    see.raises(lambda: nn.LazyConvTranspose1d(4, 3)(torch.randn(1, 1, 2, 5)))
    see.raises(lambda: nn.LazyConvTranspose2d(2, 3, padding_mode="reflect"))


@scenario("layers", methods=("LazyConv2d.initialize_parameters",))
def lazy_conv_with_a_replaced_placeholder_fails(nn, see):
    """A weight or bias replaced by a real Parameter before the first call is an AssertionError."""
    conv = nn.LazyConv2d(2, 1)
    conv.weight = nn.Parameter(torch.ones(2, 1, 1, 1))
    see.raises(lambda: conv(torch.ones(1, 1, 2, 2)))
    conv = nn.LazyConv2d(2, 1)
    conv.bias = nn.Parameter(torch.ones(2))
    see.raises(lambda: conv(torch.ones(1, 1, 2, 2)))


# ----------------------------------------------- lazy batch normalization


@scenario("layers", methods=("LazyBatchNorm1d", "LazyBatchNorm2d"))
def lazy_batchnorm_has_parameter_and_buffer_placeholders(nn, see):
    """weight/bias are parameter placeholders, running stats buffer placeholders, the counter is real."""
    for layer in (nn.LazyBatchNorm1d(), nn.LazyBatchNorm2d(affine=False, momentum=None)):
        see.repr(layer)
        _placeholders(see, layer)
    see.keys(nn.LazyBatchNorm1d(track_running_stats=False).state_dict())


@scenario("layers", methods=("LazyBatchNorm1d.initialize_parameters", "LazyBatchNorm2d.initialize_parameters"))
def lazy_batchnorm_first_call_matches_batchnorm(nn, see):
    """After the first batch: BatchNorm's class, repr, output and running statistics."""
    for layer, x in ((nn.LazyBatchNorm1d(), torch.randn(6, 3) * 2 + 1), (nn.LazyBatchNorm2d(bias=False), torch.randn(2, 4, 3, 3))):
        see(layer(x))
        see.repr(layer)
        see(dict(layer.named_buffers()))
        see(dict(layer.named_parameters()))


@scenario("layers", methods=("LazyBatchNorm2d.initialize_parameters",))
def lazy_batchnorm_with_a_replaced_placeholder_fails(nn, see):
    """As for convolutions, a replaced weight or bias is an AssertionError at the first call."""
    bn = nn.LazyBatchNorm2d()
    bn.weight = nn.Parameter(torch.ones(2))
    see.raises(lambda: bn(torch.ones(2, 2, 1, 1)))
    bn = nn.LazyBatchNorm1d()
    bn.bias = nn.Parameter(torch.ones(2))
    see.raises(lambda: bn(torch.ones(2, 2)))


@scenario("layers", methods=("LazyLinear.__init__", "UninitializedParameter.__reduce_ex__"))
def lazy_module_pickles_with_its_placeholders(nn, see):
    """Pickling a whole lazy module keeps the placeholders and the hooks; it still initializes."""
    loaded = pickle.loads(pickle.dumps(nn.LazyLinear(2)))
    see.repr(loaded)
    see.repr(loaded.weight)
    see(loaded(torch.ones(1, 3)).shape)
