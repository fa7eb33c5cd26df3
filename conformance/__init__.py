"""Conformance: run the same scenarios on torch.nn and on a clone, and compare.

torch is the oracle: nothing expected is typed by hand. A scenario records what
it sees on torch, then the same scenario runs on the clone, and the two
records must be equal.
"""
