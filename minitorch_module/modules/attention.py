"""MultiheadAttention: several attention heads side by side, as in "Attention Is All You Need".

The attention math is `F.multi_head_attention_forward`. The Module side is
the layout of the weights: one packed `in_proj_weight` (q, k and v stacked)
and an `out_proj` Linear, with torch's names so state_dicts load both ways.
"""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# `Any` for the device and dtype arguments.
from typing import Any

# The attention math and the initial values come from torch.
import torch
import torch.nn.functional as F
from torch.nn import init

# Our Module and Parameter hold the weights; `out_proj` is our Linear.
from .module import Module
from ..parameter import Parameter
from .linear import Linear

# The public layer of this file.
__all__ = ["MultiheadAttention"]


def _canonical_masks(
    attn_mask: torch.Tensor | None,
    key_padding_mask: torch.Tensor | None,
    dtype: torch.dtype,
    attn_name: str = "attn_mask",
    padding_name: str = "key_padding_mask",
) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Turn bool masks into float masks (-inf where attention is not allowed).

    Both masks must be of the same kind; the names are the argument names
    the caller's user sees in the error message. The transformer layers use
    this too, with their own argument names.
    """
    key_padding_mask = F._canonical_mask(
        mask=key_padding_mask,
        mask_name=padding_name,
        other_type=F._none_or_dtype(attn_mask),
        other_name=attn_name,
        target_type=dtype,
    )
    attn_mask = F._canonical_mask(
        mask=attn_mask, mask_name=attn_name, other_type=None, other_name="", target_type=dtype, check_other=False
    )
    return attn_mask, key_padding_mask


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under another name. Torch uses the name to tell its quantization
    tools to leave `out_proj` alone; it also shows up in the repr."""


class MultiheadAttention(Module):
    """Attend from `query` to `key`/`value` with `num_heads` heads of size embed_dim // num_heads.

    Inputs are (L, N, E), or (N, L, E) with `batch_first=True`. Returns the
    output and the attention weights (averaged over heads by default).

    Note: in inference (eval mode, no gradients needed, self-attention,
    batch_first) torch calls one fused kernel, the "fast path". Its last bits
    can differ from the normal path, so the clone takes it in the same cases.

    Examples:
        >>> import torch
        >>> mha = MultiheadAttention(8, 2, batch_first=True)
        >>> x = torch.zeros(1, 5, 8)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (torch.Size([1, 5, 8]), torch.Size([1, 5, 5]))
    """

    # Many options, but most only change which weights exist. The usual
    # self-attention layer needs just `embed_dim` and `num_heads`.
    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        # Checked before Module.__init__, as torch does.
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0,"
                f" got embed_dim={embed_dim} and num_heads={num_heads} instead"
            )
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Keys and values may come with other sizes (cross-attention); by
        # default they have the query's size, and then q/k/v weights pack.
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        # Each head works on embed_dim // num_heads features.
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        # Same sizes: q, k, v weights are packed in one (3E, E) tensor.
        # Different key/value sizes: three separate weights. The unused
        # names are registered as None so the parameter order matches torch.
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(torch.empty((3 * embed_dim, embed_dim), **factory_kwargs))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(torch.empty((embed_dim, embed_dim), **factory_kwargs))
            self.k_proj_weight = Parameter(torch.empty((embed_dim, self.kdim), **factory_kwargs))
            self.v_proj_weight = Parameter(torch.empty((embed_dim, self.vdim), **factory_kwargs))
            self.register_parameter("in_proj_weight", None)
        # One bias for q, k and v together; `out_proj` has its own.
        if bias:
            self.in_proj_bias = Parameter(torch.empty(3 * embed_dim, **factory_kwargs))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **factory_kwargs)
        # Optional learned key/value appended to the sequence. When off they
        # are plain attributes set to None, not registered names.
        if add_bias_kv:
            self.bias_k = Parameter(torch.empty((1, 1, embed_dim), **factory_kwargs))
            self.bias_v = Parameter(torch.empty((1, 1, embed_dim), **factory_kwargs))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projection weights, zero biases (torch's order of draws)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        # out_proj.weight keeps Linear's own init; only its bias is zeroed.
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        need_weights: bool = True,
        attn_mask: torch.Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Return (output, attention weights or None).

        Args:
            query, key, value: (L, N, E) tensors, or (N, L, E) if batch_first.
            key_padding_mask: (N, S); True marks keys to ignore.
            need_weights: if False, the weights are not returned (None).
            attn_mask: (L, S) or (N * num_heads, L, S); True = not allowed.
            average_attn_weights: average the weights over the heads.
            is_causal: a hint that attn_mask is the causal mask.
        """
        # Float masks rule out the fast path; then both masks are turned
        # into the same form (bool -> float with -inf) as torch does.
        float_mask = any(m is not None and torch.is_floating_point(m) for m in (attn_mask, key_padding_mask))
        attn_mask, key_padding_mask = _canonical_masks(attn_mask, key_padding_mask, query.dtype)
        # The fused kernel, in the cases where torch uses it. It takes
        # batch-first inputs as they are.
        why_not = self._why_not_fast_path(query, key, value, (attn_mask, key_padding_mask), float_mask)
        if not why_not and self.in_proj_bias is not None:
            merged_mask, mask_type = self.merge_masks(attn_mask, key_padding_mask, query)
            return torch._native_multi_head_attention(
                query,
                key,
                value,
                self.embed_dim,
                self.num_heads,
                # The packed weights, then the merged mask and options.
                self.in_proj_weight,
                self.in_proj_bias,
                self.out_proj.weight,
                self.out_proj.bias,
                merged_mask,
                need_weights,
                average_attn_weights,
                mask_type,
            )
        # Outside the fused kernel nothing takes nested tensors.
        if query.is_nested or key.is_nested or value.is_nested:
            raise AssertionError(
                "MultiheadAttention does not support NestedTensor outside of its fast path. "
                f"The fast path was not hit because {why_not}"
            )
        # The functional form wants (L, N, E): swap the first two dims of
        # batch-first inputs now and swap the output back at the end.
        # Keep `query is key is value` true after the swap: the functional
        # form checks identity to choose one packed projection for
        # self-attention, which also changes the last bits of the result.
        is_batched = query.dim() == 3
        if self.batch_first and is_batched:
            swapped: dict[int, torch.Tensor] = {}
            query, key, value = (swapped.setdefault(id(x), x.transpose(1, 0)) for x in (query, key, value))
        # The functional form does projection, scaled dot-product attention
        # per head, dropout (in training only) and the output projection.
        separate = not self._qkv_same_embed_dim
        attn_output, attn_weights = F.multi_head_attention_forward(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            # The weights, in the order the function takes them.
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            # The module's state (training turns dropout on) and the options.
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            # Used only when keys/values have their own sizes.
            use_separate_proj_weight=separate,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
        )
        # Undo the swap, so the caller gets (N, L, E) back.
        if self.batch_first and is_batched:
            return attn_output.transpose(1, 0), attn_weights
        return attn_output, attn_weights

    def _why_not_fast_path(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        masks: tuple[torch.Tensor | None, torch.Tensor | None],
        float_mask: bool,
    ) -> str:
        """Why torch would not use its fused inference kernel here ("" if it would).

        The reasons, their order and their words are torch's: an error about
        nested tensors quotes the first one that applies.
        """
        # Inference-only self-attention with the packed layout and no extras.
        weight, bias = self.in_proj_weight, self.in_proj_bias
        checks = (
            (lambda: not torch.backends.mha.get_fastpath_enabled(),
             lambda: "torch.backends.mha.get_fastpath_enabled() was not True"),
            (lambda: query.dim() != 3,
             lambda: f"input not batched; expected query.dim() of 3 but got {query.dim()}"),
            (lambda: query is not key or key is not value,
             lambda: "non-self attention was used (query, key, and value are not the same Tensor)"),
            (lambda: bias is not None and query.dtype != bias.dtype,
             lambda: f"dtypes of query ({query.dtype}) and self.in_proj_bias ({bias.dtype}) don't match"),
            (lambda: weight is None, lambda: "in_proj_weight was None"),
            (lambda: query.dtype != weight.dtype,
             lambda: f"dtypes of query ({query.dtype}) and self.in_proj_weight ({weight.dtype}) don't match"),
            (lambda: self.training, lambda: "training is enabled"),
            (lambda: self.num_heads % 2 != 0, lambda: "self.num_heads is not even"),
            (lambda: not self.batch_first, lambda: "batch_first was not True"),
            (lambda: self.bias_k is not None, lambda: "self.bias_k was not None"),
            (lambda: self.bias_v is not None, lambda: "self.bias_v was not None"),
            (lambda: self.add_zero_attn, lambda: "add_zero_attn was enabled"),
            (lambda: not self._qkv_same_embed_dim, lambda: "_qkv_same_embed_dim was not True"),
            (lambda: query.is_nested and any(m is not None for m in masks),
             # torch's text, with the spaces of its line continuation.
             lambda: "supplying both src_key_padding_mask and src_mask at the same time "
                     + " " * 33 + "is not supported with NestedTensor input"),
            (lambda: torch.is_autocast_enabled(), lambda: "autocast is enabled"),
        )
        for failed, reason in checks:
            if failed():
                return reason()
        # Float masks are checked first but named only when nothing above applies.
        if float_mask:
            return "floating-point masks are not supported for fast path."
        # The fused kernel has no backward: it is skipped whenever autograd
        # would need to track one of the tensors.
        tensors = (query, key, value, weight, bias, self.out_proj.weight, self.out_proj.bias)
        if torch.overrides.has_torch_function(tensors):
            return "some Tensor argument has_torch_function"
        devices = ("cpu", "cuda", torch._C._get_privateuse1_backend_name())
        if any(t is not None and t.device.type not in devices for t in tensors):
            return f"some Tensor argument's device is neither one of cpu, cuda or {devices[2]}"
        if torch.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors):
            return "grad is enabled and at least one of query or the input/output projection weights or biases requires_grad"
        return ""

    def merge_masks(
        self, attn_mask: torch.Tensor | None, key_padding_mask: torch.Tensor | None, query: torch.Tensor
    ) -> tuple[torch.Tensor | None, int | None]:
        """Combine both masks into the one mask (and its type code) the fused kernel wants.

        Type 1: only a key padding mask (N, S). Type 2: a full (N, H, L, S) mask.
        """
        if attn_mask is None:
            return key_padding_mask, (1 if key_padding_mask is not None else None)
        # Expand the attention mask to (N, H, L, L), then add the padding mask.
        batch_size, seq_len, _ = query.shape
        if attn_mask.dim() == 3:
            merged = attn_mask.view(batch_size, -1, seq_len, seq_len)
        else:
            merged = attn_mask.view(1, 1, seq_len, seq_len).expand(batch_size, self.num_heads, -1, -1)
        if key_padding_mask is not None:
            padding = key_padding_mask.view(batch_size, 1, 1, seq_len).expand(-1, self.num_heads, -1, -1)
            merged = merged + padding
        return merged, 2
