"""`help(nn.Module.zero_grad)` shows types, not quoted text, on both backends.

module.py keeps annotations as text while the class is built (so methods
can name `Module`) and turns them into the real objects after; this test
fails if that step is lost.
"""

from __future__ import annotations

import inspect

import pytest
import torch.nn

import minitorch_module


def test_no_module_method_keeps_an_annotation_as_text():
    as_text = [
        (name, argument)
        for name, value in vars(minitorch_module.Module).items()
        if callable(value) and name != "forward"  # forward is a stand-in set after the class
        for argument, annotation in getattr(value, "__annotations__", {}).items()
        if isinstance(annotation, str)
    ]
    assert as_text == []


# Methods whose torch annotations are plain types (most others use `Self`
# or torch's own type aliases, which the clone does not copy).
@pytest.mark.parametrize("name", ["zero_grad", "register_buffer", "get_buffer", "extra_repr", "set_extra_state"])
def test_signature_reads_like_torch(name):
    ours = inspect.signature(getattr(minitorch_module.Module, name))
    theirs = inspect.signature(getattr(torch.nn.Module, name))
    assert str(ours) == str(theirs)
