"""Hook plumbing: handles that remove hooks, and the hooks shared by all modules.

A hook is a function that a module calls at a fixed moment (before forward,
after forward, when a parameter is registered, ...). Every `register_*_hook`
method stores the function in an ordered dict under a fresh integer id and
returns a `RemovableHandle` that can take it out again.

This file holds, in order: `RemovableHandle`; the global hook dicts with
their `register_module_*` functions; `_Call`, what one call of a module
keeps; `BackwardHook`, which connects a module's backward hooks to
autograd; and the warnings of the deprecated backward hooks.
"""

# Annotations stay as text: a method may name its own class.
from __future__ import annotations

# Standard library helpers: weak references, ordered dicts, warnings.
import functools
import warnings
import weakref
from collections import OrderedDict
from typing import Any, Callable

# torch for tensors and autograd (the backward plumbing below).
import torch

# The public names, which the package re-exports.
__all__ = [
    "RemovableHandle",
    # Global hooks: registered once, they run for every module.
    "register_module_buffer_registration_hook",
    "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
    "register_module_forward_pre_hook",
    "register_module_forward_hook",
    "register_module_backward_hook",
    "register_module_full_backward_pre_hook",
    "register_module_full_backward_hook",
]


class RemovableHandle:
    """Removes one hook from the dict (or dicts) it was registered in.

    Examples:
        >>> hooks = OrderedDict()
        >>> handle = RemovableHandle(hooks)
        >>> hooks[handle.id] = print
        >>> handle.remove()
        >>> len(hooks)
        0

    It is also a context manager: the hook is removed when the `with` ends.
    """

    # One counter for the whole program, so ids never repeat and hooks of
    # different dicts can live side by side in one list (as the global and
    # per-module forward hooks do in `_call_impl`).
    next_id: int = 0

    # The handle remembers where the hook lives, not the hook itself.
    def __init__(self, hooks_dict: dict, *, extra_dict: dict | list[dict] | None = None) -> None:
        # Weak references: the handle must not keep a dead module's hook
        # dicts alive. If the module is gone, `remove()` does nothing.
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        # Some hooks also have flags stored in side dicts under the same id
        # (for example "this forward hook takes kwargs"). Removing the hook
        # must clear those flags too.
        if isinstance(extra_dict, dict):
            extra_dicts = [extra_dict]
        else:
            extra_dicts = list(extra_dict or [])
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dicts)

    def remove(self) -> None:
        """Take the hook out. Calling it twice is harmless."""
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            hooks = ref()
            if hooks is not None:
                hooks.pop(self.id, None)

    # Pickling a module pickles its hook dicts, and handles may be pickled
    # with it. A handle stores strong references while pickled and turns
    # them back into weak ones when loaded.
    def __getstate__(self) -> tuple:
        return (self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref))

    # Bump the global counter past the loaded id, so a new handle never
    # reuses it.
    def __setstate__(self, state: tuple) -> None:
        hooks_dict = state[0]
        if hooks_dict is None:
            # The dict had died: keep a reference that is already dead.
            self.hooks_dict_ref = weakref.ref(OrderedDict())
        else:
            self.hooks_dict_ref = weakref.ref(hooks_dict)
        # Older pickles have no third entry (no extra dicts).
        self.id = state[1]
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        extra = state[2] if len(state) > 2 and state[2] is not None else ()
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra)

    # `with module.register_forward_hook(f):` keeps the hook for the block only.
    def __enter__(self) -> "RemovableHandle":
        return self

    # Leaving the block (even by an exception) removes the hook.
    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


# Every `register_*_hook` in module.py ends here: one helper, one handle.
def _add_hook(hooks: dict, hook: Callable, *, extra_dict: Any = None) -> RemovableHandle:
    """Store `hook` under a fresh id in `hooks` and return its handle."""
    handle = RemovableHandle(hooks, extra_dict=extra_dict)
    hooks[handle.id] = hook
    return handle


# ---------------------------------------------------------------------------
# Global hooks: they run for every module, before the module's own hooks.
# torch keeps them as module-level dicts in `torch.nn.modules.module`; so do we.
# They exist for debugging and profiling tools that watch a whole program.
# ---------------------------------------------------------------------------

# Called as `hook(module, name, value)` just before a buffer, submodule or
# parameter is stored. A hook may return a replacement value.
_global_buffer_registration_hooks: dict[int, Callable] = OrderedDict()
_global_module_registration_hooks: dict[int, Callable] = OrderedDict()
_global_parameter_registration_hooks: dict[int, Callable] = OrderedDict()

# Called around every module's forward, as the per-module hooks are.
_global_forward_pre_hooks: dict[int, Callable] = OrderedDict()
_global_forward_hooks: dict[int, Callable] = OrderedDict()
_global_forward_hooks_with_kwargs: dict[int, bool] = OrderedDict()
_global_forward_hooks_always_called: dict[int, bool] = OrderedDict()


def register_module_buffer_registration_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, name, buffer)` whenever any module registers a buffer."""
    return _add_hook(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, name, submodule)` whenever any module registers a submodule."""
    return _add_hook(_global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, name, param)` whenever any module registers a parameter."""
    return _add_hook(_global_parameter_registration_hooks, hook)


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, args)` before the forward of every module."""
    return _add_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(
    hook: Callable, *, with_kwargs: bool = False, always_call: bool = False
) -> RemovableHandle:
    """Call `hook(module, args, output)` after the forward of every module.

    Note: torch 2.13 passes only `_global_forward_hooks_always_called` as the
    handle's extra dict, so removing a global `with_kwargs` hook leaves its
    flag behind. The id is never reused, so the stale flag is harmless.
    """
    handle = _add_hook(_global_forward_hooks, hook, extra_dict=_global_forward_hooks_always_called)
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


class WrappedHook:
    """A hook that may be called with its module as the first argument.

    The module is held by a weak reference, so a hook does not keep its
    module alive. Used for `register_load_state_dict_pre_hook`.
    """

    # `update_wrapper` copies the hook's name and docstring, so the wrapper
    # looks like the hook in a debugger.
    def __init__(self, hook: Callable, module: Any = None) -> None:
        self.hook = hook
        functools.update_wrapper(self, hook)
        self.with_module = module is not None
        if self.with_module:
            self.module = weakref.ref(module)

    # Put the module in front of the arguments, if it is still alive.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.with_module:
            return self.hook(*args, **kwargs)
        module = self.module()
        if module is None:
            raise RuntimeError("You are trying to call the hook of a dead Module!")
        return self.hook(module, *args, **kwargs)

    # A weak reference cannot be pickled: store the module itself instead.
    def __getstate__(self) -> dict:
        state = {"hook": self.hook, "with_module": self.with_module}
        if self.with_module:
            state["module"] = self.module()
        return state

    # Loading turns the stored module back into a weak reference.
    def __setstate__(self, state: dict) -> None:
        self.hook = state["hook"]
        self.with_module = state["with_module"]
        if self.with_module:
            if state["module"] is None:
                raise RuntimeError("You are trying to revive the hook of a dead Module!")
            self.module = weakref.ref(state["module"])


# ---------------------------------------------------------------------------
# Global backward hooks. Like a module's own backward hooks, they come in two
# kinds that cannot be mixed: "full" hooks (the documented ones) and the old
# deprecated ones. `_global_is_full_backward_hook` remembers which kind was
# registered first: None (no choice yet), True (full) or False (old).
# ---------------------------------------------------------------------------

# The two dicts and the kind flag, as on a module.
_global_backward_pre_hooks: dict[int, Callable] = OrderedDict()
_global_backward_hooks: dict[int, Callable] = OrderedDict()
_global_is_full_backward_hook: bool | None = None

# One message for both directions of the mix-up.
_GLOBAL_MIXED_BACKWARD_HOOKS = (
    "Cannot use both regular backward hooks and full backward hooks as a "
    "global Module hook. Please use only one of them."
)


def register_module_backward_hook(hook: Callable) -> RemovableHandle:
    """Deprecated: call `hook(module, grad_input, grad_output)` in every module's backward.

    Use `register_module_full_backward_hook` instead: this old kind only
    sees the gradients of the last autograd node of `forward`.
    """
    # `global`: we rebind the module-level flag, not a local name.
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is True:
        raise RuntimeError(_GLOBAL_MIXED_BACKWARD_HOOKS)
    _global_is_full_backward_hook = False
    return _add_hook(_global_backward_hooks, hook)


def register_module_full_backward_pre_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, grad_output)` in every module's backward, before its inputs get gradients."""
    return _add_hook(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, grad_input, grad_output)` in every module's backward.

    Examples:
        >>> seen = []
        >>> handle = register_module_full_backward_hook(lambda m, gi, go: seen.append(type(m).__name__))
        >>> handle.remove()
    """
    # The mirror image of `register_module_backward_hook` above.
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is False:
        raise RuntimeError(_GLOBAL_MIXED_BACKWARD_HOOKS)
    _global_is_full_backward_hook = True
    return _add_hook(_global_backward_hooks, hook)


# ---------------------------------------------------------------------------
# One call of a module. `Module._call_impl` (module.py, section 8) keeps
# what a call knows in one small object, so its steps can be separate
# methods instead of one long function with local variables.
# ---------------------------------------------------------------------------


class _Call:
    """What one slow-path call of a module knows: it changes as hooks run.

    The error path (`always_call` hooks) needs the latest args and output,
    so they live here, not in local variables.
    """

    # The arguments start as the caller gave them; `result` is filled after
    # `forward`; `ran_always_called` holds ids of `always_call` hooks that ran.
    def __init__(self, args: tuple, kwargs: dict) -> None:
        self.args = args
        self.kwargs = kwargs
        self.result: Any = None
        self.ran_always_called: set[int] = set()


# ---------------------------------------------------------------------------
# Backward-hook plumbing. Autograd has no idea what a "module" is: it only
# sees tensors and the nodes (`grad_fn`) that made them. To know when the
# gradients of a module's outputs and inputs are ready, we pass the inputs,
# and later the outputs, through an identity function. It changes no value,
# but it adds one autograd node on each side of the module, and a hook on
# that node sees exactly the gradients that flow through it.
# ---------------------------------------------------------------------------


class BackwardHookFunction(torch.autograd.Function):
    """Identity on any number of tensors, used only to get one autograd node.

    Its node is named "BackwardHookFunctionBackward", as torch's is.
    """

    # Return the same tensors; autograd records one node for all of them.
    @staticmethod
    def forward(ctx: Any, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # A tensor that did not need a gradient must not start needing one
        # just because it passed through us.
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    # Gradients pass through unchanged; the hooks on the node do the work.
    @staticmethod
    def backward(ctx: Any, *grads: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return grads


def _with_nones(positions: list[int], values: tuple, size: int) -> tuple:
    """Put `values` at `positions` in a tuple of `size` Nones.

    Hooks see one gradient slot per argument; non-tensor arguments get None.
    """
    slots: list[Any] = [None] * size
    for position, value in zip(positions, values):
        slots[position] = value
    return tuple(slots)


def _chain_grad_hooks(
    hooks: list[Callable], call_hook: Callable[[Callable, tuple], Any], grads: tuple, error_start: str
) -> tuple:
    """Run `hooks` in order; each may return new gradients for the next one.

    A hook that returns None keeps the gradients. One that returns a
    different number of gradients is an error (`error_start` begins the
    message). Backward hooks and backward pre-hooks both use this.
    """
    for hook in hooks:
        new = call_hook(hook, grads)
        if new is None:
            continue
        if len(new) != len(grads):
            raise RuntimeError(f"{error_start}, got {len(new)}, but expected {len(grads)}")
        grads = new
    return grads


class BackwardHook:
    """Runs a module's full backward hooks and backward pre-hooks for one call.

    `_call_impl` makes one per call. It wraps the inputs before `forward`
    (`setup_input_hook`) and the output after (`setup_output_hook`). In
    backward, autograd reaches the output node first: the pre-hooks run
    there and the output gradients are kept. When the gradients reach the
    input node, the full hooks run with both.
    """

    # One object per call: it carries the hooks and what was learnt while
    # wiring the inputs and outputs.
    def __init__(self, module: Any, user_hooks: list[Callable], user_pre_hooks: list[Callable]) -> None:
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        # Filled while wiring: how many arguments, and where the tensors are.
        self.n_inputs = -1
        self.input_tensors_index: list[int] | None = None
        self.n_outputs = -1
        self.output_tensors_index: list[int] | None = None
        # Set in backward when the output node is reached.
        self.grad_outputs: tuple | None = None

    def _wrap_tensors(self, values: tuple, on_node: Callable[[Any], None]) -> tuple[tuple, list[int] | None]:
        """Pass the tensors in `values` through `BackwardHookFunction`.

        Returns the new values and the positions of the tensors, or the
        values unchanged and None when no gradient will flow.
        """
        positions = [i for i, value in enumerate(values) if isinstance(value, torch.Tensor)]
        tensors = [values[i] for i in positions]
        # Without a tensor that requires grad, backward never reaches here.
        if not (any(t.requires_grad for t in tensors) and torch.is_grad_enabled()):
            return values, None
        wrapped = BackwardHookFunction.apply(*tensors)
        if len(wrapped) == 0:
            raise RuntimeError("Cannot set Module backward hook for a Module with no input Tensors.")
        # All wrapped tensors share one node; tensors that need no grad have none.
        nodes = [
            t.grad_fn for t in wrapped if t.grad_fn is not None and t.grad_fn.name() == "BackwardHookFunctionBackward"
        ]
        if not nodes:
            raise RuntimeError(
                "Error while setting up backward hooks. Please open an issue with a code sample to reproduce this."
            )
        on_node(nodes[0])
        # Put the wrapped tensors back where they were. A namedtuple is
        # rebuilt with its own type.
        new_values = list(values)
        for position, tensor in zip(positions, wrapped):
            new_values[position] = tensor
        if type(values) is tuple:
            return tuple(new_values), positions
        return type(values)(*new_values), positions

    # The input side: wrap the arguments before `forward` runs.
    def setup_input_hook(self, args: tuple) -> tuple:
        """Wrap the positional inputs; return the args to pass to `forward`."""
        new_args, positions = self._wrap_tensors(args, lambda node: node.register_hook(self._on_input_grads))
        self.n_inputs = len(args)
        self.input_tensors_index = positions
        return new_args

    # A node hook gets (gradients it returns, gradients it received).
    # For our identity node both are the input gradients.
    def _on_input_grads(self, grad_inputs: tuple, _grad_outputs: tuple) -> tuple | None:
        if self.grad_outputs is None:
            # The gradient reached the inputs without passing through the
            # outputs (double backward, for example): nothing to report.
            return None
        assert self.input_tensors_index is not None
        grads = _with_nones(self.input_tensors_index, grad_inputs, self.n_inputs)
        grads = _chain_grad_hooks(
            self.user_hooks,
            lambda hook, current: hook(self.module, current, self.grad_outputs),
            grads,
            "Backward hook returned an invalid number of grad_input",
        )
        self.grad_outputs = None
        # Autograd wants one gradient per wrapped tensor, without the Nones.
        return tuple(grads[i] for i in self.input_tensors_index)

    # The output side: wrap the result after the forward hooks ran.
    def setup_output_hook(self, result: Any) -> Any:
        """Wrap the output (a tensor or a tuple); return what `__call__` returns."""
        # One tensor is handled as a tuple of one, then unwrapped again.
        single = not isinstance(result, tuple)
        values = (result,) if single else result
        new_values, positions = self._wrap_tensors(values, lambda node: node.register_hook(self._on_output_grads))
        self.n_outputs = len(values)
        self.output_tensors_index = positions
        return new_values[0] if single else new_values

    # Autograd reaches the output node first in backward.
    def _on_output_grads(self, _grad_inputs: tuple, grad_outputs: tuple) -> tuple | None:
        assert self.output_tensors_index is not None
        # The node gives the output gradients; the pre-hooks may replace them.
        grad_outputs = _with_nones(self.output_tensors_index, grad_outputs, self.n_outputs)
        grad_outputs = _chain_grad_hooks(
            self.user_pre_hooks,
            lambda pre_hook, current: pre_hook(self.module, current),
            grad_outputs,
            "Backward pre hook returned an invalid number of grad_output",
        )
        # Keep them for the full hooks, which run later at the input node.
        self.grad_outputs = grad_outputs
        # No input needs a gradient, so the input node will never run:
        # call the full hooks now, with None for every input gradient.
        if self.input_tensors_index is None:
            self._call_hooks_without_inputs()
        return tuple(grad_outputs[i] for i in self.output_tensors_index)

    # No input needs a gradient. torch warns: the hooks fire at the
    # outputs, earlier than usual.
    def _call_hooks_without_inputs(self) -> None:
        warnings.warn(
            "Full backward hook is firing when gradients are computed "
            "with respect to module outputs since no inputs require gradients. See "
            "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook "
            "for more details.",
            stacklevel=5,
        )
        no_grads = (None,) * self.n_inputs
        for hook in self.user_hooks:
            new = hook(self.module, no_grads, self.grad_outputs)
            # There is nowhere to send a new input gradient.
            if new is not None and not (isinstance(new, tuple) and all(g is None for g in new)):
                raise RuntimeError(
                    "Backward hook for Modules where no input requires "
                    "gradient should always return None or None for all gradients."
                )
        self.grad_outputs = None


# ---------------------------------------------------------------------------
# The deprecated backward hooks (`register_backward_hook`). They still
# work, but torch warns when they would miss gradients. The texts are
# torch's, kept apart here so module.py reads without them.
# ---------------------------------------------------------------------------


# What the deprecated backward hooks will miss, in torch's words. Each case
# is a FutureWarning: this kind of hook is on its way out.
_OLD_BACKWARD_HOOK_WARNINGS = {
    # The output is not a tensor or a tuple of tensors.
    "output_not_tensors": (
        "Using non-full backward hooks on a Module that does not return a "
        "single Tensor or a tuple of Tensors is deprecated and will be removed "
        "in future versions. This hook will be missing some of the grad_output. "
        "Please use register_full_backward_hook to get the documented behavior."
    ),
    # The same for the inputs.
    "input_not_tensors": (
        "Using non-full backward hooks on a Module that does not take as input a "
        "single Tensor or a tuple of Tensors is deprecated and will be removed "
        "in future versions. This hook will be missing some of the grad_input. "
        "Please use register_full_backward_hook to get the documented behavior."
    ),
    # The output tensors were not made by the node the hook hangs on.
    "nested_outputs": (
        "Using a non-full backward hook when outputs are nested in python data structure "
        "is deprecated and will be removed in future versions. This hook will be missing "
        "some grad_output."
    ),
    # Several nodes made the outputs: the hook sees only one of them.
    "several_output_nodes": (
        "Using a non-full backward hook when outputs are generated by different autograd Nodes "
        "is deprecated and will be removed in future versions. This hook will be missing "
        "some grad_output. Please use register_full_backward_hook to get the documented behavior."
    ),
    # The node's inputs are not the module's inputs: `forward` did more
    # than one operation.
    "several_forward_nodes": (
        "Using a non-full backward hook when the forward contains multiple autograd Nodes "
        "is deprecated and will be removed in future versions. This hook will be missing "
        "some grad_input. Please use register_full_backward_hook to get the documented "
        "behavior."
    ),
}


# One function gives all five warnings, as FutureWarnings: this kind of
# hook is on its way out.
def _warn_old_backward_hook(case: str) -> None:
    """Give the FutureWarning for one case of `_OLD_BACKWARD_HOOK_WARNINGS`."""
    warnings.warn(_OLD_BACKWARD_HOOK_WARNINGS[case], FutureWarning, stacklevel=4)


# The old backward hooks only make sense for "tensors in, tensors out".
# This helper answers that question for an input or an output.
def _as_tensor_tuple(value: Any) -> tuple[torch.Tensor, ...] | None:
    """Return `value` as a tuple of tensors, or None if it is not one tensor or a tuple of tensors."""
    if isinstance(value, torch.Tensor):
        return (value,)
    if isinstance(value, tuple) and all(isinstance(v, torch.Tensor) for v in value):
        return value
    return None
