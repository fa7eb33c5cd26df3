"""The harness itself: it must be able to say "these differ"."""

from __future__ import annotations

import types
import warnings

import pytest
import torch

import minitorch_module
from conformance.backends import Backend, ChainedNamespace, clone_backend, folder_backend, torch_backend
from conformance.recorder import See
from conformance.registry import Scenario, all_scenarios
from conformance.runner import compare, run


def _torch_side_test():
    # The pytest face of the suite; its exercise marks are only registered
    # by conformance/conftest.py, so hide "unknown mark" warnings here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        from conformance import test_scenarios
    return test_scenarios.test_scenario_runs_on_torch


class SloppyModule(minitorch_module.Module):
    """The clone's Module with one deliberate bug: any buffer name is accepted."""

    def register_buffer(self, name, tensor, persistent=True):
        self._buffers[name] = tensor


def _sloppy_backend() -> Backend:
    # Same as the clone, except `nn.Module` is the buggy subclass above.
    nn = ChainedNamespace(types.SimpleNamespace(Module=SloppyModule), minitorch_module)
    return Backend("sloppy", nn, ["minitorch_module"], [minitorch_module.hooks])


def _scenario(name: str) -> Scenario:
    return next(s for s in all_scenarios() if s.name == name)


def _make(func) -> Scenario:
    # A scenario object that is NOT put in the registry.
    return Scenario(func.__name__, "registration", func)


def test_clone_agrees_on_the_example_scenario():
    assert compare(_scenario("register_buffer_rejects_dotted_name"), clone_backend()).agree


def test_wrong_backend_is_reported_as_divergent():
    result = compare(_scenario("register_buffer_rejects_dotted_name"), _sloppy_backend())
    assert not result.agree
    assert result.expected.entries[0][1][:2] == ("raised", "KeyError")
    assert result.actual.entries[0][1] == ("returned", None)


def test_wrong_backend_still_agrees_where_it_is_right():
    # The bug is in register_buffer only; register_parameter still agrees.
    assert compare(_scenario("register_parameter_rejects_dotted_name"), _sloppy_backend()).agree


def test_side_by_side_marks_only_the_differing_line():
    def two_lines(nn, see):
        m = nn.Module()
        see(m.training)
        see.raises(lambda: m.register_buffer("a.b", torch.zeros(1)))

    text = compare(_make(two_lines), _sloppy_backend()).side_by_side()
    marked = [line for line in text.splitlines() if line.startswith("!")]
    assert marked and all("register_buffer" in line or "|" in line for line in marked)
    assert any('register_buffer("a.b"' in line for line in marked)
    assert not any("see(m.training)" in line for line in marked)
    assert any(line.startswith(" ") and "see(m.training)" in line for line in text.splitlines())


def test_uncaught_error_on_one_side_only_differs():
    def crashes_on_clone_only(nn, see):
        see(nn.Module().training)
        if nn is minitorch_module:
            raise RuntimeError("boom")

    result = compare(_make(crashes_on_clone_only), clone_backend())
    assert not result.agree
    assert result.actual.uncaught == ("RuntimeError", "boom")
    assert "uncaught error" in result.side_by_side()


def test_scenario_crashing_on_torch_is_caught():
    def crashes(nn, see):
        see(1)
        nn.Module().register_buffer("a.b", torch.zeros(1))  # not inside see.raises

    scenario = _make(crashes)
    assert run(scenario, torch_backend()).uncaught[0] == "KeyError"
    with pytest.raises(AssertionError, match="outside see.raises"):
        _torch_side_test()(scenario)


def test_scenario_recording_nothing_is_caught():
    def silent(nn, see):
        nn.Module()

    with pytest.raises(AssertionError, match="at least one observation"):
        _torch_side_test()(_make(silent))


def test_normalization_makes_class_paths_equal():
    torch_text = torch_backend().normalize("<torch.nn.modules.linear.Linear object at 0x7f00aa>")
    clone_text = clone_backend().normalize("<minitorch_module.modules.linear.Linear object at 0x55bb01>")
    assert torch_text == clone_text == "<nn.Linear object at 0x…>"
    assert torch_backend().normalize("torch.nn.parameter.Parameter") == "nn.Parameter"
    # Lowercase paths that are not followed by a class name are left alone.
    assert torch_backend().normalize("torch.nn.functional") == "torch.nn.functional"


def test_recorded_types_are_equal_across_backends():
    records = []
    for backend in (torch_backend(), clone_backend()):
        see = See(backend)
        see.type(backend.nn.Linear(1, 1), label="type")
        see.repr(backend.nn.Parameter(torch.ones(1)), label="repr")
        records.append(see.entries)
    assert records[0] == records[1]
    assert records[0][0] == ("type", ("type", "nn.Linear"))


def test_folder_copy_normalizes_to_the_same_names(tmp_path):
    import shutil

    shutil.copytree(minitorch_module.__path__[0], tmp_path / "minitorch_module")
    copy = folder_backend(tmp_path)
    see = See(copy)
    see.type(copy.nn.Linear(1, 1), label="type")
    assert see.entries == [("type", ("type", "nn.Linear"))]
    assert compare(_scenario("register_buffer_rejects_dotted_name"), copy).agree
