"""Lazy modules: layers that learn their input size from the first batch.

`LazyLinear(10)` needs no `in_features`: its weight is an
`UninitializedParameter` (a placeholder with no shape) until the first
forward. A forward pre-hook then reads the input's shape, gives the
placeholders their shapes, draws the initial values, and turns the module
into a plain `Linear` by changing its class. After that, nothing is lazy.

This is real Module machinery, so it is written here from scratch: a mixin
with two hooks (a forward pre-hook and a load_state_dict pre-hook), the
rules that let placeholders live in `state_dict()` and survive `.to()`,
and the class swap at the end.

Examples:
    >>> layer = LazyLinear(2)
    >>> layer
    LazyLinear(in_features=0, out_features=2, bias=True)
    >>> _ = layer(torch.ones(4, 3))
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
"""

# The lazy layers extend the eager ones: each becomes its eager class
# (`cls_to_become`) after the first forward.
from __future__ import annotations

import itertools
from typing import Any

import torch

from ..parameter import UninitializedBuffer, UninitializedParameter, is_lazy
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .linear import Linear
from .normalization import BatchNorm1d, BatchNorm2d, _BatchNorm

# LazyModuleMixin is listed here but not in the package's `__all__`:
# torch.nn does not export it either (it lives in torch.nn.modules.lazy).
__all__ = [
    "LazyModuleMixin",
    "LazyLinear",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
]


# ------------------------------------------------------------------
# The mixin: two hooks and a class swap
# ------------------------------------------------------------------


# A lazy layer is written as `class LazyLinear(LazyModuleMixin, Linear)`.
# The mixin comes first in the method resolution order, so its methods win
# over the layer's, and its `__init__` runs the layer's `__init__` first
# (through `super()`), then adds the two hooks that make it lazy.
class LazyModuleMixin:
    """Makes a layer lazy: its parameters get their shapes at the first forward.

    A subclass creates `UninitializedParameter`s in `__init__` and writes
    `initialize_parameters(*args)`, which reads the first input and calls
    `materialize(shape)` on each placeholder. Set `cls_to_become` to the
    class the module should turn into once everything is initialized.
    """

    # The class the module becomes after its first forward (None: keep
    # the lazy class).
    cls_to_become: type | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Build the layer itself, then register the two lazy hooks."""
        super().__init__(*args, **kwargs)
        # Both handles are kept as plain attributes, so the hooks can be
        # removed once the shapes are known: a lazy module stops being lazy.
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    # How the rest of Module copes with placeholders: most of it needs no
    # lazy code at all.
    #
    # - `model.double()` or `.to()` runs `_apply`, which calls
    #   `param.double()` (allowed on a placeholder, see `_allowed_methods`
    #   in parameter.py) and stores the result with `param.data = ...`.
    #   The placeholder keeps its class and gets the new dtype, which
    #   `materialize` then keeps.
    # - `load_state_dict` skips the shape checks for a slot that is still a
    #   placeholder (`_load_one` in module.py asks `is_lazy`): there is no
    #   shape to compare, and `copy_` between two placeholders is allowed.
    # - `share_memory()` and any tensor math reach the placeholder's
    #   errors, with torch's messages.
    #
    # Two things do need the mixin: saving (below) and the load hook.
    #
    # `state_dict()` of a lazy module still lists the placeholders, so the
    # keys are the same before and after the first forward. The usual
    # `detach()` is skipped for them: it is not an allowed operation on a
    # tensor without a shape. (torch's version saves no extra state.)
    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        """Write parameters and persistent buffers, placeholders as they are."""
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if is_lazy(param) or keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if is_lazy(buf) or keep_vars else buf.detach()

    # Loading a real checkpoint into a lazy module is the other way to learn
    # the shapes: before the normal loading code runs (and compares shapes),
    # this pre-hook gives each placeholder the shape of the tensor that is
    # about to be copied into it. A lazy tensor in the checkpoint carries no
    # shape, so the placeholder stays lazy.
    def _lazy_load_hook(
        self,
        state_dict: dict,
        prefix: str,
        local_metadata: dict,
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        """load_state_dict pre-hook: materialize placeholders to the checkpoint's shapes."""
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None:
                input_param = state_dict[key]
                if is_lazy(param) and not is_lazy(input_param):
                    with torch.no_grad():
                        param.materialize(input_param.shape)

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Give every placeholder its shape from the first input. Subclasses must write it."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    # Only this module's own tensors are checked, not its children's: each
    # lazy child has its own hook.
    def has_uninitialized_params(self) -> bool:
        """True while any parameter or buffer of this module is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(), self._buffers.values()))

    # The forward pre-hook, run before the first forward (and only that
    # one): initialize, check that nothing was forgotten, remove both
    # hooks, and become the ordinary class. The hook receives the module
    # and the call's arguments, like any forward pre-hook.
    def _infer_parameters(self, module: Any, args: tuple, kwargs: dict | None = None) -> None:
        """Initialize from the first input, then stop being lazy."""
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        # From now on the module is an ordinary one: no hooks left, and the
        # attributes that held their handles are gone too.
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        # Changing `__class__` keeps every attribute and every reference to
        # the module: `LazyLinear` simply becomes `Linear`.
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    # DataParallel copies a module before its first forward on each device:
    # a copy of a placeholder would never be initialized, so torch refuses.
    def _replicate_for_data_parallel(self) -> Any:
        """Refuse to replicate: run one forward first."""
        raise RuntimeError(
            "Modules with uninitialized parameters can't be used with `DataParallel`. "
            "Run a dummy forward pass to correctly initialize the modules"
        )


# Lazy layers materialize their placeholders in place; a slot that a user
# filled with a real Parameter in the meantime has nothing to materialize.
def _check_still_lazy(module: Any, name: str) -> None:
    """Raise torch's AssertionError if `module.<name>` is no longer a placeholder."""
    if not isinstance(getattr(module, name), UninitializedParameter):
        raise AssertionError(f"self.{name} must be an UninitializedParameter")


# ------------------------------------------------------------------
# LazyLinear
# ------------------------------------------------------------------


# The pattern every lazy layer follows: build the real layer with size 0
# (so nothing is drawn from the random generator), then replace the
# parameters with placeholders.
class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose `in_features` is read from the first input.

    Examples:
        >>> layer = LazyLinear(4)
        >>> layer.weight
        <UninitializedParameter>
        >>> layer(torch.ones(2, 3)).shape
        torch.Size([2, 4])
    """

    # The class it becomes after the first forward.
    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        """Like Linear, without in_features."""
        factory_kwargs = {"device": device, "dtype": dtype}
        # bias=False here: a bias of size 0 would be created only to be
        # replaced two lines below.
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(**factory_kwargs)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(**factory_kwargs)

    # Called by `Linear.__init__` (with size 0) and again after
    # materializing. Only the second call should draw values.
    def reset_parameters(self) -> None:
        """Draw the initial values, once the shapes are known."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: torch.Tensor) -> None:
        """in_features is the input's last dimension."""
        if self.has_uninitialized_params():
            with torch.no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


# ------------------------------------------------------------------
# Lazy convolutions
# ------------------------------------------------------------------


# What all six lazy convolutions share. in_channels is dimension 1 of a
# batched input, dimension 0 of an unbatched one.
class _LazyConvXdMixin(LazyModuleMixin):
    """Infer `in_channels` from the first input of a convolution."""

    # Only after materializing do the sizes allow drawing the values.
    def reset_parameters(self) -> None:
        """Draw the initial values, once the shapes are known."""
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    # The same weight shape the eager layer would have made; the groups
    # check that `__init__` could not do (in_channels was 0) happens here.
    def initialize_parameters(self, input: torch.Tensor, *args: Any, **kwargs: Any) -> None:
        """Materialize weight and bias from the input's channel count."""
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            # A user may have replaced a placeholder by a real parameter;
            # torch then stops with an AssertionError, and so do we.
            _check_still_lazy(self, "weight")
            shape = self._weight_shape(self.in_channels, self.out_channels, self.groups, self.kernel_size)
            self.weight.materialize(shape)
            if self.bias is not None:
                _check_still_lazy(self, "bias")
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    # A Conv2d takes (C, H, W) or (N, C, H, W): anything else is an error
    # here, with torch's message, before the convolution would fail.
    def _get_in_channels(self, input: torch.Tensor) -> int:
        """The channel count of a batched or unbatched input."""
        unbatched = self.n + 1
        batched = unbatched + 1
        if input.dim() not in (unbatched, batched):
            raise RuntimeError(
                f"Expected {unbatched}D (unbatched) or {batched}D (batched) input to "
                f"{self.__class__.__name__}, but got input of size: {input.shape}"
            )
        return input.shape[1] if input.dim() == batched else input.shape[0]

    # Used by every lazy conv's `__init__` after the layer is built with
    # zero channels.
    def _make_lazy(self, out_channels: int, bias: bool, factory_kwargs: dict) -> None:
        """Replace weight (and bias) by placeholders."""
        self.weight = UninitializedParameter(**factory_kwargs)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(**factory_kwargs)


# The three lazy convolutions: in_channels=0 and bias=False at first.
class _LazyConvNd(_LazyConvXdMixin):
    """`__init__` of LazyConv1d/2d/3d: the Conv arguments without in_channels."""

    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        """Build the convolution with 0 channels and no bias, then put in placeholders."""
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, **factory_kwargs)
        self._make_lazy(out_channels, bias, factory_kwargs)


class LazyConv1d(_LazyConvNd, Conv1d):
    """A Conv1d whose in_channels is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    """A Conv2d whose in_channels is read from the first input (d2l's LeNet uses it).

    Examples:
        >>> conv = LazyConv2d(6, 5, padding=2)
        >>> conv(torch.zeros(1, 1, 28, 28)).shape, type(conv).__name__
        (torch.Size([1, 6, 28, 28]), 'Conv2d')
    """

    # The class it becomes after the first forward.
    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    """A Conv3d whose in_channels is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = Conv3d


# The transposed ones keep their own argument order (output_padding and
# groups before dilation).
class _LazyConvTransposeNd(_LazyConvXdMixin):
    """`__init__` of LazyConvTranspose1d/2d/3d: the arguments without in_channels."""

    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        """Build the transposed convolution with 0 channels and no bias, then put in placeholders."""
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(
            0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
            **factory_kwargs,
        )
        self._make_lazy(out_channels, bias, factory_kwargs)


class LazyConvTranspose1d(_LazyConvTransposeNd, ConvTranspose1d):
    """A ConvTranspose1d whose in_channels is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeNd, ConvTranspose2d):
    """A ConvTranspose2d whose in_channels is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeNd, ConvTranspose3d):
    """A ConvTranspose3d whose in_channels is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = ConvTranspose3d


# ------------------------------------------------------------------
# Lazy batch normalization
# ------------------------------------------------------------------


# BatchNorm has placeholders of both kinds: weight and bias are
# parameters, the running statistics are buffers. The step counter has
# no size to learn, so it is a real tensor from the start.
class _LazyNormBase(LazyModuleMixin, _BatchNorm):
    """Shared code of LazyBatchNorm1d/2d: num_features comes from the input."""

    def __init__(
        self,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        """Like BatchNorm, without num_features."""
        factory_kwargs = {"device": device, "dtype": dtype}
        # Built with nothing (no affine, no statistics), so nothing is drawn;
        # then the real settings and the placeholders are put in.
        super().__init__(0, eps, momentum, False, False, bias=False, **factory_kwargs)
        self.affine = affine
        self.track_running_stats = track_running_stats
        # weight/bias were registered as None above; assigning a placeholder
        # (a Parameter) fills the same slot. Running stats likewise.
        if self.affine:
            self.weight = UninitializedParameter(**factory_kwargs)
            if bias:
                self.bias = UninitializedParameter(**factory_kwargs)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(**factory_kwargs)
            self.running_var = UninitializedBuffer(**factory_kwargs)
            self.num_batches_tracked = torch.tensor(0, dtype=torch.long, device=device)

    # Only after materializing do the sizes allow filling in 1s and 0s.
    def reset_parameters(self) -> None:
        """Reset the statistics and affine values, once the shapes are known."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: torch.Tensor) -> None:
        """num_features is the input's dimension 1 (the channels)."""
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                _check_still_lazy(self, "weight")
                self.weight.materialize((self.num_features,))
                if self.bias is not None:
                    _check_still_lazy(self, "bias")
                    self.bias.materialize((self.num_features,))
            # The buffers become plain tensors; reset fills in 0s and 1s.
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase):
    """A BatchNorm1d whose num_features is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = BatchNorm1d

    # The same rank check as BatchNorm1d: (N, C) or (N, C, L).
    def _check_input_dim(self, input: torch.Tensor) -> None:
        BatchNorm1d._check_input_dim(self, input)


class LazyBatchNorm2d(_LazyNormBase):
    """A BatchNorm2d whose num_features is read from the first input."""

    # The class it becomes after the first forward.
    cls_to_become = BatchNorm2d

    # The same rank check as BatchNorm2d: (N, C, H, W).
    def _check_input_dim(self, input: torch.Tensor) -> None:
        BatchNorm2d._check_input_dim(self, input)
