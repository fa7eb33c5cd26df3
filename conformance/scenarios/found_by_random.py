"""Scenarios first found by the random programs in `conformance/random_programs.py`.

Each one is the shrunk example hypothesis reported, written as a lesson.
"""

from __future__ import annotations

from conformance.registry import scenario


@scenario("attributes", methods=("__setattr__",))
def assigning_an_int_to_an_empty_child_slot_is_refused(nn, see):
    """A name registered as a child (even as None) only takes a Module or None."""
    m = nn.Module()
    m.add_module("a", None)
    see.raises(lambda: setattr(m, "a", 7))
