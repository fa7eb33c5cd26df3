"""`see`: the recorder a scenario writes its observations into.

Every observation becomes a plain value (lists, tuples, strings, numbers), so
two records from two backends can be compared with `==` and saved as JSON.
"""

from __future__ import annotations

import linecache
import math
import sys
import types
import warnings
from collections.abc import Mapping
from typing import Any, Callable

import torch

from .backends import Backend


class See:
    """Collects `(label, value)` entries while a scenario runs.

    The label is the scenario's own source line, so a mismatch shows which
    line of user code saw different things.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.entries: list[tuple[str, Any]] = []

    # -- recording ------------------------------------------------------

    def __call__(self, value: Any, label: str | None = None) -> Any:
        """Record `value`. Returns it, so `x = see(f())` reads naturally."""
        self._add(label, self.plain(value))
        return value

    value = __call__

    def keys(self, mapping_or_pairs: Any, label: str | None = None) -> None:
        """Record only the keys of a dict, or the names of `named_*()` pairs."""
        if isinstance(mapping_or_pairs, Mapping):
            keys = list(mapping_or_pairs.keys())
        else:
            keys = [pair[0] for pair in mapping_or_pairs]
        self._add(label, ("keys", keys))

    def same(self, a: Any, b: Any, label: str | None = None) -> None:
        """Record whether `a is b` (identity, not equality)."""
        self._add(label, ("is", a is b))

    def type(self, obj: Any, label: str | None = None) -> None:
        """Record the class name of `obj` (package paths normalized)."""
        self._add(label, ("type", self.backend.normalize(_qualified(type(obj)))))

    def repr(self, obj: Any, label: str | None = None) -> None:
        """Record `repr(obj)` with package names normalized."""
        self._add(label, ("repr", self.backend.normalize(repr(obj))))

    def raises(self, func: Callable[..., Any], *args: Any, label: str | None = None, **kwargs: Any) -> Any:
        """Call `func`; record the exception (type and message) or the result."""
        try:
            result = func(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any error is an observation
            self._add(label, self.plain(error))
            return None
        self._add(label, ("returned", self.plain(result)))
        return result

    def warns(self, func: Callable[..., Any], *args: Any, label: str | None = None, **kwargs: Any) -> Any:
        """Call `func`; record the warnings it gave (category and message)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = self.raises(func, *args, label=label, **kwargs)
        self._add(label, ("warnings", [self._warning(w) for w in caught]))
        return result

    # -- making values plain ------------------------------------------

    def plain(self, value: Any) -> Any:
        """Turn any value into nested tuples/lists of str, int, float, bool, None."""
        if value is None or isinstance(value, (bool, int)):
            return value
        if isinstance(value, float):
            return _plain_float(value)
        if isinstance(value, str):
            return self.backend.normalize(value)
        if isinstance(value, BaseException):
            return ("raised", type(value).__name__, self.backend.normalize(str(value)))
        if isinstance(value, (torch.dtype, torch.device, torch.memory_format)):
            return str(value)
        if isinstance(value, torch.Size):
            return ("size", tuple(value))
        if isinstance(value, torch.Tensor):
            return self._tensor(value)
        if isinstance(value, type):
            return ("class", self.backend.normalize(_qualified(value)))
        if isinstance(value, types.GeneratorType):
            # Do not consume it: `parameters()` being a generator is the point.
            return ("generator",)
        if isinstance(value, Mapping):
            items = [(self.plain(k), self.plain(v)) for k, v in value.items()]
            return ("mapping", type(value).__name__, items)
        if isinstance(value, (list, tuple)):
            kind = type(value).__name__
            return (kind, [self.plain(v) for v in value])
        if isinstance(value, (set, frozenset)):
            return ("set", sorted(repr(self.plain(v)) for v in value))
        if _is_module(value):
            return ("module", self.backend.normalize(_qualified(type(value))))
        if callable(value):
            return ("callable", getattr(value, "__name__", type(value).__name__))
        return ("object", self.backend.normalize(_qualified(type(value))), self.backend.normalize(repr(value)))

    def _tensor(self, t: torch.Tensor) -> tuple:
        kind = "Parameter" if type(t).__name__ == "Parameter" else self.backend.normalize(_qualified(type(t)))
        if t.is_meta:
            values: Any = "meta: no values"
        else:
            values = _plain_nested(t.detach().cpu().tolist())
        return ("tensor", kind, str(t.dtype), str(t.device), tuple(t.shape), t.requires_grad, values)

    def _warning(self, w: warnings.WarningMessage) -> tuple[str, str]:
        return (w.category.__name__, self.backend.normalize(str(w.message)))

    # -- labels -----------------------------------------------------------

    def _add(self, label: str | None, value: Any) -> None:
        self.entries.append((label or _caller_line(), value))


def _caller_line() -> str:
    # Walk up to the first frame outside this file: the scenario's own line.
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    if frame is None:
        return "?"
    text = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"line {frame.f_lineno}: {text}"


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_module(value: Any) -> bool:
    # A backend-independent test: every Module has `_modules` and `named_modules`.
    return hasattr(type(value), "named_modules") and "_modules" in getattr(value, "__dict__", {})


def _plain_float(x: float) -> Any:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _plain_nested(values: Any) -> Any:
    if isinstance(values, list):
        return [_plain_nested(v) for v in values]
    if isinstance(values, float):
        return _plain_float(values)
    if isinstance(values, complex):
        return ("complex", _plain_float(values.real), _plain_float(values.imag))
    return values
