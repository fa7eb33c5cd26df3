"""Find torch's code for each def of the clone, to show beside ours.

Most defs have a namesake in torch (`Module._apply` is `torch.nn.Module._apply`).
Where ours has a private helper that torch does not have, `EQUIVALENT` names
the torch function that does the same job; `NOTES` says how they differ.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import torch

from .chunks import Unit

# Where torch keeps the file-level functions of each walked file.
TORCH_MODULES: dict[str, list[str]] = {
    "parameter.py": ["torch.nn.parameter", "torch._utils"],
    "modules/module.py": ["torch.nn.modules.module"],
    "hooks.py": ["torch.nn.modules.module", "torch.utils.hooks"],
    "modules/container.py": ["torch.nn.modules.container"],
    "modules/linear.py": ["torch.nn.modules.linear"],
    "modules/normalization.py": ["torch.nn.modules.batchnorm", "torch.nn.modules.normalization"],
    "modules/conv.py": ["torch.nn.modules.conv", "torch.nn.modules.utils"],
    "modules/pooling.py": ["torch.nn.modules.pooling"],
    "modules/activation.py": ["torch.nn.modules.activation"],
    "modules/dropout.py": ["torch.nn.modules.dropout"],
    "modules/sparse.py": ["torch.nn.modules.sparse"],
    "modules/flatten.py": ["torch.nn.modules.flatten"],
    "modules/attention.py": ["torch.nn.modules.activation"],
    # utils: torch.nn.utils exports the clipping helpers under public names.
    "utils/clip_grad.py": ["torch.nn.utils.clip_grad", "torch.nn.utils"],
    "utils/convert_parameters.py": ["torch.nn.utils.convert_parameters"],
    "utils/rnn.py": ["torch.nn.utils.rnn"],
}

# Our class -> torch's class, where the names differ.
CLASSES: dict[str, str] = {
    "_InplaceActivation": "torch.nn.ReLU",
    "_FlagMeta": "torch.nn.parameter._BufferMeta",
    "WrappedHook": "torch.nn.modules.module._WrappedHook",
}

# Our helper -> the torch function that does its job (torch often does it
# inline, inside a bigger function). Keyed by our qualname.
EQUIVALENT: dict[str, str] = {
    # parameter.py
    "_rebuild_parameter": "torch._utils._rebuild_parameter",
    "_restore_python_state": "torch._utils._set_obj_state",
    # module.py: torch's single `_call_impl` (and its inner function) is our
    # `_call_with_hooks`, `_run_call` and the `_run_*` helpers.
    "_Call.__init__": "torch.nn.Module._call_impl",
    "_as_tensor_tuple": "torch.nn.Module._call_impl",
    "_warn_old_backward_hook": "torch.nn.Module._maybe_warn_non_full_backward_hook",
    "Module._store_module": "torch.nn.Module.__setattr__",
    "Module._forget": "torch.nn.Module.__setattr__",
    "Module._set_buffer": "torch.nn.Module.__setattr__",
    "Module._should_use_set_data": "torch.nn.Module._apply",
    "Module._should_swap": "torch.nn.Module._apply",
    "Module._store_converted_param": "torch.nn.Module._apply",
    "Module._convert_grad": "torch.nn.Module._apply",
    "Module._swap_converted_param": "torch.nn.Module._apply",
    "Module._swap_converted_grad": "torch.nn.Module._apply",
    "Module._state_dict_positional_args": "torch.nn.Module.state_dict",
    "Module._has_own": "torch.nn.Module._save_to_state_dict",
    "Module._load_one": "torch.nn.Module._load_from_state_dict",
    "Module._as_parameter_like": "torch.nn.Module._load_from_state_dict",
    "Module._swap_in": "torch.nn.Module._load_from_state_dict",
    "Module._claim_backward_hook_kind": "torch.nn.Module.register_full_backward_hook",
    "Module._call_with_hooks": "torch.nn.Module._call_impl",
    "Module._run_call": "torch.nn.Module._call_impl",
    "Module._run_forward_pre_hooks": "torch.nn.Module._call_impl",
    "Module._run_forward_hooks": "torch.nn.Module._call_impl",
    "Module._run_always_called_hooks": "torch.nn.Module._call_impl",
    "Module._run_one_always_called_hook": "torch.nn.Module._call_impl",
    "Module._attach_old_backward_hooks": "torch.nn.Module._call_impl",
    # hooks.py
    "_add_hook": "torch.nn.Module.register_forward_hook",
    "_with_nones": "torch.utils.hooks.BackwardHook._unpack_none",
    "_chain_grad_hooks": "torch.utils.hooks.BackwardHook._set_user_hook",
    "BackwardHook._wrap_tensors": "torch.utils.hooks.BackwardHook._apply_on_tensors",
    "BackwardHook._on_input_grads": "torch.utils.hooks.BackwardHook.setup_input_hook",
    "BackwardHook._on_output_grads": "torch.utils.hooks.BackwardHook.setup_output_hook",
    "BackwardHook._call_hooks_without_inputs": "torch.utils.hooks.BackwardHook.setup_output_hook",
    # modules/container.py
    "_absolute_index": "torch.nn.ModuleList._get_abs_string_index",
    "_renumber": "torch.nn.ModuleList.__delitem__",
    "_dir_without_digits": "torch.nn.Sequential.__dir__",
    "_check_pair": "torch.nn.ModuleDict.update",
    "_as_parameter": "torch.nn.ParameterList.__setitem__",
    "_describe_items": "torch.nn.ParameterList.extra_repr",
    "Sequential._check_sequential": "torch.nn.Sequential.__add__",
    "Sequential._check_factor": "torch.nn.Sequential.__mul__",
    # layers
    "_as_shape": "torch.nn.LayerNorm.__init__",
    "_affine_parameters": "torch.nn.LayerNorm.__init__",
    "_reset_affine": "torch.nn.LayerNorm.reset_parameters",
    "_BatchNorm._momentum_for_this_step": "torch.nn.modules.batchnorm._BatchNorm.forward",
    "_ntuple": "torch.nn.modules.utils._ntuple",
    "_pad_for_f_pad": "torch.nn.modules.conv._ConvNd.__init__",
    "_ConvNd._check_arguments": "torch.nn.modules.conv._ConvNd.__init__",
    "_ConvNd.forward": "torch.nn.Conv2d.forward",
    "Embedding._checked_padding_idx": "torch.nn.Embedding.__init__",
    "MultiheadAttention._why_not_fast_path": "torch.nn.MultiheadAttention.forward",
    "MultiheadAttention._merge_masks": "torch.nn.MultiheadAttention.merge_masks",
    "_canonical_masks": "torch.nn.functional._canonical_mask",
    # rnn.py: torch checks `isinstance(input, PackedSequence)` inline in forward.
    "_is_packed": "torch.nn.LSTM.forward",
    # module.py: torch does not warn about a foreign module; the routing is in __setattr__.
    "_torch_nn_kind": "torch.nn.Module.__setattr__",
    # torch's module.py keeps real types in its annotations, so it needs no
    # such step; zero_grad is the example our comment names.
    "_resolve_annotations": "torch.nn.Module.zero_grad",
    # conv.py: torch computes the weight shape inline in its constructor.
    "_ConvNd._weight_shape": "torch.nn.modules.conv._ConvNd.__init__",
    "_ConvTransposeNd._weight_shape": "torch.nn.modules.conv._ConvNd.__init__",
    # activation.py: our shared bases stand for torch's repeated classes.
    "_inplace_suffix": "torch.nn.ReLU.extra_repr",
    "_AlphaActivation.__init__": "torch.nn.ELU.__init__",
    "_AlphaActivation.extra_repr": "torch.nn.ELU.extra_repr",
    "_QuietInplaceActivation.__init__": "torch.nn.Hardswish.__init__",
    "_Shrink.__init__": "torch.nn.Hardshrink.__init__",
    "_Shrink.extra_repr": "torch.nn.Hardshrink.extra_repr",
    "_SoftmaxFamily.__init__": "torch.nn.Softmin.__init__",
    "_SoftmaxFamily.__setstate__": "torch.nn.Softmin.__setstate__",
    "_SoftmaxFamily.extra_repr": "torch.nn.Softmin.extra_repr",
    # lazy.py
    "_check_still_lazy": "torch.nn.LazyConv1d.initialize_parameters",
    "_LazyConvXdMixin._make_lazy": "torch.nn.LazyConv1d.__init__",
    "_LazyConvNd.__init__": "torch.nn.LazyConv1d.__init__",
    "_LazyConvTransposeNd.__init__": "torch.nn.LazyConvTranspose1d.__init__",
    # loss.py
    "_legacy_reduction": "torch.nn._reduction.legacy_get_string",
    "_MarginLoss.__init__": "torch.nn.MarginRankingLoss.__init__",
    "_check_triplet_margin": "torch.nn.TripletMarginLoss.__init__",
    # padding.py: torch repeats these in each padding class.
    "_PadNd.__init__": "torch.nn.ReflectionPad1d.__init__",
    "_PadNd.forward": "torch.nn.modules.padding._ReflectionPadNd.forward",
    "_PadNd.extra_repr": "torch.nn.modules.padding._ReflectionPadNd.extra_repr",
    "_ZeroPadNd.__init__": "torch.nn.ZeroPad1d.__init__",
    "_ZeroPadNd.extra_repr": "torch.nn.ZeroPad1d.extra_repr",
    # utils/parametrize.py and parametrizations.py
    "_check_tensor_like": "torch.nn.utils.parametrize.register_parametrization",
    "_check_next_parametrization": "torch.nn.utils.parametrize.register_parametrization",
    "ParametrizationList._set_originals": "torch.nn.utils.parametrize.ParametrizationList.right_inverse",
    "__getattr__": "torch.nn.utils.parametrizations.spectral_norm",
    # utils/clip_grad.py: torch does these inline in each clipping function.
    "_as_list": "torch.nn.utils.clip_grad._get_total_norm",
    "_by_device_and_dtype": "torch.utils._foreach_utils._group_tensors_by_device_and_dtype",
    "_use_foreach": "torch.nn.utils.clip_grad._get_total_norm",
    # utils/convert_parameters.py
    "_same_device": "torch.nn.utils.convert_parameters._check_param_device",
    # rnn.py: torch does these steps inline in __init__ and forward.
    "_weight_names": "torch.nn.RNNBase.__init__",
    "RNNBase._check_options": "torch.nn.RNNBase.__init__",
    "RNNBase._register_weights": "torch.nn.RNNBase.__init__",
    "RNNBase._batch_size": "torch.nn.RNN.forward",
    "RNNBase._zero_state": "torch.nn.RNN.forward",
    "RNNBase._unbatch_state": "torch.nn.RNN.forward",
    "RNNBase._squeeze_state": "torch.nn.RNN.forward",
    "RNNBase._check_packed_state": "torch.nn.RNN.forward",
    "RNNBase._run": "torch.nn.RNN.forward",
    "RNNBase._op_flags": "torch.nn.RNN.forward",
    "RNNBase._split_result": "torch.nn.RNN.forward",
    "RNNBase._check_mode": "torch.nn.RNN.forward",
    "RNN._check_mode": "torch.nn.RNN.forward",
    "LSTM._zero_state": "torch.nn.LSTM.forward",
    "LSTM._unbatch_state": "torch.nn.LSTM.forward",
    "LSTM._squeeze_state": "torch.nn.LSTM.forward",
    "LSTM._check_packed_state": "torch.nn.LSTM.forward",
    "LSTM._split_result": "torch.nn.LSTM.forward",
    "RNNCellBase._step": "torch.nn.RNNCell.forward",
    "RNNCell._unknown_nonlinearity": "torch.nn.RNNCell.forward",
    # transformer.py: torch checks the fast path inline in forward.
    "_fast_path_devices": "torch.nn.TransformerEncoderLayer.forward",
    "_encoder_tensors": "torch.nn.TransformerEncoderLayer.forward",
    "_tensor_blocker": "torch.nn.TransformerEncoderLayer.forward",
    "_why_layer_blocks_nested_tensor": "torch.nn.TransformerEncoder.__init__",
    "TransformerEncoder._why_no_nested_tensor": "torch.nn.TransformerEncoder.forward",
    "_add_feed_forward_and_norms": "torch.nn.TransformerEncoderLayer.__init__",
    "_self_attention_block": "torch.nn.TransformerEncoderLayer._sa_block",
    "_feed_forward_block": "torch.nn.TransformerEncoderLayer._ff_block",
    "TransformerEncoderLayer._why_no_fast_path": "torch.nn.TransformerEncoderLayer.forward",
    "TransformerEncoderLayer._fast_path": "torch.nn.TransformerEncoderLayer.forward",
}


@dataclass
class Theirs:
    """torch's code for one of our defs: where it is, and its source."""

    label: str  # e.g. "torch.nn.Module.register_buffer"
    code: str | None
    # Sentences shown above the code: (English with {fields}, fields), so a
    # page can show them in its language.
    notes: tuple[tuple[str, dict[str, str]], ...] = ()

    @property
    def note(self) -> str:
        """The notes in English."""
        return self.note_in(lambda text: text)

    def note_in(self, translate: Callable[[str], str]) -> str:
        """The notes, each sentence through `translate` before its fields are filled in."""
        return " ".join(translate(text).format(**fields) for text, fields in self.notes)


def _lookup(path: str) -> object | None:
    # "torch.nn.Module._apply" -> the object, importing the longest module prefix.
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name, None)
            if target is None:
                return None
        return target
    return None


def _torch_class(name: str) -> type | None:
    # Public classes live in torch.nn; private bases in torch.nn.modules.*.
    if name in CLASSES:
        return _lookup(CLASSES[name])  # type: ignore[return-value]
    if hasattr(torch.nn, name):
        return getattr(torch.nn, name)
    if name in ("RemovableHandle", "BackwardHook"):
        return getattr(torch.utils.hooks, name)
    for module in _torch_nn_modules():
        if isinstance(getattr(module, name, None), type):
            return getattr(module, name)
    return None


def _source(target: object) -> str | None:
    target = getattr(target, "fget", target)  # a property shows its getter
    target = getattr(target, "__func__", target)  # a classmethod shows its function
    try:
        return without_docstring(textwrap.dedent(inspect.getsource(target)))  # type: ignore[arg-type]
    except (TypeError, OSError):
        return None


def without_docstring(code: str) -> str:
    """torch's function without its docstring: the code is what we compare,
    and the long docstrings would make a page too heavy (`help()` shows them)."""
    try:
        node = ast.parse(code).body[0]
    except (SyntaxError, IndexError):
        return code
    body = getattr(node, "body", [])
    if not (body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0].value, "value", None), str)):
        return code
    lines = code.splitlines(keepends=True)
    first, last = body[0].lineno, body[0].end_lineno
    if len(body) == 1:
        # A function that is only a docstring keeps a `...` body.
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        return "".join(lines[: first - 1] + [f"{indent}...\n"] + lines[last:])
    return "".join(lines[: first - 1] + lines[last:])


def _full_source(target: object) -> str:
    target = getattr(getattr(target, "fget", target), "__func__", getattr(target, "fget", target))
    return textwrap.dedent(inspect.getsource(target))  # type: ignore[arg-type]


def _name(target: object, fallback: str) -> str:
    target = getattr(target, "fget", target)
    target = getattr(target, "__func__", target)
    module, qualname = getattr(target, "__module__", None), getattr(target, "__qualname__", None)
    return f"{module}.{qualname}" if module and qualname else fallback


def find(unit: Unit, relative: str) -> tuple[object | None, str]:
    """torch's object for `unit` (or None) and the path it was looked up by."""
    if unit.qualname in EQUIVALENT:
        return _lookup(EQUIVALENT[unit.qualname]), EQUIVALENT[unit.qualname]
    if unit.owner:
        owner = _torch_class(unit.owner.split(".")[-1])
        target = inspect.getattr_static(owner, unit.name, None) if owner is not None else None
        if target is None and owner is not None:
            target = getattr(owner, unit.name, None)
        return target, f"{getattr(owner, '__qualname__', unit.owner)}.{unit.name}"
    for module in TORCH_MODULES.get(relative, []):
        target = getattr(importlib.import_module(module), unit.name, None)
        if target is not None:
            return target, f"{module}.{unit.name}"
    # A file not listed above: any module of torch.nn with a function of that name.
    for module in _torch_nn_modules():
        target = vars(module).get(unit.name)
        if inspect.isfunction(target):
            return target, f"{module.__name__}.{unit.name}"
    return None, unit.name


def _torch_nn_modules() -> list:
    import torch.nn.utils.parametrizations  # noqa: F401 - loaded for the search below
    import torch.nn.utils.parametrize  # noqa: F401

    found = [m for m in vars(torch.nn.modules).values() if inspect.ismodule(m)]
    return found + [torch.nn.parameter, torch.nn.utils.parametrize, torch.nn.utils.parametrizations]


def torch_counterpart(unit: Unit, relative: str = "modules/module.py") -> Theirs:
    """torch's code for one of our defs, or a note that says where torch does it."""
    target, path = find(unit, relative)
    code = _source(target) if target is not None else None
    if code is None:
        return Theirs(path, None, (("torch has no Python code for this (it is inherited from `object` or built in).", {}),))
    label = _name(target, path)
    notes = []
    if unit.qualname in EQUIVALENT and not label.endswith("." + unit.name):
        notes.append(("torch has no `{name}`; this job is done in `{label}`.", {"name": unit.name, "label": label}))
    if code != _full_source(target):
        notes.append(("Its docstring is left out here; `help()` shows it.", {}))
    return Theirs(label, code, tuple(notes))
