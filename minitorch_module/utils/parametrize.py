"""Parametrizations: a parameter computed from another tensor each time it is read.

`register_parametrization(layer, "weight", Symmetric())` keeps the real
tensor as `layer.parametrizations.weight.original` and turns `layer.weight`
into a property that returns `Symmetric()(original)`. Training then updates
`original`, and the weight is always symmetric. Weight norm, spectral norm
and orthogonal layers are built this way.

The trick is Module machinery worth reading: the module's class is swapped
for a new subclass that holds the property, because a property must live on
the class, and changing the class a user wrote (say `Linear`) would change
every Linear.

Examples:
    >>> import torch
    >>> import minitorch_module as nn
    >>> class Symmetric(nn.Module):
    ...     def forward(self, X):
    ...         return X.triu() + X.triu(1).transpose(-1, -2)
    >>> layer = register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
    >>> type(layer).__name__, torch.equal(layer.weight, layer.weight.T)
    ('ParametrizedLinear', True)
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# deepcopy and copyreg rebuild a parametrized module, which pickle refuses.
import copyreg
from collections.abc import Sequence
from contextlib import contextmanager
from copy import deepcopy

# Tensors, and two tensor utilities that decide how to overwrite a tensor in place.
import torch
from torch.__future__ import get_swap_module_params_on_conversion
from torch.utils._python_dispatch import is_traceable_wrapper_subclass

# The clone's own classes: the parametrizations live in its containers.
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

# The names torch gives these functions.
__all__ = [
    "cached", "ParametrizationList", "register_parametrization", "is_parametrized", "remove_parametrizations",
    "type_before_parametrizations", "transfer_parametrizations_and_params",
]


# ------------------------------------------------------------------
# Caching: compute each parametrized tensor once per block
# ------------------------------------------------------------------

# How many `with cached():` blocks are open, and what they computed,
# keyed by (id(module), tensor name).
_cache_enabled = 0
_cache: dict[tuple[int, str], torch.Tensor | None] = {}


@contextmanager
def cached():
    """Inside this block, reading `module.weight` twice computes it once.

    Useful when one parametrized weight is read many times in a forward,
    e.g. by a recurrent layer at every time step.
    """
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        # Only the outermost block clears the cache.
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


# ------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------


def _register_parameter_or_buffer(module: Module, name: str, X: torch.Tensor) -> None:
    """A Parameter stays a parameter, any other tensor becomes a buffer."""
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


def _maybe_set(dest: torch.Tensor, src: torch.Tensor) -> None:
    """Overwrite `dest` with `src` in place, so every reference to `dest` sees the change.

    `set_` makes dest share src's storage. Tensor subclasses that wrap
    others (and the opt-in "swap on conversion" mode) swap instead.
    """
    if get_swap_module_params_on_conversion() or is_traceable_wrapper_subclass(dest):
        if isinstance(dest, Parameter) and not isinstance(src, Parameter):
            src = Parameter(src, requires_grad=dest.requires_grad)
        torch.utils.swap_tensors(dest, src)
    else:
        dest.set_(src)


def _check_tensor_like(what: str, Y: torch.Tensor, X: object, dtype_text: str, shape_text: str) -> None:
    """Check that X is a tensor of Y's dtype and shape, with torch's messages."""
    if not isinstance(X, torch.Tensor):
        raise ValueError(f"{what} must return a tensor. Got {type(X).__name__}.")
    if X.dtype != Y.dtype:
        raise ValueError(dtype_text.format(Y=Y.dtype, X=X.dtype))
    if X.shape != Y.shape:
        raise ValueError(shape_text.format(Y=Y.shape, X=X.shape))


# ------------------------------------------------------------------
# ParametrizationList: the original tensor and the chain applied to it
# ------------------------------------------------------------------


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, in order, and the tensor they start from.

    It is a ModuleList, so the parametrizations are submodules (their own
    parameters train too), and `original` is registered on it: that is why
    the state_dict key is `parametrizations.weight.original`.
    """

    def __init__(self, modules: Sequence[Module], original: torch.Tensor, unsafe: bool = False) -> None:
        """Store right_inverse(original) in place of the original, then check the chain once."""
        # An empty chain would make `self[0]` fail later, so it is refused now.
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype

        # What should be stored is right_inverse(original): the tensor that,
        # once parametrized, gives back the original value. Without a
        # right_inverse the original is stored as it is.
        with torch.no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        # right_inverse may give one tensor or a sequence of them, nothing else.
        if not isinstance(new, torch.Tensor) and not isinstance(new, Sequence):
            raise ValueError(
                "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                f"Got {type(new).__name__}"
            )

        # One tensor: written INTO the original (same object, so optimizers
        # holding it keep working) and registered as `original`.
        self.is_tensor = isinstance(new, torch.Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            # Written in place, so it must keep the dtype and device.
            if original.dtype != new.dtype:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                    f"original.dtype: {original.dtype}\nright_inverse(original).dtype: {new.dtype}"
                )
            if original.device != new.device:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the device.\n"
                    f"original.device: {original.device}\nright_inverse(original).device: {new.device}"
                )
            # Overwrite the values; the tensor object stays the same.
            with torch.no_grad():
                _maybe_set(original, new)
            _register_parameter_or_buffer(self, "original", original)
        else:
            # Several tensors: registered as original0, original1, ... with
            # the original's kind (parameter or buffer) and requires_grad.
            for i, originali in enumerate(new):
                if not isinstance(originali, torch.Tensor):
                    raise ValueError(
                        "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                        f"Got element {i} of the sequence with type {type(originali).__name__}."
                    )
                if isinstance(original, Parameter):
                    originali = Parameter(originali, original.requires_grad)
                originali.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", originali)

        # Unless told it is fine (unsafe=True), the parametrized tensor must
        # look like the original: same dtype and shape.
        if not self.unsafe:
            Z = self()
            if not isinstance(Z, torch.Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
            # The same checks as torch, with its messages.
            if Z.dtype != original_dtype:
                raise ValueError(
                    "Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag "
                    f"is enabled.\nunparametrized dtype: {original_dtype}\nparametrized dtype: {Z.dtype}"
                )
            if Z.shape != original_shape:
                raise ValueError(
                    "Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag "
                    f"is enabled.\nunparametrized shape: {original_shape}\nparametrized shape: {Z.shape}"
                )

    def right_inverse(self, value: torch.Tensor) -> None:
        """Store what gives `value` once parametrized: this is `module.weight = value`."""
        with torch.no_grad():
            # Undo the chain from the last parametrization to the first.
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
            # Then write the result into the stored tensor(s), in place.
            if self.is_tensor:
                if not isinstance(value, torch.Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                # In place again, so the dtype must not change.
                if value.dtype != self.original.dtype:
                    raise ValueError(
                        f"The tensor returned by `right_inverse` has dtype {value.dtype} "
                        f"while `original` has dtype {self.original.dtype}"
                    )
                _maybe_set(self.original, value)
            else:
                self._set_originals(value)

    def _set_originals(self, value: Sequence[torch.Tensor]) -> None:
        """Write each tensor of a sequence into original0, original1, ..."""
        if not isinstance(value, Sequence):
            raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
        # As many as were stored at registration.
        if len(value) != self.ntensors:
            raise ValueError(
                f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                f"Got a sequence of length {len(value)}."
            )
        # Each one in place, like a single original.
        for i, tensor in enumerate(value):
            original_i = getattr(self, f"original{i}")
            if not isinstance(tensor, torch.Tensor):
                raise ValueError(
                    "'right_inverse' must return a sequence of tensors or reference-type opaques. "
                    f"Got element {i} of type {type(tensor).__name__}."
                )
            # Written in place, so the dtype must match.
            if original_i.dtype != tensor.dtype:
                raise ValueError(
                    f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} "
                    f"while `original{i}` has dtype {original_i.dtype}"
                )
            _maybe_set(original_i, tensor)

    def forward(self) -> torch.Tensor:
        """Apply the chain to the stored tensor(s): the value `module.weight` returns."""
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        # The others take one tensor each, in order.
        for module in list(self)[1:]:
            x = module(x)
        return x


# ------------------------------------------------------------------
# Swapping the class, and the property that computes the tensor
# ------------------------------------------------------------------


def _inject_new_class(module: Module) -> None:
    """Give `module` its own subclass, `Parametrized<Name>`, to hold properties.

    A property on `Linear` itself would change every Linear; the subclass
    changes this one module. Pickling is refused (the class is made on the
    fly and cannot be found again by name); deepcopy still works.
    """
    cls = module.__class__

    def default_deepcopy(self, memo):
        """Copy the instance dict (and slots) by hand: the usual route calls __getstate__, which refuses."""
        obj = memo.get(id(self), None)
        if obj is not None:
            return obj
        replica = self.__new__(self.__class__)
        memo[id(self)] = replica
        replica.__dict__ = deepcopy(self.__dict__, memo)
        for slot in copyreg._slotnames(self.__class__):
            if hasattr(self, slot):
                setattr(replica, slot, deepcopy(getattr(self, slot), memo))
        return replica

    def getstate(self):
        """Refuse pickling with torch's message, which points to the state_dict way of saving."""
        raise RuntimeError(
            "Serialization of parametrized modules is only supported through state_dict(). See:\n"
            "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
            "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
        )

    # A class that defines its own __deepcopy__ keeps it.
    dct = {"__getstate__": getstate}
    if not hasattr(cls, "__deepcopy__"):
        dct["__deepcopy__"] = default_deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), dct)


def _inject_property(module: Module, tensor_name: str) -> None:
    """Make `module.<tensor_name>` a property: read = parametrize, write = right_inverse."""
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self) -> torch.Tensor:
        """Compute the tensor at every read, unless a `cached()` block is open."""
        parametrization = self.parametrizations[tensor_name]
        if not _cache_enabled:
            return parametrization()
        # Tracing would record the cached tensor as a constant, so it is refused.
        if torch._C._get_tracing_state() is not None:
            raise RuntimeError("Cannot trace a model while caching parametrizations.")
        key = (id(module), tensor_name)
        if _cache.get(key) is None:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self, value: torch.Tensor) -> None:
        """`module.weight = value` stores right_inverse(value) in the original."""
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


# ------------------------------------------------------------------
# The public functions
# ------------------------------------------------------------------


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    """Make `module.<tensor_name>` be `parametrization(original)`; returns the module.

    Registering a second parametrization on the same tensor appends it to
    the chain. `unsafe=True` allows a change of shape or dtype.
    """
    # The parametrization follows the module's train/eval mode from the start.
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        # Already parametrized: check the new link against the current value.
        if not unsafe:
            _check_next_parametrization(module, tensor_name, parametrization)
        # `|=`: once any link is unsafe, the whole chain is.
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        # First time: build the list around the tensor, then remove the
        # tensor from the module, so the property can take its name.
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        # The class is swapped only once per module, for its first parametrization.
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        # Only a registered tensor (or an already parametrized name) can be parametrized.
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name "
            f"'{tensor_name}'"
        )
    return module


def _check_next_parametrization(module: Module, tensor_name: str, parametrization: Module) -> None:
    """A parametrization appended to a chain must keep the tensor's dtype and shape, both ways."""
    # The new link takes the current value, and must give back the same kind of tensor.
    Y = getattr(module, tensor_name)
    X = parametrization(Y)
    where = f"module.{tensor_name}"
    change = "Registering a parametrization may not change the {} of the tensor, unless the `unsafe` flag is enabled."
    dtype_text = change.format("dtype") + f"\n{where}.dtype: {{Y}}\nparametrization({where}).dtype: {{X}}"
    shape_text = change.format("shape") + f"\n{where}.shape: {{Y}}\nparametrization({where}).shape: {{X}}"
    _check_tensor_like("A parametrization", Y, X, dtype_text, shape_text)
    # Its right_inverse, if it has a working one, must do the same.
    if not hasattr(parametrization, "right_inverse"):
        return
    try:
        Z = parametrization.right_inverse(X)
    except NotImplementedError:
        return
    # Torch words this first message differently ("Got:"), so it is checked here.
    if not isinstance(Z, torch.Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(Z).__name__}")
    same = "The tensor returned by parametrization.right_inverse must have the same {} as " + where
    same += ", unless the `unsafe` flag is enabled."
    dtype_text = same.format("dtype") + f"\n{where}.dtype: {{Y}}\nreturned dtype: {{X}}"
    shape_text = same.format("shape") + f"\n{where}.shape: {{Y}}\nreturned shape: {{X}}"
    _check_tensor_like("parametrization.right_inverse", Y, Z, dtype_text, shape_text)


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether the module (or one tensor of it) has a parametrization."""
    parametrizations = getattr(module, "parametrizations", None)
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Turn `module.<tensor_name>` back into a plain parameter or buffer.

    With `leave_parametrized=True` it keeps its current (parametrized)
    value; otherwise it gets the stored original back.
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        # The same tensor object comes back, so optimizers still hold it.
        original = parametrizations.original
        if leave_parametrized:
            with torch.no_grad():
                t = getattr(module, tensor_name)
                _maybe_set(original, t)
    elif leave_parametrized:
        # Several originals cannot be written into one tensor: a new one is made.
        t = getattr(module, tensor_name)
        original = Parameter(t) if t.requires_grad else t
    else:
        raise ValueError(
            "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of "
            "a sequence of tensors."
        )
    # Undo the property and the list, then register the tensor again.
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    # The last one gone: the module gets its own class back.
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The module's class as the user wrote it (`Linear`, not `ParametrizedLinear`)."""
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(
    from_module: Module, to_module: Module, tensor_name: str | None = None
) -> Module:
    """Register `from_module`'s parametrizations (all, or one) on `to_module`, sharing the originals."""
    if not is_parametrized(from_module):
        return to_module
    names = from_module.parametrizations if tensor_name is None else [tensor_name]
    for name in names:
        # A missing tensor is created from the parametrized value first.
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for param_func in from_module.parametrizations[name]:
            register_parametrization(to_module, name, param_func)
        # Then the stored originals are shared, not copied.
        source = from_module.parametrizations[name]
        target = to_module.parametrizations[name]
        if hasattr(source, "original"):
            target.original = source.original
        else:
            for i in range(source.ntensors):
                setattr(target, f"original{i}", getattr(source, f"original{i}"))
    return to_module
