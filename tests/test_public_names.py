"""`import minitorch_module as nn` must offer torch.nn's names for what it implements."""

from __future__ import annotations

import inspect

import pytest
import torch.nn
import torch.nn.modules.module
import torch.utils.hooks

import minitorch_module


def _torch_object(name: str):
    # torch keeps the global hook functions in torch.nn.modules.module and
    # RemovableHandle in torch.utils.hooks; the clone has them at the top.
    if name.startswith("register_module_"):
        home = torch.nn.modules.module
    elif name == "RemovableHandle":
        home = torch.utils.hooks
    else:
        home = torch.nn
    return getattr(home, name, None)


def test_core_names_are_exported():
    for name in ("Module", "Parameter", "Buffer", "Linear", "Identity"):
        assert name in minitorch_module.__all__, name
        assert getattr(minitorch_module, name) is not None


@pytest.mark.parametrize("name", minitorch_module.__all__)
def test_name_exists_in_torch(name):
    assert _torch_object(name) is not None, f"{name} is exported by the clone but torch.nn has no such name"


@pytest.mark.parametrize("name", minitorch_module.__all__)
def test_name_is_the_same_kind_of_object(name):
    ours, theirs = getattr(minitorch_module, name), _torch_object(name)
    assert inspect.isclass(ours) == inspect.isclass(theirs), name
    assert callable(ours) == callable(theirs), name


@pytest.mark.parametrize("name", minitorch_module.__all__)
def test_name_takes_the_same_arguments(name):
    ours, theirs = getattr(minitorch_module, name), _torch_object(name)
    # Users call these with keywords, so the parameter names must match.
    ours_params = list(inspect.signature(ours).parameters)
    theirs_params = list(inspect.signature(theirs).parameters)
    assert ours_params == theirs_params, f"{name}: {ours_params} != {theirs_params}"


def test_module_subclasses_are_modules():
    for name in minitorch_module.__all__:
        obj = getattr(minitorch_module, name)
        if inspect.isclass(obj) and issubclass(_torch_object(name), torch.nn.Module):
            assert issubclass(obj, minitorch_module.Module), name
