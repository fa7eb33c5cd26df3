"""The examples in the clone's docstrings run and show what they say.

This is `pytest --doctest-modules minitorch_module`, made part of the
default `pytest` run. It is a test file rather than a global
`--doctest-modules` option so that only the clone's examples run: the
examples elsewhere (conformance, tests) are illustrations, and one of
them registers a scenario whose name is already taken.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import minitorch_module

MODULES = sorted(info.name for info in pkgutil.walk_packages(minitorch_module.__path__, "minitorch_module."))


def test_every_module_of_the_clone_is_checked():
    # A sanity check on the list itself: the main files are all in it.
    assert {"minitorch_module.modules.module", "minitorch_module.modules.container", "minitorch_module.modules.linear"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output above)"
