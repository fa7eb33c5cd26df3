"""Randomized differential testing: random programs must run alike on both backends.

Hypothesis draws a program (see `conformance/random_programs.py`); it runs on
torch.nn and on the clone, and the two records must be equal step by step.

Profiles (choose with the environment variable HYPOTHESIS_PROFILE):

- "ci" (default): 300 examples, derandomized, so CI is reproducible.
- "thorough": 5,000 examples from fresh random seeds, for a local run:
  `HYPOTHESIS_PROFILE=thorough pytest tests/test_random_differential.py -q`
"""

from __future__ import annotations

from hypothesis import given

from conformance.backends import clone_backend, torch_backend
from conformance.random_programs import load_profile, programs, record_program

load_profile()

TORCH = torch_backend()
CLONE = clone_backend()


def _first_difference(expected: list, actual: list) -> str:
    # Show the first step where the records part, torch on top.
    for (label, left), (_, right) in zip(expected, actual):
        if left != right:
            return f"{label}\n  torch: {left!r}\n  clone: {right!r}"
    return f"records have different lengths: {len(expected)} vs {len(actual)}"


@given(programs)
def test_random_program_runs_alike_on_torch_and_clone(program):
    expected = record_program(program, TORCH)
    actual = record_program(program, CLONE)
    assert expected == actual, _first_difference(expected, actual)


def test_the_recorder_can_see_a_difference():
    # The test above must be able to fail: a different program gives a
    # different record on the same backend.
    one = record_program([("param", 0, "a", "float32", (2,), True, True)], TORCH)
    other = record_program([("param", 0, "a", "float64", (2,), True, True)], TORCH)
    assert one != other
