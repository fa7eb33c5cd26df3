"""trace records the Module call tree on torch.nn and on the clone."""

from __future__ import annotations

import sys

import pytest
import torch

import minitorch_module
from minitorch_module.trace import Call, machinery_files, summarize, trace

BACKENDS = {"torch": torch.nn, "clone": minitorch_module}


@pytest.fixture(params=list(BACKENDS), ids=list(BACKENDS))
def nn(request):
    return BACKENDS[request.param]


def two_level(nn):
    model = nn.Module()
    model.inner = nn.Module()
    model.inner.layer = nn.Linear(2, 3)
    return model


def find(calls: list[Call], function: str) -> list[Call]:
    return [c for c in calls if c.function == function]


def test_to_calls_apply_which_calls_apply_on_each_child(nn):
    model = two_level(nn)
    with trace() as t:
        model.to(torch.double)
    (to,) = t.roots
    assert (to.function, to.owner) == ("to", "Module")
    (apply_root,) = find(to.children, "_apply")
    (apply_inner,) = find(apply_root.children, "_apply")
    (apply_layer,) = find(apply_inner.children, "_apply")
    assert (apply_root.owner, apply_inner.owner, apply_layer.owner) == ("Module", "Module", "Linear")
    # The function given to _apply runs once per tensor, as a leaf.
    converts = find(apply_layer.children, "convert")
    assert [c.args for c in converts] == ["t=param(3x2 float32)", "t=param(3 float32)"]
    assert [c.result for c in converts] == ["tensor(3x2 float64)", "tensor(3 float64)"]


def test_inherited_methods_say_where_they_are_defined(nn):
    layer = nn.Linear(1, 1)
    with trace() as t:
        layer.train()
    assert t.roots[0].where == "Module.train" and t.roots[0].owner == "Linear"
    assert t.lines()[0].startswith("Module.train(self=Linear, mode=True)")


def test_generators_appear_once_not_per_item(nn):
    model = nn.Module()
    for name in "abc":
        setattr(model, name, nn.Module())
    with trace() as t:
        list(model.children())
    assert [c.function for c in t.roots] == ["children"]
    assert [c.function for c in t.roots[0].children] == ["named_children"]


def test_nothing_is_installed_after_the_block(nn):
    model = nn.Linear(1, 1)
    with trace() as t:
        model.float()
    assert sys.getprofile() is None
    recorded = len(list(t.calls()))
    model.float()
    assert len(list(t.calls())) == recorded


def test_a_previous_profiler_is_put_back():
    def other(frame, event, arg):
        return None

    sys.setprofile(other)
    try:
        with trace():
            pass
        assert sys.getprofile() is other
    finally:
        sys.setprofile(None)


def test_only_machinery_files_are_followed():
    names = {path.rsplit("/", 1)[-1] for path in machinery_files(minitorch_module.__path__[0])}
    assert "module.py" in names and "explain.py" not in names and "trace.py" not in names
    with trace() as t:
        torch.zeros(2).double()
    assert t.roots == []


def test_a_trace_limited_to_other_files_records_nothing():
    with trace(files=[]) as t:
        minitorch_module.Linear(1, 1).double()
    assert t.roots == []


def test_summaries_are_short():
    assert summarize(torch.zeros(2, 3)) == "tensor(2x3 float32)"
    assert summarize(minitorch_module.Parameter(torch.zeros(1))) == "param(1 float32)"
    assert summarize(torch.nn.Linear(1, 1)) == "Linear"
    assert summarize(torch.float64) == "torch.float64"
    assert len(summarize("x" * 100)) == 30
