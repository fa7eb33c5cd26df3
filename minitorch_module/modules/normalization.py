"""Normalization layers: BatchNorm1d/2d, LayerNorm, RMSNorm, GroupNorm.

The math is `torch.nn.functional`; the Module side (which tensors are
parameters, which are buffers, what is saved, what changes in eval mode)
is what these classes show.
"""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# `numbers.Integral` accepts any int-like size, numpy ints included.
import numbers
from typing import Any

# The normalization math and the initial values come from torch.
import torch
import torch.nn.functional as F
from torch.nn import init

# Our Module and Parameter hold the weights and the running statistics.
from .module import Module
from ..parameter import Parameter

# The public layers of this file.
__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "RMSNorm", "GroupNorm"]


# LayerNorm and RMSNorm accept `4` or `(2, 4)` or `torch.Size([2, 4])`; they
# always store a tuple, which is also what their repr prints.
def _as_shape(normalized_shape: Any) -> tuple[int, ...]:
    """Return `normalized_shape` as a tuple of ints.

    Examples:
        >>> _as_shape(4)
        (4,)
    """
    if isinstance(normalized_shape, numbers.Integral):
        return (normalized_shape,)
    return tuple(normalized_shape)


# Every layer here has the same optional scale `weight` (init 1) and shift
# `bias` (init 0). When a part is off, the name is still registered as None,
# so `layer.bias` is None instead of an AttributeError.
def _affine_parameters(
    module: Module, shape: Any, weight: bool, bias: bool, factory_kwargs: dict[str, Any]
) -> None:
    """Register `weight` and `bias` on `module` (as Parameters or as None)."""
    if weight:
        module.weight = Parameter(torch.empty(shape, **factory_kwargs))
    else:
        module.register_parameter("weight", None)
    if weight and bias:
        module.bias = Parameter(torch.empty(shape, **factory_kwargs))
    else:
        module.register_parameter("bias", None)


# Scale 1 and shift 0: at the start the layer only normalizes. RMSNorm
# has no `bias` name at all, hence the `getattr` with a default.
def _reset_affine(module: Module) -> None:
    """Set `module.weight` to ones and `module.bias` to zeros, when they exist."""
    if module.weight is not None:
        init.ones_(module.weight)
    if getattr(module, "bias", None) is not None:
        init.zeros_(module.bias)


# ---------------------------------------------------------------------------
# BatchNorm
# ---------------------------------------------------------------------------


class _BatchNorm(Module):
    """Shared code of BatchNorm1d and BatchNorm2d (they differ only in input rank).

    In training, normalize with the statistics of the batch and update the
    running statistics (buffers). In eval, normalize with the running ones.
    """

    # Version 2 added the `num_batches_tracked` buffer. The version is saved
    # in the state_dict metadata, so loading an old checkpoint can fill it in.
    _version = 2

    # `bias` is keyword-only: torch added it later, after the positional
    # arguments that old code already passes by position.
    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # momentum: weight of the new batch in the running averages
        # (None = plain average of all batches).
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, num_features, affine, bias, factory_kwargs)
        # Running statistics are buffers: saved in the state_dict and moved
        # by .to(), but never trained. The counter is always an int64 tensor,
        # whatever `dtype` says.
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features, **factory_kwargs))
            self.register_buffer("running_var", torch.ones(num_features, **factory_kwargs))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Set the running mean to 0, the running variance to 1, the counter to 0."""
        # In place, so the buffers stay the same tensor objects.
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics, then weight to 1 and bias to 0."""
        # The buffers first, then the parameters.
        self.reset_running_stats()
        _reset_affine(self)

    # Each subclass says which input ranks it accepts.
    def _check_input_dim(self, input: torch.Tensor) -> None:
        raise NotImplementedError

    def _momentum_for_this_step(self) -> float:
        """Count one more batch (in training) and return the averaging factor.

        `momentum=None` means a plain average of all batches seen so far:
        the factor is 1/n for the n-th batch.
        """
        factor = 0.0 if self.momentum is None else self.momentum
        # The counter is a buffer, so it is saved and moves with `.to()`.
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked)
        return factor

    # exercise: layers
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Normalize `input` per channel (dim 1), by batch or running statistics."""
        self._check_input_dim(input)
        factor = self._momentum_for_this_step()
        # In eval mode, use the batch's statistics only when there are no
        # running ones (track_running_stats=False).
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        # In training without tracking, pass no buffers, so none are updated.
        keep_running = not self.training or self.track_running_stats
        # `F.batch_norm` updates the running buffers in place when it is
        # given them and uses the batch statistics.
        return F.batch_norm(
            input,
            self.running_mean if keep_running else None,
            self.running_var if keep_running else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )

    # The sizes and every option, so two layers that print alike behave alike.
    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )

    # A checkpoint saved before version 2 has no `num_batches_tracked`.
    # Instead of reporting it missing, keep the current counter (or 0 if
    # the module is on the meta device and has no real value). This is what
    # `_version` is for: the override reads it from the metadata.
    def _load_from_state_dict(
        self,
        state_dict: dict,
        prefix: str,
        local_metadata: dict,
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                counter = self.num_batches_tracked
                usable = counter is not None and counter.device != torch.device("meta")
                state_dict[key] = counter if usable else torch.tensor(0, dtype=torch.long)
        # Then the normal loading, now that the key is there.
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization over (N, C) or (N, C, L) input, per channel C.

    Examples:
        >>> bn = BatchNorm1d(3)
        >>> [name for name, _ in bn.named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
    """

    # (N, C) or (N, C, L): a batch of vectors or of sequences.
    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization over (N, C, H, W) input, per channel C."""

    # (N, C, H, W): a batch of images.
    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


# ---------------------------------------------------------------------------
# LayerNorm, RMSNorm, GroupNorm: no running statistics, same in train and eval
# ---------------------------------------------------------------------------


class LayerNorm(Module):
    """Normalize over the last dimensions (`normalized_shape`) of each sample.

    Examples:
        >>> ln = LayerNorm(4)
        >>> ln
        LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    """

    # `normalized_shape` is the trailing shape to normalize over, e.g.
    # the embedding size of a transformer.
    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # The statistics are computed per sample over the last dims, so
        # there is nothing to remember: no buffers, same in train and eval.
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, factory_kwargs)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set weight to 1 and bias to 0."""
        _reset_affine(self)

    # The same computation in train and eval.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    # The shape (as a tuple) and the options.
    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Divide by the root mean square over the last dimensions; no mean, no bias.

    `eps=None` means "the machine epsilon of the input's dtype" (decided by
    `F.rms_norm`).
    """

    # The same arguments as LayerNorm, minus `bias`.
    def __init__(
        self,
        normalized_shape: Any,
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Like LayerNorm, but the mean is not subtracted.
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        # RMSNorm has a scale only: there is no `bias` name at all.
        if elementwise_affine:
            self.weight = Parameter(torch.empty(self.normalized_shape, **factory_kwargs))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set weight to 1."""
        _reset_affine(self)

    # `eps` may be None here; `F.rms_norm` picks the default.
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    # No bias to report.
    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Split the channels into `num_groups` groups and normalize each group."""

    # As in BatchNorm, `bias` is keyword-only.
    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # Checked before anything is registered, as torch does.
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        # The scale and shift are per channel, not per group.
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, num_channels, affine, bias, factory_kwargs)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set weight to 1 and bias to 0."""
        _reset_affine(self)

    # Statistics per sample and group: no batch statistics, no buffers.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    # The group and channel counts, then the options.
    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"
