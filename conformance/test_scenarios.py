"""The pytest face of the conformance suite: one test per scenario and backend.

`test_scenario[torch-NAME]` checks that the scenario runs cleanly on torch
(its record is the oracle). `test_scenario[clone-NAME]` checks that the clone
saw exactly what torch saw.
"""

from __future__ import annotations

import pytest

from conformance.backends import get_backend
from conformance.registry import all_scenarios
from conformance.runner import compare, oracle

SCENARIOS = all_scenarios()


def _params(side: str) -> list:
    return [
        pytest.param(scenario, id=f"{side}-{scenario.name}", marks=getattr(pytest.mark, scenario.topic))
        for scenario in SCENARIOS
    ]


@pytest.fixture(scope="session")
def impl(request):
    return get_backend(request.config.getoption("--impl"))


@pytest.mark.parametrize("scenario", _params("torch"))
def test_scenario_runs_on_torch(scenario):
    record = oracle(scenario)
    # A scenario that crashes on torch is a bug in the scenario, not a finding.
    assert record.uncaught is None, f"scenario raised outside see.raises on torch: {record.uncaught}"
    assert record.entries, "a scenario must record at least one observation"


@pytest.mark.parametrize("scenario", _params("impl"))
def test_scenario_matches_torch(scenario, impl):
    result = compare(scenario, impl)
    assert result.agree, f"{impl.name} differs from torch:\n{result.side_by_side()}"
