"""The transformer family against torch: stacks, layers, masks and the inference fast path.

The common checks come from the table; the scenarios after it each show one
behaviour. Eval outputs are compared under `torch.no_grad()`, where torch
runs an encoder layer as one fused op (and may pack padded batches as nested
tensors): the clone must take that path in the same cases to agree bit for bit.
"""

import torch
import torch.nn.functional as F

from conformance.registry import scenario
from conformance.scenarios.layer_table import ignore_once_per_process_warnings, layer_checks

# Small sizes: width 8, 2 heads, feed-forward 16.
D, HEADS, FF = 8, 2, 16


def _tokens(dtype, batch_first=False, length=5):
    """A batch of 2 sequences of `length` tokens of width D."""
    shape = (2, length, D) if batch_first else (length, 2, D)
    return torch.randn(*shape, dtype=dtype)


def _encoder_layer(nn, **options):
    return nn.TransformerEncoderLayer(D, HEADS, FF, **options)


def _decoder_layer(nn, **options):
    return nn.TransformerDecoderLayer(D, HEADS, FF, **options)


# ------------------------------------------------------------------ table

layer_checks(
    "TransformerEncoderLayer", lambda nn: _encoder_layer(nn, batch_first=True), lambda d: (_tokens(d, True),)
)
layer_checks(
    "TransformerEncoderLayer",
    lambda nn: _encoder_layer(nn, activation="gelu", norm_first=True, bias=False),
    lambda d: (_tokens(d),),
    variant="pre_norm",
)
layer_checks("TransformerDecoderLayer", _decoder_layer, lambda d: (_tokens(d, length=4), _tokens(d)))
layer_checks(
    "TransformerEncoder",
    lambda nn: nn.TransformerEncoder(_encoder_layer(nn, batch_first=True), 2, nn.LayerNorm(D)),
    lambda d: (_tokens(d, True),),
)
layer_checks(
    "TransformerDecoder",
    lambda nn: nn.TransformerDecoder(_decoder_layer(nn, norm_first=True), 2),
    lambda d: (_tokens(d, length=4), _tokens(d)),
)
layer_checks(
    "Transformer",
    lambda nn: nn.Transformer(D, HEADS, 2, 1, FF, batch_first=True),
    lambda d: (_tokens(d, True), _tokens(d, True, length=4)),
)


# ------------------------------------------------------- construction


@scenario("layers", methods=("TransformerEncoder.__init__",))
def transformer_encoder_warns_when_nested_tensors_cannot_be_used(nn, see):
    """enable_nested_tensor=True (the default) warns with the reason when the layer does not qualify."""
    see.warns(lambda: nn.TransformerEncoder(_encoder_layer(nn), 1))
    see.warns(lambda: nn.TransformerEncoder(_encoder_layer(nn, batch_first=True, norm_first=True), 1))
    see.warns(lambda: nn.TransformerEncoder(_encoder_layer(nn, batch_first=True, bias=False), 1))
    see.warns(lambda: nn.TransformerEncoder(_encoder_layer(nn, batch_first=True, activation=F.tanh), 1))
    see.warns(lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(D, 1, FF, batch_first=True), 1))
    see.warns(lambda: nn.TransformerEncoder(nn.Linear(2, 2), 1))
    odd_eps = _encoder_layer(nn, batch_first=True)
    odd_eps.norm2.eps = 1e-6
    see.warns(lambda: nn.TransformerEncoder(odd_eps, 1))
    separate = _encoder_layer(nn, batch_first=True)
    separate.self_attn._qkv_same_embed_dim = False
    encoder = see.warns(lambda: nn.TransformerEncoder(separate, 1))
    see((encoder.enable_nested_tensor, encoder.use_nested_tensor))
    quiet = see.warns(lambda: nn.TransformerEncoder(_encoder_layer(nn), 1, enable_nested_tensor=False))
    see((quiet.enable_nested_tensor, quiet.use_nested_tensor))


@scenario("layers", methods=("TransformerEncoder.__init__", "TransformerDecoder.__init__"))
def transformer_stacks_are_deep_copies_of_one_layer(nn, see):
    """Every layer of a stack starts with the given layer's values, but shares nothing."""
    layer = _encoder_layer(nn, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 3)
    weights = [block.linear1.weight for block in encoder.layers]
    see([torch.equal(w, layer.linear1.weight) for w in weights])
    see([w is layer.linear1.weight for w in weights])
    decoder = nn.TransformerDecoder(_decoder_layer(nn), 2)
    see.keys(decoder.state_dict())


@scenario("layers", methods=("TransformerEncoderLayer.__init__", "TransformerDecoderLayer.__init__"))
def transformer_activation_choices(nn, see):
    """'relu'/'gelu' strings become functions; a module becomes a submodule; others are refused."""
    see.raises(lambda: _encoder_layer(nn, activation="tanh"))
    see.raises(lambda: _decoder_layer(nn, activation="swish"))
    for activation in ("relu", "gelu", F.gelu, nn.GELU(), nn.ReLU(), torch.tanh):
        layer = _encoder_layer(nn, activation=activation)
        see((layer.activation_relu_or_gelu, layer.activation))
    see.repr(_decoder_layer(nn, activation=nn.GELU()))


@scenario("layers", methods=("Transformer.__init__",))
def transformer_with_custom_encoder_and_decoder(nn, see):
    """custom_encoder and custom_decoder replace the stacks; the rest is still Xavier-initialized."""
    model = nn.Transformer(D, HEADS, custom_encoder=nn.Linear(D, D), custom_decoder=nn.Identity())
    see(dict(model.named_parameters()))
    see.repr(model)


@scenario("layers", methods=("TransformerEncoderLayer.__setstate__", "TransformerDecoderLayer.__setstate__"))
def transformer_layers_unpickle_old_state_without_activation(nn, see):
    """Layers pickled before `activation` existed come back with relu."""
    for cls in (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer):
        state = cls(D, HEADS, FF).__getstate__()
        del state["activation"]
        layer = cls.__new__(cls)
        layer.__setstate__(state)
        see(layer.activation)


# ------------------------------------------------------------- forward


@scenario("layers", methods=("Transformer.forward",))
def transformer_forward_checks_batch_and_width(nn, see):
    """src and tgt must share the batch size and have d_model features."""
    model = nn.Transformer(D, HEADS, 1, 1, FF)
    see.raises(lambda: model(_tokens(torch.float32), torch.randn(4, 3, D)))
    see.raises(lambda: model(_tokens(torch.float32), torch.randn(4, 2, 6)))
    first = nn.Transformer(D, HEADS, 1, 1, FF, batch_first=True)
    see.raises(lambda: first(torch.randn(2, 5, D), torch.randn(3, 4, D)))
    see(first(torch.randn(5, D), torch.randn(4, D)))


@scenario("layers", methods=("Transformer.generate_square_subsequent_mask", "Transformer.forward"))
def transformer_causal_mask_and_masked_forward(nn, see):
    """The causal mask is -inf above the diagonal; with all masks given, outputs agree."""
    see(nn.Transformer.generate_square_subsequent_mask(4))
    see(nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))
    model = nn.Transformer(D, HEADS, 2, 2, FF, batch_first=True)
    src, tgt = _tokens(torch.float32, True), _tokens(torch.float32, True, length=4)
    src_padding = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    see(
        model(
            src,
            tgt,
            tgt_mask=model.generate_square_subsequent_mask(4),
            src_key_padding_mask=src_padding,
            memory_key_padding_mask=src_padding,
            tgt_is_causal=True,
        )
    )


@scenario("layers", methods=("TransformerEncoder.forward", "TransformerEncoderLayer.forward"))
def transformer_encoder_eval_fast_path_with_padding(nn, see):
    """In eval under no_grad a padded batch goes through nested tensors; outputs agree bit for bit."""
    encoder = nn.TransformerEncoder(_encoder_layer(nn, batch_first=True), 2).eval()
    x = _tokens(torch.float32, True)
    right_padded = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    left_padded = torch.tensor([[False] * 5, [True] * 2 + [False] * 3])
    with torch.no_grad(), ignore_once_per_process_warnings():
        see(encoder(x, src_key_padding_mask=right_padded))
        see(encoder(x, src_key_padding_mask=left_padded))
        see(encoder(x, src_key_padding_mask=right_padded.float()))
        see(encoder(x, mask=nn.Transformer.generate_square_subsequent_mask(5)))
        encoder.mask_check = False
        see(encoder(x, src_key_padding_mask=right_padded))


@scenario("layers", methods=("TransformerEncoderLayer.forward",))
def transformer_encoder_layer_fast_path_is_skipped_with_hooks(nn, see):
    """A forward hook on any submodule forces the step-by-step path, so the hook runs."""
    layer = _encoder_layer(nn, batch_first=True).eval()
    calls = []
    layer.linear1.register_forward_hook(lambda module, args, output: calls.append(tuple(output.shape)))
    with torch.no_grad():
        see(layer(_tokens(torch.float32, True)))
    see(calls)


@scenario("layers", methods=("TransformerEncoder.forward", "TransformerDecoder.forward"))
def transformer_detects_a_causal_mask(nn, see):
    """A mask equal to the causal mask is used as causal; masks of another kind are refused."""
    encoder = nn.TransformerEncoder(_encoder_layer(nn), 2, enable_nested_tensor=False)
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    x = _tokens(torch.float32)
    see(encoder(x, mask=causal))
    see(encoder(x, mask=causal, is_causal=False))
    see(encoder(x, mask=causal.expand(4, 5, 5).clone()))
    see.raises(lambda: encoder(x, mask=causal, src_key_padding_mask=torch.zeros(2, 5, dtype=torch.int64)))
    decoder = nn.TransformerDecoder(_decoder_layer(nn), 1)
    see(decoder(_tokens(torch.float32, length=5), x, tgt_mask=causal))


@scenario("layers", methods=("TransformerEncoderLayer.forward", "TransformerDecoderLayer.forward"))
def transformer_layers_take_unbatched_input(nn, see):
    """A 2-D (S, E) input is one sequence; eval skips the fast path for it."""
    with torch.no_grad():
        see(_encoder_layer(nn, batch_first=True).eval()(torch.randn(5, D)))
        see(_decoder_layer(nn).eval()(torch.randn(4, D), torch.randn(5, D)))


@scenario("layers", methods=("MultiheadAttention.merge_masks", "TransformerEncoderLayer.forward"))
def multihead_attention_merge_masks_for_the_fused_kernels(nn, see):
    """merge_masks gives the fused kernels one mask and its type: 1 padding only, 2 full (N, H, L, L)."""
    mha = nn.MultiheadAttention(D, HEADS, batch_first=True)
    query = torch.randn(2, 5, D)
    padding = torch.tensor([[0.0] * 5, [0.0] * 3 + [float("-inf")] * 2])
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    see(mha.merge_masks(None, None, query))
    see(mha.merge_masks(None, padding, query))
    see(mha.merge_masks(causal, None, query))
    see(mha.merge_masks(causal, padding, query))
    see(mha.merge_masks(causal.expand(2 * HEADS, 5, 5), None, query))
