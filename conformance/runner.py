"""Run scenarios on backends and compare what they saw."""

from __future__ import annotations

import functools
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any

import torch

from .backends import Backend, torch_backend
from .recorder import See
from .registry import Scenario


@dataclass
class Record:
    """Everything one scenario saw on one backend."""

    scenario: str
    backend: str
    entries: list[tuple[str, Any]] = field(default_factory=list)
    # Set when the scenario raised outside `see.raises`.
    uncaught: tuple[str, str] | None = None
    seconds: float = 0.0
    # Where the uncaught error was raised: (file, line, function) frames.
    trace: list[tuple[str, int, str]] = field(default_factory=list)

    def comparable(self) -> list:
        """The part that must be equal across backends (not name or timing)."""
        return [list(self.entries), self.uncaught]


def run(scenario: Scenario, backend: Backend, seed: int = 0) -> Record:
    """Run `scenario` on `backend` from a fixed random seed."""
    see = See(backend)
    record = Record(scenario.name, backend.name)
    start = time.perf_counter()
    # Every backend starts from the same seed, so layers draw the same
    # initial weights when they consume random numbers in the same order.
    # Only the CPU generator: torch.manual_seed also queues a seed for each
    # GPU kind not yet started, with a stack trace, on every call (slow).
    torch.default_generator.manual_seed(seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            scenario.func(backend.nn, see)
        except Exception as error:  # noqa: BLE001 - reported, never hidden
            record.uncaught = (type(error).__name__, backend.normalize(str(error)))
            record.trace = error_frames(error)
        finally:
            backend.reset_global_state()
    # Warnings nobody asked for still count: torch and the clone must warn
    # alike. `see.warns` entries are already in the record.
    stray = [see._warning(w) for w in caught]
    if stray:
        see.entries.append(("warnings during the scenario", ("warnings", stray)))
    record.entries = see.entries
    record.seconds = time.perf_counter() - start
    return record


def error_frames(error: BaseException) -> list[tuple[str, int, str]]:
    """The (file, line, function) frames an error passed through."""
    return [(f.filename, f.lineno, f.name) for f in traceback.extract_tb(error.__traceback__)]


@functools.lru_cache(maxsize=None)
def _torch() -> Backend:
    return torch_backend()


@functools.lru_cache(maxsize=None)
def oracle(scenario: Scenario) -> Record:
    """The torch record of `scenario`, computed once per process."""
    return run(scenario, _torch())


@dataclass
class Comparison:
    scenario: Scenario
    expected: Record
    actual: Record

    @property
    def agree(self) -> bool:
        return self.expected.comparable() == self.actual.comparable()

    def side_by_side(self, width: int = 60) -> str:
        """Both records, line by line; differing lines are marked with `!`."""
        return side_by_side(self.expected, self.actual, width)


def compare(scenario: Scenario, backend: Backend) -> Comparison:
    return Comparison(scenario, oracle(scenario), run(scenario, backend))


def _show(value: Any, width: int) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def side_by_side(expected: Record, actual: Record, width: int = 60) -> str:
    rows = [f"  {'torch':<{width}} | {actual.backend}", "  " + "-" * width + "-+-" + "-" * width]
    n = max(len(expected.entries), len(actual.entries))
    for i in range(n):
        left = expected.entries[i] if i < len(expected.entries) else None
        right = actual.entries[i] if i < len(actual.entries) else None
        mark = " " if left == right else "!"
        label = (left or right)[0]
        rows.append(f"{mark} {label}")
        rows.append(
            f"{mark}   {_show(left[1], width - 2) if left else '(nothing)':<{width - 2}} | "
            f"{_show(right[1], width) if right else '(nothing)'}"
        )
    if expected.uncaught or actual.uncaught:
        mark = " " if expected.uncaught == actual.uncaught else "!"
        rows.append(f"{mark} uncaught error")
        rows.append(f"{mark}   {_show(expected.uncaught, width - 2):<{width - 2}} | {_show(actual.uncaught, width)}")
    return "\n".join(rows)
