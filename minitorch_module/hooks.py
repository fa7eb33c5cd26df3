"""Hook plumbing: handles that remove hooks, and the hooks shared by all modules.

A hook is a function that a module calls at a fixed moment (before forward,
after forward, when a parameter is registered, ...). Every `register_*_hook`
method stores the function in an ordered dict under a fresh integer id and
returns a `RemovableHandle` that can take it out again.
"""

from __future__ import annotations

import functools
import weakref
from collections import OrderedDict
from typing import Any, Callable

__all__ = [
    "RemovableHandle",
    "register_module_buffer_registration_hook",
    "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
    "register_module_forward_pre_hook",
    "register_module_forward_hook",
]


class RemovableHandle:
    """Removes one hook from the dict (or dicts) it was registered in.

    Example:
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

    def __setstate__(self, state: tuple) -> None:
        hooks_dict = state[0]
        if hooks_dict is None:
            # The dict had died: keep a reference that is already dead.
            self.hooks_dict_ref = weakref.ref(OrderedDict())
        else:
            self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = state[1]
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        extra = state[2] if len(state) > 2 and state[2] is not None else ()
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


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

    def __init__(self, hook: Callable, module: Any = None) -> None:
        self.hook = hook
        functools.update_wrapper(self, hook)
        self.with_module = module is not None
        if self.with_module:
            self.module = weakref.ref(module)

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

    def __setstate__(self, state: dict) -> None:
        self.hook = state["hook"]
        self.with_module = state["with_module"]
        if self.with_module:
            if state["module"] is None:
                raise RuntimeError("You are trying to revive the hook of a dead Module!")
            self.module = weakref.ref(state["module"])
