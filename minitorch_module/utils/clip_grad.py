"""Clip gradients: tensor math on the `.grad` of the clone's parameters.

`clip_grad_norm_` scales every gradient by one factor so that their total
norm is at most `max_norm`; `clip_grad_value_` clamps each entry. Gradients
of one device and dtype are handled together by torch's `_foreach_*` ops,
as torch does, so the results are the same to the last bit.

Examples:
    >>> import torch
    >>> w = torch.ones(4, requires_grad=True)
    >>> w.grad = torch.full((4,), 3.0)
    >>> clip_grad_norm_([w], max_norm=1.0)
    tensor(6.)
    >>> w.grad
    tensor([0.5000, 0.5000, 0.5000, 0.5000])
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# To spot a generator, and to warn as torch does.
import types
import warnings
from typing import Any

# Only tensor math: norms, clamps and the fused `_foreach_*` ops.
import torch

# The names torch.nn.utils offers for clipping.
__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grads_with_norm_", "clip_grad_value_", "get_total_norm"]


def _as_list(tensors: Any) -> list[torch.Tensor]:
    """One tensor, or any iterable of them, as a list."""
    return [tensors] if isinstance(tensors, torch.Tensor) else list(tensors)


def _by_device_and_dtype(tensors: list[torch.Tensor]) -> dict[tuple[torch.device, torch.dtype], list[torch.Tensor]]:
    """Group tensors so that one `_foreach_*` call handles each group."""
    # A fused op needs all its tensors on one device with one dtype.
    groups: dict[tuple[torch.device, torch.dtype], list[torch.Tensor]] = {}
    for tensor in tensors:
        groups.setdefault((tensor.device, tensor.dtype), []).append(tensor)
    return groups


# `foreach=None` means "use the fused ops where they exist" (CPU and CUDA);
# `foreach=True` on another device is an error, `False` loops in Python.
def _use_foreach(foreach: bool | None, device: torch.device) -> bool:
    """Whether to call a `_foreach_*` op for tensors on `device`."""
    # Asking for the fused ops where they do not exist is the caller's mistake.
    supported = device.type in ("cpu", "cuda")
    if foreach and not supported:
        raise RuntimeError(f"foreach=True was passed, but can't use the foreach API on {device.type} tensors")
    return supported if foreach is None else foreach


@torch.no_grad()
def get_total_norm(
    tensors: Any, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach: bool | None = None
) -> torch.Tensor:
    """The norm of all `tensors` together, as if they were one long vector."""
    # Read the inputs; the norm of no tensors at all is 0.
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return torch.tensor(0.0)
    # The norm of the per-tensor norms is the norm of everything.
    norms: list[torch.Tensor] = []
    for (device, _), group in _by_device_and_dtype(tensors).items():
        if _use_foreach(foreach, device):
            norms.extend(torch._foreach_norm(group, norm_type))
        else:
            norms.extend(torch.linalg.vector_norm(g, norm_type) for g in group)
    # The partial norms may sit on several devices: gather them on the first.
    first_device = tensors[0].device
    total_norm = torch.linalg.vector_norm(torch.stack([norm.to(first_device) for norm in norms]), norm_type)
    # A NaN or infinite norm would turn every gradient into NaN or 0; the
    # caller may ask to be told instead.
    if error_if_nonfinite and torch.logical_or(total_norm.isnan(), total_norm.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from "
            "`parameters` is non-finite, so it cannot be clipped. To disable "
            "this error and scale the gradients by the non-finite norm anyway, "
            "set `error_if_nonfinite=False`"
        )
    return total_norm


@torch.no_grad()
def clip_grads_with_norm_(parameters: Any, max_norm: float, total_norm: torch.Tensor, foreach: bool | None = None) -> None:
    """Scale the gradients of `parameters` by `max_norm / total_norm`, at most by 1."""
    # Parameters that got no gradient are left alone.
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    # The small epsilon avoids dividing by zero; multiplying by a factor
    # clamped to 1 (instead of testing it) is what torch does too.
    factor = torch.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
    # One fused multiply per group, or one multiply per gradient.
    for (device, _), group in _by_device_and_dtype(grads).items():
        if _use_foreach(foreach, device):
            torch._foreach_mul_(group, factor.to(device))
        else:
            for grad in group:
                grad.mul_(factor.to(device))


@torch.no_grad()
def clip_grad_norm_(
    parameters: Any,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> torch.Tensor:
    """Clip the gradients' total norm to `max_norm`; return the norm before clipping."""
    is_generator = isinstance(parameters, types.GeneratorType)
    # A generator can be read once: keep its items for both steps.
    parameters = _as_list(parameters)
    if is_generator and not parameters:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    # Two steps, each public on its own: measure, then scale.
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(
    parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach: bool | None = None
) -> torch.Tensor:
    """Deprecated name of `clip_grad_norm_` (it changes the gradients in place)."""
    # The trailing underscore says "in place"; the old name lacks it.
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@torch.no_grad()
def clip_grad_value_(parameters: Any, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient entry into [-clip_value, clip_value]."""
    # Unlike the norm, each entry is clipped on its own.
    clip_value = float(clip_value)
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    # Fused: raise the low entries, then lower the high ones.
    for (device, _), group in _by_device_and_dtype(grads).items():
        if _use_foreach(foreach, device):
            torch._foreach_clamp_min_(group, -clip_value)
            torch._foreach_clamp_max_(group, clip_value)
        # Else one clamp per gradient.
        else:
            for grad in group:
                grad.clamp_(min=-clip_value, max=clip_value)
