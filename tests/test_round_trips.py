"""Round trips: pickle, copy.deepcopy and torch.save/torch.load of random trees.

Each test builds a random module tree (from `conformance/random_programs.py`)
on torch and on the clone, does the round trip on both, and compares what the
copies look like: structure, sharing, buffers, flags and hooks.
"""

from __future__ import annotations

import copy
import io
import pickle
from typing import Any, Callable

import torch
from hypothesis import given

from conformance.backends import Backend, clone_backend, torch_backend
from conformance.random_programs import load_profile, programs, run_program, snapshot
from conformance.recorder import See

load_profile()

TORCH = torch_backend()
CLONE = clone_backend()


def pre_hook(module: Any, args: tuple) -> None:
    """A forward pre-hook defined at module level, so pickle can find it."""
    return None


def _pickle_copy(module: Any) -> Any:
    return pickle.loads(pickle.dumps(module))


def _round_trip_record(program: list, backend: Backend, copier: Callable[[Any], Any]) -> list:
    # Build the tree, add a hook, copy it, and record what the copy looks like.
    see = See(backend)
    root = run_program(program, backend.nn, see)
    see.entries.clear()
    root.register_forward_pre_hook(pre_hook)
    copied = see.raises(copier, root, label="copy")
    if copied is not None:
        see(snapshot(copied), label="copy snapshot")
        see([hook is pre_hook for hook in copied._forward_pre_hooks.values()], label="hooks kept")
        see(sorted(copied._non_persistent_buffers_set), label="non-persistent buffers")
        # A copy owns new tensors: nothing is shared with the original.
        originals = {id(p) for p in root.parameters()}
        see([id(p) in originals for p in copied.parameters()], label="parameters shared with original")
    backend.reset_global_state()
    return see.entries


@given(programs)
def test_pickle_keeps_a_tree_the_same_way_on_both_backends(program):
    assert _round_trip_record(program, TORCH, _pickle_copy) == _round_trip_record(program, CLONE, _pickle_copy)


@given(programs)
def test_deepcopy_keeps_a_tree_the_same_way_on_both_backends(program):
    assert _round_trip_record(program, TORCH, copy.deepcopy) == _round_trip_record(program, CLONE, copy.deepcopy)


def _saved_state(program: list, backend: Backend) -> bytes:
    root = run_program(program, backend.nn, See(backend))
    buffer = io.BytesIO()
    torch.save(root.state_dict(), buffer)
    return buffer.getvalue()


def _load_record(program: list, backend: Backend, saved: bytes) -> list:
    # A fresh tree from the same program loads the saved state (not strict:
    # the program may have changed names after `state_dict`).
    see = See(backend)
    root = run_program(program, backend.nn, see)
    see.entries.clear()
    state = torch.load(io.BytesIO(saved), weights_only=True)
    see.keys(state, label="loaded keys")
    see.raises(lambda: root.load_state_dict(state, strict=False), label="load_state_dict")
    see(snapshot(root), label="after loading")
    backend.reset_global_state()
    return see.entries


@given(programs)
def test_saved_state_dicts_load_alike_into_both_backends(program):
    from_torch = _saved_state(program, TORCH)
    from_clone = _saved_state(program, CLONE)
    # The clone's state dict is plain tensors, so weights_only loading accepts it.
    expected = _load_record(program, TORCH, from_torch)
    assert _load_record(program, CLONE, from_torch) == expected
    assert _load_record(program, CLONE, from_clone) == expected
    assert _load_record(program, TORCH, from_clone) == expected


def test_a_round_trip_record_shows_the_copy():
    # The comparison must see something: a parameter shows up in the copy.
    program = [("param", 0, "a", "float32", (2,), True, True)]
    record = dict(_round_trip_record(program, TORCH, copy.deepcopy))
    assert record["copy snapshot"] != dict(_round_trip_record([], TORCH, copy.deepcopy))["copy snapshot"]
    assert record["parameters shared with original"] == ("list", [False])
