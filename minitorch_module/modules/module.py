"""Module: the base class of every layer and every model.

Read this file from top to bottom; it follows the walkthrough:

1. state in `__init__`
2. registration: `register_parameter`, `register_buffer`, `add_module`
3. attribute routing: `__getattr__`, `__setattr__`, `__delattr__`
4. traversal: `children`, `modules`, `parameters`, `buffers` and their `named_` forms
5. train/eval and gradients
6. conversion: `apply`, `_apply`, `to` and friends
7. `state_dict` and `load_state_dict`
8. calling a module: forward and backward hooks
9. repr, `__dir__` and pickling
10. three small helpers that live outside the class

Rare compatibility paths sit at the end of their section, under an
"Advanced" heading: skip them on a first reading.
"""

# Annotations stay as text and are not evaluated when a def runs. This lets
# a method of `Module` name `Module` in its signature.
from __future__ import annotations

# Standard library: all of it is small glue around the main ideas.
import functools
import inspect
import itertools
import warnings
from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterator, Mapping, TypeVar

# From torch we take tensors and two tests about tensor types. Nothing from
# `torch.nn`: that is what this file re-writes.
import torch
from torch._subclasses.fake_tensor import FakeTensor
from torch.utils._python_dispatch import is_traceable_wrapper_subclass

# Our own pieces: hook handles and the global hook dicts (hooks.py), and the
# two tensor types a module stores (parameter.py).
from .. import hooks as _hooks
from ..hooks import RemovableHandle, _add_hook, _as_tensor_tuple, _Call, _warn_old_backward_hook
from ..parameter import Buffer, Parameter, is_lazy

# `from minitorch_module.modules.module import *` gives only the class.
__all__ = ["Module"]

# `state_dict()` stores a module's extra state under this key suffix, for
# example "block._extra_state".
_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


class Module:
    """Base class for all neural network modules.

    Subclass it, create the layers in `__init__` (after calling
    `super().__init__()`), and write the computation in `forward`:

    Examples:
        >>> class Net(Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scale = Parameter(torch.ones(1))
        ...     def forward(self, x):
        ...         return x * self.scale
        >>> [name for name, _ in Net().named_parameters()]
        ['scale']
    """

    # ------------------------------------------------------------------
    # 1. State
    # ------------------------------------------------------------------

    # `state_dict()` saves this number in `_metadata`, so a module whose
    # layout changed can still load old checkpoints (BatchNorm uses it).
    _version: int = 1

    # When True, `Module.__init__` passes its arguments on to the next class
    # in the method resolution order (useful with multiple inheritance).
    call_super_init: bool = False

    # Every module has a `training` flag; `__init__` sets it to True.
    training: bool

    # `forward` is the one method a subclass must write. The base class
    # holds a stand-in that raises a clear error; it is set after the class
    # (section 10), because it is a plain function, not a method.
    forward: Callable[..., Any]

    # Kept only because torch has it: it used to ask for a patch of a module's
    # source when it changed. Nothing reads it any more.
    dump_patches: bool = False

    # `compile()` stores the compiled call here; `None` means "not compiled".
    _compiled_call_impl: Callable[..., Any] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the empty dicts that hold parameters, buffers, submodules and hooks."""
        # Without `call_super_init`, Module takes no arguments. The messages
        # imitate the ones Python gives for a wrong call.
        if self.call_super_init is False and kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        if self.call_super_init is False and args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given")

        # Why `object.__setattr__` and not `self.x = ...`? Our own
        # `__setattr__` (section 3) reads `self._parameters`, which does not
        # exist yet. Writing straight into the instance `__dict__` avoids it.
        set_plain = object.__setattr__
        set_plain(self, "training", True)
        set_plain(self, "_parameters", {})
        set_plain(self, "_buffers", {})
        set_plain(self, "_non_persistent_buffers_set", set())
        set_plain(self, "_modules", {})

        # Hook dicts map a handle id to a function. They are ordered so that
        # hooks run in the order they were registered (or `prepend`ed).
        # Backward hooks come first; `_is_full_backward_hook` stays None
        # until the first backward hook decides which kind this module uses.
        set_plain(self, "_backward_pre_hooks", OrderedDict())
        set_plain(self, "_backward_hooks", OrderedDict())
        set_plain(self, "_is_full_backward_hook", None)

        # Forward hooks. The `_with_kwargs` and `_always_called` dicts are
        # flags keyed by the same handle ids, not hooks of their own.
        set_plain(self, "_forward_hooks", OrderedDict())
        set_plain(self, "_forward_hooks_with_kwargs", OrderedDict())
        set_plain(self, "_forward_hooks_always_called", OrderedDict())
        set_plain(self, "_forward_pre_hooks", OrderedDict())
        set_plain(self, "_forward_pre_hooks_with_kwargs", OrderedDict())

        # Hooks around saving and loading (section 7).
        set_plain(self, "_state_dict_hooks", OrderedDict())
        set_plain(self, "_state_dict_pre_hooks", OrderedDict())
        set_plain(self, "_load_state_dict_pre_hooks", OrderedDict())
        set_plain(self, "_load_state_dict_post_hooks", OrderedDict())

        # With multiple inheritance, hand the arguments to the next class.
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    # ------------------------------------------------------------------
    # 2. Registration
    # ------------------------------------------------------------------

    # exercise: registration
    def register_buffer(self, name: str, tensor: torch.Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: a tensor that is module state but not a weight.

        Args:
            name: attribute name of the buffer.
            tensor: the tensor, or `None` (then `state_dict` skips it).
            persistent: whether `state_dict()` includes the buffer.

        Examples:
            >>> m = Module()
            >>> m.register_buffer("steps", torch.zeros(()))
            >>> list(m.state_dict())
            ['steps']
        """
        # The checks run in this order, and the first failing one decides
        # the error. Students often meet the first: calling
        # `register_buffer` before `super().__init__()`.
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {torch.typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        # The name must be free: not a method, not a plain attribute, not a
        # parameter or submodule. Re-registering an existing buffer is fine.
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        # Anything tensor-like is accepted, even objects that only implement
        # `__torch_function__`.
        if tensor is not None and not (isinstance(tensor, torch.Tensor) or hasattr(tensor, "__torch_function__")):
            raise TypeError(
                f"cannot assign '{torch.typename(tensor)}' object to buffer '{name}' (torch Tensor or None required)"
            )
        # Global registration hooks may replace the tensor before it is stored.
        for hook in _hooks._global_buffer_registration_hooks.values():
            output = hook(self, name, tensor)
            if output is not None:
                tensor = output
        self._buffers[name] = tensor
        # A separate set remembers which buffers `state_dict` must skip.
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    # exercise: registration
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a `None` placeholder) under `name`.

        Examples:
            >>> m = Module()
            >>> m.register_parameter("bias", None)
            >>> m.bias is None, list(m.parameters())
            (True, [])
        """
        # Note the wording: "parameter" here, "parameters" in `__setattr__`.
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {torch.typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")

        # `None` keeps the name reserved: `self.bias = None` in Linear.
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{torch.typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        # A parameter must be a leaf of the autograd graph. A tensor computed
        # from other tensors (it has a `grad_fn`) belongs in `forward`.
        if param.grad_fn:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                f"parameters must be created explicitly. To express '{name}' "
                "as a function of another Tensor, compute the value in "
                "the forward() method."
            )
        # Global registration hooks (hooks.py) may swap in another parameter.
        for hook in _hooks._global_parameter_registration_hooks.values():
            output = hook(self, name, param)
            if output is not None:
                param = output
        self._parameters[name] = param

    # exercise: registration
    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under `name`; it then appears in `children()`.

        Examples:
            >>> parent = Module()
            >>> parent.add_module("child", Module())
            >>> [name for name, _ in parent.named_children()]
            ['child']
        """
        # Unlike the two methods above, the type of the value is checked
        # first, and the "already exists" check comes before the name checks.
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{torch.typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {torch.typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        # A dot would make paths ambiguous: "a.b" already means "child a,
        # then its member b" in `state_dict` keys and `get_submodule`.
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._store_module(name, module)

    # torch has both names; `register_module` reads better next to
    # `register_parameter` and `register_buffer`.
    def register_module(self, name: str, module: Module | None) -> None:
        """Another name for `add_module`."""
        self.add_module(name, module)

    # One place where a submodule is stored, shared by `add_module` and
    # `__setattr__`: the global registration hooks may replace it first.
    def _store_module(self, name: str, module: Module | None) -> None:
        for hook in _hooks._global_module_registration_hooks.values():
            output = hook(self, name, module)
            if output is not None:
                module = output
        self._modules[name] = module

    # ------------------------------------------------------------------
    # 3. Attribute routing
    # ------------------------------------------------------------------

    # Python calls `__getattr__` only when normal lookup fails, that is when
    # the name is not in the instance `__dict__` nor on the class. Parameters,
    # buffers and submodules live in their own dicts, so this is how
    # `self.weight` finds them.
    #
    # Why `self.__dict__["_parameters"]` and not `self._parameters`? If
    # `_parameters` does not exist yet (before `__init__`), `self._parameters`
    # would call `__getattr__` again, which would look up `self._parameters`
    # again... forever. Reading `__dict__` directly cannot recurse.
    # exercise: registration
    def __getattr__(self, name: str) -> Any:
        """Find `name` among the parameters, buffers and submodules."""
        state = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in state and name in state[store]:
                return state[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # `__setattr__` runs for *every* assignment `self.x = value`. It decides
    # where the value goes, by its type and by the name's current home:
    #
    # | value                   | goes to                         |
    # |-------------------------|---------------------------------|
    # | a Parameter             | `_parameters`                   |
    # | anything, name is a param | must be None: else TypeError  |
    # | a Module                | `_modules`                      |
    # | anything, name is a module | must be None: else TypeError |
    # | a Buffer, or name is a buffer | `_buffers`                |
    # | anything else           | the instance `__dict__`         |
    # exercise: registration
    def __setattr__(self, name: str, value: Any) -> None:
        """Route an assignment to `_parameters`, `_modules`, `_buffers` or `__dict__`."""
        state = self.__dict__
        params = state.get("_parameters")

        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            # One name lives in one place only: drop it from the others.
            self._forget(name, state, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
            return

        # `self.weight = torch.zeros(3)` when `weight` is a parameter: torch
        # refuses rather than silently turning it into a plain attribute.
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{torch.typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
            return

        # Modules follow the same two rules as parameters: a Module value
        # moves the name into `_modules`; a module slot takes only None.
        modules = state.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, state, self._parameters, self._buffers, self._non_persistent_buffers_set)
            self._store_module(name, value)
            return

        # `self.fc = torch.zeros(1)` over a child module is refused too.
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{torch.typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            self._store_module(name, value)
            return

        # A tensor goes into `_buffers` only if it is marked as a Buffer or
        # the name is already a buffer. A plain tensor under a new name is
        # just an attribute: `.to()` will not move it (a classic pitfall).
        buffers = state.get("_buffers")
        if isinstance(value, Buffer) or (buffers is not None and name in buffers):
            self._set_buffer(name, value)
            return

        # A torch.nn Module or Parameter lands here too: warn, since the user
        # almost certainly expected it to be registered.
        kind = _torch_nn_kind(value)
        if kind is not None:
            warnings.warn(
                f"'{name}' of {type(self).__name__} is a torch.nn.{kind} ({type(value).__name__}), not a "
                f"minitorch_module one, so it is kept as a plain attribute: it will not appear in repr(), "
                f"state_dict(), parameters() or be moved by .to(). Build it with minitorch_module instead.",
                UserWarning,
                stacklevel=2,
            )
        # Everything else (ints, strings, plain tensors under a new name)
        # is an ordinary attribute in the instance `__dict__`.
        object.__setattr__(self, name, value)

    # Remove `name` from every dict or set given. The instance `__dict__`
    # is one of them: `self.w = 1` then `self.w = Parameter(...)` must not
    # leave the old plain attribute shadowing the parameter.
    @staticmethod
    def _forget(name: str, *homes: Any) -> None:
        for home in homes:
            if name in home:
                if isinstance(home, dict):
                    del home[name]
                else:
                    home.discard(name)

    # Assignment to a buffer slot, or of a `Buffer(...)`. Like the other
    # slots, a buffer slot accepts only its own kind of value (or None).
    def _set_buffer(self, name: str, value: Any) -> None:
        if value is not None and not (isinstance(value, torch.Tensor) or hasattr(value, "__torch_function__")):
            raise TypeError(
                f"cannot assign '{torch.typename(value)}' as buffer '{name}' "
                "(torch.nn.Buffer, torch.Tensor or None expected)"
            )
        # A `Buffer` says whether it is persistent; a plain tensor keeps the
        # slot's current setting.
        if isinstance(value, Buffer):
            persistent = value.persistent
        else:
            persistent = name not in self._non_persistent_buffers_set
        # Old subclasses override `register_buffer` without the `persistent`
        # argument. torch still supports them, so we look at the signature
        # (the first test skips the slow `inspect` call in the usual case).
        if getattr(self.register_buffer, "__func__", None) is Module.register_buffer:
            self.register_buffer(name, value, persistent)
        elif "persistent" in inspect.signature(self.register_buffer).parameters:
            self.register_buffer(name, value, persistent)
        # Such an old `register_buffer` cannot make a buffer non-persistent,
        # so torch refuses rather than silently saving it.
        elif not persistent:
            raise RuntimeError(
                "Registering a non-persistent buffer "
                "on a Module subclass that implements "
                "register_buffer() without the persistent "
                "argument is not allowed."
            )
        else:
            self.register_buffer(name, value)

    # exercise: registration
    def __delattr__(self, name: str) -> None:
        """Delete a parameter, buffer, submodule or plain attribute."""
        # The same search order as `__getattr__`. A deleted buffer also
        # leaves the non-persistent set, so a new buffer of that name
        # starts out persistent again.
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    # ------------------------------------------------------------------
    # 4. Traversal
    # ------------------------------------------------------------------

    # exercise: traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield `(name, module)` for each direct child, each module once.

        A `None` slot (left by `self.child = None`) is skipped.

        Examples:
            >>> parent = Module()
            >>> parent.a = Module()
            >>> parent.b = parent.a          # the same child under two names
            >>> [name for name, _ in parent.named_children()]
            ['a']
        """
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        """Yield each direct child module once."""
        for _, module in self.named_children():
            yield module

    # exercise: traversal
    def named_modules(
        self, memo: set[Module] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Yield `(path, module)` for this module and every module below it.

        The walk is depth first, parent before children. A module reachable
        under two paths is yielded once (the first path), unless
        `remove_duplicate=False`.

        Examples:
            >>> net = Module()
            >>> net.block = Module()
            >>> net.block.inner = Module()
            >>> [path for path, _ in net.named_modules()]
            ['', 'block', 'block.inner']
        """
        # `memo` is shared by the whole recursive walk: it holds the modules
        # already yielded. It is a set of modules, which works because
        # modules hash by identity.
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        # Children's paths grow by one name: "" -> "block" -> "block.inner".
        for name, module in self._modules.items():
            if module is None:
                continue
            child_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self, remove_duplicate: bool = True) -> Iterator[Module]:
        """Yield this module and every module below it (see `named_modules`)."""
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
            yield module

    # One walker serves `named_parameters` and `named_buffers`: they differ
    # only in which dict of each module they read (`get_members`).
    # exercise: traversal
    def _named_members(
        self,
        get_members: Callable[[Module], Any],
        prefix: str = "",
        recurse: bool = True,
        remove_duplicate: bool = True,
    ) -> Iterator[tuple[str, Any]]:
        """Yield `(path, tensor)` for the members of every module in the tree."""
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = [(prefix, self)]
        # A tensor shared by two modules (tied weights) is yielded once.
        seen = set()
        for module_prefix, module in modules:
            for name, value in get_members(module):
                if value is None or value in seen:
                    continue
                if remove_duplicate:
                    seen.add(value)
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield `(path, parameter)` pairs, such as `("fc.weight", p)`."""
        yield from self._named_members(
            lambda module: module._parameters.items(),
            prefix=prefix,
            recurse=recurse,
            remove_duplicate=remove_duplicate,
        )

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield every parameter once. It is a generator: it can be used up.

        Examples:
            >>> m = Module()
            >>> m.w = Parameter(torch.ones(2))
            >>> params = m.parameters()
            >>> len(list(params)), len(list(params))
            (1, 0)
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, torch.Tensor]]:
        """Yield `(path, buffer)` pairs, persistent or not."""
        yield from self._named_members(
            lambda module: module._buffers.items(),
            prefix=prefix,
            recurse=recurse,
            remove_duplicate=remove_duplicate,
        )

    def buffers(self, recurse: bool = True) -> Iterator[torch.Tensor]:
        """Yield every buffer once."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # `get_submodule("a.b.c")` walks the path one name at a time. Each step
    # uses `getattr`, so it goes through `__getattr__` like `self.a` does.
    def get_submodule(self, target: str) -> Module:
        """Return the submodule at the dotted path `target` ("" is self).

        Examples:
            >>> net = Module()
            >>> net.block = Module()
            >>> net.get_submodule("block") is net.block
            True
        """
        # The empty path is the module itself, as in `named_modules`.
        if target == "":
            return self
        module: Module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(module._get_name() + " has no attribute `" + item + "`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Replace (or, unless `strict`, add) the submodule at the path `target`."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        # Find the parent with `get_submodule`, so a bad path fails with the
        # same messages; then the last name is set on the parent.
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(parent._get_name() + " has no attribute `" + name + "`")
        # An existing attribute of that name may only be replaced if it is a
        # module: `set_submodule("fc.weight", ...)` is refused.
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError("`" + name + "` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        """Return the parameter at the dotted path `target`, e.g. "fc.weight"."""
        # Split "a.b.weight" into the module path "a.b" and the name "weight".
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> torch.Tensor:
        """Return the buffer at the dotted path `target`, e.g. "bn.running_mean"."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        buffer = getattr(module, name)
        # A buffer has no type of its own (any tensor can be one), so the
        # test is where the name lives, not what the value is.
        if name not in module._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return buffer

    # ------------------------------------------------------------------
    # 5. train/eval and gradients
    # ------------------------------------------------------------------

    # exercise: train_eval
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and all below it; return self.

        It only sets the `training` flag. Layers such as Dropout and
        BatchNorm read the flag in their `forward`.
        """
        # `train(0)` would work in plain Python; torch wants a real bool.
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        # Each child sets its own flag and recurses, so a subclass that
        # overrides `train` is still called for its part of the tree.
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """Same as `train(False)`. It does not turn off gradients: use `torch.no_grad()`."""
        return self.train(False)

    # exercise: train_eval
    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set `requires_grad` on every parameter (to freeze or unfreeze); return self."""
        # Buffers are left alone: they never take part in training.
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    # exercise: train_eval
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters.

        With `set_to_none=True` (the default) `p.grad` becomes `None`, which
        frees memory; otherwise the gradient tensor is filled with zeros.
        """
        # A DataParallel replica's parameters are copies made inside the
        # graph, not leaves: zeroing their grads does nothing useful.
        if getattr(self, "_is_replica", False):
            warnings.warn(
                "Calling .zero_grad() from a module created with nn.DataParallel() has no effect. "
                "The parameters are copied (in a differentiable manner) from the original module. "
                "This means they are not leaf nodes in autograd and so don't accumulate gradients. "
                "If you need gradients in your forward method, consider using autograd.grad instead.",
                stacklevel=2,
            )
        # Parameters that never got a gradient have nothing to reset.
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
                continue
            # A gradient may itself be part of a graph (after
            # `backward(create_graph=True)`); cut it loose before zeroing.
            if param.grad.grad_fn is not None:
                param.grad.detach_()
            else:
                param.grad.requires_grad_(False)
            param.grad.zero_()

    # ------------------------------------------------------------------
    # 6. Conversion: apply, _apply, to
    # ------------------------------------------------------------------

    # exercise: conversion
    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call `fn(module)` on every submodule (children first), then on self.

        This is the usual way to initialise weights:

        Examples:
            >>> class Net(Module):
            ...     def __init__(self):
            ...         super().__init__()
            ...         self.inner = Module()
            >>> visited = []
            >>> _ = Net().apply(lambda m: visited.append(type(m).__name__))
            >>> visited
            ['Module', 'Net']
        """
        # Children first, so `fn` on a parent sees children already done.
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # `_apply` is the one engine behind `to`, `float`, `double`, `half`,
    # `cpu`, `cuda`, ...: each of those only chooses `fn`, a function from
    # tensor to tensor.
    #
    # The surprising part is that parameters keep their identity: after
    # `model.double()`, `model.fc.weight` is still the same Python object,
    # with new data inside (`param.data = new`). So an optimizer created
    # before the conversion still holds the right tensors. Buffers are simply
    # replaced, so old references to a buffer go stale.
    # exercise: conversion
    def _apply(self, fn: Callable[[torch.Tensor], torch.Tensor], recurse: bool = True) -> Module:
        """Apply `fn` to every parameter, gradient and buffer; return self."""
        # Children first, the same order as `apply`.
        if recurse:
            for module in self.children():
                module._apply(fn)

        for key, param in self._parameters.items():
            if param is None:
                continue
            # Parameters are graph leaves: the conversion itself must not be
            # recorded by autograd.
            with torch.no_grad():
                param_applied = fn(param)
            # Store the result, then bring the gradient along the same way.
            grad = param.grad
            swap = self._should_swap(param, param_applied)
            out_param = self._store_converted_param(key, param, param_applied, swap)
            if grad is not None:
                self._convert_grad(key, grad, out_param, fn, swap)

        # Buffers are plain tensors in a dict: just replace each one.
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    # Where does the converted tensor go? Usually into the same Parameter
    # object (`param.data = ...`), which is what keeps optimizers working.
    def _store_converted_param(
        self, key: str, param: Parameter, param_applied: torch.Tensor, swap: bool
    ) -> Parameter:
        """Put `param_applied` in place of `param` and return the stored Parameter."""
        # Swapping is a rare path, explained at the end of this section.
        if swap:
            return self._swap_converted_param(key, param, param_applied)
        if self._should_use_set_data(param, param_applied):
            param.data = param_applied
            return param
        # Otherwise a new Parameter object replaces the old one. It keeps
        # `requires_grad`, but an optimizer still holds the old object.
        new_param = Parameter(param_applied, param.requires_grad)
        self._parameters[key] = new_param
        return new_param

    # `param.data = new` works only when the two tensors have compatible
    # types (both dense CPU, say). The global flag
    # `torch.__future__.set_overwrite_module_params_on_conversion(True)`
    # asks for new Parameter objects instead. A FakeTensor (used by
    # `torch.compile` to trace shapes) never takes the `.data` path.
    @staticmethod
    def _should_use_set_data(tensor: torch.Tensor, tensor_applied: torch.Tensor) -> bool:
        if torch._has_compatible_shallow_copy_type(tensor, tensor_applied) and not isinstance(
            tensor_applied, FakeTensor
        ):
            return not torch.__future__.get_overwrite_module_params_on_conversion()
        return False

    # The gradient follows its parameter: same dtype, same device. It is
    # stored the same way the parameter was (swap, `.data =`, or new).
    def _convert_grad(
        self, key: str, grad: torch.Tensor, out_param: Parameter, fn: Callable[[torch.Tensor], torch.Tensor], swap: bool
    ) -> None:
        with torch.no_grad():
            grad_applied = fn(grad)
        if swap:
            self._swap_converted_grad(key, grad, grad_applied, out_param)
        elif self._should_use_set_data(grad, grad_applied):
            out_param.grad.data = grad_applied
        else:
            out_param.grad = grad_applied.requires_grad_(grad.requires_grad)

    # Each conversion below is `_apply` with a different `fn`. The dtype
    # ones touch only floating point tensors: an integer step counter stays
    # an integer after `.half()`.
    def cpu(self) -> Module:
        """Move every parameter and buffer to the CPU."""
        return self._apply(lambda t: t.cpu())

    def cuda(self, device: int | torch.device | None = None) -> Module:
        """Move every parameter and buffer to a CUDA device."""
        return self._apply(lambda t: t.cuda(device))

    def xpu(self, device: int | torch.device | None = None) -> Module:
        """Move every parameter and buffer to an XPU device."""
        return self._apply(lambda t: t.xpu(device))

    def ipu(self, device: int | torch.device | None = None) -> Module:
        """Move every parameter and buffer to an IPU device."""
        return self._apply(lambda t: t.ipu(device))

    def mtia(self, device: int | torch.device | None = None) -> Module:
        """Move every parameter and buffer to an MTIA device."""
        return self._apply(lambda t: t.mtia(device))

    def type(self, dst_type: torch.dtype | str) -> Module:
        """Cast *every* parameter and buffer (integer ones too) to `dst_type`."""
        return self._apply(lambda t: t.type(dst_type))

    def float(self) -> Module:
        """Cast floating point parameters and buffers to float32."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        """Cast floating point parameters and buffers to float64."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        """Cast floating point parameters and buffers to float16."""
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        """Cast floating point parameters and buffers to bfloat16."""
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """Move to `device` without copying values (for modules built on `meta`)."""
        return self._apply(lambda t: torch.empty_like(t, device=device), recurse=recurse)

    # exercise: conversion
    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move and/or cast parameters and buffers; return self.

        It accepts the same forms as `Tensor.to`:

        - `to(device=None, dtype=None, non_blocking=False)`
        - `to(dtype, non_blocking=False)`
        - `to(tensor, non_blocking=False)`: the device and dtype of `tensor`
        - `to(memory_format=torch.channels_last)`

        Only floating point and complex tensors change dtype.

        Examples:
            >>> m = Module()
            >>> m.w = Parameter(torch.ones(1))
            >>> m.register_buffer("steps", torch.tensor(3))
            >>> _ = m.to(torch.float64)
            >>> m.w.dtype, m.steps.dtype
            (torch.float64, torch.int64)
        """
        # Parsing these overloads is tensor plumbing, not module logic, so we
        # let torch's own parser do it (its errors then match torch's).
        device, dtype, non_blocking, memory_format = torch._C._nn._parse_to(*args, **kwargs)

        # `to(torch.int64)` is refused up front: casting weights to integers
        # would silently destroy them. Complex dtypes work, with a warning.
        if dtype is not None:
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError(
                    f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dtype}"
                )
            # torch still calls complex modules experimental.
            if dtype.is_complex:
                warnings.warn(
                    "Complex modules are a new feature under active development whose design may change, "
                    "and some modules might not work as expected when using complex tensors as parameters or buffers. "
                    "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                    "if a complex module does not work as expected.",
                    stacklevel=2,
                )

        # The `fn` handed to `_apply`: one tensor in, one converted tensor out.
        # It closes over the parsed device, dtype and memory format.
        def convert(t: torch.Tensor) -> torch.Tensor:
            # Integer and bool tensors keep their dtype; they may still move.
            target_dtype = dtype if t.is_floating_point() or t.is_complex() else None
            try:
                # A memory format only makes sense for 4-d and 5-d tensors.
                if memory_format is not None and t.dim() in (4, 5):
                    return t.to(device, target_dtype, non_blocking, memory_format=memory_format)
                return t.to(device, target_dtype, non_blocking)
            except NotImplementedError as error:
                # A `meta` tensor has no data to copy; say what to do instead.
                if str(error) == "Cannot copy out of meta tensor; no data!":
                    raise NotImplementedError(
                        f"{error} Please use torch.nn.Module.to_empty() instead of torch.nn.Module.to() "
                        "when moving module from meta to a different device."
                    ) from None
                raise

        return self._apply(convert)

    def share_memory(self) -> Module:
        """Move every tensor to shared memory (for `torch.multiprocessing`)."""
        return self._apply(lambda t: t.share_memory_())

    # -- Advanced: swapping tensors (future flag, tensor subclasses, FakeTensor) --

    # `torch.utils.swap_tensors` exchanges the *contents* of two Python
    # tensor objects, so every reference sees the new tensor. torch uses it
    # when the future flag asks for it, and for tensor subclasses (and
    # FakeTensors) where `.data =` cannot work.
    @staticmethod
    def _should_swap(param: torch.Tensor, param_applied: torch.Tensor) -> bool:
        return (
            torch.__future__.get_swap_module_params_on_conversion()
            or is_traceable_wrapper_subclass(param_applied)
            or isinstance(param, FakeTensor)
        )

    # The swap path of `_store_converted_param`: the old Parameter object
    # stays, with the new Parameter's contents inside.
    def _swap_converted_param(self, key: str, param: Parameter, param_applied: torch.Tensor) -> Parameter:
        grad = param.grad
        try:
            # A tensor with extra references (like its own `.grad`) cannot
            # be swapped, so the gradient is set aside first.
            if grad is not None:
                param.grad = None
            new_param = Parameter(param_applied, requires_grad=param.requires_grad)
            torch.utils.swap_tensors(param, new_param)
        except Exception as error:
            # Put the gradient back, so a failed swap changes nothing.
            if grad is not None:
                param.grad = grad
            raise RuntimeError(f"_apply(): Couldn't swap {self._get_name()}.{key}") from error
        return param

    # The swap path of `_convert_grad`: the old gradient object is kept and
    # given back to the parameter (whose `.grad` was set aside above).
    def _swap_converted_grad(
        self, key: str, grad: torch.Tensor, grad_applied: torch.Tensor, out_param: Parameter
    ) -> None:
        grad_applied.requires_grad_(grad.requires_grad)
        try:
            torch.utils.swap_tensors(grad, grad_applied)
        except Exception as error:
            raise RuntimeError(f"_apply(): Couldn't swap {self._get_name()}.{key}.grad") from error
        out_param.grad = grad

    # ------------------------------------------------------------------
    # 7. state_dict and load_state_dict
    # ------------------------------------------------------------------

    # Extra state is anything that is not a tensor (a config dict, a step
    # counter) that a module wants saved in its checkpoint. The base
    # versions only raise: a subclass overrides both or neither.
    def get_extra_state(self) -> Any:
        """Return extra state to save in `state_dict`. Override it together with `set_extra_state`."""
        # `state_dict` calls this only when a subclass overrides it, so
        # reaching the base version is a bug.
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called. "
            "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
            "to report this bug."
        )

    def set_extra_state(self, state: Any) -> None:
        """Restore what `get_extra_state` returned. Override it together with `get_extra_state`."""
        # Like `get_extra_state`: only reached by mistake.
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called. "
            "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
            "to report this bug."
        )

    # Does the class override `get_extra_state` / `set_extra_state`? That is
    # how `state_dict` and loading know whether a module has extra state.
    def _has_own(self, method_name: str) -> bool:
        return getattr(type(self), method_name, None) is not getattr(Module, method_name)

    # exercise: state_dict
    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        """Write this module's own tensors (not its children's) into `destination`."""
        # `detach()` gives a tensor that shares memory but has no grad
        # history, unless the caller wants the real objects (`keep_vars`).
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        # Non-persistent buffers (a cache, say) stay out of checkpoints.
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        # Fast path: this runs once per module, so on a 10,000-module model
        # even a small method call adds up. We compare the two methods
        # directly here instead of calling `_has_own` (the same check).
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    # The type of `state_dict(destination=...)`: whatever dict-like object
    # you pass in is what you get back. torch keeps it on the class.
    T_destination = TypeVar("T_destination", bound=dict[str, Any])

    # exercise: state_dict
    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "", keep_vars: bool = False) -> Any:
        """Return an ordered dict of every parameter and persistent buffer, by path.

        Parameters and buffers that are `None` are left out, and so are
        non-persistent buffers. The dict has a `_metadata` attribute that
        records each module's `_version`.

        Examples:
            >>> m = Module()
            >>> m.w = Parameter(torch.ones(1))
            >>> m.register_buffer("cache", torch.zeros(1), persistent=False)
            >>> list(m.state_dict())
            ['w']
        """
        # The old positional form `state_dict(destination, prefix, keep_vars)`
        # still works, with a warning (see "Advanced" below).
        if args:
            destination, prefix, keep_vars = self._state_dict_positional_args(args, destination, prefix, keep_vars)

        # Only the root call makes the dict; children get it passed down.
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        # Metadata is keyed by the module path without the final dot:
        # "" for the root, "fc" for `fc.`.
        local_metadata = dict(version=self._version)
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata

        # Pre-hooks run before anything is saved; they return nothing.
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        # Children write into the same dict, with a longer prefix.
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        # Post-hooks run after the whole subtree is in the dict.
        for hook in self._state_dict_hooks.values():
            result = hook(self, destination, prefix, local_metadata)
            # Hooks from the old private API may return a new dict; hooks
            # from the public API must change the dict in place.
            if getattr(hook, "_from_public_api", False):
                if result is not None:
                    raise RuntimeError("state_dict post-hook must return None")
            elif result is not None:
                destination = result
        return destination

    # exercise: load_state_dict
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
        """Copy this module's own entries of `state_dict` into its tensors.

        Problems are not raised here: they are appended to `missing_keys`,
        `unexpected_keys` and `error_msgs`, so `load_state_dict` can report
        all of them at once. Subclasses override this to convert old formats.
        """
        # Pre-hooks may rename or fix keys before we look at them.
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)

        # What this module expects: its parameters and persistent buffers.
        persistent_buffers = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {
            k: v for k, v in itertools.chain(self._parameters.items(), persistent_buffers.items()) if v is not None
        }
        # `load_state_dict(assign=True)` reaches us through the metadata, so
        # the signature of this method (which subclasses override) stays put.
        assign = local_metadata.get("assign_to_params_buffers", False)

        # A missing key is only noted; each present one is loaded in turn.
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            input_param = state_dict[key]
            self._load_one(key, name, param, input_param, assign, error_msgs)

        # Extra state is loaded only by modules that know how to.
        extra_state_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if self._has_own("set_extra_state"):
            if extra_state_key in state_dict:
                self.set_extra_state(state_dict[extra_state_key])
            elif strict:
                missing_keys.append(extra_state_key)
        elif strict and extra_state_key in state_dict:
            unexpected_keys.append(extra_state_key)

        # Keys under our prefix that nobody claimed. "a.b" is ours if `a` is
        # a child (the child checks the rest); "w" is ours if it is in
        # `local_state`.
        if strict:
            for key in state_dict:
                if not key.startswith(prefix) or key == extra_state_key:
                    continue
                first, *rest = key[len(prefix) :].split(".", 1)
                if rest:
                    if first not in self._modules:
                        unexpected_keys.append(key)
                elif first not in local_state:
                    unexpected_keys.append(key)

    # Load one checkpoint tensor into one parameter or buffer. Every
    # problem becomes a line in `error_msgs`, so one bad key does not hide
    # the others.
    def _load_one(
        self, key: str, name: str, param: torch.Tensor, input_param: Any, assign: bool, error_msgs: list[str]
    ) -> None:
        if not torch.overrides.is_tensor_like(input_param):
            error_msgs.append(
                f'While copying the parameter named "{key}", '
                "expected torch.Tensor or Tensor-like object from checkpoint but "
                f"received {type(input_param)}"
            )
            return
        # An uninitialized (lazy) parameter has no shape yet, so there is
        # nothing to compare: the shape checks below are skipped for it.
        param_is_lazy = is_lazy(param)
        # Very old checkpoints stored scalars as 1-element vectors.
        if not param_is_lazy and len(param.shape) == 0 and len(input_param.shape) == 1 and input_param.shape[0] == 1:
            input_param = input_param[0]
        # Shapes must match exactly: no broadcasting when loading weights.
        if not param_is_lazy and input_param.shape != param.shape:
            error_msgs.append(
                f"size mismatch for {key}: copying a param with shape {input_param.shape} from checkpoint, "
                f"the shape in current model is {param.shape}."
            )
            return
        # Copying into a `meta` tensor stores nothing: warn, suggest `assign`.
        if param.is_meta and not input_param.is_meta and not assign:
            warnings.warn(
                f"for {key}: copying from a non-meta parameter in the checkpoint to a meta "
                "parameter in the current model, which is a no-op. (Did you mean to "
                "pass `assign=True` to assign items in the state dictionary to their "
                "corresponding key in the module instead of copying them in place?)",
                stacklevel=3,
            )
        # Three ways to load, tried under `no_grad` so loading is not part
        # of any graph. A failure is reported, not raised.
        use_swap = torch.__future__.get_swap_module_params_on_conversion()
        try:
            with torch.no_grad():
                if use_swap:
                    self._swap_in(param, input_param, assign)
                elif assign:
                    # `assign=True` stores the checkpoint's tensor itself (no
                    # copy), wrapped as a Parameter if the slot holds one.
                    if isinstance(param, Parameter):
                        input_param = self._as_parameter_like(param, input_param)
                    setattr(self, name, input_param)
                else:
                    # The default: copy values into the existing tensor, so
                    # the parameter keeps its identity, dtype and device.
                    param.copy_(input_param)
        except Exception as error:
            action = "swapping" if use_swap else "copying"
            error_msgs.append(
                f'While {action} the parameter named "{key}", '
                f"whose dimensions in the model are {param.size()} and "
                f"whose dimensions in the checkpoint are {input_param.size()}, "
                f"an exception occurred : {error.args}."
            )

    # Wrap `tensor` as a Parameter with the same requires_grad as `param`,
    # so `assign=True` cannot turn a trainable weight into a plain tensor.
    @staticmethod
    def _as_parameter_like(param: Parameter, tensor: torch.Tensor) -> Parameter:
        if not isinstance(tensor, Parameter):
            return Parameter(tensor, requires_grad=param.requires_grad)
        tensor.requires_grad_(param.requires_grad)
        return tensor

    # exercise: load_state_dict
    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False) -> Any:
        """Copy parameters and buffers from `state_dict` into this module.

        Args:
            state_dict: a mapping from paths to tensors, as `state_dict()` gives.
            strict: if True, any missing or unexpected key is an error.
            assign: if True, keep the checkpoint's tensors instead of copying.

        Returns:
            A named tuple `(missing_keys, unexpected_keys)`.

        Examples:
            >>> m = Module()
            >>> m.w = Parameter(torch.zeros(1))
            >>> m.load_state_dict({"w": torch.ones(1)})
            <All keys matched successfully>
        """
        # Any mapping will do (a plain dict, an OrderedDict from `torch.load`).
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")

        # Every module appends to these three shared lists.
        missing_keys: list[str] = []
        unexpected_keys: list[str] = []
        error_msgs: list[str] = []

        # Work on a copy: pre-hooks may change the dict they are given.
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        # The recursive walk: each module loads its own keys, then hands its
        # children only the keys under their prefix.
        def load(module: Module, local_state_dict: dict, prefix: str = "") -> None:
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            # `strict` is always True here: the keys are collected either
            # way, and only the final error below depends on `strict`.
            module._load_from_state_dict(
                local_state_dict, prefix, local_metadata, True, missing_keys, unexpected_keys, error_msgs
            )
            # Filtering by prefix keeps each child's dict small on big models.
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}
                    load(child, child_state_dict, child_prefix)
            # Post hooks see the keys so far and may edit the lists in place,
            # for example to forgive a missing key.
            incompatible_keys = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, incompatible_keys) is not None:
                    raise AssertionError(
                        "Hooks registered with ``register_load_state_dict_post_hook`` are not "
                        "expected to return new values, if incompatible_keys need to be modified, "
                        "it should be done inplace."
                    )

        load(self, state_dict)

        # Only now does `strict` matter: the key lists become error lines,
        # missing keys first, all in one RuntimeError.
        if strict:
            if unexpected_keys:
                quoted = ", ".join(f'"{k}"' for k in unexpected_keys)
                error_msgs.insert(0, f"Unexpected key(s) in state_dict: {quoted}. ")
            if missing_keys:
                quoted = ", ".join(f'"{k}"' for k in missing_keys)
                error_msgs.insert(0, f"Missing key(s) in state_dict: {quoted}. ")
        # Size mismatches raise even with `strict=False`.
        if error_msgs:
            details = "\n\t".join(error_msgs)
            raise RuntimeError(f"Error(s) in loading state_dict for {self.__class__.__name__}:\n\t{details}")
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # The state_dict hooks have four hook points: before and after saving,
    # before and after loading. Each `register_*` stores the hook and
    # returns a removable handle.
    def register_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, prefix, keep_vars)` before this module saves its state."""
        return _add_hook(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, state_dict, prefix, local_metadata)` after saving.

        The hook may change `state_dict` in place but must return None.
        """
        # Marking the function lets `state_dict` tell public hooks (must
        # return None) from old private ones (may return a new dict).
        hook._from_public_api = True
        return _add_hook(self._state_dict_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call a hook on this module before it loads its part of a state dict.

        The hook is called as `hook(module, state_dict, prefix, local_metadata,
        strict, missing_keys, unexpected_keys, error_msgs)` and may edit
        `state_dict` in place (for example to rename old keys).
        """
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    # The private form calls the hook without the module, unless asked.
    # `WrappedHook` holds the module weakly, so the hook does not keep it alive.
    def _register_load_state_dict_pre_hook(self, hook: Callable, with_module: bool = False) -> RemovableHandle:
        wrapped = _hooks.WrappedHook(hook, self if with_module else None)
        return _add_hook(self._load_state_dict_pre_hooks, wrapped)

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, incompatible_keys)` after loading; it may edit the key lists in place."""
        return _add_hook(self._load_state_dict_post_hooks, hook)

    # -- Advanced: old calling forms and tensor swapping --

    # `state_dict(destination, prefix, keep_vars)` is the old positional
    # form. It still works but warns; keyword arguments win when both are
    # given.
    @staticmethod
    def _state_dict_positional_args(args: tuple, destination: Any, prefix: str, keep_vars: bool) -> tuple:
        warnings.warn(
            "Positional args are being deprecated, use kwargs instead. Refer to "
            "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
            " for details.",
            FutureWarning,
            stacklevel=3,
        )
        # The positional values fill only what was not given by keyword.
        if destination is None:
            destination = args[0]
        if len(args) > 1 and prefix == "":
            prefix = args[1]
        if len(args) > 2 and keep_vars is False:
            keep_vars = args[2]
        return destination, prefix, keep_vars

    # The older private form of the post-hook, still used by some libraries:
    # its hook may return a new dict. One function cannot be both kinds.
    def _register_state_dict_hook(self, hook: Callable) -> RemovableHandle:
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError(
                "Cannot register the same function as the state dict post hook that was "
                "previously registered via register_state_dict_post_hook"
            )
        return _add_hook(self._state_dict_hooks, hook)

    # The loading side of the swap future flag (see `_apply`): the tensor
    # decides how to load (`module_load`, which a tensor subclass may
    # override), then the contents are swapped in place.
    def _swap_in(self, param: torch.Tensor, input_param: torch.Tensor, assign: bool) -> None:
        new_param = param.module_load(input_param, assign=assign)
        if id(new_param) == id(input_param) or id(new_param) == id(param):
            raise RuntimeError(
                "module_load returned one of self or other, please .detach() "
                "the result if returning one of the inputs in module_load"
            )
        if isinstance(param, Parameter):
            new_param = self._as_parameter_like(param, new_param)
        torch.utils.swap_tensors(param, new_param)

    # ------------------------------------------------------------------
    # 8. Calling a module: forward and backward hooks
    # ------------------------------------------------------------------

    # First the `register_*_hook` methods, which only store functions in
    # the dicts made by `__init__`; then `_call_impl`, which runs them.
    # exercise: forward_hooks
    def register_forward_pre_hook(
        self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call `hook(module, args)` before every `forward`.

        The hook may return new args (a tuple, or one value that is wrapped
        in a tuple). With `with_kwargs=True` it is called as
        `hook(module, args, kwargs)` and may return `(args, kwargs)`.

        Examples:
            >>> m = Module()
            >>> handle = m.register_forward_pre_hook(lambda module, args: (args[0] * 2,))
            >>> handle.remove()
        """
        # The `with_kwargs` flag lives in a side dict under the same id.
        # Passing that dict as `extra_dict` lets `handle.remove()` clear it.
        handle = _add_hook(self._forward_pre_hooks, hook, extra_dict=self._forward_pre_hooks_with_kwargs)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        # `prepend` moves the new hook to the front of the ordered dict, so
        # it runs before hooks registered earlier.
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    # exercise: forward_hooks
    def register_forward_hook(
        self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False, always_call: bool = False
    ) -> RemovableHandle:
        """Call `hook(module, args, output)` after every `forward`.

        A hook that returns a value replaces the output. With
        `always_call=True` the hook also runs when `forward` raises.
        """
        # Two flags this time, so two side dicts to clean up on removal.
        handle = _add_hook(
            self._forward_hooks,
            hook,
            extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called],
        )
        # Store the flags, then (if asked) move the hook to the front.
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    # Backward hooks: they run during `loss.backward()`, when the gradients
    # of this module's outputs (pre-hooks) and inputs (hooks) are ready.
    # exercise: backward_hooks
    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_output)` when the gradients of the outputs are ready.

        The hook may return new output gradients (a tuple of the same length).
        """
        # Pre-hooks have their own dict, so they mix freely with either kind
        # of backward hook.
        handle = _add_hook(self._backward_pre_hooks, hook)
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    # Old and full backward hooks live in the same dict, `_backward_hooks`,
    # so a module may only have one kind. `_is_full_backward_hook` remembers
    # which kind came first (None means: no backward hook yet).
    def _claim_backward_hook_kind(self, full: bool) -> None:
        # `not full` is the other kind: refuse to mix them.
        if self._is_full_backward_hook is (not full):
            raise RuntimeError(
                "Cannot use both regular backward hooks and full backward hooks on a "
                "single Module. Please use only one of them."
            )
        self._is_full_backward_hook = full

    # exercise: backward_hooks
    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` when the gradients of the inputs are ready.

        Both are tuples with one entry per positional argument or output
        (None where it is not a tensor). The hook may return new `grad_input`.

        Examples:
            >>> m = Module()
            >>> handle = m.register_full_backward_hook(lambda module, gin, gout: None)
            >>> handle.remove()
        """
        # Claim the "full" kind first, so a mix fails before anything is stored.
        self._claim_backward_hook_kind(full=True)
        handle = _add_hook(self._backward_hooks, hook)
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def _get_backward_hooks(self) -> tuple[list[Callable], list[Callable]]:
        """Return (full hooks, old hooks) for this call: global ones first."""
        # The global dict and the module's dict each hold one kind only;
        # their flag says which list they join.
        full: list[Callable] = []
        old: list[Callable] = []
        # A flag of None means no backward hook there yet: it joins neither.
        for kind, hooks in (
            (_hooks._global_is_full_backward_hook, _hooks._global_backward_hooks),
            (self._is_full_backward_hook, self._backward_hooks),
        ):
            if kind is True:
                full += hooks.values()
            elif kind is False:
                old += hooks.values()
        return full, old

    # Pre-hooks have no kinds: just the global ones, then the module's.
    def _get_backward_pre_hooks(self) -> list[Callable]:
        """Return the backward pre-hooks for this call: global ones first."""
        return [*_hooks._global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]

    # `model(x)` runs `Module.__call__`, which is `_call_impl`. Calling
    # `model.forward(x)` directly skips every hook below.
    #
    # torch writes the whole call as one long `_call_impl` with a nested
    # function `inner()` inside. We cut it into named steps; to read the two
    # side by side:
    #
    # | torch                                        | here                         |
    # |----------------------------------------------|------------------------------|
    # | the "no hooks" test at the top               | `_call_impl`                 |
    # | `try: return inner()` and its `except`       | `_call_with_hooks`           |
    # | the locals `result`, `called_always_called_hooks` | `_Call` (hooks.py)      |
    # | the body of `inner()`                        | `_run_call`                  |
    # | the forward pre-hook loop in `inner()`       | `_run_forward_pre_hooks`     |
    # | the forward hook loop in `inner()`           | `_run_forward_hooks`         |
    # | the non-full backward hook part of `inner()` | `_attach_old_backward_hooks` |
    # | the body of the `except` branch              | `_run_always_called_hooks`   |
    #
    # Both start `__call__` with a thin `_wrapped_call_impl` (below) that first
    # checks for a `torch.compile`d version of the call.
    def _call_impl(self, *args: Any, **kwargs: Any) -> Any:
        # Fast path: most modules have no hooks at all, so check once and
        # call `forward` directly. This keeps a plain call cheap.
        if not (
            self._backward_hooks
            or self._backward_pre_hooks
            or self._forward_hooks
            or self._forward_pre_hooks
            # The global dicts count too: a profiler may watch every module.
            or _hooks._global_backward_pre_hooks
            or _hooks._global_backward_hooks
            or _hooks._global_forward_hooks
            or _hooks._global_forward_pre_hooks
        ):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        """The slow path of `__call__`: pre-hooks, forward, forward hooks, backward wiring."""
        # `always_call` hooks must run even if something below raises. We
        # remember which of them already ran, and keep `args` and `result`
        # in `call` so the error path sees them as the hooks left them.
        call = _Call(args, kwargs)
        try:
            return self._run_call(call)
        except Exception:
            self._run_always_called_hooks(call)
            raise

    # The body of the slow path, in torch's order: collect backward hooks,
    # forward pre-hooks, wire inputs, forward, forward hooks, wire outputs.
    def _run_call(self, call: _Call) -> Any:
        # Collect the backward hooks first: a forward pre-hook that adds one
        # only takes effect from the next call, as in torch.
        # Fast path: a module with only forward hooks (the common case here)
        # skips building the backward lists; empty dicts give empty lists.
        backward_pre_hooks: list[Callable] = []
        full_backward_hooks: list[Callable] = []
        old_backward_hooks: list[Callable] = []
        if self._backward_pre_hooks or _hooks._global_backward_pre_hooks:
            backward_pre_hooks = self._get_backward_pre_hooks()
        if self._backward_hooks or _hooks._global_backward_hooks:
            full_backward_hooks, old_backward_hooks = self._get_backward_hooks()

        # Pre-hooks may replace `call.args` before anything else sees them.
        self._run_forward_pre_hooks(call)

        # Full backward hooks need an autograd node before and after
        # `forward` (see `hooks.BackwardHook`). The inputs get theirs now.
        bw_hook = None
        if full_backward_hooks or backward_pre_hooks:
            bw_hook = _hooks.BackwardHook(self, full_backward_hooks, backward_pre_hooks)
            call.args = bw_hook.setup_input_hook(call.args)

        call.result = self.forward(*call.args, **call.kwargs)
        self._run_forward_hooks(call)

        # The output gets its node after the forward hooks, so the hooks'
        # replacement output is the one whose gradient is watched.
        if bw_hook is not None:
            if not isinstance(call.result, (torch.Tensor, tuple)):
                warnings.warn(
                    "For backward hooks to be called, module output should be a Tensor or a tuple of Tensors"
                    f" but received {type(call.result)}",
                    stacklevel=3,
                )
            call.result = bw_hook.setup_output_hook(call.result)

        # The deprecated hooks need no wrapping: they hang on the output's node.
        if old_backward_hooks:
            self._attach_old_backward_hooks(call, old_backward_hooks)
        return call.result

    # Global hooks run first, then this module's own, in dict order. Each
    # hook sees the arguments as the previous hook left them.
    # exercise: forward_hooks
    def _run_forward_pre_hooks(self, call: _Call) -> None:
        for hook_id, hook in (*_hooks._global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                # A `with_kwargs` hook returns None or a pair (args, kwargs).
                new = hook(self, call.args, call.kwargs)
                if new is None:
                    continue
                if not (isinstance(new, tuple) and len(new) == 2):
                    raise RuntimeError(
                        f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {new}."
                    )
                call.args, call.kwargs = new
            # A plain hook sees only the positional args.
            else:
                new = hook(self, call.args)
                if new is not None:
                    # A single returned value becomes a one-element tuple.
                    call.args = new if isinstance(new, tuple) else (new,)

    # Each hook sees the output of the previous one; returning None keeps
    # the output as it is.
    # exercise: forward_hooks
    def _run_forward_hooks(self, call: _Call) -> None:
        for hook_id, hook in (*_hooks._global_forward_hooks.items(), *self._forward_hooks.items()):
            # Note that an `always_call` hook ran, so the error path does
            # not run it a second time.
            if hook_id in self._forward_hooks_always_called or hook_id in _hooks._global_forward_hooks_always_called:
                call.ran_always_called.add(hook_id)
            # The `with_kwargs` flag may be in the module's dict or the global one.
            if hook_id in self._forward_hooks_with_kwargs or hook_id in _hooks._global_forward_hooks_with_kwargs:
                new = hook(self, call.args, call.kwargs, call.result)
            else:
                new = hook(self, call.args, call.result)
            if new is not None:
                call.result = new

    # Something raised. Run the `always_call` hooks that did not run yet;
    # an error inside one of them becomes a warning, so the original error
    # is the one the caller sees. Note: torch calls the global ones without
    # kwargs, even when they were registered `with_kwargs`.
    def _run_always_called_hooks(self, call: _Call) -> None:
        for hook_id, hook in _hooks._global_forward_hooks.items():
            if hook_id in _hooks._global_forward_hooks_always_called and hook_id not in call.ran_always_called:
                run = functools.partial(hook, self, call.args, call.result)
                self._run_one_always_called_hook(call, "global module", run)
        # The module's own `always_call` hooks come second, with kwargs if asked.
        for hook_id, hook in self._forward_hooks.items():
            if hook_id in self._forward_hooks_always_called and hook_id not in call.ran_always_called:
                if hook_id in self._forward_hooks_with_kwargs:
                    run = functools.partial(hook, self, call.args, call.kwargs, call.result)
                else:
                    run = functools.partial(hook, self, call.args, call.result)
                self._run_one_always_called_hook(call, "module", run)

    # Run one such hook. It may replace the output, which the next hook
    # then sees; if it raises, we only warn.
    @staticmethod
    def _run_one_always_called_hook(call: _Call, kind: str, run: Callable[[], Any]) -> None:
        try:
            new = run()
        except Exception as error:
            warnings.warn(
                f"{kind} forward hook with ``always_call=True`` raised an exception "
                f"that was silenced as another error was raised in forward: {error}",
                stacklevel=5,
            )
            return
        # Like any forward hook, a returned value replaces the output.
        if new is not None:
            call.result = new

    # `model(x)` first asks: was this module compiled? `compile()` stores a
    # compiled version of `_call_impl`; otherwise the normal path runs.
    # (`_call_impl` cannot check this itself: the compiled code calls it.)
    def _wrapped_call_impl(self, *args: Any, **kwargs: Any) -> Any:
        if self._compiled_call_impl is not None:
            return self._compiled_call_impl(*args, **kwargs)
        return self._call_impl(*args, **kwargs)

    # `model(x)` lands here: `__call__` is just another name for
    # `_wrapped_call_impl`, as in torch.
    __call__: Callable[..., Any] = _wrapped_call_impl

    # `torch.compile` traces `_call_impl` (hooks included) into fast code.
    # Nothing is compiled here: that happens lazily at the first call.
    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Compile this module's calls with `torch.compile(self._call_impl, *args, **kwargs)`."""
        self._compiled_call_impl = torch.compile(self._call_impl, *args, **kwargs)

    # `nn.DataParallel` copies a module to each device with this. The copy
    # shares every dict except `_parameters` (emptied: DataParallel sets
    # the copied parameters as plain attributes) and gets shallow copies of
    # `_buffers` and `_modules`, so swapping an entry does not touch the
    # original. `_is_replica` makes `zero_grad` warn.
    def _replicate_for_data_parallel(self) -> Module:
        """A shallow copy of this module for one DataParallel device."""
        replica = self.__new__(type(self))
        replica.__dict__ = self.__dict__.copy()
        replica._parameters = {}
        replica._buffers = replica._buffers.copy()
        replica._modules = replica._modules.copy()
        replica._is_replica = True
        return replica

    # -- Advanced: the old backward-hook API --

    # `register_backward_hook` is deprecated but still works. It shares the
    # `_backward_hooks` dict with the full kind, so it claims its kind first.
    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        """Deprecated: call `hook(module, grad_input, grad_output)` on the last autograd node of `forward`.

        Use `register_full_backward_hook`: this old kind sees the gradients
        of one autograd node only, not of the module's real inputs.
        """
        self._claim_backward_hook_kind(full=False)
        return _add_hook(self._backward_hooks, hook)

    # The old backward hooks hang on the autograd node that made the output
    # (its first tensor). So they see that node's gradients, which are not
    # always the module's: torch warns about each case where they differ.
    def _attach_old_backward_hooks(self, call: _Call, old_hooks: list[Callable]) -> None:
        # Find the first tensor of the output, looking inside tuples, lists
        # and dicts (the first item each time).
        first = call.result
        while not isinstance(first, torch.Tensor):
            if isinstance(first, dict):
                first = next(v for v in first.values() if isinstance(v, torch.Tensor))
            else:
                first = first[0]
        # No grad_fn (nothing needed a gradient): nothing to hook.
        grad_fn = first.grad_fn
        if grad_fn is None:
            return
        # A node hook is called as hook(grad_inputs, grad_outputs); the
        # wrapper puts the module in front.
        for hook in old_hooks:
            grad_fn.register_hook(_hooks.WrappedHook(hook, self))
        self._maybe_warn_non_full_backward_hook(call.args, call.result, grad_fn)

    def _maybe_warn_non_full_backward_hook(self, inputs: Any, result: Any, grad_fn: Any) -> None:
        """Warn (FutureWarning) when an old backward hook will miss gradients."""
        # The old hook only makes sense for tensors in and tensors out.
        outputs = _as_tensor_tuple(result)
        if outputs is None:
            _warn_old_backward_hook("output_not_tensors")
            return
        inputs = _as_tensor_tuple(inputs)
        if inputs is None:
            _warn_old_backward_hook("input_not_tensors")
            return
        # It is right only if one node made all outputs, and that node's
        # inputs are exactly the module's inputs.
        output_nodes = {t.grad_fn for t in outputs if t.grad_fn is not None}
        if not output_nodes or (len(output_nodes) == 1 and grad_fn not in output_nodes):
            _warn_old_backward_hook("nested_outputs")
        elif len(output_nodes) > 1:
            _warn_old_backward_hook("several_output_nodes")
        else:
            input_nodes = {t.grad_fn for t in inputs if t.grad_fn is not None}
            if input_nodes != {next_node for next_node, _ in grad_fn.next_functions}:
                _warn_old_backward_hook("several_forward_nodes")

    # ------------------------------------------------------------------
    # 9. repr, dir and pickling
    # ------------------------------------------------------------------

    # The class name, as printed at the start of the repr and in error
    # messages. A subclass may override it to print something else.
    def _get_name(self) -> str:
        return self.__class__.__name__

    def extra_repr(self) -> str:
        """Return the text shown inside the parentheses of `repr`. Layers override it."""
        return ""

    # The repr is a tree: first the module's own `extra_repr` lines, then
    # one line per child, "(name): repr(child)", indented by two spaces.
    # exercise: repr
    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_addindent(repr(module), 2)}" for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            # A layer with a one-line `extra_repr` and no children fits on
            # one line: `Linear(in_features=2, out_features=3, bias=True)`.
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    # `dir(model)` lists parameters, buffers and submodules too, so tab
    # completion in a notebook shows `model.fc`.
    # exercise: repr
    def __dir__(self) -> list[str]:
        keys = [
            *dir(self.__class__),
            *self.__dict__,
            *self._parameters,
            *self._modules,
            *self._buffers,
        ]
        # Names like "0" (Sequential's children) are not valid attributes.
        return sorted(key for key in keys if not key[0].isdigit())

    # Pickling saves the instance `__dict__`, which holds all the dicts
    # above. When loading, missing dicts are created, so modules pickled by
    # older versions still load.
    def __getstate__(self) -> dict:
        # `torch.compile` may leave a compiled call here; it cannot be pickled.
        state = self.__dict__.copy()
        state.pop("_compiled_call_impl", None)
        return state

    # Loading fills in any hook dict or flag that an older pickle lacks.
    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        # Each missing name gets a fresh empty value from its factory.
        defaults = {
            "_forward_pre_hooks": OrderedDict,
            "_forward_pre_hooks_with_kwargs": OrderedDict,
            "_forward_hooks_with_kwargs": OrderedDict,
            "_forward_hooks_always_called": OrderedDict,
            "_state_dict_hooks": OrderedDict,
            "_state_dict_pre_hooks": OrderedDict,
            "_load_state_dict_pre_hooks": OrderedDict,
            "_load_state_dict_post_hooks": OrderedDict,
            # Not hooks: the buffer set and the backward-hook kind flag.
            "_non_persistent_buffers_set": set,
            "_is_full_backward_hook": lambda: None,
            "_backward_pre_hooks": OrderedDict,
        }
        for name, make in defaults.items():
            if name not in self.__dict__:
                object.__setattr__(self, name, make())


# ------------------------------------------------------------------
# 10. Helpers outside the class
# ------------------------------------------------------------------

# These live outside `Module` so they do not become attributes of every
# module (torch keeps them at module level too).
#
# A subclass that forgets to define `forward` gets this one. It is a plain
# function stored as a class attribute, not a method, so that a subclass may
# define `forward` with any signature it likes.
def _forward_unimplemented(self: "Module", *input: Any) -> None:
    """Define the computation of the module. Every subclass must override it."""
    raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')


# Set after the class exists: in the class body it would have to be
# written before `class Module`, far from where it is explained.
Module.forward = _forward_unimplemented


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: the keys it could not match."""

    # No per-instance `__dict__`, as for any namedtuple.
    __slots__ = ()

    # A clean load prints a friendly line instead of two empty lists.
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    # `print(result)` shows the same text as the repr.
    __str__ = __repr__


def _addindent(text: str, spaces: int) -> str:
    """Indent every line of `text` but the first (used by `__repr__`)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    rest = [" " * spaces + line if line.strip() else "" for line in lines[1:]]
    return "\n".join([lines[0], *rest])


# Mixing libraries: a real `torch.nn.Linear` assigned to one of our modules
# is not one of *our* Modules, so `__setattr__` would silently keep it as a
# plain attribute. We recognise torch's classes by name (the clone never
# imports torch.nn.Module) and return what it is, to warn about it.
def _torch_nn_kind(value: Any) -> str | None:
    """'Module' or 'Parameter' if `value` is a torch.nn one, else None."""
    for cls in type(value).__mro__:
        if cls.__name__ == "Module" and cls.__module__ == "torch.nn.modules.module":
            return "Module"
        if cls.__name__ == "Parameter" and cls.__module__ == "torch.nn.parameter":
            return "Parameter"
    return None


# The `from __future__ import annotations` at the top keeps every annotation
# as text, so a method can name `Module` before the class exists. But then
# `help(Module.zero_grad)` and `inspect.signature` would show 'bool' in
# quotes, where torch shows the type itself. Now that every name exists, turn
# the text back into the real objects, once, when this file is imported.
def _resolve_annotations(cls: type) -> None:
    """Replace the text annotations of `cls`'s functions by the objects they name."""
    for value in vars(cls).values():
        function = getattr(value, "__func__", value)
        annotations = getattr(function, "__annotations__", None) if callable(function) else None
        for name, text in (annotations or {}).items():
            try:
                annotations[name] = eval(text, function.__globals__) if isinstance(text, str) else text
            except NameError:
                continue  # a name only a type checker knows: keep the text


# Called here, at the end of the file: only now does every name they use exist.
_resolve_annotations(Module)
