"""Timing: run two or three sides in turns and summarise the samples."""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

# A side is a function that prepares one round (not timed) and returns the
# call to time. Cases that change their model, such as `to(torch.float64)`,
# undo the change in the preparation step.
Prepare = Callable[[], Callable[[], Any]]


@dataclass
class Stats:
    """Summary of the timing samples of one side, in seconds per call."""

    median: float
    q25: float
    q75: float
    rounds: int

    @property
    def spread(self) -> float:
        """The interquartile range as a fraction of the median (0.05 is 5%)."""
        return (self.q75 - self.q25) / self.median if self.median else 0.0

    @classmethod
    def from_samples(cls, samples: list[float]) -> Stats:
        """Summarise samples by their median and quartiles.

        Example:
            >>> Stats.from_samples([1.0, 2.0, 3.0]).median
            2.0
        """
        # With fewer than two samples there are no quartiles to compute.
        if len(samples) < 2:
            return cls(samples[0], samples[0], samples[0], len(samples))
        q25, _, q75 = statistics.quantiles(samples, n=4, method="inclusive")
        return cls(statistics.median(samples), q25, q75, len(samples))

    def to_dict(self) -> dict[str, Any]:
        """The numbers as a plain dict, for the JSON results file."""
        return {"median": self.median, "q25": self.q25, "q75": self.q75, "rounds": self.rounds, "spread": self.spread}


def measure(sides: dict[str, Prepare], rounds: int, repeat: int = 1, warmup: int = 1) -> dict[str, Stats]:
    """Time every side `rounds` times, taking turns, and summarise each.

    Args:
        sides: name -> a function that prepares a round and returns the call to time.
        rounds: how many samples to take of each side.
        repeat: how many calls make one sample (for calls that take microseconds).
        warmup: rounds run first and thrown away (caches, first memory use).

    Example:
        >>> stats = measure({"a": lambda: (lambda: None)}, rounds=3)
        >>> stats["a"].rounds
        3
    """
    samples: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for round_index in range(warmup + rounds):
        # Taking turns, and reversing the order every other round, means a
        # slow moment of the machine (another process, a warm cache) falls
        # on every side alike instead of on one of them.
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            call = sides[name]()
            # Collect garbage before timing, and keep the collector off while
            # timing, so one side does not pay for the other's garbage.
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                for _ in range(repeat):
                    call()
                elapsed = (time.perf_counter() - start) / repeat
            finally:
                gc.enable()
            # The first rounds only warm up: the memory allocator, the CPU
            # caches and Python's own caches are cold the first time.
            if round_index >= warmup:
                samples[name].append(elapsed)
    return {name: Stats.from_samples(values) for name, values in samples.items()}
