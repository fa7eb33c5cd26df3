"""Layers: same constructor, parameter and buffer names, init draws, repr and outputs as torch."""

import re

import warnings

import torch

from conformance.registry import scenario


def _describe(see, layer):
    """Record what a layer is made of: names, shapes, init values, repr."""
    see(dict(layer.named_parameters()))
    see(dict(layer.named_buffers()))
    see.repr(layer)


# ------------------------------------------------------------------ linear


@scenario("layers", methods=("Linear.__init__", "Linear.reset_parameters"))
def linear_init_matches_torch_draws(nn, see):
    """Linear draws weight then bias from the same seed as torch."""
    _describe(see, nn.Linear(3, 2))
    _describe(see, nn.Linear(3, 2, bias=False))


@scenario("layers", methods=("Linear.forward",))
def linear_forward_and_dtype_argument(nn, see):
    """dtype= creates float64 parameters; forward matches torch."""
    layer = nn.Linear(2, 2, dtype=torch.float64)
    see(layer(torch.randn(3, 2, dtype=torch.float64)))


@scenario("layers", methods=("Identity",))
def identity_ignores_arguments(nn, see):
    """Identity takes any arguments and returns its input object."""
    layer = nn.Identity(54, unused="x")
    x = torch.randn(2)
    see.same(layer(x), x)
    see.repr(layer)


@scenario("layers", methods=("Bilinear.__init__",))
def bilinear_init_and_repr(nn, see):
    """Bilinear has a 3-D weight drawn from U(-1/sqrt(in1), 1/sqrt(in1))."""
    _describe(see, nn.Bilinear(2, 3, 4))
    _describe(see, nn.Bilinear(2, 3, 4, bias=False))


@scenario("layers", methods=("Bilinear.forward",))
def bilinear_forward_takes_two_inputs(nn, see):
    """Bilinear is called with two tensors."""
    layer = nn.Bilinear(2, 3, 4)
    see(layer(torch.randn(5, 2), torch.randn(5, 3)))


@scenario("layers", methods=("Bilinear.reset_parameters",))
def bilinear_zero_in_features_is_value_error(nn, see):
    """in1_features=0 raises ValueError from reset_parameters."""
    see.raises(lambda: nn.Bilinear(0, 3, 4))


# -------------------------------------------------------------------- conv


@scenario("layers", methods=("Conv1d.__init__",))
def conv1d_init_and_repr(nn, see):
    """Conv1d: weight (out, in/groups, k), Kaiming-uniform init, tuple sizes in repr."""
    _describe(see, nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2))


@scenario("layers", methods=("Conv2d.__init__",))
def conv2d_init_and_repr(nn, see):
    """Conv2d stores kernel_size etc. as pairs and prints only non-defaults."""
    _describe(see, nn.Conv2d(2, 3, (3, 2), dilation=2, bias=False, padding_mode="reflect"))
    see.repr(nn.Conv2d(1, 2, 3, padding="same"))


@scenario("layers", methods=("Conv2d.forward",))
def conv2d_forward_with_padding_modes(nn, see):
    """Forward output for zeros, reflect and circular padding, and padding='same'."""
    x = torch.randn(1, 2, 5, 5)
    for mode in ("zeros", "reflect", "circular"):
        see(nn.Conv2d(2, 2, 3, padding=1, padding_mode=mode)(x))
    see(nn.Conv2d(2, 2, (3, 4), padding="same", padding_mode="replicate")(x))


@scenario("layers", methods=("Conv1d.forward",))
def conv1d_forward(nn, see):
    """Conv1d forward on (N, C, L) input."""
    see(nn.Conv1d(2, 3, 3, padding="valid")(torch.randn(2, 2, 7)))


def _raises_with_set_in_message(see, fn):
    """Record an error whose message prints a Python set, with the set sorted.

    The order of a set's items in its repr is not stable: it depends on how
    each .pyc file was compiled. So the items are compared sorted.
    """
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the error is the observation
        text = str(error)
        start, end = text.index("{"), text.index("}") + 1
        see((type(error).__name__, text[:start], sorted(re.findall(r"'(\w+)'", text[start:end])), text[end:]))
    else:
        see("no error")


@scenario("layers", methods=("Conv2d.__init__",))
def conv_argument_errors(nn, see):
    """groups, divisibility and strided padding='same' are checked with torch's messages."""
    see.raises(lambda: nn.Conv2d(2, 2, 3, groups=0))
    see.raises(lambda: nn.Conv2d(3, 2, 3, groups=2))
    see.raises(lambda: nn.Conv2d(2, 3, 3, groups=2))
    see.raises(lambda: nn.Conv2d(2, 2, 3, padding="same", stride=2))


@scenario("layers", methods=("Conv2d.__init__",))
def conv_rejects_unknown_padding_names(nn, see):
    """A wrong padding string or padding_mode is a ValueError listing the valid ones."""
    _raises_with_set_in_message(see, lambda: nn.Conv2d(2, 2, 3, padding="full"))
    _raises_with_set_in_message(see, lambda: nn.Conv1d(2, 2, 3, padding_mode="mirror"))


# --------------------------------------------------------------- batchnorm


@scenario("layers", methods=("BatchNorm1d.__init__",))
def batchnorm_parameters_and_buffers(nn, see):
    """BatchNorm has weight/bias parameters and three buffers, the counter an int64."""
    _describe(see, nn.BatchNorm1d(3))


@scenario("layers", methods=("BatchNorm1d.__init__",))
def batchnorm_options_change_what_is_registered(nn, see):
    """affine=False, bias=False and track_running_stats=False register None."""
    _describe(see, nn.BatchNorm1d(3, affine=False))
    _describe(see, nn.BatchNorm1d(3, bias=False))
    _describe(see, nn.BatchNorm2d(3, track_running_stats=False, momentum=None))


@scenario("layers", methods=("BatchNorm1d.forward",))
def batchnorm_training_updates_running_stats(nn, see):
    """In training, forward updates running_mean, running_var and the counter."""
    bn = nn.BatchNorm1d(3)
    see(bn(torch.randn(8, 3) * 2 + 1))
    see(dict(bn.named_buffers()))


@scenario("layers", methods=("BatchNorm1d.forward",))
def batchnorm_eval_uses_running_stats(nn, see):
    """In eval, forward uses the running statistics and changes nothing."""
    bn = nn.BatchNorm1d(3)
    bn(torch.randn(8, 3) + 3)
    bn.eval()
    see(bn(torch.randn(4, 3)))
    see(bn.num_batches_tracked)


@scenario("layers", methods=("BatchNorm2d.forward",))
def batchnorm_momentum_none_is_cumulative_average(nn, see):
    """momentum=None averages all batches seen so far (factor 1/n)."""
    bn = nn.BatchNorm2d(2, momentum=None)
    for _ in range(3):
        bn(torch.randn(4, 2, 3, 3) * 3)
    see(dict(bn.named_buffers()))


@scenario("layers", methods=("BatchNorm2d.forward",))
def batchnorm_without_tracking_uses_batch_stats_in_eval(nn, see):
    """track_running_stats=False: eval mode still normalizes with the batch's statistics."""
    bn = nn.BatchNorm2d(2, track_running_stats=False).eval()
    see(bn(torch.randn(3, 2, 2, 2)))


@scenario("layers", methods=("BatchNorm1d._check_input_dim", "BatchNorm2d._check_input_dim"))
def batchnorm_checks_input_rank(nn, see):
    """BatchNorm1d wants 2-D or 3-D input, BatchNorm2d 4-D."""
    see.raises(lambda: nn.BatchNorm1d(3)(torch.randn(2, 3, 4, 5)))
    see.raises(lambda: nn.BatchNorm2d(3)(torch.randn(2, 3)))
    see(nn.BatchNorm1d(3)(torch.randn(2, 3, 4)))


@scenario("layers", methods=("BatchNorm1d._load_from_state_dict",))
def batchnorm_loads_old_checkpoint_without_counter(nn, see):
    """A version-1 checkpoint without num_batches_tracked loads strictly."""
    bn = nn.BatchNorm1d(2)
    sd = nn.BatchNorm1d(2).state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    see(bn.load_state_dict(sd))
    see(bn.num_batches_tracked)


@scenario("layers", methods=("BatchNorm1d._load_from_state_dict",))
def batchnorm_version_2_checkpoint_needs_counter(nn, see):
    """A version-2 checkpoint without the counter reports it missing."""
    sd = nn.BatchNorm1d(2).state_dict()
    del sd["num_batches_tracked"]
    see.raises(lambda: nn.BatchNorm1d(2).load_state_dict(sd))


@scenario("layers", methods=("BatchNorm1d.state_dict",))
def batchnorm_state_dict_metadata_version(nn, see):
    """BatchNorm saves version 2 in the state_dict metadata."""
    see(nn.Sequential(nn.BatchNorm1d(2)).state_dict()._metadata["0"])


@scenario("layers", methods=("BatchNorm1d.reset_running_stats",))
def batchnorm_reset_running_stats(nn, see):
    """reset_running_stats puts mean 0, var 1, counter 0 back."""
    bn = nn.BatchNorm1d(2)
    bn(torch.randn(4, 2))
    bn.reset_running_stats()
    see(dict(bn.named_buffers()))


# ------------------------------------------------------ other normalization


@scenario("layers", methods=("LayerNorm.__init__",))
def layernorm_shapes_and_repr(nn, see):
    """LayerNorm stores normalized_shape as a tuple; bias and affine can be off."""
    _describe(see, nn.LayerNorm(4))
    _describe(see, nn.LayerNorm([2, 3], elementwise_affine=False))
    _describe(see, nn.LayerNorm(torch.Size([3]), bias=False, eps=1e-6))


@scenario("layers", methods=("LayerNorm.forward",))
def layernorm_forward(nn, see):
    """LayerNorm output equals torch's."""
    see(nn.LayerNorm([2, 3])(torch.randn(4, 2, 3)))


@scenario("layers", methods=("RMSNorm.__init__", "RMSNorm.forward"))
def rmsnorm_weight_only(nn, see):
    """RMSNorm has a weight but no bias; eps defaults to None."""
    _describe(see, nn.RMSNorm(4))
    _describe(see, nn.RMSNorm([4], eps=1e-6, elementwise_affine=False))
    see(nn.RMSNorm(3)(torch.randn(2, 3)))


@scenario("layers", methods=("GroupNorm.__init__", "GroupNorm.forward"))
def groupnorm_init_forward_and_error(nn, see):
    """GroupNorm checks divisibility and normalizes per group."""
    _describe(see, nn.GroupNorm(2, 4))
    _describe(see, nn.GroupNorm(1, 2, affine=False))
    see(nn.GroupNorm(2, 4)(torch.randn(2, 4, 3)))
    see.raises(lambda: nn.GroupNorm(3, 4))


# ----------------------------------------------------------- dropout etc.


@scenario("layers", methods=("Dropout.forward",))
def dropout_drops_in_training_only(nn, see):
    """Dropout zeros and rescales in training; eval returns the input values."""
    drop = nn.Dropout(0.5)
    x = torch.ones(10)
    see(drop(x))
    drop.eval()
    see(drop(x))
    see.repr(drop)


@scenario("layers", methods=("Dropout.__init__",))
def dropout_probability_is_checked(nn, see):
    """p outside [0, 1] raises ValueError."""
    see.raises(lambda: nn.Dropout(1.5))
    see.raises(lambda: nn.Dropout(-0.1))
    see.repr(nn.Dropout(p=1, inplace=True))


@scenario("layers", methods=("Embedding.__init__",))
def embedding_init_and_padding_row(nn, see):
    """Embedding draws N(0, 1) rows; the padding row is zero; negative padding_idx wraps."""
    _describe(see, nn.Embedding(5, 3, padding_idx=-1))
    see.repr(nn.Embedding(5, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True))


@scenario("layers", methods=("Embedding.forward",))
def embedding_lookup_and_padding_gradient(nn, see):
    """Lookup returns rows; the padding row gets no gradient."""
    emb = nn.Embedding(4, 2, padding_idx=0)
    out = emb(torch.tensor([[0, 1], [3, 0]]))
    see(out)
    out.sum().backward()
    see(emb.weight.grad)


@scenario("layers", methods=("Embedding.__init__",))
def embedding_errors(nn, see):
    """padding_idx out of range and a wrong _weight shape raise AssertionError."""
    see.raises(lambda: nn.Embedding(3, 2, padding_idx=3))
    see.raises(lambda: nn.Embedding(3, 2, padding_idx=-4))
    see.raises(lambda: nn.Embedding(3, 2, _weight=torch.zeros(2, 2)))
    see(nn.Embedding(2, 2, _weight=torch.ones(2, 2), _freeze=True).weight)


@scenario("layers", methods=("Flatten",))
def flatten_dims_and_repr(nn, see):
    """Flatten keeps the batch dim by default; start/end are configurable."""
    x = torch.randn(2, 3, 4, 5)
    see(nn.Flatten()(x).shape)
    see(nn.Flatten(0, 2)(x).shape)
    see.repr(nn.Flatten(start_dim=2))


# ------------------------------------------------------------- activations


@scenario("layers", methods=("ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax"))
def activations_match_torch(nn, see):
    """Each activation gives torch's output and repr."""
    x = torch.randn(3, 4)
    for act in (nn.ReLU(), nn.ReLU(inplace=True), nn.GELU(), nn.GELU("tanh"), nn.SiLU(), nn.Tanh(), nn.Sigmoid(), nn.Softmax(dim=1)):
        see.repr(act)
        see(act(x.clone()))


@scenario("layers", methods=("ReLU.forward",))
def relu_inplace_returns_the_input(nn, see):
    """ReLU(inplace=True) writes into its input and returns it."""
    x = torch.randn(4)
    see.same(nn.ReLU(inplace=True)(x), x)
    see.same(nn.ReLU()(x), x)


@scenario("layers", methods=("Softmax.forward",))
def softmax_without_dim_warns(nn, see):
    """Softmax() without dim warns about the implicit choice."""
    see.warns(lambda: nn.Softmax()(torch.randn(2, 3)))
    see.repr(nn.Softmax())


# ----------------------------------------------------------------- pooling


@scenario("layers", methods=("MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"))
def pooling_outputs_and_repr(nn, see):
    """Pooling layers keep their sizes as given (an int stays an int) in the repr."""
    x = torch.randn(1, 2, 6, 6)
    for pool in (
        nn.MaxPool2d(2),
        nn.MaxPool2d((3, 2), stride=1, padding=1, ceil_mode=True),
        nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
        nn.AvgPool2d(2, divisor_override=3),
        nn.AdaptiveAvgPool2d((2, 3)),
        nn.AdaptiveAvgPool2d(1),
    ):
        see.repr(pool)
        see(pool(x))


@scenario("layers", methods=("MaxPool2d.forward",))
def maxpool_return_indices(nn, see):
    """return_indices=True returns (values, indices)."""
    see(nn.MaxPool2d(2, return_indices=True)(torch.randn(1, 1, 4, 4)))


# --------------------------------------------------------------- attention


@scenario("layers", methods=("MultiheadAttention.__init__",))
def multihead_attention_parameters(nn, see):
    """Packed in_proj_weight, in_proj_bias and an out_proj Linear, Xavier-initialized."""
    mha = nn.MultiheadAttention(8, 2)
    _describe(see, mha)
    see(mha.bias_k)


@scenario("layers", methods=("MultiheadAttention.__init__",))
def multihead_attention_separate_kv_sizes(nn, see):
    """kdim/vdim different from embed_dim give separate q/k/v weights; bias_kv adds two."""
    mha = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True, bias=False)
    see.keys(mha.named_parameters())
    see(mha.bias_k)


@scenario("layers", methods=("MultiheadAttention.__init__",))
def multihead_attention_errors(nn, see):
    """Zero sizes are a ValueError; embed_dim not divisible by heads is AssertionError."""
    see.raises(lambda: nn.MultiheadAttention(0, 2))
    see.raises(lambda: nn.MultiheadAttention(6, 4))


@scenario("layers", methods=("MultiheadAttention.forward",))
def multihead_attention_forward_self_and_cross(nn, see):
    """Self-attention (batch_first) and cross-attention with a causal mask match torch."""
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(2, 5, 8)
    see(mha(x, x, x))
    mask = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    see(mha(x, x, x, attn_mask=mask, average_attn_weights=False))
    cross = nn.MultiheadAttention(4, 2, kdim=3, vdim=3)
    see(cross(torch.randn(5, 2, 4), torch.randn(6, 2, 3), torch.randn(6, 2, 3), need_weights=False))


# ----------------------------------------------------- layers with Module


@scenario("layers", methods=("train", "eval"))
def layers_follow_train_and_eval(nn, see):
    """train()/eval() reach layers inside a Sequential (dropout, batchnorm)."""
    net = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.3))
    x = torch.randn(6, 4)
    see(net(x))
    net.eval()
    see([m.training for m in net.modules()])
    see(net(x))


@scenario("layers", methods=("to", "double"))
def layers_convert_parameters_and_buffers(nn, see):
    """double() converts parameters and float buffers but not the int64 counter."""
    bn = nn.BatchNorm1d(2).double()
    see({k: v.dtype for k, v in bn.state_dict().items()})


@scenario("layers", methods=("MultiheadAttention.forward",))
def multihead_attention_inference_matches_the_fast_path(nn, see):
    """In eval mode under no_grad torch uses a fused kernel; outputs still agree bit for bit."""
    mha = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    x = torch.randn(2, 5, 8)
    padding = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    with torch.no_grad():
        see(mha(x, x, x, need_weights=False))
        see(mha(x, x, x, key_padding_mask=padding))
        see(mha(x, x, x, attn_mask=causal, key_padding_mask=padding, need_weights=False))


@scenario("layers", methods=("MultiheadAttention.forward", "MultiheadAttention._why_not_fast_path"))
def multihead_attention_nested_input_needs_the_fast_path(nn, see):
    """Nested tensors work only in the fused kernel; otherwise the error names the first reason it was skipped."""
    with warnings.catch_warnings():  # torch warns once per process that nested tensors are a prototype
        warnings.simplefilter("ignore")
        nested = torch.nested.nested_tensor([torch.randn(3, 8), torch.randn(5, 8)])
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    with torch.no_grad():
        see.raises(lambda: mha(nested, nested, nested))  # training is enabled
        mha.eval()
        out, weights = mha(nested, nested, nested, need_weights=False)
        see(out.is_nested)
        see([tuple(t.shape) for t in out.unbind()])
        see(weights)
        mask = torch.zeros(2, 5, dtype=torch.bool)
        see.raises(lambda: mha(nested, nested, nested, key_padding_mask=mask))
        see.raises(lambda: nn.MultiheadAttention(8, 1, batch_first=True).eval()(nested, nested, nested))
        see.raises(lambda: nn.MultiheadAttention(8, 2).eval()(nested, nested, nested))
    see.raises(lambda: mha.eval()(nested, nested, nested))  # grad is enabled


@scenario("layers", methods=("MultiheadAttention.forward",))
def multihead_attention_unbatched_input(nn, see):
    """A 2-D (L, E) input is one unbatched sequence."""
    mha = nn.MultiheadAttention(4, 2)
    x = torch.randn(3, 4)
    see(mha(x, x, x))


@scenario("layers", methods=("BatchNorm1d._load_from_state_dict",))
def batchnorm_on_meta_loads_old_checkpoint_with_assign(nn, see):
    """A meta-device BatchNorm gets a fresh zero counter from an old checkpoint (assign=True)."""
    bn = nn.BatchNorm1d(2, device="meta")
    sd = nn.BatchNorm1d(2).state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    see(bn.load_state_dict(sd, assign=True))
    see(bn.num_batches_tracked)
    see(bn.running_var)
