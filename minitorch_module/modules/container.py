"""The five containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict.

A container is an ordinary Module whose children (or parameters) have names
made by the container: "0", "1", "2", ... for the lists, the user's keys for
the dicts. Everything else (state_dict, .to(), train/eval, repr) comes free
from Module, because the items live in `_modules` or `_parameters`.
"""

# Annotations stay as text, so a method can name its own class.
from __future__ import annotations

# Standard library helpers: the dict and list behaviour comes from here.
import operator
from collections import OrderedDict
from collections import abc as container_abcs
from itertools import chain
from typing import Any, Iterable, Iterator, Mapping, TypeVar

# torch only for tensors; Module and Parameter are our own.
import torch

# The base class, and the helper that indents a child's repr.
from .module import Module, _addindent
from ..parameter import Parameter

# The five public names of this file.
__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]

# "Some item type": `_get_item_by_idx` returns what its iterator yields.
_V = TypeVar("_V")


# ---------------------------------------------------------------------------
# Small helpers shared by the list-like containers
# ---------------------------------------------------------------------------


# All list-like containers accept a negative index and reject one that is out
# of range with the same IndexError. `operator.index` turns anything int-like
# (e.g. a numpy integer) into an int and raises TypeError for a float.
def _absolute_index(idx: Any, size: int) -> int:
    """Turn `idx` (maybe negative) into a position in `range(size)`.

    Examples:
        >>> _absolute_index(-1, 3)
        2
    """
    idx = operator.index(idx)
    if not -size <= idx < size:
        raise IndexError(f"index {idx} is out of range")
    return idx % size


# After a delete, the names must be "0", "1", ... again without gaps. Torch
# rebuilds `_modules` as a new OrderedDict in the same order.
def _renumber(module: Module) -> None:
    """Rename the children of `module` to "0", "1", ... keeping their order."""
    values = list(module._modules.values())
    module._modules = OrderedDict((str(i), m) for i, m in enumerate(values))


# `dir()` on a list container would list "0", "1", ...; they are not valid
# attribute names, so torch drops every name made only of digits.
def _dir_without_digits(module: Module) -> list[str]:
    """Return `Module.__dir__` of `module` without the numeric child names."""
    return [key for key in Module.__dir__(module) if not key.isdigit()]


# Both dict containers check the same three things when `update` gets a
# sequence of pairs, with the same wording (only the class name changes).
def _check_pair(owner: str, j: int, pair: Any) -> None:
    """Raise torch's error if `pair` (element #j) is not a (key, value) pair."""
    if not isinstance(pair, container_abcs.Iterable):
        raise TypeError(f"{owner} update sequence element #{j} should be Iterable; is" + type(pair).__name__)
    if not len(pair) == 2:
        raise ValueError(f"{owner} update sequence element #{j} has length {len(pair)}; 2 is required")


# ParameterList and ParameterDict turn a plain tensor into a Parameter, so it
# is registered and trained. Anything else (a string, a module) is stored as is.
def _as_parameter(value: Any) -> Any:
    """Wrap a plain tensor in a Parameter; return any other value unchanged."""
    if isinstance(value, torch.Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


# The two parameter containers describe each item on its own line. The only
# difference: ParameterList prints the dtype (torch.float32) and
# ParameterDict prints the tensor type name (torch.FloatTensor).
def _describe_items(items: Iterable[tuple[Any, Any]], type_name: Any) -> str:
    """Return the extra_repr lines of ParameterList / ParameterDict."""
    lines = []
    for key, value in items:
        if isinstance(value, torch.Tensor):
            size = "x".join(str(s) for s in value.size())
            # Only accelerator devices are printed; CPU is the default.
            on_device = value.device.type in ["cuda", torch._C._get_privateuse1_backend_name()]
            device = f" ({value.device})" if on_device else ""
            kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
            lines.append(f"  ({key}): {kind} containing: [{type_name(value)} of size {size}{device}]")
        else:
            lines.append(f"  ({key}): Object of type: {type(value).__name__}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Sequential
# ---------------------------------------------------------------------------


class Sequential(Module):
    """Run modules one after the other: the output of one is the input of the next.

    Build it from modules (named "0", "1", ...) or from an OrderedDict of
    named modules. It also behaves like a list: index, slice, append, pop.

    Examples:
        >>> import torch
        >>> from minitorch_module import Linear, ReLU
        >>> net = Sequential(Linear(2, 3), ReLU())
        >>> net(torch.zeros(1, 2)).shape
        torch.Size([1, 3])
        >>> len(net), type(net[0]).__name__
        (2, 'Linear')
    """

    # Children are registered with `add_module`, so every check of section
    # 2 of module.py applies to them too.
    def __init__(self, *args: Any) -> None:
        super().__init__()
        # One OrderedDict argument keeps its names; otherwise each module
        # gets its position as a name. A plain dict is NOT accepted as names:
        # torch treats it like any other positional argument.
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    # Children can have any names (from an OrderedDict), so the i-th child is
    # found by position in `_modules`, not by the name str(i).
    def _get_item_by_idx(self, iterator: Iterable[_V], idx: int) -> _V:
        """Return the idx-th item of `iterator` (a view of `_modules`)."""
        position = _absolute_index(idx, len(self))
        return list(iterator)[position]

    # exercise: containers
    def __getitem__(self, idx: slice | int) -> Any:
        """Return one module, or a new container of the same class for a slice."""
        # A slice keeps the names, so `net[1:]` of an OrderedDict-built
        # Sequential still has its named children. The modules are shared.
        if isinstance(idx, slice):
            return self.__class__(OrderedDict(list(self._modules.items())[idx]))
        return self._get_item_by_idx(self._modules.values(), idx)

    def __setitem__(self, idx: int, module: Module) -> None:
        """Replace the module at position `idx` (keeps its name)."""
        # `setattr` goes through `Module.__setattr__`, which checks the type.
        key = self._get_item_by_idx(self._modules.keys(), idx)
        setattr(self, key, module)

    def __delitem__(self, idx: slice | int) -> None:
        """Delete one module or a slice, then renumber the rest "0", "1", ...

        Note: renumbering also renames children that came from an OrderedDict.
        """
        # Collect the names first: deleting while walking `_modules` would
        # change the dict under our feet.
        if isinstance(idx, slice):
            keys = list(self._modules.keys())[idx]
        else:
            keys = [self._get_item_by_idx(self._modules.keys(), idx)]
        for key in keys:
            delattr(self, key)
        _renumber(self)

    # The length is the number of children.
    def __len__(self) -> int:
        return len(self._modules)

    # Iterating gives the modules in order, like a list.
    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    # Hide the "0", "1", ... names from `dir()` (see the helper above).
    def __dir__(self) -> list[str]:
        return _dir_without_digits(self)

    # `+`, `+=`, `*` and `*=` accept only a Sequential / an int, with torch's
    # messages. The new Sequential shares the modules: no copies are made.
    def _check_sequential(self, other: Any) -> None:
        """Raise torch's ValueError if `other` is not a Sequential."""
        if not isinstance(other, Sequential):
            raise ValueError(
                f"add operator supports only objects of Sequential class, but {str(type(other))} is given."
            )

    # The same idea for `*`: the factor must be a positive int.
    def _check_factor(self, other: Any) -> None:
        """Raise torch's error if `other` is not a positive int."""
        if not isinstance(other, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")
        if other <= 0:
            raise ValueError(f"Non-positive multiplication factor {other} for {type(self)}")

    def __add__(self, other: Any) -> Sequential:
        """Return a new Sequential with the modules of `self`, then of `other`."""
        self._check_sequential(other)
        # Always a plain Sequential, even when `self` is a subclass.
        return Sequential().extend(self).extend(other)

    def __iadd__(self, other: Any) -> Sequential:
        """Append the modules of `other` in place."""
        self._check_sequential(other)
        return self.extend(other)

    def __mul__(self, other: Any) -> Sequential:
        """Return a new Sequential that repeats the modules `other` times."""
        self._check_factor(other)
        return Sequential(*(list(self) * other))

    # `3 * net` is the same as `net * 3`.
    def __rmul__(self, other: Any) -> Sequential:
        return self.__mul__(other)

    def __imul__(self, other: Any) -> Sequential:
        """Repeat the modules `other` times, in place."""
        self._check_factor(other)
        # Torch reads the originals by the names "0", "1", ..., so a
        # Sequential built from an OrderedDict raises KeyError here.
        if other > 1:
            originals = [self._modules[str(i)] for i in range(len(self))]
            self.extend(originals * (other - 1))
        return self

    def pop(self, key: int | slice) -> Any:
        """Remove the module at `key` and return it (a Sequential for a slice)."""
        # Built from indexing and `del`, so it renumbers like `del net[i]`.
        value = self[key]
        del self[key]
        return value

    def append(self, module: Module) -> Sequential:
        """Add `module` at the end and return self (so calls can be chained)."""
        # The next free name is the current length: "0", "1", ... have no gaps.
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert `module` before position `index`; `index == len(self)` appends.

        Torch moves the later modules one name up ("1" -> "2") and writes
        `_modules` directly, so no registration hooks run here.
        """
        # Check the value and the index first; torch uses an assert here.
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not (-n <= index <= n):
            raise IndexError(f"Index out of range: {index}")
        if index < 0:
            index += n
        # Shift from the end so nothing is overwritten before it is moved.
        for i in range(n, index, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(index)] = module
        return self

    def extend(self, sequential: Iterable[Module]) -> Sequential:
        """Append every module of `sequential` (any iterable) and return self."""
        # `append` one by one, so each gets the next free name.
        for layer in sequential:
            self.append(layer)
        return self

    # exercise: containers
    def forward(self, input: Any) -> Any:
        """Feed `input` through every module in order."""
        # Each call is `module(input)`, not `module.forward(input)`, so the
        # hooks of every layer run.
        for module in self:
            input = module(input)
        return input


# ---------------------------------------------------------------------------
# ModuleList
# ---------------------------------------------------------------------------


class ModuleList(Module):
    """A Python list of modules whose items are registered as children.

    Use it when `forward` needs the modules in a loop; a plain list would hide
    them from `parameters()`, `state_dict()`, `.to()` and friends.

    Examples:
        >>> from minitorch_module import Linear
        >>> blocks = ModuleList([Linear(2, 2) for _ in range(3)])
        >>> len(list(blocks.parameters()))
        6
    """

    # `+=` is `extend`, which checks that `modules` is iterable.
    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self += modules

    # ModuleList names are always "0", "1", ..., so an index maps straight
    # to a name (Sequential, built from an OrderedDict, cannot do this).
    def _get_abs_string_index(self, idx: Any) -> str:
        """Return the child name ("0", "1", ...) for a possibly negative index."""
        return str(_absolute_index(idx, len(self)))

    def __getitem__(self, idx: int | slice) -> Any:
        """Return one module, or a new container of the same class for a slice."""
        # A slice makes a new list of the same modules (renumbered from "0").
        if isinstance(idx, slice):
            return self.__class__(list(self._modules.values())[idx])
        return self._modules[self._get_abs_string_index(idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        """Replace the module at position `idx`."""
        setattr(self, self._get_abs_string_index(idx), module)

    def __delitem__(self, idx: int | slice) -> None:
        """Delete one module or a slice, then renumber the rest."""
        # `range(len)[idx]` turns a slice into the positions it covers.
        if isinstance(idx, slice):
            names = [str(k) for k in range(len(self._modules))[idx]]
        else:
            names = [self._get_abs_string_index(idx)]
        for name in names:
            delattr(self, name)
        _renumber(self)

    # The length is the number of children.
    def __len__(self) -> int:
        return len(self._modules)

    # Iterating gives the modules in order, like a list.
    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    # `blocks += more` extends in place, like a list.
    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        """Return a new ModuleList with the modules of `self`, then of `other`."""
        # Always a plain ModuleList; the modules are shared, not copied.
        combined = ModuleList()
        for i, module in enumerate(chain(self, other)):
            combined.add_module(str(i), module)
        return combined

    # Hide the "0", "1", ... names from `dir()`.
    def __dir__(self) -> list[str]:
        return _dir_without_digits(self)

    def __repr__(self) -> str:
        """Print the list, folding runs of identical items into `(i-j): n x item`.

        Example: twelve equal transformer blocks print as one block with
        "(0-11): 12 x Block(...)", not twelve times.
        """
        # An empty list prints as `ModuleList()`.
        reprs = [repr(item) for item in self]
        if not reprs:
            return self._get_name() + "()"
        # Group neighbours with the same text: [first index, last index, text].
        runs: list[list[Any]] = []
        for i, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        # One line per run; a run longer than one says how many it holds.
        lines = []
        for first, last, text in runs:
            if first == last:
                line = f"({first}): {text}"
            else:
                line = f"({first}-{last}): {last - first + 1} x {text}"
            lines.append(_addindent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    # exercise: containers
    def insert(self, index: int, module: Module) -> None:
        """Insert `module` before position `index`.

        Unlike Sequential.insert, torch checks nothing here: a negative
        index is not converted and the value is not checked to be a Module.
        """
        # Shift the later modules one name up, from the end, then fill the gap.
        for i in range(len(self._modules), index, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(index)] = module

    def append(self, module: Module) -> ModuleList:
        """Add `module` at the end and return self."""
        # The next free name is the current length.
        self.add_module(str(len(self)), module)
        return self

    def pop(self, key: int | slice) -> Any:
        """Remove the module at `key` and return it."""
        # Indexing then `del`, so the rest is renumbered.
        value = self[key]
        del self[key]
        return value

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of the iterable `modules` and return self."""
        if not isinstance(modules, container_abcs.Iterable):
            raise TypeError("ModuleList.extend should be called with an iterable, but got " + type(modules).__name__)
        # New names continue after the existing ones.
        offset = len(self)
        for i, module in enumerate(modules):
            self.add_module(str(offset + i), module)
        return self


# ---------------------------------------------------------------------------
# ModuleDict
# ---------------------------------------------------------------------------


class ModuleDict(Module):
    """A Python dict of modules whose values are registered as children.

    The keys are the child names, so they follow `add_module`'s rules (a
    string, no dot, not an existing attribute). The order of insertion is kept.

    Examples:
        >>> from minitorch_module import Linear, ReLU
        >>> heads = ModuleDict({"act": ReLU(), "proj": Linear(2, 2)})
        >>> list(heads.keys())
        ['act', 'proj']
    """

    # The constructor is `update`, so both accept the same inputs.
    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    # The dict IS `_modules`: every dict operation below is one line on it.
    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    # Storing goes through `add_module`, so a bad key gets its errors.
    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    # Delete from `_modules` directly; a missing key raises KeyError, as
    # a dict does.
    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    # The number of children.
    def __len__(self) -> int:
        return len(self._modules)

    # Iterating gives the keys, as for a dict (not the modules).
    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    # `"proj" in heads` looks at the keys.
    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module."""
        # Straight on `_modules`: no renumbering is needed for a dict.
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove the module at `key` and return it."""
        # Read, then delete; a missing key raises KeyError from the read.
        value = self[key]
        del self[key]
        return value

    # The views come straight from `_modules`, like a dict's views.
    def keys(self) -> container_abcs.KeysView[str]:
        """Return the keys, in insertion order."""
        return self._modules.keys()

    # A live view too: it shows later changes.
    def items(self) -> container_abcs.ItemsView[str, Module]:
        """Return the (key, module) pairs."""
        return self._modules.items()

    # The modules, in the order of the keys.
    def values(self) -> container_abcs.ValuesView[Module]:
        """Return the modules."""
        return self._modules.values()

    # exercise: containers
    def update(self, modules: Any) -> None:
        """Add modules from a mapping or from an iterable of (key, module) pairs.

        Unlike ParameterDict, a plain dict keeps its own order (not sorted).
        """
        # A string is iterable, so it passes this test and fails later as a pair.
        if not isinstance(modules, container_abcs.Iterable):
            raise TypeError(
                "ModuleDict.update should be called with an iterable of key/value pairs, but got "
                + type(modules).__name__
            )
        # A mapping gives its pairs; otherwise each element must be a pair.
        # A ModuleDict is not an abc Mapping, so it is named here too.
        if isinstance(modules, (ModuleDict, container_abcs.Mapping)):
            for key, module in modules.items():
                self[key] = module
        else:
            for j, pair in enumerate(modules):
                _check_pair("ModuleDict", j, pair)
                self[pair[0]] = pair[1]


# ---------------------------------------------------------------------------
# ParameterList
# ---------------------------------------------------------------------------


class ParameterList(Module):
    """A Python list of parameters, registered under the names "0", "1", ...

    A plain tensor is turned into a Parameter. Other values (a string, a
    module) are allowed and stored as they are.

    Examples:
        >>> import torch
        >>> params = ParameterList([torch.zeros(2), torch.ones(3)])
        >>> [name for name, _ in params.named_parameters()]
        ['0', '1']
    """

    # The items are stored as attributes named "0", "1", ..., so
    # `Module.__setattr__` files each one by its type.
    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        # Items may live in `_parameters`, `_modules` or `__dict__`, so the
        # length is counted here instead of read from one dict.
        self._size = 0
        if values is not None:
            self += values

    # Index to name, as in ModuleList, but against our own `_size`.
    def _get_abs_string_index(self, idx: Any) -> str:
        """Return the item name ("0", "1", ...) for a possibly negative index."""
        return str(_absolute_index(idx, len(self)))

    def __getitem__(self, idx: int | slice) -> Any:
        """Return one item, or a new container of the same class for a slice."""
        # A slice is rebuilt item by item; the parameters are shared.
        if isinstance(idx, slice):
            out = self.__class__()
            for i in range(*idx.indices(len(self))):
                out.append(self[i])
            return out
        # `getattr` finds the item wherever __setattr__ stored it.
        return getattr(self, self._get_abs_string_index(idx))

    def __setitem__(self, idx: int, param: Any) -> None:
        """Store `param` at position `idx` (a plain tensor becomes a Parameter)."""
        # The index must already exist: `append` grows `_size` first.
        name = self._get_abs_string_index(idx)
        setattr(self, name, _as_parameter(param))

    # The counted length (see `__init__`).
    def __len__(self) -> int:
        return self._size

    # Iterate by index, so each item is found wherever it was stored.
    def __iter__(self) -> Iterator[Any]:
        return iter(self[i] for i in range(len(self)))

    # `params += more` extends in place.
    def __iadd__(self, parameters: Iterable[Any]) -> ParameterList:
        return self.extend(parameters)

    # Hide the "0", "1", ... names from `dir()`.
    def __dir__(self) -> list[str]:
        return _dir_without_digits(self)

    def append(self, value: Any) -> ParameterList:
        """Add `value` at the end and return self."""
        # Grow first, so that the new index is in range for __setitem__.
        new_idx = len(self)
        self._size += 1
        self[new_idx] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append every item of `values` and return self.

        A tensor is iterable, but extending by one would split it into rows,
        so torch refuses it.
        """
        if not isinstance(values, container_abcs.Iterable) or isinstance(values, torch.Tensor):
            raise TypeError("ParameterList.extend should be called with an iterable, but got " + type(values).__name__)
        # `append` wraps plain tensors and grows the size.
        for value in values:
            self.append(value)
        return self

    # One line per item, keyed by position, showing the dtype.
    def extra_repr(self) -> str:
        return _describe_items(enumerate(self), lambda p: p.dtype)

    # A ParameterList holds weights; it has no computation. Overriding
    # `__call__` (not `forward`) makes the error message plain.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")


# ---------------------------------------------------------------------------
# ParameterDict
# ---------------------------------------------------------------------------


class ParameterDict(Module):
    """A Python dict of parameters, registered under their keys.

    A plain tensor is turned into a Parameter. Keys must be strings. A plain
    dict given to `update` (or the constructor) is added in SORTED key order;
    an OrderedDict or another ParameterDict keeps its order.

    Examples:
        >>> import torch
        >>> params = ParameterDict({"b": torch.zeros(1), "a": torch.ones(1)})
        >>> list(params.keys())
        ['a', 'b']
    """

    # Like ParameterList, values are attributes named by their keys.
    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        # The keys, in order. A dict with None values works as an ordered set.
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    # Keys become attribute names, so only strings are allowed.
    def _key_to_attr(self, key: Any) -> str:
        """Check that `key` is a string and return the attribute name for it."""
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is "
                f"not a string (type is '{type(key).__name__}'). Open an issue on "
                "github if you need non-string keys."
            )
        return key

    # `getattr` finds the value in `_parameters`, `_modules` or `__dict__`.
    def __getitem__(self, key: str) -> Any:
        return getattr(self, self._key_to_attr(key))

    # Torch records the key BEFORE checking it; a bad key is left in
    # `_keys` after the TypeError. We keep that order on purpose.
    def __setitem__(self, key: str, value: Any) -> None:
        self._keys[key] = None
        attr = self._key_to_attr(key)
        setattr(self, attr, _as_parameter(value))

    # Forget the key, then delete the attribute where it was stored.
    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._key_to_attr(key))

    # `_keys` is the source of truth for size, order and membership.
    def __len__(self) -> int:
        return len(self._keys)

    # Iterating gives the keys, as for a dict.
    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    # `reversed(params)` gives the keys from last to first.
    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    # `"w" in params` looks at the keys.
    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def copy(self) -> ParameterDict:
        """Return a new ParameterDict holding the same parameters (not copies)."""
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def setdefault(self, key: str, default: Any | None = None) -> Any:
        """Return `self[key]`, first storing `default` there if the key is new."""
        # Storing goes through `__setitem__`, so a tensor becomes a Parameter.
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        """Remove every item."""
        # Copy the keys first: `del` changes `_keys` while we loop.
        for key in list(self._keys):
            del self[key]

    def pop(self, key: str) -> Any:
        """Remove the item at `key` and return it."""
        # Read, then delete through `__delitem__`.
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove the last added item and return it as (key, value)."""
        # An empty dict raises dict's own KeyError, as in torch.
        if not self._keys:
            self._keys.popitem()
        # Read the last key without removing it yet, then delete normally.
        key = next(reversed(self._keys))
        value = self[key]
        del self[key]
        return key, value

    def get(self, key: str, default: Any | None = None) -> Any:
        """Return `self[key]` if the key exists, else `default`."""
        return self[key] if key in self else default

    def fromkeys(self, keys: Iterable[str], default: Any | None = None) -> ParameterDict:
        """Return a new ParameterDict with every key mapped to `default`."""
        return ParameterDict((k, default) for k in keys)

    # The keys are a live view of `_keys`; items and values are generators
    # (torch's choice), so they can be used only once.
    def keys(self) -> container_abcs.KeysView[str]:
        """Return the keys, in order."""
        return self._keys.keys()

    def items(self) -> Iterator[tuple[str, Any]]:
        """Return the (key, value) pairs, as a generator (like torch)."""
        return ((k, self[k]) for k in self._keys)

    def values(self) -> Iterator[Any]:
        """Return the values, as a generator (like torch)."""
        return (self[k] for k in self._keys)

    # exercise: containers
    def update(self, parameters: Any) -> None:
        """Add items from a mapping or from an iterable of (key, value) pairs."""
        # Note the typo "ParametersDict": it is torch's message, kept as is.
        if not isinstance(parameters, container_abcs.Iterable):
            raise TypeError(
                "ParametersDict.update should be called with an iterable of key/value pairs, but got "
                + type(parameters).__name__
            )
        # Ordered sources keep their order; a plain mapping is sorted by key.
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs: Iterable[Any] = parameters.items()
        elif isinstance(parameters, container_abcs.Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = parameters
        # Each pair goes through __setitem__, which wraps plain tensors.
        for j, pair in enumerate(pairs):
            _check_pair("ParameterDict", j, pair)
            self[pair[0]] = pair[1]

    # One line per item, keyed by name, showing the tensor type name.
    def extra_repr(self) -> str:
        return _describe_items(self.items(), torch.typename)

    # Like ParameterList: a container of weights cannot be called.
    def __call__(self, input: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")

    # `a | b` and `b |= a` work like dicts: the right side wins on equal keys.
    def __or__(self, other: ParameterDict) -> ParameterDict:
        merged = self.copy()
        merged.update(other)
        return merged

    # `other | self`: here `self` is on the right, so its values win.
    def __ror__(self, other: ParameterDict) -> ParameterDict:
        merged = other.copy()
        merged.update(self)
        return merged

    # `self |= other` updates in place and returns self.
    def __ior__(self, other: ParameterDict) -> ParameterDict:
        self.update(other)
        return self
