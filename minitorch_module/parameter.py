"""Parameter and Buffer: tensors that a Module knows how to register.

A `Parameter` is an ordinary tensor with one extra meaning: "I am a weight
of the model". When you assign one to a module attribute, the module puts it
in `_parameters`, so `parameters()` and `state_dict()` find it. A `Buffer`
marks state that is not trained, such as BatchNorm's running mean.
"""

# Annotations stay as text, so `Parameter` can name itself.
from __future__ import annotations

# `Any` marks values of any type (pickled state, metaclass arguments).
from typing import Any

# Both classes subclass `torch.Tensor`. The second import is the switch
# that makes operations on them return plain tensors (see the class ends).
import torch
from torch._C import _disabled_torch_function_impl

# The public names of this file.
__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy"]


# `isinstance(t, Parameter)` must also say True for tensors of *other*
# subclasses (a custom tensor type) that were made into parameters. Such a
# tensor cannot change its class, so it carries a flag instead, and the
# metaclass looks at the flag. `torch.Tensor`'s own metaclass is
# `torch._C._TensorMeta`, so ours must derive from it.
class _FlagMeta(torch._C._TensorMeta):
    # The name of the flag this metaclass looks for, set per class below.
    _flag_name = ""

    # Python calls this for `isinstance(x, Parameter)`: True for a real
    # Parameter, or for a tensor that carries the flag.
    def __instancecheck__(cls, instance: Any) -> bool:
        # Only the class itself honours the flag, not its subclasses:
        # a flagged tensor is a Parameter, not any subclass of Parameter.
        if cls.__dict__.get("_accepts_flag", False):
            if isinstance(instance, torch.Tensor) and getattr(instance, cls._flag_name, False):
                return True
        return super().__instancecheck__(instance)


# Parameters are flagged `_is_param` ...
class _ParameterMeta(_FlagMeta):
    # The flag `Parameter.__new__` sets on a custom tensor.
    _flag_name = "_is_param"


# ... and buffers `_is_buffer`.
class _BufferMeta(_FlagMeta):
    # The flag `Buffer.__new__` sets.
    _flag_name = "_is_buffer"


class Parameter(torch.Tensor, metaclass=_ParameterMeta):
    """A tensor that is a weight of a module.

    Assigning a `Parameter` to a module attribute registers it: it then shows
    up in `parameters()`, `named_parameters()` and `state_dict()`. A plain
    tensor assigned the same way is just an attribute.

    Args:
        data: the values. `None` gives an empty tensor.
        requires_grad: whether autograd should compute a gradient for it.
            Default `True`, even inside `torch.no_grad()`.

    Examples:
        >>> p = Parameter(torch.ones(2))
        >>> p.requires_grad
        True
    """

    # Honour the `_is_param` flag in `isinstance` (see `_FlagMeta`).
    _accepts_flag = True

    # A tensor class builds its objects in `__new__`, not `__init__`: the
    # object must be a tensor from the start.
    # exercise: parameter
    def __new__(cls, data: torch.Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = torch.empty(0)
        # The common case: a plain tensor (or a Parameter) becomes a Parameter.
        # `_make_subclass` gives a new Python object of class `cls` that
        # shares storage with `data` and is a leaf of the autograd graph.
        if type(data) is torch.Tensor or type(data) is Parameter:
            return torch.Tensor._make_subclass(cls, data, requires_grad)
        # A custom tensor subclass keeps its own class; a flag marks it as a
        # parameter instead (see `_FlagMeta`). `detach()` must keep the class.
        tensor = data.detach().requires_grad_(requires_grad)
        # A subclass whose `detach()` returns another class cannot be one.
        if type(tensor) is not type(data):
            raise RuntimeError(
                f"Creating a Parameter from an instance of type {type(data).__name__} "
                "requires that detach() returns an instance of the same type, but return "
                f"type {type(tensor).__name__} was found instead. To use the type as a "
                "Parameter, please correct the detach() semantics defined by "
                "its __torch_dispatch__() implementation."
            )
        tensor._is_param = True
        return tensor

    # `copy.deepcopy(model)` copies each parameter once. `memo` maps the id of
    # an object already copied to its copy, so a parameter shared by two
    # layers stays shared in the copy.
    def __deepcopy__(self, memo: dict) -> "Parameter":
        if id(self) in memo:
            return memo[id(self)]
        # A new Parameter of the same class, with cloned values.
        copied = type(self)(self.data.clone(memory_format=torch.preserve_format), self.requires_grad)
        memo[id(self)] = copied
        return copied

    # torch prints a Parameter's values as "tensor(...)". Our class is not
    # torch's Parameter, so we print a plain-tensor view of the same data
    # (same values, same requires_grad) to get the same text.
    def __repr__(self) -> str:
        plain = torch.Tensor._make_subclass(torch.Tensor, self.data, self.requires_grad)
        return "Parameter containing:\n" + repr(plain)

    # Pickle stores "call _rebuild_parameter(data, requires_grad, state)".
    # Gradient hooks on the tensor are deliberately not saved: they are
    # usually closures that cannot be pickled.
    def __reduce_ex__(self, protocol: int):
        # Python attributes set on the parameter travel as `state`.
        state = self.__getstate__()
        if not state:
            return (_rebuild_parameter, (self.data, self.requires_grad))
        return (_rebuild_parameter, (self.data, self.requires_grad, state))

    # Operations on a Parameter return plain tensors: `p * 2` is not a
    # parameter. Turning off `__torch_function__` gives exactly that.
    __torch_function__ = _disabled_torch_function_impl


# Unpickling calls this function (named in `Parameter.__reduce_ex__`) with
# the saved data; it lives outside the class so pickle can find it by name.
def _rebuild_parameter(data: torch.Tensor, requires_grad: bool, state: Any = None) -> "Parameter":
    """Rebuild a Parameter when unpickling (see `Parameter.__reduce_ex__`)."""
    param = Parameter(data, requires_grad)
    # Python attributes that a user set on the parameter come back too.
    if state:
        _restore_python_state(param, state)
    return param


# `state` has the same shape as `object.__getstate__()` returns: a dict,
# or a pair (dict, slots dict).
def _restore_python_state(obj: Any, state: Any) -> None:
    if isinstance(state, tuple):
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    # `setattr` on the new tensor, one attribute at a time.
    for name, value in (dict_state or {}).items():
        setattr(obj, name, value)
    for name, value in (slots_state or {}).items():
        setattr(obj, name, value)


class Buffer(torch.Tensor, metaclass=_BufferMeta):
    """A tensor that is module state but not a weight (e.g. a running mean).

    `Buffer(t)` does not create an object of class `Buffer`: it returns a
    detached plain tensor with two marks, `_is_buffer` and `persistent`.
    Assigning it to a module attribute registers it as a buffer.

    Args:
        data: the values. `None` gives an empty tensor.
        persistent: whether `state_dict()` includes it. Default `True`.

    Examples:
        >>> b = Buffer(torch.zeros(3), persistent=False)
        >>> type(b).__name__, b.persistent
        ('Tensor', False)
    """

    # Honour the `_is_buffer` flag in `isinstance`: a buffer is a plain
    # tensor that says "I am a Buffer".
    _accepts_flag = True

    # Like `Parameter.__new__`, but the result is a plain tensor with marks.
    # exercise: parameter
    def __new__(cls, data: torch.Tensor | None = None, *, persistent: bool = True):
        if data is None:
            data = torch.empty(0)
        # A new tensor object that shares memory with `data`; it keeps the
        # requires_grad flag but not the autograd history.
        tensor = data.detach().requires_grad_(data.requires_grad)
        tensor.persistent = persistent
        tensor._is_buffer = True
        return tensor

    # As for Parameter: operations give plain tensors.
    __torch_function__ = _disabled_torch_function_impl


# ------------------------------------------------------------------
# Lazy tensors: a parameter or buffer whose shape is not known yet
# ------------------------------------------------------------------

# `LazyLinear(3)` cannot create its weight: the number of input features is
# known only when the first batch arrives. It holds a placeholder instead,
# an empty tensor of the right class that remembers dtype, device and
# requires_grad. The first forward gives it a shape ("materializes" it) and
# turns it into an ordinary Parameter or tensor by changing its class.
class UninitializedTensorMixin:
    """What UninitializedParameter and UninitializedBuffer share."""

    # The few tensor operations that still make sense without a shape:
    # conversions (so `model.double()` and `.to()` work before the first
    # forward), copying into it, and the checks `_apply` makes.
    _allowed_methods = [
        torch.Tensor.__hash__,
        torch.Tensor.size,
        torch.Tensor.copy_,
        torch.Tensor.is_complex,
        torch.Tensor.is_floating_point,
        torch.Tensor.half,
        torch.Tensor.float,
        torch.Tensor.double,
        torch.Tensor.char,
        torch.Tensor.short,
        torch.Tensor.int,
        torch.Tensor.long,
        torch.Tensor.cuda,
        torch.Tensor.cpu,
        torch.Tensor.to,
        torch.Tensor.get_device,
        torch._has_compatible_shallow_copy_type,
    ]

    # The tensor is changed in place: same Python object, new data, new
    # class. So the module, an optimizer or anyone else holding it sees the
    # real parameter afterwards.
    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the placeholder a shape: new empty data, then become `cls_to_become`."""
        if device is None:
            device = self.data.device
        if dtype is None:
            dtype = self.data.dtype
        self.data = torch.empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    # The shape is the one thing a placeholder does not know. torch names
    # the usual way to get here: loading a lazy state_dict into a real model.
    @property
    def shape(self) -> Any:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. "
            "This error usually happens in `load_state_dict` when trying to load "
            "an uninitialized parameter into an initialized one. "
            "Call `forward` to initialize the parameters before accessing their attributes."
        )

    # `module.share_memory()` reaches this through `_apply`.
    def share_memory_(self) -> Any:
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. "
            "Call `forward` to initialize the parameters before calling "
            "`module.share_memory()`."
        )

    # There are no values to print: just the class name.
    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}>"

    # Pickle stores "call the class again with requires_grad", nothing more.
    def __reduce_ex__(self, proto: Any) -> Any:
        return (self.__class__, (self.requires_grad,))

    # Every torch function called on a placeholder comes here first. Allowed
    # ones run normally ("method-wrapper" is how property reads such as
    # `.dtype` or `.grad` arrive); anything else is a clear ValueError.
    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if func in cls._allowed_methods or func.__class__.__name__ == "method-wrapper":
            return super().__torch_function__(func, types, args, kwargs or {})
        raise ValueError(
            f"Attempted to use an uninitialized parameter in {func}. "
            "This error happens when you are using a `LazyModule` or "
            f"explicitly manipulating `torch.nn.parameter.{cls.__name__}` "
            "objects. When using LazyModules Call `forward` with a dummy batch "
            "to initialize the parameters before calling torch functions"
        )


def is_lazy(param: Any) -> bool:
    """True for an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


# Because it is a Parameter, assigning it to a module attribute registers it
# like any weight: it appears in `parameters()` and `state_dict()` at once.
class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is decided later, by `materialize`.

    Examples:
        >>> p = UninitializedParameter()
        >>> p.materialize((2, 3))
        >>> type(p).__name__, tuple(p.shape)
        ('Parameter', (2, 3))
    """

    # What `materialize` turns it into.
    cls_to_become = Parameter

    # An empty tensor carries the dtype and device until then.
    def __new__(cls, requires_grad: bool = True, device: Any = None, dtype: Any = None):
        data = torch.empty(0, device=device, dtype=dtype)
        return torch.Tensor._make_subclass(cls, data, requires_grad)

    # A deep copy is a new placeholder with the same settings.
    def __deepcopy__(self, memo: dict) -> "UninitializedParameter":
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.data.device, self.data.dtype)
        return memo[id(self)]


# A buffer placeholder, e.g. LazyBatchNorm's running mean. It carries the
# same two marks as `Buffer(...)`, so assigning it registers a buffer.
class UninitializedBuffer(UninitializedTensorMixin, torch.Tensor):
    """A buffer whose shape is decided later; it becomes a plain tensor."""

    # What `materialize` turns it into.
    cls_to_become = torch.Tensor

    # Like Buffer(...): a plain tensor class, plus the buffer marks.
    def __new__(cls, requires_grad: bool = False, device: Any = None, dtype: Any = None, persistent: bool = True):
        data = torch.empty(0, device=device, dtype=dtype)
        tensor = torch.Tensor._make_subclass(cls, data, requires_grad)
        tensor.persistent = persistent
        tensor._is_buffer = True
        return tensor
