"""The transformer of "Attention Is All You Need": encoder and decoder stacks.

Everything here is built from the clone's own layers: MultiheadAttention,
Linear, LayerNorm, Dropout and ModuleList. A stack of N layers is N deep
copies of one layer, so all layers start with the same weights (the full
Transformer then re-draws them). In inference torch runs an encoder layer
as one fused op, the "fast path"; the clone takes it in exactly the same
cases, because its last bits differ from the step-by-step path.
"""

# Standard library: deepcopy builds the stacks; warnings for the
# nested-tensor notice.
from __future__ import annotations

import copy
import warnings
from typing import Any, Callable

# Tensor math from torch: the functional ops, masks helpers, Xavier init.
import torch
import torch.nn.functional as F
from torch.nn.init import xavier_uniform_

# The clone's own containers and layers: a transformer is made of them.
from .container import ModuleList
from .module import Module
from .activation import GELU, ReLU
from .attention import MultiheadAttention, _canonical_masks
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm

# The names this file exports, as in torch.nn.modules.transformer.
__all__ = [
    "Transformer",
    "TransformerEncoder",
    "TransformerDecoder",
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
]

# ------------------------------------------------------------------
# Helpers: masks, activations, copies
# ------------------------------------------------------------------


def _generate_square_subsequent_mask(
    sz: int, device: torch.device | None = None, dtype: torch.dtype | None = None
) -> torch.Tensor:
    """A causal mask: -inf above the diagonal (future steps), 0 elsewhere."""
    return torch.triu(torch.full((sz, sz), float("-inf"), dtype=dtype, device=device), diagonal=1)


def _get_seq_len(src: torch.Tensor, batch_first: bool) -> int | None:
    """The sequence length of `src`, or None for a nested tensor (lengths vary)."""
    if src.is_nested:
        return None
    # Unbatched inputs are (S, E); batched ones (N, S, E) or (S, N, E).
    if src.dim() == 2:
        return src.size(0)
    return src.size(1 if batch_first else 0)


def _detect_is_causal_mask(mask: torch.Tensor | None, is_causal: bool | None = None, size: int | None = None) -> bool:
    """Decide `is_causal`: trust an explicit True/False, else compare the mask to a causal one.

    Knowing the mask is causal lets attention use a faster kernel.
    """
    make_causal = is_causal is True
    if is_causal is None and mask is not None:
        sz = size if size is not None else mask.size(-2)
        causal = _generate_square_subsequent_mask(sz, device=mask.device, dtype=mask.dtype)
        # Compared with `==` and `all()`, not `torch.equal`, so a batch of
        # masks broadcasts against the one causal mask.
        make_causal = mask.size() == causal.size() and bool((mask == causal).all())
    return make_causal


def _get_activation_fn(activation: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """Turn 'relu' or 'gelu' into the function."""
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _get_clones(module: Module, N: int) -> ModuleList:
    """N independent deep copies of `module`: same starting weights, not shared."""
    return ModuleList([copy.deepcopy(module) for _ in range(N)])


# The device types that have the fused kernels.
def _fast_path_devices() -> list[str]:
    """Device types the fused encoder kernel runs on."""
    return ["cpu", "cuda", "xpu", torch.utils.backend_registration._privateuse1_backend_name]


def _encoder_tensors(layer: TransformerEncoderLayer, src: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The input and every weight the fused encoder kernel reads."""
    attn = layer.self_attn
    return (
        src,
        attn.in_proj_weight,
        attn.in_proj_bias,
        attn.out_proj.weight,
        attn.out_proj.bias,
        # Then the two norms and the feed-forward block.
        layer.norm1.weight,
        layer.norm1.bias,
        layer.norm2.weight,
        layer.norm2.bias,
        layer.linear1.weight,
        layer.linear1.bias,
        layer.linear2.weight,
        layer.linear2.bias,
    )


def _tensor_blocker(tensors: tuple[torch.Tensor, ...], on_device: tuple[torch.Tensor, ...]) -> str:
    """Why the tensors rule out the fused kernel ('' if they do not)."""
    # The kernel has no backward: while autograd records, it is skipped.
    if torch.overrides.has_torch_function(tensors):
        return "some Tensor argument has_torch_function"
    if not all(t.device.type in _fast_path_devices() for t in on_device):
        return "some Tensor argument's device is not supported"
    if torch.is_grad_enabled() and any(t.requires_grad for t in tensors):
        return "grad is enabled and at least one of the tensors requires_grad"
    return ""


# ------------------------------------------------------------------
# The full Transformer
# ------------------------------------------------------------------


class Transformer(Module):
    """An encoder-decoder transformer: `encoder` reads `src`, `decoder` writes `tgt` from it.

    Args:
        d_model: features of each token.
        nhead: attention heads.
        num_encoder_layers, num_decoder_layers: depth of each stack.
        dim_feedforward: hidden size of each feed-forward block.
        dropout: dropout probability everywhere.
        activation: 'relu', 'gelu' or a callable, in the feed-forward blocks.
        custom_encoder, custom_decoder: use these modules instead.
        layer_norm_eps: LayerNorm's epsilon.
        batch_first: (N, S, E) inputs instead of (S, N, E).
        norm_first: LayerNorm before each block (pre-norm) instead of after.
        bias: biases in Linear and LayerNorm layers.

    Examples:
        >>> model = Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
        >>> model(torch.zeros(5, 3, 8), torch.zeros(4, 3, 8)).shape
        torch.Size([4, 3, 8])
    """

    # Build both stacks (or take the custom ones), then re-draw every matrix.
    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[torch.Tensor], torch.Tensor] = F.relu,
        custom_encoder: Any | None = None,
        custom_decoder: Any | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Both stacks take the same layer options, and end with a LayerNorm.
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            encoder_layer = TransformerEncoderLayer(*layer_args, **factory_kwargs)
            encoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory_kwargs)
            self.encoder = TransformerEncoder(encoder_layer, num_encoder_layers, encoder_norm)
        # The decoder stack, built the same way after the encoder's draws.
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            decoder_layer = TransformerDecoderLayer(*layer_args, **factory_kwargs)
            decoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory_kwargs)
            self.decoder = TransformerDecoder(decoder_layer, num_decoder_layers, decoder_norm)
        # The copies in each stack started equal; now every matrix gets its
        # own Xavier draw. Vectors (biases, norms) keep their init.
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(
        self,
        src: torch.Tensor,
        tgt: torch.Tensor,
        src_mask: torch.Tensor | None = None,
        tgt_mask: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
        tgt_key_padding_mask: torch.Tensor | None = None,
        memory_key_padding_mask: torch.Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> torch.Tensor:
        """Encode `src` into a memory, then decode `tgt` attending to it."""
        # Source and target may differ in length, never in batch or width.
        is_batched = src.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if is_batched and src.size(batch_dim) != tgt.size(batch_dim):
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        # The encoder's output ("memory") is what every decoder layer attends to.
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            # Padding masks say which tokens are filler, per batch row.
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    # A static method, so `nn.Transformer.generate_square_subsequent_mask(5)`
    # works without a model, as in the tutorials.
    @staticmethod
    def generate_square_subsequent_mask(
        sz: int, device: torch.device | None = None, dtype: torch.dtype | None = None
    ) -> torch.Tensor:
        """A float mask that stops position i from attending to positions after i."""
        return _generate_square_subsequent_mask(sz, dtype=dtype, device=device)

    def _reset_parameters(self) -> None:
        """Xavier-uniform every parameter with more than one dimension."""
        for p in self.parameters():
            if p.dim() > 1:
                xavier_uniform_(p)


# ------------------------------------------------------------------
# The stacks: TransformerEncoder, TransformerDecoder
# ------------------------------------------------------------------


def _why_layer_blocks_nested_tensor(layer: Any) -> str:
    """Why the encoder cannot use nested tensors with this layer ('' if it can)."""
    name = "encoder_layer"
    if not isinstance(layer, TransformerEncoderLayer):
        return f"{name} was not TransformerEncoderLayer"
    # The same conditions as the layer's fast path that can be known
    # before any input is seen.
    attn = layer.self_attn
    if layer.norm_first:
        return f"{name}.norm_first was True"
    if not attn.batch_first:
        return f"{name}.self_attn.batch_first was not True(use batch_first for better inference performance)"
    # The kernel wants packed q/k/v weights with a bias.
    if not attn._qkv_same_embed_dim:
        return f"{name}.self_attn._qkv_same_embed_dim was not True"
    if attn.in_proj_bias is None:
        return f"{name}.self_attn was passed bias=False"
    # It knows only relu and gelu, one eps, and an even number of heads.
    if not layer.activation_relu_or_gelu:
        return f"{name}.activation_relu_or_gelu was not True"
    if layer.norm1.eps != layer.norm2.eps:
        return f"{name}.norm1.eps was not equal to {name}.norm2.eps"
    if attn.num_heads % 2 == 1:
        return f"{name}.self_attn.num_heads is odd"
    return ""


class TransformerEncoder(Module):
    """A stack of `num_layers` copies of `encoder_layer`, then an optional `norm`.

    Args:
        encoder_layer: the layer to copy (a TransformerEncoderLayer).
        num_layers: how many copies.
        norm: a module applied to the last layer's output.
        enable_nested_tensor: in inference with a padding mask, pack the
            batch as a nested tensor so padding costs no work.
        mask_check: check that the padding is all on the right first.

    Examples:
        >>> layer = TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> encoder = TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        >>> encoder(torch.zeros(5, 3, 8)).shape
        torch.Size([5, 3, 8])
    """

    # Copy the layer, then decide once whether nested tensors can be used.
    def __init__(
        self,
        encoder_layer: TransformerEncoderLayer,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        # What the user asked for, and whether it can be done: nested tensors
        # need the layer to qualify for the fused kernel.
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        # torch warns when the default (True) cannot be honoured, which
        # surprises many users of batch_first=False.
        why_not = _why_layer_blocks_nested_tensor(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn(
                f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why_not}", stacklevel=2
            )
            self.use_nested_tensor = False

    def forward(
        self,
        src: torch.Tensor,
        mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
        is_causal: bool | None = None,
    ) -> torch.Tensor:
        """Run `src` through every layer, then `norm`."""
        # Bool masks become float masks (-inf where not allowed), and the
        # two masks must be of the same kind.
        mask, src_key_padding_mask = _canonical_masks(mask, src_key_padding_mask, src.dtype, "mask", "src_key_padding_mask")
        # Nested tensors: the padded batch becomes a list of sequences of
        # their true lengths; the layers then skip the padding entirely.
        output = src
        padding_for_layers = src_key_padding_mask
        convert_to_nested = not self._why_no_nested_tensor(src, mask, src_key_padding_mask)
        if convert_to_nested:
            output = torch._nested_tensor_from_mask(output, src_key_padding_mask.logical_not(), mask_check=False)
            padding_for_layers = None
        # A mask that equals the causal mask lets attention use its causal kernel.
        seq_len = _get_seq_len(src, self.layers[0].self_attn.batch_first)
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=is_causal, src_key_padding_mask=padding_for_layers)
        # Back to a padded tensor of the input's shape, zeros in the padding.
        if convert_to_nested:
            output = output.to_padded_tensor(0.0, src.size())
        if self.norm is not None:
            output = self.norm(output)
        return output

    def _why_no_nested_tensor(
        self, src: torch.Tensor, mask: torch.Tensor | None, padding: torch.Tensor | None
    ) -> str:
        """Why this call cannot go through nested tensors ('' if it can), checked in torch's order."""
        first = self.layers[0]
        # `getattr`: encoders pickled by older torch lack these attributes.
        do_mask_check = getattr(self, "mask_check", True)
        if not torch.backends.mha.get_fastpath_enabled():
            return "torch.backends.mha.get_fastpath_enabled() was not True"
        if not getattr(self, "use_nested_tensor", False):
            return "self.use_nested_tensor was not True"
        # Only for batched inference with a padding mask.
        if first.training:
            return "self.layers[0] was in training mode"
        if src.dim() != 3:
            return "input not batched"
        if padding is None:
            return "src_key_padding_mask was None"
        if do_mask_check and torch.compiler.is_compiling():
            return "mask_check enabled with torch.compile or torch.export"
        # Nested tensors only work when each sequence's padding is at its end.
        if do_mask_check and not torch._nested_tensor_from_mask_left_aligned(src, padding.logical_not()):
            return "src and src_key_padding_mask were not left aligned"
        if src.is_nested:
            return "NestedTensor input is not supported"
        if mask is not None:
            return "src_key_padding_mask and mask were both supplied"
        if torch.is_autocast_enabled():
            return "autocast is enabled"
        # The encoder checks only where src lives, not the weights.
        return _tensor_blocker(_encoder_tensors(first, src), (src,))


class TransformerDecoder(Module):
    """A stack of `num_layers` copies of `decoder_layer`, then an optional `norm`.

    Examples:
        >>> layer = TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> decoder = TransformerDecoder(layer, num_layers=2)
        >>> decoder(torch.zeros(4, 3, 8), torch.zeros(5, 3, 8)).shape
        torch.Size([4, 3, 8])
    """

    # Copy the layer `num_layers` times.
    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: torch.Tensor,
        memory: torch.Tensor,
        tgt_mask: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        tgt_key_padding_mask: torch.Tensor | None = None,
        memory_key_padding_mask: torch.Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> torch.Tensor:
        """Run `tgt` through every layer (each attends to `memory`), then `norm`."""
        seq_len = _get_seq_len(tgt, self.layers[0].self_attn.batch_first)
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len)
        # Unlike the encoder, the decoder has no fast path: a plain loop.
        output = tgt
        for layer in self.layers:
            output = layer(
                output,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                # The same masks reach every layer.
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        if self.norm is not None:
            output = self.norm(output)
        return output


# ------------------------------------------------------------------
# The layers: TransformerEncoderLayer, TransformerDecoderLayer
# ------------------------------------------------------------------


def _add_feed_forward_and_norms(
    layer: Module, blocks: int, d_model: int, dim_feedforward: int, dropout: float,
    layer_norm_eps: float, norm_first: bool, bias: bool, factory_kwargs: dict,
) -> None:
    """Register the feed-forward block, then one LayerNorm and one Dropout per block.

    Both layers register these in the same order (after their attentions):
    linear1, dropout, linear2, norm1..normN, dropout1..dropoutN.
    """
    layer.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory_kwargs)
    layer.dropout = Dropout(dropout)
    layer.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory_kwargs)
    layer.norm_first = norm_first
    # `setattr` with a name registers the module as `self.norm1 = ...` would.
    for i in range(1, blocks + 1):
        setattr(layer, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory_kwargs))
    for i in range(1, blocks + 1):
        setattr(layer, f"dropout{i}", Dropout(dropout))


def _self_attention_block(
    layer: Module, x: torch.Tensor, attn_mask: torch.Tensor | None, key_padding_mask: torch.Tensor | None,
    is_causal: bool,
) -> torch.Tensor:
    """Self-attention (the weights are not needed), then the first dropout."""
    x = layer.self_attn(
        x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False, is_causal=is_causal
    )[0]
    return layer.dropout1(x)


def _feed_forward_block(layer: Module, x: torch.Tensor, last_dropout: Module) -> torch.Tensor:
    """Linear, activation, dropout, Linear, then the layer's last dropout."""
    return last_dropout(layer.linear2(layer.dropout(layer.activation(layer.linear1(x)))))


class TransformerEncoderLayer(Module):
    """Self-attention, then a two-layer feed-forward block, each with a residual and a LayerNorm.

    Takes d_model, nhead, dim_feedforward, dropout, activation,
    layer_norm_eps, batch_first, norm_first and bias, as Transformer does.

    Examples:
        >>> layer = TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> layer(torch.zeros(3, 5, 8)).shape
        torch.Size([3, 5, 8])
    """

    # Attention, feed-forward, two norms, three dropouts, in torch's order.
    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[torch.Tensor], torch.Tensor] = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Registration order = torch's, so parameters draw the same numbers
        # and state_dict keys come in the same order.
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **factory_kwargs)
        # Two blocks (attention, feed-forward): two norms, two dropouts.
        _add_feed_forward_and_norms(
            self, 2, d_model, dim_feedforward, dropout, layer_norm_eps, norm_first, bias, factory_kwargs
        )
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        # The fused kernel only knows relu (1) and gelu (2); 0 means
        # "something else", which rules the fast path out.
        if activation is F.relu or isinstance(activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif activation is F.gelu or isinstance(activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0
        # A module (e.g. `ReLU()`) becomes a submodule; a function is a plain attribute.
        self.activation = activation

    def __setstate__(self, state: dict) -> None:
        """Layers pickled by very old torch have no `activation`: it was always relu."""
        super().__setstate__(state)
        if not hasattr(self, "activation"):
            self.activation = F.relu

    def forward(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        """Return the layer's output, same shape as `src`."""
        # Bool masks become float masks, as in the encoder.
        src_mask, src_key_padding_mask = _canonical_masks(
            src_mask, src_key_padding_mask, src.dtype, "src_mask", "src_key_padding_mask"
        )
        # Inference: the whole layer in one fused op, if nothing rules it out.
        if not self._why_no_fast_path(src, src_mask, src_key_padding_mask):
            return self._fast_path(src, src_mask, src_key_padding_mask)
        # Post-norm (the 2017 paper) normalises after each residual add;
        # pre-norm (norm_first) before each block, which trains more stably.
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal=is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal=is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _why_no_fast_path(
        self, src: torch.Tensor, src_mask: torch.Tensor | None, padding: torch.Tensor | None
    ) -> str:
        """Why the fused kernel cannot run this call ('' if it can), in torch's order."""
        attn = self.self_attn
        if not torch.backends.mha.get_fastpath_enabled():
            return "torch.backends.mha.get_fastpath_enabled() was not True"
        if src.dim() != 3:
            return "input not batched"
        if self.training:
            return "training is enabled"
        # The kernel is written for one weight layout and two activations.
        if not attn.batch_first:
            return "self_attn.batch_first was not True"
        if attn.in_proj_bias is None:
            return "self_attn was passed bias=False"
        if not attn._qkv_same_embed_dim:
            return "self_attn._qkv_same_embed_dim was not True"
        if not self.activation_relu_or_gelu:
            return "activation_relu_or_gelu was not True"
        # The kernel takes one eps for both norms.
        if self.norm1.eps != self.norm2.eps:
            return "norm1.eps is not equal to norm2.eps"
        if src.is_nested and (padding is not None or src_mask is not None):
            return "masks are not supported with NestedTensor input"
        if attn.num_heads % 2 == 1:
            return "num_head is odd"
        if torch.is_autocast_enabled():
            return "autocast is enabled"
        # Hooks on any submodule would be skipped by the fused op, so their
        # presence forces the step-by-step path.
        if any(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in self.modules()):
            return "forward pre-/hooks are attached to the module"
        tensors = _encoder_tensors(self, src)
        return _tensor_blocker(tensors, tensors)

    def _fast_path(
        self, src: torch.Tensor, src_mask: torch.Tensor | None, padding: torch.Tensor | None
    ) -> torch.Tensor:
        """The whole layer as torch's one fused inference op."""
        attn = self.self_attn
        merged_mask, mask_type = attn.merge_masks(src_mask, padding, src)
        # The kernel takes the attention weights, then its options (gelu or
        # relu, norm_first, eps), then the norm and feed-forward weights:
        # the order of `_encoder_tensors`.
        tensors = _encoder_tensors(self, src)
        use_gelu = self.activation_relu_or_gelu == 2
        return torch._transformer_encoder_layer_fwd(
            src, attn.embed_dim, attn.num_heads, *tensors[1:5],
            use_gelu, self.norm_first, self.norm1.eps, *tensors[5:], merged_mask, mask_type,
        )

    def _sa_block(
        self, x: torch.Tensor, attn_mask: torch.Tensor | None, key_padding_mask: torch.Tensor | None, is_causal: bool = False
    ) -> torch.Tensor:
        """Self-attention and dropout1."""
        return _self_attention_block(self, x, attn_mask, key_padding_mask, is_causal)

    def _ff_block(self, x: torch.Tensor) -> torch.Tensor:
        """The feed-forward block, ending with dropout2."""
        return _feed_forward_block(self, x, self.dropout2)


class TransformerDecoderLayer(Module):
    """Self-attention, attention to the encoder's memory, then feed-forward; each with residual and norm.

    Takes the same arguments as TransformerEncoderLayer.

    Examples:
        >>> layer = TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> layer(torch.zeros(4, 3, 8), torch.zeros(5, 3, 8)).shape
        torch.Size([4, 3, 8])
    """

    # Two attentions, feed-forward, three norms, four dropouts, in torch's order.
    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[torch.Tensor], torch.Tensor] = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Two attentions: over the target itself, and over the memory.
        attn_kwargs = dict(dropout=dropout, batch_first=batch_first, bias=bias, **factory_kwargs)
        self.self_attn = MultiheadAttention(d_model, nhead, **attn_kwargs)
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attn_kwargs)
        # Three blocks: three norms, three dropouts.
        _add_feed_forward_and_norms(
            self, 3, d_model, dim_feedforward, dropout, layer_norm_eps, norm_first, bias, factory_kwargs
        )
        # The decoder has no fast path, so it need not know which activation.
        self.activation = _get_activation_fn(activation) if isinstance(activation, str) else activation

    def __setstate__(self, state: dict) -> None:
        """Layers pickled by very old torch have no `activation`: it was always relu."""
        if "activation" not in state:
            state["activation"] = F.relu
        super().__setstate__(state)

    def forward(
        self,
        tgt: torch.Tensor,
        memory: torch.Tensor,
        tgt_mask: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        tgt_key_padding_mask: torch.Tensor | None = None,
        memory_key_padding_mask: torch.Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> torch.Tensor:
        """Return the layer's output, same shape as `tgt`."""
        # The same three blocks in both orders; only where the norm sits changes.
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(
        self, x: torch.Tensor, attn_mask: torch.Tensor | None, key_padding_mask: torch.Tensor | None, is_causal: bool = False
    ) -> torch.Tensor:
        """Self-attention over the target, then dropout1."""
        return _self_attention_block(self, x, attn_mask, key_padding_mask, is_causal)

    def _mha_block(
        self,
        x: torch.Tensor,
        mem: torch.Tensor,
        attn_mask: torch.Tensor | None,
        key_padding_mask: torch.Tensor | None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        """Attention from the target (queries) to the memory (keys and values), then dropout."""
        x = self.multihead_attn(
            x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, need_weights=False
        )[0]
        return self.dropout2(x)

    def _ff_block(self, x: torch.Tensor) -> torch.Tensor:
        """The feed-forward block, ending with dropout3."""
        return _feed_forward_block(self, x, self.dropout3)
