"""A torch.nn module assigned to a clone module is not registered: the clone warns.

The clone never imports torch.nn.Module, so it recognises torch's classes by
name. The reverse (a clone module inside a torch.nn module) cannot be
detected without patching torch: torch's `__setattr__` simply keeps it as a
plain attribute.
"""

from __future__ import annotations

import warnings

import pytest
import torch

import minitorch_module as nn


def test_torch_module_on_clone_module_warns_and_stays_a_plain_attribute():
    model = nn.Module()
    with pytest.warns(UserWarning, match=r"'fc' of Module is a torch\.nn\.Module \(Linear\)") as record:
        model.fc = torch.nn.Linear(2, 3)
    message = str(record[0].message)
    # The warning says what happened and what it means.
    for words in ("plain attribute", "repr()", "state_dict()", "parameters()", ".to()"):
        assert words in message
    # ...and that is what happened.
    assert isinstance(model.__dict__["fc"], torch.nn.Linear)
    assert list(model.state_dict()) == [] and list(model.parameters()) == []
    assert repr(model) == "Module()"


def test_torch_parameter_on_clone_module_warns():
    model = nn.Module()
    with pytest.warns(UserWarning, match=r"'w' of Module is a torch\.nn\.Parameter"):
        model.w = torch.nn.Parameter(torch.ones(2))
    assert list(model.parameters()) == []


def test_subclass_of_torch_module_is_recognised():
    class Block(torch.nn.Module):
        pass

    with pytest.warns(UserWarning, match=r"torch\.nn\.Module \(Block\)"):
        nn.Linear(2, 2).extra = Block()


def test_clone_values_and_plain_values_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = nn.Module()
        model.fc = nn.Linear(2, 2)
        model.w = nn.Parameter(torch.ones(1))
        model.note, model.t = "text", torch.zeros(1)
    assert list(model.state_dict()) == ["w", "fc.weight", "fc.bias"]


def test_clone_module_inside_torch_module_is_silent_in_torch():
    # Documented limitation: torch's own __setattr__ decides, and we do not
    # patch torch. The clone module becomes a plain attribute there.
    outer = torch.nn.Module()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outer.inner = nn.Linear(2, 2)
    assert list(outer.state_dict()) == []


def test_compile_really_compiles_a_clone_module_with_the_eager_backend():
    # torch's default inductor backend (and aot_eager) reject tensor
    # subclasses other than torch.nn.Parameter at run time, so a clone
    # module compiles with backend="eager" only. Dynamo still traces it.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = torch.randn(5, 3)
    expected = model(x)
    model.compile(backend="eager")
    assert torch.equal(model(x), expected)
    model(x).sum().backward()
    assert model[0].weight.grad is not None
