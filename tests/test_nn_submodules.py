"""`nn.init`, `nn.functional` and `nn.utils` after `import minitorch_module as nn`.

The first two are torch's tensor math. `nn.utils` offers only the helpers
that need no Module machinery; the rest must fail loudly, never run torch's
machinery on the clone's modules.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional
import torch.nn.init
import torch.nn.utils.rnn

import minitorch_module as nn


def test_init_and_functional_are_torch_functions():
    assert nn.init.xavier_uniform_ is torch.nn.init.xavier_uniform_
    assert nn.functional.relu is torch.nn.functional.relu
    # Private helpers too: some programs use them.
    assert nn.init._calculate_fan_in_and_fan_out is torch.nn.init._calculate_fan_in_and_fan_out


def test_submodules_import_like_torch_s():
    import minitorch_module.functional as F
    from minitorch_module.utils.rnn import pad_sequence

    assert F.cross_entropy is torch.nn.functional.cross_entropy
    # nn.utils.rnn is the clone's own, and pads as torch's does.
    sequences = [torch.ones(3, 2), torch.zeros(1, 2)]
    assert pad_sequence is not torch.nn.utils.rnn.pad_sequence
    assert torch.equal(pad_sequence(sequences, padding_value=7.0), torch.nn.utils.rnn.pad_sequence(sequences, padding_value=7.0))


@pytest.mark.parametrize("name", sorted(nn.utils.NOT_IN_THE_CLONE))
def test_module_machinery_in_utils_says_it_is_not_in_the_clone(name):
    assert hasattr(torch.nn.utils, name), f"torch.nn.utils has no {name}: update NOT_IN_THE_CLONE"
    with pytest.raises(AttributeError, match="is not part of the clone"):
        getattr(nn.utils, name)


def test_unknown_utils_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nonsense'"):
        nn.utils.nonsense  # noqa: B018


def test_every_name_of_torch_nn_utils_is_offered_or_explained():
    offered = set(nn.utils.__all__) | set(nn.utils.NOT_IN_THE_CLONE)
    assert set(torch.nn.utils.__all__) <= offered


def test_functional_call_does_not_accept_clone_modules():
    # torch.func.functional_call checks for torch's own nn.Module, which the
    # clone never subclasses. If torch relaxes that, this test says so.
    layer = nn.Linear(2, 1)
    params = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
    with pytest.raises(TypeError, match="is not an instance of torch.nn.Module"):
        torch.func.functional_call(layer, params, (torch.ones(1, 2),))


@pytest.mark.parametrize("name", ["orthogonal", "spectral_norm"])
def test_parametrizations_not_written_yet_say_so(name):
    assert hasattr(torch.nn.utils.parametrizations, name)
    with pytest.raises(AttributeError, match="is not part of the clone yet"):
        getattr(nn.utils.parametrizations, name)
